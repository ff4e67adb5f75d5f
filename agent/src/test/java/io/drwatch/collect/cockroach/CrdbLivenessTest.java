package io.drwatch.collect.cockroach;

import static io.drwatch.collect.cockroach.Goldens.T;
import static io.drwatch.collect.cockroach.Goldens.expose;
import static io.drwatch.fixture.Rows.row;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.drwatch.collect.Row;
import io.drwatch.fixture.Exposition;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The crdb_liveness collector: gossip and KV liveness rows → node statuses and per-node samples.
 * Golden exposition text (see {@link Goldens}).
 */
class CrdbLivenessTest {

  private static String hlc(double seconds) {
    return String.format(java.util.Locale.ROOT, "%.9f,0", seconds);
  }

  private static Row liveness(long node, long epoch, double expiresIn, boolean draining, String membership,
      Double updatedAgo, Long replicas, Long leases) {
    return row("node_id", node, "epoch", epoch, "expiration", hlc(T + expiresIn), "draining", draining,
        "membership", membership, "updated_at", updatedAgo == null ? null : T - updatedAgo,
        "replicas", replicas, "leases", leases, "now", T);
  }

  @Test
  void livenessStatusesFollowTheConsolesPrecedence() throws Exception {
    List<Row> rows = List.of(
        liveness(1, 3, 4.5, false, "active", 1.0, 120L, 40L),
        liveness(2, 2, 6.0, true, "active", 1.0, 118L, 38L),       // draining but live
        liveness(3, 5, -301, false, "active", 300.0, 45L, 0L),     // expired > 5m: dead
        liveness(4, 1, 4.0, true, "decommissioning", 1.0, 37L, 0L),
        liveness(5, 7, -299, false, "active", null, 110L, 12L),    // expired < 5m: suspect
        liveness(6, 2, -9000, true, "decommissioned", 9000.0, null, null));
    assertEquals("""
        # TYPE crdb_liveness_nodes gauge
        crdb_liveness_nodes{status="dead",target="crdb-1"} 1.0
        crdb_liveness_nodes{status="decommissioned",target="crdb-1"} 1.0
        crdb_liveness_nodes{status="decommissioning",target="crdb-1"} 1.0
        crdb_liveness_nodes{status="draining",target="crdb-1"} 1.0
        crdb_liveness_nodes{status="live",target="crdb-1"} 1.0
        crdb_liveness_nodes{status="suspect",target="crdb-1"} 1.0
        """, Exposition.only(expose("crdb_liveness", CrdbLiveness.map(rows, 300)), "crdb_liveness_nodes"));
    String node4 = Exposition.only(expose("crdb_liveness", CrdbLiveness.map(rows.subList(3, 4), 300)), "crdb_");
    assertEquals("""
        # TYPE crdb_liveness_nodes gauge
        crdb_liveness_nodes{status="dead",target="crdb-1"} 0.0
        crdb_liveness_nodes{status="decommissioned",target="crdb-1"} 0.0
        crdb_liveness_nodes{status="decommissioning",target="crdb-1"} 1.0
        crdb_liveness_nodes{status="draining",target="crdb-1"} 0.0
        crdb_liveness_nodes{status="live",target="crdb-1"} 0.0
        crdb_liveness_nodes{status="suspect",target="crdb-1"} 0.0
        # TYPE crdb_node_draining gauge
        crdb_node_draining{node_id="4",target="crdb-1"} 1.0
        # TYPE crdb_node_leases gauge
        crdb_node_leases{node_id="4",target="crdb-1"} 0.0
        # TYPE crdb_node_live gauge
        crdb_node_live{node_id="4",target="crdb-1"} 1.0
        # TYPE crdb_node_liveness_epoch gauge
        crdb_node_liveness_epoch{node_id="4",target="crdb-1"} 1.0
        # TYPE crdb_node_liveness_expiration_timestamp_seconds gauge
        crdb_node_liveness_expiration_timestamp_seconds{node_id="4",target="crdb-1"} 1.741790244E9
        # TYPE crdb_node_liveness_updated_timestamp_seconds gauge
        crdb_node_liveness_updated_timestamp_seconds{node_id="4",target="crdb-1"} 1.741790239E9
        # TYPE crdb_node_membership gauge
        crdb_node_membership{membership="active",node_id="4",target="crdb-1"} 0.0
        crdb_node_membership{membership="decommissioned",node_id="4",target="crdb-1"} 0.0
        crdb_node_membership{membership="decommissioning",node_id="4",target="crdb-1"} 1.0
        # TYPE crdb_node_replicas gauge
        crdb_node_replicas{node_id="4",target="crdb-1"} 37.0
        """, node4);
    // a longer server.time_until_store_dead turns the dead node into a suspect one
    String longer = Exposition.only(expose("crdb_liveness", CrdbLiveness.map(rows, 900)), "crdb_liveness_nodes");
    assertTrue(longer.contains("crdb_liveness_nodes{status=\"dead\",target=\"crdb-1\"} 0.0")
        && longer.contains("crdb_liveness_nodes{status=\"suspect\",target=\"crdb-1\"} 2.0"), longer);
  }

  @Test
  void kvLivenessRowsHaveNoReplicaOrUpdateColumns() throws Exception {
    Row kv = row("node_id", 3L, "epoch", 5L, "expiration", hlc(T - 10), "draining", false, "membership", "ACTIVE",
        "now", T);
    String text = expose("crdb_liveness", CrdbLiveness.map(List.of(kv), 300));
    assertTrue(text.contains("crdb_node_live{node_id=\"3\",target=\"crdb-1\"} 0.0"), text);
    assertTrue(text.contains("crdb_node_membership{membership=\"active\",node_id=\"3\",target=\"crdb-1\"} 1.0"), text);
    assertTrue(!text.contains("crdb_node_replicas") && !text.contains("crdb_node_liveness_updated"), text);
  }
}
