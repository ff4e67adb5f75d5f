package io.drwatch.collect;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The only way collectors reach the database: every statement carries the collector's timeout
 * (the driver cancels it server-side when it fires) and results are read by column name.
 */
public final class Db {

  private final Connection connection;
  private final Duration timeout;
  private final int timeoutSeconds;
  private final List<String> warnings = new ArrayList<>();

  public Db(Connection connection, Duration timeout) {
    this.connection = connection;
    this.timeout = timeout;
    // JDBC query timeouts are whole seconds; round up so a 500ms timeout still applies.
    this.timeoutSeconds = (int) Math.max(1, (timeout.toMillis() + 999) / 1000);
  }

  /** The run's timeout, for collectors that bound work other than SQL (a command they run). */
  public Duration timeout() {
    return timeout;
  }

  public List<Row> query(String sql, Object... params) throws SQLException {
    if (connection == null) {
      throw new IllegalStateException("this collector declared that it needs no connection");
    }
    try (PreparedStatement st = connection.prepareStatement(sql)) {
      st.setQueryTimeout(timeoutSeconds);
      for (int i = 0; i < params.length; i++) {
        st.setObject(i + 1, params[i]);
      }
      try (ResultSet rs = st.executeQuery()) {
        ResultSetMetaData md = rs.getMetaData();
        int n = md.getColumnCount();
        List<Row> rows = new ArrayList<>();
        while (rs.next()) {
          Map<String, Object> values = new LinkedHashMap<>(n * 2);
          for (int c = 1; c <= n; c++) {
            values.put(md.getColumnLabel(c), rs.getObject(c));
          }
          rows.add(new Row(values));
        }
        return rows;
      }
    }
  }

  /**
   * Records a problem that cost the collector part of its output (say, a privilege it lacks) while
   * the rest of its samples stand; the scheduler logs each distinct warning once.
   */
  public void warn(String message) {
    warnings.add(message);
  }

  public List<String> warnings() {
    return List.copyOf(warnings);
  }

  /** SQLSTATE 42501: the monitoring role lacks a privilege. */
  public static boolean isPermissionDenied(SQLException e) {
    return "42501".equals(e.getSQLState());
  }

  public Optional<Row> queryOne(String sql, Object... params) throws SQLException {
    List<Row> rows = query(sql, params);
    return rows.isEmpty() ? Optional.empty() : Optional.of(rows.get(0));
  }
}
