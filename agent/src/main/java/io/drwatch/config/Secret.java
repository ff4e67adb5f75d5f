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
}
