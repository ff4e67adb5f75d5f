package io.drwatch.bench;

import io.drwatch.collect.CollectorRegistry;
import io.drwatch.config.AgentConfig;
import io.drwatch.config.ConfigLoader;
import io.drwatch.fixture.Await;
import io.drwatch.sample.Schedule;
import io.drwatch.sandbox.PgNode;
import io.drwatch.sandbox.PgSandbox;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicLong;

/**
 * drwatch next to Debian's prometheus-postgres-exporter against the same sandbox primary + standby,
 * both as separate processes on loopback, each with its own role. Run by {@code bench/run.sh},
 * which passes the classpath and the parameters as system properties. Prints Markdown tables.
 */
public final class SideBySide {

  static final String EXPORTER_ROLE = "pgexporter";
  static final String ACCEPT = "application/openmetrics-text;version=1.0.0;q=0.5,text/plain;version=0.0.4;q=0.4";

  final String classpath = System.getProperty("bench.cp");
  final String jvmFlags = System.getProperty("bench.jvm", "-Xmx48m -Xss512k -XX:+UseSerialGC "
      + "-XX:TieredStopAtLevel=1 -XX:MaxMetaspaceSize=64m");
  final String exporterBin = System.getProperty("bench.exporter", "prometheus-postgres-exporter");
  final Duration latencyFor = Duration.ofSeconds(Long.getLong("bench.latency.seconds", 10));
  final Duration statementsFor = Duration.ofSeconds(Long.getLong("bench.statements.seconds", 30));
  final Duration scaleFor = Duration.ofSeconds(Long.getLong("bench.scale.seconds", 50));
  final Path work;
  final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
  PgSandbox pg;

  SideBySide() throws IOException {
    work = Files.createTempDirectory("drwatch-bench");
  }

  public static void main(String[] args) throws Exception {
    new SideBySide().run();
    System.exit(0);
  }

  void run() throws Exception {
    System.out.println("# drwatch side-by-side benchmark");
    System.out.println("machine: " + Runtime.getRuntime().availableProcessors() + " cores, "
        + Files.readAllLines(Path.of("/proc/cpuinfo")).stream().filter(l -> l.startsWith("model name"))
            .findFirst().orElse("?").replaceFirst(".*: ", "") + "; load average at start: " + loadavg());
    System.out.println("drwatch JVM flags: " + jvmFlags);
    Runtime.getRuntime().addShutdownHook(new Thread(this::cleanUp, "bench-cleanup"));
    pg = PgSandbox.builder().version(Integer.getInteger("bench.pg", 16))
        .standby("standby", PgSandbox.Sync.ASYNC).start();
    try {
      setUpServers();
      String only = System.getProperty("bench.only", "");
      if (!only.equals("scale")) {
        sideBySide();
        startupAndOneTarget();
      }
      if (!only.equals("side")) {
        scale(50);
        scale(100);
      }
      System.out.println("\nload average at end: " + loadavg());
    } finally {
      cleanUp();
    }
  }

  final List<Proc> running = java.util.Collections.synchronizedList(new ArrayList<>());

  synchronized void cleanUp() {
    for (Proc p : new ArrayList<>(running)) {
      p.process.destroyForcibly();
    }
    if (pg != null) {
      pg.close();
      pg = null;
    }
  }

  void setUpServers() throws Exception {
    PgNode standby = pg.standby("standby");
    Files.writeString(standby.dataDir().resolve("postgresql.conf"), "\nmax_connections = 300\n",
        java.nio.file.StandardOpenOption.APPEND);
    standby.stop();
    standby.start();
    pg.primary().sql("ALTER SYSTEM SET max_connections = 300");
    pg.primary().stop();
    pg.primary().start();
    pg.primary().sql("CREATE ROLE " + EXPORTER_ROLE + " LOGIN");
    pg.primary().sql("GRANT pg_monitor TO " + EXPORTER_ROLE);
    for (int i = 1; i <= 100; i++) {
      pg.primary().sql("CREATE DATABASE bench" + i);
    }
    pg.waitStreaming(Duration.ofSeconds(60));
  }

  // ---------------------------------------------------------------- side by side

  void sideBySide() throws Exception {
    List<String> targets = List.of(target("primary", pg.primary(), "postgres"),
        target("standby", pg.standby("standby"), "postgres"));
    try (Proc drwatch = drwatch(targets, "5s", "sidebyside", false);
        Proc exporter = exporter(pg.primary(), "exporter-primary");
        Proc exporterStandby = exporter(pg.standby("standby"), "exporter-standby")) {
      drwatch.awaitReady();
      exporter.awaitReady();
      exporterStandby.awaitReady();
      for (Proc e : List.of(exporter, exporterStandby)) {
        String body = get(e.url(), false).body();
        if (!body.contains("pg_up 1") || body.contains("An error has occurred")) {
          throw new IllegalStateException("postgres_exporter is not scraping cleanly:\n" + body);
        }
      }
      System.out.println("\n## /metrics latency (ms): drwatch serving 2 targets (primary + standby) vs the primary's exporter, Accept-Encoding: gzip, "
          + latencyFor.toSeconds() + " s per cell");
      System.out.println("| scrapers | drwatch p50 | drwatch p99 | exporter p50 | exporter p99 | drwatch p99 / exporter p50 | bytes drwatch / exporter (gzip) |");
      System.out.println("|---|---|---|---|---|---|---|");
      for (int c : new int[] {1, 10, 50}) {
        double[] d = latency(drwatch.url(), c, latencyFor);
        double[] e = latency(exporter.url(), c, latencyFor);
        System.out.printf(Locale.ROOT, "| %d | %.2f | %.2f | %.2f | %.2f | %.3f | %.0f / %.0f |%n", c, d[0], d[1], e[0], e[1],
            d[1] / e[0], d[2], e[2]);
      }
      System.out.println("\n## statements per minute executed for each exporter (pg_stat_statements calls, "
          + "primary + standby, by role), drwatch sampling every 5 s, " + statementsFor.toSeconds() + " s per cell");
      System.out.println("| scrape interval | scrapers | drwatch stmts/min | exporter stmts/min | ratio |");
      System.out.println("|---|---|---|---|---|");
      double[] cpu0 = null;
      for (int interval : new int[] {1, 5, 15}) {
        for (int scrapers : new int[] {1, 4, 8}) {
          boolean steady = interval == 5 && scrapers == 4;
          long[] d0 = {drwatch.cpuTicks(), exporter.cpuTicks() + exporterStandby.cpuTicks()};
          resetStatements();
          long t0 = System.nanoTime();
          scrapeAtInterval(List.of(drwatch.url(), exporter.url(), exporterStandby.url()), scrapers, interval,
              statementsFor);
          double minutes = (System.nanoTime() - t0) / 60e9;
          double ds = statements(PgSandbox.MONITOR_ROLE) / minutes;
          double es = statements(EXPORTER_ROLE) / minutes;
          System.out.printf(Locale.ROOT, "| %d s | %d | %.0f | %.0f | %.3f |%n", interval, scrapers, ds, es, ds / es);
          if (steady) {
            cpu0 = new double[] {(drwatch.cpuTicks() - d0[0]) / 100.0 / (minutes * 60),
                (exporter.cpuTicks() + exporterStandby.cpuTicks() - d0[1]) / 100.0 / (minutes * 60),
                drwatch.rssKiB(), exporter.rssKiB() + exporterStandby.rssKiB()};
          }
        }
      }
      System.out.println("\n## steady state (5 s scrape interval, 4 scrapers): one drwatch vs the two exporters (one per server) summed");
      System.out.println("| | drwatch | exporter | ratio |");
      System.out.println("|---|---|---|---|");
      System.out.printf(Locale.ROOT, "| CPU seconds per minute | %.2f | %.2f | %.2f |%n", cpu0[0] * 60, cpu0[1] * 60,
          cpu0[0] / cpu0[1]);
      System.out.printf(Locale.ROOT, "| RSS MiB | %.1f | %.1f | %.2f |%n", cpu0[2] / 1024, cpu0[3] / 1024,
          cpu0[2] / cpu0[3]);
    }
  }

  void startupAndOneTarget() throws Exception {
    System.out.println("\n## start-up and one target");
    System.out.println("| run | process start → /readyz (s) | RSS MiB after 30 s | CPU s in that time |");
    System.out.println("|---|---|---|---|");
    for (int i = 1; i <= 3; i++) {
      long t0 = System.nanoTime();
      try (Proc drwatch = drwatch(List.of(target("primary", pg.primary(), "postgres")), "5s", "one", false)) {
        drwatch.awaitReady();
        double startup = (System.nanoTime() - t0) / 1e9;
        Await.elapse(Duration.ofSeconds(30), "the footprint is measured after 30 s of running");
        latency(drwatch.url(), 1, Duration.ofSeconds(1));
        System.out.printf(Locale.ROOT, "| %d | %.2f | %.1f | %.2f |%n", i, startup, drwatch.rssKiB() / 1024.0,
            drwatch.cpuTicks() / 100.0);
      }
    }
  }

  void scale(int n) throws Exception {
    List<String> targets = new ArrayList<>();
    for (int i = 1; i <= n; i++) {
      targets.add(target("db" + i, pg.primary(), "bench" + i));
    }
    long t0 = System.nanoTime();
    try (Proc drwatch = drwatch(targets, "15s", "scale" + n, true)) {
      drwatch.awaitReady();
      double startup = (System.nanoTime() - t0) / 1e9;
      double maxAge = 0;
      double maxLate = 0; // age beyond the collector's own interval: a round that did not finish in time
      java.util.Map<String, Double> intervals = intervals(Duration.ofSeconds(15));
      double maxDuration = 0;
      double maxTargetSum = 0;
      long failures = 0;
      int timeouts = 0;
      double slowest = 0;
      long end = System.nanoTime() + scaleFor.toNanos();
      String body = "";
      while (System.nanoTime() < end) {
        Await.elapse(Duration.ofSeconds(1), "one reading a second over the run");
        long s0 = System.nanoTime();
        try {
          body = get(drwatch.url(), false).body();
        } catch (java.net.http.HttpTimeoutException e) {
          timeouts++;
          continue;
        } finally {
          slowest = Math.max(slowest, (System.nanoTime() - s0) / 1e9);
        }
        double now = System.currentTimeMillis() / 1000.0;
        java.util.Map<String, Double> perTarget = new java.util.HashMap<>();
        for (String line : body.split("\n")) {
          if (line.startsWith("drwatch_collector_last_success_timestamp_seconds{")) {
            double age = now - value(line);
            maxAge = Math.max(maxAge, age);
            String collector = line.replaceFirst(".*collector=\"([^\"]*)\".*", "$1");
            maxLate = Math.max(maxLate, age - intervals.getOrDefault(collector, 15.0));
          } else if (line.startsWith("drwatch_collector_duration_seconds{")) {
            maxDuration = Math.max(maxDuration, value(line));
            String target = line.replaceFirst(".*target=\"([^\"]*)\".*", "$1");
            perTarget.merge(target, value(line), Double::sum);
          } else if (line.startsWith("drwatch_collector_success{") && value(line) == 0) {
            failures++;
          }
        }
        for (double v : perTarget.values()) {
          maxTargetSum = Math.max(maxTargetSum, v);
        }
      }
      double[] lat = latency(drwatch.url(), 10, Duration.ofSeconds(5));
      System.out.printf(Locale.ROOT, "%n## scale: %d targets (one per database on the primary), interval 15 s, "
          + "pinned to core 0, %d s%n", n, scaleFor.toSeconds());
      System.out.printf(Locale.ROOT, "polling scrapes (1 per s, 30 s timeout): %d timed out, slowest %.2f s%n",
          timeouts, slowest);
      System.out.println("| start → /readyz s | max sample age s | max age beyond own interval s | max collector s | max per-target sum s | failed collector scrapes | /metrics bytes (plain) | gzip bytes | p50 / p99 ms (10 scrapers) | RSS MiB | RSS KiB per target |");
      System.out.println("|---|---|---|---|---|---|---|---|---|---|---|");
      System.out.printf(Locale.ROOT, "| %.2f | %.1f | %.1f | %.3f | %.3f | %d | %d | %.0f | %.2f / %.2f | %.1f | %.0f |%n", startup, maxAge, maxLate,
          maxDuration, maxTargetSum, failures, body.getBytes().length, lat[2], lat[0], lat[1], drwatch.rssKiB() / 1024.0,
          drwatch.rssKiB() / (double) n);
    }
  }

  static Thread started(Runnable r) {
    Thread t = new Thread(r, "bench-load");
    t.setDaemon(true);
    t.start();
    return t;
  }

  /** Each built-in collector's effective interval in seconds on a target sampled every {@code target}. */
  static java.util.Map<String, Double> intervals(Duration target) {
    AgentConfig config = new ConfigLoader(CollectorRegistry.builtIn(), System::getenv).loadString(
        "drwatch { defaults { interval = " + target.toSeconds() + "s }, targets = [ { name = t, "
            + "url = \"jdbc:postgresql://127.0.0.1/postgres\", user = u, no-password = true } ] }", "bench");
    java.util.Map<String, Double> out = new java.util.HashMap<>();
    for (Schedule s : Schedule.forTarget(config.targets().get(0), config.defaults(), CollectorRegistry.builtIn())) {
      out.put(s.collector().name(), s.interval().toMillis() / 1000.0);
    }
    return out;
  }

  static double value(String line) {
    return Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1));
  }

  // ---------------------------------------------------------------- load

  HttpResponse<String> get(String url, boolean gzip) throws Exception {
    HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(30)).header("Accept", ACCEPT);
    if (gzip) {
      b.header("Accept-Encoding", "gzip");
    }
    return http.send(b.build(), HttpResponse.BodyHandlers.ofString(java.nio.charset.StandardCharsets.ISO_8859_1));
  }

  /** {p50 ms, p99 ms, last body bytes} with {@code c} scrapers back to back. */
  double[] latency(String url, int c, Duration d) throws Exception {
    List<Long> all = java.util.Collections.synchronizedList(new ArrayList<>());
    AtomicLong bytes = new AtomicLong();
    long end = System.nanoTime() + d.toNanos();
    List<Thread> threads = new ArrayList<>();
    for (int i = 0; i < c; i++) {
      threads.add(started(() -> {
        try {
          while (System.nanoTime() < end) {
            long t = System.nanoTime();
            HttpResponse<String> r = get(url, true);
            all.add(System.nanoTime() - t);
            bytes.set(r.body().length());
          }
        } catch (Exception e) {
          throw new RuntimeException(e);
        }
      }));
    }
    for (Thread t : threads) {
      t.join();
    }
    long[] v = all.stream().mapToLong(Long::longValue).sorted().toArray();
    return new double[] {v[v.length / 2] / 1e6, v[(int) Math.min(v.length - 1, Math.ceil(v.length * 0.99) - 1)] / 1e6,
        bytes.get()};
  }

  /** {@code scrapers} scrapers per URL, each every {@code seconds}, evenly staggered. */
  void scrapeAtInterval(List<String> urls, int scrapers, int seconds, Duration d) throws Exception {
    long start = System.nanoTime();
    long end = start + d.toNanos();
    List<Thread> threads = new ArrayList<>();
    for (String url : urls) {
      for (int i = 0; i < scrapers; i++) {
        long offset = seconds * 1_000_000_000L * i / scrapers;
        threads.add(started(() -> {
          try {
            for (long next = start + offset; next < end; next += seconds * 1_000_000_000L) {
              long wait = next - System.nanoTime();
              if (wait > 0) {
                Thread.sleep(wait / 1_000_000, (int) (wait % 1_000_000)); // the scrapers' pace: the measured load
              }
              get(url, true);
            }
          } catch (Exception e) {
            throw new RuntimeException(e);
          }
        }));
      }
    }
    for (Thread t : threads) {
      t.join();
    }
    long wait = end - System.nanoTime();
    if (wait > 0) {
      Await.elapse(Duration.ofNanos(wait), "the measured window runs to its end");
    }
  }

  // ---------------------------------------------------------------- statements

  void resetStatements() throws Exception {
    for (PgNode n : pg.nodes()) {
      try (Connection c = n.connect(); Statement st = c.createStatement()) {
        st.execute("SELECT pg_stat_statements_reset()");
      }
    }
  }

  long statements(String role) throws Exception {
    long total = 0;
    for (PgNode n : pg.nodes()) {
      try (Connection c = n.connect(); Statement st = c.createStatement();
          ResultSet rs = st.executeQuery("SELECT coalesce(sum(calls), 0) FROM pg_stat_statements s "
              + "JOIN pg_roles r ON r.oid = s.userid WHERE r.rolname = '" + role + "'")) {
        rs.next();
        total += rs.getLong(1);
      }
    }
    return total;
  }

  // ---------------------------------------------------------------- processes

  static String target(String name, PgNode node, String db) {
    return "{ name = \"" + name + "\", url = \"" + node.jdbcUrl(db) + "\", user = \"" + PgSandbox.MONITOR_ROLE
        + "\", no-password = true, labels { cluster = \"bench\" } }";
  }

  Proc drwatch(List<String> targets, String interval, String name, boolean pinned) throws Exception {
    int port = freePort();
    Path conf = work.resolve(name + ".conf");
    Files.writeString(conf, "drwatch {\n  http { host = \"127.0.0.1\", port = " + port + " }\n"
        + "  defaults { interval = " + interval + ", timeout = 3s, max-connections = 1 }\n"
        + "  clusters { bench { rpo-objective = 30s, rto-objective = 2m } }\n  targets = [\n    "
        + String.join("\n    ", targets) + "\n  ]\n}\n");
    List<String> cmd = new ArrayList<>();
    if (pinned) {
      cmd.addAll(List.of("taskset", "-c", "0"));
    }
    cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    cmd.addAll(Arrays.asList(jvmFlags.trim().split("\\s+")));
    cmd.addAll(List.of("-cp", classpath, "io.drwatch.Main", "run", "--config", conf.toString()));
    ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true)
        .redirectOutput(work.resolve(name + ".log").toFile());
    return new Proc(pb.start(), "http://127.0.0.1:" + port, work.resolve(name + ".log"));
  }

  /** One exporter per server, as it is deployed (0.11's comma-separated DSNs collide on its own metrics). */
  Proc exporter(PgNode node, String name) throws Exception {
    int port = freePort();
    ProcessBuilder pb = new ProcessBuilder(exporterBin, "--web.listen-address=127.0.0.1:" + port)
        .redirectErrorStream(true).redirectOutput(work.resolve(name + ".log").toFile());
    pb.environment().put("DATA_SOURCE_NAME", "postgresql://" + EXPORTER_ROLE + "@127.0.0.1:" + node.port()
        + "/postgres?sslmode=disable&application_name=postgres_exporter");
    return new Proc(pb.start(), "http://127.0.0.1:" + port, work.resolve(name + ".log"));
  }

  static int freePort() throws IOException {
    try (java.net.ServerSocket s = new java.net.ServerSocket(0)) {
      return s.getLocalPort();
    }
  }

  static String loadavg() throws IOException {
    return Files.readString(Path.of("/proc/loadavg")).trim();
  }

  final class Proc implements AutoCloseable {
    final Process process;
    final String base;
    final Path log;

    Proc(Process process, String base, Path log) {
      running.add(this);
      this.process = process;
      this.base = base;
      this.log = log;
    }

    String url() {
      return base + "/metrics";
    }

    /** /readyz 200 for drwatch; for the exporter (no /readyz in 0.11) the first 200 from /metrics. */
    void awaitReady() throws Exception {
      // polled every 20 ms: the resolution of the start-up time measured; an IOException is "not listening yet"
      Await.condition("ready", Duration.ofSeconds(120), Duration.ofMillis(20), () -> {
        if (!process.isAlive()) {
          throw new AssertionError("process exited: " + Files.readString(log));
        }
        HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(base + "/readyz"))
            .timeout(Duration.ofSeconds(5)).build(), HttpResponse.BodyHandlers.ofString());
        return r.statusCode() == 200 || (r.statusCode() == 404 && get(url(), false).statusCode() == 200);
      }, () -> "log:\n" + Files.readString(log));
    }

    long cpuTicks() throws IOException {
      String stat = Files.readString(Path.of("/proc/" + process.pid() + "/stat"));
      String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
      return Long.parseLong(f[11]) + Long.parseLong(f[12]);
    }

    long rssKiB() throws IOException {
      for (String l : Files.readAllLines(Path.of("/proc/" + process.pid() + "/status"))) {
        if (l.startsWith("VmRSS:")) {
          return Long.parseLong(l.replaceAll("\\D", ""));
        }
      }
      return -1;
    }

    @Override
    public void close() throws Exception {
      process.destroy();
      process.waitFor();
      running.remove(this);
    }
  }
}
