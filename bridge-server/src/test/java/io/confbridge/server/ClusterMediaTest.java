package io.confbridge.server;

import io.confbridge.codec.Codec;
import io.confbridge.codec.G722Encoder;
import io.confbridge.server.support.ClusterNodes;
import io.confbridge.server.support.RunningBridge;
import io.confbridge.server.support.SdpOffer;
import io.confbridge.server.support.TestMeeting;
import io.confbridge.server.support.TestPhone;
import io.confbridge.store.support.PostgresTestSchema;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import static io.confbridge.server.support.DialInSteps.IVR_STEP;
import static io.confbridge.server.support.DialInSteps.dialAndAnswered;
import static io.confbridge.server.support.DialInSteps.organizerDialsInWithPin;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Meetings that span nodes (issue 12 §3): each node's part of a meeting sends the other parts the mix of
 * its own talkers over one RTP leg per pair of nodes, and mixes what it receives like one more
 * participant. Nodes on 127.0.0.2, .3 and .4 share one PostgreSQL schema. Needs {@code BRIDGE_TEST_PG_URL};
 * skipped without it, failing under {@code CI=true}.
 */
class ClusterMediaTest {
    private static final Duration TONE_WINDOW = Duration.ofSeconds(1);
    private static final double TONE_PRESENT = 0.6;
    private static final double TONE_ABSENT = 0.1;
    /** Each talker's tone; two of them summed stay well below the limiter's ceiling. */
    private static final double TONE_DBFS = -18;
    /** The RMS of one such tone as sent: a sine of peak 32767·10^(dBFS/20). */
    private static final double ONE_TONE_RMS = 32767 * Math.pow(10, TONE_DBFS / 20) / Math.sqrt(2);

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

    @Test
    void aCallerOnOneNodeAndTheOrganizerOnAnotherHearEachOtherAndNotThemselves(@TempDir Path dir2,
                                                                               @TempDir Path dir3) throws Exception {
        schema = PostgresTestSchema.createOrSkipOutsideCi("cascade_");
        try (RunningBridge node2 = node(dir2, "node-2", "127.0.0.2", null);
             RunningBridge node3 = node(dir3, "node-3", "127.0.0.3", node2)) {
            TestMeeting meeting = node2.newMeeting(true);
            String id = meeting.conferenceId();
            TestPhone caller = node2.newPhone("caller");
            dialAndAnswered(caller, id);
            await("the caller waits in node 2's lobby").atMost(IVR_STEP).until(() -> node2.status(id).lobbyCount() == 1);
            await("node 3's meeting view shows node 2's lobby").atMost(IVR_STEP).untilAsserted(() -> {
                RunningBridge.AdminReply view = node3.admin("GET", "/api/meetings/" + id, null);
                assertTrue(view.body().contains("\"state\":\"lobby\"") && view.body().contains("\"lobbyCount\":1"),
                        view.body());
            });

            TestPhone organizer = node3.newPhone("organizer");
            organizerDialsInWithPin(organizer, id, meeting.organizerPin());
            await("the caller on node 2 is admitted").atMost(IVR_STEP)
                    .until(() -> node2.status(id).participantCount() == 1 && node2.status(id).lobbyCount() == 0
                            && node3.status(id).participantCount() == 1);

            // Either node's admin API shows the whole meeting, and each node's part of it (issue 12 §5).
            await("node 3's meeting view counts both nodes").atMost(IVR_STEP).untilAsserted(() -> {
                RunningBridge.AdminReply view = node3.admin("GET", "/api/meetings/" + id, null);
                assertEquals(200, view.status(), view.body());
                assertTrue(view.body().contains("\"participantCount\":2"), view.body());
                assertTrue(view.body().contains("{\"nodeId\":\"node-2\",\"lobbyCount\":0,\"participantCount\":1}")
                        && view.body().contains("{\"nodeId\":\"node-3\",\"lobbyCount\":0,\"participantCount\":1}"),
                        view.body());
            });

            caller.startTone(400, TONE_DBFS);
            organizer.startTone(1000, TONE_DBFS);
            await("the caller on node 2 hears the organizer's 1 kHz from node 3").atMost(IVR_STEP)
                    .untilAsserted(() -> assertTrue(caller.toneLevel(1000, TONE_WINDOW) > TONE_PRESENT,
                            "1 kHz level at the caller " + caller.toneLevel(1000, TONE_WINDOW) + "; " + tables()));
            await("the organizer on node 3 hears the caller's 400 Hz from node 2").atMost(IVR_STEP)
                    .untilAsserted(() -> assertTrue(organizer.toneLevel(400, TONE_WINDOW) > TONE_PRESENT,
                            "400 Hz level at the organizer " + organizer.toneLevel(400, TONE_WINDOW)));
            // Mix-minus across nodes: the other node never sends back what it received.
            assertTrue(caller.toneLevel(400, TONE_WINDOW) < TONE_ABSENT, "the caller hears its own 400 Hz");
            assertTrue(organizer.toneLevel(1000, TONE_WINDOW) < TONE_ABSENT, "the organizer hears its own 1 kHz");

            // The legs are not reachable from outside: a stranger's tone sent to node 2's part is dropped.
            int node2Port = mediaPort(id, "node-2");
            ScheduledExecutorService pace = Executors.newSingleThreadScheduledExecutor();
            try (DatagramSocket stranger = new DatagramSocket(new InetSocketAddress("127.0.0.1", 0))) {
                InetSocketAddress to = new InetSocketAddress(InetAddress.getByName("127.0.0.2"), node2Port);
                AtomicInteger seq = new AtomicInteger();
                pace.scheduleAtFixedRate(() -> {
                    byte[] packet = strangerTone(seq.getAndIncrement(), 1600);
                    try {
                        stranger.send(new DatagramPacket(packet, packet.length, to));
                    } catch (java.io.IOException e) {
                        throw new java.io.UncheckedIOException(e);
                    }
                }, 0, 20, TimeUnit.MILLISECONDS);
                await("a second and a half of the stranger's tone").pollDelay(Duration.ofMillis(1500))
                        .atMost(Duration.ofSeconds(5)).until(() -> seq.get() >= 60);
                assertTrue(caller.toneLevel(1600, TONE_WINDOW) < TONE_ABSENT,
                        "the caller hears a stranger's 1600 Hz sent to the inter-node port");
            } finally {
                pace.shutdownNow();
            }
            assertTrue(caller.toneLevel(1000, TONE_WINDOW) > TONE_PRESENT, "the organizer is still heard");

            // The organizer hangs up: node 3's part is over, node 2's leg to it goes.
            assertEquals(200, organizer.hangUp());
            await("node 3's part is gone from the table").atMost(IVR_STEP).until(() -> mediaPort(id, "node-3") == 0);
            await("the caller hears nobody").atMost(IVR_STEP)
                    .until(() -> caller.toneLevel(1000, TONE_WINDOW) < TONE_ABSENT);
        }
    }

    /**
     * The legs carry a wideband codec (issue 12 §3): a 5 kHz tone, above anything G.711 carries, from a
     * G.722 talker on node 3 reaches a G.722 listener on node 2.
     */
    @Test
    void aWidebandToneCrossesTheNodes(@TempDir Path dir2, @TempDir Path dir3) throws Exception {
        schema = PostgresTestSchema.createOrSkipOutsideCi("cascade_");
        try (RunningBridge node2 = node(dir2, "node-2", "127.0.0.2", null);
             RunningBridge node3 = node(dir3, "node-3", "127.0.0.3", node2)) {
            String id = node2.newMeeting(false).conferenceId();
            TestPhone listener = node2.newPhone("wide-ear");
            assertEquals(200, listener.dial(id, SdpOffer.G722_ONLY));
            listener.startSilence();
            TestPhone talker = node3.newPhone("wide-talker");
            assertEquals(200, talker.dial(id, SdpOffer.G722_ONLY));
            talker.startSilence();
            await("one in the meeting on each node").atMost(IVR_STEP)
                    .until(() -> node2.status(id).participantCount() == 1 && node3.status(id).participantCount() == 1);

            talker.startTone(5000, TONE_DBFS);
            await("the listener on node 2 hears the 5 kHz from node 3").atMost(IVR_STEP)
                    .untilAsserted(() -> assertTrue(listener.toneLevel(5000, TONE_WINDOW) > TONE_PRESENT,
                            "5 kHz level at the listener " + listener.toneLevel(5000, TONE_WINDOW)));
        }
    }

    @Test
    void threeNodesWithOneTalkerEachHearTheOtherTwoOnce(@TempDir Path dir2, @TempDir Path dir3, @TempDir Path dir4)
            throws Exception {
        schema = PostgresTestSchema.createOrSkipOutsideCi("cascade_");
        try (RunningBridge node2 = node(dir2, "node-2", "127.0.0.2", null);
             RunningBridge node3 = node(dir3, "node-3", "127.0.0.3", node2);
             RunningBridge node4 = node(dir4, "node-4", "127.0.0.4", node2)) {
            TestMeeting meeting = node2.newMeeting(true);
            String id = meeting.conferenceId();
            RunningBridge.AdminReply started = node3.admin("POST", "/api/meetings/" + id + "/start", null);
            assertEquals(200, started.status(), started.body());

            RunningBridge[] nodes = {node2, node3, node4};
            double[] hz = {400, 700, 1000};
            TestPhone[] talkers = new TestPhone[3];
            for (int i = 0; i < 3; i++) {
                RunningBridge node = nodes[i];
                talkers[i] = node.newPhone("talker-" + (i + 2));
                dialAndAnswered(talkers[i], id);
                await(talkers[i].name() + " goes straight in").atMost(IVR_STEP)
                        .until(() -> node.status(id).participantCount() == 1);
            }
            for (int i = 0; i < 3; i++) {
                talkers[i].startTone(hz[i], TONE_DBFS);
            }
            for (int i = 0; i < 3; i++) {
                TestPhone listener = talkers[i];
                for (int j = 0; j < 3; j++) {
                    if (j == i) {
                        continue;
                    }
                    double other = hz[j];
                    await(listener.name() + " hears " + other + " Hz").atMost(IVR_STEP)
                            .untilAsserted(() -> assertTrue(listener.toneLevel(other, TONE_WINDOW) > 0.3,
                                    other + " Hz at " + listener.name() + ": " + listener.toneLevel(other, TONE_WINDOW)
                                            + "; " + tables()));
                }
            }
            for (int i = 0; i < 3; i++) {
                TestPhone listener = talkers[i];
                assertTrue(listener.toneLevel(hz[i], TONE_WINDOW) < TONE_ABSENT,
                        listener.name() + " hears its own tone: " + listener.toneLevel(hz[i], TONE_WINDOW));
                // Each of the other two once: a voice that also came by a second path (a node passing on
                // what it received) would be a copy delayed by whole 20 ms frames, in phase for these tones,
                // so twice as loud as the voice heard by one path.
                double first = toneRms(listener, hz[(i + 1) % 3]);
                double second = toneRms(listener, hz[(i + 2) % 3]);
                System.out.printf("%s hears %.0f Hz at %.0f RMS and %.0f Hz at %.0f RMS (%.0f sent)%n", listener.name(),
                        hz[(i + 1) % 3], first, hz[(i + 2) % 3], second, ONE_TONE_RMS);
                double ratio = Math.max(first, second) / Math.min(first, second);
                assertTrue(ratio < 1.5, listener.name() + " hears one talker " + ratio + " times louder than the other");
                assertTrue(Math.max(first, second) < 1.3 * ONE_TONE_RMS, listener.name() + " hears a talker louder"
                        + " than sent: " + Math.max(first, second));
            }
        }
    }

    /** The RMS of the component at {@code hz} of what the listener heard in the last window. */
    private static double toneRms(TestPhone listener, double hz) {
        return Math.sqrt(listener.toneLevel(hz, TONE_WINDOW)) * listener.audioRms(TONE_WINDOW);
    }

    /** The parts and nodes as the tables have them, for a failure's message. */
    private String tables() {
        StringBuilder out = new StringBuilder();
        try (Connection c = DriverManager.getConnection(schema.jdbcUrl())) {
            for (String sql : new String[] {
                    "SELECT conference_id, node_id, media_port FROM meeting_presence ORDER BY node_id",
                    "SELECT node_id, state, media_address, extract(epoch from now() - heartbeat_at) FROM nodes ORDER BY node_id"}) {
                try (PreparedStatement s = c.prepareStatement(sql); ResultSet rs = s.executeQuery()) {
                    int columns = rs.getMetaData().getColumnCount();
                    while (rs.next()) {
                        out.append('[');
                        for (int i = 1; i <= columns; i++) {
                            out.append(i > 1 ? " " : "").append(rs.getString(i));
                        }
                        out.append(']');
                    }
                }
                out.append("; ");
            }
        } catch (Exception e) {
            out.append(e);
        }
        return out.toString();
    }

    /** The UDP port of a node's part of the meeting, from meeting_presence; 0 when it has none. */
    private int mediaPort(String conferenceId, String nodeId) throws Exception {
        try (Connection c = DriverManager.getConnection(schema.jdbcUrl());
             PreparedStatement s = c.prepareStatement(
                     "SELECT media_port FROM meeting_presence WHERE conference_id = ? AND node_id = ?")) {
            s.setString(1, conferenceId);
            s.setString(2, nodeId);
            try (ResultSet rs = s.executeQuery()) {
                return rs.next() ? rs.getInt(1) : 0;
            }
        }
    }

    /**
     * An RTP packet of 20 ms of a tone in G.722 (payload type 9), the legs' own codec, as an outsider who
     * guessed the port would send: only where it comes from tells it from a peer's.
     */
    private static byte[] strangerTone(int seq, double hz) {
        byte[] packet = new byte[12 + 160];
        packet[0] = (byte) 0x80;
        packet[1] = (byte) Codec.G722.staticPayloadType();
        packet[2] = (byte) (seq >> 8);
        packet[3] = (byte) seq;
        int ts = seq * 160;
        packet[4] = (byte) (ts >> 24);
        packet[5] = (byte) (ts >> 16);
        packet[6] = (byte) (ts >> 8);
        packet[7] = (byte) ts;
        packet[8] = 0x12;
        short[] wide = new short[320];
        for (int i = 0; i < wide.length; i++) {
            wide[i] = (short) (8000 * Math.sin(2 * Math.PI * hz * (2L * ts + i) / 16000.0));
        }
        STRANGER_ENCODER.encode(wide, 0, wide.length, packet, 12);
        return packet;
    }

    /** One stream, encoded in order: G.722 is adaptive. Used by the one pacing thread. */
    private static final G722Encoder STRANGER_ENCODER = new G722Encoder();
}
