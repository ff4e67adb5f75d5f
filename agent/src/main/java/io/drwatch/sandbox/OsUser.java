package io.drwatch.sandbox;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.GroupPrincipal;
import java.nio.file.attribute.PosixFileAttributeView;
import java.nio.file.attribute.UserPrincipal;
import java.nio.file.attribute.UserPrincipalLookupService;
import java.util.ArrayList;
import java.util.List;

/**
 * PostgreSQL refuses to run as root. When this JVM is root (CI, containers) every server command
 * runs as {@code nobody} through {@code setpriv}, which execs (so a PID is the server's own), and
 * the files it needs are handed to that user. Otherwise commands run as the current user.
 */
public final class OsUser {

  private static final String UNPRIVILEGED = "nobody";

  private final boolean root;

  private OsUser(boolean root) {
    this.root = root;
  }

  public static OsUser detect() {
    return new OsUser("root".equals(System.getProperty("user.name")));
  }

  public boolean dropsPrivileges() {
    return root;
  }

  /** The command line, prefixed to drop to the unprivileged user when needed. */
  public List<String> command(List<String> cmd) {
    if (!root) {
      return cmd;
    }
    List<String> out = new ArrayList<>(List.of("setpriv", "--reuid=" + UNPRIVILEGED,
        "--regid=nogroup", "--clear-groups", "--"));
    out.addAll(cmd);
    return out;
  }

  /** Gives a path (not recursively) to the user the servers run as. */
  public void own(Path path) throws IOException {
    if (!root) {
      return;
    }
    UserPrincipalLookupService lookup = path.getFileSystem().getUserPrincipalLookupService();
    UserPrincipal user = lookup.lookupPrincipalByName(UNPRIVILEGED);
    GroupPrincipal group = lookup.lookupPrincipalByGroupName("nogroup");
    PosixFileAttributeView view = Files.getFileAttributeView(path, PosixFileAttributeView.class,
        java.nio.file.LinkOption.NOFOLLOW_LINKS);
    view.setOwner(user);
    view.setGroup(group);
  }
}
