package io.drwatch.collect.backup;

import static io.drwatch.collect.MetricFamily.gauge;
import static io.drwatch.collect.MetricFamily.info;

import com.google.auto.service.AutoService;
import com.typesafe.config.Config;
import io.drwatch.collect.Collector;
import io.drwatch.collect.Db;
import io.drwatch.collect.MetricFamily;
import io.drwatch.collect.Sample;
import io.drwatch.collect.Samples;
import io.drwatch.collect.backup.PgBackRestInfoJson.Archive;
import io.drwatch.collect.backup.PgBackRestInfoJson.Backup;
import io.drwatch.collect.backup.PgBackRestInfoJson.DbEntry;
import io.drwatch.collect.backup.PgBackRestInfoJson.InvalidInfo;
import io.drwatch.collect.backup.PgBackRestInfoJson.Repo;
import io.drwatch.collect.backup.PgBackRestInfoJson.Stanza;
import io.drwatch.target.ServerInfo;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.Consumer;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * pgBackRest backups and WAL archive, from {@code pgbackrest info --output=json} run on the
 * agent's host (or from a JSON file another job writes). Not SQL: it takes no database
 * connection, but runs on the target's schedule, within the collector's timeout (the command is
 * killed when it fires), and reports through the usual collector health series. Disabled by
 * default; enabled per target with {@code collectors { pgbackrest { enabled = true, … } }}.
 *
 * <p>pgBackRest exits 0 for an unhealthy stanza and reports it in {@code status}; a nonzero exit,
 * a timeout or output that is not info JSON fails the run with a one-line reason. Messages never
 * carry the command's arguments or environment, and option values that look like secrets are
 * masked, since pgBackRest echoes a malformed config line in its error.
 */
@AutoService(Collector.class)
public final class Pgbackrest implements Collector {

  public static final MetricFamily STANZA_STATUS = gauge("pgbackrest_stanza_status",
      "pgBackRest stanza status code: 0 ok, 1 missing stanza path, 2 no valid backups, 3 missing "
          + "stanza data, 4 mixed across repos, 5 database mismatch across repos, 6 backup not found, "
          + "99 other (see the repo status).", "stanza");
  public static final MetricFamily STANZA_MESSAGE = info("pgbackrest_stanza_status_message_info",
      "pgBackRest's status message for the stanza.", "stanza", "message");
  public static final MetricFamily STANZA_INFO = info("pgbackrest_stanza_info",
      "Cipher of the stanza and its current PostgreSQL cluster (db history entry with the highest id).",
      "stanza", "cipher", "pg_version", "system_identifier");
  public static final MetricFamily STANZA_MATCHES_TARGET = gauge("pgbackrest_stanza_matches_target",
      "1 when the stanza's current system identifier is the target's, 0 when it is another cluster's.",
      "stanza");
  static final MetricFamily BACKUP_LOCK_HELD = gauge("pgbackrest_stanza_backup_lock_held",
      "1 while a backup or expire holds the stanza's lock on the host where info runs.", "stanza");
  static final MetricFamily REPO_STATUS = gauge("pgbackrest_repo_status",
      "pgBackRest status code of the stanza in one repository (0 ok; 99 carries the error in the message).",
      "stanza", "repo");
  static final MetricFamily REPO_MESSAGE = info("pgbackrest_repo_status_message_info",
      "pgBackRest's status message for the stanza in one repository.", "stanza", "repo", "message");
  public static final MetricFamily LAST_COMPLETION = gauge(
      "pgbackrest_backup_last_completion_timestamp_seconds",
      "When the newest good backup of each type (full, diff, incr) completed; a backup recorded with "
          + "errors does not count.", "stanza", "type");
  static final MetricFamily LAST_DURATION = gauge("pgbackrest_backup_last_duration_seconds",
      "How long the newest good backup of the type took (stop minus start).", "stanza", "type");
  static final MetricFamily LAST_SIZE = gauge("pgbackrest_backup_last_size_bytes",
      "Database size covered by the newest good backup of the type (uncompressed).", "stanza", "type");
  static final MetricFamily LAST_DELTA = gauge("pgbackrest_backup_last_delta_bytes",
      "Database bytes the newest good backup of the type copied (uncompressed).", "stanza", "type");
  static final MetricFamily LAST_REPO_SIZE = gauge("pgbackrest_backup_last_repo_size_bytes",
      "Repository bytes needed to restore the newest good backup of the type, references included.",
      "stanza", "type");
  static final MetricFamily LAST_REPO_DELTA = gauge("pgbackrest_backup_last_repo_delta_bytes",
      "Repository bytes the newest good backup of the type stored itself.", "stanza", "type");
  static final MetricFamily BACKUPS = gauge("pgbackrest_backups",
      "Backups of the type in the stanza's repositories, with or without errors.", "stanza", "type");
  static final MetricFamily OLDEST_COMPLETION = gauge(
      "pgbackrest_backup_oldest_completion_timestamp_seconds",
      "When the oldest good backup completed: the earliest point a restore can reach, if the WAL "
          + "archive is continuous from it.", "stanza");
  static final MetricFamily NEWEST_HAS_ERRORS = gauge("pgbackrest_backup_newest_has_errors",
      "1 when the newest backup (any type) was recorded with errors such as page checksum failures.",
      "stanza");
  static final MetricFamily REPO_LAST_COMPLETION = gauge(
      "pgbackrest_repo_backup_last_completion_timestamp_seconds",
      "When the newest good backup of the type completed in one repository.", "stanza", "repo", "type");
  static final MetricFamily ARCHIVE_LSN = gauge("pgbackrest_archive_wal_lsn_bytes",
      "WAL range in the repository as byte positions: bound=min is the start of the oldest segment, "
          + "bound=max the end of the newest.", "stanza", "repo", "archive_id", "bound");
  static final MetricFamily ARCHIVE_TIMELINE = gauge("pgbackrest_archive_wal_timeline",
      "Timeline of the oldest (bound=min) and newest (bound=max) WAL segment in the repository.",
      "stanza", "repo", "archive_id", "bound");
  static final MetricFamily FILE_MODIFIED = gauge("pgbackrest_info_file_modified_timestamp_seconds",
      "json-file mode: when the file read was last written; its data is that old.");

  static final List<String> TYPES = List.of("full", "diff", "incr");
  static final Duration DEFAULT_INTERVAL = Duration.ofMinutes(1);
  /** Far above what info prints for thousands of backups; guards memory against a runaway program. */
  static final long MAX_OUTPUT_BYTES = 32L * 1024 * 1024;

  private static final Pattern SEGMENT = Pattern.compile("[0-9A-F]{24}");
  /** option=value or option: value where the option names a secret (cipher-pass, s3-key-secret, …). */
  private static final Pattern SECRET_ASSIGNMENT = Pattern.compile(
      "(?i)((?:^|[\\s'\"\\[(,])-{0,2}[a-z0-9-]*(?:pass|passphrase|secret|key|token)[a-z0-9-]*\\s*[=:]\\s*)"
          + "(\"[^\"]*\"|'[^']*'|\\S+)");
  /** pgBackRest's "missing '=' in key/value at line 3: <the line>" quotes the config file. */
  private static final Pattern QUOTED_CONFIG_LINE = Pattern.compile("(?i)(at line \\d+: ).*");

  private final PgBackRestOptions options;

  public Pgbackrest() {
    this(PgBackRestOptions.DEFAULTS);
  }

  Pgbackrest(PgBackRestOptions options) {
    this.options = options;
  }

  PgBackRestOptions options() {
    return options;
  }

  @Override
  public String name() {
    return "pgbackrest";
  }

  /** Opt-in: needs pgBackRest and its repository readable on the agent's host. */
  @Override
  public boolean enabledByDefault() {
    return false;
  }

  @Override
  public Duration defaultInterval() {
    return DEFAULT_INTERVAL;
  }

  @Override
  public boolean appliesTo(ServerInfo server) {
    return server.isPostgres();
  }

  @Override
  public boolean needsConnection() {
    return false;
  }

  @Override
  public Set<String> optionKeys() {
    return PgBackRestOptions.KEYS;
  }

  @Override
  public Collector configure(Config config) {
    return new Pgbackrest(PgBackRestOptions.from(config));
  }

  @Override
  public List<MetricFamily> families() {
    return List.of(STANZA_STATUS, STANZA_MESSAGE, STANZA_INFO, STANZA_MATCHES_TARGET,
        BACKUP_LOCK_HELD, REPO_STATUS, REPO_MESSAGE, LAST_COMPLETION, LAST_DURATION, LAST_SIZE,
        LAST_DELTA, LAST_REPO_SIZE, LAST_REPO_DELTA, BACKUPS, OLDEST_COMPLETION, NEWEST_HAS_ERRORS,
        REPO_LAST_COMPLETION, ARCHIVE_LSN, ARCHIVE_TIMELINE, FILE_MODIFIED);
  }

  @Override
  public List<Sample> collect(Db db, ServerInfo server) {
    Samples out = new Samples();
    List<Stanza> stanzas;
    if (options.readsFile()) {
      stanzas = readFile(out);
    } else {
      stanzas = runInfo(db.timeout(), db::warn);
    }
    map(stanzas, server.systemIdentifier(), options.walSegmentSize(), out, db::warn);
    return out.toList();
  }

  // ---- sources

  /** One run for all stanzas, or one per configured stanza, within one deadline. */
  List<Stanza> runInfo(Duration timeout, Consumer<String> warn) {
    long deadline = System.nanoTime() + timeout.toNanos();
    List<Stanza> all = new ArrayList<>();
    List<String> targets = options.stanzas().isEmpty() ? java.util.Collections.singletonList(null)
        : options.stanzas();
    for (String stanza : targets) {
      Duration left = Duration.ofNanos(deadline - System.nanoTime());
      if (left.isNegative() || left.isZero()) {
        throw failure("pgbackrest info did not finish within " + CommandRunner.human(timeout)
            + " (the collector's timeout) for all of " + options.stanzas());
      }
      List<Stanza> found = runOnce(stanza, left, timeout, warn);
      if (stanza != null) {
        found = only(found, stanza, "pgbackrest info --stanza=" + stanza);
      }
      all.addAll(found);
    }
    return all;
  }

  private List<Stanza> runOnce(String stanza, Duration left, Duration timeout, Consumer<String> warn) {
    List<String> cmd = commandLine(stanza);
    String what = "pgbackrest info" + (stanza == null ? "" : " --stanza=" + stanza);
    CommandRunner.Result r;
    try {
      r = CommandRunner.run(cmd, left, MAX_OUTPUT_BYTES);
    } catch (CommandRunner.Failure f) {
      String m = f.getMessage();
      if (m.contains("did not finish within")) {
        m = what + " did not finish within " + CommandRunner.human(timeout)
            + " (the collector's timeout); killed it";
      }
      throw failure(m);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw failure(what + " was interrupted (agent shutting down)");
    }
    if (r.exitCode() != 0) {
      String reason = firstLines(r.stderr().isBlank() ? r.stdout() : r.stderr());
      throw failure(what + " exited with code " + r.exitCode()
          + (reason.isEmpty() ? " and printed no reason" : ": " + reason));
    }
    if (!r.stderr().isBlank()) {
      warn.accept(what + " succeeded with warnings: " + firstLines(r.stderr()));
    }
    try {
      return PgBackRestInfoJson.parse(r.stdout());
    } catch (InvalidInfo e) {
      throw failure(what + " printed output that is not info JSON: " + e.getMessage());
    }
  }

  /** The command line; the command is always {@code info}, and stdout carries only JSON. */
  List<String> commandLine(String stanza) {
    List<String> cmd = new ArrayList<>(options.command());
    if (options.configFile() != null) {
      cmd.add("--config=" + options.configFile());
    }
    if (stanza != null) {
      cmd.add("--stanza=" + stanza);
    }
    cmd.add("--output=json");
    // Overrides any config file: warnings and errors go to stderr, never in front of the JSON.
    cmd.add("--log-level-console=warn");
    cmd.add("--log-level-stderr=warn");
    cmd.addAll(options.args());
    cmd.add("info");
    return cmd;
  }

  private List<Stanza> readFile(Samples out) {
    var file = options.jsonFile();
    String text;
    try {
      out.add(FILE_MODIFIED, Files.getLastModifiedTime(file).toMillis() / 1000.0);
      try (InputStream in = Files.newInputStream(file)) {
        byte[] bytes = in.readNBytes((int) MAX_OUTPUT_BYTES + 1);
        if (bytes.length > MAX_OUTPUT_BYTES) {
          throw failure("json-file " + file + " is larger than " + MAX_OUTPUT_BYTES + " bytes");
        }
        text = new String(bytes, StandardCharsets.UTF_8);
      }
    } catch (NoSuchFileException e) {
      throw failure("json-file " + file + " does not exist");
    } catch (IOException e) {
      throw failure("json-file " + file + " cannot be read: " + e.getMessage());
    }
    List<Stanza> stanzas;
    try {
      stanzas = PgBackRestInfoJson.parse(text);
    } catch (InvalidInfo e) {
      throw failure("json-file " + file + " is not pgbackrest info JSON: " + e.getMessage());
    }
    if (options.stanzas().isEmpty()) {
      return stanzas;
    }
    List<Stanza> wanted = new ArrayList<>();
    for (String s : options.stanzas()) {
      wanted.addAll(only(stanzas, s, "json-file " + file));
    }
    return wanted;
  }

  private static List<Stanza> only(List<Stanza> stanzas, String name, String source) {
    List<Stanza> match = stanzas.stream().filter(s -> s.name().equals(name)).toList();
    if (match.isEmpty()) {
      throw failure(source + " has no stanza '" + name + "' (it lists: "
          + stanzas.stream().map(Stanza::name).collect(Collectors.joining(", ")) + ")");
    }
    return match;
  }

  // ---- mapping (pure)

  /**
   * Stanzas to samples. {@code targetSystemId} is the watched server's system identifier (null
   * when unknown); {@code segmentSize} turns WAL file names into byte positions.
   */
  static void map(List<Stanza> stanzas, String targetSystemId, long segmentSize, Samples out,
      Consumer<String> warn) {
    for (Stanza s : stanzas) {
      String st = s.name();
      out.add(STANZA_STATUS, s.statusCode(), st);
      if (s.statusMessage() != null) {
        out.info(STANZA_MESSAGE, st, s.statusMessage());
      }
      DbEntry current = s.currentDb();
      out.info(STANZA_INFO, st, s.cipher(), current == null ? "" : current.version(),
          current == null ? "" : current.systemId());
      if (current != null && current.systemId() != null && targetSystemId != null) {
        out.flag(STANZA_MATCHES_TARGET, current.systemId().equals(targetSystemId), st);
      }
      out.flag(BACKUP_LOCK_HELD, s.backupLockHeld(), st);
      for (Repo r : s.repos()) {
        String repo = Long.toString(r.key());
        out.add(REPO_STATUS, r.statusCode(), st, repo);
        if (r.statusMessage() != null) {
          out.info(REPO_MESSAGE, st, repo, r.statusMessage());
        }
      }
      mapBackups(s, out);
      mapArchives(s, segmentSize, out, warn);
    }
  }

  private static void mapBackups(Stanza s, Samples out) {
    String st = s.name();
    Set<String> types = new LinkedHashSet<>(TYPES);
    s.backups().forEach(b -> {
      if (b.type() != null) {
        types.add(b.type());
      }
    });
    Comparator<Backup> byStop = Comparator.comparing(Backup::stopSeconds);
    List<Backup> completed = s.backups().stream().filter(b -> b.stopSeconds() != null).toList();
    for (String type : types) {
      out.add(BACKUPS, s.backups().stream().filter(b -> type.equals(b.type())).count(), st, type);
      Optional<Backup> last = completed.stream().filter(b -> type.equals(b.type()) && b.good())
          .max(byStop);
      last.ifPresent(b -> {
        out.add(LAST_COMPLETION, b.stopSeconds(), st, type);
        if (b.startSeconds() != null) {
          out.add(LAST_DURATION, Math.max(0, b.stopSeconds() - b.startSeconds()), st, type);
        }
        out.add(LAST_SIZE, b.size(), st, type);
        out.add(LAST_DELTA, b.delta(), st, type);
        out.add(LAST_REPO_SIZE, b.repoSize(), st, type);
        out.add(LAST_REPO_DELTA, b.repoDelta(), st, type);
      });
    }
    completed.stream().filter(Backup::good).min(byStop)
        .ifPresent(b -> out.add(OLDEST_COMPLETION, b.stopSeconds(), st));
    completed.stream().max(byStop).ifPresent(b -> out.flag(NEWEST_HAS_ERRORS, b.error(), st));

    TreeMap<Long, List<Backup>> byRepo = new TreeMap<>();
    for (Backup b : completed) {
      if (b.repoKey() != null && b.good()) {
        byRepo.computeIfAbsent(b.repoKey(), k -> new ArrayList<>()).add(b);
      }
    }
    byRepo.forEach((repo, backups) -> {
      for (String type : types) {
        backups.stream().filter(b -> type.equals(b.type())).max(byStop).ifPresent(b ->
            out.add(REPO_LAST_COMPLETION, b.stopSeconds(), st, Long.toString(repo), type));
      }
    });
  }

  private static void mapArchives(Stanza s, long segmentSize, Samples out, Consumer<String> warn) {
    for (Archive a : s.archives()) {
      String repo = a.repoKey() == null ? "" : Long.toString(a.repoKey());
      String id = a.id() == null ? "" : a.id();
      if (a.min() != null) {
        Segment min = segment(a.min(), segmentSize, s, warn);
        if (min != null) {
          out.add(ARCHIVE_LSN, (double) min.startBytes(), s.name(), repo, id, "min");
          out.add(ARCHIVE_TIMELINE, min.timeline(), s.name(), repo, id, "min");
        }
      }
      if (a.max() != null) {
        Segment max = segment(a.max(), segmentSize, s, warn);
        if (max != null) {
          out.add(ARCHIVE_LSN, (double) (max.startBytes() + segmentSize), s.name(), repo, id, "max");
          out.add(ARCHIVE_TIMELINE, max.timeline(), s.name(), repo, id, "max");
        }
      }
    }
  }

  /** A WAL segment file name: timeline, then the segment's start as a byte position. */
  record Segment(long timeline, long startBytes) {}

  static Segment segment(String name, long segmentSize, Stanza s, Consumer<String> warn) {
    if (!SEGMENT.matcher(name).matches()) {
      warn.accept("stanza " + s.name() + ": archive bound '" + name + "' is not a WAL segment name");
      return null;
    }
    long timeline = Long.parseLong(name.substring(0, 8), 16);
    long log = Long.parseLong(name.substring(8, 16), 16);
    long seg = Long.parseLong(name.substring(16, 24), 16);
    long perLog = 0x1_0000_0000L / segmentSize;
    if (seg >= perLog) {
      warn.accept("stanza " + s.name() + ": WAL segment " + name + " cannot exist with "
          + segmentSize + "-byte segments; set wal-segment-size to the cluster's wal_segment_size");
      return null;
    }
    return new Segment(timeline, log * 0x1_0000_0000L + seg * segmentSize);
  }

  // ---- messages

  private static PgBackRestException failure(String message) {
    return new PgBackRestException(redact(message));
  }

  /** The first few lines of pgBackRest's own words, on one line, secrets masked. */
  static String firstLines(String text) {
    // Line by line: a quoted config line is masked to its end, not to the end of the text.
    String joined = text.strip().lines().map(String::strip).filter(l -> !l.isEmpty()).limit(4)
        .map(Pgbackrest::redact).collect(Collectors.joining(" "));
    return joined.length() > 600 ? joined.substring(0, 600) + "…" : joined;
  }

  /** Masks option values that look like secrets and config lines pgBackRest quotes back. */
  static String redact(String text) {
    String masked = QUOTED_CONFIG_LINE.matcher(text).replaceAll("$1<redacted>");
    return SECRET_ASSIGNMENT.matcher(masked).replaceAll("$1<redacted>");
  }

  /** A run that produced no data; its message is the collector's error, already redacted. */
  static final class PgBackRestException extends RuntimeException {
    PgBackRestException(String message) {
      super(message, null, false, false);
    }
  }
}
