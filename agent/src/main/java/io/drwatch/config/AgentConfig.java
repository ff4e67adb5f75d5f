package io.drwatch.config;

import java.util.List;
import java.util.Map;

/** The validated, immutable configuration of one agent. */
public record AgentConfig(
    HttpSettings http,
    Defaults defaults,
    Map<String, ClusterSettings> clusters,
    List<TargetSettings> targets,
    String source) {

  public AgentConfig {
    clusters = Map.copyOf(clusters);
    targets = List.copyOf(targets);
  }
}
