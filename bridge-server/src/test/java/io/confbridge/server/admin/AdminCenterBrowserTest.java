package io.confbridge.server.admin;

import com.icegreen.greenmail.util.GreenMail;
import com.icegreen.greenmail.util.GreenMailUtil;
import com.icegreen.greenmail.util.ServerSetup;
import io.confbridge.meeting.Meeting;
import io.confbridge.server.support.Browser;
import io.confbridge.server.support.RunningBridge;
import io.confbridge.server.support.TestPhone;
import jakarta.mail.Message;
import jakarta.mail.internet.MimeMessage;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;
import org.openqa.selenium.Dimension;
import org.openqa.selenium.Keys;
import org.openqa.selenium.StaleElementReferenceException;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.support.ui.Select;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

import static io.confbridge.server.support.DialInSteps.IVR_STEP;
import static io.confbridge.server.support.DialInSteps.awaitBridgeSpeaksAfter;
import static io.confbridge.server.support.DialInSteps.dialAndAnswered;
import static io.confbridge.server.support.DialInSteps.organizerDialsInWithPin;
import static io.confbridge.server.support.DialInSteps.type;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The admin center and the organizer's page in a real browser (headless Chromium through Selenium and
 * the system chromedriver), against a running bridge with a real SMTP server and real SIP callers. One
 * bridge and one browser serve the whole class; each test starts signed out. Screenshots of each page go
 * to {@code target/screenshots/}.
 *
 * <p>E-mail addresses here hold no digits, so that a PIN found in the page can only be the PIN.
 */
class AdminCenterBrowserTest {

    private static final Duration UI = Duration.ofSeconds(15);
    private static final AtomicInteger SEQ = new AtomicInteger();

    @TempDir
    static Path dataDir;

    private static GreenMail smtp;
    private static RunningBridge bridge;
    private static AdminHttp http;
    private static String adminToken;
    private static String url;
    private static ChromeDriver driver;

    @BeforeAll
    static void start() throws Exception {
        Browser.assumeAvailable();
        smtp = new GreenMail(new ServerSetup(0, "127.0.0.1", ServerSetup.PROTOCOL_SMTP));
        smtp.start();
        bridge = RunningBridge.in(dataDir)
                .with("mail.host", "127.0.0.1")
                .with("mail.port", Integer.toString(smtp.getSmtp().getPort()))
                .with("mail.tls", "none")
                .with("mail.from", "bridge@example.com")
                .start();
        url = "http://127.0.0.1:" + bridge.server().adminPort();
        http = new AdminHttp(url);
        adminToken = Files.readString(dataDir.resolve(AdminToken.FILE_NAME), StandardCharsets.US_ASCII).trim();
        driver = Browser.start();
    }

    @AfterAll
    static void stop() {
        if (driver != null) {
            driver.quit();
        }
        if (bridge != null) {
            bridge.close();
        }
        if (smtp != null) {
            smtp.stop();
        }
    }

    /** Every test starts signed out, in English, at desktop width. */
    @BeforeEach
    void signedOut() {
        driver.manage().window().setSize(new Dimension(1280, 900));
        driver.get(url + "/");
        driver.executeScript("sessionStorage.clear(); localStorage.clear();");
        driver.navigate().refresh();
        awaitShown("#sign-in-token");
    }

    // ---------------------------------------------------------------- helpers

    /** A fresh address without digits: {@code <who>.<letters>@contoso.com}. */
    private static String newEmail(String who) {
        int n = SEQ.incrementAndGet();
        StringBuilder letters = new StringBuilder();
        do {
            letters.append((char) ('a' + n % 26));
            n /= 26;
        } while (n > 0);
        return who + "." + letters + "@contoso.com";
    }

    private static WebElement el(String css) {
        return driver.findElement(By.cssSelector(css));
    }

    private static boolean shown(String css) {
        List<WebElement> found = driver.findElements(By.cssSelector(css));
        return !found.isEmpty() && found.get(0).isDisplayed();
    }

    // The live lists redraw themselves: an element found may be replaced before it is read.
    private static void awaitShown(String css) {
        await(css + " shown").atMost(UI).ignoreException(StaleElementReferenceException.class).until(() -> shown(css));
    }

    private static void awaitText(String css, String text) {
        await(css + " shows " + text).atMost(UI).ignoreException(StaleElementReferenceException.class)
                .until(() -> shown(css) && el(css).getText().contains(text));
    }

    /** Clicks, finding the element again if a redraw replaced it. */
    private static void click(String css) {
        await("click " + css).atMost(UI).ignoreException(StaleElementReferenceException.class).until(() -> {
            el(css).click();
            return true;
        });
    }

    private static void fill(String css, String value) {
        WebElement input = el(css);
        input.clear();
        input.sendKeys(value);
    }

    private static void signIn(String token) {
        fill("#sign-in-token", token);
        el("#sign-in-submit").click();
    }

    private static void signInAsAdmin() {
        signIn(adminToken);
        awaitShown("#tab-users");
        awaitShown("#users-body tr[data-email]");
    }

    /** A user enabled over the API: e-mail, conference ID, PIN. */
    private static String[] enabledUser(String who) throws Exception {
        String email = newEmail(who);
        AdminHttp.Reply enabled = http.send("POST", "/api/users", adminToken,
                "{\"email\":\"" + email + "\",\"displayName\":\"" + who + "\"}");
        assertEquals(201, enabled.status(), enabled.body());
        return new String[] {email, enabled.json().path("conferenceIds").path(0).asText(), enabled.json().path("pin").asText()};
    }

    private static String userToken(String email) throws Exception {
        AdminHttp.Reply issued = http.send("POST", "/api/users/" + email + "/tokens", adminToken, null);
        assertEquals(201, issued.status(), issued.body());
        return issued.json().path("token").asText();
    }

    /** Reads the secret in the once-only dialog, closes it, and checks that it is gone from the page. */
    private static String readSecretAndClose(String screenshot) {
        awaitShown("#secret-dialog");
        await("the secret is shown").atMost(UI).until(() -> !el("#secret-value").getText().isBlank());
        String secret = el("#secret-value").getText().trim();
        if (screenshot != null) {
            Browser.screenshot(driver, screenshot);
        }
        el("#secret-close").click();
        await("the dialog closes").atMost(UI).until(() -> !shown("#secret-dialog"));
        assertFalse(driver.getPageSource().contains(secret), "after closing, the secret is nowhere in the DOM");
        assertFalse(((String) driver.executeScript("return document.documentElement.outerHTML")).contains(secret));
        return secret;
    }

    private static String userRow(String email) {
        return "#users-body tr[data-email=\"" + email + "\"]";
    }

    // ---------------------------------------------------------------- tests

    @Test
    void theAdminSignsInWithTheTokenKeptInSessionStorageOnly() {
        assertFalse(shown("#tabs"));
        signIn("not-a-token");
        awaitText("#sign-in-token-error", "not accepted");
        assertFalse(shown("#tabs"), "a wrong token shows nothing");

        signInAsAdmin();
        awaitText(userRow("demo@example.com") + " td.pin", "*****");
        assertEquals(adminToken, driver.executeScript("return sessionStorage.getItem('confbridge.token')"));
        assertEquals("", driver.executeScript("return document.cookie"));
        assertFalse(driver.getCurrentUrl().contains(adminToken), "never in the URL");
        assertNull(driver.executeScript("return localStorage.getItem('confbridge.token')"));
        Browser.screenshot(driver, "admin-users");

        driver.navigate().refresh();
        awaitShown("#tab-users");
        el("#sign-out").click();
        awaitShown("#sign-in-token");
        assertNull(driver.executeScript("return sessionStorage.getItem('confbridge.token')"));
        assertFalse(driver.getPageSource().contains("demo@example.com"), "signing out clears the page");
    }

    @Test
    void tooManyRefusedTokensSayToWaitAndEvenTheRightOneWaits(@TempDir Path ownDataDir) throws Exception {
        // A bridge of its own: the budget is per address, and this class's browser and client share 127.0.0.1.
        try (RunningBridge strict = RunningBridge.in(ownDataDir).with("admin.authFailuresPerSource", "2").start()) {
            String token = Files.readString(ownDataDir.resolve(AdminToken.FILE_NAME), StandardCharsets.US_ASCII).trim();
            driver.get("http://127.0.0.1:" + strict.server().adminPort() + "/");
            awaitShown("#sign-in-token");
            for (int i = 0; i < 2; i++) {
                signIn("guess-" + i);
                awaitText("#sign-in-token-error", "not accepted");
                driver.executeScript("document.querySelector('#sign-in-token-error').textContent = ''");
            }
            signIn(token);
            awaitText("#sign-in-token-error", "Wait a minute");
            assertFalse(shown("#tabs"), "the right token, from the address that guessed, waits too");
            Browser.screenshot(driver, "admin-sign-in-429");
        }
    }

    @Test
    void enablingShowsThePinOnceAndTheListOnlyTheMask() throws Exception {
        signInAsAdmin();
        String email = newEmail("enabled");
        el("#enable-panel summary").click();
        fill("#enable-email", email);
        fill("#enable-name", "Amos Marble");
        el("#enable-submit").click();

        String pin = readSecretAndClose("admin-pin-dialog");
        assertTrue(pin.matches("\\d{4,12}"), pin);
        awaitText(userRow(email) + " td.pin", "*****");
        assertEquals("*****", http.send("GET", "/api/users/" + email, adminToken, null).json().path("pin").asText());

        // The same address again: the API's 409 appears at the form.
        el("#enable-panel summary").click();
        if (!el("#enable-email").isDisplayed()) {
            el("#enable-panel summary").click();
        }
        fill("#enable-email", email);
        fill("#enable-name", "Amos Marble");
        el("#enable-submit").click();
        await("the conflict is shown").atMost(UI).until(() ->
                !el("#enable-form [data-error-for=\"_form\"]").getText().isBlank()
                        || !el("#enable-email-error").getText().isBlank());
        assertFalse(shown("#secret-dialog"));
    }

    @Test
    void sipCredentialsATokenAndDisablingWorkFromTheKeyboardAlone() throws Exception {
        String[] user = enabledUser("keyboard");
        String email = user[0];
        String password = "correct horse battery";
        fill("#sign-in-token", adminToken + Keys.ENTER);
        awaitShown(userRow(email));

        // SIP credentials: the password is sent and then gone from the page.
        el(userRow(email) + " button[data-action=\"sip\"]").sendKeys(Keys.ENTER);
        awaitShown("#sip-dialog");
        assertEquals(el("#sip-username"), driver.switchTo().activeElement(), "the dialog takes the focus");
        driver.switchTo().activeElement().sendKeys("keyboard-user" + Keys.TAB + password + Keys.ENTER);
        await("the dialog closes").atMost(UI).until(() -> !shown("#sip-dialog"));
        awaitText(userRow(email), "keyboard-user");
        assertEquals("", el("#sip-password").getAttribute("value"), "the password field is cleared");
        assertFalse(driver.getPageSource().contains(password));
        var stored = http.send("GET", "/api/users/" + email, adminToken, null).json();
        assertTrue(stored.path("sipCredentialsSet").asBoolean(), stored.toString());

        // A too short password: the API's 400 appears at the password field.
        el(userRow(email) + " button[data-action=\"sip\"]").sendKeys(Keys.ENTER);
        awaitShown("#sip-dialog");
        fill("#sip-password", "short" + Keys.ENTER);
        awaitText("#sip-password-error", "password");
        assertEquals("", el("#sip-password").getAttribute("value"));
        driver.switchTo().activeElement().sendKeys(Keys.ESCAPE);
        await("Escape closes the dialog").atMost(UI).until(() -> !shown("#sip-dialog"));

        // A user token, shown once; Escape closes the dialog and takes the token off the page.
        el(userRow(email) + " button[data-action=\"token\"]").sendKeys(Keys.ENTER);
        awaitShown("#secret-dialog");
        await("the token is shown").atMost(UI).until(() -> !el("#secret-value").getText().isBlank());
        String token = el("#secret-value").getText().trim();
        driver.switchTo().activeElement().sendKeys(Keys.ESCAPE);
        await("Escape closes the dialog").atMost(UI).until(() -> !shown("#secret-dialog"));
        assertFalse(driver.getPageSource().contains(token), "the token is gone from the page");
        assertEquals(200, http.send("GET", "/api/me", token, null).status(), "the token works");

        // Disable, after the browser's confirmation.
        el(userRow(email) + " button[data-action=\"disable\"]").sendKeys(Keys.ENTER);
        await("the confirmation").atMost(UI).ignoreExceptions().until(() -> {
            driver.switchTo().alert().accept();
            return true;
        });
        awaitText(userRow(email), "Disabled");
        assertFalse(http.send("GET", "/api/users/" + email, adminToken, null).json().path("enabled").asBoolean());
    }

    @Test
    void aResetPinIsMailedToTheOverrideAndOnlyTheNewPinWorksOnTheCall() throws Exception {
        String[] user = enabledUser("reset");
        String email = user[0];
        String id = user[1];
        String oldPin = user[2];
        String override = "override." + email.substring(0, email.indexOf('@')) + "@hotmail.example";

        signInAsAdmin();
        click(userRow(email) + " button[data-action=\"reset\"]");
        awaitShown("#reset-dialog");
        el("#reset-send").click();
        fill("#reset-to", override);
        Browser.screenshot(driver, "admin-reset");
        el("#reset-submit").click();
        awaitText("#secret-mail", override);
        String newPin = readSecretAndClose(null);
        assertNotEquals(oldPin, newPin);
        assertTrue(newPin.matches("\\d{4,12}"), newPin);

        await("the reset mail reaches the override address").atMost(UI).until(() ->
                Arrays.stream(smtp.getReceivedMessages()).anyMatch(m -> sentTo(m, override)));
        MimeMessage mail = Arrays.stream(smtp.getReceivedMessages()).filter(m -> sentTo(m, override)).findFirst().orElseThrow();
        String body = GreenMailUtil.getBody(mail);
        assertTrue(body.contains(newPin), "the mail carries the new PIN");
        assertFalse(body.contains(oldPin), "and not the old one");

        TestPhone organizer = bridge.newPhone("organizer");
        organizerDialsInWithPin(organizer, id, oldPin);
        awaitBridgeSpeaksAfter(organizer, System.nanoTime());
        assertFalse(bridge.status(id).started(), "the old PIN is refused");
        type(organizer, newPin + "#");
        await("the new PIN starts the meeting").atMost(IVR_STEP).until(() -> {
            Meeting.Status s = bridge.status(id);
            return s.started() && s.participantCount() == 1;
        });
    }

    private static boolean sentTo(MimeMessage message, String address) {
        try {
            return address.equals(message.getRecipients(Message.RecipientType.TO)[0].toString());
        } catch (Exception e) {
            return false;
        }
    }

    @Test
    void settingsShowTheApisRefusalAtTheField() throws Exception {
        int before = http.send("GET", "/api/settings", adminToken, null).json().path("pinLength").asInt();
        signInAsAdmin();
        el("#tab-settings").click();
        awaitShown("#set-pinLength");
        await("settings loaded").atMost(UI).until(() -> !el("#set-pinLength").getAttribute("value").isEmpty());
        assertTrue(el("#set-pinLength-note").getText().contains("new PINs only"), el("#set-pinLength-note").getText());

        fill("#set-pinLength", "13");
        el("#settings-submit").click();
        awaitText("#set-pinLength-error", "pinLength");
        assertTrue(el("#set-pinLength-error").getText().contains("4–12"), el("#set-pinLength-error").getText());
        assertEquals("true", el("#set-pinLength").getAttribute("aria-invalid"));
        assertEquals(el("#set-pinLength"), driver.switchTo().activeElement(), "focus moves to the refused field");
        Browser.screenshot(driver, "admin-settings");
        assertEquals(before, http.send("GET", "/api/settings", adminToken, null).json().path("pinLength").asInt());

        try {
            fill("#set-pinLength", "6");
            fill("#set-dialInNumbers", "+1 425 555 0100 (US)\n+86 10 5555 0100");
            el("#settings-submit").click();
            awaitText("#settings-saved", "Saved");
            assertEquals("", el("#set-pinLength-error").getText());
            var settings = http.send("GET", "/api/settings", adminToken, null).json();
            assertEquals(6, settings.path("pinLength").asInt());
            assertEquals("+86 10 5555 0100", settings.path("dialInNumbers").path(1).asText());
        } finally {
            http.send("PATCH", "/api/settings", adminToken, "{\"pinLength\":" + before + ",\"dialInNumbers\":[]}");
        }
    }

    @Test
    void theOrganizersPageStartsTheMeetingWhileACallerWaitsInTheLobby() throws Exception {
        String[] user = enabledUser("organizer");
        String id = user[1];
        String token = userToken(user[0]);
        http.send("PATCH", "/api/settings", adminToken, "{\"dialInNumbers\":[\"+1 425 555 0100\"]}");
        try {
            TestPhone guest = bridge.newPhone("guest");
            dialAndAnswered(guest, id);
            await("the guest waits in the lobby").atMost(IVR_STEP).until(() -> bridge.status(id).lobbyCount() == 1);

            signIn(token);
            String card = ".meeting-card[data-conference-id=\"" + id + "\"]";
            awaitShown(card);
            awaitText(card + " .lobby-count", "1");
            awaitText(card + " .lobby-list", "Waiting since");
            assertEquals("guest", el(card + " .lobby-list .caller").getText(), "who waits: the caller ID");
            String text = el(card).getText();
            assertTrue(text.contains("sip:" + id + "@127.0.0.1:" + bridge.sipPort()), text);
            assertTrue(text.contains("+1 425 555 0100"), text);
            assertFalse(shown("#tabs"), "no admin sections for a user");
            assertFalse(driver.getPageSource().contains("data-action=\"reset\""), "no PIN reset here");
            Browser.screenshot(driver, "organizer-page");

            driver.manage().window().setSize(new Dimension(375, 812));
            await("fits 375 px").atMost(UI).until(() ->
                    ((Number) driver.executeScript("return document.documentElement.scrollWidth")).intValue() <= 375);
            Browser.screenshot(driver, "organizer-page-375px");

            click(card + " button[data-action=\"start\"]");
            await("the meeting starts and the guest is admitted").atMost(IVR_STEP).until(() -> {
                Meeting.Status s = bridge.status(id);
                return s.started() && s.participantCount() == 1 && s.lobbyCount() == 0;
            });
            awaitText(card + " .state", "In progress");
            awaitText(card + " .participant-count", "1");
        } finally {
            http.send("PATCH", "/api/settings", adminToken, "{\"dialInNumbers\":[]}");
        }
    }

    @Test
    void theOrganizersPageShowsWhoIsSpeaking() throws Exception {
        String[] user = enabledUser("speaker");
        String id = user[1];
        signIn(userToken(user[0]));
        String card = ".meeting-card[data-conference-id=\"" + id + "\"]";
        awaitText(card + " .talkers", "Nobody is speaking");
        assertEquals(200, http.send("POST", "/api/meetings/" + id + "/start", adminToken, null).status());
        TestPhone talker = bridge.newPhone("talker-on-page");
        TestPhone silent = bridge.newPhone("silent-on-page");
        dialAndAnswered(talker, id);
        dialAndAnswered(silent, id);
        await("both in the meeting").atMost(IVR_STEP).until(() -> bridge.status(id).participantCount() == 2);

        talker.startTone(1000, -12);
        awaitText(card + " .talkers .talker", "talker-on-page");
        assertFalse(el(card + " .talkers").getText().contains("silent-on-page"), el(card + " .talkers").getText());
        Browser.screenshot(driver, "organizer-page-speaking");
        talker.stopTone();
        talker.startSilence();
        awaitText(card + " .talkers", "Nobody is speaking");
    }

    @Test
    void aUserTokenSeesNothingOfOtherUsers() throws Exception {
        String[] mine = enabledUser("mine");
        String[] other = enabledUser("other");
        signIn(userToken(mine[0]));
        awaitShown(".meeting-card[data-conference-id=\"" + mine[1] + "\"]");
        String page = driver.getPageSource();
        assertFalse(page.contains(other[0]), "no other user's address");
        assertFalse(page.contains(other[1]), "no other user's meeting");
        assertFalse(page.contains("demo@example.com"));
        assertFalse(shown("#tabs"));

        @SuppressWarnings("unchecked")
        Map<String, Object> statuses = (Map<String, Object>) driver.executeAsyncScript(
                "const done = arguments[arguments.length - 1];"
                        + "const h = { Authorization: 'Bearer ' + sessionStorage.getItem('confbridge.token') };"
                        + "Promise.all(['/api/users', '/api/meetings', '/api/meetings/' + arguments[0], '/api/audit']"
                        + ".map(p => fetch(p, { headers: h }).then(r => r.status)))"
                        + ".then(s => done({ users: s[0], meetings: s[1], other: s[2], audit: s[3] }));", other[1]);
        assertEquals(Map.of("users", 403L, "meetings", 403L, "other", 403L, "audit", 403L), statuses);
    }

    @Test
    void theMeetingListUpdatesLiveAndDrivesTheMeeting() throws Exception {
        String[] user = enabledUser("meetings");
        signInAsAdmin();
        el("#tab-meetings").click();
        el("#create-panel summary").click();
        fill("#create-organizer", user[0]);
        new Select(el("#create-admissionMode")).selectByValue("organizer");
        new Select(el("#create-requirePinToStart")).selectByValue("true");
        el("#create-submit").click();
        await("the new meeting is listed").atMost(UI).until(() ->
                http.send("GET", "/api/meetings", adminToken, null).json().findValues("organizerEmail").stream()
                        .filter(e -> e.asText().equals(user[0])).count() == 2);
        String id = null;
        for (var meeting : http.send("GET", "/api/meetings", adminToken, null).json()) {
            if (meeting.path("organizerEmail").asText().equals(user[0]) && meeting.path("admissionMode").asText().equals("organizer")) {
                id = meeting.path("conferenceId").asText();
            }
        }
        String row = "#meetings-body tr[data-conference-id=\"" + id + "\"]";
        awaitText(row + " .lobby-count", "0");
        driver.executeScript("window.notReloaded = true;");

        String meetingId = id;
        TestPhone guest = bridge.newPhone("guest");
        dialAndAnswered(guest, meetingId);
        awaitText(row + " .lobby-count", "1");
        awaitText(row + " .state", "Callers waiting");
        assertEquals(Boolean.TRUE, driver.executeScript("return window.notReloaded === true"), "no reload");
        Browser.screenshot(driver, "admin-meetings");

        click(row + " button[data-action=\"start\"]");
        awaitText(row + " .state", "In progress");
        assertEquals(1, bridge.status(meetingId).lobbyCount(), "admission by the organizer: the lobby still waits");
        click(row + " button[data-action=\"admit\"]");
        awaitText(row + " .participant-count", "1");
        awaitText(row + " .lobby-count", "0");
        assertEquals(1, bridge.status(meetingId).participantCount());
    }

    @Test
    void theAuditLogFiltersAndNeverShowsAPin() throws Exception {
        String[] user = enabledUser("audited");
        signInAsAdmin();
        el("#tab-audit").click();
        awaitShown("#audit-body tr[data-id]");
        fill("#audit-action", "user.enable");
        fill("#audit-target", user[0]);
        el("#audit-filter").click();
        await("only the one line").atMost(UI).until(() ->
                driver.findElements(By.cssSelector("#audit-body tr[data-id]")).size() == 1
                        && el("#audit-body").getText().contains(user[0]));
        assertFalse(el("#audit-body").getText().contains(user[2]), "never a PIN");
        Browser.screenshot(driver, "admin-audit");
    }

    @Test
    void theChineseUiRenders() {
        // A browser whose language is Chinese gets the Chinese page without choosing.
        String userAgent = (String) driver.executeScript("return navigator.userAgent");
        driver.executeCdpCommand("Emulation.setUserAgentOverride", Map.of("userAgent", userAgent, "acceptLanguage", "zh-CN"));
        try {
            driver.navigate().refresh();
            assertEquals("zh-CN", driver.executeScript("return navigator.language"));
            awaitText("#sign-in-title", "登录");
            assertEquals("zh", el("#lang").getAttribute("value"));
        } finally {
            driver.executeCdpCommand("Emulation.setUserAgentOverride", Map.of("userAgent", userAgent, "acceptLanguage", "en-US"));
        }
        driver.navigate().refresh();
        awaitText("#sign-in-title", "Sign in");

        new Select(el("#lang")).selectByValue("zh");
        awaitText("#sign-in-title", "登录");
        signIn(adminToken);
        awaitShown("#tab-users");
        assertEquals("zh-CN", el("html").getAttribute("lang"));
        assertEquals("confbridge 管理中心", el("h1").getText());
        assertEquals("用户", el("#tab-users").getText());
        assertEquals("设置", el("#tab-settings").getText());
        awaitText("#users-table thead", "电子邮件");
        Browser.screenshot(driver, "admin-zh");

        el("#tab-settings").click();
        awaitText("#set-pinLength-note", "仅适用于新 PIN");
        Browser.screenshot(driver, "admin-settings-zh");

        driver.navigate().refresh();
        awaitShown("#tab-users");
        assertEquals("用户", el("#tab-users").getText(), "the choice is kept");
    }
}
