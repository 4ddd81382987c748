package io.confbridge.server.cli;

import picocli.CommandLine.Option;

import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;

/** Where the bridge is, how to authenticate, and the output form: shared by every CLI command. */
final class ApiOptions {

    @Option(names = "--url", paramLabel = "URL", defaultValue = "${env:BRIDGE_URL:-http://127.0.0.1:8080}",
            description = "The bridge's admin API (env BRIDGE_URL; default ${DEFAULT-VALUE}).")
    URI url;

    @Option(names = "--token", paramLabel = "TOKEN", defaultValue = "${env:BRIDGE_TOKEN}",
            description = "Bearer token: the admin token, or a user's own for their meetings "
                    + "(env BRIDGE_TOKEN; default: read from --token-file).")
    String token;

    @Option(names = "--token-file", paramLabel = "FILE", defaultValue = "data/admin-token",
            description = "File holding the admin token (default ${DEFAULT-VALUE}).")
    Path tokenFile;

    @Option(names = "--ca-file", paramLabel = "FILE", defaultValue = "${env:BRIDGE_CA_FILE}",
            description = "PEM certificate(s) to trust for an https --url instead of the JVM's trust store, such "
                    + "as the bridge's self-signed data/admin-tls-certificate.pem (env BRIDGE_CA_FILE).")
    Path caFile;

    @Option(names = "--json", description = "Print the server's JSON instead of a table.")
    boolean json;

    /** The TLS context for {@code --ca-file}, or the JVM's default without it. */
    SSLContext tlsContext() throws GeneralSecurityException, IOException {
        if (caFile == null) {
            return SSLContext.getDefault();
        }
        KeyStore trusted = KeyStore.getInstance("PKCS12");
        trusted.load(null, null);
        try (InputStream in = Files.newInputStream(caFile)) {
            int n = 0;
            for (Certificate certificate : CertificateFactory.getInstance("X.509").generateCertificates(in)) {
                trusted.setCertificateEntry("ca-" + n++, certificate);
            }
            if (n == 0) {
                throw new GeneralSecurityException(caFile + " holds no PEM certificate");
            }
        }
        TrustManagerFactory trust = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        trust.init(trusted);
        SSLContext context = SSLContext.getInstance("TLS");
        context.init(null, trust.getTrustManagers(), null);
        return context;
    }

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
