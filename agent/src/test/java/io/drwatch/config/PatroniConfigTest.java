package io.drwatch.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.drwatch.collect.CollectorRegistry;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The drwatch.patroni section: parsed and defaulted, and every mistake named with its key and line. */
class PatroniConfigTest {

  private static final Map<String, String> ENV = Map.of("PATRONI_PW", "s3cret-pw");

  private static AgentConfig load(String patroni) {
    return new ConfigLoader(CollectorRegistry.builtIn(), ENV::get).loadString("""
        drwatch {
          defaults { interval = 10s, timeout = 2s }
          targets = [ { name = pg1, host = h, user = u, no-password = true, labels { cluster = main } } ]
          patroni {
        %s
          }
        }
        """.formatted(patroni), "p.conf");
  }

  private static List<ConfigProblem> problems(String patroni) {
    return assertThrows(ConfigException.class, () -> load(patroni)).problems();
  }

  @Test
  void defaultsFromTheAgentAndTheSection() {
    PatroniSettings s = load("main { members = [\"http://10.0.0.1:8008\", \"https://pg2.example:8008/\"] }")
        .patroni().get("main");
    assertEquals(List.of(URI.create("http://10.0.0.1:8008"), URI.create("https://pg2.example:8008")), s.members());
    assertTrue(s.discover());
    assertEquals(Duration.ofSeconds(10), s.interval());
    assertEquals(Duration.ofSeconds(2), s.timeout());
    assertEquals(PatroniSettings.DEFAULT_MAX_PAUSE, s.maxPause());
    assertNull(s.username());
    assertNull(s.password());
  }

  @Test
  void everyKey() {
    PatroniSettings s = load("main { members = [\"http://127.0.0.1:8008\"], discover = false, interval = 5s, "
        + "timeout = 1s, username = drwatch, password-env = PATRONI_PW, max-pause = 30m, "
        + "member-targets { node1 = pg1 } }").patroni().get("main");
    assertFalse(s.discover());
    assertEquals("drwatch", s.username());
    assertEquals("s3cret-pw", s.password().reveal());
    assertEquals(Duration.ofMinutes(30), s.maxPause());
    assertEquals(Map.of("node1", "pg1"), s.memberTargets());
    assertFalse(s.toString().contains("s3cret-pw"), "the password never shows in the settings' text");
  }

  @Test
  void mistakesNameTheKeyAndLine() {
    List<ConfigProblem> ps = problems("""
            main { members = ["ftp://u:hunter2@10.0.0.1:8008", "10.0.0.2:8008", "http://h"], bogus = 1,
              password-env = PATRONI_PW, interval = 1s, timeout = 5s }
            other { members = ["http://10.0.0.1:8008"] }""");
    String all = ps.toString();
    assertTrue(all.contains("drwatch.patroni.main.members[0]") && all.contains("must start with http:// or https://"), all);
    assertTrue(all.contains("drwatch.patroni.main.members[2]") && all.contains("must name a host and port"), all);
    assertTrue(all.contains("drwatch.patroni.main.bogus") && all.contains("unknown key"), all);
    assertTrue(all.contains("drwatch.patroni.main.password-env") && all.contains("set username too"), all);
    assertTrue(all.contains("drwatch.patroni.main.timeout") && all.contains("must not exceed the interval"), all);
    assertTrue(all.contains("drwatch.patroni.other") && all.contains("no target has labels.cluster = \"other\""), all);
    assertTrue(all.contains("p.conf:6"), "file:line of the members list: " + all);
    assertFalse(all.contains("hunter2"), "credentials in a URL are never echoed: " + all);
  }

  @Test
  void aCaFileMustHoldACertificate(@org.junit.jupiter.api.io.TempDir java.nio.file.Path dir) throws Exception {
    java.nio.file.Path notPem = java.nio.file.Files.writeString(dir.resolve("ca.pem"), "hello");
    String all = problems("main { members = [\"https://h:8008\"], ca-file = \"" + notPem + "\" }").toString();
    assertTrue(all.contains("drwatch.patroni.main.ca-file") && all.contains("no PEM certificate in " + notPem), all);
    all = problems("main { members = [\"https://h:8008\"], ca-file = \"" + dir.resolve("missing.pem") + "\" }").toString();
    assertTrue(all.contains("cannot read"), all);
  }

  @Test
  void membersAreRequiredAndAPasswordSourceWithAUsername() {
    assertTrue(problems("main { }").toString().contains("drwatch.patroni.main.members"));
    assertTrue(problems("main { members = [\"http://h:8008\"], username = x }").toString()
        .contains("needs a password source"));
  }
}
