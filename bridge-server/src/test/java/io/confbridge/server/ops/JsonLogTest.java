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
import java.util.regex.Matcher;
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
                // A 12-digit PIN: a 5-digit one turns up by chance inside the TRACE log's hex Call-IDs, tags
                // and branches (bounded by letters, so "standalone" by digits), which made this test flaky.
                assertEquals(200, bridge.admin("PATCH", "/api/settings", "{\"pinLength\":12}").status());
                meeting = bridge.newMeeting(true);
                assertEquals(12, meeting.organizerPin().length());
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
                "packetsIn", "packetsOut", "packetsLost", "jitterMs", "callerLossPercent", "callerJitterMs", "rttMs",
                "endReason"}) {
            assertTrue(summary.has(field), "summary has " + field + ": " + summary);
        }
        assertEquals(meeting.conferenceId(), summary.get("conferenceId").asText());
        assertTrue(summary.get("stages").asText().contains("meeting"), summary.toString());
        assertTrue(summary.get("packetsOut").asLong() > 0, summary.toString());
        callId = summary.get("callId").asText();
        String id = callId;
        assertTrue(lines.stream().filter(l -> id.equals(l.path("callId").asText())).count() > 1,
                "more than the summary carries the Call-ID");

        assertEquals("", standalone(text, meeting.organizerPin()), "the PIN in the JSON log");
        assertEquals("", standalone(text, meeting.wrongPin()), "the wrong PIN in the JSON log");
        assertFalse(text.contains(adminToken), "the admin token in the JSON log");
        assertFalse(text.toLowerCase().contains("authorization: bearer"), "an Authorization header in the JSON log");
    }

    /** The log around the first place {@code digits} stand as a number of their own, or "" if nowhere. */
    private static String standalone(String text, String digits) {
        Matcher found = Pattern.compile("(?<![0-9])" + Pattern.quote(digits) + "(?![0-9])").matcher(text);
        if (!found.find()) {
            return "";
        }
        return text.substring(Math.max(0, found.start() - 120), Math.min(text.length(), found.end() + 120))
                .replace(digits, "<PIN>");
    }
}
