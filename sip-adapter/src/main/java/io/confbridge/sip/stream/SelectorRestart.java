package io.confbridge.sip.stream;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.function.BooleanSupplier;
import java.util.function.Function;

/**
 * jain-sip serves every TCP (or TLS) connection from one selector thread and catches only
 * {@link Exception}s in its loop: an {@link Error} thrown while reading one connection ends that thread, and
 * with it SIP over that transport for every caller, silently. This puts another selector thread in its
 * place, on the same selector and connections, and says so at ERROR: it is a bug to be found, not a peer
 * to be shrugged off.
 */
final class SelectorRestart implements Thread.UncaughtExceptionHandler {
    private static final Logger log = LoggerFactory.getLogger(SelectorRestart.class);

    private final String transport;
    private final BooleanSupplier selectorOpen;
    private final Function<String, Thread> replacement;

    private SelectorRestart(String transport, BooleanSupplier selectorOpen, Function<String, Thread> replacement) {
        this.transport = transport;
        this.selectorOpen = selectorOpen;
        this.replacement = replacement;
    }

    /**
     * Watches {@code selectorThread}; when it dies of an uncaught throwable while the selector is still open
     * (not a stop), {@code replacement} makes an unstarted thread of the given name, which is watched and started.
     */
    static void watch(Thread selectorThread, String transport, BooleanSupplier selectorOpen,
                      Function<String, Thread> replacement) {
        selectorThread.setUncaughtExceptionHandler(new SelectorRestart(transport, selectorOpen, replacement));
    }

    @Override
    public void uncaughtException(Thread dead, Throwable e) {
        if (!selectorOpen.getAsBoolean()) {
            log.debug("SIP over {}: selector thread ended after the stack stopped: {}", transport, e.toString());
            return;
        }
        log.error("SIP over {}: jain-sip's selector thread died; starting another", transport, e);
        Thread next = replacement.apply(dead.getName());
        next.setUncaughtExceptionHandler(this);
        next.start();
    }
}
