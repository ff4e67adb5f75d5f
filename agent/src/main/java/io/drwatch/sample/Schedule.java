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
   * Interval: the target's per-collector override; else the target's interval (or
   * {@code defaults.interval}), but never faster than the collector's own default, which marks
   * collectors whose data changes slowly. Timeout: per-collector override, the collector's own,
   * target, defaults; never longer than the interval.
   */
  public static List<Schedule> forTarget(TargetSettings t, Defaults d, CollectorRegistry registry) {
    List<Schedule> out = new ArrayList<>();
    for (CollectorRegistry.Entry e : registry.entries()) {
      CollectorSettings o = t.collectors().get(e.collector().name());
      Collector c = (o != null && o.configured() != null ? o.configured() : e.collector()).perTarget();
      boolean enabled = o != null && o.enabled() != null ? o.enabled() : e.enabledByDefault();
      if (!enabled) {
        continue;
      }
      Duration base = first(t.interval(), d.interval());
      if (c.defaultInterval() != null && c.defaultInterval().compareTo(base) > 0) {
        base = c.defaultInterval();
      }
      Duration interval = first(o == null ? null : o.interval(), base);
      Duration timeout = first(o == null ? null : o.timeout(), c.defaultTimeout(), t.timeout(), d.timeout());
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
