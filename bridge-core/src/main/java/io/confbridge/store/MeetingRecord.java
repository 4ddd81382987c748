package io.confbridge.store;

/** A meeting as stored: dialled by {@code conferenceId}, owned by one organizer. */
public record MeetingRecord(long id, String conferenceId, long organizerId, boolean requirePinToStart) {
}
