package io.confbridge.server.support;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Predicate;
import java.util.stream.Stream;

/**
 * A meeting's event stream ({@code GET /api/meetings/{id}/events}) read as the organizer's page reads it:
 * server-sent events, gathered by a reader thread for the test to look through.
 */
public final class EventStream implements AutoCloseable {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    public record Event(String name, JsonNode data) {
    }

    private final HttpResponse<Stream<String>> response;
    private final List<Event> events = new CopyOnWriteArrayList<>();
    private final List<String> lines = new CopyOnWriteArrayList<>();
    private final Thread reader;

    private EventStream(HttpResponse<Stream<String>> response) {
        this.response = response;
        this.reader = new Thread(this::read, "event-stream-reader");
        reader.setDaemon(true);
        reader.start();
    }

    public static EventStream open(String base, String conferenceId, String token) throws Exception {
        HttpRequest request = HttpRequest.newBuilder(URI.create(base + "/api/meetings/" + conferenceId + "/events"))
                .header("Authorization", "Bearer " + token).header("Accept", "text/event-stream").GET().build();
        return new EventStream(client.send(request, HttpResponse.BodyHandlers.ofLines()));
    }

    private void read() {
        String name = null;
        try (Stream<String> body = response.body()) {
            for (String line : (Iterable<String>) body::iterator) {
                lines.add(line);
                if (line.startsWith("event: ")) {
                    name = line.substring(7);
                } else if (line.startsWith("data: ") && name != null) {
                    events.add(new Event(name, JSON.readTree(line.substring(6))));
                } else if (line.isEmpty()) {
                    name = null;
                }
            }
        } catch (Exception e) {
            // closed by the test or the bridge: the events read so far stay
        }
    }

    public int status() {
        return response.statusCode();
    }

    public String contentType() {
        return response.headers().firstValue("content-type").orElse("");
    }

    public boolean has(String name, Predicate<JsonNode> test) {
        return events.stream().anyMatch(e -> e.name().equals(name) && test.test(e.data()));
    }

    public JsonNode lastOf(String name) {
        JsonNode last = JSON.createObjectNode();
        for (Event e : events) {
            if (e.name().equals(name)) {
                last = e.data();
            }
        }
        return last;
    }

    public String all() {
        return String.join("\\n", lines);
    }

    @Override
    public void close() {
        response.body().close();
    }
}
