package io.drwatch.endpoint;

import io.drwatch.cluster.ClusterDerivation;
import io.drwatch.cluster.ClusterView;
import io.drwatch.cluster.ClusterViews;
import io.drwatch.collect.MetricFamily;
import io.drwatch.collect.Sample;
import io.drwatch.collect.postgres.PgStandby;
import io.drwatch.sample.CollectorResult;
import io.drwatch.config.EndpointSettings;
import io.drwatch.config.TargetSettings;
import io.drwatch.sample.Derivation;
import io.drwatch.sample.SampleCache;
import io.vertx.core.Vertx;
import io.vertx.core.WorkerExecutor;
import java.net.URI;
import java.net.UnknownHostException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The endpoints of the config: each probed on its own one-shot timer (re-armed when its probe
 * completes, so probes never overlap) on a worker pool of their own, and turned into series when
 * the exposition is rebuilt, checked against the cluster package's view of the same cluster. The
 * cluster package decides which member is primary; this class only compares the server each
 * endpoint reached with that answer.
 */
public final class Endpoints implements Derivation, AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(Endpoints.class);
  /** A probe result older than this many intervals leaves the output, like a stale sample. */
  private static final int STALE_AFTER_INTERVALS = 3;

  private final List<EndpointProber> probers = new ArrayList<>();
  private final Map<String, EndpointState> states = new ConcurrentHashMap<>();
  /** Per cluster, the hosts (name or literal) of its members' own URLs. */
  private final Map<String, Set<String>> memberHosts = new LinkedHashMap<>();
  private final ClusterDerivation clusters;
  private final ClusterViews views;
  private final SampleCache cache;
  private final Clock clock;
  private final Map<Long, Boolean> timers = new ConcurrentHashMap<>();
  private Vertx vertx;
  private WorkerExecutor worker;
  private volatile boolean closed;

  /**
   * @param clusters the failovers the members' probes showed (when a promotion was seen)
   * @param views which member is primary, and which server each member reaches
   */
  public Endpoints(List<EndpointSettings> endpoints, List<TargetSettings> targets, ClusterDerivation clusters,
      ClusterViews views, SampleCache cache, Clock clock) {
    this.clusters = clusters;
    this.views = views;
    this.cache = cache;
    this.clock = clock;
    for (EndpointSettings e : endpoints) {
      probers.add(new EndpointProber(e, clock));
      states.put(e.name(), new EndpointState());
    }
    for (TargetSettings t : targets) {
      memberHosts.computeIfAbsent(t.cluster(), k -> new HashSet<>()).add(host(t.url()));
    }
  }

  public boolean isEmpty() {
    return probers.isEmpty();
  }

  /** Starts every endpoint's probe loop. */
  public void start(Vertx vertx) {
    if (probers.isEmpty()) {
      return;
    }
    this.vertx = vertx;
    this.worker = vertx.createSharedWorkerExecutor("drwatch-endpoints", Math.min(8, probers.size()), 2,
        TimeUnit.MINUTES);
    for (EndpointProber p : probers) {
      arm(p, Duration.ofMillis(ThreadLocalRandom.current().nextLong(1000)));
    }
  }

  private void arm(EndpointProber p, Duration delay) {
    if (closed) {
      return;
    }
    long[] id = new long[1];
    id[0] = vertx.setTimer(Math.max(1, delay.toMillis()), x -> {
      timers.remove(id[0]);
      if (closed) {
        return;
      }
      long started = System.nanoTime();
      worker.executeBlocking(() -> {
        probeOnce(p);
        return null;
      }, false).onComplete(ar -> {
        if (ar.failed()) {
          LOG.error("endpoint {}: probe failed unexpectedly: {}", p.settings().name(), ar.cause().toString());
        }
        Duration took = Duration.ofNanos(System.nanoTime() - started);
        Duration next = p.settings().interval().minus(took);
        arm(p, next.isNegative() ? Duration.ZERO : next);
      });
    });
    timers.put(id[0], Boolean.TRUE);
  }

  /** Probes every endpoint once, one after the other (drwatch once, tests). */
  public void probeAll() {
    probers.forEach(this::probeOnce);
  }

  void probeOnce(EndpointProber p) {
    EndpointSettings s = p.settings();
    ProbeResult r = p.probe();
    Set<String> members = s.via() == EndpointSettings.Via.DNS ? memberAddresses(p, s.cluster()) : Set.of();
    FailoverTimeline.Failover f = states.get(s.name()).record(r, members, clusters.lastFailoverAt(s.cluster()));
    if (f != null) {
      LOG.warn("endpoint {}: failover as clients saw it: {}", s.name(), describe(f));
    }
    if (!r.up()) {
      LOG.debug("endpoint {}: down: {}", s.name(), r.error());
    }
    cache.touch();
  }

  /** The members' own addresses, their names resolved afresh with the endpoint's resolver. */
  private Set<String> memberAddresses(EndpointProber p, String cluster) {
    Set<String> out = new HashSet<>();
    for (String h : memberHosts.getOrDefault(cluster, Set.of())) {
      try {
        out.addAll(p.resolve(h).addresses());
      } catch (UnknownHostException e) {
        LOG.debug("endpoint {}: member host {} does not resolve: {}", p.settings().name(), h, e.getMessage());
      }
    }
    return out;
  }

  static String describe(FailoverTimeline.Failover f) {
    DateTimeFormatter t = DateTimeFormatter.ISO_INSTANT;
    Map<String, Double> ph = f.phases();
    StringBuilder b = new StringBuilder()
        .append("last write ").append(t.format(f.lastWrite()))
        .append(", first failed probe +").append(fmt(ph.get(FailoverTimeline.DETECTION))).append(" s (detection)")
        .append(", promotion seen on ").append(f.promotionSeenBy().equals("member") ? "a member" : "the endpoint only")
        .append(" +").append(fmt(ph.get(FailoverTimeline.PROMOTION))).append(" s")
        .append(", reached the new primary +").append(fmt(ph.get(FailoverTimeline.PROPAGATION))).append(" s (propagation")
        .append(f.addressMoved() ? ", address " + f.oldAddress() + " -> " + f.newAddress() : "").append(")")
        .append(", first write +").append(fmt(ph.get(FailoverTimeline.FIRST_WRITE))).append(" s")
        .append("; total ").append(fmt(ph.get(FailoverTimeline.TOTAL))).append(" s");
    Double jvm = ph.get(FailoverTimeline.JVM_DNS_CACHE);
    if (jvm != null) {
      b.append("; an application with the JVM's default 30 s DNS cache could have kept the old address up to ")
          .append(fmt(jvm)).append(" s longer");
    }
    return b.toString();
  }

  private static String fmt(Double seconds) {
    return seconds == null ? "?" : String.format(Locale.ROOT, "%.1f", seconds);
  }

  @Override
  public void derive(SampleCache.View view, Instant now, Output out) {
    Map<String, Double> replayDelays = replayDelays(view);
    for (EndpointProber p : probers) {
      EndpointSettings s = p.settings();
      String e = s.name();
      out.add(null, new Sample(EndpointFamilies.INFO, List.of(e, s.cluster(), s.expect().label(), s.via().label()), 1));
      if (s.maxReplayDelay() != null) {
        gauge(out, EndpointFamilies.MAX_REPLAY_DELAY, s.maxReplayDelay().toMillis() / 1000.0, e);
      }
      EndpointState.Snapshot st = states.get(e).snapshot();
      out.add(null, new Sample(EndpointFamilies.FAILOVERS, List.of(e), st.failovers()));
      gauge(out, EndpointFamilies.LAST_FAILOVER, seconds(st.lastFailoverAt()), e);
      st.lastPhases().forEach((phase, v) -> gauge(out, EndpointFamilies.PHASE, v, e, phase));
      st.histograms().forEach((phase, h) ->
          out.histogram(null, EndpointFamilies.PHASE_HISTOGRAM, List.of(e, phase), h.upperBounds(), h.counts(), h.sum()));
      gauge(out, EndpointFamilies.LAST_WRITE, seconds(st.lastWritableAt()), e);
      ProbeResult r = st.last();
      if (r == null || r.at().plus(s.interval().multipliedBy(STALE_AFTER_INTERVALS)).plus(s.timeout()).isBefore(now)) {
        continue; // not probed yet, or the probe loop stalled: nothing current to say
      }
      probeSeries(s, r, st.memberAddresses(), views.of(s.cluster()).orElse(null), replayDelays, out);
    }
  }

  /** Each standby's replay delay, from its standby collector's current sample. */
  private static Map<String, Double> replayDelays(SampleCache.View view) {
    Map<String, Double> out = new java.util.HashMap<>();
    for (CollectorResult r : view.results()) {
      if (r.collector().equals(PgStandby.NAME)) {
        r.samples().stream().filter(x -> x.family().equals(PgStandby.REPLAY_DELAY)).findFirst()
            .ifPresent(x -> out.put(r.target(), x.value()));
      }
    }
    return out;
  }

  /**
   * The last probe's series and its cross-checks with the cluster view.
   *
   * @param replayDelays each standby target's replay delay, for readers
   */
  static void probeSeries(EndpointSettings s, ProbeResult r, Set<String> memberAddresses, ClusterView cluster,
      Map<String, Double> replayDelays, Output out) {
    String e = s.name();
    gauge(out, EndpointFamilies.LAST_PROBE, seconds(r.at()), e);
    gauge(out, EndpointFamilies.UP, r.up() ? 1.0 : 0.0, e);
    for (String a : r.addresses()) {
      out.add(null, new Sample(EndpointFamilies.DNS, List.of(e, a), 1));
      if (s.via() == EndpointSettings.Via.DNS) {
        gauge(out, EndpointFamilies.DNS_ADDRESS_MEMBER, memberAddresses.contains(a) ? 1.0 : 0.0, e, a);
      }
    }
    gauge(out, EndpointFamilies.DNS_TTL, r.ttlSeconds() == null ? null : r.ttlSeconds().doubleValue(), e);
    gauge(out, EndpointFamilies.RESOLVE_SECONDS, r.resolveSeconds(), e);
    gauge(out, EndpointFamilies.CONNECT_SECONDS, r.connectSeconds(), e);
    if (!r.up()) {
      return;
    }
    gauge(out, EndpointFamilies.FIRST_QUERY_SECONDS, r.firstQuerySeconds(), e);
    gauge(out, EndpointFamilies.WRITABLE, r.writable() ? 1.0 : 0.0, e);
    if (cluster == null) {
      return;
    }
    List<String> serving = cluster.serving(r.systemIdentifier(), r.postmasterStartSeconds());
    for (String target : serving) {
      out.add(target, new Sample(EndpointFamilies.MEMBER, List.of(e), 1));
    }
    gauge(out, EndpointFamilies.REACHES_MEMBER, serving.isEmpty() ? 0.0 : 1.0, e);
    if (cluster.primary() != null) {
      gauge(out, EndpointFamilies.REACHES_PRIMARY, serving.contains(cluster.primary()) ? 1.0 : 0.0, e);
    }
    if (s.expect() == EndpointSettings.Expect.READER && Boolean.TRUE.equals(r.inRecovery())) {
      serving.stream().map(replayDelays::get).filter(d -> d != null).findFirst()
          .ifPresent(d -> gauge(out, EndpointFamilies.STANDBY_REPLAY_DELAY, d, e));
    }
  }

  private static void gauge(Output out, MetricFamily f, Double value, String... labels) {
    if (value != null) {
      out.add(null, new Sample(f, List.of(labels), value));
    }
  }

  private static Double seconds(Instant at) {
    return at == null ? null : at.toEpochMilli() / 1000.0;
  }

  static String host(String url) {
    String h = URI.create(url.substring("jdbc:".length())).getHost();
    return h != null && h.startsWith("[") ? h.substring(1, h.length() - 1) : h;
  }

  @Override
  public void close() {
    closed = true;
    if (vertx != null) {
      timers.keySet().forEach(vertx::cancelTimer);
    }
    if (worker != null) {
      worker.close();
    }
  }
}
