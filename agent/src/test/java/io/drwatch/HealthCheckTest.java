package io.drwatch;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import org.junit.jupiter.api.Test;

/** The container's health check: 0 on 200, 1 on any other status or no answer. */
class HealthCheckTest {

  @Test
  void zeroOnlyWhenTheEndpointAnswers200() throws IOException {
    HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    server.createContext("/healthz", x -> {
      x.sendResponseHeaders(200, 3);
      x.getResponseBody().write("ok\n".getBytes());
      x.close();
    });
    server.createContext("/readyz", x -> {
      x.sendResponseHeaders(503, -1);
      x.close();
    });
    server.start();
    try {
      String base = "http://127.0.0.1:" + server.getAddress().getPort();
      assertEquals(0, HealthCheck.check(base + "/healthz", System.err));
      assertEquals(1, HealthCheck.check(base + "/readyz", System.err));
      assertEquals(1, HealthCheck.check(base + "/nothing", System.err));
    } finally {
      server.stop(0);
    }
    int closed;
    try (ServerSocket s = new ServerSocket(0)) {
      closed = s.getLocalPort();
    }
    assertEquals(1, HealthCheck.check("http://127.0.0.1:" + closed + "/healthz", System.err));
  }

  @Test
  void badInputOrNoAnswerIsOneClearLineWithoutCredentials() {
    for (String url : new String[] {"not a url", "ftp://127.0.0.1/x", "http://monitor:S3cret-pw@127.0.0.1:1/healthz"}) {
      java.io.ByteArrayOutputStream bytes = new java.io.ByteArrayOutputStream();
      assertEquals(1, HealthCheck.check(url, new java.io.PrintStream(bytes, true, java.nio.charset.StandardCharsets.UTF_8)));
      String said = bytes.toString(java.nio.charset.StandardCharsets.UTF_8);
      org.junit.jupiter.api.Assertions.assertTrue(said.startsWith("drwatch health check: ") && said.lines().count() == 1
          && !said.contains("java.") && !said.contains("Exception") && !said.contains("S3cret-pw"), said);
    }
  }
}
