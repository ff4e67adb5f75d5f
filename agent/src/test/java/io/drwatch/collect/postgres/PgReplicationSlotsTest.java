package io.drwatch.collect.postgres;

import static io.drwatch.collect.postgres.Goldens.expose;
import static io.drwatch.fixture.Rows.row;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.drwatch.collect.Row;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The replication_slots collector: {@code pg_replication_slots} rows per version shape → samples.
 * Golden exposition text (see {@link Goldens}).
 */
class PgReplicationSlotsTest {

  @Test
  void slotsOnPostgres13() throws Exception {
    // 13-15 shape: no conflicting, inactive_since or invalidation_reason columns.
    Row s1 = row("slot_name", "s1", "slot_type", "physical", "active", true, "wal_status", "reserved",
        "safe_wal_size", null, "retained_bytes", 16_777_216.0, "confirmed_flush_lag", null);
    assertEquals("""
        # TYPE pg_replication_slot_active gauge
        pg_replication_slot_active{slot_name="s1",slot_type="physical",target="pg-a"} 1.0
        # TYPE pg_replication_slot_retained_bytes gauge
        pg_replication_slot_retained_bytes{slot_name="s1",slot_type="physical",target="pg-a"} 1.6777216E7
        # TYPE pg_replication_slot_wal_status gauge
        pg_replication_slot_wal_status{slot_name="s1",slot_type="physical",target="pg-a",wal_status="extended"} 0.0
        pg_replication_slot_wal_status{slot_name="s1",slot_type="physical",target="pg-a",wal_status="lost"} 0.0
        pg_replication_slot_wal_status{slot_name="s1",slot_type="physical",target="pg-a",wal_status="reserved"} 1.0
        pg_replication_slot_wal_status{slot_name="s1",slot_type="physical",target="pg-a",wal_status="unreserved"} 0.0
        """, expose("replication_slots", PgReplicationSlots.map(List.of(s1))));
  }

  @Test
  void slotsOnPostgres17WithAnInvalidatedLogicalSlot() throws Exception {
    Row s1 = row("slot_name", "s1", "slot_type", "physical", "active", true, "wal_status", "reserved",
        "safe_wal_size", 1_073_741_824.0, "retained_bytes", 0.0, "confirmed_flush_lag", null,
        "conflicting", null, "invalidation_reason", null, "inactive_since", null);
    // wal_removed: restart_lsn is gone (retained NULL); conflicting is false, it is not a recovery conflict.
    Row sub1 = row("slot_name", "sub1", "slot_type", "logical", "active", false, "wal_status", "lost",
        "safe_wal_size", null, "retained_bytes", null, "confirmed_flush_lag", 50_331_648.0,
        "conflicting", false, "invalidation_reason", "wal_removed", "inactive_since", 1735689300.0);
    assertEquals("""
        # TYPE pg_replication_slot_active gauge
        pg_replication_slot_active{slot_name="s1",slot_type="physical",target="pg-a"} 1.0
        pg_replication_slot_active{slot_name="sub1",slot_type="logical",target="pg-a"} 0.0
        # TYPE pg_replication_slot_confirmed_flush_lag_bytes gauge
        pg_replication_slot_confirmed_flush_lag_bytes{slot_name="sub1",slot_type="logical",target="pg-a"} 5.0331648E7
        # TYPE pg_replication_slot_conflicting gauge
        pg_replication_slot_conflicting{slot_name="sub1",slot_type="logical",target="pg-a"} 0.0
        # TYPE pg_replication_slot_inactive_since_timestamp_seconds gauge
        pg_replication_slot_inactive_since_timestamp_seconds{slot_name="sub1",slot_type="logical",target="pg-a"} 1.7356893E9
        # TYPE pg_replication_slot_invalidation_info gauge
        pg_replication_slot_invalidation_info{reason="wal_removed",slot_name="sub1",slot_type="logical",target="pg-a"} 1
        # TYPE pg_replication_slot_retained_bytes gauge
        pg_replication_slot_retained_bytes{slot_name="s1",slot_type="physical",target="pg-a"} 0.0
        # TYPE pg_replication_slot_safe_wal_size_bytes gauge
        pg_replication_slot_safe_wal_size_bytes{slot_name="s1",slot_type="physical",target="pg-a"} 1.073741824E9
        # TYPE pg_replication_slot_wal_status gauge
        pg_replication_slot_wal_status{slot_name="s1",slot_type="physical",target="pg-a",wal_status="extended"} 0.0
        pg_replication_slot_wal_status{slot_name="s1",slot_type="physical",target="pg-a",wal_status="lost"} 0.0
        pg_replication_slot_wal_status{slot_name="s1",slot_type="physical",target="pg-a",wal_status="reserved"} 1.0
        pg_replication_slot_wal_status{slot_name="s1",slot_type="physical",target="pg-a",wal_status="unreserved"} 0.0
        pg_replication_slot_wal_status{slot_name="sub1",slot_type="logical",target="pg-a",wal_status="extended"} 0.0
        pg_replication_slot_wal_status{slot_name="sub1",slot_type="logical",target="pg-a",wal_status="lost"} 1.0
        pg_replication_slot_wal_status{slot_name="sub1",slot_type="logical",target="pg-a",wal_status="reserved"} 0.0
        pg_replication_slot_wal_status{slot_name="sub1",slot_type="logical",target="pg-a",wal_status="unreserved"} 0.0
        """, expose("replication_slots", PgReplicationSlots.map(List.of(s1, sub1))));
  }
}
