package io.drwatch.collect.custom;

import java.sql.Timestamp;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import org.postgresql.util.PGInterval;
import org.postgresql.util.PGobject;

/**
 * Column values of user SQL as sample values and label values. Numbers and booleans are taken as
 * they are, an interval becomes seconds (a month is 30 days and a year 365.25, as
 * {@code extract(epoch FROM interval)} counts them), a timestamp becomes Unix seconds, and text
 * must parse as a number. NULL is no sample.
 */
final class Values {

  private Values() {}

  static Double number(Object v, String collector, String column) {
    if (v == null) {
      return null;
    }
    if (v instanceof Number n) {
      return n.doubleValue();
    }
    if (v instanceof Boolean b) {
      return b ? 1.0 : 0.0;
    }
    if (v instanceof PGInterval i) {
      return seconds(i);
    }
    if (v instanceof Timestamp ts) {
      return ts.getTime() / 1000.0 + (ts.getNanos() % 1_000_000) / 1e9;
    }
    if (v instanceof OffsetDateTime odt) {
      return odt.toEpochSecond() + odt.getNano() / 1e9;
    }
    if (v instanceof LocalDateTime ldt) {
      return ldt.toEpochSecond(ZoneOffset.UTC) + ldt.getNano() / 1e9;
    }
    String text = v instanceof PGobject o ? o.getValue() : v instanceof String s ? s : null;
    if (text != null) {
      try {
        return Double.parseDouble(text.trim());
      } catch (NumberFormatException e) {
        throw new IllegalStateException("custom collector " + collector + ": column \"" + column
            + "\" is mapped as a metric but holds " + shorten(text) + ", not a number");
      }
    }
    throw new IllegalStateException("custom collector " + collector + ": column \"" + column
        + "\" is mapped as a metric but holds a " + v.getClass().getSimpleName()
        + " value; cast it to a number in the SQL");
  }

  static double seconds(PGInterval i) {
    double days = i.getYears() * 365.25 + i.getMonths() * 30.0 + i.getDays();
    return days * 86400 + i.getHours() * 3600.0 + i.getMinutes() * 60.0 + i.getSeconds();
  }

  static String text(Object v) {
    if (v instanceof PGobject o) {
      return o.getValue() == null ? "" : o.getValue();
    }
    return v.toString();
  }

  private static String shorten(String s) {
    String q = "\"" + (s.length() > 40 ? s.substring(0, 40) + "…" : s) + "\"";
    return "text " + q;
  }
}
