package io.drwatch.collect.cockroach;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import io.drwatch.collect.cockroach.StatementDeltas.Interval;
import io.drwatch.collect.cockroach.StatementDeltas.Key;
import io.drwatch.collect.cockroach.StatementDeltas.Snapshot;
import io.drwatch.collect.cockroach.StatementDeltas.Statement;
import io.drwatch.collect.cockroach.StatementDeltas.Totals;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The explicit state behind the statements top-N. */
class StatementDeltasTest {

  private static final double H10 = 1_700_000_000; // an aggregation bucket
  private static final double H11 = H10 + 3600;

  private static Totals t(double executions, double seconds) {
    return new Totals(executions, seconds, executions, 0, 0, 0);
  }

  private static Snapshot snap(double at, String cluster, Object... keyTotals) {
    java.util.List<Map.Entry<Key, Totals>> rows = new java.util.ArrayList<>();
    for (int i = 0; i < keyTotals.length; i += 2) {
      rows.add(Map.entry((Key) keyTotals[i], (Totals) keyTotals[i + 1]));
    }
    return new Snapshot(at, cluster, StatementDeltas.totals(rows));
  }

  private static Key k(String fp, double bucket) {
    return new Key(fp, "app", bucket);
  }

  private static Statement s(String fp) {
    return new Statement(fp, "app");
  }

  @Test
  void theFirstSnapshotIsOnlyTheBaseline() {
    assertNull(new StatementDeltas().advance(snap(100, "c", k("a", H10), t(10, 1))));
  }

  @Test
  void deltasPerStatementAcrossBuckets() {
    StatementDeltas d = new StatementDeltas();
    d.advance(snap(100, "c", k("a", H10), t(10, 1), k("b", H10), t(5, 5)));
    // a: +4 in the old bucket, +3 in a bucket that started since; b unchanged
    Interval i = d.advance(snap(160, "c", k("a", H10), t(14, 1.4), k("a", H11), t(3, 0.3),
        k("b", H10), t(5, 5)));
    assertEquals(60, i.seconds());
    assertEquals(7, i.statements().get(s("a")).executions(), 1e-9);
    assertEquals(0.7, i.statements().get(s("a")).serviceSeconds(), 1e-9);
    assertEquals(0, i.statements().get(s("b")).executions());
    assertEquals(List.of(s("a")), i.top(5).stream().map(Map.Entry::getKey).toList(), "b was idle");
  }

  @Test
  void aCountThatWentDownWasAResetAndCountsFromZero() {
    StatementDeltas d = new StatementDeltas();
    d.advance(snap(100, "c", k("a", H10), t(50, 5)));
    Interval i = d.advance(snap(160, "c", k("a", H10), t(2, 0.2)));
    assertEquals(2, i.statements().get(s("a")).executions());
  }

  @Test
  void aVanishedBucketIsIgnored() {
    StatementDeltas d = new StatementDeltas();
    d.advance(snap(100, "c", k("a", H10), t(50, 5), k("b", H10), t(1, 1)));
    Interval i = d.advance(snap(160, "c", k("b", H10), t(2, 2)));
    assertEquals(Map.of(s("b"), new Totals(1, 1, 1, 0, 0, 0)), i.statements());
  }

  @Test
  void anotherClusterOrAClockThatDidNotMoveRestartsTheBaseline() {
    StatementDeltas d = new StatementDeltas();
    d.advance(snap(100, "c1", k("a", H10), t(50, 5)));
    assertNull(d.advance(snap(160, "c2", k("a", H10), t(60, 6))), "a different cluster");
    assertNull(d.advance(snap(160, "c2", k("a", H10), t(70, 7))), "no time passed");
    assertEquals(10, d.advance(snap(220, "c2", k("a", H10), t(80, 8))).statements().get(s("a")).executions());
  }

  @Test
  void topIsByServiceTimeThenExecutionsThenId() {
    StatementDeltas d = new StatementDeltas();
    d.advance(snap(100, "c"));
    Interval i = d.advance(snap(160, "c", k("c", H10), t(1, 2), k("b", H10), t(9, 2), k("a", H10), t(9, 2),
        k("d", H10), t(100, 1), k("e", H10), t(0, 0)));
    assertEquals(List.of(s("a"), s("b"), s("c")), i.top(3).stream().map(Map.Entry::getKey).toList());
    assertEquals(4, i.top(10).size(), "idle statements are never ranked");
  }
}
