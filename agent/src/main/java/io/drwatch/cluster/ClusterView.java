package io.drwatch.cluster;

import io.drwatch.sample.TargetStatus;
import io.drwatch.target.ServerInfo;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * One cluster as the agent sees it from its last probes: who answers in which role, which server
 * is the primary, and whether there is split brain. This is the one place those are decided; the
 * cluster series ({@code drwatch_cluster_primaries} …), the routing endpoints and the status page
 * all read it. Servers are counted, not targets: two targets that reach the same server (a writer
 * endpoint through a proxy or VIP and the member behind it) share system identifier and postmaster
 * start time, and count once.
 *
 * @param cluster the {@code cluster} label
 * @param probed whether every member has been probed at least once; until then (agent start) the
 *     cluster is not judged, so a member not yet probed never reads as missing
 * @param members every target of the cluster, by name
 * @param primaries the most distinct servers not in recovery that share one system identifier (a
 *     primary of an unrelated database under the same cluster label is not split brain)
 * @param inRecovery distinct reachable servers in recovery
 * @param primary the target that reaches the one primary server (first by name when several reach
 *     it), or null when no server, or more than one, is out of recovery
 * @param splitBrain more than one primary server of one system identifier
 * @param systemIdentifiers distinct system identifiers among reachable members
 */
public record ClusterView(String cluster, boolean probed, List<MemberState> members, int primaries,
    int inRecovery, String primary, boolean splitBrain, int systemIdentifiers, Long highestTimeline, Long lowestTimeline) {

  /** What a member is right now, from its last probe. */
  public enum Role {
    PRIMARY, STANDBY, COCKROACHDB, DOWN, NOT_PROBED
  }

  /**
   * One target of the cluster.
   *
   * @param server which server it reaches ({@code systemid@postmaster-start}), shared by targets
   *     that reach the same one; {@code target:NAME} when unknown or down
   * @param status the target's last probe as the cache holds it (version, timeline, last error)
   */
  public record MemberState(String target, Role role, String server, TargetStatus status) {}

  public ClusterView {
    members = List.copyOf(members);
  }

  /** The view of one cluster's targets (all of the same {@code cluster} label). */
  public static ClusterView of(String cluster, List<TargetStatus> targets) {
    List<MemberState> members = new ArrayList<>();
    Map<String, MemberState> distinct = new LinkedHashMap<>();
    for (TargetStatus t : targets.stream().sorted(Comparator.comparing(TargetStatus::name)).toList()) {
      MemberState m = new MemberState(t.name(), role(t), serverKey(t), t);
      members.add(m);
      if (m.role() == Role.PRIMARY || m.role() == Role.STANDBY) {
        distinct.putIfAbsent(m.server(), m);
      }
    }
    Map<String, Integer> primariesBySystem = new HashMap<>();
    List<MemberState> primaryServers = new ArrayList<>();
    Long highest = null;
    Long lowest = null;
    for (MemberState m : distinct.values()) {
      ServerInfo s = m.status().server();
      if (m.role() == Role.PRIMARY) {
        primaryServers.add(m);
        primariesBySystem.merge(String.valueOf(s.systemIdentifier()), 1, Integer::sum);
      }
      if (s.timeline() != null) {
        highest = highest == null ? s.timeline() : Math.max(highest, s.timeline());
        lowest = lowest == null ? s.timeline() : Math.min(lowest, s.timeline());
      }
    }
    int systems = (int) distinct.values().stream().map(m -> m.status().server().systemIdentifier())
        .filter(Objects::nonNull).distinct().count();
    int primaries = primariesBySystem.values().stream().mapToInt(Integer::intValue).max().orElse(0);
    String primary = primaryServers.size() == 1 ? primaryServers.get(0).target() : null;
    boolean probed = targets.stream().allMatch(t -> t.lastProbeAt() != null);
    int inRecovery = (int) distinct.values().stream().filter(m -> m.role() == Role.STANDBY).count();
    return new ClusterView(cluster, probed, members, primaries, inRecovery, primary, primaries > 1, systems,
        highest, lowest);
  }

  public Optional<MemberState> member(String target) {
    return members.stream().filter(m -> m.target().equals(target)).findFirst();
  }

  /**
   * One target per distinct server in recovery (the first by name when several reach it), of the
   * primary's system when there is one primary: the standbys that could be promoted.
   */
  public List<MemberState> promotable() {
    String system = primary == null ? null : member(primary).orElseThrow().status().server().systemIdentifier();
    Map<String, MemberState> distinct = new LinkedHashMap<>();
    for (MemberState m : members) {
      if (m.role() == Role.STANDBY
          && (primary == null || Objects.equals(system, m.status().server().systemIdentifier()))) {
        distinct.putIfAbsent(m.server(), m);
      }
    }
    return List.copyOf(distinct.values());
  }

  /**
   * The targets that reach the server a session elsewhere (an endpoint) identified by its system
   * identifier and postmaster start time, by name; empty when it is none of the members'.
   */
  public List<String> serving(String systemIdentifier, Double postmasterStartSeconds) {
    if (systemIdentifier == null || postmasterStartSeconds == null) {
      return List.of();
    }
    String server = serverKey(systemIdentifier, postmasterStartSeconds);
    return members.stream().filter(m -> m.server().equals(server)).map(MemberState::target).toList();
  }

  /** The targets that reach the same server as this one (itself included), by name. */
  public List<String> sameServer(String target) {
    String server = member(target).map(MemberState::server).orElse(null);
    return members.stream().filter(m -> m.server().equals(server)).map(MemberState::target).toList();
  }

  /**
   * The targets that reach another primary server of the same system identifier as this target's
   * server: empty unless this target is a primary in split brain.
   */
  public List<String> otherPrimaries(String target) {
    MemberState self = member(target).orElse(null);
    if (self == null || self.role() != Role.PRIMARY) {
      return List.of();
    }
    String system = self.status().server().systemIdentifier();
    return members.stream()
        .filter(m -> m.role() == Role.PRIMARY && !m.server().equals(self.server()))
        .filter(m -> system != null && system.equals(m.status().server().systemIdentifier()))
        .map(MemberState::target).toList();
  }

  private static Role role(TargetStatus t) {
    if (t.lastProbeAt() == null) {
      return Role.NOT_PROBED;
    }
    ServerInfo s = t.up() ? t.server() : null;
    if (s == null) {
      return Role.DOWN;
    }
    if (!s.isPostgres()) {
      return Role.COCKROACHDB;
    }
    return s.inRecovery() ? Role.STANDBY : Role.PRIMARY;
  }

  private static String serverKey(TargetStatus t) {
    ServerInfo s = t.up() ? t.server() : null;
    if (s == null || s.systemIdentifier() == null || s.postmasterStartSeconds() == null) {
      return "target:" + t.name();
    }
    return serverKey(s.systemIdentifier(), s.postmasterStartSeconds());
  }

  /** A running server: its system identifier and when its postmaster started. */
  private static String serverKey(String systemIdentifier, Double postmasterStartSeconds) {
    return systemIdentifier + "@" + postmasterStartSeconds;
  }
}
