package io.confbridge.server.admin;

/**
 * A request's {@code Authorization} header, read in one place for the three that judge it: the API's
 * token check, the metrics token check, and the refused-token budget, which must know whether a 401
 * answered a credential or nothing at all. The form is a scheme, a space, then credentials
 * (RFC 9110 §11.6.2); the scheme is case-insensitive, so {@code bearer x} is as good as {@code Bearer x}.
 *
 * @param scheme      the scheme as sent ({@code Bearer}, {@code Basic}); empty when there was no header
 * @param credentials what follows it, trimmed; empty when nothing does
 */
record AuthorizationHeader(String scheme, String credentials) {
    private static final AuthorizationHeader NONE = new AuthorizationHeader("", "");

    /** {@code header} is the raw value, or null when the request had none. */
    static AuthorizationHeader of(String header) {
        if (header == null) {
            return NONE;
        }
        String trimmed = header.strip();
        int space = trimmed.indexOf(' ');
        if (space < 0) {
            return new AuthorizationHeader(trimmed, "");
        }
        return new AuthorizationHeader(trimmed.substring(0, space), trimmed.substring(space + 1).strip());
    }

    boolean isEmpty() {
        return scheme.isEmpty();
    }

    /**
     * Whether something was offered to be checked: {@code Bearer x}, {@code Basic x}. A browser opening
     * the page sends nothing, and the admin center sends a bare {@code Bearer } before sign-in; neither
     * guesses anything.
     */
    boolean presentsCredential() {
        return !credentials.isEmpty(); // never without a scheme: of() strips the header before its first space
    }

    boolean isBearer() {
        return scheme.equalsIgnoreCase("Bearer");
    }

    /** The token of a {@code Bearer} header; null for any other scheme or none. */
    String bearerToken() {
        return isBearer() && presentsCredential() ? credentials : null;
    }
}
