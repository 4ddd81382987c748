package io.confbridge.server;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.IntConsumer;

/**
 * What SIGTERM does when {@code shutdown.drainMs} is above 0 (issue 10 §7): the first starts the drain
 * ({@link BridgeServer#drainAndClose}) on a thread of its own and exits when it is done; a second stops
 * the bridge at once. {@link #terminate()} is what the signal handler calls, and what tests call.
 */
public final class ShutdownSignals {
    private static final Logger log = LoggerFactory.getLogger(ShutdownSignals.class);

    private final BridgeServer server;
    private final Duration drain;
    private final IntConsumer exit;
    private final AtomicInteger terms = new AtomicInteger();
    private final AtomicBoolean exited = new AtomicBoolean();

    /** @param exit ends the process ({@code System::exit} in production) */
    public ShutdownSignals(BridgeServer server, Duration drain, IntConsumer exit) {
        this.server = server;
        this.drain = drain;
        this.exit = exit;
    }

    /** Handles SIGTERM with this object until the process exits. */
    public void install() {
        sun.misc.Signal.handle(new sun.misc.Signal("TERM"), signal -> terminate());
    }

    /** One SIGTERM. */
    public void terminate() {
        if (terms.incrementAndGet() == 1) {
            log.info("SIGTERM: draining for up to {} ms (shutdown.drainMs); a second SIGTERM stops at once",
                    drain.toMillis());
            Thread drainer = new Thread(() -> {
                server.drainAndClose(drain);
                exitOnce();
            }, "drain");
            drainer.setDaemon(true);
            drainer.start();
        } else {
            log.info("second SIGTERM: stopping now");
            server.close();
            exitOnce();
        }
    }

    private void exitOnce() {
        if (exited.compareAndSet(false, true)) {
            exit.accept(0);
        }
    }
}
