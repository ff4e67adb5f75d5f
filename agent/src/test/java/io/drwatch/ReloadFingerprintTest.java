package io.drwatch;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

import io.drwatch.collect.CollectorRegistry;
import io.drwatch.config.AgentConfig;
import io.drwatch.config.ConfigLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Which targets a reload counts as changed, from the settings records (not the file's text): any
 * key of their block, the secret it resolves to, or what they all share (defaults, custom
 * collectors); never the block's line.
 */
class ReloadFingerprintTest {

  @TempDir
  Path dir;

  private static final String A = "{ name = a, url = \"jdbc:postgresql://h:5432/postgres\", user = u, no-password = true%s }";
  private static final String B = "{ name = b, url = \"jdbc:postgresql://h:5433/postgres\", user = u, no-password = true }";

  private Map<String, Agent.Fingerprint> fingerprints(String file, String body) throws Exception {
    Path f = dir.resolve(file);
    Files.writeString(f, body);
    AgentConfig c = new ConfigLoader(CollectorRegistry.builtIn(), k -> null).load(f);
    return Agent.fingerprints(c);
  }

  private static String conf(String defaults, String a, String b) {
    return "drwatch {\n defaults { " + defaults + " }\n targets = [\n  " + a + "\n  " + b + "\n ]\n}\n";
  }

  @Test
  void movingABlockIsNoChangeEditingOneChangesOnlyIt() throws Exception {
    Map<String, Agent.Fingerprint> before = fingerprints("1.conf", conf("interval = 15s", A.formatted(""), B));
    Map<String, Agent.Fingerprint> moved = fingerprints("2.conf", "# a comment\n\n" + conf("interval = 15s", B, A.formatted("")));
    assertEquals(before, moved);

    Map<String, Agent.Fingerprint> edited = fingerprints("3.conf",
        conf("interval = 15s", A.formatted(", collectors { statements { top-n = 5 } }"), B));
    assertNotEquals(before.get("a"), edited.get("a"));
    assertEquals(before.get("b"), edited.get("b"));

    Map<String, Agent.Fingerprint> labelled = fingerprints("4.conf", conf("interval = 15s", A.formatted(", labels { dc = x }"), B));
    assertNotEquals(before.get("a"), labelled.get("a"));
  }

  @Test
  void sharedDefaultsChangeEveryTarget() throws Exception {
    Map<String, Agent.Fingerprint> before = fingerprints("1.conf", conf("interval = 15s", A.formatted(""), B));
    Map<String, Agent.Fingerprint> after = fingerprints("2.conf", conf("interval = 30s", A.formatted(""), B));
    assertNotEquals(before.get("a"), after.get("a"));
    assertNotEquals(before.get("b"), after.get("b"));
  }

  @Test
  void aChangedPasswordFileOrCustomCollectorChangesWhoDependsOnIt() throws Exception {
    Path secret = dir.resolve("pw");
    Files.writeString(secret, "one\n");
    String a = "{ name = a, url = \"jdbc:postgresql://h:5432/postgres\", user = u, password-file = \"" + secret + "\" }";
    Map<String, Agent.Fingerprint> before = fingerprints("1.conf", conf("interval = 15s", a, B));
    Files.writeString(secret, "two\n");
    Map<String, Agent.Fingerprint> rotated = fingerprints("2.conf", conf("interval = 15s", a, B));
    assertNotEquals(before.get("a"), rotated.get("a"), "a rotated password reconnects");
    assertEquals(before.get("b"), rotated.get("b"));
    assertEquals(false, before.get("a").toString().contains("one"), "no secret in the fingerprint's text");

    String custom = "custom-collectors { q { sql = \"SELECT 1 AS v\", metrics { v = gauge } } }\n";
    Map<String, Agent.Fingerprint> one = fingerprints("3.conf", conf("interval = 15s", A.formatted(""), B)
        .replace("drwatch {\n", "drwatch {\n" + custom));
    Map<String, Agent.Fingerprint> same = fingerprints("4.conf", "\n" + conf("interval = 15s", A.formatted(""), B)
        .replace("drwatch {\n", "drwatch {\n" + custom));
    Map<String, Agent.Fingerprint> other = fingerprints("5.conf", conf("interval = 15s", A.formatted(""), B)
        .replace("drwatch {\n", "drwatch {\n" + custom.replace("SELECT 1", "SELECT 2")));
    assertEquals(one, same);
    assertNotEquals(one.get("a"), other.get("a"));
    assertNotEquals(one.get("b"), other.get("b"));
  }
}
