package io.drwatch.cluster;

import static io.drwatch.collect.MetricFamily.counter;
import static io.drwatch.collect.MetricFamily.gauge;
import static io.drwatch.collect.MetricFamily.histogram;

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
  public static final MetricFamily RPO_EFFECTIVE_SECONDS = gauge("drwatch_cluster_rpo_effective_seconds",
      "Smallest estimated loss in time through any healthy layer; +Inf when a primary is up and no "
          + "healthy layer protects it.", "cluster");
  public static final MetricFamily RPO_EFFECTIVE_BYTES = gauge("drwatch_cluster_rpo_effective_bytes",
      "Smallest estimated loss in WAL bytes through any healthy layer that measures bytes; +Inf "
          + "when a primary is up and none does.", "cluster");
  public static final MetricFamily RTO = gauge("drwatch_cluster_rto_estimate_seconds",
      "Best reachable standby's time to replay its backlog plus the configured promotion overhead; "
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
  public static final MetricFamily OUTAGE = histogram("drwatch_target_outage_duration_seconds",
      "Outages as the agent saw them: from the first failed probe to the first answer afterwards, "
          + "whatever role or timeline the target answered with.", "cluster");
  public static final MetricFamily LAST_OUTAGE = gauge("drwatch_target_last_outage_duration_seconds",
      "Duration of the target's last completed outage.", "cluster");

  /** Upper bounds suited to failovers: a restart takes seconds, a regional failover minutes. */
  static final double[] OUTAGE_BUCKETS = {1, 2, 5, 10, 30, 60, 120, 300, 600};

  public static List<MetricFamily> all() {
    return List.of(PRIMARIES, MEMBERS_IN_RECOVERY, SYSTEM_IDENTIFIERS, HIGHEST_TIMELINE, LOWEST_TIMELINE,
        FAILOVERS, LAST_FAILOVER, RPO_SECONDS, RPO_BYTES, LAYER_HEALTHY, RPO_EFFECTIVE_SECONDS,
        RPO_EFFECTIVE_BYTES, RTO, RPO_OBJECTIVE_SECONDS, RPO_OBJECTIVE_BYTES, RTO_OBJECTIVE_SECONDS,
        STANDBY_CATCHUP, OUTAGE, LAST_OUTAGE);
  }
}
