/**
 * Live meetings: lobby, participants and mixer of each conference ID on this node.
 *
 * <h2>Concurrency: one loop per meeting, calls post events</h2>
 * A meeting is owned by one media event loop, the loop whose {@link io.confbridge.media.MediaClock}
 * runs its {@link io.confbridge.mixer.Mixer}. Every change of a meeting (enter, leave, start, admit,
 * end, the idle end) and every question about it (status, lobby arrivals) runs on that loop, so a
 * meeting has no locks. Nothing else calls into a meeting's state:
 * <ul>
 *   <li>A call, on its own loop, posts to the meeting's loop ({@link Meeting#leave},
 *       {@link Meeting#admitLobby}, {@link MeetingRegistry#enter}).</li>
 *   <li>The meeting answers members by calling {@link MeetingMember} on its loop; a member only posts
 *       the news to its own call's loop, so no loop ever runs another's state.</li>
 *   <li>The admin side (worker threads) asks through {@link MeetingRegistry}, whose methods post to
 *       the meeting's loop and answer with a {@link java.util.concurrent.CompletableFuture}; a worker
 *       may wait on it with a timeout, an event loop never does.</li>
 * </ul>
 * The only state shared across loops is the registry's concurrent map from conference ID to meeting,
 * and the lock-free audio hand-over between a call and the mixer
 * ({@link io.confbridge.mixer.ParticipantAudio}). Because changes arrive as posted events, they can
 * later arrive from another node the same way.
 */
package io.confbridge.meeting;
