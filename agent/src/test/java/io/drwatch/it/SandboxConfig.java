package io.drwatch.it;

import io.drwatch.collect.CollectorRegistry;
import io.drwatch.config.AgentConfig;
import io.drwatch.config.ConfigLoader;
import io.drwatch.sandbox.PgNode;
import io.drwatch.sandbox.PgSandbox;

/** A config watching every node of a sandbox as the monitoring role, with more HOCON appended. */
final class SandboxConfig {

  private SandboxConfig() {}

  /**
   * @param targetKeys extra keys for every target (e.g. {@code databases = all})
   * @param more HOCON merged into the file (custom collectors, http, defaults)
   */
  static String hocon(PgSandbox sandbox, String targetKeys, String more) {
    StringBuilder b = new StringBuilder("drwatch {\n defaults { interval = 5s, timeout = 3s, connect-timeout = 2s }\n targets = [\n");
    for (PgNode n : sandbox.nodes()) {
      b.append("  { name = \"").append(n.name()).append("\", url = \"").append(n.jdbcUrl())
          .append("\", user = \"").append(PgSandbox.MONITOR_ROLE)
          .append("\", no-password = true, labels { cluster = \"c1\" }").append(targetKeys.isBlank() ? "" : ", " + targetKeys).append(" }\n");
    }
    return b.append(" ]\n}\n").append(more).append('\n').toString();
  }

  static AgentConfig load(String hocon) {
    return new ConfigLoader(CollectorRegistry.builtIn(), System::getenv).loadString(hocon, "it.conf");
  }

  static AgentConfig load(PgSandbox sandbox, String targetKeys, String more) {
    return load(hocon(sandbox, targetKeys, more));
  }
}
