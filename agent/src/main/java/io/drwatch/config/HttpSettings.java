package io.drwatch.config;

public record HttpSettings(String host, int port) {}
