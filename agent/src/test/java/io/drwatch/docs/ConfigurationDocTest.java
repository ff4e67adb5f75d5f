package io.drwatch.docs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import com.typesafe.config.ConfigObject;
import com.typesafe.config.ConfigRenderOptions;
import com.typesafe.config.ConfigValue;
import com.typesafe.config.ConfigValueType;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * docs/configuration.md documents every key of reference.conf and names no key that does not
 * exist: its reference rows ({@code | `drwatch.a.b` | default | meaning |}) must be exactly the
 * paths of reference.conf — every leaf, and every object that reference.conf leaves empty for
 * the user to fill (clusters, custom-collectors).
 */
class ConfigurationDocTest {

  static Path root() {
    for (Path dir = Path.of(System.getProperty("user.dir")).toAbsolutePath(); dir != null; dir = dir.getParent()) {
      if (Files.isRegularFile(dir.resolve("docs/configuration.md"))) {
        return dir;
      }
    }
    throw new IllegalStateException("no docs/configuration.md above " + System.getProperty("user.dir"));
  }

  static void keys(String prefix, ConfigObject o, Set<String> out) {
    if (o.isEmpty()) {
      out.add(prefix);
      return;
    }
    for (Map.Entry<String, ConfigValue> e : o.entrySet()) {
      String path = prefix + "." + e.getKey();
      if (e.getValue().valueType() == ConfigValueType.OBJECT) {
        keys(path, (ConfigObject) e.getValue(), out);
      } else {
        out.add(path);
      }
    }
  }

  static Set<String> referenceKeys() {
    Config ref = ConfigFactory.parseResources(ConfigurationDocTest.class.getClassLoader(), "reference.conf");
    Set<String> out = new TreeSet<>();
    keys("drwatch", ref.getObject("drwatch"), out);
    return out;
  }

  static Set<String> documentedKeys() throws IOException {
    String text = Files.readString(root().resolve("docs/configuration.md"), StandardCharsets.UTF_8);
    Set<String> out = new TreeSet<>();
    Matcher m = Pattern.compile("(?m)^\\| `(drwatch\\.[a-z0-9.-]+)` \\|").matcher(text);
    while (m.find()) {
      out.add(m.group(1));
    }
    return out;
  }

  @Test
  void everyReferenceKeyIsDocumentedAndNoOtherIs() throws IOException {
    Set<String> ref = referenceKeys();
    Set<String> doc = documentedKeys();
    assertTrue(ref.contains("drwatch.http.port") && ref.size() > 8, "read reference.conf: " + ref);
    Set<String> missing = new TreeSet<>(ref);
    missing.removeAll(doc);
    Set<String> unknown = new TreeSet<>(doc);
    unknown.removeAll(ref);
    assertEquals(Set.of(), missing, "reference.conf keys missing from docs/configuration.md");
    assertEquals(Set.of(), unknown, "docs/configuration.md names keys that reference.conf does not have");
  }

  @Test
  void documentedDefaultsMatchReferenceConf() throws IOException {
    Config ref = ConfigFactory.parseResources(ConfigurationDocTest.class.getClassLoader(), "reference.conf");
    String text = Files.readString(root().resolve("docs/configuration.md"), StandardCharsets.UTF_8);
    Matcher m = Pattern.compile("(?m)^\\| `(drwatch\\.[a-z0-9.-]+)` \\| `([^`]*)` \\|").matcher(text);
    int n = 0;
    while (m.find()) {
      ConfigValue v = ref.getValue(m.group(1));
      String want = v.valueType() == ConfigValueType.STRING ? (String) v.unwrapped() : v.render(ConfigRenderOptions.concise());
      if (want.isEmpty()) {
        want = "\"\""; // an empty string is written `""` in the table
      }
      assertEquals(want, m.group(2), m.group(1) + ": documented default");
      n++;
    }
    assertTrue(n >= 8, "found " + n + " documented defaults");
  }
}
