package io.drwatch.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.drwatch.collect.CollectorRegistry;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The drwatch.endpoints section: every mistake named by key path and file:line. */
class EndpointsConfigTest {

  private static final String TARGET = "targets = [ { name = \"pg-a\", url = \"jdbc:postgresql://10.0.0.1:5432/postgres\", "
      + "user = \"drwatch\", no-password = true, labels { cluster = main } } ]\n";
  private static final String OK = "name = \"app-writer\", url = \"jdbc:postgresql://db-writer.example.com:5432/postgres\", "
      + "cluster = main, expect = writer, user = \"drwatch\", password-env = \"PGPW\"";

  private AgentConfig load(String endpoints) {
    return new ConfigLoader(CollectorRegistry.builtIn().names(), Map.of("PGPW", "s3cret")::get)
        .loadString("drwatch {\n" + TARGET + "endpoints = [\n" + endpoints + "\n]\n}\n", "test.conf");
  }

  private ConfigProblem problem(String endpoint) {
    List<ConfigProblem> ps = assertThrows(ConfigException.class, () -> load("{ " + endpoint + " }")).problems();
    assertEquals(1, ps.size(), () -> "expected one problem, got " + ps);
    return ps.get(0);
  }

  @Test
  void aValidEndpointWithDefaults() {
    EndpointSettings e = load("{ " + OK + " }").endpoints().get(0);
    assertEquals("app-writer", e.name());
    assertEquals("main", e.cluster());
    assertEquals(EndpointSettings.Expect.WRITER, e.expect());
    assertEquals(EndpointSettings.Via.PROXY, e.via(), "proxy unless the name must resolve to a member");
    assertEquals(Duration.ofSeconds(15), e.interval());
    assertEquals("s3cret", e.password().reveal());
    assertNull(e.resolver());
    assertNull(e.writeProbe(), "the write probe is opt-in");
    assertFalse(e.toString().contains("s3cret"));
    assertEquals("test.conf:4", e.origin(), "file:line, as every config problem names it");
  }

  @Test
  void everyOptionReadBack() {
    EndpointSettings e = load("{ " + OK + ", via = dns, interval = 5s, timeout = 2s, connect-timeout = 1s, "
        + "resolver = \"127.0.0.1:5353\", write-probe = true }").endpoints().get(0);
    assertEquals(EndpointSettings.Via.DNS, e.via());
    assertEquals(Duration.ofSeconds(5), e.interval());
    assertEquals(Duration.ofSeconds(1), e.connectTimeout());
    assertEquals("127.0.0.1:5353", e.resolver());
    assertEquals("drwatch.endpoint_probe", e.writeProbe());
    EndpointSettings r = load("{ name = r, url = \"jdbc:postgresql://10.0.0.9/postgres\", cluster = main, "
        + "expect = reader, max-replay-delay = 30s, user = u, no-password = true }").endpoints().get(0);
    assertEquals(Duration.ofSeconds(30), r.maxReplayDelay());
  }

  @Test
  void mistakesAreNamedWithKeyAndLine() {
    ConfigProblem p = problem(OK.replace("expect = writer", "expect = primary"));
    assertEquals("drwatch.endpoints[0].expect", p.key());
    assertTrue(p.message().contains("writer or reader"), p.message());
    assertTrue(p.origin().startsWith("test.conf:"), p.origin());

    assertEquals("drwatch.endpoints[0].expect", problem(OK.replace(", expect = writer", "")).key());
    p = problem(OK.replace("cluster = main", "cluster = other"));
    assertEquals("drwatch.endpoints[0].cluster", p.key());
    assertTrue(p.message().contains("no target has labels.cluster = \"other\""), p.message());
    p = problem(OK.replace("db-writer.example.com:5432", "a:5432,b:5432"));
    assertEquals("drwatch.endpoints[0].url", p.key());
    assertTrue(p.message().contains("one host"), p.message());
    assertEquals("drwatch.endpoints[0].url", problem(OK.replace("jdbc:postgresql://", "jdbc:mysql://")).key());
    assertEquals("drwatch.endpoints[0].via", problem(OK + ", via = vip").key());
    assertEquals("drwatch.endpoints[0].resolver", problem(OK + ", resolver = \"dns server\"").key());
    assertEquals("drwatch.endpoints[0].timeout", problem(OK + ", interval = 1s, timeout = 2s, connect-timeout = 1s").key());
    assertEquals("drwatch.endpoints[0].max-replay-delay", problem(OK + ", max-replay-delay = 30s").key());
    assertEquals("drwatch.endpoints[0].write-probe-table", problem(OK + ", write-probe-table = \"x.y\"").key());
    assertEquals("drwatch.endpoints[0].write-probe-table",
        problem(OK + ", write-probe = true, write-probe-table = \"Robert'); DROP TABLE x\"").key());
    assertEquals("drwatch.endpoints[0].colour", problem(OK + ", colour = blue").key());
    p = problem(OK.replace("password-env = \"PGPW\"", "password-env = \"NOT_SET\""));
    assertEquals("drwatch.endpoints[0].password-env", p.key());
  }

  @Test
  void duplicateNamesAndWrongShapes() {
    List<ConfigProblem> ps = assertThrows(ConfigException.class, () -> load("{ " + OK + " }, { " + OK + " }")).problems();
    assertEquals("drwatch.endpoints[1].name", ps.get(0).key());
    ps = assertThrows(ConfigException.class, () -> new ConfigLoader(CollectorRegistry.builtIn().names(), k -> null)
        .loadString("drwatch {\n" + TARGET + "endpoints { a = 1 }\n}", "test.conf")).problems();
    assertEquals("drwatch.endpoints", ps.get(0).key());
    assertTrue(ps.get(0).message().contains("must be a list"), ps.get(0).message());
  }
}
