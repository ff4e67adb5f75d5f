package io.drwatch;

import io.drwatch.cli.Cli;

/** Entry point: {@code drwatch run|once|check-config|demo}. */
public final class Main {

  private Main() {}

  public static void main(String[] args) {
    int code = new Cli(System.out, System.err).run(args);
    if (code != Cli.KEEP_RUNNING) {
      System.exit(code);
    }
  }
}
