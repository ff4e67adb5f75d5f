package io.drwatch.cluster;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.util.Set;
import org.junit.jupiter.api.Test;

class WriterPositionsTest {

  private final WriterPositions w = new WriterPositions();

  private void saw(String target, double at, double lsn) {
    w.saw(new WriterPositions.Seen("c1", target, "sys", at, lsn));
  }

  @Test
  void aPositionMapsToWhenTheWriterPassedItInterpolatedBetweenProbes() {
    saw("a", 100, 1000);
    saw("a", 110, 2000);
    saw("a", 120, 2000); // idle interval
    saw("a", 130, 4000);
    assertEquals(105.0, w.passedAt("a", 1500));
    assertEquals(120.0, w.passedAt("a", 2000), "the writer stood there until 120");
    assertEquals(125.0, w.passedAt("a", 3000));
    assertEquals(130.0, w.passedAt("a", 5000));
    assertEquals(100.0, w.passedAt("a", 10), "behind the whole history: its start, so a lower bound");
    assertNull(w.passedAt("b", 10));
  }

  @Test
  void lastIsTheNewestSightingOfTheClusterAndOutlivesTheWriter() {
    saw("a", 100, 1000);
    saw("b", 90, 500);
    assertEquals("a", w.last("c1").target());
    assertEquals("a", w.last("c1", "sys").target());
    assertNull(w.last("c1", "other"));
    saw("a", 100, 3000);
    assertEquals(1000.0, w.last("c1").lsn(), "a sighting already known changes nothing");
    w.retainOnly(Set.of("b"));
    assertEquals("b", w.last("c1").target());
  }

  @Test
  void anotherDatabaseRestartsTheHistoryAndItIsBounded() {
    saw("a", 1, 100);
    w.saw(new WriterPositions.Seen("c1", "a", "sys2", 2, 5));
    assertEquals(2.0, w.passedAt("a", 1000));
    for (int i = 0; i < WriterPositions.KEPT + 50; i++) {
      saw("a", 10 + i, 1000 + i);
    }
    assertNull(w.last("c1", "sys2"), "back to the first database: the second's history is gone");
    assertEquals(60.0, w.passedAt("a", 0), "the oldest kept sighting after 50 were dropped");
  }
}
