package io.drwatch.monitoring;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.drwatch.monitoring.Monitoring.Rule;
import io.drwatch.monitoring.Monitoring.RuleFile;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * The opt-in postgres_exporter compatibility rules (alerts/compat/postgres-exporter.rules.yml):
 * promtool accepts them and their unit tests pass, every recorded name has a unit test, they read
 * only families the agent declares, no recorded name shadows a name drwatch itself exposes, they
 * stay out of the default rule set and the PrometheusRule, and
 * docs/postgres-exporter-migration.md lists exactly the recorded names.
 */
class PostgresExporterCompatTest {

  static final String FILE = "compat/postgres-exporter.rules.yml";
  static final String TEST = "compat/tests/postgres-exporter.test.yml";

  static List<Rule> rules() {
    return Monitoring.rules(new RuleFile(FILE, "opt-in", null, List.of(), null));
  }

  @Test
  void promtoolChecksAndUnitTestsPass() {
    Cmd.Result check = Cmd.run(Monitoring.alerts(), Duration.ofSeconds(60), "promtool", "check", "rules", FILE);
    assertEquals(0, check.exit(), check.output());
    Cmd.Result test = Cmd.run(Monitoring.alerts(), Duration.ofMinutes(2), "promtool", "test", "rules", TEST);
    assertEquals(0, test.exit(), test.output());
    assertTrue(test.output().contains("SUCCESS"), test.output());
  }

  @Test
  @SuppressWarnings("unchecked")
  void everyRecordedNameIsUnitTestedAndReadsDeclaredFamiliesOnly() {
    Set<String> tested = new TreeSet<>();
    for (Object t : (List<Object>) Monitoring.loadYaml(Monitoring.alerts().resolve(TEST)).get("tests")) {
      for (Object e : (List<Object>) ((Map<String, Object>) t).get("promql_expr_test")) {
        tested.add((String) ((Map<String, Object>) e).get("expr"));
      }
    }
    Set<String> declared = Monitoring.declaredNames();
    List<String> problems = new ArrayList<>();
    for (Rule r : rules()) {
      if (r.isAlert()) {
        problems.add(r.name() + ": the compatibility file records, it does not alert");
        continue;
      }
      if (!tested.contains(r.record())) {
        problems.add(r.record() + " has no promql_expr_test");
      }
      if (declared.contains(r.record())) {
        problems.add(r.record() + " is a name drwatch exposes itself: recording it would mix two meanings");
      }
      for (String n : PromQl.metricNames(r.expr())) {
        if (!declared.contains(n)) {
          problems.add(r.record() + " reads " + n + ", which the agent does not declare");
        }
      }
    }
    assertEquals(List.of(), problems);
  }

  @Test
  void optInOnlyAndDocumented() throws IOException {
    for (RuleFile f : Monitoring.ruleFiles()) {
      assertTrue(!f.file().contains("compat"), "the compatibility rules are opt-in, not in alerts/manifest.yml");
    }
    String prometheusRule = Files.readString(Monitoring.alerts().resolve("kubernetes/drwatch.prometheusrule.yml"));
    assertTrue(!prometheusRule.contains("postgres-exporter-compat"), "not in the generated PrometheusRule");
    Path doc = Monitoring.root().resolve("docs/postgres-exporter-migration.md");
    String text = Files.readString(doc, StandardCharsets.UTF_8);
    Set<String> documented = new LinkedHashSet<>();
    Matcher m = Pattern.compile("(?m)^\\| `([a-z_]+)` \\| recorded \\|").matcher(text);
    while (m.find()) {
      documented.add(m.group(1));
    }
    Set<String> recorded = new LinkedHashSet<>();
    rules().forEach(r -> recorded.add(r.record()));
    assertEquals(new TreeSet<>(recorded), new TreeSet<>(documented),
        doc + ": one '| `name` | recorded |' row per recorded name");
  }
}
