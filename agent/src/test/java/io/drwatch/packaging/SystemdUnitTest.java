package io.drwatch.packaging;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * packaging/systemd: the unit carries the hardening and the paths docs/install.md describes,
 * `systemd-analyze verify` accepts it without a warning, `systemd-analyze security` rates it
 * well, and the sysusers entry creates the user it runs as.
 */
class SystemdUnitTest {

  static final String UNIT = "packaging/systemd/drwatch.service";

  /** Active (uncommented) directives of a section; a repeated key keeps its last value. */
  static Map<String, String> directives(String text, String section) {
    Map<String, String> out = new LinkedHashMap<>();
    String current = null;
    for (String raw : text.split("\n")) {
      String line = raw.strip();
      if (line.isEmpty() || line.startsWith("#") || line.startsWith(";")) {
        continue;
      }
      if (line.startsWith("[")) {
        current = line;
        continue;
      }
      int eq = line.indexOf('=');
      if (("[" + section + "]").equals(current) && eq > 0) {
        out.put(line.substring(0, eq).strip(), line.substring(eq + 1).strip());
      }
    }
    return out;
  }

  @Test
  void unitHasTheHardeningRestartAndPaths() {
    String text = Repo.read(UNIT);
    Map<String, String> s = directives(text, "Service");
    Map<String, String> want = new LinkedHashMap<>();
    want.put("User", "drwatch");
    want.put("Group", "drwatch");
    want.put("ExecStart", "/opt/drwatch/bin/drwatch run --config /etc/drwatch/drwatch.conf");
    want.put("ExecReload", "/bin/kill -HUP $MAINPID");
    want.put("Restart", "on-failure");
    want.put("EnvironmentFile", "-/etc/drwatch/drwatch.env");
    want.put("NoNewPrivileges", "yes");
    want.put("ProtectSystem", "strict");
    want.put("ProtectHome", "yes");
    want.put("PrivateTmp", "yes");
    want.put("CapabilityBoundingSet", "");
    want.put("AmbientCapabilities", "");
    want.put("RestrictAddressFamilies", "AF_UNIX AF_INET AF_INET6");
    want.put("StateDirectory", "drwatch");
    want.put("Environment", "DRWATCH_CDS_ARCHIVE=/var/lib/drwatch/drwatch.jsa");
    List<String> problems = new ArrayList<>();
    want.forEach((k, v) -> {
      if (!v.equals(s.get(k))) {
        problems.add(k + "=" + s.get(k) + ", want " + k + "=" + v);
      }
    });
    assertEquals(List.of(), problems);
    assertTrue(text.contains("#LoadCredential=pg-a.pass:/etc/drwatch/secrets/pg-a.pass"),
        "the unit shows how to pass a password file as a credential");
    assertEquals("multi-user.target", directives(text, "Install").get("WantedBy"));
  }

  @Test
  void sysusersCreatesTheUnitsUserAndTheEnvExampleHoldsNoSecret() {
    List<String> lines = Repo.read("packaging/systemd/drwatch.sysusers").lines()
        .filter(l -> !l.isBlank() && !l.startsWith("#")).toList();
    assertEquals(1, lines.size(), lines.toString());
    assertTrue(lines.get(0).matches("u drwatch - \"[^\"]+\" /var/lib/drwatch /usr/sbin/nologin"), lines.get(0));
    assertTrue(Repo.read("packaging/systemd/drwatch.env.example").lines()
        .allMatch(l -> l.isBlank() || l.startsWith("#")), "drwatch.env.example is all comments");
  }

  @Test
  void systemdAnalyzeVerifiesTheUnitAndRatesItsExposureLow(@TempDir Path tmp) throws IOException {
    if (!Repo.onPath("systemd-analyze")) {
      System.out.println("[packaging] systemd-analyze not installed (apt-get install systemd): unit verify skipped");
      Assumptions.abort("systemd-analyze not installed");
    }
    // ExecStart must name an executable that exists here: the launcher in the source tree.
    Path unit = tmp.resolve("drwatch.service");
    Files.writeString(unit, Repo.read(UNIT).replace("/opt/drwatch/bin/drwatch",
        Repo.path("packaging/tarball/bin/drwatch").toString()));
    Repo.Result r = Repo.run(tmp, Map.of("SYSTEMD_LOG_COLOR", "0"), Duration.ofMinutes(1),
        List.of("systemd-analyze", "verify", unit.toString()));
    assertEquals(0, r.exit(), r.output());
    assertEquals("", r.output().strip(), "systemd-analyze verify warns");
    Repo.Result sec = Repo.run(tmp, Map.of("SYSTEMD_COLORS", "0"), Duration.ofMinutes(1),
        List.of("systemd-analyze", "security", "--offline=yes", unit.toString()));
    Matcher m = Pattern.compile("Overall exposure level for drwatch.service: (\\d+\\.\\d+)").matcher(sec.output());
    assertTrue(m.find(), sec.output());
    assertTrue(Double.parseDouble(m.group(1)) <= 2.0, "exposure " + m.group(1) + " (systemd: <= 2 is OK)");
  }
}
