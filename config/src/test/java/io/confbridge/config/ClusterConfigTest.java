package io.confbridge.config;

import org.junit.jupiter.api.Test;

import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Issue 12's keys: {@code cluster.nodeId}, {@code cluster.mediaAddress}, {@code cluster.nodeTimeoutMs}. */
class ClusterConfigTest {
    private static final String POSTGRES = "jdbc:postgresql://127.0.0.1/bridge";

    @Test
    void clusterModeIsOffByDefault() {
        BridgeConfig.ClusterConfig cluster = ConfigLoader.load(null, Map.of()).cluster();
        assertFalse(cluster.enabled());
        assertEquals(10_000, cluster.nodeTimeoutMs());
    }

    @Test
    void keysAndTheirEnvironmentFormsAreReadOnPostgres() {
        BridgeConfig.ClusterConfig cluster = ConfigLoader.load(null, Map.of("store.jdbcUrl", POSTGRES,
                "BRIDGE_CLUSTER_NODEID", "node-2", "BRIDGE_CLUSTER_MEDIAADDRESS", "127.0.0.2",
                "cluster.nodeTimeoutMs", "3000")).cluster();
        assertTrue(cluster.enabled());
        assertEquals("node-2", cluster.nodeId());
        assertEquals("127.0.0.2", cluster.mediaAddress());
        assertEquals(3000, cluster.nodeTimeoutMs());
        assertEquals(1000, cluster.heartbeatIntervalMs());
    }

    @Test
    void mediaAddressDefaultsToTheRtpAddress() {
        BridgeConfig.ClusterConfig cluster = ConfigLoader.load(null, Map.of("store.jdbcUrl", POSTGRES,
                "cluster.nodeId", "a", "rtp.bindAddress", "127.0.0.3")).cluster();
        assertEquals("127.0.0.3", cluster.mediaAddress());
    }

    @Test
    void sqliteRefusesClusterModeNamingTheKey() {
        ConfigException e = assertThrows(ConfigException.class,
                () -> ConfigLoader.load(null, Map.of("cluster.nodeId", "node-2")));
        assertEquals("cluster.nodeId", e.key());
        assertTrue(e.getMessage().contains("PostgreSQL"), e.getMessage());
    }

    @Test
    void wrongValuesNameTheKeyAndWhatIsAllowed() {
        ConfigException timeout = assertThrows(ConfigException.class, () -> ConfigLoader.load(null,
                Map.of("store.jdbcUrl", POSTGRES, "cluster.nodeId", "a", "cluster.nodeTimeoutMs", "500")));
        assertEquals("cluster.nodeTimeoutMs", timeout.key());
        assertTrue(timeout.getMessage().contains("600000"), timeout.getMessage());
        ConfigException id = assertThrows(ConfigException.class,
                () -> ConfigLoader.load(null, Map.of("store.jdbcUrl", POSTGRES, "cluster.nodeId", "node 2")));
        assertEquals("cluster.nodeId", id.key());
        assertTrue(id.getMessage().contains("1-64"), id.getMessage());
        ConfigException media = assertThrows(ConfigException.class, () -> ConfigLoader.load(null,
                Map.of("store.jdbcUrl", POSTGRES, "cluster.nodeId", "a", "cluster.mediaAddress", "0.0.0.0")));
        assertEquals("cluster.mediaAddress", media.key());
    }
}
