package io.confbridge.rtp;

import io.confbridge.codec.Codec;
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

/**
 * One call's RTP stream (RFC 3550) on its own UDP port, owned by one media event loop.
 *
 * <p>Receiving: strict RTP — a packet is accepted only from the negotiated remote address and port
 * (or, with symmetric latching, from the first source seen); anything else is counted and dropped,
 * so an injected packet can neither speak nor type digits. Accepted packets are split by payload type
 * into RFC 4733 telephone-events and audio; packets of any other payload type are counted and dropped. Sending: one 20 ms G.711 frame per media clock tick, header
 * written in place into a pooled buffer; the channel is connected to the remote, so the kernel filters
 * foreign sources too and sends need no per-packet address object.
 *
 * <p>All methods except construction run on the channel's event loop.
 */
public final class RtpSession {
    private static final Logger log = LoggerFactory.getLogger(RtpSession.class);
    private static final int PACKET_BYTES = RtpHeader.FIXED_HEADER_LENGTH + Codec.FRAME_SAMPLES;

    /** Where accepted media goes; called on the session's event loop. */
    public interface Receiver {
        /**
         * An RFC 4733 telephone-event packet (every packet of an event, repeats included); the buffer
         * is only valid during the call.
         */
        void onTelephoneEvent(ByteBuf buf, int payloadOffset, int payloadLength, long rtpTimestamp, boolean marker);

        /** An audio packet of the negotiated codec; the buffer is only valid during the call. */
        void onAudio(int sequenceNumber, ByteBuf buf, int payloadOffset, int payloadLength);
    }

    private final Codec codec;
    private final int audioPayloadType;
    private final int telephoneEventPayloadType;
    private final boolean latching;
    private final RtpSequencer sequencer = new RtpSequencer();
    private final RtpHandler handler = new RtpHandler();
    private final RtcpCounter rtcpHandler = new RtcpCounter();
    private Receiver receiver;
    private Channel channel;
    private Channel rtcpChannel;
    private InetSocketAddress remote;
    private boolean connected;
    private boolean sendAudio;

    private long packetsReceived;
    private long packetsSent;
    private long foreignDropped;
    private long malformedDropped;
    private long rtcpReceived;

    public RtpSession(Codec codec, int audioPayloadType, int telephoneEventPayloadType,
                      InetSocketAddress remote, boolean sendAudio, boolean latching) {
        this.codec = codec;
        this.audioPayloadType = audioPayloadType;
        this.telephoneEventPayloadType = telephoneEventPayloadType;
        this.remote = usable(remote) ? remote : null;
        this.sendAudio = sendAudio;
        this.latching = latching;
    }

    /** The handler to install on the RTP channel when binding it. */
    public ChannelHandler handler() {
        return handler;
    }

    /**
     * The handler to install on the RTCP channel: it counts the caller's reports, as signs of life, and
     * drops them (the bridge does not read them yet).
     */
    public ChannelHandler rtcpHandler() {
        return rtcpHandler;
    }

    /** Called once the RTP (and RTCP) channels are bound; connects to the remote when it is known. */
    public void attach(Channel rtp, Channel rtcp, Receiver receiver) {
        this.channel = rtp;
        this.rtcpChannel = rtcp;
        this.receiver = receiver;
        if (remote != null && !latching) {
            connect(remote);
        }
    }

    public Codec codec() {
        return codec;
    }

    public int localPort() {
        return ((InetSocketAddress) channel.localAddress()).getPort();
    }

    /** A re-INVITE moved the remote or put the call on or off hold. */
    public void update(InetSocketAddress newRemote, boolean newSendAudio) {
        sendAudio = newSendAudio;
        if (usable(newRemote) && !newRemote.equals(remote)) {
            remote = newRemote;
            if (connected) {
                channel.disconnect();
                connected = false;
            }
            if (!latching) {
                connect(newRemote);
            }
        }
    }

    /**
     * Sends one 20 ms frame: {@code Codec.FRAME_SAMPLES} bytes of {@code payload} from {@code offset}.
     * On hold, or before the remote is known, the frame is skipped but the timestamp still advances.
     */
    public void sendFrame(byte[] payload, int offset) {
        if (!sendAudio || !connected) {
            sequencer.skipFrames(1);
            return;
        }
        ByteBuf buf = channel.alloc().directBuffer(PACKET_BYTES, PACKET_BYTES);
        int headerLength = sequencer.writeNextHeader(buf, 0, audioPayloadType);
        buf.setBytes(headerLength, payload, offset, Codec.FRAME_SAMPLES);
        buf.writerIndex(PACKET_BYTES);
        packetsSent++;
        channel.writeAndFlush(buf, channel.voidPromise());
    }

    /** Marks the next packet as the start of a talkspurt (after silence or a change of source). */
    public void markTalkspurt() {
        sequencer.markTalkspurt();
    }

    public long packetsReceived() {
        return packetsReceived;
    }

    public long packetsSent() {
        return packetsSent;
    }

    /** RTP packets accepted and RTCP packets received: what shows the caller is still there. */
    public long packetsHeard() {
        return packetsReceived + rtcpReceived;
    }

    public long foreignDropped() {
        return foreignDropped;
    }

    public long malformedDropped() {
        return malformedDropped;
    }

    public void close() {
        if (channel != null) {
            channel.close();
        }
        if (rtcpChannel != null) {
            rtcpChannel.close();
        }
    }

    private void connect(InetSocketAddress to) {
        connected = true;
        channel.connect(to).addListener(f -> {
            if (!f.isSuccess()) {
                connected = false;
                log.warn("RTP connect to {} failed: {}", to, f.cause().toString());
            }
        });
    }

    private void onPacket(ByteBuf buf, InetSocketAddress sender) {
        if (sender != null) {
            if (remote == null && latching) {
                remote = sender; // symmetric RTP: the first source is the caller behind its NAT
                connect(sender);
            } else if (!sender.equals(remote)) {
                foreignDropped++;
                return;
            }
        }
        int offset = buf.readerIndex();
        int length = buf.readableBytes();
        int headerLength = RtpHeader.headerLength(buf, offset, length);
        int payloadLength = headerLength < 0 ? -1 : RtpHeader.payloadLength(buf, offset, length);
        if (payloadLength < 0) {
            malformedDropped++;
            return;
        }
        packetsReceived++;
        int payloadType = RtpHeader.payloadType(buf, offset);
        if (payloadType == telephoneEventPayloadType) {
            receiver.onTelephoneEvent(buf, offset + headerLength, payloadLength,
                    RtpHeader.timestamp(buf, offset), RtpHeader.marker(buf, offset));
        } else if (payloadType == audioPayloadType) {
            receiver.onAudio(RtpHeader.sequenceNumber(buf, offset), buf, offset + headerLength, payloadLength);
        }
    }

    private static boolean usable(InetSocketAddress address) {
        return address != null && address.getPort() != 0 && !address.getAddress().isAnyLocalAddress();
    }

    /** Per channel, so not {@code @Sharable}: counts what reaches the RTCP port and releases it. */
    private final class RtcpCounter extends ChannelInboundHandlerAdapter {
        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            rtcpReceived++;
            ReferenceCountUtil.release(msg);
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            log.debug("RTCP channel {}: {}", ctx.channel().localAddress(), cause.toString());
        }
    }

    /** Per channel (it carries this session's state), so not {@code @Sharable}. */
    private final class RtpHandler extends ChannelInboundHandlerAdapter {
        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            try {
                if (receiver == null) {
                    return;
                }
                if (msg instanceof DatagramPacket packet) {
                    onPacket(packet.content(), packet.sender());
                } else if (msg instanceof ByteBuf buf) {
                    onPacket(buf, null); // connected channel: the kernel already checked the source
                }
            } finally {
                ReferenceCountUtil.release(msg);
            }
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            // UDP: an ICMP port-unreachable from a caller who left is normal; keep the channel open.
            log.debug("RTP channel {}: {}", ctx.channel().localAddress(), cause.toString());
        }
    }
}
