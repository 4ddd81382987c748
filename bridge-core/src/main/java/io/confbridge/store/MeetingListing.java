package io.confbridge.store;

import java.time.Instant;

/** A meeting with what the administrator sees beside it: its organizer's e-mail and when it was created. */
public record MeetingListing(MeetingRecord meeting, String organizerEmail, Instant createdAt) {
}
