package io.drwatch.cluster;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.util.List;
import org.junit.jupiter.api.Test;

class PromotionTest {

  private static final double MB = 1 << 20;

  /** A writer seen at 100 MiB at t=1000 s, having written 1 MiB per second before that. */
  private static Promotion.Writer writerAt(double lsn, double at) {
    return new Promotion.Writer(lsn, at, held -> at - (lsn - held) / MB);
  }

  @Test
  void lossIsTheWritersPositionMinusWhatEachStandbyHolds() {
    List<Promotion.Answer> a = Promotion.answers(writerAt(100 * MB, 1000), List.of(
        new Promotion.Standby("sync1", 100 * MB, 100 * MB, 4 * MB, false, false),
        new Promotion.Standby("async1", 90 * MB, 80 * MB, 4 * MB, false, false)));
    assertEquals(new Promotion.Answer("async1", 10 * MB, 10.0, 2.5, true, false), a.get(0));
    assertEquals(new Promotion.Answer("sync1", 0, 0.0, 0.0, true, false), a.get(1));
    assertEquals("sync1", Promotion.best(a).target());
  }

  @Test
  void aSynchronousStandbyIsTheCandidateEvenWhenAnAsyncOneLooksAhead() {
    // Positions are read on different servers at different moments: async1's probe came later.
    List<Promotion.Answer> a = Promotion.answers(writerAt(100 * MB, 1000), List.of(
        new Promotion.Standby("sync1", 99 * MB, 99 * MB, 4 * MB, false, true),
        new Promotion.Standby("async1", 100 * MB, 100 * MB, 4 * MB, false, false)));
    assertEquals(1 * MB, a.get(1).lossBytes(), "sync1's loss in WAL is still what it lacks");
    assertEquals("sync1", Promotion.best(a).target(), "but it holds every acknowledged commit");
    List<Promotion.Answer> tie = Promotion.answers(writerAt(100 * MB, 1000), List.of(
        new Promotion.Standby("sync1", 100 * MB, 100 * MB, 4 * MB, false, true),
        new Promotion.Standby("async1", 100 * MB, 100 * MB, 4 * MB, false, false)));
    assertEquals("sync1", Promotion.best(tie).target(), "not async1 by name");
    List<Promotion.Answer> delayedSync = Promotion.answers(writerAt(100 * MB, 1000), List.of(
        new Promotion.Standby("sync1", 100 * MB, 50 * MB, 4 * MB, true, true),
        new Promotion.Standby("async1", 90 * MB, 90 * MB, 4 * MB, false, false)));
    assertEquals("async1", Promotion.best(delayedSync).target(), "a delayed standby never, synchronous or not");
  }

  @Test
  void aStandbyAheadOfTheLastSightingRaisesTheKnownWriterPosition() {
    // The writer wrote on after the agent last saw it; a standby received it, so it was written.
    List<Promotion.Answer> a = Promotion.answers(writerAt(100 * MB, 1000), List.of(
        new Promotion.Standby("a", 103 * MB, 103 * MB, null, false, false),
        new Promotion.Standby("b", 99 * MB, 99 * MB, null, false, false)));
    assertEquals(0, a.get(0).lossBytes());
    assertEquals(4 * MB, a.get(1).lossBytes());
  }

  @Test
  void aStalledReceiverHoldsNothingToReplayButItsLossShowsItIsBehind() {
    List<Promotion.Answer> a = Promotion.answers(writerAt(100 * MB, 1000), List.of(
        new Promotion.Standby("stalled", 40 * MB, 40 * MB, 4 * MB, false, false)));
    assertEquals(60 * MB, a.get(0).lossBytes());
    assertEquals(60.0, a.get(0).lossSeconds());
    assertEquals(0.0, a.get(0).catchupSeconds());
  }

  @Test
  void tiesGoToTheFasterCatchUpThenTheName() {
    List<Promotion.Answer> a = Promotion.answers(writerAt(100 * MB, 1000), List.of(
        new Promotion.Standby("c", 100 * MB, 96 * MB, 1 * MB, false, false),
        new Promotion.Standby("b", 100 * MB, 99 * MB, 1 * MB, false, false),
        new Promotion.Standby("a", 100 * MB, 99 * MB, 1 * MB, false, false)));
    assertEquals("a", Promotion.best(a).target());
    List<Promotion.Answer> unknownRate = Promotion.answers(writerAt(100 * MB, 1000), List.of(
        new Promotion.Standby("a", 100 * MB, 99 * MB, null, false, false),
        new Promotion.Standby("b", 100 * MB, 96 * MB, 1 * MB, false, false)));
    assertEquals("b", Promotion.best(unknownRate).target(), "a known catch-up beats an unknown one");
  }

  @Test
  void aDelayedStandbyIsAnsweredForButNeverTheCandidate() {
    List<Promotion.Answer> a = Promotion.answers(writerAt(100 * MB, 1000), List.of(
        new Promotion.Standby("delayed", 100 * MB, 50 * MB, 1 * MB, true, false),
        new Promotion.Standby("async", 80 * MB, 80 * MB, 1 * MB, false, false)));
    Promotion.Answer delayed = a.get(1);
    assertEquals("delayed", delayed.target());
    assertFalse(delayed.eligible());
    assertEquals(0, delayed.lossBytes());
    assertEquals("async", Promotion.best(a).target());
    assertNull(Promotion.best(List.of(delayed)));
  }

  @Test
  void lossSecondsUnknownWhenTheHistoryCannotPlaceThePosition() {
    List<Promotion.Answer> a = Promotion.answers(new Promotion.Writer(100 * MB, 1000, held -> null),
        List.of(new Promotion.Standby("s", 10 * MB, 10 * MB, null, false, false)));
    assertNull(a.get(0).lossSeconds());
    assertEquals(90 * MB, a.get(0).lossBytes());
  }
}
