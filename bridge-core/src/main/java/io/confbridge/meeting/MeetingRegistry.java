package io.confbridge.meeting;

import io.confbridge.media.MediaEngine;
import io.confbridge.store.MeetingRecord;

import java.util.Collection;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;

/** The live meetings of this node, by conference ID. Thread-safe: calls on every media loop use it. */
public final class MeetingRegistry {
    private final ConcurrentHashMap<String, Meeting> live = new ConcurrentHashMap<>();
    private final MediaEngine engine;
    private final Meeting.Tones tones;

    public MeetingRegistry(MediaEngine engine) {
        this(engine, Meeting.Tones.NONE);
    }

    public MeetingRegistry(MediaEngine engine, Meeting.Tones tones) {
        this.engine = engine;
        this.tones = tones;
    }

    /** Where a member ended up, and in which meeting instance (to leave it later). */
    public record Placement(Meeting meeting, Meeting.Entry entry) {
    }

    /** Puts the member into the meeting's lobby or among its participants, creating the live meeting if needed. */
    public Placement enter(MeetingRecord record, MeetingMember member, Role role) {
        while (true) {
            Meeting meeting = live.computeIfAbsent(record.conferenceId(),
                    id -> new Meeting(record, engine.nextClock(), this, tones));
            Meeting.Entry entry = meeting.enter(member, role);
            if (entry != Meeting.Entry.OVER) {
                return new Placement(meeting, entry);
            }
            live.remove(record.conferenceId(), meeting); // raced with its end: take a fresh one
        }
    }

    /**
     * Starts the meeting from the app, admitting its lobby (creating the live meeting if nobody has
     * dialled in yet, so callers who come later join at once). It ends like any other: when the last
     * participant leaves, or when an administrator ends it.
     */
    public Meeting start(MeetingRecord record) {
        while (true) {
            Meeting meeting = live.computeIfAbsent(record.conferenceId(),
                    id -> new Meeting(record, engine.nextClock(), this, tones));
            if (meeting.startFromApp()) {
                return meeting;
            }
            live.remove(record.conferenceId(), meeting);
        }
    }

    /** The live state of a meeting; one nobody is in reads as not started and empty. */
    public Meeting.Status status(String conferenceId) {
        Meeting meeting = live.get(conferenceId);
        return meeting == null ? new Meeting.Status(false, 0, 0) : meeting.status();
    }

    /** Ends a live meeting for everyone in it and its lobby; false when nobody was in it. */
    public boolean end(String conferenceId) {
        Meeting meeting = live.get(conferenceId);
        if (meeting == null) {
            return false;
        }
        meeting.end();
        return true;
    }

    /** The live meeting of this conference ID, if anyone is in it or its lobby. */
    public java.util.Optional<Meeting> live(String conferenceId) {
        return java.util.Optional.ofNullable(live.get(conferenceId));
    }

    public Collection<Meeting> liveMeetings() {
        return List.copyOf(live.values());
    }

    void forget(Meeting meeting) {
        live.remove(meeting.record().conferenceId(), meeting);
    }
}
