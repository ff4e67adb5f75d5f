package io.drwatch.cluster;

import io.drwatch.collect.MetricFamily;
import io.drwatch.collect.postgres.PgArchiver;

/**
 * Archive layer: WAL the primary has written but not archived, from its {@code archiver}
 * samples. Bytes are {@code pg_archiver_unarchived_bytes}. Seconds are the age of the oldest
 * unarchived WAL, bounded from above by the time since the last successful archive (the segment
 * after it began about then) or, before any archive, the oldest {@code .ready} file: an idle
 * primary without archive_timeout really does keep its last commits out of the archive that long.
 * Healthy while archiving is on and not failing.
 */
final class ArchiveLayer {

  private ArchiveLayer() {}

  static final MetricFamily ENABLED = PgArchiver.ENABLED;
  static final MetricFamily FAILING = PgArchiver.FAILING;
  static final MetricFamily UNARCHIVED = PgArchiver.UNARCHIVED;
  static final MetricFamily LAST_ARCHIVED = PgArchiver.LAST_ARCHIVED;
  static final MetricFamily OLDEST_READY = PgArchiver.OLDEST_READY;

  /** Null when the primary's archiver samples are missing. */
  static Layer estimate(Readings primary, double nowSeconds) {
    Double enabled = primary.value(ENABLED);
    if (enabled == null) {
      return null;
    }
    if (enabled != 1) {
      return new Layer(Layer.ARCHIVE, false, null, null); // archive_mode off: no PITR at all
    }
    boolean failing = Double.valueOf(1).equals(primary.value(FAILING));
    Double bytes = primary.value(UNARCHIVED);
    Double seconds;
    if (bytes != null && bytes == 0) {
      seconds = 0.0;
    } else {
      Double since = earliest(primary.value(LAST_ARCHIVED), primary.value(OLDEST_READY));
      seconds = since == null ? null : Math.max(0, nowSeconds - since);
    }
    return new Layer(Layer.ARCHIVE, !failing, seconds, bytes);
  }

  private static Double earliest(Double a, Double b) {
    if (a == null) {
      return b;
    }
    return b == null ? a : Math.min(a, b);
  }
}
