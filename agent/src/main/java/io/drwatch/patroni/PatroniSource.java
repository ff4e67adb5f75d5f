package io.drwatch.patroni;

import io.drwatch.config.PatroniSettings;
import io.drwatch.patroni.PatroniJson.ClusterMember;
import io.drwatch.patroni.PatroniJson.ClusterReport;
import io.drwatch.patroni.PatroniJson.DcsConfig;
import io.drwatch.patroni.PatroniJson.HistoryEntry;
import io.drwatch.patroni.PatroniJson.MemberStatus;
import java.net.URI;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Polls one cluster's Patroni members: {@code /cluster} and {@code /patroni} from every known
 * member at once, then {@code /history} and {@code /config} from one that answered. Members
 * listed in {@code /cluster} are added to the configured ones when discovery is on. Blocking,
 * bounded by about twice the timeout; runs on the sampler's schedule, never on a scrape.
 */
final class PatroniSource {

  private static final Logger LOG = LoggerFactory.getLogger(PatroniSource.class);

  private final PatroniSettings settings;
  private final PatroniClient client;
  private final Clock clock;
  /** Member name by REST API base URL, learned from {@code /cluster}. */
  private final Map<URI, String> names = new HashMap<>();
  private final Set<URI> discovered = new LinkedHashSet<>();
  private final Map<String, String> reportedErrors = new HashMap<>();

  PatroniSource(PatroniSettings settings, Clock clock) {
    this.settings = settings;
    this.client = new PatroniClient(settings);
    this.clock = clock;
  }

  PatroniSettings settings() {
    return settings;
  }

  synchronized PatroniPoll poll() {
    Instant at = clock.instant();
    long t0 = System.nanoTime();
    List<URI> apis = new ArrayList<>(settings.members());
    for (URI u : discovered) {
      if (!apis.contains(u)) {
        apis.add(u);
      }
    }
    Map<URI, CompletableFuture<String>> clusterCalls = new LinkedHashMap<>();
    Map<URI, CompletableFuture<String>> statusCalls = new LinkedHashMap<>();
    for (URI u : apis) {
      clusterCalls.put(u, client.get(u, "/cluster"));
      statusCalls.put(u, client.get(u, "/patroni"));
    }
    ClusterReport report = null;
    URI answered = null;
    Map<URI, String> errors = new LinkedHashMap<>();
    for (Map.Entry<URI, CompletableFuture<String>> e : clusterCalls.entrySet()) {
      try {
        ClusterReport r = PatroniJson.cluster(await(e.getValue()));
        if (report == null) {
          report = r;
          answered = e.getKey();
        }
      } catch (PatroniClient.Failure | IllegalArgumentException ex) {
        errors.putIfAbsent(e.getKey(), ex.getMessage());
      }
    }
    if (report != null) {
      learn(report);
    }
    Map<String, MemberStatus> statuses = new LinkedHashMap<>();
    Map<String, String> memberErrors = new LinkedHashMap<>();
    for (Map.Entry<URI, CompletableFuture<String>> e : statusCalls.entrySet()) {
      String name = nameOf(e.getKey());
      try {
        statuses.put(name, PatroniJson.member(await(e.getValue())));
      } catch (PatroniClient.Failure | IllegalArgumentException ex) {
        memberErrors.put(name, ex.getMessage());
      }
    }
    for (Map.Entry<URI, String> e : errors.entrySet()) {
      // A member that answers /patroni but not /cluster cannot read the DCS.
      memberErrors.putIfAbsent(nameOf(e.getKey()), e.getValue());
    }
    List<HistoryEntry> history = null;
    DcsConfig config = null;
    if (answered != null) {
      try {
        history = PatroniJson.history(await(client.get(answered, "/history")));
        config = PatroniJson.config(await(client.get(answered, "/config")));
      } catch (PatroniClient.Failure | IllegalArgumentException ex) {
        memberErrors.putIfAbsent(nameOf(answered), ex.getMessage());
      }
    }
    Map<String, URI> byName = new LinkedHashMap<>();
    for (URI u : apis) {
      byName.put(nameOf(u), u);
    }
    report(memberErrors);
    return new PatroniPoll(at, (System.nanoTime() - t0) / 1e9, byName, report, statuses, memberErrors,
        history, config);
  }

  /** Names from {@code /cluster}; with discovery on, its members join the polled ones. */
  private void learn(ClusterReport report) {
    for (ClusterMember m : report.members()) {
      URI base = base(m.apiUrl());
      if (base == null) {
        continue;
      }
      names.put(base, m.name());
      if (settings.discover() && !settings.members().contains(base) && discovered.add(base)) {
        LOG.info("patroni {}: discovered member {} at {}", settings.cluster(), m.name(), base);
      }
    }
  }

  private String nameOf(URI u) {
    return names.getOrDefault(u, u.getHost() + ":" + u.getPort());
  }

  /** {@code http://10.0.0.1:8008/patroni} → {@code http://10.0.0.1:8008}. */
  static URI base(String apiUrl) {
    if (apiUrl == null) {
      return null;
    }
    try {
      URI u = new URI(apiUrl);
      if (u.getHost() == null || u.getScheme() == null) {
        return null;
      }
      int port = u.getPort() > 0 ? u.getPort() : ("https".equals(u.getScheme()) ? 443 : 80);
      return new URI(u.getScheme(), null, u.getHost(), port, null, null, null);
    } catch (java.net.URISyntaxException e) {
      return null;
    }
  }

  private String await(CompletableFuture<String> f) throws PatroniClient.Failure {
    try {
      return f.get(settings.timeout().toMillis() + 1000, TimeUnit.MILLISECONDS);
    } catch (ExecutionException e) {
      throw new PatroniClient.Failure(PatroniClient.reason(e.getCause()));
    } catch (TimeoutException e) {
      f.cancel(true);
      throw new PatroniClient.Failure("no answer within the timeout");
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new PatroniClient.Failure("interrupted");
    }
  }

  /** One line per member when its error starts or changes, one when it recovers. */
  private void report(Map<String, String> errors) {
    for (Map.Entry<String, String> e : errors.entrySet()) {
      if (!e.getValue().equals(reportedErrors.put(e.getKey(), e.getValue()))) {
        LOG.warn("patroni {}: member {}: {}", settings.cluster(), e.getKey(), e.getValue());
      }
    }
    reportedErrors.keySet().removeIf(name -> {
      if (!errors.containsKey(name)) {
        LOG.info("patroni {}: member {} answers again", settings.cluster(), name);
        return true;
      }
      return false;
    });
  }
}
