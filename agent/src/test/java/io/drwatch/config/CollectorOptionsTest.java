package io.drwatch.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.typesafe.config.Config;
import io.drwatch.collect.Collector;
import io.drwatch.collect.CollectorRegistry;
import io.drwatch.collect.Db;
import io.drwatch.collect.MetricFamily;
import io.drwatch.collect.Sample;
import io.drwatch.sample.Schedule;
import io.drwatch.target.ServerInfo;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** Collector-specific options: declared keys only, validated at load, applied per target. */
class CollectorOptionsTest {

  /** A collector that takes one option, {@code stanza}, which must not be empty. */
  record Optioned(String stanza) implements Collector {
    @Override public String name() { return "optioned"; }
    @Override public boolean appliesTo(ServerInfo server) { return true; }
    @Override public List<MetricFamily> families() { return List.of(); }
    @Override public List<Sample> collect(Db db, ServerInfo server) { return List.of(); }
    @Override public Set<String> optionKeys() { return Set.of("stanza"); }
    @Override public Collector configure(Config options) {
      String s = options.getString("stanza");
      if (s.isBlank()) {
        throw new IllegalArgumentException("stanza must not be empty");
      }
      return new Optioned(s);
    }
  }

  private final CollectorRegistry registry = CollectorRegistry.builtIn()
      .plus(List.of(new CollectorRegistry.Entry(new Optioned("default"), false)));

  private AgentConfig load(String collectors) {
    return new ConfigLoader(registry, Map.<String, String>of()::get).loadString("""
        drwatch { targets = [ { name = a, host = h, user = u, no-password = true,
          collectors { %s } } ] }
        """.formatted(collectors), "opt.conf");
  }

  @Test
  void optionsReachTheTargetsCollectorInstance() {
    AgentConfig c = load("optioned { enabled = true, stanza = main }");
    List<Schedule> s = Schedule.forTarget(c.targets().get(0), c.defaults(), registry);
    Collector optioned = s.stream().map(Schedule::collector).filter(x -> x.name().equals("optioned")).findFirst().orElseThrow();
    assertEquals(new Optioned("main"), optioned);
  }

  @Test
  void withoutOptionsTheSharedInstanceRuns() {
    AgentConfig c = load("optioned { enabled = true }");
    Collector optioned = Schedule.forTarget(c.targets().get(0), c.defaults(), registry).stream()
        .map(Schedule::collector).filter(x -> x.name().equals("optioned")).findFirst().orElseThrow();
    assertSame(registry.find("optioned").orElseThrow().collector(), optioned);
  }

  @Test
  void anUndeclaredOptionIsAnUnknownKey() {
    ConfigException e = assertThrows(ConfigException.class, () -> load("optioned { stanzas = [x] }"));
    assertTrue(e.getMessage().contains("opt.conf:2 drwatch.targets[0].collectors.optioned.stanzas — unknown key"),
        e.getMessage());
  }

  @Test
  void aBadOptionValueFailsAtLoadWithItsMessage() {
    ConfigException e = assertThrows(ConfigException.class, () -> load("optioned { stanza = \"\" }"));
    assertTrue(e.getMessage().contains("drwatch.targets[0].collectors.optioned — stanza must not be empty"),
        e.getMessage());
  }

  @Test
  void builtInCollectorsTakeNoOptions() {
    ConfigException e = assertThrows(ConfigException.class, () -> load("wal { stanza = x }"));
    assertTrue(e.getMessage().contains("collectors.wal.stanza — unknown key"), e.getMessage());
  }
}
