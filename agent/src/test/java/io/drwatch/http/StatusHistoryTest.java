package io.drwatch.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class StatusHistoryTest {

  private static final Instant T0 = Instant.parse("2026-12-07T03:00:00Z");

  @Test
  void keepsTheLastCapacityTicksOldestFirstWithGaps() {
    StatusHistory h = new StatusHistory(3, 10);
    for (int i = 0; i < 5; i++) {
      Map<String, Double> v = new HashMap<>();
      v.put("a", (double) i);
      if (i != 3) {
        v.put("b", 10.0 + i);
      }
      h.record(T0.plusSeconds(10L * i), v);
    }
    assertEquals(Arrays.toString(new long[] {T0.plusSeconds(20).toEpochMilli(), T0.plusSeconds(30).toEpochMilli(),
        T0.plusSeconds(40).toEpochMilli()}), Arrays.toString(h.times()));
    assertEquals(List.of(2.0, 3.0, 4.0), h.values("a"));
    assertEquals(Arrays.asList(12.0, null, 14.0), h.values("b"));
    assertNull(h.values("never"));
  }

  @Test
  void aSeriesSilentForAWholeWindowIsDropped() {
    StatusHistory h = new StatusHistory(3, 10);
    h.record(T0, Map.of("gone", 1.0, "stays", 1.0));
    for (int i = 1; i <= 3; i++) {
      h.record(T0.plusSeconds(i), Map.of("stays", 1.0));
    }
    assertNull(h.values("gone"));
    assertEquals(1, h.seriesCount());
  }

  @Test
  void seriesBeyondTheCapAreRefusedNotGrown() {
    StatusHistory h = new StatusHistory(4, 2);
    h.record(T0, Map.of("a", 1.0, "b", 2.0, "c", 3.0));
    assertEquals(2, h.seriesCount());
    assertEquals(1, h.refused());
  }

  /**
   * The full history (MAX_SERIES series of an hour each) measured on the heap: the bound the docs
   * state (docs/status-page.md) must hold.
   */
  @Test
  void fullHistoryMemoryIsMeasuredAndBounded() throws Exception {
    MemoryMXBean mem = ManagementFactory.getMemoryMXBean();
    List<StatusHistory> keep = new ArrayList<>();
    long before = used(mem);
    int copies = 8;
    for (int c = 0; c < copies; c++) {
      StatusHistory h = new StatusHistory();
      for (int tick = 0; tick < StatusHistory.CAPACITY; tick++) {
        Map<String, Double> v = new HashMap<>();
        for (int s = 0; s < StatusHistory.MAX_SERIES; s++) {
          v.put(StatusHistory.key("cluster-" + (s / 64), StatusReport.H_LAG_BYTES, "standby-" + s), (double) tick);
        }
        h.record(T0.plusSeconds(10L * tick), v);
      }
      assertEquals(StatusHistory.MAX_SERIES, h.seriesCount());
      keep.add(h);
    }
    long perHistory = (used(mem) - before) / copies;
    System.out.printf("status history, %d series x %d ticks: %.0f KiB retained%n", StatusHistory.MAX_SERIES,
        StatusHistory.CAPACITY, perHistory / 1024.0);
    long arrays = (long) StatusHistory.MAX_SERIES * StatusHistory.CAPACITY * 4 + StatusHistory.CAPACITY * 8L;
    assertTrue(perHistory >= arrays / 2, "measurement too small to be real: " + perHistory);
    assertTrue(perHistory < 1024 * 1024, "full history over 1 MiB: " + perHistory + " bytes");
    assertEquals(copies, keep.size());
  }

  /** Heap in use once collections stop freeing anything (System.gc() is a full, synchronous collection). */
  private static long used(MemoryMXBean mem) {
    long used = Long.MAX_VALUE;
    for (int i = 0; i < 5; i++) {
      System.gc();
      long now = mem.getHeapMemoryUsage().getUsed();
      if (now >= used) {
        return now;
      }
      used = now;
    }
    return used;
  }
}
