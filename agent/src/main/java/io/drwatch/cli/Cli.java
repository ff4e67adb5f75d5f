package io.drwatch.cli;

import io.drwatch.Agent;
import io.drwatch.BuildInfo;
import io.drwatch.collect.CollectorRegistry;
import io.drwatch.collect.custom.CustomFamilies;
import io.drwatch.config.AgentConfig;
import io.drwatch.config.ConfigException;
import io.drwatch.config.ConfigLoader;
import io.drwatch.ReloadSignal;
import io.drwatch.logging.Logging;
import io.drwatch.config.ConfigProblem;
import io.drwatch.http.BasicAuth;
import java.io.BufferedReader;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Command-line front end. Exit codes: 0 success, 1 runtime failure, 2 bad usage or bad config.
 * Errors are one line each (config problems: file:line key — message), never a stack trace.
 */
public final class Cli {

  /** Returned by {@code run} when the daemon keeps running after the call returns. */
  public static final int KEEP_RUNNING = -1;

  static final String USAGE = """
      usage: drwatch <command> [options]

      commands:
        run --config FILE        run the daemon (serves /metrics, /healthz, /readyz, /api/targets)
        once --config FILE       sample every target once, print the exposition, exit
        check-config FILE        validate a config; exit 0, or 2 listing every problem
        hash-password [--cost N] read a password from standard input (one line), print its bcrypt
                                 hash for drwatch.http.basic-auth.users (cost 4-31, default 10)
        demo [--pg-version N] [--port P] [--for DURATION]
                                 start a sandbox primary + sync and async standby and watch them
        --version                print the version
        --help                   this text
      """;

  private final PrintStream out;
  private final PrintStream err;
  private final InputStream in;

  public Cli(PrintStream out, PrintStream err) {
    this(out, err, System.in);
  }

  public Cli(PrintStream out, PrintStream err, InputStream in) {
    this.out = out;
    this.err = err;
    this.in = in;
  }

  public int run(String[] args) {
    if (args.length == 0) {
      err.print(USAGE);
      return 2;
    }
    List<String> rest = new ArrayList<>(Arrays.asList(args).subList(1, args.length));
    CollectorRegistry registry = CollectorRegistry.builtIn();
    try {
      switch (args[0]) {
        case "--help", "-h", "help" -> {
          out.print(USAGE);
          return 0;
        }
        case "--version", "version" -> {
          out.println("drwatch " + BuildInfo.version());
          return 0;
        }
        case "check-config" -> {
          String file = rest.isEmpty() ? null : rest.get(0).equals("--config") && rest.size() > 1 ? rest.get(1) : rest.get(0);
          if (file == null) {
            return usage("check-config needs a FILE");
          }
          AgentConfig c = load(registry, file);
          out.println(file + ": ok (" + c.targets().size() + " target(s))");
          return 0;
        }
        case "once" -> {
          String file = option(rest, "--config");
          if (file == null) {
            return usage("once needs --config FILE");
          }
          AgentConfig c = load(registry, file);
          CollectorRegistry withCustom = c.registry(registry);
          String exposition = Agent.once(c, withCustom);
          out.print(exposition);
          out.print(CustomFamilies.notInOutput(c.customCollectors(), exposition));
          return 0;
        }
        case "run" -> {
          String file = option(rest, "--config");
          if (file == null) {
            return usage("run needs --config FILE");
          }
          AgentConfig c = load(registry, file);
          Logging.apply(c.logging());
          Agent agent = Agent.start(c, c.registry(registry));
          Runtime.getRuntime().addShutdownHook(new Thread(agent::close, "drwatch-shutdown"));
          ReloadSignal.install(agent, registry);
          return KEEP_RUNNING;
        }
        case "hash-password" -> {
          String c = option(rest, "--cost");
          int cost = c == null ? 10 : Integer.parseInt(c);
          if (cost < 4 || cost > 31) {
            return usage("--cost must be between 4 and 31");
          }
          String line = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8)).readLine();
          if (line == null || line.isEmpty()) {
            return usage("hash-password reads the password from standard input, e.g. "
                + "`read -rs P && printf '%s\\n' \"$P\" | drwatch hash-password`");
          }
          if (line.getBytes(StandardCharsets.UTF_8).length > 72) {
            return usage("bcrypt uses at most 72 bytes of a password; choose a shorter one");
          }
          out.println(BasicAuth.hash(line.toCharArray(), cost));
          return 0;
        }
        case "demo" -> {
          String v = option(rest, "--pg-version");
          String p = option(rest, "--port");
          String f = option(rest, "--for");
          return new Demo(out).run(v == null ? 17 : Integer.parseInt(v), p == null ? 9966 : Integer.parseInt(p),
              f == null ? null : parseDuration(f));
        }
        default -> {
          return usage("unknown command: " + args[0]);
        }
      }
    } catch (ConfigException e) {
      for (ConfigProblem p : e.problems()) {
        err.println(p);
      }
      return 2;
    } catch (NumberFormatException e) {
      return usage("not a number: " + e.getMessage());
    } catch (UsageException e) {
      return usage(e.getMessage());
    } catch (Exception e) {
      err.println("drwatch: " + message(e));
      return 1;
    }
  }

  private AgentConfig load(CollectorRegistry registry, String file) {
    return new ConfigLoader(registry, System::getenv).load(Path.of(file));
  }

  private static String option(List<String> args, String name) {
    int i = args.indexOf(name);
    if (i < 0) {
      return null;
    }
    if (i + 1 >= args.size()) {
      throw new UsageException(name + " needs a value");
    }
    return args.get(i + 1);
  }

  private static Duration parseDuration(String s) {
    String t = s.trim().toLowerCase();
    try {
      if (t.endsWith("ms")) {
        return Duration.ofMillis(Long.parseLong(t.substring(0, t.length() - 2)));
      }
      long n = Long.parseLong(t.substring(0, t.length() - 1));
      return switch (t.charAt(t.length() - 1)) {
        case 's' -> Duration.ofSeconds(n);
        case 'm' -> Duration.ofMinutes(n);
        case 'h' -> Duration.ofHours(n);
        default -> throw new UsageException("not a duration: " + s + " (use 30s, 5m, 1h)");
      };
    } catch (NumberFormatException | StringIndexOutOfBoundsException e) {
      throw new UsageException("not a duration: " + s + " (use 30s, 5m, 1h)");
    }
  }

  private int usage(String problem) {
    err.println("drwatch: " + problem);
    err.print(USAGE);
    return 2;
  }

  private static String message(Throwable e) {
    StringBuilder b = new StringBuilder();
    for (Throwable t = e; t != null; t = t.getCause() == t ? null : t.getCause()) {
      if (t.getMessage() != null && b.indexOf(t.getMessage()) < 0) {
        if (b.length() > 0) {
          b.append(": ");
        }
        b.append(t.getMessage());
      }
    }
    return b.length() == 0 ? e.getClass().getSimpleName() : b.toString();
  }

  static final class UsageException extends RuntimeException {
    UsageException(String message) {
      super(message);
    }
  }
}
