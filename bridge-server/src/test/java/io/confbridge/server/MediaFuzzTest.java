package io.confbridge.server;

import io.confbridge.rtp.support.HostilePackets;
import io.confbridge.server.support.HoldMusicWatch;
import io.confbridge.server.support.RunningBridge;
import io.confbridge.server.support.StallCanary;
import io.confbridge.server.support.TestMeeting;
import io.confbridge.server.support.TestPhone;
import io.confbridge.server.support.WarningCapture;
import io.confbridge.support.FuzzSeed;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

import static io.confbridge.server.support.DialInSteps.IVR_STEP;
import static io.confbridge.server.support.DialInSteps.awaitHearing;
import static io.confbridge.server.support.DialInSteps.dialAndAnswered;
import static io.confbridge.server.support.DialInSteps.type;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertAll;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Issue 9 §5 for media: {@code fuzz.mediaCases} (20,000 by default) hostile RTP and RTCP datagrams from
 * {@link HostilePackets} (random, truncated, wrong version, CSRC count, padding, extension or RTCP length
 * past the end) sent to a live call's ports: to its RTP port from the caller's own address (past the source
 * check, into the parsers), to its RTCP port, and to its RTP port from a stranger. After each batch the
 * caller heard its hold music with no gap over 60 ms beyond the time the whole JVM stood still
 * ({@link StallCanary}); at the end the call is up, still hearing music, and
 * nothing was logged at ERROR nor as a runtime exception. Seeded: {@code -Dfuzz.seed=N} replays a run.
 */
class MediaFuzzTest {
    private static final long SEED = FuzzSeed.orDefault(-6154473107785376017L);
    private static final int CASES = Integer.getInteger("fuzz.mediaCases", 20_000);
    private static final int BATCH = 2_000;
    private static final int PACKETS_PER_TICK = 10;
    private static final long TICK_MS = 10;
    private static final Duration MAX_GAP = Duration.ofMillis(60);

    @TempDir
    Path dataDir;

    @Test
    void hostileRtpAndRtcpNeverBreakTheHoldMusic() throws Exception {
        try (WarningCapture warnings = WarningCapture.start();
             StallCanary canary = StallCanary.start();
             RunningBridge bridge = RunningBridge.in(dataDir).start()) {
            TestMeeting meeting = bridge.newMeeting(true);
            TestPhone caller = bridge.newPhone("caller");
            dialAndAnswered(caller, "bridge");
            awaitHearing(caller);
            type(caller, meeting.conferenceId() + "#");
            await("the caller waits in the lobby").atMost(IVR_STEP)
                    .until(() -> bridge.status(meeting.conferenceId()).lobbyCount() == 1);
            await("hold music flows").atMost(IVR_STEP).until(() -> {
                long now = System.nanoTime();
                return HoldMusicWatch.of(caller, now - Duration.ofSeconds(1).toNanos(), now).audioPackets() >= 45;
            });

            InetSocketAddress rtp = caller.answer().rtpAddress();
            InetSocketAddress rtcp = new InetSocketAddress(rtp.getAddress(), rtp.getPort() + 1);
            HostilePackets packets = new HostilePackets(new Random(SEED), caller.answer().audioPayloadType(), 0x5eed_f00dL);
            ScheduledExecutorService pacer = Executors.newSingleThreadScheduledExecutor(r -> {
                Thread t = new Thread(r, "media-fuzzer");
                t.setDaemon(true);
                return t;
            });
            List<String> gaps = new ArrayList<>();
            try (DatagramSocket stranger = new DatagramSocket(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0))) {
                int batches = (CASES + BATCH - 1) / BATCH;
                int[] sent = {0};
                for (int b = 0; b < batches; b++) {
                    int size = Math.min(BATCH, CASES - b * BATCH);
                    long startNs = System.nanoTime();
                    CompletableFuture<Void> done = new CompletableFuture<>();
                    int[] inBatch = {0};
                    ScheduledFuture<?>[] task = new ScheduledFuture<?>[1];
                    task[0] = pacer.scheduleAtFixedRate(() -> {
                        try {
                            for (int i = 0; i < PACKETS_PER_TICK && inBatch[0] < size; i++, inBatch[0]++, sent[0]++) {
                                byte[] datagram = packets.next();
                                switch (sent[0] % 4) {
                                    case 0, 1 -> caller.sendFromRtpPort(datagram);
                                    case 2 -> stranger.send(new DatagramPacket(datagram, datagram.length, rtcp));
                                    default -> stranger.send(new DatagramPacket(datagram, datagram.length, rtp));
                                }
                            }
                            if (inBatch[0] >= size) {
                                done.complete(null);
                                task[0].cancel(false);
                            }
                        } catch (Exception e) {
                            done.completeExceptionally(e);
                            task[0].cancel(false);
                        }
                    }, 0, TICK_MS, TimeUnit.MILLISECONDS);
                    done.get(2, TimeUnit.MINUTES);
                    long endNs = System.nanoTime();
                    HoldMusicWatch heard = HoldMusicWatch.of(caller, startNs, endNs, canary);
                    if (heard.longestBridgeGap().compareTo(MAX_GAP) > 0) {
                        gaps.add("fuzz.seed=" + SEED + " batch " + b + ": longest gap "
                                + heard.longestBridgeGap().toMillis() + " ms beyond JVM-wide stalls ("
                                + heard.longestGap().toMillis() + " ms in all), " + heard.audioPackets()
                                + " packets in " + (endNs - startNs) / 1_000_000 + " ms");
                    }
                }
            } finally {
                pacer.shutdownNow();
            }
            List<String> logged = warnings.lines().stream().filter(SipFuzzTest::isFailure).toList();
            assertAll(
                    () -> assertEquals(List.of(), SipFuzzTest.CADENCE_REPORT_ONLY ? SipFuzzTest.reported(gaps) : gaps,
                            "hold music kept its cadence, fuzz.seed=" + SEED),
                    () -> assertEquals(List.of(), logged, "nothing at ERROR, no runtime exception, fuzz.seed=" + SEED),
                    () -> assertFalse(caller.byeReceivedFromBridge(), "the call is still up"),
                    () -> assertEquals(1, bridge.status(meeting.conferenceId()).lobbyCount(), "still in the lobby"),
                    () -> assertTrue(caller.isHearingAudio(Duration.ofMillis(500)), "still hearing the music"));
        }
    }
}
