package io.drwatch.truth;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.drwatch.fixture.Await;
import io.drwatch.fixture.Clusters;
import io.drwatch.fixture.PgBackRestRepo;
import io.drwatch.sandbox.PgNode;
import io.drwatch.sandbox.PgSandbox;
import io.drwatch.truth.DrAccuracy.Row;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

/**
 * The failure-truth suite: a workload records every acknowledged commit, the cluster is broken and
 * its primary SIGKILLed, and the truth comes from the databases themselves: the candidate is
 * promoted and the acknowledged commits missing on it are counted. drwatch's promotion answers
 * just before and just after the failure must sit within the bounds stated in
 * {@code docs/dr-accuracy.md}, which this suite rewrites with every run's numbers.
 *
 * <p>Bounds, for the loss in bytes of the promoted standby: never less than the truth minus what
 * the writer wrote after the agent last saw it (unseen), never more than 1.25 x the truth plus one
 * probe interval of WAL. In seconds: never less than the truth minus the unseen time minus one
 * interval, never more than 1.25 x the truth plus one interval.
 */
class FailureTruthIT {

  /** Every scenario of the suite, in the order of the table; DrAccuracyDocTest checks the doc has each. */
  public static final List<String> SCENARIOS = List.of("async, stalled receiver", "sync ANY 1, one standby down",
      "sync FIRST 1 beside an async one", "cascading, upstream stalled", "delayed standby beside an async one", "archive-only recovery",
      "logical subscriber only (archive recovery)", "pgBackRest repository with two clusters' stanzas");

  private static final List<Row> ROWS = new ArrayList<>();
  private static final int ROWS_PER_SECOND = 100;
  private static final int ROW_BYTES = 1000;

  @AfterAll
  static void writeTable() throws Exception {
    if (!ROWS.isEmpty()) {
      ROWS.sort(java.util.Comparator.comparingInt(r -> SCENARIOS.indexOf(r.scenario())));
      DrAccuracy.write(ROWS, String.format(Locale.ROOT,
          "Last run: %s, PostgreSQL %d, probe interval %d s, workload %d commits/s of %d bytes.",
          Instant.now().toString().substring(0, 16).replace('T', ' ') + " UTC", Clusters.defaultMajor(),
          TruthRig.INTERVAL.toSeconds(), ROWS_PER_SECOND, ROW_BYTES));
    }
  }

  @Test
  void asyncStandbyWithAStalledReceiver() throws Exception {
    try (PgSandbox pg = PgSandbox.builder().version(Clusters.defaultMajor())
        .standby("async1", PgSandbox.Sync.ASYNC).start()) {
      Row r = scenario(SCENARIOS.get(0), pg, "async1", "async1", () -> disconnect(pg.standby("async1")));
      // Replayed everything it received, yet 6 s of commits behind: never "caught up".
      assertTrue(lastBefore.replayDelay() != null && lastBefore.replayDelay() > 3,
          "pg_standby_replay_delay_seconds of the stalled standby: " + lastBefore.replayDelay());
      assertTrue(r.lostCommits() > 0, "a stalled async standby must lose acknowledged commits: " + r);
    }
  }

  @Test
  void syncAnyOneWithOneStandbyDown() throws Exception {
    try (PgSandbox pg = PgSandbox.builder().version(Clusters.defaultMajor())
        .standby("s1", PgSandbox.Sync.SYNC).standby("s2", PgSandbox.Sync.SYNC).start()) {
      pg.primary().sql("ALTER SYSTEM SET synchronous_standby_names = 'ANY 1 (s1, s2)'");
      pg.primary().sql("SELECT pg_reload_conf()");
      Row r = scenario(SCENARIOS.get(1), pg, "s1", "s1", () -> pg.standby("s2").stop());
      assertEquals(0, r.lostCommits(), "ANY 1 with s1 streaming: nothing acknowledged may be lost: " + r);
    }
  }

  /**
   * Both standbys stream and look alike; only sync1 is waited for. drwatch must name sync1, which
   * holds every acknowledged commit, not whichever standby's probe happened to read further.
   */
  @Test
  void syncFirstOneBesideAnAsyncOne() throws Exception {
    try (PgSandbox pg = PgSandbox.builder().version(Clusters.defaultMajor())
        .standby("sync1", PgSandbox.Sync.SYNC).standby("async1", PgSandbox.Sync.ASYNC).start()) {
      Row r = scenario(SCENARIOS.get(2), pg, "sync1", "sync1", () -> { });
      assertEquals(0, r.lostCommits(), "FIRST 1 (sync1): nothing acknowledged may be lost on sync1: " + r);
    }
  }

  @Test
  void cascadingStandbyBehindAStalledUpstream() throws Exception {
    try (PgSandbox pg = PgSandbox.builder().version(Clusters.defaultMajor())
        .standby("upstream1", PgSandbox.Sync.ASYNC).standby("cascade1", PgSandbox.Sync.ASYNC).start()) {
      PgNode cascade = pg.standby("cascade1");
      cascade.sql("ALTER SYSTEM SET primary_conninfo = 'host=127.0.0.1 port=" + pg.standby("upstream1").port()
          + " user=postgres application_name=cascade1'");
      cascade.sql("ALTER SYSTEM SET primary_slot_name = ''");
      cascade.sql("SELECT pg_reload_conf()");
      awaitUpstream(cascade, pg.standby("upstream1").port());
      Row r = scenario(SCENARIOS.get(3), pg, "cascade1", null, () -> disconnect(pg.standby("upstream1")));
      assertTrue(r.lostCommits() > 0, "behind a stalled upstream, acknowledged commits are lost: " + r);
    }
  }

  @Test
  void delayedStandbyIsNeverTheCandidate() throws Exception {
    try (PgSandbox pg = PgSandbox.builder().version(Clusters.defaultMajor())
        .standby("async1", PgSandbox.Sync.ASYNC).standby("delayed1", PgSandbox.Sync.ASYNC).start()) {
      pg.standby("delayed1").sql("ALTER SYSTEM SET recovery_min_apply_delay = '1h'");
      pg.standby("delayed1").sql("SELECT pg_reload_conf()");
      scenario(SCENARIOS.get(4), pg, "async1", "async1", () -> { });
    }
  }

  @Test
  void archiveOnlyRecovery() throws Exception {
    try (PgSandbox pg = PgSandbox.builder().version(Clusters.defaultMajor())
        .standby("restore1", PgSandbox.Sync.ASYNC).start()) {
      Row r = archiveOnly(SCENARIOS.get(5), pg);
      assertTrue(r.lostCommits() > 0, "the segment in progress was never archived: " + r);
    }
  }

  /**
   * The primary's only walsender is a logical subscription (another real server): nothing can be
   * promoted, drwatch must not read the replica layer as protection, and recovery is from the archive.
   */
  @Test
  void logicalSubscriberOnly() throws Exception {
    try (PgSandbox pg = PgSandbox.builder().version(Clusters.defaultMajor())
            .standby("restore1", PgSandbox.Sync.ASYNC).start();
        PgSandbox subscriber = PgSandbox.builder().version(Clusters.defaultMajor()).start()) {
      PgNode primary = pg.primary();
      primary.sql("ALTER SYSTEM SET wal_level = logical");
      primary.stop();
      primary.start();
      for (PgNode n : List.of(primary, subscriber.primary())) {
        n.sql("CREATE TABLE orders (id bigserial PRIMARY KEY, payload text)");
      }
      primary.sql("CREATE PUBLICATION orders_pub FOR TABLE orders");
      subscriber.primary().sql("CREATE SUBSCRIPTION orders_sub CONNECTION 'host=127.0.0.1 port=" + primary.port()
          + " user=postgres dbname=postgres' PUBLICATION orders_pub");
      Await.until("the subscription streaming", Duration.ofSeconds(30),
          () -> primary.sql("SELECT state FROM pg_stat_replication WHERE application_name = 'orders_sub'"),
          "streaming"::equals);
      Row r = archiveOnly(SCENARIOS.get(6), pg);
      assertTrue(r.lostCommits() > 0, "a subscriber is no copy of the cluster: " + r);
    }
  }

  /**
   * No standby: the truth is a restore from the WAL archive. {@code restore1} is the sandbox's copy
   * of the stopped primary (a cold base backup), kept stopped while the workload runs; after the
   * primary is SIGKILLed it recovers with restore_command from the archive and promotes at its
   * end. The estimate is the effective RPO (the archive layer's, the replica layer unhealthy).
   */
  private Row archiveOnly(String name, PgSandbox pg) throws Exception {
    PgNode primary = pg.primary();
    PgNode restore = pg.standby("restore1");
    restore.stop();
    primary.sql("SELECT pg_drop_replication_slot('restore1')");
    try (TruthRig rig = new TruthRig(List.of(primary))) {
      rig.await("the archive layer", b -> TruthRig.value(b, "drwatch_cluster_rpo_estimate_bytes", "layer", "archive")
          .isPresent(), Duration.ofSeconds(60));
      // The workload's table exists in the archive, and the workload starts on a fresh segment.
      primary.sql("CREATE TABLE IF NOT EXISTS " + AckedWorkload.TABLE + " (id bigint PRIMARY KEY, payload text)");
      primary.sql("SELECT pg_switch_wal()");
      rig.await("the switched segment archived", b -> TruthRig.value(b, "pg_archiver_ready_files").orElse(1.0) == 0
          && TruthRig.value(b, "drwatch_cluster_rpo_estimate_bytes", "layer", "archive").orElse(1e18) < 1e6,
          Duration.ofSeconds(60));
      try (AckedWorkload work = new AckedWorkload(primary, ROWS_PER_SECOND, ROW_BYTES)) {
        String before = Await.throughout(Duration.ofSeconds(8), Await.EVERY,
            "the workload commits for 8 s before the kill", rig::metrics);
        assertEquals(0, TruthRig.value(before, "drwatch_cluster_rpo_layer_healthy", "layer", "replica").orElse(0.0),
            "no physical standby streams: the replica layer protects nothing");
        Double beforeBytes = TruthRig.value(before, "drwatch_cluster_rpo_effective_bytes").orElse(null);
        Double beforeSeconds = TruthRig.value(before, "drwatch_cluster_rpo_effective_seconds").orElse(null);
        // What the agent last saw: the write position the archiver sample behind the estimate read
        // (archived position + unarchived bytes, both from that one statement), and when that run
        // began (its finish minus its duration: the position was read no earlier). Acks before
        // the finish can be after the read: timing the position by the finish undercounted the
        // unseen WAL by a commit in one full run.
        double seenBeforeAt = TruthRig.value(before, "drwatch_collector_last_success_timestamp_seconds",
            "target", primary.name(), "collector", "archiver").orElseThrow()
            - TruthRig.value(before, "drwatch_collector_duration_seconds", "target", primary.name(),
                "collector", "archiver").orElseThrow();
        double seenBefore = TruthRig.value(before, "pg_archiver_archived_lsn_bytes", "target", primary.name()).orElseThrow()
            + TruthRig.value(before, "pg_archiver_unarchived_bytes", "target", primary.name()).orElseThrow();

        primary.kill();
        String why = work.awaitStopped(10_000);
        AckedWorkload.Ack lastAck = work.last();
        String after = rig.await("drwatch answers without the writer", b -> TruthRig.value(b, "drwatch_target_up",
            "target", primary.name()).orElse(1.0) == 0
            && TruthRig.value(b, "drwatch_cluster_rpo_estimate_lower_bound").orElse(0.0) == 1.0
            && TruthRig.value(b, "drwatch_cluster_rpo_estimate_bytes", "layer", "archive").isPresent(),
            Duration.ofSeconds(30));
        Double afterBytes = TruthRig.value(after, "drwatch_cluster_rpo_effective_bytes").orElse(null);
        Double afterSeconds = TruthRig.value(after, "drwatch_cluster_rpo_effective_seconds").orElse(null);

        // The truth: recover from the archive alone, then count what is missing.
        double archivedEnd = archivedEnd(pg.archiveDir());
        java.nio.file.Files.move(restore.dataDir().resolve("standby.signal"), restore.dataDir().resolve("recovery.signal"));
        long t0 = System.nanoTime();
        restore.start();
        awaitWrite(restore);
        double restoreToWrite = (System.nanoTime() - t0) / 1e9;
        List<AckedWorkload.Ack> missing = work.missingOn(restore);
        double truthBytes = missing.isEmpty() ? 0 : Math.max(0, lastAck.lsn() - archivedEnd);
        double truthSeconds = 0;
        if (!missing.isEmpty()) {
          long firstMissingId = missing.get(0).id();
          long newestPresent = work.acks().stream().filter(a -> a.id() < firstMissingId)
              .mapToLong(AckedWorkload.Ack::atMillis).max().orElse(work.acks().get(0).atMillis());
          truthSeconds = (lastAck.atMillis() - newestPresent) / 1000.0;
        }
        double unseenBytes = Math.max(0, lastAck.lsn() - seenBefore);
        double unseenSeconds = Math.max(0, lastAck.atMillis() / 1000.0 - seenBeforeAt);
        double walPerInterval = work.walPerSecond() * TruthRig.INTERVAL.toSeconds();
        List<String> outside = new ArrayList<>();
        checkBytes("before", beforeBytes, truthBytes, unseenBytes, walPerInterval, outside);
        checkSeconds("before", beforeSeconds, truthSeconds, unseenSeconds, TruthRig.INTERVAL.toSeconds(), outside);
        // After the kill: the archive layer against the writer's last seen position (a lower bound).
        double seenLsn = TruthRig.value(after, "drwatch_cluster_writer_last_seen_lsn_bytes").orElseThrow();
        double seenAt = TruthRig.value(after, "drwatch_cluster_writer_last_seen_timestamp_seconds").orElseThrow();
        checkBytes("after", afterBytes, truthBytes, Math.max(0, lastAck.lsn() - seenLsn), walPerInterval, outside);
        checkSeconds("after", afterSeconds, truthSeconds, Math.max(0, lastAck.atMillis() / 1000.0 - seenAt),
            TruthRig.INTERVAL.toSeconds(), outside);
        Row row = new Row(name, "archive restore", TruthRig.bestCandidate(after), missing.size(), truthBytes,
            truthSeconds, beforeBytes, beforeSeconds, afterBytes, afterSeconds, unseenBytes, walPerInterval, null,
            restoreToWrite, outside.isEmpty() ? "within" : "OUTSIDE: " + String.join("; ", outside));
        System.out.printf("failure truth [%s] workload stopped: %s; %d acks; %s%n", name, why, work.acks().size(), row);
        synchronized (ROWS) {
          ROWS.add(row);
        }
        assertTrue(outside.isEmpty(), name + ": " + row.verdict());
        return row;
      }
    }
  }

  /**
   * One pgBackRest repository holding our stanza and another cluster's, whose full backup is
   * newer. The backup layer must be our stanza's (the other's backup restores nothing of ours).
   * The truth: our newest backup alone, restored with {@code --type=immediate} (consistent at its
   * end, no WAL after it) into a spare node, and the acknowledged commits missing on it counted.
   * The estimate is the backup layer's seconds just before the primary is SIGKILLed.
   */
  @Test
  void pgBackRestRepositoryWithTwoClustersStanzas() throws Exception {
    String exe = PgBackRestRepo.executable().orElse(null);
    if (exe == null) {
      System.out.println("SKIPPED FailureTruthIT pgBackRest scenario: pgbackrest is not installed (the build "
          + "installs the Debian package as root or with passwordless sudo: agent/src/test/sh/ensure-packages.sh)");
    }
    Assumptions.assumeTrue(exe != null, "pgbackrest is not installed (apt-get install pgbackrest)");
    int major = Math.min(Clusters.defaultMajor(), PgBackRestRepo.newestSupportedMajor(PgBackRestRepo.version(exe)));
    String name = SCENARIOS.get(7);
    try (PgSandbox ours = PgSandbox.builder().version(major).standby("restore1", PgSandbox.Sync.ASYNC).start();
        PgSandbox theirs = PgSandbox.builder().version(major).start()) {
      PgNode primary = ours.primary();
      PgNode restore = ours.standby("restore1");
      restore.stop();
      primary.sql("SELECT pg_drop_replication_slot('restore1')");
      try (PgBackRestRepo repo = PgBackRestRepo.create(ours, "ours", exe);
          AckedWorkload work = new AckedWorkload(primary, ROWS_PER_SECOND, ROW_BYTES)) {
        Await.until("the workload's first acknowledged commits", Duration.ofSeconds(30), () -> work.acks().size(),
            n -> n > 0);
        repo.backup("full"); // ours, under the workload
        repo.addStanza(theirs, "theirs");
        repo.backup("theirs", "full"); // newer, and another database's
        boolean root = "root".equals(System.getProperty("user.name"));
        String command = (root ? List.of("setpriv", "--reuid=daemon", "--regid=daemon",
            "--groups=" + PgBackRestRepo.DB_GROUP, "--", exe) : List.of(exe)).stream()
            .map(c -> "\"" + c + "\"").collect(java.util.stream.Collectors.joining(", ", "[", "]"));
        Duration pgbackrestInterval = Duration.ofSeconds(3);
        try (TruthRig rig = new TruthRig(List.of(primary), "collectors { pgbackrest { enabled = true, interval = "
            + pgbackrestInterval.toSeconds() + "s, timeout = " + pgbackrestInterval.toSeconds() + "s, command = " + command + ", config = \""
            + repo.config() + "\" } }")) {
          rig.await("the backup layer", b -> TruthRig.value(b, "drwatch_cluster_rpo_estimate_seconds", "layer", "backup")
              .isPresent(), Duration.ofSeconds(60));
          // The backup ages under the workload for two collector intervals, so the estimate has a
          // measurable age to be checked against.
          Await.elapse(pgbackrestInterval.multipliedBy(2), "the backup ages under the workload");
          String before = rig.metrics();
          long readAt = System.currentTimeMillis();
          assertEquals(1, TruthRig.value(before, "drwatch_cluster_rpo_layer_healthy", "layer", "backup").orElse(0.0));
          Double beforeSeconds = TruthRig.value(before, "drwatch_cluster_rpo_estimate_seconds", "layer", "backup")
              .orElse(null);

          primary.kill();
          String why = work.awaitStopped(10_000);
          AckedWorkload.Ack lastAck = work.last();

          // The truth: our newest backup, restored alone, then the missing acknowledged commits.
          repo.asDbUser(Duration.ofMinutes(3), "restore", "--pg1-path=" + restore.dataDir(), "--delta",
              "--type=immediate", "--target-action=promote");
          // The restored configuration is the primary's: this node's port, and no archiving into our stanza.
          java.nio.file.Files.writeString(restore.dataDir().resolve("postgresql.auto.conf"),
              "\nport = " + restore.port() + "\narchive_mode = off\n", java.nio.file.StandardOpenOption.APPEND);
          long t0 = System.nanoTime();
          restore.start();
          awaitWrite(restore);
          double restoreToWrite = (System.nanoTime() - t0) / 1e9;
          List<AckedWorkload.Ack> missing = work.missingOn(restore);
          double truthSeconds = 0;
          double truthBytes = 0;
          if (!missing.isEmpty()) {
            long firstMissingId = missing.get(0).id();
            AckedWorkload.Ack newestPresent = work.acks().stream().filter(a -> a.id() < firstMissingId)
                .reduce((a, b) -> b).orElse(work.acks().get(0));
            truthSeconds = (lastAck.atMillis() - newestPresent.atMillis()) / 1000.0;
            truthBytes = Math.max(0, lastAck.lsn() - newestPresent.lsn());
          }
          double unseenSeconds = Math.max(0, (lastAck.atMillis() - readAt) / 1000.0);
          List<String> outside = new ArrayList<>();
          // The layer's input is the collector's sample, so its interval is the resolution.
          checkSeconds("before", beforeSeconds, truthSeconds, unseenSeconds, pgbackrestInterval.toSeconds(), outside);
          Row row = new Row(name, "restore of our stanza's backup", "–", missing.size(), truthBytes, truthSeconds,
              null, beforeSeconds, null, null, 0, work.walPerSecond() * TruthRig.INTERVAL.toSeconds(), null,
              restoreToWrite, outside.isEmpty() ? "within" : "OUTSIDE: " + String.join("; ", outside));
          System.out.printf("failure truth [%s] workload stopped: %s; %d acks; %s%n", name, why, work.acks().size(), row);
          synchronized (ROWS) {
            ROWS.add(row);
          }
          assertTrue(missing.size() > 0, "commits after the backup are not in it: " + row);
          assertTrue(outside.isEmpty(), name + ": " + row.verdict());
        }
      }
    }
  }

  /** End of the newest whole segment in the archive, as a byte position (16 MiB segments). */
  private static double archivedEnd(java.nio.file.Path archive) throws java.io.IOException {
    try (var files = java.nio.file.Files.list(archive)) {
      return files.map(p -> p.getFileName().toString()).filter(n -> n.matches("[0-9A-F]{24}"))
          .mapToDouble(n -> Long.parseLong(n.substring(8, 16), 16) * 4294967296.0
              + (Long.parseLong(n.substring(16, 24), 16) + 1) * 16777216.0)
          .max().orElse(0);
    }
  }

  /** What the last scenario read just before the failure, beyond its table row. */
  record Before(Double replayDelay) {}

  private Before lastBefore;

  interface Fault {
    void apply() throws Exception;
  }

  /**
   * Runs the workload, applies the fault, lets it last a few intervals, SIGKILLs the primary,
   * reads drwatch before and after, then promotes {@code promote} and measures the truth.
   *
   * @param expectedBest the candidate drwatch must name after the failure (null: any of the
   *     standbys tied for the least loss)
   */
  private Row scenario(String name, PgSandbox pg, String promote, String expectedBest, Fault fault)
      throws Exception {
    List<PgNode> nodes = pg.nodes();
    PgNode primary = pg.primary();
    PgNode candidate = pg.standby(promote);
    try (TruthRig rig = new TruthRig(nodes); AckedWorkload work = new AckedWorkload(primary, ROWS_PER_SECOND, ROW_BYTES)) {
      rig.await("promotion answers for " + promote,
          b -> TruthRig.loss(b, promote, "bytes") != null && !TruthRig.bestCandidate(b).equals("none"),
          Duration.ofSeconds(60));
      fault.apply();
      // Let the fault last: the stalled standby falls behind while the workload commits.
      String before = Await.throughout(Duration.ofSeconds(6), Await.EVERY, "the fault lasts 6 s under the workload",
          rig::metrics);
      lastBefore = new Before(TruthRig.value(before, "pg_standby_replay_delay_seconds", "target", promote).orElse(null));
      Double beforeBytes = TruthRig.loss(before, promote, "bytes");
      Double beforeSeconds = TruthRig.loss(before, promote, "seconds");
      double seenBefore = TruthRig.value(before, "drwatch_cluster_writer_last_seen_lsn_bytes").orElseThrow();
      double seenBeforeAt = TruthRig.value(before, "drwatch_cluster_writer_last_seen_timestamp_seconds").orElseThrow();

      primary.kill();
      long killedAt = System.currentTimeMillis();
      String why = work.awaitStopped(10_000);
      AckedWorkload.Ack lastAck = work.last();

      String after = rig.await("drwatch sees the writer gone",
          b -> TruthRig.value(b, "drwatch_cluster_rpo_estimate_lower_bound").orElse(0.0) == 1.0
              && TruthRig.loss(b, promote, "bytes") != null
              && TruthRig.value(b, "drwatch_cluster_writer_last_seen_timestamp_seconds").orElse(1e18) * 1000 < killedAt,
          Duration.ofSeconds(30));
      // Every running standby sampled again after the kill, so the answers read below are the post-failure ones.
      List<String> standbys = nodes.stream().filter(n -> n != primary && n.isRunning()).map(PgNode::name)
          .toList();
      after = rig.await("every standby's standby collector run after the kill", b -> standbys.stream().allMatch(
          s -> TruthRig.value(b, "drwatch_collector_last_success_timestamp_seconds", "target", s, "collector", "standby")
              .orElse(0.0) * 1000 > killedAt), Duration.ofSeconds(30));
      Double afterBytes = TruthRig.loss(after, promote, "bytes");
      Double afterSeconds = TruthRig.loss(after, promote, "seconds");
      Double catchup = TruthRig.value(after, "drwatch_standby_promotion_catchup_seconds", "target", promote).orElse(null);
      double seenLsn = TruthRig.value(after, "drwatch_cluster_writer_last_seen_lsn_bytes").orElseThrow();
      double seenAt = TruthRig.value(after, "drwatch_cluster_writer_last_seen_timestamp_seconds").orElseThrow();
      String best = TruthRig.bestCandidate(after);

      // The truth, from the databases.
      double held = held(candidate);
      long t0 = System.nanoTime();
      candidate.promote();
      awaitWrite(candidate);
      double promoteToWrite = (System.nanoTime() - t0) / 1e9;
      List<AckedWorkload.Ack> missing = work.missingOn(candidate);
      double truthBytes = missing.isEmpty() ? 0 : Math.max(0, lastAck.lsn() - held);
      double truthSeconds = 0;
      if (!missing.isEmpty()) {
        long firstMissingId = missing.get(0).id();
        long newestPresent = work.acks().stream().filter(a -> a.id() < firstMissingId)
            .mapToLong(AckedWorkload.Ack::atMillis).max().orElse(work.acks().get(0).atMillis());
        truthSeconds = (lastAck.atMillis() - newestPresent) / 1000.0;
      }
      double unseenBytes = Math.max(0, lastAck.lsn() - seenLsn);
      double unseenSeconds = Math.max(0, lastAck.atMillis() / 1000.0 - seenAt);
      double unseenBytesBefore = Math.max(0, lastAck.lsn() - seenBefore);
      double unseenSecondsBefore = Math.max(0, lastAck.atMillis() / 1000.0 - seenBeforeAt);
      double walPerInterval = work.walPerSecond() * TruthRig.INTERVAL.toSeconds();
      double interval = TruthRig.INTERVAL.toSeconds();

      List<String> outside = new ArrayList<>();
      checkBytes("before", beforeBytes, truthBytes, unseenBytesBefore, walPerInterval, outside);
      checkBytes("after", afterBytes, truthBytes, unseenBytes, walPerInterval, outside);
      checkSeconds("before", beforeSeconds, truthSeconds, unseenSecondsBefore, interval, outside);
      checkSeconds("after", afterSeconds, truthSeconds, unseenSeconds, interval, outside);
      if (expectedBest != null && !expectedBest.equals(best)) {
        outside.add("drwatch named " + best + ", expected " + expectedBest);
      }
      Row row = new Row(name, promote, best, missing.size(), truthBytes, truthSeconds, beforeBytes, beforeSeconds,
          afterBytes, afterSeconds, unseenBytes, walPerInterval, catchup, promoteToWrite,
          outside.isEmpty() ? "within" : "OUTSIDE: " + String.join("; ", outside));
      System.out.printf("failure truth [%s] workload stopped: %s; %d acks; %s%n", name, why, work.acks().size(), row);
      synchronized (ROWS) {
        ROWS.add(row);
      }
      assertTrue(outside.isEmpty(), name + ": " + row.verdict());
      return row;
    }
  }

  private static void checkBytes(String when, Double est, double truth, double unseen, double walPerInterval,
      List<String> outside) {
    if (est == null) {
      outside.add(when + ": no estimate in bytes");
      return;
    }
    if (est < truth - unseen - 1) {
      outside.add(String.format(Locale.ROOT, "%s bytes %.0f < truth %.0f - unseen %.0f", when, est, truth, unseen));
    }
    if (est > 1.25 * truth + walPerInterval) {
      outside.add(String.format(Locale.ROOT, "%s bytes %.0f > 1.25 x truth %.0f + interval WAL %.0f", when, est,
          truth, walPerInterval));
    }
  }

  private static void checkSeconds(String when, Double est, double truth, double unseen, double interval,
      List<String> outside) {
    if (est == null) {
      outside.add(when + ": no estimate in seconds");
      return;
    }
    if (est < truth - unseen - interval) {
      outside.add(String.format(Locale.ROOT, "%s seconds %.2f < truth %.2f - unseen %.2f - interval", when, est,
          truth, unseen));
    }
    if (est > 1.25 * truth + interval) {
      outside.add(String.format(Locale.ROOT, "%s seconds %.2f > 1.25 x truth %.2f + interval", when, est, truth));
    }
  }

  /** Stalls a standby's WAL: its receiver can no longer connect, and the archive no longer feeds it. */
  private static void disconnect(PgNode standby) {
    standby.sql("ALTER SYSTEM SET primary_conninfo = 'host=127.0.0.1 port=1 user=postgres connect_timeout=1'");
    standby.sql("ALTER SYSTEM SET restore_command = 'false'");
    standby.sql("SELECT pg_reload_conf()");
  }

  private static void awaitUpstream(PgNode standby, int upstreamPort) {
    Await.until(standby.name() + " streaming from port " + upstreamPort, Duration.ofSeconds(30),
        () -> standby.sql("SELECT coalesce((SELECT sender_port::text FROM pg_stat_wal_receiver "
            + "WHERE status = 'streaming'), '')").trim(), Integer.toString(upstreamPort)::equals);
  }

  /** What the standby holds: the WAL it received, or replayed from the archive, whichever is further. */
  private static double held(PgNode standby) throws SQLException {
    try (Connection c = standby.connect(); Statement s = c.createStatement(); ResultSet r = s.executeQuery(
        "SELECT pg_wal_lsn_diff(greatest(coalesce(pg_last_wal_receive_lsn(), '0/0'), "
            + "coalesce(pg_last_wal_replay_lsn(), '0/0')), '0/0')::float8")) {
      r.next();
      return r.getDouble(1);
    }
  }

  /** Polled every 20 ms: the resolution of the measured time to the first write. */
  private static void awaitWrite(PgNode node) {
    Await.until(node.name() + " accepting a write after promotion", Duration.ofSeconds(60), Duration.ofMillis(20), () -> {
      try (Connection c = node.connect(); Statement s = c.createStatement()) {
        s.execute("CREATE TABLE IF NOT EXISTS truth_first_write (at timestamptz); INSERT INTO truth_first_write VALUES (now())");
        return true;
      }
    }, written -> written, String::valueOf);
  }
}
