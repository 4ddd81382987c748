package io.confbridge.call;

import io.confbridge.call.CallEvent.Admitted;
import io.confbridge.call.CallEvent.EnteredLobby;
import io.confbridge.call.CallEvent.MeetingEnded;
import io.confbridge.call.CallEvent.MeetingFull;
import io.confbridge.meeting.LobbyAdmission;
import io.confbridge.meeting.Meeting;
import io.confbridge.meeting.MeetingMember;
import io.confbridge.meeting.MeetingRegistry;
import io.confbridge.meeting.Role;
import io.confbridge.mixer.ParticipantAudio;
import io.confbridge.store.MeetingRecord;
import io.netty.channel.EventLoop;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A call's place in a meeting: which meeting instance it is in (to leave it), its audio as the
 * mixer sees it, and the meeting's news turned into call events.
 *
 * <p>The meeting runs on its own loop and calls the {@link MeetingMember} methods there; each only
 * posts to the call's loop. Everything else runs on the call's loop.
 */
final class MeetingSeat implements MeetingMember {
    private static final Logger log = LoggerFactory.getLogger(MeetingSeat.class);

    private final Call call;
    private final EventLoop loop;
    private final MeetingRegistry meetings;
    private final ParticipantAudio audio;

    /** The meeting this call is in (lobby or participants), or null; the call's loop only. */
    private Meeting meeting;
    /** Asked to enter, the meeting's answer not in yet. */
    private boolean entering;
    /** The call left while its entry was on the way: leave as soon as the meeting answers. */
    private boolean leaveWhenEntered;

    MeetingSeat(Call call, EventLoop loop, MeetingRegistry meetings, ParticipantAudio audio) {
        this.call = call;
        this.loop = loop;
        this.meetings = meetings;
        this.audio = audio;
    }

    // ---- on the call's loop ----

    /** @param pin when the organizer's PIN was typed and verified (times the lobby's admission), or null */
    void enter(MeetingRecord record, Role role, LobbyAdmission.PinTiming pin) {
        entering = true;
        leaveWhenEntered = false;
        meetings.enter(record, this, role, pin);
    }

    void leave() {
        if (meeting != null) {
            meeting.leave(this);
            meeting = null;
        } else if (entering) {
            leaveWhenEntered = true;
        }
    }

    /** The organizer's {@code *21}: the meeting lets its lobby in. */
    void admitLobby(String callId) {
        if (meeting != null) {
            meeting.admitLobby().thenAccept(admitted ->
                    log.info("call {}: organizer admitted {} from the lobby", callId, admitted));
        }
    }

    // ---- MeetingMember: on the meeting's loop, posted to the call's ----

    @Override
    public ParticipantAudio audio() {
        return audio;
    }

    @Override
    public String callerId() {
        return call.callerId();
    }

    @Override
    public void entered(Meeting where, Meeting.Entry entry) {
        loop.execute(() -> {
            entering = false;
            if (entry == Meeting.Entry.FULL) {
                call.fire(new MeetingFull());
                return;
            }
            if (leaveWhenEntered) {
                leaveWhenEntered = false;
                where.leave(this);
                return;
            }
            meeting = where;
            call.fire(switch (entry) {
                case LOBBY -> new EnteredLobby(false);
                case HELD_FOR_ADMISSION -> new EnteredLobby(true);
                case ADMITTED -> new Admitted();
                case FULL, OVER -> throw new IllegalStateException("entry " + entry + " for " + call);
            });
        });
    }

    @Override
    public void admitted() {
        call.post(new Admitted());
    }

    @Override
    public java.util.concurrent.Executor loop() {
        return loop;
    }

    @Override
    public void admittedOnLoop(LobbyAdmission timing) {
        call.admittedNow(timing);
    }

    @Override
    public void meetingFull() {
        loop.execute(() -> {
            meeting = null; // the meeting already dropped us
            call.fire(new MeetingFull());
        });
    }

    @Override
    public void meetingEnded(boolean organizerLeft) {
        loop.execute(() -> {
            meeting = null; // the meeting already dropped us
            call.fire(new MeetingEnded(organizerLeft));
        });
    }
}
