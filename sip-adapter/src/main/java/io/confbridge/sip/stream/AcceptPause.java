package io.confbridge.sip.stream;

import io.confbridge.media.Descriptors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.ServerSocketChannel;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * jain-sip's TCP and TLS selector loops accept whenever the selector says a connection waits. With no
 * file descriptor left (EMFILE, ENFILE) the accept fails, the connection goes on waiting, and the loop
 * goes round again at once: with a 400-descriptor limit and the listener's backlog full, that was 72 % of
 * a core and 140,000 log lines a second (ERROR and its stack trace, per attempt), filling the disk.
 *
 * <p>jain-sip reports the failure to its logger on the selector thread itself; the logger hands it here,
 * which takes the listening socket out of the selector's interest for {@link #PAUSE_MS} and puts it back
 * from a timer. The connections already open go on being served, new ones wait in the kernel's backlog,
 * and a WARN says why at most once every 10 s. Nothing blocks the selector thread.
 */
public final class AcceptPause {
    private static final Logger log = LoggerFactory.getLogger(AcceptPause.class);

    /** How long a listener stops accepting after an accept found no descriptor. */
    static final long PAUSE_MS = 100;
    /** The listeners, by the name of their selector thread (a replacement thread keeps the name). */
    private static final ConcurrentHashMap<String, AcceptPause> BY_SELECTOR_THREAD = new ConcurrentHashMap<>();
    /** Pauses of every listener since start (tests). */
    private static final AtomicLong TOTAL_PAUSES = new AtomicLong();

    private final String transport;
    private final Selector selector;
    private final ServerSocketChannel listening;
    private final RefusalWarnings warnings = new RefusalWarnings("more pause(s)");

    /**
     * One daemon thread resumes every listener. Made with the first listener, as is everything a pause
     * uses, never during one: with no descriptor left, a class still to be read from disk cannot be loaded.
     */
    private static final ScheduledExecutorService TIMER = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "sip-accept-resume");
        t.setDaemon(true);
        return t;
    });
    private final Runnable resume = this::resume;

    private AcceptPause(String transport, Selector selector, ServerSocketChannel listening) {
        this.transport = transport;
        this.selector = selector;
        this.listening = listening;
        Descriptors.exhaustion(null); // loaded now
    }

    /** A started listener, whose selector thread is {@code selectorThreadName}. */
    static AcceptPause watch(String selectorThreadName, String transport, Selector selector,
                             ServerSocketChannel listening) {
        AcceptPause pause = new AcceptPause(transport, selector, listening);
        BY_SELECTOR_THREAD.put(selectorThreadName, pause);
        return pause;
    }

    /** The listener stopped. */
    static void unwatch(String selectorThreadName, AcceptPause pause) {
        BY_SELECTOR_THREAD.remove(selectorThreadName, pause);
    }

    /**
     * From jain-sip's logger, for a failure it reports while processing a selection key: true when it is
     * an accept that found no descriptor on a watched listener's own thread, which is then paused and
     * nothing more is to be logged.
     */
    public static boolean outOfDescriptors(Throwable failure) {
        if (Descriptors.exhaustion(failure) == null) {
            return false;
        }
        AcceptPause pause = BY_SELECTOR_THREAD.get(Thread.currentThread().getName());
        if (pause == null) {
            return false;
        }
        pause.pause();
        return true;
    }

    /** Times any listener paused since start (tests). */
    static long totalPauses() {
        return TOTAL_PAUSES.get();
    }

    private void pause() {
        SelectionKey key = listening.keyFor(selector);
        if (key == null || !key.isValid() || (key.interestOps() & SelectionKey.OP_ACCEPT) == 0) {
            return;
        }
        key.interestOps(key.interestOps() & ~SelectionKey.OP_ACCEPT);
        TOTAL_PAUSES.incrementAndGet();
        String others = warnings.due();
        if (others != null) {
            log.warn("SIP over {}: out of file descriptors: new connections wait, {} ms at a time, and calls get 503;"
                    + " raise the process's limit (README, Running as a systemd service){}", transport, PAUSE_MS,
                    others);
        }
        TIMER.schedule(resume, PAUSE_MS, TimeUnit.MILLISECONDS);
    }

    /** On the timer: accepting again. */
    private void resume() {
        SelectionKey key = listening.keyFor(selector);
        if (key != null && key.isValid()) {
            key.interestOps(key.interestOps() | SelectionKey.OP_ACCEPT);
            selector.wakeup(); // a select in progress would not see the change
        }
    }
}
