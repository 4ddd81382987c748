package io.confbridge.server;

import io.confbridge.server.support.Baresip;
import io.confbridge.server.support.LogCapture;
import io.confbridge.server.support.RunningBridge;
import io.confbridge.server.support.TestMeeting;
import io.confbridge.server.support.TestPhone;
import io.confbridge.server.support.ToneMeter;
import io.confbridge.sip.support.FreePorts;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.opentest4j.TestAbortedException;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.stream.Stream;

import static io.confbridge.server.support.DialInSteps.IVR_STEP;
import static io.confbridge.server.support.DialInSteps.dialAndAnswered;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * baresip, a real softphone, with its {@code opus} module and nothing else (issue 11 §1): the bridge answers
 * in Opus; baresip's 440 Hz reaches a G.711 caller through the bridge's libopus decoder, and the G.711
 * caller's 1 kHz reaches baresip through the bridge's Opus encoder, decoded by baresip's own libopus and
 * written to a WAV file by its {@code sndfile} module. Skipped only when baresip is not installed on a
 * developer's machine; CI installs it, and there a missing baresip fails the test.
 */
class BaresipOpusTest {
    private static final Duration CALL_UP = Duration.ofSeconds(15);

    @TempDir
    Path dataDir;

    private Baresip baresip;

    @AfterEach
    void stopBaresip() throws Exception {
        if (baresip != null) {
            baresip.close();
        }
    }

    @Test
    void baresipInOpusAndAG711CallerHearEachOther() throws Exception {
        Baresip.assumeInstalled();
        try (LogCapture logs = LogCapture.start();
             RunningBridge bridge = RunningBridge.in(dataDir).start()) {
            TestMeeting meeting = bridge.newMeeting(false);
            String id = meeting.conferenceId();
            TestPhone listener = bridge.newPhone("listener");
            dialAndAnswered(listener, id);
            assertEquals(io.confbridge.codec.Codec.PCMU, listener.answer().codec());
            Path recordings = Files.createTempDirectory(dataDir, "sndfile");
            baresip = Baresip.dial("sip:" + id + "@127.0.0.1:" + bridge.sipPort(), FreePorts.sipPort(),
                    "<sip:caller@127.0.0.1>;regint=0;audio_codecs=opus/48000/2", List.of("opus.so", "sndfile.so"),
                    List.of("snd_path " + recordings));

            await("baresip's call is answered in Opus").atMost(CALL_UP).until(() -> logs.lines().stream()
                    .anyMatch(l -> l.contains("accepted: OPUS pt")));
            await("both in the meeting").atMost(IVR_STEP).until(() -> bridge.status(id).participantCount() == 2);
            await("the G.711 caller hears baresip's 440 Hz").atMost(IVR_STEP)
                    .until(() -> listener.toneLevel(440, Duration.ofSeconds(1)) > 0.8);

            listener.startTone(1000, -12);
            await("baresip hears the G.711 caller's 1 kHz, decoded by its own libopus").atMost(IVR_STEP)
                    .until(() -> decodedToneLevel(recordings, 1000) > 0.8);
        } catch (TestAbortedException skipped) {
            throw skipped;
        } catch (Throwable t) {
            throw new AssertionError(t.getMessage() + "\nbaresip said:\n" + (baresip == null ? "" : baresip.log()), t);
        }
    }

    /**
     * The share of {@code hz} in the last second of what baresip decoded (its {@code dump-*-dec.wav}: 16-bit
     * PCM, read to its end whatever length the header says while baresip is still writing); 0 before any.
     */
    private static double decodedToneLevel(Path recordings, double hz) throws IOException {
        Path wav;
        try (Stream<Path> files = Files.list(recordings)) {
            wav = files.filter(f -> f.getFileName().toString().endsWith("-dec.wav")).findFirst().orElse(null);
        }
        if (wav == null) {
            return 0;
        }
        ByteBuffer b = ByteBuffer.wrap(Files.readAllBytes(wav)).order(ByteOrder.LITTLE_ENDIAN);
        int channels = 0;
        int rate = 0;
        int at = 12;
        while (at + 8 <= b.limit()) {
            String chunk = new String(b.array(), at, 4, java.nio.charset.StandardCharsets.US_ASCII);
            int size = b.getInt(at + 4);
            if (chunk.equals("fmt ")) {
                channels = b.getShort(at + 10);
                rate = b.getInt(at + 12);
            } else if (chunk.equals("data")) {
                at += 8;
                break;
            }
            at += 8 + size;
        }
        if (channels <= 0 || rate <= 0) {
            return 0;
        }
        int frames = (b.limit() - at) / (2 * channels);
        int last = Math.min(frames, rate); // the last second
        if (last < rate / 2) {
            return 0;
        }
        short[] mono = new short[last];
        for (int i = 0; i < last; i++) {
            mono[i] = b.getShort(at + 2 * channels * (frames - last + i));
        }
        return ToneMeter.toneLevel(mono, mono.length, hz, rate);
    }
}
