package io.drwatch.http;

import io.drwatch.BuildInfo;
import io.drwatch.cluster.ClusterView;
import io.drwatch.cluster.ClusterViews;
import io.drwatch.sample.SampleCache;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.util.Base64;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The DR status page ({@code /}) and the JSON behind it ({@code /api/clusters}). The page is one
 * file from the jar with its style and script inline; its Content-Security-Policy allows exactly
 * those (by hash) and requests to this agent, so the browser cannot fetch anything from anywhere
 * else. The first data travels inside the page (no empty first paint); the script then refreshes
 * from /api/clusters in place. Nothing here runs SQL: the report reads the published cluster
 * views, the cache and the series last published on /metrics, and a history tick runs every
 * {@link StatusHistory#STEP}.
 */
public final class StatusPage {

  static final String RESOURCE = "status-page.html";
  static final String DATA_MARKER = "<!--INITIAL-DATA-->";

  private final SampleCache cache;
  private final ClusterViews views;
  private final CacheSnapshots snapshots;
  private final Clock clock;
  private final StatusHistory history = new StatusHistory();
  private final String version = BuildInfo.version();
  private final String page;
  private final String csp;
  private long timer = -1;

  public StatusPage(SampleCache cache, ClusterViews views, CacheSnapshots snapshots, Clock clock) {
    this.cache = cache;
    this.views = views;
    this.snapshots = snapshots;
    this.clock = clock;
    this.page = load();
    this.csp = "default-src 'none'; script-src " + hashes(page, "script") + "; style-src " + hashes(page, "style")
        + "; connect-src 'self'; img-src 'self' data:; base-uri 'none'; form-action 'none'; frame-ancestors 'none'";
  }

  /** Starts the history ticks (the first at once). */
  void start(Vertx vertx) {
    vertx.executeBlocking(() -> {
      tick();
      return null;
    }, false);
    timer = vertx.setPeriodic(StatusHistory.STEP.toMillis(),
        id -> vertx.executeBlocking(() -> {
          tick();
          return null;
        }, false));
  }

  void stop(Vertx vertx) {
    if (timer >= 0) {
      vertx.cancelTimer(timer);
    }
  }

  /** One history tick from the current cache and published series. */
  void tick() {
    Map<String, ClusterView> clusters = views.all();
    history.record(clock.instant(), StatusReport.historyValues(cache.view(), clusters,
        new PublishedSeries(snapshots.collect())));
  }

  StatusHistory history() {
    return history;
  }

  /** The current report (blocking: may rebuild the exposition). */
  JsonObject report() {
    Map<String, ClusterView> clusters = views.all();
    return StatusReport.build(cache.view(), clusters, new PublishedSeries(snapshots.collect()), history,
        clock.instant(), version);
  }

  /** The page with the current report inside it (blocking). */
  String html() {
    // "<" only occurs inside JSON strings, where \u003c means the same; "</script" or "<!--" in a
    // target name then cannot end or bend the data block
    String json = report().encode().replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026");
    return page.replace(DATA_MARKER,
        "<script type=\"application/json\" id=\"initial-data\">" + json + "</script>");
  }

  void servePage(Vertx vertx, HttpServerRequest req) {
    vertx.executeBlocking(this::html, false).onComplete(ar -> {
      if (ar.failed()) {
        fail(req, ar.cause());
        return;
      }
      headers(req, "text/html; charset=utf-8").putHeader("Content-Security-Policy", csp).end(ar.result());
    });
  }

  void serveJson(Vertx vertx, HttpServerRequest req) {
    vertx.executeBlocking(() -> report().encodePrettily(), false).onComplete(ar -> {
      if (ar.failed()) {
        fail(req, ar.cause());
        return;
      }
      headers(req, "application/json").end(ar.result());
    });
  }

  String contentSecurityPolicy() {
    return csp;
  }

  private static io.vertx.core.http.HttpServerResponse headers(HttpServerRequest req, String type) {
    return req.response()
        .putHeader("Content-Type", type)
        .putHeader("Cache-Control", "no-store")
        .putHeader("X-Content-Type-Options", "nosniff")
        .putHeader("Referrer-Policy", "no-referrer")
        .putHeader("X-Frame-Options", "DENY");
  }

  private static void fail(HttpServerRequest req, Throwable cause) {
    req.response().setStatusCode(500).putHeader("Content-Type", "text/plain; charset=utf-8")
        .end("status report failed: " + cause.getMessage() + "\n");
  }

  private static String load() {
    try (InputStream in = StatusPage.class.getResourceAsStream(RESOURCE)) {
      if (in == null) {
        throw new IllegalStateException("status page resource " + RESOURCE + " missing from the jar");
      }
      String html = new String(in.readAllBytes(), StandardCharsets.UTF_8);
      if (!html.contains(DATA_MARKER)) {
        throw new IllegalStateException("status page resource has no " + DATA_MARKER);
      }
      return html;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** CSP source list: the SHA-256 of every inline {@code <tag>} body (the JSON data block is not run). */
  static String hashes(String html, String tag) {
    Matcher m = Pattern.compile("<" + tag + "(?![^>]*application/json)[^>]*>(.*?)</" + tag + ">", Pattern.DOTALL)
        .matcher(html);
    StringBuilder b = new StringBuilder();
    while (m.find()) {
      try {
        byte[] d = MessageDigest.getInstance("SHA-256").digest(m.group(1).getBytes(StandardCharsets.UTF_8));
        b.append(b.length() == 0 ? "" : " ").append("'sha256-").append(Base64.getEncoder().encodeToString(d))
            .append('\'');
      } catch (NoSuchAlgorithmException e) {
        throw new IllegalStateException(e);
      }
    }
    return b.length() == 0 ? "'none'" : b.toString();
  }
}
