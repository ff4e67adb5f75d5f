package io.drwatch.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import io.drwatch.Agent;
import io.drwatch.collect.CollectorRegistry;
import io.drwatch.config.AgentConfig;
import io.drwatch.config.ConfigLoader;
import io.drwatch.fixture.Await;
import io.drwatch.fixture.LogCapture;
import io.drwatch.fixture.TestCerts;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.Base64;
import java.util.Map;
import java.util.function.Supplier;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLParameters;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The secured endpoint through the real daemon (no targets) and the JDK's HTTP client: HTTPS with
 * a test CA, rotation of the certificate on disk without a restart, and basic auth.
 */
class HttpSecurityTest {

  @TempDir
  Path dir;

  private Agent agent;

  @AfterEach
  void stop() {
    if (agent != null) {
      agent.close();
    }
  }

  private Agent start(String http) {
    String hocon = "drwatch { http { host = \"127.0.0.1\", port = 0, " + http + " } }";
    CollectorRegistry registry = CollectorRegistry.builtIn();
    AgentConfig config = new ConfigLoader(registry.names(), Map.<String, String>of()::get)
        .loadString(hocon, "security-test.conf");
    agent = Agent.start(config, registry);
    return agent;
  }

  private static HttpClient client(SSLContext ctx, String... protocols) {
    HttpClient.Builder b = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
        .connectTimeout(Duration.ofSeconds(5));
    if (ctx != null) {
      b.sslContext(ctx);
      if (protocols.length > 0) {
        b.sslParameters(new SSLParameters(null, protocols));
      }
    }
    return b.build();
  }

  private static HttpResponse<String> get(HttpClient c, String url, String authorization)
      throws IOException, InterruptedException {
    HttpRequest.Builder r = HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(20));
    if (authorization != null) {
      r.header("Authorization", authorization);
    }
    return c.send(r.build(), HttpResponse.BodyHandlers.ofString());
  }

  private static String basic(String user, String password) {
    return "Basic " + Base64.getEncoder().encodeToString((user + ":" + password).getBytes(StandardCharsets.UTF_8));
  }

  private String tlsBlock(TestCerts.Leaf leaf) {
    return "tls { cert-file = \"" + leaf.cert() + "\", key-file = \"" + leaf.key() + "\", reload-interval = 200ms }";
  }

  @Test
  void httpsWithTheRightCaWorksPlainHttpDoesNot() throws Exception {
    TestCerts ca = TestCerts.authority(dir, "ca1");
    TestCerts.Leaf leaf = ca.issue("server", "localhost", "rsa");
    int port = start(tlsBlock(leaf)).port();

    HttpResponse<String> ok = get(client(ca.trustingContext()), "https://localhost:" + port + "/metrics", null);
    assertEquals(200, ok.statusCode());
    assertTrue(ok.body().contains("drwatch_build_info") || ok.body().contains("# "), ok.body());
    String protocol = ok.sslSession().orElseThrow().getProtocol();
    assertTrue(protocol.equals("TLSv1.3") || protocol.equals("TLSv1.2"), protocol);
    // TLS 1.2 is accepted as well (older Prometheus builds)
    assertEquals(200, get(client(ca.trustingContext(), "TLSv1.2"), "https://localhost:" + port + "/healthz", null)
        .statusCode());

    // Plain HTTP to the TLS port gets no answer it could read as success.
    try {
      HttpResponse<String> plain = get(client(null), "http://127.0.0.1:" + port + "/metrics", null);
      assertNotEquals(200, plain.statusCode());
    } catch (IOException expected) {
      // the TLS handler closes the connection
    }
    // A client that does not trust the CA refuses the server.
    assertRefused(() -> client(TestCerts.authority(dir, "other").trustingContext()), "https://localhost:" + port + "/healthz");
  }

  @Test
  void aRotatedCertificateIsServedWithoutRestart() throws Exception {
    TestCerts ca1 = TestCerts.authority(dir, "ca1");
    TestCerts.Leaf leaf = ca1.issue("server", "localhost", "rsa");
    int port = start(tlsBlock(leaf)).port();
    String url = "https://localhost:" + port + "/healthz";
    assertEquals(200, get(client(ca1.trustingContext()), url, null).statusCode());

    Path other = Files.createDirectory(dir.resolve("next"));
    TestCerts ca2 = TestCerts.authority(other, "ca2");
    TestCerts.Leaf next = ca2.issue("server", "localhost", "rsa");
    // The documented order: key first, then certificate, each replaced by a rename.
    Files.copy(next.key(), dir.resolve("key.tmp"));
    Files.move(dir.resolve("key.tmp"), leaf.key(), StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    Files.copy(next.cert(), dir.resolve("cert.tmp"));
    Files.move(dir.resolve("cert.tmp"), leaf.cert(), StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);

    // a new client each time: no pooled connection or resumed session from before; an IOException
    // (the old certificate, untrusted by ca2) is "not yet"
    Await.until("the certificate signed by ca2 served after the rotation", Duration.ofSeconds(60),
        () -> get(client(ca2.trustingContext()), url, null).statusCode(), status -> status == 200);
    assertRefused(() -> client(ca1.trustingContext()), url);
  }

  @Test
  void aBrokenKeyOnDiskKeepsThePreviousCertificate() throws Exception {
    TestCerts ca = TestCerts.authority(dir, "ca1");
    TestCerts.Leaf leaf = ca.issue("server", "localhost", "rsa");
    int port = start(tlsBlock(leaf)).port();
    String url = "https://localhost:" + port + "/healthz";
    try (LogCapture log = new LogCapture()) {
      Files.writeString(leaf.key(), "-----BEGIN PRIVATE KEY-----\nnot a key\n-----END PRIVATE KEY-----\n");
      Await.condition("a warning about the broken key", Duration.ofSeconds(60), () -> log.count("not reloaded") > 0,
          log::text);
      assertTrue(log.text().contains(leaf.key().toString()), log.text());
      assertFalse(log.text().contains("not a key"), "the key file's contents are not logged");
    }
    assertEquals(200, get(client(ca.trustingContext()), url, null).statusCode());
  }

  @Test
  void traditionalRsaAndEcKeysAreAccepted() throws Exception {
    TestCerts ca = TestCerts.authority(dir, "ca");
    for (String type : new String[] {"rsa-traditional", "ec"}) {
      TestCerts.Leaf leaf = ca.issue("server-" + type, "localhost", type);
      String pem = Files.readString(leaf.key());
      assertTrue(pem.contains(type.equals("ec") ? "BEGIN EC PRIVATE KEY" : "BEGIN RSA PRIVATE KEY"), pem.lines().findFirst().orElse(""));
      int port = start(tlsBlock(leaf)).port();
      assertEquals(200, get(client(ca.trustingContext()), "https://localhost:" + port + "/healthz", null).statusCode(), type);
      agent.close();
      agent = null;
    }
  }

  @Test
  void basicAuthAnswers401WithoutTheRightCredentialsAndLeavesHealthzOpen() throws Exception {
    String hash = BasicAuth.hash("correct horse".toCharArray(), 4);
    int port = start("basic-auth { users { prometheus = \"" + hash + "\" } }").port();
    HttpClient c = client(null);
    String base = "http://127.0.0.1:" + port;

    HttpResponse<String> missing = get(c, base + "/metrics", null);
    assertEquals(401, missing.statusCode());
    assertTrue(missing.headers().firstValue("WWW-Authenticate").orElse("").startsWith("Basic realm="),
        missing.headers().map().toString());
    assertEquals(401, get(c, base + "/metrics", basic("prometheus", "wrong")).statusCode());
    assertEquals(401, get(c, base + "/metrics", basic("nobody", "correct horse")).statusCode());
    assertEquals(401, get(c, base + "/api/targets", "Bearer abc").statusCode());
    assertEquals(401, get(c, base + "/metrics", "Basic !!!not-base64").statusCode());
    assertEquals(200, get(c, base + "/metrics", basic("prometheus", "correct horse")).statusCode());
    // again, now from the cache of verified headers
    assertEquals(200, get(c, base + "/api/targets", basic("prometheus", "correct horse")).statusCode());
    // and a wrong password right after a right one is still wrong
    assertEquals(401, get(c, base + "/metrics", basic("prometheus", "correct horsf")).statusCode());
    assertEquals(200, get(c, base + "/healthz", null).statusCode());
    assertEquals(401, get(c, base + "/readyz", null).statusCode());
  }

  @Test
  void basicAuthOverTlsAndConfigurableOpenPaths() throws Exception {
    TestCerts ca = TestCerts.authority(dir, "ca");
    TestCerts.Leaf leaf = ca.issue("server", "localhost", "ec");
    String hash = BasicAuth.hash("pw".toCharArray(), 4);
    int port = start(tlsBlock(leaf) + ", basic-auth { users { p = \"" + hash + "\" }, open-paths = [\"/readyz\"] }")
        .port();
    HttpClient c = client(ca.trustingContext());
    String base = "https://localhost:" + port;
    assertEquals(401, get(c, base + "/healthz", null).statusCode());
    assertEquals(200, get(c, base + "/healthz", basic("p", "pw")).statusCode());
    assertNotEquals(401, get(c, base + "/readyz", null).statusCode());
    assertEquals(401, get(c, base + "/metrics", basic("p", "nope")).statusCode());
  }

  private static void assertRefused(Supplier<HttpClient> client, String url) throws InterruptedException {
    try {
      get(client.get(), url, null);
      fail("expected the TLS handshake to fail for " + url);
    } catch (IOException expected) {
      assertFalse(expected.getMessage() == null && expected.getCause() == null);
    }
  }
}
