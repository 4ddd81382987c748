package io.confbridge.server.admin;

import io.confbridge.admin.LiveMeetings;
import io.confbridge.meeting.MeetingActivity;
import io.confbridge.config.BridgeConfig;
import io.confbridge.admin.Administration;
import io.confbridge.admin.MeetingControl;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.handler.ssl.SslContext;
import io.netty.util.concurrent.DefaultThreadFactory;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.net.InetSocketAddress;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;

/**
 * The admin HTTP API (SPEC §4) on {@code admin.bindAddress:admin.port}: JSON under {@code /api}, every
 * call with {@code Authorization: Bearer <admin token>}, except that an organizer's app may show, change,
 * start, admit the lobby of and end the organizer's own meetings with the user's token (SPEC §3).
 *
 * <p>One event-loop thread does the HTTP; {@link Administration} calls run on a small pool of their
 * own. Not the bridge's PIN worker pool: an admin call that hashes a PIN waits for that pool, and
 * would deadlock it if it ran there.
 */
public final class AdminHttpServer implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(AdminHttpServer.class);

    private static final int WORKER_THREADS = 2;
    private static final int QUEUED_REQUESTS = 64;

    private final MultiThreadIoEventLoopGroup group;
    private final ThreadPoolExecutor workers;
    private final Channel channel;
    private final MeetingEvents events;

    private AdminHttpServer(MultiThreadIoEventLoopGroup group, ThreadPoolExecutor workers, Channel channel,
                            MeetingEvents events) {
        this.group = group;
        this.workers = workers;
        this.channel = channel;
        this.events = events;
    }

    /**
     * Where live meetings report their changes (talkers, counts), for the event streams
     * ({@code GET /api/meetings/{id}/events}); give it to the meeting registry.
     */
    public MeetingActivity meetingActivity() {
        return events;
    }

    /**
     * Cluster mode: the event streams count every node's lobby and participants (read through
     * {@code counts}), and {@link #countsChangedElsewhere} tells them when another node's change.
     */
    public void cluster(LiveMeetings.ClusterCounts counts) {
        events.cluster(counts);
    }

    /** Any thread: another node's lobby or participants of the meeting changed. */
    public void countsChangedElsewhere(String conferenceId) {
        events.changedElsewhere(conferenceId);
    }

    /**
     * Binds and returns once the port is open.
     *
     * @param meetings   what the organizer's app does with a live meeting
     * @param adminToken the one token that may call every endpoint; users' tokens get 403 on all but
     *                   their own meetings' endpoints
     */
    public static AdminHttpServer start(BridgeConfig.AdminConfig config, Administration administration,
                                        MeetingControl meetings, String adminToken) throws InterruptedException {
        return start(config, administration, meetings, adminToken, DialInUris.NONE, null);
    }

    /**
     * As {@link #start(BridgeConfig.AdminConfig, Administration, MeetingControl, String)}, with the SIP
     * side's addresses for the dial-in URIs on the organizer's page.
     */
    public static AdminHttpServer start(BridgeConfig.AdminConfig config, Administration administration,
                                        MeetingControl meetings, String adminToken, BridgeConfig.SipConfig sip)
            throws InterruptedException {
        return start(config, administration, meetings, adminToken, DialInUris.of(sip), null);
    }

    /** As above, with the health and metrics routes when {@code operations} is not null. */
    public static AdminHttpServer start(BridgeConfig.AdminConfig config, Administration administration,
                                        MeetingControl meetings, String adminToken, BridgeConfig.SipConfig sip,
                                        OperationsRoutes operations) throws InterruptedException {
        return start(config, administration, meetings, adminToken, DialInUris.of(sip), operations,
                ClusterView.SINGLE_NODE);
    }

    /** As above, with the cluster {@code GET /api/nodes} lists. */
    public static AdminHttpServer start(BridgeConfig.AdminConfig config, Administration administration,
                                        MeetingControl meetings, String adminToken, BridgeConfig.SipConfig sip,
                                        OperationsRoutes operations, ClusterView cluster) throws InterruptedException {
        return start(config, administration, meetings, adminToken, DialInUris.of(sip), operations, cluster);
    }

    private static AdminHttpServer start(BridgeConfig.AdminConfig config, Administration administration,
                                         MeetingControl meetings, String adminToken, DialInUris dialInUris,
                                         OperationsRoutes operations) throws InterruptedException {
        return start(config, administration, meetings, adminToken, dialInUris, operations, ClusterView.SINGLE_NODE);
    }

    private static AdminHttpServer start(BridgeConfig.AdminConfig config, Administration administration,
                                         MeetingControl meetings, String adminToken, DialInUris dialInUris,
                                         OperationsRoutes operations, ClusterView cluster) throws InterruptedException {
        SslContext tls = AdminTls.context(config);
        AdminApi api = new AdminApi(administration, meetings, adminToken, dialInUris).cluster(cluster);
        MultiThreadIoEventLoopGroup group = new MultiThreadIoEventLoopGroup(1,
                new DefaultThreadFactory("admin-http", true), NioIoHandler.newFactory());
        ThreadPoolExecutor workers = new ThreadPoolExecutor(WORKER_THREADS, WORKER_THREADS, 0, TimeUnit.SECONDS,
                new ArrayBlockingQueue<>(QUEUED_REQUESTS), new DefaultThreadFactory("admin-worker", true));
        MeetingEvents events = new MeetingEvents(group.next(), workers);
        AdminHttpHandler handler = new AdminHttpHandler(api, workers, operations, events,
                new AuthFailureBudget(config.authFailuresPerSource()), config.trustedProxies());
        try {
            Channel channel = new ServerBootstrap()
                    .group(group)
                    .channel(NioServerSocketChannel.class)
                    .childHandler(new AdminHttpInitializer(handler, config, tls))
                    .bind(config.bindAddress(), config.port())
                    .sync()
                    .channel();
            AdminHttpServer server = new AdminHttpServer(group, workers, channel, events);
            String scheme = tls == null ? "http" : "https";
            log.info("admin API on {}://{}:{}/api, admin center on {}://{}:{}/", scheme, config.bindAddress(),
                    server.port(), scheme, config.bindAddress(), server.port());
            if (tls == null && AdminTls.reachableInClear(config.bindAddress())) {
                log.warn("the admin API listens on {} without TLS: admin and user tokens, and PINs when they are"
                        + " shown, cross the network in clear. Set admin.tls=true (see README, Admin center)",
                        config.bindAddress());
            }
            return server;
        } catch (InterruptedException | RuntimeException e) {
            workers.shutdownNow();
            group.shutdownGracefully(0, 0, TimeUnit.SECONDS);
            throw e;
        }
    }

    /** The bound port: the configured one, or the one the OS chose for port 0. */
    public int port() {
        return ((InetSocketAddress) channel.localAddress()).getPort();
    }

    /** Stops taking connections, lets running admin calls finish (up to 5 s), then stops the loop. */
    @Override
    public void close() {
        channel.close().syncUninterruptibly();
        events.closeAll();
        workers.shutdown();
        try {
            if (!workers.awaitTermination(5, TimeUnit.SECONDS)) {
                log.warn("admin calls did not finish within 5 s; abandoning them");
                workers.shutdownNow();
            }
        } catch (InterruptedException e) {
            workers.shutdownNow();
            Thread.currentThread().interrupt();
        }
        group.shutdownGracefully(0, 2, TimeUnit.SECONDS).syncUninterruptibly();
    }
}
