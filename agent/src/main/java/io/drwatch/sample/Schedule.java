package io.drwatch.sample;

import io.drwatch.collect.Collector;
import io.drwatch.collect.CollectorRegistry;
import io.drwatch.config.CollectorSettings;
import io.drwatch.config.Defaults;
import io.drwatch.config.TargetSettings;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/** The effective interval and timeout of one collector on one target. */
public record Schedule(Collector collector, Duration interval, Duration timeout) {

  /**
   * Precedence: the target's per-collector override, then the target's interval/timeout, then the
   * collector's own default interval, then {@code defaults}.
   */
  public static List<Schedule> forTarget(TargetSettings t, Defaults d, CollectorRegistry registry) {
    List<Schedule> out = new ArrayList<>();
    for (CollectorRegistry.Entry e : registry.entries()) {
      Collector c = e.collector();
      CollectorSettings o = t.collectors().get(c.name());
      boolean enabled = o != null && o.enabled() != null ? o.enabled() : e.enabledByDefault();
      if (!enabled) {
        continue;
      }
      Duration interval = first(o == null ? null : o.interval(), t.interval(), c.defaultInterval(), d.interval());
      Duration timeout = first(o == null ? null : o.timeout(), t.timeout(), d.timeout());
      if (timeout.compareTo(interval) > 0) {
        timeout = interval;
      }
      out.add(new Schedule(c, interval, timeout));
    }
    return out;
  }

  /** The longest timeout among a target's collectors: the session's statement_timeout. */
  public static Duration longestTimeout(List<Schedule> schedules, Defaults d) {
    Duration max = d.timeout();
    for (Schedule s : schedules) {
      if (s.timeout().compareTo(max) > 0) {
        max = s.timeout();
      }
    }
    return max;
  }

  private static Duration first(Duration... candidates) {
    for (Duration c : candidates) {
      if (c != null) {
        return c;
      }
    }
    throw new IllegalStateException("no default");
  }
}
