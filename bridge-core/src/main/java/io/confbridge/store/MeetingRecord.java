package io.confbridge.store;

/** A meeting as stored: dialled by {@code conferenceId}, owned by one organizer, with its policy. */
public record MeetingRecord(long id, String conferenceId, long organizerId, boolean requirePinToStart,
                           MeetingPolicy policy) {

    /** A meeting with the default policy. */
    public MeetingRecord(long id, String conferenceId, long organizerId, boolean requirePinToStart) {
        this(id, conferenceId, organizerId, requirePinToStart, MeetingPolicy.DEFAULT);
    }
}
