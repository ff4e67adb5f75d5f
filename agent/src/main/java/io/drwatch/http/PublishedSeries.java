package io.drwatch.http;

import io.drwatch.collect.MetricFamily;
import io.prometheus.metrics.model.snapshots.CounterSnapshot;
import io.prometheus.metrics.model.snapshots.DataPointSnapshot;
import io.prometheus.metrics.model.snapshots.GaugeSnapshot;
import io.prometheus.metrics.model.snapshots.InfoSnapshot;
import io.prometheus.metrics.model.snapshots.Labels;
import io.prometheus.metrics.model.snapshots.MetricSnapshot;
import io.prometheus.metrics.model.snapshots.MetricSnapshots;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The series the agent last published on /metrics, looked up by their declared family: how the
 * status page reads the cluster package's answers (primaries, RPO per layer, RTO, failovers) as
 * they are, instead of deciding them again.
 */
final class PublishedSeries {

  /** One published value and its labels. */
  record Point(Labels labels, double value) {
    String label(String name) {
      return labels.get(name);
    }
  }

  private final Map<String, List<Point>> byName = new HashMap<>();

  PublishedSeries(MetricSnapshots snapshots) {
    for (MetricSnapshot s : snapshots) {
      List<Point> points = new ArrayList<>();
      for (DataPointSnapshot p : s.getDataPoints()) {
        if (p instanceof GaugeSnapshot.GaugeDataPointSnapshot g) {
          points.add(new Point(g.getLabels(), g.getValue()));
        } else if (p instanceof CounterSnapshot.CounterDataPointSnapshot c) {
          points.add(new Point(c.getLabels(), c.getValue()));
        } else if (p instanceof InfoSnapshot.InfoDataPointSnapshot i) {
          points.add(new Point(i.getLabels(), 1)); // an info series is 1 for the labels it carries
        }
      }
      byName.put(s.getMetadata().getName(), points);
    }
  }

  List<Point> all(MetricFamily family) {
    return all(family.baseName());
  }

  /** By client_java base name (no _total/_info): for families not declared in this build yet. */
  List<Point> all(String baseName) {
    return byName.getOrDefault(baseName, List.of());
  }

  /** The points of the family whose labels match the name/value pairs. */
  List<Point> matching(MetricFamily family, String... labelPairs) {
    return matching(family.baseName(), labelPairs);
  }

  List<Point> matching(String baseName, String... labelPairs) {
    List<Point> out = new ArrayList<>();
    for (Point p : all(baseName)) {
      boolean match = true;
      for (int i = 0; i + 1 < labelPairs.length; i += 2) {
        if (!labelPairs[i + 1].equals(p.labels().get(labelPairs[i]))) {
          match = false;
          break;
        }
      }
      if (match) {
        out.add(p);
      }
    }
    return out;
  }

  /** The first matching value, or null. */
  Double value(MetricFamily family, String... labelPairs) {
    return value(family.baseName(), labelPairs);
  }

  Double value(String baseName, String... labelPairs) {
    List<Point> m = matching(baseName, labelPairs);
    return m.isEmpty() ? null : m.get(0).value();
  }
}
