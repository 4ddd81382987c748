package io.confbridge.rtp;

import io.confbridge.codec.Codec;
import io.confbridge.media.MediaClock;
import io.confbridge.mixer.EncodedFrameRing;
import io.confbridge.mixer.ParticipantAudio;
import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.socket.DatagramPacket;
import io.netty.util.ReferenceCountUtil;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.net.InetSocketAddress;
import java.util.Map;
import java.util.function.Consumer;

/**
 * The inter-node legs of this node's part of one meeting that spans nodes (issue 12 §3, cascading as
 * Jitsi's Octo does): one UDP socket on {@code cluster.mediaAddress}, and one RTP stream each way with
 * every other node holding part of the meeting. Each leg's audio is a {@link ParticipantAudio#ofOtherNode}
 * in the meeting's mixer: what arrives is that node's own talkers, what goes out is this node's own.
 *
 * <p>The peers' addresses come from the {@code nodes} and {@code meeting_presence} tables (a live node's
 * media address and the port of its part of this meeting): a datagram from any other source is dropped
 * and counted, so the legs cannot be reached from outside the cluster. Payload: G.722 (issue 12 §3: a
 * wideband codec), 160 bytes a 20 ms frame like G.711, so a G.722 caller on one node is heard in
 * wideband on the other, and the mixer's two-band sums cross unchanged.
 *
 * <p>Everything runs on the meeting's media loop: the socket is bound there, the legs are replaced there,
 * and {@link #tick} runs as a sender of the meeting's clock, after its mixer, so a mix goes out in the
 * tick that made it. Nothing on the packet path allocates: pooled buffers and recycled envelopes.
 */
public final class NodeLegs implements MediaClock.Listener {
    private static final Logger log = LoggerFactory.getLogger(NodeLegs.class);
    /** The legs' codec; its static payload type is the only one accepted. */
    public static final Codec CODEC = Codec.G722;
    private static final int PACKET_BYTES = RtpHeader.FIXED_HEADER_LENGTH + Codec.FRAME_SAMPLES;
    /** Frames a leg's sender lets wait before dropping older ones (the mixer and sender share a clock). */
    private static final int KEEP_FRAMES = 2;

    /** One other node: where its part of the meeting sends from and listens, and the audio both ways. */
    public static final class Leg {
        final String nodeId;
        final InetSocketAddress peer;
        final ParticipantAudio audio = ParticipantAudio.ofOtherNode(CODEC);
        final RtpSequencer sequencer = new RtpSequencer();
        long received;
        long sent;

        Leg(String nodeId, InetSocketAddress peer) {
            this.nodeId = nodeId;
            this.peer = peer;
        }

        public ParticipantAudio audio() {
            return audio;
        }

        public String nodeId() {
            return nodeId;
        }
    }

    private final String conferenceId;
    private final Handler handler = new Handler();
    private Channel channel;
    private Leg[] legs = new Leg[0];
    private RtpEnvelope freeEnvelopes;
    private final Consumer<RtpEnvelope> recycler = this::recycle;
    private boolean closed;
    private long strangerDropped;

    public NodeLegs(String conferenceId) {
        this.conferenceId = conferenceId;
    }

    /** The handler for the bound socket's pipeline. */
    public ChannelHandler handler() {
        return handler;
    }

    /** The socket is bound (on the meeting's loop). */
    public void attach(Channel bound) {
        channel = bound;
    }

    /** The port peers send this part's audio to, 0 before {@link #attach}. */
    public int port() {
        return channel == null ? 0 : ((InetSocketAddress) channel.localAddress()).getPort();
    }

    /**
     * Replaces the set of peers (node ID to the media address and port of its part of the meeting); a
     * peer whose address did not change keeps its leg and stream. On the meeting's loop. Answers the
     * legs' audio for the mixer.
     */
    public ParticipantAudio[] peers(Map<String, InetSocketAddress> now) {
        Leg[] next = new Leg[now.size()];
        int n = 0;
        for (Map.Entry<String, InetSocketAddress> peer : now.entrySet()) {
            Leg kept = null;
            for (Leg leg : legs) {
                if (leg.nodeId.equals(peer.getKey()) && leg.peer.equals(peer.getValue())) {
                    kept = leg;
                }
            }
            if (kept == null) {
                kept = new Leg(peer.getKey(), peer.getValue());
                log.info("meeting {}: inter-node leg to node {} at {}", conferenceId, peer.getKey(), peer.getValue());
            }
            next[n++] = kept;
        }
        for (Leg leg : legs) {
            if (!now.containsKey(leg.nodeId) || !now.get(leg.nodeId).equals(leg.peer)) {
                log.info("meeting {}: inter-node leg to node {} closed ({} packets received, {} sent)", conferenceId,
                        leg.nodeId, leg.received, leg.sent);
            }
        }
        legs = next;
        ParticipantAudio[] audio = new ParticipantAudio[n];
        for (int i = 0; i < n; i++) {
            audio[i] = next[i].audio;
        }
        return audio;
    }

    /** The nodes this part has legs to now (for logs and tests). */
    public int legCount() {
        return legs.length;
    }

    /** Datagrams dropped because they came from no peer of this part. */
    public long strangerDropped() {
        return strangerDropped;
    }

    /** Sends each leg its mix of this tick (the meeting's clock, after the mixer). */
    @Override
    public void tick(long nowNs) {
        Channel ch = channel;
        if (ch == null || closed) {
            return;
        }
        Leg[] now = legs;
        for (Leg leg : now) {
            EncodedFrameRing out = leg.audio.output();
            int at = out.peek(KEEP_FRAMES);
            if (at < 0) {
                continue;
            }
            ByteBuf buf = ch.alloc().directBuffer(PACKET_BYTES, PACKET_BYTES);
            int headerLength = leg.sequencer.writeNextHeader(buf, 0, CODEC.staticPayloadType());
            buf.setBytes(headerLength, out.frames(), at, Codec.FRAME_SAMPLES);
            buf.writerIndex(PACKET_BYTES);
            out.advance();
            RtpEnvelope envelope = freeEnvelopes;
            if (envelope == null) {
                envelope = new RtpEnvelope(recycler); // only while earlier sends are still queued
            } else {
                freeEnvelopes = envelope.nextFree;
                envelope.nextFree = null;
            }
            leg.sent++;
            ch.writeAndFlush(envelope.set(buf, leg.peer), ch.voidPromise());
        }
    }

    private void recycle(RtpEnvelope envelope) {
        envelope.nextFree = freeEnvelopes;
        freeEnvelopes = envelope;
    }

    /** This part is over: the socket closes; a bind still under way closes its socket when it completes. */
    public void close() {
        if (!closed && strangerDropped > 0) {
            // Someone who is no peer node sent to this port: scanning, or a node the table no longer lists.
            log.info("meeting {}: inter-node port closed; {} datagrams from outside the cluster dropped",
                    conferenceId, strangerDropped);
        }
        closed = true;
        legs = new Leg[0];
        if (channel != null) {
            channel.close();
        }
    }

    public boolean isClosed() {
        return closed;
    }

    private void onPacket(ByteBuf buf, InetSocketAddress sender) {
        Leg from = null;
        for (Leg leg : legs) {
            if (leg.peer.equals(sender)) {
                from = leg;
                break;
            }
        }
        if (from == null) {
            strangerDropped++;
            return;
        }
        int offset = buf.readerIndex();
        int length = buf.readableBytes();
        int headerLength = RtpHeader.headerLength(buf, offset, length);
        int payloadLength = headerLength < 0 ? -1 : RtpHeader.payloadLength(buf, offset, length);
        if (payloadLength != Codec.FRAME_SAMPLES || RtpHeader.payloadType(buf, offset) != CODEC.staticPayloadType()) {
            return;
        }
        from.received++;
        from.audio.received(RtpHeader.sequenceNumber(buf, offset), buf, offset + headerLength, payloadLength);
    }

    /** Per socket (it reads this part's legs), so not {@code @Sharable}. */
    private final class Handler extends ChannelInboundHandlerAdapter {
        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            try {
                if (msg instanceof DatagramPacket packet && !closed) {
                    onPacket(packet.content(), packet.sender());
                }
            } finally {
                ReferenceCountUtil.release(msg);
            }
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            // UDP: a port-unreachable from a peer whose part just ended is normal; keep the socket.
            log.debug("inter-node RTP of meeting {}: {}", conferenceId, cause.toString());
        }
    }
}
