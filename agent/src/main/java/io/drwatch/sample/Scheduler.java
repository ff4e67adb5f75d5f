package io.drwatch.sample;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.WorkerExecutor;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
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
 * with exponential backoff. Targets may be added and removed while it runs ({@link #add},
 * {@link #remove}); each target's loops end when it is removed, the others' are untouched.
 */
public final class Scheduler implements AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(Scheduler.class);
  private static final Duration MAX_BACKOFF = Duration.ofSeconds(30);
  private static final Duration CLOSE_WAIT = Duration.ofSeconds(5);

  private final Vertx vertx;
  private final List<TargetSampler> targets;
  /** Targets whose loops run, with their runs in flight; a removed target's timers do nothing. */
  private final Map<TargetSampler, AtomicInteger> active = new ConcurrentHashMap<>();
  /** Targets counted in the first round that have not completed it yet. */
  private final Set<TargetSampler> firstPending = ConcurrentHashMap.newKeySet();
  private final WorkerExecutor worker;
  private final Map<Long, Boolean> timers = new ConcurrentHashMap<>();
  /** Each target's collector loops, so a recovery can bring their next run forward. */
  private final Map<TargetSampler, List<Loop>> loops = new ConcurrentHashMap<>();
  /** Per target, the recoveries already acted on. */
  private final Map<TargetSampler, Long> recoveriesSeen = new ConcurrentHashMap<>();
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
    firstPending.addAll(targets);
    for (TargetSampler t : targets) {
      active.put(t, new AtomicInteger());
    }
    for (TargetSampler t : targets) {
      arm(t, jitter(Duration.ofSeconds(1)), () -> probe(t, 0, true));
    }
  }

  /** Starts sampling a target while the others keep running (config reload). */
  public void add(TargetSampler t) {
    if (closed || active.putIfAbsent(t, new AtomicInteger()) != null) {
      return;
    }
    arm(t, jitter(Duration.ofSeconds(1)), () -> probe(t, 0, true));
  }

  /**
   * Stops a target's loops: nothing of it is armed again, and this waits (bounded, off the event
   * loop) until its runs in flight have completed, so none writes to the cache afterwards. The
   * caller closes the sampler (marking it closing first makes in-flight runs end quietly).
   */
  public void remove(TargetSampler t) {
    AtomicInteger running = active.remove(t);
    loops.remove(t);
    recoveriesSeen.remove(t);
    if (firstPending.remove(t)) {
      firstDone();
    }
    if (running == null || io.vertx.core.Context.isOnEventLoopThread()) {
      return;
    }
    long deadline = System.nanoTime() + CLOSE_WAIT.toNanos();
    while (running.get() > 0 && System.nanoTime() - deadline < 0) {
      try {
        Thread.sleep(20);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return;
      }
    }
  }

  /** The targets whose loops run now. */
  public Set<TargetSampler> running() {
    return Set.copyOf(active.keySet());
  }

  private void probe(TargetSampler t, int failures, boolean first) {
    blocking(t, t::probe).onComplete(ar -> {
      boolean ok = ar.succeeded() && ar.result();
      if (first) {
        startCollectors(t, ok);
      } else if (ok) {
        rerunAfterRecovery(t);
      }
      if (ok) {
        arm(t, interval(t), () -> probe(t, 0, false));
      } else {
        Duration backoff = interval(t).multipliedBy(1L << Math.min(failures, 6));
        Duration cap = MAX_BACKOFF.compareTo(interval(t)) > 0 ? MAX_BACKOFF : interval(t);
        arm(t, backoff.compareTo(cap) > 0 ? cap : backoff, () -> probe(t, failures + 1, false));
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
      firstDone(t);
    }
    AtomicInteger left = new AtomicInteger(schedules.size());
    recoveriesSeen.put(t, t.recoveries());
    List<Loop> mine = new ArrayList<>();
    for (Schedule s : schedules) {
      Runnable onFirst = up ? () -> {
        if (left.decrementAndGet() == 0) {
          firstDone(t);
        }
      } : () -> { };
      Loop loop = new Loop(t, s);
      mine.add(loop);
      loop.next(arm(t, jitter(Duration.ofMillis(250)), () -> collect(loop, onFirst)));
    }
    loops.put(t, List.copyOf(mine));
  }

  /** One (target, collector) loop: the timer of its next run, or a run in flight. */
  private static final class Loop {
    final TargetSampler target;
    final Schedule schedule;
    private long timer = -1;
    private boolean running;

    Loop(TargetSampler target, Schedule schedule) {
      this.target = target;
      this.schedule = schedule;
    }

    synchronized void next(long timerId) {
      timer = timerId;
    }

    synchronized void started() {
      running = true;
      timer = -1;
    }

    synchronized void finished() {
      running = false;
    }

    /** The pending timer, taken (so the caller may cancel and re-arm it), or -1 while a run is in flight. */
    synchronized long takeTimer() {
      long t = running ? -1 : timer;
      timer = -1;
      return t;
    }
  }

  /**
   * The target answers again after failed probes: its collectors' health read 0 through the
   * outage (the probe marked them failed, or their runs timed out), so each idle loop runs now
   * instead of at its next tick; a run in flight is left to finish.
   */
  private void rerunAfterRecovery(TargetSampler t) {
    long recoveries = t.recoveries();
    Long seen = recoveriesSeen.put(t, recoveries);
    if (seen == null || seen == recoveries) {
      return;
    }
    for (Loop loop : loops.getOrDefault(t, List.of())) {
      long timer = loop.takeTimer();
      // A timer that fired meanwhile cannot be cancelled: its run is starting anyway.
      if (timer >= 0 && vertx.cancelTimer(timer)) {
        timers.remove(timer);
        loop.next(arm(t, jitter(Duration.ofMillis(250)), () -> collect(loop, () -> { })));
      }
    }
  }

  private void collect(Loop loop, Runnable afterRun) {
    TargetSampler t = loop.target;
    Schedule s = loop.schedule;
    Duration next = s.interval().plus(jitter(s.interval().dividedBy(20)));
    loop.started();
    // While the target is down, collect() runs no SQL: it only keeps the collector's health current.
    blocking(t, () -> t.collect(s)).onComplete(ar -> {
      loop.finished();
      afterRun.run();
      if (!closed && active.containsKey(t) && ar.succeeded() && !ar.result()) {
        // The connection went away mid-run: find out now rather than at the next probe.
        // (Not at shutdown or removal: closing the pools ends runs that way, and the worker is gone.)
        blocking(t, t::probe);
      }
      loop.next(arm(t, next, () -> collect(loop, () -> { })));
    });
  }

  private void firstDone(TargetSampler t) {
    if (firstPending.remove(t)) {
      firstDone();
    }
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

  /** Runs the action after the delay unless the target was removed; returns the timer, or -1. */
  private long arm(TargetSampler t, Duration delay, Runnable action) {
    if (closed || !active.containsKey(t)) {
      return -1;
    }
    long ms = Math.max(1, delay.toMillis());
    long[] id = new long[1];
    id[0] = vertx.setTimer(ms, x -> {
      timers.remove(id[0]);
      if (!closed && active.containsKey(t)) {
        try {
          action.run();
        } catch (RuntimeException e) {
          LOG.error("scheduling error: {}", e.toString());
        }
      }
    });
    timers.put(id[0], Boolean.TRUE);
    return id[0];
  }

  private static Duration jitter(Duration spread) {
    long ms = spread.toMillis();
    return ms <= 0 ? Duration.ZERO : Duration.ofMillis(ThreadLocalRandom.current().nextLong(ms));
  }

  /** Blocking work on the sampler pool, unordered, counted until its completion has run. */
  private <T> Future<T> blocking(TargetSampler t, java.util.concurrent.Callable<T> task) {
    AtomicInteger mine = active.getOrDefault(t, new AtomicInteger());
    inFlight.incrementAndGet();
    mine.incrementAndGet();
    Future<T> f;
    try {
      f = worker.executeBlocking(task, false);
    } catch (RuntimeException e) {
      inFlight.decrementAndGet();
      mine.decrementAndGet();
      throw e;
    }
    f.onComplete(ar -> {
      inFlight.decrementAndGet();
      mine.decrementAndGet();
    });
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
