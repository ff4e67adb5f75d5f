package io.drwatch.config;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import java.time.Duration;
import java.util.Set;

/** {@code drwatch.defaults}: intervals, timeouts and limits every target inherits. */
final class DefaultsSection {

  static final Set<String> KEYS = Set.of("interval", "timeout", "connect-timeout",
      "lock-timeout", "idle-in-transaction-timeout", "max-connections", "stale-after-intervals");

  private final ConfigReader r;

  DefaultsSection(ConfigReader r) {
    this.r = r;
  }

  Defaults read(Config c) {
    r.unknownKeys(r.obj(c, "defaults", "drwatch.defaults"), "drwatch.defaults", KEYS);
    Config d = c.hasPath("defaults") ? c.getConfig("defaults") : ConfigFactory.empty();
    String p = "drwatch.defaults.";
    Duration interval = r.duration(d, "interval", p + "interval");
    Duration timeout = r.duration(d, "timeout", p + "timeout");
    if (interval != null && timeout != null && timeout.compareTo(interval) > 0) {
      r.problem(d.getValue("timeout"), p + "timeout", "must not exceed the interval (" + interval + ")");
    }
    int maxConnections = r.integer(d, "max-connections", p + "max-connections", 1, 10);
    int stale = r.integer(d, "stale-after-intervals", p + "stale-after-intervals", 1, 100);
    return new Defaults(interval, timeout,
        r.duration(d, "connect-timeout", p + "connect-timeout"),
        r.duration(d, "lock-timeout", p + "lock-timeout"),
        r.duration(d, "idle-in-transaction-timeout", p + "idle-in-transaction-timeout"),
        maxConnections, stale);
  }
}
