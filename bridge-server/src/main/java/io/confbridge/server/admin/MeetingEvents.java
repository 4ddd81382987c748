package io.confbridge.server.admin;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.confbridge.admin.LiveMeetings;
import io.confbridge.meeting.Meeting;
import io.confbridge.meeting.MeetingActivity;
import io.confbridge.store.MeetingPresenceTable;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.EventLoop;
import io.netty.handler.codec.http.DefaultHttpContent;
import io.netty.handler.codec.http.DefaultHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.util.concurrent.ScheduledFuture;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;

/**
 * The live meetings' event streams ({@code GET /api/meetings/{id}/events}, server-sent events): who is
 * speaking ({@code talkers} events) and the meeting's state and counts ({@code meeting} events), pushed
 * to the organizer's page as they change.
 *
 * <p>Threads: a meeting's loop tells {@link #changed} only when something changed; that call only
 * looks up whether anyone watches the meeting and posts the snapshot to the admin HTTP loop, where the
 * JSON is made once and written to every watcher. Every other state here is touched on that loop only.
 *
 * <p>A meeting sends at most one round of events per {@link #MIN_INTERVAL_MS} ms: after a send, changes
 * wait out that interval and only the latest state goes out at its end, so talkers that flip every
 * 20 ms tick (two people taking turns, a noisy line at the edge of the noise floor) cost the page one
 * redraw per interval, not fifty a second.
 *
 * <p>Limits, so that streams cannot exhaust the bridge: {@link #MAX_STREAMS_PER_WATCHER} open streams
 * per token holder (the administrator counts as one), {@link #MAX_STREAMS} in all (429 beyond); a
 * watcher that does not read (its socket buffer full) is cut off rather than buffered for; a comment
 * line every {@link #KEEPALIVE_SECONDS} s finds peers that vanished. A closed connection leaves at once.
 */
final class MeetingEvents implements MeetingActivity {
    private static final Logger log = LoggerFactory.getLogger(MeetingEvents.class);

    static final int MAX_STREAMS_PER_WATCHER = 8;
    static final int MAX_STREAMS = 256;
    static final long KEEPALIVE_SECONDS = 15;
    /** The shortest time between two rounds of events of one meeting. */
    static final long MIN_INTERVAL_MS = 200;
    private static final byte[] KEEPALIVE = ": keepalive\n\n".getBytes(StandardCharsets.US_ASCII);

    private static final Meeting.Status NOBODY_HERE = new Meeting.Status(false, 0, 0);

    private final EventLoop loop;
    /** Reads the other nodes' counts (the database), never on {@link #loop}. */
    private final Executor workers;
    /** The meeting's lobby and participants on every node; {@code NONE} on a single node. */
    private volatile LiveMeetings.ClusterCounts cluster = LiveMeetings.ClusterCounts.NONE;
    /** Loop only: each watched meeting's last state on this node, to add other nodes' changes to. */
    private final Map<String, Meeting.Status> lastHere = new HashMap<>();
    /** Loop only: reads of the other nodes dispatched, and the newest one sent, per meeting (no older after newer). */
    private final Map<String, Long> dispatched = new HashMap<>();
    private final Map<String, Long> delivered = new HashMap<>();
    /** Who watches which meeting; read from meetings' loops (is anyone watching?), changed on {@link #loop}. */
    private final Map<String, List<Stream>> byMeeting = new ConcurrentHashMap<>();
    /** Changes not yet sent, the latest per meeting: written by meetings' loops, taken on {@link #loop}. */
    private final Map<String, Meeting.Status> pending = new ConcurrentHashMap<>();
    /** Loop only: open streams per watcher. */
    private final Map<String, Integer> byWatcher = new HashMap<>();
    /** Loop only: the last state sent for each watched meeting, to tell what changed. */
    private final Map<String, Meeting.Status> lastSent = new HashMap<>();
    /** Loop only: meetings that sent less than {@link #MIN_INTERVAL_MS} ago; their changes wait in {@link #pending}. */
    private final Set<String> resting = new HashSet<>();
    private int open;

    private record Stream(Channel channel, String watcher, String conferenceId, ScheduledFuture<?> keepalive) {
    }

    MeetingEvents(EventLoop loop) {
        this(loop, Runnable::run);
    }

    /** @param workers where the other nodes' counts are read in cluster mode (it may wait on the database) */
    MeetingEvents(EventLoop loop, Executor workers) {
        this.loop = loop;
        this.workers = workers;
    }

    /**
     * Cluster mode: the counts in {@code meeting} events are the whole meeting's, every node's lobby and
     * participants, as {@code GET /api/meetings/{id}} shows them (and as the stream's first event does).
     */
    void cluster(LiveMeetings.ClusterCounts counts) {
        cluster = counts;
    }

    /**
     * Any thread: another node's lobby or participants of the meeting changed (its {@code counts}
     * notification). Watchers get the new totals, paced as local changes are.
     */
    void changedElsewhere(String conferenceId) {
        if (byMeeting.containsKey(conferenceId)) {
            loop.execute(() -> {
                if (pending.putIfAbsent(conferenceId, lastHere.getOrDefault(conferenceId, NOBODY_HERE)) == null) {
                    sendPending(conferenceId);
                }
            });
        }
    }

    /**
     * Meeting's loop: a change. Nothing is made unless somebody watches this meeting, and a burst of
     * changes (a lobby of hundreds admitted at once) is one task: the admin loop sends the latest state.
     */
    @Override
    public void changed(String conferenceId, Meeting.Status status) {
        if (byMeeting.containsKey(conferenceId) && pending.put(conferenceId, status) == null) {
            loop.execute(() -> sendPending(conferenceId));
        }
    }

    /** Loop: sends the meeting's latest change now, unless it sent one lately (then its rest's end will). */
    private void sendPending(String conferenceId) {
        if (resting.contains(conferenceId)) {
            return;
        }
        Meeting.Status latest = pending.remove(conferenceId);
        if (latest != null) {
            lastHere.put(conferenceId, latest);
            LiveMeetings.ClusterCounts counts = cluster;
            if (counts == LiveMeetings.ClusterCounts.NONE) {
                fanOut(conferenceId, latest);
            } else {
                withOtherNodes(counts, conferenceId, latest);
            }
            resting.add(conferenceId);
            loop.schedule(() -> restOver(conferenceId), MIN_INTERVAL_MS, TimeUnit.MILLISECONDS);
        }
    }

    /** Loop: the interval after a send is over; what changed meanwhile goes out now (and rests again). */
    private void restOver(String conferenceId) {
        resting.remove(conferenceId);
        sendPending(conferenceId);
    }

    /**
     * Loop: adds the other nodes' counts (read on a worker) to this node's state, then sends. If they
     * cannot be read, this node's state goes out alone rather than nothing.
     */
    private void withOtherNodes(LiveMeetings.ClusterCounts counts, String conferenceId, Meeting.Status here) {
        long n = dispatched.merge(conferenceId, 1L, Long::sum);
        try {
            workers.execute(() -> {
                Meeting.Status whole = here;
                try {
                    whole = wholeMeeting(counts.byNode(conferenceId, here), here);
                } catch (RuntimeException e) {
                    log.debug("meeting event for {}: the other nodes' counts not read: {}", conferenceId, e.toString());
                }
                Meeting.Status send = whole;
                loop.execute(() -> {
                    if (n > delivered.getOrDefault(conferenceId, 0L)) {
                        delivered.put(conferenceId, n);
                        fanOut(conferenceId, send);
                    }
                });
            });
        } catch (RejectedExecutionException e) {
            fanOut(conferenceId, here); // the workers are saturated: this node's state now beats nothing
        }
    }

    /** The meeting on every node, as the API's view counts it: started when started here or in progress anywhere. */
    static Meeting.Status wholeMeeting(List<MeetingPresenceTable.NodeCount> nodes, Meeting.Status here) {
        if (nodes.isEmpty()) {
            return here;
        }
        int lobby = 0;
        int participants = 0;
        for (MeetingPresenceTable.NodeCount node : nodes) {
            lobby += node.lobbyCount();
            participants += node.participantCount();
        }
        return new Meeting.Status(here.started() || participants > 0, lobby, participants, here.talkers());
    }

    /** Any thread: starts the stream for an authorized watcher, or answers 429 when over a limit. */
    void open(Channel channel, AdminApi.EventsGrant grant) {
        loop.execute(() -> openOnLoop(channel, grant));
    }

    private void openOnLoop(Channel channel, AdminApi.EventsGrant grant) {
        if (!channel.isActive()) {
            return;
        }
        int mine = byWatcher.getOrDefault(grant.watcher(), 0);
        if (mine >= MAX_STREAMS_PER_WATCHER || open >= MAX_STREAMS) {
            log.info("event stream for meeting {} refused: {} open for this token, {} in all",
                    grant.conferenceId(), mine, open);
            AdminHttpHandler.writeAndClose(channel, ApiResponse.error(429, "too_many_streams", null,
                    "too many open event streams; close one and try again"));
            return;
        }
        HttpResponse head = new DefaultHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.OK);
        head.headers().set(HttpHeaderNames.CONTENT_TYPE, "text/event-stream; charset=utf-8");
        head.headers().set(HttpHeaderNames.CACHE_CONTROL, HttpHeaderValues.NO_STORE);
        head.headers().set(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE);
        HttpUtil.setTransferEncodingChunked(head, true);
        channel.write(head);
        channel.writeAndFlush(new DefaultHttpContent(event("meeting", grant.view())));
        ScheduledFuture<?> keepalive = channel.eventLoop().scheduleAtFixedRate(
                () -> channel.writeAndFlush(new DefaultHttpContent(Unpooled.wrappedBuffer(KEEPALIVE))),
                KEEPALIVE_SECONDS, KEEPALIVE_SECONDS, TimeUnit.SECONDS);
        Stream stream = new Stream(channel, grant.watcher(), grant.conferenceId(), keepalive);
        byWatcher.merge(grant.watcher(), 1, Integer::sum);
        open++;
        List<Stream> watchers = byMeeting.get(grant.conferenceId());
        List<Stream> now = watchers == null ? new ArrayList<>() : new ArrayList<>(watchers);
        now.add(stream);
        byMeeting.put(grant.conferenceId(), List.copyOf(now));
        channel.closeFuture().addListener(f -> loop.execute(() -> close(stream)));
    }

    private void close(Stream stream) {
        stream.keepalive().cancel(false);
        List<Stream> watchers = byMeeting.get(stream.conferenceId());
        if (watchers == null || !watchers.contains(stream)) {
            return;
        }
        List<Stream> now = new ArrayList<>(watchers);
        now.remove(stream);
        if (now.isEmpty()) {
            byMeeting.remove(stream.conferenceId());
            lastSent.remove(stream.conferenceId());
            lastHere.remove(stream.conferenceId());
            dispatched.remove(stream.conferenceId());
            delivered.remove(stream.conferenceId());
        } else {
            byMeeting.put(stream.conferenceId(), List.copyOf(now));
        }
        byWatcher.computeIfPresent(stream.watcher(), (w, n) -> n > 1 ? n - 1 : null);
        open--;
    }

    /** Loop: what changed since the last send, as one JSON each, written to every watcher. */
    private void fanOut(String conferenceId, Meeting.Status status) {
        List<Stream> watchers = byMeeting.get(conferenceId);
        if (watchers == null) {
            return;
        }
        Meeting.Status before = lastSent.put(conferenceId, status);
        try {
            if (before == null || !before.talkers().equals(status.talkers())) {
                ObjectNode talkers = AdminJson.MAPPER.createObjectNode();
                talkers.put("conferenceId", conferenceId);
                talkers.set("talkers", AdminJson.MAPPER.valueToTree(status.talkers()));
                send(watchers, event("talkers", AdminJson.MAPPER.writeValueAsBytes(talkers)));
            }
            if (before == null || before.started() != status.started() || before.lobbyCount() != status.lobbyCount()
                    || before.participantCount() != status.participantCount()) {
                ObjectNode meeting = AdminJson.MAPPER.createObjectNode();
                meeting.put("conferenceId", conferenceId);
                meeting.put("state", status.started() ? "active" : status.lobbyCount() > 0 ? "lobby" : "idle");
                meeting.put("lobbyCount", status.lobbyCount());
                meeting.put("participantCount", status.participantCount());
                send(watchers, event("meeting", AdminJson.MAPPER.writeValueAsBytes(meeting)));
            }
        } catch (JsonProcessingException e) {
            log.warn("meeting event for {} not sent", conferenceId, e);
        }
    }

    private static void send(List<Stream> watchers, ByteBuf event) {
        try {
            for (Stream s : watchers) {
                if (!s.channel().isWritable()) {
                    // It does not read: cut it off rather than buffer for it (its page falls back to polling).
                    s.channel().close();
                    continue;
                }
                s.channel().writeAndFlush(new DefaultHttpContent(event.retainedDuplicate()));
            }
        } finally {
            event.release();
        }
    }

    /** One server-sent event; the JSON has no line breaks, so it is one data line. */
    private static ByteBuf event(String name, byte[] json) {
        byte[] head = ("event: " + name + "\ndata: ").getBytes(StandardCharsets.US_ASCII);
        ByteBuf buf = Unpooled.buffer(head.length + json.length + 2);
        buf.writeBytes(head).writeBytes(json).writeByte('\n').writeByte('\n');
        return buf;
    }

    /** Loop: how many streams are open now (for tests and logs). */
    int openStreams() {
        return open;
    }

    /** Closes every stream (the server stops). */
    void closeAll() {
        loop.execute(() -> byMeeting.values().forEach(list -> list.forEach(s -> s.channel().close())));
    }
}
