package io.confbridge.rtp;

import io.confbridge.codec.Codec;
import io.confbridge.media.MediaEngine;
import io.confbridge.media.PortPairBinder;
import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.EventLoop;
import io.netty.channel.epoll.Epoll;
import io.netty.util.ResourceLeakDetector;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.lang.management.ManagementFactory;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketTimeoutException;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * Latching on real sockets: the stream runs through a socket connected to where the session sends,
 * while the session's own unconnected socket on the same port still sees, and counts, every stranger.
 */
class ConnectedRtpSocketTest {
    private static final InetAddress LOOPBACK = InetAddress.getLoopbackAddress();
    private static final int PCMU = 0;
    private static final byte[] FRAME = new byte[Codec.FRAME_SAMPLES];
    private static final Duration SOON = Duration.ofSeconds(5);

    private MediaEngine engine;
    private EventLoop loop;
    private PortPairBinder.PortPair pair;
    private RtpSession session;
    private final AtomicInteger audioDelivered = new AtomicInteger();
    private DatagramSocket sdp;
    private DatagramSocket nat;
    private DatagramSocket stranger;

    @BeforeEach
    void callWithLatching() throws Exception {
        assumeTrue(Epoll.isAvailable(), "the connected twin is a Linux epoll feature");
        engine = new MediaEngine(1);
        loop = engine.nextClock().loop();
        sdp = socket();
        nat = socket();
        stranger = socket();
        session = new RtpSession(Codec.PCMU, PCMU, 101, (InetSocketAddress) sdp.getLocalSocketAddress(), true, true);
        PortPairBinder binder = new PortPairBinder(engine, new RtpPortAllocator(23000, 23999), LOOPBACK);
        pair = binder.bind(loop, session.handler(), new ChannelInboundHandlerAdapter()).get(5, TimeUnit.SECONDS);
        onLoop(() -> {
            session.attach(pair.rtp(), pair.rtcp(), new RtpSession.Receiver() {
                @Override
                public void onTelephoneEvent(ByteBuf buf, int offset, int length, long timestamp, boolean marker) {
                }

                @Override
                public void onAudio(int sequenceNumber, ByteBuf buf, int offset, int length) {
                    audioDelivered.incrementAndGet();
                }
            });
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
            session.close();
            return null;
        });
        sdp.close();
        nat.close();
        stranger.close();
        engine.close();
    }

    @Test
    void theStreamRunsConnectedToTheSdpAddressThenToTheLatchedSourceAndStrangersAreStillCounted() throws Exception {
        await("a socket connected to the SDP address").atMost(SOON).until(() -> onLoop(session::sendsConnected));
        onLoop(this::sendOneFrame);
        assertEquals(pair.rtpPort(), receiveFrom(sdp), "the SDP address hears the call's port");

        for (int seq = 1; seq <= RtpSession.PROBATION_PACKETS; seq++) {
            send(nat, seq, 0x1111);
        }
        InetSocketAddress natAddress = (InetSocketAddress) nat.getLocalSocketAddress();
        await("latched onto where the RTP comes from, through a connected socket").atMost(SOON)
                .until(() -> onLoop(() -> natAddress.equals(session.sendingTo()) && session.sendsConnected()));
        onLoop(this::sendOneFrame);
        assertEquals(pair.rtpPort(), receiveFrom(nat), "the NAT's public side hears the call");

        long foreignBefore = onLoop(session::foreignDropped); // the probation run's first packets
        for (int seq = 1; seq <= 10; seq++) {
            send(stranger, seq, 0x2222);
        }
        await("every stranger's packet reached the session's own socket and was counted").atMost(SOON)
                .until(() -> onLoop(session::foreignDropped) == foreignBefore + 10);

        int before = audioDelivered.get();
        send(nat, RtpSession.PROBATION_PACKETS + 1, 0x1111);
        await("the latched caller's packets still arrive, on the connected socket").atMost(SOON)
                .until(() -> audioDelivered.get() == before + 1);
        assertEquals(foreignBefore + 10, (long) onLoop(session::foreignDropped), "the caller's packet was not foreign");
    }

    @Test
    void packetsAreWrittenStraightToTheConnectedSocketAndACallerWhoLeftCostsNothing() throws Exception {
        assumeTrue(ConnectedRtpSocket.DIRECT_WRITES, "-Dconfbridge.rtp.directWrites=false");
        await("a socket connected to the SDP address").atMost(SOON).until(() -> onLoop(session::sendsConnected));
        long before = onLoop(session::twinDirectSends);
        for (int i = 0; i < 3; i++) {
            onLoop(this::sendOneFrame);
            assertEquals(pair.rtpPort(), receiveFrom(sdp));
        }
        assertEquals(before + 3, (long) onLoop(session::twinDirectSends), "written by the twin itself");
        assertEquals(1, (int) onLoop(session::reusablePacketHolds), "each write gave its hold back: the buffer is reused");

        // The caller's socket goes away: its kernel answers ICMP port unreachable, which the next send of
        // a connected socket reads as ECONNREFUSED.
        int port = sdp.getLocalPort();
        sdp.close();
        for (int i = 0; i < 10; i++) {
            onLoop(this::sendOneFrame);
        }
        assertEquals(1, (int) onLoop(session::reusablePacketHolds), "a refused send gives its hold back too");
        sdp = new DatagramSocket(new InetSocketAddress(LOOPBACK, port));
        sdp.setSoTimeout(2000);
        // The last refusal may still be pending on the socket, and fails one send more.
        onLoop(this::sendOneFrame);
        onLoop(this::sendOneFrame);
        assertEquals(pair.rtpPort(), receiveFrom(sdp), "the socket still sends once someone listens again");
    }

    /** The hot path allocates nothing: 5,000 packets written straight to the socket, on the media loop. */
    @Test
    void writingStraightToTheSocketAllocatesNothing() throws Exception {
        assumeTrue(ConnectedRtpSocket.DIRECT_WRITES, "-Dconfbridge.rtp.directWrites=false");
        await("a socket connected to the SDP address").atMost(SOON).until(() -> onLoop(session::sendsConnected));
        ResourceLeakDetector.Level leakLevel = ResourceLeakDetector.getLevel();
        ResourceLeakDetector.setLevel(ResourceLeakDetector.Level.DISABLED); // its traces are not ours to count
        try {
            long[] allocated = onLoop(() -> {
                com.sun.management.ThreadMXBean threads =
                        (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
                long id = Thread.currentThread().getId();
                for (int i = 0; i < 5_000; i++) {
                    sendOneFrame(); // warm-up: the JIT, the pool's thread cache
                }
                long sendsBefore = session.twinDirectSends();
                long before = threads.getThreadAllocatedBytes(id);
                for (int i = 0; i < 5_000; i++) {
                    sendOneFrame();
                }
                return new long[] {threads.getThreadAllocatedBytes(id) - before, session.twinDirectSends() - sendsBefore};
            });
            assertEquals(5_000, allocated[1], "every packet written straight to the socket");
            assertTrue(allocated[0] < 5_000, allocated[0] + " bytes allocated for 5,000 packets");
        } finally {
            ResourceLeakDetector.setLevel(leakLevel);
        }
    }

    private Void sendOneFrame() {
        session.sendFrame(FRAME, 0);
        return null;
    }

    private static DatagramSocket socket() throws Exception {
        DatagramSocket socket = new DatagramSocket(new InetSocketAddress(LOOPBACK, 0));
        socket.setSoTimeout(2000);
        return socket;
    }

    private void send(DatagramSocket from, int sequenceNumber, int ssrc) throws Exception {
        ByteBuffer packet = ByteBuffer.allocate(12 + 160);
        packet.put((byte) 0x80).put((byte) PCMU).putShort((short) sequenceNumber).putInt(160 * sequenceNumber).putInt(ssrc);
        from.send(new DatagramPacket(packet.array(), packet.capacity(), new InetSocketAddress(LOOPBACK, pair.rtpPort())));
    }

    /** The source port of the next RTP packet {@code socket} receives. */
    private static int receiveFrom(DatagramSocket socket) throws Exception {
        byte[] buf = new byte[2048];
        DatagramPacket packet = new DatagramPacket(buf, buf.length);
        try {
            socket.receive(packet);
        } catch (SocketTimeoutException e) {
            throw new AssertionError("no RTP from the bridge within 2 s", e);
        }
        assertTrue(packet.getLength() >= 12, "an RTP packet");
        return packet.getPort();
    }

    private <T> T onLoop(Callable<T> task) throws Exception {
        return loop.submit(task).get(5, TimeUnit.SECONDS);
    }
}
