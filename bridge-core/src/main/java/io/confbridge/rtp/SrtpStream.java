package io.confbridge.rtp;

import io.netty.buffer.ByteBuf;
import io.netty.channel.AddressedEnvelope;
import io.netty.channel.Channel;
import io.netty.channel.ChannelDuplexHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelPromise;
import io.netty.channel.socket.DatagramPacket;
import io.netty.util.ReferenceCountUtil;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One call's SRTP and SRTCP (RFC 3711) as a pair of Netty handlers at the head of its RTP and RTCP
 * channels, so that everything behind them ({@link RtpSession}, and through it {@link RtcpSession}) sees plain
 * RTP and RTCP and the latching rules run on authenticated packets only:
 * <ul>
 *   <li>Inbound, each datagram is authenticated, checked against the replay window and decrypted in
 *       place before any handler reads its header; one that fails is dropped and counted
 *       ({@link #authDropped()}, {@link #replayDropped()}), so a forged packet never counts toward
 *       latching probation nor as liveness. On the RTP port, RTCP (rtcp-mux) is told apart by its
 *       packet type, which SRTCP leaves in clear.</li>
 *   <li>Outbound, each RTP packet (bare buffer or addressed envelope) and each RTCP report is encrypted
 *       in place and gets its tag, as the last step before the socket: the shared encoded frame was
 *       already copied into the call's own packet, so prompts and hold music stay encoded once and only
 *       this per-call step is added.</li>
 * </ul>
 * No allocation per packet: the packet is copied into one scratch array of the call, transformed there
 * and copied back; senders leave room for the tag ({@link #MAX_OVERHEAD}) so the buffer never grows.
 * {@link #rekey} installs the handlers at the first key and swaps contexts on a re-INVITE's new key.
 *
 * <p>Everything runs on the call's event loop, which owns both channels; the drop counters are plain
 * fields read at scrape time (a stale read is harmless).
 */
public final class SrtpStream {
    private static final Logger log = LoggerFactory.getLogger(SrtpStream.class);
    /** The most a packet grows by: an SRTCP index and tag. */
    public static final int MAX_OVERHEAD = SrtcpContext.OVERHEAD;
    static final String HANDLER_NAME = "srtp";

    private final Channel rtpChannel;
    private final Channel rtcpChannel;
    private final byte[] scratch = new byte[SrtpContext.MAX_PACKET + MAX_OVERHEAD];
    private SrtpKeys keys;
    private SrtpContext rtpOut;
    private SrtpContext rtpIn;
    private SrtcpContext rtcpOut;
    private SrtcpContext rtcpIn;
    private boolean installed;

    private long authDropped;
    private long replayDropped;
    private long malformedDropped;
    private long rekeys;

    /** Not yet keyed nor installed: a plain call pays nothing for it. */
    public SrtpStream(Channel rtpChannel, Channel rtcpChannel) {
        this.rtpChannel = rtpChannel;
        this.rtcpChannel = rtcpChannel;
    }

    /**
     * Keys the stream (first key: installs the handlers), or changes keys after a re-INVITE: a new key of
     * the caller's means a new receiving context (new replay window), a new one of ours a new sending
     * context; an unchanged side keeps its context and its state. Null removes SRTP. On the call's loop.
     */
    public void rekey(SrtpKeys next) {
        if (next == null) {
            if (installed) {
                remove(rtpChannel);
                remove(rtcpChannel);
                installed = false;
            }
            keys = null;
            rtpOut = rtpIn = null;
            rtcpOut = rtcpIn = null;
            return;
        }
        if (!next.sameLocal(keys)) {
            rtpOut = new SrtpContext(next.suite(), next.localKey(), next.localSalt());
            rtcpOut = new SrtcpContext(next.localKey(), next.localSalt());
        }
        if (!next.sameRemote(keys)) {
            rtpIn = new SrtpContext(next.suite(), next.remoteKey(), next.remoteSalt());
            rtcpIn = new SrtcpContext(next.remoteKey(), next.remoteSalt());
        }
        if (keys != null && !next.equals(keys)) {
            rekeys++;
        }
        keys = next;
        if (!installed) {
            installed = true;
            rtpChannel.pipeline().addFirst(HANDLER_NAME, new Handler(false));
            if (rtcpChannel != null) {
                rtcpChannel.pipeline().addFirst(HANDLER_NAME, new Handler(true));
            }
        }
    }

    private static void remove(Channel channel) {
        if (channel != null && channel.pipeline().get(HANDLER_NAME) != null) {
            channel.pipeline().remove(HANDLER_NAME);
        }
    }

    /** The keys in force, null when SRTP is off. */
    public SrtpKeys keys() {
        return keys;
    }

    /** Whether SRTP is on for the call. */
    public boolean active() {
        return keys != null;
    }

    /** The suite in use, null when SRTP is off. */
    public SrtpContext.Suite suite() {
        return keys == null ? null : keys.suite();
    }

    /** SRTP and SRTCP packets dropped because their authentication tag did not match. */
    public long authDropped() {
        return authDropped;
    }

    /** SRTP and SRTCP packets dropped as replays or as older than the 64-packet window (RFC 3711 §3.3.2). */
    public long replayDropped() {
        return replayDropped;
    }

    /** Packets dropped as too short or not RTP/RTCP before SRTP could check them. */
    public long malformedDropped() {
        return malformedDropped;
    }

    /** For the call's closing log line. */
    public String summary() {
        return keys == null ? "SRTP off"
                : "SRTP " + keys.suite() + ", " + authDropped + " auth and " + replayDropped + " replay dropped, "
                        + rekeys + " rekeys";
    }

    /** Decrypts {@code buf}'s readable bytes in place; false (counted) when the packet must be dropped. */
    boolean unprotect(ByteBuf buf, boolean rtcp) {
        int offset = buf.readerIndex();
        int length = buf.readableBytes();
        if (length > scratch.length || length < 12) {
            malformedDropped++;
            return false;
        }
        buf.getBytes(offset, scratch, 0, length);
        int result = rtcp ? rtcpIn.unprotect(scratch, 0, length) : rtpIn.unprotect(scratch, 0, length);
        if (result < 0) {
            if (result == SrtpContext.AUTH_FAILED) {
                authDropped++;
            } else if (result == SrtpContext.REPLAYED) {
                replayDropped++;
            } else {
                malformedDropped++;
            }
            return false;
        }
        buf.setBytes(offset, scratch, 0, result);
        buf.writerIndex(offset + result);
        return true;
    }

    /** Encrypts {@code buf}'s readable bytes in place and appends the tag; false when it cannot be sent. */
    boolean protect(ByteBuf buf, boolean rtcp) {
        int offset = buf.readerIndex();
        int length = buf.readableBytes();
        if (length + MAX_OVERHEAD > scratch.length) {
            return false;
        }
        buf.getBytes(offset, scratch, 0, length);
        int result = rtcp ? rtcpOut.protect(scratch, 0, length) : rtpOut.protect(scratch, 0, length);
        if (result < 0) {
            return false;
        }
        buf.ensureWritable(result - length); // senders leave room: no reallocation on the hot path
        buf.setBytes(offset, scratch, 0, result);
        buf.writerIndex(offset + result);
        return true;
    }

    /** One per channel: {@code rtcpPort} for the RTCP channel, where every datagram is RTCP. */
    private final class Handler extends ChannelDuplexHandler {
        private final boolean rtcpPort;

        Handler(boolean rtcpPort) {
            this.rtcpPort = rtcpPort;
        }

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            ByteBuf buf = msg instanceof DatagramPacket p ? p.content() : msg instanceof ByteBuf b ? b : null;
            if (buf == null || keys == null) {
                ctx.fireChannelRead(msg);
                return;
            }
            boolean rtcp = rtcpPort || RtcpPacket.isRtcpOnMuxedPort(buf, buf.readerIndex(), buf.readableBytes());
            if (unprotect(buf, rtcp)) {
                ctx.fireChannelRead(msg);
            } else {
                ReferenceCountUtil.release(msg);
            }
        }

        @Override
        public void write(ChannelHandlerContext ctx, Object msg, ChannelPromise promise) {
            ByteBuf buf = msg instanceof ByteBuf b ? b
                    : msg instanceof AddressedEnvelope<?, ?> e && e.content() instanceof ByteBuf b ? b : null;
            if (buf == null || keys == null) {
                ctx.write(msg, promise);
                return;
            }
            boolean rtcp = rtcpPort || RtcpPacket.isRtcpOnMuxedPort(buf, buf.readerIndex(), buf.readableBytes());
            if (protect(buf, rtcp)) {
                ctx.write(msg, promise);
            } else {
                // Never send in clear what should have been encrypted.
                log.debug("SRTP: packet of {} bytes not protected, dropped", buf.readableBytes());
                ReferenceCountUtil.release(msg);
                promise.trySuccess();
            }
        }
    }
}
