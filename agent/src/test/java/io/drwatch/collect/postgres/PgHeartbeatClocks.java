package io.drwatch.collect.postgres;

import java.time.Clock;
import java.time.Duration;

/** Heartbeat collectors of agents whose clocks are off, for the tests that prove it does not matter. */
public final class PgHeartbeatClocks {

  private PgHeartbeatClocks() {}

  public static PgHeartbeat skewed(String agent, Duration offset) {
    return new PgHeartbeat(PgHeartbeat.DEFAULT_TABLE, agent, Clock.offset(Clock.systemUTC(), offset));
  }
}
