package io.drwatch.collect.postgres;

import io.drwatch.collect.Collector;
import io.drwatch.target.ServerInfo;

/** A collector of PostgreSQL views that applies to every PostgreSQL target, primary or standby. */
interface PostgresCollector extends Collector {

  @Override
  default boolean appliesTo(ServerInfo server) {
    return server.isPostgres();
  }
}
