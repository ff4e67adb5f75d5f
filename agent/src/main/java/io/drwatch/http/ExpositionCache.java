package io.drwatch.http;

import io.prometheus.metrics.expositionformats.ExpositionFormatWriter;
import io.prometheus.metrics.expositionformats.ExpositionFormats;
import io.prometheus.metrics.model.snapshots.MetricSnapshots;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.zip.GZIPOutputStream;

/**
 * The encoded /metrics bodies: one per format and per gzip, kept while {@link CacheSnapshots}
 * hands back the same snapshots (it rebuilds them only when the cache changed or a sample turned
 * stale). Scrapes between two cache changes cost a map lookup, not a render and a gzip.
 */
final class ExpositionCache {

  /** One encoded body; {@code gzip} says whether {@code body} is gzip-compressed. */
  record Body(String contentType, boolean gzip, byte[] body) {}

  private record Key(String contentType, boolean gzip) {}

  /** The bodies rendered from one snapshots object. */
  private record Generation(MetricSnapshots snapshots, Map<Key, Body> bodies) {}

  private final CacheSnapshots source;
  private final ExpositionFormats formats = ExpositionFormats.init();
  private final AtomicLong renders = new AtomicLong();
  private volatile Generation current = new Generation(null, new ConcurrentHashMap<>());

  ExpositionCache(CacheSnapshots source) {
    this.source = source;
  }

  /**
   * The body for this Accept header, gzip-compressed when {@code gzip}. Scrapers that arrive
   * together on a new generation wait for one render instead of each rendering it.
   */
  Body body(String accept, boolean gzip) throws IOException {
    MetricSnapshots snapshots = source.collect();
    Generation g;
    synchronized (this) {
      g = current;
      if (g.snapshots() != snapshots) {
        g = new Generation(snapshots, new ConcurrentHashMap<>());
        current = g;
      }
    }
    ExpositionFormatWriter found = formats.findWriter(accept);
    ExpositionFormatWriter writer = found.isAvailable() ? found : formats.getPrometheusTextFormatWriter();
    try {
      return g.bodies().computeIfAbsent(new Key(writer.getContentType(), gzip), k -> {
        try {
          return render(writer, snapshots, gzip);
        } catch (IOException e) {
          throw new UncheckedIOException(e);
        }
      });
    } catch (UncheckedIOException e) {
      throw e.getCause();
    }
  }

  /** How many bodies were encoded so far (each format and gzip counts once per generation). */
  long renders() {
    return renders.get();
  }

  private Body render(ExpositionFormatWriter writer, MetricSnapshots snapshots, boolean gzip)
      throws IOException {
    renders.incrementAndGet();
    ByteArrayOutputStream out = new ByteArrayOutputStream(64 * 1024);
    if (gzip) {
      try (GZIPOutputStream z = new GZIPOutputStream(out, 8192)) {
        writer.write(z, snapshots);
      }
    } else {
      writer.write(out, snapshots);
    }
    return new Body(writer.getContentType(), gzip, out.toByteArray());
  }
}
