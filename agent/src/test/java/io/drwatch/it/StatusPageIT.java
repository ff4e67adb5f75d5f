package io.drwatch.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.drwatch.Agent;
import io.drwatch.collect.CollectorRegistry;
import io.drwatch.config.AgentConfig;
import io.drwatch.config.ConfigLoader;
import io.drwatch.fixture.Await;
import io.drwatch.fixture.Clusters;
import io.drwatch.fixture.HeadlessChromium;
import io.drwatch.fixture.TestCerts;
import io.drwatch.http.BasicAuth;
import io.drwatch.sandbox.PgNode;
import io.drwatch.sandbox.PgSandbox;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import java.util.logging.Level;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;
import org.openqa.selenium.Dimension;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.Keys;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.interactions.Actions;
import org.openqa.selenium.logging.LogEntry;
import org.openqa.selenium.logging.LogType;

/**
 * The status page in a real browser (Debian's headless Chromium through its chromedriver) against a
 * real sandbox cluster (primary, synchronous and asynchronous standby), served over TLS with basic
 * auth as /metrics is: it loads without a console error or a request leaving the agent, shows the
 * cluster as it is, still says whom to promote when the primary is SIGKILLed, changes in place
 * when the synchronous standby stops (commits would block) and
 * when a standby is promoted beside the primary (split brain), holds keyboard navigation and basic
 * ARIA, and refuses a browser without credentials. Screenshots go to target/status-page/.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class StatusPageIT {

  private static final String USER = "oncall";
  private static final String PASSWORD = "StatusPass-5566";
  private static final Path SHOTS = Path.of("target", "status-page");
  private static final Duration WAIT = Duration.ofSeconds(60);

  @TempDir
  static Path dir;

  private PgSandbox pg;
  private Agent agent;
  private ChromeDriver browser;
  private String origin;
  private String auth;
  private HttpClient http;

  @BeforeAll
  void start() throws Exception {
    browser = HeadlessChromium.start();
    Files.createDirectories(SHOTS);
    TestCerts ca = TestCerts.authority(dir, "ca");
    TestCerts.Leaf cert = ca.issue("agent", "localhost", "rsa");
    http = HttpClient.newBuilder().sslContext(ca.trustingContext()).connectTimeout(Duration.ofSeconds(5)).build();
    pg = Clusters.primaryWithSyncAndAsync(Clusters.defaultMajor());
    pg.waitStreaming(Duration.ofSeconds(60));
    StringBuilder targets = new StringBuilder();
    for (PgNode n : pg.nodes()) {
      targets.append("{ name = \"").append(n.name()).append("\", url = \"").append(n.jdbcUrl())
          .append("\", user = drwatch, no-password = true, labels { cluster = sandbox, region = ")
          .append(n.name().equals("async1") ? "west" : "east").append(" } }\n");
    }
    String hocon = """
        drwatch {
          http {
            host = "127.0.0.1", port = 0
            tls { cert-file = "%s", key-file = "%s" }
            basic-auth { users { %s = "%s" } }
          }
          defaults { interval = 1s, timeout = 1s, connect-timeout = 2s }
          clusters { sandbox { rpo-objective = 30s, rto-objective = 2m } }
          targets = [
          %s]
        }
        """.formatted(cert.cert(), cert.key(), USER, BasicAuth.hash(PASSWORD.toCharArray(), 4), targets);
    CollectorRegistry registry = CollectorRegistry.builtIn();
    AgentConfig config = new ConfigLoader(registry.names(), Map.<String, String>of()::get)
        .loadString(hocon, "status-page-it.conf");
    agent = Agent.start(config, registry);
    agent.firstRound().await(60, TimeUnit.SECONDS);
    origin = "https://127.0.0.1:" + agent.port();
    auth = "Basic " + Base64.getEncoder().encodeToString((USER + ":" + PASSWORD).getBytes(StandardCharsets.UTF_8));

  }

  @AfterAll
  void stop() {
    if (browser != null) {
      browser.quit();
    }
    if (agent != null) {
      agent.close();
    }
    if (pg != null) {
      pg.close();
    }
  }

  @Test
  @Order(1)
  void basicAuthIsEnforcedForThePageAndItsData() throws Exception {
    for (String path : List.of("/", "/api/clusters")) {
      assertEquals(401, get(path, null).statusCode(), path + " without credentials");
      String wrong = "Basic " + Base64.getEncoder().encodeToString((USER + ":nope").getBytes(StandardCharsets.UTF_8));
      assertEquals(401, get(path, wrong).statusCode(), path + " with a wrong password");
      assertEquals(200, get(path, auth).statusCode(), path + " with the password");
    }
    // the browser, before it has any credentials: the challenge, never the page
    browser.get(origin + "/");
    String body = browser.findElement(By.tagName("body")).getText();
    assertFalse(body.contains("sandbox") || body.contains("DR status"), body);
    assertTrue(browser.findElements(By.id("clusters")).isEmpty());
    assertFalse(new JsonArray(browser.manage().logs().get(LogType.PERFORMANCE).getAll().stream()
        .map(LogEntry::getMessage).toList()).encode().contains(PASSWORD));
    // from here on every request of this browser carries the credentials
    browser.executeCdpCommand("Network.enable", Map.of());
    browser.executeCdpCommand("Network.setExtraHTTPHeaders", Map.of("headers", Map.of("Authorization", auth)));
  }

  @Test
  @Order(2)
  void healthyClusterIsShownAsItIs() throws Exception {
    browser.manage().window().setSize(new Dimension(1280, 1400));
    browser.get(origin + "/");
    browser.manage().logs().get(LogType.BROWSER); // start the console record at this page
    WebElement section = await("the sandbox block", () -> browser.findElement(By.id("cluster-sandbox")));
    await("every member probed and the block OK", () -> section.getAttribute("class").contains("s-ok")
        && row("primary").contains("primary") && row("sync1").contains("synchronous")
        && row("async1").contains("asynchronous") ? section : null);
    assertTrue(row("primary").contains("up"), row("primary"));
    assertTrue(section.getText().contains("OK"), "state in words, not only colour");
    assertTrue(section.getText().contains("No problems"), section.getText());
    assertEquals("1 accepting writes · timeline 1", fact("Primary").split("\n")[2].trim());
    assertTrue(fact("Primary").contains("primary"), fact("Primary"));
    assertTrue(fact("Data at risk now (RPO)").contains("within objective"), fact("Data at risk now (RPO)"));
    assertTrue(section.getText().contains("commits proceed: FIRST 1, 1 connected"), section.getText());
    assertTrue(section.findElement(By.cssSelector(".asof")).getText().matches("(?s)Data from \\d{4}-.* UTC \\(\\d+ s ago\\)"),
        section.findElement(By.cssSelector(".asof")).getText());
    // the sparklines fill from the agent's own history: one tick every 10 s
    pg.write(1000);
    await("trend lines for the RPO and both standbys' lag", () ->
        browser.findElements(By.cssSelector("#cluster-sandbox svg.spark polyline")).size() >= 3 ? section : null);
    for (WebElement svg : browser.findElements(By.cssSelector("svg.spark"))) {
      assertEquals("img", svg.getAttribute("role"));
      assertTrue(svg.getAttribute("aria-label").matches(".* over the last \\d+ min: now .*"), svg.getAttribute("aria-label"));
    }
    JsonObject json = new JsonObject(get("/api/clusters", auth).body()).getJsonArray("clusters").getJsonObject(0);
    assertEquals(1, json.getInteger("primaries"));
    assertEquals("primary", json.getString("primary"));
    assertEquals("ok", json.getString("state"));
    // what a failover would lose: the cluster package's best candidate, named on the page and in its row
    String best = json.getJsonObject("promotion").getString("best_candidate");
    assertEquals("sync1", best, "the standby the primary waits for: " + json.getJsonObject("promotion").encode());
    String promote = fact("If you promote now");
    assertTrue(promote.contains(best) && promote.matches("(?s).*loses \\d.*catch-up.*"), promote);
    assertTrue(row(best).contains("best candidate"), row(best));
    // losing the primary's region (east, with sync1) leaves async1 in the west to write on
    await("the region table: losing east leaves async1", () -> browser.findElements(
        By.cssSelector("#cluster-sandbox table.cards tbody tr")).stream().map(WebElement::getText)
        .anyMatch(t -> t.matches("(?s)east\\s+async1\\s+1\\s+.*")) ? "" : null);
    shot("healthy.png");
    measure();
    browser.executeCdpCommand("Emulation.setEmulatedMedia", Map.of("features",
        List.of(Map.of("name", "prefers-color-scheme", "value", "dark"))));
    assertEquals("rgb(18, 20, 23)", js("return getComputedStyle(document.body).backgroundColor;"), "dark mode follows the system");
    shot("dark.png");
    browser.executeCdpCommand("Emulation.setEmulatedMedia", Map.of("features", List.of()));

    // phone: nothing wider than the screen, the members as cards
    browser.manage().window().setSize(new Dimension(390, 844));
    await("the window resized to a phone's 390 px",
        () -> ((Number) js("return window.innerWidth;")).intValue() <= 390 ? "" : null);
    long overflow = (Long) js("return document.documentElement.scrollWidth - window.innerWidth;");
    assertTrue(overflow <= 0, "page wider than a phone screen by " + overflow + " px");
    assertEquals("block", js("return getComputedStyle(document.querySelector('table.cards tr')).display;"));
    assertEquals(0L, js("return Array.from(document.querySelectorAll('table.cards td')).filter(td => td.children.length !== 1"
        + " || td.childNodes.length !== 1).length;"), "every card cell is label + one value");
    fullPageShot("phone.png");
    browser.manage().window().setSize(new Dimension(1280, 1400));

    // print: controls go, the data stays; and a PDF an incident document can take
    browser.executeCdpCommand("Emulation.setEmulatedMedia", Map.of("media", "print"));
    assertEquals("none", js("return getComputedStyle(document.getElementById('pause')).display;"));
    assertTrue(browser.findElement(By.id("updated")).getText().startsWith("Updated "), "the time stays on paper");
    assertTrue(browser.findElement(By.id("cluster-sandbox")).isDisplayed());
    shot("print.png");
    browser.executeCdpCommand("Emulation.setEmulatedMedia", Map.of("media", ""));
    Map<String, Object> pdf = browser.executeCdpCommand("Page.printToPDF", Map.of("printBackground", true));
    byte[] pdfBytes = Base64.getDecoder().decode((String) pdf.get("data"));
    Files.write(SHOTS.resolve("healthy.pdf"), pdfBytes);
    assertTrue(new String(pdfBytes, 0, 5, StandardCharsets.US_ASCII).equals("%PDF-"));

    assertNoConsoleErrorsOrForeignRequests();
  }

  @Test
  @Order(3)
  void keyboardAndAriaHold() {
    browser.get(origin + "/");
    await("the page", () -> browser.findElement(By.id("cluster-sandbox")));
    // landmarks and names
    assertEquals(1L, js("return document.querySelectorAll('main').length;"));
    assertEquals("status", browser.findElement(By.id("overall")).getAttribute("role"));
    assertEquals("polite", browser.findElement(By.id("overall")).getAttribute("aria-live"));
    WebElement section = browser.findElement(By.id("cluster-sandbox"));
    String labelledBy = section.getAttribute("aria-labelledby");
    assertTrue(browser.findElement(By.id(labelledBy)).getText().contains("sandbox"));
    assertEquals(0L, js("return document.querySelectorAll('th:not([scope])').length;"), "every header cell has a scope");
    assertEquals("Clusters", browser.findElement(By.tagName("nav")).getAttribute("aria-label"));
    assertEquals("en", browser.findElement(By.tagName("html")).getAttribute("lang"));

    // Tab order: skip link, pause, refresh, the cluster link; focus is visible
    js("document.activeElement && document.activeElement.blur(); window.focus();");
    Actions keys = new Actions(browser);
    keys.sendKeys(Keys.TAB).perform();
    assertEquals("Skip to clusters", active().getText());
    assertFalse("none".equals(js("return getComputedStyle(document.activeElement).outlineStyle;")), "focus is visible");
    keys.sendKeys(Keys.TAB).perform();
    assertEquals("pause", active().getAttribute("id"));
    keys.sendKeys(Keys.SPACE).perform();
    assertEquals("true", active().getAttribute("aria-pressed"));
    assertEquals("Resume updates", active().getText());
    keys.sendKeys(Keys.ENTER).perform();
    assertEquals("false", active().getAttribute("aria-pressed"));
    keys.sendKeys(Keys.TAB).perform();
    assertEquals("refresh", active().getAttribute("id"));
    keys.sendKeys(Keys.TAB).perform();
    assertTrue(active().getText().contains("sandbox"), active().getText());
    keys.sendKeys(Keys.ENTER).perform();
    assertTrue(browser.getCurrentUrl().endsWith("#cluster-sandbox"), browser.getCurrentUrl());
    // the skip link moves focus to the clusters
    js("document.querySelector('.skip').focus();");
    keys.sendKeys(Keys.ENTER).perform();
    assertEquals("clusters", active().getAttribute("id"));
    assertNoConsoleErrorsOrForeignRequests();
  }

  /**
   * The moment the page is for: the primary SIGKILLed. It must say at once that nothing accepts
   * writes, and still answer whom to promote and what that loses, against the writer's last seen
   * position and marked as lower bounds; then the primary comes back (crash recovery).
   */
  @Test
  @Order(4)
  void aKilledPrimaryLeavesWhomToPromoteAndWhatItLoses() throws Exception {
    browser.get(origin + "/");
    await("the page", () -> browser.findElement(By.id("cluster-sandbox")));
    pg.write(2000);
    pg.primary().kill();
    try {
      await("no primary", () -> problem("no_primary"));
      assertTrue(problem("no_primary").getText().startsWith("\u2716 CRITICAL: No primary"), problem("no_primary").getText());
      await("the promotion answer against the writer's last position",
          () -> fact("If you promote now").contains("writer unreachable") ? "" : null);
      String promote = fact("If you promote now");
      assertTrue(promote.contains("sync1"), "the synchronous standby holds every acknowledged commit: " + promote);
      assertTrue(promote.matches("(?s).*loses at least .* catch-up .*writer last seen .*"), promote);
      assertTrue(fact("Primary").contains("none") && fact("Primary").contains("0 accepting writes"), fact("Primary"));
      JsonObject json = new JsonObject(get("/api/clusters", auth).body()).getJsonArray("clusters").getJsonObject(0);
      assertEquals(0, json.getInteger("primaries"));
      assertEquals("critical", json.getString("state"));
      assertEquals("sync1", json.getJsonObject("promotion").getString("best_candidate"), json.encode());
      assertEquals(Boolean.TRUE, json.getJsonObject("promotion").getBoolean("lower_bound"), json.encode());
      assertTrue(browser.getTitle().startsWith("CRITICAL"), browser.getTitle());
      shot("primary-killed.png");
    } finally {
      pg.primary().start();
      pg.waitStreaming(WAIT);
    }
    await("the primary back on the page", () -> fact("Primary").contains("1 accepting writes") ? "" : null);
    assertNoConsoleErrorsOrForeignRequests();
  }

  @Test
  @Order(5)
  void stoppedSyncStandbyThenSplitBrainChangeThePageInPlace() throws Exception {
    browser.get(origin + "/");
    await("the page", () -> browser.findElement(By.id("cluster-sandbox")));
    // markers that survive only if the page updates in place: no reload, the block is the same node
    js("window.__sameDocument = 42; window.__block = document.getElementById('cluster-sandbox');");

    pg.standby("sync1").stop();
    await("commits would block", () -> problem("commits_would_block"));
    assertTrue(problem("commits_would_block").getText().startsWith("\u2716 CRITICAL: Commits would block on primary"),
        problem("commits_would_block").getText());
    await("sync1 down in its row", () -> row("sync1").contains("DOWN") ? "" : null);
    assertTrue(browser.findElement(By.id("cluster-sandbox")).getAttribute("class").contains("s-critical"));
    assertTrue(browser.findElement(By.id("cluster-sandbox")).getText().contains("COMMITS WOULD BLOCK"));
    assertTrue(browser.getTitle().startsWith("CRITICAL"), browser.getTitle());
    shot("sync-standby-stopped.png");

    pg.standby("async1").promote();
    await("split brain", () -> problem("split_brain"));
    String text = problem("split_brain").getText();
    assertTrue(text.startsWith("\u2716 CRITICAL: Split brain: 2 members accept writes (async1, primary)"), text);
    assertTrue(fact("Primary").contains("async1 + primary"), fact("Primary"));
    assertTrue(fact("If you promote now").contains("no answer"), fact("If you promote now"));
    await("async1's row says primary", () -> row("async1").contains("primary") ? "" : null);
    JsonObject json = new JsonObject(get("/api/clusters", auth).body()).getJsonArray("clusters").getJsonObject(0);
    assertEquals(2, json.getInteger("primaries"));
    assertEquals(new JsonArray(List.of("async1", "primary")), json.getJsonArray("members_accepting_writes"));
    assertEquals("critical", json.getString("state"));
    shot("split-brain.png");

    assertEquals(42L, js("return window.__sameDocument;"), "the page reloaded instead of updating in place");
    assertEquals(Boolean.TRUE, js("return window.__block === document.getElementById('cluster-sandbox');"),
        "the cluster block was rebuilt instead of updated");
    assertNoConsoleErrorsOrForeignRequests();
  }

  @Test
  @Order(6)
  void anUnreachableAgentKeepsTheLastDataAndSaysSinceWhen() throws Exception {
    browser.get(origin + "/");
    await("the page", () -> browser.findElement(By.id("cluster-sandbox")));
    String before = browser.findElement(By.cssSelector("#cluster-sandbox .ch h2")).getText();
    browser.executeCdpCommand("Network.emulateNetworkConditions", Map.of("offline", true, "latency", 0,
        "downloadThroughput", -1, "uploadThroughput", -1));
    try {
      browser.findElement(By.id("refresh")).click();
      WebElement banner = await("the connection banner", () -> {
        WebElement b = browser.findElement(By.id("conn"));
        return b.isDisplayed() ? b : null;
      });
      assertEquals("alert", banner.getAttribute("role"));
      assertTrue(banner.getText().matches("\u2716 Cannot reach the agent \\(.+\\)\\. The data below is from "
          + "\\d\\d:\\d\\d:\\d\\d UTC, \\d+ s ago\\."), banner.getText());
      assertEquals(before, browser.findElement(By.cssSelector("#cluster-sandbox .ch h2")).getText(),
          "the last data stays on the page");
      shot("agent-unreachable.png");
    } finally {
      browser.executeCdpCommand("Network.emulateNetworkConditions", Map.of("offline", false, "latency", 0,
          "downloadThroughput", -1, "uploadThroughput", -1));
    }
    browser.findElement(By.id("refresh")).click();
    await("the banner gone once the agent answers", () -> browser.findElement(By.id("conn")).isDisplayed() ? null : "");
    browser.manage().logs().get(LogType.BROWSER); // the failed fetch was logged, on purpose
  }

  /** What the page and its JSON weigh and cost to serve (printed for docs/status-page.md). */
  private void measure() throws Exception {
    long[] page = new long[20];
    long[] api = new long[20];
    int pageBytes = 0;
    int apiBytes = 0;
    for (int i = 0; i < page.length; i++) {
      long t0 = System.nanoTime();
      pageBytes = get("/", auth).body().getBytes(StandardCharsets.UTF_8).length;
      long t1 = System.nanoTime();
      apiBytes = get("/api/clusters", auth).body().getBytes(StandardCharsets.UTF_8).length;
      page[i] = t1 - t0;
      api[i] = System.nanoTime() - t1;
    }
    java.util.Arrays.sort(page);
    java.util.Arrays.sort(api);
    System.out.printf("status page: / %d bytes (p50 %.1f ms), /api/clusters %d bytes (p50 %.1f ms), 3 members%n",
        pageBytes, page[page.length / 2] / 1e6, apiBytes, api[api.length / 2] / 1e6);
  }

  private String row(String member) {
    for (WebElement tr : browser.findElements(By.cssSelector("#cluster-sandbox table.cards tbody tr"))) {
      String t = tr.getText();
      if (t.startsWith(member + "\n") || t.equals(member) || t.startsWith(member + " ")) {
        return t;
      }
    }
    return "";
  }

  private String fact(String title) {
    for (WebElement f : browser.findElements(By.cssSelector("#cluster-sandbox .fact"))) {
      if (f.findElement(By.tagName("h3")).getText().equalsIgnoreCase(title)) {
        return f.getText();
      }
    }
    return "";
  }

  private WebElement problem(String code) {
    List<WebElement> l = browser.findElements(By.cssSelector("#cluster-sandbox .problems li[data-code='" + code + "']"));
    return l.isEmpty() ? null : l.get(0);
  }

  private WebElement active() {
    return browser.switchTo().activeElement();
  }

  private Object js(String script) {
    return ((JavascriptExecutor) browser).executeScript(script);
  }

  /** The whole page, not only the viewport (a phone scrolls). */
  private void fullPageShot(String name) throws Exception {
    Number width = (Number) js("return document.documentElement.scrollWidth;");
    Number height = (Number) js("return document.documentElement.scrollHeight;");
    Map<String, Object> png = browser.executeCdpCommand("Page.captureScreenshot", Map.of("captureBeyondViewport", true,
        "clip", Map.of("x", 0, "y", 0, "width", width, "height", height, "scale", 1)));
    Files.write(SHOTS.resolve(name), Base64.getDecoder().decode((String) png.get("data")));
  }

  private void shot(String name) throws Exception {
    Path out = SHOTS.resolve(name);
    Files.copy(browser.getScreenshotAs(OutputType.FILE).toPath(), out, StandardCopyOption.REPLACE_EXISTING);
  }

  /** No console error since the last check, and every request went to the agent (or was inline data). */
  private void assertNoConsoleErrorsOrForeignRequests() {
    List<String> errors = new ArrayList<>();
    for (LogEntry e : browser.manage().logs().get(LogType.BROWSER)) {
      if (e.getLevel().intValue() >= Level.WARNING.intValue()) {
        errors.add(e.getLevel() + " " + e.getMessage());
      }
    }
    assertEquals(List.of(), errors, "console errors or warnings");
    List<String> foreign = new ArrayList<>();
    int requests = 0;
    for (LogEntry e : browser.manage().logs().get(LogType.PERFORMANCE)) {
      JsonObject m = new JsonObject(e.getMessage()).getJsonObject("message");
      if (!"Network.requestWillBeSent".equals(m.getString("method"))) {
        continue;
      }
      requests++;
      String url = m.getJsonObject("params").getJsonObject("request").getString("url");
      if (!url.startsWith(origin + "/") && !url.startsWith("data:")) {
        foreign.add(url);
      }
    }
    assertTrue(requests > 0, "the performance log recorded no request at all: the check would prove nothing");
    assertEquals(List.of(), foreign, "requests leaving the agent");
  }

  /** Polls the page until the probe answers non-null (an exception, e.g. no such element yet, is "not yet"). */
  private <T> T await(String what, Supplier<T> probe) {
    return Await.until(what, WAIT, Duration.ofMillis(250), probe::get, v -> v != null, v -> "the page shows:\n"
        + (browser.findElements(By.tagName("body")).isEmpty() ? "" : browser.findElement(By.tagName("body")).getText()));
  }

  private HttpResponse<String> get(String path, String authorization) throws Exception {
    HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(origin + path)).timeout(Duration.ofSeconds(10));
    if (authorization != null) {
      b.header("Authorization", authorization);
    }
    HttpResponse<String> r = http.send(b.build(), HttpResponse.BodyHandlers.ofString());
    if (r.statusCode() == 200 && path.equals("/")) {
      assertNotNull(r.headers().firstValue("Content-Security-Policy").orElse(null));
    }
    return r;
  }
}
