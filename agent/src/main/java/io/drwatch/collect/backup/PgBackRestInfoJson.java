package io.drwatch.collect.backup;

import io.vertx.core.json.DecodeException;
import io.vertx.core.json.Json;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.List;

/**
 * Parses {@code pgbackrest info --output=json} (pgBackRest 2.x): a JSON array of stanza objects.
 * Unknown fields are ignored and missing optional sections read as empty or null, so newer and
 * older pgBackRest versions parse alike; a field of the wrong type is an error naming its path.
 * Integers stay exact ({@code system-id} is an unsigned 64-bit number beyond 2^53).
 */
final class PgBackRestInfoJson {

  /** One stanza as {@code info} reports it. Lists are never null. */
  record Stanza(String name, String cipher, Long statusCode, String statusMessage,
      Boolean backupLockHeld, List<Repo> repos, List<DbEntry> dbs, List<Archive> archives,
      List<Backup> backups) {

    /** The current PostgreSQL cluster of the stanza: the db history entry with the highest id. */
    DbEntry currentDb() {
      DbEntry current = null;
      for (DbEntry d : dbs) {
        if (current == null || d.id() >= current.id()) {
          current = d;
        }
      }
      return current;
    }
  }

  /** {@code repo[]}: one repository of the stanza. */
  record Repo(long key, String cipher, Long statusCode, String statusMessage) {}

  /** {@code db[]}: one entry of the stanza's PostgreSQL history. */
  record DbEntry(long id, Long repoKey, String systemId, String version) {}

  /** {@code archive[]}: the WAL range a repository holds for one db history entry. */
  record Archive(String id, Long dbId, Long repoKey, String min, String max) {}

  /** {@code backup[]}: one backup; sizes in bytes, times in Unix seconds. */
  record Backup(String label, String type, Long startSeconds, Long stopSeconds, Long repoKey,
      Boolean error, Long size, Long delta, Long repoSize, Long repoDelta) {

    boolean good() {
      return !Boolean.TRUE.equals(error);
    }
  }

  /** The input is not what {@code pgbackrest info --output=json} prints. */
  static final class InvalidInfo extends Exception {
    InvalidInfo(String message) {
      super(message);
    }
  }

  private PgBackRestInfoJson() {}

  static List<Stanza> parse(String json) throws InvalidInfo {
    Object root;
    try {
      root = Json.decodeValue(json);
    } catch (DecodeException e) {
      throw new InvalidInfo("not valid JSON: " + decodeProblem(e) + startOf(json));
    }
    if (!(root instanceof JsonArray stanzas)) {
      throw new InvalidInfo("expected a JSON array of stanzas, got "
          + (root == null ? "null" : kind(root)) + startOf(json));
    }
    List<Stanza> out = new ArrayList<>();
    for (int i = 0; i < stanzas.size(); i++) {
      out.add(stanza(object(stanzas.getValue(i), "[" + i + "]")));
    }
    return List.copyOf(out);
  }

  private static Stanza stanza(Node s) throws InvalidInfo {
    String name = s.string("name");
    if (name == null || name.isEmpty()) {
      throw new InvalidInfo(s.path + ": stanza without a name");
    }
    Node at = s.renamed("stanza '" + name + "'");
    Node status = at.object("status");
    Node lock = status == null ? null : status.object("lock");
    Node backupLock = lock == null ? null : lock.object("backup");

    List<Repo> repos = new ArrayList<>();
    for (Node r : at.objects("repo")) {
      Long key = r.integer("key");
      if (key == null) {
        throw new InvalidInfo(r.path + ".key: missing");
      }
      Node rs = r.object("status");
      repos.add(new Repo(key, r.string("cipher"), rs == null ? null : rs.integer("code"),
          rs == null ? null : rs.string("message")));
    }
    List<DbEntry> dbs = new ArrayList<>();
    for (Node d : at.objects("db")) {
      Long id = d.integer("id");
      if (id == null) {
        throw new InvalidInfo(d.path + ".id: missing");
      }
      dbs.add(new DbEntry(id, d.integer("repo-key"), d.unsigned("system-id"), d.string("version")));
    }
    List<Archive> archives = new ArrayList<>();
    for (Node a : at.objects("archive")) {
      Node db = a.object("database");
      archives.add(new Archive(a.string("id"), db == null ? null : db.integer("id"),
          db == null ? null : db.integer("repo-key"), a.string("min"), a.string("max")));
    }
    List<Backup> backups = new ArrayList<>();
    for (Node b : at.objects("backup")) {
      Node ts = b.object("timestamp");
      Node db = b.object("database");
      Node info = b.object("info");
      Node repo = info == null ? null : info.object("repository");
      backups.add(new Backup(b.string("label"), b.string("type"),
          ts == null ? null : ts.integer("start"), ts == null ? null : ts.integer("stop"),
          db == null ? null : db.integer("repo-key"), b.bool("error"),
          info == null ? null : info.integer("size"), info == null ? null : info.integer("delta"),
          repo == null ? null : repo.integer("size"), repo == null ? null : repo.integer("delta")));
    }
    return new Stanza(name, at.string("cipher"), status == null ? null : status.integer("code"),
        status == null ? null : status.string("message"),
        backupLock == null ? null : backupLock.bool("held"),
        List.copyOf(repos), List.copyOf(dbs), List.copyOf(archives), List.copyOf(backups));
  }

  /** A JSON object and where it sits, for messages. Absent and null fields read as null. */
  private record Node(JsonObject json, String path) {

    Node renamed(String newPath) {
      return new Node(json, newPath);
    }

    private String at(String key) {
      return path + "." + key;
    }

    String string(String key) throws InvalidInfo {
      Object v = json.getValue(key);
      if (v == null || v instanceof String) {
        return (String) v;
      }
      throw wrongType(key, "a string", v);
    }

    Boolean bool(String key) throws InvalidInfo {
      Object v = json.getValue(key);
      if (v == null || v instanceof Boolean) {
        return (Boolean) v;
      }
      throw wrongType(key, "true or false", v);
    }

    /** A whole number that fits a signed 64-bit integer (sizes, times, ids). */
    Long integer(String key) throws InvalidInfo {
      Object v = json.getValue(key);
      if (v == null) {
        return null;
      }
      BigInteger n = whole(key, v);
      if (n.bitLength() > 63) {
        throw new InvalidInfo(at(key) + ": " + n + " is out of range");
      }
      return n.longValueExact();
    }

    /** An unsigned 64-bit number as exact decimal text (a number or a string of digits). */
    String unsigned(String key) throws InvalidInfo {
      Object v = json.getValue(key);
      if (v == null) {
        return null;
      }
      BigInteger n = whole(key, v instanceof String s && s.matches("[0-9]+") ? new BigInteger(s) : v);
      if (n.signum() < 0 || n.bitLength() > 64) {
        throw new InvalidInfo(at(key) + ": " + n + " is not an unsigned 64-bit number");
      }
      return n.toString();
    }

    private BigInteger whole(String key, Object v) throws InvalidInfo {
      if (v instanceof BigInteger b) {
        return b;
      }
      if (v instanceof Integer || v instanceof Long || v instanceof Short || v instanceof Byte) {
        return BigInteger.valueOf(((Number) v).longValue());
      }
      if (v instanceof Number n) {
        try {
          return new BigDecimal(n.toString()).toBigIntegerExact();
        } catch (ArithmeticException | NumberFormatException e) {
          throw wrongType(key, "a whole number", v);
        }
      }
      throw wrongType(key, "a whole number", v);
    }

    Node object(String key) throws InvalidInfo {
      Object v = json.getValue(key);
      return v == null ? null : PgBackRestInfoJson.object(v, at(key));
    }

    List<Node> objects(String key) throws InvalidInfo {
      Object v = json.getValue(key);
      if (v == null) {
        return List.of();
      }
      if (!(v instanceof JsonArray array)) {
        throw wrongType(key, "an array", v);
      }
      List<Node> out = new ArrayList<>();
      for (int i = 0; i < array.size(); i++) {
        out.add(PgBackRestInfoJson.object(array.getValue(i), at(key) + "[" + i + "]"));
      }
      return out;
    }

    private InvalidInfo wrongType(String key, String expected, Object got) {
      return new InvalidInfo(at(key) + ": expected " + expected + ", got " + kind(got));
    }
  }

  private static Node object(Object v, String path) throws InvalidInfo {
    if (v instanceof JsonObject o) {
      return new Node(o, path);
    }
    throw new InvalidInfo(path + ": expected an object, got " + (v == null ? "null" : kind(v)));
  }

  private static String kind(Object v) {
    if (v instanceof JsonObject) {
      return "an object";
    }
    if (v instanceof JsonArray) {
      return "an array";
    }
    if (v instanceof String s) {
      return "the string \"" + (s.length() > 40 ? s.substring(0, 40) + "…" : s) + "\"";
    }
    return String.valueOf(v);
  }

  /** Jackson's message without its source excerpt: "Unexpected character … at line 1, column 5". */
  private static String decodeProblem(DecodeException e) {
    String m = e.getMessage() == null ? "unreadable" : e.getMessage();
    String first = m.lines().findFirst().orElse(m);
    int colon = first.indexOf(": was expecting");
    if (colon > 0) {
      first = first.substring(0, colon);
    }
    java.util.regex.Matcher where = java.util.regex.Pattern.compile("line: (\\d+), column: (\\d+)").matcher(m);
    return where.find() ? first + " at line " + where.group(1) + ", column " + where.group(2) : first;
  }

  /** The first characters of the input, so that a log line printed before the JSON is visible. */
  private static String startOf(String text) {
    String t = text.strip();
    if (t.isEmpty()) {
      return " (the output was empty)";
    }
    String first = t.lines().findFirst().orElse("");
    return " (output starts with: " + (first.length() > 120 ? first.substring(0, 120) + "…" : first) + ")";
  }
}
