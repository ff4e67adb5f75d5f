package io.drwatch.collect;

import java.util.List;

/** One series value of a declared family; label values line up with the family's label names. */
public record Sample(MetricFamily family, List<String> labelValues, double value) {

  public Sample {
    labelValues = List.copyOf(labelValues);
    if (labelValues.size() != family.labelNames().size()) {
      throw new IllegalArgumentException(
          family.name() + " takes labels " + family.labelNames() + ", got " + labelValues);
    }
  }
}
