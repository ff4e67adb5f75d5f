package io.drwatch.collect.postgres;

import static io.drwatch.collect.postgres.Goldens.expose;
import static io.drwatch.fixture.Rows.row;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.drwatch.collect.Row;
import org.junit.jupiter.api.Test;

/**
 * The standby collector: the standby's own view (WAL receiver, replay) → samples.
 * Golden exposition text (see {@link Goldens}).
 */
class PgStandbyTest {

  private static Row receiver(Double receive, Double replayLag, Double replayDelay, Double lastReplay,
      Boolean paused, String status, String host, String port, String slot, Double upstreamLag,
      Double lastMessage) {
    return row("receive_lsn", receive, "replay_lag", replayLag, "replay_delay", replayDelay,
        "last_replay", lastReplay, "paused", paused, "status", status, "sender_host", host,
        "sender_port", port, "slot_name", slot, "upstream_lag", upstreamLag, "last_message", lastMessage);
  }

  @Test
  void archiveOnlyRecoveryHasNoReceiverOrReceivePosition() throws Exception {
    Row r = receiver(null, null, 42.5, 1735689557.5, false, null, null, null, null, null, null);
    assertEquals("""
        # TYPE pg_standby_last_replay_timestamp_seconds gauge
        pg_standby_last_replay_timestamp_seconds{target="pg-a"} 1.7356895575E9
        # TYPE pg_standby_replay_delay_seconds gauge
        pg_standby_replay_delay_seconds{target="pg-a"} 42.5
        # TYPE pg_standby_replay_paused gauge
        pg_standby_replay_paused{target="pg-a"} 0.0
        # TYPE pg_standby_streaming gauge
        pg_standby_streaming{target="pg-a"} 0.0
        """, expose("standby", PgStandby.map(r)));
  }

  @Test
  void streamingStandbyWithPausedReplay() throws Exception {
    // received 7 segments + 4096 bytes = 7 * 16777216 + 4096
    Row r = receiver(117_444_608.0, 4096.0, 0.25, 1735689599.75, true, "streaming", "10.0.0.1",
        "5432", "s1", 8192.0, 1735689599.5);
    assertEquals("""
        # TYPE pg_standby_last_message_receipt_timestamp_seconds gauge
        pg_standby_last_message_receipt_timestamp_seconds{target="pg-a"} 1.7356895995E9
        # TYPE pg_standby_last_replay_timestamp_seconds gauge
        pg_standby_last_replay_timestamp_seconds{target="pg-a"} 1.73568959975E9
        # TYPE pg_standby_receive_lsn_bytes gauge
        pg_standby_receive_lsn_bytes{target="pg-a"} 1.17444608E8
        # TYPE pg_standby_replay_delay_seconds gauge
        pg_standby_replay_delay_seconds{target="pg-a"} 0.25
        # TYPE pg_standby_replay_lag_bytes gauge
        pg_standby_replay_lag_bytes{target="pg-a"} 4096.0
        # TYPE pg_standby_replay_paused gauge
        pg_standby_replay_paused{target="pg-a"} 1.0
        # TYPE pg_standby_streaming gauge
        pg_standby_streaming{target="pg-a"} 1.0
        # TYPE pg_standby_upstream_lag_bytes gauge
        pg_standby_upstream_lag_bytes{target="pg-a"} 8192.0
        # TYPE pg_standby_wal_receiver_info gauge
        pg_standby_wal_receiver_info{sender_host="10.0.0.1",sender_port="5432",slot_name="s1",status="streaming",target="pg-a"} 1
        """, expose("standby", PgStandby.map(r)));
  }
}
