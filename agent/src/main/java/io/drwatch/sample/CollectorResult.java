package io.drwatch.sample;

import io.drwatch.collect.Sample;
import java.time.Duration;
import java.time.Instant;
import java.util.List;

/**
 * The outcome of one run of one collector against one target, as the cache holds it. A failed run
 * carries no samples (a failing collector drops only its own series) but remembers when the
 * collector last succeeded.
 */
public record CollectorResult(
    String target,
    String collector,
    boolean success,
    List<Sample> samples,
    Instant finishedAt,
    double durationSeconds,
    String error,
    Instant lastSuccessAt,
    long errorsTotal,
    Duration staleAfter) {

  public CollectorResult {
    samples = List.copyOf(samples);
  }

  public boolean isStale(Instant now) {
    return finishedAt.plus(staleAfter).isBefore(now);
  }
}
