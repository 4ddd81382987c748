package io.confbridge.server.cluster;

import io.confbridge.config.BridgeConfig;
import io.confbridge.meeting.MeetingEvents;
import io.confbridge.meeting.MeetingRegistry;
import io.confbridge.store.MeetingNotifications;
import io.confbridge.store.MeetingPresenceTable;
import io.netty.util.concurrent.DefaultThreadFactory;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;

/**
 * Meeting starts across the cluster (issue 12 §2): a start on this node is written to
 * {@code meeting_presence} and NOTIFYed; a start heard from another node starts this node's part of the
 * meeting, if anyone waits here, admitting its lobby. A meeting that opens here later (its first caller on
 * this node), and every meeting live here when the listening connection comes back, is checked against
 * the table, so a missed notification costs a delay, never a caller left in the lobby.
 *
 * <p>Nothing here runs on an event loop or a SIP thread: the meetings' hooks hand their work to the
 * {@code cluster-meetings} thread, and notifications arrive on {@code cluster-events}.
 */
public final class ClusterMeetings implements MeetingEvents, MeetingNotifications.Listener, AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(ClusterMeetings.class);

    private final MeetingPresenceTable presence;
    private final MeetingRegistry meetings;
    private final BridgeConfig.ClusterConfig cluster;
    private final ExecutorService database =
            Executors.newSingleThreadExecutor(new DefaultThreadFactory("cluster-meetings", true));
    private MeetingNotifications notifications;

    private ClusterMeetings(MeetingPresenceTable presence, MeetingRegistry meetings, BridgeConfig.ClusterConfig cluster) {
        this.presence = presence;
        this.meetings = meetings;
        this.cluster = cluster;
    }

    /** Hooks into {@code meetings} and starts listening for the other nodes' starts. */
    public static ClusterMeetings start(MeetingPresenceTable presence, BridgeConfig.StoreConfig store,
                                        MeetingRegistry meetings, BridgeConfig.ClusterConfig cluster) {
        ClusterMeetings clusterMeetings = new ClusterMeetings(presence, meetings, cluster);
        meetings.events(clusterMeetings);
        clusterMeetings.notifications = MeetingNotifications.start(store, cluster.nodeId(), clusterMeetings);
        return clusterMeetings;
    }

    // ---- this node's meetings (on their loops: hand over, never block)

    @Override
    public void startedHere(String conferenceId) {
        onDatabase("announce the start of " + conferenceId, () -> presence.started(conferenceId, cluster.nodeId(), true));
    }

    @Override
    public void opened(String conferenceId) {
        onDatabase("check whether " + conferenceId + " started elsewhere", () -> {
            if (presence.startedElsewhere(conferenceId, cluster.nodeId(), cluster.nodeTimeoutMs())) {
                adopt(conferenceId);
            }
        });
    }

    @Override
    public void over(String conferenceId) {
        onDatabase("forget this node's part of " + conferenceId, () -> presence.over(conferenceId, cluster.nodeId()));
    }

    // ---- the other nodes (on cluster-events)

    @Override
    public void listening() {
        // Whatever started while this node was not listening is in the table.
        Set<String> started = startedElsewhere();
        for (String conferenceId : meetings.liveConferenceIds()) {
            if (started.contains(conferenceId)) {
                log.info("cluster events: catching up, meeting {} started on another node while this one was not"
                        + " listening", conferenceId);
                adopt(conferenceId);
            }
        }
    }

    @Override
    public void started(String nodeId, String conferenceId) {
        if (!nodeId.equals(cluster.nodeId())) {
            adopt(conferenceId);
        }
    }

    private Set<String> startedElsewhere() {
        return presence.startedElsewhere(cluster.nodeId(), cluster.nodeTimeoutMs());
    }

    /** Starts this node's part, if anyone waits here; a part that started counts in the table too. */
    private void adopt(String conferenceId) {
        meetings.startedElsewhere(conferenceId).thenAccept(startedHere -> {
            if (startedHere) {
                onDatabase("record this node's part of " + conferenceId,
                        () -> presence.started(conferenceId, cluster.nodeId(), false));
            }
        });
    }

    private void onDatabase(String what, Runnable work) {
        try {
            database.execute(() -> {
                try {
                    work.run();
                } catch (RuntimeException e) {
                    log.warn("cluster: could not {}: {}", what, e.toString());
                }
            });
        } catch (RejectedExecutionException stopping) {
            log.debug("cluster: not done while stopping: {}", what);
        }
    }

    @Override
    public void close() {
        meetings.events(MeetingEvents.NONE);
        if (notifications != null) {
            notifications.close();
        }
        database.shutdown();
        try {
            database.awaitTermination(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
