package io.confbridge.server.admin;

import io.confbridge.directory.AdminException;
import io.confbridge.directory.Administration;
import io.confbridge.directory.Administration.Actor;
import io.confbridge.directory.Administration.ActorRole;
import io.confbridge.directory.Administration.MeetingView;
import io.confbridge.meeting.Meeting;
import io.confbridge.meeting.MeetingRegistry;
import io.confbridge.store.AuditRecord;
import io.confbridge.store.DirectoryStore;
import io.confbridge.store.MeetingListing;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * What an organizer may do with their own meeting from the app (SPEC §3), and the one place that decides
 * who may: the administrator, or the user whose token it is when they organize the meeting. Anyone
 * else is refused, and a user asking about a conference ID that does not exist is refused the same way,
 * so that a user token cannot probe which IDs exist.
 *
 * <p>Blocking (database): call it from a worker. Starts and admissions are audited with their actor;
 * refusals too, because a user trying someone else's meeting is worth knowing about.
 */
public final class MeetingControl {
    private static final Logger log = LoggerFactory.getLogger(MeetingControl.class);

    /** A meeting as the organizer's app sees it: the admin view plus when each waiting caller arrived. */
    public record LiveView(MeetingView meeting, List<Instant> lobbyArrivals) {
    }

    private final Administration administration;
    private final DirectoryStore store;
    private final MeetingRegistry meetings;
    private final Clock clock;

    public MeetingControl(Administration administration, DirectoryStore store, MeetingRegistry meetings, Clock clock) {
        this.administration = administration;
        this.store = store;
        this.meetings = meetings;
        this.clock = clock;
    }

    /** The meeting, its state, and its lobby oldest first. */
    public LiveView show(Actor actor, String conferenceId) {
        MeetingListing listing = authorize(actor, conferenceId, "meeting.show");
        String id = listing.meeting().conferenceId();
        List<Instant> arrivals = answer(meetings.lobbyArrivals(id));
        return new LiveView(administration.getMeeting(id), arrivals);
    }

    /**
     * Starts the meeting as if the organizer had typed the PIN: the lobby comes in (unless the meeting
     * admits by hand). Starting a meeting that is already running changes nothing.
     */
    public MeetingView start(Actor actor, String conferenceId) {
        MeetingListing listing = authorize(actor, conferenceId, "meeting.start");
        String id = listing.meeting().conferenceId();
        Meeting.Status before = answer(meetings.status(id));
        Meeting.Status after = answer(meetings.start(listing.meeting()));
        String detail = before.started()
                ? "already running"
                : "started from the app; " + before.lobbyCount() + " were waiting in the lobby, "
                        + after.lobbyCount() + " still are";
        audit(actor, "meeting.start", id, detail);
        log.info("meeting {} started from the app by {} ({})", id, actor.name(), detail);
        return administration.getMeeting(id);
    }

    /**
     * Changes some of the meeting's settings (null fields keep theirs). Who may is decided here, as for
     * starting it, so a user token learns nothing about conference IDs that are not theirs.
     */
    public MeetingView update(Actor actor, String conferenceId, Administration.MeetingSettingsChange change) {
        MeetingListing listing = authorize(actor, conferenceId, "meeting.update");
        return administration.updateMeeting(actor, listing.meeting().conferenceId(), change);
    }

    /** Lets everyone waiting in the lobby in (admission mode "organizer"); returns how many came in. */
    public int admit(Actor actor, String conferenceId) {
        MeetingListing listing = authorize(actor, conferenceId, "meeting.admit");
        String id = listing.meeting().conferenceId();
        OptionalInt live = answer(meetings.admitLobby(id));
        if (live.isEmpty()) {
            throw AdminException.conflict("meeting " + id + " has not started; start it first");
        }
        int admitted = live.getAsInt();
        audit(actor, "meeting.admit", id, admitted + " admitted from the lobby");
        return admitted;
    }

    /** The meeting's loop answers at once; the bound only keeps a stuck loop from holding a worker. */
    private static <T> T answer(CompletableFuture<T> answer) {
        return answer.orTimeout(5, TimeUnit.SECONDS).join();
    }

    private MeetingListing authorize(Actor actor, String conferenceId, String action) {
        Optional<MeetingListing> listing = store.findMeetingListing(conferenceId.trim());
        if (actor.role() == ActorRole.ADMIN || actor.role() == ActorRole.SYSTEM) {
            return listing.orElseThrow(() -> AdminException.notFound("no meeting " + conferenceId));
        }
        if (listing.isPresent() && listing.get().organizerEmail().equalsIgnoreCase(actor.name())) {
            return listing.get();
        }
        // The target is what the user asked for; it may not exist, and says nothing the user did not send.
        audit(actor, action + ".denied", conferenceId, "not the organizer of this meeting");
        throw AdminException.forbidden("only the meeting's organizer or an administrator may do this");
    }

    private void audit(Actor actor, String action, String target, String detail) {
        store.appendAudit(AuditRecord.of(clock.instant(), actor.name(), actor.role().name(), actor.clientAddress(),
                action, target, detail));
    }
}
