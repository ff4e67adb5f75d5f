package io.drwatch.collect.custom;

import io.drwatch.collect.CollectorRegistry;
import io.drwatch.collect.MetricFamily;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * {@code drwatch once} documents custom collectors' families: those with series carry HELP and
 * TYPE in the exposition itself; for the others (no rows this round, or gated off on every
 * target) it appends comment lines, which Prometheus parsers ignore, with name, type, labels and
 * help, so the output names every metric the config defines.
 */
public final class CustomFamilies {

  private CustomFamilies() {}

  public static String notInOutput(List<CollectorRegistry.Entry> custom, String exposition) {
    StringBuilder b = new StringBuilder();
    for (CollectorRegistry.Entry e : custom) {
      if (!(e.collector() instanceof CustomCollector c)) {
        continue;
      }
      List<String> missing = new ArrayList<>();
      for (MetricFamily f : c.families()) {
        if (!exposition.contains("# TYPE " + f.name() + " ") && !exposition.contains("# TYPE " + f.baseName() + " ")) {
          List<String> labels = new ArrayList<>(List.of("target"));
          labels.addAll(f.labelNames());
          missing.add("#   " + f.name() + " " + f.type().name().toLowerCase(Locale.ROOT) + " {"
              + String.join(", ", labels) + "}: " + f.help());
        }
      }
      if (!missing.isEmpty()) {
        b.append("# ").append(c.describe()).append(e.enabledByDefault() ? "" : " (disabled by default)")
            .append(";\n# no series this round for:\n");
        missing.forEach(m -> b.append(m).append('\n'));
      }
    }
    return b.toString();
  }
}
