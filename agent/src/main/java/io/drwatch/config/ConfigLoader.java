package io.drwatch.config;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import com.typesafe.config.ConfigObject;
import com.typesafe.config.ConfigParseOptions;
import com.typesafe.config.ConfigValueType;
import io.drwatch.collect.CollectorRegistry;
import io.drwatch.sample.CoreFamilies;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;

/**
 * Reads a user's HOCON file over {@code reference.conf} (and {@code CONFIG_FORCE_*} environment
 * overrides), then validates it into {@link AgentConfig}, one section at a time ({@code
 * HttpSection}, {@code DefaultsSection}, … over the shared typed readers of {@link ConfigReader}).
 * Every problem is collected with its file:line and key path; nothing half-valid is returned.
 *
 * <p>A new section: a {@code FooSection} class beside the others (its keys, its settings record,
 * a {@code read} method over a {@link ConfigReader}), its key in {@link #SECTIONS}, one line in
 * {@link #load(Config, String)}, and its settings in {@link AgentConfig}.
 */
public final class ConfigLoader {

  /** The sections under {@code drwatch}; any other key is an error. */
  static final Set<String> SECTIONS = Set.of("http", "defaults", "clusters", "targets",
      "custom-collectors", "logging", "endpoints", "patroni");

  private final Set<String> givenNames;
  private final CollectorRegistry givenRegistry;
  private final Function<String, String> env;

  /**
   * @param collectorNames names that may appear under a target's {@code collectors}
   * @param env environment lookup (System::getenv in production)
   */
  public ConfigLoader(Set<String> collectorNames, Function<String, String> env) {
    this.givenNames = Set.copyOf(collectorNames);
    this.givenRegistry = null;
    this.env = env;
  }

  /** Validates collector options too, against each collector's {@code optionKeys()}. */
  public ConfigLoader(CollectorRegistry registry, Function<String, String> env) {
    this.givenNames = Set.copyOf(registry.names());
    this.givenRegistry = registry;
    this.env = env;
  }

  public AgentConfig load(Path path) {
    ConfigReader r = new ConfigReader(path.toString(), env);
    if (!Files.isRegularFile(path)) {
      throw new ConfigException(List.of(new ConfigProblem(path.toString(), "-", "no such config file")));
    }
    Config user;
    try {
      user = ConfigFactory.parseFile(path.toFile(), ConfigParseOptions.defaults().setAllowMissing(false));
    } catch (com.typesafe.config.ConfigException e) {
      throw new ConfigException(List.of(new ConfigProblem(r.origin(e.origin()), "-", ConfigReader.syntax(e))));
    }
    return load(r, user, path.toString());
  }

  public AgentConfig loadString(String hocon, String name) {
    ConfigReader r = new ConfigReader(name, env);
    Config user;
    try {
      user = ConfigFactory.parseString(hocon, ConfigParseOptions.defaults().setOriginDescription(name));
    } catch (com.typesafe.config.ConfigException e) {
      throw new ConfigException(List.of(new ConfigProblem(r.origin(e.origin()), "-", ConfigReader.syntax(e))));
    }
    return load(r, user, name);
  }

  private AgentConfig load(ConfigReader r, Config user, String source) {
    Config merged;
    try {
      merged = ConfigFactory.systemEnvironmentOverrides()
          .withFallback(user)
          .withFallback(ConfigFactory.parseResourcesAnySyntax(ConfigLoader.class.getClassLoader(), "reference"))
          .resolve();
    } catch (com.typesafe.config.ConfigException e) {
      throw new ConfigException(List.of(new ConfigProblem(r.origin(e.origin()), "-", ConfigReader.syntax(e))));
    }
    for (String key : user.root().keySet()) {
      if (!key.equals("drwatch")) {
        r.problem(user.root().get(key), key, "unknown key (everything goes under drwatch { … })");
      }
    }
    if (!merged.hasPath("drwatch") || merged.getValue("drwatch").valueType() != ConfigValueType.OBJECT) {
      r.problem(null, "drwatch", "must be an object");
      throw new ConfigException(r.problems());
    }
    Config c = merged.getConfig("drwatch");
    r.unknownKeys(c.root(), "drwatch", SECTIONS);

    HttpSettings http = new HttpSection(r).read(c);
    Defaults defaults = new DefaultsSection(r).read(c);
    LoggingSettings logging = new LoggingSection(r).read(c);
    ClustersSection clusterSection = new ClustersSection(r);
    Map<String, ClusterSettings> clusters = clusterSection.read(c);
    List<CollectorRegistry.Entry> custom = customCollectors(r, c);
    Set<String> collectorNames = new HashSet<>(givenNames);
    custom.forEach(e -> collectorNames.add(e.collector().name()));
    CollectorRegistry registry = givenRegistry == null ? null : givenRegistry.plus(custom);
    int beforeTargets = r.problemCount();
    List<TargetSettings> targets = new TargetsSection(r, Set.copyOf(collectorNames), registry).read(c, defaults);
    if (r.problemCount() == beforeTargets) { // a target with a problem may be the cluster's member
      clusterSection.haveTargets(c.hasPath("clusters") && c.getValue("clusters") instanceof ConfigObject o ? o : null,
          targets);
    }
    List<EndpointSettings> endpoints = new EndpointsSection(r).read(c, defaults, targets);
    Map<String, PatroniSettings> patroni = new PatroniSection(r).read(c, defaults,
        targets.stream().map(TargetSettings::cluster).collect(java.util.stream.Collectors.toSet()));
    if (!r.problems().isEmpty()) {
      throw new ConfigException(r.problems());
    }
    return new AgentConfig(http, defaults, clusters, targets, source, custom, logging, endpoints, patroni);
  }

  /**
   * Collectors defined under {@code custom-collectors}; from here on their names are valid under
   * a target's {@code collectors { … }} like the built-in ones.
   */
  private List<CollectorRegistry.Entry> customCollectors(ConfigReader r, Config c) {
    CollectorRegistry known = givenRegistry != null ? givenRegistry : CollectorRegistry.builtIn();
    CustomCollectorsSection section = new CustomCollectorsSection(r, givenNames,
        CustomCollectorsSection.familiesOf(known, CoreFamilies.all()));
    return section.read(c.hasPath("custom-collectors") ? c.getValue("custom-collectors") : null,
        "drwatch.custom-collectors");
  }
}
