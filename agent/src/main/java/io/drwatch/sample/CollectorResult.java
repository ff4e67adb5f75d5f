package io.drwatch.sample;

import io.drwatch.collect.Sample;
import java.time.Duration;
import java.time.Instant;
import java.util.List;

/**
 * The outcome of one run of one collector against one target, as the cache holds it. A failed run
 * carries no samples (a failing collector drops only its own series) but remembers when the
 * collector last succeeded; the exception is a per-database run that failed in some databases,
 * which keeps the others' samples. {@code droppedSeriesTotal} counts series over the collector's
 * limit since the agent started, null for a collector without a limit.
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
    Duration staleAfter,
    Long droppedSeriesTotal) {

  public CollectorResult {
    samples = List.copyOf(samples);
  }

  /** A result of a collector without a series limit. */
  public CollectorResult(String target, String collector, boolean success, List<Sample> samples,
      Instant finishedAt, double durationSeconds, String error, Instant lastSuccessAt, long errorsTotal,
      Duration staleAfter) {
    this(target, collector, success, samples, finishedAt, durationSeconds, error, lastSuccessAt,
        errorsTotal, staleAfter, null);
  }

  public boolean isStale(Instant now) {
    return finishedAt.plus(staleAfter).isBefore(now);
  }
}
