package io.drwatch.collect.postgres;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.PriorityQueue;
import java.util.Set;

/**
 * Bounded cardinality for sources with one row per statement or table: of all rows, only the top N
 * by what they did <em>in the last interval</em> are exported one by one; everything else is
 * summed into one "other" series per group (database), so sums over a group stay right however
 * many rows the server has.
 *
 * <p>The state between runs, and why it is needed:
 *
 * <ul>
 *   <li>{@code prev}: each row's raw cumulative values at the last run, to rank by the interval's
 *       delta rather than by lifetime totals (or the top never changes).
 *   <li>{@code exported}: the counter values drwatch exposes for a row. They only ever grow by
 *       non-negative deltas, so a reset in the source (an entry evicted and re-created, a stats
 *       reset) never makes an exposed counter go backwards. They start at the row's raw value the
 *       first time the row is exported, and keep their value while the row is out of the top, so
 *       a row that comes back continues where it left off.
 *   <li>{@code other}: per group, the sum of the deltas of rows that Prometheus could not see move
 *       on their own series: rows outside the top N, and rows in their first interval in the top
 *       (Prometheus takes a new series' first sample as its baseline, so that interval's increase
 *       must be counted on "other", once).
 * </ul>
 *
 * <p>A delta is the row's raw value minus its previous value; when any counter went down, or the
 * row's identity stamp (pg_stat_statements {@code stats_since}) changed, the row was re-created
 * and the delta is its whole current value. A row first seen after the baseline run is new since
 * the last run and contributes its whole value too. In the baseline run (first run, or after
 * {@link #rebaseline()}) no delta is known: rows are ranked by the caller's lifetime score and
 * "other" starts at the raw sum of the rows outside the top.
 *
 * <p>Runs are either <em>full</em> (every row of the source was observed; rows not observed are
 * gone and are forgotten) or <em>partial</em> (only changed rows were observed; the others moved
 * by zero). Not thread-safe: one instance per (target, collector), whose runs never overlap.
 */
final class TopN<K> {

  /** One tracked row. Package-private so rankers and the collectors' mappings can read it. */
  static final class Entry {
    String group;
    List<String> labels;
    /** The labels joined, for a deterministic order among ties (computed when they change). */
    String sortKey = "";
    final double[] prev;
    final double[] delta;
    double[] gauges;
    double[] exported;
    boolean exportedLast;
    Double stamp;
    long observedRun = -1;

    Entry(int counters) {
      prev = new double[counters];
      delta = new double[counters];
    }

    /** This run's delta of one counter (0 when the row was not observed this run). */
    double delta(int column, long run) {
      return observedRun == run ? delta[column] : 0;
    }

    double current(int column) {
      return prev[column];
    }

    double gauge(int column) {
      return gauges == null ? Double.NaN : gauges[column];
    }
  }

  /** Scores a row for one ranking; higher is more interesting. */
  interface Ranker {
    double score(Entry e, long run, boolean baseline);
  }

  /** What one run exports: the top rows and one rollup per group, in a stable order. */
  record Result(List<Entry> top, Map<String, double[]> otherCounters, Map<String, double[]> otherGauges) {}

  private final int counters;
  private final int gaugeCount;
  private final Map<K, Entry> entries = new HashMap<>();
  private final Map<String, double[]> other = new HashMap<>();
  /**
   * Exported counters of rows that were forgotten (evicted from the source), so that a row that
   * comes back continues where its series left off instead of restarting lower. Bounded.
   */
  private final Map<K, double[]> forgotten = new LinkedHashMap<>(16, 0.75f, false) {
    @Override
    protected boolean removeEldestEntry(Map.Entry<K, double[]> eldest) {
      return size() > FORGOTTEN_MAX;
    }
  };
  static final int FORGOTTEN_MAX = 2000;
  private long run;
  private boolean baseline = true;
  private boolean full;
  private boolean resetAll;

  TopN(int counters, int gauges) {
    this.counters = counters;
    this.gaugeCount = gauges;
  }

  /** The next run has no usable previous values (the server behind the target changed). */
  void rebaseline() {
    baseline = true;
  }

  boolean baseline() {
    return baseline;
  }

  int size() {
    return entries.size();
  }

  /** Every tracked row (for building the "previous values" filter of a partial read). */
  Iterable<Map.Entry<K, Entry>> tracked() {
    return entries.entrySet();
  }

  long run() {
    return run;
  }

  /** Starts a run; a baseline run must be full. */
  void begin(boolean fullRun) {
    begin(fullRun, false);
  }

  /**
   * Starts a run. {@code sourceWasReset}: the whole source was reset since the last run (every
   * row now counts from zero), so each row's delta is its current value; such a run must be full.
   */
  void begin(boolean fullRun, boolean sourceWasReset) {
    run++;
    resetAll = sourceWasReset && !baseline;
    full = fullRun || baseline || resetAll;
  }

  /** The tracked row for a key, or null (lets callers skip reading labels they already have). */
  Entry get(K key) {
    return entries.get(key);
  }

  boolean isFull() {
    return full;
  }

  /**
   * Records one row of this run. {@code values} are the raw cumulative counters (NaN where the
   * source lacks the column), {@code gauges} the row's current gauge values (NaN for NULL).
   * {@code labels} may be null for a row already tracked (its labels stay). The arrays are copied.
   */
  void observe(K key, String group, List<String> labels, double[] values, double[] gauges, Double stamp) {
    Entry e = entries.get(key);
    boolean known = e != null;
    if (!known) {
      e = new Entry(counters);
      e.exported = forgotten.remove(key);
      entries.put(key, e);
    }
    boolean reset = !known || resetAll;
    if (known && !reset) {
      if (stamp != null && e.stamp != null && !stamp.equals(e.stamp)) {
        reset = true;
      }
      for (int i = 0; i < counters && !reset; i++) {
        if (values[i] < e.prev[i]) {
          reset = true;
        }
      }
    }
    for (int i = 0; i < counters; i++) {
      double d;
      if (baseline) {
        d = 0;
      } else if (reset) {
        d = values[i];
      } else {
        d = values[i] - e.prev[i];
      }
      e.delta[i] = d;
      e.prev[i] = values[i];
    }
    e.group = group;
    if (labels != null && !labels.equals(e.labels)) {
      e.labels = labels;
      e.sortKey = String.join("\u0000", labels);
    }
    e.stamp = stamp;
    if (gaugeCount > 0) {
      e.gauges = gauges.clone();
    }
    e.observedRun = run;
  }

  /**
   * Forgets rows that {@code keep} rejects and that were not observed in this run (a keys-only
   * read of the source, taken before this run's rows, says which still exist).
   */
  void retain(java.util.function.Predicate<K> keep) {
    entries.entrySet().removeIf(e -> {
      boolean drop = e.getValue().observedRun != run && !keep.test(e.getKey());
      if (drop) {
        forget(e.getKey(), e.getValue());
      }
      return drop;
    });
  }

  private void forget(K key, Entry e) {
    if (e.exported != null) {
      forgotten.put(key, e.exported);
    }
  }

  /**
   * Ends the run: picks the union of the top {@code n} rows of each ranking, moves deltas to the
   * exported counters or to "other", and returns what to export.
   */
  Result finish(int n, List<Ranker> rankers) {
    if (full) {
      for (Iterator<Map.Entry<K, Entry>> it = entries.entrySet().iterator(); it.hasNext(); ) {
        Map.Entry<K, Entry> e = it.next();
        if (e.getValue().observedRun != run) {
          forget(e.getKey(), e.getValue());
          it.remove();
        }
      }
    }
    Set<Entry> selected = new HashSet<>();
    for (Ranker r : rankers) {
      selected.addAll(top(n, r));
    }
    Map<String, double[]> otherGauges = new HashMap<>();
    Map<String, boolean[]> hasColumn = new HashMap<>(); // columns the source has, per group
    boolean initOther = baseline;
    Map<String, double[]> baselineOther = new HashMap<>();
    for (Entry e : entries.values()) {
      boolean[] has = hasColumn.computeIfAbsent(e.group, g -> new boolean[counters]);
      for (int i = 0; i < counters; i++) {
        has[i] |= !Double.isNaN(e.prev[i]);
      }
      boolean now = selected.contains(e);
      if (now && e.exportedLast) {
        add(e.exported, e, run);
      } else {
        if (now && e.exported == null) {
          e.exported = e.prev.clone();
        }
        if (initOther && !now) {
          double[] b = baselineOther.computeIfAbsent(e.group, g -> new double[counters]);
          for (int i = 0; i < counters; i++) {
            b[i] += e.prev[i];
          }
        } else if (!initOther && e.observedRun == run) {
          add(other.computeIfAbsent(e.group, g -> new double[counters]), e, run);
        }
      }
      e.exportedLast = now;
      if (!now && gaugeCount > 0) {
        double[] g = otherGauges.computeIfAbsent(e.group, x -> new double[gaugeCount]);
        for (int i = 0; i < gaugeCount; i++) {
          if (!Double.isNaN(e.gauges[i])) {
            g[i] += e.gauges[i];
          }
        }
      }
    }
    baselineOther.forEach((g, b) -> other.putIfAbsent(g, b));
    baseline = false;
    List<Entry> top = new ArrayList<>(selected);
    top.sort(Comparator.comparing((Entry e) -> e.group).thenComparing(e -> e.sortKey));
    Map<String, double[]> otherOut = new LinkedHashMap<>();
    Map<String, double[]> gaugesOut = new LinkedHashMap<>();
    hasColumn.keySet().stream().sorted().forEach(g -> {
      double[] o = other.computeIfAbsent(g, x -> new double[counters]).clone();
      boolean[] has = hasColumn.get(g);
      for (int i = 0; i < counters; i++) {
        if (!has[i]) {
          o[i] = Double.NaN; // the source has no such column: no sample, not 0
        }
      }
      otherOut.put(g, o);
      gaugesOut.put(g, otherGauges.getOrDefault(g, new double[gaugeCount]));
    });
    return new Result(top, otherOut, gaugesOut);
  }

  private void add(double[] into, Entry e, long run) {
    for (int i = 0; i < counters; i++) {
      double d = e.delta(i, run);
      if (d != 0 || Double.isNaN(d)) {
        into[i] += d;
      }
    }
  }

  /** The top n by score; ties go to rows exported last time (stability), then to label order. */
  private List<Entry> top(int n, Ranker r) {
    boolean base = baseline;
    long now = run;
    Comparator<Entry> order = Comparator
        .comparingDouble((Entry e) -> r.score(e, now, base))
        .thenComparing(e -> e.exportedLast)
        .thenComparing((Entry e) -> e.sortKey, Comparator.reverseOrder());
    PriorityQueue<Entry> heap = new PriorityQueue<>(n + 1, order);
    for (Entry e : entries.values()) {
      if (Double.isNaN(r.score(e, now, base))) {
        continue;
      }
      if (heap.size() < n) {
        heap.add(e);
      } else if (order.compare(e, heap.peek()) > 0) {
        heap.poll();
        heap.add(e);
      }
    }
    return new ArrayList<>(heap);
  }

  @Override
  public String toString() {
    return "TopN[" + entries.size() + " rows, groups " + other.keySet() + ", run " + run + "]";
  }
}
