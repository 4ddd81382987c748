package io.confbridge.server.ops;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.OutputStreamAppender;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.confbridge.server.LogFormat;
import io.confbridge.server.support.LogCapture;
import io.confbridge.server.support.RunningBridge;
import io.confbridge.server.support.TestMeeting;
import io.confbridge.server.support.TestPhone;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

import static io.confbridge.server.support.DialInSteps.IVR_STEP;
import static io.confbridge.server.support.DialInSteps.awaitBridgeSpeaksAfter;
import static io.confbridge.server.support.DialInSteps.awaitHearing;
import static io.confbridge.server.support.DialInSteps.dialAndAnswered;
import static io.confbridge.server.support.DialInSteps.type;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Issue 10 §6 in the {@code json} format: one JSON object per line, the call's fields on its lines, one
 * summary per call, and never a PIN, a token or an Authorization header.
 */
class JsonLogTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path dataDir;

    @Test
    void jsonLinesCarryTheCallAndNoSecret() throws Exception {
        LoggerContext context = (LoggerContext) LoggerFactory.getILoggerFactory();
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        OutputStreamAppender<ILoggingEvent> json = new OutputStreamAppender<>();
        json.setContext(context);
        json.setName("json-test");
        json.setEncoder(LogFormat.jsonEncoder(context));
        json.setOutputStream(out);
        json.start();
        Logger root = context.getLogger(Logger.ROOT_LOGGER_NAME);
        TestMeeting meeting;
        String adminToken;
        String callId = null;
        try (LogCapture levels = LogCapture.start()) { // every bridge logger at TRACE
            root.addAppender(json);
            try (RunningBridge bridge = RunningBridge.in(dataDir).start()) {
                adminToken = Files.readString(dataDir.resolve("admin-token")).trim();
                meeting = bridge.newMeeting(true);
                assertEquals(200, bridge.admin("GET", "/api/meetings", null).status());
                TestPhone organizer = bridge.newPhone("organizer");
                dialAndAnswered(organizer, meeting.conferenceId());
                awaitHearing(organizer);
                long typedAt = type(organizer, "*" + meeting.wrongPin() + "#");
                awaitBridgeSpeaksAfter(organizer, typedAt);
                type(organizer, meeting.organizerPin() + "#");
                await("the right PIN starts the meeting").atMost(IVR_STEP)
                        .until(() -> bridge.status(meeting.conferenceId()).started());
                assertEquals(200, organizer.hangUp());
                await("the call's summary line").atMost(IVR_STEP)
                        .until(() -> out.toString(StandardCharsets.UTF_8).contains("call summary"));
            }
        } finally {
            root.detachAppender(json);
            json.stop();
        }

        String text = out.toString(StandardCharsets.UTF_8);
        List<JsonNode> lines = new ArrayList<>();
        for (String line : text.split("\n")) {
            lines.add(JSON.readTree(line)); // every line one JSON object
        }
        assertTrue(lines.size() > 10, "lines: " + lines.size());
        JsonNode summary = lines.stream().filter(l -> l.path("message").asText().startsWith("call summary"))
                .findFirst().orElseThrow();
        for (String field : new String[] {"callId", "conferenceId", "stage", "durationMs", "stages", "codec",
                "packetsIn", "packetsOut", "packetsLost", "jitterMs", "endReason"}) {
            assertTrue(summary.has(field), "summary has " + field + ": " + summary);
        }
        assertEquals(meeting.conferenceId(), summary.get("conferenceId").asText());
        assertTrue(summary.get("stages").asText().contains("meeting"), summary.toString());
        assertTrue(summary.get("packetsOut").asLong() > 0, summary.toString());
        callId = summary.get("callId").asText();
        String id = callId;
        assertTrue(lines.stream().filter(l -> id.equals(l.path("callId").asText())).count() > 1,
                "more than the summary carries the Call-ID");

        assertFalse(standalone(text, meeting.organizerPin()), "the PIN in the JSON log");
        assertFalse(standalone(text, meeting.wrongPin()), "the wrong PIN in the JSON log");
        assertFalse(text.contains(adminToken), "the admin token in the JSON log");
        assertFalse(text.toLowerCase().contains("authorization: bearer"), "an Authorization header in the JSON log");
    }

    private static boolean standalone(String text, String digits) {
        return Pattern.compile("(?<![0-9])" + Pattern.quote(digits) + "(?![0-9])").matcher(text).find();
    }
}
