package io.drwatch.http;

import at.favre.lib.crypto.bcrypt.BCrypt;
import io.drwatch.config.HttpSettings;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.LongSupplier;

/**
 * Checks an {@code Authorization: Basic …} header against bcrypt hashes, like the Prometheus
 * exporter-toolkit's {@code basic_auth_users}. bcrypt costs tens of milliseconds on purpose, so a
 * successful check is remembered for {@code cacheFor} by the SHA-256 of the header (never the
 * password itself); Prometheus scraping every 15 s then pays bcrypt once per period, not per scrape.
 * An unknown user is checked against a dummy hash, so the answer takes as long as for a known one.
 * Thread-safe; {@link #verify} blocks and must run off the event loop.
 */
public final class BasicAuth {

  /** The challenge sent with a 401. */
  static final String CHALLENGE = "Basic realm=\"drwatch\", charset=\"UTF-8\"";
  private static final int MAX_CACHED = 64;
  private static final byte[] DUMMY_HASH =
      BCrypt.withDefaults().hash(10, new byte[16], "not a password".getBytes(StandardCharsets.UTF_8));

  private final Map<String, byte[]> hashes = new LinkedHashMap<>();
  private final long cacheForNanos;
  private final LongSupplier nanoTime;
  /** SHA-256 of an accepted header (hex) → when the acceptance expires. */
  private final Map<String, Long> accepted = new LinkedHashMap<>(16, 0.75f, true) {
    @Override
    protected boolean removeEldestEntry(Map.Entry<String, Long> eldest) {
      return size() > MAX_CACHED;
    }
  };

  BasicAuth(HttpSettings.BasicAuth settings) {
    this(settings, System::nanoTime);
  }

  BasicAuth(HttpSettings.BasicAuth settings, LongSupplier nanoTime) {
    settings.users().forEach((u, h) -> hashes.put(u, h.getBytes(StandardCharsets.UTF_8)));
    this.cacheForNanos = settings.cacheFor() == null ? 0 : settings.cacheFor().toNanos();
    this.nanoTime = nanoTime;
  }

  /** True when this header was accepted within the cache period: no bcrypt needed. */
  boolean cached(String header) {
    if (header == null) {
      return false;
    }
    String key = digest(header);
    synchronized (accepted) {
      Long until = accepted.get(key);
      if (until == null) {
        return false;
      }
      if (until - nanoTime.getAsLong() > 0) {
        return true;
      }
      accepted.remove(key);
      return false;
    }
  }

  /** Whether the header carries a configured user and the password matching its hash. Slow. */
  boolean verify(String header) {
    Credentials c = parse(header);
    if (c == null) {
      return false;
    }
    byte[] hash = hashes.get(c.user());
    boolean known = hash != null;
    boolean match = BCrypt.verifyer().verify(c.password(), known ? hash : DUMMY_HASH).verified;
    if (known && match) {
      synchronized (accepted) {
        accepted.put(digest(header), nanoTime.getAsLong() + cacheForNanos);
      }
      return true;
    }
    return false;
  }

  private record Credentials(String user, byte[] password) {}

  private static Credentials parse(String header) {
    if (header == null || header.length() < 6 || !header.regionMatches(true, 0, "Basic ", 0, 6)) {
      return null;
    }
    byte[] decoded;
    try {
      decoded = Base64.getDecoder().decode(header.substring(6).trim());
    } catch (IllegalArgumentException e) {
      return null;
    }
    String s = new String(decoded, StandardCharsets.UTF_8);
    int colon = s.indexOf(':');
    if (colon < 0) {
      return null;
    }
    byte[] password = s.substring(colon + 1).getBytes(StandardCharsets.UTF_8);
    if (password.length > 72) {
      return null; // bcrypt reads 72 bytes; longer passwords would match on a prefix
    }
    return new Credentials(s.substring(0, colon), password);
  }

  private static String digest(String header) {
    try {
      return java.util.HexFormat.of().formatHex(
          MessageDigest.getInstance("SHA-256").digest(header.getBytes(StandardCharsets.UTF_8)));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  /** A bcrypt hash ($2y$) of the password, for {@code drwatch hash-password}. */
  public static String hash(char[] password, int cost) {
    return BCrypt.with(BCrypt.Version.VERSION_2Y).hashToString(cost, password);
  }
}
