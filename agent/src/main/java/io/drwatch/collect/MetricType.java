package io.drwatch.collect;

/** The kinds of metric family a collector may declare. */
public enum MetricType {
  GAUGE,
  /** Cumulative; declared with its {@code _total} name, exposed through a counter snapshot. */
  COUNTER,
  /** Value 1 carrying metadata labels; declared with its {@code _info} name. */
  INFO,
  /** Classic buckets, sum and count of observations the agent itself made (e.g. outage durations). */
  HISTOGRAM
}
