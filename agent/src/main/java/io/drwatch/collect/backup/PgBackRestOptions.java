package io.drwatch.collect.backup;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigValue;
import com.typesafe.config.ConfigValueType;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * A target's options for the {@code pgbackrest} collector, validated at config load. Either
 * pgBackRest is run ({@code command}, {@code config}, {@code args}) or a JSON file is read
 * ({@code json-file}); {@code stanza} or {@code stanzas} narrows what is reported (default: every
 * stanza {@code info} lists).
 *
 * @param command the program and any wrapper before it, e.g. [sudo, -n, -u, postgres, pgbackrest]
 * @param configFile passed as --config; null for pgBackRest's own default
 * @param stanzas the stanzas to report; empty for all
 * @param args extra pgBackRest options (each starting with --), placed before {@code info}
 * @param jsonFile read instead of running pgBackRest; null to run it
 * @param walSegmentSize bytes per WAL segment, for turning WAL file names into byte positions
 */
record PgBackRestOptions(List<String> command, String configFile, List<String> stanzas,
    List<String> args, Path jsonFile, long walSegmentSize) {

  static final String COMMAND = "command";
  static final String CONFIG = "config";
  static final String STANZA = "stanza";
  static final String STANZAS = "stanzas";
  static final String ARGS = "args";
  static final String JSON_FILE = "json-file";
  static final String WAL_SEGMENT_SIZE = "wal-segment-size";
  static final Set<String> KEYS = Set.of(COMMAND, CONFIG, STANZA, STANZAS, ARGS, JSON_FILE,
      WAL_SEGMENT_SIZE);

  static final long DEFAULT_SEGMENT_SIZE = 16L * 1024 * 1024;
  static final PgBackRestOptions DEFAULTS = new PgBackRestOptions(List.of("pgbackrest"), null,
      List.of(), List.of(), null, DEFAULT_SEGMENT_SIZE);

  /** Options drwatch sets itself on every run; repeating them would make pgBackRest fail. */
  static final List<String> OWN_OPTIONS = List.of("--output", "--stanza", "--config",
      "--log-level-console", "--log-level-stderr");

  PgBackRestOptions {
    command = List.copyOf(command);
    stanzas = List.copyOf(stanzas);
    args = List.copyOf(args);
  }

  boolean readsFile() {
    return jsonFile != null;
  }

  /**
   * Reads and checks the options a target wrote. Every message names the key; the config loader
   * adds file:line and the key path of the collector block.
   */
  static PgBackRestOptions from(Config c) {
    List<String> command = c.hasPath(COMMAND) ? command(c) : DEFAULTS.command();
    String configFile = c.hasPath(CONFIG) ? path(c, CONFIG) : null;
    List<String> args = c.hasPath(ARGS) ? args(c) : List.of();
    Path jsonFile = c.hasPath(JSON_FILE) ? Path.of(path(c, JSON_FILE)) : null;
    if (c.hasPath(STANZA) && c.hasPath(STANZAS)) {
      throw new IllegalArgumentException("set either stanza or stanzas, not both");
    }
    List<String> stanzas = new ArrayList<>();
    if (c.hasPath(STANZA)) {
      stanzas.add(stanzaName(string(c, STANZA), STANZA));
    } else if (c.hasPath(STANZAS)) {
      List<String> listed = strings(c, STANZAS);
      if (listed.isEmpty()) {
        throw new IllegalArgumentException(STANZAS + " must name at least one stanza (leave it out for all)");
      }
      for (String s : listed) {
        String name = stanzaName(s, STANZAS);
        if (stanzas.contains(name)) {
          throw new IllegalArgumentException(STANZAS + " lists '" + name + "' twice");
        }
        stanzas.add(name);
      }
    }
    if (jsonFile != null) {
      for (String runOnly : List.of(COMMAND, CONFIG, ARGS)) {
        if (c.hasPath(runOnly)) {
          throw new IllegalArgumentException(runOnly + " does not apply with " + JSON_FILE
              + " (the file is read, pgBackRest is not run); remove one of them");
        }
      }
    }
    long segment = c.hasPath(WAL_SEGMENT_SIZE) ? segmentSize(c) : DEFAULT_SEGMENT_SIZE;
    return new PgBackRestOptions(command, configFile, stanzas, args, jsonFile, segment);
  }

  private static List<String> command(Config c) {
    ConfigValue v = c.getValue(COMMAND);
    if (v.valueType() == ConfigValueType.STRING) {
      String s = c.getString(COMMAND).strip();
      if (s.isEmpty()) {
        throw new IllegalArgumentException(COMMAND + " must not be empty");
      }
      if (s.chars().anyMatch(Character::isWhitespace)) {
        throw new IllegalArgumentException(COMMAND + " is one program, run without a shell; for a "
            + "program with arguments use a list, e.g. command = [sudo, -n, -u, postgres, pgbackrest]");
      }
      return List.of(s);
    }
    List<String> list = strings(c, COMMAND);
    if (list.isEmpty() || list.stream().anyMatch(String::isBlank)) {
      throw new IllegalArgumentException(COMMAND + " must be a program or a non-empty list of non-empty strings");
    }
    return list;
  }

  private static List<String> args(Config c) {
    List<String> args = strings(c, ARGS);
    for (String a : args) {
      if (!a.startsWith("--") || a.length() < 3) {
        throw new IllegalArgumentException(ARGS + " holds pgBackRest options such as --repo=1; '"
            + a + "' is not one (the command is always info)");
      }
      String name = a.contains("=") ? a.substring(0, a.indexOf('=')) : a;
      if (OWN_OPTIONS.contains(name)) {
        throw new IllegalArgumentException(ARGS + " must not set " + name
            + ": drwatch sets it (use the stanza, stanzas and config keys)");
      }
    }
    return args;
  }

  private static long segmentSize(Config c) {
    long bytes;
    try {
      bytes = c.getBytes(WAL_SEGMENT_SIZE);
    } catch (com.typesafe.config.ConfigException e) {
      throw new IllegalArgumentException(WAL_SEGMENT_SIZE + " must be a size such as 16MiB");
    }
    if (bytes < 1024 * 1024 || bytes > 1024L * 1024 * 1024 || Long.bitCount(bytes) != 1) {
      throw new IllegalArgumentException(WAL_SEGMENT_SIZE + " must be a power of two from 1MiB to "
          + "1GiB, as initdb --wal-segsize allows (got " + bytes + " bytes; note 16MB means 16000000, "
          + "write 16MiB)");
    }
    return bytes;
  }

  private static String stanzaName(String s, String key) {
    if (s.isBlank() || s.startsWith("-") || s.chars().anyMatch(ch -> Character.isWhitespace(ch) || ch == '=')) {
      throw new IllegalArgumentException(key + ": '" + s + "' is not a stanza name");
    }
    return s;
  }

  private static String path(Config c, String key) {
    String s = string(c, key);
    if (s.isBlank()) {
      throw new IllegalArgumentException(key + " must not be empty");
    }
    return s;
  }

  private static String string(Config c, String key) {
    ConfigValue v = c.getValue(key);
    if (v.valueType() != ConfigValueType.STRING && v.valueType() != ConfigValueType.NUMBER) {
      throw new IllegalArgumentException(key + " must be a string");
    }
    return c.getString(key);
  }

  private static List<String> strings(Config c, String key) {
    ConfigValue v = c.getValue(key);
    if (v.valueType() != ConfigValueType.LIST) {
      throw new IllegalArgumentException(key + " must be a list of strings");
    }
    List<String> out = new ArrayList<>();
    for (ConfigValue item : c.getList(key)) {
      if (item.valueType() != ConfigValueType.STRING && item.valueType() != ConfigValueType.NUMBER) {
        throw new IllegalArgumentException(key + " must be a list of strings");
      }
      out.add(String.valueOf(item.unwrapped()));
    }
    return out;
  }
}
