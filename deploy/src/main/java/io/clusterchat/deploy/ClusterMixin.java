package io.clusterchat.deploy;

import io.clusterchat.cluster.ClusterJoin;
import io.clusterchat.cluster.ClusterOptions;
import io.clusterchat.cluster.NodeRole;
import io.clusterchat.metrics.NodeHttpOptions;
import java.nio.file.Path;
import java.util.List;
import picocli.CommandLine.Option;

/** The options every node takes: who it is and how it joins the cluster. */
final class ClusterMixin {

  @Option(names = "--node-id", required = true, paramLabel = "ID",
      description = "This node's id, unique in the cluster, e.g. gw-bj-1 (lower-case letters, digits, . _ -).")
  String nodeId;

  @Option(names = "--cluster-name", paramLabel = "NAME", defaultValue = ClusterOptions.DEFAULT_CLUSTER_NAME,
      description = "Nodes join only peers with the same cluster name. Default: ${DEFAULT-VALUE}.")
  String clusterName;

  @Option(names = "--cluster-members", split = ",", paramLabel = "HOST[:PORT]", defaultValue = "127.0.0.1:5701",
      description = "Seed members to join through (TCP/IP, never multicast), comma-separated; list the data members "
          + "(session-store, coordinator). Default: ${DEFAULT-VALUE}.")
  List<String> members;

  @Option(names = "--cluster-join", paramLabel = "tcp|kubernetes", defaultValue = "tcp",
      description = "How this node finds its peers: tcp, through --cluster-members; or kubernetes, Hazelcast's "
          + "Kubernetes discovery through the headless Service named by --kubernetes-service-dns (every member then "
          + "uses the same --cluster-port). Default: ${DEFAULT-VALUE}.")
  String join;

  @Option(names = "--kubernetes-service-dns", paramLabel = "NAME",
      description = "With --cluster-join kubernetes: the DNS name of the headless Service selecting every "
          + "clusterchat pod, e.g. clusterchat-cluster.chat.svc.cluster.local.")
  String kubernetesServiceDns;

  @Option(names = "--cluster-host", paramLabel = "ADDRESS", defaultValue = ClusterOptions.DEFAULT_HOST,
      description = "The address of this host that cluster peers connect to; Hazelcast and the event bus bind it. "
          + "Default: ${DEFAULT-VALUE}.")
  String host;

  @Option(names = "--cluster-port", paramLabel = "PORT", defaultValue = "5701",
      description = "This node's Hazelcast member port. Default: ${DEFAULT-VALUE}.")
  int port;

  @Option(names = "--cluster-public-host", paramLabel = "ADDRESS",
      description = "The address peers should use when it differs from --cluster-host (NAT).")
  String publicHost;

  @Option(names = "--bus-port", paramLabel = "PORT", defaultValue = "0",
      description = "The clustered event bus's TCP port; 0 picks a free one. Default: ${DEFAULT-VALUE}.")
  int busPort;

  @Option(names = "--bus-tls-cert", paramLabel = "FILE",
      description = "This node's PEM certificate for event-bus TLS, signed by the cluster CA (see the certs "
          + "command). With --bus-tls-key and --bus-tls-ca, every event-bus connection is TLS and both ends must "
          + "show a certificate of the cluster CA. Default: none (plain TCP).")
  String busTlsCert;

  @Option(names = "--bus-tls-key", paramLabel = "FILE",
      description = "The PEM (PKCS#8) private key of --bus-tls-cert.")
  String busTlsKey;

  @Option(names = "--bus-tls-ca", paramLabel = "FILE",
      description = "The cluster CA's PEM certificate: event-bus peers must show a certificate it signed.")
  String busTlsCa;

  @Option(names = "--metrics-host", paramLabel = "ADDRESS",
      description = "The address of this node's /metrics and /health endpoint. Default: --cluster-host (nothing "
          + "listens on every interface unless told to, e.g. 0.0.0.0 for a scraper on another network).")
  String metricsHost;

  @Option(names = "--metrics-port", paramLabel = "PORT", defaultValue = "0",
      description = "The port of this node's HTTP endpoint serving GET /metrics (Prometheus text) and GET /health "
          + "(readiness: 200 UP or 503 DOWN); 0 serves neither. Default: ${DEFAULT-VALUE}.")
  int metricsPort;

  @Option(names = "--data-dir", paramLabel = "DIR", defaultValue = "data",
      description = "Where the node keeps its files (the embedded database). Default: ${DEFAULT-VALUE}.")
  Path dataDir;

  @Option(names = "--config", paramLabel = "FILE",
      description = "A Java properties file of option values (key = option name without --); environment "
          + "variables CLUSTERCHAT_<OPTION_NAME> override it, flags override both.")
  Path config;

  ClusterOptions toOptions(NodeRole role, String region) {
    return new ClusterOptions()
        .setNodeId(nodeId)
        .setRole(role)
        .setRegion(region)
        .setClusterName(clusterName)
        .setMembers(members)
        .setJoin(ClusterJoin.fromWireName(join))
        .setKubernetesServiceDns(kubernetesServiceDns)
        .setHost(host)
        .setPort(port)
        .setPublicHost(publicHost)
        .setBusPort(busPort)
        .setBusTlsCert(busTlsCert)
        .setBusTlsKey(busTlsKey)
        .setBusTlsCa(busTlsCa)
        // 0 means off here (an operator wants a known port to scrape), unlike NodeHttpOptions' any-free-port.
        .setMetrics(metricsPort == 0 ? null
            : new NodeHttpOptions().setHost(metricsHost == null ? host : metricsHost).setPort(metricsPort))
        // Here, not only when the node starts: half a TLS setup is a usage error (exit 2), said before joining.
        .validate();
  }
}
