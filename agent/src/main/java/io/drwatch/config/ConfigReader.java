package io.drwatch.config;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigObject;
import com.typesafe.config.ConfigOrigin;
import com.typesafe.config.ConfigValue;
import com.typesafe.config.ConfigValueType;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;
import java.util.regex.Pattern;

/**
 * The typed readers every config section shares, and the problems they collect: each reader
 * records a problem (the value's file:line, the key path, what is wrong) and returns null or 0
 * instead of throwing, so one load reports everything. There is one of each: one duration
 * parser, one password reader.
 */
final class ConfigReader {

  private static final Pattern UNITLESS = Pattern.compile("\\s*[-+]?[0-9.]+([eE][-+]?[0-9]+)?\\s*");

  private final String file;
  private final Function<String, String> env;
  private final List<ConfigProblem> problems = new ArrayList<>();

  /**
   * @param file what a problem without a value of its own is about (the file, or a name)
   * @param env environment lookup for {@code password-env} (System::getenv in production)
   */
  ConfigReader(String file, Function<String, String> env) {
    this.file = file;
    this.env = env;
  }

  List<ConfigProblem> problems() {
    return problems;
  }

  int problemCount() {
    return problems.size();
  }

  String required(Config t, ConfigObject o, String key, String path) {
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

  String string(Config c, String key, String path) {
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

  Boolean bool(Config c, String key, String path) {
    try {
      return c.getBoolean(key);
    } catch (com.typesafe.config.ConfigException e) {
      problem(valueOrNull(c, key), path, "must be true or false");
      return null;
    }
  }

  int integer(Config c, String key, String path, int min, int max) {
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

  int port(Config c, String key, String path) {
    return integer(c, key, path, 0, 65535); // 0: any free port (tests)
  }

  Duration duration(Config c, String key, String path) {
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
  Long bytes(Config c, String key, String path) {
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

  ConfigObject obj(Config c, String key, String path) {
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

  void unknownKeys(ConfigObject o, String path, Set<String> allowed) {
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

  Secret password(Config t, ConfigObject o, String path) {
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
      case "password-env", "password-file" -> {
        return secret(t, o, path, "password-env", "password-file");
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

  /**
   * A secret from the environment variable named under {@code envKey} or the file named under
   * {@code fileKey} (stripped), whichever is set; null, with a problem, when it cannot be had.
   * Never inline: a secret in the config file would end up in backups and diffs.
   */
  Secret secret(Config t, ConfigObject o, String path, String envKey, String fileKey) {
    if (t.hasPath(envKey)) {
      String var = string(t, envKey, path + "." + envKey);
      String value = var == null ? null : env.apply(var);
      if (var != null && value == null) {
        problem(o.get(envKey), path + "." + envKey, "environment variable " + var + " is not set");
      }
      return value == null ? null : new Secret(value);
    }
    if (!t.hasPath(fileKey)) {
      return null;
    }
    String f = string(t, fileKey, path + "." + fileKey);
    if (f == null) {
      return null;
    }
    try {
      return new Secret(Files.readString(Path.of(f), StandardCharsets.UTF_8).strip());
    } catch (IOException | RuntimeException e) {
      problem(o.get(fileKey), path + "." + fileKey, "cannot read " + f + " (" + readFailure(e) + ")");
      return null;
    }
  }

  static ConfigValue valueOrNull(Config c, String key) {
    try {
      return c.hasPathOrNull(key) ? c.getValue(key) : null;
    } catch (com.typesafe.config.ConfigException e) {
      return null;
    }
  }

  void problem(ConfigValue at, String key, String message) {
    problems.add(new ConfigProblem(at == null ? file : origin(at.origin()), key, message));
  }

  String origin(ConfigOrigin o) {
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

  static String syntax(com.typesafe.config.ConfigException e) {
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

  static List<String> sorted(Set<String> s) {
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
