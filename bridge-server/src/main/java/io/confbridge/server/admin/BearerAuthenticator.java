package io.confbridge.server.admin;

import io.confbridge.admin.Administration;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Optional;

/**
 * Decides who holds an {@code Authorization: Bearer} token: the administrator (the one admin token),
 * a user (a token issued to them, looked up in the directory), or nobody.
 */
final class BearerAuthenticator {

    /** Who called. */
    sealed interface Caller permits Admin, User, Anonymous {
    }

    /** The administrator's token. */
    record Admin() implements Caller {
    }

    /** A user's own token: valid for the app-side endpoints of that user only. */
    record User(String email) implements Caller {
    }

    /** No token, a malformed header, or a token nobody holds. */
    record Anonymous(String reason) implements Caller {
    }

    private final byte[] adminToken;
    private final Administration administration;

    BearerAuthenticator(String adminToken, Administration administration) {
        if (adminToken == null || adminToken.isBlank()) {
            throw new IllegalArgumentException("the admin token must not be empty");
        }
        this.adminToken = adminToken.getBytes(StandardCharsets.UTF_8);
        this.administration = administration;
    }

    /** Blocking for user tokens (a directory lookup): call on a worker. */
    Caller authenticate(String authorization) {
        AuthorizationHeader header = AuthorizationHeader.of(authorization);
        if (header.isEmpty() || (header.isBearer() && !header.presentsCredential())) {
            return new Anonymous("missing bearer token");
        }
        String token = header.bearerToken();
        if (token == null) {
            return new Anonymous("the Authorization header is not a bearer token");
        }
        // Constant time, so response timing does not reveal how much of a guess was right.
        if (MessageDigest.isEqual(adminToken, token.getBytes(StandardCharsets.UTF_8))) {
            return new Admin();
        }
        Optional<String> user = administration.userForToken(token);
        return user.<Caller>map(User::new).orElseGet(() -> new Anonymous("invalid bearer token"));
    }
}
