package io.drwatch.cluster;

import java.time.Duration;
import java.util.List;

/**
 * Recovery time by failover: the best standby's time to replay what it has received (backlog
 * over its measured replay rate), plus the promotion overhead. Promotion ends a replay pause, so
 * a paused standby still counts, at the rate it replays when it runs.
 */
final class Rto {

  private Rto() {}

  /** Seconds to replay {@code backlogBytes}; null when unknown (no backlog sample, no rate yet). */
  static Double catchup(Double backlogBytes, Double bytesPerSecond) {
    if (backlogBytes == null) {
      return null;
    }
    if (backlogBytes <= 0) {
      return 0.0;
    }
    if (bytesPerSecond == null || bytesPerSecond <= 0) {
      return null;
    }
    return backlogBytes / bytesPerSecond;
  }

  /**
   * @param catchups one entry per reachable standby, null where unknown
   * @return +Inf without any standby to promote, null when no standby's catch-up is known
   */
  static Double estimate(List<Double> catchups, Duration promotionOverhead) {
    if (catchups.isEmpty()) {
      return Double.POSITIVE_INFINITY;
    }
    Double best = null;
    for (Double c : catchups) {
      if (c != null && (best == null || c < best)) {
        best = c;
      }
    }
    return best == null ? null : best + promotionOverhead.toMillis() / 1000.0;
  }
}
