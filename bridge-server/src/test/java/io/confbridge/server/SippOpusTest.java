package io.confbridge.server;

import io.confbridge.codec.OpusEncoder;
import io.confbridge.server.support.RunningBridge;
import io.confbridge.server.support.SippCaller;
import io.confbridge.server.support.TestMeeting;
import io.confbridge.server.support.TestPhone;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

import static io.confbridge.server.support.DialInSteps.IVR_STEP;
import static io.confbridge.server.support.DialInSteps.dialAndAnswered;
import static org.awaitility.Awaitility.await;

/**
 * SIPp as an Opus phone (issue 11: "test with SIPp, using Opus and G.722 pcaps that you generate"): it
 * offers Opus only, on payload type 96, and replays a pcap of RTP packets this test makes with libopus (a
 * 1 kHz tone, 20 ms packets on Opus's 48 kHz clock); a G.711 caller in the same meeting hears it.
 */
class SippOpusTest {
    private static final int PAYLOAD_TYPE = 96;

    @TempDir
    Path dataDir;
    @TempDir
    Path sippDir;

    @Test
    void aSippOpusCallerIsHeardByAG711Caller() throws Exception {
        writeTonePcap(sippDir.resolve("opus-tone.pcap"), 1000, 20);
        try (RunningBridge bridge = RunningBridge.in(dataDir).start()) {
            TestMeeting meeting = bridge.newMeeting(false);
            String id = meeting.conferenceId();
            TestPhone listener = bridge.newPhone("listener");
            dialAndAnswered(listener, id);
            try (SippCaller opus = SippCaller.call("opus-talker.xml", bridge.sipPort(), id, sippDir)) {
                await("SIPp's Opus call joins the meeting").atMost(IVR_STEP)
                        .failFast("sipp exited: " + opus.output(), () -> !opus.isAlive())
                        .until(() -> bridge.status(id).participantCount() == 2);
                await("the G.711 caller hears SIPp's 1 kHz").atMost(IVR_STEP)
                        .failFast("sipp exited: " + opus.output(), () -> !opus.isAlive())
                        .until(() -> listener.toneLevel(1000, Duration.ofSeconds(1)) > 0.8);
            }
        }
    }

    /**
     * {@code seconds} of a steady tone, Opus-encoded at 16 kHz, as a libpcap file of Ethernet/IPv4/UDP/RTP
     * packets 20 ms apart (SIPp's play_pcap_audio keeps the RTP header and paces by the capture times,
     * sending to the negotiated address whatever the file's addresses and ports).
     */
    static void writeTonePcap(Path file, double hz, int seconds) throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteBuffer global = ByteBuffer.allocate(24).order(ByteOrder.LITTLE_ENDIAN);
        global.putInt(0xa1b2c3d4).putShort((short) 2).putShort((short) 4).putInt(0).putInt(0).putInt(65535).putInt(1);
        out.write(global.array());
        short[] pcm = new short[320];
        byte[] opus = new byte[1275];
        try (OpusEncoder encoder = new OpusEncoder()) {
            for (int frame = 0; frame < seconds * 50; frame++) {
                for (int i = 0; i < pcm.length; i++) {
                    pcm[i] = (short) Math.round(6000 * Math.sin(2 * Math.PI * hz * (frame * 320 + i) / 16_000));
                }
                int length = encoder.encode(pcm, 0, opus, 0, opus.length);
                int rtpLength = 12 + length;
                int udpLength = 8 + rtpLength;
                int ipLength = 20 + udpLength;
                ByteBuffer p = ByteBuffer.allocate(16 + 14 + ipLength);
                long micros = frame * 20_000L;
                p.order(ByteOrder.LITTLE_ENDIAN).putInt((int) (micros / 1_000_000)).putInt((int) (micros % 1_000_000))
                        .putInt(14 + ipLength).putInt(14 + ipLength);
                p.order(ByteOrder.BIG_ENDIAN);
                p.put(new byte[12]).putShort((short) 0x0800); // Ethernet: no addresses, IPv4
                p.put((byte) 0x45).put((byte) 0).putShort((short) ipLength).putShort((short) frame).putShort((short) 0)
                        .put((byte) 64).put((byte) 17).putShort((short) 0)
                        .put(new byte[] {127, 0, 0, 1}).put(new byte[] {127, 0, 0, 1});
                p.putShort((short) 40000).putShort((short) 40002).putShort((short) udpLength).putShort((short) 0);
                p.put((byte) 0x80).put((byte) ((frame == 0 ? 0x80 : 0) | PAYLOAD_TYPE)).putShort((short) frame)
                        .putInt(frame * 960).putInt(0x4f505553); // 960 a frame: RTP clock 48 kHz (RFC 7587)
                p.put(opus, 0, length);
                out.write(p.array());
            }
        }
        Files.write(file, out.toByteArray());
    }
}
