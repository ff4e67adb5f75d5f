package io.drwatch.collect.aurora;

import io.drwatch.collect.Collector;
import io.drwatch.target.ManagedService;
import io.drwatch.target.ServerInfo;

/** A collector of Aurora PostgreSQL's own functions: it applies to Aurora targets only. */
interface AuroraCollector extends Collector {

  @Override
  default boolean appliesTo(ServerInfo server) {
    return server.isPostgres() && server.managed() == ManagedService.AURORA;
  }
}
