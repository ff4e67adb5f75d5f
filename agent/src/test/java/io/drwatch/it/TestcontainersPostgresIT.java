package io.drwatch.it;

import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.drwatch.Agent;
import io.drwatch.collect.CollectorRegistry;
import io.drwatch.config.AgentConfig;
import io.drwatch.config.ConfigLoader;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.testcontainers.DockerClientFactory;
import org.testcontainers.containers.PostgreSQLContainer;

/**
 * The same agent against PostgreSQL in a container, where a Docker engine exists. Without one
 * (CI here) the class is skipped, and says so on the console.
 */
class TestcontainersPostgresIT {

  private static boolean docker;

  @BeforeAll
  static void detectDocker() {
    try {
      docker = DockerClientFactory.instance().isDockerAvailable();
    } catch (RuntimeException e) {
      docker = false;
    }
    if (!docker) {
      System.out.println("SKIPPED TestcontainersPostgresIT: no Docker engine on this machine; "
          + "the embedded-binary suites (ReplicationSignalsIT, FailoverIT, VersionMatrixIT, AgentHttpIT) "
          + "cover the same collectors against real servers.");
    }
  }

  @Test
  void agentSamplesAContainerizedPrimary() throws Exception {
    assumeTrue(docker, "no Docker engine: Testcontainers suite skipped (embedded PostgreSQL suites ran instead)");
    try (PostgreSQLContainer<?> pg = new PostgreSQLContainer<>("postgres:17-alpine")) {
      pg.start();
      String hocon = "drwatch { targets = [ { name = pg, url = \"" + pg.getJdbcUrl() + "\", user = \""
          + pg.getUsername() + "\", password-env = PGPASS } ] }";
      CollectorRegistry registry = CollectorRegistry.builtIn();
      AgentConfig config = new ConfigLoader(registry.names(), Map.of("PGPASS", pg.getPassword())::get)
          .loadString(hocon, "container.conf");
      String text = Agent.once(config, registry);
      assertTrue(text.contains("drwatch_target_up{cluster=\"pg\",target=\"pg\"} 1"), text);
      assertTrue(!text.contains("drwatch_collector_success{collector=\"wal\",target=\"pg\"} 0"), text);
    }
  }
}
