package io.drwatch.collect.aurora;

import io.drwatch.collect.Sample;
import java.util.List;
import java.util.stream.Collectors;

/**
 * The golden text the Aurora collector tests compare against: one line per sample,
 * {@code family[label values]=value}, in the order the collector emits them.
 */
final class Goldens {

  private Goldens() {}

  static String text(List<Sample> samples) {
    return samples.stream().map(s -> s.family().name() + s.labelValues() + "=" + s.value())
        .collect(Collectors.joining("\n"));
  }
}
