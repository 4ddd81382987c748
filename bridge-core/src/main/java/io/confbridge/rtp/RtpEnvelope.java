package io.confbridge.rtp;

import io.netty.buffer.ByteBuf;
import io.netty.channel.AddressedEnvelope;

import java.net.InetSocketAddress;
import java.util.function.Consumer;

/**
 * A datagram to an explicit recipient that a session reuses: an unconnected RTP channel needs an
 * addressed message per send, and a fresh {@code DatagramPacket} every 20 ms per caller would be
 * garbage on the hot path. The channel releases the message once it is written (or failed); that
 * release frees the content and hands the envelope back to its session. Event loop only.
 */
final class RtpEnvelope implements AddressedEnvelope<ByteBuf, InetSocketAddress> {
    private ByteBuf content;
    private InetSocketAddress recipient;
    /** The session's free list runs through its envelopes. */
    RtpEnvelope nextFree;
    /** Takes the envelope back into its sender's free list. */
    private final Consumer<RtpEnvelope> owner;

    RtpEnvelope(Consumer<RtpEnvelope> owner) {
        this.owner = owner;
    }

    RtpEnvelope set(ByteBuf content, InetSocketAddress recipient) {
        this.content = content;
        this.recipient = recipient;
        return this;
    }

    @Override
    public ByteBuf content() {
        return content;
    }

    @Override
    public InetSocketAddress sender() {
        return null;
    }

    @Override
    public InetSocketAddress recipient() {
        return recipient;
    }

    @Override
    public int refCnt() {
        return content == null ? 0 : content.refCnt();
    }

    @Override
    public RtpEnvelope retain() {
        content.retain();
        return this;
    }

    @Override
    public RtpEnvelope retain(int increment) {
        content.retain(increment);
        return this;
    }

    @Override
    public RtpEnvelope touch() {
        content.touch();
        return this;
    }

    @Override
    public RtpEnvelope touch(Object hint) {
        content.touch(hint);
        return this;
    }

    @Override
    public boolean release() {
        return release(1);
    }

    @Override
    public boolean release(int decrement) {
        if (content.release(decrement)) {
            content = null;
            recipient = null;
            owner.accept(this);
            return true;
        }
        return false;
    }

    @Override
    public String toString() {
        return "RtpEnvelope(" + recipient + ")";
    }
}
