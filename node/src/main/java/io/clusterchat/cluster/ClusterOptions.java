package io.clusterchat.cluster;

import io.clusterchat.metrics.NodeHttpOptions;
import io.clusterchat.protocol.Limits;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * How a node joins the cluster: who it is, which cluster, where its peers are and which address it binds.
 * Setters validate and throw {@link IllegalArgumentException} with a message fit for an operator.
 */
public class ClusterOptions {

  public static final String DEFAULT_CLUSTER_NAME = "clusterchat";
  public static final String DEFAULT_HOST = "127.0.0.1";
  public static final int DEFAULT_PORT = 5701;
  public static final List<String> DEFAULT_MEMBERS = List.of("127.0.0.1:5701");
  /** 0: the event bus picks a free port. */
  public static final int DEFAULT_BUS_PORT = 0;
  /** A TCP/IP member list: nothing but the list is needed to join. */
  public static final ClusterJoin DEFAULT_JOIN = ClusterJoin.TCP;

  private static final Pattern NODE_ID = Pattern.compile("[a-z0-9][a-z0-9._-]{0,63}");
  private static final Pattern CLUSTER_NAME = Pattern.compile("[A-Za-z0-9._-]{1,64}");
  /** A DNS name: dot-separated labels of letters, digits and inner hyphens (RFC 1123), at most 253 characters. */
  private static final Pattern DNS_NAME = Pattern.compile(
      "(?=.{1,253}$)[a-zA-Z0-9]([a-zA-Z0-9-]{0,61}[a-zA-Z0-9])?(\\.[a-zA-Z0-9]([a-zA-Z0-9-]{0,61}[a-zA-Z0-9])?)*\\.?");
  private static final int MAX_PORT = 65535;

  private String nodeId;
  private NodeRole role;
  private String region;
  private String clusterName = DEFAULT_CLUSTER_NAME;
  private String host = DEFAULT_HOST;
  private int port = DEFAULT_PORT;
  private String publicHost;
  private List<String> members = new ArrayList<>(DEFAULT_MEMBERS);
  private ClusterJoin join = DEFAULT_JOIN;
  private String kubernetesServiceDns;
  private int busPort = DEFAULT_BUS_PORT;
  private String busTlsCert;
  private String busTlsKey;
  private String busTlsCa;
  private NodeHttpOptions metrics;

  public ClusterOptions() {
  }

  public ClusterOptions(ClusterOptions other) {
    this.nodeId = other.nodeId;
    this.role = other.role;
    this.region = other.region;
    this.clusterName = other.clusterName;
    this.host = other.host;
    this.port = other.port;
    this.publicHost = other.publicHost;
    this.members = new ArrayList<>(other.members);
    this.join = other.join;
    this.kubernetesServiceDns = other.kubernetesServiceDns;
    this.busPort = other.busPort;
    this.busTlsCert = other.busTlsCert;
    this.busTlsKey = other.busTlsKey;
    this.busTlsCa = other.busTlsCa;
    this.metrics = other.metrics == null ? null : new NodeHttpOptions(other.metrics);
  }

  public String getNodeId() {
    return nodeId;
  }

  /** Unique in the cluster, e.g. {@code gw-bj-1}: lower-case letters, digits, {@code .}, {@code _}, {@code -}. */
  public ClusterOptions setNodeId(String nodeId) {
    if (nodeId == null || !NODE_ID.matcher(nodeId).matches()) {
      throw new IllegalArgumentException("node id must match " + NODE_ID + ", was '" + nodeId + "'");
    }
    this.nodeId = nodeId;
    return this;
  }

  public NodeRole getRole() {
    return role;
  }

  public ClusterOptions setRole(NodeRole role) {
    this.role = Objects.requireNonNull(role, "role");
    return this;
  }

  /** The region a gateway serves; null for roles that serve every region. */
  public String getRegion() {
    return region;
  }

  public ClusterOptions setRegion(String region) {
    if (region != null && !Limits.isRegion(region)) {
      throw new IllegalArgumentException("region must match " + Limits.REGION + ", was '" + region + "'");
    }
    this.region = region;
    return this;
  }

  public String getClusterName() {
    return clusterName;
  }

  /** Nodes join only peers with the same cluster name. */
  public ClusterOptions setClusterName(String clusterName) {
    if (clusterName == null || !CLUSTER_NAME.matcher(clusterName).matches()) {
      throw new IllegalArgumentException("cluster name must match " + CLUSTER_NAME + ", was '" + clusterName + "'");
    }
    this.clusterName = clusterName;
    return this;
  }

  public String getHost() {
    return host;
  }

  /** The address Hazelcast and the event bus bind to and announce: one interface of this host, not 0.0.0.0. */
  public ClusterOptions setHost(String host) {
    if (host == null || host.isBlank() || "0.0.0.0".equals(host) || "::".equals(host)) {
      throw new IllegalArgumentException("cluster host must be one address of this host (peers connect to it), was '"
          + host + "'");
    }
    this.host = host;
    return this;
  }

  public int getPort() {
    return port;
  }

  /** The Hazelcast member port. */
  public ClusterOptions setPort(int port) {
    this.port = checkPort("cluster port", port, false);
    return this;
  }

  public String getPublicHost() {
    return publicHost;
  }

  /** The address peers should use when it differs from {@link #getHost()} (NAT); null for the same. */
  public ClusterOptions setPublicHost(String publicHost) {
    this.publicHost = publicHost == null || publicHost.isBlank() ? null : publicHost;
    return this;
  }

  public List<String> getMembers() {
    return members;
  }

  /** Seed members, {@code host} or {@code host:port}: some (ideally the data members) of the cluster's nodes. */
  public ClusterOptions setMembers(List<String> members) {
    if (members == null || members.isEmpty()) {
      throw new IllegalArgumentException("the cluster member list must name at least one member");
    }
    for (String member : members) {
      checkMember(member);
    }
    this.members = new ArrayList<>(members);
    return this;
  }

  public ClusterJoin getJoin() {
    return join;
  }

  /**
   * How the node finds its peers: {@link ClusterJoin#TCP} (the default) through {@link #getMembers()}, or
   * {@link ClusterJoin#KUBERNETES} through the headless Service {@link #getKubernetesServiceDns()}.
   */
  public ClusterOptions setJoin(ClusterJoin join) {
    this.join = Objects.requireNonNull(join, "cluster join");
    return this;
  }

  public String getKubernetesServiceDns() {
    return kubernetesServiceDns;
  }

  /**
   * The DNS name of the headless Service whose addresses are the cluster's pods, e.g.
   * {@code clusterchat-cluster.chat.svc.cluster.local}; required with {@link ClusterJoin#KUBERNETES}. Null or blank
   * clears it.
   */
  public ClusterOptions setKubernetesServiceDns(String name) {
    if (name == null || name.isBlank()) {
      this.kubernetesServiceDns = null;
      return this;
    }
    if (!DNS_NAME.matcher(name).matches()) {
      throw new IllegalArgumentException("kubernetes service DNS must be a DNS name such as "
          + "clusterchat-cluster.chat.svc.cluster.local, was '" + name + "'");
    }
    this.kubernetesServiceDns = name;
    return this;
  }

  public int getBusPort() {
    return busPort;
  }

  /** The clustered event bus's TCP port; 0 picks a free one. */
  public ClusterOptions setBusPort(int busPort) {
    this.busPort = checkPort("event bus port", busPort, true);
    return this;
  }

  /** The PEM certificate chain this node shows its event-bus peers; null when the bus is plain TCP. */
  public String getBusTlsCert() {
    return busTlsCert;
  }

  /**
   * The PEM certificate (chain) this node proves itself with on the event bus, signed by the cluster CA; null
   * (the default) for no event-bus TLS. Set all three of cert, key and CA, or none.
   */
  public ClusterOptions setBusTlsCert(String path) {
    this.busTlsCert = checkReadable("event bus TLS certificate", path);
    return this;
  }

  public String getBusTlsKey() {
    return busTlsKey;
  }

  /** The PEM private key (PKCS#8) of {@link #getBusTlsCert()}; null for no event-bus TLS. */
  public ClusterOptions setBusTlsKey(String path) {
    this.busTlsKey = checkReadable("event bus TLS key", path);
    return this;
  }

  public String getBusTlsCa() {
    return busTlsCa;
  }

  /** The PEM CA certificate every event-bus peer's certificate must chain to; null for no event-bus TLS. */
  public ClusterOptions setBusTlsCa(String path) {
    this.busTlsCa = checkReadable("event bus TLS CA", path);
    return this;
  }

  /** True when the event bus runs over mutually authenticated TLS (cert, key and CA all set). */
  public boolean isBusTls() {
    return busTlsCert != null && busTlsKey != null && busTlsCa != null;
  }

  /** Where the node serves {@code /metrics} and {@code /health}; null for nowhere. */
  public NodeHttpOptions getMetrics() {
    return metrics;
  }

  /** Where the node serves {@code /metrics} and {@code /health}; null (the default) serves them nowhere. */
  public ClusterOptions setMetrics(NodeHttpOptions metrics) {
    this.metrics = metrics == null ? null : new NodeHttpOptions(metrics);
    return this;
  }

  /** The node's identity as seen in logs and status replies. */
  public String describe() {
    return nodeId + " (" + (role == null ? "?" : role.wireName()) + (region == null ? "" : ", region " + region) + ")";
  }

  /** Fails with a clear message when a setting every node needs is missing. */
  public ClusterOptions validate() {
    if (nodeId == null) {
      throw new IllegalArgumentException("a node id is required");
    }
    if (role == null) {
      throw new IllegalArgumentException("a role is required");
    }
    if (join == ClusterJoin.KUBERNETES && kubernetesServiceDns == null) {
      throw new IllegalArgumentException("cluster join kubernetes needs the DNS name of the cluster's headless "
          + "Service (kubernetes service DNS)");
    }
    boolean anyTls = busTlsCert != null || busTlsKey != null || busTlsCa != null;
    if (anyTls && !isBusTls()) {
      // Half a TLS setup would silently leave the bus plain (or fail at the first peer): refuse it at start.
      throw new IllegalArgumentException("event bus TLS needs all three of certificate, key and CA (got "
          + (busTlsCert == null ? "no" : "a") + " certificate, " + (busTlsKey == null ? "no" : "a") + " key, "
          + (busTlsCa == null ? "no" : "a") + " CA)");
    }
    return this;
  }

  public JsonObject toJson() {
    return new JsonObject()
        .put("nodeId", nodeId)
        .put("role", role == null ? null : role.wireName())
        .put("region", region)
        .put("clusterName", clusterName)
        .put("host", host)
        .put("port", port)
        .put("publicHost", publicHost)
        .put("members", new JsonArray(new ArrayList<>(members)))
        .put("join", join.wireName())
        .put("kubernetesServiceDns", kubernetesServiceDns)
        .put("busPort", busPort)
        .put("busTlsCert", busTlsCert)
        .put("busTlsKey", busTlsKey)
        .put("busTlsCa", busTlsCa)
        .put("metrics", metrics == null ? null : metrics.toJson());
  }

  private static int checkPort(String what, int port, boolean zeroAllowed) {
    if (port < (zeroAllowed ? 0 : 1) || port > MAX_PORT) {
      throw new IllegalArgumentException(what + " must be in " + (zeroAllowed ? 0 : 1) + ".." + MAX_PORT
          + ", was " + port);
    }
    return port;
  }

  /** Null or blank clears; anything else must be a readable file, checked now rather than at the first peer. */
  private static String checkReadable(String what, String path) {
    if (path == null || path.isBlank()) {
      return null;
    }
    Path file = Path.of(path);
    if (!Files.isRegularFile(file) || !Files.isReadable(file)) {
      throw new IllegalArgumentException(what + " '" + path + "' is not a readable file"
          + (Files.exists(file) ? "" : " (it does not exist; make one with the 'certs' command)"));
    }
    return path;
  }

  private static void checkMember(String member) {
    if (member == null || member.isBlank() || member.contains(" ")) {
      throw new IllegalArgumentException("bad cluster member '" + member + "': expected host or host:port");
    }
    int colon = member.lastIndexOf(':');
    if (colon > 0 && member.indexOf(':') == colon) {
      try {
        checkPort("cluster member port", Integer.parseInt(member.substring(colon + 1)), false);
      } catch (NumberFormatException e) {
        throw new IllegalArgumentException("bad cluster member '" + member + "': expected host or host:port");
      }
    }
  }
}
