import io.confbridge.codec.OpusEncoder;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Writes a pcap of Opus RTP packets for SIPp's play_pcap_audio action (payload type 96, 20 ms packets on
 * Opus's 48 kHz RTP clock), the Opus counterpart of G722Wav.java: SIPp's rtp_stream only knows fixed-size
 * payloads, so Opus callers replay a capture instead, which keeps the RTP header and paces by the capture
 * times. The audio is G722Wav's speech-like bursts (800 ms on, 200 ms off: 440 Hz with 3 kHz and 6 kHz
 * partials), encoded at 16 kHz by the bridge's own libopus encoder. Run with the bridge jar on the class
 * path (Java's single-file launch):
 *
 *     java -cp bridge-server/target/bridge.jar bench/OpusPcap.java OUT.pcap [SECONDS] [noise]
 *
 * With {@code noise}, the audio is low white noise (-60 dBFS RMS) instead: a caller who is not talking,
 * whose packets libopus flags as no voice activity.
 */
public final class OpusPcap {
    private static final int RATE = 16_000;
    private static final int PAYLOAD_TYPE = 96;

    public static void main(String[] args) throws IOException {
        if (args.length < 1) {
            System.err.println("usage: OpusPcap OUT.pcap [SECONDS] [noise]");
            System.exit(2);
        }
        int frames = (int) ((args.length > 1 ? Double.parseDouble(args[1]) : 10) * 50);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.write(ByteBuffer.allocate(24).order(ByteOrder.LITTLE_ENDIAN).putInt(0xa1b2c3d4).putShort((short) 2)
                .putShort((short) 4).putInt(0).putInt(0).putInt(65535).putInt(1).array()); // Ethernet captures
        boolean noise = args.length > 2 && "noise".equals(args[2]);
        java.util.Random random = new java.util.Random(1);
        short[] pcm = new short[320];
        byte[] opus = new byte[1275];
        try (OpusEncoder encoder = new OpusEncoder()) {
            for (int frame = 0; frame < frames; frame++) {
                for (int i = 0; i < pcm.length; i++) {
                    int n = frame * pcm.length + i;
                    double t = (double) n / RATE;
                    boolean pause = n % RATE >= 0.8 * RATE;
                    pcm[i] = noise ? (short) Math.round(random.nextGaussian() * 32768 * Math.pow(10, -60 / 20.0))
                            : (short) Math.round(pause ? 0 : 5000 * Math.sin(2 * Math.PI * 440 * t)
                            + 1500 * Math.sin(2 * Math.PI * 3000 * t) + 1000 * Math.sin(2 * Math.PI * 6000 * t));
                }
                int length = encoder.encode(pcm, 0, opus, 0, opus.length);
                out.write(packet(frame, opus, length));
            }
        }
        Files.write(Path.of(args[0]), out.toByteArray());
    }

    /** One pcap record: Ethernet, IPv4 and UDP headers (loopback, checksums 0) around the RTP packet. */
    private static byte[] packet(int frame, byte[] opus, int length) {
        int udpLength = 8 + 12 + length;
        int ipLength = 20 + udpLength;
        long micros = frame * 20_000L;
        ByteBuffer p = ByteBuffer.allocate(16 + 14 + ipLength);
        p.order(ByteOrder.LITTLE_ENDIAN).putInt((int) (micros / 1_000_000)).putInt((int) (micros % 1_000_000))
                .putInt(14 + ipLength).putInt(14 + ipLength);
        p.order(ByteOrder.BIG_ENDIAN).put(new byte[12]).putShort((short) 0x0800);
        p.put((byte) 0x45).put((byte) 0).putShort((short) ipLength).putShort((short) frame).putShort((short) 0)
                .put((byte) 64).put((byte) 17).putShort((short) 0).put(new byte[] {127, 0, 0, 1}).put(new byte[] {127, 0, 0, 1});
        p.putShort((short) 10000).putShort((short) 20000).putShort((short) udpLength).putShort((short) 0);
        p.put((byte) 0x80).put((byte) ((frame == 0 ? 0x80 : 0) | PAYLOAD_TYPE)).putShort((short) frame)
                .putInt(frame * 960).putInt(0x4f505553);
        p.put(opus, 0, length);
        return p.array();
    }
}
