package io.drwatch.collect;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * Collects the samples of one collector run. Null values are skipped (NULL in the source means no
 * sample), a null label value becomes the empty string, and a repeated label set is rejected so
 * that the exposition never sees duplicates.
 */
public final class Samples {

  private final List<Sample> samples = new ArrayList<>();
  private final Set<List<Object>> seen = new HashSet<>();

  public Samples add(MetricFamily family, Number value, String... labelValues) {
    if (value == null) {
      return this;
    }
    List<String> labels = new ArrayList<>(labelValues.length);
    for (String v : labelValues) {
      labels.add(v == null ? "" : v);
    }
    if (!seen.add(List.of(family.name(), labels))) {
      throw new IllegalStateException("duplicate series " + family.name() + labels);
    }
    samples.add(new Sample(family, labels, value.doubleValue()));
    return this;
  }

  /** 1 or 0 for a boolean; no sample for null. */
  public Samples flag(MetricFamily family, Boolean value, String... labelValues) {
    return add(family, value == null ? null : (value ? 1 : 0), labelValues);
  }

  /** An info family: one series of value 1. */
  public Samples info(MetricFamily family, String... labelValues) {
    return add(family, 1, labelValues);
  }

  public List<Sample> toList() {
    return List.copyOf(samples);
  }
}
