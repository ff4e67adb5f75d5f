package io.drwatch.collect;

import com.typesafe.config.Config;
import io.drwatch.target.ServerInfo;
import java.sql.SQLException;
import java.time.Duration;
import java.util.List;
import java.util.Set;

/**
 * A named group of metric families sampled together on a schedule. Implementations keep the SQL
 * (one statement per version range where needed) and a pure rows-to-samples mapping; version
 * differences live here, not in the scheduler.
 */
public interface Collector {

  /**
   * The label that names a database, on built-in families ({@code pg_database_*}, activity, …) and
   * on the families of per-database collectors alike.
   */
  String DATABASE_LABEL = "database";

  /** Also the config key and the enable switch. */
  String name();

  /**
   * Whether a target runs it without {@code collectors { <name> { enabled = true } }}: false for
   * the collectors that write to the target or need something set up beside it.
   */
  default boolean enabledByDefault() {
    return true;
  }

  /** The collector's own sampling interval, or null to follow {@code defaults.interval}. */
  default Duration defaultInterval() {
    return null;
  }

  /**
   * The collector's own statement timeout, or null to follow the target's {@code timeout} (or
   * {@code defaults.timeout}). A per-target {@code collectors { <name> { timeout } }} still wins.
   */
  default Duration defaultTimeout() {
    return null;
  }

  /** Whether this collector has anything to say about the detected server. */
  boolean appliesTo(ServerInfo server);

  /** Every family this collector may emit, declared once. */
  List<MetricFamily> families();

  List<Sample> collect(Db db, ServerInfo server) throws SQLException;

  /**
   * The instance one target runs. A collector that keeps state between runs (deltas for a top-N)
   * returns a fresh instance here, so that no two targets share that state; the default shares
   * this one.
   */
  default Collector perTarget() {
    return this;
  }

  /**
   * A per-database collector runs once in each database of its target's database set (the
   * target's own database unless the target sets {@code databases}), each time on a connection to
   * that database, with {@link Db#database()} naming it. Every family it declares carries
   * {@link #DATABASE_LABEL} as its first label, and its samples fill it from {@link Db#database()}.
   */
  default boolean perDatabase() {
    return false;
  }

  /** For a per-database collector: whether it runs in this database of the target's set. */
  default boolean appliesToDatabase(String datname) {
    return true;
  }

  /**
   * False for a collector that reads something other than the database (pgBackRest's repository):
   * it gets a {@link Db} without a connection, with the run's timeout, and so never holds one of
   * the target's few pooled connections while it waits.
   */
  default boolean needsConnection() {
    return true;
  }

  /**
   * At most this many series per run and target; the rest are dropped and counted in
   * {@code drwatch_collector_dropped_series_total}. 0 means no limit (and no counter): built-in
   * collectors are bounded by construction.
   */
  default int maxSeries() {
    return 0;
  }

  /**
   * True for the query-performance collectors (statements, databases, sessions, locks, tables,
   * background writer, checkpointer, I/O), false for those of replication and recovery state.
   * What a query-performance collector emits depends on the server's version, role and workload,
   * not on the replication set-up around it (standbys, slots, archiving, sync settings), so
   * QueryPerfMatrixIT expects each family documented for one on every version that has it, and
   * docs/metrics.md lists them under "Version differences".
   */
  default boolean queryPerformance() {
    return false;
  }

  /**
   * True only for the heartbeat: it runs on the target's own writable session (one connection,
   * not read-only) instead of the read-only pool.
   */
  default boolean writesToTarget() {
    return false;
  }

  /**
   * Collector-specific keys a target may set under {@code collectors { <name> { … } }} besides
   * enabled, interval and timeout.
   */
  default Set<String> optionKeys() {
    return Set.of();
  }

  /**
   * This collector configured with a target's options (only keys from {@link #optionKeys()}).
   * Called at config load, so a bad value fails there: throw IllegalArgumentException with a
   * message naming the key.
   */
  default Collector configure(Config options) {
    return this;
  }
}
