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

/** Which targets a reload counts as changed: any key of their block or what they all share, not its line. */
class ReloadFingerprintTest {

  @TempDir
  Path dir;

  private static final String A = "{ name = a, url = \"jdbc:postgresql://h:5432/postgres\", user = u, no-password = true%s }";
  private static final String B = "{ name = b, url = \"jdbc:postgresql://h:5433/postgres\", user = u, no-password = true }";

  private Map<String, String> fingerprints(String file, String body) throws Exception {
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
    Map<String, String> before = fingerprints("1.conf", conf("interval = 15s", A.formatted(""), B));
    Map<String, String> moved = fingerprints("2.conf", "# a comment\n\n" + conf("interval = 15s", B, A.formatted("")));
    assertEquals(before, moved);

    Map<String, String> edited = fingerprints("3.conf",
        conf("interval = 15s", A.formatted(", collectors { statements { top-n = 5 } }"), B));
    assertNotEquals(before.get("a"), edited.get("a"));
    assertEquals(before.get("b"), edited.get("b"));

    Map<String, String> labelled = fingerprints("4.conf", conf("interval = 15s", A.formatted(", labels { dc = x }"), B));
    assertNotEquals(before.get("a"), labelled.get("a"));
  }

  @Test
  void sharedDefaultsChangeEveryTarget() throws Exception {
    Map<String, String> before = fingerprints("1.conf", conf("interval = 15s", A.formatted(""), B));
    Map<String, String> after = fingerprints("2.conf", conf("interval = 30s", A.formatted(""), B));
    assertNotEquals(before.get("a"), after.get("a"));
    assertNotEquals(before.get("b"), after.get("b"));
  }
}
