package io.drwatch.collect;

import java.util.List;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * A metric family declared once, as data: what {@code docs/metrics.md} documents and what the
 * exposition builds. {@code name} is the full exposed name (counters end in {@code _total}, info
 * families in {@code _info}). {@code labelNames} excludes {@code target}, which every series carries.
 */
public record MetricFamily(String name, MetricType type, String help, List<String> labelNames) {

  private static final Pattern NAME = Pattern.compile("[a-zA-Z_:][a-zA-Z0-9_:]*");
  private static final Pattern LABEL = Pattern.compile("[a-zA-Z_][a-zA-Z0-9_]*");

  public MetricFamily {
    Objects.requireNonNull(type, "type");
    if (!NAME.matcher(name).matches()) {
      throw new IllegalArgumentException("invalid metric name: " + name);
    }
    if (type == MetricType.COUNTER && !name.endsWith("_total")) {
      throw new IllegalArgumentException("counter must end in _total: " + name);
    }
    if (type == MetricType.INFO && !name.endsWith("_info")) {
      throw new IllegalArgumentException("info family must end in _info: " + name);
    }
    if ((type == MetricType.GAUGE || type == MetricType.HISTOGRAM)
        && (name.endsWith("_total") || name.endsWith("_info"))) {
      throw new IllegalArgumentException(type.name().toLowerCase(java.util.Locale.ROOT)
          + " must not use a reserved suffix: " + name);
    }
    if (type == MetricType.HISTOGRAM
        && (name.endsWith("_bucket") || name.endsWith("_count") || name.endsWith("_sum"))) {
      throw new IllegalArgumentException("histogram must not end in a series suffix: " + name);
    }
    labelNames = List.copyOf(labelNames);
    for (String label : labelNames) {
      if (!LABEL.matcher(label).matches() || label.startsWith("__") || label.equals("target")) {
        throw new IllegalArgumentException("invalid label " + label + " on " + name);
      }
    }
    if (labelNames.stream().distinct().count() != labelNames.size()) {
      throw new IllegalArgumentException("duplicate label on " + name);
    }
  }

  public static MetricFamily gauge(String name, String help, String... labels) {
    return new MetricFamily(name, MetricType.GAUGE, help, List.of(labels));
  }

  public static MetricFamily counter(String name, String help, String... labels) {
    return new MetricFamily(name, MetricType.COUNTER, help, List.of(labels));
  }

  public static MetricFamily info(String name, String help, String... labels) {
    return new MetricFamily(name, MetricType.INFO, help, List.of(labels));
  }

  public static MetricFamily histogram(String name, String help, String... labels) {
    return new MetricFamily(name, MetricType.HISTOGRAM, help, List.of(labels));
  }

  /** The name client_java wants: counters and info families without their reserved suffix. */
  public String baseName() {
    return switch (type) {
      case COUNTER -> name.substring(0, name.length() - "_total".length());
      case INFO -> name.substring(0, name.length() - "_info".length());
      case GAUGE, HISTOGRAM -> name;
    };
  }

  /** The base unit encoded in the name, or null: {@code seconds}, {@code bytes} or {@code ratio}. */
  public String unit() {
    String base = baseName();
    for (String unit : List.of("seconds", "bytes", "ratio")) {
      if (base.endsWith("_" + unit)) {
        return unit;
      }
    }
    return null;
  }
}
