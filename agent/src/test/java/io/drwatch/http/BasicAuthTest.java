package io.drwatch.http;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.drwatch.config.HttpSettings;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class BasicAuthTest {

  private static String basic(String userAndPassword) {
    return "Basic " + Base64.getEncoder().encodeToString(userAndPassword.getBytes(StandardCharsets.UTF_8));
  }

  @Test
  void aVerifiedHeaderIsRememberedForCacheForOnly() {
    AtomicLong now = new AtomicLong(1_000);
    BasicAuth auth = new BasicAuth(new HttpSettings.BasicAuth(
        Map.of("u", BasicAuth.hash("pw".toCharArray(), 4)), Set.of(), Duration.ofSeconds(10)), now::get);
    String right = basic("u:pw");
    assertFalse(auth.cached(right));
    assertTrue(auth.verify(right));
    assertTrue(auth.cached(right));
    now.addAndGet(Duration.ofSeconds(11).toNanos());
    assertFalse(auth.cached(right), "expired");
    assertTrue(auth.verify(right));
  }

  @Test
  void wrongCredentialsAreNeverCached() {
    BasicAuth auth = new BasicAuth(new HttpSettings.BasicAuth(
        Map.of("u", BasicAuth.hash("pw".toCharArray(), 4)), Set.of(), Duration.ofMinutes(5)));
    for (String h : new String[] {basic("u:px"), basic("v:pw"), basic("u"), basic("u:pw:"), "Basic", "Digest x", ""}) {
      assertFalse(auth.verify(h), h);
      assertFalse(auth.cached(h), h);
    }
    assertFalse(auth.cached(null));
    assertFalse(auth.verify(null));
    // a password with ':' in it is fine (only the first colon separates the user)
    BasicAuth colon = new BasicAuth(new HttpSettings.BasicAuth(
        Map.of("u", BasicAuth.hash("a:b".toCharArray(), 4)), Set.of(), Duration.ofMinutes(5)));
    assertTrue(colon.verify(basic("u:a:b")));
  }

  @Test
  void hashesOfEachPrefixVerify() {
    for (String prefix : new String[] {"$2a$", "$2b$", "$2y$"}) {
      String hash = prefix + BasicAuth.hash("pw".toCharArray(), 4).substring(4);
      BasicAuth auth = new BasicAuth(new HttpSettings.BasicAuth(Map.of("u", hash), Set.of(), Duration.ofMinutes(1)));
      assertTrue(auth.verify(basic("u:pw")), prefix);
    }
  }
}
