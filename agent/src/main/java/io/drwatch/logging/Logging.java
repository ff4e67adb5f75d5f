package io.drwatch.logging;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.PatternLayout;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.ConsoleAppender;
import ch.qos.logback.core.Layout;
import ch.qos.logback.core.encoder.LayoutWrappingEncoder;
import io.drwatch.config.LoggingSettings;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import org.slf4j.LoggerFactory;

/**
 * Applies {@code drwatch.logging} to Logback at start-up and on reload: one stderr appender in
 * text or JSON-lines format, the root level, the quiet defaults for chatty third-party loggers,
 * then the configured per-logger levels.
 */
public final class Logging {

  /** Third-party loggers that would repeat what drwatch says once per state change. */
  public static final Map<String, String> QUIET = Map.of(
      "com.zaxxer.hikari", "error", // its warnings (broken connection, failed validation) carry stack traces and repeat our state-change line
      "io.netty", "warn",
      "io.vertx", "warn",
      "org.postgresql", "warn");

  public static final String TEXT_PATTERN = "%d{yyyy-MM-dd'T'HH:mm:ss.SSSXXX} %-5level %logger{0} - %msg%n";

  private static volatile boolean managed;

  private Logging() {}

  /** Whether {@link #apply} ran in this JVM (the daemon); tests keep logback-test.xml otherwise. */
  public static boolean managed() {
    return managed;
  }

  public static synchronized void apply(LoggingSettings s) {
    if (!(LoggerFactory.getILoggerFactory() instanceof LoggerContext ctx)) {
      return; // another SLF4J binding: leave it alone
    }
    ctx.reset();
    Layout<ILoggingEvent> layout;
    if ("json".equals(s.format())) {
      layout = new JsonLayout();
    } else {
      PatternLayout p = new PatternLayout();
      p.setPattern(TEXT_PATTERN);
      layout = p;
    }
    layout.setContext(ctx);
    layout.start();
    LayoutWrappingEncoder<ILoggingEvent> encoder = new LayoutWrappingEncoder<>();
    encoder.setContext(ctx);
    encoder.setLayout(layout);
    encoder.setCharset(StandardCharsets.UTF_8);
    encoder.start();
    ConsoleAppender<ILoggingEvent> appender = new ConsoleAppender<>();
    appender.setContext(ctx);
    appender.setName("STDERR");
    appender.setTarget("System.err");
    appender.setEncoder(encoder);
    appender.start();
    ch.qos.logback.classic.Logger root = ctx.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
    root.addAppender(appender);
    root.setLevel(Level.toLevel(s.level(), Level.INFO));
    Map<String, String> levels = new LinkedHashMap<>(QUIET);
    levels.putAll(s.levels());
    levels.forEach((name, level) -> ctx.getLogger(name).setLevel(Level.toLevel(level, Level.INFO)));
    managed = true;
  }
}
