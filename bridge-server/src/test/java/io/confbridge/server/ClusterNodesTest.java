package io.confbridge.server;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.confbridge.config.ConfigException;
import io.confbridge.server.support.ClusterNodes;
import io.confbridge.server.support.RunningBridge;
import io.confbridge.server.support.TcpRelay;
import io.confbridge.server.support.TestPhone;
import io.confbridge.store.support.PostgresTestSchema;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Cluster mode, first layer (issue 12 §1, §5): two nodes on 127.0.0.2 and 127.0.0.3, on the same ports,
 * sharing one PostgreSQL schema, register in the nodes table; {@code GET /api/nodes} on either lists both;
 * a node killed without leaving is gone after {@code cluster.nodeTimeoutMs}; a drain shows as draining,
 * then down. Needs {@code BRIDGE_TEST_PG_URL} (skipped without it, failing under {@code CI=true}), except
 * the check that SQLite refuses cluster mode.
 */
class ClusterNodesTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final long NODE_TIMEOUT_MS = 1_500;

    private PostgresTestSchema schema;

    @AfterEach
    void dropSchema() {
        if (schema != null) {
            schema.drop();
        }
    }

    private RunningBridge node(Path dataDir, String nodeId, String loopback, RunningBridge samePortsAs) throws Exception {
        return ClusterNodes.node(schema, dataDir, nodeId, loopback, samePortsAs)
                .with("cluster.nodeTimeoutMs", Long.toString(NODE_TIMEOUT_MS)).start();
    }

    /** nodeId to state, as {@code GET /api/nodes} of {@code bridge} lists them. */
    private static Map<String, String> states(RunningBridge bridge) throws Exception {
        JsonNode body = nodes(bridge);
        Map<String, String> states = new LinkedHashMap<>();
        body.get("nodes").forEach(n -> states.put(n.get("nodeId").asText(), n.get("state").asText()));
        return states;
    }

    private static JsonNode nodes(RunningBridge bridge) throws Exception {
        RunningBridge.AdminReply reply = bridge.admin("GET", "/api/nodes", null);
        assertEquals(200, reply.status(), reply.body());
        return JSON.readTree(reply.body());
    }

    @Test
    void twoNodesListEachOtherAndAKilledOneIsGoneAfterTheTimeout(@TempDir Path dir2, @TempDir Path dir3)
            throws Exception {
        schema = PostgresTestSchema.createOrSkipOutsideCi("cluster_");
        try (RunningBridge node2 = node(dir2, "node-2", "127.0.0.2", null);
             RunningBridge node3 = node(dir3, "node-3", "127.0.0.3", node2)) {
            assertEquals(node2.sipPort(), node3.sipPort(), "the nodes share their ports, on two addresses");
            Map<String, String> bothUp = Map.of("node-2", "up", "node-3", "up");
            assertEquals(bothUp, states(node2));
            assertEquals(bothUp, states(node3));

            JsonNode seenFrom3 = nodes(node3);
            assertTrue(seenFrom3.get("cluster").asBoolean());
            assertEquals("node-3", seenFrom3.get("nodeId").asText());
            JsonNode first = seenFrom3.get("nodes").get(0);
            assertEquals("node-2", first.get("nodeId").asText());
            assertEquals("127.0.0.2:" + node2.sipPort(), first.get("sipAddress").asText());
            assertEquals("127.0.0.2", first.get("mediaAddress").asText());
            assertEquals(0, first.get("calls").asInt());
            assertFalse(first.get("self").asBoolean());
            assertTrue(seenFrom3.get("nodes").get(1).get("self").asBoolean());

            // Heartbeats keep both up well past the timeout.
            await().pollDelay(Duration.ofMillis(2 * NODE_TIMEOUT_MS)).atMost(Duration.ofSeconds(10))
                    .until(() -> states(node2).equals(bothUp));

            node3.killWithoutLeaving();
            await().atMost(Duration.ofSeconds(10))
                    .until(() -> states(node2).equals(Map.of("node-2", "up", "node-3", "gone")));
            long age = nodes(node2).get("nodes").get(1).get("heartbeatAgeMs").asLong();
            assertTrue(age > NODE_TIMEOUT_MS, "gone only after the timeout, heartbeat age " + age);
        }
    }

    @Test
    void aDrainingNodeShowsDrainingThenDown(@TempDir Path dir2, @TempDir Path dir3) throws Exception {
        schema = PostgresTestSchema.createOrSkipOutsideCi("cluster_");
        try (RunningBridge node2 = node(dir2, "node-2", "127.0.0.2", null);
             RunningBridge node3 = node(dir3, "node-3", "127.0.0.3", node2)) {
            node3.server().membership().orElseThrow().draining();
            await().atMost(Duration.ofSeconds(5))
                    .until(() -> states(node2).equals(Map.of("node-2", "up", "node-3", "draining")));
            node3.server().drainAndClose(Duration.ofSeconds(5));
            await().atMost(Duration.ofSeconds(5))
                    .until(() -> states(node2).equals(Map.of("node-2", "up", "node-3", "down")));
        }
    }

    /**
     * A node cut off from the database (a network cut between it and PostgreSQL, which the others still
     * reach) would soon be gone for the others, which drop their legs to it: it takes no new calls until
     * it reaches the database again, and says so where Kamailio's probe and a load balancer look.
     */
    @Test
    void aNodeCutOffFromTheDatabaseTakesNoNewCallsUntilItReachesItAgain(@TempDir Path dir2, @TempDir Path dir3)
            throws Exception {
        schema = PostgresTestSchema.createOrSkipOutsideCi("cluster_");
        URI server = URI.create(schema.jdbcUrl().substring("jdbc:".length()));
        try (TcpRelay relay = TcpRelay.to(server.getHost(), server.getPort());
             RunningBridge node2 = node(dir2, "node-2", "127.0.0.2", null);
             RunningBridge node3 = ClusterNodes.node(schema, dir3, "node-3", "127.0.0.3", node2)
                     .with("cluster.nodeTimeoutMs", Long.toString(NODE_TIMEOUT_MS))
                     .with("store.jdbcUrl", schema.jdbcUrl().replace(server.getHost() + ":" + server.getPort(),
                             "127.0.0.1:" + relay.port()))
                     .start()) {
            TestPhone caller = node3.newPhone("caller");
            assertEquals(200, caller.sendOptions(), "a node in service");
            assertEquals(200, node3.admin("GET", "/health/ready", null).status());

            relay.cut();
            await("node 3 refuses new calls").atMost(Duration.ofSeconds(15)).until(() -> caller.sendOptions() == 503);
            RunningBridge.AdminReply ready = node3.admin("GET", "/health/ready", null);
            assertEquals(503, ready.status(), ready.body());
            assertTrue(ready.body().contains("cut off from the cluster"), ready.body());
            assertEquals(503, caller.dial("bridge"), "a new call goes elsewhere (Kamailio fails over on 5xx)");
            assertEquals(200, node2.newPhone("other").sendOptions(), "node 2 still reaches the database");

            relay.restore();
            await("node 3 takes new calls again").atMost(Duration.ofSeconds(45)).until(() -> caller.sendOptions() == 200);
            assertEquals(200, caller.dial("bridge"));
        }
    }

    @Test
    void aSingleNodeListsNoNodes(@TempDir Path dir) throws Exception {
        try (RunningBridge single = RunningBridge.in(dir).start()) {
            JsonNode body = nodes(single);
            assertFalse(body.get("cluster").asBoolean());
            assertEquals(0, body.get("nodes").size());
        }
    }

    @Test
    void sqliteRefusesClusterModeNamingTheKey(@TempDir Path dir) {
        ConfigException refused = assertThrows(ConfigException.class,
                () -> RunningBridge.in(dir).with("store.jdbcUrl", "jdbc:sqlite:" + dir.resolve("bridge.db"))
                        .with("cluster.nodeId", "node-2").start());
        assertEquals("cluster.nodeId", refused.key());
        assertTrue(refused.getMessage().contains("PostgreSQL"), refused.getMessage());
    }
}
