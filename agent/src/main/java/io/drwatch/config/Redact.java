package io.drwatch.config;

import java.util.regex.Pattern;

/** Removes secrets from text bound for logs, errors and HTTP answers. */
public final class Redact {

  private static final Pattern URL_PASSWORD =
      Pattern.compile("(?i)([?&;](?:ssl)?password=)[^&;]*"); // sslpassword: pgjdbc's client-key password
  // Greedy up to the last '@' of the authority, so a password containing '@' is masked whole.
  private static final Pattern USERINFO = Pattern.compile("(//[^/:@?]+):[^/?]*@");
  /** user:password@host without the "//" (as pgjdbc echoes an authority it took for a host name). */
  private static final Pattern BARE_USERINFO = Pattern.compile("(?<![/\\w.-])([\\w.-]+):[^\\s/@:]+@(?=[\\w.\\[])");
  private static final Pattern CONNINFO_PASSWORD =
      Pattern.compile("(?i)(password\\s*=\\s*)('(?:[^'\\\\]|\\\\.)*'|\\S+)");

  private Redact() {}

  /** A JDBC URL with any password parameter or user:password part masked. */
  public static String url(String url) {
    if (url == null) {
      return null;
    }
    String masked = URL_PASSWORD.matcher(url).replaceAll("$1****");
    return USERINFO.matcher(masked).replaceAll("$1:****@");
  }

  /** Free text (driver messages, conninfo strings) with password assignments masked. */
  public static String text(String text, Secret secret) {
    if (text == null) {
      return null;
    }
    String masked = CONNINFO_PASSWORD.matcher(url(text)).replaceAll("$1****");
    masked = BARE_USERINFO.matcher(masked).replaceAll("$1:****@");
    if (secret != null && secret.reveal() != null && !secret.reveal().isEmpty()) {
      masked = masked.replace(secret.reveal(), "****");
    }
    return masked;
  }
}
