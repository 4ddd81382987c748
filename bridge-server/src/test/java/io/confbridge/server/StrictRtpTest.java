package io.confbridge.server;

import io.confbridge.server.support.RunningBridge;
import io.confbridge.server.support.TestMeeting;
import io.confbridge.server.support.TestPhone;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;

import static io.confbridge.server.support.DialInSteps.IVR_STEP;
import static io.confbridge.server.support.DialInSteps.awaitHearing;
import static io.confbridge.server.support.DialInSteps.dialAndAnswered;
import static io.confbridge.server.support.DialInSteps.type;
import static org.awaitility.Awaitility.await;

/** SPEC §5 strict RTP: media is accepted only from the source the call negotiated or latched. */
class StrictRtpTest {
    /**
     * Had the injected ID been taken, the caller would reach the lobby within the organizer prompt plus the
     * 500 ms star window; watching this long makes "nothing happened" mean something.
     */
    private static final Duration WATCH_FOR_INJECTION = Duration.ofSeconds(6);

    @TempDir
    Path dataDir;

    @Test
    void injectedDtmfFromAnotherSourcePortIsIgnored() throws Exception {
        // A long digit timeout, so the ID prompt does not time out while the test watches.
        try (RunningBridge bridge = RunningBridge.in(dataDir).with("ivr.digitTimeoutMs", "30000").start()) {
            TestMeeting meeting = bridge.newMeeting(true);
            String id = meeting.conferenceId();
            TestPhone caller = bridge.newPhone("caller");
            dialAndAnswered(caller, "bridge");
            awaitHearing(caller);
            await("the caller's stream is established").atMost(IVR_STEP).until(() -> caller.packetsSent() >= 25);

            caller.injectDtmfFromOtherPort(id + "#");
            await("injected keys do not move the caller on")
                    .during(WATCH_FOR_INJECTION).atMost(WATCH_FOR_INJECTION.plusSeconds(2))
                    .until(() -> bridge.status(id).lobbyCount() == 0);

            type(caller, id + "#");
            await("the same keys from the caller's own port do").atMost(IVR_STEP)
                    .until(() -> bridge.status(id).lobbyCount() == 1);
        }
    }
}
