package io.drwatch.collect.aurora;

import static io.drwatch.fixture.Rows.row;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.drwatch.collect.Sample;
import java.util.List;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/** Rows shaped as AWS documents the Aurora functions (NULLs where the writer has none) → samples. */
class AuroraReplicasTest {

  private static String text(List<Sample> samples) {
    return samples.stream().map(s -> s.family().name() + s.labelValues() + "=" + s.value())
        .collect(Collectors.joining("\n"));
  }

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

  @Test
  void globalDbPrimaryReportsMinusOneWhichIsNoLagNotZero() {
    List<Sample> out = AuroraGlobalDb.map(List.of(
        row("aws_region", "us-east-1", "highest_lsn_written", 9.0e9, "durability_lag_ms", -1.0, "rpo_lag_ms", -1.0,
            "last_calculation", 0.0),
        row("aws_region", "us-west-2", "highest_lsn_written", 8.9e9, "durability_lag_ms", 850.0, "rpo_lag_ms", 1200.0,
            "last_calculation", 1.8e9)));
    assertEquals("""
        aurora_global_db_region_info[us-east-1, primary]=1.0
        aurora_global_db_highest_lsn_written[us-east-1]=9.0E9
        aurora_global_db_region_info[us-west-2, secondary]=1.0
        aurora_global_db_highest_lsn_written[us-west-2]=8.9E9
        aurora_global_db_durability_lag_seconds[us-west-2]=0.85
        aurora_global_db_rpo_lag_seconds[us-west-2]=1.2
        aurora_global_db_last_lag_calculation_timestamp_seconds[us-west-2]=1.8E9""", text(out));
  }

  @Test
  void globalDbInstancesVisibilityLagForReadersOnly() {
    List<Sample> out = AuroraGlobalDbInstances.map(List.of(
        row("server_id", "apg-writer-1", "session_id", "MASTER_SESSION_ID", "aws_region", "us-east-1",
            "visibility_lag_seconds", null),
        row("server_id", "apg-west-1", "session_id", "0b1c", "aws_region", "us-west-2",
            "visibility_lag_seconds", 0.031)));
    assertEquals("""
        aurora_global_db_instance_info[apg-writer-1, us-east-1, writer]=1.0
        aurora_global_db_instance_info[apg-west-1, us-west-2, reader]=1.0
        aurora_global_db_instance_visibility_lag_seconds[apg-west-1, us-west-2]=0.031""", text(out));
  }
}
