package io.drwatch.collect.aurora;

import static io.drwatch.collect.aurora.Goldens.text;
import static io.drwatch.fixture.Rows.row;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.drwatch.collect.Sample;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The aurora_replicas collector: {@code aurora_replica_status()} rows → samples.
 * Rows shaped as AWS documents the function (NULLs where the writer has none).
 */
class AuroraReplicasTest {

  @Test
  void replicaStatusWriterHasNoLagReadersDo() {
    List<Sample> out = AuroraReplicas.map(List.of(
        row("server_id", "apg-writer-1", "session_id", "MASTER_SESSION_ID", "connected", true,
            "lag_seconds", null, "replay_latency_seconds", null, "durable_lsn", 4.5e9, "highest_lsn_rcvd", null,
            "last_transport_error", 0.0, "last_error_time", null, "last_update_time", null,
            "log_stream_bytes", 0.0, "active_txns", 3.0),
        row("server_id", "apg-reader-2", "session_id", "5e4f2a10-1111-4a5b-9c1d-abcdefabcdef", "connected", false,
            "lag_seconds", 1.85, "replay_latency_seconds", 0.0021, "durable_lsn", 4.4e9, "highest_lsn_rcvd", 4.49e9,
            "last_transport_error", 1.0, "last_error_time", 1.7e9, "last_update_time", 1.8e9,
            "log_stream_bytes", 2048.0, "active_txns", 0.0)));
    assertEquals("""
        aurora_replica_info[apg-writer-1, writer, true]=1.0
        aurora_replica_durable_lsn[apg-writer-1]=4.5E9
        aurora_replica_active_transactions[apg-writer-1]=3.0
        aurora_replica_info[apg-reader-2, reader, false]=1.0
        aurora_replica_lag_seconds[apg-reader-2]=1.85
        aurora_replica_replay_latency_seconds[apg-reader-2]=0.0021
        aurora_replica_last_transport_error_code[apg-reader-2]=1.0
        aurora_replica_last_error_timestamp_seconds[apg-reader-2]=1.7E9
        aurora_replica_log_stream_throughput_bytes[apg-reader-2]=2048.0
        aurora_replica_durable_lsn[apg-reader-2]=4.4E9
        aurora_replica_highest_lsn_received[apg-reader-2]=4.49E9
        aurora_replica_last_update_timestamp_seconds[apg-reader-2]=1.8E9
        aurora_replica_active_transactions[apg-reader-2]=0.0""", text(out));
  }
}
