package io.confbridge.server.cli;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

import javax.net.ssl.SSLContext;
import java.io.IOException;
import java.io.PrintWriter;
import java.net.ConnectException;
import java.net.http.HttpTimeoutException;
import java.security.GeneralSecurityException;
import java.util.concurrent.Callable;

/**
 * One CLI command = one admin API request. Subclasses say which request and how to show the answer;
 * this class sends it, prints the JSON ({@code --json}) or the human form to stdout, errors with the
 * server's message to stderr, and returns the {@link ExitCode} for the status.
 */
abstract class ApiCommand implements Callable<Integer> {

    static final ObjectMapper JSON = new ObjectMapper();

    /** The request to send. */
    record Request(String method, String path, JsonNode body) {
    }

    @Mixin
    ApiOptions api;

    @Spec
    CommandSpec spec;

    /** The request this command sends. */
    abstract Request request();

    /** Shows a successful answer to a person: its fields, one a line, unless the command knows better. */
    void render(JsonNode answer, PrintWriter out) {
        TextOutput.fields(answer, out);
    }

    @Override
    public final Integer call() throws Exception {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        String token;
        try {
            token = api.resolveToken();
        } catch (ApiOptions.TokenMissingException e) {
            err.println("error: " + e.getMessage());
            err.flush();
            return ExitCode.NOT_AUTHORIZED;
        }
        Request request = request();
        SSLContext tls;
        try {
            tls = api.tlsContext();
        } catch (IOException | GeneralSecurityException e) {
            err.println("error: cannot use --ca-file " + api.caFile + ": " + e.getMessage());
            err.flush();
            return ExitCode.FAILED;
        }
        AdminClient client = new AdminClient(api.url, token, tls);
        AdminClient.Reply reply;
        try {
            reply = client.send(request.method(), request.path(),
                    request.body() == null ? null : JSON.writeValueAsString(request.body()));
        } catch (ConnectException | HttpTimeoutException e) {
            String why = e instanceof ConnectException && e.getMessage() == null ? "connection refused" : describe(e);
            err.println("error: cannot reach the bridge at " + client.base() + " (" + why + ")");
            err.flush();
            return ExitCode.FAILED;
        } catch (IOException e) {
            err.println("error: request to " + client.base() + " failed: " + describe(e));
            err.flush();
            return ExitCode.FAILED;
        }
        if (!reply.ok()) {
            err.println("error: " + errorMessage(reply));
            err.flush();
            return ExitCode.forStatus(reply.status());
        }
        if (api.json) {
            out.println(reply.body());
        } else {
            render(parse(reply.body()), out);
        }
        out.flush();
        return ExitCode.OK;
    }

    /** The server's message, the field it names, and the status. */
    private static String errorMessage(AdminClient.Reply reply) {
        JsonNode error;
        try {
            error = JSON.readTree(reply.body());
        } catch (JsonProcessingException e) {
            error = null;
        }
        if (error == null || !error.hasNonNull("message")) {
            return "the bridge answered HTTP " + reply.status();
        }
        String field = error.hasNonNull("field") ? " (field: " + TextOutput.printable(error.get("field").asText()) + ")" : "";
        return TextOutput.printable(error.get("message").asText()) + field + " [HTTP " + reply.status() + "]";
    }

    private static JsonNode parse(String body) throws JsonProcessingException {
        return body == null || body.isBlank() ? JSON.createObjectNode() : JSON.readTree(body);
    }

    private static String describe(Exception e) {
        return e.getMessage() != null ? e.getMessage() : e.getClass().getSimpleName();
    }

    static ObjectNode object() {
        return JSON.createObjectNode();
    }

    static String seg(String value) {
        return AdminClient.segment(value);
    }
}
