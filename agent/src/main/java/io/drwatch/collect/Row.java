package io.drwatch.collect;

import java.sql.Timestamp;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.Map;
import org.postgresql.util.PGInterval;
import org.postgresql.util.PGobject;

/**
 * One result row read by column name; every getter returns null for SQL NULL. The one place a
 * column value becomes a sample value ({@link #number(Object)}) or label text ({@link #text(Object)}),
 * for the built-in collectors and the ones defined in the config alike.
 */
public final class Row {

  private final Map<String, Object> values;

  public Row(Map<String, Object> values) {
    this.values = values;
  }

  public boolean has(String column) {
    return values.containsKey(column);
  }

  public Object get(String column) {
    if (!values.containsKey(column)) {
      throw new IllegalArgumentException("no column " + column + " in result " + values.keySet());
    }
    return values.get(column);
  }

  public String string(String column) {
    Object v = get(column);
    return v == null ? null : v.toString();
  }

  public Double dbl(String column) {
    try {
      return number(get(column));
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("column " + column + " " + e.getMessage(), e);
    }
  }

  public Long lng(String column) {
    Object v = get(column);
    if (v == null) {
      return null;
    }
    if (v instanceof Number n) {
      return n.longValue();
    }
    return Long.parseLong(v.toString());
  }

  public Boolean bool(String column) {
    Object v = get(column);
    if (v == null) {
      return null;
    }
    if (v instanceof Boolean b) {
      return b;
    }
    String s = v.toString();
    return s.equalsIgnoreCase("t") || s.equalsIgnoreCase("true") || s.equals("1");
  }

  /** A timestamp column as Unix seconds (fractional). */
  public Double epochSeconds(String column) {
    Object v = get(column);
    if (v == null || v instanceof Timestamp || v instanceof OffsetDateTime || v instanceof LocalDateTime
        || v instanceof Number) {
      return number(v);
    }
    throw new IllegalArgumentException("column " + column + " is not a timestamp: " + v.getClass());
  }

  /**
   * A column value as a sample value: numbers and booleans as they are, an interval in seconds (a
   * month is 30 days and a year 365.25, as {@code extract(epoch FROM interval)} counts them), a
   * timestamp in Unix seconds, text that parses as a number; null for NULL.
   *
   * @throws IllegalArgumentException saying what the value holds instead ("holds text …")
   */
  public static Double number(Object v) {
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
        String shown = text.length() > 40 ? text.substring(0, 40) + "…" : text;
        throw new IllegalArgumentException("holds text \"" + shown + "\", not a number");
      }
    }
    throw new IllegalArgumentException("holds a " + v.getClass().getSimpleName()
        + " value; cast it to a number in the SQL");
  }

  /** An interval in seconds, counted as {@code extract(epoch FROM interval)} does. */
  public static double seconds(PGInterval i) {
    double days = i.getYears() * 365.25 + i.getMonths() * 30.0 + i.getDays();
    return days * 86400 + i.getHours() * 3600.0 + i.getMinutes() * 60.0 + i.getSeconds();
  }

  /** A column value as label text. */
  public static String text(Object v) {
    if (v instanceof PGobject o) {
      return o.getValue() == null ? "" : o.getValue();
    }
    return v.toString();
  }

  @Override
  public String toString() {
    return values.toString();
  }
}
