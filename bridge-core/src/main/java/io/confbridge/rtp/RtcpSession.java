package io.confbridge.rtp;

import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.socket.DatagramPacket;
import io.netty.util.ReferenceCountUtil;
import io.netty.util.concurrent.ScheduledFuture;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;

/**
 * One call's RTCP (RFC 3550 §6), on the call's event loop, beside its {@link RtpSession}:
 * <ol>
 *   <li>The session ({@link RtpSession#reportWith}) hands it the RTCP that arrives on the RTP port
 *       (RFC 5761 §4 demultiplexing, for {@code rtcp-mux}), notes each RTP packet it accepts in
 *       {@link RtpReceptionStats} (sequence, loss, jitter), and each it sends (packets, octets, last RTP
 *       timestamp, SSRC) for the sender info.</li>
 *   <li>{@link #rtcpHandler()} reads the RTCP port.</li>
 *   <li>Every {@link #REPORT_INTERVAL_MS} a compound packet goes out (§6.1): an SR when the bridge sent
 *       RTP since the last report, an RR otherwise, with a report block on the caller's stream once it
 *       has sent RTP, then an SDES with the CNAME. It goes to the caller's RTCP address (SDP port + 1,
 *       or {@code a=rtcp}, or the RTP port with {@code rtcp-mux}); once the caller's RTCP arrives,
 *       replies go where it comes from (symmetric RTCP, RFC 4961, for callers behind NAT).</li>
 *   <li>The caller's reports about the bridge's stream give the loss and jitter the caller sees and the
 *       round-trip time (§6.4.1: arrival − LSR − DLSR). Malformed RTCP is dropped and counted.</li>
 *   <li>RTCP is taken only from the caller's addresses (its SDP's, its {@code a=rtcp}'s, and the one its
 *       RTP latched onto), any port. A stranger's is dropped and counted: one packet must neither move
 *       where the reports go, nor rewrite the caller's figures, nor keep a dead call alive.</li>
 * </ol>
 * The interval is fixed rather than randomised (§6.3.1): a two-party session has no report implosion.
 */
public final class RtcpSession {
    private static final Logger log = LoggerFactory.getLogger(RtcpSession.class);
    public static final long REPORT_INTERVAL_MS = 5_000;
    private static final long NTP_UNIX_OFFSET_S = 2_208_988_800L;

    private final int audioPayloadType;
    private final boolean mux;
    private final byte[] cname;
    private final long ownSsrcFallback;
    /** The audio's RTP clock: 8000, or 48000 for Opus. Jitter is in its units. */
    private final int clockRate;
    private final RtpReceptionStats reception;
    private final long ntpBase;
    private final long ntpBaseNs;
    private final RtcpHandler rtcpHandler = new RtcpHandler();
    private BooleanSupplier confirmed = () -> false;

    private Channel rtpChannel;
    private Channel rtcpChannel;
    private InetSocketAddress remoteRtcp;
    private ScheduledFuture<?> timer;

    // what the bridge sent
    private boolean sentAny;
    private long ownSsrc;
    private long packetsSent;
    private long octetsSent;
    private long lastSentRtpTimestamp;
    private long packetsSentAtLastReport;

    // what the caller told us
    private long lastSrMiddle;
    private long lastSrArrivalNs;
    private long lastRtcpReceivedNs;
    private int peerFractionLost = -1;
    private long peerCumulativeLost;
    private long peerJitter;
    private long rttMs = -1;
    private long reportsReceived;
    private long reportsSent;
    private long malformedDropped;
    private long foreignDropped;
    /**
     * Where the caller's RTCP may come from: the addresses (not ports: a NAT maps the RTCP port as it
     * likes) of its SDP, its {@code a=rtcp}, and the source its RTP latched onto. Null when unknown.
     */
    private InetAddress callerSdp;
    private InetAddress callerRtcpAttribute;
    private InetAddress callerLatched;

    /**
     * @param remoteRtp        the caller's RTP address from its SDP, or null when unknown
     * @param remoteRtcp       its {@code a=rtcp} address, or null to use RTP port + 1
     * @param mux              {@code rtcp-mux} was negotiated: RTCP shares the RTP port
     * @param audioPayloadType the negotiated audio payload type (jitter is measured on it only)
     */
    public RtcpSession(InetSocketAddress remoteRtp, InetSocketAddress remoteRtcp, boolean mux, int audioPayloadType) {
        this(remoteRtp, remoteRtcp, mux, audioPayloadType, 8000);
    }

    /** As above, for audio on an RTP clock of {@code clockRate} (48000 for Opus). */
    public RtcpSession(InetSocketAddress remoteRtp, InetSocketAddress remoteRtcp, boolean mux, int audioPayloadType,
                       int clockRate) {
        this.clockRate = clockRate;
        this.reception = new RtpReceptionStats(clockRate);
        this.audioPayloadType = audioPayloadType;
        this.mux = mux;
        ThreadLocalRandom random = ThreadLocalRandom.current();
        this.ownSsrcFallback = random.nextInt() & 0xFFFF_FFFFL;
        this.cname = ("confbridge-" + Long.toHexString(random.nextLong())).getBytes(StandardCharsets.US_ASCII);
        this.callerSdp = remoteRtp != null && usable(remoteRtp) ? remoteRtp.getAddress() : null;
        this.callerRtcpAttribute = remoteRtcp != null && usable(remoteRtcp) ? remoteRtcp.getAddress() : null;
        if (remoteRtcp != null && usable(remoteRtcp)) {
            this.remoteRtcp = remoteRtcp;
        } else if (remoteRtp != null && usable(remoteRtp)) {
            this.remoteRtcp = mux ? remoteRtp : new InetSocketAddress(remoteRtp.getAddress(), remoteRtp.getPort() + 1);
        }
        long nowMs = System.currentTimeMillis();
        this.ntpBase = ((nowMs / 1000 + NTP_UNIX_OFFSET_S) << 32) | (((nowMs % 1000) << 32) / 1000);
        this.ntpBaseNs = System.nanoTime();
    }

    /** The handler of the RTCP channel. */
    public ChannelHandler rtcpHandler() {
        return rtcpHandler;
    }

    /**
     * Starts the periodic reports; on the channels' event loop. Like RTP, no report goes out before
     * {@code confirmed} says the caller showed it wants our media (the ACK, or its own RTP), unless its
     * own RTCP came first: a spoofed INVITE never ACKed must not make the bridge send to a victim.
     */
    public void start(Channel rtp, Channel rtcp, BooleanSupplier confirmed) {
        this.rtpChannel = rtp;
        this.rtcpChannel = rtcp;
        this.confirmed = confirmed;
        timer = rtp.eventLoop().scheduleAtFixedRate(this::sendReport,
                REPORT_INTERVAL_MS, REPORT_INTERVAL_MS, TimeUnit.MILLISECONDS);
    }

    /** A re-INVITE moved the caller's media. */
    public void update(InetSocketAddress newRemoteRtp) {
        if (newRemoteRtp != null && usable(newRemoteRtp)) {
            callerSdp = newRemoteRtp.getAddress();
            if (lastRtcpReceivedNs == 0) {
                remoteRtcp = mux ? newRemoteRtp : new InetSocketAddress(newRemoteRtp.getAddress(), newRemoteRtp.getPort() + 1);
            }
        }
    }

    /** The caller's RTP latched onto {@code source} (symmetric RTP): its RTCP comes from that address too. */
    public void callerLatched(InetSocketAddress source) {
        callerLatched = source.getAddress();
    }

    /**
     * Whether RTCP from {@code address} may be the caller's. When nothing is known of the caller yet, anyone's
     * is taken, as symmetric RTCP must.
     */
    private boolean fromCaller(InetAddress address) {
        if (callerSdp == null && callerRtcpAttribute == null && callerLatched == null) {
            return true;
        }
        return address.equals(callerLatched) || address.equals(callerSdp) || address.equals(callerRtcpAttribute);
    }

    public void close() {
        if (timer != null) {
            timer.cancel(false);
        }
    }

    /** When the last valid RTCP came from the caller ({@code System.nanoTime()} scale), 0 if never. */
    public long lastRtcpReceivedNs() {
        return lastRtcpReceivedNs;
    }

    public long reportsSent() {
        return reportsSent;
    }

    public long reportsReceived() {
        return reportsReceived;
    }

    /** RTCP from an address that is not the caller's, dropped unread. */
    public long foreignDropped() {
        return foreignDropped;
    }

    public long malformedDropped() {
        return malformedDropped;
    }

    /** The caller's view of our stream: fraction lost in 1/256, or -1 before any report. */
    public int peerFractionLost() {
        return peerFractionLost;
    }

    public long peerCumulativeLost() {
        return peerCumulativeLost;
    }

    /** Interarrival jitter of our stream at the caller, in ms. */
    public long peerJitterMs() {
        return peerJitter * 1000 / clockRate;
    }

    /** Round-trip time in ms from the caller's last report, -1 if unknown. */
    public long rttMs() {
        return rttMs;
    }

    public RtpReceptionStats reception() {
        return reception;
    }

    /** For the call's closing log line. */
    public String summary() {
        return "RTCP " + reportsSent + " sent, " + reportsReceived + " received, " + malformedDropped
                + " malformed" + (foreignDropped > 0 ? ", " + foreignDropped + " from strangers dropped" : "")
                + "; caller sees loss " + (peerFractionLost < 0 ? "?" : peerFractionLost * 100 / 256 + "%")
                + " (" + peerCumulativeLost + " lost), jitter " + peerJitterMs() + " ms, rtt "
                + (rttMs < 0 ? "?" : rttMs + " ms") + "; we see " + reception.cumulativeLost() + " lost, jitter "
                + reception.jitter() * 1000 / clockRate + " ms";
    }

    /** The NTP timestamp (RFC 3550 §4) for a {@code System.nanoTime()} value. */
    long ntp(long nowNs) {
        long delta = nowNs - ntpBaseNs;
        long seconds = Math.floorDiv(delta, 1_000_000_000L);
        long nanos = Math.floorMod(delta, 1_000_000_000L);
        return ntpBase + (seconds << 32) + ((nanos << 32) / 1_000_000_000L);
    }

    /** Round trip from a report block (RFC 3550 §6.4.1), in 1/65536 s, or -1 when it cannot be told. */
    static long roundTrip(long arrivalMiddle32, long lastSr, long delaySinceLastSr) {
        if (lastSr == 0) {
            return -1;
        }
        long rtt = (arrivalMiddle32 - lastSr - delaySinceLastSr) & 0xFFFF_FFFFL;
        return rtt >= 0x8000_0000L ? -1 : rtt; // negative: clocks or the caller's DLSR are off
    }

    // ---- sending ----

    void sendReport() {
        if (remoteRtcp == null || rtpChannel == null || (lastRtcpReceivedNs == 0 && !confirmed.getAsBoolean())) {
            return;
        }
        Channel out = mux ? rtpChannel : rtcpChannel;
        ByteBuf buf = out.alloc().directBuffer(128);
        writeReport(buf, System.nanoTime());
        reportsSent++;
        if (mux && rtpChannel.remoteAddress() != null) {
            out.writeAndFlush(buf, out.voidPromise()); // connected: the kernel addresses it
        } else {
            out.writeAndFlush(new DatagramPacket(buf, remoteRtcp), out.voidPromise());
        }
    }

    /** Appends this session's compound report (SR or RR, then SDES CNAME). */
    void writeReport(ByteBuf buf, long nowNs) {
        long ssrc = sentAny ? ownSsrc : ownSsrcFallback;
        boolean sender = sentAny && packetsSent != packetsSentAtLastReport;
        packetsSentAtLastReport = packetsSent;
        int blocks = reception.started() ? 1 : 0;
        // The last packet's timestamp: at most one packet (20-60 ms) behind the NTP time, which only lip sync
        // would notice; it spares the send path a clock read per packet.
        RtcpPacket.writeReportHeader(buf, sender, blocks, ssrc, ntp(nowNs), lastSentRtpTimestamp,
                packetsSent, octetsSent);
        if (blocks == 1) {
            long dlsr = lastSrArrivalNs == 0 ? 0 : (nowNs - lastSrArrivalNs) * 65536 / 1_000_000_000L;
            RtcpPacket.writeReportBlock(buf, reception.ssrc(), reception.takeFractionLost(),
                    (int) reception.cumulativeLost(), reception.extendedHighestSequence(), reception.jitter(),
                    lastSrMiddle, dlsr);
        }
        RtcpPacket.writeSdesCname(buf, ssrc, cname);
    }

    // ---- receiving ----

    /** One RTCP datagram from the caller; never throws. */
    void onRtcp(ByteBuf buf, InetSocketAddress sender, long nowNs) {
        if (sender != null && !fromCaller(sender.getAddress())) {
            // A stranger's RTCP must not redirect our reports, rewrite the caller's figures, nor keep a dead
            // call alive: dropped, and counted.
            foreignDropped++;
            return;
        }
        int offset = buf.readerIndex();
        int length = buf.readableBytes();
        if (!RtcpPacket.compoundValid(buf, offset, length)) {
            malformedDropped++;
            return;
        }
        lastRtcpReceivedNs = nowNs;
        reportsReceived++;
        if (sender != null && !sender.equals(remoteRtcp)) {
            remoteRtcp = sender;
        }
        long ourSsrc = sentAny ? ownSsrc : ownSsrcFallback;
        int end = offset + length;
        for (int at = offset; at < end; at += RtcpPacket.lengthBytes(buf, at)) {
            int type = RtcpPacket.packetType(buf, at);
            if (type != RtcpPacket.SR && type != RtcpPacket.RR) {
                continue;
            }
            if (type == RtcpPacket.SR) {
                lastSrMiddle = RtcpPacket.ntpMiddle32(buf, at);
                lastSrArrivalNs = nowNs;
            }
            int blocks = RtcpPacket.count(buf, at);
            for (int i = 0; i < blocks; i++) {
                int block = RtcpPacket.reportBlockOffset(buf, at, i);
                if (RtcpPacket.blockSsrc(buf, block) != ourSsrc) {
                    continue;
                }
                peerFractionLost = RtcpPacket.blockFractionLost(buf, block);
                peerCumulativeLost = RtcpPacket.blockCumulativeLost(buf, block);
                peerJitter = RtcpPacket.blockJitter(buf, block);
                long rtt = roundTrip((ntp(nowNs) >>> 16) & 0xFFFF_FFFFL,
                        RtcpPacket.blockLastSr(buf, block), RtcpPacket.blockDelaySinceLastSr(buf, block));
                if (rtt >= 0) {
                    rttMs = rtt * 1000 / 65536;
                }
            }
        }
    }

    /** One RTP packet the session accepted (well-formed, from the caller), after any SRTP transform. */
    void onRtpReceived(ByteBuf buf, int offset, long nowNs) {
        reception.onPacket(RtpHeader.sequenceNumber(buf, offset), RtpHeader.timestamp(buf, offset),
                RtpHeader.ssrc(buf, offset), nowNs, RtpHeader.payloadType(buf, offset) == audioPayloadType);
    }

    /** One RTP packet the session sends, before any SRTP transform. */
    void onRtpSent(ByteBuf buf) {
        int offset = buf.readerIndex();
        int length = buf.readableBytes();
        sentAny = true;
        ownSsrc = RtpHeader.ssrc(buf, offset);
        lastSentRtpTimestamp = RtpHeader.timestamp(buf, offset);
        packetsSent++;
        octetsSent += length - RtpHeader.FIXED_HEADER_LENGTH;
    }

    private static boolean usable(InetSocketAddress address) {
        return address.getPort() != 0 && !address.isUnresolved() && !address.getAddress().isAnyLocalAddress();
    }

    /** Per channel: carries this session's state. */
    private final class RtcpHandler extends ChannelInboundHandlerAdapter {
        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            try {
                if (msg instanceof DatagramPacket packet) {
                    onRtcp(packet.content(), packet.sender(), System.nanoTime());
                }
            } finally {
                ReferenceCountUtil.release(msg);
            }
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            log.debug("RTCP channel {}: {}", ctx.channel().localAddress(), cause.toString());
        }
    }
}
