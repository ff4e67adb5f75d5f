package io.drwatch.packaging;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.drwatch.collect.CollectorRegistry;
import io.drwatch.config.AgentConfig;
import io.drwatch.config.ConfigLoader;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;

/**
 * packaging/kubernetes: every YAML file parses; `kubectl kustomize` renders the expected objects;
 * the PrometheusRules are the generated alerts/kubernetes file's, unchanged; the Deployment
 * probes /healthz and /readyz, runs non-root on a read-only root filesystem with its ConfigMap and
 * Secret wired; the shipped drwatch.conf is a valid config whose secrets the Deployment provides.
 */
class KubernetesManifestsTest {

  static final Path DIR = Path.of("packaging/kubernetes");

  static Yaml yaml() {
    return new Yaml(new SafeConstructor(new LoaderOptions()));
  }

  @SuppressWarnings("unchecked")
  static List<Map<String, Object>> docs(String text) {
    List<Map<String, Object>> out = new ArrayList<>();
    for (Object o : yaml().loadAll(text)) {
      if (o != null) {
        out.add((Map<String, Object>) o);
      }
    }
    return out;
  }

  @SuppressWarnings("unchecked")
  static <T> T at(Object o, String... path) {
    Object cur = o;
    for (String p : path) {
      if (cur instanceof List<?> l) {
        cur = l.get(Integer.parseInt(p));
      } else {
        cur = ((Map<String, Object>) cur).get(p);
      }
      assertNotNull(cur, "no " + String.join(".", path));
    }
    return (T) cur;
  }

  @Test
  void everyYamlFileParses() throws IOException {
    int n = 0;
    for (Path dir : List.of(Repo.path(DIR.toString()), Repo.path("alerts/kubernetes"))) {
      try (Stream<Path> s = Files.list(dir)) {
        for (Path p : s.filter(x -> x.toString().matches(".*\\.ya?ml$")).toList()) {
          List<Map<String, Object>> d = docs(Files.readString(p));
          assertTrue(!d.isEmpty(), p + " is empty");
          d.forEach(doc -> assertTrue(doc.containsKey("apiVersion") && doc.containsKey("kind"), p + ": apiVersion and kind"));
          n++;
        }
      }
    }
    assertTrue(n >= 7, "found " + n + " YAML files");
  }

  static List<Map<String, Object>> rendered() {
    if (!Repo.onPath("kubectl")) {
      System.out.println("[packaging] kubectl not installed: kustomize rendering skipped (YAML validity still checked)");
      Assumptions.abort("kubectl not installed");
    }
    Repo.Result r = Repo.run(Repo.root(), Map.of(), Duration.ofMinutes(2), List.of("kubectl", "kustomize", DIR.toString()));
    assertEquals(0, r.exit(), r.output());
    return docs(r.output());
  }

  @Test
  @SuppressWarnings("unchecked")
  void kustomizeRendersTheObjectsWithTheGeneratedPrometheusRule() throws IOException {
    List<Map<String, Object>> objs = rendered();
    Map<String, Integer> kinds = new TreeMap<>();
    objs.forEach(o -> kinds.merge((String) o.get("kind"), 1, Integer::sum));
    List<Map<String, Object>> generated = docs(Files.readString(Repo.path("alerts/kubernetes/drwatch.prometheusrule.yml")));
    assertEquals(Map.of("ConfigMap", 1, "Deployment", 1, "PrometheusRule", generated.size(), "Service", 1,
        "ServiceMonitor", 1), kinds);
    for (Map<String, Object> g : generated) {
      String name = at(g, "metadata", "name");
      Map<String, Object> r = objs.stream().filter(o -> "PrometheusRule".equals(o.get("kind"))
          && name.equals(at(o, "metadata", "name"))).findFirst().orElseThrow(() -> new AssertionError("no " + name));
      assertEquals(g.get("spec"), r.get("spec"), name + " renders the generated spec unchanged");
    }
    for (Map<String, Object> o : objs) {
      Map<String, Object> labels = at(o, "metadata", "labels");
      assertEquals("drwatch", labels.get("app.kubernetes.io/name"), o.get("kind") + " is labelled");
    }
  }

  @Test
  @SuppressWarnings("unchecked")
  void deploymentProbesRunsNonRootAndWiresConfigAndSecrets() {
    List<Map<String, Object>> objs = rendered();
    Map<String, Object> dep = objs.stream().filter(o -> "Deployment".equals(o.get("kind"))).findFirst().orElseThrow();
    Map<String, Object> cm = objs.stream().filter(o -> "ConfigMap".equals(o.get("kind"))).findFirst().orElseThrow();
    Map<String, Object> pod = at(dep, "spec", "template", "spec");
    Map<String, Object> c = at(pod, "containers", "0");
    assertEquals("/healthz", at(c, "livenessProbe", "httpGet", "path"));
    assertEquals("/healthz", at(c, "startupProbe", "httpGet", "path"));
    assertEquals("/readyz", at(c, "readinessProbe", "httpGet", "path"));
    assertEquals("metrics", at(c, "readinessProbe", "httpGet", "port"));
    assertEquals(Integer.valueOf(9966), at(c, "ports", "0", "containerPort"));
    assertEquals(true, at(pod, "securityContext", "runAsNonRoot"));
    assertEquals(Integer.valueOf(10001), at(pod, "securityContext", "runAsUser"), "the image's USER");
    assertEquals(true, at(c, "securityContext", "readOnlyRootFilesystem"));
    assertEquals(false, at(c, "securityContext", "allowPrivilegeEscalation"));
    assertEquals(List.of("ALL"), at(c, "securityContext", "capabilities", "drop"));
    assertTrue(((String) at(c, "resources", "requests", "memory")).endsWith("Mi"));
    assertTrue(((String) at(c, "resources", "limits", "memory")).endsWith("Mi"));
    List<Map<String, Object>> volumes = at(pod, "volumes");
    Map<String, Object> config = volumes.stream().filter(v -> v.containsKey("configMap")).findFirst().orElseThrow();
    assertEquals((Object) at(cm, "metadata", "name"), (Object) at(config, "configMap", "name"), "the Deployment mounts the generated ConfigMap");
    Map<String, Object> secret = volumes.stream().filter(v -> v.containsKey("secret")).findFirst().orElseThrow();
    assertEquals("drwatch-db", at(secret, "secret", "secretName"));
    assertEquals("drwatch-db", at(c, "env", "0", "valueFrom", "secretKeyRef", "name"));
    Map<String, Object> svc = objs.stream().filter(o -> "Service".equals(o.get("kind"))).findFirst().orElseThrow();
    Map<String, Object> sm = objs.stream().filter(o -> "ServiceMonitor".equals(o.get("kind"))).findFirst().orElseThrow();
    assertEquals("metrics", at(sm, "spec", "endpoints", "0", "port"));
    assertEquals("metrics", at(svc, "spec", "ports", "0", "name"));
    Map<String, Object> svcLabels = at(svc, "metadata", "labels");
    Map<String, Object> wanted = at(sm, "spec", "selector", "matchLabels");
    wanted.forEach((k, v) -> assertEquals(v, svcLabels.get(k), "ServiceMonitor selects the Service by " + k));
    Map<String, Object> podLabels = at(dep, "spec", "template", "metadata", "labels");
    Map<String, Object> svcSelector = at(svc, "spec", "selector");
    svcSelector.forEach((k, v) -> assertEquals(v, podLabels.get(k), "the Service selects the pods by " + k));
  }

  @Test
  @SuppressWarnings("unchecked")
  void shippedConfigIsValidAndItsSecretsAreProvided(@TempDir Path tmp) throws IOException {
    String hocon = Repo.read(DIR.resolve("drwatch.conf").toString());
    Map<String, Object> example = docs(Repo.read(DIR.resolve("secret.example.yaml").toString())).get(0);
    Map<String, Object> keys = at(example, "stringData");
    for (String key : keys.keySet()) {
      Files.writeString(tmp.resolve(key), "x");
    }
    String local = hocon.replace("/etc/drwatch/secrets/", tmp.toString() + "/");
    Map<String, Object> dep = docs(Repo.read(DIR.resolve("deployment.yaml").toString())).get(0);
    Map<String, Object> c = at(dep, "spec", "template", "spec", "containers", "0");
    Map<String, String> env = new TreeMap<>();
    for (Map<String, Object> e : (List<Map<String, Object>>) c.get("env")) {
      String key = at(e, "valueFrom", "secretKeyRef", "key");
      assertTrue(keys.containsKey(key), "secret.example.yaml has key " + key);
      env.put((String) e.get("name"), "x");
    }
    AgentConfig config = new ConfigLoader(CollectorRegistry.builtIn().names(), env::get).loadString(local, "drwatch.conf");
    assertEquals(2, config.targets().size());
    assertTrue(hocon.contains("password-file = \"/etc/drwatch/secrets/"), "a password-file target reads the mounted Secret");
  }

  @Test
  void kubeconformValidatesWhereInstalled() {
    if (!Repo.onPath("kubeconform")) {
      System.out.println("[packaging] kubeconform is not installed (not packaged in Debian, npm or Maven Central):"
          + " schema validation skipped; kubectl kustomize and the structural checks still run");
      Assumptions.abort("kubeconform not installed");
    }
    List<Map<String, Object>> objs = rendered();
    assertTrue(!objs.isEmpty());
    Repo.Result r = Repo.run(Repo.root(), Map.of(), Duration.ofMinutes(2),
        List.of("sh", "-c", "kubectl kustomize " + DIR + " | kubeconform -strict -ignore-missing-schemas -summary"));
    assertEquals(0, r.exit(), r.output());
  }
}
