package io.drwatch.collect.postgres;

import static io.drwatch.collect.MetricFamily.counter;

import com.google.auto.service.AutoService;
import io.drwatch.collect.Collector;
import io.drwatch.collect.Db;
import io.drwatch.collect.MetricFamily;
import io.drwatch.collect.Row;
import io.drwatch.collect.Sample;
import io.drwatch.collect.Samples;
import io.drwatch.target.ServerInfo;
import java.sql.SQLException;
import java.util.List;

/**
 * I/O by backend type, object and context from {@code pg_stat_io} (16+), mapped to stable names:
 * one operations, one time and one bytes family with an {@code operation} label. Bytes are
 * {@code ops × op_bytes} in 16 and 17 and the {@code *_bytes} columns in 18, which also adds
 * {@code object = 'wal'} rows. The server fixes the row set, so cardinality is bounded; NULL
 * (an operation that cannot happen for that row) is no sample.
 */
@AutoService(Collector.class)
public final class PgIo implements Collector {

  static final String[] LABELS = {"backend_type", "object", "context", "operation"};
  static final MetricFamily OPS = counter("pg_io_operations_total",
      "I/O operations (read, write, writeback, extend, hit, eviction, reuse, fsync).", LABELS);
  static final MetricFamily TIME = counter("pg_io_time_seconds_total",
      "Time spent in I/O operations (needs track_io_timing; WAL rows track_wal_io_timing).", LABELS);
  static final MetricFamily BYTES = counter("pg_io_bytes_total", "Bytes read, written or extended.", LABELS);

  static final List<String> OPERATIONS = List.of("read", "write", "writeback", "extend", "hit",
      "eviction", "reuse", "fsync");
  static final List<String> TIMED = List.of("read", "write", "writeback", "extend", "fsync");
  static final List<String> SIZED = List.of("read", "write", "extend");

  static String sql(int major) {
    String bytes = major >= 18
        ? "read_bytes::float8 AS read_bytes, write_bytes::float8 AS write_bytes, extend_bytes::float8 AS extend_bytes"
        : "(reads * op_bytes)::float8 AS read_bytes, (writes * op_bytes)::float8 AS write_bytes,"
            + " (extends * op_bytes)::float8 AS extend_bytes";
    return """
        SELECT backend_type, object, context,
               reads AS read, writes AS write, writebacks AS writeback, extends AS extend, hits AS hit,
               evictions AS eviction, reuses AS reuse, fsyncs AS fsync,
               read_time / 1000 AS read_time, write_time / 1000 AS write_time,
               writeback_time / 1000 AS writeback_time, extend_time / 1000 AS extend_time,
               fsync_time / 1000 AS fsync_time, %s
        FROM pg_stat_io ORDER BY backend_type, object, context""".formatted(bytes);
  }

  @Override
  public String name() {
    return "io";
  }

  @Override
  public boolean queryPerformance() {
    return true;
  }

  @Override
  public boolean appliesTo(ServerInfo server) {
    return server.isPostgres() && server.majorVersion() >= 16;
  }

  @Override
  public List<MetricFamily> families() {
    return List.of(OPS, TIME, BYTES);
  }

  @Override
  public List<Sample> collect(Db db, ServerInfo server) throws SQLException {
    return map(db.query(sql(server.majorVersion())));
  }

  static List<Sample> map(List<Row> rows) {
    Samples out = new Samples();
    for (Row r : rows) {
      String b = r.string("backend_type");
      String o = r.string("object");
      String c = r.string("context");
      for (String op : OPERATIONS) {
        out.add(OPS, r.dbl(op), b, o, c, op);
      }
      for (String op : TIMED) {
        out.add(TIME, r.dbl(op + "_time"), b, o, c, op);
      }
      for (String op : SIZED) {
        out.add(BYTES, r.dbl(op + "_bytes"), b, o, c, op);
      }
    }
    return out.toList();
  }
}
