package io.confbridge.server.cli;

import com.fasterxml.jackson.databind.JsonNode;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.io.PrintWriter;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.List;

/** {@code bridge audit [--limit N] [--before ID] [--actor|--action|--target TEXT]}: the audit log, newest first. */
@Command(name = "audit", mixinStandardHelpOptions = true,
        description = "Show the audit log: enables, resets, setting changes and lockouts (never a PIN).")
public final class AuditCommand extends ApiCommand {

    @Option(names = "--limit", paramLabel = "N", defaultValue = "100",
            description = "How many of the latest entries (1-1000; default ${DEFAULT-VALUE}).")
    int limit;

    @Option(names = "--before", paramLabel = "ID", description = "Only entries older than this entry ID (the next page).")
    Long before;

    @Option(names = "--actor", paramLabel = "TEXT", description = "Only entries whose actor contains this text.")
    String actor;

    @Option(names = "--action", paramLabel = "TEXT", description = "Only entries whose action contains this text.")
    String action;

    @Option(names = "--target", paramLabel = "TEXT", description = "Only entries whose target contains this text.")
    String target;

    @Override
    Request request() {
        StringBuilder path = new StringBuilder("/api/audit?limit=").append(limit);
        if (before != null) {
            path.append("&before=").append(before);
        }
        appendFilter(path, "actor", actor);
        appendFilter(path, "action", action);
        appendFilter(path, "target", target);
        return new Request("GET", path.toString(), null);
    }

    private static void appendFilter(StringBuilder path, String name, String value) {
        if (value != null && !value.isEmpty()) {
            path.append('&').append(name).append('=').append(URLEncoder.encode(value, StandardCharsets.UTF_8));
        }
    }

    @Override
    void render(JsonNode answer, PrintWriter out) {
        TextOutput.table(answer,
                List.of("id", "at", "actor", "actorRole", "clientAddress", "action", "target", "detail"),
                List.of("ID", "AT", "ACTOR", "ROLE", "FROM", "ACTION", "TARGET", "DETAIL"), out);
    }
}
