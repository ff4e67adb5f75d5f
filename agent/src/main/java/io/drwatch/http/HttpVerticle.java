package io.drwatch.http;

import io.drwatch.cluster.ClusterViews;
import io.drwatch.config.HttpSettings;
import io.drwatch.sample.CollectorResult;
import io.drwatch.sample.SampleCache;
import io.drwatch.sample.TargetStatus;
import io.drwatch.target.ServerInfo;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.WorkerExecutor;
import io.vertx.core.json.JsonArray;
import io.vertx.core.net.ServerSSLOptions;
import io.vertx.core.json.JsonObject;
import java.util.function.BooleanSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * /metrics (from the cache only; text, OpenMetrics or protobuf by Accept, gzip by
 * Accept-Encoding), /healthz, /readyz, /api/targets, and the status page (/ and /api/clusters,
 * {@link StatusPage}). Nothing here touches a database.
 */
public final class HttpVerticle extends VerticleBase {

  private static final Logger LOG = LoggerFactory.getLogger(HttpVerticle.class);

  private final HttpSettings settings;
  private final SampleCache cache;
  private final ExpositionCache exposition;
  private final BooleanSupplier ready;
  /** Whether /metrics was rendered once since start (see {@link #warm()}). */
  private volatile boolean warmed;
  private final RoutingHandler routing;
  private final StatusPage status;
  private HttpServer server;
  private final BasicAuth basicAuth;
  private WorkerExecutor authWorker;
  private long tlsTimer = -1;
  private TlsFiles.Stamp tlsStamp;

  public HttpVerticle(HttpSettings settings, SampleCache cache, CacheSnapshots snapshots,
      BooleanSupplier ready) {
    this(settings, cache, snapshots, ready, null, new ClusterViews(cache));
  }

  /**
   * @param routing /primary, /replica and /read (null: not served)
   * @param views the cluster package's published views, for the status page
   */
  public HttpVerticle(HttpSettings settings, SampleCache cache, CacheSnapshots snapshots,
      BooleanSupplier ready, RoutingHandler routing, ClusterViews views) {
    this.settings = settings;
    this.cache = cache;
    this.ready = ready;
    this.routing = routing;
    this.exposition = new ExpositionCache(snapshots);
    this.status = new StatusPage(cache, views, snapshots, java.time.Clock.systemUTC());
    this.basicAuth = settings.basicAuth() == null ? null : new BasicAuth(settings.basicAuth());
  }

  @Override
  public Future<?> start() {
    HttpServerOptions options = new HttpServerOptions()
        .setHost(settings.host())
        .setPort(settings.port())
        .setCompressionSupported(true)
        .setIdleTimeout(60);
    HttpSettings.Tls tls = settings.tls();
    if (tls != null) {
      tlsStamp = TlsFiles.stamp(tls);
      options.setSsl(true)
          .setKeyCertOptions(TlsFiles.keyCert(tls))
          .setEnabledSecureTransportProtocols(TlsFiles.PROTOCOLS);
    }
    if (basicAuth != null) {
      // One thread: a flood of wrong passwords costs one core at most, never the event loop.
      authWorker = vertx.createSharedWorkerExecutor("drwatch-basic-auth", 1);
    }
    return vertx.createHttpServer(options)
        .requestHandler(this::authorize)
        .listen()
        .onSuccess(s -> {
          server = s;
          status.start(vertx);
          if (tls != null) {
            tlsTimer = vertx.setPeriodic(tls.reloadInterval().toMillis(), id -> reloadTls(tls));
          }
        });
  }

  @Override
  public Future<?> stop() {
    status.stop(vertx);
    if (tlsTimer >= 0) {
      vertx.cancelTimer(tlsTimer);
    }
    if (authWorker != null) {
      authWorker.close();
    }
    return server == null ? Future.succeededFuture() : server.close();
  }

  /** Re-reads the certificate and key when either file changed; a bad pair keeps the old one. */
  private void reloadTls(HttpSettings.Tls tls) {
    TlsFiles.Stamp now = TlsFiles.stamp(tls);
    if (now.equals(tlsStamp) || server == null) {
      return;
    }
    tlsStamp = now;
    server.updateSSLOptions(new ServerSSLOptions()
            .setKeyCertOptions(TlsFiles.keyCert(tls))
            .setEnabledSecureTransportProtocols(TlsFiles.PROTOCOLS), true)
        .onSuccess(updated -> LOG.info("TLS certificate reloaded from {}", tls.certFile()))
        .onFailure(e -> LOG.warn("TLS certificate {} / key {} not reloaded, keeping the previous one: {}",
            tls.certFile(), tls.keyFile(), e.getMessage()));
  }

  /** Basic auth (when configured) in front of every path but the open ones. */
  private void authorize(HttpServerRequest req) {
    if (basicAuth == null || settings.basicAuth().openPaths().contains(req.path())) {
      handle(req);
      return;
    }
    String header = req.getHeader("Authorization");
    if (basicAuth.cached(header)) {
      handle(req);
      return;
    }
    if (header == null) {
      unauthorized(req);
      return;
    }
    authWorker.executeBlocking(() -> basicAuth.verify(header), false).onComplete(ar -> {
      if (ar.succeeded() && ar.result()) {
        handle(req);
      } else {
        unauthorized(req);
      }
    });
  }

  private static void unauthorized(HttpServerRequest req) {
    req.response().putHeader("WWW-Authenticate", BasicAuth.CHALLENGE);
    text(req, 401, "unauthorized\n");
  }

  /** The port actually bound (useful with port 0). */
  public int actualPort() {
    return server.actualPort();
  }

  private void handle(HttpServerRequest req) {
    if (req.method() != HttpMethod.GET && req.method() != HttpMethod.HEAD) {
      req.response().setStatusCode(405).putHeader("Allow", "GET, HEAD").end();
      return;
    }
    switch (req.path()) {
      case "/metrics" -> metrics(req);
      case "/healthz" -> text(req, 200, "ok\n");
      case "/readyz" -> {
        if (!ready.getAsBoolean()) {
          text(req, 503, "first round of samples not done yet\n");
        } else if (warmed) {
          text(req, 200, "ready\n");
        } else {
          warm().onComplete(ar -> text(req, 200, "ready\n"));
        }
      }
      case "/api/targets" -> req.response()
          .putHeader("Content-Type", "application/json")
          .end(targetsJson().encodePrettily());
      case "/" -> status.servePage(vertx, req);
      case "/api/clusters" -> status.serveJson(vertx, req);
      default -> {
        if (routing != null && routing.handles(req.path())) {
          routing.handle(req);
        } else {
          text(req, 404, "not found\n");
        }
      }
    }
  }

  /**
   * Renders /metrics once in the formats scrapers ask for most (Prometheus text, plain and gzip;
   * OpenMetrics gzip), off the event loop, before /readyz first answers 200: the first scrapes
   * after start were several times slower than the steady state (p99 9.3 ms against a 2.5 ms
   * median over the first minute) while the encoders warmed up. Also called when the first round
   * completes, so that nobody has to ask /readyz for it.
   */
  public Future<Void> warm() {
    if (warmed || vertx == null) {
      return Future.succeededFuture();
    }
    return vertx.executeBlocking(() -> {
      exposition.body("text/plain; version=0.0.4", false);
      exposition.body("text/plain; version=0.0.4", true);
      exposition.body("application/openmetrics-text; version=1.0.0", true);
      warmed = true;
      return null;
    }, false).recover(e -> {
      warmed = true; // a failing render is /metrics' to report, not readiness'
      return Future.succeededFuture();
    }).mapEmpty();
  }

  /** How many bodies the exposition has encoded (tests). */
  long renders() {
    return exposition.renders();
  }

  private void metrics(HttpServerRequest req) {
    String accept = req.getHeader("Accept");
    boolean gzip = acceptsGzip(req.getHeader("Accept-Encoding"));
    vertx.executeBlocking(() -> exposition.body(accept, gzip), false).onComplete(ar -> {
      if (ar.failed()) {
        text(req, 500, "exposition failed: " + ar.cause().getMessage() + "\n");
        return;
      }
      ExpositionCache.Body b = ar.result();
      req.response().putHeader("Content-Type", b.contentType());
      if (b.gzip()) {
        // already compressed (and cached so): a Content-Encoding header makes Vert.x pass it through
        req.response().putHeader("Content-Encoding", "gzip");
      }
      req.response().putHeader("Vary", "Accept, Accept-Encoding").end(Buffer.buffer(b.body()));
    });
  }

  /** True when Accept-Encoding lists gzip with a non-zero quality. */
  static boolean acceptsGzip(String acceptEncoding) {
    if (acceptEncoding == null) {
      return false;
    }
    for (String part : acceptEncoding.split(",")) {
      String[] p = part.trim().split(";");
      String coding = p[0].trim();
      if (!coding.equalsIgnoreCase("gzip") && !coding.equals("*")) {
        continue;
      }
      for (int i = 1; i < p.length; i++) {
        String q = p[i].trim();
        if (q.startsWith("q=")) {
          try {
            return Double.parseDouble(q.substring(2)) > 0;
          } catch (NumberFormatException e) {
            return false;
          }
        }
      }
      return true;
    }
    return false;
  }

  private JsonObject targetsJson() {
    SampleCache.View view = cache.view();
    JsonArray targets = new JsonArray();
    for (TargetStatus t : view.targets()) {
      JsonObject o = new JsonObject()
          .put("name", t.name())
          .put("cluster", t.cluster())
          .put("labels", new JsonObject(new java.util.TreeMap<>(t.labels())))
          .put("url", t.url())
          .put("up", t.up())
          .put("last_probe", t.lastProbeAt() == null ? null : t.lastProbeAt().toString())
          .put("last_up", t.lastUpAt() == null ? null : t.lastUpAt().toString())
          .put("last_error", t.lastError())
          .put("open_connections", t.openConnections());
      ServerInfo s = t.server();
      if (s != null) {
        o.put("flavor", s.flavor().label())
            .put("version", s.version())
            .put("version_num", s.versionNum())
            .put("role", s.role())
            .put("timeline", s.timeline())
            .put("system_identifier", s.systemIdentifier())
            .put("service", s.managed().label())
            .put("service_version", s.managedVersion());
        if (s.cockroach() != null) {
          o.put("cockroach", new JsonObject()
              .put("node_id", s.cockroach().nodeId())
              .put("cluster_id", s.cockroach().clusterId())
              .put("build_tag", s.cockroach().buildTag())
              .put("allow_unsafe_internals_configured", s.cockroach().allowUnsafeInternalsConfigured())
              .put("internals_access", s.cockroach().access().label()));
        }
      }
      JsonArray collectors = new JsonArray();
      for (CollectorResult r : view.results()) {
        if (r.target().equals(t.name())) {
          collectors.add(new JsonObject()
              .put("name", r.collector())
              .put("success", r.success())
              .put("last_run", r.finishedAt().toString())
              .put("last_success", r.lastSuccessAt() == null ? null : r.lastSuccessAt().toString())
              .put("duration_seconds", r.durationSeconds())
              .put("series", r.samples().size())
              .put("error", r.error()));
        }
      }
      o.put("collectors", collectors);
      targets.add(o);
    }
    return new JsonObject().put("targets", targets);
  }

  private static void text(HttpServerRequest req, int status, String body) {
    req.response().setStatusCode(status).putHeader("Content-Type", "text/plain; charset=utf-8").end(body);
  }
}
