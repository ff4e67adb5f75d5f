package io.drwatch.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.drwatch.Agent;
import io.drwatch.collect.CollectorRegistry;
import io.drwatch.config.AgentConfig;
import io.drwatch.config.ConfigLoader;
import io.drwatch.fixture.Await;
import io.drwatch.fixture.CrdbCatalog;
import io.drwatch.fixture.HeadlessChromium;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.logging.Level;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.openqa.selenium.By;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.logging.LogEntry;
import org.openqa.selenium.logging.LogType;

/**
 * The status page's CockroachDB block in headless Chromium, fed by the real collectors reading the
 * catalog fixture (PostgreSQL shaped like CockroachDB 25.4's crdb_internal, not CockroachDB) with
 * its scenario: a dead, a suspect and a decommissioning node, unavailable and under-replicated
 * ranges, a paused backup schedule and one that missed its cadence.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class StatusPageCockroachIT {

  private static final CrdbCatalog.Layout CRDB = CrdbCatalog.Layout.V25_4;
  private static final Duration WAIT = Duration.ofSeconds(60);

  private CrdbCatalog catalog;
  private Agent agent;
  private ChromeDriver browser;

  @BeforeAll
  void start() throws Exception {
    browser = HeadlessChromium.start();
    catalog = CrdbCatalog.start(CRDB);
    String hocon = """
        drwatch {
          http { host = "127.0.0.1", port = 0 }
          defaults { interval = 1s, timeout = 1s, connect-timeout = 2s }
          targets = [
            { name = crdb, url = "%s", user = %s, no-password = true, labels { cluster = roach },
              collectors { crdb_stores { interval = 2s }, crdb_schedules { interval = 2s } } }
          ]
        }
        """.formatted(catalog.jdbcUrl(CRDB), CRDB.role());
    CollectorRegistry registry = CollectorRegistry.builtIn();
    AgentConfig config = new ConfigLoader(registry.names(), Map.<String, String>of()::get)
        .loadString(hocon, "status-page-crdb-it.conf");
    agent = Agent.start(config, registry);
    agent.firstRound().await(60, TimeUnit.SECONDS);
  }

  @AfterAll
  void stop() {
    if (browser != null) {
      browser.quit();
    }
    if (agent != null) {
      agent.close();
    }
    if (catalog != null) {
      catalog.close();
    }
  }

  @Test
  void nodesRangesAndBackupSchedulesInWords() throws Exception {
    browser.get("http://127.0.0.1:" + agent.port() + "/");
    WebElement block = await("the CockroachDB block with its schedules", () -> {
      WebElement b = browser.findElement(By.id("cluster-roach"));
      return b.getText().contains("missed its cadence") && b.getText().contains("under-replicated") ? b : null;
    });
    String text = block.getText();
    assertTrue(text.contains("CockroachDB"), text);
    assertTrue(block.getAttribute("class").contains("s-critical"), "unavailable ranges are critical");
    assertTrue(text.matches("(?s).*CRITICAL: \\d+ range\\(s\\) unavailable: reads and writes to them block\\..*"), text);
    assertTrue(text.matches("(?s).*WARNING: \\d+ node\\(s\\) dead, \\d+ suspect \\(as crdb sees them\\)\\..*"), text);
    assertTrue(text.contains("not live") && text.contains("decommissioning"), text);
    assertTrue(text.contains("paused"), text);
    List<String> errors = new ArrayList<>();
    for (LogEntry e : browser.manage().logs().get(LogType.BROWSER)) {
      if (e.getLevel().intValue() >= Level.WARNING.intValue()) {
        errors.add(e.getMessage());
      }
    }
    assertEquals(List.of(), errors, "console errors or warnings");
    Path shots = Files.createDirectories(Path.of("target", "status-page"));
    Files.copy(browser.getScreenshotAs(OutputType.FILE).toPath(), shots.resolve("cockroachdb.png"),
        StandardCopyOption.REPLACE_EXISTING);
  }

  /** Polls the page until the probe answers non-null (an exception, e.g. not rendered yet, is "not yet"). */
  private <T> T await(String what, java.util.function.Supplier<T> probe) {
    return Await.until(what, WAIT, Duration.ofMillis(250), probe::get, v -> v != null,
        v -> "the page shows:\n" + browser.findElement(By.tagName("body")).getText());
  }
}
