package io.confbridge.server.admin;

import io.confbridge.server.support.LogCapture;
import io.confbridge.server.support.RunningBridge;
import io.confbridge.support.FuzzSeed;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertAll;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Hostile HTTP against the admin listener, which the organizer's app reaches and so may face the internet:
 * {@code fuzz.httpCases} (3,000 by default) mutations of the admin center's real requests, with flipped
 * bytes, odd methods, paths with {@code ..}, bad {@code %}-escapes and NULs, JSON of the wrong type, nested
 * 5,000 deep, huge numbers or invalid UTF-8, bodies past 64 KiB, broken or conflicting framing headers, and
 * tokens that are missing, altered or of the wrong kind.
 *
 * <p>Every answer must be a client error or a success, never a 5xx but 503 (busy), and no request gets a
 * 2xx from {@code /api} without the exact admin or user token it was sent with. At the end the listener
 * still answers, and nothing reached the log at ERROR (where an unexpected failure goes, with its 500).
 * Seeded: the seed is in every failure message, and {@code -Dfuzz.seed=N} replays a run's requests.
 */
class AdminHttpFuzzTest {
    private static final long SEED = FuzzSeed.orDefault(-2290717330412658339L);
    private static final int CASES = Integer.getInteger("fuzz.httpCases", 3_000);
    /** Requests in flight at once: more than the API's two workers, fewer than its queue. */
    private static final int SENDERS = 6;

    @TempDir
    Path dataDir;

    /** One request as the admin center sends it; the body is null for none. */
    private record Template(String method, String path, String body, Auth auth) {
    }

    private enum Auth { ADMIN, USER, NONE }

    private record Outcome(int status, String request) {
    }

    @Test
    void hostileRequestsGetClientErrorsAndNeverASuccessWithoutAToken() throws Exception {
        try (LogCapture logs = LogCapture.start();
             RunningBridge bridge = RunningBridge.in(dataDir)
                     // A request whose Content-Length promises more than it sends waits for the deadline.
                     .with("admin.requestTimeoutMs", "1000")
                     // Mangled tokens are failed authentications; past the budget every request would get the
                     // same cheap 429 and the endpoints behind it would go unexercised.
                     .with("admin.authFailuresPerSource", "100000")
                     .start()) {
            int port = bridge.server().adminPort();
            String adminToken = Files.readString(dataDir.resolve(AdminToken.FILE_NAME), StandardCharsets.US_ASCII).trim();
            AdminHttp http = new AdminHttp("http://127.0.0.1:" + port);
            String email = "fuzz.organizer@contoso.com";
            assertEquals(201, http.send("POST", "/api/users", adminToken,
                    "{\"email\":\"" + email + "\",\"displayName\":\"Fuzz Organizer\"}").status());
            String userToken = http.send("POST", "/api/users/" + email + "/tokens", adminToken, null).json()
                    .path("token").asText();
            AdminHttp.Reply meeting = http.send("POST", "/api/meetings", adminToken,
                    "{\"organizerEmail\":\"" + email + "\",\"requirePinToStart\":true}");
            assertEquals(201, meeting.status(), meeting.body());
            String id = meeting.json().path("conferenceId").asText();

            List<Template> templates = templates(email, id);
            Random random = new Random(SEED);
            List<byte[]> requests = new ArrayList<>(CASES);
            List<String> descriptions = new ArrayList<>(CASES);
            List<Boolean> authorized = new ArrayList<>(CASES);
            for (int i = 0; i < CASES; i++) {
                Template t = templates.get(random.nextInt(templates.size()));
                String token = t.auth() == Auth.ADMIN ? adminToken : t.auth() == Auth.USER ? userToken : null;
                StringBuilder what = new StringBuilder(t.method() + " " + t.path() + " as " + t.auth());
                byte[] request = mutate(random, t, token, adminToken, userToken, what);
                requests.add(request);
                descriptions.add(what.toString());
                authorized.add(carriesAValidToken(request, adminToken, userToken));
            }

            List<Outcome> outcomes = Collections.synchronizedList(new ArrayList<>());
            List<String> failures = Collections.synchronizedList(new ArrayList<>());
            AtomicInteger next = new AtomicInteger();
            ExecutorService senders = Executors.newFixedThreadPool(SENDERS);
            List<Future<?>> running = new ArrayList<>();
            for (int s = 0; s < SENDERS; s++) {
                running.add(senders.submit(() -> {
                    for (int i = next.getAndIncrement(); i < CASES; i = next.getAndIncrement()) {
                        byte[] request = requests.get(i);
                        int status;
                        try {
                            status = exchange(port, request);
                        } catch (IOException e) {
                            failures.add("case " + i + " (" + descriptions.get(i) + "): " + e);
                            continue;
                        }
                        String line = firstLine(request);
                        outcomes.add(new Outcome(status, line));
                        if (status >= 500 && status != 503) {
                            failures.add("case " + i + " (" + descriptions.get(i) + "): " + status + " for " + line);
                        }
                        if (status >= 200 && status < 300 && line.contains(" /api") && !authorized.get(i)) {
                            failures.add("case " + i + " (" + descriptions.get(i) + "): " + status
                                    + " without a valid token for " + line);
                        }
                        if (status >= 200 && status < 300 && ADMIN_ONLY.matcher(line).find()
                                && !carries(request, adminToken)) {
                            failures.add("case " + i + " (" + descriptions.get(i) + "): " + status
                                    + " for an admin endpoint without the admin token: " + line);
                        }
                    }
                    return null;
                }));
            }
            for (Future<?> f : running) {
                f.get();
            }
            senders.shutdown();

            Map<Integer, Integer> byStatus = new TreeMap<>();
            outcomes.forEach(o -> byStatus.merge(o.status(), 1, Integer::sum));
            System.err.println("[fuzz] admin HTTP, fuzz.seed=" + SEED + ": statuses " + byStatus);
            List<String> logged = logs.lines().stream().filter(l -> l.startsWith("ERROR ") || l.startsWith("UNCAUGHT "))
                    .map(l -> l.length() > 600 ? l.substring(0, 600) + "..." : l).distinct().limit(20).toList();
            int liveStatus = exchange(port, "GET /health/live HTTP/1.1\r\nHost: bridge\r\nConnection: close\r\n\r\n"
                    .getBytes(StandardCharsets.US_ASCII));
            assertAll(
                    () -> assertEquals(List.of(), failures.stream().limit(20).toList(),
                            "no 5xx but 503, no success without a token, fuzz.seed=" + SEED),
                    () -> assertEquals(List.of(), logged, "nothing logged at ERROR, fuzz.seed=" + SEED),
                    () -> assertEquals(200, liveStatus, "the listener still answers"),
                    () -> assertTrue(byStatus.keySet().stream().anyMatch(s -> s >= 200 && s < 300),
                            "some requests got through, so the fuzz reached the endpoints: " + byStatus));
        }
    }

    /** The admin center's requests, each endpoint with the token it is meant for and others. */
    private static List<Template> templates(String email, String id) {
        String user = "/api/users/" + email;
        String meeting = "/api/meetings/" + id;
        List<Template> t = new ArrayList<>();
        for (Auth auth : Auth.values()) {
            t.add(new Template("GET", "/api/users", null, auth));
            t.add(new Template("POST", "/api/users", "{\"email\":\"new.user@contoso.com\",\"displayName\":\"New User\","
                    + "\"phone\":\"+41 44 000 00 00\",\"sendEmail\":false}", auth));
            t.add(new Template("GET", user, null, auth));
            t.add(new Template("POST", user + "/reset-pin", "{\"sendEmail\":false}", auth));
            t.add(new Template("POST", user + "/clear-lockout", null, auth));
            t.add(new Template("POST", user + "/tokens", null, auth));
            t.add(new Template("PUT", user + "/sip-credentials", "{\"username\":\"fuzzphone\",\"password\":\"s3cret-Fuzz\"}", auth));
            t.add(new Template("GET", "/api/settings", null, auth));
            t.add(new Template("PATCH", "/api/settings", "{\"pinLength\":6,\"lobbyTimeoutMinutes\":30}", auth));
            t.add(new Template("GET", "/api/meetings", null, auth));
            t.add(new Template("POST", "/api/meetings", "{\"organizerEmail\":\"" + email + "\",\"maxParticipants\":50,"
                    + "\"admissionMode\":\"organizer\",\"entryExitTones\":true}", auth));
            t.add(new Template("GET", meeting, null, auth));
            t.add(new Template("PATCH", meeting, "{\"maxParticipants\":12,\"admissionMode\":\"automatic\","
                    + "\"lobbyTimeoutMinutes\":15}", auth));
            t.add(new Template("POST", meeting + "/start", null, auth));
            t.add(new Template("POST", meeting + "/admit", null, auth));
            t.add(new Template("GET", "/api/audit?limit=50&actor=admin", null, auth));
            t.add(new Template("GET", "/api/nodes", null, auth));
            t.add(new Template("GET", "/api/me", null, auth));
            t.add(new Template("GET", "/metrics", null, auth));
            t.add(new Template("GET", "/health/ready", null, auth));
            t.add(new Template("GET", "/app.js", null, auth));
        }
        // Not disable: a disabled organizer's token would turn every later USER case into a 401.
        t.add(new Template("POST", meeting + "/end", null, Auth.USER));
        return t;
    }

    /** Request lines of the endpoints only the administrator may call (a user's token gets 403). */
    private static final Pattern ADMIN_ONLY = Pattern.compile(" /api/(users|settings|audit|nodes)\\b| /api/meetings/?[ ?]");

    private static final String[] METHODS = {"GET", "POST", "PUT", "PATCH", "DELETE", "HEAD", "OPTIONS", "TRACE",
            "CONNECT", "get", "G ET", "PROPFIND", "X".repeat(300)};
    private static final String[] PATH_PIECES = {"..", "%2e%2e", "%zz", "%", "%00", "%c0%ae", "//", "/./", "\u00e9",
            "%ff%fe", ";x=1", "?limit=-1", "?limit=99999999999999999999", "?limit=%zz", "?actor=%00&limit=1",
            "#frag", "*", "%2f", "/events", "\\..\\", "x".repeat(5000)};
    private static final String[] JSON_VALUES = {"null", "true", "0", "-1", "1e999999", "123456789012345678901234567890",
            "\"\"", "\"\\u0000\"", "\"x\"", "[]", "{}", "[[[[[[[[[[]]]]]]]]]]", "\"" + "y".repeat(3000) + "\"",
            "\"\\ud800\"", "NaN", "\"a@b\"", "\"\u202e\u0000\""};

    /** The request as bytes, after one to three mutations, each named in {@code what}. */
    private static byte[] mutate(Random random, Template t, String token, String adminToken, String userToken,
                                 StringBuilder what) {
        String method = t.method();
        String path = t.path();
        String body = t.body();
        String authorization = token == null ? null : "Bearer " + token;
        Map<String, String> headers = new LinkedHashMap<>();
        headers.put("Host", "bridge");
        byte[] rawBody = null;
        boolean flip = false;
        boolean lengthLies = false;
        int mutations = 1 + random.nextInt(3);
        for (int m = 0; m < mutations; m++) {
            switch (random.nextInt(12)) {
                case 0 -> {
                    method = METHODS[random.nextInt(METHODS.length)];
                    what.append(", method ").append(method.length() > 20 ? "X*300" : method);
                }
                case 1, 2 -> {
                    String piece = PATH_PIECES[random.nextInt(PATH_PIECES.length)];
                    int at = random.nextInt(path.length() + 1);
                    path = path.substring(0, at) + piece + path.substring(at);
                    what.append(", path piece ").append(piece.length() > 20 ? "long" : piece);
                }
                case 3, 4 -> {
                    body = mutateJson(random, body == null ? "{\"x\":1}" : body);
                    what.append(", JSON ").append(body.length() > 60 ? body.substring(0, 60) + "..." : body);
                }
                case 5 -> {
                    int choice = random.nextInt(7);
                    authorization = switch (choice) {
                        case 0 -> null;
                        case 1 -> "Bearer";
                        case 2 -> "Basic " + (token == null ? "eA==" : token);
                        case 3 -> "bearer " + adminToken;
                        case 4 -> "Bearer " + adminToken + " " + userToken;
                        case 5 -> "Bearer " + alter(random, token == null ? adminToken : token);
                        default -> "Bearer " + userToken;
                    };
                    what.append(", authorization #").append(choice);
                }
                case 6 -> {
                    switch (random.nextInt(5)) {
                        case 0 -> headers.put("Transfer-Encoding", "chunked");
                        case 1 -> headers.put("Content-Length", "5, 7");
                        case 2 -> headers.put("Content-Length", "-1");
                        case 3 -> headers.put("Content-Type", "text/plain; charset=\u00ff");
                        default -> headers.put("X-Long", "z".repeat(9000));
                    }
                    what.append(", header ").append(headers.keySet().stream().reduce((a, b) -> b).orElse(""));
                }
                case 7 -> {
                    byte[] utf8 = (body == null || body.isEmpty() ? "{\"email\":\"x\"}" : body).getBytes(StandardCharsets.UTF_8);
                    rawBody = new byte[utf8.length + 2];
                    System.arraycopy(utf8, 0, rawBody, 0, utf8.length);
                    int at = random.nextInt(utf8.length);
                    System.arraycopy(utf8, at, rawBody, at + 2, utf8.length - at);
                    rawBody[at] = (byte) 0xC3;
                    rawBody[at + 1] = (byte) (0xC0 | random.nextInt(64)); // not a continuation byte: invalid UTF-8
                    what.append(", invalid UTF-8");
                }
                case 8 -> {
                    body = "[".repeat(5000) + "]".repeat(5000);
                    what.append(", JSON nested 5000 deep");
                }
                case 9 -> {
                    body = "{\"email\":\"" + "w".repeat(70_000) + "\"}";
                    what.append(", body over 64 KiB");
                }
                case 10 -> {
                    if (random.nextInt(8) == 0) {
                        lengthLies = true;
                        what.append(", Content-Length over the body");
                    } else {
                        flip = true;
                        what.append(", flipped bytes");
                    }
                }
                default -> {
                    path = path + (path.contains("?") ? "&" : "?") + "limit=" + random.nextInt() + "&before=" + random.nextLong();
                    what.append(", query numbers");
                }
            }
        }
        byte[] bodyBytes = rawBody != null ? rawBody : body == null ? new byte[0] : body.getBytes(StandardCharsets.UTF_8);
        StringBuilder head = new StringBuilder(method).append(' ').append(path).append(" HTTP/1.1\r\n");
        headers.forEach((k, v) -> {
            if (!k.equals("Content-Length")) {
                head.append(k).append(": ").append(v).append("\r\n");
            }
        });
        if (authorization != null) {
            head.append("Authorization: ").append(authorization).append("\r\n");
        }
        if (bodyBytes.length > 0) {
            head.append("Content-Type: application/json\r\n");
        }
        String length = headers.getOrDefault("Content-Length", String.valueOf(bodyBytes.length + (lengthLies ? 10 : 0)));
        if (!headers.containsKey("Transfer-Encoding")) {
            head.append("Content-Length: ").append(length).append("\r\n");
        }
        head.append("Connection: close\r\n\r\n");
        byte[] headBytes = head.toString().getBytes(StandardCharsets.UTF_8);
        byte[] request = new byte[headBytes.length + bodyBytes.length];
        System.arraycopy(headBytes, 0, request, 0, headBytes.length);
        System.arraycopy(bodyBytes, 0, request, headBytes.length, bodyBytes.length);
        if (flip) {
            for (int n = 1 + random.nextInt(3); n > 0; n--) {
                int at = random.nextInt(request.length);
                request[at] ^= (byte) (1 << random.nextInt(8));
            }
        }
        return request;
    }

    /** One value of the JSON object replaced by a value of another kind, or a key duplicated or cut. */
    private static String mutateJson(Random random, String json) {
        return switch (random.nextInt(4)) {
            case 0 -> json.replaceFirst(":[^,}]*", ":" + JSON_VALUES[random.nextInt(JSON_VALUES.length)]);
            case 1 -> json.replaceFirst(":(\"[^\"]*\"|[^,}]*)([,}])", ":" + JSON_VALUES[random.nextInt(JSON_VALUES.length)] + "$2");
            case 2 -> json.length() > 2 ? json.substring(0, random.nextInt(json.length())) : json;
            default -> json.replaceFirst("\\{", "{\"pinLength\":4,\"pinLength\":\"x\",");
        };
    }

    private static String alter(Random random, String token) {
        char[] chars = token.toCharArray();
        int at = random.nextInt(chars.length);
        chars[at] = chars[at] == 'A' ? 'B' : 'A';
        return new String(chars);
    }

    /** Whether the request, as sent (bytes flipped too), carries exactly one of the two tokens. */
    private static boolean carriesAValidToken(byte[] request, String adminToken, String userToken) {
        return carries(request, adminToken) || carries(request, userToken);
    }

    /** As HTTP reads it: the header's name and the scheme in any case, blanks around the token. */
    private static boolean carries(byte[] request, String token) {
        return Pattern.compile("(?i:\r\nauthorization:[ \t]*bearer[ \t]+)" + Pattern.quote(token) + "[ \t]*\r\n")
                .matcher(new String(request, StandardCharsets.ISO_8859_1)).find();
    }

    private static String firstLine(byte[] request) {
        String text = new String(request, 0, Math.min(request.length, 200), StandardCharsets.ISO_8859_1);
        int end = text.indexOf("\r\n");
        return end < 0 ? text : text.substring(0, end);
    }

    /** Whether {@code response} holds a whole head that opens an event stream. */
    private static boolean isEventStream(String response) {
        int end = response.indexOf("\r\n\r\n");
        return end > 0 && response.substring(0, end).toLowerCase(java.util.Locale.ROOT)
                .contains("content-type: text/event-stream");
    }

    /**
     * Sends the request on a new connection and reads until the bridge closes it: the response's status,
     * or 0 when it closed without one (a request it could not frame, cut at the deadline). An event stream,
     * which the bridge keeps open, is read up to its head.
     */
    private static int exchange(int port, byte[] request) throws IOException {
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 5000);
            socket.setSoTimeout(15_000);
            try {
                socket.getOutputStream().write(request);
            } catch (SocketException e) {
                // The bridge answered (413, 400) and closed before the whole body was written: read the answer.
            }
            InputStream in = socket.getInputStream();
            ByteArrayOutputStream response = new ByteArrayOutputStream();
            byte[] buffer = new byte[8192];
            try {
                for (int n; (n = in.read(buffer)) > 0; ) {
                    response.write(buffer, 0, n);
                    if (isEventStream(response.toString(StandardCharsets.ISO_8859_1))) {
                        break; // a mutation that left an authorized GET .../events: the stream is the answer, and never ends
                    }
                }
            } catch (SocketTimeoutException e) {
                throw new IOException("no answer and no close within 15 s", e);
            } catch (SocketException reset) {
                // closed with unread request bytes: what arrived before is the answer
            }
            String text = response.toString(StandardCharsets.ISO_8859_1);
            if (!text.startsWith("HTTP/1.1 ") || text.length() < 12) {
                return 0;
            }
            return Integer.parseInt(text.substring(9, 12));
        }
    }
}
