package io.drwatch.cluster;

import io.drwatch.collect.MetricFamily;
import io.drwatch.collect.Sample;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * One member's current samples, looked up by the collectors' own family constants (typed, so a
 * renamed family fails to compile here rather than read nothing) and label values. A collector
 * that did not run means missing input, never an error.
 */
final class Readings {

  static final Readings NONE = new Readings(List.of());

  private final Map<String, List<Sample>> byFamily = new HashMap<>();

  Readings(Collection<Sample> samples) {
    for (Sample s : samples) {
      byFamily.computeIfAbsent(s.family().name(), k -> new ArrayList<>()).add(s);
    }
  }

  boolean has(MetricFamily family) {
    return byFamily.containsKey(family.name());
  }

  List<Sample> all(MetricFamily family) {
    return byFamily.getOrDefault(family.name(), List.of());
  }

  /** The first series of the family whose labels match the name/value pairs, or null. */
  Double value(MetricFamily family, String... labelPairs) {
    for (Sample s : all(family)) {
      if (matches(s, labelPairs)) {
        return s.value();
      }
    }
    return null;
  }

  static boolean matches(Sample s, String... labelPairs) {
    for (int i = 0; i + 1 < labelPairs.length; i += 2) {
      if (!labelPairs[i + 1].equals(label(s, labelPairs[i]))) {
        return false;
      }
    }
    return true;
  }

  /** A label's value, or null when the family has no such label. */
  static String label(Sample s, String name) {
    int i = s.family().labelNames().indexOf(name);
    return i < 0 ? null : s.labelValues().get(i);
  }
}
