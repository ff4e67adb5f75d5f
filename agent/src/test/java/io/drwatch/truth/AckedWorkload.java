package io.drwatch.truth;

import io.drwatch.sandbox.PgNode;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * A client that commits one row at a time on the primary and records every commit the server
 * acknowledged: its id, the WAL insert position read inside the transaction (the commit record
 * follows it) and the client's clock when the acknowledgement arrived. A commit in flight when the
 * primary dies is not acknowledged and not recorded: only what a real application was told was
 * durable counts as lost if missing.
 */
final class AckedWorkload implements AutoCloseable {

  static final String TABLE = "truth_acks";

  record Ack(long id, double lsn, long atMillis) {}

  private final List<Ack> acks = new ArrayList<>();
  private final Thread thread;
  private volatile boolean stop;
  private volatile String stoppedBy;

  /** Creates the table and starts committing about {@code perSecond} rows of {@code rowBytes} each. */
  AckedWorkload(PgNode primary, int perSecond, int rowBytes) throws SQLException {
    try (Connection c = primary.connect(); Statement s = c.createStatement()) {
      s.execute("CREATE TABLE IF NOT EXISTS " + TABLE + " (id bigint PRIMARY KEY, payload text)");
    }
    Connection c = primary.connect();
    long pauseNanos = 1_000_000_000L / perSecond;
    thread = new Thread(() -> run(c, pauseNanos, rowBytes), "acked-workload");
    thread.setDaemon(true);
    thread.start();
  }

  private void run(Connection c, long pauseNanos, int rowBytes) {
    try (c; PreparedStatement insert = c.prepareStatement("INSERT INTO " + TABLE
        + " VALUES (?, repeat('x', ?)) RETURNING pg_wal_lsn_diff(pg_current_wal_insert_lsn(), '0/0')::float8")) {
      long id = 0;
      long next = System.nanoTime();
      while (!stop) {
        id++;
        insert.setLong(1, id);
        insert.setInt(2, rowBytes);
        double lsn;
        try (ResultSet r = insert.executeQuery()) {
          r.next();
          lsn = r.getDouble(1);
        }
        // Autocommit: executeQuery returned after the server's ReadyForQuery, i.e. after the commit.
        synchronized (acks) {
          acks.add(new Ack(id, lsn, System.currentTimeMillis()));
        }
        next += pauseNanos;
        long wait = next - System.nanoTime();
        if (wait > 0) {
          Thread.sleep(wait / 1_000_000, (int) (wait % 1_000_000)); // the workload's pace: rows per second
        }
      }
      stoppedBy = "stopped";
    } catch (SQLException e) {
      stoppedBy = "the server went away: " + e.getMessage();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  List<Ack> acks() {
    synchronized (acks) {
      return List.copyOf(acks);
    }
  }

  Ack last() {
    synchronized (acks) {
      return acks.isEmpty() ? null : acks.get(acks.size() - 1);
    }
  }

  /** WAL bytes per second the workload made over its whole run. */
  double walPerSecond() {
    List<Ack> a = acks();
    if (a.size() < 2) {
      return 0;
    }
    Ack first = a.get(0);
    Ack last = a.get(a.size() - 1);
    return (last.lsn() - first.lsn()) / Math.max(0.001, (last.atMillis() - first.atMillis()) / 1000.0);
  }

  /** Waits for the client to notice the primary is gone (or stops it) and returns why it stopped. */
  String awaitStopped(long millis) throws InterruptedException {
    thread.join(millis);
    if (thread.isAlive()) {
      stop = true;
      thread.join(10_000);
    }
    return stoppedBy;
  }

  /** Acknowledged ids the promoted server lacks. */
  List<Ack> missingOn(PgNode node) throws SQLException {
    Set<Long> present = new java.util.HashSet<>();
    try (Connection c = node.connect(); Statement s = c.createStatement();
        ResultSet r = s.executeQuery("SELECT id FROM " + TABLE)) {
      while (r.next()) {
        present.add(r.getLong(1));
      }
    }
    return acks().stream().filter(a -> !present.contains(a.id())).toList();
  }

  @Override
  public void close() throws InterruptedException {
    stop = true;
    thread.join(10_000);
  }
}
