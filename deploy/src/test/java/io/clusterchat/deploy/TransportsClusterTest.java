package io.clusterchat.deploy;

import static io.clusterchat.deploy.ControlCluster.ADMIN_TOKEN;
import static io.clusterchat.deploy.ControlCluster.await;
import static io.clusterchat.deploy.ControlCluster.awaitUntil;
import static org.assertj.core.api.Assertions.assertThat;

import io.clusterchat.client.ChatClient;
import io.clusterchat.client.ChatClientOptions;
import io.clusterchat.client.ChatEvent;
import io.clusterchat.coordinator.CoordinatorOptions;
import io.clusterchat.deploy.ControlCluster.Reply;
import io.clusterchat.deploy.impl.CertificateAuthority;
import io.clusterchat.gateway.Gateway;
import io.clusterchat.gateway.GatewayOptions;
import io.clusterchat.testing.LinePeer;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 16's transports in a whole cluster, with clients nobody here wrote: {@code openssl s_client} on bj's TLS
 * port and Python's {@code websockets} on bj's {@code /ws} (as a page of the one web origin bj lets in) chat with a
 * plain TCP client on sh; dispatch names every transport; the Java client (no page: it sends no Origin) finds the
 * TLS port and the WebSocket URL by dispatch (trusting the cluster's client CA, hostname verification on); a drain
 * sends each client to the other gateway's port of its own transport.
 */
class TransportsClusterTest {

  private static final String PW = "s3cret-pass";
  private static final Duration WAIT = Duration.ofSeconds(20);
  /** The web chat's page: bj's WebSocket lets in pages of this origin alone, and clients that are no page. */
  private static final String PAGE_ORIGIN = "http://127.0.0.1:24080";

  @Test
  void everyTransportChatsAcrossRegionsAndMovesOnADrain(@TempDir Path dir) throws Exception {
    LinePeer.assumeOpenssl();
    LinePeer.assumeWebSockets();
    CertificateAuthority ca = CertificateAuthority.openOrCreate(dir);
    CertificateAuthority.Issued cert = ca.issue(dir, "gateway", List.of("127.0.0.1", "localhost"));
    Path caFile = dir.resolve(CertificateAuthority.CA_CERT);
    UnaryOperator<GatewayOptions> transports = options -> options.setTlsPort(0).setWsPort(0)
        .setTlsCert(cert.certificate().toString()).setTlsKey(cert.key().toString())
        .setWsOrigins(List.of(PAGE_ORIGIN));
    CoordinatorOptions coordinator = new CoordinatorOptions().setDrainBatchSize(10).setDrainBatchIntervalMillis(100);
    Vertx clients = Vertx.vertx();
    try (ControlCluster cluster = new ControlCluster(dir.resolve("data"), coordinator).start()) {
      Gateway bj = cluster.gateway("gw-bj-1", "bj", transports);
      Gateway sh = cluster.gateway("gw-sh-1", "sh");

      // Dispatch names every transport the gateway offers, and only those.
      Reply bjDispatch = cluster.dispatch("bj");
      assertThat(bjDispatch.body()).isEqualTo(new JsonObject().put("region", "bj").put("node", "gw-bj-1")
          .put("host", "127.0.0.1").put("port", bj.port()).put("tlsPort", bj.tlsPort()).put("wsUrl", bj.wsUrl()));
      assertThat(bj.wsUrl()).isEqualTo("ws://127.0.0.1:" + bj.wsPort() + "/ws");
      assertThat(cluster.dispatch("sh").body().fieldNames()).doesNotContain("tlsPort", "wsUrl");

      try (LineClient bob = new LineClient(sh.port());
           LinePeer tls = LinePeer.openssl(bj.tlsPort(), "-CAfile", caFile.toString(), "-verify_return_error",
               "-verify_ip", "127.0.0.1");
           LinePeer ws = LinePeer.webSocket(bj.wsUrl(), null, PAGE_ORIGIN)) {
        bob.registerAndLogin("bob", PW);

        // openssl s_client, verifying the gateway's certificate: HELLO, REGISTER, LOGIN, SEND.
        assertThat(tls.await("HELLO ", WAIT)).isEqualTo("HELLO clusterchat/1 bj gw-bj-1");
        tls.send("REGISTER alice " + PW);
        assertThat(tls.next(WAIT)).isEqualTo("OK REGISTER alice@bj");
        tls.send("LOGIN alice " + PW);
        assertThat(tls.next(WAIT)).startsWith("OK LOGIN alice@bj ");
        tls.send("SEND bob@sh hello from openssl");
        assertThat(tls.next(WAIT)).startsWith("OK SEND ");
        assertThat(bob.readMsg().text()).isEqualTo("hello from openssl");

        // A standard WebSocket client chats with the TCP client on the other gateway, both ways.
        assertThat(ws.next(WAIT)).isEqualTo("!open");
        assertThat(ws.next(WAIT)).isEqualTo("HELLO clusterchat/1 bj gw-bj-1");
        ws.send("REGISTER carol " + PW);
        assertThat(ws.next(WAIT)).isEqualTo("OK REGISTER carol@bj");
        ws.send("LOGIN carol " + PW);
        assertThat(ws.next(WAIT)).startsWith("OK LOGIN carol@bj ");
        ws.send("SEND bob@sh hi from websockets");
        assertThat(ws.next(WAIT)).startsWith("OK SEND ");
        LineClient.Msg fromCarol = bob.readMsg();
        assertThat(fromCarol.from()).isEqualTo("carol@bj");
        assertThat(fromCarol.text()).isEqualTo("hi from websockets");
        assertThat(bob.call("SEND carol@bj hello back over TCP")).startsWith("OK SEND ");
        assertThat(ws.next(WAIT)).matches("MSG 1 \\S+ bob@sh carol@bj \\d+ hello back over TCP");

        // The Java client finds TLS and WebSocket by dispatch; TLS trusts the CA file, hostname verification on.
        List<ChatEvent> tlsEvents = new CopyOnWriteArrayList<>();
        ChatClient javaTls = ChatClient.create(clients, new ChatClientOptions().setRegion("bj")
            .setCoordinatorUrl(cluster.coordinatorUrl()).setTls(true).setTrustFile(caFile.toString())
            .setReconnectInitialDelayMillis(50));
        javaTls.eventHandler(tlsEvents::add);
        await(javaTls.connect());
        await(javaTls.register("dave", PW));
        await(javaTls.login("dave", PW));
        List<ChatEvent> wsEvents = new CopyOnWriteArrayList<>();
        ChatClient javaWs = ChatClient.create(clients, new ChatClientOptions().setRegion("bj")
            .setCoordinatorUrl(cluster.coordinatorUrl()).setWebSocket(true).setReconnectInitialDelayMillis(50));
        javaWs.eventHandler(wsEvents::add);
        await(javaWs.connect());
        await(javaWs.register("erin", PW));
        await(javaWs.login("erin", PW));
        assertThat(javaWs.nodeId()).isEqualTo("gw-bj-1");
        assertThat(await(javaWs.send("dave@bj", "ws to tls")).msg()).isNotBlank();
        awaitUntil("dave's message over TLS", () -> tlsEvents.stream().anyMatch(event ->
            event instanceof ChatEvent.MessageReceived message && message.text().equals("ws to tls")));
        assertThat(bj.connections()).isEqualTo(4);

        // A drain: each client is sent to the other bj gateway's port of its own transport.
        Gateway bj2 = cluster.gateway("gw-bj-2", "bj", transports);
        Reply drain = cluster.post("/api/gateways/gw-bj-1/drain", ADMIN_TOKEN, new JsonObject());
        assertThat(drain.status()).isEqualTo(202);
        assertThat(tls.next(WAIT)).isEqualTo("RECONNECT 127.0.0.1 " + bj2.tlsPort());
        assertThat(tls.next(WAIT)).isEqualTo("BYE drain");
        assertThat(ws.next(WAIT)).isEqualTo("RECONNECT 127.0.0.1 " + bj2.wsPort() + " " + bj2.wsUrl());
        assertThat(ws.next(WAIT)).isEqualTo("BYE drain");
        assertThat(ws.next(WAIT)).startsWith("!closed");
        awaitUntil("the Java clients on gw-bj-2", () -> "gw-bj-2".equals(javaTls.nodeId())
            && "gw-bj-2".equals(javaWs.nodeId()) && javaTls.isConnected() && javaWs.isConnected());
        assertThat(tlsEvents).contains(new ChatEvent.Reconnect("127.0.0.1", bj2.tlsPort(), null));
        assertThat(wsEvents).contains(new ChatEvent.Reconnect("127.0.0.1", bj2.wsPort(), bj2.wsUrl()));
        assertThat(await(javaTls.send("erin@bj", "after the move")).msg()).isNotBlank();
        awaitUntil("erin's message after the move", () -> wsEvents.stream().anyMatch(event ->
            event instanceof ChatEvent.MessageReceived message && message.text().equals("after the move")));
        await(javaTls.close());
        await(javaWs.close());
      }
    } finally {
      await(clients.close());
    }
  }
}
