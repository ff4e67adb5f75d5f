package io.drwatch.sample;

import io.drwatch.collect.Collector;
import io.drwatch.collect.Db;
import io.drwatch.collect.Row;
import io.drwatch.collect.Sample;
import io.drwatch.config.Defaults;
import io.drwatch.config.TargetSettings;
import io.drwatch.target.ConnectionPool;
import io.drwatch.target.DatabaseConnections;
import io.drwatch.target.ManagedService;
import io.drwatch.target.ServerInfo;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs per-database collectors of one target in each database of its set: the target's own
 * database (through its pool) unless the target sets {@code databases}, else every connectable
 * database the filter selects, found by a catalog query that is repeated at most every half of
 * the shortest per-database interval, so databases that appear or disappear are picked up without
 * a restart. Other databases are reached through {@link DatabaseConnections}, which caps the
 * connections open at once. A database that fails costs only its own series.
 */
final class DatabaseFanOut implements AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(DatabaseFanOut.class);

  /** Databases a session may connect to: not templates, not left invalid by an interrupted DROP. */
  static final String DISCOVER = """
      SELECT datname FROM pg_database
      WHERE datallowconn AND NOT datistemplate AND datconnlimit <> -2
        AND has_database_privilege(datname, 'CONNECT')
      ORDER BY datname""";

  /** Samples of one run across databases, and the databases that failed with why. */
  record Run(List<Sample> samples, List<String> warnings, Map<String, String> failures, int databases) {

    boolean failed() {
      return !failures.isEmpty();
    }

    String failureText() {
      StringBuilder b = new StringBuilder();
      b.append(failures.size()).append(" of ").append(databases).append(" database(s) failed: ");
      int i = 0;
      for (Map.Entry<String, String> e : failures.entrySet()) {
        b.append(i++ == 0 ? "" : "; ").append(e.getKey()).append(": ").append(e.getValue());
      }
      return b.toString();
    }
  }

  private final TargetSettings settings;
  private final Defaults defaults;
  private final DatabaseConnections others;
  private final Duration refresh;
  private final Function<Throwable, String> describe;
  private volatile List<String> databases;
  private volatile long discoveredAtNanos;

  DatabaseFanOut(TargetSettings settings, Defaults defaults, List<Schedule> schedules,
      Function<Throwable, String> describe) {
    this.settings = settings;
    this.defaults = defaults;
    this.describe = describe;
    Duration shortest = null;
    for (Schedule s : schedules) {
      if (s.collector().perDatabase() && (shortest == null || s.interval().compareTo(shortest) < 0)) {
        shortest = s.interval();
      }
    }
    this.refresh = (shortest == null ? defaults.interval() : shortest).dividedBy(2);
    this.others = settings.databases() == null ? null
        : new DatabaseConnections(settings, defaults, Schedule.longestTimeout(schedules, defaults));
  }

  /** The databases found by the last discovery (null before the first, or without fan-out). */
  List<String> databases() {
    return databases;
  }

  /** Connections to databases other than the target's own, open now. */
  int openConnections() {
    return others == null ? 0 : others.openConnections();
  }

  int peakConnections() {
    return others == null ? 0 : others.peakConnections();
  }

  /**
   * Runs the collector in each database of the set that it applies to. Throws only when the
   * target's own connection fails (the target may be down); a failure in another database is
   * recorded in the run.
   */
  Run run(Schedule schedule, ServerInfo server, ConnectionPool pool) throws SQLException {
    Collector collector = schedule.collector();
    List<Sample> samples = new ArrayList<>();
    List<String> warnings = new ArrayList<>();
    Map<String, String> failures = new LinkedHashMap<>();
    String own;
    List<String> selected = new ArrayList<>();
    try (Connection c = pool.borrow()) {
      own = c.getCatalog();
      if (settings.databases() == null) {
        if (!collector.appliesToDatabase(own)) {
          return new Run(List.of(), List.of("selects no database here: this target's only database is " + own
              + " (set databases = … on the target to reach others)"), Map.of(), 0);
        }
        Db db = new Db(c, schedule.timeout(), own);
        samples.addAll(collector.collect(db, server));
        db.warnings().forEach(w -> warnings.add("database " + own + ": " + w));
        return new Run(samples, warnings, failures, 1);
      }
      List<String> found = discover(c, false, server.managed());
      for (String d : found) {
        if (collector.appliesToDatabase(d)) {
          selected.add(d);
        }
      }
      if (selected.isEmpty()) {
        warnings.add("selects none of this target's databases " + found);
      }
    }
    for (String d : selected) {
      try {
        if (d.equals(own)) {
          try (Connection c = pool.borrow()) {
            collectIn(d, c, schedule, server, samples, warnings);
          }
        } else {
          try (DatabaseConnections.Lease lease = others.borrow(d)) {
            try {
              collectIn(d, lease.connection(), schedule, server, samples, warnings);
            } catch (SQLException | RuntimeException e) {
              if (e instanceof SQLException se && brokenSession(se)) {
                lease.discard();
              }
              throw e;
            }
          }
        }
      } catch (SQLException | RuntimeException e) {
        if (e instanceof SQLException se && "3D000".equals(se.getSQLState())) {
          // dropped since the last discovery: look again next run, and say so rather than fail
          discoveredAtNanos = 0;
          others.forget(d);
          warnings.add("database " + d + " no longer exists");
          continue;
        }
        if (d.equals(own) && e instanceof SQLException se && brokenSession(se)) {
          throw se; // the target's own connection: let the sampler decide whether it is down
        }
        failures.put(d, describe.apply(e));
      }
    }
    return new Run(samples, warnings, failures, selected.size());
  }

  private static void collectIn(String d, Connection c, Schedule schedule, ServerInfo server,
      List<Sample> samples, List<String> warnings) throws SQLException {
    Db db = new Db(c, schedule.timeout(), d);
    samples.addAll(schedule.collector().collect(db, server));
    db.warnings().forEach(w -> warnings.add("database " + d + ": " + w));
  }

  /** The connectable databases the target selects; discovered again when due. */
  synchronized List<String> discover(Connection c, boolean force, ManagedService service) throws SQLException {
    List<String> current = databases;
    if (!force && current != null && System.nanoTime() - discoveredAtNanos < refresh.toNanos()) {
      return current;
    }
    List<String> found = new ArrayList<>();
    for (Row r : new Db(c, defaults.timeout()).query(DISCOVER)) {
      String d = r.string("datname");
      if (settings.databases().matches(d) && !service.isOwnDatabase(d)) { // rdsadmin, cloudsqladmin, …
        found.add(d);
      }
    }
    if (current == null) {
      LOG.info("target {}: databases {}", settings.name(), found);
    } else if (!current.equals(found)) {
      TreeSet<String> added = new TreeSet<>(found);
      added.removeAll(current);
      TreeSet<String> removed = new TreeSet<>(current);
      found.forEach(removed::remove);
      LOG.info("target {}: databases now {}{}{}", settings.name(), found,
          added.isEmpty() ? "" : ", new " + added, removed.isEmpty() ? "" : ", gone " + removed);
      removed.forEach(others::forget);
    }
    databases = List.copyOf(found);
    discoveredAtNanos = System.nanoTime();
    return databases;
  }

  /** The session is unusable afterwards: connection errors, admin shutdown, cancelled login. */
  private static boolean brokenSession(SQLException e) {
    String state = e.getSQLState();
    return state == null || state.startsWith("08") || state.startsWith("57P");
  }

  @Override
  public void close() {
    if (others != null) {
      others.close();
    }
  }
}
