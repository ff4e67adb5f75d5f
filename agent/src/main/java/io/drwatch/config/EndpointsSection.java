package io.drwatch.config;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigObject;
import com.typesafe.config.ConfigValue;
import com.typesafe.config.ConfigValueType;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * {@code drwatch.endpoints}: a list of endpoint objects, each validated with the key path and
 * file:line of every problem, over the shared readers of {@link ConfigReader}.
 */
final class EndpointsSection {

  static final Set<String> KEYS = Set.of("name", "url", "cluster", "expect", "via", "user",
      "password-env", "password-file", "no-password", "interval", "timeout", "connect-timeout",
      "resolver", "max-replay-delay", "write-probe", "write-probe-table");
  private static final Pattern NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9_.-]*");
  private static final Pattern TABLE = Pattern.compile("[a-z_][a-z0-9_]*(\\.[a-z_][a-z0-9_]*)?");
  private static final Pattern RESOLVER = Pattern.compile("[A-Za-z0-9.:\\[\\]-]+");
  static final String DEFAULT_WRITE_PROBE_TABLE = "drwatch.endpoint_probe";

  private final ConfigReader r;

  EndpointsSection(ConfigReader r) {
    this.r = r;
  }

  /** @param targets the validated targets: an endpoint leads to one of their clusters */
  List<EndpointSettings> read(Config c, Defaults defaults, List<TargetSettings> targets) {
    Set<String> clusters = new java.util.TreeSet<>();
    targets.forEach(t -> clusters.add(t.cluster()));
    List<EndpointSettings> out = new ArrayList<>();
    if (!c.hasPath("endpoints")) {
      return out;
    }
    ConfigValue raw = c.getValue("endpoints");
    if (raw.valueType() != ConfigValueType.LIST) {
      r.problem(raw, "drwatch.endpoints", "must be a list of endpoint objects "
          + "[{ name, url, cluster, expect = writer | reader, user, password-env }]");
      return out;
    }
    List<? extends ConfigValue> list = c.getList("endpoints");
    Set<String> names = new HashSet<>();
    for (int i = 0; i < list.size(); i++) {
      String path = "drwatch.endpoints[" + i + "]";
      if (!(list.get(i) instanceof ConfigObject o)) {
        r.problem(list.get(i), path, "must be an object");
        continue;
      }
      EndpointSettings e = endpoint(o, path, defaults, clusters);
      if (e != null && !names.add(e.name())) {
        r.problem(o.get("name"), path + ".name", "duplicate endpoint name \"" + e.name() + "\"");
      }
      if (e != null) {
        out.add(e);
      }
    }
    return out;
  }

  private EndpointSettings endpoint(ConfigObject o, String path, Defaults defaults, Set<String> clusters) {
    Config t = o.toConfig();
    r.unknownKeys(o, path, KEYS);
    String name = r.required(t, o, "name", path);
    if (name != null && !NAME.matcher(name).matches()) {
      r.problem(o.get("name"), path + ".name", "must be letters, digits, '_', '.', '-'");
    }
    String url = url(t, o, path);
    String cluster = r.required(t, o, "cluster", path);
    if (cluster != null && !clusters.contains(cluster)) {
      r.problem(o.get("cluster"), path + ".cluster", "no target has labels.cluster = \"" + cluster
          + "\" (known: " + String.join(", ", clusters.stream().sorted().toList()) + ")");
    }
    EndpointSettings.Expect expect = choice(t, o, "expect", path, EndpointSettings.Expect.class, null);
    EndpointSettings.Via via = choice(t, o, "via", path, EndpointSettings.Via.class, EndpointSettings.Via.PROXY);
    String user = r.required(t, o, "user", path);
    Secret password = r.password(t, o, path);
    Duration interval = t.hasPath("interval") ? r.duration(t, "interval", path + ".interval") : defaults.interval();
    Duration timeout = t.hasPath("timeout") ? r.duration(t, "timeout", path + ".timeout") : defaults.timeout();
    Duration connect = t.hasPath("connect-timeout")
        ? r.duration(t, "connect-timeout", path + ".connect-timeout") : defaults.connectTimeout();
    // The next probe is armed when one ends, so they never overlap; each wait still stays within the interval.
    if (interval != null && timeout != null && timeout.compareTo(interval) > 0) {
      r.problem(o.get("timeout"), path + ".timeout", "must not exceed the interval (" + interval + ")");
    }
    if (interval != null && connect != null && connect.compareTo(interval) > 0) {
      r.problem(o.get(t.hasPath("connect-timeout") ? "connect-timeout" : "interval"), path + ".connect-timeout",
          "must not exceed the interval (" + interval + ")");
    }
    String resolver = null;
    if (t.hasPath("resolver")) {
      resolver = r.string(t, "resolver", path + ".resolver");
      if (resolver != null && !RESOLVER.matcher(resolver).matches()) {
        r.problem(o.get("resolver"), path + ".resolver",
            "must be a DNS server address as host or host:port, e.g. \"10.0.0.2\" or \"127.0.0.1:5353\"");
        resolver = null;
      }
    }
    Duration maxDelay = null;
    if (t.hasPath("max-replay-delay")) {
      maxDelay = r.duration(t, "max-replay-delay", path + ".max-replay-delay");
      if (expect == EndpointSettings.Expect.WRITER) {
        r.problem(o.get("max-replay-delay"), path + ".max-replay-delay",
            "applies to reader endpoints only (this one is expect = writer)");
      }
    }
    String writeProbe = writeProbe(t, o, path, expect);
    if (name == null || url == null || cluster == null || expect == null || user == null) {
      return null;
    }
    return new EndpointSettings(name, url, cluster, expect, via, user, password, interval, timeout, connect,
        resolver, maxDelay, writeProbe, r.origin(o.origin()));
  }

  private String writeProbe(Config t, ConfigObject o, String path, EndpointSettings.Expect expect) {
    boolean on = t.hasPath("write-probe") && Boolean.TRUE.equals(r.bool(t, "write-probe", path + ".write-probe"));
    if (t.hasPath("write-probe-table") && !on) {
      r.problem(o.get("write-probe-table"), path + ".write-probe-table", "needs write-probe = true");
      return null;
    }
    if (!on) {
      return null;
    }
    if (expect == EndpointSettings.Expect.READER) {
      r.problem(o.get("write-probe"), path + ".write-probe", "applies to writer endpoints only");
      return null;
    }
    String table = t.hasPath("write-probe-table")
        ? r.string(t, "write-probe-table", path + ".write-probe-table") : DEFAULT_WRITE_PROBE_TABLE;
    if (table != null && !TABLE.matcher(table).matches()) {
      r.problem(o.get("write-probe-table"), path + ".write-probe-table",
          "must be a lower-case table name, optionally schema-qualified, e.g. drwatch.endpoint_probe");
      return null;
    }
    return table;
  }

  private String url(Config t, ConfigObject o, String path) {
    String url = r.required(t, o, "url", path);
    if (url == null) {
      return null;
    }
    if (!url.startsWith("jdbc:postgresql://")) {
      r.problem(o.get("url"), path + ".url", "must start with jdbc:postgresql://");
      return null;
    }
    String hosts = url.substring("jdbc:postgresql://".length()).split("[/?]", 2)[0];
    if (hosts.contains("@")) {
      r.problem(o.get("url"), path + ".url", "must not hold user:password@; set user, and password-env or password-file");
      return null;
    }
    if (hosts.contains(",")) {
      r.problem(o.get("url"), path + ".url", "must name one host: an endpoint is one address as clients "
          + "use it (configure a multi-host client list as one endpoint per host)");
      return null;
    }
    if (hosts.isEmpty() || host(url) == null) {
      r.problem(o.get("url"), path + ".url", "must name a host, e.g. jdbc:postgresql://db-writer.example.com:5432/postgres");
      return null;
    }
    return url;
  }

  private <E extends Enum<E>> E choice(Config t, ConfigObject o, String key, String path, Class<E> type, E fallback) {
    List<String> allowed = java.util.Arrays.stream(type.getEnumConstants())
        .map(e -> e.name().toLowerCase(Locale.ROOT)).toList();
    if (!t.hasPath(key)) {
      if (fallback == null) {
        r.problem(o, path + "." + key, "is required (" + String.join(" or ", allowed) + ")");
      }
      return fallback;
    }
    String v = r.string(t, key, path + "." + key);
    if (v == null) {
      return null;
    }
    if (!allowed.contains(v)) {
      r.problem(o.get(key), path + "." + key, "must be " + String.join(" or ", allowed) + ", not \"" + v + "\"");
      return null;
    }
    return Enum.valueOf(type, v.toUpperCase(Locale.ROOT));
  }

  /** The host of a single-host URL, or null when it has none or is no URI. */
  static String host(String url) {
    try {
      return URI.create(url.substring("jdbc:".length())).getHost();
    } catch (IllegalArgumentException e) {
      return null;
    }
  }
}
