package io.drwatch.cli;

import io.drwatch.Agent;
import io.drwatch.collect.CollectorRegistry;
import io.drwatch.collect.MetricFamily;
import io.drwatch.collect.postgres.PgArchiver;
import io.drwatch.collect.postgres.PgReplication;
import io.drwatch.collect.postgres.PgReplicationSlots;
import io.drwatch.collect.postgres.PgStandby;
import io.drwatch.collect.postgres.PgSyncReplication;
import io.drwatch.config.AgentConfig;
import io.drwatch.config.ConfigLoader;
import io.drwatch.sample.CollectorResult;
import io.drwatch.sample.SampleCache;
import io.drwatch.sample.TargetStatus;
import io.drwatch.sandbox.PgNode;
import io.drwatch.sandbox.PgSandbox;
import java.io.PrintStream;
import java.time.Duration;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * {@code drwatch demo}: a sandbox primary (archiving, pg_stat_statements) with one synchronous and
 * one asynchronous standby, the agent watching all three, and a little write load so lag shows.
 */
final class Demo {

  private final PrintStream out;

  Demo(PrintStream out) {
    this.out = out;
  }

  int run(int major, int port, Duration runFor) throws Exception {
    out.println("drwatch demo: starting a PostgreSQL " + major + " primary with a synchronous and an "
        + "asynchronous standby (real servers on 127.0.0.1)...");
    PgSandbox sandbox = PgSandbox.builder().version(major)
        .standby("sync1", PgSandbox.Sync.SYNC)
        .standby("async1", PgSandbox.Sync.ASYNC)
        .start();
    CollectorRegistry registry = CollectorRegistry.builtIn();
    AgentConfig config = new ConfigLoader(registry, System::getenv)
        .loadString(config(sandbox, port), "demo (generated)");
    Agent agent = Agent.start(config, registry);
    CountDownLatch stop = new CountDownLatch(1);
    Thread load = new Thread(() -> writeLoad(sandbox, stop), "demo-load");
    load.setDaemon(true);
    Thread hook = new Thread(() -> {
      long t0 = System.nanoTime();
      out.println("drwatch demo: stopping the agent and removing the sandbox...");
      stop.countDown();
      agent.close();
      sandbox.close();
      out.println("drwatch demo: stopped in " + (System.nanoTime() - t0) / 1_000_000 + " ms");
    }, "demo-shutdown");
    Runtime.getRuntime().addShutdownHook(hook);
    load.start();
    agent.firstRound().await(60, TimeUnit.SECONDS);
    String base = "http://127.0.0.1:" + agent.port();
    out.println();
    out.println("  status page: " + base + "/   <- open in a browser: primary, what a failover would lose, backups");
    out.println("  metrics:     " + base + "/metrics");
    out.println("  JSON:        " + base + "/api/clusters  " + base + "/api/targets");
    out.println("  primary:     psql -h 127.0.0.1 -p " + sandbox.primary().port() + " -U postgres");
    out.println("  archive:     " + sandbox.archiveDir());
    out.println();
    Thread.sleep(2000); // let the load show up as WAL movement before the first summary
    long deadline = runFor == null ? Long.MAX_VALUE : System.nanoTime() + runFor.toNanos();
    boolean interrupted;
    do {
      out.println(summary(agent.cache()));
      out.println("(Ctrl-C stops the agent and removes the sandbox)");
      interrupted = stop.await(Math.min(30_000, remainingMs(deadline)), TimeUnit.MILLISECONDS);
    } while (!interrupted && System.nanoTime() < deadline);
    if (interrupted) {
      // Ctrl-C: the JVM is shutting down and the hook is stopping everything; it may not be removed
      // now (that is what printed "drwatch: Shutdown in progress"), and the JVM exits once it is done.
      return 0;
    }
    Runtime.getRuntime().removeShutdownHook(hook);
    hook.run();
    return 0;
  }

  private static long remainingMs(long deadline) {
    return deadline == Long.MAX_VALUE ? Long.MAX_VALUE : Math.max(1, (deadline - System.nanoTime()) / 1_000_000);
  }

  static String config(PgSandbox sandbox, int port) {
    StringBuilder b = new StringBuilder();
    b.append("drwatch {\n  http { host = \"127.0.0.1\", port = ").append(port).append(" }\n");
    b.append("  defaults { interval = 5s, timeout = 3s }\n");
    b.append("  clusters { sandbox { rpo-objective = 30s, rto-objective = 2m } }\n  targets = [\n");
    for (PgNode n : sandbox.nodes()) {
      b.append("    { name = \"").append(n.name()).append("\", url = \"").append(n.jdbcUrl())
          .append("\", user = \"").append(PgSandbox.MONITOR_ROLE)
          .append("\", no-password = true, labels { cluster = \"sandbox\" } }\n");
    }
    return b.append("  ]\n}\n").toString();
  }

  private static void writeLoad(PgSandbox sandbox, CountDownLatch stop) {
    try {
      for (int second = 1; !stop.await(1, TimeUnit.SECONDS); second++) {
        try {
          sandbox.write(200);
          if (second % 10 == 0) {
            // close a segment now and then so archiving shows movement, as archive_timeout would
            sandbox.primary().sql("SELECT pg_switch_wal()");
          }
        } catch (RuntimeException e) {
          // the sandbox is shutting down, or the user is experimenting with it
        }
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  /** The families the summary shows (besides the replay stage of the replication lag). */
  private static final Set<String> SUMMARY = Stream.of(PgSyncReplication.WOULD_BLOCK, PgArchiver.READY,
      PgArchiver.ARCHIVED, PgStandby.REPLAY_LAG, PgStandby.STREAMING, PgReplicationSlots.RETAINED)
      .map(MetricFamily::name).collect(Collectors.toUnmodifiableSet());

  /** One screen: each target's role and the DR numbers that matter most. */
  static String summary(SampleCache cache) {
    SampleCache.View view = cache.view();
    StringBuilder b = new StringBuilder();
    b.append(String.format(Locale.ROOT, "%-10s %-4s %-8s %-9s %s%n", "target", "up", "role", "timeline", "signals"));
    for (TargetStatus t : view.targets()) {
      StringBuilder signals = new StringBuilder();
      for (CollectorResult r : view.results()) {
        if (!r.target().equals(t.name())) {
          continue;
        }
        r.samples().forEach(s -> {
          String n = s.family().name();
          String labels = s.labelValues().isEmpty() ? "" : s.labelValues().toString();
          if (n.equals(PgReplication.LAG_BYTES.name()) && s.labelValues().get(1).equals("replay")
              || SUMMARY.contains(n)) {
            signals.append(String.format(Locale.ROOT, "%s%s=%.0f  ", n.replaceFirst("^pg_", ""), labels, s.value()));
          }
        });
      }
      b.append(String.format(Locale.ROOT, "%-10s %-4s %-8s %-9s %s%n", t.name(), t.up() ? "1" : "0",
          t.server() == null ? "?" : t.server().role(),
          t.server() == null || t.server().timeline() == null ? "?" : t.server().timeline(),
          t.up() ? signals.toString().trim() : t.lastError()));
    }
    return b.toString();
  }
}
