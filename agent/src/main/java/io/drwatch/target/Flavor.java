package io.drwatch.target;

import java.util.Locale;

/** What kind of server a target is; {@code AUTO} is a config value only, resolved on connect. */
public enum Flavor {
  AUTO,
  POSTGRESQL,
  COCKROACHDB;

  public String label() {
    return name().toLowerCase(Locale.ROOT);
  }

  public static Flavor parse(String value) {
    return Flavor.valueOf(value.trim().toUpperCase(Locale.ROOT));
  }
}
