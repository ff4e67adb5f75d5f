package io.drwatch.monitoring;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.drwatch.monitoring.Monitoring.RuleFile;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * alerts/kubernetes/drwatch.prometheusrule.yml is generated from the shipped (live and offline) rule files (no hand
 * copy): one PrometheusRule per file, whose spec is the file's groups verbatim. This test
 * regenerates it and fails when the committed copy differs; {@code -Ddrwatch.regenerate=true}
 * writes it instead. Pending rule files join when the manifest flips them live.
 */
class PrometheusRuleTest {

  static final Path OUT = Path.of("kubernetes", "drwatch.prometheusrule.yml");

  static String generate() throws IOException {
    StringBuilder b = new StringBuilder("""
        # GENERATED from the shipped (live and offline) rule files in alerts/ (see alerts/manifest.yml): do not edit.
        # Regenerate: ./mvnw -o test -Dtest=PrometheusRuleTest -Ddrwatch.regenerate=true
        # For the Prometheus Operator: kubectl apply -f this file in the namespace your Prometheus
        # selects rules from (adjust metadata.labels to its ruleSelector).
        """);
    for (RuleFile f : Monitoring.ruleFiles()) {
      if (!f.shipped()) {
        continue;
      }
      List<String> lines = Files.readAllLines(f.path(), StandardCharsets.UTF_8);
      int start = lines.indexOf("groups:");
      if (start < 0) {
        throw new IllegalStateException(f.file() + " has no top-level 'groups:' line");
      }
      b.append("---\n")
          .append("apiVersion: monitoring.coreos.com/v1\n")
          .append("kind: PrometheusRule\n")
          .append("metadata:\n")
          .append("  name: drwatch-").append(f.file().replace(".rules.yml", "").replaceFirst("^drwatch-", "")).append('\n')
          .append("  labels:\n")
          .append("    app.kubernetes.io/name: drwatch\n")
          .append("    app.kubernetes.io/component: alert-rules\n")
          .append("    role: alert-rules\n")
          .append("  annotations:\n")
          .append("    drwatch.io/source: alerts/").append(f.file()).append('\n')
          .append("spec:\n");
      for (String line : lines.subList(start, lines.size())) {
        b.append(line.isEmpty() ? "" : "  " + line).append('\n');
      }
    }
    return b.toString();
  }

  @Test
  void committedPrometheusRuleIsGeneratedFromTheRuleFiles() throws IOException {
    Path file = Monitoring.alerts().resolve(OUT);
    String want = generate();
    if (Boolean.getBoolean("drwatch.regenerate")) {
      Files.createDirectories(file.getParent());
      Files.writeString(file, want, StandardCharsets.UTF_8);
    }
    assertTrue(Files.isRegularFile(file), file + " missing: run with -Ddrwatch.regenerate=true");
    assertEquals(want, Files.readString(file, StandardCharsets.UTF_8),
        file + " is out of date: run ./mvnw -o test -Dtest=PrometheusRuleTest -Ddrwatch.regenerate=true");
  }

  @Test
  @SuppressWarnings("unchecked")
  void eachDocumentCarriesExactlyItsSourceGroupsAndPassesPromtool(@TempDir Path tmp) throws IOException {
    String text = Files.readString(Monitoring.alerts().resolve(OUT), StandardCharsets.UTF_8);
    List<Map<String, Object>> docs = new ArrayList<>();
    for (Object o : Monitoring.yaml().loadAll(text)) {
      if (o != null) {
        docs.add((Map<String, Object>) o);
      }
    }
    List<RuleFile> live = Monitoring.ruleFiles().stream().filter(RuleFile::shipped).toList();
    assertEquals(live.size(), docs.size(), "one PrometheusRule per live rule file");
    for (int i = 0; i < live.size(); i++) {
      Map<String, Object> doc = docs.get(i);
      assertEquals("monitoring.coreos.com/v1", doc.get("apiVersion"));
      assertEquals("PrometheusRule", doc.get("kind"));
      Map<String, Object> spec = (Map<String, Object>) doc.get("spec");
      assertEquals(Monitoring.loadYaml(live.get(i).path()).get("groups"), spec.get("groups"),
          "spec.groups of document " + i + " equals " + live.get(i).file());
      Path extracted = tmp.resolve("spec-" + i + ".yml");
      Files.writeString(extracted, Monitoring.yaml().dump(spec));
      Cmd.Result r = Cmd.run(tmp, Duration.ofSeconds(60), "promtool", "check", "rules", extracted.toString());
      assertEquals(0, r.exit(), r.output());
    }
  }
}
