package io.confbridge.sip.logging;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** jain-sip's TCP parser ending a connection by throwing is not passed on; anything else is (issue 9 §5). */
class StackThreadDeathsTest {

    private static RuntimeException thrownFrom(String className, String method, String message) {
        RuntimeException e = new RuntimeException(message);
        e.setStackTrace(new StackTraceElement[] {
            new StackTraceElement(className, method, "X.java", 504),
            new StackTraceElement("java.lang.Thread", "run", "Thread.java", 840)});
        return e;
    }

    @Test
    void theTcpParserDroppingAConnectionIsNotPassedOn() {
        List<Throwable> passedOn = new ArrayList<>();
        StackThreadDeaths handler = new StackThreadDeaths((t, e) -> passedOn.add(e));
        handler.uncaughtException(Thread.currentThread(), thrownFrom("gov.nist.javax.sip.parser.PipelinedMsgParser",
                "run", "Max content size Exceeded! :999999 allowed max size is 65536"));
        assertEquals(List.of(), passedOn);
    }

    @Test
    void aStacklessRuntimeExceptionOnTheParsersThreadIsTakenForItsEnding() {
        List<Throwable> passedOn = new ArrayList<>();
        StackThreadDeaths handler = new StackThreadDeaths((t, e) -> passedOn.add(e));
        ArrayIndexOutOfBoundsException fastThrown = new ArrayIndexOutOfBoundsException();
        fastThrown.setStackTrace(new StackTraceElement[0]);
        ArrayIndexOutOfBoundsException elsewhere = new ArrayIndexOutOfBoundsException();
        elsewhere.setStackTrace(new StackTraceElement[0]);
        handler.uncaughtException(new Thread(() -> { }, "PipelineThread-17"), fastThrown);
        handler.uncaughtException(new Thread(() -> { }, "confbridge-media-1"), elsewhere);
        assertEquals(List.of(elsewhere), passedOn);
    }

    @Test
    void everythingElseIsPassedOn() {
        List<Throwable> passedOn = new ArrayList<>();
        StackThreadDeaths handler = new StackThreadDeaths((t, e) -> passedOn.add(e));
        RuntimeException ours = thrownFrom("io.confbridge.sip.SipEventRouter", "processRequest", "bug");
        Error fatal = new OutOfMemoryError();
        handler.uncaughtException(Thread.currentThread(), ours);
        handler.uncaughtException(Thread.currentThread(), fatal);
        assertEquals(List.of(ours, fatal), passedOn);
    }

    @Test
    void onlyRuntimeExceptionsOutOfTheParsersRunCount() {
        assertTrue(StackThreadDeaths.endsTcpParser(
                thrownFrom("gov.nist.javax.sip.parser.PipelinedMsgParser", "run", "x")));
        assertFalse(StackThreadDeaths.endsTcpParser(
                thrownFrom("gov.nist.javax.sip.parser.PipelinedMsgParser", "readLine", "x")));
        assertFalse(StackThreadDeaths.endsTcpParser(thrownFrom("gov.nist.javax.sip.stack.UDPMessageChannel", "run", "x")));
    }
}
