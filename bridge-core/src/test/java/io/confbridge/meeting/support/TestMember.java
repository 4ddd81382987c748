package io.confbridge.meeting.support;

import io.confbridge.codec.Codec;
import io.confbridge.meeting.Meeting;
import io.confbridge.meeting.MeetingMember;
import io.confbridge.mixer.ParticipantAudio;

import java.time.Duration;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;

import static org.awaitility.Awaitility.await;

/**
 * A meeting member without a call: it writes down what the meeting told it ("a admitted", "a full",
 * "a ended", "a organizer-left"), in order, into a log that several members may share. The meeting
 * calls it on its loop; the test reads it from its own thread.
 */
public final class TestMember implements MeetingMember {
    private static final Duration WAIT = Duration.ofSeconds(5);

    private final String name;
    private final Queue<String> log;
    private final ParticipantAudio audio = new ParticipantAudio(Codec.PCMU);
    private volatile Meeting meeting;
    private volatile Meeting.Entry entry;
    private volatile boolean ended;

    /** A member writing into a log shared with others, to check the order across members. */
    public TestMember(String name, Queue<String> log) {
        this.name = name;
        this.log = log;
    }

    public TestMember() {
        this("member", new ConcurrentLinkedQueue<>());
    }

    @Override
    public ParticipantAudio audio() {
        return audio;
    }

    @Override
    public void entered(Meeting meeting, Meeting.Entry entry) {
        this.meeting = meeting;
        this.entry = entry;
    }

    @Override
    public void admitted() {
        log.add(name + " admitted");
    }

    @Override
    public void meetingFull() {
        ended = true;
        log.add(name + " full");
    }

    @Override
    public void meetingEnded(boolean organizerLeft) {
        ended = true;
        log.add(name + (organizerLeft ? " organizer-left" : " ended"));
    }

    /** Where the meeting put this member, once it has answered. */
    public Meeting.Entry awaitEntry() {
        return await().atMost(WAIT).pollDelay(Duration.ZERO).pollInterval(Duration.ofMillis(5)).until(() -> entry, e -> e != null);
    }

    /** The meeting instance that took this member, once it has answered. */
    public Meeting awaitMeeting() {
        return await().atMost(WAIT).pollDelay(Duration.ZERO).pollInterval(Duration.ofMillis(5)).until(() -> meeting, m -> m != null);
    }

    /** Whether the meeting ended for this member or turned it away. */
    public boolean ended() {
        return ended;
    }

    /** What this member's log holds now. */
    public List<String> log() {
        return List.copyOf(log);
    }
}
