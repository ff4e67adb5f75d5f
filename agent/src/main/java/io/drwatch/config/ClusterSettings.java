package io.drwatch.config;

import java.time.Duration;

/** Per-cluster objectives; null when not configured. */
public record ClusterSettings(String name, Duration rpoObjective, Duration rtoObjective) {}
