package io.confbridge.server;

import io.confbridge.server.support.LogCapture;
import io.confbridge.server.support.ClusterNodes;
import io.confbridge.server.support.RunningBridge;
import io.confbridge.server.support.TestMeeting;
import io.confbridge.server.support.TestPhone;
import io.confbridge.store.MeetingPolicy;
import io.confbridge.store.MeetingPolicyOverrides;
import io.confbridge.store.support.PostgresTestSchema;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Duration;

import static io.confbridge.server.support.ClusterNodes.listeningSessionsOf;
import static io.confbridge.server.support.ClusterNodes.terminateListeningSessionOf;
import static io.confbridge.server.support.DialInSteps.IVR_STEP;
import static io.confbridge.server.support.DialInSteps.dialAndAnswered;
import static io.confbridge.server.support.DialInSteps.organizerDialsInWithPin;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Meeting starts across nodes (issue 12 §2): a caller waiting in the lobby on node 127.0.0.2 is admitted
 * when the organizer starts the meeting through node 127.0.0.3, by the app's API or by the PIN; a caller
 * who reaches node 127.0.0.2 after the start goes straight in; a node whose listening session was cut
 * catches up from the table when it listens again, on a start it missed and on an end it missed. The nodes share one PostgreSQL schema and
 * one pepper. Needs {@code BRIDGE_TEST_PG_URL}; skipped without it, failing under {@code CI=true}.
 */
class ClusterMeetingStartTest {
    /** Issue 12's target is 100 ms; the bound leaves room for a loaded 2-core test machine. */
    private static final Duration ADMISSION_BOUND = Duration.ofSeconds(1);

    private PostgresTestSchema schema;

    @AfterEach
    void dropSchema() {
        if (schema != null) {
            schema.drop();
        }
    }

    private RunningBridge node(Path dataDir, String nodeId, String loopback, RunningBridge samePortsAs) throws Exception {
        return ClusterNodes.node(schema, dataDir, nodeId, loopback, samePortsAs).start();
    }

    private static void waitInLobby(RunningBridge node, TestPhone caller, String conferenceId, int waiting) {
        dialAndAnswered(caller, conferenceId);
        await(caller.name() + " in the lobby of " + conferenceId).atMost(IVR_STEP)
                .until(() -> node.status(conferenceId).lobbyCount() == waiting);
    }

    @Test
    void theAppStartingTheMeetingOnOneNodeAdmitsTheLobbyOnAnother(@TempDir Path dir2, @TempDir Path dir3)
            throws Exception {
        schema = PostgresTestSchema.createOrSkipOutsideCi("cluster_");
        try (RunningBridge node2 = node(dir2, "node-2", "127.0.0.2", null);
             RunningBridge node3 = node(dir3, "node-3", "127.0.0.3", node2)) {
            TestMeeting meeting = node2.newMeeting(true);
            String id = meeting.conferenceId();
            waitInLobby(node2, node2.newPhone("caller"), id, 1);

            long before = System.nanoTime();
            RunningBridge.AdminReply started = node3.admin("POST", "/api/meetings/" + id + "/start", null);
            assertEquals(200, started.status(), started.body());
            await("the lobby on node 2 is admitted").atMost(IVR_STEP).pollInterval(Duration.ofMillis(5))
                    .until(() -> node2.status(id).participantCount() == 1 && node2.status(id).lobbyCount() == 0);
            Duration took = Duration.ofNanos(System.nanoTime() - before);
            System.out.println("cross-node admission (API on node 3, lobby on node 2): " + took.toMillis() + " ms");
            assertTrue(took.compareTo(ADMISSION_BOUND) < 0, "admitted after " + took.toMillis() + " ms");
            assertTrue(node2.status(id).started());

            // A caller who reaches node 2 after the start finds it started there too (the table says so).
            TestPhone late = node2.newPhone("late");
            dialAndAnswered(late, id);
            await("the late caller goes straight in").atMost(IVR_STEP)
                    .until(() -> node2.status(id).participantCount() == 2);
            assertEquals(0, node2.status(id).lobbyCount());
        }
    }

    @Test
    void theOrganizersPinOnOneNodeAdmitsTheLobbyOnAnother(@TempDir Path dir2, @TempDir Path dir3) throws Exception {
        schema = PostgresTestSchema.createOrSkipOutsideCi("cluster_");
        try (RunningBridge node2 = node(dir2, "node-2", "127.0.0.2", null);
             RunningBridge node3 = node(dir3, "node-3", "127.0.0.3", node2)) {
            TestMeeting meeting = node2.newMeeting(true);
            String id = meeting.conferenceId();
            waitInLobby(node2, node2.newPhone("caller"), id, 1);
            assertEquals(0, node3.status(id).participantCount());

            organizerDialsInWithPin(node3.newPhone("organizer"), id, meeting.organizerPin());
            await("the organizer is in on node 3").atMost(IVR_STEP)
                    .until(() -> node3.status(id).participantCount() == 1);
            await("the lobby on node 2 is admitted").atMost(Duration.ofSeconds(5))
                    .until(() -> node2.status(id).participantCount() == 1 && node2.status(id).lobbyCount() == 0);
        }
    }

    @Test
    void aNodeThatMissedTheStartCatchesUpWhenItListensAgain(@TempDir Path dir2, @TempDir Path dir3) throws Exception {
        schema = PostgresTestSchema.createOrSkipOutsideCi("cluster_");
        try (RunningBridge node2 = node(dir2, "node-2", "127.0.0.2", null);
             RunningBridge node3 = node(dir3, "node-3", "127.0.0.3", node2);
             LogCapture log = LogCapture.start()) {
            TestMeeting meeting = node2.newMeeting(true);
            String id = meeting.conferenceId();
            waitInLobby(node2, node2.newPhone("caller"), id, 1);

            // Node 2's listening session is cut (as a database failover or a network cut would): it
            // reconnects a second later, after the start's NOTIFY has gone by.
            assertEquals(1, terminateListeningSessionOf("node-2"));
            RunningBridge.AdminReply started = node3.admin("POST", "/api/meetings/" + id + "/start", null);
            assertEquals(200, started.status(), started.body());
            await("the lobby on node 2 is admitted once it listens again").atMost(Duration.ofSeconds(10))
                    .until(() -> node2.status(id).participantCount() == 1 && node2.status(id).lobbyCount() == 0);
            assertTrue(log.lines().stream().anyMatch(line -> line.contains("catching up, meeting " + id)),
                    "admitted by the catch-up from the table, not by the missed notification");
        }
    }

    @Test
    void aNodeThatMissedTheEndEndsItsPartWhenItListensAgain(@TempDir Path dir2, @TempDir Path dir3) throws Exception {
        schema = PostgresTestSchema.createOrSkipOutsideCi("cluster_");
        try (RunningBridge node2 = node(dir2, "node-2", "127.0.0.2", null);
             RunningBridge node3 = node(dir3, "node-3", "127.0.0.3", node2);
             LogCapture log = LogCapture.start()) {
            TestMeeting meeting = node2.newMeeting(true);
            String id = meeting.conferenceId();
            TestPhone caller = node2.newPhone("caller");
            waitInLobby(node2, caller, id, 1);
            RunningBridge.AdminReply started = node3.admin("POST", "/api/meetings/" + id + "/start", null);
            assertEquals(200, started.status(), started.body());
            await("the caller on node 2 is in the meeting").atMost(IVR_STEP)
                    .until(() -> node2.status(id).participantCount() == 1);
            await("node 2's part of the meeting is in the table").atMost(IVR_STEP)
                    .until(() -> presenceRows(id, "node-2") == 1);

            // Node 2 stops listening, then the meeting is ended through node 3: its NOTIFY goes by
            // unheard, and only the table (every presence row of the meeting deleted) tells node 2.
            assertEquals(1, terminateListeningSessionOf("node-2"));
            RunningBridge.AdminReply ended = node3.admin("POST", "/api/meetings/" + id + "/end", null);
            assertEquals(200, ended.status(), ended.body());
            assertEquals(0, presenceRows(id, "node-2") + presenceRows(id, "node-3"));

            assertTrue(caller.awaitByeFromBridge(Duration.ofSeconds(10)),
                    "the caller on node 2 is hung up once node 2 listens again");
            await("node 2's part has ended").atMost(IVR_STEP)
                    .until(() -> node2.status(id).participantCount() == 0 && !node2.status(id).started());
            assertTrue(log.lines().stream().anyMatch(line -> line.contains("catching up, meeting " + id
                            + " was ended")),
                    "ended by the catch-up from the table, not by the missed notification");
        }
    }

    /**
     * Issue 12 §2, durable admits: in organizer admission mode, node 2 misses the organizer's admit through
     * node 3 (its listening session cut). When it listens again, the caller who was waiting at the admit
     * comes in, from {@code meeting_admissions}; a caller who arrived after the admit stays in the lobby,
     * through another reconnect too.
     */
    @Test
    void aNodeThatMissedAnAdmitLetsInWhoWasWaitingThenWhenItListensAgain(@TempDir Path dir2, @TempDir Path dir3)
            throws Exception {
        schema = PostgresTestSchema.createOrSkipOutsideCi("cluster_");
        try (RunningBridge node2 = node(dir2, "node-2", "127.0.0.2", null);
             RunningBridge node3 = node(dir3, "node-3", "127.0.0.3", node2);
             LogCapture log = LogCapture.start()) {
            TestMeeting meeting = node2.newMeeting(true,
                    new MeetingPolicyOverrides(null, null, null, null, MeetingPolicy.AdmissionMode.ORGANIZER));
            String id = meeting.conferenceId();
            waitInLobby(node2, node2.newPhone("caller"), id, 1);
            RunningBridge.AdminReply started = node3.admin("POST", "/api/meetings/" + id + "/start", null);
            assertEquals(200, started.status(), started.body());
            await("node 2's part starts, its lobby still held").atMost(IVR_STEP).until(() -> node2.status(id).started());
            assertEquals(1, node2.status(id).lobbyCount());

            assertEquals(1, terminateListeningSessionOf("node-2"));
            RunningBridge.AdminReply admitted = node3.admin("POST", "/api/meetings/" + id + "/admit", null);
            assertEquals(200, admitted.status(), admitted.body());
            await("the caller on node 2 comes in once node 2 listens again").atMost(Duration.ofSeconds(10))
                    .until(() -> node2.status(id).participantCount() == 1 && node2.status(id).lobbyCount() == 0);
            // The catch-up logs once the admission has completed on the meeting's loop: a moment after the
            // status shows the caller in.
            await("admitted by the catch-up from meeting_admissions, not by the missed notification").atMost(IVR_STEP)
                    .until(() -> log.lines().stream().anyMatch(line -> line.contains("catching up, meeting " + id
                            + ": 1 waiting")));

            // A caller who came after that admit is not let in by it, whenever node 2 catches up again.
            waitInLobby(node2, node2.newPhone("late"), id, 1);
            assertEquals(1, terminateListeningSessionOf("node-2"));
            await("node 2 listens again").atMost(Duration.ofSeconds(10))
                    .until(() -> listeningSessionsOf("node-2") == 1);
            await("the late caller is still held").during(Duration.ofSeconds(1)).atMost(Duration.ofSeconds(5))
                    .until(() -> node2.status(id).lobbyCount() == 1 && node2.status(id).participantCount() == 1);
        }
    }

    /** Whether the node has a part of the meeting in {@code meeting_presence} (1) or not (0). */
    private int presenceRows(String conferenceId, String nodeId) throws Exception {
        try (Connection c = DriverManager.getConnection(schema.jdbcUrl());
             PreparedStatement s = c.prepareStatement(
                     "SELECT count(*) FROM meeting_presence WHERE conference_id = ? AND node_id = ?")) {
            s.setString(1, conferenceId);
            s.setString(2, nodeId);
            try (ResultSet rs = s.executeQuery()) {
                rs.next();
                return rs.getInt(1);
            }
        }
    }
}
