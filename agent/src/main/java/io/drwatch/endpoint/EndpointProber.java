package io.drwatch.endpoint;

import io.drwatch.config.EndpointSettings;
import java.net.URI;
import java.net.UnknownHostException;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Properties;

/**
 * One probe of an endpoint, as an application would connect: resolve the name afresh, open one
 * session to the address the DNS gave (never through the JVM's DNS cache), ask who answered and
 * whether it takes writes, close. One short session per probe, bounded by the connect timeout and
 * a statement timeout; read-only unless the endpoint opted in to the write probe, whose one upsert
 * commits with {@code synchronous_commit = local} so it never waits for a standby.
 */
public final class EndpointProber {

  static final String PROBE = """
      SELECT pg_is_in_recovery() AS in_recovery,
             current_setting('transaction_read_only') AS read_only,
             (pg_control_system()).system_identifier::text AS system_identifier,
             extract(epoch FROM pg_postmaster_start_time())::float8 AS started,
             host(inet_server_addr()) AS server_addr,
             inet_server_port() AS server_port,
             CASE WHEN pg_is_in_recovery()
                  THEN coalesce((SELECT received_tli FROM pg_stat_wal_receiver),
                                (pg_control_checkpoint()).timeline_id)
                  ELSE ('x' || substr(pg_walfile_name(pg_current_wal_lsn()), 1, 8))::bit(32)::int
             END::bigint AS timeline""";

  private final EndpointSettings settings;
  private final Dns dns;
  private final Clock clock;
  private final String host;
  private final int port;

  public EndpointProber(EndpointSettings settings, Clock clock) {
    this.settings = settings;
    this.clock = clock;
    this.dns = new Dns(settings.resolver(), settings.connectTimeout());
    URI u = URI.create(settings.url().substring("jdbc:".length()));
    this.host = u.getHost();
    this.port = u.getPort() < 0 ? 5432 : u.getPort();
  }

  public EndpointSettings settings() {
    return settings;
  }

  /** The address the endpoint's name resolves to now (used for members' names too). */
  Dns.Answer resolve(String name) throws UnknownHostException {
    return dns.resolve(name);
  }

  public ProbeResult probe() {
    Instant at = clock.instant();
    long t0 = System.nanoTime();
    Dns.Answer answer;
    try {
      answer = dns.resolve(host);
    } catch (UnknownHostException e) {
      return ProbeResult.failed(at, List.of(), null, since(t0), null, "DNS: " + e.getMessage());
    }
    double resolveSeconds = since(t0);
    String address = answer.addresses().get(0);
    long t1 = System.nanoTime();
    Connection c;
    try {
      c = DriverManager.getConnection(urlFor(address), properties());
    } catch (SQLException e) {
      return ProbeResult.failed(at, answer.addresses(), answer.ttlSeconds(), resolveSeconds, since(t1),
          describe(e));
    }
    double connectSeconds = since(t1);
    try (c) {
      c.setAutoCommit(false);
      long t2 = System.nanoTime();
      ProbeRow row;
      try (Statement st = c.createStatement()) {
        st.setQueryTimeout(queryTimeoutSeconds());
        // Timeouts inside the transaction (SET LOCAL): poolers reject startup options, and a
        // session-level SET would outlive the probe on a pooled server connection.
        st.execute("SET LOCAL statement_timeout = " + settings.timeout().toMillis()
            + "; SET LOCAL lock_timeout = " + Math.min(1000, settings.timeout().toMillis())
            + "; SET LOCAL synchronous_commit = local; " + PROBE);
        while (st.getResultSet() == null) {
          if (!st.getMoreResults() && st.getUpdateCount() == -1) {
            throw new SQLException("the probe query returned no row", "XX000");
          }
        }
        try (ResultSet rs = st.getResultSet()) {
          rs.next();
          row = new ProbeRow(rs.getBoolean("in_recovery"), "on".equals(rs.getString("read_only")),
              rs.getString("system_identifier"), (Double) rs.getObject("started", Double.class),
              rs.getString("server_addr"), (Integer) rs.getObject("server_port", Integer.class),
              (Long) rs.getObject("timeline", Long.class));
        }
      }
      double firstQuery = since(t2);
      boolean writable = !row.inRecovery() && !row.readOnly();
      Boolean wrote = null;
      String error = null;
      if (settings.writeProbe() != null && writable) {
        try (PreparedStatement ps = c.prepareStatement("INSERT INTO " + settings.writeProbe()
            + " AS p (endpoint, written_at) VALUES (?, now()) ON CONFLICT (endpoint) DO UPDATE SET written_at = now()")) {
          ps.setQueryTimeout(queryTimeoutSeconds());
          ps.setString(1, settings.name());
          ps.executeUpdate();
          c.commit();
          wrote = true;
        } catch (SQLException e) {
          wrote = false;
          writable = false;
          error = "write probe: " + describe(e);
          rollbackQuietly(c);
        }
      } else {
        rollbackQuietly(c); // nothing was written: end the read-only transaction
        if (settings.writeProbe() != null) {
          wrote = false;
        }
      }
      return new ProbeResult(at, answer.addresses(), answer.ttlSeconds(), resolveSeconds, true, connectSeconds,
          firstQuery, row.systemIdentifier(), row.started(), row.serverAddr(), row.serverPort(), row.inRecovery(),
          row.readOnly(), row.timeline(), writable, wrote, error);
    } catch (SQLException e) {
      return ProbeResult.failed(at, answer.addresses(), answer.ttlSeconds(), resolveSeconds, connectSeconds,
          describe(e));
    }
  }

  private record ProbeRow(boolean inRecovery, boolean readOnly, String systemIdentifier, Double started,
      String serverAddr, Integer serverPort, Long timeline) {}

  /** The endpoint's URL with the resolved address in place of its name, so the driver resolves nothing. */
  String urlFor(String address) {
    String rest = settings.url().substring("jdbc:postgresql://".length());
    int end = rest.length();
    for (char ch : new char[] {'/', '?'}) {
      int i = rest.indexOf(ch);
      if (i >= 0 && i < end) {
        end = i;
      }
    }
    String a = address.contains(":") ? "[" + address + "]" : address;
    return "jdbc:postgresql://" + a + ":" + port + rest.substring(end);
  }

  private Properties properties() {
    Properties p = new Properties();
    p.setProperty("user", settings.user());
    if (settings.password() != null) {
      p.setProperty("password", settings.password().reveal());
    }
    p.setProperty("ApplicationName", "drwatch-endpoint");
    p.setProperty("connectTimeout", seconds(settings.connectTimeout()));
    // The driver's own login timeout would log in on a thread it abandons at the deadline; the
    // socket timeout ends a login the server never answers instead.
    p.setProperty("loginTimeout", "0");
    p.setProperty("socketTimeout", seconds(settings.connectTimeout().plus(settings.timeout())));
    p.setProperty("cancelSignalTimeout", seconds(settings.connectTimeout()));
    // Simple statements a pooler in transaction mode can route: nothing prepared on the server.
    p.setProperty("prepareThreshold", "0");
    return p;
  }

  private int queryTimeoutSeconds() {
    return (int) Math.max(1, (settings.timeout().toMillis() + 999) / 1000 + 1);
  }

  private static void rollbackQuietly(Connection c) {
    try {
      c.rollback();
    } catch (SQLException e) {
      // the session closes next anyway
    }
  }

  /** The driver's message and SQLSTATE; pgJDBC never puts the password in either. */
  static String describe(SQLException e) {
    String m = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
    int nl = m.indexOf('\n');
    m = nl > 0 ? m.substring(0, nl) : m;
    return e.getSQLState() == null ? m : m + " (SQLSTATE " + e.getSQLState() + ")";
  }

  private static double since(long t0) {
    return (System.nanoTime() - t0) / 1e9;
  }

  private static String seconds(Duration d) {
    return Long.toString(Math.max(1, (d.toMillis() + 999) / 1000));
  }
}
