package io.drwatch.http;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * A short in-memory history for the status page's sparklines: at most {@code capacity} ticks on one
 * shared time axis, and per series one {@code float} per tick (NaN where the value was missing).
 * Memory is fixed by construction: {@code capacity × (8 + 4 × series)} bytes of arrays, series
 * capped at {@code maxSeries} (later ones are not kept, and counted); a series that had no value
 * for a whole window is dropped. Thread-safe.
 */
final class StatusHistory {

  /** One hour at one tick every 10 s. */
  static final Duration STEP = Duration.ofSeconds(10);
  static final int CAPACITY = 360;
  static final int MAX_SERIES = 512;

  private final int capacity;
  private final int maxSeries;
  private final long[] times;
  private final Map<String, float[]> series = new HashMap<>();
  private final Map<String, Integer> lastSeenTick = new HashMap<>();
  private long ticks;
  private long refused;

  StatusHistory() {
    this(CAPACITY, MAX_SERIES);
  }

  StatusHistory(int capacity, int maxSeries) {
    this.capacity = capacity;
    this.maxSeries = maxSeries;
    this.times = new long[capacity];
  }

  /** One tick: every series' value now (null or absent: missing). */
  synchronized void record(Instant at, Map<String, Double> values) {
    int slot = (int) (ticks % capacity);
    times[slot] = at.toEpochMilli();
    for (float[] v : series.values()) {
      v[slot] = Float.NaN;
    }
    for (Map.Entry<String, Double> e : values.entrySet()) {
      if (e.getValue() == null || e.getValue().isNaN()) {
        continue;
      }
      float[] v = series.get(e.getKey());
      if (v == null) {
        if (series.size() >= maxSeries) {
          refused++;
          continue;
        }
        v = new float[capacity];
        Arrays.fill(v, Float.NaN);
        series.put(e.getKey(), v);
      }
      v[slot] = e.getValue().floatValue();
      lastSeenTick.put(e.getKey(), (int) ticks);
    }
    ticks++;
    long horizon = ticks - capacity;
    lastSeenTick.entrySet().removeIf(e -> {
      if (e.getValue() < horizon) {
        series.remove(e.getKey());
        return true;
      }
      return false;
    });
  }

  /** Tick times, oldest first, as epoch milliseconds. */
  synchronized long[] times() {
    int n = (int) Math.min(ticks, capacity);
    long[] out = new long[n];
    for (int i = 0; i < n; i++) {
      out[i] = times[slot(i, n)];
    }
    return out;
  }

  /** The series' values aligned with {@link #times()} (null where missing), or null when unknown. */
  synchronized List<Double> values(String key) {
    float[] v = series.get(key);
    if (v == null) {
      return null;
    }
    int n = (int) Math.min(ticks, capacity);
    List<Double> out = new ArrayList<>(n);
    for (int i = 0; i < n; i++) {
      float f = v[slot(i, n)];
      out.add(Float.isNaN(f) ? null : (double) f);
    }
    return out;
  }

  synchronized int seriesCount() {
    return series.size();
  }

  /** Series not kept because {@code maxSeries} were already held. */
  synchronized long refused() {
    return refused;
  }

  private int slot(int i, int n) {
    long first = ticks - n;
    return (int) ((first + i) % capacity);
  }

  static String key(String cluster, String what, String who) {
    return cluster + '\n' + what + '\n' + (who == null ? "" : who);
  }
}
