package io.confbridge.store;

import io.confbridge.config.BridgeConfig;
import io.confbridge.store.support.PostgresTestSchema;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The cluster's {@code nodes} table on PostgreSQL (V5__nodes.sql): registration, heartbeat, state, and a
 * node that stops beating read as gone. Needs {@code BRIDGE_TEST_PG_URL}; skipped without it except
 * under {@code CI=true}, where it fails.
 */
class PostgresNodeTableTest {
    private PostgresTestSchema schema;
    private JdbcDirectoryStore store;

    @BeforeEach
    void openStore() {
        schema = PostgresTestSchema.createOrSkipOutsideCi("nodes_test_");
        store = JdbcDirectoryStore.open(new BridgeConfig.StoreConfig(schema.jdbcUrl(), "", "", 2));
    }

    @AfterEach
    void dropStore() {
        if (store != null) {
            store.close();
        }
        if (schema != null) {
            schema.drop();
        }
    }

    private static NodeTable.Registration node(String id, String host) {
        return new NodeTable.Registration(id, host + ":5060", host, host + ":8080");
    }

    @Test
    void registeredNodesAreListedUpWithTheirAddresses() {
        NodeTable nodes = store.nodes();
        assertTrue(nodes.register(node("b", "127.0.0.3"), 10_000));
        assertTrue(nodes.register(node("a", "127.0.0.2"), 10_000));
        List<NodeRecord> listed = nodes.list(10_000);
        assertEquals(List.of("a", "b"), listed.stream().map(NodeRecord::nodeId).toList());
        NodeRecord a = listed.get(0);
        assertEquals(NodeRecord.State.UP, a.state());
        assertEquals("127.0.0.2:5060", a.sipAddress());
        assertEquals("127.0.0.2", a.mediaAddress());
        assertEquals("127.0.0.2:8080", a.adminAddress());
        assertEquals(0, a.calls());
    }

    @Test
    void heartbeatCarriesStateAndCalls() {
        NodeTable nodes = store.nodes();
        nodes.register(node("a", "127.0.0.2"), 10_000);
        assertTrue(nodes.heartbeat("a", NodeRecord.State.DRAINING, 7));
        NodeRecord a = nodes.list(10_000).get(0);
        assertEquals(NodeRecord.State.DRAINING, a.state());
        assertEquals(7, a.calls());
        assertFalse(nodes.heartbeat("nobody", NodeRecord.State.UP, 0), "no row, no heartbeat");
    }

    @Test
    void aNodeThatStopsBeatingIsGoneAfterTheTimeout() {
        NodeTable nodes = store.nodes();
        nodes.register(node("a", "127.0.0.2"), 1_000);
        assertEquals(NodeRecord.State.UP, nodes.list(1_000).get(0).state());
        await().atMost(Duration.ofSeconds(5)).until(() -> nodes.list(1_000).get(0).state() == NodeRecord.State.GONE);
        assertFalse(nodes.list(1_000).get(0).alive());
    }

    @Test
    void aLiveNodesIdIsNotTakenOverButADownOneIs() {
        NodeTable nodes = store.nodes();
        assertTrue(nodes.register(node("a", "127.0.0.2"), 10_000));
        assertFalse(nodes.register(node("a", "127.0.0.9"), 10_000), "a live node keeps its ID");
        assertEquals("127.0.0.2:5060", nodes.list(10_000).get(0).sipAddress());
        nodes.heartbeat("a", NodeRecord.State.DOWN, 0);
        assertEquals(NodeRecord.State.DOWN, nodes.list(10_000).get(0).state());
        assertTrue(nodes.register(node("a", "127.0.0.9"), 10_000), "a node that left gave its ID back");
        assertEquals("127.0.0.9:5060", nodes.list(10_000).get(0).sipAddress());
    }

    @Test
    void sqliteHasNoNodesTable(@org.junit.jupiter.api.io.TempDir java.nio.file.Path dir) {
        try (JdbcDirectoryStore sqlite = JdbcDirectoryStore.open(
                new BridgeConfig.StoreConfig("jdbc:sqlite:" + dir.resolve("b.db"), "", "", 1))) {
            assertThrows(IllegalStateException.class, sqlite::nodes);
        }
    }
}
