package io.confbridge.server.cli;

import picocli.CommandLine.Option;

import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;

/** Where the bridge is, how to authenticate, and the output form: shared by every CLI command. */
final class ApiOptions {

    @Option(names = "--url", paramLabel = "URL", defaultValue = "${env:BRIDGE_URL:-http://127.0.0.1:8080}",
            description = "The bridge's admin API (env BRIDGE_URL; default ${DEFAULT-VALUE}).")
    URI url;

    @Option(names = "--token", paramLabel = "TOKEN", defaultValue = "${env:BRIDGE_TOKEN}",
            description = "Admin bearer token (env BRIDGE_TOKEN; default: read from --token-file).")
    String token;

    @Option(names = "--token-file", paramLabel = "FILE", defaultValue = "data/admin-token",
            description = "File holding the admin token (default ${DEFAULT-VALUE}).")
    Path tokenFile;

    @Option(names = "--json", description = "Print the server's JSON instead of a table.")
    boolean json;

    /** The token from {@code --token}/{@code BRIDGE_TOKEN}, else the token file. */
    String resolveToken() throws TokenMissingException {
        if (token != null && !token.isBlank()) {
            return token.trim();
        }
        try {
            String fromFile = Files.readString(tokenFile, StandardCharsets.US_ASCII).trim();
            if (!fromFile.isEmpty()) {
                return fromFile;
            }
        } catch (NoSuchFileException e) {
            // reported below, with what to do about it
        } catch (IOException e) {
            throw new TokenMissingException("cannot read the token file " + tokenFile + ": " + e.getMessage());
        }
        throw new TokenMissingException("no admin token: pass --token, set BRIDGE_TOKEN, or run where "
                + tokenFile + " exists");
    }

    /** No usable token anywhere. */
    static final class TokenMissingException extends Exception {
        TokenMissingException(String message) {
            super(message, null, false, false);
        }
    }
}
