package io.drwatch.collect.postgres;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * The top-N state machine. The property test drives random workloads (hot rows that change, new
 * rows, evictions, per-row and full resets, partial and full reads) and checks after every run
 * what Prometheus would compute: per group, the sum of increases over the exported series (top
 * rows and "other", each compared with its own previous sample, a new series contributing
 * nothing) equals the true increase of the group; no exported counter ever goes down; the number
 * of series is exactly n plus the number of groups.
 */
class TopNTest {

  static final TopN.Ranker BY_DELTA = (e, run, baseline) -> baseline ? e.current(0) : e.delta(0, run);

  static List<String> labels(int key) {
    return List.of("g" + (key % 3), "k" + key);
  }

  static double[] v(double... values) {
    return values;
  }

  @Test
  void baselineRanksByLifetimeAndOtherStartsAtTheRestsTotal() {
    TopN<Integer> t = new TopN<>(1, 0);
    t.begin(true);
    t.observe(1, "g", List.of("g", "a"), v(100), null, null);
    t.observe(2, "g", List.of("g", "b"), v(5), null, null);
    t.observe(3, "g", List.of("g", "c"), v(7), null, null);
    TopN.Result r = t.finish(1, List.of(BY_DELTA));
    assertEquals(1, r.top().size());
    assertEquals(List.of("g", "a"), r.top().get(0).labels);
    assertEquals(100, r.top().get(0).exported[0]);
    assertEquals(12, r.otherCounters().get("g")[0]);
  }

  @Test
  void theTopFollowsTheLastIntervalNotLifetimeTotals() {
    TopN<Integer> t = new TopN<>(1, 0);
    t.begin(true);
    t.observe(1, "g", List.of("g", "a"), v(1000), null, null);
    t.observe(2, "g", List.of("g", "b"), v(10), null, null);
    t.finish(1, List.of(BY_DELTA));
    t.begin(false);
    t.observe(1, "g", null, v(1001), null, null);
    t.observe(2, "g", null, v(60), null, null);
    TopN.Result r = t.finish(1, List.of(BY_DELTA));
    assertEquals(List.of("g", "b"), r.top().get(0).labels, "b moved 50, a moved 1");
    // b enters at its raw value; its first interval (50) and a's last (1) are counted in other
    assertEquals(60, r.top().get(0).exported[0]);
    assertEquals(10 + 50 + 1, r.otherCounters().get("g")[0]);
  }

  @Test
  void aRowThatWentDownWasRecreatedAndCountsFromZero() {
    TopN<Integer> t = new TopN<>(1, 0);
    t.begin(true);
    t.observe(1, "g", List.of("g", "a"), v(100), null, null);
    t.finish(1, List.of(BY_DELTA));
    t.begin(false);
    t.observe(1, "g", null, v(30), null, null);
    TopN.Result r = t.finish(1, List.of(BY_DELTA));
    assertEquals(130, r.top().get(0).exported[0], "never backwards: 100 + 30 since re-creation");
  }

  @Test
  void aChangedStampMeansRecreatedEvenWhenTheCounterGrew() {
    TopN<Integer> t = new TopN<>(1, 0);
    t.begin(true);
    t.observe(1, "g", List.of("g", "a"), v(100), null, 1.0);
    t.finish(1, List.of(BY_DELTA));
    t.begin(false);
    t.observe(1, "g", null, v(150), null, 2.0);
    assertEquals(250, t.finish(1, List.of(BY_DELTA)).top().get(0).exported[0]);
  }

  @Test
  void aFullResetCountsEveryRowFromZero() {
    TopN<Integer> t = new TopN<>(1, 0);
    t.begin(true);
    t.observe(1, "g", List.of("g", "a"), v(100), null, null);
    t.finish(1, List.of(BY_DELTA));
    t.begin(false, true);
    assertTrue(t.isFull());
    t.observe(1, "g", null, v(120), null, null);
    assertEquals(220, t.finish(1, List.of(BY_DELTA)).top().get(0).exported[0]);
  }

  @Test
  void aFullReadForgetsRowsItDidNotSeeAndAPartialOneKeepsThem() {
    TopN<Integer> t = new TopN<>(1, 0);
    t.begin(true);
    t.observe(1, "g", List.of("g", "a"), v(1), null, null);
    t.observe(2, "g", List.of("g", "b"), v(2), null, null);
    t.finish(1, List.of(BY_DELTA));
    t.begin(false);
    t.observe(1, "g", null, v(3), null, null);
    t.finish(1, List.of(BY_DELTA));
    assertEquals(2, t.size());
    t.begin(true);
    t.observe(1, "g", null, v(3), null, null);
    t.finish(1, List.of(BY_DELTA));
    assertEquals(1, t.size());
  }

  @Test
  void rebaselineKnowsNoDeltaButKeepsExportedCountersMonotonic() {
    TopN<Integer> t = new TopN<>(1, 0);
    t.begin(true);
    t.observe(1, "g", List.of("g", "a"), v(100), null, null);
    t.finish(1, List.of(BY_DELTA));
    t.rebaseline();
    t.begin(false);
    assertTrue(t.isFull());
    t.observe(1, "g", null, v(5), null, null); // another server: its own, smaller numbers
    assertEquals(100, t.finish(1, List.of(BY_DELTA)).top().get(0).exported[0]);
    t.begin(false);
    t.observe(1, "g", null, v(9), null, null);
    assertEquals(104, t.finish(1, List.of(BY_DELTA)).top().get(0).exported[0]);
  }

  @Test
  void gaugesOfRowsOutsideTheTopAreSummed() {
    TopN<Integer> t = new TopN<>(1, 1);
    t.begin(true);
    t.observe(1, "g", List.of("g", "a"), v(9), v(1), null);
    t.observe(2, "g", List.of("g", "b"), v(1), v(2), null);
    t.observe(3, "g", List.of("g", "c"), v(1), v(Double.NaN), null);
    t.observe(4, "g", List.of("g", "d"), v(1), v(4), null);
    TopN.Result r = t.finish(1, List.of(BY_DELTA));
    assertEquals(6, r.otherGauges().get("g")[0], "NULL gauges add nothing");
  }

  @Test
  void unionOfTwoRankings() {
    TopN<Integer> t = new TopN<>(1, 1);
    t.begin(true);
    t.observe(1, "g", List.of("g", "a"), v(9), v(0), null);
    t.observe(2, "g", List.of("g", "b"), v(1), v(50), null);
    t.observe(3, "g", List.of("g", "c"), v(2), v(1), null);
    TopN.Result r = t.finish(1, List.of(BY_DELTA, (e, run, base) -> e.gauge(0)));
    Set<List<String>> top = new HashSet<>();
    r.top().forEach(e -> top.add(e.labels));
    assertEquals(Set.of(List.of("g", "a"), List.of("g", "b")), top);
  }

  @Test
  void randomWorkloadsKeepSumsRightCountersMonotonicAndCardinalityFixed() {
    for (long seed = 1; seed <= 30; seed++) {
      randomWorkload(seed);
    }
  }

  private void randomWorkload(long seed) {
    Random rnd = new Random(seed);
    int n = 1 + rnd.nextInt(6);
    TopN<Integer> t = new TopN<>(2, 0);
    Map<Integer, double[]> source = new HashMap<>(); // the server's current raw values
    Map<Integer, Double> incarnation = new HashMap<>(); // like stats_since: changes on re-creation
    for (int k = 0; k < 40; k++) {
      source.put(k, v(rnd.nextInt(100), rnd.nextInt(1000)));
      incarnation.put(k, 0.0);
    }
    Map<List<String>, double[]> lastSample = new HashMap<>(); // each series' last scraped value
    Set<Integer> changed = new HashSet<>(source.keySet());
    int nextKey = 40;
    for (int runNo = 0; runNo < 60; runNo++) {
      Map<Integer, double[]> before = new HashMap<>();
      source.forEach((k, x) -> before.put(k, x.clone()));
      Set<Integer> recreated = new HashSet<>();
      boolean reset = runNo > 0 && rnd.nextInt(25) == 0;
      boolean fullRead = runNo == 0 || reset || rnd.nextInt(5) == 0;
      if (runNo > 0) {
        if (reset) {
          source.replaceAll((k, x) -> v(0, 0));
          changed.addAll(source.keySet());
          recreated.addAll(source.keySet());
        }
        for (int i = 0; i < 1 + rnd.nextInt(15); i++) {
          int k = rnd.nextInt(nextKey);
          double[] x = source.get(k);
          if (x == null) {
            continue;
          }
          if (rnd.nextInt(30) == 0) { // evicted and re-created between two runs
            x[0] = 0;
            x[1] = 0;
            incarnation.merge(k, 1.0, Double::sum);
            recreated.add(k);
          }
          x[0] += 1 + rnd.nextInt(20);
          x[1] += rnd.nextInt(500);
          changed.add(k);
        }
        if (rnd.nextInt(3) == 0) {
          source.put(nextKey, v(1 + rnd.nextInt(5), rnd.nextInt(50)));
          incarnation.put(nextKey, 0.0);
          changed.add(nextKey++);
        }
        if (rnd.nextInt(4) == 0 && source.size() > 5) {
          source.remove(source.keySet().iterator().next()); // evicted, gone
        }
        if (rnd.nextInt(4) == 0) { // an evicted key comes back as a new entry
          int k = rnd.nextInt(nextKey);
          if (!source.containsKey(k)) {
            source.put(k, v(1 + rnd.nextInt(5), rnd.nextInt(50)));
            incarnation.merge(k, 1.0, Double::sum);
            recreated.add(k);
            changed.add(k);
          }
        }
      }
      // The true increase per group, from the simulated source alone.
      Map<String, double[]> truth = new HashMap<>();
      source.forEach((k, x) -> {
        double[] b = before.get(k);
        double[] g = truth.computeIfAbsent("g" + (k % 3), x2 -> new double[2]);
        for (int i = 0; i < 2; i++) {
          g[i] += b == null || recreated.contains(k) ? x[i] : x[i] - b[i];
        }
      });
      t.begin(fullRead, reset);
      for (int k : (t.isFull() ? source.keySet() : changed)) {
        double[] x = source.get(k);
        if (x != null) {
          t.observe(k, "g" + (k % 3), labels(k), x.clone(), null, incarnation.get(k));
        }
      }
      changed.clear();
      TopN.Result r = t.finish(n, List.of((e, run, base) -> base ? e.current(1) : e.delta(1, run)));
      // What Prometheus sees: per series, its increase since its last sample, however long ago.
      Map<List<String>, double[]> sample = new HashMap<>();
      for (TopN.Entry e : r.top()) {
        sample.put(e.labels, e.exported.clone());
      }
      r.otherCounters().forEach((g, x) -> sample.put(List.of(g, "other"), x));
      assertEquals(Math.min(n, t.size()) + r.otherCounters().size(), sample.size(), "seed " + seed);
      Map<String, double[]> seen = new HashMap<>();
      for (Map.Entry<List<String>, double[]> e : sample.entrySet()) {
        double[] prev = lastSample.get(e.getKey());
        if (prev != null) {
          for (int i = 0; i < 2; i++) {
            assertFalse(e.getValue()[i] < prev[i], "seed " + seed + ": " + e.getKey() + " went backwards");
            seen.computeIfAbsent(e.getKey().get(0), g -> new double[2])[i] += e.getValue()[i] - prev[i];
          }
        }
      }
      lastSample.putAll(sample); // kept across gaps: a range vector spans a series' absence
      if (runNo == 0) {
        continue; // the baseline: nothing to compare yet
      }
      for (Map.Entry<String, double[]> g : truth.entrySet()) {
        double[] have = seen.getOrDefault(g.getKey(), new double[2]);
        for (int i = 0; i < 2; i++) {
          assertEquals(g.getValue()[i], have[i], 1e-9,
              "seed " + seed + " run " + runNo + " group " + g.getKey() + " column " + i);
        }
      }
    }
  }
}
