package io.confbridge.server.admin;

import io.confbridge.meeting.Meeting;
import io.confbridge.store.MeetingPresenceTable;
import io.confbridge.meeting.Talker;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpResponse;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * One meeting event stream on an {@link EmbeddedChannel} whose loop is also the admin loop, time moved by
 * hand: what a watcher receives when talkers change in bursts, and the keepalive.
 */
class MeetingEventsTest {
    private static final String ID = "4711001";

    private EmbeddedChannel channel;
    private MeetingEvents events;

    @BeforeEach
    void openStream() {
        channel = new EmbeddedChannel();
        channel.freezeTime();
        events = new MeetingEvents(channel.eventLoop());
        events.open(channel, new AdminApi.EventsGrant(null, "user:amos@contoso.com", ID,
                "{\"conferenceId\":\"4711001\"}".getBytes(StandardCharsets.UTF_8)));
        channel.runPendingTasks();
        HttpResponse head = channel.readOutbound();
        assertEquals(200, head.status().code());
        assertEquals("text/event-stream; charset=utf-8", head.headers().get("content-type"));
        assertEquals("event: meeting\ndata: {\"conferenceId\":\"4711001\"}\n\n", readEvent());
        assertEquals(1, events.openStreams());
    }

    @AfterEach
    void closeStream() {
        channel.finishAndReleaseAll();
    }

    @Test
    void aBurstOfTalkerChangesIsOneEventNowAndTheLatestAtTheIntervalsEnd() {
        events.changed(ID, status("alice"));
        channel.runPendingTasks();
        assertEquals(List.of("event: talkers\ndata: {\"conferenceId\":\"4711001\",\"talkers\":[{\"callerId\":\"alice\"}]}\n\n",
                "event: meeting\ndata: {\"conferenceId\":\"4711001\",\"state\":\"active\",\"lobbyCount\":0,\"participantCount\":2}\n\n"),
                readEvents());

        // Talkers flip every tick for a while: nothing goes out until the interval is over.
        events.changed(ID, status("bob"));
        channel.runPendingTasks();
        events.changed(ID, status());
        events.changed(ID, status("bob", "alice"));
        channel.advanceTimeBy(MeetingEvents.MIN_INTERVAL_MS - 1, TimeUnit.MILLISECONDS);
        channel.runPendingTasks();
        assertNull(channel.readOutbound(), "an event before the interval is over");

        channel.advanceTimeBy(1, TimeUnit.MILLISECONDS);
        channel.runPendingTasks();
        assertEquals(List.of("event: talkers\ndata: {\"conferenceId\":\"4711001\",\"talkers\":"
                + "[{\"callerId\":\"bob\"},{\"callerId\":\"alice\"}]}\n\n"), readEvents(),
                "only the latest talkers, and no meeting event since the counts did not change");
    }

    @Test
    void aChangeAfterAQuietIntervalGoesOutAtOnce() {
        events.changed(ID, status("alice"));
        channel.runPendingTasks();
        assertEquals(2, readEvents().size());
        channel.advanceTimeBy(MeetingEvents.MIN_INTERVAL_MS, TimeUnit.MILLISECONDS);
        channel.runPendingTasks();
        assertNull(channel.readOutbound(), "nothing changed during the interval, nothing to send at its end");

        events.changed(ID, status());
        channel.runPendingTasks();
        assertEquals(List.of("event: talkers\ndata: {\"conferenceId\":\"4711001\",\"talkers\":[]}\n\n"), readEvents());
    }

    @Test
    void anUnchangedTalkerSetSendsNothing() {
        events.changed(ID, status("alice"));
        channel.runPendingTasks();
        readEvents();
        channel.advanceTimeBy(MeetingEvents.MIN_INTERVAL_MS, TimeUnit.MILLISECONDS);
        channel.runPendingTasks();

        events.changed(ID, status("alice"));
        channel.runPendingTasks();
        assertNull(channel.readOutbound());
    }

    @Test
    void aQuietStreamGetsAKeepaliveCommentAndAClosedOneLeaves() {
        channel.advanceTimeBy(MeetingEvents.KEEPALIVE_SECONDS, TimeUnit.SECONDS);
        channel.runPendingTasks();
        assertEquals(": keepalive\n\n", readEvent());

        channel.close();
        channel.runPendingTasks();
        assertEquals(0, events.openStreams());
        events.changed(ID, status("alice"));
        assertFalse(channel.hasPendingTasks(), "a meeting nobody watches posts nothing");
    }

    @Test
    void anotherMeetingsChangesDoNotReachTheStream() {
        events.changed("4711002", status("carol"));
        channel.runPendingTasks();
        assertNull(channel.readOutbound());
        assertTrue(channel.isActive());
    }

    @Test
    void inAClusterTheCountsAreTheWholeMeetingsAndAnotherNodesChangeIsSent() {
        // The other node's counts as the table holds them; this node's come from the status given.
        int[] lobbyOnNode2 = {3};
        events.cluster((conferenceId, here) -> List.of(new MeetingPresenceTable.NodeCount("node-2", lobbyOnNode2[0], 1),
                new MeetingPresenceTable.NodeCount("node-3", here.lobbyCount(), here.participantCount())));
        events.changed(ID, new Meeting.Status(false, 1, 0));
        channel.runPendingTasks();
        assertEquals(List.of("event: talkers\ndata: {\"conferenceId\":\"4711001\",\"talkers\":[]}\n\n",
                "event: meeting\ndata: {\"conferenceId\":\"4711001\",\"state\":\"active\","
                + "\"lobbyCount\":4,\"participantCount\":1}\n\n"), readEvents(),
                "node 2's caller is in the meeting, so it is active, with both lobbies");

        lobbyOnNode2[0] = 0;
        events.changedElsewhere(ID);
        channel.advanceTimeBy(MeetingEvents.MIN_INTERVAL_MS, TimeUnit.MILLISECONDS);
        channel.runPendingTasks(); // the rest ends, the change is taken, the counts are read
        channel.runPendingTasks(); // and sent on the loop
        assertEquals(List.of("event: meeting\ndata: {\"conferenceId\":\"4711001\",\"state\":\"active\","
                + "\"lobbyCount\":1,\"participantCount\":1}\n\n"), readEvents(),
                "node 2's lobby emptied: this node's own lobby of one is kept");

        events.changedElsewhere("4711002");
        channel.advanceTimeBy(MeetingEvents.MIN_INTERVAL_MS, TimeUnit.MILLISECONDS);
        channel.runPendingTasks();
        assertNull(channel.readOutbound(), "nobody watches that meeting here");
    }

    private static Meeting.Status status(String... talkers) {
        List<Talker> list = new ArrayList<>();
        for (String t : talkers) {
            list.add(new Talker(t));
        }
        return new Meeting.Status(true, 0, 2, list);
    }

    private List<String> readEvents() {
        List<String> all = new ArrayList<>();
        for (String e = readEvent(); e != null; e = readEvent()) {
            all.add(e);
        }
        return all;
    }

    private String readEvent() {
        HttpContent content = channel.readOutbound();
        if (content == null) {
            return null;
        }
        try {
            return content.content().toString(StandardCharsets.UTF_8);
        } finally {
            content.release();
        }
    }
}
