package io.drwatch.sample;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.WorkerExecutor;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs every target's probe and collectors on their own intervals, off the scrape path. Each
 * (target, collector) is a one-shot timer re-armed when its run completes, so a slow run never
 * overlaps or queues behind itself. Blocking JDBC runs on a named worker pool in unordered mode,
 * so one slow target never serialises the others. While a target is down only its probe runs,
 * with exponential backoff.
 */
public final class Scheduler implements AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(Scheduler.class);
  private static final Duration MAX_BACKOFF = Duration.ofSeconds(30);
  private static final Duration CLOSE_WAIT = Duration.ofSeconds(5);

  private final Vertx vertx;
  private final List<TargetSampler> targets;
  private final WorkerExecutor worker;
  private final Map<Long, Boolean> timers = new ConcurrentHashMap<>();
  private final Promise<Void> firstRound = Promise.promise();
  private final AtomicInteger pendingFirst = new AtomicInteger();
  /** Probes and runs started and not yet completed on the event loop. */
  private final AtomicInteger inFlight = new AtomicInteger();
  private volatile boolean closed;

  public Scheduler(Vertx vertx, List<TargetSampler> targets) {
    this.vertx = vertx;
    this.targets = List.copyOf(targets);
    int threads = Math.min(64, Math.max(4, 2 * targets.size()));
    long maxRun = 10;
    this.worker = vertx.createSharedWorkerExecutor("drwatch-sampler", threads, maxRun, TimeUnit.MINUTES);
  }

  /** Completes when every target was probed once and every collector of each up target ran once. */
  public Future<Void> firstRound() {
    return firstRound.future();
  }

  public void start() {
    pendingFirst.set(targets.size());
    if (targets.isEmpty()) {
      firstRound.tryComplete();
    }
    for (TargetSampler t : targets) {
      arm(jitter(Duration.ofSeconds(1)), () -> probe(t, 0, true));
    }
  }

  private void probe(TargetSampler t, int failures, boolean first) {
    blocking(t::probe).onComplete(ar -> {
      boolean ok = ar.succeeded() && ar.result();
      if (first) {
        startCollectors(t, ok);
      }
      if (ok) {
        arm(interval(t), () -> probe(t, 0, false));
      } else {
        Duration backoff = interval(t).multipliedBy(1L << Math.min(failures, 6));
        Duration cap = MAX_BACKOFF.compareTo(interval(t)) > 0 ? MAX_BACKOFF : interval(t);
        arm(backoff.compareTo(cap) > 0 ? cap : backoff, () -> probe(t, failures + 1, false));
      }
    });
  }

  /**
   * Each collector loops for the life of the agent; while its target is down a tick costs a timer
   * and a cache write, not a query, and the first tick after the probe sees the target again
   * samples as usual.
   */
  private void startCollectors(TargetSampler t, boolean up) {
    List<Schedule> schedules = t.schedules();
    if (!up || schedules.isEmpty()) {
      firstDone();
    }
    AtomicInteger left = new AtomicInteger(schedules.size());
    for (Schedule s : schedules) {
      Runnable onFirst = up ? () -> {
        if (left.decrementAndGet() == 0) {
          firstDone();
        }
      } : () -> { };
      arm(jitter(Duration.ofMillis(250)), () -> collect(t, s, onFirst));
    }
  }

  private void collect(TargetSampler t, Schedule s, Runnable afterRun) {
    Duration next = s.interval().plus(jitter(s.interval().dividedBy(20)));
    // While the target is down, collect() runs no SQL: it only keeps the collector's health current.
    blocking(() -> t.collect(s)).onComplete(ar -> {
      afterRun.run();
      if (!closed && ar.succeeded() && !ar.result()) {
        // The connection went away mid-run: find out now rather than at the next probe.
        // (Not at shutdown: closing the pools ends runs that way, and the worker is gone.)
        blocking(t::probe);
      }
      arm(next, () -> collect(t, s, () -> { }));
    });
  }

  private void firstDone() {
    if (pendingFirst.decrementAndGet() <= 0) {
      firstRound.tryComplete();
    }
  }

  private Duration interval(TargetSampler t) {
    Duration shortest = null;
    for (Schedule s : t.schedules()) {
      if (shortest == null || s.interval().compareTo(shortest) < 0) {
        shortest = s.interval();
      }
    }
    return shortest != null ? shortest : Duration.ofSeconds(15);
  }

  private void arm(Duration delay, Runnable action) {
    if (closed) {
      return;
    }
    long ms = Math.max(1, delay.toMillis());
    long[] id = new long[1];
    id[0] = vertx.setTimer(ms, x -> {
      timers.remove(id[0]);
      if (!closed) {
        try {
          action.run();
        } catch (RuntimeException e) {
          LOG.error("scheduling error: {}", e.toString());
        }
      }
    });
    timers.put(id[0], Boolean.TRUE);
  }

  private static Duration jitter(Duration spread) {
    long ms = spread.toMillis();
    return ms <= 0 ? Duration.ZERO : Duration.ofMillis(ThreadLocalRandom.current().nextLong(ms));
  }

  /** Blocking work on the sampler pool, unordered, counted until its completion has run. */
  private <T> Future<T> blocking(java.util.concurrent.Callable<T> task) {
    inFlight.incrementAndGet();
    Future<T> f;
    try {
      f = worker.executeBlocking(task, false);
    } catch (RuntimeException e) {
      inFlight.decrementAndGet();
      throw e;
    }
    f.onComplete(ar -> inFlight.decrementAndGet());
    return f;
  }

  /**
   * Stops arming and interrupts in-flight runs (a JDBC statement is cancelled, a command such as
   * pgbackrest is killed), then waits a bounded time for them to complete, so that none completes
   * after Vert.x has closed.
   */
  @Override
  public void close() {
    closed = true;
    for (Long id : new ArrayList<>(timers.keySet())) {
      vertx.cancelTimer(id);
    }
    worker.close();
    if (!io.vertx.core.Context.isOnEventLoopThread()) {
      long deadline = System.nanoTime() + CLOSE_WAIT.toNanos();
      while (inFlight.get() > 0 && System.nanoTime() - deadline < 0) {
        try {
          Thread.sleep(20);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          return;
        }
      }
    }
  }
}
