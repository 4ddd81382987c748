package io.confbridge.rtp;

import io.confbridge.codec.Codec;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.PooledByteBufAllocator;
import io.netty.channel.AddressedEnvelope;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.util.ResourceLeakDetector;
import io.netty.util.concurrent.FastThreadLocalThread;
import org.junit.jupiter.api.Test;

import java.lang.management.ManagementFactory;
import java.net.InetSocketAddress;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * An SRTP call's per-packet path allocates nothing either: the caller's SRTP packet authenticated and
 * decrypted in its pooled buffer, then handled by the session; the bridge's frame sent through the
 * pipeline and encrypted in place by the SRTP handler. Measured as {@link RtpSessionAllocationTest} does.
 */
class SrtpStreamAllocationTest {
    private static final int PACKETS = 20_000;
    private static final InetSocketAddress CALLER = new InetSocketAddress("127.0.0.1", 50000);
    private static final byte[] KEY = new byte[16];
    private static final byte[] SALT = new byte[14];

    private long delivered;

    @Test
    void anSrtpCallReceivesAndSendsWithoutAllocating() throws InterruptedException {
        ResourceLeakDetector.Level leakLevel = ResourceLeakDetector.getLevel();
        ResourceLeakDetector.setLevel(ResourceLeakDetector.Level.DISABLED);
        try {
            Throwable[] failure = new Throwable[1];
            Thread loop = new FastThreadLocalThread(() -> {
                try {
                    measure();
                } catch (Throwable t) {
                    failure[0] = t;
                }
            }, "media-loop-like");
            loop.start();
            loop.join();
            if (failure[0] instanceof Error e) {
                throw e;
            } else if (failure[0] != null) {
                throw new IllegalStateException(failure[0]);
            }
        } finally {
            ResourceLeakDetector.setLevel(leakLevel);
        }
    }

    private void measure() {
        KEY[0] = 1;
        RtpSession session = new RtpSession(Codec.PCMU, 0, 101, CALLER, true, true);
        EmbeddedChannel channel = new EmbeddedChannel(session.handler());
        channel.config().setAllocator(PooledByteBufAllocator.DEFAULT);
        session.attach(channel, null, new RtpSession.Receiver() {
            @Override
            public void onTelephoneEvent(ByteBuf buf, int payloadOffset, int payloadLength, long rtpTimestamp,
                                         boolean marker) {
                delivered++;
            }

            @Override
            public void onAudio(int sequenceNumber, ByteBuf buf, int payloadOffset, int payloadLength) {
                delivered++;
            }
        });
        SrtpStream srtp = new SrtpStream(channel, null);
        srtp.rekey(new SrtpKeys(SrtpContext.Suite.AES_CM_128_HMAC_SHA1_80, KEY, SALT, KEY, SALT));
        session.confirm();
        SrtpContext caller = new SrtpContext(SrtpContext.Suite.AES_CM_128_HMAC_SHA1_80, KEY, SALT);
        byte[] frame = new byte[Codec.FRAME_SAMPLES];
        byte[] wire = new byte[12 + Codec.FRAME_SAMPLES + 10];
        ByteBuf packet = PooledByteBufAllocator.DEFAULT.directBuffer(wire.length);

        run(session, srtp, caller, channel, frame, wire, packet, 0, PACKETS); // warm-up: pools, JIT
        com.sun.management.ThreadMXBean threads = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        long thread = Thread.currentThread().getId();
        long before = threads.getThreadAllocatedBytes(thread);
        run(session, srtp, caller, channel, frame, wire, packet, PACKETS, PACKETS);
        long allocated = threads.getThreadAllocatedBytes(thread) - before;

        assertEquals(2L * PACKETS, delivered, "every SRTP packet from the caller was authenticated and delivered");
        assertEquals(0, srtp.authDropped());
        assertTrue(allocated < 16L * PACKETS, allocated + " bytes for " + PACKETS + " rounds");
        packet.release();
        channel.finishAndReleaseAll();
    }

    private static void run(RtpSession session, SrtpStream srtp, SrtpContext caller, EmbeddedChannel channel,
                            byte[] frame, byte[] wire, ByteBuf packet, int firstSequence, int count) {
        long nowNs = 0;
        for (int i = 0; i < count; i++) {
            nowNs += 20_000_000L;
            wire[0] = (byte) 0x80;
            wire[1] = 0;
            wire[2] = (byte) ((firstSequence + i) >>> 8);
            wire[3] = (byte) (firstSequence + i);
            wire[8] = 0x1a;
            java.util.Arrays.fill(wire, 12, 12 + Codec.FRAME_SAMPLES, (byte) 0xFF);
            int length = caller.protect(wire, 0, 12 + Codec.FRAME_SAMPLES);
            packet.clear().writeBytes(wire, 0, length);
            if (srtp.unprotect(packet, false)) {
                session.onPacket(packet, CALLER, nowNs);
            }
            session.sendFrame(frame, 0);
            Object sent = channel.readOutbound();
            ((AddressedEnvelope<?, ?>) sent).release();
        }
    }
}
