package io.confbridge.server.cluster;

import io.confbridge.config.BridgeConfig;
import io.confbridge.store.NodeRecord;
import io.confbridge.store.NodeTable;
import io.netty.util.concurrent.DefaultThreadFactory;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.IntSupplier;

/**
 * This node's membership of the cluster (issue 12): its row in the {@code nodes} table, registered at
 * start, renewed every {@link BridgeConfig.ClusterConfig#heartbeatIntervalMs()} with its state and call
 * count, and marked down when it leaves. The heartbeat runs on a scheduled thread of its own, since it
 * waits on the database; a node that stops beating (killed, cut off) is gone for the others after
 * {@code cluster.nodeTimeoutMs} without any of them having to act.
 *
 * <p>A node whose heartbeats stop reaching the database while it runs is {@link #cutOff()}: the others
 * will soon count it gone and drop their media legs to it, so a caller let in here would sit in a half
 * of the meeting nobody else hears. It therefore takes no new calls (OPTIONS and INVITE get 503, so that
 * Kamailio's probe marks it down and fails over) until a heartbeat gets through again.
 */
public final class NodeMembership implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(NodeMembership.class);

    private final NodeTable nodes;
    private final NodeTable.Registration self;
    private final BridgeConfig.ClusterConfig config;
    private final IntSupplier calls;
    private final ScheduledExecutorService heart;
    private volatile NodeRecord.State state = NodeRecord.State.UP;
    /** When the last heartbeat that reached the database began ({@link System#nanoTime()} scale). */
    private volatile long lastBeatNs = System.nanoTime();
    /** Whether the last heartbeat that finished failed. */
    private volatile boolean failing;
    /** When the heartbeat under way began, 0 when none is. */
    private volatile long beatStartedNs;
    /** Whether the cut-off was logged, so that it and the return are logged once each. Heartbeat thread only. */
    private boolean cutOffLogged;

    private NodeMembership(NodeTable nodes, NodeTable.Registration self, BridgeConfig.ClusterConfig config,
                           IntSupplier calls) {
        this.nodes = nodes;
        this.self = self;
        this.config = config;
        this.calls = calls;
        this.heart = Executors.newSingleThreadScheduledExecutor(new DefaultThreadFactory("cluster-heartbeat", true));
    }

    /**
     * Registers this node and starts its heartbeat.
     *
     * @param calls the node's calls in progress, read at each heartbeat
     * @throws IllegalStateException when a live node already holds {@code cluster.nodeId}
     */
    public static NodeMembership join(NodeTable nodes, NodeTable.Registration self, BridgeConfig.ClusterConfig config,
                                      IntSupplier calls) {
        if (!nodes.register(self, config.nodeTimeoutMs())) {
            throw new IllegalStateException("cluster.nodeId " + self.nodeId() + " is held by a node that is still"
                    + " heart-beating; give this node another ID, or wait cluster.nodeTimeoutMs ("
                    + config.nodeTimeoutMs() + " ms) after the other stopped");
        }
        NodeMembership membership = new NodeMembership(nodes, self, config, calls);
        long interval = config.heartbeatIntervalMs();
        membership.heart.scheduleWithFixedDelay(membership::beat, interval, interval, TimeUnit.MILLISECONDS);
        log.info("joined the cluster as node {} (SIP {}, media {}); heartbeat every {} ms", self.nodeId(),
                self.sipAddress(), self.mediaAddress(), interval);
        return membership;
    }

    private void beat() {
        long started = System.nanoTime();
        beatStartedNs = started;
        try {
            if (!nodes.heartbeat(self.nodeId(), state, calls.getAsInt())) {
                log.warn("node {} had no row in the nodes table; registering again", self.nodeId());
                nodes.register(self, config.nodeTimeoutMs());
            }
            lastBeatNs = started;
            failing = false;
            if (cutOffLogged) {
                cutOffLogged = false;
                log.info("node {} reaches the database again: taking new calls", self.nodeId());
            }
        } catch (RuntimeException e) {
            // The next beat tries again; after nodeTimeoutMs of failures the others count this node gone.
            failing = true;
            log.warn("cluster heartbeat of node {} failed: {}", self.nodeId(), e.toString());
            if (cutOff() && !cutOffLogged) {
                cutOffLogged = true;
                log.warn("node {} has not reached the database for {} ms: it takes no new calls (OPTIONS and"
                        + " INVITE get 503) until it does; its calls in progress go on", self.nodeId(),
                        TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - lastBeatNs));
            }
        } finally {
            beatStartedNs = 0;
        }
    }

    /**
     * Whether this node's heartbeats have not reached the database for two intervals, one interval before
     * the others count it gone ({@code cluster.nodeTimeoutMs} is three), and are failing: the last one
     * failed, or the one under way has waited more than an interval (for a connection, say: Hikari waits
     * up to 30 s). A heartbeat that is merely slow on a loaded database does not cut the node off. Any
     * thread; cheap.
     */
    public boolean cutOff() {
        long now = System.nanoTime();
        long interval = TimeUnit.MILLISECONDS.toNanos(config.heartbeatIntervalMs());
        if (now - lastBeatNs <= 2 * interval) {
            return false;
        }
        long under = beatStartedNs;
        return failing || (under != 0 && now - under > interval);
    }

    /** The Retry-After of the 503 a cut-off node answers: a heartbeat interval, at least a second. */
    public int cutOffRetryAfterS() {
        return (int) Math.max(1, TimeUnit.MILLISECONDS.toSeconds(config.heartbeatIntervalMs()));
    }

    /** A drain began: the others (and Kamailio's probe) see this node take no new calls, at once. */
    public void draining() {
        state = NodeRecord.State.DRAINING;
        heart.execute(this::beat);
    }

    /** Every node the table knows, this one included, stale ones as gone. Blocks on the database. */
    public List<NodeRecord> nodes() {
        return nodes.list(config.nodeTimeoutMs());
    }

    /** This node's ID. */
    public String nodeId() {
        return self.nodeId();
    }

    /**
     * Stops heart-beating without leaving, as a killed process does: for tests of a node that vanishes.
     * The row stays up until the others count it gone.
     */
    public void stopWithoutLeaving() {
        heart.shutdownNow();
    }

    /** Stops the heartbeat and marks this node down: it left on purpose. */
    @Override
    public void close() {
        if (heart.isShutdown()) {
            return;
        }
        heart.shutdownNow();
        try {
            heart.awaitTermination(5, TimeUnit.SECONDS);
            nodes.heartbeat(self.nodeId(), NodeRecord.State.DOWN, 0);
            log.info("left the cluster: node {} is down", self.nodeId());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (RuntimeException e) {
            log.warn("could not mark node {} down; the others will count it gone after {} ms: {}", self.nodeId(),
                    config.nodeTimeoutMs(), e.toString());
        }
    }
}
