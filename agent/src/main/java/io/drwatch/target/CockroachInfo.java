package io.drwatch.target;

import java.util.Locale;

/**
 * What detection found out about a CockroachDB node beyond its version.
 *
 * @param buildTag the binary's tag from {@code version()}, e.g. {@code v24.3.5}
 * @param nodeId the node the session is connected to ({@code current_setting('node_id')}); null
 *     when the server reports 0 (a SQL pod of a virtual cluster)
 * @param clusterId {@code crdb_internal.node_build_info} {@code ClusterID}; null when the 25.4+
 *     access gate keeps drwatch out of crdb_internal
 * @param access how drwatch may read crdb_internal and system.* on this session
 * @param allowUnsafeInternalsConfigured the target's {@code cockroach.allow-unsafe-internals}
 */
public record CockroachInfo(
    String buildTag,
    Long nodeId,
    String clusterId,
    InternalsAccess access,
    boolean allowUnsafeInternalsConfigured) {

  /**
   * The 25.4+ gate on crdb_internal and system.* ({@code allow_unsafe_internals}), as it applies to
   * drwatch's sessions.
   */
  public enum InternalsAccess {
    /** Before 25.4: the session setting does not exist; privileges alone decide. */
    NOT_GATED,
    /** The gate exists and the session default already allows access (25.4's default, or a role default). */
    SESSION_DEFAULT,
    /** The gate is closed by default and the target opted in: drwatch sets it on every session. */
    OPTED_IN,
    /** The gate is closed and the target did not opt in: only the supported tables are read. */
    RESTRICTED;

    public String label() {
      return name().toLowerCase(Locale.ROOT);
    }

    /** Whether crdb_internal objects outside the supported list may be read. */
    public boolean allowsUnsupported() {
      return this != RESTRICTED;
    }
  }
}
