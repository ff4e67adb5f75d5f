package io.drwatch.cluster;

import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * A cluster's {@link ClusterView} joined with its members' samples: the writer whose samples the
 * RPO layers read, and the standbys that could be promoted. Who is primary is the view's
 * decision; this only finds the members it names.
 */
record Topology(ClusterView view, Member writer, List<Member> standbys) {

  /** The members of one cluster (all with the same {@code cluster} label). */
  static Topology of(List<Member> members) {
    String cluster = members.isEmpty() ? "" : members.get(0).status().cluster();
    Map<String, Member> byTarget = new HashMap<>();
    members.forEach(m -> byTarget.put(m.target(), m));
    ClusterView view = ClusterView.of(cluster, members.stream().map(Member::status).toList());
    Member writer = view.primary() == null ? null : byTarget.get(view.primary());
    List<Member> standbys = view.promotable().stream().map(s -> byTarget.get(s.target())).toList();
    return new Topology(view, writer, standbys);
  }

  boolean probed() {
    return view.probed();
  }

  int primaries() {
    return view.primaries();
  }

  int inRecovery() {
    return view.inRecovery();
  }

  int systemIdentifiers() {
    return view.systemIdentifiers();
  }

  Long highestTimeline() {
    return view.highestTimeline();
  }

  Long lowestTimeline() {
    return view.lowestTimeline();
  }
}
