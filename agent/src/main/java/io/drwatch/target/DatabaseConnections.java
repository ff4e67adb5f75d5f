package io.drwatch.target;

import io.drwatch.config.Defaults;
import io.drwatch.config.TargetSettings;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.Iterator;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * Connections from one target to its other databases (database fan-out): at most {@code max} open
 * at once, whatever the number of databases, each with the same read-only session settings as the
 * target's pool. A connection is reused by runs that follow each other closely, but closed once it
 * was idle for {@link #IDLE} and not reused once it is {@link #MAX_LIFE} old, so no drwatch session
 * stays in a database for long: a plain {@code DROP DATABASE} or {@code CREATE DATABASE … TEMPLATE}
 * (both wait five seconds for other sessions to leave) is not blocked by drwatch.
 */
public final class DatabaseConnections implements AutoCloseable {

  public static final Duration IDLE = Duration.ofSeconds(1);
  public static final Duration MAX_LIFE = Duration.ofSeconds(2);

  private static final ScheduledExecutorService SWEEPER = Executors.newSingleThreadScheduledExecutor(r -> {
    Thread t = new Thread(r, "drwatch-database-sweeper");
    t.setDaemon(true);
    return t;
  });

  private record Idle(String database, Connection connection, long openedNanos, long sinceNanos) {}

  /** A borrowed connection; closing it hands it back. */
  public final class Lease implements AutoCloseable {
    private final String database;
    private final Connection connection;
    private final long openedNanos;
    private boolean discard;

    private Lease(String database, Connection connection, long openedNanos) {
      this.database = database;
      this.connection = connection;
      this.openedNanos = openedNanos;
    }

    public Connection connection() {
      return connection;
    }

    /** The connection is not to be reused (it failed); closing the lease closes it. */
    public void discard() {
      discard = true;
    }

    @Override
    public void close() {
      giveBack(this);
    }
  }

  private final TargetSettings target;
  private final Duration connectTimeout;
  private final String initSql;
  private final Properties properties;
  private final int max;
  private final Deque<Idle> idle = new ArrayDeque<>();
  private final ScheduledFuture<?> sweep;
  private int open;
  private int peak;
  private boolean closed;

  public DatabaseConnections(TargetSettings target, Defaults defaults, Duration statementTimeout) {
    this.target = target;
    this.connectTimeout = defaults.connectTimeout();
    this.initSql = ConnectionPool.initSql(defaults, statementTimeout);
    this.properties = ConnectionPool.driverProperties(defaults, statementTimeout);
    ConnectionPool.tlsProperties(target.tls(), properties);
    properties.setProperty("user", target.user());
    if (target.password() != null) {
      properties.setProperty("password", target.password().reveal());
    }
    this.max = target.databaseConnections();
    long ms = IDLE.toMillis() / 4;
    this.sweep = SWEEPER.scheduleWithFixedDelay(this::sweep, ms, ms, TimeUnit.MILLISECONDS);
  }

  /**
   * A connection to {@code database}: an idle one to it, a new one while fewer than {@code max}
   * are open, or one made by closing an idle connection to another database; otherwise waits up
   * to the connect timeout for one to come back.
   */
  public Lease borrow(String database) throws SQLException {
    long deadline = System.nanoTime() + connectTimeout.toNanos();
    Connection evict = null;
    synchronized (this) {
      while (true) {
        if (closed) {
          throw new SQLException("target " + target.name() + " is closing");
        }
        Idle same = takeIdle(database);
        if (same != null) {
          return new Lease(database, same.connection(), same.openedNanos());
        }
        if (open < max) {
          open++;
          peak = Math.max(peak, open);
          break;
        }
        if (!idle.isEmpty()) {
          evict = idle.pollFirst().connection(); // the oldest idle one, to another database
          break;
        }
        long left = deadline - System.nanoTime();
        if (left <= 0) {
          throw new SQLException("no connection to another database free within " + connectTimeout.toMillis()
              + " ms (database-connections = " + max + ")");
        }
        try {
          TimeUnit.NANOSECONDS.timedWait(this, left);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          throw new SQLException("interrupted while waiting for a connection");
        }
      }
    }
    quietlyClose(evict);
    try {
      long opened = System.nanoTime();
      return new Lease(database, connect(database), opened);
    } catch (SQLException | RuntimeException e) {
      synchronized (this) {
        open--;
        notifyAll();
      }
      throw e;
    }
  }

  /**
   * Logs in on the caller's thread (the driver's loginTimeout is 0, see ConnectionPool): a server
   * that never answers holds the caller up to the socket timeout, as a hung query would, instead
   * of leaving an abandoned login behind; the slot stays counted in {@code open} meanwhile.
   */
  private Connection connect(String database) throws SQLException {
    Connection c = new org.postgresql.Driver().connect(JdbcUrls.withDatabase(target.url(), database), properties);
    if (c == null) {
      throw new SQLException("the driver does not accept " + target.name() + "'s URL");
    }
    try {
      c.setAutoCommit(true);
      c.setReadOnly(true);
      try (Statement st = c.createStatement()) {
        st.execute(initSql);
      }
      return c;
    } catch (SQLException | RuntimeException e) {
      quietlyClose(c);
      throw e;
    }
  }

  private Idle takeIdle(String database) {
    for (Iterator<Idle> it = idle.iterator(); it.hasNext(); ) {
      Idle i = it.next();
      if (i.database().equals(database)) {
        it.remove();
        return i;
      }
    }
    return null;
  }

  private void giveBack(Lease lease) {
    boolean reuse;
    long now = System.nanoTime();
    try {
      reuse = !lease.discard && now - lease.openedNanos < MAX_LIFE.toNanos() && !lease.connection.isClosed();
    } catch (SQLException e) {
      reuse = false;
    }
    synchronized (this) {
      if (reuse && !closed) {
        idle.addLast(new Idle(lease.database, lease.connection, lease.openedNanos, now));
        notifyAll();
        return;
      }
    }
    // Closed before its slot is free: a waiting run must not open the next one while this one
    // is still a session on the server.
    quietlyClose(lease.connection);
    release(1);
  }

  private synchronized void release(int connections) {
    open -= connections;
    notifyAll();
  }

  /** Closes idle connections to a database (it was dropped, or left the selection). */
  public void forget(String database) {
    List<Connection> gone = new ArrayList<>();
    synchronized (this) {
      for (Iterator<Idle> it = idle.iterator(); it.hasNext(); ) {
        Idle i = it.next();
        if (i.database().equals(database)) {
          it.remove();
          gone.add(i.connection());
        }
      }
    }
    gone.forEach(DatabaseConnections::quietlyClose);
    release(gone.size());
  }

  private void sweep() {
    List<Connection> gone = new ArrayList<>();
    long now = System.nanoTime();
    synchronized (this) {
      for (Iterator<Idle> it = idle.iterator(); it.hasNext(); ) {
        Idle i = it.next();
        if (now - i.sinceNanos() >= IDLE.toNanos() || now - i.openedNanos() >= MAX_LIFE.toNanos()) {
          it.remove();
          gone.add(i.connection());
        }
      }
    }
    if (!gone.isEmpty()) {
      gone.forEach(DatabaseConnections::quietlyClose);
      release(gone.size());
    }
  }

  /** Connections open now (idle or in use). */
  public synchronized int openConnections() {
    return open;
  }

  /** The most connections that were open at once. */
  public synchronized int peakConnections() {
    return peak;
  }

  @Override
  public void close() {
    List<Connection> gone = new ArrayList<>();
    synchronized (this) {
      closed = true;
      idle.forEach(i -> gone.add(i.connection()));
      open -= idle.size();
      idle.clear();
      notifyAll();
    }
    sweep.cancel(false);
    gone.forEach(DatabaseConnections::quietlyClose);
  }

  private static void quietlyClose(Connection c) {
    if (c == null) {
      return;
    }
    try {
      c.close();
    } catch (SQLException | RuntimeException e) {
      // closing a connection that already failed
    }
  }
}
