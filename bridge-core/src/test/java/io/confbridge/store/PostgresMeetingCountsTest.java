package io.confbridge.store;

import io.confbridge.config.BridgeConfig;
import io.confbridge.store.support.PostgresTestSchema;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A node's counts of a meeting in {@code meeting_node_counts}, and what the other nodes hear of a change
 * (issue 12 §2 and §5): {@code counts} when the participants moved, which makes a node holding the meeting
 * recount it against its limit, and {@code lobby} when only the lobby did, which only the event streams
 * need. Real PostgreSQL LISTEN/NOTIFY. Needs {@code BRIDGE_TEST_PG_URL}; skipped without it except under
 * {@code CI=true}, where it fails.
 */
class PostgresMeetingCountsTest {
    private PostgresTestSchema schema;
    private JdbcDirectoryStore store;
    private MeetingNotifications notifications;
    private final List<String> heard = new CopyOnWriteArrayList<>();
    private final CountDownLatch listening = new CountDownLatch(1);

    @BeforeEach
    void listen() throws InterruptedException {
        schema = PostgresTestSchema.createOrSkipOutsideCi("counts_test_");
        BridgeConfig.StoreConfig config = new BridgeConfig.StoreConfig(schema.jdbcUrl(), "", "", 2);
        store = JdbcDirectoryStore.open(config);
        notifications = MeetingNotifications.start(config, "node-b", new MeetingNotifications.Listener() {
            @Override
            public void listening() {
                listening.countDown();
            }

            @Override
            public void started(String nodeId, String conferenceId) {
                heard.add("started " + nodeId + " " + conferenceId);
            }

            @Override
            public void countsChanged(String nodeId, String conferenceId) {
                heard.add("participants " + nodeId + " " + conferenceId);
            }

            @Override
            public void lobbyChanged(String nodeId, String conferenceId) {
                heard.add("lobby " + nodeId + " " + conferenceId);
            }
        });
        assertTrue(listening.await(10, TimeUnit.SECONDS), "listening");
    }

    @AfterEach
    void close() {
        if (notifications != null) {
            notifications.close();
        }
        if (store != null) {
            store.close();
        }
        if (schema != null) {
            schema.drop();
        }
    }

    @Test
    void aLobbyOnlyChangeIsToldApartFromAParticipantChange() {
        MeetingPresenceTable presence = store.meetingPresence();
        assertTrue(store.nodes().register(new NodeTable.Registration("node-a", "127.0.0.2:5060", "127.0.0.2",
                "127.0.0.2:8080"), 10_000));
        presence.counts("123456", "node-a", 3, 0, MeetingPresenceTable.CountsChange.LOBBY);
        presence.counts("123456", "node-a", 0, 3, MeetingPresenceTable.CountsChange.PARTICIPANTS);
        presence.counts("123456", "node-a", 0, 3, MeetingPresenceTable.CountsChange.NONE);
        presence.counts("654321", "node-a", 1, 0, MeetingPresenceTable.CountsChange.LOBBY);
        await("both changes heard, in order").atMost(Duration.ofSeconds(10)).until(() -> heard.size() >= 3);
        assertEquals(List.of("lobby node-a 123456", "participants node-a 123456", "lobby node-a 654321"), heard,
                "a write without a change is not announced");
        assertEquals(List.of(new MeetingPresenceTable.NodeCount("node-a", 0, 3)),
                presence.countsElsewhere("123456", "node-b", 10_000), "the counts written");
    }
}
