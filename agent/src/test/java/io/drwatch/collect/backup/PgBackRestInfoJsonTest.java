package io.drwatch.collect.backup;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.drwatch.collect.backup.PgBackRestInfoJson.Archive;
import io.drwatch.collect.backup.PgBackRestInfoJson.Backup;
import io.drwatch.collect.backup.PgBackRestInfoJson.DbEntry;
import io.drwatch.collect.backup.PgBackRestInfoJson.InvalidInfo;
import io.drwatch.collect.backup.PgBackRestInfoJson.Repo;
import io.drwatch.collect.backup.PgBackRestInfoJson.Stanza;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The info JSON parser on output captured from real pgBackRest 2.45 (PostgreSQL 15; files under
 * src/test/resources/pgbackrest, the first the shared reference sample), and on edited copies for
 * what those runs cannot show: unknown fields, missing sections, wrong types, numbers past 2^63.
 */
class PgBackRestInfoJsonTest {

  static String fixture(String name) {
    try (InputStream in = PgBackRestInfoJsonTest.class.getResourceAsStream("/pgbackrest/" + name)) {
      if (in == null) {
        throw new IllegalArgumentException("no fixture " + name);
      }
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static Stanza only(String json) throws InvalidInfo {
    List<Stanza> all = PgBackRestInfoJson.parse(json);
    assertEquals(1, all.size());
    return all.get(0);
  }

  @Test
  void theReferenceSampleParsesFieldByField() throws Exception {
    Stanza s = only(fixture("info-2.45-pg15-reference-sample.json"));
    assertEquals("lab", s.name());
    assertEquals("none", s.cipher());
    assertEquals(0L, s.statusCode());
    assertEquals("ok", s.statusMessage());
    assertEquals(false, s.backupLockHeld());
    assertEquals(List.of(new Repo(1, "none", 0L, "ok")), s.repos());
    assertEquals(List.of(new DbEntry(1, 1L, "7711460660270434903", "15")), s.dbs());
    assertEquals(List.of(new Archive("15-1", 1L, 1L, "000000010000000000000001", "000000010000000000000006")),
        s.archives());
    assertEquals(List.of(
        new Backup("20261123-200551F", "full", 1795464351L, 1795464353L, 1L, false, 36772016L, 36772016L,
            13233079L, 13233079L),
        new Backup("20261123-200551F_20261123-200554D", "diff", 1795464354L, 1795464355L, 1L, false,
            37107887L, 1016073L, 13321201L, 181708L)), s.backups());
  }

  @Test
  void aCapturedRunWithThreeStanzasKeepsEveryStanzaAndTheErrorFlag() throws Exception {
    List<Stanza> all = PgBackRestInfoJson.parse(fixture("info-2.45-pg15-three-stanzas.json"));
    assertEquals(List.of("corrupt", "empty", "main"), all.stream().map(Stanza::name).toList());
    Stanza corrupt = all.get(0);
    assertEquals(List.of(false, true), corrupt.backups().stream().map(Backup::error).toList(),
        "the incremental after a page was corrupted is recorded with error=true");
    Stanza empty = all.get(1);
    assertEquals(2L, empty.statusCode());
    assertEquals("no valid backups", empty.statusMessage());
    assertEquals(List.of(), empty.backups());
    assertEquals(List.of(new Archive("15-1", 1L, 1L, null, null)), empty.archives());
    assertEquals(List.of("full", "diff", "incr"), all.get(2).backups().stream().map(Backup::type).toList());
  }

  @Test
  void twoReposKeepTheirKeysOnRepoArchiveAndBackup() throws Exception {
    Stanza s = only(fixture("info-2.45-pg15-two-repos.json"));
    assertEquals(List.of(1L, 2L), s.repos().stream().map(Repo::key).toList());
    assertEquals(List.of(1L, 2L), s.archives().stream().map(Archive::repoKey).toList());
    assertEquals(List.of(1L, 1L, 1L, 2L), s.backups().stream().map(Backup::repoKey).toList());
    assertEquals(2, s.dbs().size());
    assertEquals("7714407875392709415", s.currentDb().systemId());
  }

  @Test
  void unhealthyStanzasCapturedFromRealRuns() throws Exception {
    Stanza denied = only(fixture("info-2.45-repo-permission-denied.json"));
    assertEquals("[invalid]", denied.name(), "what pgBackRest calls a stanza it could not list");
    assertEquals(99L, denied.statusCode());
    assertEquals("other", denied.statusMessage());
    assertTrue(denied.repos().get(0).statusMessage().contains("[13] Permission denied"));
    assertNull(denied.currentDb());

    Stanza missing = only(fixture("info-2.45-missing-stanza.json"));
    assertEquals("nosuch", missing.name());
    assertEquals(1L, missing.statusCode());
    assertEquals("missing stanza path", missing.statusMessage());

    // a config that sets a cipher the repository was not created with: every stanza reads 99
    List<Stanza> cipher = PgBackRestInfoJson.parse(fixture("info-2.45-cipher-mismatch.json"));
    assertEquals(List.of("corrupt", "empty", "main"), cipher.stream().map(Stanza::name).toList());
    for (Stanza c : cipher) {
      assertEquals(99L, c.statusCode());
      assertEquals("aes-256-cbc", c.cipher());
      assertTrue(c.repos().get(0).statusMessage().startsWith("[CryptoError] unable to load info file"));
      assertTrue(c.repos().get(0).statusMessage().contains("\nHINT: is or was the repo encrypted?"));
    }
  }

  @Test
  void unknownFieldsAtEveryLevelAreIgnored() throws Exception {
    String original = fixture("info-2.45-pg15-two-repos.json");
    JsonArray edited = new JsonArray(original);
    edited.forEach(o -> addUnknownFields((JsonObject) o));
    assertTrue(edited.encode().contains("future-field"));
    assertEquals(PgBackRestInfoJson.parse(original), PgBackRestInfoJson.parse(edited.encode()));
  }

  private static void addUnknownFields(JsonObject o) {
    for (String key : List.copyOf(o.fieldNames())) {
      Object v = o.getValue(key);
      if (v instanceof JsonObject child) {
        addUnknownFields(child);
      } else if (v instanceof JsonArray array) {
        array.forEach(item -> {
          if (item instanceof JsonObject child) {
            addUnknownFields(child);
          }
        });
      }
    }
    o.put("future-field", new JsonObject().put("nested", new JsonArray().add(1).add("x")));
    o.put("future-number", 1.5);
  }

  @Test
  void aStanzaWithOnlyANameHasEmptySectionsAndNullValues() throws Exception {
    Stanza s = only("[{\"name\":\"bare\"}]");
    assertEquals(new Stanza("bare", null, null, null, null, List.of(), List.of(), List.of(), List.of()), s);
    Stanza sparse = only("[{\"name\":\"s\",\"status\":{\"code\":0},\"backup\":[{\"type\":\"full\",\"timestamp\":{}}],"
        + "\"archive\":[{\"id\":\"15-1\"}]}]");
    assertEquals(new Backup(null, "full", null, null, null, null, null, null, null, null), sparse.backups().get(0));
    assertEquals(new Archive("15-1", null, null, null, null), sparse.archives().get(0));
    assertNull(sparse.backupLockHeld());
  }

  @Test
  void noStanzasIsAnEmptyList() throws Exception {
    assertEquals(List.of(), PgBackRestInfoJson.parse("[]"));
    assertEquals(List.of(), PgBackRestInfoJson.parse("[]\n"));
  }

  @Test
  void systemIdentifiersStayExactBeyond2To53And2To63() throws Exception {
    assertEquals("7711460660270434903", only("[{\"name\":\"s\",\"db\":[{\"id\":1,\"system-id\":7711460660270434903}]}]")
        .currentDb().systemId());
    assertEquals("18446744073709551615", only("[{\"name\":\"s\",\"db\":[{\"id\":1,\"system-id\":18446744073709551615}]}]")
        .currentDb().systemId());
    assertEquals("7711460660270434903", only("[{\"name\":\"s\",\"db\":[{\"id\":1,\"system-id\":\"7711460660270434903\"}]}]")
        .currentDb().systemId());
    InvalidInfo tooBig = assertThrows(InvalidInfo.class, () -> PgBackRestInfoJson.parse(
        "[{\"name\":\"s\",\"db\":[{\"id\":1,\"system-id\":18446744073709551616}]}]"));
    assertEquals("stanza 's'.db[0].system-id: 18446744073709551616 is not an unsigned 64-bit number", tooBig.getMessage());
  }

  @Test
  void theCurrentDbIsTheHighestIdAfterAnUpgrade() throws Exception {
    Stanza s = only("[{\"name\":\"s\",\"db\":[{\"id\":1,\"repo-key\":1,\"system-id\":1,\"version\":\"14\"},"
        + "{\"id\":2,\"repo-key\":1,\"system-id\":2,\"version\":\"15\"}]}]");
    assertEquals(new DbEntry(2, 1L, "2", "15"), s.currentDb());
  }

  @Test
  void wrongTypesNameTheirPath() {
    assertEquals("stanza 's'.backup[0].timestamp.stop: expected a whole number, got the string \"yesterday\"",
        problem("[{\"name\":\"s\",\"backup\":[{\"timestamp\":{\"stop\":\"yesterday\"}}]}]"));
    assertEquals("stanza 's'.backup[0].error: expected true or false, got 1",
        problem("[{\"name\":\"s\",\"backup\":[{\"error\":1}]}]"));
    assertEquals("stanza 's'.backup[0].info.size: expected a whole number, got 1.5",
        problem("[{\"name\":\"s\",\"backup\":[{\"info\":{\"size\":1.5}}]}]"));
    assertEquals("stanza 's'.repo: expected an array, got an object",
        problem("[{\"name\":\"s\",\"repo\":{}}]"));
    assertEquals("stanza 's'.repo[0].key: missing", problem("[{\"name\":\"s\",\"repo\":[{}]}]"));
    assertEquals("stanza 's'.status: expected an object, got the string \"ok\"",
        problem("[{\"name\":\"s\",\"status\":\"ok\"}]"));
    assertEquals("[1]: stanza without a name", problem("[{\"name\":\"s\"},{\"status\":{}}]"));
    assertEquals("[0]: expected an object, got 5", problem("[5]"));
  }

  @Test
  void somethingOtherThanInfoJsonSaysWhatItIs() {
    assertEquals("expected a JSON array of stanzas, got an object (output starts with: {\"name\":\"s\"})",
        problem("{\"name\":\"s\"}"));
    String polluted = problem("2026-12-01 18:49:04.783 P00  DEBUG:     common/io/socket/common::sckInit: (block: false)\n[]");
    assertTrue(polluted.startsWith("not valid JSON: "), polluted);
    assertTrue(polluted.contains("at line 1, column 5"), polluted);
    assertTrue(polluted.endsWith("(output starts with: 2026-12-01 18:49:04.783 P00  DEBUG:     "
        + "common/io/socket/common::sckInit: (block: false))"), polluted);
    assertTrue(problem("").endsWith("(the output was empty)"), problem(""));
    assertTrue(problem("[{\"name\":\"s\"").startsWith("not valid JSON: Unexpected end-of-input"), problem("[{\"name\":\"s\""));
  }

  private static String problem(String json) {
    return assertThrows(InvalidInfo.class, () -> PgBackRestInfoJson.parse(json)).getMessage();
  }
}
