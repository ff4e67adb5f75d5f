package io.drwatch.collect;

import com.typesafe.config.Config;
import io.drwatch.target.ServerInfo;
import java.sql.SQLException;
import java.time.Duration;
import java.util.List;
import java.util.Set;

/**
 * A named group of metric families sampled together on a schedule. Implementations keep the SQL
 * (one statement per version range where needed) and a pure rows-to-samples mapping; version
 * differences live here, not in the scheduler.
 */
public interface Collector {

  /** Also the config key and the enable switch. */
  String name();

  /** The collector's own sampling interval, or null to follow {@code defaults.interval}. */
  default Duration defaultInterval() {
    return null;
  }

  /** Whether this collector has anything to say about the detected server. */
  boolean appliesTo(ServerInfo server);

  /** Every family this collector may emit, declared once. */
  List<MetricFamily> families();

  List<Sample> collect(Db db, ServerInfo server) throws SQLException;

  /**
   * Collector-specific keys a target may set under {@code collectors { <name> { … } }} besides
   * enabled, interval and timeout.
   */
  default Set<String> optionKeys() {
    return Set.of();
  }

  /**
   * This collector configured with a target's options (only keys from {@link #optionKeys()}).
   * Called at config load, so a bad value fails there: throw IllegalArgumentException with a
   * message naming the key.
   */
  default Collector configure(Config options) {
    return this;
  }

  /**
   * The instance that will sample one target. A collector that keeps state between runs (top-N
   * deltas, reset detection) returns a fresh copy here so targets never share that state;
   * stateless collectors return themselves.
   */
  default Collector forTarget() {
    return this;
  }
}
