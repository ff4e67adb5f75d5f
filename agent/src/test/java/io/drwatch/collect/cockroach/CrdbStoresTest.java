package io.drwatch.collect.cockroach;

import static io.drwatch.collect.cockroach.Goldens.expose;
import static io.drwatch.fixture.Rows.row;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.drwatch.collect.Row;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The crdb_stores collector: {@code kv_store_status} rows → per-store samples.
 * Golden exposition text (see {@link Goldens}).
 */
class CrdbStoresTest {

  @Test
  void storesMapMetricsAndSkipMissingKeys() throws Exception {
    Row s1 = row("node_id", 1L, "store_id", 1L, "capacity", 1000L, "available", 600L, "used", 400L,
        "logical_bytes", 800L, "range_count", 120L, "lease_count", 40L, "ranges", 52.0,
        "ranges_underreplicated", 14.0, "ranges_unavailable", 2.0, "ranges_overreplicated", null,
        "replicate_purgatory", 0.0);
    assertEquals("""
        # TYPE crdb_store_available_bytes gauge
        crdb_store_available_bytes{node_id="1",store_id="1",target="crdb-1"} 600.0
        # TYPE crdb_store_capacity_bytes gauge
        crdb_store_capacity_bytes{node_id="1",store_id="1",target="crdb-1"} 1000.0
        # TYPE crdb_store_leases gauge
        crdb_store_leases{node_id="1",store_id="1",target="crdb-1"} 40.0
        # TYPE crdb_store_logical_bytes gauge
        crdb_store_logical_bytes{node_id="1",store_id="1",target="crdb-1"} 800.0
        # TYPE crdb_store_ranges gauge
        crdb_store_ranges{node_id="1",store_id="1",target="crdb-1"} 52.0
        # TYPE crdb_store_ranges_unavailable gauge
        crdb_store_ranges_unavailable{node_id="1",store_id="1",target="crdb-1"} 2.0
        # TYPE crdb_store_ranges_underreplicated gauge
        crdb_store_ranges_underreplicated{node_id="1",store_id="1",target="crdb-1"} 14.0
        # TYPE crdb_store_replicas gauge
        crdb_store_replicas{node_id="1",store_id="1",target="crdb-1"} 120.0
        # TYPE crdb_store_replicate_queue_purgatory gauge
        crdb_store_replicate_queue_purgatory{node_id="1",store_id="1",target="crdb-1"} 0.0
        # TYPE crdb_store_used_bytes gauge
        crdb_store_used_bytes{node_id="1",store_id="1",target="crdb-1"} 400.0
        """, expose("crdb_stores", CrdbStores.map(List.of(s1))));
  }
}
