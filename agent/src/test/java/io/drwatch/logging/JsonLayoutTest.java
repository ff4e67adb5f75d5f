package io.drwatch.logging;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.spi.LoggingEvent;
import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import org.junit.jupiter.api.Test;

/** One valid JSON object per line, whatever the message contains. */
class JsonLayoutTest {

  private static String layout(String message, Throwable t) {
    LoggerContext ctx = new LoggerContext();
    JsonLayout layout = new JsonLayout();
    layout.setContext(ctx);
    layout.start();
    LoggingEvent e = new LoggingEvent("x", ctx.getLogger("io.drwatch.sample.TargetSampler"), Level.WARN,
        message, t, null);
    e.setTimeStamp(1_700_000_000_123L);
    e.setThreadName("drwatch-sampler-1");
    return layout.doLayout(e);
  }

  @Test
  void escapesQuotesBackslashesNewlinesAndControlCharacters() {
    String message = "target \"a\" is down: C:\\x\nline two\ttab \u0001 \u2028 é";
    String line = layout(message, null);
    assertTrue(line.endsWith("}\n") && line.indexOf('\n') == line.length() - 1, line);
    // Parsed back by a JSON parser (Typesafe Config reads JSON): the same text comes out.
    Config parsed = ConfigFactory.parseString(line, com.typesafe.config.ConfigParseOptions.defaults()
        .setSyntax(com.typesafe.config.ConfigSyntax.JSON));
    assertEquals(message, parsed.getString("message"));
    assertEquals("WARN", parsed.getString("level"));
    assertEquals("io.drwatch.sample.TargetSampler", parsed.getString("logger"));
    assertEquals("drwatch-sampler-1", parsed.getString("thread"));
    assertEquals("2023-11-14T22:13:20.123Z", parsed.getString("time"));
  }

  @Test
  void aThrowableIsItsClassAndMessageNotAStack() {
    String line = layout("failed", new IllegalStateException("bad \"state\""));
    Config parsed = ConfigFactory.parseString(line, com.typesafe.config.ConfigParseOptions.defaults()
        .setSyntax(com.typesafe.config.ConfigSyntax.JSON));
    assertEquals("java.lang.IllegalStateException: bad \"state\"", parsed.getString("error"));
    assertTrue(!line.contains("\tat "), line);
  }
}
