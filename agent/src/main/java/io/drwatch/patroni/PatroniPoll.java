package io.drwatch.patroni;

import io.drwatch.patroni.PatroniJson.ClusterReport;
import io.drwatch.patroni.PatroniJson.DcsConfig;
import io.drwatch.patroni.PatroniJson.HistoryEntry;
import io.drwatch.patroni.PatroniJson.MemberStatus;
import java.net.URI;
import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * One poll of a cluster's Patroni members, immutable. {@code report}, {@code history} and
 * {@code config} come from the first member that could answer them (they are the DCS's view, the
 * same on every member) and are null when none could; {@code statuses} holds each member's own
 * {@code /patroni}, {@code errors} why a member did not answer.
 *
 * @param apis each known member's REST API base URL, by member name
 */
record PatroniPoll(Instant at, double durationSeconds, Map<String, URI> apis, ClusterReport report,
    Map<String, MemberStatus> statuses, Map<String, String> errors, List<HistoryEntry> history,
    DcsConfig config) {

  PatroniPoll {
    apis = Map.copyOf(apis);
    statuses = Map.copyOf(statuses);
    errors = Map.copyOf(errors);
    history = history == null ? null : List.copyOf(history);
  }

  /** Some member's REST API answered with the DCS's view. */
  boolean up() {
    return report != null;
  }
}
