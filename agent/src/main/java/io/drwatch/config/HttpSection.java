package io.drwatch.config;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigObject;
import com.typesafe.config.ConfigValue;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/** {@code drwatch.http}: address, TLS and basic auth. */
final class HttpSection {

  static final Set<String> KEYS = Set.of("host", "port", "tls", "basic-auth");
  private static final Set<String> TLS_KEYS = Set.of("cert-file", "key-file", "reload-interval");
  private static final Set<String> BASIC_AUTH_KEYS = Set.of("users", "open-paths", "cache-for");
  /** What bcrypt's modular crypt format looks like: $2a$, $2b$ or $2y$, a two-digit cost, 53 characters. */
  private static final Pattern BCRYPT = Pattern.compile("\\$2[aby]\\$(0[4-9]|[12][0-9]|3[01])\\$[./A-Za-z0-9]{53}");

  private final ConfigReader r;

  HttpSection(ConfigReader r) {
    this.r = r;
  }

  HttpSettings read(Config c) {
    HttpSettings http = new HttpSettings(
        r.string(c, "http.host", "drwatch.http.host"),
        r.port(c, "http.port", "drwatch.http.port"),
        tls(c), basicAuth(c));
    r.unknownKeys(r.obj(c, "http", "drwatch.http"), "drwatch.http", KEYS);
    return http;
  }

  /** {@code http.tls}: on when cert-file is set; both files must be readable PEM. */
  private HttpSettings.Tls tls(Config c) {
    ConfigObject o = r.obj(c, "http.tls", "drwatch.http.tls");
    if (o == null) {
      return null;
    }
    String p = "drwatch.http.tls";
    r.unknownKeys(o, p, TLS_KEYS);
    Config t = o.toConfig();
    String cert = t.hasPath("cert-file") ? r.string(t, "cert-file", p + ".cert-file") : "";
    String key = t.hasPath("key-file") ? r.string(t, "key-file", p + ".key-file") : "";
    if (cert == null || key == null) {
      return null;
    }
    if (cert.isBlank() && key.isBlank()) {
      return null; // TLS off
    }
    if (cert.isBlank() || key.isBlank()) {
      String missing = cert.isBlank() ? "cert-file" : "key-file";
      r.problem(o, p + "." + missing, "is required when " + (cert.isBlank() ? "key-file" : "cert-file")
          + " is set (TLS needs both)");
      return null;
    }
    Duration reload = t.hasPath("reload-interval") ? r.duration(t, "reload-interval", p + ".reload-interval")
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
      r.problem(at, key, "no such file: " + file);
      return false;
    }
    String text;
    try {
      text = Files.readString(f, StandardCharsets.US_ASCII);
    } catch (IOException | RuntimeException e) {
      r.problem(at, key, "cannot read " + file + " (" + e.getClass().getSimpleName() + ")");
      return false;
    }
    if (!Pattern.compile("-----BEGIN [A-Z ]*" + label + "-----").matcher(text).find()) {
      r.problem(at, key, file + " holds no PEM \"" + label + "\" block"
          + (label.equals("PRIVATE KEY") ? " (PKCS#8 PRIVATE KEY, RSA PRIVATE KEY or EC PRIVATE KEY)" : ""));
      return false;
    }
    return true;
  }

  /** {@code http.basic-auth}: on when users is non-empty; each value a bcrypt hash, never a password. */
  private HttpSettings.BasicAuth basicAuth(Config c) {
    ConfigObject o = r.obj(c, "http.basic-auth", "drwatch.http.basic-auth");
    if (o == null) {
      return null;
    }
    String p = "drwatch.http.basic-auth";
    r.unknownKeys(o, p, BASIC_AUTH_KEYS);
    Config b = o.toConfig();
    Map<String, String> users = new LinkedHashMap<>();
    if (o.get("users") != null && !(o.get("users") instanceof ConfigObject)) {
      r.problem(o.get("users"), p + ".users", "must be an object of name = \"<bcrypt hash>\"");
      return null;
    }
    ConfigObject uo = (ConfigObject) o.get("users");
    boolean ok = true;
    if (uo != null) {
      for (Map.Entry<String, ConfigValue> e : uo.entrySet()) {
        String upath = p + ".users." + e.getKey();
        Object v = e.getValue().unwrapped();
        if (e.getKey().contains(":") || e.getKey().isEmpty()) {
          r.problem(e.getValue(), upath, "a user name must not be empty or contain ':'");
          ok = false;
        } else if (!(v instanceof String hash) || !BCRYPT.matcher(hash).matches()) {
          // Never echo the value: it may be a plaintext password pasted by mistake.
          r.problem(e.getValue(), upath, "must be a bcrypt hash ($2a$, $2b$ or $2y$, 60 characters), "
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
            r.problem(o.get("open-paths"), p + ".open-paths", "paths start with '/', not \"" + path + "\"");
            ok = false;
          }
        }
      } catch (com.typesafe.config.ConfigException e) {
        r.problem(o.get("open-paths"), p + ".open-paths", "must be a list of paths such as [\"/healthz\"]");
        ok = false;
      }
    }
    Duration cacheFor = b.hasPath("cache-for") ? r.duration(b, "cache-for", p + ".cache-for") : Duration.ofMinutes(5);
    if (!ok || cacheFor == null || users.isEmpty()) {
      return null;
    }
    return new HttpSettings.BasicAuth(users, Set.copyOf(open), cacheFor);
  }
}
