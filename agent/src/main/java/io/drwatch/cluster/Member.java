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
}
