package io.drwatch.patroni;

import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Patroni 3.0's REST API answers, as records. The shapes follow {@code patroni/utils.py
 * cluster_as_json} ({@code /cluster}), {@code api.py get_postgresql_status} ({@code /patroni}),
 * the DCS history ({@code /history}) and the dynamic configuration ({@code /config}). Fields
 * Patroni leaves out are null, never a made-up zero.
 */
final class PatroniJson {

  private PatroniJson() {}

  /** A member as the DCS describes it ({@code /cluster}). */
  record ClusterMember(String name, String role, String state, String apiUrl, String host, Integer port,
      Long timeline, Long lagBytes, boolean pendingRestart, Instant scheduledRestartAt, boolean noFailover) {

    boolean leader() {
      return "leader".equals(role) || "standby_leader".equals(role);
    }

    boolean syncStandby() {
      return "sync_standby".equals(role);
    }

    boolean running() {
      return "running".equals(state);
    }
  }

  /** {@code GET /cluster}: the DCS view every member serves alike. */
  record ClusterReport(List<ClusterMember> members, boolean paused, Instant scheduledSwitchoverAt) {

    ClusterReport {
      members = List.copyOf(members);
    }

    ClusterMember leader() {
      return members.stream().filter(ClusterMember::leader).findFirst().orElse(null);
    }
  }

  /** A walsender as the member's own {@code /patroni} lists it. */
  record Replication(String applicationName, String state, String syncState) {}

  /** {@code GET /patroni}: one member's own status. */
  record MemberStatus(String state, boolean primary, Long timeline, Double dcsLastSeenSeconds,
      boolean failsafeActive, boolean clusterUnlocked, boolean pendingRestart, boolean syncStandby,
      String systemIdentifier, String version, String scope, List<Replication> replication) {

    MemberStatus {
      replication = List.copyOf(replication);
    }
  }

  /** One line of {@code /history}: the timeline that ended, where, why, when and who promoted. */
  record HistoryEntry(long timeline, Long lsn, String reason, Instant at, String newLeader) {}

  /** The parts of the dynamic configuration ({@code /config}) the checks need. */
  record DcsConfig(boolean synchronousMode, boolean synchronousModeStrict, boolean failsafeMode,
      Long ttlSeconds, Long loopWaitSeconds) {}

  static ClusterReport cluster(String body) {
    JsonObject o = object(body, "/cluster");
    List<ClusterMember> members = new ArrayList<>();
    JsonArray arr = o.getJsonArray("members", new JsonArray());
    for (int i = 0; i < arr.size(); i++) {
      JsonObject m = arr.getJsonObject(i);
      JsonObject tags = m.getJsonObject("tags", new JsonObject());
      JsonObject restart = m.getJsonObject("scheduled_restart");
      Object lag = m.getValue("lag");
      members.add(new ClusterMember(m.getString("name"), m.getString("role"), m.getString("state", ""),
          m.getString("api_url"), m.getString("host"), m.getInteger("port"), m.getLong("timeline"),
          lag instanceof Number n ? Long.valueOf(n.longValue()) : null, m.getBoolean("pending_restart", false),
          restart == null ? null : time(restart.getString("schedule")), truthy(tags.getValue("nofailover"))));
    }
    JsonObject sw = o.getJsonObject("scheduled_switchover");
    return new ClusterReport(members, o.getBoolean("pause", false), sw == null ? null : time(sw.getString("at")));
  }

  static MemberStatus member(String body) {
    JsonObject o = object(body, "/patroni");
    String role = o.getString("role", "");
    List<Replication> rep = new ArrayList<>();
    JsonArray arr = o.getJsonArray("replication", new JsonArray());
    for (int i = 0; i < arr.size(); i++) {
      JsonObject r = arr.getJsonObject(i);
      rep.add(new Replication(r.getString("application_name"), r.getString("state"), r.getString("sync_state")));
    }
    JsonObject patroni = o.getJsonObject("patroni", new JsonObject());
    Number seen = o.getNumber("dcs_last_seen");
    return new MemberStatus(o.getString("state", ""), role.equals("master") || role.equals("primary"),
        o.getLong("timeline"), seen == null || seen.doubleValue() <= 0 ? null : seen.doubleValue(),
        o.getBoolean("failsafe_mode_is_active", false), o.getBoolean("cluster_unlocked", false),
        o.getBoolean("pending_restart", false), o.getBoolean("sync_standby", false),
        o.getString("database_system_identifier"), patroni.getString("version"), patroni.getString("scope"), rep);
  }

  static List<HistoryEntry> history(String body) {
    JsonArray arr;
    try {
      arr = new JsonArray(body);
    } catch (DecodeException | ClassCastException e) {
      throw new IllegalArgumentException("/history is not a JSON array");
    }
    List<HistoryEntry> out = new ArrayList<>();
    for (int i = 0; i < arr.size(); i++) {
      if (!(arr.getValue(i) instanceof JsonArray line) || line.isEmpty() || !(line.getValue(0) instanceof Number tl)) {
        continue; // not a timeline line: ignore rather than guess
      }
      out.add(new HistoryEntry(tl.longValue(),
          line.size() > 1 && line.getValue(1) instanceof Number lsn ? lsn.longValue() : null,
          line.size() > 2 ? String.valueOf(line.getValue(2)) : null,
          line.size() > 3 && line.getValue(3) instanceof String at ? time(at) : null,
          line.size() > 4 && line.getValue(4) instanceof String who ? who : null));
    }
    return out;
  }

  static DcsConfig config(String body) {
    JsonObject o = object(body, "/config");
    Object sync = o.getValue("synchronous_mode");
    return new DcsConfig(truthy(sync), truthy(o.getValue("synchronous_mode_strict")),
        truthy(o.getValue("failsafe_mode")), number(o.getValue("ttl")), number(o.getValue("loop_wait")));
  }

  private static JsonObject object(String body, String path) {
    try {
      return new JsonObject(body);
    } catch (DecodeException | ClassCastException e) {
      throw new IllegalArgumentException(path + " is not a JSON object");
    }
  }

  /** Patroni accepts booleans, "on"/"true" strings and numbers for its switches. */
  static boolean truthy(Object v) {
    if (v instanceof Boolean b) {
      return b;
    }
    if (v instanceof Number n) {
      return n.doubleValue() != 0;
    }
    if (v instanceof String s) {
      String t = s.trim().toLowerCase(Locale.ROOT);
      return t.equals("true") || t.equals("on") || t.equals("yes") || t.equals("1");
    }
    return false;
  }

  private static Long number(Object v) {
    if (v instanceof Number n) {
      return n.longValue();
    }
    if (v instanceof String s) {
      try {
        return Long.parseLong(s.trim());
      } catch (NumberFormatException e) {
        return null;
      }
    }
    return null;
  }

  /** ISO timestamps as Patroni writes them ({@code 2026-12-07T17:55:37.167397+00:00}); null if unreadable. */
  static Instant time(String s) {
    if (s == null) {
      return null;
    }
    try {
      return OffsetDateTime.parse(s.trim().replace(' ', 'T'), DateTimeFormatter.ISO_OFFSET_DATE_TIME).toInstant();
    } catch (DateTimeParseException e) {
      return null;
    }
  }
}
