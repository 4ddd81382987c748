package io.confbridge.store;

import io.confbridge.config.BridgeConfig;
import org.postgresql.PGConnection;
import org.postgresql.PGNotification;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Properties;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * LISTEN on {@link MeetingPresenceTable#CHANNEL}: a thread of its own ({@code cluster-events}) on a
 * connection of its own, outside the pool (a listening session must stay the same session). When the
 * connection breaks it reconnects, a second later and again, and each (re)connection is reported so that
 * the listener catches up on what it missed from the tables.
 */
public final class MeetingNotifications implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(MeetingNotifications.class);
    private static final int WAIT_MS = 500;
    private static final long RECONNECT_MS = 1_000;

    /** Told of every (re)connection and every meeting event, on the {@code cluster-events} thread. */
    public interface Listener {
        /** Listening (again): whatever was missed meanwhile is in the tables. */
        void listening();

        /** {@code conferenceId} started on {@code nodeId}. */
        void started(String nodeId, String conferenceId);

        /** {@code nodeId}'s part of {@code conferenceId} began or ended (its inter-node legs change). */
        default void partsChanged(String nodeId, String conferenceId) {
        }

        /** The organizer let the lobby of {@code conferenceId} in through {@code nodeId}'s API. */
        default void admitted(String nodeId, String conferenceId) {
        }

        /** {@code conferenceId} was ended through {@code nodeId}'s API: every part ends. */
        default void ended(String nodeId, String conferenceId) {
        }

        /** The policy of {@code conferenceId} was changed through {@code nodeId}'s API. */
        default void policyChanged(String nodeId, String conferenceId) {
        }

        /** {@code nodeId}'s participant count of {@code conferenceId} changed (in {@code meeting_node_counts}). */
        default void countsChanged(String nodeId, String conferenceId) {
        }

        /**
         * Only {@code nodeId}'s lobby count of {@code conferenceId} changed: nothing to recount against the
         * participant limit, only the event streams to tell.
         */
        default void lobbyChanged(String nodeId, String conferenceId) {
        }

        /** The organizer's SIP account changed through {@code nodeId} (credentials, enabled or disabled). */
        default void sipAccountChanged(String nodeId, long organizerId) {
        }
    }

    private final BridgeConfig.StoreConfig store;
    private final String nodeId;
    private final Listener listener;
    private final Thread thread;
    private final CountDownLatch closed = new CountDownLatch(1);

    private MeetingNotifications(BridgeConfig.StoreConfig store, String nodeId, Listener listener) {
        this.store = store;
        this.nodeId = nodeId;
        this.listener = listener;
        this.thread = new Thread(this::run, "cluster-events");
        this.thread.setDaemon(true);
    }

    /**
     * Starts listening; the first {@link Listener#listening} comes once the LISTEN is in place.
     *
     * @param nodeId this node's ID, shown in {@code pg_stat_activity} as the session's application name
     */
    public static MeetingNotifications start(BridgeConfig.StoreConfig store, String nodeId, Listener listener) {
        MeetingNotifications notifications = new MeetingNotifications(store, nodeId, listener);
        notifications.thread.start();
        return notifications;
    }

    private void run() {
        while (closed.getCount() > 0) {
            try (Connection c = connect(); Statement s = c.createStatement()) {
                s.execute("LISTEN " + MeetingPresenceTable.CHANNEL);
                listener.listening();
                PGConnection pg = c.unwrap(PGConnection.class);
                while (closed.getCount() > 0) {
                    PGNotification[] notifications = pg.getNotifications(WAIT_MS);
                    if (notifications != null) {
                        for (PGNotification n : notifications) {
                            deliver(n.getParameter());
                        }
                    }
                }
            } catch (SQLException | RuntimeException e) {
                if (closed.getCount() == 0) {
                    return;
                }
                log.warn("cluster events: listening failed, reconnecting in {} ms: {}", RECONNECT_MS, e.toString());
                try {
                    closed.await(RECONNECT_MS, TimeUnit.MILLISECONDS);
                } catch (InterruptedException interrupted) {
                    return;
                }
            }
        }
    }

    /** The application name of a node's listening session: {@code confbridge-events <nodeId>}. */
    public static String applicationName(String nodeId) {
        return "confbridge-events " + nodeId;
    }

    private void deliver(String payload) {
        String[] parts = payload.split(" ");
        if (parts.length != 3) {
            log.warn("cluster events: ignoring a notification of unknown form ({} characters)", payload.length());
            return;
        }
        switch (parts[0]) {
            case "start" -> listener.started(parts[1], parts[2]);
            case "parts" -> listener.partsChanged(parts[1], parts[2]);
            case "admit" -> listener.admitted(parts[1], parts[2]);
            case "end" -> listener.ended(parts[1], parts[2]);
            case "policy" -> listener.policyChanged(parts[1], parts[2]);
            case "counts" -> listener.countsChanged(parts[1], parts[2]);
            case "lobby" -> listener.lobbyChanged(parts[1], parts[2]);
            case "sip" -> {
                try {
                    listener.sipAccountChanged(parts[1], Long.parseLong(parts[2]));
                } catch (NumberFormatException e) {
                    log.warn("cluster events: ignoring a SIP account change without an organizer ID");
                }
            }
            default -> log.warn("cluster events: ignoring a notification of unknown kind ({} characters)",
                    payload.length());
        }
    }

    private Connection connect() throws SQLException {
        Properties properties = new Properties();
        if (!store.username().isEmpty()) {
            properties.setProperty("user", store.username());
        }
        if (!store.password().isEmpty()) {
            properties.setProperty("password", store.password());
        }
        // Where the pool's connections would time out a dead peer, this one must too: TCP keepalive.
        properties.setProperty("tcpKeepAlive", "true");
        // An operator (or a test) finds this session in pg_stat_activity by it.
        properties.setProperty("ApplicationName", applicationName(nodeId));
        return DriverManager.getConnection(store.jdbcUrl(), properties);
    }

    /** Stops listening; returns once the thread has left (within about {@value #WAIT_MS} ms). */
    @Override
    public void close() {
        closed.countDown();
        try {
            thread.join(5_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
