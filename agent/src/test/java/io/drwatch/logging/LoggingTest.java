package io.drwatch.logging;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.util.ContextInitializer;
import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import com.typesafe.config.ConfigParseOptions;
import com.typesafe.config.ConfigSyntax;
import io.drwatch.config.LoggingSettings;
import io.drwatch.fixture.LogCapture;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

/** drwatch.logging applied to Logback: format, root level, levels per logger, quiet third parties. */
class LoggingTest {

  @AfterEach
  void restoreTestLogging() throws Exception {
    LoggerContext ctx = (LoggerContext) LoggerFactory.getILoggerFactory();
    ctx.reset();
    new ContextInitializer(ctx).autoConfig(); // logback-test.xml again
  }

  @Test
  void jsonLinesWithLevelsPerLogger() {
    Logging.apply(new LoggingSettings("json", "info", Map.of("io.drwatch.sample", "debug")));
    String text;
    try (LogCapture log = new LogCapture()) {
      LoggerFactory.getLogger("io.drwatch.sample.TargetSampler").debug("target {} still down", "a\"b");
      LoggerFactory.getLogger("io.drwatch.Agent").debug("hidden at info");
      LoggerFactory.getLogger("io.drwatch.Agent").info("shown");
      LoggerFactory.getLogger("com.zaxxer.hikari.pool.HikariPool").info("pool chatter");
      LoggerFactory.getLogger("org.postgresql.Driver").info("driver chatter");
      text = log.text();
    }
    String[] lines = text.strip().split("\n");
    assertEquals(2, lines.length, text);
    Config first = ConfigFactory.parseString(lines[0], ConfigParseOptions.defaults().setSyntax(ConfigSyntax.JSON));
    assertEquals("target a\"b still down", first.getString("message"));
    assertEquals("DEBUG", first.getString("level"));
    assertTrue(lines[1].contains("\"message\":\"shown\""), text);
    assertFalse(text.contains("chatter") || text.contains("hidden"), text);
  }

  @Test
  void textIsOneLineWithTimeLevelLoggerAndMessage() {
    Logging.apply(new LoggingSettings("text", "warn", Map.of("com.zaxxer.hikari", "info")));
    String text;
    try (LogCapture log = new LogCapture()) {
      LoggerFactory.getLogger("io.drwatch.sample.TargetSampler").info("not at warn");
      LoggerFactory.getLogger("io.drwatch.sample.TargetSampler").warn("target a is down: refused");
      LoggerFactory.getLogger("com.zaxxer.hikari.pool.HikariPool").info("asked for");
      text = log.text();
    }
    assertTrue(text.matches("(?s)\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d\\.\\d{3}\\S+ WARN  TargetSampler - target a is down: refused\n"
        + "\\S+ INFO  HikariPool - asked for\n"), text);
  }
}
