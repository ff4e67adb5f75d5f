package io.drwatch.config;

import io.drwatch.collect.CollectorRegistry;
import java.util.List;
import java.util.Map;

/**
 * The validated, immutable configuration of one agent. {@code customCollectors} are the collectors
 * defined under {@code custom-collectors}, to be added to the built-in registry; {@code endpoints}
 * the addresses applications use, probed beside the targets; {@code patroni} a Patroni source per
 * cluster.
 */
public record AgentConfig(
    HttpSettings http,
    Defaults defaults,
    Map<String, ClusterSettings> clusters,
    List<TargetSettings> targets,
    String source,
    List<CollectorRegistry.Entry> customCollectors,
    LoggingSettings logging,
    List<EndpointSettings> endpoints,
    Map<String, PatroniSettings> patroni) {

  public AgentConfig {
    patroni = patroni == null ? Map.of() : Map.copyOf(patroni);
    endpoints = endpoints == null ? List.of() : List.copyOf(endpoints);
    logging = logging == null ? LoggingSettings.DEFAULT : logging;
    clusters = Map.copyOf(clusters);
    targets = List.copyOf(targets);
    customCollectors = List.copyOf(customCollectors);
  }

  public AgentConfig(HttpSettings http, Defaults defaults, Map<String, ClusterSettings> clusters,
      List<TargetSettings> targets, String source) {
    this(http, defaults, clusters, targets, source, List.of());
  }

  public AgentConfig(HttpSettings http, Defaults defaults, Map<String, ClusterSettings> clusters,
      List<TargetSettings> targets, String source, List<CollectorRegistry.Entry> customCollectors) {
    this(http, defaults, clusters, targets, source, customCollectors, LoggingSettings.DEFAULT);
  }

  /** Without endpoints. */
  public AgentConfig(HttpSettings http, Defaults defaults, Map<String, ClusterSettings> clusters,
      List<TargetSettings> targets, String source, List<CollectorRegistry.Entry> customCollectors,
      LoggingSettings logging) {
    this(http, defaults, clusters, targets, source, customCollectors, logging, List.of());
  }

  /** Without Patroni sources. */
  public AgentConfig(HttpSettings http, Defaults defaults, Map<String, ClusterSettings> clusters,
      List<TargetSettings> targets, String source, List<CollectorRegistry.Entry> customCollectors,
      LoggingSettings logging, List<EndpointSettings> endpoints) {
    this(http, defaults, clusters, targets, source, customCollectors, logging, endpoints, Map.of());
  }

  /** The given registry plus the collectors this config defines. */
  public CollectorRegistry registry(CollectorRegistry builtIn) {
    return customCollectors.isEmpty() ? builtIn : builtIn.plus(customCollectors);
  }
}
