package io.drwatch.endpoint;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.drwatch.Agent;
import io.drwatch.collect.CollectorRegistry;
import io.drwatch.config.AgentConfig;
import io.drwatch.config.ConfigLoader;
import io.drwatch.fixture.Promtool;
import io.drwatch.fixture.Series;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * {@code drwatch once} probes the endpoints with the targets: with nothing listening, a member
 * and an endpoint both read down, and the exposition stays valid for promtool.
 */
class EndpointsOnceTest {

  @Test
  void onceProbesEndpointsToo() throws Exception {
    int closed;
    try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      closed = s.getLocalPort();
    }
    AgentConfig config = new ConfigLoader(CollectorRegistry.builtIn(), Map.<String, String>of()::get).loadString("""
        drwatch {
          defaults { interval = 2s, timeout = 1s, connect-timeout = 1s }
          targets = [ { name = "pg-a", url = "jdbc:postgresql://127.0.0.1:%d/postgres", user = "drwatch",
                        no-password = true, labels { cluster = "main" } } ]
          endpoints = [ { name = "app-writer", url = "jdbc:postgresql://127.0.0.1:%d/postgres", cluster = "main",
                          expect = writer, user = "drwatch", no-password = true } ]
        }
        """.formatted(closed, closed), "once.conf");
    String out = Agent.once(config, CollectorRegistry.builtIn());
    assertEquals(0.0, Series.value(out, "drwatch_endpoint_up", "endpoint", "app-writer").orElseThrow());
    assertEquals(1.0, Series.value(out, "drwatch_endpoint_info", "endpoint", "app-writer", "expect", "writer",
        "via", "proxy", "cluster", "main").orElseThrow());
    assertEquals(1.0, Series.value(out, "drwatch_endpoint_dns_info", "endpoint", "app-writer", "address", "127.0.0.1")
        .orElseThrow());
    assertEquals(0.0, Series.value(out, "drwatch_endpoint_failovers_total", "endpoint", "app-writer").orElseThrow());
    assertTrue(Series.value(out, "drwatch_endpoint_writable", "endpoint", "app-writer").isEmpty(), "down: no writable");
    String lint = Promtool.checkMetrics(out);
    assertTrue(!lint.contains("drwatch_endpoint"), "promtool's lint on the endpoint families: " + lint);
  }
}
