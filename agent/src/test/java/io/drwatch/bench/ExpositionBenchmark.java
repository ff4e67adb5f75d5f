package io.drwatch.bench;

import io.drwatch.collect.MetricFamily;
import io.drwatch.collect.Samples;
import io.drwatch.http.CacheSnapshots;
import io.drwatch.sample.CollectorResult;
import io.drwatch.sample.SampleCache;
import io.prometheus.metrics.expositionformats.ExpositionFormatWriter;
import io.prometheus.metrics.expositionformats.ExpositionFormats;
import io.prometheus.metrics.model.snapshots.MetricSnapshots;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.zip.GZIPOutputStream;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The exposition path, cache to bytes, at 10k and 100k series: {@code snapshots} rebuilds the
 * {@link MetricSnapshots} from the cache (what happens once per cache change), {@code text},
 * {@code protobuf} and {@code textGzip} encode them (once per change and format, since the body
 * is cached). Series: targets of 1,000 samples each (10 families x 100 label values), as
 * collector results in a {@link SampleCache}. Run with {@code bench/jmh.sh}.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Fork(value = 1, jvmArgsAppend = {"-Xmx1g", "-XX:+UseSerialGC"})
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
public class ExpositionBenchmark {

  @Param({"10000", "100000"})
  public int series;

  SampleCache cache;
  Clock clock = Clock.systemUTC();
  MetricSnapshots snapshots;
  final ExpositionFormats formats = ExpositionFormats.init();
  ExpositionFormatWriter text;
  ExpositionFormatWriter protobuf;

  @Setup(Level.Trial)
  public void setUp() {
    cache = new SampleCache(clock);
    MetricFamily[] families = new MetricFamily[10];
    for (int f = 0; f < families.length; f++) {
      families[f] = MetricFamily.gauge("bench_family_" + f + "_bytes", "Benchmark family " + f + ".",
          "database", "application_name");
    }
    for (int t = 0; t < series / 1000; t++) {
      Samples s = new Samples();
      for (MetricFamily f : families) {
        for (int v = 0; v < 100; v++) {
          s.add(f, t * 1000.0 + v, "db" + (v % 10), "app-" + v);
        }
      }
      cache.putResult(new CollectorResult("target-" + t, "bench", true, s.toList(), clock.instant(), 0.01, null,
          clock.instant(), 0, Duration.ofHours(1)));
    }
    snapshots = snapshots();
    text = formats.getPrometheusTextFormatWriter();
    protobuf = formats.getPrometheusProtobufWriter();
    System.out.println("# drwatch: " + snapshots.stream().mapToInt(m -> m.getDataPoints().size()).sum()
        + " data points; text " + bytes(text, false) + " bytes, gzip " + bytes(text, true) + " bytes, protobuf "
        + bytes(protobuf, false) + " bytes");
  }

  private int bytes(ExpositionFormatWriter w, boolean gzip) {
    try {
      return encode(w, gzip).length;
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }

  private byte[] encode(ExpositionFormatWriter w, boolean gzip) throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream(64 * 1024);
    if (gzip) {
      try (GZIPOutputStream z = new GZIPOutputStream(out, 8192)) {
        w.write(z, snapshots);
      }
    } else {
      w.write(out, snapshots);
    }
    return out.toByteArray();
  }

  @Benchmark
  public MetricSnapshots snapshots() {
    return new CacheSnapshots(cache, clock).collect();
  }

  @Benchmark
  public byte[] text() throws IOException {
    return encode(text, false);
  }

  @Benchmark
  public byte[] textGzip() throws IOException {
    return encode(text, true);
  }

  @Benchmark
  public byte[] protobuf() throws IOException {
    return encode(protobuf, false);
  }

  @Benchmark
  public byte[] protobufGzip() throws IOException {
    return encode(protobuf, true);
  }
}
