package io.drwatch.config;

import com.typesafe.config.Config;
import io.drwatch.collect.Collector;
import java.time.Duration;

/**
 * A per-target override of one collector; null fields inherit. {@code configured} is the collector
 * with the target's collector-specific options applied, or null when there were none.
 */
public record CollectorSettings(Boolean enabled, Duration interval, Duration timeout, Collector configured) {

  public CollectorSettings(Boolean enabled, Duration interval, Duration timeout) {
    this(enabled, interval, timeout, null);
  }

  /** Options beyond enabled/interval/timeout, as written (for collectors that take them). */
  static Config options(Config collectorBlock) {
    return collectorBlock.withoutPath("enabled").withoutPath("interval").withoutPath("timeout");
  }
}
