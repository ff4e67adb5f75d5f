package io.drwatch;

import io.drwatch.cluster.ClusterDerivation;
import io.drwatch.cluster.ClusterViews;
import io.drwatch.collect.CollectorRegistry;
import io.drwatch.config.AgentConfig;
import io.drwatch.config.Redact;
import io.drwatch.config.EndpointSettings;
import io.drwatch.config.TargetSettings;
import io.drwatch.endpoint.Endpoints;
import io.drwatch.http.CacheSnapshots;
import io.drwatch.http.HttpVerticle;
import io.drwatch.http.RoutingHandler;
import io.drwatch.patroni.PatroniDerivation;
import io.drwatch.patroni.PatroniSampler;
import io.drwatch.sample.ProbeListener;
import io.drwatch.sample.Derivation;
import io.drwatch.sample.SampleCache;
import io.drwatch.sample.Schedule;
import io.drwatch.sample.Scheduler;
import io.drwatch.sample.TargetSampler;
import io.prometheus.metrics.expositionformats.ExpositionFormats;
import io.vertx.core.Vertx;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Supplier;
import java.nio.file.Path;
import io.drwatch.config.ConfigException;
import io.drwatch.config.ConfigLoader;
import io.drwatch.config.ConfigProblem;
import io.drwatch.config.Defaults;
import io.drwatch.logging.Logging;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The running daemon: samplers, scheduler and HTTP server around one sample cache. */
public final class Agent implements AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(Agent.class);

  private final Vertx vertx;
  private final SampleCache cache;
  /** The running targets; replaced entries on reload, read by close(). */
  private final List<TargetSampler> samplers;
  private final Scheduler scheduler;
  private final HttpVerticle http;
  private final CacheSnapshots snapshots;
  private final ClusterDerivation clusters;
  private final ClusterViews clusterViews;
  private final Endpoints endpoints;
  /** Every probe's outcome goes to the cluster view, then to the Patroni cross-checks. */
  private final ProbeListener probes;
  private final PatroniSampler patroni;
  private final CollectorRegistry registry;
  private final Clock clock;
  private volatile AgentConfig config;
  /** Per running target, what its settings looked like when it started (see {@link #fingerprints}). */
  private final Map<String, Fingerprint> running = new HashMap<>();

  private Agent(Vertx vertx, SampleCache cache, List<TargetSampler> samplers, Scheduler scheduler,
      HttpVerticle http, CacheSnapshots snapshots, ClusterDerivation clusters, ClusterViews clusterViews,
      Endpoints endpoints, ProbeListener probes, PatroniSampler patroni,
      CollectorRegistry registry, Clock clock, AgentConfig config) {
    this.vertx = vertx;
    this.cache = cache;
    this.samplers = new CopyOnWriteArrayList<>(samplers);
    this.scheduler = scheduler;
    this.http = http;
    this.snapshots = snapshots;
    this.clusters = clusters;
    this.clusterViews = clusterViews;
    this.endpoints = endpoints;
    this.probes = probes;
    this.patroni = patroni;
    this.registry = registry;
    this.clock = clock;
    this.config = config;
    running.putAll(fingerprints(config));
  }

  public AgentConfig config() {
    return config;
  }

  public static Agent start(AgentConfig config, CollectorRegistry registry) {
    logEffective(config);
    Clock clock = Clock.systemUTC();
    SampleCache cache = new SampleCache(clock);
    ClusterDerivation clusters = new ClusterDerivation(config);
    ClusterViews clusterViews = new ClusterViews(cache);
    Endpoints endpoints = new Endpoints(config.endpoints(), config.targets(), clusters, clusterViews, cache, clock);
    PatroniDerivation patroniChecks = patroniChecks(config, clusters);
    ProbeListener probes = ProbeListener.both(clusters, patroniChecks);
    List<TargetSampler> samplers = samplers(config, registry, cache, clock, probes);
    Vertx vertx = Vertx.vertx();
    Scheduler scheduler = new Scheduler(vertx, samplers);
    PatroniSampler patroni = new PatroniSampler(vertx, config.patroni(), patroniChecks, cache::touch, clock);
    // One rebuild per second at most, whatever the number of targets and scrapers.
    CacheSnapshots snapshots = new CacheSnapshots(cache, clock, derivations(clusters, endpoints, patroniChecks))
        .coalescing(Duration.ofSeconds(1));
    HttpVerticle http = new HttpVerticle(config.http(), cache, snapshots,
        () -> scheduler.firstRound().isComplete(),
        RoutingHandler.of(cache, clusterViews, clock, samplers, config.defaults()), clusterViews);
    try {
      vertx.deployVerticle(http).await(30, TimeUnit.SECONDS);
    } catch (Exception e) {
      scheduler.close();
      samplers.forEach(TargetSampler::close);
      vertx.close();
      throw new IllegalStateException("cannot listen on " + config.http().host() + ":"
          + config.http().port() + ": " + rootMessage(e), e);
    }
    scheduler.start();
    endpoints.start(vertx);
    patroni.start();
    scheduler.firstRound().onSuccess(v -> http.warm());
    LOG.info("listening on {}://{}:{}/metrics{}, watching {} target(s)", config.http().tls() == null ? "http" : "https",
        config.http().host(), http.actualPort(), config.http().basicAuth() == null ? "" : " (basic auth)", samplers.size());
    return new Agent(vertx, cache, samplers, scheduler, http, snapshots, clusters, clusterViews, endpoints,
        probes, patroni, registry, clock, config);
  }

  /** The cluster series, then the endpoints' and Patroni's (which ask the cluster views). */
  private static Derivation derivations(ClusterDerivation clusters, Endpoints endpoints, PatroniDerivation patroni) {
    return (view, now, out) -> {
      clusters.derive(view, now, out);
      endpoints.derive(view, now, out);
      patroni.derive(view, now, out);
    };
  }

  /** Patroni's intent beside the cluster view; the cluster's RTO estimate reads whether failover is automatic. */
  private static PatroniDerivation patroniChecks(AgentConfig config, ClusterDerivation clusters) {
    PatroniDerivation p = new PatroniDerivation(config.patroni());
    clusters.automaticFailover(p::automaticFailover);
    return p;
  }

  /** What a reload did; {@code problems} is non-empty when the new config was rejected. */
  public record Reload(List<String> removed, List<String> added, List<String> restarted,
      List<String> unchanged, List<ConfigProblem> problems) {}

  /**
   * Re-reads the config (SIGHUP): when it is invalid, logs its problems and keeps the old one;
   * otherwise removed targets stop (pools closed, series gone), added ones start, changed ones
   * restart, and unchanged ones keep running with their samples. {@code registry} is the
   * built-in one; the new config's custom collectors are added to it. Settings that only a
   * restart applies (http, clusters) are logged, not applied.
   */
  public synchronized Reload reload(Supplier<AgentConfig> loader, CollectorRegistry builtIn) {
    AgentConfig next;
    try {
      next = loader.get();
    } catch (ConfigException e) {
      LOG.error("reload: config {} rejected, keeping the running one ({} problem(s)):", config.source(),
          e.problems().size());
      for (ConfigProblem p : e.problems()) {
        LOG.error("reload: {}", p);
      }
      return new Reload(List.of(), List.of(), List.of(), List.of(), e.problems());
    }
    if (Logging.managed()) {
      Logging.apply(next.logging());
    }
    if (!next.http().equals(config.http())) {
      LOG.warn("reload: drwatch.http changed ({}:{} -> {}:{}): restart drwatch to apply it; still "
          + "listening on {}:{}", config.http().host(), config.http().port(), next.http().host(),
          next.http().port(), config.http().host(), http.actualPort());
    }
    if (!next.clusters().toString().equals(config.clusters().toString())) {
      LOG.warn("reload: drwatch.clusters changed: restart drwatch to apply it");
    }
    if (!endpointsFingerprint(next).equals(endpointsFingerprint(config))) {
      LOG.warn("reload: drwatch.endpoints changed: restart drwatch to apply it");
    }
    if (!next.patroni().toString().equals(config.patroni().toString())) {
      LOG.warn("reload: drwatch.patroni changed: restart drwatch to apply it");
    }
    CollectorRegistry withCustom = next.registry(builtIn);
    Map<String, Fingerprint> wanted = fingerprints(next);
    List<String> removed = new ArrayList<>();
    List<String> added = new ArrayList<>();
    List<String> restarted = new ArrayList<>();
    List<String> unchanged = new ArrayList<>();
    for (TargetSampler t : List.copyOf(samplers)) {
      String name = t.settings().name();
      Fingerprint fp = wanted.get(name);
      if (fp != null && fp.equals(running.get(name))) {
        unchanged.add(name);
        continue;
      }
      (fp == null ? removed : restarted).add(name);
      stop(t);
    }
    clusters.targetsChanged(next.targets());
    for (TargetSettings t : next.targets()) {
      if (unchanged.contains(t.name())) {
        continue;
      }
      if (!restarted.contains(t.name())) {
        added.add(t.name());
      }
      TargetSampler s = new TargetSampler(t, next.defaults(), Schedule.forTarget(t, next.defaults(), withCustom),
          cache, clock, probes);
      samplers.add(s);
      running.put(t.name(), wanted.get(t.name()));
      scheduler.add(s);
    }
    config = next;
    LOG.info("reload: config {}: {} target(s); removed {}, added {}, restarted {}, unchanged {}",
        next.source(), next.targets().size(), removed, added, restarted, unchanged.size());
    return new Reload(removed, added, restarted, unchanged, List.of());
  }

  /** The endpoints' settings without their origins; a password change counts by its hash. */
  private static String endpointsFingerprint(AgentConfig c) {
    return c.endpoints().stream().map(e -> e.toString().replace(String.valueOf(e.origin()), "")
        + (e.password() == null ? "" : Integer.toHexString(e.password().reveal().hashCode())))
        .collect(Collectors.joining("\n"));
  }

  /** Reload from the file the agent was started with. */
  public Reload reloadFile(CollectorRegistry builtIn) {
    Path file = Path.of(config.source());
    return reload(() -> new ConfigLoader(builtIn, System::getenv).load(file), builtIn);
  }

  private void stop(TargetSampler t) {
    t.markClosing();
    scheduler.remove(t);
    t.close();
    samplers.remove(t);
    running.remove(t.settings().name());
    cache.removeTarget(t.settings().name());
  }

  /**
   * What a target's sampling depends on, as settings records compare: its own settings wherever
   * they were written (moving a block or adding a comment is no change), the defaults every
   * target inherits, and the collectors defined in the config. A reload restarts a target whose
   * fingerprint changed and leaves the others alone.
   */
  record Fingerprint(TargetSettings target, Defaults defaults, List<CollectorRegistry.Entry> custom) {}

  static Map<String, Fingerprint> fingerprints(AgentConfig c) {
    Map<String, Fingerprint> out = new HashMap<>();
    for (TargetSettings t : c.targets()) {
      out.put(t.name(), new Fingerprint(t.withoutOrigin(), c.defaults(), c.customCollectors()));
    }
    return out;
  }


  /** Samples every target once, in parallel, and returns the Prometheus text exposition. */
  public static String once(AgentConfig config, CollectorRegistry registry) throws IOException {
    Clock clock = Clock.systemUTC();
    SampleCache cache = new SampleCache(clock);
    ClusterDerivation clusters = new ClusterDerivation(config);
    Endpoints endpoints = new Endpoints(config.endpoints(), config.targets(), clusters, new ClusterViews(cache),
        cache, clock);
    PatroniDerivation patroniChecks = patroniChecks(config, clusters);
    List<TargetSampler> samplers = samplers(config, registry, cache, clock,
        ProbeListener.both(clusters, patroniChecks));
    new PatroniSampler(null, config.patroni(), patroniChecks, cache::touch, clock).pollOnce();
    ExecutorService pool = Executors.newFixedThreadPool(Math.max(1, Math.min(16, samplers.size())));
    try {
      List<Future<?>> runs = new ArrayList<>();
      for (TargetSampler t : samplers) {
        runs.add(pool.submit(() -> {
          if (t.probe()) {
            t.schedules().forEach(t::collect);
          }
        }));
      }
      runs.add(pool.submit(endpoints::probeAll));
      for (Future<?> f : runs) {
        try {
          f.get();
        } catch (Exception e) {
          throw new IllegalStateException(rootMessage(e), e);
        }
      }
    } finally {
      pool.shutdownNow();
      samplers.forEach(TargetSampler::close);
    }
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ExpositionFormats.init().getPrometheusTextFormatWriter()
        .write(out, new CacheSnapshots(cache, clock, derivations(clusters, endpoints, patroniChecks)).collect());
    return out.toString(StandardCharsets.UTF_8);
  }

  private static List<TargetSampler> samplers(AgentConfig config, CollectorRegistry registry,
      SampleCache cache, Clock clock, ProbeListener probes) {
    List<TargetSampler> out = new ArrayList<>();
    for (TargetSettings t : config.targets()) {
      out.add(new TargetSampler(t, config.defaults(), Schedule.forTarget(t, config.defaults(), registry),
          cache, clock, probes));
    }
    return out;
  }

  private static void logEffective(AgentConfig c) {
    LOG.info("config {}: http {}:{}, interval {}, timeout {}, {} connection(s) per target",
        c.source(), c.http().host(), c.http().port(), c.defaults().interval(), c.defaults().timeout(),
        c.defaults().maxConnections());
    for (TargetSettings t : c.targets()) {
      LOG.info("target {}: {} user={} password={} flavor={} labels={}{}{}", t.name(), Redact.url(t.url()),
          t.user(), t.password() == null ? "none" : "****", t.flavor().label(), t.labels(),
          t.allowUnsafeInternals() ? " cockroach.allow-unsafe-internals=true" : "",
          t.collectors().isEmpty() ? "" : " collectors=" + t.collectors().entrySet().stream()
              .map(e -> e.getKey() + "=" + e.getValue()).collect(Collectors.joining(", ")));
    }
    for (EndpointSettings e : c.endpoints()) {
      LOG.info("endpoint {}: {} cluster={} expect={} via={} user={} password={} interval={} resolver={}{}",
          e.name(), Redact.url(e.url()), e.cluster(), e.expect().label(), e.via().label(), e.user(),
          e.password() == null ? "none" : "****", e.interval(), e.resolver() == null ? "system" : e.resolver(),
          e.writeProbe() == null ? "" : " write-probe=" + e.writeProbe());
    }
  }

  static String rootMessage(Throwable e) {
    Throwable t = e;
    while (t.getCause() != null && t.getCause() != t) {
      t = t.getCause();
    }
    return t.getMessage() == null ? t.getClass().getSimpleName() : t.getMessage();
  }

  public int port() {
    return http.actualPort();
  }

  public SampleCache cache() {
    return cache;
  }

  public io.vertx.core.Future<Void> firstRound() {
    return scheduler.firstRound();
  }

  /** Each cluster's members, roles, primary and split brain, as routing and the status page read them. */
  public ClusterViews clusterViews() {
    return clusterViews;
  }

  public CacheSnapshots snapshots() {
    return snapshots;
  }

  /** Stops HTTP first, then sampling, then pools, then Vert.x; each step is bounded. */
  @Override
  public void close() {
    samplers.forEach(TargetSampler::markClosing);
    try {
      vertx.undeploy(vertx.deploymentIDs().iterator().next()).await(5, TimeUnit.SECONDS);
    } catch (Exception e) {
      LOG.warn("HTTP server did not stop cleanly: {}", rootMessage(e));
    }
    scheduler.close();
    endpoints.close();
    patroni.close();
    samplers.forEach(TargetSampler::close);
    try {
      vertx.close().await(5, TimeUnit.SECONDS);
    } catch (Exception e) {
      LOG.warn("Vert.x did not stop within 5s: {}", rootMessage(e));
    }
  }
}
