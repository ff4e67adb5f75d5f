package io.drwatch.patroni;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import io.drwatch.patroni.PatroniJson.HistoryEntry;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

class LeaderChangesTest {

  static final Instant T0 = Instant.parse("2026-12-07T18:00:00Z");

  @Test
  void aChangeSpansTheOldLeadersLastSightingToTheNewOnesFirst() {
    LeaderChanges c = new LeaderChanges();
    c.observe("m1", T0);
    c.observe("m1", T0.plusSeconds(1));
    c.observe(null, T0.plusSeconds(2)); // leaderless polls leave the last sighting alone
    c.observe(null, T0.plusSeconds(5));
    assertNull(c.last());
    c.observe("m2", T0.plusMillis(7500));
    assertEquals(6.5, c.last().seconds());
    assertEquals("m1", c.last().from());
    // History names m2 promoted at T0+6.2 s: 5.2 s after the old leader was last seen.
    List<HistoryEntry> h = List.of(new HistoryEntry(1, 1L, "r", T0.minusSeconds(60), "m1"),
        new HistoryEntry(2, 2L, "r", T0.plusMillis(6200), "m2"));
    assertEquals(5.2, c.historySeconds(h));
    // An entry older than the sighting belongs to an earlier change.
    assertNull(c.historySeconds(List.of(new HistoryEntry(2, 2L, "r", T0, "m2"))));
    c.observe("m2", T0.plusSeconds(9));
    assertEquals(6.5, c.last().seconds(), "the same leader again is no change");
  }
}
