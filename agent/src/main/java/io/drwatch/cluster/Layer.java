package io.drwatch.cluster;

import java.util.List;

/**
 * One protection layer's estimate of what a loss of the primary would cost now. Null estimates
 * mean the layer cannot measure that unit (the backup layer has no byte count) or lacks input.
 */
record Layer(String name, boolean healthy, Double seconds, Double bytes) {

  static final String REPLICA = "replica";
  static final String ARCHIVE = "archive";
  static final String BACKUP = "backup";

  /** The cluster's effective RPO: the smallest loss through any layer that is usable now. */
  record Effective(Double seconds, Double bytes) {}

  /**
   * @param writerUp whether exactly one primary is up: then a unit no healthy layer measures is
   *     +Inf (its new writes are unprotected); without a writer there is nothing new to lose.
   *     Without any layer's input (collectors not run yet) nothing is known: no estimate.
   */
  static Effective effective(List<Layer> layers, boolean writerUp) {
    if (layers.isEmpty()) {
      return new Effective(null, null);
    }
    Double seconds = null;
    Double bytes = null;
    for (Layer l : layers) {
      if (!l.healthy()) {
        continue;
      }
      if (l.seconds() != null && (seconds == null || l.seconds() < seconds)) {
        seconds = l.seconds();
      }
      if (l.bytes() != null && (bytes == null || l.bytes() < bytes)) {
        bytes = l.bytes();
      }
    }
    if (writerUp) {
      seconds = seconds == null ? Double.POSITIVE_INFINITY : seconds;
      bytes = bytes == null ? Double.POSITIVE_INFINITY : bytes;
    }
    return new Effective(seconds, bytes);
  }
}
