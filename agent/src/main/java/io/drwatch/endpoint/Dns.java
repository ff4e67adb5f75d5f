package io.drwatch.endpoint;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.xbill.DNS.AAAARecord;
import org.xbill.DNS.ARecord;
import org.xbill.DNS.Address;
import org.xbill.DNS.ExtendedResolver;
import org.xbill.DNS.Lookup;
import org.xbill.DNS.Record;
import org.xbill.DNS.Resolver;
import org.xbill.DNS.SimpleResolver;
import org.xbill.DNS.TextParseException;
import org.xbill.DNS.Type;

/**
 * Resolves an endpoint's host name afresh on every call, with dnsjava and no cache, so a moved
 * record is seen as soon as the DNS server serves it and its TTL is known. The JVM's own resolver
 * ({@link InetAddress}) caches answers for 30 s whatever their TTL: that is what applications see,
 * not what the DNS says, so drwatch never uses it for endpoints.
 */
final class Dns {

  /**
   * @param addresses the A (then AAAA) records in the order the server gave them
   * @param ttlSeconds the smallest TTL among them; null for a literal address (no DNS involved)
   */
  record Answer(List<String> addresses, Long ttlSeconds) {
    Answer {
      addresses = List.copyOf(addresses);
    }
  }

  private final Resolver resolver;

  /**
   * @param server {@code host} or {@code host:port} of the DNS server to ask, or null for the
   *     system's (/etc/resolv.conf)
   */
  Dns(String server, Duration timeout) {
    try {
      // Our own resolver even for the system's servers: setting the shared default's timeout
      // would change it for every user of dnsjava in the process.
      Resolver r = server == null ? new ExtendedResolver() : simple(server);
      r.setTimeout(timeout);
      this.resolver = r;
    } catch (UnknownHostException e) {
      throw new IllegalArgumentException("resolver " + server + " is not an address", e);
    }
  }

  private static Resolver simple(String server) throws UnknownHostException {
    String host = server;
    int port = SimpleResolver.DEFAULT_PORT;
    int colon = server.lastIndexOf(':');
    if (colon > 0 && server.indexOf(':') == colon) { // host:port (an IPv6 literal has several colons)
      host = server.substring(0, colon);
      port = Integer.parseInt(server.substring(colon + 1));
    } else if (server.startsWith("[") && server.contains("]:")) {
      host = server.substring(1, server.indexOf(']'));
      port = Integer.parseInt(server.substring(server.indexOf("]:") + 2));
    }
    return new SimpleResolver(new InetSocketAddress(Address.getByAddress(host), port));
  }

  /** True for an IPv4 or IPv6 literal, which no DNS answer stands behind. */
  static boolean isLiteral(String host) {
    String h = host.startsWith("[") ? host.substring(1, host.length() - 1) : host;
    return Address.isDottedQuad(h) || (h.contains(":") && Address.toByteArray(h, Address.IPv6) != null);
  }

  Answer resolve(String host) throws UnknownHostException {
    if (isLiteral(host)) {
      return new Answer(List.of(host.startsWith("[") ? host.substring(1, host.length() - 1) : host), null);
    }
    List<String> addresses = new ArrayList<>();
    Long ttl = null;
    String lastError = null;
    for (int type : new int[] {Type.A, Type.AAAA}) {
      Lookup lookup;
      try {
        lookup = new Lookup(host, type);
      } catch (TextParseException e) {
        throw new UnknownHostException(host + ": not a valid DNS name");
      }
      lookup.setResolver(resolver);
      lookup.setCache(null); // a temporary cache for this lookup only: every probe asks the server
      Record[] records = lookup.run();
      if (records == null) {
        lastError = lookup.getErrorString();
        if (lookup.getResult() == Lookup.TRY_AGAIN || lookup.getResult() == Lookup.UNRECOVERABLE) {
          break; // the server did not answer: asking it for AAAA would only double the wait
        }
        continue;
      }
      for (Record r : records) {
        String address = r instanceof ARecord a ? a.getAddress().getHostAddress()
            : r instanceof AAAARecord a6 ? a6.getAddress().getHostAddress() : null;
        if (address != null) {
          addresses.add(address);
          ttl = ttl == null ? r.getTTL() : Math.min(ttl, r.getTTL());
        }
      }
      if (!addresses.isEmpty()) {
        break; // IPv4 first, as the driver would connect
      }
    }
    if (addresses.isEmpty()) {
      throw new UnknownHostException(host + ": " + (lastError == null ? "no address record" : lastError));
    }
    return new Answer(addresses, ttl);
  }
}
