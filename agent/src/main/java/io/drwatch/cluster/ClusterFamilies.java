package io.drwatch.cluster;

import static io.drwatch.collect.MetricFamily.counter;
import static io.drwatch.collect.MetricFamily.gauge;
import static io.drwatch.collect.MetricFamily.histogram;
import static io.drwatch.collect.MetricFamily.info;

import io.drwatch.collect.MetricFamily;
import java.util.List;

/**
 * Families derived from the cached samples of every member of a cluster, and from the probe
 * transitions the agent observed. Cluster-level families carry {@code cluster} and no
 * {@code target}; the per-target ones (catch-up, outages) carry both.
 */
public final class ClusterFamilies {

  private ClusterFamilies() {}

  public static final MetricFamily PRIMARIES = gauge("drwatch_cluster_primaries",
      "Distinct reachable servers not in recovery that share a system identifier (0 no writer, "
          + "1 healthy, more than 1 split brain).", "cluster");
  public static final MetricFamily MEMBERS_IN_RECOVERY = gauge("drwatch_cluster_members_in_recovery",
      "Distinct reachable servers of the cluster in recovery (standbys).", "cluster");
  public static final MetricFamily SYSTEM_IDENTIFIERS = gauge("drwatch_cluster_system_identifiers",
      "Distinct system identifiers among reachable members; above 1 the cluster label spans "
          + "unrelated databases.", "cluster");
  public static final MetricFamily HIGHEST_TIMELINE = gauge("drwatch_cluster_highest_timeline_id",
      "Highest timeline among reachable members.", "cluster");
  public static final MetricFamily LOWEST_TIMELINE = gauge("drwatch_cluster_lowest_timeline_id",
      "Lowest timeline among reachable members.", "cluster");
  public static final MetricFamily FAILOVERS = counter("drwatch_cluster_failovers_total",
      "Failovers the agent observed since it started: a member was promoted or moved to a new "
          + "timeline, counted once per new timeline.", "cluster");
  public static final MetricFamily LAST_FAILOVER = gauge("drwatch_cluster_last_failover_timestamp_seconds",
      "When the agent last observed a failover.", "cluster");
  public static final MetricFamily RPO_SECONDS = gauge("drwatch_cluster_rpo_estimate_seconds",
      "Estimated data loss in time if the primary were lost now and recovery went through this layer.",
      "cluster", "layer");
  public static final MetricFamily RPO_BYTES = gauge("drwatch_cluster_rpo_estimate_bytes",
      "Estimated data loss in WAL bytes if the primary were lost now and recovery went through this layer.",
      "cluster", "layer");
  public static final MetricFamily LAYER_HEALTHY = gauge("drwatch_cluster_rpo_layer_healthy",
      "1 when this protection layer can be used for recovery right now.", "cluster", "layer");
  public static final MetricFamily LAYER_MANAGED = info("drwatch_cluster_rpo_layer_managed_info",
      "1 when this protection layer is run by the writer's managed service (its WAL archive and "
          + "point-in-time restore) and cannot be seen through SQL, so it has no estimate here.",
      "cluster", "layer", "service");
  public static final MetricFamily RPO_EFFECTIVE_SECONDS = gauge("drwatch_cluster_rpo_effective_seconds",
      "Smallest estimated loss in time through any healthy layer; +Inf when a primary is up and no "
          + "healthy layer protects it.", "cluster");
  public static final MetricFamily RPO_EFFECTIVE_BYTES = gauge("drwatch_cluster_rpo_effective_bytes",
      "Smallest estimated loss in WAL bytes through any healthy layer that measures bytes; +Inf "
          + "when a primary is up and none does.", "cluster");
  public static final MetricFamily RTO = gauge("drwatch_cluster_rto_estimate_seconds",
      "The best promotion candidate's time to replay what it holds (the fastest standby's where no "
          + "candidate is known) plus the configured promotion overhead; "
          + "+Inf when no standby is reachable.", "cluster");
  public static final MetricFamily RPO_OBJECTIVE_SECONDS = gauge("drwatch_cluster_rpo_objective_seconds",
      "Configured RPO objective (clusters.<name>.rpo-objective).", "cluster");
  public static final MetricFamily RPO_OBJECTIVE_BYTES = gauge("drwatch_cluster_rpo_objective_bytes",
      "Configured RPO objective in bytes (clusters.<name>.rpo-objective-bytes).", "cluster");
  public static final MetricFamily RTO_OBJECTIVE_SECONDS = gauge("drwatch_cluster_rto_objective_seconds",
      "Configured RTO objective (clusters.<name>.rto-objective).", "cluster");
  public static final MetricFamily STANDBY_CATCHUP = gauge("drwatch_standby_catchup_estimate_seconds",
      "Time this standby needs to replay the WAL it has received, at its measured replay rate.",
      "cluster");
  public static final MetricFamily PROMOTION_LOSS_BYTES = gauge("drwatch_standby_promotion_loss_bytes",
      "WAL the cluster loses if this standby is promoted now: the writer's position (live while it "
          + "answers, last seen after) minus what the standby holds (received, else replayed).", "cluster");
  public static final MetricFamily PROMOTION_LOSS_SECONDS = gauge("drwatch_standby_promotion_loss_seconds",
      "The same loss as time of commits: from when the writer passed this standby's position to "
          + "when the agent last saw the writer (resolution: the writer's probe interval).", "cluster");
  public static final MetricFamily PROMOTION_CATCHUP = gauge("drwatch_standby_promotion_catchup_seconds",
      "Time this standby needs, if promoted now, to replay the WAL it holds, at its measured replay rate.",
      "cluster");
  public static final MetricFamily BEST_CANDIDATE = info("drwatch_cluster_best_promotion_candidate_info",
      "1 for the standby to promote now: least loss, then fastest catch-up, then name; never a "
          + "delayed standby.", "cluster");
  public static final MetricFamily REGION_LOSS_BYTES = gauge("drwatch_cluster_region_loss_bytes",
      "WAL the cluster loses if this whole region (the members' region label) is lost now: 0 while "
          + "the writer runs elsewhere, else the best surviving standby's promotion loss; +Inf when "
          + "no standby survives.", "cluster", "region");
  public static final MetricFamily REGION_LOSS_SECONDS = gauge("drwatch_cluster_region_loss_seconds",
      "The same loss in time: how much of the writer's recent history the best survivor lacks; "
          + "+Inf when no standby survives.", "cluster", "region");
  public static final MetricFamily REGION_SURVIVORS = gauge("drwatch_cluster_region_survivors",
      "Members that could take writes after losing this region: eligible standbys outside it, plus "
          + "the writer when it runs elsewhere.", "cluster", "region");
  public static final MetricFamily REGION_SURVIVOR = info("drwatch_cluster_region_survivor_info",
      "1 for the member to write on after losing this region: the writer when it runs elsewhere, "
          + "else the best surviving standby (least loss, then fastest catch-up).", "cluster", "region");
  public static final MetricFamily SYNC_CROSS_REGION = gauge("drwatch_cluster_sync_replication_cross_region",
      "1 when a standby the writer's commits wait for (sync or quorum) runs in another region than "
          + "the writer, 0 when all run in its region.", "cluster");
  public static final MetricFamily SYNC_COMMIT_LATENCY = gauge("drwatch_cluster_sync_commit_latency_seconds",
      "What synchronous replication adds to each commit now: the largest flush lag among sync "
          + "standbys (FIRST n), the n-th smallest among quorum standbys (ANY n).", "cluster");
  public static final MetricFamily WRITER_LAST_SEEN = gauge("drwatch_cluster_writer_last_seen_timestamp_seconds",
      "When the agent last read the writer's WAL position (its last successful probe of a primary).",
      "cluster");
  public static final MetricFamily WRITER_LAST_SEEN_LSN = gauge("drwatch_cluster_writer_last_seen_lsn_bytes",
      "The writer's WAL position when the agent last read it, as a byte number.", "cluster");
  public static final MetricFamily RPO_LOWER_BOUND = gauge("drwatch_cluster_rpo_estimate_lower_bound",
      "1 when no writer is reachable: the replica layer and the promotion losses are measured against "
          + "the writer's last seen position, so they are lower bounds; 0 while the writer answers.",
      "cluster");
  public static final MetricFamily OUTAGE = histogram("drwatch_target_outage_duration_seconds",
      "Outages as the agent saw them: from the first failed probe to the first answer afterwards, "
          + "whatever role or timeline the target answered with.", "cluster");
  public static final MetricFamily LAST_OUTAGE = gauge("drwatch_target_last_outage_duration_seconds",
      "Duration of the target's last completed outage.", "cluster");

  /** Upper bounds suited to failovers: a restart takes seconds, a regional failover minutes. */
  static final double[] OUTAGE_BUCKETS = {1, 2, 5, 10, 30, 60, 120, 300, 600};

  public static List<MetricFamily> all() {
    return List.of(PRIMARIES, MEMBERS_IN_RECOVERY, SYSTEM_IDENTIFIERS, HIGHEST_TIMELINE, LOWEST_TIMELINE,
        FAILOVERS, LAST_FAILOVER, RPO_SECONDS, RPO_BYTES, LAYER_HEALTHY, LAYER_MANAGED, RPO_EFFECTIVE_SECONDS,
        RPO_EFFECTIVE_BYTES, RTO, RPO_OBJECTIVE_SECONDS, RPO_OBJECTIVE_BYTES, RTO_OBJECTIVE_SECONDS,
        STANDBY_CATCHUP, PROMOTION_LOSS_BYTES, PROMOTION_LOSS_SECONDS, PROMOTION_CATCHUP, BEST_CANDIDATE,
        REGION_LOSS_BYTES, REGION_LOSS_SECONDS, REGION_SURVIVORS, REGION_SURVIVOR, SYNC_CROSS_REGION,
        SYNC_COMMIT_LATENCY, WRITER_LAST_SEEN, WRITER_LAST_SEEN_LSN, RPO_LOWER_BOUND, OUTAGE, LAST_OUTAGE);
  }
}
