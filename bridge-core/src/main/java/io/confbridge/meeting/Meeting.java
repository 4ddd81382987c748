package io.confbridge.meeting;

import io.confbridge.call.CallEffect.Role;
import io.confbridge.media.MediaClock;
import io.confbridge.mixer.Mixer;
import io.confbridge.mixer.ParticipantAudio;
import io.confbridge.store.MeetingRecord;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.List;

/**
 * A live meeting: its lobby (callers waiting, in arrival order), its participants and its mixer.
 *
 * <p>Lifecycle: created when the first caller dials its conference ID → lobby fills → started by the
 * organizer's PIN (or by the first caller when it needs no PIN), which admits the whole lobby at once
 * in arrival order → over when the last participant leaves (or, never started, when the lobby empties).
 * An over meeting is gone from the registry; the next caller gets a fresh, not started one.
 *
 * <p>Membership changes are rare and come from many call loops, so they take this object's lock; the
 * mixer, which runs every 20 ms on the meeting's own loop, reads a copy-on-write array without it.
 */
public final class Meeting {
    private static final Logger log = LoggerFactory.getLogger(Meeting.class);

    /** What became of a member who asked to enter. */
    public enum Entry {
        /** Waiting in the lobby for the meeting to start. */
        LOBBY,
        /** A participant of the started meeting. */
        ADMITTED,
        /** This meeting is over; ask the registry for the current one. */
        OVER
    }

    /** A snapshot for the admin and for tests. */
    public record Status(boolean started, int lobbyCount, int participantCount) {
    }

    private final MeetingRecord record;
    private final MediaClock clock;
    private final MeetingRegistry registry;
    private final Mixer mixer = new Mixer();
    private final List<MeetingMember> lobby = new ArrayList<>();
    private final List<MeetingMember> participants = new ArrayList<>();
    private boolean started;
    private boolean over;

    Meeting(MeetingRecord record, MediaClock clock, MeetingRegistry registry) {
        this.record = record;
        this.clock = clock;
        this.registry = registry;
    }

    public MeetingRecord record() {
        return record;
    }

    synchronized Entry enter(MeetingMember member, Role role) {
        if (over) {
            return Entry.OVER;
        }
        if (started) {
            lobby.remove(member);
            addParticipant(member);
            return Entry.ADMITTED;
        }
        if (role == Role.ORGANIZER || !record.requirePinToStart()) {
            lobby.remove(member); // the organizer may have typed the PIN from the lobby
            start(role);
            addParticipant(member);
            return Entry.ADMITTED;
        }
        if (!lobby.contains(member)) {
            lobby.add(member);
        }
        return Entry.LOBBY;
    }

    /** The member leaves the lobby or the meeting; the meeting is over when nobody is left. */
    public synchronized void leave(MeetingMember member) {
        boolean wasParticipant = participants.remove(member);
        lobby.remove(member);
        if (wasParticipant) {
            updateMixer();
        }
        if (!over && participants.isEmpty() && lobby.isEmpty()) {
            finish("last member left");
        }
    }

    /** Ends the meeting for everyone in it and in its lobby (an administrator's "end meeting"). */
    public synchronized void end() {
        if (over) {
            return;
        }
        List<MeetingMember> everyone = new ArrayList<>(lobby);
        everyone.addAll(participants);
        lobby.clear();
        participants.clear();
        updateMixer();
        finish("ended");
        for (MeetingMember m : everyone) {
            m.meetingEnded();
        }
    }

    public synchronized Status status() {
        return new Status(started && !over, lobby.size(), participants.size());
    }

    private void start(Role role) {
        started = true;
        log.info("meeting {} started by {}; admitting {} from the lobby", record.conferenceId(),
                role == Role.ORGANIZER ? "the organizer" : "its first caller", lobby.size());
        clock.loop().execute(() -> clock.addMixer(mixer));
        // Everyone waiting comes in at once, in the order they arrived.
        for (MeetingMember waiting : lobby) {
            addParticipant(waiting);
            waiting.admitted();
        }
        lobby.clear();
    }

    private void addParticipant(MeetingMember member) {
        if (!participants.contains(member)) {
            participants.add(member);
            updateMixer();
        }
    }

    private void updateMixer() {
        ParticipantAudio[] audio = new ParticipantAudio[participants.size()];
        for (int i = 0; i < audio.length; i++) {
            audio[i] = participants.get(i).audio();
        }
        mixer.participants(audio);
    }

    private void finish(String why) {
        over = true;
        registry.forget(this);
        if (started) {
            clock.loop().execute(() -> clock.removeMixer(mixer));
            log.info("meeting {} is over ({})", record.conferenceId(), why);
        }
    }
}
