package io.drwatch.collect;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.ServiceLoader;
import java.util.Set;

/**
 * Every collector and whether it runs by default. An unknown collector name in config is an error
 * at start-up, checked against this list. The built-in collectors register themselves: each
 * carries {@code @AutoService(Collector.class)}, from which the build writes
 * {@code META-INF/services/io.drwatch.collect.Collector} for {@link ServiceLoader}, so this class
 * imports none of them and adding a collector touches no shared file. {@code CollectorRegistrationTest}
 * fails when a collector class is not registered or not named after its config key.
 */
public final class CollectorRegistry {

  public record Entry(Collector collector, boolean enabledByDefault) {}

  private final Map<String, Entry> entries = new LinkedHashMap<>();

  private CollectorRegistry(List<Entry> list) {
    for (Entry e : list) {
      if (entries.put(e.collector().name(), e) != null) {
        throw new IllegalStateException("duplicate collector " + e.collector().name());
      }
    }
  }

  public static CollectorRegistry builtIn() {
    List<Entry> list = new ArrayList<>();
    for (Collector c : ServiceLoader.load(Collector.class, Collector.class.getClassLoader())) {
      list.add(new Entry(c, c.enabledByDefault()));
    }
    if (list.isEmpty()) {
      throw new IllegalStateException("no collectors registered: META-INF/services/"
          + Collector.class.getName() + " is missing from the classpath");
    }
    // One order wherever the list shows (config errors, schedules), whatever the file's order.
    list.sort(Comparator.comparing(e -> e.collector().getClass().getName()));
    return new CollectorRegistry(list);
  }

  /** A registry of exactly these collectors (tests; collectors defined in config). */
  public static CollectorRegistry of(List<Entry> entries) {
    return new CollectorRegistry(entries);
  }

  /** This registry plus more collectors; a name already taken is an error. */
  public CollectorRegistry plus(List<Entry> more) {
    List<Entry> all = new ArrayList<>(entries.values());
    all.addAll(more);
    return new CollectorRegistry(all);
  }

  public List<Entry> entries() {
    return List.copyOf(entries.values());
  }

  public Optional<Entry> find(String name) {
    return Optional.ofNullable(entries.get(name));
  }

  public Set<String> names() {
    return entries.keySet();
  }
}
