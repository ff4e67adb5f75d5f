package io.drwatch.collect.cockroach;

import static io.drwatch.collect.cockroach.Goldens.T;
import static io.drwatch.collect.cockroach.Goldens.expose;
import static io.drwatch.fixture.Rows.row;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.drwatch.collect.Row;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The crdb_nodes collector: {@code kv_node_status} rows → per-node samples.
 * Golden exposition text (see {@link Goldens}).
 */
class CrdbNodesTest {

  @Test
  void nodesConvertClockOffsetToSeconds() throws Exception {
    Row n = row("node_id", 5L, "address", "10.0.0.5:26257", "locality", "region=us-west1", "tag", "v24.3.5",
        "started_at", T - 86400, "updated_at", T - 4, "clock_offset_nanos", 310_000_000.0, "live_nodes", null);
    assertEquals("""
        # TYPE crdb_node_info gauge
        crdb_node_info{address="10.0.0.5:26257",build_tag="v24.3.5",locality="region=us-west1",node_id="5",target="crdb-1"} 1
        # TYPE crdb_node_clock_offset_seconds gauge
        crdb_node_clock_offset_seconds{node_id="5",target="crdb-1"} 0.31
        # TYPE crdb_node_started_timestamp_seconds gauge
        crdb_node_started_timestamp_seconds{node_id="5",target="crdb-1"} 1.74170384E9
        # TYPE crdb_node_status_updated_timestamp_seconds gauge
        crdb_node_status_updated_timestamp_seconds{node_id="5",target="crdb-1"} 1.741790236E9
        """, expose("crdb_nodes", CrdbNodes.map(List.of(n))));
  }
}
