package io.drwatch.config;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigObject;
import com.typesafe.config.ConfigValue;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/** {@code drwatch.logging}: format, root level and per-logger levels. */
final class LoggingSection {

  static final Set<String> KEYS = Set.of("format", "level", "levels");
  private static final Set<String> LOG_LEVELS = Set.of("trace", "debug", "info", "warn", "error", "off");

  private final ConfigReader r;

  LoggingSection(ConfigReader r) {
    this.r = r;
  }

  LoggingSettings read(Config c) {
    r.unknownKeys(r.obj(c, "logging", "drwatch.logging"), "drwatch.logging", KEYS);
    String format = r.string(c, "logging.format", "drwatch.logging.format");
    if (format != null && !format.equals("text") && !format.equals("json")) {
      r.problem(ConfigReader.valueOrNull(c, "logging.format"), "drwatch.logging.format", "must be text or json");
    }
    String level = r.string(c, "logging.level", "drwatch.logging.level");
    if (level != null && !LOG_LEVELS.contains(level.toLowerCase(Locale.ROOT))) {
      r.problem(ConfigReader.valueOrNull(c, "logging.level"), "drwatch.logging.level",
          "must be one of trace, debug, info, warn, error, off");
    }
    Map<String, String> levels = new LinkedHashMap<>();
    ConfigObject o = r.obj(c, "logging.levels", "drwatch.logging.levels");
    if (o != null) {
      for (Map.Entry<String, ConfigValue> e : o.entrySet()) {
        String path = "drwatch.logging.levels.\"" + e.getKey() + "\"";
        Object v = e.getValue().unwrapped();
        if (!(v instanceof String l) || !LOG_LEVELS.contains(l.toLowerCase(Locale.ROOT))) {
          r.problem(e.getValue(), path, "must be one of trace, debug, info, warn, error, off");
        } else {
          levels.put(e.getKey(), l.toLowerCase(Locale.ROOT));
        }
      }
    }
    return new LoggingSettings(format == null ? "text" : format,
        level == null ? "info" : level.toLowerCase(Locale.ROOT), levels);
  }
}
