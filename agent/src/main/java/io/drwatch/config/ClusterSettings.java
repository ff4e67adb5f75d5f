package io.drwatch.config;

import java.time.Duration;

/**
 * Per-cluster objectives and the promotion overhead added to the RTO estimate. Objectives are
 * null when not configured; a cluster without a {@code clusters} block gets {@link #unconfigured}.
 *
 * @param rpoObjectiveBytes data-loss objective in bytes of WAL, or null
 * @param promotionOverhead time a promotion takes beyond replaying the backlog (detection,
 *     fencing, pg_promote, clients reconnecting)
 * @param archiveReadyMaxAge oldest a .ready file may be before the archive layer reads unhealthy
 *     (a hung archive_command counts no failure; its segment's .ready just ages)
 */
public record ClusterSettings(String name, Duration rpoObjective, Duration rtoObjective,
    Long rpoObjectiveBytes, Duration promotionOverhead, Duration archiveReadyMaxAge) {

  public static final Duration DEFAULT_PROMOTION_OVERHEAD = Duration.ofSeconds(10);
  /** The archiver wakes at least once a minute; a segment waiting two wake-ups is stuck. */
  public static final Duration DEFAULT_ARCHIVE_READY_MAX_AGE = Duration.ofMinutes(2);

  public ClusterSettings(String name, Duration rpoObjective, Duration rtoObjective) {
    this(name, rpoObjective, rtoObjective, null, DEFAULT_PROMOTION_OVERHEAD, DEFAULT_ARCHIVE_READY_MAX_AGE);
  }

  public ClusterSettings(String name, Duration rpoObjective, Duration rtoObjective, Long rpoObjectiveBytes,
      Duration promotionOverhead) {
    this(name, rpoObjective, rtoObjective, rpoObjectiveBytes, promotionOverhead, DEFAULT_ARCHIVE_READY_MAX_AGE);
  }

  public static ClusterSettings unconfigured(String name) {
    return new ClusterSettings(name, null, null);
  }
}
