package io.drwatch.endpoint;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.drwatch.config.EndpointSettings;
import io.drwatch.config.Secret;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/** How a probe fails, as a client would: no DNS answer, nothing listening. No database needed. */
class EndpointProberTest {

  private static EndpointSettings endpoint(String url, String resolver) {
    return new EndpointSettings("e", url, "main", EndpointSettings.Expect.WRITER, EndpointSettings.Via.DNS, "u",
        new Secret("hunter2"), Duration.ofSeconds(5), Duration.ofSeconds(1), Duration.ofSeconds(1), resolver, null,
        null, "");
  }

  @Test
  void aNameNoDnsServerAnswersIsDownWithTheReason() throws Exception {
    int silent;
    try (DatagramSocket s = new DatagramSocket(0, InetAddress.getLoopbackAddress())) {
      silent = s.getLocalPort(); // bound and never answering while the probe asks it
      ProbeResult r = new EndpointProber(endpoint("jdbc:postgresql://writer.drwatch.test:5432/postgres",
          "127.0.0.1:" + silent), Clock.systemUTC()).probe();
      assertFalse(r.up());
      assertTrue(r.addresses().isEmpty());
      assertTrue(r.error().startsWith("DNS: writer.drwatch.test"), r.error());
      assertTrue(r.resolveSeconds() >= 0.9 && r.resolveSeconds() < 2.5, "one resolver timeout: " + r.resolveSeconds());
    }
  }

  @Test
  void aLiteralAddressWithNothingListeningIsDownWithoutTheSecret() throws Exception {
    int closed;
    try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      closed = s.getLocalPort();
    }
    ProbeResult r = new EndpointProber(endpoint("jdbc:postgresql://127.0.0.1:" + closed + "/postgres", null),
        Clock.systemUTC()).probe();
    assertFalse(r.up());
    assertEquals(List.of("127.0.0.1"), r.addresses());
    assertNull(r.ttlSeconds(), "no DNS behind a literal address");
    assertTrue(r.connectSeconds() != null && r.connectSeconds() < 1.5, "refused at once: " + r.connectSeconds());
    assertFalse(r.error().contains("hunter2"), r.error());
    assertFalse(r.writable());
  }

  @Test
  void theSessionGoesToTheResolvedAddressWithTheUrlsDatabaseAndParameters() {
    EndpointProber p = new EndpointProber(endpoint(
        "jdbc:postgresql://db.example.com:6432/app?sslmode=verify-ca&options=x", null), Clock.systemUTC());
    assertEquals("jdbc:postgresql://10.0.0.7:6432/app?sslmode=verify-ca&options=x", p.urlFor("10.0.0.7"));
    assertEquals("jdbc:postgresql://[2001:db8::7]:6432/app?sslmode=verify-ca&options=x", p.urlFor("2001:db8::7"));
    EndpointProber noPort = new EndpointProber(endpoint("jdbc:postgresql://db.example.com/app", null),
        Clock.systemUTC());
    assertEquals("jdbc:postgresql://10.0.0.7:5432/app", noPort.urlFor("10.0.0.7"));
  }
}
