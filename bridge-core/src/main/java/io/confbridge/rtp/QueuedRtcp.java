package io.confbridge.rtp;

import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.epoll.EpollDatagramChannel;
import io.netty.channel.socket.DatagramPacket;
import io.netty.channel.unix.DatagramSocketAddress;
import io.netty.channel.unix.Socket;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;

/**
 * The RTCP still queued on a call's socket as the call closes: read and handed to the socket's pipeline
 * (SRTCP unprotection, then the RTCP session) before the socket is closed.
 *
 * <p>Why: a phone that hangs up sends its last report, often with an RTCP BYE (RFC 3550 §6.3.7), just
 * before its SIP BYE. That BYE closes the call with a task on the media loop, and the task can run before
 * the loop's next read of the socket. Closing then would throw the report away, and with it the call's
 * final loss and jitter in the hang-up line.
 *
 * <p>Linux epoll sockets only; elsewhere nothing is read. At most {@value #MAX_DATAGRAMS} datagrams a
 * socket, so a flood at close costs no more than that. On the channel's event loop, which is not reading
 * the socket meanwhile. Not on the per-packet path: once per socket per call.
 */
final class QueuedRtcp {
    private static final Logger log = LoggerFactory.getLogger(QueuedRtcp.class);

    static final int MAX_DATAGRAMS = 16;
    /** Room for any report a phone sends; a longer datagram is cut, and then fails the RTCP checks. */
    private static final int DATAGRAM_BYTES = 2_048;

    private QueuedRtcp() {
    }

    /**
     * Reads what is queued on {@code channel} and hands it to its pipeline, as Netty would have.
     *
     * @param rtcpOnly on an RTP port (RFC 5761 multiplexing): only the RTCP among the datagrams is handed
     *     on; the audio of a call that is closing is dropped
     * @return the datagrams handed on
     */
    static int readInto(Channel channel, boolean rtcpOnly) {
        // The descriptor of an epoll channel is its socket (Netty's LinuxSocket), which can receive.
        if (!(channel instanceof EpollDatagramChannel epoll) || !channel.isOpen()
                || !(epoll.fd() instanceof Socket socket)
                || !(channel.localAddress() instanceof InetSocketAddress local)) {
            return 0;
        }
        int handed = 0;
        for (int i = 0; i < MAX_DATAGRAMS; i++) {
            ByteBuf buf = channel.alloc().directBuffer(DATAGRAM_BYTES, DATAGRAM_BYTES);
            DatagramSocketAddress sender;
            try {
                ByteBuffer room = buf.internalNioBuffer(0, DATAGRAM_BYTES);
                sender = socket.recvFrom(room, room.position(), room.limit());
            } catch (IOException e) {
                // An ICMP error queued on a connected socket (the caller's port closed) is read as one; the
                // datagrams behind it are still there.
                buf.release();
                log.debug("queued RTCP on {}: {}", local, e.toString());
                continue;
            }
            if (sender == null) { // EAGAIN: nothing more queued
                buf.release();
                break;
            }
            buf.writerIndex(Math.min(sender.receivedAmount(), DATAGRAM_BYTES));
            if (rtcpOnly && !RtcpPacket.isRtcpOnMuxedPort(buf, 0, buf.readableBytes())) {
                buf.release();
                continue;
            }
            channel.pipeline().fireChannelRead(new DatagramPacket(buf, local, sender));
            handed++;
        }
        return handed;
    }
}
