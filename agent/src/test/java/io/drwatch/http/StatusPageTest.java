package io.drwatch.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.drwatch.fixture.TestClock;
import io.drwatch.sample.SampleCache;
import java.time.Instant;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

class StatusPageTest {

  private final TestClock clock = new TestClock(Instant.parse("2026-12-07T03:00:00Z"));
  private final SampleCache cache = new SampleCache(clock);
  private final StatusPage page = new StatusPage(cache, new io.drwatch.cluster.ClusterViews(cache), new CacheSnapshots(cache, clock), clock);

  @Test
  void thePageIsSelfContainedAndItsPolicyAllowsOnlyItsOwnInlineCode() {
    String html = page.html();
    // nothing that would make the browser fetch from elsewhere
    Matcher external = Pattern.compile("(?i)(src|href)\\s*=\\s*\"(https?:)?//|@import|url\\(\\s*['\"]?(https?:)?//")
        .matcher(html);
    assertFalse(external.find(), () -> "external reference: " + external.group());
    assertFalse(html.contains("<script src"), "no external script");
    assertEquals(html.indexOf("<link "), html.indexOf("<link rel=\"icon\" id=\"favicon\" href=\"data:"),
        "the one link is the inline icon");
    assertEquals(html.indexOf("<link "), html.lastIndexOf("<link "));
    String csp = page.contentSecurityPolicy();
    assertTrue(csp.startsWith("default-src 'none'; script-src 'sha256-"), csp);
    assertTrue(csp.contains("connect-src 'self'"), csp);
    // the hashes are those of the inline script and style actually served
    assertEquals(StatusPage.hashes(html, "script"), csp.replaceAll(".*script-src ([^;]*);.*", "$1"));
    assertEquals(1, csp.split("script-src ")[1].split(";")[0].split(" ").length, "one inline script");
  }

  @Test
  void theFirstDataTravelsInsideThePageAndCannotEndItsBlock() {
    cache.putStatus(new io.drwatch.sample.TargetStatus("</script><script>alert(1)</script>", "c</script>",
        java.util.Map.of(), "jdbc:postgresql://h/db", false, null, "</script>", clock.instant(), null, 0));
    String html = page.html();
    int start = html.indexOf("<script type=\"application/json\" id=\"initial-data\">");
    assertTrue(start > 0);
    String block = html.substring(start + 1, html.indexOf("</script>", start));
    assertFalse(block.contains("<"), block);
    assertTrue(block.contains("\\u003c/script\\u003e\\u003cscript\\u003ealert(1)"), block);
    assertFalse(html.contains("<script>alert(1)"));
    // and the browser's JSON.parse reads the name back as it was
    assertEquals("</script><script>alert(1)</script>", new io.vertx.core.json.JsonObject(block.substring(
        block.indexOf('>') + 1)).getJsonArray("clusters").getJsonObject(0).getJsonArray("members").getJsonObject(0)
        .getString("target"));
  }
}
