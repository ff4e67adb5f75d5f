package io.drwatch.patroni;

import io.drwatch.config.PatroniSettings;
import java.io.IOException;
import java.io.InputStream;
import java.net.ConnectException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpConnectTimeoutException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.time.Duration;
import java.util.Base64;
import java.util.concurrent.CompletableFuture;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLException;
import javax.net.ssl.TrustManagerFactory;

/**
 * GETs from a Patroni REST API: one bounded request per call (connect and answer within the
 * timeout), basic auth when configured, TLS verified against the configured CA. Errors are short
 * words for logs and {@code /api}, never a password or a stack trace.
 */
final class PatroniClient {

  /** A failed request, with a reason fit for a log line. */
  static final class Failure extends Exception {
    Failure(String message) {
      super(message, null, false, false);
    }
  }

  private static final int MAX_BODY = 4 * 1024 * 1024;

  private final HttpClient http;
  private final Duration timeout;
  private final String authorization;

  PatroniClient(PatroniSettings s) {
    HttpClient.Builder b = HttpClient.newBuilder().connectTimeout(s.timeout())
        .followRedirects(HttpClient.Redirect.NEVER).version(HttpClient.Version.HTTP_1_1);
    if (s.caFile() != null) {
      b.sslContext(trusting(Path.of(s.caFile())));
    }
    this.http = b.build();
    this.timeout = s.timeout();
    this.authorization = s.username() == null ? null : "Basic " + Base64.getEncoder().encodeToString(
        (s.username() + ":" + (s.password() == null ? "" : s.password().reveal())).getBytes(StandardCharsets.UTF_8));
  }

  /** The body of a 200 answer to {@code base + path}. */
  CompletableFuture<String> get(URI base, String path) {
    HttpRequest.Builder r = HttpRequest.newBuilder(base.resolve(path)).timeout(timeout).GET()
        .header("Accept", "application/json");
    if (authorization != null) {
      r.header("Authorization", authorization);
    }
    return http.sendAsync(r.build(), HttpResponse.BodyHandlers.ofInputStream()).handle((resp, err) -> {
      if (err != null) {
        throw new java.util.concurrent.CompletionException(new Failure(path + ": " + reason(err)));
      }
      try (InputStream in = resp.body()) {
        byte[] body = in.readNBytes(MAX_BODY + 1);
        if (resp.statusCode() != 200) {
          throw new java.util.concurrent.CompletionException(new Failure(path + ": HTTP " + resp.statusCode()
              + (resp.statusCode() == 401 ? " (check username and password)" : "")));
        }
        if (body.length > MAX_BODY) {
          throw new java.util.concurrent.CompletionException(new Failure(path + ": answer over 4 MiB"));
        }
        return new String(body, StandardCharsets.UTF_8);
      } catch (IOException e) {
        throw new java.util.concurrent.CompletionException(new Failure(path + ": " + reason(e)));
      }
    });
  }

  static String reason(Throwable e) {
    Throwable t = e;
    while ((t instanceof java.util.concurrent.CompletionException || t.getCause() instanceof IOException)
        && t.getCause() != null && t.getCause() != t) {
      t = t.getCause();
    }
    if (t instanceof Failure f) {
      return f.getMessage();
    }
    if (t instanceof HttpConnectTimeoutException) {
      return "connect timed out";
    }
    if (t instanceof HttpTimeoutException) {
      return "no answer within the timeout";
    }
    if (t instanceof ConnectException) {
      return "connection refused";
    }
    if (t instanceof SSLException) {
      return "TLS handshake failed (" + (t.getMessage() == null ? "no detail" : t.getMessage()) + ")";
    }
    if (t instanceof IOException) {
      // Patroni closes the connection without an answer when it cannot read the DCS.
      String m = t.getMessage();
      return m == null || m.isBlank() ? "connection closed without an answer" : m;
    }
    return t.getClass().getSimpleName();
  }

  private static SSLContext trusting(Path caFile) {
    try (InputStream in = Files.newInputStream(caFile)) {
      KeyStore ks = KeyStore.getInstance(KeyStore.getDefaultType());
      ks.load(null, null);
      int i = 0;
      for (Certificate c : CertificateFactory.getInstance("X.509").generateCertificates(in)) {
        ks.setCertificateEntry("ca-" + i++, c);
      }
      if (i == 0) {
        throw new IllegalArgumentException("no certificate in " + caFile);
      }
      TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
      tmf.init(ks);
      SSLContext ctx = SSLContext.getInstance("TLS");
      ctx.init(null, tmf.getTrustManagers(), null);
      return ctx;
    } catch (IOException | GeneralSecurityException e) {
      throw new IllegalArgumentException("cannot load CA certificates from " + caFile + ": " + e.getMessage());
    }
  }
}
