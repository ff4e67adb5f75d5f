package io.drwatch.config;

/** A password held in memory only; its string form never shows the value. */
public final class Secret {

  private final String value;

  public Secret(String value) {
    this.value = value;
  }

  public String reveal() {
    return value;
  }

  @Override
  public String toString() {
    return "****";
  }

  /** Same value (a reload compares settings): constant-time, and the value never leaves. */
  @Override
  public boolean equals(Object o) {
    return o instanceof Secret s && java.security.MessageDigest.isEqual(
        value.getBytes(java.nio.charset.StandardCharsets.UTF_8), s.value.getBytes(java.nio.charset.StandardCharsets.UTF_8));
  }

  @Override
  public int hashCode() {
    return 0; // no digest of the value in hash tables or heap dumps; settings maps are tiny
  }
}
