package io.drwatch.config;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Set;

/**
 * The HTTP endpoint. {@code tls} is null when the server speaks plain HTTP; {@code basicAuth} is
 * null when every path is open.
 */
public record HttpSettings(String host, int port, Tls tls, BasicAuth basicAuth) {

  public HttpSettings(String host, int port) {
    this(host, port, null, null);
  }

  /**
   * PEM certificate chain and private key (PKCS#8, or traditional RSA / EC), re-read when either
   * file's modification time or size changes, checked every {@code reloadInterval}.
   */
  public record Tls(Path certFile, Path keyFile, Duration reloadInterval) {}

  /**
   * {@code users}: name → bcrypt hash. {@code openPaths}: paths served without credentials
   * ({@code /healthz} by default, so liveness probes need no secret).
   */
  public record BasicAuth(Map<String, String> users, Set<String> openPaths, Duration cacheFor) {
    public BasicAuth {
      users = Map.copyOf(users);
      openPaths = Set.copyOf(openPaths);
    }

    /** Never the hashes: they are not secrets in the strict sense, but are not for logs either. */
    @Override
    public String toString() {
      return "BasicAuth[users=" + new java.util.TreeSet<>(users.keySet()) + ", openPaths=" + openPaths
          + ", cacheFor=" + cacheFor + "]";
    }
  }
}
