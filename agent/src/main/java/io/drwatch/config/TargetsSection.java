package io.drwatch.config;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigList;
import com.typesafe.config.ConfigObject;
import com.typesafe.config.ConfigValue;
import com.typesafe.config.ConfigValueType;
import io.drwatch.collect.Collector;
import io.drwatch.collect.CollectorRegistry;
import io.drwatch.target.DatabaseFilter;
import io.drwatch.target.Flavor;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * {@code drwatch.targets}: each server to watch, with its connection, password source, TLS, labels
 * and per-collector overrides (checked against the collectors known after custom-collectors).
 */
final class TargetsSection {

  static final Set<String> KEYS = Set.of("name", "url", "host", "port", "database",
      "user", "password-env", "password-file", "no-password", "flavor", "labels", "interval",
      "timeout", "collectors", "cockroach", "databases", "database-connections", "sslmode", "sslrootcert",
      "sslcert", "sslkey", "sslpassword-env", "sslpassword-file");
  static final Set<String> SSLMODES = Set.of("disable", "allow", "prefer", "require", "verify-ca", "verify-full");
  private static final Set<String> COCKROACH_KEYS = Set.of("allow-unsafe-internals");
  private static final Set<String> COLLECTOR_KEYS = Set.of("enabled", "interval", "timeout");
  /** Label names the agent sets itself, or that collide with Prometheus target labels. */
  private static final Set<String> RESERVED_LABELS = Set.of("target", "job", "instance", "flavor",
      "version", "role", "system_identifier", "collector");
  private static final Pattern NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9_.-]*");
  private static final Pattern LABEL = Pattern.compile("[a-zA-Z_][a-zA-Z0-9_]*");

  private final ConfigReader r;
  /** Names that may appear under a target's {@code collectors}, custom ones included. */
  private final Set<String> collectorNames;
  /** For collector options; null when the loader was given names only. */
  private final CollectorRegistry registry;

  TargetsSection(ConfigReader r, Set<String> collectorNames, CollectorRegistry registry) {
    this.r = r;
    this.collectorNames = collectorNames;
    this.registry = registry;
  }

  List<TargetSettings> read(Config c, Defaults defaults) {
    List<TargetSettings> out = new ArrayList<>();
    if (!c.hasPath("targets")) {
      return out;
    }
    ConfigValue raw = c.getValue("targets");
    if (!(raw instanceof ConfigList list)) {
      r.problem(raw, "drwatch.targets", "must be a list of target objects");
      return out;
    }
    Set<String> names = new HashSet<>();
    for (int i = 0; i < list.size(); i++) {
      String path = "drwatch.targets[" + i + "]";
      if (!(list.get(i) instanceof ConfigObject o)) {
        r.problem(list.get(i), path, "must be an object");
        continue;
      }
      TargetSettings t = target(o, path, defaults);
      if (t != null && !names.add(t.name())) {
        r.problem(o.get("name"), path + ".name", "duplicate target name \"" + t.name() + "\"");
      }
      if (t != null) {
        out.add(t);
      }
    }
    return out;
  }

  private TargetSettings target(ConfigObject o, String path, Defaults defaults) {
    int before = r.problemCount();
    r.unknownKeys(o, path, KEYS);
    Config t = o.toConfig();
    String name = r.required(t, o, "name", path);
    if (name != null && !NAME.matcher(name).matches()) {
      r.problem(o.get("name"), path + ".name", "must be letters, digits, '_', '.', '-'");
    }
    String url = jdbcUrl(t, o, path);
    String user = r.required(t, o, "user", path);
    Secret password = r.password(t, o, path);
    Flavor flavor = Flavor.AUTO;
    if (t.hasPath("flavor")) {
      String f = r.string(t, "flavor", path + ".flavor");
      try {
        flavor = f == null ? Flavor.AUTO : Flavor.parse(f);
      } catch (IllegalArgumentException e) {
        r.problem(o.get("flavor"), path + ".flavor", "must be auto, postgresql or cockroachdb, not \"" + f + "\"");
      }
    }
    Map<String, String> labels = labels(t, o, path);
    if (name != null) {
      labels.putIfAbsent("cluster", name);
    }
    Duration interval = t.hasPath("interval") ? r.duration(t, "interval", path + ".interval") : null;
    Duration timeout = t.hasPath("timeout") ? r.duration(t, "timeout", path + ".timeout") : null;
    Duration effInterval = interval != null ? interval : defaults.interval();
    if (timeout != null && effInterval != null && timeout.compareTo(effInterval) > 0) {
      r.problem(o.get("timeout"), path + ".timeout", "must not exceed the interval (" + effInterval + ")");
    }
    Map<String, CollectorSettings> collectors = collectors(t, o, path);
    boolean allowUnsafeInternals = cockroach(t, o, path, flavor);
    DatabaseFilter databases = null;
    if (t.hasPath("databases")) {
      try {
        databases = DatabaseFilter.fromConfig(o.get("databases"));
      } catch (IllegalArgumentException e) {
        r.problem(o.get("databases"), path + ".databases", e.getMessage());
      }
    }
    int databaseConnections = t.hasPath("database-connections")
        ? r.integer(t, "database-connections", path + ".database-connections", 1, 10)
        : TargetSettings.DEFAULT_DATABASE_CONNECTIONS;
    if (t.hasPath("database-connections") && databases == null && r.problemCount() == before) {
      r.problem(o.get("database-connections"), path + ".database-connections",
          "applies only with databases = … (fan-out to other databases)");
    }
    TargetSettings.DbTls tls = dbTls(t, o, path, url);
    if (r.problemCount() > before) {
      return null;
    }
    return new TargetSettings(name, url, user, password, flavor, labels, interval, timeout,
        collectors, r.origin(o.origin()), allowUnsafeInternals, databases, databaseConnections, tls);
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
          r.problem(o.get(t.hasPath(k) ? k : t.hasPath(k + "-env") ? k + "-env" : k + "-file"), path + "." + k,
              "also given in the url; set it in one place only");
        }
      }
    }
    String mode = null;
    if (t.hasPath("sslmode")) {
      mode = r.string(t, "sslmode", path + ".sslmode");
      if (mode != null && !SSLMODES.contains(mode)) {
        r.problem(o.get("sslmode"), path + ".sslmode", "must be one of disable, allow, prefer, require, verify-ca, "
            + "verify-full, not \"" + mode + "\"");
        mode = null;
      }
    }
    String root = sslFile(t, o, path, "sslrootcert");
    String cert = sslFile(t, o, path, "sslcert");
    String key = sslFile(t, o, path, "sslkey");
    boolean pkcs12 = key != null && key.matches("(?i).*\\.(p12|pfx)");
    if (((cert != null && key == null) || (cert == null && key != null && !pkcs12))
        && r.problems().stream().noneMatch(p -> p.key().startsWith(path + ".ssl"))) {
      r.problem(o, path + "." + (cert == null ? "sslcert" : "sslkey"),
          "a client certificate needs both sslcert and sslkey (or sslkey alone naming a .p12 / .pfx file)");
    }
    if ((root != null || cert != null) && "disable".equals(mode)) {
      r.problem(o.get("sslmode"), path + ".sslmode", "is disable, but certificate files are set");
    }
    Secret sslPassword = null;
    if (t.hasPath("sslpassword-env") && t.hasPath("sslpassword-file")) {
      r.problem(o.get("sslpassword-file"), path + ".sslpassword-file", "choose one of [sslpassword-env, sslpassword-file]");
    } else {
      sslPassword = r.secret(t, o, path, "sslpassword-env", "sslpassword-file");
    }
    if (sslPassword != null && key == null) {
      r.problem(o, path + ".sslkey", "sslpassword-env / sslpassword-file need sslkey (the key it decrypts)");
    }
    return new TargetSettings.DbTls(mode, root, cert, key, sslPassword);
  }

  /** A certificate or key path that must name a readable file (pgjdbc would otherwise fail per connect). */
  private String sslFile(Config t, ConfigObject o, String path, String key) {
    if (!t.hasPath(key)) {
      return null;
    }
    String f = r.string(t, key, path + "." + key);
    if (f == null) {
      return null;
    }
    Path p = Path.of(f);
    if (!Files.isRegularFile(p)) {
      r.problem(o.get(key), path + "." + key, "no such file: " + f);
      return null;
    }
    if (!Files.isReadable(p)) {
      r.problem(o.get(key), path + "." + key, "cannot read " + f + " (permission denied)");
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
      r.problem(o.get("cockroach"), cpath, "must be an object { allow-unsafe-internals = true | false }");
      return false;
    }
    r.unknownKeys(co, cpath, COCKROACH_KEYS);
    if (flavor == Flavor.POSTGRESQL) {
      r.problem(co, cpath, "applies to CockroachDB targets only (this target is flavor = postgresql)");
      return false;
    }
    Config cc = co.toConfig();
    if (!cc.hasPath("allow-unsafe-internals")) {
      return false;
    }
    Boolean allow = r.bool(cc, "allow-unsafe-internals", cpath + ".allow-unsafe-internals");
    return Boolean.TRUE.equals(allow);
  }

  private String jdbcUrl(Config t, ConfigObject o, String path) {
    boolean hasUrl = t.hasPath("url");
    boolean hasHost = t.hasPath("host");
    if (hasUrl && hasHost) {
      r.problem(o.get("host"), path + ".host", "give either url or host/port/database, not both");
      return null;
    }
    if (hasUrl) {
      String url = r.string(t, "url", path + ".url");
      if (url != null && !url.startsWith("jdbc:postgresql://")) {
        r.problem(o.get("url"), path + ".url", "must start with jdbc:postgresql:// (CockroachDB speaks it too)");
      } else if (url != null && url.substring("jdbc:postgresql://".length()).split("[/?]", 2)[0].contains("@")) {
        // pgjdbc would take "user:password@host" for a host name, and echo it in every error.
        r.problem(o.get("url"), path + ".url", "must not hold user:password@ (pgjdbc does not read it); "
            + "set user, and password-env or password-file");
        return null;
      }
      return url;
    }
    if (!hasHost) {
      r.problem(o, path, "needs url, or host (with optional port and database)");
      return null;
    }
    String host = r.string(t, "host", path + ".host");
    int port = t.hasPath("port") ? r.port(t, "port", path + ".port") : 5432;
    String database = t.hasPath("database") ? r.string(t, "database", path + ".database") : "postgres";
    String h = host != null && host.contains(":") && !host.startsWith("[") ? "[" + host + "]" : host;
    return "jdbc:postgresql://" + h + ":" + port + "/" + database;
  }

  private Map<String, String> labels(Config t, ConfigObject o, String path) {
    Map<String, String> labels = new LinkedHashMap<>();
    if (!t.hasPath("labels")) {
      return labels;
    }
    if (!(o.get("labels") instanceof ConfigObject lo)) {
      r.problem(o.get("labels"), path + ".labels", "must be an object of name = value");
      return labels;
    }
    for (Map.Entry<String, ConfigValue> e : lo.entrySet()) {
      String key = e.getKey();
      String lpath = path + ".labels." + key;
      if (!LABEL.matcher(key).matches() || key.startsWith("__")) {
        r.problem(e.getValue(), lpath, "is not a valid Prometheus label name");
      } else if (RESERVED_LABELS.contains(key)) {
        r.problem(e.getValue(), lpath, "is reserved (set by drwatch or by Prometheus)");
      } else if (e.getValue().valueType() == ConfigValueType.OBJECT
          || e.getValue().valueType() == ConfigValueType.LIST || e.getValue().unwrapped() == null) {
        r.problem(e.getValue(), lpath, "must be a string");
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
      r.problem(o.get("collectors"), path + ".collectors", "must be an object keyed by collector name");
      return out;
    }
    for (Map.Entry<String, ConfigValue> e : co.entrySet()) {
      String cpath = path + ".collectors." + e.getKey();
      if (!collectorNames.contains(e.getKey())) {
        r.problem(e.getValue(), cpath, "unknown collector (known: " + String.join(", ", ConfigReader.sorted(collectorNames)) + ")");
        continue;
      }
      if (!(e.getValue() instanceof ConfigObject c)) {
        r.problem(e.getValue(), cpath, "must be an object { enabled, interval, timeout }");
        continue;
      }
      Collector known = registry == null ? null : registry.find(e.getKey()).orElseThrow().collector();
      Set<String> allowed = new HashSet<>(COLLECTOR_KEYS);
      if (known != null) {
        allowed.addAll(known.optionKeys());
      }
      r.unknownKeys(c, cpath, allowed);
      Config cc = c.toConfig();
      Collector configured = null;
      Config options = CollectorSettings.options(cc);
      if (known != null && !options.isEmpty() && allowed.containsAll(options.root().keySet())) {
        try {
          configured = known.configure(options);
        } catch (IllegalArgumentException | com.typesafe.config.ConfigException ex) {
          r.problem(c, cpath, ex.getMessage());
        }
      }
      Boolean enabled = cc.hasPath("enabled") ? r.bool(cc, "enabled", cpath + ".enabled") : null;
      Duration interval = cc.hasPath("interval") ? r.duration(cc, "interval", cpath + ".interval") : null;
      Duration timeout = cc.hasPath("timeout") ? r.duration(cc, "timeout", cpath + ".timeout") : null;
      if (interval != null && timeout != null && timeout.compareTo(interval) > 0) {
        r.problem(c.get("timeout"), cpath + ".timeout", "must not exceed the interval (" + interval + ")");
      }
      out.put(e.getKey(), new CollectorSettings(enabled, interval, timeout, configured, options));
    }
    return out;
  }
}
