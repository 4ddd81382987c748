package io.confbridge.sip.logging;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The JVM's default handler of uncaught exceptions, taught one jain-sip habit: its TCP stream parser
 * ({@code PipelinedMsgParser.run}, a thread per connection) ends by throwing when a peer sends a message
 * it will not take (a Content-Length over {@code MAX_MESSAGE_SIZE}, a line that breaks its reader), after
 * closing the connection in a {@code finally}. That is a hostile or broken peer being cut off, found by the
 * SIP fuzz test (issue 9 §5), so it is logged at DEBUG; every other uncaught exception goes to the handler
 * that was there before (or is printed as the JVM would).
 */
public final class StackThreadDeaths implements Thread.UncaughtExceptionHandler {
    private static final Logger log = LoggerFactory.getLogger("gov.nist.javax.sip");
    private static final String PARSER = "gov.nist.javax.sip.parser.PipelinedMsgParser";

    /** jain-sip names its TCP parser threads so; nothing but the parser's {@code run} runs on them. */
    private static final String PARSER_THREAD = "PipelineThread";
    private final Thread.UncaughtExceptionHandler next;

    StackThreadDeaths(Thread.UncaughtExceptionHandler next) {
        this.next = next;
    }

    /** Makes this the default handler, in front of the current one; once, however many stacks start. */
    public static synchronized void install() {
        Thread.UncaughtExceptionHandler current = Thread.getDefaultUncaughtExceptionHandler();
        if (!(current instanceof StackThreadDeaths)) {
            Thread.setDefaultUncaughtExceptionHandler(new StackThreadDeaths(current));
        }
    }

    @Override
    public void uncaughtException(Thread thread, Throwable e) {
        // The thread's name also covers exceptions the JIT throws without a stack trace (OmitStackTraceInFastThrow:
        // an ArrayIndexOutOfBoundsException its readLine throws on some long lines, once thrown often).
        if (endsTcpParser(e) || (e instanceof RuntimeException && thread.getName().startsWith(PARSER_THREAD))) {
            log.debug("jain-sip dropped a TCP connection ({}): {}", thread.getName(), e.toString());
        } else if (next != null) {
            next.uncaughtException(thread, e);
        } else {
            System.err.print("Exception in thread \"" + thread.getName() + "\" ");
            e.printStackTrace(System.err);
        }
    }

    /** A runtime exception thrown out of the TCP parser's {@code run}: the connection is closed by then. */
    static boolean endsTcpParser(Throwable e) {
        if (!(e instanceof RuntimeException)) {
            return false;
        }
        for (StackTraceElement frame : e.getStackTrace()) {
            if (PARSER.equals(frame.getClassName()) && "run".equals(frame.getMethodName())) {
                return true;
            }
        }
        return false;
    }
}
