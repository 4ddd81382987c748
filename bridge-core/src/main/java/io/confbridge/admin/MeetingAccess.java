package io.confbridge.admin;

import io.confbridge.admin.Administration.Actor;
import io.confbridge.admin.Administration.ActorRole;
import io.confbridge.meeting.ConferenceId;
import io.confbridge.store.DirectoryStore;
import io.confbridge.store.MeetingListing;

import java.util.Objects;
import java.util.Optional;

/**
 * Who may act on a meeting: an administrator (or the bridge itself), or the user who organizes it. The one
 * decision behind every call that shows, starts, admits, changes, ends or creates a meeting.
 *
 * <p>A user's token is refused a conference ID that does not exist exactly as it is refused someone else's
 * meeting (same exception, same message, same audit line), so it cannot probe which IDs exist. An
 * administrator learns that an ID is unknown. A malformed ID is bad input for everyone: its form says
 * nothing about any meeting.
 */
final class MeetingAccess {

    static final String REFUSAL = "only the meeting's organizer or an administrator may do this";

    private final DirectoryStore store;
    private final AuditTrail audit;

    MeetingAccess(DirectoryStore store, AuditTrail audit) {
        this.store = store;
        this.audit = audit;
    }

    /**
     * The meeting, if the actor may act on it.
     *
     * @param action the audit action of what the actor tries, e.g. {@code meeting.start}; a refusal is
     *               audited as {@code <action>.denied}
     * @throws AdminException BAD_INPUT (field {@code conferenceId}) for an ID that is not 4–12 digits,
     *                        NOT_FOUND for an unknown ID asked by an administrator, FORBIDDEN for a user's
     *                        token on an unknown ID or on a meeting they do not organize
     */
    MeetingListing meeting(Actor actor, String conferenceId, String action) {
        Objects.requireNonNull(actor, "actor");
        String id = conferenceId == null ? "" : conferenceId.trim();
        if (!ConferenceId.isWellFormed(id)) {
            throw AdminException.badInput("conferenceId", "a conference ID is 4–12 digits");
        }
        Optional<MeetingListing> listing = store.findMeetingListing(id);
        if (actor.role() != ActorRole.USER) {
            return listing.orElseThrow(() -> AdminException.notFound("no meeting " + id));
        }
        if (listing.isPresent() && isSelf(actor, listing.get().organizerEmail())) {
            return listing.get();
        }
        throw refuse(actor, action, id, "not the organizer of this meeting");
    }

    /**
     * Returns normally if the actor may act on meetings of this organizer (create one for them): an
     * administrator for anyone, a user only for themself. Decided before the organizer is looked up, so a
     * user's token cannot probe which e-mail addresses are enabled.
     */
    void organizer(Actor actor, String organizerEmail, String action) {
        Objects.requireNonNull(actor, "actor");
        if (actor.role() == ActorRole.USER && !isSelf(actor, organizerEmail)) {
            throw refuse(actor, action, organizerEmail == null ? "" : organizerEmail.trim(), "not this organizer");
        }
    }

    private AdminException refuse(Actor actor, String action, String target, String why) {
        // The target is what the user sent; it may not exist, and says nothing the user did not know.
        audit.record(actor, action + ".denied", target, why);
        return AdminException.forbidden(REFUSAL);
    }

    private static boolean isSelf(Actor actor, String email) {
        return actor.name() != null && email != null && actor.name().trim().equalsIgnoreCase(email.trim());
    }
}
