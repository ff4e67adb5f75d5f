package io.drwatch.sandbox;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * One PostgreSQL server of a sandbox: its data directory, port and process. It can be started,
 * stopped, killed, frozen (every process SIGSTOPped, so connections hang) and promoted.
 */
public final class PgNode {

  private final String name;
  private final Path dataDir;
  private final Path socketDir;
  private final Path logFile;
  private final int port;
  private final PgBinaries binaries;
  private final OsUser os;
  private volatile boolean frozen;

  PgNode(String name, Path baseDir, PgBinaries binaries, OsUser os) {
    this.name = name;
    this.dataDir = baseDir.resolve(name);
    this.socketDir = baseDir.resolve("sockets");
    this.logFile = baseDir.resolve(name + ".log");
    this.port = freePort();
    this.binaries = binaries;
    this.os = os;
  }

  public String name() {
    return name;
  }

  public int port() {
    return port;
  }

  public Path dataDir() {
    return dataDir;
  }

  /** The directory holding the server's Unix socket (outside the data directory). */
  public Path socketDir() {
    return socketDir;
  }

  public Path logFile() {
    return logFile;
  }

  public String jdbcUrl() {
    return jdbcUrl("postgres");
  }

  public String jdbcUrl(String database) {
    return "jdbc:postgresql://127.0.0.1:" + port + "/" + database;
  }

  /** A superuser connection (trust auth on loopback) for the fixture's own actions. */
  public Connection connect() throws SQLException {
    return DriverManager.getConnection(jdbcUrl() + "?ApplicationName=drwatch-sandbox&connectTimeout=5",
        "postgres", "");
  }

  /** Runs one statement as superuser, returning the first column of the first row (or null). */
  public String sql(String statement) {
    try (Connection c = connect(); var st = c.createStatement()) {
      if (st.execute(statement)) {
        try (var rs = st.getResultSet()) {
          return rs.next() ? rs.getString(1) : null;
        }
      }
      return null;
    } catch (SQLException e) {
      throw new IllegalStateException(name + ": " + e.getMessage() + " in: " + statement, e);
    }
  }

  void initdb() throws IOException {
    pg(List.of(binaries.bin("initdb").toString(), "-D", dataDir.toString(), "-U", "postgres",
        "--auth=trust", "-E", "UTF8", "--locale=C", "-N"), Duration.ofMinutes(2));
  }

  void appendConf(String... lines) {
    try {
      Files.writeString(dataDir.resolve("postgresql.conf"), String.join("\n", lines) + "\n",
          StandardCharsets.UTF_8, StandardOpenOption.APPEND);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /**
   * Serves TLS with this certificate and key (PEM; copied into the data directory with the
   * permissions the server insists on) and restarts the server. {@code clientCa}, when not null,
   * is the CA the server asks client certificates of (they stay optional: trust auth).
   */
  public void enableSsl(Path cert, Path key, Path clientCa) {
    try {
      Path c = dataDir.resolve("server.crt");
      Path k = dataDir.resolve("server.key");
      Files.copy(cert, c, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
      Files.copy(key, k, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
      Files.setPosixFilePermissions(k, java.nio.file.attribute.PosixFilePermissions.fromString("rw-------"));
      os.own(c);
      os.own(k);
      List<String> conf = new java.util.ArrayList<>(List.of("ssl = on", "ssl_cert_file = 'server.crt'",
          "ssl_key_file = 'server.key'"));
      if (clientCa != null) {
        Path ca = dataDir.resolve("client-ca.crt");
        Files.copy(clientCa, ca, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        os.own(ca);
        conf.add("ssl_ca_file = 'client-ca.crt'");
      }
      appendConf(conf.toArray(String[]::new));
    } catch (IOException e) {
      throw new UncheckedIOException(name + ": cannot install the TLS certificate", e);
    }
    stop();
    start();
  }

  String baseConf() {
    return String.join("\n",
        "listen_addresses = '127.0.0.1'",
        "port = " + port,
        "unix_socket_directories = '" + socketDir + "'");
  }

  public void start() {
    try {
      pg(List.of(binaries.bin("pg_ctl").toString(), "-D", dataDir.toString(), "-l", logFile.toString(),
          "-w", "-t", "60", "start"), Duration.ofSeconds(90));
    } catch (IOException e) {
      throw new UncheckedIOException(name + " did not start; log " + logFile + ":\n" + logTail(), e);
    }
  }

  /** Clean shutdown (fast mode: sessions are disconnected, a shutdown checkpoint is written). */
  public void stop() {
    thaw();
    if (pid().isEmpty()) {
      return;
    }
    try {
      pg(List.of(binaries.bin("pg_ctl").toString(), "-D", dataDir.toString(), "-m", "fast", "-w",
          "-t", "60", "stop"), Duration.ofSeconds(90));
    } catch (IOException e) {
      throw new UncheckedIOException(name + " did not stop", e);
    }
  }

  /** SIGKILL to the postmaster and every child: a crash, not a shutdown. */
  public void kill() {
    signalKill().ifPresent(PgNode::awaitExit);
    forgetPid();
  }

  /** Sends SIGKILL to the postmaster and every child without waiting; the postmaster, if it ran. */
  Optional<ProcessHandle> signalKill() {
    thaw();
    Optional<ProcessHandle> postmaster = pid().flatMap(ProcessHandle::of);
    postmaster.ifPresent(ph -> {
      List<ProcessHandle> all = new ArrayList<>(ph.descendants().toList());
      ph.destroyForcibly();
      all.forEach(ProcessHandle::destroyForcibly);
    });
    return postmaster;
  }

  /**
   * Waits (at most 10 s) until the process is gone. Polled: the postmaster is not this JVM's
   * child (pg_ctl detached it), and ProcessHandle.onExit() polls such a process with waits that
   * grow to seconds, which made stopping three servers take 6 s.
   */
  static void awaitExit(ProcessHandle ph) {
    long deadline = System.nanoTime() + java.util.concurrent.TimeUnit.SECONDS.toNanos(10);
    while (ph.isAlive() && System.nanoTime() - deadline < 0) {
      try {
        Thread.sleep(10);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return;
      }
    }
  }

  void forgetPid() {
    try {
      Files.deleteIfExists(dataDir.resolve("postmaster.pid"));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** SIGSTOP to every process of the server: it keeps its sockets but answers nothing. */
  public void freeze() {
    signalAll("STOP");
    frozen = true;
  }

  public void thaw() {
    if (frozen) {
      signalAll("CONT");
      frozen = false;
    }
  }

  public void promote() {
    try {
      pg(List.of(binaries.bin("pg_ctl").toString(), "-D", dataDir.toString(), "-w", "-t", "60",
          "promote"), Duration.ofSeconds(90));
    } catch (IOException e) {
      throw new UncheckedIOException(name + " did not promote", e);
    }
  }

  /**
   * Rejoins a cleanly stopped former primary as a standby of {@code primary} (which was promoted
   * after this one's clean shutdown, so no rewind is needed) and starts it: it follows the new
   * timeline.
   */
  public void follow(PgNode primary) {
    if (isRunning()) {
      throw new IllegalStateException(name + " must be stopped cleanly before it follows " + primary.name());
    }
    try {
      Path signal = dataDir.resolve("standby.signal");
      if (!Files.exists(signal)) {
        Files.createFile(signal);
        os.own(signal);
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    appendConf("# drwatch sandbox: " + name + " follows " + primary.name(),
        "primary_conninfo = 'host=127.0.0.1 port=" + primary.port() + " user=postgres application_name=" + name + "'",
        "recovery_target_timeline = 'latest'");
    start();
  }

  public boolean isRunning() {
    return pid().flatMap(ProcessHandle::of).map(ProcessHandle::isAlive).orElse(false);
  }

  /** The postmaster PID from postmaster.pid, if the server is (or was) running. */
  public Optional<Long> pid() {
    Path pidFile = dataDir.resolve("postmaster.pid");
    try {
      if (!Files.exists(pidFile)) {
        return Optional.empty();
      }
      List<String> lines = Files.readAllLines(pidFile);
      return lines.isEmpty() ? Optional.empty() : Optional.of(Long.parseLong(lines.get(0).trim()));
    } catch (IOException | NumberFormatException e) {
      return Optional.empty();
    }
  }

  private void signalAll(String signal) {
    pid().flatMap(ProcessHandle::of).ifPresent(ph -> {
      List<String> cmd = new ArrayList<>(List.of("kill", "-" + signal, Long.toString(ph.pid())));
      ph.descendants().forEach(d -> cmd.add(Long.toString(d.pid())));
      try {
        ProcessRunner.run(cmd, Duration.ofSeconds(10), Map.of());
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    });
  }

  void pg(List<String> cmd, Duration timeout) throws IOException {
    ProcessRunner.run(os.command(cmd), timeout, Map.of("LC_ALL", "C"));
  }

  public String logTail() {
    try {
      List<String> lines = Files.readAllLines(logFile);
      return String.join("\n", lines.subList(Math.max(0, lines.size() - 30), lines.size()));
    } catch (IOException e) {
      return "(no log)";
    }
  }

  private static int freePort() {
    try (ServerSocket s = new ServerSocket(0)) {
      s.setReuseAddress(true);
      return s.getLocalPort();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
