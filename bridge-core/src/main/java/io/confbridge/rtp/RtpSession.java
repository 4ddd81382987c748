package io.confbridge.rtp;

import io.confbridge.codec.Codec;
import io.confbridge.codec.OpusPacket;
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
import java.util.function.Consumer;

/**
 * One call's RTP stream (RFC 3550) on its own UDP port, owned by one media event loop.
 *
 * <p>Receiving: strict RTP. With latching off, a packet is accepted only from the negotiated (SDP)
 * address and port. With latching on ({@code rtp.latching=auto}, RFC 4961 symmetric RTP for callers
 * behind NAT) the session learns where the caller's RTP really comes from, as Asterisk's strictrtp
 * does:
 * <ol>
 *   <li>Until it has latched, it sends to the SDP address. A packet from the SDP address itself is
 *       accepted at once and latches there. From any other source, a run of {@link #PROBATION_PACKETS}
 *       packets with consecutive sequence numbers, one SSRC and a negotiated payload type (RFC 3550
 *       §A.1 probation) latches onto that source; the packets of the run before the last are dropped.</li>
 *   <li>Once latched, the session sends to the latched source and accepts packets from it alone;
 *       packets from anywhere else are dropped and counted ({@link #foreignDropped()}). One stray packet
 *       never moves the stream. Another source takes over only after a full probation run that carries
 *       the latched stream's SSRC, and only once the latched source has been silent for
 *       {@link #RELATCH_SILENCE_NS}: the caller's NAT mapping changed under a running stream.</li>
 *   <li>A re-INVITE that moves the SDP address starts learning afresh.</li>
 * </ol>
 * Accepted packets are split by payload type into RFC 4733 telephone-events and audio; packets of any
 * other payload type are dropped.
 *
 * <p>Sending: one 20 ms G.711 frame per media clock tick, header written in place into a pooled
 * buffer, in packets of the caller's packet time ({@link #packetTime}, its {@code a=ptime}, 10–60 ms):
 * a 20 ms caller gets each frame as one packet straight from its source; for any other packet time the
 * frames are collected in a per-session staging array and cut into packets of that many samples (G.711
 * has one byte per sample), so a 40 ms caller gets a packet every second tick, a 30 ms caller one after
 * one tick and after two in turn, a 10 ms caller two a tick. Nothing is sent before the call is
 * confirmed: the ACK of the 200 ({@link #confirm()}) or the first accepted packet from the caller,
 * whichever comes first. With latching off the channel is connected to the SDP address, so the kernel
 * filters foreign sources and sends need no address.
 * With latching on it stays unconnected (it must see other sources to learn and count them); a
 * {@link ConnectedRtpSocket} twin on the same port, connected to where the session sends, carries the
 * stream itself, so the hot path pays no per-packet address handling. Until the twin is connected (or
 * off Linux), sends go through envelopes recycled by the session. The hot path allocates nothing.
 *
 * <p>All methods except construction run on the channel's event loop.
 */
public final class RtpSession {
    private static final Logger log = LoggerFactory.getLogger(RtpSession.class);
    private static final int PACKET_BYTES = RtpHeader.FIXED_HEADER_LENGTH + Codec.FRAME_SAMPLES;
    /** The packet time sent until the SDP asks for another, and the media clock's tick (RFC 3551 §4.5). */
    public static final int DEFAULT_PACKET_TIME_MS = 20;
    /** The shortest packet time sent: half a tick's frame. */
    public static final int MIN_PACKET_TIME_MS = 10;
    /** The longest packet time sent (and received, see the jitter buffer): three ticks' frames. */
    public static final int MAX_PACKET_TIME_MS = 60;
    /** Packet times are whole multiples of this, so that a packet is a whole number of half frames. */
    public static final int PACKET_TIME_STEP_MS = 10;
    private static final int SAMPLES_PER_MS = Codec.CLOCK_RATE / 1000;
    /** Consecutive packets a new source must send before the stream latches onto it (RFC 3550 §A.1). */
    public static final int PROBATION_PACKETS = 4;
    /** How long the latched source must have been silent before its stream may move to another source. */
    public static final long RELATCH_SILENCE_NS = 1_000_000_000L;

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

    private Codec codec;
    private int audioPayloadType;
    private int telephoneEventPayloadType;
    private final boolean latching;
    private final RtpSequencer sequencer = new RtpSequencer();
    private final RtpHandler handler = new RtpHandler();
    private Receiver receiver;
    private Channel channel;
    private Channel rtcpChannel;
    /** The SDP address: where to send until latched, and (latching off) the only accepted source. */
    private InetSocketAddress remote;
    private boolean connected;
    private boolean sendAudio;
    private boolean confirmed;
    /** Samples (and G.711 bytes) in each packet sent: the caller's packet time at 8 kHz. */
    private int packetSamples = Codec.FRAME_SAMPLES;
    /**
     * Frames collected for a packet time other than 20 ms, oldest first; null until one is asked for.
     * Room for the most left over ({@code packetSamples - 80}) plus a frame.
     */
    private byte[] pending;
    private int pendingBytes;
    /**
     * Opus frames collected for a 40 or 60 ms packet: their data without their TOC byte from
     * {@link #OPUS_HEADER_ROOM} on (the packet's header is then written just before them), each one's
     * length, and the TOC they share. Null until an Opus caller asks for such a packet time.
     */
    private byte[] opusPending;
    private final int[] opusFrameLengths = new int[MAX_PACKET_TIME_MS / 20];
    private int opusFrames;
    private int opusBytes;
    private byte opusToc;
    /** Room before the collected Opus frames for a code 3 header: TOC, count, two lengths of two bytes. */
    private static final int OPUS_HEADER_ROOM = 6;

    /** The source the stream has latched onto, null while learning; latching on only. */
    private InetSocketAddress latched;
    private int latchedSsrc;
    /** A source on probation: its last sequence number and SSRC, and how many packets in a row it sent. */
    private InetSocketAddress candidate;
    private int candidateSsrc;
    private int candidateSequence;
    private int candidateRun;
    private RtpEnvelope freeEnvelopes;
    private final Consumer<RtpEnvelope> recycler = this::recycle;
    /** Latching on: the socket connected to {@link #sendingTo()}, null when there is none (yet). */
    private ConnectedRtpSocket twin;
    private boolean twinPossible;
    private boolean twinAllowed = true;
    /** The call's RTCP, told of each packet sent and accepted; may be null. */
    private RtcpSession rtcp;

    /**
     * The packet buffer reused from send to send on a connected socket while no earlier send still holds
     * it: taking a fresh pooled buffer for every packet was the largest single cost of the media loop in
     * a profile of a silent lobby (Netty's allocator, ~15 % of its samples).
     */
    private ByteBuf reusable;

    private long lastReceivedNs;
    private long packetsReceived;
    private long packetsSent;
    private long foreignDropped;
    private long malformedDropped;
    private long latches;

    public RtpSession(Codec codec, int audioPayloadType, int telephoneEventPayloadType,
                      InetSocketAddress remote, boolean sendAudio, boolean latching) {
        this.codec = codec;
        this.audioPayloadType = audioPayloadType;
        this.telephoneEventPayloadType = telephoneEventPayloadType;
        this.remote = usable(remote) ? remote : null;
        this.sendAudio = sendAudio;
        this.latching = latching;
        this.lastReceivedNs = System.nanoTime();
    }

    /** The handler to install on the RTP channel when binding it. */
    public ChannelHandler handler() {
        return handler;
    }

    /**
     * Tells {@code reports} of every packet this session sends and accepts, and hands it the RTCP that
     * arrives on the RTP port (RFC 5761 §4 demultiplexing, for {@code rtcp-mux}). Direct calls rather
     * than a handler in each socket's pipeline: a pipeline stage on both sockets (the twin's too) cost a
     * measurable share of the media loop's time per packet. Called before {@link #attach}.
     */
    public void reportWith(RtcpSession reports) {
        rtcp = reports;
    }

    /** Called once the RTP (and RTCP) channels are bound; connects to the remote when it is known. */
    public void attach(Channel rtp, Channel rtcp, Receiver receiver) {
        this.channel = rtp;
        this.rtcpChannel = rtcp;
        this.receiver = receiver;
        if (remote != null && !latching) {
            connect(remote);
        }
        twinPossible = latching && ConnectedRtpSocket.possibleFor(rtp);
        aimTwin();
    }

    /**
     * Whether the stream may run through a connected twin socket. Not with SRTP: its handler sits in
     * the pipeline of the session's own socket, and a twin would carry the stream around it (clear
     * RTP out, unauthenticated packets in). Call before {@link #attach}, and after each change of keys.
     */
    public void allowConnectedTwin(boolean allowed) {
        twinAllowed = allowed;
        if (allowed) {
            aimTwin();
        } else {
            closeTwin();
        }
    }

    public Codec codec() {
        return codec;
    }

    public int audioPayloadType() {
        return audioPayloadType;
    }

    public int telephoneEventPayloadType() {
        return telephoneEventPayloadType;
    }

    /**
     * A re-INVITE (or the answer to the bridge's offer) switched codec or payload types: packets are
     * sent and accepted with the new ones from now on. The stream goes on (same SSRC and sequence);
     * the next packet is marked as a new talkspurt since its payload format changed.
     */
    public void changePayloadTypes(Codec newCodec, int newAudioPayloadType, int newTelephoneEventPayloadType) {
        flushPending(); // collected in the old law: it goes out under the old payload type
        codec = newCodec;
        audioPayloadType = newAudioPayloadType;
        telephoneEventPayloadType = newTelephoneEventPayloadType;
        sequencer.markTalkspurt();
    }

    public int localPort() {
        return ((InetSocketAddress) channel.localAddress()).getPort();
    }

    /** Whether the caller showed it wants our media: the ACK of our 200, or RTP from it. */
    public boolean confirmed() {
        return confirmed;
    }

    /** The dialog is confirmed (the ACK of our 200 arrived): sending may start. */
    public void confirm() {
        confirmed = true;
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
            if (latching) {
                latched = null; // the caller moved: learn afresh, sending to the new SDP address meanwhile
                candidate = null;
                aimTwin();
            } else {
                connect(newRemote);
            }
        }
    }

    /**
     * From now on sends packets of {@code packetTimeMs} (10–60 ms in steps of 10, the caller's
     * {@code a=ptime}); samples already collected for a packet of the old size go out at once as one
     * shorter packet, so nothing is lost and the 20 ms path starts again from an empty collection.
     */
    public void packetTime(int packetTimeMs) {
        if (packetTimeMs < MIN_PACKET_TIME_MS || packetTimeMs > MAX_PACKET_TIME_MS
                || packetTimeMs % PACKET_TIME_STEP_MS != 0) {
            throw new IllegalArgumentException("packet time " + packetTimeMs + " ms: 10-60 in steps of 10");
        }
        int samples = packetTimeMs * SAMPLES_PER_MS;
        if (samples == packetSamples) {
            return;
        }
        flushPending();
        packetSamples = samples;
        if (samples != Codec.FRAME_SAMPLES && pending == null) {
            pending = new byte[MAX_PACKET_TIME_MS * SAMPLES_PER_MS];
        }
    }

    /** The packet time sent, in ms. */
    public int packetTimeMs() {
        return packetSamples / SAMPLES_PER_MS;
    }

    /**
     * Sends one 20 ms frame: {@code Codec.FRAME_SAMPLES} bytes of {@code payload} from {@code offset}, as
     * one packet, or collected into packets of the caller's packet time. On hold, before the call is
     * confirmed, or before the remote is known, the frame (and whatever was collected) is skipped but the
     * timestamp still advances.
     */
    public void sendFrame(byte[] payload, int offset) {
        sendFrame(payload, offset, Codec.FRAME_SAMPLES);
    }

    /**
     * Sends one 20 ms frame of {@code length} bytes: for G.711 and G.722 always {@link Codec#FRAME_SAMPLES}
     * (as {@link #sendFrame(byte[], int)}), for Opus whatever its encoder made (one Opus packet), or 0
     * for a frame lost before it reached the bridge (see {@link RtpSequencer#skipLostPacket}). Opus goes
     * in whole 20 ms frames, 960 units of its 48 kHz clock each (RFC 7587 §4.1): one packet per frame, or
     * for a caller that asked for 40 or 60 ms ({@link Codec#sentPacketTimeMs}), two or three frames
     * joined into one packet (RFC 6716 §3.2.5, code 3).
     */
    public void sendFrame(byte[] payload, int offset, int length) {
        if (codec.variableLength()) {
            flushCut();
            if (length == 0) {
                // A talker's packet lost on its way to us, passed on as lost: a gap, not a packet.
                flushOpus();
                if (canSend()) {
                    sequencer.skipLostPacket(codec.frameTimestampUnits());
                } else {
                    sequencer.skipSamples(codec.frameTimestampUnits());
                }
                return;
            }
            sendOpusFrame(payload, offset, length);
            return;
        }
        if (!canSend()) {
            sequencer.skipSamples(pendingBytes + Codec.FRAME_SAMPLES);
            pendingBytes = 0;
            return;
        }
        if (packetSamples == Codec.FRAME_SAMPLES && pendingBytes == 0) {
            sendPacket(payload, offset, Codec.FRAME_SAMPLES); // 20 ms: the frame is the packet, no copy
            return;
        }
        System.arraycopy(payload, offset, pending, pendingBytes, Codec.FRAME_SAMPLES);
        pendingBytes += Codec.FRAME_SAMPLES;
        int sent = 0;
        while (pendingBytes - sent >= packetSamples) {
            sendPacket(pending, sent, packetSamples);
            sent += packetSamples;
        }
        if (sent > 0) {
            pendingBytes -= sent;
            System.arraycopy(pending, sent, pending, 0, pendingBytes); // at most 80 bytes (30 or 50 ms)
        }
    }

    /**
     * One 20 ms Opus packet from the mix, hold music or a prompt: sent as it is, or collected towards a
     * 40 or 60 ms packet. Only single-frame packets (code 0) sharing a TOC can be joined; another one
     * first sends what was collected, then goes out on its own.
     */
    private void sendOpusFrame(byte[] payload, int offset, int length) {
        int perPacket = codec.sentPacketTimeMs(packetSamples / SAMPLES_PER_MS) / 20;
        if (!canSend()) {
            sequencer.skipSamples((opusFrames + 1) * codec.frameTimestampUnits());
            opusFrames = 0;
            opusBytes = 0;
            return;
        }
        boolean joinable = perPacket > 1 && length >= 1 && length - 1 <= OpusPacket.MAX_FRAME_BYTES
                && (payload[offset] & 3) == 0;
        if (opusFrames > 0 && (!joinable || (payload[offset] & 0xFC) != (opusToc & 0xFC))) {
            flushOpus();
        }
        if (!joinable) {
            sendPacket(payload, offset, length, codec.frameTimestampUnits());
            return;
        }
        if (opusPending == null) {
            opusPending = new byte[OPUS_HEADER_ROOM + opusFrameLengths.length * OpusPacket.MAX_FRAME_BYTES];
        }
        opusToc = payload[offset];
        System.arraycopy(payload, offset + 1, opusPending, OPUS_HEADER_ROOM + opusBytes, length - 1);
        opusFrameLengths[opusFrames++] = length - 1;
        opusBytes += length - 1;
        if (opusFrames >= perPacket) {
            flushOpus();
        }
    }

    /**
     * Sends the Opus frames collected as one packet: a single frame with its own TOC (code 0), or
     * several as a code 3 packet with variable lengths (RFC 6716 §3.2.5): the TOC with code 3, the frame
     * count with the VBR flag, every frame's length but the last's, then the frames.
     */
    private void flushOpus() {
        int frames = opusFrames;
        if (frames == 0) {
            return;
        }
        opusFrames = 0;
        int bytes = opusBytes;
        opusBytes = 0;
        int units = frames * codec.frameTimestampUnits();
        if (!canSend()) {
            sequencer.skipSamples(units);
            return;
        }
        int header = 1;
        if (frames > 1) {
            header = 2;
            for (int i = 0; i < frames - 1; i++) {
                header += opusFrameLengths[i] < 252 ? 1 : 2;
            }
        }
        int at = OPUS_HEADER_ROOM - header;
        byte[] p = opusPending;
        if (frames == 1) {
            p[at] = opusToc;
        } else {
            p[at] = (byte) ((opusToc & 0xFC) | 3);
            p[at + 1] = (byte) (0x80 | frames); // VBR, no padding
            int w = at + 2;
            for (int i = 0; i < frames - 1; i++) {
                int len = opusFrameLengths[i];
                if (len < 252) {
                    p[w++] = (byte) len;
                } else { // RFC 6716 §3.1: 252 + (len & 3), then (len - that) / 4
                    int first = 252 + (len & 3);
                    p[w++] = (byte) first;
                    p[w++] = (byte) ((len - first) >> 2);
                }
            }
        }
        sendPacket(p, at, header + bytes, units);
    }

    /** Sends what was collected for a packet as one (shorter) packet: the packet time or codec changes. */
    private void flushPending() {
        flushOpus();
        flushCut();
    }

    /** Sends the G.711 or G.722 bytes collected for a packet as one (shorter) packet. */
    private void flushCut() {
        if (pendingBytes == 0) {
            return;
        }
        if (canSend()) {
            sendPacket(pending, 0, pendingBytes);
        } else {
            sequencer.skipSamples(pendingBytes);
        }
        pendingBytes = 0;
    }

    private boolean canSend() {
        return sendAudio && confirmed && (latching ? (latched != null || remote != null) : connected);
    }

    /** One RTP packet of {@code samples} G.711 (or G.722) bytes of {@code payload} from {@code offset}. */
    private void sendPacket(byte[] payload, int offset, int samples) {
        sendPacket(payload, offset, samples, samples);
    }

    /** One RTP packet of {@code length} bytes of {@code payload}, the timestamp then advanced by {@code units}. */
    private void sendPacket(byte[] payload, int offset, int length, int units) {
        int packetBytes = RtpHeader.FIXED_HEADER_LENGTH + length;
        ByteBuf buf = sendsConnected() ? reusablePacket(packetBytes) : newPacket(packetBytes);
        int headerLength = sequencer.writeNextHeader(buf, 0, audioPayloadType, units);
        buf.setBytes(headerLength, payload, offset, length);
        buf.writerIndex(packetBytes);
        packetsSent++;
        if (rtcp != null) {
            rtcp.onRtpSent(buf);
        }
        if (latching) {
            if (twin != null && twin.ready()) {
                twin.send(buf);
                return;
            }
            RtpEnvelope envelope = freeEnvelopes;
            if (envelope == null) {
                envelope = new RtpEnvelope(recycler); // only while earlier sends are still queued
            } else {
                freeEnvelopes = envelope.nextFree;
                envelope.nextFree = null;
            }
            channel.writeAndFlush(envelope.set(buf, sendingTo()), channel.voidPromise());
        } else {
            channel.writeAndFlush(buf, channel.voidPromise());
        }
    }

    /**
     * The reusable packet, cleared and retained once for the write that is about to release it; a new
     * one when the write before still holds the old one (a full socket buffer queues writes), or when
     * the old one is too small for a longer packet time.
     */
    private ByteBuf reusablePacket(int packetBytes) {
        ByteBuf buf = reusable;
        if (buf == null || buf.refCnt() != 1 || buf.capacity() < packetBytes + SrtpStream.MAX_OVERHEAD) {
            if (buf != null) {
                buf.release(); // our hold only: the queued write frees it once it is sent
            }
            buf = newPacket(packetBytes);
            reusable = buf;
        }
        return buf.clear().retain();
    }

    /**
     * Room for a packet of the packet time in force (at least 20 ms, so that a session going back to
     * 20 ms keeps its buffer) and an SRTP tag, so that encrypting in place (SrtpStream) never grows it.
     */
    private ByteBuf newPacket(int packetBytes) {
        int capacity = Math.max(packetBytes, RtpHeader.FIXED_HEADER_LENGTH + packetSamples) + SrtpStream.MAX_OVERHEAD;
        capacity = Math.max(capacity, PACKET_BYTES + SrtpStream.MAX_OVERHEAD);
        return channel.alloc().directBuffer(capacity, capacity);
    }

    /** Marks the next packet as the start of a talkspurt (after silence or a change of source). */
    public void markTalkspurt() {
        sequencer.markTalkspurt();
    }

    /**
     * {@link System#nanoTime()} when the last packet from the caller was accepted, or when the session
     * was made if none has been yet.
     */
    public long lastReceivedNs() {
        return lastReceivedNs;
    }

    /** Where the session sends now: the latched source, else the SDP address; null when neither is known. */
    public InetSocketAddress sendingTo() {
        return latched != null ? latched : remote;
    }

    public long packetsReceived() {
        return packetsReceived;
    }

    public long packetsSent() {
        return packetsSent;
    }

    /** Packets dropped for their source: from a stranger, or sent while on probation. */
    public long foreignDropped() {
        return foreignDropped;
    }

    public long malformedDropped() {
        return malformedDropped;
    }

    /** Packets the connected twin wrote straight to its socket (tests). */
    long twinDirectSends() {
        return twin == null ? 0 : twin.directSends();
    }

    /** Holds on the reusable packet buffer: 1 when no write holds it any more, 0 before the first (tests). */
    int reusablePacketHolds() {
        return reusable == null ? 0 : reusable.refCnt();
    }

    /** Whether sends go through a connected socket (latching off, or latching on with a connected twin). */
    boolean sendsConnected() {
        return latching ? twin != null && twin.ready() : connected;
    }

    /** How many times the stream latched onto a source (the first time included). */
    public long latches() {
        return latches;
    }

    public void close() {
        readQueuedRtcp();
        closeTwin();
        if (reusable != null) {
            reusable.release();
            reusable = null;
        }
        if (channel != null) {
            channel.close();
        }
        if (rtcpChannel != null) {
            rtcpChannel.close();
        }
    }

    /**
     * The caller's last reports, when they reached the sockets but not yet the session ({@link QueuedRtcp}):
     * from the RTCP port, and with RTCP multiplexed on the RTP port (RFC 5761) from that port and its
     * connected twin, where the latched caller's packets arrive.
     */
    private void readQueuedRtcp() {
        if (rtcp == null) {
            return;
        }
        if (rtcpChannel != null) {
            QueuedRtcp.readInto(rtcpChannel, false);
        }
        if (channel != null) {
            QueuedRtcp.readInto(channel, true);
        }
        if (twin != null && twin.channel() != null) {
            QueuedRtcp.readInto(twin.channel(), true);
        }
    }

    void recycle(RtpEnvelope envelope) {
        envelope.nextFree = freeEnvelopes;
        freeEnvelopes = envelope;
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

    void onPacket(ByteBuf buf, InetSocketAddress sender, long nowNs) {
        int offset = buf.readerIndex();
        int length = buf.readableBytes();
        if (rtcp != null && RtcpPacket.isRtcpOnMuxedPort(buf, offset, length)) {
            rtcp.onRtcp(buf, sender, nowNs);
            return;
        }
        int headerLength = RtpHeader.headerLength(buf, offset, length);
        int payloadLength = headerLength < 0 ? -1 : RtpHeader.payloadLength(buf, offset, length);
        if (payloadLength < 0) {
            malformedDropped++;
            return;
        }
        int payloadType = RtpHeader.payloadType(buf, offset);
        if (sender != null && !(latching ? admit(buf, offset, payloadType, sender, nowNs) : sender.equals(remote))) {
            foreignDropped++;
            return;
        }
        packetsReceived++;
        lastReceivedNs = nowNs;
        confirmed = true;
        if (rtcp != null) {
            rtcp.onRtpReceived(buf, offset, nowNs);
        }
        if (payloadType == telephoneEventPayloadType) {
            receiver.onTelephoneEvent(buf, offset + headerLength, payloadLength,
                    RtpHeader.timestamp(buf, offset), RtpHeader.marker(buf, offset));
        } else if (payloadType == audioPayloadType) {
            receiver.onAudio(RtpHeader.sequenceNumber(buf, offset), buf, offset + headerLength, payloadLength);
        }
    }

    /** The latching rules of the class Javadoc: whether a well-formed packet from {@code sender} is accepted. */
    private boolean admit(ByteBuf buf, int offset, int payloadType, InetSocketAddress sender, long nowNs) {
        int ssrc = (int) RtpHeader.ssrc(buf, offset);
        if (latched != null) {
            if (sender.equals(latched)) {
                latchedSsrc = ssrc;
                return true;
            }
        } else if (sender.equals(remote)) {
            latch(sender, ssrc); // the signalled address needs no probation: it is where we send anyway
            return true;
        }
        if (payloadType != audioPayloadType && payloadType != telephoneEventPayloadType) {
            return false;
        }
        int sequence = RtpHeader.sequenceNumber(buf, offset);
        if (sender.equals(candidate) && ssrc == candidateSsrc && sequence == ((candidateSequence + 1) & 0xffff)) {
            candidateRun++;
        } else {
            candidate = sender;
            candidateSsrc = ssrc;
            candidateRun = 1;
        }
        candidateSequence = sequence;
        if (candidateRun < PROBATION_PACKETS) {
            return false;
        }
        if (latched != null && (ssrc != latchedSsrc || nowNs - lastReceivedNs < RELATCH_SILENCE_NS)) {
            // Only the caller's own stream moves, and only once its old path has gone quiet: a stranger
            // cannot take our audio (RTP bleed), nor can someone who learnt the SSRC while the caller talks.
            return false;
        }
        if (sender.getPort() == 0) {
            // RFC 768: source port 0 means no reply is wanted, and nothing can be sent there (SIPp's pcap
            // replay sends so). Its audio is taken once it passed probation, but the stream is not moved
            // there: the caller would hear nothing.
            return true;
        }
        latch(sender, ssrc);
        return true;
    }

    private void latch(InetSocketAddress source, int ssrc) {
        if (latched != null) {
            log.info("RTP on port {} moves from {} to {}", localPortOrZero(), latched, source);
            markTalkspurt();
        } else if (!source.equals(remote)) {
            log.debug("RTP on port {} latched onto {} (SDP said {})", localPortOrZero(), source, remote);
        }
        latched = source;
        latchedSsrc = ssrc;
        if (rtcp != null) {
            rtcp.callerLatched(source);
        }
        candidate = null;
        candidateRun = 0;
        latches++;
        aimTwin();
    }

    /** Points the connected twin socket at where the session now sends (latching on, Linux epoll). */
    private void aimTwin() {
        if (!twinPossible || !twinAllowed) {
            return;
        }
        InetSocketAddress to = sendingTo();
        if (twin != null && twin.target().equals(to)) {
            return;
        }
        closeTwin();
        if (to != null && channel.isOpen()) {
            twin = ConnectedRtpSocket.open(this, channel, to);
        }
    }

    private void closeTwin() {
        if (twin != null) {
            twin.close();
            twin = null;
        }
    }

    private int localPortOrZero() {
        return channel != null && channel.localAddress() instanceof InetSocketAddress a ? a.getPort() : 0;
    }

    private static boolean usable(InetSocketAddress address) {
        return address != null && address.getPort() != 0 && !address.getAddress().isAnyLocalAddress();
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
                    onPacket(packet.content(), packet.sender(), System.nanoTime());
                } else if (msg instanceof ByteBuf buf) {
                    onPacket(buf, null, System.nanoTime()); // connected channel: the kernel already checked the source
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
