package io.confbridge.sip.stream;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import io.confbridge.sip.SipServer;
import io.confbridge.sip.support.FreePorts;
import io.confbridge.sip.support.RecordingCallAcceptor;
import io.confbridge.sip.support.SipTestClient;
import io.confbridge.sip.support.TestDialog;
import io.confbridge.sip.support.TestSipConfig;
import io.confbridge.support.DescriptorLimit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.List;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * With no descriptor left, jain-sip's TCP selector loop went round at once on a connection it could not
 * accept, logging an ERROR and a stack trace each time (140,000 lines a second, measured). The listener
 * now pauses {@link AcceptPause#PAUSE_MS} at a time and says so once, and accepts again once descriptors
 * are back. This JVM's own limit is lowered (sip-adapter's tests run one at a time), and the connection
 * comes from a shell started before, which has descriptors of its own.
 */
class AcceptPauseTest {
    private final ListAppender<ILoggingEvent> appender = new ListAppender<>();
    private final Logger root = (Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
    private SipServer server;

    @AfterEach
    void stop() {
        root.detachAppender(appender);
        if (server != null) {
            server.close();
        }
    }

    @Test
    void aListenerWithNoDescriptorLeftPausesInsteadOfSpinningAndAcceptsOnceThereAreSome() throws Exception {
        int port = FreePorts.sipPort();
        server = new SipServer(TestSipConfig.on(port).build(), new RecordingCallAcceptor());
        server.start();
        assertTrue(optionsAnsweredOverTcp(port), "answered before");
        appender.start();
        root.addAppender(appender);

        long pausesBefore = AcceptPause.totalPauses();
        long elapsedMs;
        try (DescriptorLimit limit = DescriptorLimit.prepare()) {
            limit.exhaust();
            long start = System.nanoTime();
            // Several: a descriptor freed meanwhile (the closing of the connection above) takes one of them.
            for (int i = 0; i < 5; i++) {
                limit.inShell("bash -c 'exec 3<>/dev/tcp/127.0.0.1/" + port + "; sleep 3' &");
            }
            await("the listener pauses, again and again").atMost(Duration.ofSeconds(10))
                    .until(() -> AcceptPause.totalPauses() - pausesBefore >= 3);
            elapsedMs = (System.nanoTime() - start) / 1_000_000;
            limit.restore();
        }
        long pauses = AcceptPause.totalPauses() - pausesBefore;
        assertTrue(pauses <= elapsedMs / AcceptPause.PAUSE_MS + 2,
                pauses + " pauses in " + elapsedMs + " ms: no faster than one per " + AcceptPause.PAUSE_MS + " ms");
        List<ILoggingEvent> events = List.copyOf(appender.list);
        assertEquals(List.of(), events.stream().filter(e -> e.getLevel().isGreaterOrEqual(Level.ERROR))
                .map(ILoggingEvent::getFormattedMessage).toList(), "no ERROR for each try");
        assertTrue(events.stream().anyMatch(e -> e.getLevel() == Level.WARN
                && e.getFormattedMessage().contains(": out of file descriptors: new connections wait")), "a WARN says why");

        await("accepting again once there are descriptors").atMost(Duration.ofSeconds(10))
                .until(() -> optionsAnsweredOverTcp(port));
    }

    private static boolean optionsAnsweredOverTcp(int port) {
        try (SipTestClient tcp = SipTestClient.tcp(port)) {
            TestDialog probe = tcp.dialog("4711002");
            tcp.send(probe.options());
            tcp.awaitResponse(200, "OPTIONS");
            return true;
        } catch (AssertionError | RuntimeException | java.io.IOException notYet) {
            return false;
        }
    }
}
