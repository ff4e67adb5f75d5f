package io.drwatch.target;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import io.drwatch.config.Defaults;
import io.drwatch.config.TargetSettings;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.util.Properties;
import java.util.concurrent.ScheduledThreadPoolExecutor;

/**
 * The small pool that is a target's only way in. Every session is read-only, named
 * {@code drwatch}, and bounded by statement, lock and idle-in-transaction timeouts set at connect;
 * socket and connect timeouts bound a server that stops answering (SIGSTOP, network partition).
 */
public final class ConnectionPool implements AutoCloseable {

  /**
   * One housekeeping thread for every pool instead of one per pool (Hikari's default), so 100
   * targets do not cost 100 parked threads. Its tasks only schedule work: connection opens and
   * closes run on each pool's own short-lived executors. Never shut down (daemon).
   */
  static final ScheduledThreadPoolExecutor HOUSEKEEPER = housekeeper();

  private static ScheduledThreadPoolExecutor housekeeper() {
    ScheduledThreadPoolExecutor e = new ScheduledThreadPoolExecutor(1, r -> {
      Thread t = new Thread(r, "drwatch-pool-housekeeper");
      t.setDaemon(true);
      return t;
    });
    e.setRemoveOnCancelPolicy(true);
    e.setExecuteExistingDelayedTasksAfterShutdownPolicy(false);
    return e;
  }

  private final HikariDataSource dataSource;
  private final Reachability reachability;

  public ConnectionPool(TargetSettings target, Defaults defaults, Duration statementTimeout) {
    this(target, defaults, statementTimeout, false);
  }

  /**
   * The heartbeat's session: one connection, named {@code drwatch-heartbeat}, with the same
   * timeouts but not read-only, and {@code synchronous_commit = local} so its write never waits
   * for a synchronous standby. Opened only for a target that enables the heartbeat.
   */
  public static ConnectionPool writer(TargetSettings target, Defaults defaults, Duration statementTimeout) {
    return new ConnectionPool(target, defaults, statementTimeout, true);
  }

  private ConnectionPool(TargetSettings target, Defaults defaults, Duration statementTimeout, boolean writer) {
    HikariConfig hc = new HikariConfig();
    hc.setPoolName("drwatch-" + (writer ? "heartbeat-" : "") + target.name());
    hc.setScheduledExecutor(HOUSEKEEPER);
    hc.setJdbcUrl(target.url());
    hc.setUsername(target.user());
    if (target.password() != null) {
      hc.setPassword(target.password().reveal());
    }
    hc.setMaximumPoolSize(writer ? 1 : defaults.maxConnections());
    hc.setMinimumIdle(0);
    hc.setIdleTimeout(Math.max(10_000, 4 * statementTimeout.toMillis()));
    hc.setMaxLifetime(30 * 60_000L);
    // No borrow may outlast the probe: a crashed server must read down within interval + timeout.
    hc.setConnectionTimeout(borrowTimeout(defaults).toMillis());
    // Validating a pooled connection to a frozen server is part of the borrow's bounded wait.
    hc.setValidationTimeout(Math.max(250, borrowTimeout(defaults).toMillis() / 2));
    // Start even while the database is down; each borrow retries the connection.
    hc.setInitializationFailTimeout(-1);
    hc.setAutoCommit(true);
    hc.setReadOnly(!writer);
    String init = initSql(defaults, statementTimeout);
    Properties props = driverProperties(defaults, statementTimeout);
    tlsProperties(target.tls(), props);
    if (writer) {
      init = init.replace("SET default_transaction_read_only = on",
          "SET default_transaction_read_only = off; SET synchronous_commit = local");
      props.setProperty("ApplicationName", "drwatch-heartbeat");
    }
    hc.setConnectionInitSql(init);
    hc.setDataSourceProperties(props);
    this.dataSource = new HikariDataSource(hc);
    this.reachability = Reachability.of(target.url(), borrowTimeout(defaults));
  }

  /** The longest a borrow waits for a connection: the connect timeout, never beyond the probe's. */
  static Duration borrowTimeout(Defaults defaults) {
    long ms = Math.min(defaults.connectTimeout().toMillis(), defaults.timeout().toMillis());
    return Duration.ofMillis(Math.max(250, ms));
  }

  /** What every drwatch session runs first: read-only, and bounded by statement and lock timeouts. */
  static String initSql(Defaults defaults, Duration statementTimeout) {
    return String.join("; ",
        "SET default_transaction_read_only = on",
        "SET statement_timeout = " + statementTimeout.toMillis(),
        "SET lock_timeout = " + defaults.lockTimeout().toMillis(),
        "SET idle_in_transaction_session_timeout = " + defaults.idleInTransactionTimeout().toMillis());
  }

  /** Driver properties of every drwatch session (user and password are added by the caller). */
  static Properties driverProperties(Defaults defaults, Duration statementTimeout) {
    Properties p = new Properties();
    p.setProperty("ApplicationName", "drwatch");
    p.setProperty("connectTimeout", seconds(defaults.connectTimeout()));
    // No login timeout in the driver: it would log in on a thread of its own and abandon it at the
    // timeout, so each retry against a server that accepts TCP but never answers (frozen, swapping)
    // left one more half-open login behind. The pool's connectionTimeout bounds the wait instead,
    // its single adder thread keeps one login in flight, and socketTimeout ends that login.
    // Explicit 0, because Hikari sets DriverManager's global login timeout, which the driver reads.
    p.setProperty("loginTimeout", "0");
    // Last resort when a cancel cannot reach a frozen server: the socket read gives up.
    p.setProperty("socketTimeout", seconds(statementTimeout.multipliedBy(2).plusSeconds(5)));
    p.setProperty("cancelSignalTimeout", seconds(defaults.connectTimeout()));
    p.setProperty("tcpKeepAlive", "true");
    // Prepared statements on the server would pin plans per session; monitoring SQL is cheap to plan.
    p.setProperty("prepareThreshold", "0");
    return p;
  }

  /** The target's database TLS settings as pgjdbc properties (nothing when it has none). */
  static Properties tlsProperties(TargetSettings.DbTls tls, Properties p) {
    if (tls == null) {
      return p;
    }
    putIfSet(p, "sslmode", tls.sslmode());
    putIfSet(p, "sslrootcert", tls.sslrootcert());
    putIfSet(p, "sslcert", tls.sslcert());
    putIfSet(p, "sslkey", tls.sslkey());
    if (tls.sslpassword() != null) {
      p.setProperty("sslpassword", tls.sslpassword().reveal());
    }
    return p;
  }

  private static void putIfSet(Properties p, String key, String value) {
    if (value != null) {
      p.setProperty(key, value);
    }
  }

  private static String seconds(Duration d) {
    return Long.toString(Math.max(1, (d.toMillis() + 999) / 1000));
  }

  public Connection borrow() throws SQLException {
    return dataSource.getConnection();
  }

  /**
   * The probe's borrow. With no idle connection to reuse (start, or after the pool dropped the
   * broken connections of a crashed server) the pool would retry a refused connect until its
   * timeout; one TCP connect first makes a refusal count at once. The server forks a backend for
   * it that exits without logging (PostgreSQL ignores a connection closed before any byte).
   */
  public Connection borrowForProbe() throws SQLException {
    var mx = dataSource.getHikariPoolMXBean();
    if (mx == null || mx.getIdleConnections() == 0) {
      reachability.check();
    }
    return borrow();
  }

  /** Connections currently open to the server (for tests and /api/targets). */
  public int openConnections() {
    var mx = dataSource.getHikariPoolMXBean();
    return mx == null ? 0 : mx.getTotalConnections();
  }

  @Override
  public void close() {
    dataSource.close();
  }
}
