package io.confbridge.server.ops;

import io.confbridge.server.support.RunningBridge;
import io.confbridge.server.support.TestMeeting;
import io.confbridge.server.support.TestPhone;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static io.confbridge.server.support.DialInSteps.IVR_STEP;
import static io.confbridge.server.support.DialInSteps.organizerDialsInWithPin;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Issue 10 §4 and §5: {@code /metrics} after a real SIP call, and the health checks, on the admin listener. */
class MetricsAndHealthTest {
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    @TempDir
    Path dataDir;

    @Test
    void healthAnswersWithoutTokenAndMetricsMoveWithARealCall() throws Exception {
        try (RunningBridge bridge = RunningBridge.in(dataDir).start()) {
            HttpResponse<String> live = get(bridge, "/health/live", null);
            assertEquals(200, live.statusCode());
            assertTrue(live.body().contains("\"live\""), live.body());
            HttpResponse<String> ready = get(bridge, "/health/ready", null);
            assertEquals(200, ready.statusCode(), ready.body());

            String before = get(bridge, "/metrics", null).body();
            for (String name : new String[] {"confbridge_calls_active{stage=\"ivr\"}",
                    "confbridge_calls_active{stage=\"lobby\"}", "confbridge_calls_active{stage=\"meeting\"}",
                    "confbridge_calls_total{outcome=\"completed\"}", "confbridge_calls_total{outcome=\"rejected\"}",
                    "confbridge_calls_total{outcome=\"failed\"}", "confbridge_meetings_active",
                    "confbridge_pin_attempts_total{result=\"accepted\"}", "confbridge_pin_attempts_total{result=\"rejected\"}",
                    "confbridge_pin_attempts_total{result=\"locked\"}", "confbridge_lockouts_total{kind=\"organizer\"}",
                    "confbridge_lockouts_total{kind=\"source\"}", "confbridge_lockouts_total{kind=\"digest\"}",
                    "confbridge_sip_requests_total{method=\"INVITE\"}",
                    "confbridge_rtp_packets_total{direction=\"in\"}", "confbridge_rtp_packets_total{direction=\"out\"}",
                    "confbridge_rtp_dropped_total{reason=\"foreign_source\"}",
                    "confbridge_rtp_dropped_total{reason=\"malformed\"}",
                    "confbridge_rtp_dropped_total{reason=\"srtp_auth\"}", "confbridge_rtp_dropped_total{reason=\"replay\"}",
                    "confbridge_rtp_lost_total", "confbridge_rtp_jitter_seconds_count",
                    "confbridge_media_tick_lateness_seconds_bucket", "confbridge_media_tick_lateness_seconds_count",
                    "jvm_memory_used_bytes"}) {
                assertTrue(before.contains(name), "missing " + name + " in\n" + before);
            }
            assertEquals(0, value(before, "confbridge_sip_requests_total{method=\"INVITE\"}"));

            TestMeeting meeting = bridge.newMeeting(true);
            TestPhone organizer = bridge.newPhone("organizer");
            organizerDialsInWithPin(organizer, meeting.conferenceId(), meeting.organizerPin());
            await("organizer in the meeting, as the metrics show it").atMost(IVR_STEP).untilAsserted(() -> {
                String now = get(bridge, "/metrics", null).body();
                assertEquals(1, value(now, "confbridge_calls_active{stage=\"meeting\"}"), now);
                assertEquals(1, value(now, "confbridge_meetings_active"));
                assertEquals(1, value(now, "confbridge_pin_attempts_total{result=\"accepted\"}"));
                assertTrue(value(now, "confbridge_sip_requests_total{method=\"INVITE\"}") >= 1);
                assertTrue(value(now, "confbridge_sip_responses_total{code=\"200\"}") >= 1);
                assertTrue(value(now, "confbridge_rtp_packets_total{direction=\"out\"}") > 0);
                assertTrue(value(now, "confbridge_rtp_packets_total{direction=\"in\"}") > 0);
                assertTrue(value(now, "confbridge_media_tick_lateness_seconds_count") > 0);
            });

            organizer.hangUp();
            await("the call counted as completed").atMost(IVR_STEP).untilAsserted(() -> {
                String after = get(bridge, "/metrics", null).body();
                assertEquals(1, value(after, "confbridge_calls_total{outcome=\"completed\"}"), after);
                assertEquals(0, value(after, "confbridge_calls_active{stage=\"meeting\"}"));
                assertEquals(1, value(after, "confbridge_rtp_jitter_seconds_count"));
                assertTrue(value(after, "confbridge_sip_requests_total{method=\"BYE\"}") >= 1);
                // the ended call's packets stay counted
                assertTrue(value(after, "confbridge_rtp_packets_total{direction=\"out\"}") > 0);
            });
        }
    }

    @Test
    void metricsTokenWhenSetIsRequired() throws Exception {
        try (RunningBridge bridge = RunningBridge.in(dataDir).with("admin.metricsToken", "scrape-secret-1").start()) {
            assertEquals(401, get(bridge, "/metrics", null).statusCode());
            assertEquals(401, get(bridge, "/metrics", "wrong").statusCode());
            HttpResponse<String> ok = get(bridge, "/metrics", "scrape-secret-1");
            assertEquals(200, ok.statusCode());
            assertTrue(ok.headers().firstValue("Content-Type").orElse("").startsWith("text/plain"));
            assertTrue(ok.body().contains("confbridge_calls_active"));
            assertEquals(200, get(bridge, "/health/ready", null).statusCode(), "health needs no token");
        }
    }

    static HttpResponse<String> get(RunningBridge bridge, String path, String token) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(
                URI.create("http://127.0.0.1:" + bridge.server().adminPort() + path)).timeout(Duration.ofSeconds(10));
        if (token != null) {
            request.header("Authorization", "Bearer " + token);
        }
        return HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    /** A sample's value from the Prometheus text format; fails when the sample is absent. */
    static double value(String scrape, String sample) {
        Matcher m = Pattern.compile("(?m)^" + Pattern.quote(sample) + " (\\S+)$").matcher(scrape);
        assertTrue(m.find(), "no sample " + sample);
        return Double.parseDouble(m.group(1));
    }
}
