package io.drwatch.target;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.drwatch.collect.CollectorRegistry;
import io.drwatch.config.AgentConfig;
import io.drwatch.config.ConfigLoader;
import io.drwatch.config.TargetSettings;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Pools share one housekeeping thread: the per-target cost of a pool is not a parked thread. */
class ConnectionPoolThreadsTest {

  private static long threadsNamed(String part) {
    return Thread.getAllStackTraces().keySet().stream().filter(t -> t.getName().contains(part)).count();
  }

  @Test
  void poolsShareOneHousekeeperAndCloseLeavesItRunning() {
    StringBuilder targets = new StringBuilder();
    for (int i = 0; i < 5; i++) {
      // nothing listens on port 1: minimum-idle 0 and no borrow, so no connection is attempted
      targets.append("{ name = \"t").append(i).append("\", url = \"jdbc:postgresql://127.0.0.1:1/postgres\", ")
          .append("user = \"drwatch\", no-password = true }\n");
    }
    AgentConfig config = new ConfigLoader(CollectorRegistry.builtIn(), Map.<String, String>of()::get)
        .loadString("drwatch { targets = [\n" + targets + "] }\n", "test");
    List<ConnectionPool> pools = new ArrayList<>();
    try {
      for (TargetSettings t : config.targets()) {
        pools.add(new ConnectionPool(t, config.defaults(), Duration.ofSeconds(2)));
      }
      assertEquals(0, threadsNamed("drwatch-t"), "no per-pool threads (Hikari names them after the pool)");
      assertEquals(1, threadsNamed("drwatch-pool-housekeeper"));
    } finally {
      pools.forEach(ConnectionPool::close);
    }
    assertFalse(ConnectionPool.HOUSEKEEPER.isShutdown(), "closing a pool leaves the shared housekeeper to the others");
    ConnectionPool second = new ConnectionPool(config.targets().get(0), config.defaults(), Duration.ofSeconds(2));
    second.close();
    assertEquals(0, ConnectionPool.HOUSEKEEPER.getQueue().size(), "closed pools leave no scheduled task behind: "
        + ConnectionPool.HOUSEKEEPER.getQueue().size());
  }
}
