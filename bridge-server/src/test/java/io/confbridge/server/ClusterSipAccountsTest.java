package io.confbridge.server;

import io.confbridge.meeting.Meeting;
import io.confbridge.server.support.ClusterNodes;
import io.confbridge.server.support.RunningBridge;
import io.confbridge.server.support.TestMeeting;
import io.confbridge.server.support.TestPhone;
import io.confbridge.sip.support.SipLogin;
import io.confbridge.store.support.PostgresTestSchema;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

import static io.confbridge.server.support.ClusterNodes.listeningSessionsOf;
import static io.confbridge.server.support.ClusterNodes.terminateListeningSessionOf;
import static io.confbridge.server.support.DialInSteps.IVR_STEP;
import static io.confbridge.server.support.DialInSteps.dialAndAnswered;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

/**
 * SIP digest accounts are cluster-wide (issue 12 §2: a start by SIP digest acts on the whole meeting,
 * whichever node the softphone reaches). Each node keeps the accounts in memory, so that no SIP thread waits
 * for the database; a change made through one node's API must reach the others' copies: credentials set
 * through node 127.0.0.2 let the organizer's softphone start the meeting through node 127.0.0.3, and a user
 * disabled through node 2 no longer proves anything on node 3. A node whose listening session was cut
 * re-reads every account when it listens again. Two nodes on one PostgreSQL schema; needs
 * {@code BRIDGE_TEST_PG_URL}, skipped without it, failing under {@code CI=true}.
 */
class ClusterSipAccountsTest {
    private static final String USERNAME = "mufasa";
    private static final String PASSWORD = "Circle of Life";
    /** A notification and one database read; the bound leaves room for a loaded test machine. */
    private static final Duration PROPAGATION = Duration.ofSeconds(10);

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

    /**
     * Whether {@code node} treats {@value #USERNAME} as an account: a phone that claims it without a
     * password is challenged (401, no call). Otherwise it is an ordinary caller, answered, and hung up here.
     */
    private static boolean challenges(RunningBridge node, String conferenceId) {
        TestPhone claimant = node.newPhone("claimant");
        claimant.fromUser(USERNAME);
        int status = claimant.dial(conferenceId);
        if (status == 200) {
            claimant.hangUp();
        }
        return status == 401;
    }

    @Test
    void credentialsSetThroughOneNodeLetTheSoftphoneStartTheMeetingThroughAnother(@TempDir Path dir2,
                                                                                  @TempDir Path dir3) throws Exception {
        schema = PostgresTestSchema.createOrSkipOutsideCi("cluster_");
        try (RunningBridge node2 = node(dir2, "node-2", "127.0.0.2", null);
             RunningBridge node3 = node(dir3, "node-3", "127.0.0.3", node2)) {
            TestMeeting meeting = node2.newMeeting(true);
            String id = meeting.conferenceId();
            assertFalse(challenges(node3, id), "no account yet");

            node2.setSipCredentials(meeting.organizerId(), USERNAME, PASSWORD);
            await("node 3 knows the account set through node 2").atMost(PROPAGATION)
                    .pollInterval(Duration.ofMillis(50)).until(() -> challenges(node3, id));

            TestPhone guest = node2.newPhone("guest");
            dialAndAnswered(guest, id);
            await("the guest waits in node 2's lobby").atMost(IVR_STEP).until(() -> node2.status(id).lobbyCount() == 1);
            TestPhone organizer = node3.newPhone("organizer");
            organizer.signIn(SipLogin.sha256(USERNAME, PASSWORD));
            dialAndAnswered(organizer, id);
            assertEquals(List.of(401, 200), organizer.inviteFinalStatuses(), "challenged once, then answered");
            await("the softphone's digest started the meeting, and node 2's lobby is in").atMost(PROPAGATION)
                    .until(() -> {
                        Meeting.Status here = node2.status(id);
                        return node3.status(id).participantCount() == 1 && here.participantCount() == 1
                                && here.lobbyCount() == 0;
                    });
        }
    }

    @Test
    void aUserDisabledThroughOneNodeProvesNothingOnAnother(@TempDir Path dir2, @TempDir Path dir3) throws Exception {
        schema = PostgresTestSchema.createOrSkipOutsideCi("cluster_");
        try (RunningBridge node2 = node(dir2, "node-2", "127.0.0.2", null);
             RunningBridge node3 = node(dir3, "node-3", "127.0.0.3", node2)) {
            TestMeeting meeting = node2.newMeeting(true);
            String id = meeting.conferenceId();
            node2.setSipCredentials(meeting.organizerId(), USERNAME, PASSWORD);
            await("node 3 knows the account").atMost(PROPAGATION).pollInterval(Duration.ofMillis(50))
                    .until(() -> challenges(node3, id));

            String email = node2.organizerEmail(meeting.organizerId());
            RunningBridge.AdminReply disabled = node2.admin("POST", "/api/users/" + email + "/disable", null);
            assertEquals(200, disabled.status(), disabled.body());
            await("node 3 forgets the disabled user's account").atMost(PROPAGATION).pollInterval(Duration.ofMillis(50))
                    .until(() -> !challenges(node3, id));

            // The right password proves nothing through node 3 any more: not even asked for.
            TestPhone organizer = node3.newPhone("organizer");
            organizer.signIn(SipLogin.sha256(USERNAME, PASSWORD));
            assertEquals(200, organizer.dial(id));
            assertEquals(List.of(200), organizer.inviteFinalStatuses(), "not challenged: no account");
            assertFalse(organizer.lastDigestAnswer().isPresent(), "no digest was sent");
            organizer.hangUp();
            assertFalse(node2.status(id).started() || node3.status(id).started());
        }
    }

    @Test
    void aNodeThatMissedTheChangeReReadsTheAccountsWhenItListensAgain(@TempDir Path dir2, @TempDir Path dir3)
            throws Exception {
        schema = PostgresTestSchema.createOrSkipOutsideCi("cluster_");
        try (RunningBridge node2 = node(dir2, "node-2", "127.0.0.2", null);
             RunningBridge node3 = node(dir3, "node-3", "127.0.0.3", node2)) {
            TestMeeting meeting = node2.newMeeting(true);
            String id = meeting.conferenceId();

            // Node 3's listening session is cut; it reconnects a second later. The change is made once the
            // session is gone, so its notification cannot reach node 3.
            assertEquals(1, terminateListeningSessionOf("node-3"));
            await("node 3's listening session is gone").atMost(IVR_STEP)
                    .until(() -> listeningSessionsOf("node-3") == 0);
            node2.setSipCredentials(meeting.organizerId(), USERNAME, PASSWORD);
            await("node 3 re-reads the accounts when it listens again").atMost(PROPAGATION)
                    .pollInterval(Duration.ofMillis(100)).until(() -> challenges(node3, id));
            assertEquals(1, listeningSessionsOf("node-3"), "it listens again");
        }
    }
}
