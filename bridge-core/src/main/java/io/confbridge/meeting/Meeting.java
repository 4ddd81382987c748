package io.confbridge.meeting;

import io.confbridge.media.MediaClock;
import io.confbridge.mixer.Mixer;
import io.confbridge.mixer.ParticipantAudio;
import io.confbridge.prompt.EncodedAudio;
import io.confbridge.store.MeetingPolicy;
import io.confbridge.store.MeetingRecord;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.netty.channel.EventLoop;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

/**
 * A live meeting: its lobby (callers waiting, in arrival order), its participants and its mixer.
 *
 * <p>Lifecycle: created when the first caller dials its conference ID → lobby fills → started by the
 * organizer's PIN (or by the first caller when it needs no PIN), which admits the whole lobby at once
 * in arrival order → over when the last participant leaves (or, never started, when the lobby empties;
 * or, started from the app, when nobody has come within the registry's idle time).
 * An over meeting is gone from the registry; the next caller gets a fresh, not started one.
 *
 * <p>Threads: the meeting lives on one media event loop, the one whose clock runs its mixer, and
 * every change of its state runs there, so it needs no lock (see the package documentation). The
 * public methods may be called from any thread: they post to that loop. What the meeting tells its
 * members it tells them on its loop; members hand the news to their own loops.
 */
public final class Meeting {
    private static final Logger log = LoggerFactory.getLogger(Meeting.class);

    /** What became of a member who asked to enter. */
    public enum Entry {
        /** Waiting in the lobby for the meeting to start. */
        LOBBY,
        /** The meeting has started, but its organizer admits the lobby ({@code *21} or the app). */
        HELD_FOR_ADMISSION,
        /** A participant of the started meeting. */
        ADMITTED,
        /** The meeting has as many participants as its policy allows. */
        FULL,
        /** This meeting is over; ask the registry for the current one. */
        OVER
    }

    /**
     * A snapshot for the admin and for tests.
     *
     * @param talkers who is heard in the mix now, loudest first (empty when nobody speaks)
     */
    public record Status(boolean started, int lobbyCount, int participantCount, List<Talker> talkers) {
        public Status {
            talkers = List.copyOf(talkers);
        }

        public Status(boolean started, int lobbyCount, int participantCount) {
            this(started, lobbyCount, participantCount, List.of());
        }
    }

    /** The tones participants hear when someone joins or leaves (if the policy wants them). */
    public record Tones(EncodedAudio entry, EncodedAudio exit) {
        public static final Tones NONE = new Tones(null, null);
    }

    /** Replaced on the loop when the meeting's settings change (the admin API, on any node). */
    private MeetingRecord record;
    private final MediaClock clock;
    private final EventLoop loop;
    private final MeetingRegistry registry;
    /** How long a meeting started from the app may stay empty before it ends. */
    private final Duration idleTimeout;
    private final Mixer mixer;
    /** Callers waiting, with when they arrived; insertion order is arrival order. */
    private final LinkedHashMap<MeetingMember, Instant> lobby = new LinkedHashMap<>();
    private final List<MeetingMember> participants = new ArrayList<>();
    /** The participants by their audio, to name the mixer's talkers without a search. */
    private final IdentityHashMap<ParticipantAudio, MeetingMember> memberByAudio = new IdentityHashMap<>();
    private final Set<MeetingMember> organizers = new HashSet<>();
    /** The legs to the other nodes holding part of this meeting (cluster mode); not participants. */
    private ParticipantAudio[] otherNodes = new ParticipantAudio[0];
    /** The record's policy; replaced with it. */
    private MeetingPolicy policy;
    /**
     * The participants of this meeting on the other nodes of a cluster, as last heard (issue 12 §2): the
     * participant limit counts them too. Stale by as long as the news takes to arrive.
     */
    private int participantsElsewhere;
    private final Tones tones;
    private boolean started;
    private boolean over;
    /** Who the mixer has in the mix, as of its last change; replaced, never changed in place. */
    private List<Talker> talkers = List.of();
    /** The last state published, so that only changes are. */
    private Status published = new Status(false, 0, 0);

    Meeting(MeetingRecord record, MediaClock clock, MeetingRegistry registry, Tones tones, Duration idleTimeout,
            int maxTalkers, int opusComplexity) {
        this.record = record;
        this.mixer = new Mixer(maxTalkers, opusComplexity);
        this.mixer.onTalkersChanged(this::talkersChanged);
        this.policy = record.policy();
        this.clock = clock;
        this.loop = clock.loop();
        this.registry = registry;
        this.tones = tones;
        this.idleTimeout = idleTimeout;
    }

    MeetingRecord record() {
        return record;
    }

    MediaClock clock() {
        return clock;
    }

    /**
     * The legs to the other nodes that hold part of this meeting now (issue 12 §3), replacing the
     * previous set: each is mixed like one more participant, but none counts as one. Any thread.
     */
    public void otherNodes(ParticipantAudio[] legs) {
        ParticipantAudio[] copy = legs.clone();
        loop.execute(() -> {
            if (!over) {
                otherNodes = copy;
                updateMixer();
            }
        });
    }

    /**
     * The meeting's settings changed (the admin API, on this node or another): the new policy applies
     * from now on, to who enters and to the tones. Participants already in stay, even over a lowered
     * limit. A meeting that admitted by hand and now admits automatically lets its waiting lobby in.
     * Any thread.
     */
    public void settingsChanged(MeetingRecord changed) {
        loop.execute(() -> {
            if (over) {
                return;
            }
            record = changed;
            policy = changed.policy();
            log.info("meeting {}: settings changed, participant limit {}, admission {}", record.conferenceId(),
                    policy.maxParticipants(), policy.admissionMode());
            if (started && policy.admissionMode() == MeetingPolicy.AdmissionMode.AUTOMATIC && !lobby.isEmpty()) {
                admitWaiting();
            }
        });
    }

    /** How many participants the meeting has on the other nodes of the cluster now. Any thread. */
    public void participantsElsewhere(int count) {
        loop.execute(() -> participantsElsewhere = Math.max(0, count));
    }

    /** The loop that owns this meeting: everything below {@code // ---- on the loop} runs there. */
    EventLoop loop() {
        return loop;
    }

    /** The member leaves the lobby or the meeting; the meeting is over when nobody is left. */
    public void leave(MeetingMember member) {
        loop.execute(() -> leaveOnLoop(member));
    }

    /**
     * The organizer lets the whole lobby in (admission mode "organizer"); answers how many came in,
     * 0 when the meeting has not started or is over. The other nodes of a cluster admit theirs too.
     */
    public CompletableFuture<Integer> admitLobby() {
        return ask(() -> {
            if (over || !started) {
                return 0;
            }
            registry.events().admittedHere(record.conferenceId());
            return admitWaiting();
        });
    }

    /** Runs a question on the meeting's loop and answers it there. */
    <T> CompletableFuture<T> ask(Supplier<T> question) {
        CompletableFuture<T> answer = new CompletableFuture<>();
        try {
            loop.execute(() -> {
                try {
                    answer.complete(question.get());
                } catch (RuntimeException e) {
                    answer.completeExceptionally(e);
                }
            });
        } catch (RuntimeException rejected) {
            answer.completeExceptionally(rejected); // the media engine is shutting down
        }
        return answer;
    }

    // ---- on the loop -----------------------------------------------------------------------------

    Entry enter(MeetingMember member, Role role) {
        return enter(member, role, null);
    }

    /** @param pin when the organizer's PIN was typed and verified, to time the lobby's admission; or null */
    Entry enter(MeetingMember member, Role role, LobbyAdmission.PinTiming pin) {
        assert loop.inEventLoop();
        if (over) {
            return Entry.OVER;
        }
        boolean organizer = role == Role.ORGANIZER;
        if (!started && (organizer || !record.requirePinToStart())) {
            start(role, true, pin); // admits the lobby too, unless the organizer admits it by hand
        }
        if (!started) {
            addToLobby(member);
            return Entry.LOBBY;
        }
        if (!organizer && policy.admissionMode() == MeetingPolicy.AdmissionMode.ORGANIZER
                && !participants.contains(member)) {
            addToLobby(member);
            return Entry.HELD_FOR_ADMISSION;
        }
        // The organizer always gets in (they may have typed the PIN from the lobby); others up to the limit.
        if (!organizer && isFull() && !participants.contains(member)) {
            removeFromLobby(member);
            leaveIfEmpty();
            return Entry.FULL;
        }
        removeFromLobby(member);
        if (organizer) {
            organizers.add(member);
        }
        addParticipant(member);
        return Entry.ADMITTED;
    }

    /**
     * The organizer starts the meeting from the app (SPEC §3): the lobby is admitted as if the
     * organizer had typed the PIN. False if this meeting instance is already over.
     */
    boolean startFromApp() {
        if (over) {
            return false;
        }
        if (!started) {
            start(Role.ORGANIZER);
        }
        if (isEmpty()) {
            // Nobody may ever dial in: end it if it is still empty after the idle time.
            loop.schedule(this::endIfEmpty, idleTimeout.toMillis(), TimeUnit.MILLISECONDS);
        }
        return true;
    }

    /**
     * The meeting started on another node: this part starts too, admitting its lobby as the organizer's
     * start would. Not announced again. False if this part is over or had started already.
     */
    boolean startFromElsewhere() {
        if (over || started) {
            return false;
        }
        start(Role.ORGANIZER, false);
        return true;
    }

    private void endIfEmpty() {
        if (!over && isEmpty()) {
            finish("nobody came within " + idleTimeout);
        }
    }

    private boolean isEmpty() {
        return participants.isEmpty() && lobby.isEmpty();
    }

    boolean isOver() {
        return over;
    }

    /** When each caller now in the lobby arrived, oldest first. */
    List<Instant> lobbyArrivals() {
        return List.copyOf(lobby.values());
    }

    /** Who is in the lobby and since when, oldest first. */
    List<LobbyWaiter> lobbyWaiters() {
        List<LobbyWaiter> waiters = new ArrayList<>(lobby.size());
        lobby.forEach((member, since) -> waiters.add(new LobbyWaiter(member.callerId(), since)));
        return waiters;
    }

    private void leaveOnLoop(MeetingMember member) {
        boolean wasParticipant = participants.remove(member);
        if (wasParticipant) {
            memberByAudio.remove(member.audio());
        }
        removeFromLobby(member);
        boolean wasOrganizer = organizers.remove(member);
        if (wasParticipant) {
            updateMixer();
            if (tones.exit() != null && policy.entryExitTones()) {
                mixer.announce(tones.exit());
            }
        }
        if (over) {
            return;
        }
        if (wasOrganizer && organizers.isEmpty() && policy.endOnOrganizerLeave()) {
            endForEveryone(true);
            return;
        }
        leaveIfEmpty();
    }

    private void leaveIfEmpty() {
        if (!over && isEmpty()) {
            finish("last member left");
        }
    }

    /** Ends the meeting for everyone in it and in its lobby (an administrator's "end meeting"). */
    void end() {
        if (!over) {
            endForEveryone(false);
        }
    }

    private void endForEveryone(boolean organizerLeft) {
        List<MeetingMember> everyone = new ArrayList<>(lobby.keySet());
        everyone.addAll(participants);
        lobby.clear();
        participants.clear();
        memberByAudio.clear();
        organizers.clear();
        otherNodes = new ParticipantAudio[0];
        updateMixer();
        finish(organizerLeft ? "the organizer left" : "ended");
        for (MeetingMember m : everyone) {
            m.meetingEnded(organizerLeft);
        }
    }

    Status status() {
        return new Status(started && !over, lobby.size(), participants.size(), talkers);
    }

    /** The mixer's talkers changed (its tick, on this loop): a new snapshot, and the news. */
    private void talkersChanged() {
        int count = mixer.talkerCount();
        Talker[] now = new Talker[count];
        int known = 0;
        for (int i = 0; i < count; i++) {
            MeetingMember member = memberByAudio.get(mixer.talker(i));
            if (member != null) {
                now[known++] = new Talker(member.callerId());
            }
        }
        talkers = List.of(Arrays.copyOf(now, known));
        publish();
    }

    /** Tells the registry's listener when the state differs from what it last heard. */
    private void publish() {
        Status now = status();
        if (!now.equals(published)) {
            published = now;
            registry.activity(record.conferenceId(), now);
        }
    }

    private void start(Role role) {
        start(role, true);
    }

    private void start(Role role, boolean here) {
        start(role, here, null);
    }

    /**
     * @param here started on this node, not on another node of the cluster: the others are told
     * @param pin  when the organizer's PIN that starts it was typed and verified, or null
     */
    private void start(Role role, boolean here, LobbyAdmission.PinTiming pin) {
        started = true;
        clock.addMixer(mixer);
        publish();
        String by = !here ? "the organizer on another node" : role == Role.ORGANIZER ? "the organizer" : "its first caller";
        if (here) {
            registry.events().startedHere(record.conferenceId());
        }
        if (policy.admissionMode() == MeetingPolicy.AdmissionMode.AUTOMATIC) {
            // The bench reads this line ("admitting N from the lobby"): keep its wording.
            log.info("meeting {} started by {}; admitting {} from the lobby", record.conferenceId(), by, lobby.size());
            admitWaiting(pin);
        } else {
            log.info("meeting {} started by {}; {} wait in the lobby for the organizer to admit them",
                    record.conferenceId(), by, lobby.size());
        }
    }

    /** Everyone waiting comes in at once, in the order they arrived, up to the participant limit. */
    int admitWaiting() {
        return admitWaiting(null);
    }

    /**
     * Everyone waiting comes in at once, in the order they arrived, up to the participant limit, in one
     * pass (issue 11 §5): the membership and the mixer change once, then each media loop gets one task
     * that admits all of its callers, so a big lobby hears the meeting within about one tick of the
     * start, not after a task hop per caller. The meeting's own loop admits its callers inline, after
     * the other loops were given theirs, so that they work in parallel.
     *
     * @param pin when the organizer's PIN that started the meeting was typed and verified, or null
     */
    int admitWaiting(LobbyAdmission.PinTiming pin) {
        return admitWaiting(pin, null);
    }

    /**
     * As {@link #admitWaiting(LobbyAdmission.PinTiming)}, for those who arrived by {@code arrivedBy}
     * only (everyone when null): an admit this node missed lets in who was waiting then, not who came
     * after it.
     */
    int admitWaiting(LobbyAdmission.PinTiming pin, Instant arrivedBy) {
        long startedNs = System.nanoTime();
        List<MeetingMember> waiting;
        if (arrivedBy == null) {
            waiting = new ArrayList<>(lobby.keySet());
            lobby.clear();
        } else {
            waiting = new ArrayList<>();
            lobby.forEach((member, since) -> {
                if (!since.isAfter(arrivedBy)) {
                    waiting.add(member);
                }
            });
            waiting.forEach(lobby::remove);
            if (waiting.isEmpty()) {
                return 0;
            }
        }
        List<MeetingMember> admitted = new ArrayList<>(waiting.size());
        List<MeetingMember> refused = new ArrayList<>();
        for (MeetingMember member : waiting) {
            if (isFull()) {
                refused.add(member); // told after those let in, who arrived earlier
                continue;
            }
            if (memberByAudio.get(member.audio()) != member) { // not a participant yet (O(1), not a list search)
                participants.add(member);
                memberByAudio.put(member.audio(), member);
            }
            admitted.add(member);
        }
        if (admitted.isEmpty()) {
            refused.forEach(MeetingMember::meetingFull);
            publish();
            return 0;
        }
        updateMixer();
        if (tones.entry() != null && policy.entryExitTones() && participants.size() > 1) {
            mixer.announce(tones.entry());
        }
        LobbyAdmission timing = new LobbyAdmission(record.conferenceId(), pin, startedNs, admitted.size(),
                registry.metrics());
        IdentityHashMap<Executor, List<MeetingMember>> byLoop = new IdentityHashMap<>();
        for (MeetingMember member : admitted) {
            Executor memberLoop = member.loop();
            if (memberLoop == null) {
                timing.gone(); // a member with no loop of its own is told the old way, and not timed
                member.admitted();
            } else {
                byLoop.computeIfAbsent(memberLoop, l -> new ArrayList<>()).add(member);
            }
        }
        List<MeetingMember> here = byLoop.remove(loop);
        byLoop.forEach((memberLoop, members) -> {
            try {
                memberLoop.execute(() -> admitAll(members, timing));
            } catch (RejectedExecutionException shuttingDown) {
                members.forEach(m -> timing.gone());
            }
        });
        if (here != null) {
            admitAll(here, timing);
        }
        refused.forEach(MeetingMember::meetingFull);
        return admitted.size();
    }

    /** On the members' own loop: each hears it is admitted, in arrival order. */
    private static void admitAll(List<MeetingMember> members, LobbyAdmission timing) {
        for (int i = 0; i < members.size(); i++) {
            try {
                members.get(i).admittedOnLoop(timing);
            } catch (RuntimeException e) {
                log.error("admitting {} failed", members.get(i), e); // one broken call must not keep the rest out
            }
        }
    }

    private boolean isFull() {
        // Across a cluster the others' count may lag (README "Running several nodes": the limit's race).
        return policy.maxParticipants() > 0 && participants.size() + participantsElsewhere >= policy.maxParticipants();
    }

    private void addToLobby(MeetingMember member) {
        lobby.putIfAbsent(member, Instant.now());
        publish();
    }

    private void removeFromLobby(MeetingMember member) {
        if (lobby.remove(member) != null) {
            publish();
        }
    }

    private void addParticipant(MeetingMember member) {
        if (!participants.contains(member)) {
            participants.add(member);
            memberByAudio.put(member.audio(), member);
            updateMixer();
            if (tones.entry() != null && policy.entryExitTones() && participants.size() > 1) {
                mixer.announce(tones.entry());
            }
        }
    }

    private void updateMixer() {
        ParticipantAudio[] audio = new ParticipantAudio[participants.size() + otherNodes.length];
        for (int i = 0; i < participants.size(); i++) {
            audio[i] = participants.get(i).audio();
        }
        System.arraycopy(otherNodes, 0, audio, participants.size(), otherNodes.length);
        mixer.participants(audio);
        publish();
    }

    private void finish(String why) {
        over = true;
        talkers = List.of();
        publish();
        registry.forget(this);
        registry.events().over(record.conferenceId());
        if (started) {
            clock.removeMixer(mixer);
            log.info("meeting {} is over ({})", record.conferenceId(), why);
        }
    }
}
