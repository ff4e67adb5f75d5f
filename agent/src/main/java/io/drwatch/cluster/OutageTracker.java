package io.drwatch.cluster;

import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;
import java.util.TreeMap;

/**
 * Outages per target as the agent, a client, saw them: from the first failed probe after the
 * target had answered, to its next answer, whatever server answered. The resolution is the probe
 * interval at the start and the retry interval (which backs off) at the end. Kept as classic
 * histogram buckets and the last duration; a target that never answered has had no outage yet.
 */
final class OutageTracker {

  /** Histogram data for one target; {@code counts} has one entry per bound plus +Inf. */
  record Snapshot(String cluster, double[] upperBounds, long[] counts, double sum, Double lastSeconds) {}

  private static final class State {
    final String cluster;
    boolean answered;
    Instant downSince;
    final long[] counts = new long[ClusterFamilies.OUTAGE_BUCKETS.length + 1];
    double sum;
    Double last;

    State(String cluster) {
      this.cluster = cluster;
    }
  }

  private final Map<String, State> targets = new HashMap<>();

  /** A target removed by a reload: its outage series go with it. */
  synchronized void retainOnly(java.util.Set<String> keep) {
    targets.keySet().retainAll(keep);
  }

  synchronized void observe(String target, String cluster, boolean answered, Instant at) {
    State s = targets.computeIfAbsent(target, k -> new State(cluster));
    if (!answered) {
      if (s.answered && s.downSince == null) {
        s.downSince = at;
      }
      return;
    }
    if (s.downSince != null && at.isAfter(s.downSince)) {
      record(s, Duration.between(s.downSince, at).toNanos() / 1e9);
    }
    s.downSince = null;
    s.answered = true;
  }

  private static void record(State s, double seconds) {
    double[] bounds = ClusterFamilies.OUTAGE_BUCKETS;
    int i = 0;
    while (i < bounds.length && seconds > bounds[i]) {
      i++;
    }
    s.counts[i]++;
    s.sum += seconds;
    s.last = seconds;
  }

  /** Every target probed so far, zero counts included so that rate() works from the start. */
  synchronized Map<String, Snapshot> snapshots() {
    double[] bounds = Arrays.copyOf(ClusterFamilies.OUTAGE_BUCKETS, ClusterFamilies.OUTAGE_BUCKETS.length + 1);
    bounds[bounds.length - 1] = Double.POSITIVE_INFINITY;
    Map<String, Snapshot> out = new TreeMap<>();
    targets.forEach((t, s) -> out.put(t, new Snapshot(s.cluster, bounds, s.counts.clone(), s.sum, s.last)));
    return out;
  }
}
