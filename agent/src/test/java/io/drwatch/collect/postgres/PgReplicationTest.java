package io.drwatch.collect.postgres;

import static io.drwatch.fixture.Rows.row;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.drwatch.collect.Row;
import io.drwatch.collect.Sample;
import io.drwatch.fixture.Exposition;
import io.drwatch.fixture.Promtool;
import io.drwatch.fixture.TestClock;
import io.drwatch.http.CacheSnapshots;
import io.drwatch.sample.CollectorResult;
import io.drwatch.sample.SampleCache;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/**
 * Collector mappings (rows → samples) from fixture rows, compared as exposition text. Every
 * rendering also goes through {@code promtool check metrics}. Goldens keep TYPE lines and drop
 * HELP lines and the agent's own drwatch_* families.
 */
class PgReplicationTest {

  private static final Instant NOW = Instant.parse("2025-01-01T00:00:00Z");
  private static final long MIB = 1024 * 1024;
  private static final long SEG = 16 * MIB;

  /** The collector's samples for target pg-a as /metrics would show them. */
  private static String expose(String collector, List<Sample> samples) throws Exception {
    TestClock clock = new TestClock(NOW);
    SampleCache cache = new SampleCache(clock);
    cache.putResult(new CollectorResult("pg-a", collector, true, samples, NOW, 0.004, null, NOW, 0,
        Duration.ofSeconds(45)));
    String full = Exposition.text(new CacheSnapshots(cache, clock).collect());
    assertEquals("", Promtool.checkMetrics(full), full);
    return Exposition.withoutAgentFamilies(full);
  }

  // ---- pg_stat_replication

  private static Row walsender(String app, int pid, String addr, String state, String syncState,
      Integer priority, Double sent, Double write, Double flush, Double replay,
      Double writeS, Double flushS, Double replayS, Double replyTime) {
    return row("application_name", app, "client_addr", addr, "pid", pid, "state", state,
        "sync_state", syncState, "sync_priority", priority,
        "sent_lag", sent, "write_lag", write, "flush_lag", flush, "replay_lag", replay,
        "write_lag_s", writeS, "flush_lag_s", flushS, "replay_lag_s", replayS, "reply_time", replyTime,
        "reply_age", replyTime == null ? null : NOW.getEpochSecond() - replyTime,
        "slot_name", null, "datname", null, "logical", false);
  }

  @Test
  void logicalWalsendersAreNoStandbys() throws Exception {
    Row standby = walsender("s1", 101, "10.0.0.2", "streaming", "async", 0, 0.0, 0.0, 0.0, 0.0,
        null, null, null, 1735689599.25);
    Row subscription = row("application_name", "sub1", "client_addr", "10.0.0.9", "pid", 300,
        "state", "streaming", "sync_state", "async", "sync_priority", 0, "sent_lag", 0.0,
        "write_lag", 100.0, "flush_lag", 4096.0, "replay_lag", 4096.0, "write_lag_s", null,
        "flush_lag_s", null, "replay_lag_s", null, "reply_time", 1735689599.0, "reply_age", 1.0,
        "slot_name", "sub1", "datname", "app", "logical", true);
    String text = expose("replication", PgReplication.map(List.of(standby, subscription)));
    assertEquals("""
        # TYPE pg_replication_logical_lag_bytes gauge
        pg_replication_logical_lag_bytes{application_name="sub1",stage="flush",target="pg-a"} 4096.0
        pg_replication_logical_lag_bytes{application_name="sub1",stage="replay",target="pg-a"} 4096.0
        pg_replication_logical_lag_bytes{application_name="sub1",stage="sent",target="pg-a"} 0.0
        pg_replication_logical_lag_bytes{application_name="sub1",stage="write",target="pg-a"} 100.0
        # TYPE pg_replication_logical_sender_info gauge
        pg_replication_logical_sender_info{application_name="sub1",client_addr="10.0.0.9",database="app",slot_name="sub1",state="streaming",target="pg-a"} 1
        # TYPE pg_replication_logical_senders_connected gauge
        pg_replication_logical_senders_connected{target="pg-a"} 1.0
        # TYPE pg_replication_standby_info gauge
        pg_replication_standby_info{application_name="s1",client_addr="10.0.0.2",state="streaming",sync_state="async",target="pg-a"} 1
        # TYPE pg_replication_standbys_connected gauge
        pg_replication_standbys_connected{target="pg-a"} 1.0
        """, Exposition.only(text, "pg_replication_logical", "pg_replication_standby"));
    assertEquals("", Exposition.only(text, "pg_replication_lag_bytes{application_name=\"sub1\""),
        "the subscription is in no standby family");
  }

  @Test
  void lagSecondsAreAtLeastTheReplyAgeWhileWalIsOutstanding() {
    // the standby stopped replying 42 s ago; the server still shows the lag of its last reply
    assertEquals(42.0, PgReplication.lagSeconds(0.003, 5e6, 42.0, "streaming"));
    assertEquals(42.0, PgReplication.lagSeconds(null, 5e6, 42.0, "streaming"), "NULL once caught up");
    assertEquals(42.0, PgReplication.lagSeconds(null, 5e6, 42.0, "catchup"));
    assertEquals(60.0, PgReplication.lagSeconds(60.0, 5e6, 0.5, "streaming"), "the server's own value when higher");
    assertEquals(0.0, PgReplication.lagSeconds(null, 0.0, 9.0, "streaming"), "nothing outstanding: caught up");
    assertEquals(0.002, PgReplication.lagSeconds(0.002, 0.0, 9.0, "streaming"));
    assertEquals(null, PgReplication.lagSeconds(null, 5e6, null, "catchup"), "no reply yet: unknown");
  }

  @Test
  void caughtUpStreamingStandbyHasZeroLagSeconds() throws Exception {
    Row r = walsender("s1", 101, "10.0.0.2", "streaming", "async", 0, 0.0, 0.0, 0.0, 0.0,
        null, null, null, 1735689599.25);
    assertEquals("""
        # TYPE pg_replication_lag_bytes gauge
        pg_replication_lag_bytes{application_name="s1",stage="flush",target="pg-a"} 0.0
        pg_replication_lag_bytes{application_name="s1",stage="replay",target="pg-a"} 0.0
        pg_replication_lag_bytes{application_name="s1",stage="sent",target="pg-a"} 0.0
        pg_replication_lag_bytes{application_name="s1",stage="write",target="pg-a"} 0.0
        # TYPE pg_replication_lag_seconds gauge
        pg_replication_lag_seconds{application_name="s1",stage="flush",target="pg-a"} 0.0
        pg_replication_lag_seconds{application_name="s1",stage="replay",target="pg-a"} 0.0
        pg_replication_lag_seconds{application_name="s1",stage="write",target="pg-a"} 0.0
        # TYPE pg_replication_last_reply_timestamp_seconds gauge
        pg_replication_last_reply_timestamp_seconds{application_name="s1",target="pg-a"} 1.73568959925E9
        # TYPE pg_replication_logical_senders_connected gauge
        pg_replication_logical_senders_connected{target="pg-a"} 0.0
        # TYPE pg_replication_standby_info gauge
        pg_replication_standby_info{application_name="s1",client_addr="10.0.0.2",state="streaming",sync_state="async",target="pg-a"} 1
        # TYPE pg_replication_standbys_connected gauge
        pg_replication_standbys_connected{target="pg-a"} 1.0
        # TYPE pg_replication_sync_priority gauge
        pg_replication_sync_priority{application_name="s1",target="pg-a"} 0.0
        """, expose("replication", PgReplication.map(List.of(r))));
  }

  @Test
  void catchupStandbyWithNullLagHasNoLagSeconds() throws Exception {
    Row r = walsender("s2", 102, "10.0.0.3", "catchup", "async", 0, 0.0, 8192.0, 16384.0, 24576.0,
        null, null, null, null);
    assertEquals("""
        # TYPE pg_replication_lag_bytes gauge
        pg_replication_lag_bytes{application_name="s2",stage="flush",target="pg-a"} 16384.0
        pg_replication_lag_bytes{application_name="s2",stage="replay",target="pg-a"} 24576.0
        pg_replication_lag_bytes{application_name="s2",stage="sent",target="pg-a"} 0.0
        pg_replication_lag_bytes{application_name="s2",stage="write",target="pg-a"} 8192.0
        # TYPE pg_replication_logical_senders_connected gauge
        pg_replication_logical_senders_connected{target="pg-a"} 0.0
        # TYPE pg_replication_standby_info gauge
        pg_replication_standby_info{application_name="s2",client_addr="10.0.0.3",state="catchup",sync_state="async",target="pg-a"} 1
        # TYPE pg_replication_standbys_connected gauge
        pg_replication_standbys_connected{target="pg-a"} 1.0
        # TYPE pg_replication_sync_priority gauge
        pg_replication_sync_priority{application_name="s2",target="pg-a"} 0.0
        """, expose("replication", PgReplication.map(List.of(r))));
  }

  @Test
  void rowHiddenByPrivilegeGivesOnlyInfo() throws Exception {
    // Without pg_read_all_stats every walsender column but pid is NULL; client_addr is coalesced.
    Row r = walsender("s3", 103, "local", null, null, null, null, null, null, null,
        null, null, null, null);
    assertEquals("""
        # TYPE pg_replication_logical_senders_connected gauge
        pg_replication_logical_senders_connected{target="pg-a"} 0.0
        # TYPE pg_replication_standby_info gauge
        pg_replication_standby_info{application_name="s3",client_addr="local",state="",sync_state="",target="pg-a"} 1
        # TYPE pg_replication_standbys_connected gauge
        pg_replication_standbys_connected{target="pg-a"} 1.0
        """, expose("replication", PgReplication.map(List.of(r))));
  }

  @Test
  void sharedApplicationNameGetsPidSuffix() throws Exception {
    List<Row> rows = List.of(
        walsender("walreceiver", 201, "10.0.0.4", "streaming", "async", 0, 0.0, 0.0, 0.0, 0.0,
            0.5, 0.75, 1.25, null),
        walsender("walreceiver", 202, "10.0.0.5", "streaming", "async", 0, 0.0, 0.0, 0.0, 0.0,
            null, null, null, null));
    String text = expose("replication", PgReplication.map(rows));
    assertEquals("""
        # TYPE pg_replication_lag_seconds gauge
        pg_replication_lag_seconds{application_name="walreceiver",stage="flush",target="pg-a"} 0.75
        pg_replication_lag_seconds{application_name="walreceiver",stage="replay",target="pg-a"} 1.25
        pg_replication_lag_seconds{application_name="walreceiver",stage="write",target="pg-a"} 0.5
        pg_replication_lag_seconds{application_name="walreceiver#202",stage="flush",target="pg-a"} 0.0
        pg_replication_lag_seconds{application_name="walreceiver#202",stage="replay",target="pg-a"} 0.0
        pg_replication_lag_seconds{application_name="walreceiver#202",stage="write",target="pg-a"} 0.0
        # TYPE pg_replication_standby_info gauge
        pg_replication_standby_info{application_name="walreceiver",client_addr="10.0.0.4",state="streaming",sync_state="async",target="pg-a"} 1
        pg_replication_standby_info{application_name="walreceiver#202",client_addr="10.0.0.5",state="streaming",sync_state="async",target="pg-a"} 1
        # TYPE pg_replication_standbys_connected gauge
        pg_replication_standbys_connected{target="pg-a"} 2.0
        """, Exposition.only(text, "pg_replication_lag_seconds", "pg_replication_standby"));
  }

  @Test
  void noStandbysStillSaysZeroConnected() throws Exception {
    assertEquals("""
        # TYPE pg_replication_logical_senders_connected gauge
        pg_replication_logical_senders_connected{target="pg-a"} 0.0
        # TYPE pg_replication_standbys_connected gauge
        pg_replication_standbys_connected{target="pg-a"} 0.0
        """, expose("replication", PgReplication.map(List.of())));
  }

  // ---- synchronous_standby_names vs candidates

  private static Row sync(String names, String commit, long candidates, long waiting) {
    return row("names", names, "synchronous_commit", commit, "candidates", candidates,
        "hidden", 0L, "waiting", waiting, "overrides", null);
  }

  @Test
  void numericStandbyNamesAreAPriorityListOfOne() throws Exception {
    // '1, 2' is legal (standby_name: NAME | NUM): FIRST 1 of standbys named 1 and 2
    String out = expose("sync_replication", PgSyncReplication.map(sync("1, 2", "on", 0, 0)));
    assertEquals("pg_replication_sync_standbys_required{target=\"pg-a\"} 1.0\n",
        Exposition.only(out, "pg_replication_sync_standbys_required{"));
    assertEquals("pg_replication_commits_would_block{target=\"pg-a\"} 1.0\n",
        Exposition.only(out, "pg_replication_commits_would_block{"));
  }

  @Test
  void synchronousCommitOverridesOfRolesAndDatabasesAreListed() throws Exception {
    Row r = row("names", "FIRST 1 (s1)", "synchronous_commit", "on", "candidates", 1L, "hidden", 0L,
        "waiting", 0L, "overrides", "[[\"\", \"batch\", \"LOCAL\"], [\"app\", \"\", \"false\"], "
            + "[\"app\", \"etl\", \"remote_apply\"]]");
    assertEquals("""
        pg_replication_sync_commit_override_info{database="",role="batch",synchronous_commit="local",target="pg-a"} 1
        pg_replication_sync_commit_override_info{database="app",role="",synchronous_commit="off",target="pg-a"} 1
        pg_replication_sync_commit_override_info{database="app",role="etl",synchronous_commit="remote_apply",target="pg-a"} 1
        """, Exposition.only(expose("sync_replication", PgSyncReplication.map(r)),
        "pg_replication_sync_commit_override_info{"));
  }

  @Test
  void firstTwoWithOneCandidateBlocks() throws Exception {
    assertEquals("""
        # TYPE pg_replication_commits_would_block gauge
        pg_replication_commits_would_block{target="pg-a"} 1.0
        # TYPE pg_replication_sync_config_info gauge
        pg_replication_sync_config_info{method="first",synchronous_commit="on",target="pg-a"} 1
        # TYPE pg_replication_sync_standbys_connected gauge
        pg_replication_sync_standbys_connected{target="pg-a"} 1.0
        # TYPE pg_replication_sync_standbys_required gauge
        pg_replication_sync_standbys_required{target="pg-a"} 2.0
        # TYPE pg_replication_syncrep_waiting_sessions gauge
        pg_replication_syncrep_waiting_sessions{target="pg-a"} 2.0
        """, expose("sync_replication", PgSyncReplication.map(sync("FIRST 2 (a,b)", "on", 1, 2))));
  }

  @Test
  void synchronousCommitLocalDoesNotBlock() throws Exception {
    assertEquals("""
        # TYPE pg_replication_commits_would_block gauge
        pg_replication_commits_would_block{target="pg-a"} 0.0
        # TYPE pg_replication_sync_config_info gauge
        pg_replication_sync_config_info{method="first",synchronous_commit="local",target="pg-a"} 1
        # TYPE pg_replication_sync_standbys_connected gauge
        pg_replication_sync_standbys_connected{target="pg-a"} 1.0
        # TYPE pg_replication_sync_standbys_required gauge
        pg_replication_sync_standbys_required{target="pg-a"} 2.0
        # TYPE pg_replication_syncrep_waiting_sessions gauge
        pg_replication_syncrep_waiting_sessions{target="pg-a"} 0.0
        """, expose("sync_replication", PgSyncReplication.map(sync("FIRST 2 (a,b)", "local", 1, 0))));
  }

  @Test
  void anyOneWithOneCandidateDoesNotBlock() throws Exception {
    assertEquals("""
        # TYPE pg_replication_commits_would_block gauge
        pg_replication_commits_would_block{target="pg-a"} 0.0
        # TYPE pg_replication_sync_config_info gauge
        pg_replication_sync_config_info{method="any",synchronous_commit="on",target="pg-a"} 1
        # TYPE pg_replication_sync_standbys_connected gauge
        pg_replication_sync_standbys_connected{target="pg-a"} 1.0
        # TYPE pg_replication_sync_standbys_required gauge
        pg_replication_sync_standbys_required{target="pg-a"} 1.0
        # TYPE pg_replication_syncrep_waiting_sessions gauge
        pg_replication_syncrep_waiting_sessions{target="pg-a"} 0.0
        """, expose("sync_replication", PgSyncReplication.map(sync("ANY 1 (a, b)", "on", 1, 0))));
  }

  @Test
  void emptySettingRequiresNone() throws Exception {
    assertEquals("""
        # TYPE pg_replication_commits_would_block gauge
        pg_replication_commits_would_block{target="pg-a"} 0.0
        # TYPE pg_replication_sync_config_info gauge
        pg_replication_sync_config_info{method="off",synchronous_commit="on",target="pg-a"} 1
        # TYPE pg_replication_sync_standbys_connected gauge
        pg_replication_sync_standbys_connected{target="pg-a"} 0.0
        # TYPE pg_replication_sync_standbys_required gauge
        pg_replication_sync_standbys_required{target="pg-a"} 0.0
        # TYPE pg_replication_syncrep_waiting_sessions gauge
        pg_replication_syncrep_waiting_sessions{target="pg-a"} 0.0
        """, expose("sync_replication", PgSyncReplication.map(sync("", "on", 0, 0))));
  }

  @Test
  void wouldBlockFollowsCandidatesAndCommitLevel() throws Exception {
    String block = "pg_replication_commits_would_block";
    assertEquals(block + "{target=\"pg-a\"} 1.0\n", Exposition.only(
        expose("sync_replication", PgSyncReplication.map(sync("ANY 2 (a, b, c)", "remote_apply", 1, 0))), block + "{"));
    assertEquals(block + "{target=\"pg-a\"} 1.0\n", Exposition.only(
        expose("sync_replication", PgSyncReplication.map(sync("s1", "remote_write", 0, 0))), block + "{"));
    assertEquals(block + "{target=\"pg-a\"} 0.0\n", Exposition.only(
        expose("sync_replication", PgSyncReplication.map(sync("FIRST 2 (a, b)", "on", 2, 0))), block + "{"));
    assertEquals(block + "{target=\"pg-a\"} 0.0\n", Exposition.only(
        expose("sync_replication", PgSyncReplication.map(sync("FIRST 2 (a, b)", "off", 0, 0))), block + "{"));
  }

  // ---- the standby's own view

  private static Row receiver(Double receive, Double replayLag, Double replayDelay, Double lastReplay,
      Boolean paused, String status, String host, String port, String slot, Double upstreamLag,
      Double lastMessage) {
    return row("receive_lsn", receive, "replay_lag", replayLag, "replay_delay", replayDelay,
        "last_replay", lastReplay, "paused", paused, "status", status, "sender_host", host,
        "sender_port", port, "slot_name", slot, "upstream_lag", upstreamLag, "last_message", lastMessage);
  }

  @Test
  void archiveOnlyRecoveryHasNoReceiverOrReceivePosition() throws Exception {
    Row r = receiver(null, null, 42.5, 1735689557.5, false, null, null, null, null, null, null);
    assertEquals("""
        # TYPE pg_standby_last_replay_timestamp_seconds gauge
        pg_standby_last_replay_timestamp_seconds{target="pg-a"} 1.7356895575E9
        # TYPE pg_standby_replay_delay_seconds gauge
        pg_standby_replay_delay_seconds{target="pg-a"} 42.5
        # TYPE pg_standby_replay_paused gauge
        pg_standby_replay_paused{target="pg-a"} 0.0
        # TYPE pg_standby_streaming gauge
        pg_standby_streaming{target="pg-a"} 0.0
        """, expose("standby", PgStandby.map(r)));
  }

  @Test
  void streamingStandbyWithPausedReplay() throws Exception {
    // received 7 segments + 4096 bytes = 7 * 16777216 + 4096
    Row r = receiver(117_444_608.0, 4096.0, 0.25, 1735689599.75, true, "streaming", "10.0.0.1",
        "5432", "s1", 8192.0, 1735689599.5);
    assertEquals("""
        # TYPE pg_standby_last_message_receipt_timestamp_seconds gauge
        pg_standby_last_message_receipt_timestamp_seconds{target="pg-a"} 1.7356895995E9
        # TYPE pg_standby_last_replay_timestamp_seconds gauge
        pg_standby_last_replay_timestamp_seconds{target="pg-a"} 1.73568959975E9
        # TYPE pg_standby_receive_lsn_bytes gauge
        pg_standby_receive_lsn_bytes{target="pg-a"} 1.17444608E8
        # TYPE pg_standby_replay_delay_seconds gauge
        pg_standby_replay_delay_seconds{target="pg-a"} 0.25
        # TYPE pg_standby_replay_lag_bytes gauge
        pg_standby_replay_lag_bytes{target="pg-a"} 4096.0
        # TYPE pg_standby_replay_paused gauge
        pg_standby_replay_paused{target="pg-a"} 1.0
        # TYPE pg_standby_streaming gauge
        pg_standby_streaming{target="pg-a"} 1.0
        # TYPE pg_standby_upstream_lag_bytes gauge
        pg_standby_upstream_lag_bytes{target="pg-a"} 8192.0
        # TYPE pg_standby_wal_receiver_info gauge
        pg_standby_wal_receiver_info{sender_host="10.0.0.1",sender_port="5432",slot_name="s1",status="streaming",target="pg-a"} 1
        """, expose("standby", PgStandby.map(r)));
  }

  // ---- archiver

  /** 12 segments + 4096 bytes into timeline 1: 12 * 16777216 + 4096. */
  private static final double CURRENT = 201_330_688.0;

  private static Row archiverStats(long archived, long failed, Double lastArchived, Double lastFailed,
      String mode, boolean inRecovery, Double current) {
    return row("archived_count", archived, "failed_count", failed,
        "last_archived_time", lastArchived, "last_failed_time", lastFailed,
        "archive_mode", mode, "in_recovery", inRecovery, "segment_size", SEG, "current_lsn", current);
  }

  private static Optional<Row> ready(long files, String oldest, Double oldestModified) {
    return Optional.of(row("ready_files", files, "oldest_segment", oldest, "oldest_modified", oldestModified));
  }

  @Test
  void readyBacklogCountsFromTheOldestReadySegment() throws Exception {
    Row stats = archiverStats(5, 0, 1735689000.0, null, "on", false, CURRENT);
    // unarchived = current - start of segment 0xA = 201330688 - 10 * 16777216 = 33558528
    assertEquals("""
        # TYPE pg_archiver_archived_total counter
        pg_archiver_archived_total{target="pg-a"} 5.0
        # TYPE pg_archiver_enabled gauge
        pg_archiver_enabled{target="pg-a"} 1.0
        # TYPE pg_archiver_failed_total counter
        pg_archiver_failed_total{target="pg-a"} 0.0
        # TYPE pg_archiver_failing gauge
        pg_archiver_failing{target="pg-a"} 0.0
        # TYPE pg_archiver_last_archived_timestamp_seconds gauge
        pg_archiver_last_archived_timestamp_seconds{target="pg-a"} 1.735689E9
        # TYPE pg_archiver_oldest_ready_timestamp_seconds gauge
        pg_archiver_oldest_ready_timestamp_seconds{target="pg-a"} 1.7356891E9
        # TYPE pg_archiver_ready_files gauge
        pg_archiver_ready_files{target="pg-a"} 3.0
        # TYPE pg_archiver_unarchived_bytes gauge
        pg_archiver_unarchived_bytes{target="pg-a"} 3.3558528E7
        """, expose("archiver", PgArchiver.map(stats,
            ready(3, "00000001000000000000000A.ready", 1735689100.0))));
  }

  @Test
  void noBacklogCountsFromTheStartOfTheCurrentSegment() throws Exception {
    Row stats = archiverStats(5, 0, 1735689000.0, null, "on", false, CURRENT);
    // unarchived = current - 12 * 16777216 = 4096
    assertEquals("""
        # TYPE pg_archiver_ready_files gauge
        pg_archiver_ready_files{target="pg-a"} 0.0
        # TYPE pg_archiver_unarchived_bytes gauge
        pg_archiver_unarchived_bytes{target="pg-a"} 4096.0
        """, Exposition.only(expose("archiver", PgArchiver.map(stats, ready(0, null, null))),
            "pg_archiver_ready", "pg_archiver_unarchived", "pg_archiver_oldest"));
  }

  @Test
  void standbyWithArchiveModeOnDoesNotArchive() throws Exception {
    Row stats = archiverStats(5, 0, 1735689000.0, null, "on", true, null);
    assertEquals("""
        # TYPE pg_archiver_archived_total counter
        pg_archiver_archived_total{target="pg-a"} 5.0
        # TYPE pg_archiver_enabled gauge
        pg_archiver_enabled{target="pg-a"} 0.0
        # TYPE pg_archiver_failed_total counter
        pg_archiver_failed_total{target="pg-a"} 0.0
        # TYPE pg_archiver_failing gauge
        pg_archiver_failing{target="pg-a"} 0.0
        # TYPE pg_archiver_last_archived_timestamp_seconds gauge
        pg_archiver_last_archived_timestamp_seconds{target="pg-a"} 1.735689E9
        """, expose("archiver", PgArchiver.map(stats,
            ready(3, "00000001000000000000000A.ready", 1735689100.0))));
  }

  @Test
  void standbyWithArchiveModeAlwaysShowsBacklogButNoBytes() throws Exception {
    // A standby has no current write position, so unarchived bytes cannot be derived.
    Row stats = archiverStats(5, 0, 1735689000.0, null, "always", true, null);
    assertEquals("""
        # TYPE pg_archiver_enabled gauge
        pg_archiver_enabled{target="pg-a"} 1.0
        # TYPE pg_archiver_ready_files gauge
        pg_archiver_ready_files{target="pg-a"} 1.0
        """, Exposition.only(expose("archiver", PgArchiver.map(stats,
            ready(1, "00000001000000000000000A.ready", 1735689100.0))),
            "pg_archiver_enabled", "pg_archiver_ready", "pg_archiver_unarchived"));
  }

  @Test
  void lastFailureAfterLastSuccessIsFailing() throws Exception {
    Row stats = archiverStats(5, 3, 1735689000.0, 1735689060.0, "on", false, CURRENT);
    // unarchived = current - 11 * 16777216 = 16781312
    assertEquals("""
        # TYPE pg_archiver_failed_total counter
        pg_archiver_failed_total{target="pg-a"} 3.0
        # TYPE pg_archiver_failing gauge
        pg_archiver_failing{target="pg-a"} 1.0
        # TYPE pg_archiver_last_archived_timestamp_seconds gauge
        pg_archiver_last_archived_timestamp_seconds{target="pg-a"} 1.735689E9
        # TYPE pg_archiver_last_failed_timestamp_seconds gauge
        pg_archiver_last_failed_timestamp_seconds{target="pg-a"} 1.73568906E9
        # TYPE pg_archiver_unarchived_bytes gauge
        pg_archiver_unarchived_bytes{target="pg-a"} 1.6781312E7
        """, Exposition.only(expose("archiver", PgArchiver.map(stats,
            ready(2, "00000001000000000000000B.ready", 1735689030.0))),
            "pg_archiver_fail", "pg_archiver_last", "pg_archiver_unarchived"));
  }

  @Test
  void failingIsDecidedByTimesNotCounts() throws Exception {
    String failing = "pg_archiver_failing{";
    // Failed before, archived since: recovered.
    assertEquals("pg_archiver_failing{target=\"pg-a\"} 0.0\n", Exposition.only(expose("archiver",
        PgArchiver.map(archiverStats(5, 3, 1735689060.0, 1735689000.0, "on", false, CURRENT),
            Optional.empty())), failing));
    // Never archived, failed once.
    assertEquals("pg_archiver_failing{target=\"pg-a\"} 1.0\n", Exposition.only(expose("archiver",
        PgArchiver.map(archiverStats(0, 1, null, 1735689000.0, "on", false, CURRENT),
            Optional.empty())), failing));
  }

  @Test
  void backlogUnreadableForTheRoleGivesOnlyStats() throws Exception {
    Row stats = archiverStats(5, 0, 1735689000.0, null, "on", false, CURRENT);
    assertEquals("", Exposition.only(expose("archiver", PgArchiver.map(stats, Optional.empty())),
        "pg_archiver_ready", "pg_archiver_unarchived", "pg_archiver_oldest"));
  }

  // ---- replication slots

  @Test
  void slotsOnPostgres13() throws Exception {
    // 13-15 shape: no conflicting, inactive_since or invalidation_reason columns.
    Row s1 = row("slot_name", "s1", "slot_type", "physical", "active", true, "wal_status", "reserved",
        "safe_wal_size", null, "retained_bytes", 16_777_216.0, "confirmed_flush_lag", null);
    assertEquals("""
        # TYPE pg_replication_slot_active gauge
        pg_replication_slot_active{slot_name="s1",slot_type="physical",target="pg-a"} 1.0
        # TYPE pg_replication_slot_retained_bytes gauge
        pg_replication_slot_retained_bytes{slot_name="s1",slot_type="physical",target="pg-a"} 1.6777216E7
        # TYPE pg_replication_slot_wal_status gauge
        pg_replication_slot_wal_status{slot_name="s1",slot_type="physical",target="pg-a",wal_status="extended"} 0.0
        pg_replication_slot_wal_status{slot_name="s1",slot_type="physical",target="pg-a",wal_status="lost"} 0.0
        pg_replication_slot_wal_status{slot_name="s1",slot_type="physical",target="pg-a",wal_status="reserved"} 1.0
        pg_replication_slot_wal_status{slot_name="s1",slot_type="physical",target="pg-a",wal_status="unreserved"} 0.0
        """, expose("replication_slots", PgReplicationSlots.map(List.of(s1))));
  }

  @Test
  void slotsOnPostgres17WithAnInvalidatedLogicalSlot() throws Exception {
    Row s1 = row("slot_name", "s1", "slot_type", "physical", "active", true, "wal_status", "reserved",
        "safe_wal_size", 1_073_741_824.0, "retained_bytes", 0.0, "confirmed_flush_lag", null,
        "conflicting", null, "invalidation_reason", null, "inactive_since", null);
    // wal_removed: restart_lsn is gone (retained NULL); conflicting is false, it is not a recovery conflict.
    Row sub1 = row("slot_name", "sub1", "slot_type", "logical", "active", false, "wal_status", "lost",
        "safe_wal_size", null, "retained_bytes", null, "confirmed_flush_lag", 50_331_648.0,
        "conflicting", false, "invalidation_reason", "wal_removed", "inactive_since", 1735689300.0);
    assertEquals("""
        # TYPE pg_replication_slot_active gauge
        pg_replication_slot_active{slot_name="s1",slot_type="physical",target="pg-a"} 1.0
        pg_replication_slot_active{slot_name="sub1",slot_type="logical",target="pg-a"} 0.0
        # TYPE pg_replication_slot_confirmed_flush_lag_bytes gauge
        pg_replication_slot_confirmed_flush_lag_bytes{slot_name="sub1",slot_type="logical",target="pg-a"} 5.0331648E7
        # TYPE pg_replication_slot_conflicting gauge
        pg_replication_slot_conflicting{slot_name="sub1",slot_type="logical",target="pg-a"} 0.0
        # TYPE pg_replication_slot_inactive_since_timestamp_seconds gauge
        pg_replication_slot_inactive_since_timestamp_seconds{slot_name="sub1",slot_type="logical",target="pg-a"} 1.7356893E9
        # TYPE pg_replication_slot_invalidation_info gauge
        pg_replication_slot_invalidation_info{reason="wal_removed",slot_name="sub1",slot_type="logical",target="pg-a"} 1
        # TYPE pg_replication_slot_retained_bytes gauge
        pg_replication_slot_retained_bytes{slot_name="s1",slot_type="physical",target="pg-a"} 0.0
        # TYPE pg_replication_slot_safe_wal_size_bytes gauge
        pg_replication_slot_safe_wal_size_bytes{slot_name="s1",slot_type="physical",target="pg-a"} 1.073741824E9
        # TYPE pg_replication_slot_wal_status gauge
        pg_replication_slot_wal_status{slot_name="s1",slot_type="physical",target="pg-a",wal_status="extended"} 0.0
        pg_replication_slot_wal_status{slot_name="s1",slot_type="physical",target="pg-a",wal_status="lost"} 0.0
        pg_replication_slot_wal_status{slot_name="s1",slot_type="physical",target="pg-a",wal_status="reserved"} 1.0
        pg_replication_slot_wal_status{slot_name="s1",slot_type="physical",target="pg-a",wal_status="unreserved"} 0.0
        pg_replication_slot_wal_status{slot_name="sub1",slot_type="logical",target="pg-a",wal_status="extended"} 0.0
        pg_replication_slot_wal_status{slot_name="sub1",slot_type="logical",target="pg-a",wal_status="lost"} 1.0
        pg_replication_slot_wal_status{slot_name="sub1",slot_type="logical",target="pg-a",wal_status="reserved"} 0.0
        pg_replication_slot_wal_status{slot_name="sub1",slot_type="logical",target="pg-a",wal_status="unreserved"} 0.0
        """, expose("replication_slots", PgReplicationSlots.map(List.of(s1, sub1))));
  }
}
