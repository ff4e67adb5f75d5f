package io.drwatch.config;

import io.drwatch.target.Flavor;
import java.time.Duration;
import java.util.Map;

/**
 * One monitored server. {@code labels} always holds {@code cluster} (the target's own name when
 * not configured, so unrelated servers never look like one cluster). {@code password} is null when
 * the target authenticates without one.
 */
public record TargetSettings(
    String name,
    String url,
    String user,
    Secret password,
    Flavor flavor,
    Map<String, String> labels,
    Duration interval,
    Duration timeout,
    Map<String, CollectorSettings> collectors,
    String origin) {

  public TargetSettings {
    labels = Map.copyOf(labels);
    collectors = Map.copyOf(collectors);
  }

  public String cluster() {
    return labels.get("cluster");
  }
}
