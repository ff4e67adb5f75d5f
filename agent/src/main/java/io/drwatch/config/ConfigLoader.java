package io.drwatch.config;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import com.typesafe.config.ConfigList;
import com.typesafe.config.ConfigObject;
import com.typesafe.config.ConfigOrigin;
import com.typesafe.config.ConfigParseOptions;
import com.typesafe.config.ConfigValue;
import com.typesafe.config.ConfigValueType;
import io.drwatch.collect.Collector;
import io.drwatch.collect.CollectorRegistry;
import io.drwatch.collect.custom.CustomCollectorConfig;
import io.drwatch.sample.CoreFamilies;
import io.drwatch.target.DatabaseFilter;
import io.drwatch.target.Flavor;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;
import java.util.regex.Pattern;

/**
 * Reads a user's HOCON file over {@code reference.conf} (and {@code CONFIG_FORCE_*} environment
 * overrides), then validates it into {@link AgentConfig}. Every problem is collected with its
 * file:line and key path; nothing half-valid is returned.
 */
public final class ConfigLoader {

  private static final Set<String> TOP_KEYS = Set.of("http", "defaults", "clusters", "targets",
      "custom-collectors", "logging");
  private static final Set<String> LOGGING_KEYS = Set.of("format", "level", "levels");
  private static final Set<String> LOG_LEVELS = Set.of("trace", "debug", "info", "warn", "error", "off");
  private static final Set<String> HTTP_KEYS = Set.of("host", "port", "tls", "basic-auth");
  private static final Set<String> TLS_KEYS = Set.of("cert-file", "key-file", "reload-interval");
  private static final Set<String> BASIC_AUTH_KEYS = Set.of("users", "open-paths", "cache-for");
  /** What bcrypt's modular crypt format looks like: $2a$, $2b$ or $2y$, a two-digit cost, 53 characters. */
  private static final Pattern BCRYPT = Pattern.compile("\\$2[aby]\\$(0[4-9]|[12][0-9]|3[01])\\$[./A-Za-z0-9]{53}");
  static final Set<String> SSLMODES = Set.of("disable", "allow", "prefer", "require", "verify-ca", "verify-full");
  private static final Set<String> DEFAULTS_KEYS = Set.of("interval", "timeout", "connect-timeout",
      "lock-timeout", "idle-in-transaction-timeout", "max-connections", "stale-after-intervals");
  private static final Set<String> CLUSTER_KEYS = Set.of("rpo-objective", "rto-objective",
      "rpo-objective-bytes", "promotion-overhead");
  private static final Set<String> TARGET_KEYS = Set.of("name", "url", "host", "port", "database",
      "user", "password-env", "password-file", "no-password", "flavor", "labels", "interval",
      "timeout", "collectors", "cockroach", "databases", "database-connections", "sslmode", "sslrootcert",
      "sslcert", "sslkey", "sslpassword-env", "sslpassword-file");
  private static final Set<String> COCKROACH_KEYS = Set.of("allow-unsafe-internals");
  private static final Set<String> COLLECTOR_KEYS = Set.of("enabled", "interval", "timeout");
  /** Label names the agent sets itself, or that collide with Prometheus target labels. */
  private static final Set<String> RESERVED_LABELS = Set.of("target", "job", "instance", "flavor",
      "version", "role", "system_identifier", "collector");
  private static final Pattern NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9_.-]*");
  private static final Pattern LABEL = Pattern.compile("[a-zA-Z_][a-zA-Z0-9_]*");
  private static final Pattern UNITLESS = Pattern.compile("\\s*[-+]?[0-9.]+([eE][-+]?[0-9]+)?\\s*");

  private Set<String> collectorNames;
  private CollectorRegistry registry;
  private final Set<String> givenNames;
  private final CollectorRegistry givenRegistry;
  private final Function<String, String> env;
  private final List<ConfigProblem> problems = new ArrayList<>();
  private String file = "<config>";

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
    problems.clear();
    collectorNames = givenNames;
    registry = givenRegistry;
    file = path.toString();
    if (!Files.isRegularFile(path)) {
      throw new ConfigException(List.of(new ConfigProblem(file, "-", "no such config file")));
    }
    Config user;
    try {
      user = ConfigFactory.parseFile(path.toFile(), ConfigParseOptions.defaults().setAllowMissing(false));
    } catch (com.typesafe.config.ConfigException e) {
      throw new ConfigException(List.of(new ConfigProblem(origin(e.origin()), "-", syntax(e))));
    }
    return load(user, path.toString());
  }

  public AgentConfig loadString(String hocon, String name) {
    problems.clear();
    collectorNames = givenNames;
    registry = givenRegistry;
    file = name;
    Config user;
    try {
      user = ConfigFactory.parseString(hocon, ConfigParseOptions.defaults().setOriginDescription(name));
    } catch (com.typesafe.config.ConfigException e) {
      throw new ConfigException(List.of(new ConfigProblem(origin(e.origin()), "-", syntax(e))));
    }
    return load(user, name);
  }

  private AgentConfig load(Config user, String source) {
    Config merged;
    try {
      merged = ConfigFactory.systemEnvironmentOverrides()
          .withFallback(user)
          .withFallback(ConfigFactory.parseResourcesAnySyntax(ConfigLoader.class.getClassLoader(), "reference"))
          .resolve();
    } catch (com.typesafe.config.ConfigException e) {
      throw new ConfigException(List.of(new ConfigProblem(origin(e.origin()), "-", syntax(e))));
    }
    for (String key : user.root().keySet()) {
      if (!key.equals("drwatch")) {
        problem(user.root().get(key), key, "unknown key (everything goes under drwatch { … })");
      }
    }
    if (!merged.hasPath("drwatch") || merged.getValue("drwatch").valueType() != ConfigValueType.OBJECT) {
      problem(null, "drwatch", "must be an object");
      throw new ConfigException(problems);
    }
    Config c = merged.getConfig("drwatch");
    unknownKeys(c.root(), "drwatch", TOP_KEYS);

    HttpSettings http = new HttpSettings(
        string(c, "http.host", "drwatch.http.host"),
        port(c, "http.port", "drwatch.http.port"),
        tls(c), basicAuth(c));
    unknownKeys(obj(c, "http", "drwatch.http"), "drwatch.http", HTTP_KEYS);
    Defaults defaults = defaults(c);
    LoggingSettings logging = logging(c);
    Map<String, ClusterSettings> clusters = clusters(c);
    List<CollectorRegistry.Entry> custom = customCollectors(c);
    int beforeTargets = problems.size();
    List<TargetSettings> targets = targets(c, defaults);
    if (problems.size() == beforeTargets) { // a target with a problem may be the cluster's member
      clustersHaveTargets(c.hasPath("clusters") && c.getValue("clusters") instanceof ConfigObject o ? o : null,
          targets);
    }
    if (!problems.isEmpty()) {
      throw new ConfigException(problems);
    }
    return new AgentConfig(http, defaults, clusters, targets, source, custom, logging);
  }

  private LoggingSettings logging(Config c) {
    unknownKeys(obj(c, "logging", "drwatch.logging"), "drwatch.logging", LOGGING_KEYS);
    String format = string(c, "logging.format", "drwatch.logging.format");
    if (format != null && !format.equals("text") && !format.equals("json")) {
      problem(valueOrNull(c, "logging.format"), "drwatch.logging.format", "must be text or json");
    }
    String level = string(c, "logging.level", "drwatch.logging.level");
    if (level != null && !LOG_LEVELS.contains(level.toLowerCase(java.util.Locale.ROOT))) {
      problem(valueOrNull(c, "logging.level"), "drwatch.logging.level",
          "must be one of trace, debug, info, warn, error, off");
    }
    Map<String, String> levels = new java.util.LinkedHashMap<>();
    ConfigObject o = obj(c, "logging.levels", "drwatch.logging.levels");
    if (o != null) {
      for (Map.Entry<String, ConfigValue> e : o.entrySet()) {
        String path = "drwatch.logging.levels.\"" + e.getKey() + "\"";
        Object v = e.getValue().unwrapped();
        if (!(v instanceof String l) || !LOG_LEVELS.contains(l.toLowerCase(java.util.Locale.ROOT))) {
          problem(e.getValue(), path, "must be one of trace, debug, info, warn, error, off");
        } else {
          levels.put(e.getKey(), l.toLowerCase(java.util.Locale.ROOT));
        }
      }
    }
    return new LoggingSettings(format == null ? "text" : format,
        level == null ? "info" : level.toLowerCase(java.util.Locale.ROOT), levels);
  }

  /**
   * Collectors defined under {@code custom-collectors}; from here on their names are valid under
   * a target's {@code collectors { … }} like the built-in ones.
   */
  private List<CollectorRegistry.Entry> customCollectors(Config c) {
    CollectorRegistry known = givenRegistry != null ? givenRegistry : CollectorRegistry.builtIn();
    CustomCollectorConfig parser = new CustomCollectorConfig(givenNames,
        CustomCollectorConfig.familiesOf(known, CoreFamilies.all()), this::problem);
    List<CollectorRegistry.Entry> custom = parser.parse(
        c.hasPath("custom-collectors") ? c.getValue("custom-collectors") : null, "drwatch.custom-collectors");
    Set<String> names = new HashSet<>(givenNames);
    custom.forEach(e -> names.add(e.collector().name()));
    collectorNames = Set.copyOf(names);
    registry = givenRegistry == null ? null : givenRegistry.plus(custom);
    return custom;
  }

  /** {@code http.tls}: on when cert-file is set; both files must be readable PEM. */
  private HttpSettings.Tls tls(Config c) {
    ConfigObject o = obj(c, "http.tls", "drwatch.http.tls");
    if (o == null) {
      return null;
    }
    String p = "drwatch.http.tls";
    unknownKeys(o, p, TLS_KEYS);
    Config t = o.toConfig();
    String cert = t.hasPath("cert-file") ? string(t, "cert-file", p + ".cert-file") : "";
    String key = t.hasPath("key-file") ? string(t, "key-file", p + ".key-file") : "";
    if (cert == null || key == null) {
      return null;
    }
    if (cert.isBlank() && key.isBlank()) {
      return null; // TLS off
    }
    if (cert.isBlank() || key.isBlank()) {
      String missing = cert.isBlank() ? "cert-file" : "key-file";
      problem(o, p + "." + missing, "is required when " + (cert.isBlank() ? "key-file" : "cert-file")
          + " is set (TLS needs both)");
      return null;
    }
    Duration reload = t.hasPath("reload-interval") ? duration(t, "reload-interval", p + ".reload-interval")
        : Duration.ofMinutes(1);
    boolean ok = pem(o.get("cert-file"), p + ".cert-file", cert, "CERTIFICATE");
    ok &= pem(o.get("key-file"), p + ".key-file", key, "PRIVATE KEY");
    return ok && reload != null ? new HttpSettings.Tls(Path.of(cert), Path.of(key), reload) : null;
  }

  /**
   * A readable file holding a PEM block whose label ends in {@code label}. The message names the
   * key and the file, never what the file holds.
   */
  private boolean pem(ConfigValue at, String key, String file, String label) {
    Path f = Path.of(file);
    if (!Files.isRegularFile(f)) {
      problem(at, key, "no such file: " + file);
      return false;
    }
    String text;
    try {
      text = Files.readString(f, StandardCharsets.US_ASCII);
    } catch (IOException | RuntimeException e) {
      problem(at, key, "cannot read " + file + " (" + e.getClass().getSimpleName() + ")");
      return false;
    }
    if (!Pattern.compile("-----BEGIN [A-Z ]*" + label + "-----").matcher(text).find()) {
      problem(at, key, file + " holds no PEM \"" + label + "\" block"
          + (label.equals("PRIVATE KEY") ? " (PKCS#8 PRIVATE KEY, RSA PRIVATE KEY or EC PRIVATE KEY)" : ""));
      return false;
    }
    return true;
  }

  /** {@code http.basic-auth}: on when users is non-empty; each value a bcrypt hash, never a password. */
  private HttpSettings.BasicAuth basicAuth(Config c) {
    ConfigObject o = obj(c, "http.basic-auth", "drwatch.http.basic-auth");
    if (o == null) {
      return null;
    }
    String p = "drwatch.http.basic-auth";
    unknownKeys(o, p, BASIC_AUTH_KEYS);
    Config b = o.toConfig();
    Map<String, String> users = new LinkedHashMap<>();
    if (o.get("users") != null && !(o.get("users") instanceof ConfigObject)) {
      problem(o.get("users"), p + ".users", "must be an object of name = \"<bcrypt hash>\"");
      return null;
    }
    ConfigObject uo = (ConfigObject) o.get("users");
    boolean ok = true;
    if (uo != null) {
      for (Map.Entry<String, ConfigValue> e : uo.entrySet()) {
        String upath = p + ".users." + e.getKey();
        Object v = e.getValue().unwrapped();
        if (e.getKey().contains(":") || e.getKey().isEmpty()) {
          problem(e.getValue(), upath, "a user name must not be empty or contain ':'");
          ok = false;
        } else if (!(v instanceof String hash) || !BCRYPT.matcher(hash).matches()) {
          // Never echo the value: it may be a plaintext password pasted by mistake.
          problem(e.getValue(), upath, "must be a bcrypt hash ($2a$, $2b$ or $2y$, 60 characters), "
              + "not a password; make one with `drwatch hash-password`");
          ok = false;
        } else {
          users.put(e.getKey(), hash);
        }
      }
    }
    List<String> open = List.of("/healthz");
    if (b.hasPath("open-paths")) {
      try {
        open = b.getStringList("open-paths");
        for (String path : open) {
          if (!path.startsWith("/")) {
            problem(o.get("open-paths"), p + ".open-paths", "paths start with '/', not \"" + path + "\"");
            ok = false;
          }
        }
      } catch (com.typesafe.config.ConfigException e) {
        problem(o.get("open-paths"), p + ".open-paths", "must be a list of paths such as [\"/healthz\"]");
        ok = false;
      }
    }
    Duration cacheFor = b.hasPath("cache-for") ? duration(b, "cache-for", p + ".cache-for") : Duration.ofMinutes(5);
    if (!ok || cacheFor == null || users.isEmpty()) {
      return null;
    }
    return new HttpSettings.BasicAuth(users, Set.copyOf(open), cacheFor);
  }

  private Defaults defaults(Config c) {
    unknownKeys(obj(c, "defaults", "drwatch.defaults"), "drwatch.defaults", DEFAULTS_KEYS);
    Config d = c.hasPath("defaults") ? c.getConfig("defaults") : ConfigFactory.empty();
    String p = "drwatch.defaults.";
    Duration interval = duration(d, "interval", p + "interval");
    Duration timeout = duration(d, "timeout", p + "timeout");
    if (interval != null && timeout != null && timeout.compareTo(interval) > 0) {
      problem(d.getValue("timeout"), p + "timeout", "must not exceed the interval (" + interval + ")");
    }
    int maxConnections = integer(d, "max-connections", p + "max-connections", 1, 10);
    int stale = integer(d, "stale-after-intervals", p + "stale-after-intervals", 1, 100);
    return new Defaults(interval, timeout,
        duration(d, "connect-timeout", p + "connect-timeout"),
        duration(d, "lock-timeout", p + "lock-timeout"),
        duration(d, "idle-in-transaction-timeout", p + "idle-in-transaction-timeout"),
        maxConnections, stale);
  }

  private Map<String, ClusterSettings> clusters(Config c) {
    Map<String, ClusterSettings> out = new LinkedHashMap<>();
    ConfigObject clusters = obj(c, "clusters", "drwatch.clusters");
    if (clusters == null) {
      return out;
    }
    for (Map.Entry<String, ConfigValue> e : clusters.entrySet()) {
      String path = "drwatch.clusters." + e.getKey();
      if (!(e.getValue() instanceof ConfigObject o)) {
        problem(e.getValue(), path, "must be an object");
        continue;
      }
      unknownKeys(o, path, CLUSTER_KEYS);
      Config cc = o.toConfig();
      out.put(e.getKey(), new ClusterSettings(e.getKey(),
          cc.hasPath("rpo-objective") ? duration(cc, "rpo-objective", path + ".rpo-objective") : null,
          cc.hasPath("rto-objective") ? duration(cc, "rto-objective", path + ".rto-objective") : null,
          cc.hasPath("rpo-objective-bytes") ? bytes(cc, "rpo-objective-bytes", path + ".rpo-objective-bytes") : null,
          cc.hasPath("promotion-overhead")
              ? duration(cc, "promotion-overhead", path + ".promotion-overhead")
              : ClusterSettings.DEFAULT_PROMOTION_OVERHEAD));
    }
    return out;
  }

  /** Objectives for a cluster no target belongs to would never be compared with anything. */
  private void clustersHaveTargets(ConfigObject clusters, List<TargetSettings> targets) {
    if (clusters == null) {
      return;
    }
    Set<String> used = new java.util.TreeSet<>();
    targets.forEach(t -> used.add(t.cluster()));
    for (Map.Entry<String, ConfigValue> e : clusters.entrySet()) {
      if (!used.contains(e.getKey())) {
        problem(e.getValue(), "drwatch.clusters." + e.getKey(), "no target has labels.cluster = \""
            + e.getKey() + "\"" + (used.isEmpty() ? "" : " (targets' clusters: " + String.join(", ", used) + ")"));
      }
    }
  }

  private List<TargetSettings> targets(Config c, Defaults defaults) {
    List<TargetSettings> out = new ArrayList<>();
    if (!c.hasPath("targets")) {
      return out;
    }
    ConfigValue raw = c.getValue("targets");
    if (!(raw instanceof ConfigList list)) {
      problem(raw, "drwatch.targets", "must be a list of target objects");
      return out;
    }
    Set<String> names = new HashSet<>();
    for (int i = 0; i < list.size(); i++) {
      String path = "drwatch.targets[" + i + "]";
      if (!(list.get(i) instanceof ConfigObject o)) {
        problem(list.get(i), path, "must be an object");
        continue;
      }
      TargetSettings t = target(o, path, defaults);
      if (t != null && !names.add(t.name())) {
        problem(o.get("name"), path + ".name", "duplicate target name \"" + t.name() + "\"");
      }
      if (t != null) {
        out.add(t);
      }
    }
    return out;
  }

  private TargetSettings target(ConfigObject o, String path, Defaults defaults) {
    int before = problems.size();
    unknownKeys(o, path, TARGET_KEYS);
    Config t = o.toConfig();
    String name = required(t, o, "name", path);
    if (name != null && !NAME.matcher(name).matches()) {
      problem(o.get("name"), path + ".name", "must be letters, digits, '_', '.', '-'");
    }
    String url = jdbcUrl(t, o, path);
    String user = required(t, o, "user", path);
    Secret password = password(t, o, path);
    Flavor flavor = Flavor.AUTO;
    if (t.hasPath("flavor")) {
      String f = string(t, "flavor", path + ".flavor");
      try {
        flavor = f == null ? Flavor.AUTO : Flavor.parse(f);
      } catch (IllegalArgumentException e) {
        problem(o.get("flavor"), path + ".flavor", "must be auto, postgresql or cockroachdb, not \"" + f + "\"");
      }
    }
    Map<String, String> labels = labels(t, o, path);
    if (name != null) {
      labels.putIfAbsent("cluster", name);
    }
    Duration interval = t.hasPath("interval") ? duration(t, "interval", path + ".interval") : null;
    Duration timeout = t.hasPath("timeout") ? duration(t, "timeout", path + ".timeout") : null;
    Duration effInterval = interval != null ? interval : defaults.interval();
    if (timeout != null && effInterval != null && timeout.compareTo(effInterval) > 0) {
      problem(o.get("timeout"), path + ".timeout", "must not exceed the interval (" + effInterval + ")");
    }
    Map<String, CollectorSettings> collectors = collectors(t, o, path);
    boolean allowUnsafeInternals = cockroach(t, o, path, flavor);
    DatabaseFilter databases = null;
    if (t.hasPath("databases")) {
      try {
        databases = DatabaseFilter.fromConfig(o.get("databases"));
      } catch (IllegalArgumentException e) {
        problem(o.get("databases"), path + ".databases", e.getMessage());
      }
    }
    int databaseConnections = t.hasPath("database-connections")
        ? integer(t, "database-connections", path + ".database-connections", 1, 10)
        : TargetSettings.DEFAULT_DATABASE_CONNECTIONS;
    if (t.hasPath("database-connections") && databases == null && problems.size() == before) {
      problem(o.get("database-connections"), path + ".database-connections",
          "applies only with databases = … (fan-out to other databases)");
    }
    TargetSettings.DbTls tls = dbTls(t, o, path, url);
    if (problems.size() > before) {
      return null;
    }
    return new TargetSettings(name, url, user, password, flavor, labels, interval, timeout,
        collectors, origin(o.origin()), allowUnsafeInternals, databases, databaseConnections, tls);
  }

  /**
   * {@code sslmode}, {@code sslrootcert}, {@code sslcert}, {@code sslkey} and the client key's
   * password ({@code sslpassword-env} / {@code sslpassword-file}; never inline). Null when none is set.
   */
  private TargetSettings.DbTls dbTls(Config t, ConfigObject o, String path, String url) {
    List<String> keys = List.of("sslmode", "sslrootcert", "sslcert", "sslkey", "sslpassword-env", "sslpassword-file");
    if (keys.stream().noneMatch(t::hasPath)) {
      return null;
    }
    if (url != null) {
      for (String k : List.of("sslmode", "sslrootcert", "sslcert", "sslkey", "sslpassword")) {
        if (Pattern.compile("[?&]" + k + "=").matcher(url).find() && (t.hasPath(k) || t.hasPath(k + "-env")
            || t.hasPath(k + "-file"))) {
          problem(o.get(t.hasPath(k) ? k : t.hasPath(k + "-env") ? k + "-env" : k + "-file"), path + "." + k,
              "also given in the url; set it in one place only");
        }
      }
    }
    String mode = null;
    if (t.hasPath("sslmode")) {
      mode = string(t, "sslmode", path + ".sslmode");
      if (mode != null && !SSLMODES.contains(mode)) {
        problem(o.get("sslmode"), path + ".sslmode", "must be one of disable, allow, prefer, require, verify-ca, "
            + "verify-full, not \"" + mode + "\"");
        mode = null;
      }
    }
    String root = sslFile(t, o, path, "sslrootcert");
    String cert = sslFile(t, o, path, "sslcert");
    String key = sslFile(t, o, path, "sslkey");
    boolean pkcs12 = key != null && key.matches("(?i).*\\.(p12|pfx)");
    if (((cert != null && key == null) || (cert == null && key != null && !pkcs12))
        && problems.stream().noneMatch(p -> p.key().startsWith(path + ".ssl"))) {
      problem(o, path + "." + (cert == null ? "sslcert" : "sslkey"),
          "a client certificate needs both sslcert and sslkey (or sslkey alone naming a .p12 / .pfx file)");
    }
    if ((root != null || cert != null) && "disable".equals(mode)) {
      problem(o.get("sslmode"), path + ".sslmode", "is disable, but certificate files are set");
    }
    Secret sslPassword = null;
    if (t.hasPath("sslpassword-env") && t.hasPath("sslpassword-file")) {
      problem(o.get("sslpassword-file"), path + ".sslpassword-file", "choose one of [sslpassword-env, sslpassword-file]");
    } else if (t.hasPath("sslpassword-env")) {
      String var = string(t, "sslpassword-env", path + ".sslpassword-env");
      String value = var == null ? null : env.apply(var);
      if (var != null && value == null) {
        problem(o.get("sslpassword-env"), path + ".sslpassword-env", "environment variable " + var + " is not set");
      }
      sslPassword = value == null ? null : new Secret(value);
    } else if (t.hasPath("sslpassword-file")) {
      String f = string(t, "sslpassword-file", path + ".sslpassword-file");
      if (f != null) {
        try {
          sslPassword = new Secret(Files.readString(Path.of(f), StandardCharsets.UTF_8).strip());
        } catch (IOException | RuntimeException e) {
          problem(o.get("sslpassword-file"), path + ".sslpassword-file", "cannot read " + f + " ("
              + e.getClass().getSimpleName() + ")");
        }
      }
    }
    if (sslPassword != null && key == null) {
      problem(o, path + ".sslkey", "sslpassword-env / sslpassword-file need sslkey (the key it decrypts)");
    }
    return new TargetSettings.DbTls(mode, root, cert, key, sslPassword);
  }

  /** A certificate or key path that must name a readable file (pgjdbc would otherwise fail per connect). */
  private String sslFile(Config t, ConfigObject o, String path, String key) {
    if (!t.hasPath(key)) {
      return null;
    }
    String f = string(t, key, path + "." + key);
    if (f == null) {
      return null;
    }
    Path p = Path.of(f);
    if (!Files.isRegularFile(p)) {
      problem(o.get(key), path + "." + key, "no such file: " + f);
      return null;
    }
    if (!Files.isReadable(p)) {
      problem(o.get(key), path + "." + key, "cannot read " + f + " (permission denied)");
      return null;
    }
    return f;
  }

  /** {@code cockroach { allow-unsafe-internals = true }}: an explicit, per-target opt-in. */
  private boolean cockroach(Config t, ConfigObject o, String path, Flavor flavor) {
    if (!t.hasPath("cockroach")) {
      return false;
    }
    String cpath = path + ".cockroach";
    if (!(o.get("cockroach") instanceof ConfigObject co)) {
      problem(o.get("cockroach"), cpath, "must be an object { allow-unsafe-internals = true | false }");
      return false;
    }
    unknownKeys(co, cpath, COCKROACH_KEYS);
    if (flavor == Flavor.POSTGRESQL) {
      problem(co, cpath, "applies to CockroachDB targets only (this target is flavor = postgresql)");
      return false;
    }
    Config cc = co.toConfig();
    if (!cc.hasPath("allow-unsafe-internals")) {
      return false;
    }
    Boolean allow = bool(cc, "allow-unsafe-internals", cpath + ".allow-unsafe-internals");
    return Boolean.TRUE.equals(allow);
  }

  private String jdbcUrl(Config t, ConfigObject o, String path) {
    boolean hasUrl = t.hasPath("url");
    boolean hasHost = t.hasPath("host");
    if (hasUrl && hasHost) {
      problem(o.get("host"), path + ".host", "give either url or host/port/database, not both");
      return null;
    }
    if (hasUrl) {
      String url = string(t, "url", path + ".url");
      if (url != null && !url.startsWith("jdbc:postgresql://")) {
        problem(o.get("url"), path + ".url", "must start with jdbc:postgresql:// (CockroachDB speaks it too)");
      } else if (url != null && url.substring("jdbc:postgresql://".length()).split("[/?]", 2)[0].contains("@")) {
        // pgjdbc would take "user:password@host" for a host name, and echo it in every error.
        problem(o.get("url"), path + ".url", "must not hold user:password@ (pgjdbc does not read it); "
            + "set user, and password-env or password-file");
        return null;
      }
      return url;
    }
    if (!hasHost) {
      problem(o, path, "needs url, or host (with optional port and database)");
      return null;
    }
    String host = string(t, "host", path + ".host");
    int port = t.hasPath("port") ? port(t, "port", path + ".port") : 5432;
    String database = t.hasPath("database") ? string(t, "database", path + ".database") : "postgres";
    String h = host != null && host.contains(":") && !host.startsWith("[") ? "[" + host + "]" : host;
    return "jdbc:postgresql://" + h + ":" + port + "/" + database;
  }

  private Secret password(Config t, ConfigObject o, String path) {
    List<String> given = new ArrayList<>();
    for (String k : List.of("password-env", "password-file", "no-password")) {
      if (t.hasPath(k)) {
        given.add(k);
      }
    }
    if (given.size() > 1) {
      problem(o.get(given.get(1)), path + "." + given.get(1), "choose one of " + given);
      return null;
    }
    if (given.isEmpty()) {
      problem(o, path, "needs a password source: password-env, password-file, or no-password = true "
          + "(inline passwords are not accepted)");
      return null;
    }
    switch (given.get(0)) {
      case "password-env" -> {
        String var = string(t, "password-env", path + ".password-env");
        String value = var == null ? null : env.apply(var);
        if (var != null && value == null) {
          problem(o.get("password-env"), path + ".password-env", "environment variable " + var + " is not set");
        }
        return value == null ? null : new Secret(value);
      }
      case "password-file" -> {
        String f = string(t, "password-file", path + ".password-file");
        if (f == null) {
          return null;
        }
        try {
          String value = Files.readString(Path.of(f), StandardCharsets.UTF_8);
          return new Secret(value.strip());
        } catch (IOException | RuntimeException e) {
          problem(o.get("password-file"), path + ".password-file", "cannot read " + f + " (" + readFailure(e) + ")");
          return null;
        }
      }
      default -> {
        Boolean none = bool(t, "no-password", path + ".no-password");
        if (Boolean.FALSE.equals(none)) {
          problem(o.get("no-password"), path + ".no-password", "set password-env or password-file instead of no-password = false");
        }
        return null;
      }
    }
  }

  private Map<String, String> labels(Config t, ConfigObject o, String path) {
    Map<String, String> labels = new LinkedHashMap<>();
    if (!t.hasPath("labels")) {
      return labels;
    }
    if (!(o.get("labels") instanceof ConfigObject lo)) {
      problem(o.get("labels"), path + ".labels", "must be an object of name = value");
      return labels;
    }
    for (Map.Entry<String, ConfigValue> e : lo.entrySet()) {
      String key = e.getKey();
      String lpath = path + ".labels." + key;
      if (!LABEL.matcher(key).matches() || key.startsWith("__")) {
        problem(e.getValue(), lpath, "is not a valid Prometheus label name");
      } else if (RESERVED_LABELS.contains(key)) {
        problem(e.getValue(), lpath, "is reserved (set by drwatch or by Prometheus)");
      } else if (e.getValue().valueType() == ConfigValueType.OBJECT
          || e.getValue().valueType() == ConfigValueType.LIST || e.getValue().unwrapped() == null) {
        problem(e.getValue(), lpath, "must be a string");
      } else {
        labels.put(key, String.valueOf(e.getValue().unwrapped()));
      }
    }
    return labels;
  }

  private Map<String, CollectorSettings> collectors(Config t, ConfigObject o, String path) {
    Map<String, CollectorSettings> out = new LinkedHashMap<>();
    if (!t.hasPath("collectors")) {
      return out;
    }
    if (!(o.get("collectors") instanceof ConfigObject co)) {
      problem(o.get("collectors"), path + ".collectors", "must be an object keyed by collector name");
      return out;
    }
    for (Map.Entry<String, ConfigValue> e : co.entrySet()) {
      String cpath = path + ".collectors." + e.getKey();
      if (!collectorNames.contains(e.getKey())) {
        problem(e.getValue(), cpath, "unknown collector (known: " + String.join(", ", sorted(collectorNames)) + ")");
        continue;
      }
      if (!(e.getValue() instanceof ConfigObject c)) {
        problem(e.getValue(), cpath, "must be an object { enabled, interval, timeout }");
        continue;
      }
      Collector known = registry == null ? null : registry.find(e.getKey()).orElseThrow().collector();
      Set<String> allowed = new HashSet<>(COLLECTOR_KEYS);
      if (known != null) {
        allowed.addAll(known.optionKeys());
      }
      unknownKeys(c, cpath, allowed);
      Config cc = c.toConfig();
      Collector configured = null;
      Config options = CollectorSettings.options(cc);
      if (known != null && !options.isEmpty() && allowed.containsAll(options.root().keySet())) {
        try {
          configured = known.configure(options);
        } catch (IllegalArgumentException | com.typesafe.config.ConfigException ex) {
          problem(c, cpath, ex.getMessage());
        }
      }
      Boolean enabled = cc.hasPath("enabled") ? bool(cc, "enabled", cpath + ".enabled") : null;
      Duration interval = cc.hasPath("interval") ? duration(cc, "interval", cpath + ".interval") : null;
      Duration timeout = cc.hasPath("timeout") ? duration(cc, "timeout", cpath + ".timeout") : null;
      if (interval != null && timeout != null && timeout.compareTo(interval) > 0) {
        problem(c.get("timeout"), cpath + ".timeout", "must not exceed the interval (" + interval + ")");
      }
      out.put(e.getKey(), new CollectorSettings(enabled, interval, timeout, configured));
    }
    return out;
  }

  // ---- typed readers: each records a problem and returns null/0 instead of throwing

  private String required(Config t, ConfigObject o, String key, String path) {
    if (!t.hasPath(key)) {
      problem(o, path + "." + key, "is required");
      return null;
    }
    String v = string(t, key, path + "." + key);
    if (v != null && v.isBlank()) {
      problem(o.get(key), path + "." + key, "must not be empty");
      return null;
    }
    return v;
  }

  private String string(Config c, String key, String path) {
    try {
      ConfigValue v = c.getValue(key);
      if (v.valueType() == ConfigValueType.OBJECT || v.valueType() == ConfigValueType.LIST) {
        problem(v, path, "must be a string");
        return null;
      }
      return c.getString(key);
    } catch (com.typesafe.config.ConfigException e) {
      problem(valueOrNull(c, key), path, message(e));
      return null;
    }
  }

  private Boolean bool(Config c, String key, String path) {
    try {
      return c.getBoolean(key);
    } catch (com.typesafe.config.ConfigException e) {
      problem(valueOrNull(c, key), path, "must be true or false");
      return null;
    }
  }

  private int integer(Config c, String key, String path, int min, int max) {
    try {
      int v = c.getInt(key);
      if (v < min || v > max) {
        problem(c.getValue(key), path, "must be between " + min + " and " + max);
      }
      return v;
    } catch (com.typesafe.config.ConfigException e) {
      problem(valueOrNull(c, key), path, "must be a whole number");
      return 0;
    }
  }

  private int port(Config c, String key, String path) {
    return integer(c, key, path, 0, 65535); // 0: any free port (tests)
  }

  private Duration duration(Config c, String key, String path) {
    try {
      ConfigValue v = c.getValue(key);
      // A quoted number ("60") would silently mean milliseconds, like a bare one.
      if (v.valueType() == ConfigValueType.NUMBER
          || (v.valueType() == ConfigValueType.STRING && UNITLESS.matcher(c.getString(key)).matches())) {
        problem(v, path, "needs a unit, e.g. 15s or 500ms");
        return null;
      }
      Duration d = c.getDuration(key);
      if (d.isNegative() || d.isZero()) {
        problem(v, path, "must be positive");
        return null;
      }
      return d;
    } catch (com.typesafe.config.ConfigException e) {
      problem(valueOrNull(c, key), path, "must be a duration such as 15s, 500ms or 2m");
      return null;
    }
  }

  /** A size: a whole number of bytes, or a string such as 16MiB or 1GB. */
  private Long bytes(Config c, String key, String path) {
    try {
      long v = c.getBytes(key);
      if (v <= 0) {
        problem(c.getValue(key), path, "must be positive");
        return null;
      }
      return v;
    } catch (com.typesafe.config.ConfigException e) {
      problem(valueOrNull(c, key), path, "must be a size such as 16MiB, 1GB or a number of bytes");
      return null;
    }
  }

  private ConfigObject obj(Config c, String key, String path) {
    if (!c.hasPath(key)) {
      return null;
    }
    ConfigValue v = c.getValue(key);
    if (v instanceof ConfigObject o) {
      return o;
    }
    problem(v, path, "must be an object");
    return null;
  }

  private void unknownKeys(ConfigObject o, String path, Set<String> allowed) {
    if (o == null) {
      return;
    }
    for (Map.Entry<String, ConfigValue> e : o.entrySet()) {
      if (!allowed.contains(e.getKey())) {
        problem(e.getValue(), path + "." + e.getKey(),
            "unknown key (allowed: " + String.join(", ", sorted(allowed)) + ")");
      }
    }
  }

  private static ConfigValue valueOrNull(Config c, String key) {
    try {
      return c.hasPathOrNull(key) ? c.getValue(key) : null;
    } catch (com.typesafe.config.ConfigException e) {
      return null;
    }
  }

  private void problem(ConfigValue at, String key, String message) {
    problems.add(new ConfigProblem(at == null ? file : origin(at.origin()), key, message));
  }

  private String origin(ConfigOrigin o) {
    if (o == null) {
      return file;
    }
    String name = o.filename() != null ? o.filename() : (o.resource() != null ? o.resource() : null);
    if (name == null) {
      String d = o.description();
      int colon = d.lastIndexOf(':');
      name = colon > 0 ? d.substring(0, colon).trim() : file;
    }
    return o.lineNumber() > 0 ? name + ":" + o.lineNumber() : name;
  }

  private static String syntax(com.typesafe.config.ConfigException e) {
    String m = e.getMessage();
    // Typesafe prefixes the origin ("file: 3: ..."), which we already print.
    int idx = m.indexOf(": ", m.indexOf(": ") + 2);
    return idx > 0 && e.origin() != null ? m.substring(idx + 2) : m;
  }

  private static String message(com.typesafe.config.ConfigException e) {
    String m = e.getMessage();
    int idx = m.lastIndexOf(": ");
    return (idx > 0 ? m.substring(idx + 2) : m).toLowerCase(Locale.ROOT);
  }

  private static List<String> sorted(Set<String> s) {
    return s.stream().sorted().toList();
  }

  /** Why a file could not be read, in words (never an exception's class name or stack trace). */
  static String readFailure(Exception e) {
    if (e instanceof java.nio.file.NoSuchFileException) {
      return "no such file";
    }
    if (e instanceof java.nio.file.AccessDeniedException) {
      return "permission denied";
    }
    if (e instanceof java.nio.charset.CharacterCodingException) {
      return "not UTF-8 text";
    }
    if (e instanceof java.nio.file.InvalidPathException) {
      return "not a valid path";
    }
    if (e instanceof IOException && e.getMessage() != null && e.getMessage().contains("directory")) {
      return "is a directory";
    }
    return "unreadable";
  }
}
