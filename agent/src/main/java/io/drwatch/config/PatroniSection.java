package io.drwatch.config;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigObject;
import com.typesafe.config.ConfigValue;
import com.typesafe.config.ConfigValueType;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The {@code drwatch.patroni} section: one object per cluster whose members Patroni manages,
 * validated with the key path and file:line of every problem, over the shared readers of
 * {@link ConfigReader}.
 */
final class PatroniSection {

  static final Set<String> KEYS = Set.of("members", "discover", "interval", "timeout", "ca-file",
      "username", "password-env", "password-file", "max-pause", "member-targets");

  private final ConfigReader r;

  PatroniSection(ConfigReader reader) {
    this.r = reader;
  }

  Map<String, PatroniSettings> read(Config c, Defaults defaults, Set<String> clusters) {
    Map<String, PatroniSettings> out = new LinkedHashMap<>();
    if (!c.hasPath("patroni")) {
      return out;
    }
    if (!(c.getValue("patroni") instanceof ConfigObject all)) {
      r.problem(c.getValue("patroni"), "drwatch.patroni",
          "must be an object of cluster = { members = [\"http://host:8008\", …] }");
      return out;
    }
    for (Map.Entry<String, ConfigValue> e : all.entrySet()) {
      String path = "drwatch.patroni." + e.getKey();
      if (!(e.getValue() instanceof ConfigObject o)) {
        r.problem(e.getValue(), path, "must be an object with members = [\"http://host:8008\", …]");
        continue;
      }
      PatroniSettings s = cluster(e.getKey(), o, path, defaults, clusters);
      if (s != null) {
        out.put(e.getKey(), s);
      }
    }
    return out;
  }

  private PatroniSettings cluster(String cluster, ConfigObject o, String path, Defaults defaults,
      Set<String> clusters) {
    for (Map.Entry<String, ConfigValue> e : o.entrySet()) {
      if (!KEYS.contains(e.getKey())) {
        r.problem(e.getValue(), path + "." + e.getKey(), "unknown key (allowed: "
            + String.join(", ", KEYS.stream().sorted().toList()) + ")");
      }
    }
    if (!clusters.contains(cluster)) {
      r.problem(o, path, "no target has labels.cluster = \"" + cluster + "\" (the Patroni source is "
          + "compared with the cluster's databases)");
    }
    Config c = o.toConfig();
    List<URI> members = members(c, o, path);
    boolean discover = !c.hasPath("discover") || Boolean.TRUE.equals(r.bool(c, "discover", path + ".discover"));
    Duration interval = c.hasPath("interval") ? r.duration(c, "interval", path + ".interval") : defaults.interval();
    Duration timeout = c.hasPath("timeout") ? r.duration(c, "timeout", path + ".timeout") : defaults.timeout();
    Duration maxPause = c.hasPath("max-pause") ? r.duration(c, "max-pause", path + ".max-pause")
        : PatroniSettings.DEFAULT_MAX_PAUSE;
    String caFile = null;
    if (c.hasPath("ca-file")) {
      caFile = r.string(c, "ca-file", path + ".ca-file");
      String why = caFile == null ? null : unusableCa(Path.of(caFile));
      if (why != null) {
        r.problem(o.get("ca-file"), path + ".ca-file", why);
      }
    }
    String username = c.hasPath("username") ? r.string(c, "username", path + ".username") : null;
    Secret password = null;
    if (username != null) {
      password = r.password(c, o, path);
    } else {
      for (String k : List.of("password-env", "password-file")) {
        if (c.hasPath(k)) {
          r.problem(o.get(k), path + "." + k, "set username too (basic auth needs both)");
        }
      }
    }
    Map<String, String> memberTargets = new LinkedHashMap<>();
    if (c.hasPath("member-targets")) {
      if (o.get("member-targets") instanceof ConfigObject mt) {
        for (Map.Entry<String, ConfigValue> e : mt.entrySet()) {
          if (e.getValue().valueType() != ConfigValueType.STRING) {
            r.problem(e.getValue(), path + ".member-targets." + e.getKey(), "must be a target name");
          } else {
            memberTargets.put(e.getKey(), (String) e.getValue().unwrapped());
          }
        }
      } else {
        r.problem(o.get("member-targets"), path + ".member-targets",
            "must be an object of patroni-member-name = target-name");
      }
    }
    if (members == null || interval == null || timeout == null || maxPause == null) {
      return null;
    }
    if (timeout.compareTo(interval) > 0) {
      r.problem(o.get(c.hasPath("timeout") ? "timeout" : "interval"), path + ".timeout",
          "must not exceed the interval (" + interval + ")");
    }
    return new PatroniSettings(cluster, members, discover, interval, timeout, caFile, username,
        password, maxPause, memberTargets);
  }

  /** Why the CA bundle cannot verify anything, or null when it holds a certificate. */
  private static String unusableCa(Path file) {
    if (!Files.isReadable(file)) {
      return "cannot read " + file;
    }
    try (java.io.InputStream in = Files.newInputStream(file)) {
      return java.security.cert.CertificateFactory.getInstance("X.509").generateCertificates(in).isEmpty()
          ? "no PEM certificate in " + file : null;
    } catch (java.io.IOException | java.security.cert.CertificateException e) {
      return "no PEM certificate in " + file;
    }
  }

  private List<URI> members(Config c, ConfigObject o, String path) {
    ConfigValue v = o.get("members");
    if (v == null) {
      r.problem(o, path + ".members", "is required: the REST API address of at least one member, "
          + "e.g. [\"http://10.0.0.1:8008\"]");
      return null;
    }
    if (v.valueType() != ConfigValueType.LIST) {
      r.problem(v, path + ".members", "must be a list of URLs such as \"http://10.0.0.1:8008\"");
      return null;
    }
    List<URI> out = new ArrayList<>();
    List<? extends ConfigValue> items = c.getList("members");
    if (items.isEmpty()) {
      r.problem(v, path + ".members", "must name at least one member");
      return null;
    }
    for (int i = 0; i < items.size(); i++) {
      ConfigValue item = items.get(i);
      String at = path + ".members[" + i + "]";
      if (item.valueType() != ConfigValueType.STRING) {
        r.problem(item, at, "must be a URL string such as \"http://10.0.0.1:8008\"");
        continue;
      }
      String s = (String) item.unwrapped();
      try {
        URI u = new URI(s);
        if (!"http".equals(u.getScheme()) && !"https".equals(u.getScheme())) {
          r.problem(item, at, "must start with http:// or https://");
        } else if (u.getHost() == null || u.getPort() < 0) {
          r.problem(item, at, "must name a host and port, e.g. http://10.0.0.1:8008");
        } else if (u.getUserInfo() != null) {
          r.problem(item, at, "must not carry credentials; use username and password-env");
        } else {
          out.add(new URI(u.getScheme(), null, u.getHost(), u.getPort(), null, null, null));
        }
      } catch (URISyntaxException e) {
        r.problem(item, at, "is not a URL (" + e.getReason() + ")");
      }
    }
    return out;
  }
}
