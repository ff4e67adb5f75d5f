package io.drwatch.http;

import io.drwatch.BuildInfo;
import io.drwatch.collect.MetricFamily;
import io.drwatch.collect.Sample;
import io.drwatch.sample.CollectorResult;
import io.drwatch.sample.CoreFamilies;
import io.drwatch.sample.Derivation;
import io.drwatch.sample.SampleCache;
import io.drwatch.sample.TargetStatus;
import io.drwatch.target.ServerInfo;
import io.prometheus.metrics.model.registry.MultiCollector;
import io.prometheus.metrics.model.snapshots.ClassicHistogramBuckets;
import io.prometheus.metrics.model.snapshots.CounterSnapshot;
import io.prometheus.metrics.model.snapshots.GaugeSnapshot;
import io.prometheus.metrics.model.snapshots.HistogramSnapshot;
import io.prometheus.metrics.model.snapshots.InfoSnapshot;
import io.prometheus.metrics.model.snapshots.Labels;
import io.prometheus.metrics.model.snapshots.MetricSnapshot;
import io.prometheus.metrics.model.snapshots.MetricSnapshots;
import io.prometheus.metrics.model.snapshots.Unit;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Turns the sample cache into one {@link MetricSnapshots}: one snapshot per family, every target
 * merged into it, {@code target} added to every series. The result is rebuilt only when the cache
 * changed or a sample turned stale, so scrape rate does not drive the work; series derived from
 * the cache (cluster signals) are computed in the same rebuild. No timestamps are
 * attached: values are sampled on a schedule and their age is itself a metric.
 */
public final class CacheSnapshots implements MultiCollector {

  private static final Logger LOG = LoggerFactory.getLogger(CacheSnapshots.class);
  /** With coalescing on, the next rebuild for a cache change waits at least this times the last one's duration. */
  static final int REBUILD_COST_FACTOR = 3;

  private final SampleCache cache;
  private final Clock clock;
  private final Derivation derivation;
  private final String version = BuildInfo.version();
  private final Set<String> reportedDuplicates = new HashSet<>();
  private MetricSnapshots published = MetricSnapshots.of();
  private long publishedVersion = -1;
  private Instant rebuildBy = Instant.MIN;
  private Instant rebuiltAt = Instant.MIN;
  private Duration minRebuildInterval = Duration.ZERO;
  private Duration lastBuildTook = Duration.ZERO;
  private LongSupplier nanoTime = System::nanoTime;

  public CacheSnapshots(SampleCache cache, Clock clock) {
    this(cache, clock, Derivation.NONE);
  }

  /** With series derived from the cache (cluster signals), computed once per rebuild. */
  public CacheSnapshots(SampleCache cache, Clock clock, Derivation derivation) {
    this.cache = cache;
    this.clock = clock;
    this.derivation = derivation;
  }

  /**
   * Cache changes closer together than {@code interval} share one rebuild: with many targets the
   * cache changes several times a second, and without this every scrape would rebuild and
   * re-encode everything. A scrape then sees samples at most {@code interval} late; a sample
   * turning stale still rebuilds at once. When a rebuild itself is slow (hundreds of thousands of
   * series on a busy core) the gap grows to {@value #REBUILD_COST_FACTOR} times its duration, so
   * rebuilding cannot take the whole core from the samplers and the scrapes: measured at 100
   * targets on one core (docs/performance.md), scrapes went from a 20 s median to 43 ms, for
   * samples shown up to about one interval late. 5 served faster and showed them later still.
   */
  public synchronized CacheSnapshots coalescing(Duration interval) {
    this.minRebuildInterval = interval;
    return this;
  }

  @Override
  public synchronized MetricSnapshots collect() {
    Instant now = clock.instant();
    boolean changed = cache.version() != publishedVersion;
    boolean due = !now.isBefore(rebuiltAt.plus(rebuildGap()));
    if ((changed && due) || !now.isBefore(rebuildBy)) {
      long v = cache.version();
      rebuildBy = cache.nextStaleAt();
      long t0 = nanoTime.getAsLong();
      published = build(cache.view());
      lastBuildTook = Duration.ofNanos(nanoTime.getAsLong() - t0);
      publishedVersion = v;
      rebuiltAt = now;
    }
    return published;
  }

  /** The least time between two rebuilds for cache changes (not for staleness). */
  synchronized Duration rebuildGap() {
    if (minRebuildInterval.isZero()) {
      return Duration.ZERO;
    }
    Duration byCost = lastBuildTook.multipliedBy(REBUILD_COST_FACTOR);
    return byCost.compareTo(minRebuildInterval) > 0 ? byCost : minRebuildInterval;
  }

  /** Tests time rebuilds with their own clock. */
  synchronized CacheSnapshots timedBy(LongSupplier nanos) {
    this.nanoTime = nanos;
    return this;
  }

  private MetricSnapshots build(SampleCache.View view) {
    Families fams = new Families();
    fams.add(CoreFamilies.BUILD_INFO, Labels.of("version", version, "java_version",
        System.getProperty("java.version")), 1);
    for (TargetStatus t : view.targets()) {
      Labels target = Labels.of("target", t.name(), "cluster", t.cluster());
      fams.add(CoreFamilies.TARGET_UP, target, t.up() ? 1 : 0);
      if (t.lastUpAt() != null) {
        fams.add(CoreFamilies.TARGET_LAST_UP, target, t.lastUpAt().toEpochMilli() / 1000.0);
      }
      ServerInfo s = t.server();
      if (!t.up() || s == null) {
        continue;
      }
      Labels info = target.merge(Labels.of("flavor", s.flavor().label(), "version", s.version(),
          "role", s.role(), "system_identifier", s.systemIdentifier() == null ? "" : s.systemIdentifier(),
          "service", s.managed().label()));
      for (Map.Entry<String, String> l : t.labels().entrySet()) {
        if (!l.getKey().equals("cluster")) {
          info = info.add(l.getKey(), l.getValue());
        }
      }
      fams.add(CoreFamilies.TARGET_INFO, info, 1);
      if (s.isPostgres()) {
        Labels only = Labels.of("target", t.name());
        fams.add(CoreFamilies.IN_RECOVERY, only, s.inRecovery() ? 1 : 0);
        if (s.timeline() != null) {
          fams.add(CoreFamilies.TIMELINE, only, s.timeline());
        }
        if (s.postmasterStartSeconds() != null) {
          fams.add(CoreFamilies.POSTMASTER_START, only, s.postmasterStartSeconds());
        }
      }
    }
    for (CollectorResult r : view.results()) {
      Labels self = Labels.of("target", r.target(), "collector", r.collector());
      fams.add(CoreFamilies.COLLECTOR_SUCCESS, self, r.success() ? 1 : 0);
      fams.add(CoreFamilies.COLLECTOR_DURATION, self, r.durationSeconds());
      fams.add(CoreFamilies.COLLECTOR_ERRORS, self, r.errorsTotal());
      if (r.droppedSeriesTotal() != null) {
        fams.add(CoreFamilies.COLLECTOR_DROPPED_SERIES, self, r.droppedSeriesTotal());
      }
      if (r.lastSuccessAt() != null) {
        fams.add(CoreFamilies.COLLECTOR_LAST_SUCCESS, self, r.lastSuccessAt().toEpochMilli() / 1000.0);
      }
      for (Sample s : r.samples()) {
        List<String> names = new ArrayList<>(s.family().labelNames().size() + 1);
        List<String> values = new ArrayList<>(names.size());
        names.add("target");
        values.add(r.target());
        names.addAll(s.family().labelNames());
        values.addAll(s.labelValues());
        fams.add(s.family(), Labels.of(names, values), s.value());
      }
    }
    derivation.derive(view, clock.instant(), new Derivation.Output() {
      @Override
      public void add(String target, Sample s) {
        fams.add(s.family(), labels(target, s.family(), s.labelValues()), s.value());
      }

      @Override
      public void histogram(String target, MetricFamily f, List<String> labelValues, double[] upperBounds,
          long[] counts, double sum) {
        fams.histogram(f, labels(target, f, labelValues), ClassicHistogramBuckets.of(upperBounds, counts), sum);
      }
    });
    return fams.snapshots();
  }

  private static Labels labels(String target, MetricFamily f, List<String> values) {
    Labels l = Labels.of(f.labelNames(), values);
    return target == null ? l : l.merge(Labels.of("target", target));
  }

  /** Accumulates data points per family; drops (and reports once) a repeated label set. */
  private final class Families {
    private final Map<String, MetricFamily> declared = new LinkedHashMap<>();
    private final Map<String, Map<Labels, Double>> points = new LinkedHashMap<>();
    private final Map<String, Map<Labels, HistogramSnapshot.HistogramDataPointSnapshot>> histograms =
        new LinkedHashMap<>();

    void add(MetricFamily f, Labels labels, double value) {
      if (!declare(f)) {
        return;
      }
      Map<Labels, Double> series = points.computeIfAbsent(f.name(), k -> new LinkedHashMap<>());
      if (series.putIfAbsent(labels, value) != null) {
        report("duplicate series " + f.name() + labels);
      }
    }

    void histogram(MetricFamily f, Labels labels, ClassicHistogramBuckets buckets, double sum) {
      if (!declare(f)) {
        return;
      }
      HistogramSnapshot.HistogramDataPointSnapshot point = HistogramSnapshot.HistogramDataPointSnapshot
          .builder().classicHistogramBuckets(buckets).sum(sum).labels(labels).build();
      Map<Labels, HistogramSnapshot.HistogramDataPointSnapshot> series =
          histograms.computeIfAbsent(f.name(), k -> new LinkedHashMap<>());
      if (series.putIfAbsent(labels, point) != null) {
        report("duplicate series " + f.name() + labels);
      }
    }

    private boolean declare(MetricFamily f) {
      MetricFamily known = declared.putIfAbsent(f.name(), f);
      if (known != null && known != f && !known.equals(f)) {
        report(f.name() + " declared twice with different shapes");
        return false;
      }
      return true;
    }

    private void report(String what) {
      if (reportedDuplicates.add(what)) {
        LOG.error("dropping {}", what);
      }
    }

    MetricSnapshots snapshots() {
      List<MetricSnapshot> out = new ArrayList<>(points.size());
      for (Map.Entry<String, Map<Labels, Double>> e : points.entrySet()) {
        out.add(snapshot(declared.get(e.getKey()), e.getValue()));
      }
      histograms.forEach((name, series) -> {
        MetricFamily f = declared.get(name);
        HistogramSnapshot.Builder b = HistogramSnapshot.builder().name(f.baseName()).help(f.help());
        if (f.unit() != null) {
          b.unit(new Unit(f.unit()));
        }
        series.values().forEach(b::dataPoint);
        out.add(b.build());
      });
      return new MetricSnapshots(out);
    }

    private MetricSnapshot snapshot(MetricFamily f, Map<Labels, Double> series) {
      Unit unit = f.unit() == null ? null : new Unit(f.unit());
      switch (f.type()) {
        case COUNTER -> {
          CounterSnapshot.Builder b = CounterSnapshot.builder().name(f.baseName()).help(f.help());
          if (unit != null) {
            b.unit(unit);
          }
          series.forEach((l, v) -> b.dataPoint(
              CounterSnapshot.CounterDataPointSnapshot.builder().labels(l).value(v).build()));
          return b.build();
        }
        case INFO -> {
          InfoSnapshot.Builder b = InfoSnapshot.builder().name(f.baseName()).help(f.help());
          series.forEach((l, v) -> b.dataPoint(
              InfoSnapshot.InfoDataPointSnapshot.builder().labels(l).build()));
          return b.build();
        }
        default -> {
          GaugeSnapshot.Builder b = GaugeSnapshot.builder().name(f.baseName()).help(f.help());
          if (unit != null) {
            b.unit(unit);
          }
          series.forEach((l, v) -> b.dataPoint(
              GaugeSnapshot.GaugeDataPointSnapshot.builder().labels(l).value(v).build()));
          return b.build();
        }
      }
    }
  }
}
