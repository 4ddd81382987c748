package io.confbridge.server;

import io.confbridge.server.support.ReceivedRtp;
import io.confbridge.server.support.RunningBridge;
import io.confbridge.server.support.SdpOffer;
import io.confbridge.server.support.TestMeeting;
import io.confbridge.server.support.TestPhone;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.Inet6Address;
import java.net.InetAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

import static io.confbridge.server.support.DialInSteps.IVR_STEP;
import static io.confbridge.server.support.DialInSteps.awaitHearing;
import static io.confbridge.server.support.DialInSteps.dialAndAnswered;
import static io.confbridge.server.support.DialInSteps.type;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** SIP and RTP over [::1] (issue 8, point 7): {@code sip.bindAddress=::1}, {@code rtp.bindAddress=::1}. */
class Ipv6CallTest {

    @TempDir
    Path dataDir;

    @Test
    void callerOverIpv6ReachesTheLobbyAndHearsHoldMusicFromTheBridgesIpv6Address() throws Exception {
        try (RunningBridge bridge = RunningBridge.in(dataDir)
                .with("sip.bindAddress", "::1").with("rtp.bindAddress", "::1").start()) {
            TestMeeting meeting = bridge.newMeeting(true);
            TestPhone caller = bridge.newPhone("v6-caller", "::1");

            dialAndAnswered(caller, "bridge");
            String answer = caller.answer().text();
            assertTrue(answer.contains("c=IN IP6 ::1"), answer);
            assertTrue(answer.lines().anyMatch(l -> l.matches("o=confbridge \\d+ \\d+ IN IP6 ::1")), answer);
            assertEquals(InetAddress.getByName("::1"), caller.answer().rtpAddress().getAddress());

            awaitHearing(caller);
            type(caller, meeting.conferenceId() + "#");
            await("the IPv6 caller waits in the lobby").atMost(IVR_STEP)
                    .until(() -> bridge.status(meeting.conferenceId()).lobbyCount() == 1);
            await("hold music over IPv6").atMost(IVR_STEP).until(() -> caller.isHearingAudio(Duration.ofSeconds(1)));
            List<ReceivedRtp> heard = caller.received();
            assertTrue(heard.stream().allMatch(p -> p.source().getAddress() instanceof Inet6Address
                    && p.source().getAddress().isLoopbackAddress()), "all RTP came from ::1");

            assertEquals(200, caller.hangUp());
            await("the lobby empties").atMost(IVR_STEP)
                    .until(() -> bridge.status(meeting.conferenceId()).lobbyCount() == 0);
        }
    }

    @Test
    void lateOfferCallerOverIpv6HearsTheBridge() throws Exception {
        try (RunningBridge bridge = RunningBridge.in(dataDir)
                .with("sip.bindAddress", "::1").with("rtp.bindAddress", "::1").start()) {
            TestPhone caller = bridge.newPhone("v6-late", "::1");
            assertEquals(200, caller.dialWithoutOffer("bridge", SdpOffer.PCMU_PCMA_TELEPHONE_EVENT));
            assertTrue(caller.answer().text().contains("c=IN IP6 ::1"), caller.answer().text());
            caller.startSilence();
            awaitHearing(caller);
        }
    }
}
