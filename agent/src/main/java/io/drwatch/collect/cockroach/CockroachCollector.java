package io.drwatch.collect.cockroach;

import io.drwatch.collect.Collector;
import io.drwatch.target.ServerInfo;

/** A collector of CockroachDB's crdb_internal and system tables: it applies to CockroachDB targets only. */
interface CockroachCollector extends Collector {

  @Override
  default boolean appliesTo(ServerInfo server) {
    return server.isCockroach();
  }
}
