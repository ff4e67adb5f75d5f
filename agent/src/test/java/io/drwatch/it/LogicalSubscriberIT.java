package io.drwatch.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.drwatch.fixture.Await;
import io.drwatch.fixture.Clusters;
import io.drwatch.fixture.Promtool;
import io.drwatch.fixture.Series;
import io.drwatch.fixture.Watch;
import io.drwatch.sandbox.PgSandbox;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * A primary whose only walsender is a logical subscription (another real server subscribing to a
 * publication): nothing can be promoted, so the replica layer must not protect anything, and the
 * subscription shows in the logical families instead of the standby ones.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class LogicalSubscriberIT {

  private static final Duration WAIT = Duration.ofSeconds(30);

  private PgSandbox publisher;
  private PgSandbox subscriber;
  private Watch watch;

  @BeforeAll
  void start() {
    publisher = PgSandbox.builder().version(Clusters.defaultMajor()).start();
    subscriber = PgSandbox.builder().version(Clusters.defaultMajor()).start();
    publisher.primary().sql("ALTER SYSTEM SET wal_level = logical");
    publisher.primary().stop();
    publisher.primary().start();
    for (PgSandbox s : new PgSandbox[] {publisher, subscriber}) {
      s.primary().sql("CREATE TABLE orders (id bigserial PRIMARY KEY, payload text)");
    }
    publisher.primary().sql("CREATE PUBLICATION orders_pub FOR TABLE orders");
    subscriber.primary().sql("CREATE SUBSCRIPTION orders_sub CONNECTION 'host=127.0.0.1 port="
        + publisher.primary().port() + " user=postgres dbname=postgres' PUBLICATION orders_pub");
    awaitStreaming();
    watch = Watch.sandbox(publisher); // the publisher alone is the cluster
  }

  private void awaitStreaming() {
    Await.until("the subscription streaming", WAIT, Await.EVERY, () -> publisher.primary().sql(
        "SELECT state FROM pg_stat_replication WHERE application_name = 'orders_sub'"), "streaming"::equals,
        state -> state + "; subscriber log:\n" + subscriber.primary().logTail());
  }

  @AfterAll
  void stop() {
    if (watch != null) {
      watch.close();
    }
    if (subscriber != null) {
      subscriber.close();
    }
    if (publisher != null) {
      publisher.close();
    }
  }

  private Optional<Double> cluster(String family, String... labels) throws Exception {
    String[] all = new String[labels.length + 2];
    all[0] = "cluster";
    all[1] = "c1";
    System.arraycopy(labels, 0, all, 2, labels.length);
    return Series.value(watch.exposition(), family, all);
  }

  @Test
  void aLogicalSubscriberIsNoStandbyAndProtectsNothing() throws Exception {
    publisher.primary().sql("INSERT INTO orders (payload) SELECT md5(g::text) FROM generate_series(1, 1000) g");
    watch.round();
    System.out.printf("only a logical subscriber: replica layer healthy %s, RPO %s B / %s s; effective %s B;"
            + " standbys_connected %s, logical_senders_connected %s%n",
        cluster("drwatch_cluster_rpo_layer_healthy", "layer", "replica"),
        cluster("drwatch_cluster_rpo_estimate_bytes", "layer", "replica"),
        cluster("drwatch_cluster_rpo_estimate_seconds", "layer", "replica"),
        cluster("drwatch_cluster_rpo_effective_bytes"),
        watch.value("primary", "pg_replication_standbys_connected"),
        watch.value("primary", "pg_replication_logical_senders_connected"));
    assertEquals(0, watch.require("primary", "pg_replication_standbys_connected"));
    assertEquals(1, watch.require("primary", "pg_replication_logical_senders_connected"));
    assertEquals(1, watch.require("primary", "pg_replication_logical_sender_info", "application_name", "orders_sub",
        "slot_name", "orders_sub", "database", "postgres", "state", "streaming"));
    assertTrue(watch.value("primary", "pg_replication_standby_info", "application_name", "orders_sub").isEmpty());
    assertEquals(0, cluster("drwatch_cluster_rpo_layer_healthy", "layer", "replica").orElseThrow(),
        "a subscriber cannot be promoted");
    assertTrue(cluster("drwatch_cluster_rpo_estimate_bytes", "layer", "replica").isEmpty());
    assertTrue(cluster("drwatch_cluster_rpo_effective_bytes").orElseThrow() > 0,
        "what protects the writes now is the archive, which lags by the segment in progress");
    double lag = watch.await("primary", "replication", "pg_replication_logical_lag_bytes", v -> v == 0, WAIT,
        "application_name", "orders_sub", "stage", "flush");
    assertEquals(0, lag, "the subscriber confirms what it applied");
    assertEquals("", Promtool.checkMetrics(watch.exposition()));
  }
}
