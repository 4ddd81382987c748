package io.confbridge.call;

import io.confbridge.media.MediaClock;
import io.confbridge.media.MediaEngine;
import io.confbridge.rtp.RtpPortAllocator;
import io.confbridge.rtp.RtpSession;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.util.ReferenceCountUtil;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.net.InetAddress;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Takes inbound calls from the signalling side: picks a media loop, binds an RTP/RTCP port pair from
 * the configured range, and creates the {@link Call}. Keeps the set of live calls for shutdown.
 */
public final class CallRouter implements CallAcceptor {
    private static final Logger log = LoggerFactory.getLogger(CallRouter.class);
    /** Ports of the range taken by something else are skipped; this many in a row means give up. */
    private static final int BIND_ATTEMPTS = 16;

    private final MediaEngine engine;
    private final RtpPortAllocator ports;
    private final InetAddress rtpBindAddress;
    private final boolean symmetricLatching;
    private final CallServices services;
    private final Set<Call> live = ConcurrentHashMap.newKeySet();
    private volatile boolean accepting = true;

    public CallRouter(MediaEngine engine, RtpPortAllocator ports, InetAddress rtpBindAddress,
                      boolean symmetricLatching, CallServices services) {
        this.engine = engine;
        this.ports = ports;
        this.rtpBindAddress = rtpBindAddress;
        this.symmetricLatching = symmetricLatching;
        this.services = services;
    }

    @Override
    public CallHandle accept(NewCall call, CallSignalling signalling) throws CallRejectedException {
        if (!accepting) {
            throw new CallRejectedException(503, "shutting down");
        }
        MediaClock clock = engine.nextClock();
        RtpSession session = new RtpSession(call.codec(), call.audioPayloadType(),
                call.telephoneEventPayloadType(), call.remoteRtp(), call.sendAudio(), symmetricLatching);
        for (int attempt = 0; attempt < BIND_ATTEMPTS; attempt++) {
            int port = ports.allocate();
            if (port < 0) {
                log.warn("call {} refused: no RTP port free", call.callId());
                throw new CallRejectedException(503, "no RTP port free");
            }
            Channel rtp = null;
            try {
                rtp = engine.bindUdp(clock.loop(), rtpBindAddress, port, session.handler());
                Channel rtcp = engine.bindUdp(clock.loop(), rtpBindAddress, port + 1, RtcpDiscard.INSTANCE);
                Call created = new Call(call, signalling, services, clock, session, port, this);
                session.attach(rtp, rtcp, created.callerMedia());
                live.add(created);
                return created;
            } catch (RuntimeException bindFailed) {
                // Taken by another process: leave it marked used for now and try the next pair.
                if (rtp != null) {
                    rtp.close();
                }
                log.debug("RTP port {} unavailable: {}", port, bindFailed.toString());
                ports.release(port);
            }
        }
        throw new CallRejectedException(503, "could not bind an RTP port");
    }

    /** Live calls now. */
    public int liveCalls() {
        return live.size();
    }

    /** Stops taking calls (new INVITEs get 503). */
    public void stopAccepting() {
        accepting = false;
    }

    void callEnded(Call call, int port) {
        live.remove(call);
        ports.release(port);
    }

    /**
     * RTCP is received and dropped: the port pair is reserved so peers sending reports get no ICMP
     * errors, but the bridge does not act on reports yet.
     */
    @ChannelHandler.Sharable
    static final class RtcpDiscard extends ChannelInboundHandlerAdapter {
        static final RtcpDiscard INSTANCE = new RtcpDiscard();

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            ReferenceCountUtil.release(msg);
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            log.debug("RTCP channel: {}", cause.toString());
        }
    }
}
