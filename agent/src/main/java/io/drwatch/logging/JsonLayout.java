package io.drwatch.logging;

import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.classic.spi.IThrowableProxy;
import ch.qos.logback.core.LayoutBase;
import java.time.Instant;

/**
 * One JSON object per line: {@code time} (ISO-8601 UTC), {@code level}, {@code logger} (full name),
 * {@code thread}, {@code message}, and {@code error} (class and message of a throwable, no stack).
 */
public final class JsonLayout extends LayoutBase<ILoggingEvent> {

  @Override
  public String doLayout(ILoggingEvent e) {
    StringBuilder b = new StringBuilder(160);
    b.append("{\"time\":");
    quote(b, Instant.ofEpochMilli(e.getTimeStamp()).toString());
    b.append(",\"level\":");
    quote(b, e.getLevel().toString());
    b.append(",\"logger\":");
    quote(b, e.getLoggerName());
    b.append(",\"thread\":");
    quote(b, e.getThreadName());
    b.append(",\"message\":");
    quote(b, e.getFormattedMessage());
    IThrowableProxy t = e.getThrowableProxy();
    if (t != null) {
      b.append(",\"error\":");
      quote(b, t.getClassName() + (t.getMessage() == null ? "" : ": " + t.getMessage()));
    }
    return b.append("}\n").toString();
  }

  /** A JSON string literal (RFC 8259): quotes, backslashes and control characters escaped. */
  static void quote(StringBuilder b, String s) {
    if (s == null) {
      b.append("null");
      return;
    }
    b.append('"');
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      switch (c) {
        case '"' -> b.append("\\\"");
        case '\\' -> b.append("\\\\");
        case '\n' -> b.append("\\n");
        case '\r' -> b.append("\\r");
        case '\t' -> b.append("\\t");
        default -> {
          if (c < 0x20 || c == 0x2028 || c == 0x2029) {
            b.append(String.format("\\u%04x", (int) c));
          } else {
            b.append(c);
          }
        }
      }
    }
    b.append('"');
  }
}
