package io.drwatch.patroni;

import static io.drwatch.patroni.PatroniJsonTest.fixture;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.drwatch.config.PatroniSettings;
import io.drwatch.config.Secret;
import io.drwatch.fixture.TestCerts;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.net.PemKeyCertOptions;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The poll over HTTPS with basic auth, against a server answering Patroni 3.0.2's captured bodies:
 * verified against the configured CA, credentials sent, and every failure a short reason that
 * never carries the password. (Patroni itself asks for credentials only on unsafe methods; a
 * proxy in front of it may ask on every request.)
 */
class PatroniSourceTest {

  @TempDir
  static Path dir;
  static Vertx vertx;
  static HttpServer server;
  static TestCerts ca;
  static final String PASSWORD = "pa55-word-xyz";

  @BeforeAll
  static void start() throws Exception {
    ca = TestCerts.authority(dir, "patroni-ca");
    TestCerts.Leaf leaf = ca.issue("patroni", "localhost", "rsa");
    vertx = Vertx.vertx();
    String expected = "Basic " + Base64.getEncoder().encodeToString(("drwatch:" + PASSWORD).getBytes(StandardCharsets.UTF_8));
    Map<String, String> bodies = Map.of("/cluster", fixture("cluster-sync.json"), "/patroni", fixture("patroni-m2.json"),
        "/history", fixture("history.json"), "/config", fixture("config.json"));
    server = vertx.createHttpServer(new HttpServerOptions().setSsl(true).setHost("127.0.0.1")
            .setKeyCertOptions(new PemKeyCertOptions().setCertPath(leaf.cert().toString()).setKeyPath(leaf.key().toString())))
        .requestHandler(req -> {
          if (!expected.equals(req.getHeader("Authorization"))) {
            req.response().setStatusCode(401).putHeader("WWW-Authenticate", "Basic realm=\"Patroni\"").end("no");
          } else if (bodies.containsKey(req.path())) {
            req.response().putHeader("Content-Type", "application/json").end(bodies.get(req.path()));
          } else {
            req.response().setStatusCode(404).end();
          }
        })
        .listen(0).await(10, TimeUnit.SECONDS);
  }

  @AfterAll
  static void stop() throws Exception {
    vertx.close().await(10, TimeUnit.SECONDS);
  }

  private static PatroniSettings settings(String caFile, String password) {
    return new PatroniSettings("main", List.of(URI.create("https://127.0.0.1:" + server.actualPort())), false,
        Duration.ofSeconds(20), Duration.ofSeconds(10), caFile, "drwatch", new Secret(password),
        Duration.ofMinutes(15), Map.of());
  }

  @Test
  void pollsOverVerifiedTlsWithBasicAuth() {
    PatroniPoll p = new PatroniSource(settings(ca.cert().toString(), PASSWORD), Clock.systemUTC()).poll();
    assertTrue(p.up(), () -> "errors: " + p.errors());
    assertEquals("m2", p.report().leader().name());
    assertEquals(1, p.history().size());
    assertTrue(p.config().synchronousMode());
    // The configured URL answered /patroni; /cluster names it after its api_url, which differs here.
    assertEquals(1, p.statuses().size());
  }

  @Test
  void wrongPasswordAndUntrustedCertificateAreShortReasonsWithoutTheSecret() {
    PatroniPoll wrong = new PatroniSource(settings(ca.cert().toString(), "not-it"), Clock.systemUTC()).poll();
    assertFalse(wrong.up());
    assertEquals(List.of("/patroni: HTTP 401 (check username and password)"), List.copyOf(wrong.errors().values()));
    PatroniPoll untrusted = new PatroniSource(settings(null, PASSWORD), Clock.systemUTC()).poll();
    assertFalse(untrusted.up());
    String reason = String.join(" ", untrusted.errors().values());
    assertTrue(reason.contains("TLS handshake failed"), reason);
    assertFalse((wrong.errors() + reason).contains(PASSWORD));
    assertNull(untrusted.history());
  }
}
