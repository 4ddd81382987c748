package io.confbridge.pin;

import io.confbridge.config.BridgeConfig;
import io.confbridge.config.ConfigLoader;
import io.confbridge.store.JdbcDirectoryStore;
import io.confbridge.store.PinFailures;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;

class DigestLockoutTest {

    @TempDir
    Path dir;

    @Test
    void aFloodOfFailuresWaitsInABoundedQueueAndTheRestIsDroppedAndCounted() {
        try (JdbcDirectoryStore store = JdbcDirectoryStore.open(
                new BridgeConfig.StoreConfig("jdbc:sqlite:" + dir.resolve("bridge.db"), "", "", 2))) {
            PinLockout lockout = new PinLockout(store, ConfigLoader.defaults().lockout(), Clock.systemUTC());
            List<Runnable> held = new ArrayList<>();
            DigestLockout guard = new DigestLockout(lockout, held::add);

            for (int i = 0; i < DigestLockout.MAX_PENDING + 50; i++) {
                guard.failed("alice", null, false);
            }

            assertEquals(DigestLockout.MAX_PENDING, held.size(), "the queue stays bounded");
            assertEquals(50, guard.dropped());
            held.forEach(Runnable::run);
            assertEquals(DigestLockout.MAX_PENDING, store.pinFailures("sip:alice", 0).count());
            held.clear();
            guard.failed("alice", null, false);
            assertEquals(1, held.size(), "room again once the workers caught up");
            assertEquals(50, guard.dropped());
            assertEquals(PinFailures.NONE, store.pinFailures("address:null", 0));
        }
    }
}
