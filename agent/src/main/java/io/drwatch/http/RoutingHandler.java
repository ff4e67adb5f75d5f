package io.drwatch.http;

import io.drwatch.cluster.ClusterView;
import io.drwatch.cluster.ClusterViews;
import io.drwatch.collect.MetricFamily;
import io.drwatch.collect.Sample;
import io.drwatch.collect.postgres.PgStandby;
import io.drwatch.config.Defaults;
import io.drwatch.sample.CollectorResult;
import io.drwatch.sample.SampleCache;
import io.drwatch.sample.Schedule;
import io.drwatch.sample.TargetSampler;
import io.drwatch.sample.TargetStatus;
import io.drwatch.target.ServerInfo;
import io.vertx.core.MultiMap;
import io.vertx.core.http.HttpServerRequest;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * {@code /primary}, {@code /replica} and {@code /read}, per target ({@code ?target=NAME} or
 * {@code /primary/NAME}), for load balancers and probes: 200 or 503 with a one-line reason, decided
 * from the cache alone (the role and split brain from the cluster package's {@link ClusterView},
 * the lag from the {@code standby} collector's last samples), never by a query. A cached state older than its staleness bound reads as unknown,
 * so a wedged agent routes nothing rather than stale decisions.
 *
 * <ul>
 *   <li>/primary: up, not in recovery, and no other primary server of its cluster with the same
 *       system identifier (split brain routes writes nowhere). A second target that reaches the
 *       same server (a VIP or proxy) is that server, not another primary.
 *   <li>/replica: up and in recovery; with {@code max_lag_bytes} or {@code max_lag_seconds} also
 *       streaming, and replay lag in bytes ({@code pg_standby_replay_lag_bytes}) or seconds
 *       ({@code pg_standby_replay_delay_seconds}) known and at most the maximum.
 *   <li>/read: /primary or /replica would answer 200 (the maxima apply to a replica).
 * </ul>
 */
public final class RoutingHandler {

  static final Set<String> PATHS = Set.of("primary", "replica", "read");
  static final Set<String> PARAMS = Set.of("target", "max_lag_bytes", "max_lag_seconds");

  /** A status code and a one-line body. */
  public record Answer(int status, String body) {}

  private final SampleCache cache;
  private final ClusterViews clusters;
  private final Clock clock;
  private final Map<String, Duration> maxAge;

  /** @param maxAge per target, how old the last probe may be before the state counts as unknown */
  public RoutingHandler(SampleCache cache, ClusterViews clusters, Clock clock, Map<String, Duration> maxAge) {
    this.cache = cache;
    this.clusters = clusters;
    this.clock = clock;
    this.maxAge = Map.copyOf(maxAge);
  }

  /**
   * The probe runs at a target's shortest collector interval; its state is trusted for
   * {@code stale-after-intervals} of those plus the connect timeout.
   */
  public static RoutingHandler of(SampleCache cache, ClusterViews clusters, Clock clock,
      List<TargetSampler> samplers, Defaults d) {
    Map<String, Duration> maxAge = new HashMap<>();
    for (TargetSampler t : samplers) {
      Duration shortest = t.schedules().stream().map(Schedule::interval).min(Duration::compareTo)
          .orElse(d.interval());
      maxAge.put(t.settings().name(), shortest.multipliedBy(d.staleAfterIntervals()).plus(d.connectTimeout()));
    }
    return new RoutingHandler(cache, clusters, clock, maxAge);
  }

  /** Whether the path is one of the routing endpoints. */
  public boolean handles(String path) {
    String[] parts = split(path);
    return parts != null;
  }

  public void handle(HttpServerRequest req) {
    Answer a = answer(req.path(), req.params());
    req.response().setStatusCode(a.status())
        .putHeader("Content-Type", "text/plain; charset=utf-8")
        .putHeader("Cache-Control", "no-store")
        .end(a.body() + "\n");
  }

  /** {@code /kind} or {@code /kind/NAME} → [kind, NAME or null]; null for other paths. */
  private static String[] split(String path) {
    if (path == null || !path.startsWith("/")) {
      return null;
    }
    String rest = path.substring(1);
    int slash = rest.indexOf('/');
    String kind = slash < 0 ? rest : rest.substring(0, slash);
    if (!PATHS.contains(kind)) {
      return null;
    }
    String name = slash < 0 ? null : rest.substring(slash + 1);
    return new String[] {kind, name == null || name.isEmpty() ? null : name};
  }

  Answer answer(String path, MultiMap params) {
    String[] parts = split(path);
    if (parts == null) {
      return new Answer(404, "not found");
    }
    for (String p : params.names()) {
      if (!PARAMS.contains(p)) {
        return new Answer(400, "unknown parameter \"" + p + "\" (allowed: max_lag_bytes, max_lag_seconds, target)");
      }
      if (params.getAll(p).size() > 1) {
        return new Answer(400, "parameter \"" + p + "\" given more than once");
      }
    }
    Double maxBytes;
    Double maxSeconds;
    try {
      maxBytes = limit(params, "max_lag_bytes");
      maxSeconds = limit(params, "max_lag_seconds");
    } catch (IllegalArgumentException e) {
      return new Answer(400, e.getMessage());
    }
    SampleCache.View view = cache.view();
    String name = parts[1];
    String param = params.get("target");
    if (name != null && param != null && !name.equals(param)) {
      return new Answer(400, "target named twice: /" + parts[0] + "/" + name + " and ?target=" + param);
    }
    if (name == null) {
      name = param;
    }
    List<String> known = view.targets().stream().map(TargetStatus::name).toList();
    if (name == null) {
      if (known.size() != 1) {
        return new Answer(400, "which target? give /" + parts[0] + "/NAME or ?target=NAME (known: "
            + String.join(", ", known) + ")");
      }
      name = known.get(0);
    }
    TargetStatus t = null;
    for (TargetStatus s : view.targets()) {
      if (s.name().equals(name)) {
        t = s;
      }
    }
    if (t == null) {
      return new Answer(404, "unknown target \"" + name + "\" (known: " + String.join(", ", known) + ")");
    }
    Instant now = clock.instant();
    return switch (parts[0]) {
      case "primary" -> primary(t, now);
      case "replica" -> replica(t, view, now, maxBytes, maxSeconds);
      default -> {
        Answer p = primary(t, now);
        boolean isPrimary = t.up() && t.server() != null && !t.server().inRecovery();
        yield p.status() == 200 || isPrimary ? p : replica(t, view, now, maxBytes, maxSeconds);
      }
    };
  }

  private static Double limit(MultiMap params, String key) {
    String v = params.get(key);
    if (v == null) {
      return null;
    }
    try {
      double d = Double.parseDouble(v.trim());
      if (d >= 0 && Double.isFinite(d)) {
        return d;
      }
    } catch (NumberFormatException e) {
      // reported below
    }
    throw new IllegalArgumentException(key + " must be a number ≥ 0, not \"" + v + "\"");
  }

  /** Why the target's cached state cannot be used, or null when it can. */
  private String unknown(TargetStatus t, Instant now) {
    if (t.lastProbeAt() == null) {
      return t.name() + ": not probed yet";
    }
    if (!t.up() || t.server() == null) {
      return t.name() + ": down" + (t.lastError() == null ? "" : ": " + t.lastError());
    }
    Duration age = Duration.between(t.lastProbeAt(), now);
    Duration max = maxAge.getOrDefault(t.name(), Duration.ofSeconds(60));
    if (age.compareTo(max) > 0) {
      return t.name() + ": state unknown: last probe " + age.toSeconds() + "s ago (trusted for " + max.toSeconds() + "s)";
    }
    return null;
  }

  private Answer primary(TargetStatus t, Instant now) {
    String why = unknown(t, now);
    if (why != null) {
      return new Answer(503, why);
    }
    ServerInfo s = t.server();
    if (s.inRecovery()) {
      return new Answer(503, t.name() + ": standby, not primary");
    }
    List<String> others = clusters.of(t.cluster()).map(c -> c.otherPrimaries(t.name())).orElse(List.of());
    if (!others.isEmpty()) {
      return new Answer(503, t.name() + ": split brain: " + String.join(", ", others)
          + " of cluster " + t.cluster() + " is primary too");
    }
    return new Answer(200, t.name() + ": primary" + (s.timeline() == null ? "" : " (timeline " + s.timeline() + ")"));
  }

  private Answer replica(TargetStatus t, SampleCache.View view, Instant now, Double maxBytes, Double maxSeconds) {
    String why = unknown(t, now);
    if (why != null) {
      return new Answer(503, why);
    }
    if (!t.server().inRecovery()) {
      return new Answer(503, t.name() + ": primary, not a replica");
    }
    if (maxBytes == null && maxSeconds == null) {
      return new Answer(200, t.name() + ": standby");
    }
    CollectorResult standby = null;
    for (CollectorResult r : view.results()) {
      if (r.target().equals(t.name()) && r.collector().equals(PgStandby.NAME)) {
        standby = r;
      }
    }
    if (standby == null) {
      return new Answer(503, t.name() + ": lag unknown: no current result of the standby collector");
    }
    if (!standby.success()) {
      return new Answer(503, t.name() + ": lag unknown: the standby collector failed: " + standby.error());
    }
    Double streaming = value(standby, PgStandby.STREAMING);
    if (streaming == null) {
      return new Answer(503, t.name() + ": lag unknown: the WAL receiver's state is hidden from drwatch's role (grant pg_monitor)");
    }
    if (streaming != 1) {
      return new Answer(503, t.name() + ": not streaming from its upstream, so its lag is unknown");
    }
    StringBuilder ok = new StringBuilder(t.name()).append(": standby, streaming");
    if (maxBytes != null) {
      Double lag = value(standby, PgStandby.REPLAY_LAG);
      if (lag == null) {
        return new Answer(503, t.name() + ": replay lag in bytes unknown");
      }
      if (lag > maxBytes) {
        return new Answer(503, t.name() + ": replay lag " + num(lag) + " bytes > max_lag_bytes " + num(maxBytes));
      }
      ok.append(", replay lag ").append(num(lag)).append(" bytes");
    }
    if (maxSeconds != null) {
      Double delay = value(standby, PgStandby.REPLAY_DELAY);
      if (delay == null) {
        return new Answer(503, t.name() + ": replay delay unknown (no transaction replayed since the standby started)");
      }
      if (delay > maxSeconds) {
        return new Answer(503, t.name() + ": replay delay " + num(delay) + " s > max_lag_seconds " + num(maxSeconds));
      }
      ok.append(", replay delay ").append(num(delay)).append(" s");
    }
    return new Answer(200, ok.toString());
  }

  private static Double value(CollectorResult r, MetricFamily family) {
    for (Sample s : r.samples()) {
      if (s.family().name().equals(family.name()) && s.labelValues().isEmpty()) {
        return s.value();
      }
    }
    return null;
  }

  private static String num(double v) {
    return v == Math.rint(v) && Math.abs(v) < 1e15 ? Long.toString((long) v) : String.format("%.3f", v);
  }
}
