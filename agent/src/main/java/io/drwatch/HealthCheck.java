package io.drwatch;

import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.net.HttpURLConnection;
import java.net.URI;

/**
 * A container health check that needs no curl or wget in the image:
 * {@code java -cp drwatch.jar io.drwatch.HealthCheck [URL]} exits 0 when URL (default
 * {@code http://127.0.0.1:9966/healthz}, or {@code $DRWATCH_HEALTH_URL}) answers 200 within two
 * seconds, 1 otherwise, with one line saying why.
 */
public final class HealthCheck {

  static final String DEFAULT_URL = "http://127.0.0.1:9966/healthz";

  private HealthCheck() {}

  public static void main(String[] args) {
    String env = System.getenv("DRWATCH_HEALTH_URL");
    String url = args.length > 0 ? args[0] : env != null && !env.isBlank() ? env : DEFAULT_URL;
    System.exit(check(url, System.err));
  }

  /** Exit status for {@code url}; the one line saying why goes to {@code err}, without credentials. */
  static int check(String url, PrintStream err) {
    String shown = url.replaceFirst("^([A-Za-z][A-Za-z0-9+.-]*://)[^/@]*@", "$1…@");
    try {
      URI uri = URI.create(url);
      if (!"http".equalsIgnoreCase(uri.getScheme()) && !"https".equalsIgnoreCase(uri.getScheme())) {
        throw new IllegalArgumentException("not http(s)");
      }
      HttpURLConnection c = (HttpURLConnection) uri.toURL().openConnection();
      c.setConnectTimeout(2000);
      c.setReadTimeout(2000);
      c.setInstanceFollowRedirects(false);
      int status = c.getResponseCode();
      try (InputStream in = status < 400 ? c.getInputStream() : c.getErrorStream()) {
        if (in != null) {
          in.readAllBytes();
        }
      }
      if (status == 200) {
        return 0;
      }
      err.println("drwatch health check: " + shown + " answered " + status);
      return 1;
    } catch (IllegalArgumentException e) {
      err.println("drwatch health check: " + shown + " is not an http(s) URL");
      return 1;
    } catch (IOException e) {
      String why = e.getMessage() == null || e.getMessage().isBlank() ? e.getClass().getSimpleName() : e.getMessage();
      err.println("drwatch health check: " + shown + ": " + why.replace(url, shown));
      return 1;
    }
  }
}
