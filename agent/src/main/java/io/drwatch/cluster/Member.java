package io.drwatch.cluster;

import io.drwatch.sample.CollectorResult;
import io.drwatch.sample.TargetStatus;
import io.drwatch.target.ServerInfo;
import java.util.Map;

/** A target of a cluster as the cache sees it now: its probe status and its current samples. */
record Member(TargetStatus status, Readings readings, Map<String, CollectorResult> results) {

  String target() {
    return status.name();
  }

  /** The detected server while the target answers, else null. */
  ServerInfo server() {
    return status.up() ? status.server() : null;
  }

  boolean isUpPostgres() {
    ServerInfo s = server();
    return s != null && s.isPostgres();
  }

  /**
   * Which server this is: two targets reaching the same server (a writer endpoint through a proxy
   * or VIP and the member behind it) share system identifier and postmaster start time.
   */
  String serverKey() {
    ServerInfo s = server();
    if (s == null || s.systemIdentifier() == null || s.postmasterStartSeconds() == null) {
      return "target:" + target();
    }
    return s.systemIdentifier() + "@" + s.postmasterStartSeconds();
  }
}
