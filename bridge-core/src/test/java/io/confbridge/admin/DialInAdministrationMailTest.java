package io.confbridge.admin;

import java.security.SecureRandom;
import java.time.Duration;
import java.time.Clock;
import io.confbridge.pin.PinLockout;
import io.confbridge.pin.PinGenerator;
import com.icegreen.greenmail.junit5.GreenMailExtension;
import com.icegreen.greenmail.util.GreenMailUtil;
import com.icegreen.greenmail.util.ServerSetup;
import io.confbridge.config.BridgeConfig;
import io.confbridge.config.ConfigLoader;
import io.confbridge.admin.Administration.Actor;
import io.confbridge.admin.Administration.ActorRole;
import io.confbridge.admin.Administration.AuditEntry;
import io.confbridge.admin.Administration.PinIssued;
import io.confbridge.admin.support.MutableClock;
import io.confbridge.mail.MailResult;
import io.confbridge.mail.PinMail;
import io.confbridge.mail.SmtpPinMailer;
import io.confbridge.media.MediaEngine;
import io.confbridge.meeting.Meeting;
import io.confbridge.meeting.MeetingRegistry;
import io.confbridge.pin.PinHasher;
import io.confbridge.pin.PinVault;
import io.confbridge.store.JdbcDirectoryStore;
import jakarta.mail.internet.MimeMessage;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

import java.net.ServerSocket;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** PIN e-mails over real SMTP: a GreenMail server on 127.0.0.1, and a closed port for a dead server. */
class DialInAdministrationMailTest {

    @RegisterExtension
    static final GreenMailExtension greenMail = new GreenMailExtension(new ServerSetup(0, "127.0.0.1", ServerSetup.PROTOCOL_SMTP).dynamicPort());

    static final Actor ADMIN = new Actor("admin", ActorRole.ADMIN, "127.0.0.1");
    static final String AMOS = "amos.marble@contoso.com";

    @TempDir
    Path dir;

    JdbcDirectoryStore store;
    ExecutorService workers;
    MediaEngine engine;
    PinVault vault;

    @BeforeEach
    void open() {
        store = JdbcDirectoryStore.open(new BridgeConfig.StoreConfig("jdbc:sqlite:" + dir.resolve("bridge.db"), "", "", 2));
        workers = Executors.newSingleThreadExecutor();
        engine = new MediaEngine(1);
        vault = new PinVault(store, new PinHasher(DialInAdministrationContract.filled(32, 3), 8192, 1, 1), workers,
                new PinGenerator(new SecureRandom()), new PinLockout(store, DialInAdministrationContract.LOCKOUT, Clock.systemUTC()));
    }

    @AfterEach
    void close() throws InterruptedException {
        store.close();
        engine.close();
        workers.shutdown();
        assertTrue(workers.awaitTermination(10, TimeUnit.SECONDS));
    }

    DialInAdministration administration(int smtpPort) {
        BridgeConfig config = ConfigLoader.load(null, Map.of(
                "mail.host", "127.0.0.1",
                "mail.port", Integer.toString(smtpPort),
                "mail.tls", "none",
                "mail.from", "bridge@contoso.com",
                "mail.connectTimeoutMs", "2000",
                "sip.advertisedAddress", "bridge.contoso.com",
                "sip.port", "5070"));
        return administration(new SmtpPinMailer(config.mail(), config.sip()));
    }

    DialInAdministration administration(SmtpPinMailer mailer) {
        return new DialInAdministration(store, vault, new MeetingRegistry(engine, Meeting.Tones.NONE, Duration.ofMinutes(10)), mailer,
                new MutableClock(Instant.parse("2026-03-01T09:00:00Z")), new SecureRandom(),
                BridgeConfig.SipConfig.DEFAULT_REALM, DialInAdministrationContract.NODE_LOBBY_TIMEOUT_MS);
    }

    @Test
    void enablingMailsThePinAndTheDialInInstructionsToThePrimaryAddress() throws Exception {
        DialInAdministration admin = administration(greenMail.getSmtp().getPort());

        PinIssued issued = admin.enableUser(ADMIN, AMOS, "Amos Marble", null, false, null);

        assertTrue(issued.mail().sent(), String.valueOf(issued.mail()));
        assertEquals(AMOS, issued.mail().to());
        MimeMessage[] received = greenMail.getReceivedMessages();
        assertEquals(1, received.length);
        MimeMessage mail = received[0];
        assertEquals(AMOS, mail.getAllRecipients()[0].toString());
        assertEquals("bridge@contoso.com", mail.getFrom()[0].toString());
        assertEquals("Your audio conferencing PIN", mail.getSubject());
        String body = GreenMailUtil.getBody(mail);
        assertTrue(body.contains(issued.pin()), "the PIN is in the mail");
        assertTrue(body.contains(issued.user().conferenceIds().get(0)), "the conference ID is in the mail");
        assertTrue(body.contains("sip:bridge.contoso.com:5070"), body);
        assertTrue(body.contains("Hello Amos Marble"), body);
    }

    @Test
    void resetMailsTheOverrideAddressWhenGiven() throws Exception {
        DialInAdministration admin = administration(greenMail.getSmtp().getPort());
        admin.enableUser(ADMIN, AMOS, "Amos", null, false, null);

        PinIssued reset = admin.resetPin(ADMIN, AMOS, true, "amos@hotmail.com");

        assertTrue(reset.mail().sent());
        MimeMessage[] received = greenMail.getReceivedMessages();
        assertEquals(2, received.length);
        assertEquals("amos@hotmail.com", received[1].getAllRecipients()[0].toString());
        assertTrue(GreenMailUtil.getBody(received[1]).contains(reset.pin()));
    }

    @Test
    void withAutoEmailOffNoMailIsSent() {
        DialInAdministration admin = administration(greenMail.getSmtp().getPort());
        admin.updateSettings(ADMIN, DialInAdministrationContract.change(null, false, null, null, null));

        PinIssued issued = admin.enableUser(ADMIN, AMOS, "Amos", null, false, null);
        PinIssued reset = admin.resetPin(ADMIN, AMOS, false, null);

        assertTrue(issued.mail().deliverManually());
        assertTrue(reset.mail().deliverManually());
        // Both calls are synchronous: had a mail been sent, GreenMail would hold it by now.
        assertEquals(0, greenMail.getReceivedMessages().length);
    }

    @Test
    void aDeadMailServerDoesNotLoseTheReset() throws Exception {
        int closedPort;
        try (ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            closedPort = s.getLocalPort();
        }
        DialInAdministration admin = administration(closedPort);
        admin.updateSettings(ADMIN, DialInAdministrationContract.change(null, false, null, null, null));
        admin.enableUser(ADMIN, AMOS, "Amos", null, false, null);

        PinIssued reset = admin.resetPin(ADMIN, AMOS, true, null);

        assertFalse(reset.mail().sent());
        assertTrue(reset.mail().deliverManually());
        assertFalse(reset.mail().error().isBlank());
        assertFalse(reset.mail().error().contains(reset.pin()));
        long id = store.findOrganizerByEmail(AMOS).orElseThrow().id();
        assertTrue(vault.verify(id, reset.pin()).get(10, TimeUnit.SECONDS), "the new PIN is stored");
        AuditEntry audit = admin.audit(1).get(0);
        assertEquals("pin.reset", audit.action());
        assertTrue(audit.detail().contains("e-mail to " + AMOS + " failed"), audit.detail());
    }

    @Test
    void anUnconfiguredMailerReportsItAndNeverThrows() {
        BridgeConfig defaults = ConfigLoader.defaults();
        SmtpPinMailer mailer = new SmtpPinMailer(defaults.mail(), defaults.sip());

        MailResult result = mailer.send(new PinMail(AMOS, "Amos", "48213", List.of("4711001")));

        assertEquals(MailResult.failed("SMTP not configured"), result);
        PinIssued issued = administration(mailer).enableUser(ADMIN, AMOS, "Amos", null, false, null);
        assertFalse(issued.mail().sent());
        assertEquals("SMTP not configured", issued.mail().error());
        assertTrue(issued.mail().deliverManually());
    }
}
