package io.drwatch.collect.postgres;

import static io.drwatch.collect.postgres.Goldens.expose;
import static io.drwatch.fixture.Rows.row;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.drwatch.collect.Row;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The io collector: {@code pg_stat_io} rows (16+) → samples.
 * Golden exposition text (see {@link Goldens}).
 */
class PgIoTest {

  @Test
  void ioRowsMapToOperationsTimesAndBytesAndSkipNull() throws Exception {
    Row r = row("backend_type", "client backend", "object", "relation", "context", "normal",
        "read", 5L, "write", 2L, "writeback", null, "extend", 1L, "hit", 100L, "eviction", 0L, "reuse", null,
        "fsync", 0L, "read_time", 0.003, "write_time", 0.0, "writeback_time", null, "extend_time", 0.0,
        "fsync_time", 0.0, "read_bytes", 40960.0, "write_bytes", 16384.0, "extend_bytes", 8192.0);
    String text = expose("io", PgIo.map(List.of(r)));
    assertEquals(6, text.lines().filter(l -> l.startsWith("pg_io_operations_total{")).count(), text);
    assertFalse(text.contains("operation=\"writeback\""), "NULL is no sample: " + text);
    assertTrue(text.contains("pg_io_bytes_total{backend_type=\"client backend\",context=\"normal\",object=\"relation\","
        + "operation=\"read\",target=\"pg-a\"} 40960.0"), text);
    assertTrue(text.contains("pg_io_time_seconds_total{backend_type=\"client backend\",context=\"normal\",object=\"relation\","
        + "operation=\"read\",target=\"pg-a\"} 0.003"), text);
    assertTrue(PgIo.sql(16).contains("reads * op_bytes") && PgIo.sql(18).contains("read_bytes::float8"));
  }
}
