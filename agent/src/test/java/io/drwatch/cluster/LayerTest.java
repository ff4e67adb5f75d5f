package io.drwatch.cluster;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import org.junit.jupiter.api.Test;

class LayerTest {

  private static final double INF = Double.POSITIVE_INFINITY;

  @Test
  void smallestLossThroughAHealthyLayerPerUnit() {
    Layer.Effective e = Layer.effective(List.of(
        new Layer("replica", true, 0.5, 900_000.0),
        new Layer("archive", true, 40.0, 12_000.0),
        new Layer("backup", true, 3600.0, null)), true);
    assertEquals(new Layer.Effective(0.5, 12_000.0), e, "units are compared separately");
  }

  @Test
  void unhealthyLayersDoNotCount() {
    Layer.Effective e = Layer.effective(List.of(
        new Layer("replica", false, null, null),
        new Layer("archive", false, 300.0, 50_000_000.0),
        new Layer("backup", true, 7200.0, null)), true);
    assertEquals(new Layer.Effective(7200.0, INF), e, "the backup layer measures no bytes");
  }

  @Test
  void aWriterWithNoHealthyLayerIsUnprotected() {
    assertEquals(new Layer.Effective(INF, INF), Layer.effective(List.of(new Layer("archive", false, 5.0, 5.0)), true));
    assertEquals(new Layer.Effective(INF, INF), Layer.effective(List.of(new Layer("replica", false, null, null),
        new Layer("archive", false, null, null)), true), "cluster of one, archiving off, no backups");
  }

  @Test
  void noInputYetIsNoEstimate() {
    assertEquals(new Layer.Effective(null, null), Layer.effective(List.of(), true));
  }

  @Test
  void withoutAWriterThereIsNothingNewToLose() {
    assertEquals(new Layer.Effective(null, null), Layer.effective(List.of(new Layer("replica", false, null, null)), false));
    assertEquals(new Layer.Effective(60.0, null),
        Layer.effective(List.of(new Layer("backup", true, 60.0, null)), false));
  }
}
