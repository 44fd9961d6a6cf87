package io.clusterchat.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import picocli.CommandLine;

/**
 * deploy/k8s without a Kubernetes cluster: every file is YAML documents with apiVersion, kind and metadata; every
 * name a manifest refers to (Secret and key, ConfigMap, Service, port name, selector) exists; every CLUSTERCHAT_*
 * variable is an option of the role it is given to; the heap fits the memory limit; probes ask /health. No schema
 * validator runs here: kubectl needs an API server even for a client dry run, and kubeconform is in no registry
 * this project uses.
 */
class K8sManifestsTest {

  private static final Path DIR = Path.of("k8s");
  private static final String NAMESPACE = "clusterchat";
  private static final Pattern HEAP = Pattern.compile("-Xmx(\\d+)([mg])");
  private static final double MAX_HEAP_SHARE = 0.6;
  private static final int CLIENT_PORT = 9001;
  private static final int TLS_PORT = 9443;
  private static final int WS_PORT = 9091;
  private static final String TLS_DIR = "/etc/clusterchat/tls";

  private static final List<Map<String, Object>> DOCS = new ArrayList<>();
  private static final Map<String, Map<String, Object>> BY_KIND_NAME = new HashMap<>();

  @BeforeAll
  static void load() throws Exception {
    try (Stream<Path> files = Files.list(DIR)) {
      for (Path file : files.filter(f -> f.toString().endsWith(".yaml")).sorted().toList()) {
        for (Object doc : new Yaml(new LoaderOptions()).loadAll(Files.readString(file))) {
          assertThat(doc).as(file.toString()).isInstanceOf(Map.class);
          Map<String, Object> map = map(doc);
          map.put("__file", file.getFileName().toString());
          DOCS.add(map);
        }
      }
    }
    for (Map<String, Object> doc : DOCS) {
      if (!"Kustomization".equals(doc.get("kind"))) {
        BY_KIND_NAME.put(doc.get("kind") + "/" + name(doc), doc);
      }
    }
  }

  @Test
  void everyDocumentHasApiVersionKindAndMetadataInTheNamespace() {
    assertThat(DOCS).hasSizeGreaterThan(10).allSatisfy(doc -> {
      assertThat(doc.get("apiVersion")).as(doc.get("__file").toString()).isInstanceOf(String.class);
      assertThat(doc.get("kind")).as(doc.get("__file").toString()).isInstanceOf(String.class);
      if (!"Kustomization".equals(doc.get("kind"))) {
        assertThat(name(doc)).as(doc.get("__file").toString()).matches("[a-z0-9]([a-z0-9.-]*[a-z0-9])?");
        if (!"Namespace".equals(doc.get("kind"))) {
          assertThat(map(doc.get("metadata")).get("namespace")).as(name(doc)).isEqualTo(NAMESPACE);
        }
      }
    });
  }

  @Test
  void kustomizationListsEveryManifestButTheExampleSecrets() throws Exception {
    Map<String, Object> kustomization = DOCS.stream().filter(d -> "Kustomization".equals(d.get("kind")))
        .findFirst().orElseThrow();
    Set<String> files = new HashSet<>();
    try (Stream<Path> list = Files.list(DIR)) {
      list.map(f -> f.getFileName().toString()).filter(f -> f.endsWith(".yaml")).forEach(files::add);
    }
    files.remove("kustomization.yaml");
    files.remove("secrets.example.yaml");
    assertThat(list(kustomization.get("resources"))).containsExactlyInAnyOrderElementsOf(files);
  }

  @Test
  void theDataMembersAreStatefulSetsWithABudgetAndTheRestDeployments() {
    for (String role : List.of("coordinator", "session-store")) {
      Map<String, Object> set = BY_KIND_NAME.get("StatefulSet/" + role);
      assertThat(set).as(role).isNotNull();
      assertThat(BY_KIND_NAME).containsKey("Service/" + map(set.get("spec")).get("serviceName"));
      assertThat(podLabels(set)).containsEntry("clusterchat.io/data-member", "true");
    }
    assertThat(BY_KIND_NAME).containsKeys("Deployment/auth-node", "Deployment/persistence-node",
        "Deployment/gateway-bj");
    Map<String, Object> persistence = map(BY_KIND_NAME.get("Deployment/persistence-node").get("spec"));
    // Two writers share the shards; an update replaces one at a time (the other takes its shards meanwhile).
    assertThat(persistence.get("replicas")).isEqualTo(2);
    assertThat(map(persistence.get("strategy")).get("type")).isEqualTo("RollingUpdate");

    Map<String, Object> budget = BY_KIND_NAME.get("PodDisruptionBudget/clusterchat-data-members");
    Map<String, Object> budgetSelector = map(map(map(budget.get("spec")).get("selector")).get("matchLabels"));
    List<String> covered = workloads().stream().filter(w -> podLabels(w).entrySet()
        .containsAll(budgetSelector.entrySet())).map(K8sManifestsTest::name).toList();
    assertThat(covered).containsExactlyInAnyOrder("coordinator", "session-store");

    Map<String, Object> headless = map(BY_KIND_NAME.get("Service/clusterchat-cluster").get("spec"));
    assertThat(headless).containsEntry("clusterIP", "None").containsEntry("publishNotReadyAddresses", true);
    Map<String, Object> config = map(BY_KIND_NAME.get("ConfigMap/clusterchat-config").get("data"));
    assertThat(config).containsEntry("CLUSTERCHAT_CLUSTER_JOIN", "kubernetes")
        .containsEntry("CLUSTERCHAT_KUBERNETES_SERVICE_DNS", "clusterchat-cluster." + NAMESPACE
            + ".svc.cluster.local");
  }

  @Test
  void everyServiceSelectsPodsThatHaveItsTargetPorts() {
    for (Map<String, Object> service : ofKind("Service")) {
      Map<String, Object> spec = map(service.get("spec"));
      Map<String, Object> selector = map(spec.get("selector"));
      List<Map<String, Object>> selected = workloads().stream()
          .filter(w -> podLabels(w).entrySet().containsAll(selector.entrySet())).toList();
      assertThat(selected).as("pods of Service " + name(service)).isNotEmpty();
      for (Object port : list(spec.get("ports"))) {
        Object target = map(port).get("targetPort");
        for (Map<String, Object> workload : selected) {
          assertThat(portNames(workload)).as(name(service) + " -> " + name(workload)).contains(target.toString());
        }
      }
    }
  }

  @Test
  void everySecretConfigMapAndPortReferredToExists() {
    Map<String, Object> secrets = new HashMap<>();
    for (Map<String, Object> secret : ofKind("Secret")) {
      secrets.put(name(secret), map(secret.get("stringData")));
    }
    for (Map<String, Object> workload : workloads()) {
      Map<String, Object> container = container(workload);
      for (Object from : list(container.get("envFrom"))) {
        String configMap = map(map(from).get("configMapRef")).get("name").toString();
        assertThat(BY_KIND_NAME).as(name(workload)).containsKey("ConfigMap/" + configMap);
      }
      for (Object env : list(container.get("env"))) {
        Map<String, Object> valueFrom = map(map(env).get("valueFrom"));
        if (valueFrom.containsKey("secretKeyRef")) {
          Map<String, Object> ref = map(valueFrom.get("secretKeyRef"));
          assertThat(secrets).as(name(workload)).containsKey(ref.get("name").toString());
          assertThat(map(secrets.get(ref.get("name").toString()))).as(name(workload)).containsKey(ref.get("key")
              .toString());
        }
      }
      for (String probe : List.of("startupProbe", "readinessProbe", "livenessProbe")) {
        Map<String, Object> get = map(map(container.get(probe)).get("httpGet"));
        assertThat(get.get("path")).as(name(workload) + " " + probe).isEqualTo("/health");
        assertThat(portNames(workload)).as(name(workload) + " " + probe).contains(get.get("port").toString());
      }
    }
    Map<String, Object> policy = map(BY_KIND_NAME.get("NetworkPolicy/clusterchat").get("spec"));
    Set<String> allPorts = new HashSet<>();
    workloads().forEach(w -> allPorts.addAll(portNames(w)));
    for (Object rule : list(policy.get("ingress"))) {
      for (Object port : list(map(rule).get("ports"))) {
        assertThat(allPorts).contains(map(port).get("port").toString());
      }
    }
  }

  @Test
  void everyVariableIsAnOptionOfItsRoleAndTheHeapFitsTheLimit() {
    Map<String, Object> shared = map(BY_KIND_NAME.get("ConfigMap/clusterchat-config").get("data"));
    for (Map<String, Object> workload : workloads()) {
      Map<String, Object> container = container(workload);
      List<String> command = list(container.get("command")).stream().map(Object::toString).toList();
      String role = command.get(command.size() - 1);
      Set<String> options = options(role);
      List<String> variables = new ArrayList<>(shared.keySet());
      list(container.get("env")).forEach(env -> variables.add(map(env).get("name").toString()));
      assertThat(variables).as(name(workload)).allSatisfy(variable -> assertThat(variable
          .replaceFirst("^CLUSTERCHAT_", "").toLowerCase(Locale.ROOT).replace('_', '-')).isIn(options));

      Map<String, Object> resources = map(container.get("resources"));
      long limit = mebibytes(map(resources.get("limits")).get("memory").toString());
      assertThat(map(resources.get("requests"))).as(name(workload)).containsKeys("cpu", "memory");
      Matcher heap = HEAP.matcher(String.join(" ", command));
      assertThat(heap.find()).as(name(workload) + " sets -Xmx").isTrue();
      long heapMib = Long.parseLong(heap.group(1)) * ("g".equals(heap.group(2)) ? 1024 : 1);
      assertThat(heapMib).as(name(workload) + " heap against its memory limit").isLessThanOrEqualTo(
          (long) (limit * MAX_HEAP_SHARE));
      assertThat(command).as(name(workload)).contains("-Xms" + heap.group(1) + heap.group(2));
    }
  }

  @Test
  void gatewaysTellDispatchAnAddressClientsReach() {
    Map<String, Object> container = container(BY_KIND_NAME.get("Deployment/gateway-bj"));
    Map<String, Object> publicHost = list(container.get("env")).stream().map(K8sManifestsTest::map)
        .filter(env -> "CLUSTERCHAT_PUBLIC_HOST".equals(env.get("name"))).findFirst().orElseThrow();
    assertThat(map(map(publicHost.get("valueFrom")).get("fieldRef")).get("fieldPath")).isEqualTo("status.hostIP");
    Map<String, Object> client = list(container.get("ports")).stream().map(K8sManifestsTest::map)
        .filter(port -> "client".equals(port.get("name"))).findFirst().orElseThrow();
    assertThat(client.get("hostPort")).isEqualTo(client.get("containerPort"));
  }

  /**
   * Gateways offer TLS (9443) and WebSocket over TLS (9091) beside TCP, as hostPorts like the client port, in their
   * Service and open in the NetworkPolicy; the certificate and key are files of a kubernetes.io/tls Secret mounted as
   * a whole directory (a subPath mount would miss renewals), and the launcher takes the variables as those options.
   */
  @Test
  void gatewaysOfferTlsAndWebSocketWithTheCertificateFromATlsSecret() {
    Map<String, Object> gateway = BY_KIND_NAME.get("Deployment/gateway-bj");
    Map<String, Object> container = container(gateway);
    Map<String, Integer> hostPorts = new HashMap<>();
    for (Object port : list(container.get("ports"))) {
      Map<String, Object> p = map(port);
      if (p.containsKey("hostPort")) {
        assertThat(p.get("hostPort")).as(p.get("name").toString()).isEqualTo(p.get("containerPort"));
        hostPorts.put(p.get("name").toString(), (Integer) p.get("hostPort"));
      }
    }
    assertThat(hostPorts).containsEntry("client", CLIENT_PORT).containsEntry("tls", TLS_PORT)
        .containsEntry("ws", WS_PORT);

    Map<String, String> env = new HashMap<>();
    list(container.get("env")).stream().map(K8sManifestsTest::map).filter(e -> e.containsKey("value"))
        .forEach(e -> env.put(e.get("name").toString(), e.get("value").toString()));
    env.put("CLUSTERCHAT_NODE_ID", "gateway-bj-0");
    String[] args = {"gateway"};
    CommandLine commandLine = Launcher.commandLine(args, env, new PrintWriter(new StringWriter()));
    GatewayCommand command = (GatewayCommand) commandLine.parseArgs(args).subcommand().commandSpec().userObject();
    assertThat(command.tlsPort).isEqualTo(TLS_PORT);
    assertThat(command.wsPort).isEqualTo(WS_PORT);
    assertThat(command.wsTls).isTrue();
    assertThat(command.tlsCert).isEqualTo(TLS_DIR + "/tls.crt");
    assertThat(command.tlsKey).isEqualTo(TLS_DIR + "/tls.key");

    Map<String, Object> mount = list(container.get("volumeMounts")).stream().map(K8sManifestsTest::map)
        .filter(m -> TLS_DIR.equals(m.get("mountPath"))).findFirst().orElseThrow();
    assertThat(mount).doesNotContainKey("subPath").containsEntry("readOnly", true);
    Map<String, Object> volume = list(podSpec(gateway).get("volumes")).stream().map(K8sManifestsTest::map)
        .filter(v -> mount.get("name").equals(v.get("name"))).findFirst().orElseThrow();
    Map<String, Object> secretRef = map(volume.get("secret"));
    Map<String, Object> secret = BY_KIND_NAME.get("Secret/" + secretRef.get("secretName"));
    assertThat(secret).as("Secret " + secretRef.get("secretName")).isNotNull();
    assertThat(secret.get("type")).isEqualTo("kubernetes.io/tls");
    assertThat(map(secret.get("stringData"))).containsKeys("tls.crt", "tls.key");
    assertThat(secretRef).doesNotContainKey("items");

    List<Object> servicePorts = list(map(BY_KIND_NAME.get("Service/clusterchat-gateway-bj").get("spec"))
        .get("ports"));
    assertThat(servicePorts.stream().map(K8sManifestsTest::map).map(p -> p.get("port")).toList())
        .containsExactlyInAnyOrder(CLIENT_PORT, TLS_PORT, WS_PORT);
    Map<String, Object> policy = map(BY_KIND_NAME.get("NetworkPolicy/clusterchat").get("spec"));
    List<Object> open = new ArrayList<>();
    list(policy.get("ingress")).forEach(rule -> list(map(rule).get("ports")).forEach(p -> open.add(map(p)
        .get("port"))));
    assertThat(open).contains("client", "tls", "ws");
  }

  private static Set<String> options(String role) {
    CommandLine commandLine = Launcher.commandLine(new String[0], Map.of(), new PrintWriter(new StringWriter()));
    CommandLine sub = commandLine.getSubcommands().get(role);
    assertThat(sub).as("role " + role).isNotNull();
    Set<String> names = new HashSet<>();
    sub.getCommandSpec().options().forEach(option -> names.add(option.longestName().substring(2)));
    return names;
  }

  private static long mebibytes(String quantity) {
    Matcher matcher = Pattern.compile("(\\d+)(Mi|Gi)").matcher(quantity);
    assertThat(matcher.matches()).as(quantity).isTrue();
    return Long.parseLong(matcher.group(1)) * ("Gi".equals(matcher.group(2)) ? 1024 : 1);
  }

  private static List<Map<String, Object>> workloads() {
    return DOCS.stream().filter(d -> "Deployment".equals(d.get("kind")) || "StatefulSet".equals(d.get("kind")))
        .toList();
  }

  private static List<Map<String, Object>> ofKind(String kind) {
    return DOCS.stream().filter(d -> kind.equals(d.get("kind"))).toList();
  }

  private static Map<String, Object> podSpec(Map<String, Object> workload) {
    return map(map(map(workload.get("spec")).get("template")).get("spec"));
  }

  private static Map<String, Object> podLabels(Map<String, Object> workload) {
    return map(map(map(map(workload.get("spec")).get("template")).get("metadata")).get("labels"));
  }

  private static Map<String, Object> container(Map<String, Object> workload) {
    List<Object> containers = list(podSpec(workload).get("containers"));
    assertThat(containers).as(name(workload)).hasSize(1);
    return map(containers.get(0));
  }

  private static Set<String> portNames(Map<String, Object> workload) {
    Set<String> names = new HashSet<>();
    list(container(workload).get("ports")).forEach(port -> names.add(map(port).get("name").toString()));
    return names;
  }

  private static String name(Map<String, Object> doc) {
    return String.valueOf(map(doc.get("metadata")).get("name"));
  }

  @SuppressWarnings("unchecked")
  private static Map<String, Object> map(Object value) {
    return value == null ? Map.of() : (Map<String, Object>) value;
  }

  @SuppressWarnings("unchecked")
  private static List<Object> list(Object value) {
    return value == null ? List.of() : (List<Object>) value;
  }
}
