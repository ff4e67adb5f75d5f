package io.drwatch.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.drwatch.Agent;
import io.drwatch.collect.CollectorRegistry;
import io.drwatch.config.AgentConfig;
import io.drwatch.config.ConfigException;
import io.drwatch.config.ConfigLoader;
import io.drwatch.fixture.Await;
import io.drwatch.fixture.Clusters;
import io.drwatch.fixture.LogCapture;
import io.drwatch.fixture.TestCerts;
import io.drwatch.http.BasicAuth;
import io.drwatch.sandbox.PgSandbox;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * Database TLS against a real PostgreSQL started with ssl = on and a certificate from a test CA
 * (verify-full, a client certificate in a password-protected PKCS#12 file, a wrong root
 * certificate), and the promise that no secret leaves the process: not in /metrics, /api/targets,
 * the logs or config errors, whether it sits in the JDBC URL, an environment variable, a key
 * password or a basic-auth hash.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class SecuredAgentIT {

  private static final String URL_SECRET = "UrlPass-4455";
  private static final String USERINFO_SECRET = "UserInfoPass-7788";
  private static final String ENV_SECRET = "EnvPass-1122";
  private static final String KEY_SECRET = "KeyPass-9900";
  private static final String BASIC_PASSWORD = "BasicPass-3344";
  private static final List<String> SECRETS = List.of(URL_SECRET, USERINFO_SECRET, ENV_SECRET, KEY_SECRET,
      BASIC_PASSWORD);

  @TempDir
  static Path dir;

  private PgSandbox pg;
  private Agent agent;
  private LogCapture log;
  private String basicHash;
  private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
      .connectTimeout(Duration.ofSeconds(5)).build();

  @BeforeAll
  void start() throws Exception {
    TestCerts ca = TestCerts.authority(dir, "ca");
    TestCerts.Leaf server = ca.issue("server", "localhost", "rsa");
    TestCerts other = TestCerts.authority(Files.createDirectory(dir.resolve("other")), "other-ca");
    TestCerts.Leaf client = ca.issueClient("client", "drwatch");
    Path clientP12 = ca.pkcs12(client, KEY_SECRET);

    pg = PgSandbox.builder().version(Clusters.defaultMajor()).start();
    pg.primary().enableSsl(server.cert(), server.key(), ca.cert());
    int closedPort;
    try (ServerSocket s = new ServerSocket(0)) {
      closedPort = s.getLocalPort();
    }
    basicHash = BasicAuth.hash(BASIC_PASSWORD.toCharArray(), 4);
    String hocon = """
        drwatch {
          http { host = "127.0.0.1", port = 0, basic-auth { users { prom = "%s" } } }
          defaults { interval = 1s, timeout = 1s, connect-timeout = 2s }
          targets = [
            { name = tls, url = "jdbc:postgresql://127.0.0.1:%d/postgres", user = drwatch, no-password = true,
              sslmode = verify-full, sslrootcert = "%s" }
            { name = mtls, url = "jdbc:postgresql://127.0.0.1:%d/postgres", user = drwatch, password-env = PGPW,
              sslmode = verify-full, sslrootcert = "%s", sslkey = "%s", sslpassword-env = KEYPW }
            { name = wrongca, url = "jdbc:postgresql://127.0.0.1:%d/postgres", user = drwatch, no-password = true,
              sslmode = verify-full, sslrootcert = "%s" }
            { name = leaky, url = "jdbc:postgresql://127.0.0.1:%d/postgres?user=drwatch&password=%s", user = drwatch,
              no-password = true }
          ]
        }
        """.formatted(basicHash, pg.primary().port(), ca.cert(), pg.primary().port(), ca.cert(), clientP12,
        pg.primary().port(), other.cert(), closedPort, URL_SECRET);
    log = new LogCapture();
    CollectorRegistry registry = CollectorRegistry.builtIn();
    AgentConfig config = new ConfigLoader(registry.names(), Map.of("PGPW", ENV_SECRET, "KEYPW", KEY_SECRET)::get)
        .loadString(hocon, "secured-it.conf");
    agent = Agent.start(config, registry);
    agent.firstRound().await(60, TimeUnit.SECONDS);
  }

  @AfterAll
  void stop() {
    if (agent != null) {
      agent.close();
    }
    if (log != null) {
      log.close();
    }
    if (pg != null) {
      pg.close();
    }
  }

  private HttpResponse<String> get(String path) throws IOException, InterruptedException {
    String auth = "Basic " + Base64.getEncoder().encodeToString(("prom:" + BASIC_PASSWORD).getBytes(StandardCharsets.UTF_8));
    return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + agent.port() + path))
        .header("Authorization", auth).timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString());
  }

  private JsonObject target(String name) throws Exception {
    return new JsonObject(get("/api/targets").body()).getJsonArray("targets").stream().map(JsonObject.class::cast)
        .filter(t -> t.getString("name").equals(name)).findFirst().orElseThrow();
  }

  private JsonObject awaitTarget(String name, boolean up) {
    return Await.until(name + " up=" + up + (up ? "" : " with its error"), Duration.ofSeconds(60), Await.EVERY,
        () -> target(name), t -> t.getBoolean("up") == up && (up || t.getString("last_error") != null), JsonObject::encode);
  }

  @Test
  void verifyFullConnectsOverTls() throws Exception {
    awaitTarget("tls", true);
    awaitTarget("mtls", true);
    // drwatch's own sessions, seen from the server
    String rows = pg.primary().sql("SELECT string_agg(DISTINCT s.ssl::text || '/' || coalesce(s.client_dn, '-'), ',') "
        + "FROM pg_stat_ssl s JOIN pg_stat_activity a USING (pid) WHERE a.application_name = 'drwatch'");
    assertNotNull(rows, "no drwatch session open");
    assertFalse(rows.contains("false/"), "a drwatch session without TLS: " + rows);
    assertTrue(rows.contains("true/-"), "verify-full session without client certificate: " + rows);
    assertTrue(rows.contains("/CN=drwatch"), "the client certificate from the PKCS#12 file: " + rows);
    String metrics = get("/metrics").body();
    assertTrue(metrics.contains("drwatch_target_up{cluster=\"tls\",target=\"tls\"} 1"), metrics);
    assertTrue(metrics.contains("drwatch_target_up{cluster=\"mtls\",target=\"mtls\"} 1"), metrics);
  }

  @Test
  void aWrongRootCertificateIsUpZeroWithTheReason() throws Exception {
    JsonObject t = awaitTarget("wrongca", false);
    String error = t.getString("last_error");
    assertTrue(error.contains("SSL") || error.contains("certificate") || error.contains("PKIX"), t.encode());
    assertTrue(get("/metrics").body().contains("drwatch_target_up{cluster=\"wrongca\",target=\"wrongca\"} 0"));
    assertTrue(log.text().contains("wrongca"), "the down target is logged");
  }

  @Test
  void noSecretInMetricsApiLogsOrConfigErrors() throws Exception {
    awaitTarget("leaky", false);
    for (String path : new String[] {"/metrics", "/api/targets", "/", "/api/clusters", "/healthz", "/readyz"}) {
      String body = get(path).body();
      for (String s : SECRETS) {
        int at = body.indexOf(s);
        assertFalse(at >= 0, () -> path + " shows " + s + ": …" + body.substring(Math.max(0, at - 200),
            Math.min(body.length(), at + 60)));
      }
      assertFalse(body.contains(basicHash), path + " shows the basic-auth hash");
    }
    assertTrue(target("leaky").getString("url").contains("password=****"), target("leaky").encode());
    String logs = log.text();
    for (String s : SECRETS) {
      assertFalse(logs.contains(s), "the log shows " + s);
    }
    assertFalse(logs.contains(basicHash), "the log shows the basic-auth hash");

    // Config errors: a broken config around the same secrets names keys, never values.
    String broken = """
        drwatch {
          http.basic-auth.users { prom = "%s" }
          http.tls { cert-file = "%s", key-file = "/no/such.key" }
          targets = [
            { name = a, url = "jdbc:postgresql://drwatch:%s@db/postgres?password=%s", user = drwatch,
              password = "%s", sslpassword = "%s", sslmode = verify_full }
          ]
        }
        """.formatted(BASIC_PASSWORD, dir.resolve("ca.key"), USERINFO_SECRET, URL_SECRET, ENV_SECRET, KEY_SECRET);
    ConfigException e = assertThrows(ConfigException.class, () ->
        new ConfigLoader(CollectorRegistry.builtIn().names(), Map.<String, String>of()::get).loadString(broken, "broken.conf"));
    String text = e.problems().toString() + e.getMessage();
    assertTrue(e.problems().size() >= 4, text);
    assertTrue(text.contains("must not hold user:password@"), text);
    for (String s : SECRETS) {
      assertFalse(text.contains(s), "a config error shows " + s + ": " + text);
    }
    assertFalse(text.contains("PRIVATE KEY"), text);
  }
}
