package io.drwatch.config;

/** One thing wrong with a config: where (file:line), which key, and what. */
public record ConfigProblem(String origin, String key, String message) {

  @Override
  public String toString() {
    return origin + " " + key + " — " + message;
  }
}
