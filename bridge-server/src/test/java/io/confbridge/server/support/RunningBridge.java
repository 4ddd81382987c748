package io.confbridge.server.support;

import io.confbridge.meeting.Meeting;
import io.confbridge.config.ConfigLoader;
import io.confbridge.admin.Provisioning;
import io.confbridge.server.BridgeServer;
import io.confbridge.sip.support.FreePorts;
import io.confbridge.store.MeetingPolicyOverrides;
import io.confbridge.store.MeetingRecord;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.BindException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A whole bridge started for one test the way {@code java -jar} starts it ({@link BridgeServer#start} on a
 * loaded config), on loopback ports of its own, with a data directory the test owns, cheap PIN hashing and
 * a short organizer-star window. Its directory is the SQLite file in the data directory, or, in the
 * PostgreSQL run of the suite, a PostgreSQL schema of the data directory's own ({@link TestStore}).
 * Closes the phones it made, then the bridge.
 *
 * <pre>{@code
 * try (RunningBridge bridge = RunningBridge.in(tempDir).start()) {
 *     TestMeeting meeting = bridge.newMeeting(true);
 *     TestPhone phone = bridge.newPhone("alice");
 *     ...
 * }
 * }</pre>
 */
public final class RunningBridge implements AutoCloseable {
    private static final AtomicInteger ORGANIZERS = new AtomicInteger();
    private static final int START_ATTEMPTS = 3;
    private static final HttpClient ADMIN_HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    private final BridgeServer server;
    private final Map<String, String> overrides;
    private final Path dataDir;
    private final List<TestPhone> phones = new ArrayList<>();
    private final Map<Long, String> organizerEmails = new ConcurrentHashMap<>();

    private RunningBridge(BridgeServer server, Map<String, String> overrides, Path dataDir) {
        this.server = server;
        this.overrides = overrides;
        this.dataDir = dataDir;
    }

    /** A bridge whose data directory (SQLite database, pepper) is {@code dataDir}. */
    public static Builder in(Path dataDir) {
        return new Builder(dataDir);
    }

    /** Collects config overrides (dotted keys) over the test defaults, then starts. */
    public static final class Builder {
        private final Path dataDir;
        private final Map<String, String> overrides = new LinkedHashMap<>();

        private Builder(Path dataDir) {
            this.dataDir = dataDir;
            // Argon2id below OWASP's floor, which only the test-only loader accepts: the tests check
            // behaviour, not hashing cost.
            overrides.put("security.argon2MemoryKiB", "8192");
            overrides.put("security.argon2Iterations", "1");
            // An ephemeral admin port, so that parallel bridges and a developer's own bridge never collide.
            overrides.put("admin.port", "0");
            // Callers who are not organizers sit out this window before the lobby; 3 s by default.
            overrides.put("ivr.organizerStarWaitMs", "500");
            // Every test call comes from 127.0.0.1, many in a burst: the flood limits (issue 9 §2) out of the
            // way, as for a load test; a test of a limit sets that key itself with with(...).
            overrides.put("limits.invitesPerSecondPerSource", "100000");
            overrides.put("limits.inviteBurstPerSource", "100000");
            overrides.put("limits.invitesPerSecond", "100000");
            overrides.put("limits.callsPerSource", "100000");
            overrides.put("limits.registersPerSecondPerSource", "10000");
            overrides.put("limits.conferenceIdFailuresPerSource", "10000");
        }

        /**
         * Binds SIP, RTP and the admin API to {@code loopback} (127.0.0.2, 127.0.0.3...), so that several
         * bridges (cluster nodes) can run in one test on the same ports.
         */
        public Builder on(String loopback) {
            overrides.put("sip.bindAddress", loopback);
            overrides.put("rtp.bindAddress", loopback);
            overrides.put("admin.bindAddress", loopback);
            return this;
        }

        /**
         * The SIP, TLS and RTP ports of {@code other}: cluster nodes on distinct loopback addresses run on the
         * same ports, as nodes on separate machines would.
         */
        public Builder samePortsAs(RunningBridge other) {
            for (String key : new String[] {"sip.port", "sip.tlsPort", "rtp.portMin", "rtp.portMax"}) {
                overrides.put(key, other.overrides().get(key));
            }
            return this;
        }

        public Builder with(String key, String value) {
            overrides.put(key, value);
            return this;
        }

        /** Starts the bridge; ports are chosen here and chosen again if another process took one meanwhile. */
        public RunningBridge start() throws Exception {
            Exception last = null;
            Optional<String> jdbcUrl = TestStore.jdbcUrlFor(dataDir);
            for (int attempt = 0; attempt < START_ATTEMPTS; attempt++) {
                Map<String, String> effective = new LinkedHashMap<>();
                effective.put("dataDir", dataDir.toString());
                jdbcUrl.ifPresent(url -> effective.put("store.jdbcUrl", url));
                int[] sipPorts = FreePorts.sipPorts(2);
                effective.put("sip.port", Integer.toString(sipPorts[0]));
                effective.put("sip.tlsPort", Integer.toString(sipPorts[1]));
                int rtpStart = FreePorts.rtpBlockStart();
                effective.put("rtp.portMin", Integer.toString(rtpStart));
                effective.put("rtp.portMax", Integer.toString(rtpStart + FreePorts.RTP_BLOCK_SIZE - 1));
                effective.putAll(overrides);
                try {
                    BridgeServer server = BridgeServer.start(ConfigLoader.loadAllowingWeakArgon2ForTestsOnly(null, effective));
                    return new RunningBridge(server, Map.copyOf(effective), dataDir);
                } catch (Exception e) {
                    if (!causedByBind(e)) {
                        throw e;
                    }
                    last = e;
                }
            }
            throw last;
        }

        private static boolean causedByBind(Throwable e) {
            for (Throwable t = e; t != null; t = t.getCause()) {
                if (t instanceof BindException) {
                    return true;
                }
            }
            return false;
        }
    }

    public BridgeServer server() {
        return server;
    }

    public int sipPort() {
        return Integer.parseInt(overrides.get("sip.port"));
    }

    public Path dataDir() {
        return dataDir;
    }

    /** The overrides the bridge was started with, chosen ports included. */
    public Map<String, String> overrides() {
        return overrides;
    }

    /** Enables a fresh organizer and creates one meeting of theirs, with the tenant's default policy. */
    public TestMeeting newMeeting(boolean requirePinToStart) {
        return newMeeting(requirePinToStart, MeetingPolicyOverrides.NONE);
    }

    /** Enables a fresh organizer and creates one meeting of theirs with the policy values given (null: default). */
    public TestMeeting newMeeting(boolean requirePinToStart, MeetingPolicyOverrides policy) {
        Provisioning provisioning = server.provisioning();
        int n = ORGANIZERS.incrementAndGet();
        String email = "organizer" + n + "@example.test";
        Provisioning.EnabledOrganizer organizer = provisioning.enableOrganizer(email, "Organizer " + n);
        organizerEmails.put(organizer.organizer().id(), email);
        MeetingRecord meeting = provisioning.createMeeting(organizer.organizer().id(), requirePinToStart, policy);
        return new TestMeeting(meeting.conferenceId(), organizer.organizer().id(), organizer.pin());
    }

    /**
     * Gives an organizer (one made by {@link #newMeeting}) the SIP account {@code username} /
     * {@code password} in the bridge's realm, the way the administrator does: through the admin API, so
     * that the bridge's in-memory SIP accounts hear of it.
     */
    public void setSipCredentials(long organizerId, String username, String password) {
        String email = organizerEmails.get(organizerId);
        if (email == null) {
            throw new IllegalArgumentException("organizer " + organizerId + " was not made by this bridge's newMeeting");
        }
        AdminReply reply = admin("PUT", "/api/users/" + email + "/sip-credentials",
                "{\"username\":\"" + username + "\",\"password\":\"" + password + "\"}");
        if (reply.status() != 200) {
            throw new IllegalStateException("setting SIP credentials failed: " + reply.status() + " " + reply.body());
        }
    }

    /** The e-mail of an organizer made by {@link #newMeeting}, for admin API paths. */
    public String organizerEmail(long organizerId) {
        String email = organizerEmails.get(organizerId);
        if (email == null) {
            throw new IllegalArgumentException("organizer " + organizerId + " was not made by this bridge's newMeeting");
        }
        return email;
    }

    public Meeting.Status status(String conferenceId) {
        return server.meetingStatus(conferenceId);
    }

    /** A reply of the admin API: its status and raw JSON body. */
    public record AdminReply(int status, String body) {
    }

    /**
     * Calls the bridge's own admin API over HTTP on loopback as the administrator, with the token the
     * bridge saved in {@code <dataDir>/admin-token} at first start: settings a test needs that only an
     * administrator can make, made the way an administrator makes them.
     *
     * @param jsonBody the request body, or null for none
     */
    public AdminReply admin(String method, String path, String jsonBody) {
        try {
            String token = Files.readString(dataDir.resolve("admin-token")).trim();
            HttpRequest.Builder request = HttpRequest.newBuilder(
                            URI.create("http://" + adminHost() + ":" + server.adminPort() + path))
                    .timeout(Duration.ofSeconds(30))
                    .header("Authorization", "Bearer " + token)
                    .method(method, jsonBody == null ? HttpRequest.BodyPublishers.noBody()
                            : HttpRequest.BodyPublishers.ofString(jsonBody));
            if (jsonBody != null) {
                request.header("Content-Type", "application/json");
            }
            HttpResponse<String> response = ADMIN_HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString());
            return new AdminReply(response.statusCode(), response.body());
        } catch (IOException e) {
            throw new UncheckedIOException(method + " " + path, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted: " + method + " " + path, e);
        }
    }

    /** The admin API's base address ({@code http://host:port}), for clients of its own (event streams). */
    public String adminUrl() {
        return "http://" + adminHost() + ":" + server.adminPort();
    }

    /** The administrator's token, saved in {@code <dataDir>/admin-token} at first start. */
    public String adminToken() {
        try {
            return Files.readString(dataDir.resolve("admin-token")).trim();
        } catch (IOException e) {
            throw new UncheckedIOException("read the admin token", e);
        }
    }

    private String adminHost() {
        String host = overrides.getOrDefault("admin.bindAddress", "127.0.0.1");
        return host.contains(":") ? "[" + host + "]" : host;
    }

    /** A phone pointed at this bridge, on the bridge's own loopback address; closed with it. */
    public TestPhone newPhone(String name) {
        return newPhone(name, overrides.getOrDefault("sip.bindAddress", "127.0.0.1"));
    }

    /** A phone on {@code loopback} ("::1" for a bridge with {@code sip.bindAddress=::1}); closed with the bridge. */
    public TestPhone newPhone(String name, String loopback) {
        TestPhone phone = new TestPhone(name, sipPort(), loopback);
        synchronized (phones) {
            phones.add(phone);
        }
        return phone;
    }

    /**
     * Stops the bridge without leaving the cluster, as SIGKILL would: its row in the nodes table stays up
     * and unrenewed, until the other nodes count it gone after {@code cluster.nodeTimeoutMs}.
     */
    public void killWithoutLeaving() {
        server.membership().ifPresent(io.confbridge.server.cluster.NodeMembership::stopWithoutLeaving);
        close();
    }

    @Override
    public void close() {
        synchronized (phones) {
            phones.forEach(TestPhone::close);
            phones.clear();
        }
        server.close();
    }
}
