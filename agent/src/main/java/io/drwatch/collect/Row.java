package io.drwatch.collect;

import java.math.BigDecimal;
import java.sql.Timestamp;
import java.time.OffsetDateTime;
import java.util.Map;

/** One result row read by column name; every getter returns null for SQL NULL. */
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
    Object v = get(column);
    if (v == null) {
      return null;
    }
    if (v instanceof Number n) {
      return n.doubleValue();
    }
    if (v instanceof Boolean b) {
      return b ? 1.0 : 0.0;
    }
    return new BigDecimal(v.toString()).doubleValue();
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
    if (v == null) {
      return null;
    }
    if (v instanceof Timestamp ts) {
      return ts.getTime() / 1000.0 + (ts.getNanos() % 1_000_000) / 1e9;
    }
    if (v instanceof OffsetDateTime odt) {
      return odt.toEpochSecond() + odt.getNano() / 1e9;
    }
    if (v instanceof Number n) {
      return n.doubleValue();
    }
    throw new IllegalArgumentException("column " + column + " is not a timestamp: " + v.getClass());
  }

  @Override
  public String toString() {
    return values.toString();
  }
}
