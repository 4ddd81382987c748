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
 * The per-packet path of a latched session allocates nothing: receiving (source check, a stranger's
 * packet dropped, delivery) and sending (pooled buffer, recycled envelope, unconnected channel). Measured
 * with the JVM's per-thread allocation counter over many rounds after a warm-up, on a Netty thread.
 */
class RtpSessionAllocationTest {
    private static final int PACKETS = 20_000;
    private static final InetSocketAddress SDP = new InetSocketAddress("127.0.0.99", 40000);
    private static final InetSocketAddress CALLER = new InetSocketAddress("127.0.0.1", 50000);
    private static final InetSocketAddress STRANGER = new InetSocketAddress("127.0.0.1", 50002);

    private long delivered;

    private int packetTimeMs = 20;

    @Test
    void aLatchedSessionReceivesAndSendsWithoutAllocating() throws InterruptedException {
        onMediaLoop();
    }

    /** Issue 11 §4: frames collected into 30 ms packets (the uneven case: a copy back each packet) allocate nothing either. */
    @Test
    void collectingFramesIntoThePacketTimeOfTheCallerAllocatesNothing() throws InterruptedException {
        packetTimeMs = 30;
        onMediaLoop();
    }

    private void onMediaLoop() throws InterruptedException {
        // The suite runs with paranoid leak detection, which records a trace per buffer: not ours to count.
        ResourceLeakDetector.Level leakLevel = ResourceLeakDetector.getLevel();
        ResourceLeakDetector.setLevel(ResourceLeakDetector.Level.DISABLED);
        try {
            // On a Netty thread, as on the media loop: pooled buffers and outbound entries are recycled there.
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
        RtpSession session = new RtpSession(Codec.PCMU, 0, 101, SDP, true, true);
        session.packetTime(packetTimeMs);
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
        session.confirm();
        byte[] frame = new byte[Codec.FRAME_SAMPLES];
        ByteBuf packet = PooledByteBufAllocator.DEFAULT.directBuffer(12 + Codec.FRAME_SAMPLES);
        packet.writeByte(0x80).writeByte(0).writeShort(0).writeInt(0).writeInt(0x1a2b3c4d).writeZero(Codec.FRAME_SAMPLES);

        for (int seq = 0; seq < RtpSession.PROBATION_PACKETS; seq++) {
            packet.setShort(2, 60_000 + seq);
            session.onPacket(packet, CALLER, 0); // the caller's run latches the stream
        }
        assertEquals(CALLER, session.sendingTo());
        delivered = 0;
        run(session, channel, frame, packet, 0, PACKETS); // warm-up: pools, JIT
        com.sun.management.ThreadMXBean threads = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        long thread = Thread.currentThread().getId();
        long before = threads.getThreadAllocatedBytes(thread);
        run(session, channel, frame, packet, PACKETS, PACKETS);
        long allocated = threads.getThreadAllocatedBytes(thread) - before;

        assertEquals(2L * PACKETS, delivered, "every packet from the caller was delivered");
        assertEquals(2L * PACKETS * 20 / packetTimeMs, session.packetsSent(), "every frame sent, in packets of " + packetTimeMs + " ms");
        assertTrue(session.foreignDropped() >= PACKETS, "a stranger's packet each round was dropped");
        // The smallest Java object is 16 bytes: under 16 a round, no round allocated one. What remains is the
        // buffer pool's own occasional bookkeeping (a few bytes a packet on average).
        assertTrue(allocated < 16L * PACKETS, allocated + " bytes for " + PACKETS + " rounds");
        packet.release();
        channel.finishAndReleaseAll();
    }

    private static void run(RtpSession session, EmbeddedChannel channel, byte[] frame, ByteBuf packet,
                            int firstSequence, int count) {
        long nowNs = 0;
        for (int i = 0; i < count; i++) {
            nowNs += 20_000_000L;
            packet.setShort(2, firstSequence + i);
            session.onPacket(packet, CALLER, nowNs);
            session.onPacket(packet, STRANGER, nowNs);
            session.sendFrame(frame, 0);
            Object sent;
            while ((sent = channel.readOutbound()) != null) {
                ((AddressedEnvelope<?, ?>) sent).release();
            }
        }
    }
}
