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
  private final int timeoutSeconds;
  private final List<String> warnings = new ArrayList<>();

  public Db(Connection connection, Duration timeout) {
    this.connection = connection;
    // JDBC query timeouts are whole seconds; round up so a 500ms timeout still applies.
    this.timeoutSeconds = (int) Math.max(1, (timeout.toMillis() + 999) / 1000);
  }

  public List<Row> query(String sql, Object... params) throws SQLException {
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

  /** Reads a result set as it arrives; for large results where a map per row would cost too much. */
  @FunctionalInterface
  public interface ResultReader<T> {
    T read(ResultSet rs) throws SQLException;
  }

  /**
   * Runs a query like {@link #query} but hands the open result set to {@code reader} instead of
   * materialising rows. Values travel in binary form, so numeric getters allocate nothing.
   */
  public <T> T stream(String sql, ResultReader<T> reader, Object... params) throws SQLException {
    try (PreparedStatement st = connection.prepareStatement(sql)) {
      st.setQueryTimeout(timeoutSeconds);
      if (st.isWrapperFor(org.postgresql.PGStatement.class)) {
        st.unwrap(org.postgresql.PGStatement.class).setPrepareThreshold(-1); // binary from the first run
      }
      for (int i = 0; i < params.length; i++) {
        st.setObject(i + 1, params[i]);
      }
      try (ResultSet rs = st.executeQuery()) {
        return reader.read(rs);
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
