package io.drwatch.monitoring;

import io.drwatch.monitoring.DashboardBuilder.Panel;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * The source of dashboards/*.json and dashboards/manifest.yml. Thresholds are the alert rules'
 * numbers. Regenerate with {@code ./mvnw -o test -Dtest=DashboardsTest -Ddrwatch.regenerate=true};
 * DashboardsTest fails when the committed files differ from what this produces.
 */
final class DrwatchDashboards {

  private DrwatchDashboards() {}

  static final String T = "target=~\"$target\"";
  /** Restricts per-target series (which carry no cluster label) to the selected clusters. */
  static final String IN_CLUSTER = " and on (target) drwatch_target_up{cluster=~\"$cluster\"}";

  static final String CLUSTER_VIEW = "cluster view";
  static final String PGBACKREST = "pgBackRest collector";

  // Alert thresholds (alerts/*.rules.yml), so panels and rules agree.
  static final double LAG_BYTES = 268435456; // PostgresReplicationLagBytesHigh, 256 MiB
  static final double LAG_SECONDS = 60; // PostgresReplicationLagSecondsHigh
  static final double SLOT_RETAINED = 4294967296d; // PostgresReplicationSlotRetainedWalHigh, 4 GiB
  static final double SAFE_WAL_RATIO = 0.2; // PostgresReplicationSlotSafeWalSizeLow
  static final double READY_FILES = 10; // PostgresArchiveBacklogHigh
  static final double READY_AGE = 600; // PostgresArchiveReadyTooOld
  static final double UNARCHIVED = 1073741824; // PostgresUnarchivedWalHigh, 1 GiB
  static final double COLLECTOR_AGE = 600; // DrwatchCollectorDataStale
  static final double BACKUP_AGE = 36 * 3600; // PgbackrestBackupTooOld, CockroachBackupStale
  static final double CLOCK_OFFSET = 0.25; // CockroachClockOffsetHigh
  static final double FULL_BACKUP_AGE = 8 * 86400; // PgbackrestFullBackupTooOld
  static final double LONG_XACT = 3600; // PostgresLongRunningTransaction
  static final double IDLE_IN_XACT = 900; // PostgresIdleInTransactionTooLong
  static final double LOCK_WAIT = 300; // PostgresBlockedSessions
  static final double WRAPAROUND_HEADROOM = 500000000; // PostgresTransactionIdWraparoundRisk
  static final double FREEZE_BEHIND = 2; // PostgresFreezingBehind: 2 × autovacuum_freeze_max_age

  static List<DashboardBuilder> all() {
    return List.of(overview(), replication(), archiving(), agent(), queryPerformance(), cockroach(), patroni());
  }

  // ---- DR overview ----------------------------------------------------------------------

  static DashboardBuilder overview() {
    DashboardBuilder d = new DashboardBuilder("drwatch-dr-overview", "drwatch / DR overview",
        "One row per cluster: who is primary, what a failover would lose and take, whether commits "
            + "can complete, and how fresh the archive and backups are.").clusterOnly();
    d.row("Cluster $cluster").repeat("cluster");
    d.table("Role map", "Every member of the cluster: reachable or not, its role and version as "
            + "last detected, and its timeline. A target that is down keeps only its Up column.")
        .q("max by (target) (drwatch_target_up{cluster=~\"$cluster\"})")
        .q("max by (target, role, version) (drwatch_target_info{cluster=~\"$cluster\"})")
        .q("max by (target) (pg_timeline_id" + IN_CLUSTER + ")")
        .hide("Value #B").unit("none").size(10, 7);
    d.stat("Primaries", "Reachable PostgreSQL servers not in recovery, as the cluster view counts "
            + "them (drwatch_cluster_primaries). 1 is healthy; 0 means no writable member "
            + "(DrwatchClusterNoPrimary), more than 1 is split brain (DrwatchClusterSplitBrain). "
            + "Empty for a CockroachDB cluster, where every live node takes writes.")
        .q("max(drwatch_cluster_primaries{cluster=~\"$cluster\"})", "primaries")
        .unit("none").thresholds("red", 1, "green", 2, "red").size(3, 7);
    d.stat("Targets down", "Members drwatch cannot connect to (DrwatchTargetDown after 2m).")
        .q("count(drwatch_target_up{cluster=~\"$cluster\"} == 0) or vector(0)", "down")
        .unit("none").thresholds("green", 1, "red").size(3, 7);
    d.stat("Commits would block", "1 when synchronous_standby_names requires more synchronous "
            + "standbys than qualify: commits hang (PostgresCommitsWouldBlock).")
        .q("max(pg_replication_commits_would_block" + IN_CLUSTER + ")", "would block")
        .map(0, "no", "green").map(1, "BLOCKING", "red")
        .unit("none").thresholds("green", 1, "red").size(4, 7);
    d.stat("Sync standbys", "Synchronous standbys connected and qualifying, against the number "
            + "synchronous_standby_names requires.")
        .q("sum(pg_replication_sync_standbys_connected" + IN_CLUSTER + ")", "connected")
        .q("sum(pg_replication_sync_standbys_required" + IN_CLUSTER + ")", "required")
        .unit("none").size(4, 7);
    d.stat("RPO estimate vs objective", "Seconds of committed writes a failover would lose from "
            + "the best healthy layer (replica, archive, backup), against the cluster's rpo-objective "
            + "(DrwatchClusterRpoOverObjective); Infinity when no layer is usable "
            + "(DrwatchClusterUnprotected).")
        .q("min(drwatch_cluster_rpo_effective_seconds{cluster=~\"$cluster\"})", "RPO estimate")
        .q("max(drwatch_cluster_rpo_objective_seconds{cluster=~\"$cluster\"})", "objective")
        .unit("s").size(4, 5);
    d.stat("RTO estimate vs objective", "Seconds the best standby needs to catch up and be "
            + "promoted, against the cluster's rto-objective (DrwatchClusterRtoOverObjective).")
        .q("max(drwatch_cluster_rto_estimate_seconds{cluster=~\"$cluster\"})", "RTO estimate")
        .q("max(drwatch_cluster_rto_objective_seconds{cluster=~\"$cluster\"})", "objective")
        .unit("s").size(4, 5);
    d.table("Promotion answers", "Per standby: what promoting it now would lose (WAL the writer "
            + "had that it lacks, and the same as time of commits) and how long it needs to replay "
            + "what it holds. Candidate 1 marks the standby to promote (least loss, then fastest "
            + "catch-up, never a delayed one). With the writer gone these are lower bounds against "
            + "its last seen position (DrwatchClusterNoPrimary names the candidate).")
        .q("max by (target) (drwatch_standby_promotion_loss_bytes{cluster=~\"$cluster\"})")
        .q("max by (target) (drwatch_standby_promotion_loss_seconds{cluster=~\"$cluster\"})")
        .q("max by (target) (drwatch_standby_promotion_catchup_seconds{cluster=~\"$cluster\"})")
        .q("max by (target) (drwatch_cluster_best_promotion_candidate_info{cluster=~\"$cluster\"})")
        .unit("none").size(12, 6);
    d.stat("Writer last seen", "How long ago the agent last read the writer's WAL position. While "
            + "the primary answers this stays within one probe interval; after it is gone, it is "
            + "how long its last writes have been unknown, and promotion losses are lower bounds.")
        .q("time() - max(drwatch_cluster_writer_last_seen_timestamp_seconds{cluster=~\"$cluster\"})", "age")
        .unit("s").thresholds("green", 60, "orange").size(4, 6);
    d.stat("Losses are lower bounds", "1 while no writer is reachable: the replica layer and the "
            + "promotion losses are measured against the writer's last seen position.")
        .q("max(drwatch_cluster_rpo_estimate_lower_bound{cluster=~\"$cluster\"})", "lower bound")
        .map(0, "no: writer answers", "green").map(1, "YES: writer gone", "red")
        .unit("none").thresholds("green", 1, "red").size(4, 6);
    d.timeseries("Data at risk by layer", "The cluster view's RPO estimate per layer (replica, "
            + "archive, backup) in bytes: what losing the primary now would lose if only that layer "
            + "were left.")
        .q("max by (layer) (drwatch_cluster_rpo_estimate_bytes{cluster=~\"$cluster\"})", "{{layer}}")
        .unit("bytes").min(0).size(8, 5);
    d.stat("Worst replay lag", "The largest replay lag of any standby, in seconds "
            + "(PostgresReplicationLagSecondsHigh above 1m).")
        .q("max(pg_replication_lag_seconds{stage=\"replay\"}" + IN_CLUSTER + ")", "lag")
        .unit("s").thresholds("green", LAG_SECONDS, "orange").size(4, 5);
    d.stat("Worst replay lag (bytes)", "The largest WAL distance any standby has not replayed "
            + "(PostgresReplicationLagBytesHigh above 256 MiB).")
        .q("max(pg_replication_lag_bytes{stage=\"replay\"}" + IN_CLUSTER + ")", "lag")
        .unit("bytes").thresholds("green", LAG_BYTES, "orange").size(4, 5);
    d.stat("Oldest unarchived WAL", "How long the oldest .ready WAL file has waited for "
            + "archive_command; 0 when nothing waits (PostgresArchiveReadyTooOld above 10m).")
        .q("max((time() - pg_archiver_oldest_ready_timestamp_seconds or pg_archiver_ready_files * 0)"
            + IN_CLUSTER + ")", "age")
        .unit("s").thresholds("green", READY_AGE, "orange").size(4, 5);
    d.stat("Archiver failing", "1 while archive_command fails and nothing was archived since "
            + "(PostgresArchiverFailing).")
        .q("max(pg_archiver_failing" + IN_CLUSTER + ")", "failing")
        .map(0, "ok", "green").map(1, "FAILING", "red")
        .unit("none").thresholds("green", 1, "red").size(4, 5);
    d.stat("Last backup age", "Time since the newest good backup of any type: pgBackRest for "
            + "PostgreSQL (PgbackrestBackupTooOld above 36h), backup schedules for CockroachDB "
            + "(CockroachBackupStale above 36h).")
        .q("time() - max(pgbackrest_backup_last_completion_timestamp_seconds" + IN_CLUSTER
            + " or crdb_backup_schedule_last_success_timestamp_seconds" + IN_CLUSTER + ")", "any type")
        .unit("s").thresholds("green", BACKUP_AGE, "orange").size(4, 5);
    d.stat("Last full backup age", "Time since the newest good full pgBackRest backup "
            + "(PgbackrestFullBackupTooOld above 8 days).")
        .q("time() - max(pgbackrest_backup_last_completion_timestamp_seconds{type=\"full\"}" + IN_CLUSTER + ")", "full")
        .unit("s").thresholds("green", FULL_BACKUP_AGE, "orange").size(4, 5);
    d.stat("CockroachDB nodes not live", "Dead or suspect nodes of a CockroachDB cluster, the "
            + "most any of its targets sees (CockroachNodeNotLive after 5m). Empty for PostgreSQL.")
        .q("max(sum by (target) (crdb_liveness_nodes{status=~\"dead|suspect\"})" + IN_CLUSTER + ")", "not live")
        .unit("none").thresholds("green", 1, "red").size(4, 5);
    d.stat("CockroachDB unavailable ranges", "Ranges without a quorum of live replicas, summed "
            + "over stores, the most any target sees (CockroachRangesUnavailable above 0). Empty "
            + "for PostgreSQL.")
        .q("max(sum by (target) (crdb_store_ranges_unavailable)" + IN_CLUSTER + ")", "unavailable")
        .unit("none").thresholds("green", 1, "red").size(4, 5);
    d.stat("Timeline changes", "Timeline increases seen on any member within the dashboard's "
            + "time range: each is a promotion.")
        .q("max(changes(pg_timeline_id[$__range])" + IN_CLUSTER + ") or vector(0)", "changes")
        .unit("none").thresholds("green", 1, "orange").size(4, 5);
    d.stat("Failovers", "Failovers drwatch observed in the cluster within the dashboard's time "
            + "range (DrwatchClusterFailoverHappened).")
        .q("sum(increase(drwatch_cluster_failovers_total{cluster=~\"$cluster\"}[$__range]))", "failovers")
        .unit("none").thresholds("green", 1, "orange").size(4, 5);
    String ofCluster = " and on (endpoint) drwatch_endpoint_info{cluster=~\"$cluster\"}";
    String noLiveEndpoint = "the live test's agent watches members only; EndpointFailoverIT drives endpoints "
        + "through dnsmasq and HAProxy";
    d.table("Endpoints", "The addresses applications use (docs/endpoints.md), probed as a client would: "
            + "up, writable, whether they reach the member the cluster calls primary, and the member "
            + "that answered. A writer that does not take writes pages (DrwatchEndpointWriterReadOnly); "
            + "one writable but not on the primary too (DrwatchEndpointWriterNotPrimary).")
        .q("max by (endpoint, expect, via) (drwatch_endpoint_info{cluster=~\"$cluster\"})")
        .q("max by (endpoint) (drwatch_endpoint_up" + ofCluster + ")")
        .q("max by (endpoint) (drwatch_endpoint_writable" + ofCluster + ")")
        .q("max by (endpoint) (drwatch_endpoint_reaches_primary" + ofCluster + ")")
        .q("max by (endpoint, target) (drwatch_endpoint_member_info" + ofCluster + ")")
        .hide("Value #A", "Value #E").rename("Value #B", "Up").rename("Value #C", "Writable")
        .rename("Value #D", "On the primary").unit("none").pending(noLiveEndpoint).size(12, 6);
    d.table("Last failover as clients saw it", "Per writer endpoint, the last failover's phases: "
            + "detection (last write to first failed probe), promotion (to the promotion seen on a "
            + "member), propagation (to the endpoint reaching the new primary), first_write, total, "
            + "and jvm_dns_cache_extra (how much longer a JVM with the default 30 s DNS cache could "
            + "have kept the old address).")
        .q("max by (endpoint, phase) (drwatch_endpoint_failover_phase_seconds" + ofCluster + ")")
        .rename("Value", "Duration").unit("s").pending(noLiveEndpoint).size(8, 6);
    d.stat("Writer endpoints not writable", "Writer endpoints whose last probe reached a server that "
            + "refuses writes (DrwatchEndpointWriterReadOnly after 1m).")
        .q("count(drwatch_endpoint_writable == 0 and on (endpoint) drwatch_endpoint_info{expect=\"writer\","
            + "cluster=~\"$cluster\"}) or vector(0)", "not writable")
        .unit("none").thresholds("green", 1, "red").pending(noLiveEndpoint).size(4, 6);
    return d;
  }

  // ---- PostgreSQL replication & WAL -----------------------------------------------------

  static DashboardBuilder replication() {
    DashboardBuilder d = new DashboardBuilder("drwatch-postgres-replication",
        "drwatch / PostgreSQL replication & WAL",
        "Streaming replication per standby, the synchronous quorum, standby-side receive and "
            + "replay, replication slots and WAL generation.");
    d.row("Standbys seen from their upstream");
    d.table("Connected standbys", "pg_stat_replication on each upstream: one row per WAL sender "
            + "with its state and sync state.")
        .q("pg_replication_standby_info{" + T + "}").unit("none").hide("Value").size(24, 6);
    d.timeseries("Replay lag (bytes)", "WAL the standby has not replayed yet, per standby "
            + "(upstream → standby). The dashed line is PostgresReplicationLagBytesHigh (256 MiB).")
        .q("max by (target, application_name) (pg_replication_lag_bytes{" + T + ", stage=\"replay\"})",
            "{{target}} → {{application_name}}")
        .unit("bytes").min(0).thresholds("green", LAG_BYTES, "orange");
    d.timeseries("Replay lag (seconds)", "Time the standby's replay trails, from pg_stat_replication "
            + "(0 while caught up). The dashed line is PostgresReplicationLagSecondsHigh (1m).")
        .q("max by (target, application_name) (pg_replication_lag_seconds{" + T + ", stage=\"replay\"})",
            "{{target}} → {{application_name}}")
        .unit("s").min(0).thresholds("green", LAG_SECONDS, "orange");
    d.timeseries("Lag by stage", "Bytes behind at each stage: sent, written, flushed, replayed. "
            + "A gap between sent and flush is the network or the standby's disk; between flush and "
            + "replay it is replay.")
        .q("pg_replication_lag_bytes{" + T + "}", "{{target}} → {{application_name}} {{stage}}")
        .unit("bytes").min(0);
    d.timeseries("Time since last standby reply", "Seconds since each standby last reported its "
            + "position (every wal_receiver_status_interval, 10s by default).")
        .q("time() - pg_replication_last_reply_timestamp_seconds{" + T + "}", "{{target}} → {{application_name}}")
        .unit("s").min(0).size(12, 7);
    d.timeseries("WAL senders in use", "WAL sender processes (standbys, pg_basebackup) against "
            + "max_wal_senders: at the limit, a new or reconnecting standby is refused.")
        .q("pg_replication_standbys_connected{" + T + "}", "{{target}} connected")
        .q("pg_settings_max_wal_senders{" + T + "}", "{{target}} max_wal_senders")
        .unit("none").min(0).size(12, 7);
    d.row("Synchronous quorum");
    d.stat("Commits would block", "1 when fewer qualifying synchronous standbys are connected "
            + "than synchronous_standby_names requires: commits hang (PostgresCommitsWouldBlock).")
        .q("pg_replication_commits_would_block{" + T + "}", "{{target}}")
        .map(0, "no", "green").map(1, "BLOCKING", "red")
        .unit("none").thresholds("green", 1, "red").size(6, 6);
    d.timeseries("Sync standbys: connected vs required", "Qualifying synchronous candidates "
            + "connected, and the number synchronous_standby_names requires.")
        .q("pg_replication_sync_standbys_connected{" + T + "}", "{{target}} connected")
        .q("pg_replication_sync_standbys_required{" + T + "}", "{{target}} required")
        .unit("none").min(0).size(9, 6);
    d.timeseries("Sessions waiting for SyncRep", "Sessions waiting right now for a synchronous "
            + "standby to confirm their commit. Above 0 at every sample for 2m is "
            + "PostgresSyncRepWaiters.")
        .q("pg_replication_syncrep_waiting_sessions{" + T + "}", "{{target}}")
        .unit("none").min(0).thresholds("green", 1, "red").size(9, 6);
    d.row("Standbys");
    d.stat("WAL receiver streaming", "1 while the standby's WAL receiver streams from its "
            + "upstream (PostgresStandbyNotStreaming after 2m of 0).")
        .q("pg_standby_streaming{" + T + "}", "{{target}}")
        .map(0, "NOT STREAMING", "red").map(1, "streaming", "green")
        .unit("none").thresholds("red", 1, "green").size(6, 6);
    d.stat("Replay paused", "1 while WAL replay is paused (PostgresReplayPausedTooLong after 30m).")
        .q("pg_standby_replay_paused{" + T + "}", "{{target}}")
        .map(0, "replaying", "green").map(1, "PAUSED", "orange")
        .unit("none").thresholds("green", 1, "orange").size(6, 6);
    d.timeseries("Replay delay", "0 when all received WAL is replayed, else now minus the last "
            + "replayed commit's time.")
        .q("pg_standby_replay_delay_seconds{" + T + "}", "{{target}}").unit("s").min(0).size(6, 6);
    d.timeseries("Received, not replayed", "WAL the standby has received but not yet replayed.")
        .q("pg_standby_replay_lag_bytes{" + T + "}", "{{target}}").unit("bytes").min(0).size(6, 6);
    d.table("WAL receivers", "Each standby's WAL receiver: status, the upstream it streams "
            + "from, and the slot it uses.")
        .q("pg_standby_wal_receiver_info{" + T + "}").hide("Value").unit("none").size(12, 6);
    d.timeseries("Time since last message from upstream", "Seconds since the standby's WAL "
            + "receiver last heard from its upstream; grows while the connection is stalled.")
        .q("time() - pg_standby_last_message_receipt_timestamp_seconds{" + T + "}", "{{target}}")
        .unit("s").min(0).size(6, 6);
    d.stat("Configured apply delay", "recovery_min_apply_delay: a delayed standby lags by design; "
            + "expect its lag alerts and silence them for it.")
        .q("pg_settings_recovery_min_apply_delay_seconds{" + T + "} and on (target) pg_in_recovery == 1", "{{target}}")
        .unit("s").size(6, 6);
    d.row("Replication slots");
    d.timeseries("WAL retained by slots", "WAL kept in pg_wal for each slot. The dashed line is "
            + "PostgresReplicationSlotRetainedWalHigh (4 GiB).")
        .q("pg_replication_slot_retained_bytes{" + T + "}", "{{target}} {{slot_name}}")
        .unit("bytes").min(0).thresholds("green", SLOT_RETAINED, "orange");
    d.timeseries("Slot WAL allowance left", "safe_wal_size as a fraction of max_slot_wal_keep_size; "
            + "below 20% is PostgresReplicationSlotSafeWalSizeLow. Empty where "
            + "max_slot_wal_keep_size = -1 (unlimited, the PostgreSQL default).")
        .q("pg_replication_slot_safe_wal_size_bytes{" + T + "} / on (target) group_left () "
            + "(pg_settings_max_slot_wal_keep_size_bytes{" + T + "} > 0)", "{{target}} {{slot_name}}")
        .unit("percentunit").min(0).thresholds("red", SAFE_WAL_RATIO, "green");
    d.table("Slots", "Every slot with its type and wal_status (reserved, extended, unreserved, "
            + "lost), and whether a consumer is connected (Value: 1 active).")
        .q("max by (target, slot_name, slot_type, wal_status) (pg_replication_slot_wal_status{" + T + "} == 1)")
        .q("max by (target, slot_name, slot_type) (pg_replication_slot_active{" + T + "})")
        .hide("Value #A").unit("none").size(24, 6);
    d.row("WAL");
    d.timeseries("WAL generation", "Bytes of WAL written per second (primary) or replayed "
            + "(standby), from the WAL position.")
        .q("rate(pg_wal_lsn_bytes{" + T + "}[$__rate_interval])", "{{target}}").unit("binBps").min(0).size(8, 7);
    d.timeseries("Checkpoint age", "Seconds since the last checkpoint (restartpoint on a standby).")
        .q("time() - pg_checkpoint_last_timestamp_seconds{" + T + "}", "{{target}}").unit("s").min(0).size(8, 7);
    d.timeseries("WAL buffers full", "Times per second WAL was written because the WAL buffers "
            + "were full (PostgreSQL 14+); a steady rate suggests a larger wal_buffers.")
        .q("rate(pg_wal_buffers_full_total{" + T + "}[$__rate_interval])", "{{target}}").unit("ops").min(0).size(8, 7);
    d.timeseries("Timeline", "Current timeline per member; a step is a promotion.")
        .q("pg_timeline_id{" + T + "}", "{{target}}").unit("none").size(8, 6);
    d.timeseries("Server uptime", "Seconds since each server started; a drop to 0 is a restart.")
        .q("time() - pg_postmaster_start_time_seconds{" + T + "}", "{{target}}").unit("s").min(0).size(8, 6);
    d.stat("hot_standby_feedback", "Whether standbys ask the primary to keep row versions their "
            + "queries need (fewer replay conflicts, more bloat on the primary).")
        .q("pg_settings_hot_standby_feedback{" + T + "}", "{{target}}")
        .map(0, "off", "text").map(1, "on", "blue").unit("none").size(8, 6);
    d.table("DR settings", "wal_level, archive_mode, synchronous_commit and "
            + "synchronous_standby_names as each server reports them.")
        .q("pg_dr_settings_info{" + T + "}").hide("Value").unit("none").size(24, 6);
    return d;
  }

  // ---- Archiving & backups --------------------------------------------------------------

  static DashboardBuilder archiving() {
    DashboardBuilder d = new DashboardBuilder("drwatch-archiving-backups", "drwatch / Archiving & backups",
        "WAL archiving (what point-in-time recovery needs) and pgBackRest backups.");
    d.row("WAL archiving");
    d.stat("Archiver failing", "Per archiving server: 1 while archive_command fails and nothing "
            + "was archived since (PostgresArchiverFailing).")
        .q("pg_archiver_failing{" + T + "} and on (target) pg_archiver_enabled == 1", "{{target}}")
        .map(0, "ok", "green").map(1, "FAILING", "red")
        .unit("none").thresholds("green", 1, "red").size(8, 5);
    d.stat("Archiving enabled", "Whether each server archives WAL now (archive_mode on on a "
            + "primary, or always). A primary at 0 is PostgresArchivingDisabled.")
        .q("pg_archiver_enabled{" + T + "}", "{{target}}")
        .map(0, "off", "text").map(1, "on", "green").unit("none").size(8, 5);
    d.stat("archive_timeout", "Forced WAL switch interval: with 0 a quiet primary archives "
            + "nothing, so the age of the last archived file alone is not a failure.")
        .q("pg_settings_archive_timeout_seconds{" + T + "}", "{{target}}").unit("s").size(8, 5);
    d.timeseries("Archived and failed per second", "WAL files archived per second, and failed "
            + "attempts (each failing file is tried 3 times per round).")
        .q("rate(pg_archiver_archived_total{" + T + "}[$__rate_interval])", "{{target}} archived")
        .q("rate(pg_archiver_failed_total{" + T + "}[$__rate_interval])", "{{target}} failed")
        .unit("cps").min(0);
    d.timeseries(".ready backlog", ".ready files waiting in pg_wal/archive_status. The dashed "
            + "line is PostgresArchiveBacklogHigh (10).")
        .q("pg_archiver_ready_files{" + T + "}", "{{target}}").unit("none").min(0)
        .thresholds("green", READY_FILES, "orange");
    d.timeseries("Oldest unarchived WAL", "How long the oldest .ready file has waited; 0 when "
            + "nothing waits. The dashed line is PostgresArchiveReadyTooOld (10m).")
        .q("time() - pg_archiver_oldest_ready_timestamp_seconds{" + T + "} or pg_archiver_ready_files{"
            + T + "} * 0", "{{target}}")
        .unit("s").min(0).thresholds("green", READY_AGE, "orange");
    d.timeseries("Unarchived WAL", "WAL written but not archived yet (includes the segment in "
            + "progress). The dashed line is PostgresUnarchivedWalHigh (1 GiB).")
        .q("pg_archiver_unarchived_bytes{" + T + "}", "{{target}}").unit("bytes").min(0)
        .thresholds("green", UNARCHIVED, "orange");
    d.timeseries("Time since last archived file", "Seconds since archive_command last "
            + "succeeded. Grows on an idle server when archive_timeout is 0.")
        .q("time() - pg_archiver_last_archived_timestamp_seconds{" + T + "}", "{{target}}").unit("s").min(0)
        .size(24, 7);
    d.row("pgBackRest");
    d.stat("Stanza status", "pgBackRest status code per stanza: 0 ok; anything else is "
            + "PgbackrestStanzaError (1 missing stanza path, 2 no valid backups, …).")
        .q("pgbackrest_stanza_status{" + T + "}", "{{target}} {{stanza}}")
        .map(0, "ok", "green").unit("none").thresholds("green", 1, "red").size(8, 7);
    d.timeseries("Time since last backup, by type", "Age of the newest good backup of each type "
            + "(full, diff, incr). PgbackrestBackupTooOld at 36h for any type, "
            + "PgbackrestFullBackupTooOld at 8 days for full.")
        .q("time() - pgbackrest_backup_last_completion_timestamp_seconds{" + T + "}", "{{stanza}} {{type}}")
        .unit("s").min(0).thresholds("green", BACKUP_AGE, "orange").size(16, 7);
    return d;
  }

  // ---- drwatch agent --------------------------------------------------------------------

  static DashboardBuilder agent() {
    DashboardBuilder d = new DashboardBuilder("drwatch-agent", "drwatch / agent",
        "The agent itself: can it reach each target, do its collectors succeed, how long they "
            + "take, and how fresh their data is.");
    d.row("Targets");
    d.stat("Target up", "1 when the agent's last connection attempt to the target succeeded "
            + "(DrwatchTargetDown after 2m of 0).")
        .q("drwatch_target_up{cluster=~\"$cluster\", " + T + "}", "{{target}}")
        .map(0, "DOWN", "red").map(1, "up", "green").unit("none").thresholds("red", 1, "green").size(12, 5);
    d.timeseries("Time since last successful probe", "Seconds since each target last answered a "
            + "probe: about one probe interval while up, the outage length while down.")
        .q("time() - drwatch_target_last_up_timestamp_seconds{cluster=~\"$cluster\", " + T + "}", "{{target}}")
        .unit("s").min(0).size(12, 5);
    d.row("Collectors");
    d.timeseries("Failing collectors", "Collectors whose last run failed, per target "
            + "(DrwatchCollectorFailing after 5m).")
        .q("sum by (target) (1 - drwatch_collector_success{" + T + "})", "{{target}}")
        .unit("none").min(0).thresholds("green", 1, "orange").size(8, 7);
    d.timeseries("Collector errors per second", "Failed collector runs per second.")
        .q("sum by (target, collector) (rate(drwatch_collector_errors_total{" + T + "}[$__rate_interval]))",
            "{{target}} {{collector}}")
        .unit("cps").min(0).size(8, 7);
    d.timeseries("Collector run time", "How long each collector's last run took.")
        .q("drwatch_collector_duration_seconds{" + T + "}", "{{target}} {{collector}}").unit("s").min(0).size(8, 7);
    d.timeseries("Collector data age", "Seconds since each collector last succeeded: its data is "
            + "at most that old. The dashed line is DrwatchCollectorDataStale (10m).")
        .q("time() - drwatch_collector_last_success_timestamp_seconds{" + T + "}", "{{target}} {{collector}}")
        .unit("s").min(0).thresholds("green", COLLECTOR_AGE, "orange").size(24, 7);
    d.row("Agent processes");
    d.table("Agents", "Each agent Prometheus scrapes, with its version and Java runtime "
            + "(DrwatchAgentAbsent when none is scraped).")
        .q("drwatch_build_info").hide("Value").unit("none").size(8, 6);
    d.timeseries("Scrape duration", "How long Prometheus takes to scrape each agent; /metrics "
            + "answers from the cache, so this stays small however slow a database is.")
        .q("scrape_duration_seconds and on (job, instance) drwatch_build_info", "{{instance}}").unit("s").min(0).size(8, 6);
    d.timeseries("Samples per scrape", "Series each agent exposes.")
        .q("scrape_samples_scraped and on (job, instance) drwatch_build_info", "{{instance}}").unit("none").min(0).size(8, 6);
    return d;
  }

  // ---- query performance -------------------------------------------------------------------

  static DashboardBuilder queryPerformance() {
    DashboardBuilder d = new DashboardBuilder("drwatch-query-performance", "drwatch / Query performance",
        "Per target: the statements that cost the most (pg_stat_statements top-N), connections and "
            + "open transactions, lock waits, per-database cache hits, deadlocks and temp files, "
            + "wraparound headroom, and the tables scanned sequentially or full of dead rows.");
    String top = "topk(10, sum by (target, database, queryid) (rate(";
    d.row("Statements (pg_stat_statements top-N)");
    d.timeseries("Top 10 statements by execution time", "Seconds of execution per second, per "
            + "statement (queryid) and database: 1 s/s is one backend busy all the time. drwatch "
            + "exports the top-N statements by last-interval time plus one `other` per database.")
        .q(top + "pg_statements_exec_time_seconds_total{" + T + "}[$__rate_interval])))",
            "{{target}} {{database}} {{queryid}}")
        .unit("s").min(0);
    d.timeseries("Top 10 statements by calls", "Executions per second, per statement.")
        .q(top + "pg_statements_calls_total{" + T + "}[$__rate_interval])))", "{{target}} {{database}} {{queryid}}")
        .unit("ops").min(0);
    d.timeseries("Top 10 statements by rows", "Rows returned or affected per second, per statement.")
        .q(top + "pg_statements_rows_total{" + T + "}[$__rate_interval])))", "{{target}} {{database}} {{queryid}}")
        .unit("short").min(0);
    d.table("Top statements by time, with their text", "The 10 statements with the most execution "
            + "time over the window, with the mean time per call and their normalized text. The "
            + "`other` rollup has no text and is left out here.")
        .q("topk(10, sum by (target, queryid) (rate(pg_statements_exec_time_seconds_total{" + T
            + "}[$__rate_interval]))) * on (target, queryid) group_left (query) "
            + "max by (target, queryid, query) (pg_statements_query_info{" + T + "})")
        .q("sum by (target, queryid) (rate(pg_statements_exec_time_seconds_total{" + T + "}[$__rate_interval])) "
            + "/ sum by (target, queryid) (rate(pg_statements_calls_total{" + T + "}[$__rate_interval]))")
        .unit("s").size(24, 8);
    d.stat("Statements tracked", "Rows of pg_stat_statements drwatch tracks; the top-N series "
            + "summarize them.")
        .q("pg_statements_tracked{" + T + "}", "{{target}}").unit("none").size(12, 4);
    d.stat("Evictions per second", "Entries pg_stat_statements evicted because "
            + "pg_stat_statements.max was reached (PostgreSQL 14+). A steady rate means the view "
            + "churns and the top-N misses statements: raise pg_stat_statements.max.")
        .q("rate(pg_statements_deallocations_total{" + T + "}[$__rate_interval])", "{{target}}")
        .unit("cps").thresholds("green", 0.01, "orange").size(12, 4);

    d.row("Sessions");
    d.timeseries("Connections by state", "Client connections per state (active, idle, idle in "
            + "transaction, …) from pg_stat_activity.")
        .q("sum by (target, state) (pg_activity_connections{" + T + "})", "{{target}} {{state}}")
        .unit("none").min(0);
    d.timeseries("Connection headroom used", "Client connections against max_connections. "
            + "Near 100% new connections fail (superuser-reserved slots aside).")
        .q("sum by (target) (pg_activity_connections{" + T + "}) / on (target) "
            + "pg_activity_max_connections{" + T + "}", "{{target}}")
        .unit("percentunit").min(0).max(1).thresholds("green", 0.8, "orange", 0.95, "red");
    d.timeseries("Oldest open transaction", "Age of the oldest open transaction per database, "
            + "0 when none is open. The dashed line is PostgresLongRunningTransaction (1h).")
        .q("time() - pg_activity_oldest_xact_start_timestamp_seconds{" + T + "} or pg_database_backends{"
            + T + "} * 0", "{{target}} {{database}}")
        .unit("s").min(0).thresholds("green", LONG_XACT, "orange");
    d.timeseries("Longest idle in transaction", "How long the longest idle-in-transaction session "
            + "has been idle per database, 0 when none is. The dashed line is "
            + "PostgresIdleInTransactionTooLong (15m).")
        .q("time() - pg_activity_oldest_idle_in_transaction_timestamp_seconds{" + T
            + "} or pg_database_backends{" + T + "} * 0", "{{target}} {{database}}")
        .unit("s").min(0).thresholds("green", IDLE_IN_XACT, "orange");
    d.timeseries("Oldest running query", "Age of the oldest statement still running per "
            + "database, 0 when none runs.")
        .q("time() - pg_activity_oldest_query_start_timestamp_seconds{" + T + "} or pg_database_backends{"
            + T + "} * 0", "{{target}} {{database}}")
        .unit("s").min(0).size(24, 7);

    d.row("Locks");
    d.timeseries("Blocked and blocking sessions", "Sessions waiting for a lock another session "
            + "holds, and the distinct sessions blocking them (pg_blocking_pids()).")
        .q("pg_locks_blocked_sessions{" + T + "}", "{{target}} blocked")
        .q("pg_locks_blocking_sessions{" + T + "}", "{{target}} blocking")
        .unit("none").min(0);
    d.timeseries("Longest lock wait", "How long the longest-blocked session has waited, 0 when "
            + "none is blocked. The dashed line is PostgresBlockedSessions (5m).")
        .q("time() - pg_locks_oldest_wait_start_timestamp_seconds{" + T + "} or pg_locks_blocked_sessions{"
            + T + "} * 0", "{{target}}")
        .unit("s").min(0).thresholds("green", LOCK_WAIT, "orange");
    d.timeseries("Lock waits by mode", "Lock requests not granted yet, by the mode requested.")
        .q("sum by (target, mode) (pg_locks_waiting{" + T + "})", "{{target}} {{mode}}")
        .unit("none").min(0);
    d.timeseries("Locks held by mode", "Granted locks by mode; a rise in AccessExclusiveLock "
            + "usually means DDL or explicit LOCK TABLE.")
        .q("sum by (target, mode) (pg_locks_held{" + T + "})", "{{target}} {{mode}}")
        .unit("none").min(0);

    d.row("Databases");
    String hit = "sum by (target, database) (rate(pg_database_blocks_hit_total{" + T + "}[$__rate_interval]))";
    String read = "sum by (target, database) (rate(pg_database_blocks_read_total{" + T + "}[$__rate_interval]))";
    d.timeseries("Cache hit ratio", "Blocks found in shared buffers among all blocks requested, "
            + "per database. Below about 0.99 on an OLTP database the working set does not fit.")
        .q(hit + " / (" + hit + " + " + read + ")", "{{target}} {{database}}")
        .unit("percentunit").max(1);
    d.timeseries("Transactions per second", "Commits and rollbacks per second, per database.")
        .q("sum by (target, database) (rate(pg_database_xact_commits_total{" + T + "}[$__rate_interval]))",
            "{{target}} {{database}} commit")
        .q("sum by (target, database) (rate(pg_database_xact_rollbacks_total{" + T + "}[$__rate_interval]))",
            "{{target}} {{database}} rollback")
        .unit("ops").min(0);
    d.timeseries("Deadlocks", "Deadlocks detected per database over each interval. Any is an "
            + "application lock-ordering bug; one of the transactions was rolled back.")
        .q("increase(pg_database_deadlocks_total{" + T + "}[$__rate_interval])", "{{target}} {{database}}")
        .unit("none").min(0).thresholds("green", 1, "orange");
    d.timeseries("Temp bytes written", "Bytes per second written to temporary files by sorts "
            + "and hashes over work_mem.")
        .q("rate(pg_database_temp_bytes_total{" + T + "}[$__rate_interval])", "{{target}} {{database}}")
        .unit("Bps").min(0);
    d.timeseries("Transaction ID wraparound headroom", "Transactions each database may still "
            + "assign before wraparound (2^31 - 1 - age(datfrozenxid)). The red line is "
            + "PostgresTransactionIdWraparoundRisk (500M).")
        .q("pg_database_xid_wraparound_headroom{" + T + "}", "{{target}} {{database}}")
        .unit("short").min(0).thresholds("red", WRAPAROUND_HEADROOM, "green");
    d.timeseries("Freezing progress", "Each database's frozen XID age as a multiple of the "
            + "server's autovacuum_freeze_max_age: anti-wraparound vacuums start at 1 and should "
            + "bring it back under; PostgresFreezingBehind at 2.")
        .q("pg_database_frozen_xid_age{" + T + "} / on (target) group_left () pg_settings_autovacuum_freeze_max_age{"
            + T + "}", "{{target}} {{database}}")
        .unit("none").min(0).thresholds("green", FREEZE_BEHIND, "orange");
    d.timeseries("Database size", "Disk space per database.")
        .q("pg_database_size_bytes{" + T + "}", "{{target}} {{database}}").unit("bytes").min(0);

    d.row("Tables");
    d.timeseries("Top 10 tables by sequential scans", "Sequential scans started per second. A "
            + "busy table scanned sequentially rather than through an index is a missing index.")
        .q("topk(10, rate(pg_table_seq_scans_total{" + T + "}[$__rate_interval]))",
            "{{target}} {{database}}.{{schema}}.{{table}}")
        .unit("cps").min(0);
    d.timeseries("Top 10 tables by dead rows", "Dead rows as a share of all rows per table, a "
            + "bloat proxy: high and not falling means vacuum does not keep up or is held back "
            + "(see Oldest open transaction).")
        .q("topk(10, pg_table_dead_tuples{" + T + "} / clamp_min(pg_table_live_tuples{" + T
            + "} + pg_table_dead_tuples{" + T + "}, 1))", "{{target}} {{database}}.{{schema}}.{{table}}")
        .unit("percentunit").min(0).max(1).thresholds("green", 0.2, "orange");
    return d;
  }

  static DashboardBuilder cockroach() {
    DashboardBuilder d = new DashboardBuilder("drwatch-cockroachdb", "drwatch / CockroachDB",
        "Node liveness, membership and clocks, replicas and leases per store, range health, backup "
            + "schedules and statements, from the CockroachDB collectors. Each node sees the whole "
            + "cluster: pick one target per cluster, or read the max across them.");
    d.row("Nodes");
    d.stat("Node live", "Liveness of each node as seen by the selected targets "
            + "(CockroachNodeNotLive after 5m of 0).")
        .q("min by (node_id) (crdb_node_live{" + T + "})", "n{{node_id}}")
        .map(0, "NOT LIVE", "red").map(1, "live", "green").unit("none").thresholds("red", 1, "green")
        .size(8, 6);
    d.table("Membership", "Each node's membership: active, decommissioning or decommissioned "
            + "(CockroachDecommissionStalled when decommissioning does not progress).")
        .q("max by (node_id, membership) (crdb_node_membership{" + T + "} == 1)").hide("Value")
        .unit("none").size(8, 6);
    d.timeseries("Clock offset", "Mean clock offset of each node against the others. A node "
            + "terminates itself at 80% of --max-offset (400ms of the default 500ms); "
            + "CockroachClockOffsetHigh at 250ms.")
        .q("max by (node_id) (abs(crdb_node_clock_offset_seconds{" + T + "}))", "n{{node_id}}")
        .unit("s").min(0).thresholds("green", CLOCK_OFFSET, "orange").size(8, 6);
    d.row("Stores");
    d.timeseries("Replicas per store", "Replicas on each store; a decommissioning node's stores "
            + "drain to 0 (CockroachDecommissionStalled when they stop draining).")
        .q("max by (node_id, store_id) (crdb_store_replicas{" + T + "})", "n{{node_id}} s{{store_id}}")
        .unit("none").min(0);
    d.timeseries("Leases per store", "Range leases held by each store.")
        .q("max by (node_id, store_id) (crdb_store_leases{" + T + "})", "n{{node_id}} s{{store_id}}")
        .unit("none").min(0);
    d.timeseries("Store capacity used", "Used bytes as a share of each store's capacity. "
            + "CockroachDB stops rebalancing onto a store above 92.5% and writes fail when it is full.")
        .q("max by (node_id, store_id) (crdb_store_used_bytes{" + T + "} / crdb_store_capacity_bytes{" + T + "})",
            "n{{node_id}} s{{store_id}}")
        .unit("percentunit").min(0).max(1).thresholds("green", 0.8, "orange", 0.925, "red");
    d.timeseries("Under-replicated ranges", "Ranges with fewer replicas than their zone config "
            + "wants (CockroachRangesUnderReplicated after 15m above 0).")
        .q("max by (node_id, store_id) (crdb_store_ranges_underreplicated{" + T + "})", "n{{node_id}} s{{store_id}}")
        .unit("none").min(0).thresholds("green", 1, "orange");
    d.timeseries("Unavailable ranges", "Ranges without a quorum of live replicas "
            + "(CockroachRangesUnavailable after 1m above 0).")
        .q("max by (node_id, store_id) (crdb_store_ranges_unavailable{" + T + "})", "n{{node_id}} s{{store_id}}")
        .unit("none").min(0).thresholds("green", 1, "red");
    d.row("Backups");
    d.table("Backup schedules", "Each backup schedule (a FULL and an INCREMENTAL one per "
            + "CREATE SCHEDULE): missed its cadence (CockroachBackupScheduleMissed) and paused, 1 = yes.")
        .q("max by (schedule_id, schedule_name) (crdb_backup_schedule_missed_cadence{" + T + "})")
        .q("max by (schedule_id, schedule_name) (crdb_backup_schedule_paused{" + T + "})")
        .unit("none").size(12, 7);
    d.timeseries("Time since last successful backup", "Per backup schedule "
            + "(crdb_backup_schedule_last_success_timestamp_seconds): CockroachBackupStale at 36h.")
        .q("time() - max by (schedule_name) (crdb_backup_schedule_last_success_timestamp_seconds{" + T + "})",
            "{{schedule_name}}")
        .unit("s").min(0).thresholds("green", BACKUP_AGE, "orange").size(12, 7);
    d.timeseries("Jobs by status", "BACKUP, RESTORE and CHANGEFEED jobs per status as the target "
            + "sees them (crdb_internal.jobs, within jobs.retention_time).")
        .q("max by (job_type, status) (crdb_jobs{" + T + "})", "{{job_type}} {{status}}")
        .unit("none").min(0).size(24, 7);
    d.row("Statements");
    d.timeseries("Top 10 fingerprints by service time", "Service time spent per statement "
            + "fingerprint and application in the last sampling interval, divided by the "
            + "interval: seconds of service per second.")
        .q("topk(10, max by (fingerprint_id, app_name) (crdb_statement_interval_service_seconds{" + T
            + "}) / on () group_left () max(crdb_statements_interval_seconds{" + T + "}))",
            "{{app_name}} {{fingerprint_id}}")
        .unit("s").min(0).size(24, 7);
    return d;
  }

  // ---- output -----------------------------------------------------------------------------

  /** Every generated file, by path relative to dashboards/. */
  // ---- Patroni ---------------------------------------------------------------------------

  static final String PC = "{cluster=~\"$cluster\"}";

  static DashboardBuilder patroni() {
    DashboardBuilder d = new DashboardBuilder("drwatch-patroni", "drwatch / Patroni",
        "Patroni-managed clusters: what Patroni intends (leader, sync standby, pause, DCS) beside "
            + "what the databases say, and each leader change measured three ways.").clusterOnly();
    d.row("Patroni $cluster: intent vs databases").repeat("cluster");
    d.stat("Leaders", "Members acting as leader: holding the leader key or reporting a primary "
            + "(DrwatchPatroniNoLeader at 0, DrwatchPatroniSeveralLeaders above 1).")
        .q("max(drwatch_patroni_leaders" + PC + ")", "leaders")
        .unit("none").thresholds("red", 1, "green", 2, "red").size(3, 5);
    d.stat("Leader is the primary", "Whether Patroni's leader is the member the databases call "
            + "primary (DrwatchPatroniLeaderMismatch).")
        .q("max(drwatch_patroni_leader_mismatch" + PC + ")", "mismatch")
        .map(0, "agree", "green").map(1, "MISMATCH", "red")
        .unit("none").thresholds("green", 1, "red").size(4, 5);
    d.stat("Sync standby agrees", "With synchronous_mode: whether Patroni's designated sync "
            + "standby is the one pg_stat_replication reports sync (DrwatchPatroniSyncStandbyMismatch).")
        .q("max(drwatch_patroni_sync_mismatch" + PC + ")", "mismatch")
        .map(0, "agree", "green").map(1, "MISMATCH", "orange")
        .unit("none").thresholds("green", 1, "orange").size(4, 5);
    d.stat("Automatic failover", "Whether Patroni would fail over by itself now: not paused, DCS "
            + "readable, an eligible replica running (DrwatchPatroniNoFailoverCandidate). While off, "
            + "the RTO estimate is +Inf.")
        .q("max(drwatch_patroni_automatic_failover" + PC + ")", "automatic")
        .map(0, "OFF", "red").map(1, "on", "green")
        .unit("none").thresholds("red", 1, "green").size(4, 5);
    d.stat("Paused for", "Time in maintenance mode as the agent saw it, against max-pause "
            + "(DrwatchPatroniPausedTooLong).")
        .q("max(time() - drwatch_patroni_paused_since_timestamp_seconds" + PC + ") or max(drwatch_patroni_paused" + PC + ") * 0", "paused")
        .unit("s").size(3, 5);
    d.stat("DCS reachable", "Whether members can read the DCS (DrwatchPatroniDcsUnreachable), and "
            + "whether failsafe mode is configured and active.")
        .q("max(drwatch_patroni_dcs_up" + PC + ")", "DCS up")
        .q("max(drwatch_patroni_failsafe_mode" + PC + ")", "failsafe configured")
        .q("max(drwatch_patroni_member_failsafe_active" + PC + ")", "failsafe active")
        .unit("none").size(6, 5);
    d.table("Members", "Each member as the DCS lists it: role and state, timeline, lag, pending "
            + "restart, nofailover tag, whether its REST API answers and which target it is.")
        .q("max by (member, role, state) (drwatch_patroni_member_state_info" + PC + ")")
        .q("max by (member) (drwatch_patroni_member_timeline_id" + PC + ")")
        .q("max by (member) (drwatch_patroni_member_lag_bytes" + PC + ")")
        .q("max by (member) (drwatch_patroni_member_api_up" + PC + ")")
        .q("max by (member) (drwatch_patroni_member_nofailover" + PC + ")")
        .q("max by (member) (drwatch_patroni_member_pending_restart" + PC + ")")
        .q("max by (member, matched_target) (drwatch_patroni_member_info" + PC + ")")
        .hide("Value #A").hide("Value #G").unit("none").size(24, 7);
    d.row("Patroni $cluster: failovers and RTO as measured").repeat("cluster");
    d.stat("Promotions (Patroni history)", "Promotions in Patroni's /history within the dashboard's "
            + "time range; read from the DCS, so an agent restart does not reset them.")
        .q("max(increase(drwatch_patroni_failovers_total" + PC + "[$__range]))", "promotions")
        .unit("none").thresholds("green", 1, "orange").size(4, 6);
    d.stat("Last leader change", "The last leader change, measured three ways: the databases' "
            + "probes, Patroni's REST API polls, and Patroni's recorded promotion time.")
        .q("max by (measured_by) (drwatch_patroni_last_leader_change_seconds" + PC + ")", "{{measured_by}}")
        .unit("s").size(10, 6);
    d.timeseries("Failover time by source", "Each leader change as drwatch's probes and Patroni "
            + "measured it, against the cluster's RTO objective.")
        .q("max by (measured_by) (drwatch_patroni_last_leader_change_seconds" + PC + ")", "{{measured_by}}")
        .q("max(drwatch_cluster_rto_objective_seconds" + PC + ")", "RTO objective")
        .unit("s").min(0).size(10, 6);
    return d;
  }

  static Map<String, String> render() {
    Set<String> pendingVocabulary = new TreeSet<>(Monitoring.pendingFamilies());
    Map<String, String> out = new LinkedHashMap<>();
    StringBuilder manifest = new StringBuilder("""
        # GENERATED by agent/src/test/java/io/drwatch/monitoring/DrwatchDashboards.java: do not edit.
        # Regenerate: ./mvnw -o test -Dtest=DashboardsTest -Ddrwatch.regenerate=true
        #
        # status: live      every panel reads families the agent declares today; the live test
        #                   evaluates every panel query against a real Prometheus.
        #         partial   live, except the pending_panels listed (skipped by the live test until
        #                   their `needs` are declared; then drop .pending(...) and regenerate).
        #         pending   built against the DESIGN contract names, every query panel pending.
        #         offline   every name declared by the agent, but the live test cannot produce the
        #                   series (`work` says why); skipped by the live test, names checked.
        #         skeleton  no queries yet; waits for `work`.
        dashboards:
        """);
    for (DashboardBuilder d : all()) {
      String file = d.uid().replaceFirst("^drwatch-", "") + ".json";
      out.put(file, d.toJson(p -> note(p, pendingVocabulary)).encodePrettily() + "\n");
      List<Panel> pending = d.panels().stream().filter(p -> p.pendingWork != null).toList();
      long queried = d.panels().stream().filter(p -> !p.queries.isEmpty()).count();
      boolean offline = !pending.isEmpty() && pending.stream().allMatch(p -> needs(p, pendingVocabulary).isEmpty());
      String status = d.skeleton() ? "skeleton" : pending.isEmpty() ? "live"
          : offline && pending.size() == queried ? "offline"
          : pending.size() == queried ? "pending" : "partial";
      manifest.append("  - uid: ").append(d.uid()).append('\n')
          .append("    file: ").append(file).append('\n')
          .append("    title: \"").append(d.title()).append("\"\n")
          .append("    status: ").append(status).append('\n')
          .append("    panels: ").append(d.panels().stream().filter(p -> !p.type.equals("row")).count())
          .append("   # ").append(queried).append(" with queries, ").append(pending.size()).append(" pending\n");
      if (d.skeleton()) {
        manifest.append("    work: ").append(d.skeletonWork()).append('\n');
      }
      if (!pending.isEmpty()) {
        manifest.append("    pending_panels:\n");
        for (Panel p : pending) {
          manifest.append("      - title: \"").append(p.title).append("\"\n")
              .append("        work: ").append(p.pendingWork).append('\n')
              .append("        needs: [").append(String.join(", ", needs(p, pendingVocabulary))).append("]\n");
        }
      }
    }
    out.put("manifest.yml", manifest.toString());
    return out;
  }

  private static List<String> needs(Panel p, Set<String> vocabulary) {
    List<String> out = new ArrayList<>();
    for (String e : p.exprs()) {
      for (String n : PromQl.metricNames(e)) {
        if (vocabulary.contains(n) && !out.contains(n)) {
          out.add(n);
        }
      }
    }
    return out;
  }

  private static String note(Panel p, Set<String> vocabulary) {
    if (p.pendingWork == null) {
      return null;
    }
    if (needs(p, vocabulary).isEmpty()) {
      return null;
    }
    return "Pending: shows data once drwatch exports " + String.join(", ", needs(p, vocabulary))
        + " (" + p.pendingWork + ").";
  }

  static void write(Path dir) throws IOException {
    Files.createDirectories(dir);
    for (Map.Entry<String, String> e : render().entrySet()) {
      Files.writeString(dir.resolve(e.getKey()), e.getValue(), StandardCharsets.UTF_8);
    }
  }
}
