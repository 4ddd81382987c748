package io.confbridge.server;

import io.confbridge.codec.G722Encoder;
import io.confbridge.server.support.RunningBridge;
import io.confbridge.server.support.SippCaller;
import io.confbridge.server.support.TestMeeting;
import io.confbridge.server.support.TestPhone;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

import static io.confbridge.server.support.DialInSteps.IVR_STEP;
import static io.confbridge.server.support.DialInSteps.dialAndAnswered;
import static org.awaitility.Awaitility.await;

/**
 * SIPp as a wideband phone (issue 11: "test with SIPp, using G.722 pcaps that you generate"): it offers
 * G.722 only and streams a 1 kHz tone that this test encodes with the bridge's G.722 encoder; a G.711
 * caller in the same meeting hears it.
 */
class SippG722Test {
    @TempDir
    Path dataDir;
    @TempDir
    Path sippDir;

    @Test
    void aSippG722CallerIsHeardByAG711Caller() throws Exception {
        writeToneWav(sippDir.resolve("g722-tone.wav"), 1000, 4);
        try (RunningBridge bridge = RunningBridge.in(dataDir).start()) {
            TestMeeting meeting = bridge.newMeeting(false);
            String id = meeting.conferenceId();
            TestPhone listener = bridge.newPhone("listener");
            dialAndAnswered(listener, id);
            try (SippCaller wide = SippCaller.call("g722-talker.xml", bridge.sipPort(), id, sippDir)) {
                await("SIPp's G.722 call joins the meeting").atMost(IVR_STEP)
                        .failFast("sipp exited: " + wide.output(), () -> !wide.isAlive())
                        .until(() -> bridge.status(id).participantCount() == 2);
                await("the G.711 caller hears SIPp's 1 kHz").atMost(IVR_STEP)
                        .failFast("sipp exited: " + wide.output(), () -> !wide.isAlive())
                        .until(() -> listener.toneLevel(1000, Duration.ofSeconds(1)) > 0.8);
            }
        }
    }

    /** {@code seconds} of a steady tone at 16 kHz, G.722-encoded, in a WAV header SIPp skips. */
    private static void writeToneWav(Path file, double hz, int seconds) throws Exception {
        int samples = 16_000 * seconds;
        short[] pcm = new short[samples];
        for (int n = 0; n < samples; n++) {
            pcm[n] = (short) Math.round(6000 * Math.sin(2 * Math.PI * hz * n / 16_000));
        }
        byte[] g722 = new byte[samples / 2];
        new G722Encoder().encode(pcm, 0, samples, g722, 0);
        ByteBuffer wav = ByteBuffer.allocate(44 + g722.length).order(ByteOrder.LITTLE_ENDIAN);
        wav.put("RIFF".getBytes(StandardCharsets.US_ASCII)).putInt(36 + g722.length)
                .put("WAVE".getBytes(StandardCharsets.US_ASCII))
                .put("fmt ".getBytes(StandardCharsets.US_ASCII)).putInt(16).putShort((short) 0x0065).putShort((short) 1)
                .putInt(16_000).putInt(8000).putShort((short) 1).putShort((short) 4)
                .put("data".getBytes(StandardCharsets.US_ASCII)).putInt(g722.length).put(g722);
        Files.write(file, wav.array());
    }
}
