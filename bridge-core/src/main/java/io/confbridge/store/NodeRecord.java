package io.confbridge.store;

import java.time.Instant;
import java.util.Locale;

/**
 * One bridge node of a cluster as the {@code nodes} table knows it.
 *
 * @param sipAddress     host:port callers and Kamailio reach this node's SIP on
 * @param mediaAddress   where other nodes send this node inter-node audio ({@code cluster.mediaAddress})
 * @param adminAddress   host:port of this node's admin API
 * @param state          as the reader sees it: {@link State#GONE} when the heartbeat is older than the
 *                       reader's {@code cluster.nodeTimeoutMs}
 * @param calls          calls in progress at the last heartbeat
 * @param heartbeatAgeMs how old the last heartbeat is, by the database's clock
 */
public record NodeRecord(
        String nodeId,
        String sipAddress,
        String mediaAddress,
        String adminAddress,
        State state,
        int calls,
        Instant startedAt,
        Instant heartbeatAt,
        long heartbeatAgeMs) {

    /** What a node is doing; the first three are stored, {@link #GONE} is read from a stale heartbeat. */
    public enum State {
        /** Takes new calls. */
        UP,
        /** Keeps its calls, takes no new ones (a graceful shutdown under way). */
        DRAINING,
        /** Left gracefully. */
        DOWN,
        /** Stopped heart-beating without leaving: crashed, killed or cut off. */
        GONE;

        /** The spelling in the table and in the API. */
        public String wire() {
            return name().toLowerCase(Locale.ROOT);
        }

        static State fromWire(String stored) {
            return valueOf(stored.toUpperCase(Locale.ROOT));
        }
    }

    /** Whether the node counts as alive: heart-beating and not gone down. */
    public boolean alive() {
        return state == State.UP || state == State.DRAINING;
    }
}
