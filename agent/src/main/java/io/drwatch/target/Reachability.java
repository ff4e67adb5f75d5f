package io.drwatch.target;

import java.io.IOException;
import java.net.ConnectException;
import java.net.InetSocketAddress;
import java.net.NoRouteToHostException;
import java.net.Socket;
import java.net.UnknownHostException;
import java.sql.SQLException;
import java.time.Duration;
import java.util.Properties;
import org.postgresql.Driver;

/**
 * Whether a target's one TCP address accepts connections right now: a refused or unroutable
 * connect is a down server at once, where the pool would keep retrying until its timeout. Only for
 * a URL naming one host and port without a custom socket factory (Unix sockets, proxies); for any
 * other the check does nothing and the pool's own timeout decides.
 */
final class Reachability {

  private static final Reachability ANY = new Reachability(null, 0, 0);

  private final String host;
  private final int port;
  private final int timeoutMillis;

  private Reachability(String host, int port, int timeoutMillis) {
    this.host = host;
    this.port = port;
    this.timeoutMillis = timeoutMillis;
  }

  static Reachability of(String url, Duration timeout) {
    Properties p = Driver.parseURL(url, null);
    if (p == null || p.getProperty("socketFactory") != null) {
      return ANY;
    }
    String hosts = p.getProperty("PGHOST", "");
    String ports = p.getProperty("PGPORT", "");
    if (hosts.isEmpty() || hosts.contains(",") || ports.contains(",")) {
      return ANY;
    }
    try {
      return new Reachability(hosts, ports.isEmpty() ? 5432 : Integer.parseInt(ports),
          (int) Math.max(1, timeout.toMillis()));
    } catch (NumberFormatException e) {
      return ANY;
    }
  }

  /** Throws a connection-class SQLException (08001) when the address refuses or cannot be reached. */
  void check() throws SQLException {
    if (host == null) {
      return;
    }
    try (Socket s = new Socket()) {
      s.connect(new InetSocketAddress(host, port), timeoutMillis);
    } catch (ConnectException | NoRouteToHostException | UnknownHostException e) {
      // pgJDBC's own wording, so a down reason reads (and logs) the same whichever path found it.
      throw new SQLException("Connection to " + host + ":" + port + " refused. Check that the hostname and "
          + "port are correct and that the postmaster is accepting TCP/IP connections.",
          "08001", e);
    } catch (IOException e) {
      // A timeout or anything else: not proof of a down server; the pool's bounded wait decides.
    }
  }
}
