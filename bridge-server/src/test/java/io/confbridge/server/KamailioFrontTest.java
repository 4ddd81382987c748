package io.confbridge.server;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.confbridge.server.support.ClusterNodes;
import io.confbridge.server.support.RunningBridge;
import io.confbridge.server.support.RunningKamailio;
import io.confbridge.server.support.TestMeeting;
import io.confbridge.server.support.TestPhone;
import io.confbridge.store.support.PostgresTestSchema;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;

import static io.confbridge.server.support.DialInSteps.IVR_STEP;
import static io.confbridge.server.support.DialInSteps.dialAndAnswered;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Kamailio in front of two bridge nodes (issue 12 §4), running the shipped {@code deploy/kamailio/kamailio.cfg}
 * on 127.0.0.1, dispatching to nodes on 127.0.0.2 and 127.0.0.3 (same ports) that trust it
 * ({@code sip.trustedProxies}). Needs PostgreSQL ({@code BRIDGE_TEST_PG_URL}) and {@code kamailio} on the
 * PATH; skipped without them, failing under {@code CI=true}.
 */
class KamailioFrontTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    /** Past a few probes: by then Kamailio has marked a dead or draining node down. */
    private static final Duration PROBED = Duration.ofSeconds(3L * RunningKamailio.PING_INTERVAL_S + 1);
    /** A call that went straight to a live node: well inside the time Kamailio waits before failing over. */
    private static final Duration STRAIGHT_TO_A_LIVE_NODE = Duration.ofMillis(RunningKamailio.NODE_TIMEOUT_MS * 3 / 4);

    private PostgresTestSchema schema;
    private final List<TestPhone> phones = new ArrayList<>();

    @AfterEach
    void cleanUp() {
        phones.forEach(TestPhone::close);
        if (schema != null) {
            schema.drop();
        }
    }

    private RunningBridge node(Path dataDir, String nodeId, String loopback, RunningBridge samePortsAs) throws Exception {
        return ClusterNodes.node(schema, dataDir, nodeId, loopback, samePortsAs)
                .with("sip.trustedProxies", "127.0.0.1").start();
    }

    /** A caller on 127.0.0.1 whose INVITEs go to Kamailio. */
    private TestPhone throughKamailio(RunningKamailio kamailio, String name) {
        TestPhone phone = new TestPhone(name, kamailio.port(), "127.0.0.1");
        phones.add(phone);
        return phone;
    }

    private static int participants(RunningBridge node, String id) {
        return node.status(id).participantCount();
    }

    @Test
    void twentyCallersDiallingOneMeetingThroughKamailioAreAllInOneMeeting(@TempDir Path dir2, @TempDir Path dir3,
                                                                           @TempDir Path kamDir) throws Exception {
        schema = PostgresTestSchema.createOrSkipOutsideCi("kamailio_");
        try (RunningBridge node2 = node(dir2, "node-2", "127.0.0.2", null);
             RunningBridge node3 = node(dir3, "node-3", "127.0.0.3", node2);
             RunningKamailio kamailio = RunningKamailio.start(kamDir, "127.0.0.2:" + node2.sipPort(),
                     "127.0.0.3:" + node3.sipPort())) {
            TestMeeting meeting = node2.newMeeting(false);
            String id = meeting.conferenceId();
            for (int i = 0; i < 20; i++) {
                dialAndAnswered(throughKamailio(kamailio, "caller-" + i), id);
            }
            await("all 20 in the meeting").atMost(IVR_STEP)
                    .until(() -> participants(node2, id) + participants(node3, id) == 20);
            assertEquals(0, node2.status(id).lobbyCount() + node3.status(id).lobbyCount());
            // Hashing on the Request-URI user: one meeting's callers land on one node.
            assertTrue(participants(node2, id) == 20 || participants(node3, id) == 20,
                    "node 2 has " + participants(node2, id) + ", node 3 " + participants(node3, id));
        }
    }

    /**
     * Callers of the voice menu (the IVR entry user) are spread over the nodes in turn, not hashed onto one;
     * {@code GET /api/nodes} counts each node's calls in progress.
     */
    @Test
    void voiceMenuCallersAreSpreadOverTheNodesAndEachNodeCountsItsCalls(@TempDir Path dir2, @TempDir Path dir3,
                                                                        @TempDir Path kamDir) throws Exception {
        schema = PostgresTestSchema.createOrSkipOutsideCi("kamailio_");
        try (RunningBridge node2 = node(dir2, "node-2", "127.0.0.2", null);
             RunningBridge node3 = node(dir3, "node-3", "127.0.0.3", node2);
             RunningKamailio kamailio = RunningKamailio.start(kamDir, "127.0.0.2:" + node2.sipPort(),
                     "127.0.0.3:" + node3.sipPort())) {
            for (int i = 0; i < 10; i++) {
                assertEquals(200, throughKamailio(kamailio, "menu-" + i).dial("bridge"), "menu caller " + i);
            }
            await("both nodes hold voice-menu calls, and say so in the nodes table").atMost(Duration.ofSeconds(10))
                    .untilAsserted(() -> {
                        JsonNode nodes = JSON.readTree(node2.admin("GET", "/api/nodes", null).body()).get("nodes");
                        int calls2 = nodes.get(0).get("calls").asInt();
                        int calls3 = nodes.get(1).get("calls").asInt();
                        assertEquals(10, calls2 + calls3, nodes.toString());
                        assertTrue(calls2 >= 3 && calls3 >= 3, "in turn, not hashed onto one node: " + nodes);
                    });
        }
    }

    @Test
    void aKilledNodeGetsNoNewCallsAndTheOtherNodesPartGoesOn(@TempDir Path dir2, @TempDir Path dir3,
                                                              @TempDir Path kamDir) throws Exception {
        schema = PostgresTestSchema.createOrSkipOutsideCi("kamailio_");
        RunningBridge node2 = node(dir2, "node-2", "127.0.0.2", null);
        try (RunningBridge node3 = node(dir3, "node-3", "127.0.0.3", node2);
             RunningKamailio kamailio = RunningKamailio.start(kamDir, "127.0.0.2:" + node2.sipPort(),
                     "127.0.0.3:" + node3.sipPort())) {
            TestMeeting meeting = node2.newMeeting(false);
            String id = meeting.conferenceId();
            // The meeting's hash picks one node for every caller through Kamailio; the test kills that one.
            dialAndAnswered(throughKamailio(kamailio, "first"), id);
            await("the first caller is in").atMost(IVR_STEP).until(() -> participants(node2, id) + participants(node3, id) == 1);
            boolean onNode2 = participants(node2, id) == 1;
            RunningBridge hashed = onNode2 ? node2 : node3;
            RunningBridge other = onNode2 ? node3 : node2;
            // Two callers reach the other node directly: its part of the meeting, talking.
            TestPhone a = other.newPhone("direct-a");
            TestPhone b = other.newPhone("direct-b");
            dialAndAnswered(a, id);
            dialAndAnswered(b, id);
            await("the other node's part").atMost(IVR_STEP).until(() -> participants(other, id) == 2);

            hashed.killWithoutLeaving();
            await("Kamailio's probe finds the killed node silent").pollDelay(PROBED).atMost(PROBED.plusSeconds(5))
                    .until(() -> true);
            for (int i = 0; i < 3; i++) {
                TestPhone late = throughKamailio(kamailio, "late-" + i);
                long before = System.nanoTime();
                dialAndAnswered(late, id);
                Duration took = Duration.ofNanos(System.nanoTime() - before);
                assertTrue(took.compareTo(STRAIGHT_TO_A_LIVE_NODE) < 0, "answered after " + took.toMillis()
                        + " ms: Kamailio still tried the killed node first\n" + kamailio.logText());
            }
            assertFalse(kamailio.logText().contains("failing over"), kamailio.logText());
            await("the new calls are on the live node").atMost(IVR_STEP).until(() -> participants(other, id) == 5);

            // The live node's part goes on: its callers hear each other.
            a.startTone(400, -18);
            b.startTone(1000, -18);
            await("the callers on the live node still hear each other").atMost(IVR_STEP)
                    .until(() -> a.toneLevel(1000, Duration.ofSeconds(1)) > 0.3 && b.toneLevel(400, Duration.ofSeconds(1)) > 0.3);
            assertFalse(a.byeReceivedFromBridge() || b.byeReceivedFromBridge());
        } finally {
            node2.close();
        }
    }

    @Test
    void aDrainingNodeGetsNoNewCallsAndKeepsItsOwn(@TempDir Path dir2, @TempDir Path dir3, @TempDir Path kamDir)
            throws Exception {
        schema = PostgresTestSchema.createOrSkipOutsideCi("kamailio_");
        try (RunningBridge node2 = node(dir2, "node-2", "127.0.0.2", null);
             RunningBridge node3 = node(dir3, "node-3", "127.0.0.3", node2);
             RunningKamailio kamailio = RunningKamailio.start(kamDir, "127.0.0.2:" + node2.sipPort(),
                     "127.0.0.3:" + node3.sipPort())) {
            TestMeeting meeting = node2.newMeeting(false);
            String id = meeting.conferenceId();
            List<TestPhone> early = new ArrayList<>();
            for (int i = 0; i < 3; i++) {
                TestPhone caller = throughKamailio(kamailio, "early-" + i);
                dialAndAnswered(caller, id);
                early.add(caller);
            }
            await("the early callers are in").atMost(IVR_STEP)
                    .until(() -> participants(node2, id) + participants(node3, id) == 3);
            boolean onNode2 = participants(node2, id) == 3;
            RunningBridge draining = onNode2 ? node2 : node3;
            RunningBridge other = onNode2 ? node3 : node2;
            assertEquals(3, participants(draining, id));

            CompletableFuture<Void> drain = CompletableFuture.runAsync(
                    () -> draining.server().drainAndClose(Duration.ofSeconds(60)));
            await("Kamailio's probe hears the drain").pollDelay(PROBED).atMost(PROBED.plusSeconds(5))
                    .until(() -> true);
            for (int i = 0; i < 3; i++) {
                TestPhone late = throughKamailio(kamailio, "late-" + i);
                long before = System.nanoTime();
                dialAndAnswered(late, id);
                Duration took = Duration.ofNanos(System.nanoTime() - before);
                assertTrue(took.compareTo(STRAIGHT_TO_A_LIVE_NODE) < 0, "answered after " + took.toMillis() + " ms");
            }
            // Straight to the other node: the probe had marked the draining one down (its OPTIONS answer is
            // 503), so no INVITE was refused there and failed over.
            assertFalse(kamailio.logText().contains("failing over"), kamailio.logText());
            await("the new calls are on the other node").atMost(IVR_STEP).until(() -> participants(other, id) == 3);
            // The draining node keeps its calls.
            assertEquals(3, participants(draining, id));
            assertFalse(drain.isDone(), "the drain waits for its calls");
            for (TestPhone caller : early) {
                assertFalse(caller.byeReceivedFromBridge(), caller.name() + " was hung up on");
            }
        }
    }
}
