package io.drwatch.bench;

import io.drwatch.collect.Db;
import io.drwatch.collect.Sample;
import io.drwatch.collect.postgres.PgStatements;
import io.drwatch.sandbox.PgSandbox;
import io.drwatch.target.Flavor;
import io.drwatch.target.ServerDetector;
import io.drwatch.target.ServerInfo;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * One sample of the statements collector against a real PostgreSQL holding 10,000 distinct
 * statements in pg_stat_statements (100 tables x 10 selected columns x 10 filtered columns), read
 * as the pg_monitor role. Run with {@code bench/statements.sh} (JMH with the GC profiler, whose
 * {@code gc.alloc.rate.norm} is the bytes allocated per sample).
 *
 * <ul>
 *   <li>{@code steady}: a warm collector; before each sample {@code changed} statements run once,
 *       as in a real interval. The server returns only those rows.
 *   <li>{@code full}: a fresh collector each time, so every row is read and the texts of the new
 *       top are fetched: the first sample after start, and close to every 20th sample (which
 *       re-reads every row, without the texts).
 * </ul>
 *
 * The number of statement series is printed at setup ({@code # drwatch:} lines): it must be the
 * configured top-n plus one "other" per database, not the statement count.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Fork(value = 1, jvmArgsAppend = {"-Xmx512m", "-XX:+UseG1GC"})
@Warmup(iterations = 3, time = 5)
@Measurement(iterations = 5, time = 5)
public class StatementsBenchmark {

  static final int TABLES = 100;
  static final int COLUMNS = 10;
  static final int TOP_N = 20;

  @Param({"100"})
  public int changed;

  PgSandbox pg;
  Connection monitor;
  Connection workload;
  Statement workloadStatement;
  Db db;
  ServerInfo server;
  PgStatements warm;
  PgStatements fresh;
  int cursor;
  final java.lang.management.ThreadMXBean cpu = java.lang.management.ManagementFactory.getThreadMXBean();
  long cpuNanos;
  long samples;

  @Setup(Level.Trial)
  public void setUp() throws Exception {
    pg = PgSandbox.builder().version(Integer.getInteger("drwatch.bench.pg", 17)).start();
    pg.primary().sql("ALTER SYSTEM SET pg_stat_statements.max = 20000");
    pg.primary().stop();
    pg.primary().start();
    pg.primary().sql("CREATE DATABASE bench");
    workload = DriverManager.getConnection(pg.primary().jdbcUrl("bench"), "postgres", "");
    workloadStatement = workload.createStatement();
    for (int t = 0; t < TABLES; t++) {
      StringBuilder cols = new StringBuilder();
      for (int c = 0; c < COLUMNS; c++) {
        cols.append(c == 0 ? "" : ", ").append("c").append(c).append(" int");
      }
      workloadStatement.execute("CREATE TABLE t" + t + " (" + cols + ")");
    }
    for (int i = 0; i < TABLES * COLUMNS * COLUMNS; i++) {
      runStatement(i);
    }
    monitor = DriverManager.getConnection(pg.primary().jdbcUrl(), PgSandbox.MONITOR_ROLE, "");
    db = new Db(monitor, Duration.ofSeconds(30));
    server = new ServerDetector().detect(db, Flavor.AUTO);
    warm = new PgStatements(new PgStatements.Options(TOP_N, true, 200));
    List<Sample> first = warm.collect(db, server);
    try (Statement st = monitor.createStatement();
        ResultSet rs = st.executeQuery("SELECT count(*) FROM pg_stat_statements")) {
      rs.next();
      Set<List<String>> labelSets = new HashSet<>();
      Set<String> others = new HashSet<>();
      for (Sample s : first) {
        if (s.family().name().equals("pg_statements_calls_total")) {
          labelSets.add(s.labelValues());
          if (s.labelValues().get(2).equals("other")) {
            others.add(s.labelValues().get(0));
          }
        }
      }
      System.out.println("# drwatch: PostgreSQL " + server.version() + ", " + rs.getLong(1)
          + " statements in pg_stat_statements; " + labelSets.size() + " statement label sets per family (top-n "
          + TOP_N + " + " + others.size() + " other, databases " + others + "); " + first.size()
          + " samples in all");
    }
  }

  /** One of the 10,000 distinct statements. */
  void runStatement(int i) throws SQLException {
    int t = i / (COLUMNS * COLUMNS);
    int c = (i / COLUMNS) % COLUMNS;
    int f = i % COLUMNS;
    workloadStatement.executeQuery("SELECT c" + c + " FROM t" + t + " WHERE c" + f + " = 1").close();
  }

  @Setup(Level.Invocation)
  public void interval() throws SQLException {
    for (int i = 0; i < changed; i++) {
      runStatement(cursor);
      cursor = (cursor + 7919) % (TABLES * COLUMNS * COLUMNS);
    }
    fresh = new PgStatements(new PgStatements.Options(TOP_N, true, 200));
  }

  @Benchmark
  public List<Sample> steady() throws SQLException {
    return timed(warm);
  }

  @Benchmark
  public List<Sample> full() throws SQLException {
    return timed(fresh);
  }

  /** One sample, with the benchmark thread's CPU time (the client side of the wall time). */
  private List<Sample> timed(PgStatements c) throws SQLException {
    long t0 = cpu.getCurrentThreadCpuTime();
    List<Sample> out = c.collect(db, server);
    cpuNanos += cpu.getCurrentThreadCpuTime() - t0;
    samples++;
    return out;
  }

  @TearDown(Level.Trial)
  public void tearDown() throws SQLException {
    // The server's side: pg_stat_statements tracks drwatch's own statements query.
    try (Statement st = monitor.createStatement(); ResultSet rs = st.executeQuery(
        "SELECT sum(calls), sum(total_exec_time + total_plan_time) FROM pg_stat_statements"
            + " WHERE userid = 'drwatch'::regrole AND query LIKE '%.pg_stat_statements($%'"
            + " AND query NOT LIKE 'SELECT queryid, query %'")) { // constants are normalized to $n
      rs.next();
      System.out.printf("%n# drwatch: client CPU %.1f ms per sample over %d samples; server time of the"
          + " collector's pg_stat_statements reads %.1f ms per sample (%d calls, PostgreSQL's own numbers);"
          + " load average %s%n",
          cpuNanos / 1e6 / Math.max(1, samples), samples, rs.getDouble(2) / (samples + 1), rs.getLong(1),
          java.lang.management.ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage());
    }
    monitor.close();
    workload.close();
    pg.close();
  }
}
