package io.drwatch.config;

import java.time.Duration;

/**
 * Per-cluster objectives and the promotion overhead added to the RTO estimate. Objectives are
 * null when not configured; a cluster without a {@code clusters} block gets {@link #unconfigured}.
 *
 * @param rpoObjectiveBytes data-loss objective in bytes of WAL, or null
 * @param promotionOverhead time a promotion takes beyond replaying the backlog (detection,
 *     fencing, pg_promote, clients reconnecting)
 */
public record ClusterSettings(String name, Duration rpoObjective, Duration rtoObjective,
    Long rpoObjectiveBytes, Duration promotionOverhead) {

  public static final Duration DEFAULT_PROMOTION_OVERHEAD = Duration.ofSeconds(10);

  public ClusterSettings(String name, Duration rpoObjective, Duration rtoObjective) {
    this(name, rpoObjective, rtoObjective, null, DEFAULT_PROMOTION_OVERHEAD);
  }

  public static ClusterSettings unconfigured(String name) {
    return new ClusterSettings(name, null, null);
  }
}
