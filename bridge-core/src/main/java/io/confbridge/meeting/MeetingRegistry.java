package io.confbridge.meeting;

import io.confbridge.codec.OpusEncoder;
import io.confbridge.mixer.Mixer;

import io.confbridge.media.MediaClock;
import io.confbridge.media.MediaEngine;
import io.confbridge.metrics.BridgeMetrics;
import io.confbridge.mixer.ParticipantAudio;
import io.confbridge.store.MeetingRecord;

import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.OptionalInt;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;

/**
 * The live meetings of this node, by conference ID. The map is the only state shared between loops;
 * everything a question or change does to a meeting runs on that meeting's loop, and the answer comes
 * back as a future (completed on the meeting's loop) or, for a member entering, through
 * {@link MeetingMember#entered}. A worker thread may block on a future; an event loop must not.
 */
public final class MeetingRegistry {
    private static final Meeting.Status NOBODY = new Meeting.Status(false, 0, 0);

    private final ConcurrentHashMap<String, Meeting> live = new ConcurrentHashMap<>();
    private final MediaEngine engine;
    private final Meeting.Tones tones;
    private final Duration idleTimeout;
    private final int maxTalkers;
    private final int opusComplexity;
    private volatile MeetingActivity activity = MeetingActivity.NONE;
    private volatile MeetingEvents events = MeetingEvents.NONE;
    private volatile BridgeMetrics metrics = BridgeMetrics.disabled();

    /**
     * @param tones       what participants hear when someone joins or leaves
     * @param idleTimeout how long a meeting started from the app stays up while nobody is in it
     */
    public MeetingRegistry(MediaEngine engine, Meeting.Tones tones, Duration idleTimeout) {
        this(engine, tones, idleTimeout, Mixer.DEFAULT_MAX_TALKERS, OpusEncoder.DEFAULT_COMPLEXITY);
    }

    /**
     * @param maxTalkers     how many talkers each meeting's mixer sums at once ({@code mixer.maxTalkers})
     * @param opusComplexity libopus's complexity for the meetings' Opus streams ({@code mixer.opusComplexity})
     */
    public MeetingRegistry(MediaEngine engine, Meeting.Tones tones, Duration idleTimeout, int maxTalkers,
                           int opusComplexity) {
        if (idleTimeout.isNegative()) {
            throw new IllegalArgumentException("negative idle timeout " + idleTimeout);
        }
        this.engine = engine;
        this.tones = tones;
        this.idleTimeout = idleTimeout;
        this.maxTalkers = maxTalkers;
        this.opusComplexity = opusComplexity;
    }

    /**
     * Who hears of every live meeting's changes (the admin side's event streams). Set once at start-up.
     */
    public void onActivity(MeetingActivity listener) {
        activity = listener;
    }

    /** A meeting's state changed (on its loop). A failing listener never disturbs the meeting. */
    void activity(String conferenceId, Meeting.Status status) {
        try {
            activity.changed(conferenceId, status);
        } catch (RuntimeException e) {
            LoggerFactory.getLogger(MeetingRegistry.class).warn("meeting activity listener failed", e);
        }
    }

    /** Where lobby admission times go ({@code confbridge_admission_*}); set once at start-up. */
    public void metrics(BridgeMetrics metrics) {
        this.metrics = metrics;
    }

    BridgeMetrics metrics() {
        return metrics;
    }

    /** Who hears of meetings starting, opening and ending here: the cluster, in cluster mode. */
    public void events(MeetingEvents events) {
        this.events = events;
    }

    MeetingEvents events() {
        return events;
    }

    /** The conference IDs of the meetings live on this node now. */
    public List<String> liveConferenceIds() {
        return List.copyOf(live.keySet());
    }

    /**
     * The meeting started on another node of the cluster: its part here, if live and not started yet,
     * starts as if the organizer had started it here (the lobby is admitted unless the organizer admits
     * it by hand). Creates no meeting: a node where nobody waits has nothing to start. Answers whether a
     * part here started.
     */
    public CompletableFuture<Boolean> startedElsewhere(String conferenceId) {
        return ask(conferenceId, Meeting::startFromElsewhere, false);
    }

    /**
     * The media clock (and so the loop) of the live meeting, or null when it is not live here: where this
     * node's part of a meeting that spans nodes runs its inter-node legs.
     */
    public MediaClock clock(String conferenceId) {
        Meeting meeting = live.get(conferenceId);
        return meeting == null || meeting.isOver() ? null : meeting.clock();
    }

    /**
     * The legs to the other nodes holding part of the meeting (see {@link Meeting#otherNodes}); nothing
     * when it is not live here.
     */
    public void otherNodes(String conferenceId, ParticipantAudio[] legs) {
        Meeting meeting = live.get(conferenceId);
        if (meeting != null) {
            meeting.otherNodes(legs);
        }
    }

    /**
     * The meeting's settings changed: its live meeting here, if any, uses {@code record}'s policy from
     * now on ({@link Meeting#settingsChanged}). Answers whether it was live here.
     */
    public boolean settingsChanged(MeetingRecord record) {
        Meeting meeting = live.get(record.conferenceId());
        if (meeting == null) {
            return false;
        }
        meeting.settingsChanged(record);
        return true;
    }

    /** The meeting's participants on the other nodes of the cluster, for its participant limit. */
    public void participantsElsewhere(String conferenceId, int count) {
        Meeting meeting = live.get(conferenceId);
        if (meeting != null) {
            meeting.participantsElsewhere(count);
        }
    }

    /** Meetings live on this node now (started, or with someone in the lobby). */
    public int liveMeetings() {
        return live.size();
    }

    /**
     * Puts the member into the meeting's lobby or among its participants, creating the live meeting if
     * needed. The answer comes to {@link MeetingMember#entered} on the meeting's loop.
     */
    public void enter(MeetingRecord record, MeetingMember member, Role role) {
        enter(record, member, role, null);
    }

    /**
     * As {@link #enter(MeetingRecord, MeetingMember, Role)}, for an organizer whose PIN was just
     * verified: if this starts the meeting, the admission of its lobby is timed from {@code pin}.
     */
    public void enter(MeetingRecord record, MeetingMember member, Role role, LobbyAdmission.PinTiming pin) {
        Meeting meeting = current(record);
        Runnable entering = () -> {
            Meeting.Entry entry = meeting.enter(member, role, pin);
            if (entry == Meeting.Entry.OVER) {
                live.remove(record.conferenceId(), meeting); // raced with its end: take a fresh one
                enter(record, member, role, pin);
            } else {
                member.entered(meeting, entry);
            }
        };
        if (pin != null && meeting.loop().inEventLoop()) {
            // An organizer whose call shares the meeting's loop starts it now, not after a task hop
            // (issue 11 §5). Safe inline: members only post or fire their own events from here.
            entering.run();
        } else {
            meeting.loop().execute(entering);
        }
    }

    /**
     * Starts the meeting from the app, admitting its lobby (creating the live meeting if nobody has
     * dialled in yet, so callers who come later join at once). It ends like any other: when the last
     * participant leaves, when an administrator ends it, or when nobody is in it for the idle time.
     * Answers the meeting's state after the start.
     */
    public CompletableFuture<Meeting.Status> start(MeetingRecord record) {
        Meeting meeting = current(record);
        return meeting.ask(() -> meeting.startFromApp() ? meeting.status() : null).thenCompose(status -> {
            if (status != null) {
                return CompletableFuture.completedFuture(status);
            }
            live.remove(record.conferenceId(), meeting); // raced with its end: take a fresh one
            return start(record);
        });
    }

    /** The live state of a meeting; one nobody is in reads as not started and empty. */
    public CompletableFuture<Meeting.Status> status(String conferenceId) {
        return ask(conferenceId, Meeting::status, NOBODY);
    }

    /** Ends a live meeting for everyone in it and its lobby; answers false when nobody was in it. */
    public CompletableFuture<Boolean> end(String conferenceId) {
        return ask(conferenceId, meeting -> {
            boolean wasLive = !meeting.isOver();
            meeting.end();
            return wasLive;
        }, false);
    }

    /**
     * The organizer lets the lobby in; answers how many came in, or empty when the meeting is not
     * live or has not started.
     */
    public CompletableFuture<OptionalInt> admitLobby(String conferenceId) {
        return ask(conferenceId, meeting -> meeting.status().started()
                ? OptionalInt.of(meeting.admitWaiting()) : OptionalInt.empty(), OptionalInt.empty());
    }

    /**
     * An admit of the lobby made elsewhere at {@code admittedAt} that this node missed: those of the lobby
     * who were already waiting then come in; answers how many, 0 when the meeting is not live here or
     * has not started.
     */
    public CompletableFuture<Integer> admitLobbyWaitingSince(String conferenceId, Instant admittedAt) {
        return ask(conferenceId, meeting -> meeting.status().started() ? meeting.admitWaiting(null, admittedAt) : 0, 0);
    }

    /** When each caller now in the meeting's lobby arrived, oldest first; empty when nobody is in it. */
    public CompletableFuture<List<Instant>> lobbyArrivals(String conferenceId) {
        return ask(conferenceId, Meeting::lobbyArrivals, List.of());
    }

    /** Who is in the meeting's lobby and since when, oldest first; empty when nobody is in it. */
    public CompletableFuture<List<LobbyWaiter>> lobbyWaiters(String conferenceId) {
        return ask(conferenceId, Meeting::lobbyWaiters, List.of());
    }

    private <T> CompletableFuture<T> ask(String conferenceId, Function<Meeting, T> question, T ifNotLive) {
        Meeting meeting = live.get(conferenceId);
        return meeting == null ? CompletableFuture.completedFuture(ifNotLive) : meeting.ask(() -> question.apply(meeting));
    }

    private Meeting current(MeetingRecord record) {
        Meeting existing = live.get(record.conferenceId());
        if (existing != null) {
            return existing;
        }
        boolean[] opened = new boolean[1];
        Meeting meeting = live.computeIfAbsent(record.conferenceId(), id -> {
            opened[0] = true;
            return new Meeting(record, engine.nextClock(), this, tones, idleTimeout, maxTalkers, opusComplexity);
        });
        if (opened[0]) {
            events.opened(record.conferenceId());
        }
        return meeting;
    }

    void forget(Meeting meeting) {
        live.remove(meeting.record().conferenceId(), meeting);
    }
}
