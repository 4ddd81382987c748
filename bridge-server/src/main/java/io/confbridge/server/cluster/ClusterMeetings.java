package io.confbridge.server.cluster;

import io.confbridge.config.BridgeConfig;
import io.confbridge.media.MediaClock;
import io.confbridge.media.PortPairBinder;
import io.confbridge.admin.LiveMeetings;
import io.confbridge.auth.SipAccountCache;
import io.confbridge.meeting.Meeting;
import io.confbridge.meeting.MeetingActivity;
import io.confbridge.meeting.MeetingEvents;
import io.confbridge.meeting.MeetingRegistry;
import io.confbridge.store.MeetingNotifications;
import io.confbridge.store.MeetingPresenceTable;
import io.confbridge.store.MeetingRecord;
import io.confbridge.rtp.NodeLegs;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.util.ReferenceCountUtil;
import io.netty.util.concurrent.DefaultThreadFactory;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;

/**
 * Meeting starts across the cluster (issue 12 §2), and meetings that span nodes (§3): a start on this node is written to
 * {@code meeting_presence} and NOTIFYed; a start heard from another node starts this node's part of the
 * meeting, if anyone waits here, admitting its lobby. A meeting that opens here later (its first caller on
 * this node), and every meeting live here when the listening connection comes back, is checked against
 * the table, so a missed notification costs a delay, never a caller left in the lobby.
 *
 * <p>Admission by hand, the end and settings changes made through any node's admin API (or the
 * organizer's {@code *21}) are NOTIFYed too ({@code admit}, {@code end}, {@code policy}): each node does
 * the same to its own part. An end deletes every {@code meeting_presence} row of the meeting, so a node
 * that missed its NOTIFY finds its own row gone when it listens again, and ends its part then. An admit
 * is kept in {@code meeting_admissions}: a node that missed it lets in, when it listens again, whoever was
 * waiting at that moment. The
 * participant limit counts the other nodes' participants as {@code meeting_node_counts} says, re-read
 * whenever a node's participant count changes ({@code counts}) and with the parts' periodic refresh.
 *
 * <p>Each started part of a meeting binds a UDP port on {@code cluster.mediaAddress} ({@link NodeLegs}),
 * records it in its {@code meeting_presence} row and NOTIFYs {@code parts}; every part then reads the
 * others' rows (live nodes only) and keeps one leg to each. The reading is repeated on every {@code parts}
 * notification, on a reconnect, and every {@link #refreshMs} ms, so a node that died (its heartbeat
 * stale) loses its legs even though nobody deleted its row.
 *
 * <p>Nothing here runs on an event loop or a SIP thread: the meetings' hooks hand their work to the
 * {@code cluster-meetings} thread, and notifications arrive on {@code cluster-events}.
 */
public final class ClusterMeetings implements MeetingEvents, MeetingNotifications.Listener, MeetingActivity,
        LiveMeetings.ClusterCounts, LiveMeetings.ClusterControl, AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(ClusterMeetings.class);

    private final MeetingPresenceTable presence;
    /** Told the conference ID when another node's counts of it change (the admin event streams). */
    private volatile java.util.function.Consumer<String> countsElsewhere = conferenceId -> { };
    private final MeetingRegistry meetings;
    private final BridgeConfig.ClusterConfig cluster;
    /** The meeting's stored record by conference ID (blocking): how a policy change elsewhere is re-read. */
    private final Function<String, Optional<MeetingRecord>> records;
    private final ScheduledExecutorService database =
            Executors.newSingleThreadScheduledExecutor(new DefaultThreadFactory("cluster-meetings", true));
    private final PortPairBinder legPorts;
    /** This node's started parts of meetings, by conference ID; a part's fields change on its meeting's loop. */
    private final ConcurrentHashMap<String, Part> parts = new ConcurrentHashMap<>();
    /** How often the parts re-read the other parts, whatever the notifications said. */
    private final long refreshMs;
    private MeetingNotifications notifications;
    /** The organizers' SIP accounts in memory: changes made through other nodes are re-read into it. */
    private final SipAccountCache sipAccounts;
    /** The latest counts of this node's meetings not yet written, by conference ID (coalesced). */
    private final ConcurrentHashMap<String, Meeting.Status> countsToWrite = new ConcurrentHashMap<>();
    /** The counts last written per meeting (the database thread only): a change is announced. */
    private final Map<String, Written> countsWritten = new HashMap<>();

    /** A meeting's counts as last written to {@code meeting_node_counts}. */
    private record Written(int lobby, int participants) {
        static final Written NONE = new Written(0, 0);
    }

    /** This node's part of one meeting: its legs, on its meeting's clock, and their port pair once bound. */
    private static final class Part {
        final NodeLegs legs;
        final MediaClock clock;
        PortPairBinder.PortPair ports;
        /** Its row was written: if it is gone later, the meeting was ended through another node. */
        volatile boolean recorded;

        Part(NodeLegs legs, MediaClock clock) {
            this.legs = legs;
            this.clock = clock;
        }
    }

    private ClusterMeetings(MeetingPresenceTable presence, MeetingRegistry meetings, BridgeConfig.ClusterConfig cluster,
                            PortPairBinder legPorts, Function<String, Optional<MeetingRecord>> records,
                            SipAccountCache sipAccounts) {
        this.presence = presence;
        this.sipAccounts = sipAccounts;
        this.records = records;
        this.meetings = meetings;
        this.cluster = cluster;
        this.legPorts = legPorts;
        this.refreshMs = Math.max(200, Math.min(2_000, cluster.nodeTimeoutMs() / 3));
    }

    /**
     * Hooks into {@code meetings} and starts listening for the other nodes' starts.
     *
     * @param legPorts binds the UDP ports of the inter-node legs, on {@code cluster.mediaAddress}
     * @param records  reads a meeting's stored record (its policy changed on another node)
     * @param sipAccounts this node's copy of the SIP accounts, kept up with the other nodes' changes
     */
    public static ClusterMeetings start(MeetingPresenceTable presence, BridgeConfig.StoreConfig store,
                                        MeetingRegistry meetings, BridgeConfig.ClusterConfig cluster,
                                        PortPairBinder legPorts, Function<String, Optional<MeetingRecord>> records,
                                        SipAccountCache sipAccounts) {
        ClusterMeetings clusterMeetings = new ClusterMeetings(presence, meetings, cluster, legPorts, records,
                sipAccounts);
        meetings.events(clusterMeetings);
        clusterMeetings.notifications = MeetingNotifications.start(store, cluster.nodeId(), clusterMeetings);
        clusterMeetings.database.scheduleWithFixedDelay(clusterMeetings::refreshAll, clusterMeetings.refreshMs,
                clusterMeetings.refreshMs, TimeUnit.MILLISECONDS);
        return clusterMeetings;
    }

    // ---- this node's meetings (on their loops: hand over, never block)

    @Override
    public void startedHere(String conferenceId) {
        openPart(conferenceId, true);
    }

    @Override
    public void opened(String conferenceId) {
        onDatabase("check whether " + conferenceId + " started elsewhere", () -> {
            if (presence.startedElsewhere(conferenceId, cluster.nodeId(), cluster.nodeTimeoutMs())) {
                adopt(conferenceId);
            }
            recount(conferenceId);
        });
    }

    @Override
    public void over(String conferenceId) {
        // On the meeting's loop (its end), where the part's legs live.
        Part part = parts.remove(conferenceId);
        if (part != null) {
            closePart(part);
        }
        onDatabase("forget this node's part of " + conferenceId, () -> presence.over(conferenceId, cluster.nodeId()));
    }

    @Override
    public void admittedHere(String conferenceId) {
        onDatabase("tell the other nodes to admit the lobby of " + conferenceId,
                () -> presence.admitted(conferenceId, cluster.nodeId()));
    }

    /**
     * This node's part of the meeting started: its legs' port is bound on the meeting's loop, then the
     * row (with the port, and the start's NOTIFY when {@code announce}) is written and the others read.
     */
    private void openPart(String conferenceId, boolean announce) {
        MediaClock clock = meetings.clock(conferenceId);
        if (clock == null) {
            onDatabase("record the start of " + conferenceId,
                    () -> presence.started(conferenceId, cluster.nodeId(), announce, 0));
            return;
        }
        if (!clock.loop().inEventLoop()) {
            // adopt()'s answer completes on the thread that asked (cluster-events, cluster-meetings) when
            // the meeting answered before thenAccept was attached: the part and its clock belong on the loop.
            clock.loop().execute(() -> openPart(conferenceId, announce));
            return;
        }
        Part part = new Part(new NodeLegs(conferenceId), clock);
        Part earlier = parts.put(conferenceId, part);
        if (earlier != null) {
            // An earlier instance of the meeting that did not say over: closed on its own loop.
            earlier.clock.loop().execute(() -> closePart(earlier));
        }
        // Async on the loop: a bind that completed before whenComplete was attached would otherwise run this
        // here, and an exception thrown in it would vanish with the future: no row, no legs, no warning.
        legPorts.bind(clock.loop(), part.legs.handler(), DiscardRtcp.INSTANCE).whenCompleteAsync((ports, failure) -> {
            int port = 0;
            if (part.legs.isClosed()) {
                if (ports != null) {
                    closePorts(ports); // the part ended while its port was being bound
                }
                return;
            }
            if (failure != null) {
                log.warn("meeting {}: no port for the inter-node legs, its callers here hear only each other: {}",
                        conferenceId, failure.toString());
            } else {
                part.ports = ports;
                part.legs.attach(ports.rtp());
                part.clock.addSender(part.legs);
                port = ports.rtpPort();
            }
            int mediaPort = port;
            onDatabase("record the start of " + conferenceId, () -> {
                presence.started(conferenceId, cluster.nodeId(), announce, mediaPort);
                part.recorded = true;
                refresh(conferenceId);
            });
        }, clock.loop()).exceptionally(e -> {
            log.warn("meeting {}: the inter-node legs were not set up, its callers here hear only each other: {}",
                    conferenceId, e.toString());
            return null;
        });
    }

    /** On the part's meeting loop. */
    private void closePart(Part part) {
        part.legs.close();
        part.clock.removeSender(part.legs);
        if (part.ports != null) {
            closePorts(part.ports);
            part.ports = null;
        }
    }

    private void closePorts(PortPairBinder.PortPair ports) {
        ports.rtp().close();
        ports.rtcp().close().addListener(f -> legPorts.release(ports.rtpPort()));
    }

    /** Reads the other live nodes' parts of the meeting and sets this part's legs to them (database thread). */
    private void refresh(String conferenceId) {
        Part part = parts.get(conferenceId);
        if (part == null) {
            return;
        }
        Map<String, InetSocketAddress> peers = new HashMap<>();
        for (MeetingPresenceTable.Part other : presence.otherParts(conferenceId, cluster.nodeId(), cluster.nodeTimeoutMs())) {
            peers.put(other.nodeId(), new InetSocketAddress(other.mediaAddress(), other.mediaPort()));
        }
        part.clock.loop().execute(() -> {
            if (parts.get(conferenceId) == part && !part.legs.isClosed()) {
                meetings.otherNodes(conferenceId, part.legs.peers(peers));
            }
        });
        recount(conferenceId);
    }

    /**
     * Reads the meeting's participants on the other live nodes and gives the sum to its live meeting here,
     * for its participant limit (database thread). The others' counts are as fresh as their last
     * coalesced write.
     */
    private void recount(String conferenceId) {
        if (meetings.clock(conferenceId) == null) {
            return;
        }
        int elsewhere = 0;
        for (MeetingPresenceTable.NodeCount other
                : presence.countsElsewhere(conferenceId, cluster.nodeId(), cluster.nodeTimeoutMs())) {
            elsewhere += other.participantCount();
        }
        meetings.participantsElsewhere(conferenceId, elsewhere);
    }

    private void refreshAll() {
        for (String conferenceId : parts.keySet()) {
            try {
                refresh(conferenceId);
            } catch (RuntimeException e) {
                log.warn("cluster: could not read the other parts of {}: {}", conferenceId, e.toString());
            }
        }
    }

    /**
     * A meeting's lobby or participants changed here (its loop): written to {@code meeting_node_counts}
     * for the other nodes' admin views; a burst of changes is one write, of the latest counts.
     */
    @Override
    public void changed(String conferenceId, Meeting.Status status) {
        Meeting.Status before = countsToWrite.put(conferenceId, status);
        if (before == null) {
            onDatabase("record this node's counts of " + conferenceId, () -> {
                Meeting.Status latest = countsToWrite.remove(conferenceId);
                if (latest != null) {
                    int participants = latest.participantCount();
                    Written now = new Written(latest.lobbyCount(), participants);
                    Written written = participants == 0 && latest.lobbyCount() == 0
                            ? countsWritten.remove(conferenceId)
                            : countsWritten.put(conferenceId, now);
                    // Announced when either count moved: the participant limit needs the participants,
                    // the organizer's event stream on another node both. A burst is still one write, and a
                    // lobby-only change says so, sparing the other nodes a recount that would change nothing.
                    Written last = written == null ? Written.NONE : written;
                    MeetingPresenceTable.CountsChange change = last.participants() != participants
                            ? MeetingPresenceTable.CountsChange.PARTICIPANTS
                            : last.lobby() != latest.lobbyCount()
                            ? MeetingPresenceTable.CountsChange.LOBBY : MeetingPresenceTable.CountsChange.NONE;
                    presence.counts(conferenceId, cluster.nodeId(), latest.lobbyCount(), participants, change);
                }
            });
        }
    }

    /** The meeting on every node: this one's live counts and the others' from the table (admin workers). */
    @Override
    public List<MeetingPresenceTable.NodeCount> byNode(String conferenceId, Meeting.Status here) {
        List<MeetingPresenceTable.NodeCount> counts = new ArrayList<>(
                presence.countsElsewhere(conferenceId, cluster.nodeId(), cluster.nodeTimeoutMs()));
        if (here.lobbyCount() > 0 || here.participantCount() > 0) {
            counts.add(new MeetingPresenceTable.NodeCount(cluster.nodeId(), here.lobbyCount(), here.participantCount()));
        }
        counts.sort(Comparator.comparing(MeetingPresenceTable.NodeCount::nodeId));
        return counts;
    }

    // ---- the admin API on this node (administration's workers; they may wait on the database)

    @Override
    public boolean admitted(String conferenceId) {
        presence.admitted(conferenceId, cluster.nodeId());
        return presence.startedElsewhere(conferenceId, cluster.nodeId(), cluster.nodeTimeoutMs());
    }

    @Override
    public boolean ended(String conferenceId) {
        return presence.ended(conferenceId, cluster.nodeId());
    }

    @Override
    public void settingsChanged(String conferenceId) {
        presence.announce("policy", cluster.nodeId(), conferenceId);
    }

    // ---- the other nodes (on cluster-events)

    @Override
    public void listening() {
        // SIP accounts changed through other nodes meanwhile: a disabled organizer must not stay admitted here.
        onDatabase("re-read every SIP account", sipAccounts::reloadAll);
        // Whatever started while this node was not listening is in the table.
        onDatabase("read the other parts of every meeting", this::refreshAll);
        onDatabase("catch up on the ends and settings changes of the meetings live here", this::catchUp);
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

    @Override
    public void partsChanged(String nodeId, String conferenceId) {
        if (!nodeId.equals(cluster.nodeId()) && parts.containsKey(conferenceId)) {
            onDatabase("read the other parts of " + conferenceId, () -> refresh(conferenceId));
        }
    }

    @Override
    public void admitted(String nodeId, String conferenceId) {
        if (!nodeId.equals(cluster.nodeId())) {
            // Runs on the meeting's loop after any start heard before it: a part started by that start admits.
            meetings.admitLobby(conferenceId).thenAccept(admitted -> admitted.ifPresent(n ->
                    log.info("meeting {}: the organizer admitted the lobby through node {}; {} came in here",
                            conferenceId, nodeId, n)));
        }
    }

    @Override
    public void ended(String nodeId, String conferenceId) {
        if (!nodeId.equals(cluster.nodeId())) {
            meetings.end(conferenceId).thenAccept(wasLive -> {
                if (wasLive) {
                    log.info("meeting {}: ended through node {}, and so here", conferenceId, nodeId);
                }
            });
        }
    }

    @Override
    public void policyChanged(String nodeId, String conferenceId) {
        if (!nodeId.equals(cluster.nodeId()) && meetings.clock(conferenceId) != null) {
            onDatabase("re-read the settings of " + conferenceId, () -> reread(conferenceId));
        }
    }

    @Override
    public void countsChanged(String nodeId, String conferenceId) {
        if (nodeId.equals(cluster.nodeId())) {
            return;
        }
        countsElsewhere.accept(conferenceId);
        if (meetings.clock(conferenceId) != null) {
            onDatabase("recount the participants of " + conferenceId, () -> recount(conferenceId));
        }
    }

    @Override
    public void sipAccountChanged(String nodeId, long organizerId) {
        if (!nodeId.equals(cluster.nodeId())) {
            onDatabase("re-read the SIP account of organizer " + organizerId,
                    () -> sipAccounts.sipAccountChanged(organizerId));
        }
    }

    @Override
    public void lobbyChanged(String nodeId, String conferenceId) {
        if (!nodeId.equals(cluster.nodeId())) {
            countsElsewhere.accept(conferenceId);
        }
    }

    /**
     * Who to tell (the admin event streams) when another node's counts of a meeting change, whether or
     * not the meeting is live here; called on the notification thread, so it must not block.
     */
    public void onCountsElsewhere(java.util.function.Consumer<String> listener) {
        countsElsewhere = listener;
    }

    /** The meeting's stored settings, given to its live meeting here (database thread). */
    private void reread(String conferenceId) {
        records.apply(conferenceId).ifPresent(meetings::settingsChanged);
    }

    /**
     * After a reconnect (database thread): a started part whose row is gone was ended through another
     * node while this one was not listening, and ends here too; every live meeting re-reads its
     * settings and recounts, in case a change went by unheard, and lets in whoever of its lobby was
     * already waiting when the organizer last admitted the lobby (an {@code admit} it may have missed;
     * the moment is the database's clock, the arrivals this node's: nodes keep their clocks in step).
     */
    private void catchUp() {
        for (Map.Entry<String, Part> entry : parts.entrySet()) {
            String conferenceId = entry.getKey();
            Part part = entry.getValue();
            if (part.recorded && !presence.hasPart(conferenceId, cluster.nodeId()) && parts.get(conferenceId) == part) {
                log.info("cluster events: catching up, meeting {} was ended on another node while this one was not"
                        + " listening", conferenceId);
                meetings.end(conferenceId);
            }
        }
        for (String conferenceId : meetings.liveConferenceIds()) {
            reread(conferenceId);
            recount(conferenceId);
            presence.lastAdmitted(conferenceId).ifPresent(admittedAt ->
                    meetings.admitLobbyWaitingSince(conferenceId, admittedAt).thenAccept(n -> {
                        if (n > 0) {
                            log.info("cluster events: catching up, meeting {}: {} waiting here since before the"
                                    + " organizer's admit at {} came in", conferenceId, n, admittedAt);
                        }
                    }));
        }
    }

    private Set<String> startedElsewhere() {
        return presence.startedElsewhere(cluster.nodeId(), cluster.nodeTimeoutMs());
    }

    /** Starts this node's part, if anyone waits here; a part that started counts in the table too. */
    private void adopt(String conferenceId) {
        meetings.startedElsewhere(conferenceId).thenAccept(startedHere -> {
            if (startedHere) {
                openPart(conferenceId, false); // on the meeting's loop, where the answer completes
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

    /** The legs' socket is bound as a port pair like a call's; nothing is sent to its RTCP port. */
    @ChannelHandler.Sharable
    private static final class DiscardRtcp extends ChannelInboundHandlerAdapter {
        static final DiscardRtcp INSTANCE = new DiscardRtcp();

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            ReferenceCountUtil.release(msg);
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
