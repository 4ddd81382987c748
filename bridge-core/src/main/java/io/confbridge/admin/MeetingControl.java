package io.confbridge.admin;

import io.confbridge.admin.Administration.Actor;
import io.confbridge.admin.Administration.MeetingSettingsChange;
import io.confbridge.admin.Administration.MeetingView;
import io.confbridge.meeting.LobbyWaiter;
import io.confbridge.meeting.Meeting;
import io.confbridge.store.DirectoryStore;
import io.confbridge.store.MeetingListing;
import io.confbridge.store.MeetingPolicy;
import io.confbridge.store.MeetingPolicyOverrides;
import io.confbridge.store.MeetingRecord;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalInt;

/**
 * What may be done with an existing meeting: show, start, admit its lobby, change its settings, end it
 * (SPEC §3 and §4). The administrator may do all of it to any meeting, the organizer to their own, from
 * the app with their own token; {@link MeetingAccess} decides, the same way for every one of these.
 *
 * <p>Blocking (database): call it from a worker. Every change is audited with its actor; refusals too,
 * because a user trying someone else's meeting is worth knowing about.
 */
public final class MeetingControl {
    private static final Logger log = LoggerFactory.getLogger(MeetingControl.class);

    /** A meeting as the organizer's app sees it: the admin view plus when each waiting caller arrived. */
    public record LiveView(MeetingView meeting, List<Instant> lobbyArrivals, List<LobbyWaiter> lobby) {

        /** A view without the lobby's caller IDs. */
        public LiveView(MeetingView meeting, List<Instant> lobbyArrivals) {
            this(meeting, lobbyArrivals, List.of());
        }
    }

    private final DirectoryStore store;
    private final MeetingAccess access;
    private final LiveMeetings live;
    private final PolicyInput policyInput;
    private final AuditTrail audit;

    MeetingControl(DirectoryStore store, MeetingAccess access, LiveMeetings live, PolicyInput policyInput,
                   AuditTrail audit) {
        this.store = store;
        this.access = access;
        this.live = live;
        this.policyInput = policyInput;
        this.audit = audit;
    }

    /** The meeting, its state, and its lobby oldest first. */
    public LiveView show(Actor actor, String conferenceId) {
        MeetingListing listing = access.meeting(actor, conferenceId, "meeting.show");
        String id = listing.meeting().conferenceId();
        List<LobbyWaiter> lobby = live.lobbyWaiters(id);
        return new LiveView(live.view(listing), lobby.stream().map(LobbyWaiter::since).toList(), lobby);
    }

    /**
     * Starts the meeting as if the organizer had typed the PIN: the lobby comes in (unless the meeting
     * admits by hand). Starting a meeting that is already running changes nothing.
     */
    public MeetingView start(Actor actor, String conferenceId) {
        MeetingListing listing = access.meeting(actor, conferenceId, "meeting.start");
        String id = listing.meeting().conferenceId();
        Meeting.Status before = live.status(id);
        Meeting.Status after = live.start(listing.meeting());
        String detail = before.started()
                ? "already running"
                : "started from the app; " + before.lobbyCount() + " were waiting in the lobby, "
                        + after.lobbyCount() + " still are";
        audit.record(actor, "meeting.start", id, detail);
        log.info("meeting {} started from the app by {} ({})", id, actor.name(), detail);
        return live.view(listing);
    }

    /**
     * Lets everyone waiting in the lobby in (admission mode "organizer"), on every node of a cluster;
     * returns how many came in on this node (the other nodes admit theirs when they hear of it).
     */
    public int admit(Actor actor, String conferenceId) {
        MeetingListing listing = access.meeting(actor, conferenceId, "meeting.admit");
        String id = listing.meeting().conferenceId();
        OptionalInt admitted = live.admitLobby(id);
        if (admitted.isEmpty()) {
            throw AdminException.conflict("meeting " + id + " has not started; start it first");
        }
        audit.record(actor, "meeting.admit", id, admitted.getAsInt() + " admitted from the lobby");
        return admitted.getAsInt();
    }

    /**
     * Changes some of the meeting's settings (null fields keep theirs). The live meeting, on this node and
     * on every other node of a cluster, uses the new policy from now on; participants already in stay.
     */
    public MeetingView update(Actor actor, String conferenceId, MeetingSettingsChange change) {
        MeetingListing before = access.meeting(actor, conferenceId, "meeting.update");
        if (change == null) {
            throw AdminException.badInput("settings", "no settings given");
        }
        MeetingPolicyOverrides policy = policyInput.overrides(change.endOnOrganizerLeave(),
                change.lobbyTimeoutMinutes(), change.maxParticipants(), change.entryExitTones(), change.admissionMode());
        if (change.requirePinToStart() == null && policy.isEmpty()) {
            return live.view(before);
        }
        String id = before.meeting().conferenceId();
        MeetingRecord after = store.updateMeeting(id, change.requirePinToStart(), policy)
                .orElseThrow(() -> AdminException.notFound("no meeting " + id));
        audit.record(actor, "meeting.update", id, meetingDiff(before.meeting(), after));
        live.settingsChanged(after);
        return live.view(new MeetingListing(after, before.organizerEmail(), before.createdAt()));
    }

    /**
     * Ends the meeting for everyone in it and in its lobby, on every node of a cluster; a meeting nobody
     * is in stays as it is.
     */
    public MeetingView end(Actor actor, String conferenceId) {
        MeetingListing listing = access.meeting(actor, conferenceId, "meeting.end");
        String id = listing.meeting().conferenceId();
        boolean wasLive = live.end(id);
        audit.record(actor, "meeting.end", id, wasLive ? "ended for everyone in it" : "was not live");
        return live.view(listing);
    }

    private static String meetingDiff(MeetingRecord a, MeetingRecord b) {
        List<String> changes = new ArrayList<>();
        AuditTrail.diff(changes, "requirePinToStart", a.requirePinToStart(), b.requirePinToStart());
        MeetingPolicy p = a.policy();
        MeetingPolicy q = b.policy();
        AuditTrail.diff(changes, "endOnOrganizerLeave", p.endOnOrganizerLeave(), q.endOnOrganizerLeave());
        AuditTrail.diff(changes, "lobbyTimeoutMinutes", p.lobbyTimeoutMinutes(), q.lobbyTimeoutMinutes());
        AuditTrail.diff(changes, "maxParticipants", p.maxParticipants(), q.maxParticipants());
        AuditTrail.diff(changes, "entryExitTones", p.entryExitTones(), q.entryExitTones());
        AuditTrail.diff(changes, "admissionMode", PolicyInput.admissionModeName(p.admissionMode()),
                PolicyInput.admissionModeName(q.admissionMode()));
        // Setting a value equal to the tenant default changes nothing now, but pins it for this meeting.
        return changes.isEmpty() ? "values set for this meeting, equal to what applied before" : String.join("; ", changes);
    }
}
