package io.confbridge.server.admin;

import io.confbridge.meeting.Meeting;
import com.fasterxml.jackson.databind.JsonNode;
import com.icegreen.greenmail.util.GreenMail;
import com.icegreen.greenmail.util.GreenMailUtil;
import com.icegreen.greenmail.util.ServerSetup;
import io.confbridge.server.support.RunningBridge;
import io.confbridge.server.support.TestPhone;
import jakarta.mail.Message;
import jakarta.mail.internet.MimeMessage;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

import static io.confbridge.server.support.DialInSteps.IVR_STEP;
import static io.confbridge.server.support.DialInSteps.awaitBridgeSpeaksAfter;
import static io.confbridge.server.support.DialInSteps.organizerDialsInWithPin;
import static io.confbridge.server.support.DialInSteps.type;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The admin API and the phone together: a PIN reset over the API mails the new PIN (to a real SMTP
 * server on loopback), the new PIN starts the meeting on the phone and the old one no longer does; wrong
 * PINs on the phone lock the organizer, the API shows the lock and clears it.
 */
class PhonePinResetTest {

    @TempDir
    Path dataDir;

    private GreenMail smtp;
    private RunningBridge bridge;
    private AdminHttp http;
    private String token;

    @BeforeEach
    void start() throws Exception {
        smtp = new GreenMail(new ServerSetup(0, "127.0.0.1", ServerSetup.PROTOCOL_SMTP));
        smtp.start();
        bridge = RunningBridge.in(dataDir)
                .with("mail.host", "127.0.0.1")
                .with("mail.port", Integer.toString(smtp.getSmtp().getPort()))
                .with("mail.tls", "none")
                .with("mail.from", "bridge@example.com")
                // Two wrong PINs lock the organizer, so one call (three tries) shows the lock.
                .with("lockout.organizerMaxFailures", "2")
                .start();
        http = new AdminHttp("http://127.0.0.1:" + bridge.server().adminPort());
        token = Files.readString(dataDir.resolve(AdminToken.FILE_NAME), StandardCharsets.US_ASCII).trim();
    }

    @AfterEach
    void stop() {
        if (bridge != null) {
            bridge.close();
        }
        if (smtp != null) {
            smtp.stop();
        }
    }

    @Test
    void resetPinIsMailedAndOnlyTheNewPinStartsTheMeeting() throws Exception {
        String email = "amos.marble@contoso.com";
        AdminHttp.Reply enabled = http.send("POST", "/api/users", token,
                "{\"email\":\"" + email + "\",\"displayName\":\"Amos Marble\",\"sendEmail\":true}");
        assertEquals(201, enabled.status(), enabled.body());
        String oldPin = enabled.json().path("pin").asText();
        assertTrue(enabled.json().path("mail").path("sent").asBoolean(), enabled.body());
        String conferenceId = enabled.json().path("conferenceIds").path(0).asText(null);
        if (conferenceId == null) {
            conferenceId = http.send("POST", "/api/meetings", token,
                    "{\"organizerEmail\":\"" + email + "\",\"requirePinToStart\":true}").json()
                    .path("conferenceId").asText();
        }

        AdminHttp.Reply reset = http.send("POST", "/api/users/" + email + "/reset-pin", token,
                "{\"sendEmail\":true,\"sendEmailToAddress\":\"u@hotmail.com\"}");
        assertEquals(200, reset.status(), reset.body());
        String newPin = reset.json().path("pin").asText();
        assertNotEquals(oldPin, newPin);
        JsonNode mail = reset.json().path("mail");
        assertTrue(mail.path("sent").asBoolean(), reset.body());
        assertEquals("u@hotmail.com", mail.path("to").asText());

        assertTrue(smtp.waitForIncomingEmail(10_000, 2), "two PIN mails");
        MimeMessage resetMail = smtp.getReceivedMessages()[1];
        assertEquals("u@hotmail.com", resetMail.getRecipients(Message.RecipientType.TO)[0].toString());
        String resetBody = GreenMailUtil.getBody(resetMail);
        assertTrue(resetBody.contains(newPin), "the reset mail carries the new PIN");
        assertFalse(resetBody.contains(oldPin), "the reset mail does not carry the old PIN");

        String id = conferenceId;
        TestPhone organizer = bridge.newPhone("organizer");
        organizerDialsInWithPin(organizer, id, oldPin);
        long typedAt = System.nanoTime();
        awaitBridgeSpeaksAfter(organizer, typedAt);
        assertFalse(bridge.status(id).started(), "the old PIN must not start the meeting");

        type(organizer, newPin + "#");
        await("the new PIN starts the meeting").atMost(IVR_STEP).until(() -> {
            Meeting.Status s = bridge.status(id);
            return s.started() && s.participantCount() == 1;
        });
    }

    @Test
    void wrongPinsOnThePhoneLockTheOrganizerUntilAnAdminClearsTheLockout() throws Exception {
        String email = "lee.gu@contoso.com";
        AdminHttp.Reply enabled = http.send("POST", "/api/users", token,
                "{\"email\":\"" + email + "\",\"displayName\":\"Lee Gu\"}");
        assertEquals(201, enabled.status(), enabled.body());
        String pin = enabled.json().path("pin").asText();
        String id = http.send("POST", "/api/meetings", token,
                "{\"organizerEmail\":\"" + email + "\",\"requirePinToStart\":true}").json().path("conferenceId").asText();
        String wrong = pin.charAt(0) == '1' ? "2" + pin.substring(1) : "1" + pin.substring(1);

        TestPhone guesser = bridge.newPhone("guesser");
        organizerDialsInWithPin(guesser, id, wrong);
        awaitBridgeSpeaksAfter(guesser, System.nanoTime());
        type(guesser, wrong + "#");
        await("two wrong PINs lock the organizer").atMost(IVR_STEP).until(() ->
                http.send("GET", "/api/users/" + email, token, null).json().path("locked").asBoolean());
        type(guesser, pin + "#");
        await("even the right PIN goes to the lobby while locked").atMost(IVR_STEP)
                .until(() -> bridge.status(id).lobbyCount() == 1);
        assertFalse(bridge.status(id).started());

        AdminHttp.Reply cleared = http.send("POST", "/api/users/" + email + "/clear-lockout", token, null);
        assertEquals(200, cleared.status(), cleared.body());
        assertFalse(cleared.json().path("locked").asBoolean(), cleared.body());
        assertTrue(http.send("GET", "/api/audit?limit=50", token, null).body().contains("lockout"));

        TestPhone organizer = bridge.newPhone("organizer");
        organizerDialsInWithPin(organizer, id, pin);
        await("after the lockout is cleared the PIN starts the meeting and admits the lobby").atMost(IVR_STEP)
                .until(() -> {
                    Meeting.Status s = bridge.status(id);
                    return s.started() && s.participantCount() == 2 && s.lobbyCount() == 0;
                });
    }
}
