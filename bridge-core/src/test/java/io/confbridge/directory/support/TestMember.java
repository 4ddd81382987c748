package io.confbridge.directory.support;

import io.confbridge.codec.Codec;
import io.confbridge.meeting.MeetingMember;
import io.confbridge.mixer.ParticipantAudio;

import java.util.concurrent.atomic.AtomicBoolean;

/** A meeting member without a call: enough for the meeting's lobby and participant lists. */
public final class TestMember implements MeetingMember {
    private final ParticipantAudio audio = new ParticipantAudio(Codec.PCMU);
    private final AtomicBoolean ended = new AtomicBoolean();

    @Override
    public ParticipantAudio audio() {
        return audio;
    }

    @Override
    public void admitted() {
    }

    @Override
    public void meetingFull() {
        ended.set(true);
    }

    @Override
    public void meetingEnded(boolean organizerLeft) {
        ended.set(true);
    }

    public boolean ended() {
        return ended.get();
    }
}
