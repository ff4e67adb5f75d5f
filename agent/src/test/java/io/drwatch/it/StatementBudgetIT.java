package io.drwatch.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.drwatch.fixture.Clusters;
import io.drwatch.fixture.Watch;
import io.drwatch.sample.Schedule;
import io.drwatch.sample.TargetSampler;
import io.drwatch.sandbox.PgNode;
import io.drwatch.sandbox.PgSandbox;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * What drwatch costs the watched server, counted by the server itself: pg_stat_statements calls
 * made by the monitoring role, on a primary and a standby. A steady probe is one statement, each
 * collector that runs at the target's interval is one statement per run, and scrapes are none:
 * the load follows the sampling schedule, never the scrape rate. docs/performance.md's
 * statements-per-round figures rest on this budget.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class StatementBudgetIT {

  private PgSandbox pg;
  private Watch watch;

  @BeforeAll
  void start() {
    pg = PgSandbox.builder().version(Clusters.defaultMajor()).standby("replica", PgSandbox.Sync.ASYNC).start();
    pg.waitStreaming(Duration.ofSeconds(30));
    watch = new Watch(Watch.config(pg, ""));
    watch.round().round(); // first detection and the first full statements read are not steady
  }

  @AfterAll
  void stop() {
    if (watch != null) {
      watch.close();
    }
    if (pg != null) {
      pg.close();
    }
  }

  /** Statements the monitoring role has completed on this server so far. */
  private static long calls(PgNode node) {
    return Long.parseLong(node.sql("SELECT coalesce(sum(s.calls), 0) FROM pg_stat_statements s "
        + "JOIN pg_roles r ON r.oid = s.userid WHERE r.rolname = '" + PgSandbox.MONITOR_ROLE + "'"));
  }

  @Test
  void aSteadyProbeIsOneStatement() {
    for (PgNode node : pg.nodes()) {
      TargetSampler s = watch.sampler(node.name());
      long before = calls(node);
      assertTrue(s.probe(), node.name() + " answers");
      assertEquals(1, calls(node) - before, node.name() + ": statements of one steady probe");
    }
  }

  @Test
  void everyCollectorAtTheTargetIntervalIsOneStatementPerRunAndStatementsAtMostThree() {
    Duration interval = watch.config().defaults().interval();
    List<String> table = new ArrayList<>();
    for (PgNode node : pg.nodes()) {
      TargetSampler s = watch.sampler(node.name());
      assertTrue(s.probe());
      Map<String, Long> atInterval = new LinkedHashMap<>();
      long statementsCost = -1;
      for (Schedule schedule : s.schedules()) {
        String collector = schedule.collector().name();
        long before = calls(node);
        s.collect(schedule);
        long cost = calls(node) - before;
        boolean ran = watch.result(node.name(), collector).isPresent();
        table.add(node.name() + " " + collector + " every " + schedule.interval() + ": " + cost
            + (ran ? "" : " (does not apply)"));
        if (ran) {
          assertTrue(watch.result(node.name(), collector).orElseThrow().success(),
              node.name() + " " + collector + ": " + watch.result(node.name(), collector).orElseThrow().error());
        }
        if (schedule.interval().equals(interval)) {
          atInterval.put(collector, cost);
        }
        if (collector.equals("statements")) {
          statementsCost = cost;
        }
      }
      assertTrue(atInterval.size() >= 10, node.name() + " runs most collectors at the interval: " + atInterval);
      // statements, steady: extension and info view together, the changed rows, texts new to the top
      assertTrue(statementsCost >= 1 && statementsCost <= 3, node.name() + " statements costs " + statementsCost + ":\n" + String.join("\n", table));
      atInterval.forEach((collector, cost) -> assertTrue(cost <= 1,
          node.name() + " " + collector + " costs " + cost + " statements per run:\n" + String.join("\n", table)));
    }
    System.out.println("[statement-budget]\n" + String.join("\n", table));
  }

  @Test
  void scrapesCostTheServerNothing() throws Exception {
    Map<String, Long> before = new LinkedHashMap<>();
    for (PgNode node : pg.nodes()) {
      before.put(node.name(), calls(node));
    }
    for (int i = 0; i < 50; i++) {
      assertTrue(watch.exposition().contains("pg_database_backends{"), "the scrape serves samples");
    }
    for (PgNode node : pg.nodes()) {
      assertEquals(before.get(node.name()), calls(node), node.name() + ": statements during 50 scrapes");
    }
  }
}
