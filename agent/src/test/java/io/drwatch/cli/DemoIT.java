package io.drwatch.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.drwatch.fixture.Await;
import io.drwatch.fixture.Clusters;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/** {@code drwatch demo}: the first address it prints is the status page, and that page answers. */
class DemoIT {

  @Test
  void printsTheStatusPageFirstAndServesIt() throws Exception {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    PrintStream out = new PrintStream(bytes, true, StandardCharsets.UTF_8);
    CompletableFuture<Integer> demo = CompletableFuture.supplyAsync(() -> {
      try {
        return new Demo(out).run(Clusters.defaultMajor(), 0, Duration.ofSeconds(6));
      } catch (Exception e) {
        throw new IllegalStateException(e);
      }
    });
    Pattern url = Pattern.compile("(https?://\\S+)");
    String first = Await.until("an address printed by the demo", Duration.ofSeconds(120), Await.EVERY, () -> {
      Matcher m = url.matcher(bytes.toString(StandardCharsets.UTF_8));
      if (m.find()) {
        return m.group(1);
      }
      if (demo.isDone()) {
        throw new AssertionError("the demo ended without printing an address:\n" + bytes.toString(StandardCharsets.UTF_8));
      }
      return null;
    }, a -> a != null, a -> "output:\n" + bytes.toString(StandardCharsets.UTF_8));
    String printed = bytes.toString(StandardCharsets.UTF_8);
    assertTrue(first != null, "no address printed:\n" + printed);
    assertTrue(first.matches("http://127\\.0\\.0\\.1:\\d+/"), "first address is not the status page: " + first);
    String line = printed.lines().filter(l -> l.contains("http")).findFirst().orElseThrow();
    assertTrue(line.trim().startsWith("status page:"), line);
    HttpResponse<String> page = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build().send(HttpRequest.newBuilder(URI.create(first))
        .timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString());
    assertEquals(200, page.statusCode());
    assertTrue(page.body().contains("drwatch <span>DR status</span>"), page.body());
    assertTrue(page.body().contains("\"name\":\"sandbox\""), "the demo's cluster travels in the page");
    assertEquals(0, demo.get().intValue());
  }
}
