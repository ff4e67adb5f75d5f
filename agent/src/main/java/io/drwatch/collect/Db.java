package io.drwatch.collect;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.SQLException;
import java.sql.Statement;
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
  private final String database;

  public Db(Connection connection, Duration timeout) {
    this(connection, timeout, null);
  }

  /** @param database the database the connection is to, or null to ask the connection */
  public Db(Connection connection, Duration timeout, String database) {
    this.connection = connection;
    this.database = database;
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

  /** A result with its column names in order, as the server sent them (even for zero rows). */
  public record Table(List<String> columns, List<Row> rows) {}

  /**
   * Runs SQL written by a user (custom collectors): a plain statement, so {@code ?} is an operator
   * rather than a parameter and no JDBC escape processing rewrites the text; same timeout.
   */
  public Table table(String sql) throws SQLException {
    try (Statement st = connection.createStatement()) {
      st.setQueryTimeout(timeoutSeconds);
      st.setEscapeProcessing(false);
      try (ResultSet rs = st.executeQuery(sql)) {
        ResultSetMetaData md = rs.getMetaData();
        int n = md.getColumnCount();
        List<String> columns = new ArrayList<>(n);
        for (int c = 1; c <= n; c++) {
          columns.add(md.getColumnLabel(c));
        }
        List<Row> rows = new ArrayList<>();
        while (rs.next()) {
          Map<String, Object> values = new LinkedHashMap<>(n * 2);
          for (int c = 1; c <= n; c++) {
            values.put(columns.get(c - 1), rs.getObject(c));
          }
          rows.add(new Row(values));
        }
        return new Table(List.copyOf(columns), rows);
      }
    } catch (SQLException e) {
      if ("57014".equals(e.getSQLState())) {
        throw new SQLException("cancelled at the collector's timeout of " + timeoutSeconds + "s", "57014", e);
      }
      throw e;
    }
  }

  /** The database this session is connected to. */
  public String database() throws SQLException {
    return database != null ? database : connection.getCatalog();
  }

  /** A statement that returns no rows (SET LOCAL, INSERT); same timeout. Returns the update count. */
  public int update(String sql, Object... params) throws SQLException {
    try (PreparedStatement st = connection.prepareStatement(sql)) {
      st.setQueryTimeout(timeoutSeconds);
      for (int i = 0; i < params.length; i++) {
        st.setObject(i + 1, params[i]);
      }
      return st.executeUpdate();
    }
  }

  /** Work that must commit or roll back as one transaction on this session. */
  @FunctionalInterface
  public interface Work<T> {
    T run(Db db) throws SQLException;
  }

  /**
   * Runs {@code work} in one transaction: committed when it returns, rolled back when it throws.
   * Only the heartbeat writes, and only on its own session; on the read-only pool a write still
   * fails (SQLSTATE 25006).
   */
  public <T> T transaction(Work<T> work) throws SQLException {
    boolean autoCommit = connection.getAutoCommit();
    connection.setAutoCommit(false);
    try {
      T result = work.run(this);
      connection.commit();
      return result;
    } catch (SQLException | RuntimeException e) {
      try {
        connection.rollback();
      } catch (SQLException suppressed) {
        e.addSuppressed(suppressed);
      }
      throw e;
    } finally {
      connection.setAutoCommit(autoCommit);
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
