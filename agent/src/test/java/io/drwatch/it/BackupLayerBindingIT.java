package io.drwatch.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.drwatch.fixture.Await;
import io.drwatch.fixture.Clusters;
import io.drwatch.fixture.PgBackRestRepo;
import io.drwatch.fixture.SandboxConfig;
import io.drwatch.fixture.Series;
import io.drwatch.fixture.Watch;
import io.drwatch.sample.CollectorResult;
import io.drwatch.sandbox.OsUser;
import io.drwatch.sandbox.PgSandbox;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * The backup layer with real pgBackRest: one repository holding two clusters' stanzas, the other
 * cluster backed up after ours. The layer must report our stanza's backup, not the newest in the
 * repository; and when the collector fails or hangs, the layer reads unhealthy instead of vanishing.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class BackupLayerBindingIT {

  private final boolean root = OsUser.detect().dropsPrivileges();
  private String exe;
  private PgSandbox ours;
  private PgSandbox theirs;
  private PgBackRestRepo repo;
  private double oursCompleted;
  private double theirsCompleted;

  @BeforeAll
  void start() {
    exe = PgBackRestRepo.executable().orElse(null);
    if (exe == null) {
      System.out.println("SKIPPED BackupLayerBindingIT: pgbackrest is not installed (the build installs the "
          + "Debian package as root or with passwordless sudo: agent/src/test/sh/ensure-packages.sh)");
    }
    assumeTrue(exe != null, "pgbackrest is not installed (apt-get install pgbackrest)");
    int major = Math.min(Clusters.defaultMajor(), PgBackRestRepo.newestSupportedMajor(PgBackRestRepo.version(exe)));
    ours = PgSandbox.builder().version(major).start();
    theirs = PgSandbox.builder().version(major).start();
    repo = PgBackRestRepo.create(ours, "ours", exe);
    repo.backup("full");
    oursCompleted = System.currentTimeMillis() / 1000.0;
    // Their backup completes measurably later than ours, so the two stanzas' ages tell them apart.
    Await.elapse(Duration.ofSeconds(3), "their backup 3 s newer than ours");
    repo.addStanza(theirs, "theirs");
    repo.backup("theirs", "full");
    theirsCompleted = System.currentTimeMillis() / 1000.0;
  }

  @AfterAll
  void stop() {
    for (AutoCloseable c : new AutoCloseable[] {theirs, ours, repo}) {
      try {
        if (c != null) {
          c.close();
        }
      } catch (Exception e) {
        System.out.println("closing: " + e);
      }
    }
  }

  /** The agent's pgbackrest: not the database's user, but in the repository's group. */
  private String command() {
    List<String> cmd = root
        ? List.of("setpriv", "--reuid=daemon", "--regid=daemon", "--groups=" + PgBackRestRepo.DB_GROUP, "--", exe)
        : List.of(exe);
    return cmd.stream().map(s -> "\"" + s + "\"").collect(Collectors.joining(", ", "[", "]"));
  }

  /** An agent watching our cluster only, its pgbackrest collector with these options. */
  private Watch watch(String options) {
    return new Watch(SandboxConfig.of(ours, "defaults { interval = 5s, timeout = 3s, connect-timeout = 2s }",
        "collectors { pgbackrest { enabled = true, " + options + " } }"));
  }

  private static Optional<Double> backup(Watch watch, String family) throws Exception {
    return Series.value(watch.exposition(), family, "cluster", "c1", "layer", "backup");
  }

  @Test
  void theBackupLayerIsOurStanzasNotTheNewestInTheRepository() throws Exception {
    try (Watch watch = watch("timeout = 30s, command = " + command() + ", config = \"" + repo.config() + "\"")) {
      watch.round();
      CollectorResult r = watch.result("primary", "pgbackrest").orElseThrow();
      assertTrue(r.success(), r.error());
      assertEquals(0, watch.require("primary", "pgbackrest_stanza_matches_target", "stanza", "theirs"));
      assertEquals(1, watch.require("primary", "pgbackrest_stanza_matches_target", "stanza", "ours"));
      double now = System.currentTimeMillis() / 1000.0;
      double age = backup(watch, "drwatch_cluster_rpo_estimate_seconds").orElseThrow();
      System.out.printf("one repository, two clusters: our backup %.1f s old, theirs %.1f s; backup layer says %.1f s%n",
          now - oursCompleted, now - theirsCompleted, age);
      assertTrue(age >= now - oursCompleted - 2, "our stanza's backup, not theirs: " + age);
      assertEquals(1, backup(watch, "drwatch_cluster_rpo_layer_healthy").orElseThrow());
    }
  }

  @Test
  void aFailingOrHungCollectorMakesTheLayerUnhealthyNotAbsent() throws Exception {
    Path hang = repo.fifo("hang.conf"); // pgBackRest blocks reading a FIFO nobody writes
    for (String[] c : new String[][] {
        {"failing", "timeout = 10s, command = [\"/nonexistent/bin/pgbackrest\"]"},
        {"hung", "timeout = 3s, command = " + command() + ", config = \"" + hang + "\""}}) {
      try (Watch watch = watch(c[1])) {
        watch.round();
        CollectorResult r = watch.result("primary", "pgbackrest").orElseThrow();
        Optional<Double> healthy = backup(watch, "drwatch_cluster_rpo_layer_healthy");
        System.out.printf("pgbackrest collector %s (%s): backup layer healthy %s%n", c[0], r.error(), healthy);
        assertFalse(r.success());
        assertEquals(Optional.of(0.0), healthy, c[0] + ": unhealthy, not absent");
        assertTrue(backup(watch, "drwatch_cluster_rpo_estimate_seconds").isEmpty(), "no age it cannot know");
      }
    }
  }
}
