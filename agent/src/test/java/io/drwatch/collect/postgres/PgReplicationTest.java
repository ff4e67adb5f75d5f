package io.drwatch.collect.postgres;

import static io.drwatch.collect.postgres.Goldens.NOW;
import static io.drwatch.collect.postgres.Goldens.expose;
import static io.drwatch.fixture.Rows.row;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.drwatch.collect.Row;
import io.drwatch.fixture.Exposition;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The replication collector: {@code pg_stat_replication} rows (physical and logical walsenders,
 * each privilege shape) → samples.
 * Golden exposition text (see {@link Goldens}).
 */
class PgReplicationTest {

  private static Row walsender(String app, int pid, String addr, String state, String syncState,
      Integer priority, Double sent, Double write, Double flush, Double replay,
      Double writeS, Double flushS, Double replayS, Double replyTime) {
    return row("application_name", app, "client_addr", addr, "pid", pid, "state", state,
        "sync_state", syncState, "sync_priority", priority,
        "sent_lag", sent, "write_lag", write, "flush_lag", flush, "replay_lag", replay,
        "write_lag_s", writeS, "flush_lag_s", flushS, "replay_lag_s", replayS, "reply_time", replyTime,
        "reply_age", replyTime == null ? null : NOW.getEpochSecond() - replyTime,
        "slot_name", null, "datname", null, "logical", false);
  }

  @Test
  void logicalWalsendersAreNoStandbys() throws Exception {
    Row standby = walsender("s1", 101, "10.0.0.2", "streaming", "async", 0, 0.0, 0.0, 0.0, 0.0,
        null, null, null, 1735689599.25);
    Row subscription = row("application_name", "sub1", "client_addr", "10.0.0.9", "pid", 300,
        "state", "streaming", "sync_state", "async", "sync_priority", 0, "sent_lag", 0.0,
        "write_lag", 100.0, "flush_lag", 4096.0, "replay_lag", 4096.0, "write_lag_s", null,
        "flush_lag_s", null, "replay_lag_s", null, "reply_time", 1735689599.0, "reply_age", 1.0,
        "slot_name", "sub1", "datname", "app", "logical", true);
    String text = expose("replication", PgReplication.map(List.of(standby, subscription)));
    assertEquals("""
        # TYPE pg_replication_logical_lag_bytes gauge
        pg_replication_logical_lag_bytes{application_name="sub1",stage="flush",target="pg-a"} 4096.0
        pg_replication_logical_lag_bytes{application_name="sub1",stage="replay",target="pg-a"} 4096.0
        pg_replication_logical_lag_bytes{application_name="sub1",stage="sent",target="pg-a"} 0.0
        pg_replication_logical_lag_bytes{application_name="sub1",stage="write",target="pg-a"} 100.0
        # TYPE pg_replication_logical_sender_info gauge
        pg_replication_logical_sender_info{application_name="sub1",client_addr="10.0.0.9",database="app",slot_name="sub1",state="streaming",target="pg-a"} 1
        # TYPE pg_replication_logical_senders_connected gauge
        pg_replication_logical_senders_connected{target="pg-a"} 1.0
        # TYPE pg_replication_standby_info gauge
        pg_replication_standby_info{application_name="s1",client_addr="10.0.0.2",state="streaming",sync_state="async",target="pg-a"} 1
        # TYPE pg_replication_standbys_connected gauge
        pg_replication_standbys_connected{target="pg-a"} 1.0
        """, Exposition.only(text, "pg_replication_logical", "pg_replication_standby"));
    assertEquals("", Exposition.only(text, "pg_replication_lag_bytes{application_name=\"sub1\""),
        "the subscription is in no standby family");
  }

  @Test
  void lagSecondsAreAtLeastTheReplyAgeWhileWalIsOutstanding() {
    // the standby stopped replying 42 s ago; the server still shows the lag of its last reply
    assertEquals(42.0, PgReplication.lagSeconds(0.003, 5e6, 42.0, "streaming"));
    assertEquals(42.0, PgReplication.lagSeconds(null, 5e6, 42.0, "streaming"), "NULL once caught up");
    assertEquals(42.0, PgReplication.lagSeconds(null, 5e6, 42.0, "catchup"));
    assertEquals(60.0, PgReplication.lagSeconds(60.0, 5e6, 0.5, "streaming"), "the server's own value when higher");
    assertEquals(0.0, PgReplication.lagSeconds(null, 0.0, 9.0, "streaming"), "nothing outstanding: caught up");
    assertEquals(0.002, PgReplication.lagSeconds(0.002, 0.0, 9.0, "streaming"));
    assertEquals(null, PgReplication.lagSeconds(null, 5e6, null, "catchup"), "no reply yet: unknown");
  }

  @Test
  void caughtUpStreamingStandbyHasZeroLagSeconds() throws Exception {
    Row r = walsender("s1", 101, "10.0.0.2", "streaming", "async", 0, 0.0, 0.0, 0.0, 0.0,
        null, null, null, 1735689599.25);
    assertEquals("""
        # TYPE pg_replication_lag_bytes gauge
        pg_replication_lag_bytes{application_name="s1",stage="flush",target="pg-a"} 0.0
        pg_replication_lag_bytes{application_name="s1",stage="replay",target="pg-a"} 0.0
        pg_replication_lag_bytes{application_name="s1",stage="sent",target="pg-a"} 0.0
        pg_replication_lag_bytes{application_name="s1",stage="write",target="pg-a"} 0.0
        # TYPE pg_replication_lag_seconds gauge
        pg_replication_lag_seconds{application_name="s1",stage="flush",target="pg-a"} 0.0
        pg_replication_lag_seconds{application_name="s1",stage="replay",target="pg-a"} 0.0
        pg_replication_lag_seconds{application_name="s1",stage="write",target="pg-a"} 0.0
        # TYPE pg_replication_last_reply_timestamp_seconds gauge
        pg_replication_last_reply_timestamp_seconds{application_name="s1",target="pg-a"} 1.73568959925E9
        # TYPE pg_replication_logical_senders_connected gauge
        pg_replication_logical_senders_connected{target="pg-a"} 0.0
        # TYPE pg_replication_standby_info gauge
        pg_replication_standby_info{application_name="s1",client_addr="10.0.0.2",state="streaming",sync_state="async",target="pg-a"} 1
        # TYPE pg_replication_standbys_connected gauge
        pg_replication_standbys_connected{target="pg-a"} 1.0
        # TYPE pg_replication_sync_priority gauge
        pg_replication_sync_priority{application_name="s1",target="pg-a"} 0.0
        """, expose("replication", PgReplication.map(List.of(r))));
  }

  @Test
  void catchupStandbyWithNullLagHasNoLagSeconds() throws Exception {
    Row r = walsender("s2", 102, "10.0.0.3", "catchup", "async", 0, 0.0, 8192.0, 16384.0, 24576.0,
        null, null, null, null);
    assertEquals("""
        # TYPE pg_replication_lag_bytes gauge
        pg_replication_lag_bytes{application_name="s2",stage="flush",target="pg-a"} 16384.0
        pg_replication_lag_bytes{application_name="s2",stage="replay",target="pg-a"} 24576.0
        pg_replication_lag_bytes{application_name="s2",stage="sent",target="pg-a"} 0.0
        pg_replication_lag_bytes{application_name="s2",stage="write",target="pg-a"} 8192.0
        # TYPE pg_replication_logical_senders_connected gauge
        pg_replication_logical_senders_connected{target="pg-a"} 0.0
        # TYPE pg_replication_standby_info gauge
        pg_replication_standby_info{application_name="s2",client_addr="10.0.0.3",state="catchup",sync_state="async",target="pg-a"} 1
        # TYPE pg_replication_standbys_connected gauge
        pg_replication_standbys_connected{target="pg-a"} 1.0
        # TYPE pg_replication_sync_priority gauge
        pg_replication_sync_priority{application_name="s2",target="pg-a"} 0.0
        """, expose("replication", PgReplication.map(List.of(r))));
  }

  @Test
  void rowHiddenByPrivilegeGivesOnlyInfo() throws Exception {
    // Without pg_read_all_stats every walsender column but pid is NULL; client_addr is coalesced.
    Row r = walsender("s3", 103, "local", null, null, null, null, null, null, null,
        null, null, null, null);
    assertEquals("""
        # TYPE pg_replication_logical_senders_connected gauge
        pg_replication_logical_senders_connected{target="pg-a"} 0.0
        # TYPE pg_replication_standby_info gauge
        pg_replication_standby_info{application_name="s3",client_addr="local",state="",sync_state="",target="pg-a"} 1
        # TYPE pg_replication_standbys_connected gauge
        pg_replication_standbys_connected{target="pg-a"} 1.0
        """, expose("replication", PgReplication.map(List.of(r))));
  }

  @Test
  void sharedApplicationNameGetsPidSuffix() throws Exception {
    List<Row> rows = List.of(
        walsender("walreceiver", 201, "10.0.0.4", "streaming", "async", 0, 0.0, 0.0, 0.0, 0.0,
            0.5, 0.75, 1.25, null),
        walsender("walreceiver", 202, "10.0.0.5", "streaming", "async", 0, 0.0, 0.0, 0.0, 0.0,
            null, null, null, null));
    String text = expose("replication", PgReplication.map(rows));
    assertEquals("""
        # TYPE pg_replication_lag_seconds gauge
        pg_replication_lag_seconds{application_name="walreceiver",stage="flush",target="pg-a"} 0.75
        pg_replication_lag_seconds{application_name="walreceiver",stage="replay",target="pg-a"} 1.25
        pg_replication_lag_seconds{application_name="walreceiver",stage="write",target="pg-a"} 0.5
        pg_replication_lag_seconds{application_name="walreceiver#202",stage="flush",target="pg-a"} 0.0
        pg_replication_lag_seconds{application_name="walreceiver#202",stage="replay",target="pg-a"} 0.0
        pg_replication_lag_seconds{application_name="walreceiver#202",stage="write",target="pg-a"} 0.0
        # TYPE pg_replication_standby_info gauge
        pg_replication_standby_info{application_name="walreceiver",client_addr="10.0.0.4",state="streaming",sync_state="async",target="pg-a"} 1
        pg_replication_standby_info{application_name="walreceiver#202",client_addr="10.0.0.5",state="streaming",sync_state="async",target="pg-a"} 1
        # TYPE pg_replication_standbys_connected gauge
        pg_replication_standbys_connected{target="pg-a"} 2.0
        """, Exposition.only(text, "pg_replication_lag_seconds", "pg_replication_standby"));
  }

  @Test
  void noStandbysStillSaysZeroConnected() throws Exception {
    assertEquals("""
        # TYPE pg_replication_logical_senders_connected gauge
        pg_replication_logical_senders_connected{target="pg-a"} 0.0
        # TYPE pg_replication_standbys_connected gauge
        pg_replication_standbys_connected{target="pg-a"} 0.0
        """, expose("replication", PgReplication.map(List.of())));
  }
}
