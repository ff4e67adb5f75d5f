package io.drwatch.patroni;

import io.drwatch.config.PatroniSettings;
import io.vertx.core.Vertx;
import io.vertx.core.WorkerExecutor;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Polls each cluster's Patroni members on that source's interval, off the scrape path, as the
 * scheduler runs collectors: a one-shot timer re-armed when the poll completes (no overlap, no
 * pile-up), the blocking HTTP on its own small worker pool. Each poll is handed to the
 * derivation, and {@code changed} tells the exposition to rebuild.
 */
public final class PatroniSampler implements AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(PatroniSampler.class);

  private final Vertx vertx;
  private final List<PatroniSource> sources = new ArrayList<>();
  private final PatroniDerivation derivation;
  private final Runnable changed;
  private final Map<Long, Boolean> timers = new ConcurrentHashMap<>();
  private WorkerExecutor worker;
  private volatile boolean closed;

  public PatroniSampler(Vertx vertx, Map<String, PatroniSettings> settings, PatroniDerivation derivation,
      Runnable changed, Clock clock) {
    this.vertx = vertx;
    this.derivation = derivation;
    this.changed = changed;
    settings.values().forEach(s -> sources.add(new PatroniSource(s, clock)));
  }

  public void start() {
    if (sources.isEmpty() || vertx == null) {
      return;
    }
    worker = vertx.createSharedWorkerExecutor("drwatch-patroni", Math.min(4, sources.size()), 1, TimeUnit.MINUTES);
    for (PatroniSource s : sources) {
      LOG.info("patroni {}: polling {} every {}{}", s.settings().cluster(), s.settings().members(),
          s.settings().interval(), s.settings().username() == null ? "" : " (basic auth)");
      arm(s, ThreadLocalRandom.current().nextLong(250) + 1);
    }
  }

  /** Polls every cluster once, now, on the calling thread ({@code drwatch once}, tests). */
  public void pollOnce() {
    for (PatroniSource s : sources) {
      poll(s);
    }
  }

  private void poll(PatroniSource s) {
    try {
      derivation.record(s.settings().cluster(), s.poll());
      changed.run();
    } catch (RuntimeException e) {
      LOG.error("patroni {}: poll failed: {}", s.settings().cluster(), e.toString());
    }
  }

  private void arm(PatroniSource s, long delayMs) {
    if (closed) {
      return;
    }
    long[] id = new long[1];
    id[0] = vertx.setTimer(Math.max(1, delayMs), x -> {
      timers.remove(id[0]);
      if (closed) {
        return;
      }
      worker.executeBlocking(() -> {
        poll(s);
        return null;
      }, false).onComplete(ar -> arm(s, s.settings().interval().toMillis()));
    });
    timers.put(id[0], Boolean.TRUE);
  }

  @Override
  public void close() {
    closed = true;
    timers.keySet().forEach(vertx::cancelTimer);
    if (worker != null) {
      worker.close();
    }
  }
}
