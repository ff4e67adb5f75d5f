package io.drwatch.collect.aurora;

import static io.drwatch.collect.aurora.Goldens.text;
import static io.drwatch.fixture.Rows.row;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.drwatch.collect.Sample;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The aurora_global_db_instances collector: {@code aurora_global_db_instance_status()} rows →
 * samples.
 * Rows shaped as AWS documents the function (NULLs where the writer has none).
 */
class AuroraGlobalDbInstancesTest {

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
