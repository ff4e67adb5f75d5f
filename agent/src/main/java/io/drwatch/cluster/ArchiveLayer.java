package io.drwatch.cluster;

import io.drwatch.collect.MetricFamily;
import io.drwatch.collect.postgres.PgArchiver;

/**
 * Archive layer: WAL the primary has written but not archived, from its {@code archiver}
 * samples. Bytes are {@code pg_archiver_unarchived_bytes}, and 0 bytes is 0 seconds: nothing is
 * at risk. Otherwise seconds are the span of writes not archived: from when the oldest unarchived
 * WAL began (the last successful archive, when the next segment began, or before any archive the
 * oldest {@code .ready} file) to when WAL was last written (the current segment's modification
 * time; now when unknown). An idle primary without archive_timeout keeps its last writes out of
 * the archive, but the span they cover stops growing when the writes stop.
 *
 * <p>Healthy while archiving is on, not failing, and the oldest {@code .ready} file is younger
 * than the cluster's archive-ready-max-age: a hung archive_command counts no failure, its
 * segment's {@code .ready} file just ages.
 *
 * <p>When the writer is gone, recovery from the archive loses what it wrote beyond the archived
 * position its last archiver sample showed: the writer's last seen position minus that, and in
 * time from when the writer passed it to when it was last seen. A lower bound, like every answer
 * without a writer (it may have written more unseen); and a segment archived after that sample
 * makes it an overestimate by at most what one archiver interval archives.
 */
final class ArchiveLayer {

  private ArchiveLayer() {}

  static final MetricFamily ENABLED = PgArchiver.ENABLED;
  static final MetricFamily FAILING = PgArchiver.FAILING;
  static final MetricFamily UNARCHIVED = PgArchiver.UNARCHIVED;
  static final MetricFamily LAST_ARCHIVED = PgArchiver.LAST_ARCHIVED;
  static final MetricFamily OLDEST_READY = PgArchiver.OLDEST_READY;
  static final MetricFamily LAST_WRITTEN = PgArchiver.CURRENT_SEGMENT_MODIFIED;
  static final MetricFamily ARCHIVED_LSN = PgArchiver.ARCHIVED_LSN;

  /** What the writer's archiver last showed: up to where WAL is archived, and the layer's health. */
  record Archived(double lsn, boolean healthy) {}

  /**
   * From the writer's samples while it answers; null without an archived position (the archiver
   * reports one only while archiving is on, so {@code estimate} is then present too).
   */
  static Archived archived(Readings primary, Layer estimate) {
    Double lsn = primary.value(ARCHIVED_LSN);
    return lsn == null || estimate == null ? null : new Archived(lsn, estimate.healthy());
  }

  /**
   * The layer with no writer reachable.
   *
   * @param writerLsn the writer's last seen position
   * @param writerSeenAt when it was seen (epoch seconds)
   * @param passedAt when the writer passed a position (null when unknown)
   */
  static Layer afterWriter(Archived archived, double writerLsn, double writerSeenAt,
      java.util.function.DoubleFunction<Double> passedAt) {
    double bytes = Math.max(0, writerLsn - archived.lsn());
    Double seconds = 0.0;
    if (bytes > 0) {
      Double passed = passedAt.apply(archived.lsn());
      seconds = passed == null ? null : Math.max(0, writerSeenAt - passed);
    }
    return new Layer(Layer.ARCHIVE, archived.healthy(), seconds, bytes);
  }

  /** Null when the primary's archiver samples are missing. */
  static Layer estimate(Readings primary, double nowSeconds, double readyMaxAgeSeconds) {
    Double enabled = primary.value(ENABLED);
    if (enabled == null) {
      return null;
    }
    if (enabled != 1) {
      return new Layer(Layer.ARCHIVE, false, null, null); // archive_mode off: no PITR at all
    }
    boolean failing = Double.valueOf(1).equals(primary.value(FAILING));
    Double oldestReady = primary.value(OLDEST_READY);
    boolean stuck = oldestReady != null && nowSeconds - oldestReady > readyMaxAgeSeconds;
    Double bytes = primary.value(UNARCHIVED);
    Double seconds;
    if (bytes != null && bytes == 0) {
      seconds = 0.0;
    } else {
      Double since = earliest(primary.value(LAST_ARCHIVED), oldestReady);
      Double written = primary.value(LAST_WRITTEN);
      double until = written == null ? nowSeconds : Math.min(nowSeconds, written);
      seconds = since == null ? null : Math.max(0, until - since);
    }
    return new Layer(Layer.ARCHIVE, !failing && !stuck, seconds, bytes);
  }

  private static Double earliest(Double a, Double b) {
    if (a == null) {
      return b;
    }
    return b == null ? a : Math.min(a, b);
  }
}
