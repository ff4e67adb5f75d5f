package io.drwatch.collect.aurora;

import static io.drwatch.collect.aurora.Goldens.text;
import static io.drwatch.fixture.Rows.row;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.drwatch.collect.Sample;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The aurora_global_db collector: {@code aurora_global_db_status()} rows → samples.
 * Rows shaped as AWS documents the function (NULLs where the writer has none).
 */
class AuroraGlobalDbTest {

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
}
