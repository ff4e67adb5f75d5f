package io.drwatch;

import io.drwatch.collect.CollectorRegistry;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code kill -HUP}: re-read the config file on a thread of its own (the signal thread must not
 * block), one reload at a time; {@link Agent#reloadFile} does the work and the logging.
 */
public final class ReloadSignal {

  private static final Logger LOG = LoggerFactory.getLogger(ReloadSignal.class);

  private ReloadSignal() {}

  public static void install(Agent agent, CollectorRegistry builtIn) {
    try {
      sun.misc.SignalHandler before = sun.misc.Signal.handle(new sun.misc.Signal("HUP"), sig -> {
        Thread t = new Thread(() -> {
          LOG.info("SIGHUP: reloading {}", agent.config().source());
          try {
            agent.reloadFile(builtIn);
          } catch (RuntimeException e) {
            LOG.error("reload failed, keeping the running config: {}", Agent.rootMessage(e));
          }
        }, "drwatch-reload");
        t.setDaemon(true);
        t.start();
      });
      if (before == sun.misc.SignalHandler.SIG_IGN) {
        // The JVM leaves a signal that was ignored at its start ignored (nohup, some service managers).
        LOG.warn("SIGHUP is ignored in this process (started under nohup?): kill -HUP will not reload the "
            + "config; start drwatch without it, or restart to apply changes");
      }
    } catch (IllegalArgumentException | UnsupportedOperationException e) {
      LOG.warn("no SIGHUP on this platform ({}): restart drwatch to apply config changes", e.getMessage());
    }
  }
}
