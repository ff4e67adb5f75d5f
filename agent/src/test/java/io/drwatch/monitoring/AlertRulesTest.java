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
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * Every shipped rule file, live or pending: promtool check rules and promtool test rules pass;
 * every alert has a unit test that makes it fire (with severity and all three annotations
 * expected) and one that keeps it quiet; names, severities, for, annotations and runbooks follow
 * the house rules (monitoring-mixins habits).
 */
class AlertRulesTest {

  static final String RUNBOOK_BASE = "https://drwatch.example/docs/runbooks/";
  static final Set<String> SEVERITIES = Set.of("critical", "warning", "info");
  static final Pattern CAMEL = Pattern.compile("[A-Z][a-z0-9]+(?:[A-Z][a-z0-9]*)+");
  static final List<String> RUNBOOK_SECTIONS = List.of("## Meaning", "## Impact", "## Diagnosis",
      "## Mitigation", "## Silencing");

  /** The shared name prefix of each rule file's alerts. */
  static final Map<String, String> PREFIX = Map.of(
      "drwatch-agent.rules.yml", "Drwatch",
      "postgres-replication.rules.yml", "Postgres",
      "postgres-slots.rules.yml", "Postgres",
      "postgres-archiving.rules.yml", "Postgres",
      "cluster.rules.yml", "DrwatchCluster",
      "pgbackrest.rules.yml", "Pgbackrest",
      "cockroachdb.rules.yml", "Cockroach",
      "query-health.rules.yml", "Postgres",
      "endpoints.rules.yml", "DrwatchEndpoint",
      "patroni.rules.yml", "DrwatchPatroni");

  /** Alerts without `for`, and why that does not flap. */
  static final Map<String, String> NO_FOR = Map.of("DrwatchClusterFailoverHappened",
      "increase() over 30m keeps it firing for 30 minutes after one failover; waiting only delays the news");

  /** Alerts whose series have no `target` (cluster- or agent-level), and the label they name instead. */
  static final Map<String, String> WITHOUT_TARGET = Map.ofEntries(
      Map.entry("DrwatchAgentAbsent", "$labels.instance"),
      Map.entry("DrwatchClusterSplitBrain", "$labels.cluster"),
      Map.entry("DrwatchClusterSplitBrainAcrossAgents", "$labels.cluster"),
      Map.entry("DrwatchClusterUnprotected", "$labels.cluster"),
      Map.entry("DrwatchClusterNoPrimary", "$labels.cluster"),
      Map.entry("DrwatchClusterFailoverHappened", "$labels.cluster"),
      Map.entry("DrwatchClusterRpoOverObjective", "$labels.cluster"),
      Map.entry("DrwatchClusterRtoOverObjective", "$labels.cluster"),
      Map.entry("DrwatchClusterRegionLossOverObjective", "$labels.cluster"),
      Map.entry("DrwatchClusterRegionNoSurvivor", "$labels.cluster"),
      Map.entry("CockroachDecommissionStalled", "$labels.node_id"),
      Map.entry("DrwatchEndpointWriterReadOnly", "$labels.endpoint"),
      Map.entry("DrwatchEndpointWriterNotPrimary", "$labels.endpoint"),
      Map.entry("DrwatchEndpointDown", "$labels.endpoint"),
      Map.entry("DrwatchEndpointReaderOnPrimary", "$labels.endpoint"),
      Map.entry("DrwatchEndpointReaderLagging", "$labels.endpoint"),
      Map.entry("DrwatchEndpointAddressNotMember", "$labels.endpoint"),
      Map.entry("DrwatchPatroniLeaderMismatch", "$labels.cluster"),
      Map.entry("DrwatchPatroniSyncStandbyMismatch", "$labels.cluster"),
      Map.entry("DrwatchPatroniSeveralLeaders", "$labels.cluster"),
      Map.entry("DrwatchPatroniNoLeader", "$labels.cluster"),
      Map.entry("DrwatchPatroniMemberNotRunning", "$labels.member"),
      Map.entry("DrwatchPatroniPausedTooLong", "$labels.cluster"),
      Map.entry("DrwatchPatroniDcsUnreachable", "$labels.cluster"),
      Map.entry("DrwatchPatroniApiDown", "$labels.cluster"),
      Map.entry("DrwatchPatroniNoFailoverCandidate", "$labels.cluster"));

  /** Alerts whose $value says nothing (absent() is always 1). */
  static final Set<String> VALUE_MEANINGLESS = Set.of("DrwatchAgentAbsent");

  @Test
  void promtoolCheckRulesPassesOnEveryFile() {
    for (RuleFile f : Monitoring.ruleFiles()) {
      assertTrue(Files.isRegularFile(f.path()), "manifest lists a missing file " + f.file());
      Cmd.Result r = Cmd.run(Monitoring.alerts(), Duration.ofSeconds(60), "promtool", "check", "rules", f.file());
      assertEquals(0, r.exit(), r.output());
      assertTrue(r.output().contains("SUCCESS"), r.output());
    }
  }

  @Test
  void everyRuleFileIsInTheManifestAndHasAUnitTestFile() throws IOException {
    Set<String> listed = new HashSet<>();
    Monitoring.ruleFiles().forEach(f -> listed.add(f.file()));
    try (Stream<Path> s = Files.list(Monitoring.alerts())) {
      for (Path p : s.filter(x -> x.toString().endsWith(".rules.yml")).toList()) {
        assertTrue(listed.contains(p.getFileName().toString()), p + " is not in alerts/manifest.yml");
      }
    }
    for (RuleFile f : Monitoring.ruleFiles()) {
      assertTrue(Set.of("live", "offline", "pending").contains(f.status()), f.file() + ": status " + f.status());
      assertEquals(f.shipped(), f.needs().isEmpty(), f.file() + ": a pending file lists its needs, a shipped one none");
      assertEquals(f.status().equals("offline"), f.why() != null && !f.why().isBlank(),
          f.file() + ": an offline file says why the live test cannot evaluate it (and only it)");
      Path test = Monitoring.alerts().resolve("tests").resolve(f.file().replace(".rules.yml", ".test.yml"));
      assertTrue(Files.isRegularFile(test), "no unit test file " + test);
      assertTrue(Monitoring.loadYaml(test).get("rule_files").toString().contains(f.file()),
          test + " does not load " + f.file());
    }
  }

  @Test
  void promtoolUnitTestsPass() {
    List<String> cmd = new ArrayList<>(List.of("promtool", "test", "rules"));
    Monitoring.ruleTests().forEach(p -> cmd.add("tests/" + p.getFileName()));
    Cmd.Result r = Cmd.run(Monitoring.alerts(), Duration.ofMinutes(5), cmd);
    assertEquals(0, r.exit(), r.output());
    assertTrue(!r.output().contains("FAILED"), r.output());
  }

  @Test
  @SuppressWarnings("unchecked")
  void everyAlertHasAFiringAndAQuietUnitTest() {
    Map<String, Rule> alerts = new HashMap<>();
    Monitoring.allRules().stream().filter(Rule::isAlert).forEach(r -> alerts.put(r.alert(), r));
    Set<String> fires = new HashSet<>();
    Set<String> quiet = new HashSet<>();
    List<String> problems = new ArrayList<>();
    for (Path test : Monitoring.ruleTests()) {
      for (Object t : (List<Object>) Monitoring.loadYaml(test).get("tests")) {
        Map<String, Object> tc = (Map<String, Object>) t;
        for (Object a : (List<Object>) tc.getOrDefault("alert_rule_test", List.of())) {
          Map<String, Object> art = (Map<String, Object>) a;
          String name = (String) art.get("alertname");
          if (!alerts.containsKey(name)) {
            problems.add(test.getFileName() + " tests unknown alert " + name);
            continue;
          }
          List<Object> exp = (List<Object>) art.get("exp_alerts");
          if (exp == null || exp.isEmpty()) {
            quiet.add(name);
            continue;
          }
          fires.add(name);
          for (Object e : exp) {
            Map<String, Object> ea = (Map<String, Object>) e;
            Map<String, Object> labels = (Map<String, Object>) ea.getOrDefault("exp_labels", Map.of());
            Map<String, Object> ann = (Map<String, Object>) ea.getOrDefault("exp_annotations", Map.of());
            if (!alerts.get(name).labels().get("severity").equals(labels.get("severity"))) {
              problems.add(name + ": a firing test does not expect severity " + alerts.get(name).labels().get("severity"));
            }
            if (!ann.keySet().containsAll(Set.of("summary", "description", "runbook_url"))) {
              problems.add(name + ": a firing test does not expect summary, description and runbook_url");
            }
          }
        }
      }
    }
    for (String name : new TreeSet<>(alerts.keySet())) {
      if (!fires.contains(name)) {
        problems.add(name + " has no unit test where it fires");
      }
      if (!quiet.contains(name)) {
        problems.add(name + " has no unit test where it stays quiet");
      }
    }
    assertEquals(List.of(), problems);
  }

  @Test
  void alertsFollowTheHouseRules() {
    List<String> problems = new ArrayList<>();
    Set<String> seen = new HashSet<>();
    for (Rule r : Monitoring.allRules()) {
      if (!r.isAlert()) {
        continue;
      }
      String n = r.alert();
      if (!seen.add(n)) {
        problems.add(n + " is defined twice");
      }
      if (!CAMEL.matcher(n).matches()) {
        problems.add(n + " is not CamelCase");
      }
      String prefix = PREFIX.get(r.file());
      if (prefix == null || !n.startsWith(prefix)) {
        problems.add(n + " in " + r.file() + " does not start with " + prefix);
      }
      String sev = r.labels().get("severity");
      if (!SEVERITIES.contains(sev)) {
        problems.add(n + ": severity " + sev);
      }
      if (r.forDuration() == null) {
        if (!NO_FOR.containsKey(n)) {
          problems.add(n + " has no `for`");
        }
      } else if (seconds(r.forDuration()) < 60) {
        problems.add(n + ": for " + r.forDuration() + " is short enough to flap");
      }
      String summary = r.annotations().getOrDefault("summary", "");
      String desc = r.annotations().getOrDefault("description", "");
      if (summary.isBlank() || desc.isBlank()) {
        problems.add(n + " lacks summary or description");
      }
      String who = WITHOUT_TARGET.getOrDefault(n, "$labels.target");
      if (!(summary + desc).contains("{{ " + who + " }}") && !(summary + desc).contains("with " + who)) {
        problems.add(n + ": summary/description do not name " + who);
      }
      if (!VALUE_MEANINGLESS.contains(n) && !(summary + desc).contains("$value")) {
        problems.add(n + ": summary/description do not show {{ $value }}");
      }
      String url = r.annotations().get("runbook_url");
      if (!(RUNBOOK_BASE + n + ".md").equals(url)) {
        problems.add(n + ": runbook_url " + url + " is not " + RUNBOOK_BASE + n + ".md");
      }
    }
    assertEquals(List.of(), problems);
  }

  @Test
  void everyAlertHasARunbookWithEverySectionAndNoRunbookIsOrphaned() throws IOException {
    List<String> problems = new ArrayList<>();
    Set<String> names = new LinkedHashSet<>();
    Monitoring.allRules().stream().filter(Rule::isAlert).forEach(r -> names.add(r.alert()));
    for (String n : names) {
      Path p = Monitoring.runbooks().resolve(n + ".md");
      if (!Files.isRegularFile(p)) {
        problems.add("missing runbook " + p);
        continue;
      }
      String text = Files.readString(p, StandardCharsets.UTF_8);
      if (!text.startsWith("# " + n + "\n")) {
        problems.add(p.getFileName() + " does not start with '# " + n + "'");
      }
      for (String s : RUNBOOK_SECTIONS) {
        if (!text.contains("\n" + s + "\n")) {
          problems.add(p.getFileName() + " lacks section " + s);
        }
      }
      if (!text.contains("```sql")) {
        problems.add(p.getFileName() + " has no SQL (or shell) to confirm with");
      }
    }
    try (Stream<Path> s = Files.list(Monitoring.runbooks())) {
      for (Path p : s.toList()) {
        String f = p.getFileName().toString();
        if (!f.equals("README.md") && !names.contains(f.replaceFirst("\\.md$", ""))) {
          problems.add("runbook without an alert: " + f);
        }
      }
    }
    assertEquals(List.of(), problems);
  }

  static long seconds(String promDuration) {
    long total = 0;
    var m = Pattern.compile("(\\d+)(ms|s|m|h|d|w|y)").matcher(promDuration);
    while (m.find()) {
      long v = Long.parseLong(m.group(1));
      total += switch (m.group(2)) {
        case "ms" -> 0;
        case "s" -> v;
        case "m" -> v * 60;
        case "h" -> v * 3600;
        case "d" -> v * 86400;
        case "w" -> v * 7 * 86400;
        default -> v * 365 * 86400;
      };
    }
    return total;
  }
}
