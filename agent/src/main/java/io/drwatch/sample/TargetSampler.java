package io.drwatch.sample;

import io.drwatch.collect.Collector;
import io.drwatch.collect.Db;
import io.drwatch.collect.Sample;
import io.drwatch.config.Defaults;
import io.drwatch.config.Redact;
import io.drwatch.config.TargetSettings;
import io.drwatch.target.ConnectionPool;
import io.drwatch.target.ServerDetector;
import io.drwatch.target.ServerInfo;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.SQLTransientConnectionException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Blocking sampling work for one target: probe (detect the server) and run one collector. Callers
 * decide when; this class decides what the cache and the log say. It logs state changes once
 * (up/down, role, timeline, a collector starting or stopping to fail), not every failed sample.
 */
public final class TargetSampler implements AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(TargetSampler.class);

  private final TargetSettings settings;
  private final Defaults defaults;
  private final List<Schedule> schedules;
  private final ConnectionPool pool;
  private final SampleCache cache;
  private final Clock clock;
  private final ServerDetector detector = new ServerDetector();
  private final Map<String, String> failingCollectors = new ConcurrentHashMap<>();
  private final Map<String, Instant> lastSuccess = new ConcurrentHashMap<>();
  private final Set<String> warned = ConcurrentHashMap.newKeySet();
  private final Map<String, Long> errorCounts = new ConcurrentHashMap<>();
  private final Map<String, Long> droppedCounts = new ConcurrentHashMap<>();
  private final Set<String> dropping = ConcurrentHashMap.newKeySet();
  private final DatabaseFanOut fanOut;
  private final ProbeListener listener;
  /** The heartbeat's own writable session; opened on its first run, only if a target enables it. */
  private volatile ConnectionPool writer;

  private volatile boolean closing;
  private volatile boolean up;
  private volatile boolean probed;
  private volatile ServerInfo server;
  private volatile String lastError;
  private volatile Instant lastUpAt;
  /** Failed probes since the target was last up, and when the first of them started. */
  private volatile int downProbes;
  private volatile Instant downSince;
  private final Map<String, Long> failuresInRow = new ConcurrentHashMap<>();
  /** Collectors the target's managed service refused, with the server they were refused on. */
  private final Map<String, ServerInfo> forbidden = new ConcurrentHashMap<>();
  private final Map<String, Instant> failingSince = new ConcurrentHashMap<>();

  public TargetSampler(TargetSettings settings, Defaults defaults, List<Schedule> schedules,
      SampleCache cache, Clock clock) {
    this(settings, defaults, schedules, cache, clock, ProbeListener.NONE);
  }

  public TargetSampler(TargetSettings settings, Defaults defaults, List<Schedule> schedules,
      SampleCache cache, Clock clock, ProbeListener listener) {
    this.listener = listener;
    this.settings = settings;
    this.defaults = defaults;
    this.schedules = List.copyOf(schedules);
    this.cache = cache;
    this.clock = clock;
    this.pool = new ConnectionPool(settings, defaults, Schedule.longestTimeout(schedules, defaults));
    this.fanOut = schedules.stream().anyMatch(s -> s.collector().perDatabase())
        ? new DatabaseFanOut(settings, defaults, schedules, this::describe) : null;
    publishStatus(clock.instant());
  }

  /** Databases found by the last discovery for per-database collectors (null when none ran). */
  public List<String> databases() {
    return fanOut == null ? null : fanOut.databases();
  }

  /** Connections open now to databases other than the target's own (database fan-out). */
  public int databaseConnections() {
    return fanOut == null ? 0 : fanOut.openConnections();
  }

  /** The most connections to other databases that were open at once. */
  public int peakDatabaseConnections() {
    return fanOut == null ? 0 : fanOut.peakConnections();
  }

  public TargetSettings settings() {
    return settings;
  }

  public List<Schedule> schedules() {
    return schedules;
  }

  public boolean isUp() {
    return up;
  }

  /**
   * How many times this target answered again after failed probes. Each time, every collector's
   * health read 0 during the outage; the scheduler re-runs them at once rather than at their next
   * tick (up to 5 min away for the slow ones).
   */
  public long recoveries() {
    return recoveries;
  }

  public ServerInfo server() {
    return server;
  }

  private volatile long recoveries;

  /** The down reason last logged at warn, without its numbers (ports, durations, pids). */
  private String warnedReason = "";

  private static String reasonKind(String reason) {
    return reason == null ? "" : reason.replaceAll("[0-9]+", "#");
  }

  /** Detects the server; returns whether it answered. */
  public boolean probe() {
    Instant started = clock.instant();
    long startedNanos = System.nanoTime();
    try (Connection c = pool.borrowForProbe()) {
      probeDeadline(c, startedNanos);
      ServerInfo found = detector.detect(new Db(c, defaults.timeout()), settings.flavor(),
          settings.allowUnsafeInternals());
      ServerInfo before = server;
      server = found;
      lastError = null;
      lastUpAt = clock.instant();
      if (!up && downProbes > 0) {
        recoveries++;
        LOG.info("target {} is up again after {} failed probe(s) / {}: {} {} ({}, timeline {})",
            settings.name(), downProbes, since(downSince), found.flavor().label(), found.version(),
            found.role(), found.timeline());
      } else if (!up) {
        LOG.info("target {} is up: {} {} ({}, timeline {})", settings.name(), found.flavor().label(),
            found.version(), found.role(), found.timeline());
      } else if (before != null) {
        if (!before.role().equals(found.role())) {
          LOG.warn("target {} changed role: {} -> {}", settings.name(), before.role(), found.role());
        }
        if (!Objects.equals(before.timeline(), found.timeline())) {
          LOG.warn("target {} changed timeline: {} -> {}", settings.name(), before.timeline(), found.timeline());
        }
        if (!Objects.equals(before.version(), found.version())) {
          LOG.info("target {} changed server version: {} -> {}", settings.name(), before.version(),
              found.version());
        }
      }
      downProbes = 0;
      downSince = null;
      up = true;
      tell(found, started);
      return true;
    } catch (SQLException | RuntimeException e) {
      if (closing) {
        return false;
      }
      long tookMillis = (System.nanoTime() - startedNanos) / 1_000_000;
      String reason = tookMillis >= defaults.timeout().toMillis() && isNoAnswer(e)
          ? "no answer within the probe timeout of " + defaults.timeout().toMillis() + " ms (" + describe(e) + ")"
          : describe(e);
      if (up || !probed) {
        LOG.warn("target {} is down: {}", settings.name(), reason);
        downSince = started;
        warnedReason = reasonKind(reason);
      } else if (!reasonKind(reason).equals(warnedReason)) {
        // A new cause while down (refused → wrong password) is news; the same cause again is not.
        LOG.warn("target {} still down, now: {}", settings.name(), reason);
        warnedReason = reasonKind(reason);
      } else {
        LOG.debug("target {} still down ({} failed probes): {}", settings.name(), downProbes + 1, reason);
      }
      downProbes++;
      up = false;
      lastError = reason;
      // Numbers from before the outage are no longer current; only collector health stays.
      cache.markFailed(settings.name(), null, "target down: " + reason, clock.instant());
      tell(null, started);
      return false;
    } finally {
      probed = true;
      publishStatus(started);
    }
  }

  /** A read that timed out, or the connection our network timeout closed: the server did not answer. */
  private static boolean isNoAnswer(Throwable e) {
    for (Throwable t = e; t != null; t = t.getCause()) {
      if (t instanceof java.net.SocketTimeoutException
          || t instanceof SQLException s && "08003".equals(s.getSQLState())
          || t instanceof SQLTransientConnectionException && t.getCause() == null) {
        return true;
      }
    }
    return false;
  }

  /**
   * The probe fails at its own timeout, counted from its start: a server that accepted the
   * connection but stopped answering (SIGSTOP, partition) cannot hold the read beyond it, since
   * statement_timeout is the server's own and a frozen server never applies it. The pool resets
   * the connection's network timeout when it is returned.
   */
  private void probeDeadline(Connection c, long startedNanos) throws SQLException {
    long left = defaults.timeout().toMillis() - (System.nanoTime() - startedNanos) / 1_000_000;
    if (left <= 0) {
      throw new SQLException("no answer within the probe timeout of " + defaults.timeout().toMillis()
          + " ms (connecting took it all)", "08006");
    }
    c.setNetworkTimeout(Runnable::run, (int) Math.max(100, left));
  }

  /** Before the status is published, so an exposition built from the new status sees the listener's state. */
  private void tell(ServerInfo found, Instant at) {
    try {
      listener.probed(settings, found, at);
    } catch (RuntimeException e) {
      LOG.error("target {}: probe listener failed: {}", settings.name(), e.toString());
    }
  }

  /**
   * Runs one collector if it applies to the detected server. Returns false when the failure looks
   * like a lost connection, so the caller can probe at once.
   */
  public boolean collect(Schedule schedule) {
    String name = schedule.collector().name();
    ServerInfo s = server;
    if (!up || s == null) {
      // No query while down; keep this collector's health series current rather than stale.
      String why = lastError;
      cache.markFailed(settings.name(), name, "target down" + (why == null ? "" : ": " + why), clock.instant());
      return true;
    }
    if (!schedule.collector().appliesTo(s)) {
      cache.removeResult(settings.name(), name); // e.g. the standby collector after a promotion
      return true;
    }
    ServerInfo refusedOn = forbidden.get(name);
    if (refusedOn != null && sameServer(refusedOn, s)) {
      cache.removeResult(settings.name(), name);
      return true;
    } else if (refusedOn != null) {
      forbidden.remove(name); // restarted, promoted or upgraded: it may answer now
    }
    long t0 = System.nanoTime();
    Instant now;
    try {
      Collector collector = schedule.collector();
      DatabaseFanOut.Run run = collector.perDatabase() ? fanOut.run(schedule, s, pool) : once(schedule, s);
      List<Sample> samples = limit(collector, run.samples());
      Long dropped = collector.maxSeries() > 0
          ? droppedCounts.merge(name, (long) (run.samples().size() - samples.size()), Long::sum) : null;
      now = clock.instant();
      for (String w : run.warnings()) {
        if (warned.add(name + "\u0000" + w)) {
          LOG.warn("target {} collector {}: {}", settings.name(), name, w);
        }
      }
      if (run.failed()) {
        // Some databases failed: their series are missing, the others' stand.
        String reason = run.failureText();
        long errors = errorCounts.merge(name, 1L, Long::sum);
        failed(name, reason, failingCollectors.put(name, reason), false);
        cache.putResult(new CollectorResult(settings.name(), name, false, samples, now,
            seconds(t0), reason, lastSuccess.get(name), errors, staleAfter(schedule), dropped));
        return true;
      }
      lastSuccess.put(name, now);
      if (failingCollectors.remove(name) != null) {
        Long n = failuresInRow.remove(name);
        Instant from = failingSince.remove(name);
        LOG.info("target {} collector {} recovered after {} failure(s) / {}", settings.name(), name,
            n == null ? 0 : n, since(from));
      }
      cache.putResult(new CollectorResult(settings.name(), name, true, samples, now,
          seconds(t0), null, now, errorCounts.getOrDefault(name, 0L), staleAfter(schedule), dropped));
      return true;
    } catch (SQLException | RuntimeException e) {
      if (e instanceof SQLException se && s.managed().forbids(se)) {
        skip(name, s, se);
        return true;
      }
      now = clock.instant();
      String reason = describe(e);
      long errors = errorCounts.merge(name, 1L, Long::sum);
      String previous = failingCollectors.put(name, reason);
      // A lost connection is reported once, as the target going down, not once per collector.
      failed(name, reason, previous, isConnectionLoss(e));
      cache.putResult(new CollectorResult(settings.name(), name, false, List.of(), now,
          seconds(t0), reason, lastSuccess.get(name), errors, staleAfter(schedule),
          schedule.collector().maxSeries() > 0 ? droppedCounts.getOrDefault(name, 0L) : null));
      return !isConnectionLoss(e);
    }
  }

  /**
   * A managed service forbids what the collector reads (Aurora's 0A000 "... is currently not
   * supported for Aurora", a function the service revoked): one line, then the collector rests on
   * this server instead of failing every round, and its series (none) are not shown as failures.
   */
  private void skip(String name, ServerInfo s, SQLException e) {
    forbidden.put(name, s);
    failingCollectors.remove(name);
    failuresInRow.remove(name);
    failingSince.remove(name);
    cache.removeResult(settings.name(), name);
    LOG.warn("target {} collector {} skipped: {} does not allow it ({}); not run again on this server "
        + "until it restarts, changes role or version", settings.name(), name, s.managed().label(), describe(e));
  }

  /** The names of the collectors skipped on this target because its managed service forbids them. */
  public java.util.SortedSet<String> skippedCollectors() {
    return java.util.Collections.unmodifiableSortedSet(new java.util.TreeSet<>(forbidden.keySet()));
  }

  private static boolean sameServer(ServerInfo a, ServerInfo b) {
    return a.managed() == b.managed() && a.inRecovery() == b.inRecovery()
        && Objects.equals(a.version(), b.version())
        && Objects.equals(a.postmasterStartSeconds(), b.postmasterStartSeconds());
  }

  /** Warns on the first failure in a row, then only at debug until the collector recovers. */
  private void failed(String name, String reason, String previous, boolean connectionLoss) {
    long n = failuresInRow.merge(name, 1L, Long::sum);
    if (previous == null) {
      failingSince.put(name, clock.instant());
    }
    if (closing || connectionLoss) {
      return;
    }
    if (previous == null) {
      LOG.warn("target {} collector {} failed: {}", settings.name(), name, reason);
    } else {
      LOG.debug("target {} collector {} still failing ({} in a row): {}", settings.name(), name, n, reason);
    }
  }

  private String since(Instant from) {
    if (from == null) {
      return "?";
    }
    Duration d = Duration.between(from, clock.instant());
    long s = Math.max(0, d.toSeconds());
    return s < 60 ? s + "s" : s < 3600 ? (s / 60) + "m" + (s % 60) + "s" : (s / 3600) + "h" + (s % 3600 / 60) + "m";
  }

  private DatabaseFanOut.Run once(Schedule schedule, ServerInfo s) throws SQLException {
    try (Connection c = schedule.collector().needsConnection() ? borrow(schedule) : null) {
      Db db = new Db(c, schedule.timeout());
      List<Sample> samples = schedule.collector().collect(db, s);
      return new DatabaseFanOut.Run(samples, db.warnings(), Map.of(), 1);
    }
  }

  /** The first {@code maxSeries()} samples; says once when a collector starts dropping. */
  private List<Sample> limit(Collector collector, List<Sample> samples) {
    int max = collector.maxSeries();
    String name = collector.name();
    if (max <= 0 || samples.size() <= max) {
      if (dropping.remove(name)) {
        LOG.info("target {} collector {} is within its limit of {} series again", settings.name(), name, max);
      }
      return samples;
    }
    if (dropping.add(name)) {
      LOG.warn("target {} collector {} produced {} series, over its limit of {}: dropping the rest "
          + "(drwatch_collector_dropped_series_total)", settings.name(), name, samples.size(), max);
    }
    return List.copyOf(samples.subList(0, max));
  }

  private Connection borrow(Schedule schedule) throws SQLException {
    if (!schedule.collector().writesToTarget()) {
      return pool.borrow();
    }
    ConnectionPool w = writer;
    if (w == null) {
      synchronized (this) {
        if (writer == null && !closing) {
          writer = ConnectionPool.writer(settings, defaults, schedule.timeout());
        }
        w = writer;
      }
    }
    if (w == null) {
      throw new SQLException("closing", "08003");
    }
    return w.borrow();
  }

  private Duration staleAfter(Schedule schedule) {
    return schedule.interval().multipliedBy(defaults.staleAfterIntervals());
  }

  private void publishStatus(Instant at) {
    cache.putStatus(new TargetStatus(settings.name(), settings.cluster(), settings.labels(),
        Redact.url(settings.url()), up, server, lastError, probed ? at : null, lastUpAt,
        pool.openConnections() + databaseConnections() + (writer == null ? 0 : writer.openConnections())));
  }

  private static double seconds(long t0) {
    return (System.nanoTime() - t0) / 1e9;
  }

  private static boolean isConnectionLoss(Throwable e) {
    if (e instanceof SQLTransientConnectionException) {
      return true;
    }
    return e instanceof SQLException se && se.getSQLState() != null && se.getSQLState().startsWith("08");
  }

  /** One line, no stack trace, no secret: what an operator needs to act. */
  String describe(Throwable e) {
    // The pool's "connection is not available" wrapper says less than the driver error it wraps.
    Throwable first = e instanceof SQLTransientConnectionException && e.getCause() != null ? e.getCause() : e;
    Throwable root = first;
    StringBuilder b = new StringBuilder();
    while (root != null) {
      String m = root.getMessage();
      if (m != null && !m.isBlank() && b.indexOf(m) < 0) {
        if (b.length() > 0) {
          b.append(": ");
        }
        b.append(m.strip().replace('\n', ' '));
      }
      root = root.getCause() == root ? null : root.getCause();
    }
    Throwable stateful = first instanceof SQLException ? first : e;
    if (stateful instanceof SQLException se && se.getSQLState() != null) {
      b.append(" [SQLSTATE ").append(se.getSQLState()).append(']');
    }
    String text = b.length() == 0 ? e.getClass().getSimpleName() : b.toString();
    return Redact.text(text, settings.password());
  }

  /** Called before in-flight runs are interrupted at shutdown, so they end without noise. */
  public void markClosing() {
    closing = true;
  }

  @Override
  public void close() {
    closing = true;
    if (fanOut != null) {
      fanOut.close();
    }
    pool.close();
    synchronized (this) {
      if (writer != null) {
        writer.close();
      }
    }
  }
}
