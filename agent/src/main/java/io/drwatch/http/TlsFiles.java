package io.drwatch.http;

import io.drwatch.config.HttpSettings;
import io.vertx.core.net.PemKeyCertOptions;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Set;

/** The server's PEM certificate and key, and what tells a rotation on disk. */
final class TlsFiles {

  /** TLS 1.0 and 1.1 are off. */
  static final Set<String> PROTOCOLS = Set.of("TLSv1.2", "TLSv1.3");

  private TlsFiles() {}

  /** Modification time and size of both files (-1 for one that cannot be read just now). */
  record Stamp(long certModified, long certSize, long keyModified, long keySize) {}

  static Stamp stamp(HttpSettings.Tls tls) {
    return new Stamp(modified(tls.certFile()), size(tls.certFile()), modified(tls.keyFile()), size(tls.keyFile()));
  }

  static PemKeyCertOptions keyCert(HttpSettings.Tls tls) {
    return new PemKeyCertOptions()
        .setCertPath(tls.certFile().toString())
        .setKeyPath(tls.keyFile().toString());
  }

  private static long modified(Path p) {
    try {
      return Files.getLastModifiedTime(p).toMillis();
    } catch (IOException e) {
      return -1;
    }
  }

  private static long size(Path p) {
    try {
      return Files.size(p);
    } catch (IOException e) {
      return -1;
    }
  }
}
