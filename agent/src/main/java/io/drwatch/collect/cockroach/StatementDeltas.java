package io.drwatch.collect.cockroach;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * The state behind the statements top-N: the previous run's cumulative totals per statistics row,
 * so that each run reports what happened in the interval since the last one. CockroachDB keeps
 * statement statistics as cumulative totals per aggregation bucket (hourly by default), fingerprint
 * and application; a bucket key that did not exist at the previous run started after it, so its
 * whole total belongs to the interval. A key whose count went down was reset
 * ({@code crdb_internal.reset_sql_stats()}); its current total is what happened since. The first
 * run, a run after the cluster changed and a run whose clock did not move only set the baseline.
 */
final class StatementDeltas {

  /** One statistics row: a fingerprint's totals for one app in one aggregation bucket. */
  record Key(String fingerprintId, String appName, double bucket) {}

  /** A fingerprint and app across buckets: what the top-N ranks and labels. */
  record Statement(String fingerprintId, String appName) {}

  /** Cumulative amounts (per key) or amounts in an interval (per statement). */
  record Totals(double executions, double serviceSeconds, double rows, double failures,
      double contentionSeconds, double cpuSeconds) {

    static final Totals ZERO = new Totals(0, 0, 0, 0, 0, 0);

    Totals plus(Totals o) {
      return new Totals(executions + o.executions, serviceSeconds + o.serviceSeconds, rows + o.rows,
          failures + o.failures, contentionSeconds + o.contentionSeconds, cpuSeconds + o.cpuSeconds);
    }

    /** This minus an earlier reading; never negative per amount. */
    Totals since(Totals earlier) {
      return new Totals(pos(executions - earlier.executions), pos(serviceSeconds - earlier.serviceSeconds),
          pos(rows - earlier.rows), pos(failures - earlier.failures),
          pos(contentionSeconds - earlier.contentionSeconds), pos(cpuSeconds - earlier.cpuSeconds));
    }

    boolean active() {
      return executions > 0 || serviceSeconds > 0;
    }

    private static double pos(double v) {
      return v > 0 ? v : 0;
    }
  }

  /** One run's reading: when (agent clock, Unix seconds), of which cluster, the totals per key. */
  record Snapshot(double at, String clusterId, Map<Key, Totals> totals) {}

  /** The amounts per statement in the interval that ends with the current snapshot. */
  record Interval(double seconds, Map<Statement, Totals> statements) {

    /** The {@code n} statements with most service time (ties: more executions, then id), active only. */
    List<Map.Entry<Statement, Totals>> top(int n) {
      List<Map.Entry<Statement, Totals>> active = new ArrayList<>();
      for (Map.Entry<Statement, Totals> e : statements.entrySet()) {
        if (e.getValue().active()) {
          active.add(e);
        }
      }
      active.sort(Comparator
          .comparingDouble((Map.Entry<Statement, Totals> e) -> -e.getValue().serviceSeconds())
          .thenComparingDouble(e -> -e.getValue().executions())
          .thenComparing(e -> e.getKey().fingerprintId())
          .thenComparing(e -> e.getKey().appName()));
      return active.subList(0, Math.min(n, active.size()));
    }
  }

  private Snapshot previous;

  /**
   * Records {@code current} and returns the interval since the previous snapshot, or null when
   * this one only sets the baseline.
   */
  synchronized Interval advance(Snapshot current) {
    Snapshot before = previous;
    previous = current;
    if (before == null || current.at() <= before.at()
        || !Objects.equals(before.clusterId(), current.clusterId())) {
      return null;
    }
    Map<Statement, Totals> out = new LinkedHashMap<>();
    for (Map.Entry<Key, Totals> e : current.totals().entrySet()) {
      Totals was = before.totals().get(e.getKey());
      Totals now = e.getValue();
      Totals delta;
      if (was == null || now.executions() < was.executions()) {
        delta = now; // a bucket that started since, or statistics reset since
      } else {
        delta = now.since(was);
      }
      Statement s = new Statement(e.getKey().fingerprintId(), e.getKey().appName());
      out.merge(s, delta, Totals::plus);
    }
    return new Interval(current.at() - before.at(), out);
  }

  /** Builds a snapshot's map, merging rows that share a key. */
  static Map<Key, Totals> totals(List<Map.Entry<Key, Totals>> rows) {
    Map<Key, Totals> m = new HashMap<>();
    for (Map.Entry<Key, Totals> r : rows) {
      m.merge(r.getKey(), r.getValue(), Totals::plus);
    }
    return m;
  }
}
