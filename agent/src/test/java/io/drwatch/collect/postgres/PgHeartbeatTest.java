package io.drwatch.collect.postgres;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.typesafe.config.ConfigFactory;
import io.drwatch.collect.Sample;
import java.util.List;
import org.junit.jupiter.api.Test;

class PgHeartbeatTest {

  @Test
  void onThePrimaryTheWrittenTime() {
    List<Sample> s = PgHeartbeat.written(1_750_000_000.25);
    assertEquals(1, s.size());
    assertEquals("pg_heartbeat_timestamp_seconds", s.get(0).family().name());
    assertEquals(1_750_000_000.25, s.get(0).value());
  }

  @Test
  void onAStandbyTheReplayedTimeAndTheDelay() {
    List<Sample> s = PgHeartbeat.replayed(1_750_000_000.0, 1_750_000_003.5);
    assertEquals(List.of("pg_heartbeat_timestamp_seconds", "pg_heartbeat_delay_seconds"),
        s.stream().map(x -> x.family().name()).toList());
    assertEquals(1_750_000_000.0, s.get(0).value());
    assertEquals(3.5, s.get(1).value());
  }

  @Test
  void noHeartbeatYetIsNoSampleNotAZeroDelay() {
    assertEquals(List.of(), PgHeartbeat.replayed(null, 1_750_000_003.5));
  }

  @Test
  void aReadRightAfterTheWriteIsNoNegativeDelay() {
    assertEquals(0.0, PgHeartbeat.replayed(1_750_000_000.2, 1_750_000_000.1).get(1).value());
  }

  @Test
  void theTableNameIsTheOnlyThingSplicedIntoSql() {
    PgHeartbeat h = (PgHeartbeat) new PgHeartbeat().configure(ConfigFactory.parseString("table = ops.hb_1"));
    assertEquals("INSERT INTO ops.hb_1 (agent, written_at) VALUES (?, to_timestamp(?)) "
        + "ON CONFLICT (agent) DO UPDATE SET written_at = excluded.written_at", h.writeSql());
    assertEquals("SELECT extract(epoch FROM max(written_at))::float8 AS written FROM ops.hb_1 WHERE agent = ?",
        h.readSql());
    for (String bad : List.of("x;y", "a b", "A", "a.b.c", "\"q\"", "1abc", "")) {
      assertThrows(IllegalArgumentException.class, () -> new PgHeartbeat(bad), bad);
    }
  }

  @Test
  void eachAgentHasItsOwnRowNamedByTheHostUnlessConfigured() {
    assertEquals(PgHeartbeat.defaultAgent(), new PgHeartbeat().agent());
    assertFalse(new PgHeartbeat().agent().isBlank());
    PgHeartbeat h = (PgHeartbeat) new PgHeartbeat().configure(ConfigFactory.parseString("agent = \"eu-west; drop\""));
    assertEquals("eu-west; drop", h.agent(), "a bound parameter, never spliced into SQL");
    assertEquals(PgHeartbeat.DEFAULT_TABLE, h.table());
    assertThrows(IllegalArgumentException.class,
        () -> new PgHeartbeat().configure(ConfigFactory.parseString("agent = \"\"")));
  }

  @Test
  void itWritesSoItGetsItsOwnSessionAndIsOffByDefault() {
    assertTrue(new PgHeartbeat().writesToTarget());
    assertFalse(new PgReplication().writesToTarget());
    assertFalse(io.drwatch.collect.CollectorRegistry.builtIn().find("heartbeat").orElseThrow().enabledByDefault());
  }
}
