package io.drwatch.cluster;

import io.drwatch.target.ServerInfo;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Who is who in a cluster right now, from the probes: distinct reachable PostgreSQL servers,
 * their roles, system identifiers and timelines.
 *
 * @param probed whether every member has been probed at least once; until then (agent start) the
 *     cluster is not judged, so a member not yet probed never reads as missing
 * @param primaries the most servers not in recovery that share one system identifier (a primary
 *     of an unrelated database in the same cluster label is not split brain)
 * @param writer the one primary when exactly one distinct server is not in recovery, else null;
 *     the RPO layers are measured against it
 * @param standbys distinct reachable standbys that could be promoted (of the writer's database
 *     when there is a writer)
 */
record Topology(boolean probed, int primaries, int inRecovery, int systemIdentifiers, Long highestTimeline,
    Long lowestTimeline, Member writer, List<Member> standbys) {

  static Topology of(List<Member> members) {
    Map<String, Member> distinct = new LinkedHashMap<>();
    members.stream()
        .filter(Member::isUpPostgres)
        .sorted(Comparator.comparing(Member::target))
        .forEach(m -> distinct.putIfAbsent(m.serverKey(), m));
    Map<String, Integer> primariesBySystem = new HashMap<>();
    List<Member> primaryServers = new ArrayList<>();
    List<Member> standbyServers = new ArrayList<>();
    Long highest = null;
    Long lowest = null;
    for (Member m : distinct.values()) {
      ServerInfo s = m.server();
      if (s.inRecovery()) {
        standbyServers.add(m);
      } else {
        primaryServers.add(m);
        primariesBySystem.merge(String.valueOf(s.systemIdentifier()), 1, Integer::sum);
      }
      if (s.timeline() != null) {
        highest = highest == null ? s.timeline() : Math.max(highest, s.timeline());
        lowest = lowest == null ? s.timeline() : Math.min(lowest, s.timeline());
      }
    }
    int systems = (int) distinct.values().stream().map(m -> m.server().systemIdentifier())
        .filter(Objects::nonNull).distinct().count();
    int primaries = primariesBySystem.values().stream().mapToInt(Integer::intValue).max().orElse(0);
    Member writer = primaryServers.size() == 1 ? primaryServers.get(0) : null;
    List<Member> candidates = writer == null ? standbyServers : standbyServers.stream()
        .filter(m -> Objects.equals(m.server().systemIdentifier(), writer.server().systemIdentifier()))
        .toList();
    boolean probed = members.stream().allMatch(m -> m.status().lastProbeAt() != null);
    return new Topology(probed, primaries, standbyServers.size(), systems, highest, lowest, writer,
        List.copyOf(candidates));
  }
}
