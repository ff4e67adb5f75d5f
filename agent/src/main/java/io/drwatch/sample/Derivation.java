package io.drwatch.sample;

import io.drwatch.collect.MetricFamily;
import io.drwatch.collect.Sample;
import java.time.Instant;
import java.util.List;

/**
 * Series computed from the cache view rather than sampled (cluster-level DR signals). Called when
 * the exposition is rebuilt, which happens when the cache changed or a sample turned stale, never
 * once per scrape; it reads cached samples only and never runs SQL.
 */
@FunctionalInterface
public interface Derivation {

  Derivation NONE = (view, now, out) -> { };

  void derive(SampleCache.View view, Instant now, Output out);

  /** Where derived series go; {@code target} is null for a series that belongs to no one target. */
  interface Output {

    void add(String target, Sample sample);

    /**
     * A classic histogram: {@code counts[i]} observations fell into ({@code upperBounds[i-1]},
     * {@code upperBounds[i]}]; the last bound is +Inf.
     */
    void histogram(String target, MetricFamily family, List<String> labelValues, double[] upperBounds,
        long[] counts, double sum);
  }
}
