package io.drwatch.cluster;

import static io.drwatch.cluster.Fixture.primaryWith;
import static io.drwatch.cluster.Fixture.standbyRow;
import static io.drwatch.cluster.Fixture.syncConfig;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class RegionLossTest {

  private static Promotion.Answer answer(String target, double bytes, Double seconds, boolean eligible) {
    return new Promotion.Answer(target, bytes, seconds, 1.0, eligible, false);
  }

  private static final Map<String, String> REGIONS = Map.of("pg-a", "eu", "pg-b", "eu", "pg-c", "us", "pg-d", "ap");

  @Test
  void losingTheWritersRegionCostsTheBestSurvivorsLossElsewhereNothing() {
    List<Promotion.Answer> answers = List.of(answer("pg-b", 100, 0.1, true), answer("pg-c", 5_000, 2.0, true),
        answer("pg-d", 90_000, 9.0, true));
    List<RegionLoss.Answer> out = RegionLoss.answers(REGIONS, "pg-a", answers);
    assertEquals(List.of(
        new RegionLoss.Answer("ap", 0, 0.0, "pg-a", 3),
        // pg-b lags least but shares the writer's region: the best survivor is pg-c
        new RegionLoss.Answer("eu", 5_000, 2.0, "pg-c", 2),
        new RegionLoss.Answer("us", 0, 0.0, "pg-a", 3)), out);
  }

  @Test
  void noEligibleStandbyOutsideTheRegionIsInfiniteLossAndNoSurvivor() {
    List<Promotion.Answer> answers = List.of(answer("pg-b", 100, 0.1, true), answer("pg-c", 50, 0.1, false));
    RegionLoss.Answer eu = RegionLoss.answers(Map.of("pg-a", "eu", "pg-b", "eu", "pg-c", "us"), "pg-a", answers)
        .stream().filter(a -> a.region().equals("eu")).findFirst().orElseThrow();
    assertEquals(Double.POSITIVE_INFINITY, eu.lossBytes());
    assertNull(eu.survivor(), "a delayed standby is no survivor");
    assertEquals(0, eu.survivors());
  }

  @Test
  void aWriterWithoutRegionIsLostWithAnyRegionAndAnUnlabelledStandbyNeverSurvives() {
    List<Promotion.Answer> answers = List.of(answer("pg-b", 100, 0.1, true), answer("pg-x", 0, 0.0, true));
    List<RegionLoss.Answer> out = RegionLoss.answers(Map.of("pg-b", "eu", "pg-c", "us"), "pg-a", answers);
    assertEquals(new RegionLoss.Answer("eu", Double.POSITIVE_INFINITY, Double.POSITIVE_INFINITY, null, 0), out.get(0));
    assertEquals(new RegionLoss.Answer("us", 100, 0.1, "pg-b", 1), out.get(1));
  }

  @Test
  void auroraRegionsAreTheGlobalDatabasesAndTheirLossIsTheBestSecondarysRpoLag() {
    Readings writer = Fixture.readings(
        Fixture.s("aurora_global_db_region_info", 1, "us-east-1", "primary"),
        Fixture.s("aurora_global_db_region_info", 1, "us-west-2", "secondary"),
        Fixture.s("aurora_global_db_region_info", 1, "eu-west-1", "secondary"),
        Fixture.s("aurora_global_db_rpo_lag_seconds", 1.2, "us-west-2"),
        Fixture.s("aurora_global_db_rpo_lag_seconds", 5.3, "eu-west-1"));
    List<RegionLoss.Answer> out = RegionLoss.aurora("apg-writer", writer);
    assertEquals(List.of(
        new RegionLoss.Answer("eu-west-1", 0, 0.0, "apg-writer", 2),
        new RegionLoss.Answer("us-east-1", Double.NaN, 1.2, null, 2),
        new RegionLoss.Answer("us-west-2", 0, 0.0, "apg-writer", 2)), out);
    List<RegionLoss.Answer> alone = RegionLoss.aurora("apg-writer",
        Fixture.readings(Fixture.s("aurora_global_db_region_info", 1, "us-east-1", "primary")));
    assertEquals(List.of(new RegionLoss.Answer("us-east-1", Double.POSITIVE_INFINITY, Double.POSITIVE_INFINITY,
        null, 0)), alone);
    assertNull(RegionLoss.aurora("apg-writer", Fixture.readings()), "no global-database samples: labels decide");
  }

  @Test
  void syncReplicationAcrossRegionsAndTheCommitLatencyItAdds() {
    Map<String, String> apps = Map.of("pg-b", "pg-b", "pg-c", "pg-c");
    Readings first = primaryWith(syncConfig("first", "on", 1), List.of(
        standbyRow("pg-b", "streaming", "async", 10, 0.001), standbyRow("pg-c", "streaming", "sync", 0, 0.045)));
    assertEquals(new RegionLoss.Sync(true, 0.045), RegionLoss.sync(first, "eu", apps, REGIONS));
    Readings local = primaryWith(syncConfig("first", "on", 1), List.of(
        standbyRow("pg-b", "streaming", "sync", 0, 0.002), standbyRow("pg-c", "streaming", "potential", 0, 0.045)));
    assertEquals(new RegionLoss.Sync(false, 0.002), RegionLoss.sync(local, "eu", apps, REGIONS));
    // ANY 1 of two quorum standbys: a commit waits for the faster one.
    Readings quorum = primaryWith(syncConfig("any", "on", 1), List.of(
        standbyRow("pg-b", "streaming", "quorum", 0, 0.002), standbyRow("pg-c", "streaming", "quorum", 0, 0.045)));
    assertEquals(new RegionLoss.Sync(true, 0.002), RegionLoss.sync(quorum, "eu", apps, REGIONS));
    Readings async = primaryWith(List.of(), List.of(standbyRow("pg-c", "streaming", "async", 0, 0.045)));
    assertNull(RegionLoss.sync(async, "eu", apps, REGIONS), "nothing waits: no answer");
    assertNull(RegionLoss.sync(first, "eu", Map.of(), REGIONS), "a sync standby that matches no target");
  }
}
