package io.confbridge.sip.stream;

import java.nio.channels.Selector;
import java.nio.channels.ServerSocketChannel;
import java.util.function.Function;

/**
 * What the bridge adds to each of jain-sip's TCP and TLS listeners once it has started: a replacement for
 * its selector thread should that die ({@link SelectorRestart}), and a pause in accepting when the process
 * has no descriptor left ({@link AcceptPause}). The two processors extend different jain-sip classes, so
 * they share this rather than a base class.
 */
final class ListenerGuards {
    private final String selectorName;
    private final AcceptPause acceptPause;

    private ListenerGuards(String selectorName, AcceptPause acceptPause) {
        this.selectorName = selectorName;
        this.acceptPause = acceptPause;
    }

    /** For a listener just started, whose selector thread is {@code selectorThread}. */
    static ListenerGuards start(Thread selectorThread, String transport, Selector selector, ServerSocketChannel listening,
                                Function<String, Thread> replacement) {
        SelectorRestart.watch(selectorThread, transport, selector::isOpen, replacement);
        String name = selectorThread.getName();
        return new ListenerGuards(name, AcceptPause.watch(name, transport, selector, listening));
    }

    /** The listener is stopping. */
    void stop() {
        AcceptPause.unwatch(selectorName, acceptPause);
    }
}
