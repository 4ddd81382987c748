package io.confbridge.config;

import org.junit.jupiter.api.Test;

import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Issue 10's keys: {@code admin.metricsToken}, {@code logging.format}, {@code shutdown.drainMs}. */
class OperationsConfigTest {

    @Test
    void defaultsAreTextLogsImmediateStopAndOpenMetrics() {
        BridgeConfig.OperationsConfig ops = ConfigLoader.load(null, Map.of()).operations();
        assertEquals(BridgeConfig.OperationsConfig.DEFAULT, ops);
    }

    @Test
    void keysAndTheirEnvironmentFormsAreRead() {
        BridgeConfig.OperationsConfig ops = ConfigLoader.load(null, Map.of("BRIDGE_LOGGING_FORMAT", "json",
                "BRIDGE_SHUTDOWN_DRAINMS", "30000", "BRIDGE_ADMIN_METRICSTOKEN", "scrape-me")).operations();
        assertEquals("json", ops.loggingFormat());
        assertEquals(30_000, ops.drainMs());
        assertEquals("scrape-me", ops.metricsToken());
        assertFalse(ops.toString().contains("scrape-me"), "the token is never shown");
    }

    @Test
    void wrongValuesNameTheKeyAndWhatIsAllowed() {
        ConfigException format = assertThrows(ConfigException.class,
                () -> ConfigLoader.load(null, Map.of("logging.format", "xml")));
        assertEquals("logging.format", format.key());
        assertTrue(format.getMessage().contains("json"), format.getMessage());
        ConfigException drain = assertThrows(ConfigException.class,
                () -> ConfigLoader.load(null, Map.of("shutdown.drainMs", "-1")));
        assertEquals("shutdown.drainMs", drain.key());
        assertTrue(drain.getMessage().contains("86400000"), drain.getMessage());
    }
}
