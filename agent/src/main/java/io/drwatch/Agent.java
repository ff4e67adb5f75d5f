package io.drwatch;

import io.drwatch.cluster.ClusterDerivation;
import io.drwatch.collect.CollectorRegistry;
import io.drwatch.config.AgentConfig;
import io.drwatch.config.Redact;
import io.drwatch.config.TargetSettings;
import io.drwatch.http.CacheSnapshots;
import io.drwatch.http.HttpVerticle;
import io.drwatch.http.RoutingHandler;
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
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The running daemon: samplers, scheduler and HTTP server around one sample cache. */
public final class Agent implements AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(Agent.class);

  private final Vertx vertx;
  private final SampleCache cache;
  private final List<TargetSampler> samplers;
  private final Scheduler scheduler;
  private final HttpVerticle http;
  private final CacheSnapshots snapshots;

  private Agent(Vertx vertx, SampleCache cache, List<TargetSampler> samplers, Scheduler scheduler,
      HttpVerticle http, CacheSnapshots snapshots) {
    this.vertx = vertx;
    this.cache = cache;
    this.samplers = samplers;
    this.scheduler = scheduler;
    this.http = http;
    this.snapshots = snapshots;
  }

  public static Agent start(AgentConfig config, CollectorRegistry registry) {
    logEffective(config);
    Clock clock = Clock.systemUTC();
    SampleCache cache = new SampleCache(clock);
    ClusterDerivation clusters = new ClusterDerivation(config);
    List<TargetSampler> samplers = samplers(config, registry, cache, clock, clusters);
    Vertx vertx = Vertx.vertx();
    Scheduler scheduler = new Scheduler(vertx, samplers);
    CacheSnapshots snapshots = new CacheSnapshots(cache, clock, clusters);
    HttpVerticle http = new HttpVerticle(config.http(), cache, snapshots,
        () -> scheduler.firstRound().isComplete(),
        RoutingHandler.of(cache, clock, samplers, config.defaults()));
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
    LOG.info("listening on {}://{}:{}/metrics{}, watching {} target(s)", config.http().tls() == null ? "http" : "https",
        config.http().host(), http.actualPort(), config.http().basicAuth() == null ? "" : " (basic auth)", samplers.size());
    return new Agent(vertx, cache, samplers, scheduler, http, snapshots);
  }

  /** Samples every target once, in parallel, and returns the Prometheus text exposition. */
  public static String once(AgentConfig config, CollectorRegistry registry) throws IOException {
    Clock clock = Clock.systemUTC();
    SampleCache cache = new SampleCache(clock);
    ClusterDerivation clusters = new ClusterDerivation(config);
    List<TargetSampler> samplers = samplers(config, registry, cache, clock, clusters);
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
        .write(out, new CacheSnapshots(cache, clock, clusters).collect());
    return out.toString(StandardCharsets.UTF_8);
  }

  private static List<TargetSampler> samplers(AgentConfig config, CollectorRegistry registry,
      SampleCache cache, Clock clock, ClusterDerivation clusters) {
    List<TargetSampler> out = new ArrayList<>();
    for (TargetSettings t : config.targets()) {
      out.add(new TargetSampler(t, config.defaults(), Schedule.forTarget(t, config.defaults(), registry),
          cache, clock, clusters));
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
    samplers.forEach(TargetSampler::close);
    try {
      vertx.close().await(5, TimeUnit.SECONDS);
    } catch (Exception e) {
      LOG.warn("Vert.x did not stop within 5s: {}", rootMessage(e));
    }
  }
}
