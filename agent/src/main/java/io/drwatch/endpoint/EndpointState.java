package io.drwatch.endpoint;

import java.time.Instant;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * What one endpoint's probes have shown so far: the last probe, the member addresses its name
 * was compared with, and its failovers. Written by its own probe loop, read by the exposition;
 * every method is synchronized and reads return copies.
 */
final class EndpointState {

  /** Bucket bounds of the phase histogram, in seconds (+Inf added). */
  static final double[] PHASE_BUCKETS = {0.5, 1, 2, 5, 10, 15, 30, 60, 120, 300, 600};

  record Histogram(double[] upperBounds, long[] counts, double sum) {}

  record Snapshot(ProbeResult last, Set<String> memberAddresses, Instant lastWritableAt, long failovers,
      Instant lastFailoverAt, Map<String, Double> lastPhases, Map<String, Histogram> histograms) {}

  private final FailoverTimeline timeline = new FailoverTimeline();
  private ProbeResult last;
  private Set<String> memberAddresses = Set.of();
  private Instant lastWritableAt;
  private long failovers;
  private Instant lastFailoverAt;
  private Map<String, Double> lastPhases = Map.of();
  private final Map<String, long[]> counts = new LinkedHashMap<>();
  private final Map<String, Double> sums = new LinkedHashMap<>();

  /** Records a probe; returns the failover it completed, or null. */
  synchronized FailoverTimeline.Failover record(ProbeResult p, Set<String> members, Instant lastPromotionAt) {
    last = p;
    memberAddresses = Set.copyOf(members);
    if (p.writable()) {
      lastWritableAt = p.at();
    }
    FailoverTimeline.Failover f = timeline.observe(p, lastPromotionAt);
    if (f != null) {
      failovers++;
      lastFailoverAt = f.firstWrite();
      lastPhases = new LinkedHashMap<>(f.phases());
      f.phases().forEach(this::observe);
    }
    return f;
  }

  private void observe(String phase, double seconds) {
    long[] c = counts.computeIfAbsent(phase, k -> new long[PHASE_BUCKETS.length + 1]);
    int i = 0;
    while (i < PHASE_BUCKETS.length && seconds > PHASE_BUCKETS[i]) {
      i++;
    }
    c[i]++;
    sums.merge(phase, seconds, Double::sum);
  }

  synchronized Snapshot snapshot() {
    Map<String, Histogram> h = new LinkedHashMap<>();
    double[] bounds = Arrays.copyOf(PHASE_BUCKETS, PHASE_BUCKETS.length + 1);
    bounds[PHASE_BUCKETS.length] = Double.POSITIVE_INFINITY;
    counts.forEach((phase, c) -> h.put(phase, new Histogram(bounds.clone(), c.clone(), sums.get(phase))));
    return new Snapshot(last, memberAddresses, lastWritableAt, failovers, lastFailoverAt,
        new LinkedHashMap<>(lastPhases), h);
  }

  static List<String> phaseOrder() {
    return List.of(FailoverTimeline.DETECTION, FailoverTimeline.PROMOTION, FailoverTimeline.PROPAGATION,
        FailoverTimeline.FIRST_WRITE, FailoverTimeline.TOTAL, FailoverTimeline.JVM_DNS_CACHE);
  }
}
