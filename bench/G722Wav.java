import io.confbridge.codec.G722Encoder;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Writes a G.722 WAV file for SIPp's rtp_stream action (payload type 9), the wideband counterpart of
 * gen_audio.py: SIPp skips the header and sends the bytes 160 at a time, and 160 bytes of G.722 are
 * 20 ms as for G.711. The audio is speech-like bursts (800 ms on, 200 ms off) of a 440 Hz tone with
 * a 3 kHz and a 6 kHz partial, so the G.722 high band carries sound too; it is encoded with the
 * bridge's own encoder. Run with the bridge jar on the class path (Java's single-file launch):
 *
 *     java -cp bridge-server/target/bridge.jar bench/G722Wav.java OUT.wav [SECONDS] [noise]
 *
 * With {@code noise}, the audio is low white noise (-60 dBFS RMS) instead: a caller who is not talking.
 */
public final class G722Wav {
    private static final int RATE = 16_000;

    public static void main(String[] args) throws IOException {
        if (args.length < 1) {
            System.err.println("usage: G722Wav OUT.wav [SECONDS] [noise]");
            System.exit(2);
        }
        double seconds = args.length > 1 ? Double.parseDouble(args[1]) : 10;
        int samples = (int) (seconds * RATE) / 320 * 320; // whole 20 ms frames
        short[] pcm = new short[samples];
        boolean noise = args.length > 2 && "noise".equals(args[2]);
        java.util.Random random = new java.util.Random(1);
        for (int n = 0; n < samples && noise; n++) {
            pcm[n] = (short) Math.round(random.nextGaussian() * 32768 * Math.pow(10, -60 / 20.0));
        }
        for (int n = 0; n < samples && !noise; n++) {
            boolean pause = n % RATE >= 0.8 * RATE;
            double t = (double) n / RATE;
            double v = pause ? 0 : 5000 * Math.sin(2 * Math.PI * 440 * t) + 1500 * Math.sin(2 * Math.PI * 3000 * t)
                    + 1000 * Math.sin(2 * Math.PI * 6000 * t);
            pcm[n] = (short) Math.round(v);
        }
        byte[] g722 = new byte[samples / 2];
        new G722Encoder().encode(pcm, 0, samples, g722, 0);
        Files.write(Path.of(args[0]), wav(g722));
    }

    /** A WAVE_FORMAT_G722_ADPCM (0x0065) file around the encoded bytes. */
    private static byte[] wav(byte[] data) {
        ByteBuffer b = ByteBuffer.allocate(44 + data.length).order(ByteOrder.LITTLE_ENDIAN);
        b.put("RIFF".getBytes()).putInt(36 + data.length).put("WAVE".getBytes());
        b.put("fmt ".getBytes()).putInt(16).putShort((short) 0x0065).putShort((short) 1).putInt(RATE)
                .putInt(8000).putShort((short) 1).putShort((short) 4);
        b.put("data".getBytes()).putInt(data.length).put(data);
        return b.array();
    }
}
