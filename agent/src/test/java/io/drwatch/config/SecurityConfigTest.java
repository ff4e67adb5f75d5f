package io.drwatch.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.drwatch.collect.CollectorRegistry;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** drwatch.http.tls, drwatch.http.basic-auth and a target's database TLS keys. */
class SecurityConfigTest {

  private static final String HASH = "$2y$04$abcdefghijklmnopqrstuu5Nn6Kq3n7l8mN0bZtQzS0m0eB7tYb8W";
  private static final String TARGET =
      "name = pg, url = \"jdbc:postgresql://db:5432/postgres\", user = drwatch, no-password = true";

  private final Map<String, String> env = new HashMap<>();

  @TempDir
  Path dir;

  private AgentConfig load(String hocon) {
    return new ConfigLoader(CollectorRegistry.builtIn().names(), env::get).loadString(hocon, "sec.conf");
  }

  private ConfigProblem problem(String hocon) {
    List<ConfigProblem> ps = assertThrows(ConfigException.class, () -> load(hocon)).problems();
    assertEquals(1, ps.size(), () -> "expected one problem, got " + ps);
    return ps.get(0);
  }

  private Path file(String name, String content) throws IOException {
    return Files.writeString(dir.resolve(name), content);
  }

  @Test
  void offByDefault() {
    HttpSettings http = load("").http();
    assertNull(http.tls());
    assertNull(http.basicAuth());
  }

  @Test
  void tlsWithBothFiles() throws IOException {
    Path cert = file("c.pem", "-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n");
    Path key = file("k.pem", "-----BEGIN EC PRIVATE KEY-----\nMHc\n-----END EC PRIVATE KEY-----\n");
    HttpSettings.Tls tls = load("drwatch.http.tls { cert-file = \"" + cert + "\", key-file = \"" + key + "\" }")
        .http().tls();
    assertEquals(cert, tls.certFile());
    assertEquals(key, tls.keyFile());
    assertEquals(Duration.ofMinutes(1), tls.reloadInterval());
  }

  @Test
  void tlsProblemsNameTheKeyAndTheFileNeverTheContents() throws IOException {
    Path cert = file("c.pem", "-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n");
    ConfigProblem missing = problem("drwatch.http.tls { cert-file = \"" + cert + "\", key-file = \"" + dir.resolve("nope.key") + "\" }");
    assertEquals("drwatch.http.tls.key-file", missing.key());
    assertTrue(missing.message().contains("nope.key"), missing.message());
    assertTrue(missing.origin().startsWith("sec.conf:"), missing.origin());

    Path notAKey = file("k.pem", "SECRET-KEY-MATERIAL-xyz\n");
    ConfigProblem bad = problem("drwatch.http.tls { cert-file = \"" + cert + "\", key-file = \"" + notAKey + "\" }");
    assertEquals("drwatch.http.tls.key-file", bad.key());
    assertTrue(bad.message().contains(notAKey.toString()) && bad.message().contains("PRIVATE KEY"), bad.message());
    assertFalse(bad.toString().contains("SECRET-KEY-MATERIAL"), bad.toString());

    ConfigProblem half = problem("drwatch.http.tls { cert-file = \"" + cert + "\" }");
    assertEquals("drwatch.http.tls.key-file", half.key());
  }

  @Test
  void basicAuthTakesBcryptHashes() {
    HttpSettings.BasicAuth auth = load("drwatch.http.basic-auth.users { prometheus = \"" + HASH + "\" }")
        .http().basicAuth();
    assertEquals(Map.of("prometheus", HASH), auth.users());
    assertEquals(Set.of("/healthz"), auth.openPaths());
    assertEquals(Duration.ofMinutes(5), auth.cacheFor());
    assertFalse(auth.toString().contains(HASH), auth.toString());
  }

  @Test
  void aPlaintextPasswordIsRejectedWithoutEchoingIt() {
    for (String value : new String[] {"hunter2-plaintext", "$2x$10$" + HASH.substring(7), HASH.substring(0, 59), "$1$abc$def"}) {
      ConfigProblem p = problem("drwatch.http.basic-auth.users { prometheus = \"" + value + "\" }");
      assertEquals("drwatch.http.basic-auth.users.prometheus", p.key());
      assertTrue(p.message().contains("bcrypt") && p.message().contains("hash-password"), p.message());
      assertFalse(p.toString().contains(value), p.toString());
    }
  }

  @Test
  void openPathsAreConfigurable() {
    HttpSettings.BasicAuth auth = load("drwatch.http.basic-auth { users { a = \"" + HASH + "\" }, open-paths = [] }")
        .http().basicAuth();
    assertEquals(Set.of(), auth.openPaths());
    assertEquals("drwatch.http.basic-auth.open-paths",
        problem("drwatch.http.basic-auth { users { a = \"" + HASH + "\" }, open-paths = [healthz] }").key());
  }

  @Test
  void databaseTlsKeys() throws IOException {
    Path root = file("root.crt", "x");
    Path cert = file("client.crt", "x");
    Path key = file("client.pk8", "x");
    env.put("KEYPW", "key-password-123");
    TargetSettings t = load("drwatch.targets = [ { " + TARGET + ", sslmode = verify-full, sslrootcert = \"" + root
        + "\", sslcert = \"" + cert + "\", sslkey = \"" + key + "\", sslpassword-env = KEYPW } ]").targets().get(0);
    assertEquals("verify-full", t.tls().sslmode());
    assertEquals(root.toString(), t.tls().sslrootcert());
    assertEquals(cert.toString(), t.tls().sslcert());
    assertEquals(key.toString(), t.tls().sslkey());
    assertEquals("key-password-123", t.tls().sslpassword().reveal());
    assertFalse(t.toString().contains("key-password-123"), t.toString());
    assertNull(load("drwatch.targets = [ { " + TARGET + " } ]").targets().get(0).tls());
  }

  @Test
  void databaseTlsProblems() throws IOException {
    ConfigProblem mode = problem("drwatch.targets = [ { " + TARGET + ", sslmode = verify_full } ]");
    assertEquals("drwatch.targets[0].sslmode", mode.key());
    assertTrue(mode.message().contains("verify-full"), mode.message());

    ConfigProblem root = problem("drwatch.targets = [ { " + TARGET + ", sslmode = verify-ca, sslrootcert = \"/no/such/root.crt\" } ]");
    assertEquals("drwatch.targets[0].sslrootcert", root.key());
    assertTrue(root.message().contains("/no/such/root.crt"), root.message());

    Path cert = file("client.crt", "x");
    assertEquals("drwatch.targets[0].sslkey",
        problem("drwatch.targets = [ { " + TARGET + ", sslcert = \"" + cert + "\" } ]").key());

    ConfigProblem inline = problem("drwatch.targets = [ { " + TARGET + ", sslpassword = \"inline-secret-9\" } ]");
    assertEquals("drwatch.targets[0].sslpassword", inline.key());
    assertFalse(inline.toString().contains("inline-secret-9"), inline.toString());

    ConfigProblem unset = problem("drwatch.targets = [ { " + TARGET + ", sslkey = \"" + file("k.pk8", "x")
        + "\", sslcert = \"" + cert + "\", sslpassword-env = NOT_SET_ANYWHERE } ]");
    assertEquals("drwatch.targets[0].sslpassword-env", unset.key());

    ConfigProblem twice = problem("drwatch.targets = [ { name = pg, url = \"jdbc:postgresql://db/postgres?sslmode=require\", "
        + "user = drwatch, no-password = true, sslmode = verify-full } ]");
    assertEquals("drwatch.targets[0].sslmode", twice.key());
  }
}
