package io.drwatch.config;

import java.time.Duration;

/**
 * Agent-wide defaults. {@code staleAfterIntervals}: a sample older than this many of its
 * collector's intervals leaves the output.
 */
public record Defaults(
    Duration interval,
    Duration timeout,
    Duration connectTimeout,
    Duration lockTimeout,
    Duration idleInTransactionTimeout,
    int maxConnections,
    int staleAfterIntervals) {}
