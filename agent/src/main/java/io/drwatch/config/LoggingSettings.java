package io.drwatch.config;

import java.util.Map;

/**
 * {@code drwatch.logging}: {@code format} is {@code text} (one line per event) or {@code json}
 * (one JSON object per line); {@code level} is the root level; {@code levels} maps a logger
 * (package or class) to its level and wins over the built-in quiet levels for third-party loggers.
 */
public record LoggingSettings(String format, String level, Map<String, String> levels) {

  public static final LoggingSettings DEFAULT = new LoggingSettings("text", "info", Map.of());

  public LoggingSettings {
    levels = Map.copyOf(levels);
  }
}
