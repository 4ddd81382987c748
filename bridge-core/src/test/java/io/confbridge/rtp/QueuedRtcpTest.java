package io.confbridge.rtp;

import io.confbridge.codec.Codec;
import io.confbridge.media.MediaEngine;
import io.confbridge.media.PortPairBinder;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.EventLoop;
import io.netty.channel.epoll.Epoll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * A caller's last RTCP report, queued on the call's socket but not yet read when the call closes (its
 * SIP BYE closed the call first), is read at close and counted, on the RTCP port and multiplexed on the
 * RTP port alike. Real sockets: the media loop is held busy while the report is queued, as a loop busy
 * with other calls is, so that only the read at close can see it.
 */
class QueuedRtcpTest {
    private static final InetAddress LOOPBACK = InetAddress.getLoopbackAddress();
    private static final Duration SOON = Duration.ofSeconds(5);
    private static final int PCMU = 0;

    private MediaEngine engine;
    private EventLoop loop;
    private PortPairBinder.PortPair pair;
    private RtpSession session;
    private RtcpSession rtcp;
    private DatagramSocket caller;
    private final AtomicInteger audioDelivered = new AtomicInteger();

    private void call(boolean rtcpMux) throws Exception {
        assumeTrue(Epoll.isAvailable(), "the read at close is a Linux epoll feature");
        engine = new MediaEngine(1);
        loop = engine.nextClock().loop();
        caller = new DatagramSocket(new InetSocketAddress(LOOPBACK, 0));
        InetSocketAddress callerAddress = (InetSocketAddress) caller.getLocalSocketAddress();
        session = new RtpSession(Codec.PCMU, PCMU, 101, callerAddress, true, true);
        rtcp = new RtcpSession(callerAddress, null, rtcpMux, PCMU);
        PortPairBinder binder = new PortPairBinder(engine, new RtpPortAllocator(24000, 24999), LOOPBACK);
        pair = binder.bind(loop, session.handler(), rtcp.rtcpHandler()).get(5, TimeUnit.SECONDS);
        onLoop(() -> {
            session.reportWith(rtcp);
            session.attach(pair.rtp(), pair.rtcp(), new RtpSession.Receiver() {
                @Override
                public void onTelephoneEvent(ByteBuf buf, int offset, int length, long timestamp, boolean marker) {
                }

                @Override
                public void onAudio(int sequenceNumber, ByteBuf buf, int offset, int length) {
                    audioDelivered.incrementAndGet();
                }
            });
            rtcp.start(pair.rtp(), pair.rtcp(), () -> true);
            session.confirm();
            return null;
        });
    }

    @AfterEach
    void hangUp() throws Exception {
        if (engine == null) {
            return;
        }
        onLoop(() -> {
            rtcp.close();
            session.close();
            return null;
        });
        caller.close();
        engine.close();
    }

    @Test
    void aReportQueuedOnTheRtcpPortWhenTheCallClosesIsCounted() throws Exception {
        call(false);
        long received = closeWith(pair.rtpPort() + 1, report());
        assertEquals(1, received, "the caller's last report");
    }

    @Test
    void aReportMultiplexedOnTheRtpPortIsCountedAndTheAudioBesideItIsNot() throws Exception {
        call(true);
        // The caller is the SDP address: the stream latches there and a twin socket connected to it gets
        // its packets. Wait for it, so the report goes where a latched caller's does.
        await("a socket connected to the caller").atMost(SOON).until(() -> onLoop(session::sendsConnected));
        int audioBefore = audioDelivered.get();
        long received = closeWith(pair.rtpPort(), audio(1), report(), audio(2));
        assertEquals(1, received, "the report among the caller's packets");
        assertEquals(audioBefore, audioDelivered.get(), "a closing call's audio is not handed on");
    }

    @Test
    void aFloodQueuedAtCloseIsReadNoFurtherThanTheBound() throws Exception {
        call(false);
        byte[][] flood = new byte[QueuedRtcp.MAX_DATAGRAMS * 3][];
        java.util.Arrays.fill(flood, report());
        long received = closeWith(pair.rtpPort() + 1, flood);
        assertEquals(QueuedRtcp.MAX_DATAGRAMS, received);
    }

    /**
     * Holds the media loop, sends {@code datagrams} from the caller to {@code port}, each once the kernel
     * has queued the one before on that port, then closes the session on the held loop: the loop never had a
     * chance to read them. The reports the RTCP session counted by then.
     */
    private long closeWith(int port, byte[]... datagrams) throws Exception {
        CountDownLatch holding = new CountDownLatch(1);
        CountDownLatch queued = new CountDownLatch(1);
        Future<Long> closed = loop.submit(() -> {
            holding.countDown();
            queued.await();
            session.close();
            return rtcp.reportsReceived();
        });
        try {
            assertEquals(true, holding.await(5, TimeUnit.SECONDS), "the loop took the task");
            assertEquals(0, rtcp.reportsReceived());
            for (byte[] d : datagrams) {
                // One at a time, each until the kernel has it queued: all are there when the session closes.
                long before = queuedOn(port);
                caller.send(new DatagramPacket(d, d.length, new InetSocketAddress(LOOPBACK, port)));
                await("the datagram queued on port " + port).atMost(SOON).pollDelay(Duration.ZERO)
                        .pollInterval(Duration.ofMillis(2)).until(() -> queuedOn(port) > before);
            }
        } finally {
            queued.countDown(); // never leave the loop held
        }
        return closed.get(5, TimeUnit.SECONDS);
    }

    /** A receiver report with its SDES CNAME: a valid compound (RFC 3550 §6.1). */
    private static byte[] report() {
        ByteBuf rr = Unpooled.buffer();
        RtcpPacket.writeReportHeader(rr, false, 0, 0x7777_0003L, 0, 0, 0, 0);
        RtcpPacket.writeSdesCname(rr, 0x7777_0003L, "caller@127.0.0.1".getBytes());
        byte[] out = new byte[rr.readableBytes()];
        rr.readBytes(out);
        return out;
    }

    private static byte[] audio(int sequenceNumber) {
        ByteBuffer packet = ByteBuffer.allocate(12 + Codec.FRAME_SAMPLES);
        packet.put((byte) 0x80).put((byte) PCMU).putShort((short) sequenceNumber).putInt(160 * sequenceNumber).putInt(0x1111);
        return packet.array();
    }

    /**
     * The memory held by the receive queues of the sockets bound to 127.0.0.1:{@code port} (the call's
     * own and its connected twin share an RTP port), from the kernel's /proc/net/udp.
     */
    private static long queuedOn(int port) throws Exception {
        // Netty's sockets are IPv6 ones bound to the IPv4-mapped address, listed in udp6; plain IPv4 in udp.
        String[] locals = {String.format(Locale.ROOT, "0100007F:%04X", port),
                String.format(Locale.ROOT, "0000000000000000FFFF00000100007F:%04X", port)};
        long total = 0;
        for (String table : new String[] {"/proc/net/udp", "/proc/net/udp6"}) {
            for (String line : Files.readAllLines(Path.of(table))) {
                String[] f = line.trim().split("\\s+");
                if (f.length > 4 && (f[1].equals(locals[0]) || f[1].equals(locals[1]))) {
                    total += Long.parseLong(f[4].substring(f[4].indexOf(':') + 1), 16);
                }
            }
        }
        return total;
    }

    private <T> T onLoop(Callable<T> task) throws Exception {
        return loop.submit(task).get(5, TimeUnit.SECONDS);
    }
}
