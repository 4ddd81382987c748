package io.confbridge.server.cli;

import com.fasterxml.jackson.databind.JsonNode;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.io.PrintWriter;
import java.util.List;

/** {@code bridge audit [--limit N]}: the latest audit log entries. */
@Command(name = "audit", mixinStandardHelpOptions = true,
        description = "Show the audit log: enables, resets, setting changes and lockouts (never a PIN).")
public final class AuditCommand extends ApiCommand {

    @Option(names = "--limit", paramLabel = "N", defaultValue = "100",
            description = "How many of the latest entries (1-1000; default ${DEFAULT-VALUE}).")
    int limit;

    @Override
    Request request() {
        return new Request("GET", "/api/audit?limit=" + limit, null);
    }

    @Override
    void render(JsonNode answer, PrintWriter out) {
        TextOutput.table(answer,
                List.of("id", "at", "actor", "actorRole", "clientAddress", "action", "target", "detail"),
                List.of("ID", "AT", "ACTOR", "ROLE", "FROM", "ACTION", "TARGET", "DETAIL"), out);
    }
}
