package io.confbridge.server.admin;

import io.confbridge.server.support.Browser;
import io.confbridge.server.support.ClusterNodes;
import io.confbridge.server.support.RunningBridge;
import io.confbridge.server.support.TestMeeting;
import io.confbridge.store.support.PostgresTestSchema;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;
import org.openqa.selenium.Dimension;
import org.openqa.selenium.StaleElementReferenceException;
import org.openqa.selenium.chrome.ChromeDriver;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

import static io.confbridge.server.support.DialInSteps.IVR_STEP;
import static io.confbridge.server.support.DialInSteps.dialAndAnswered;
import static io.confbridge.server.support.DialInSteps.organizerDialsInWithPin;
import static org.awaitility.Awaitility.await;

/**
 * The admin center of one node shows a meeting whose callers are on two nodes (issue 12 §5): the counts
 * over both, and each node's share. Nodes on 127.0.0.2 and 127.0.0.3 share one PostgreSQL schema; needs
 * {@code BRIDGE_TEST_PG_URL} and Chromium (skipped without them, failing under {@code CI=true}).
 */
class ClusterAdminCenterBrowserTest {
    private static final Duration UI = Duration.ofSeconds(15);

    private PostgresTestSchema schema;
    private ChromeDriver driver;

    @AfterEach
    void stop() {
        if (driver != null) {
            driver.quit();
        }
        if (schema != null) {
            schema.drop();
        }
    }

    private RunningBridge node(Path dataDir, String nodeId, String loopback, RunningBridge samePortsAs) throws Exception {
        return ClusterNodes.node(schema, dataDir, nodeId, loopback, samePortsAs).start();
    }

    @Test
    void theMeetingListOfOneNodeCountsTheCallersOfEveryNode(@TempDir Path dir2, @TempDir Path dir3) throws Exception {
        Browser.assumeAvailable();
        schema = PostgresTestSchema.createOrSkipOutsideCi("cluster_ui_");
        try (RunningBridge node2 = node(dir2, "node-2", "127.0.0.2", null);
             RunningBridge node3 = node(dir3, "node-3", "127.0.0.3", node2)) {
            TestMeeting meeting = node2.newMeeting(true);
            String id = meeting.conferenceId();
            dialAndAnswered(node2.newPhone("caller"), id);
            await("the caller waits on node 2").atMost(IVR_STEP).until(() -> node2.status(id).lobbyCount() == 1);
            organizerDialsInWithPin(node3.newPhone("organizer"), id, meeting.organizerPin());
            await("both are in").atMost(IVR_STEP).until(() -> node2.status(id).participantCount() == 1
                    && node3.status(id).participantCount() == 1);

            String host = node3.overrides().getOrDefault("admin.bindAddress", "127.0.0.1");
            String token = Files.readString(dir3.resolve(AdminToken.FILE_NAME), StandardCharsets.US_ASCII).trim();
            driver = Browser.start();
            driver.manage().window().setSize(new Dimension(1280, 900));
            driver.get("http://" + host + ":" + node3.server().adminPort() + "/");
            await("sign-in shown").atMost(UI).until(() -> driver.findElement(By.cssSelector("#sign-in-token")).isDisplayed());
            driver.findElement(By.cssSelector("#sign-in-token")).sendKeys(token);
            driver.findElement(By.cssSelector("#sign-in-submit")).click();
            await("signed in").atMost(UI).ignoreExceptions()
                    .until(() -> driver.findElement(By.cssSelector("#tab-meetings")).isDisplayed());
            driver.findElement(By.cssSelector("#tab-meetings")).click();
            String row = "#meetings-body tr[data-conference-id=\"" + id + "\"]";
            await("node 3's list counts the callers of both nodes").atMost(UI)
                    .ignoreException(StaleElementReferenceException.class).ignoreExceptions()
                    .until(() -> driver.findElement(By.cssSelector(row + " .participant-count")).getText().equals("2")
                            && driver.findElement(By.cssSelector(row + " .nodes")).getText()
                            .equals("By node: node-2: 1 in, 0 waiting; node-3: 1 in, 0 waiting"));
            Browser.screenshot(driver, "cluster-meetings");
        }
    }
}
