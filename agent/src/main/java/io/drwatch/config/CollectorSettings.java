package io.drwatch.config;

import java.time.Duration;

/** A per-target override of one collector; null fields inherit. */
public record CollectorSettings(Boolean enabled, Duration interval, Duration timeout) {}
