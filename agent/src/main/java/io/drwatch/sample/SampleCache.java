package io.drwatch.sample;

import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The only state shared between sampling and exposition. Each (target, collector) result and each
 * target status is replaced atomically; readers take a consistent, staleness-filtered view.
 */
public final class SampleCache {

  private record Key(String target, String collector) {}

  private final Map<String, TargetStatus> targets = new ConcurrentHashMap<>();
  private final Map<Key, CollectorResult> results = new ConcurrentHashMap<>();
  private final AtomicLong version = new AtomicLong();
  private final Clock clock;

  public SampleCache(Clock clock) {
    this.clock = clock;
  }

  /** A point-in-time view: targets in config order of name, results without stale ones. */
  public record View(List<TargetStatus> targets, List<CollectorResult> results, long version) {}

  public void putStatus(TargetStatus status) {
    targets.put(status.name(), status);
    version.incrementAndGet();
  }

  public void putResult(CollectorResult result) {
    results.put(new Key(result.target(), result.collector()), result);
    version.incrementAndGet();
  }

  public void removeResult(String target, String collector) {
    if (results.remove(new Key(target, collector)) != null) {
      version.incrementAndGet();
    }
  }

  /**
   * The target went down: its collectors' database samples leave the output at once (they are no
   * longer current), while each collector's health series stay, failed, with their last success.
   * {@code collector} null means every collector of the target.
   */
  public void markFailed(String target, String collector, String reason, Instant at) {
    boolean changed = false;
    for (Map.Entry<Key, CollectorResult> e : results.entrySet()) {
      Key k = e.getKey();
      if (!k.target().equals(target) || (collector != null && !k.collector().equals(collector))) {
        continue;
      }
      CollectorResult r = e.getValue();
      results.put(k, new CollectorResult(r.target(), r.collector(), false, List.of(), at, 0, reason,
          r.lastSuccessAt(), r.errorsTotal(), r.staleAfter(), r.droppedSeriesTotal()));
      changed = true;
    }
    if (changed) {
      version.incrementAndGet();
    }
  }

  private void clearResults(String target) {
    results.keySet().removeIf(k -> k.target().equals(target));
  }

  public void removeTarget(String target) {
    targets.remove(target);
    clearResults(target);
    version.incrementAndGet();
  }

  /**
   * State a derivation reads from outside the cache changed (an endpoint was probed): the next
   * scrape rebuilds the exposition.
   */
  public void touch() {
    version.incrementAndGet();
  }

  /** Changes whenever anything is written; exposition rebuilds only when it moved. */
  public long version() {
    return version.get();
  }

  public View view() {
    long v = version.get();
    Instant now = clock.instant();
    List<TargetStatus> t = new ArrayList<>(targets.values());
    t.sort(Comparator.comparing(TargetStatus::name));
    List<CollectorResult> r = new ArrayList<>();
    for (CollectorResult cr : results.values()) {
      if (!cr.isStale(now)) {
        r.add(cr);
      }
    }
    r.sort(Comparator.comparing(CollectorResult::target).thenComparing(CollectorResult::collector));
    return new View(List.copyOf(t), List.copyOf(r), v);
  }

  /** The earliest instant at which some cached result turns stale (exposition must rebuild then). */
  public Instant nextStaleAt() {
    Instant now = clock.instant();
    Instant next = Instant.MAX;
    for (CollectorResult cr : results.values()) {
      if (cr.isStale(now)) {
        continue; // already out of the view: its stale time is past and would force a rebuild per scrape
      }
      Instant at = cr.finishedAt().plus(cr.staleAfter());
      if (at.isBefore(next)) {
        next = at;
      }
    }
    return next;
  }
}
