package io.drwatch.config;

import com.typesafe.config.Config;
import io.drwatch.collect.Collector;
import java.time.Duration;
import java.util.Objects;

/**
 * A per-target override of one collector; null fields inherit. {@code configured} is the collector
 * with the target's collector-specific {@code options} applied, or null when there were none.
 * Equal settings are the same enabled, interval, timeout and options (the configured collector
 * follows from them), which is what a reload compares.
 */
public record CollectorSettings(Boolean enabled, Duration interval, Duration timeout, Collector configured,
    Config options) {

  public CollectorSettings(Boolean enabled, Duration interval, Duration timeout) {
    this(enabled, interval, timeout, null, null);
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof CollectorSettings c && Objects.equals(enabled, c.enabled)
        && Objects.equals(interval, c.interval) && Objects.equals(timeout, c.timeout)
        && Objects.equals(options == null || options.isEmpty() ? null : options.root(),
            c.options == null || c.options.isEmpty() ? null : c.options.root());
  }

  @Override
  public int hashCode() {
    return Objects.hash(enabled, interval, timeout);
  }

  /** Options beyond enabled/interval/timeout, as written (for collectors that take them). */
  static Config options(Config collectorBlock) {
    return collectorBlock.withoutPath("enabled").withoutPath("interval").withoutPath("timeout");
  }
}
