package io.drwatch.config;

import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * One cluster's Patroni source: the members' REST API addresses (or one to discover the others
 * from), how to reach them and how often.
 *
 * @param cluster the drwatch cluster (targets' {@code labels.cluster}) this Patroni scope manages
 * @param members REST API base URLs, e.g. {@code http://10.0.0.1:8008}
 * @param discover whether members listed in {@code /cluster} join the configured ones
 * @param caFile PEM CA bundle to verify the REST API's certificate, or null (system trust)
 * @param username basic auth user, or null for none
 * @param password basic auth password, or null
 * @param maxPause how long maintenance mode may last before it alerts
 * @param memberTargets Patroni member name to drwatch target name, where neither the name nor
 *     host:port matches
 */
public record PatroniSettings(String cluster, List<URI> members, boolean discover, Duration interval,
    Duration timeout, String caFile, String username, Secret password, Duration maxPause,
    Map<String, String> memberTargets) {

  public static final Duration DEFAULT_MAX_PAUSE = Duration.ofMinutes(15);

  public PatroniSettings {
    members = List.copyOf(members);
    memberTargets = Map.copyOf(memberTargets);
  }
}
