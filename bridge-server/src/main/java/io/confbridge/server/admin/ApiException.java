package io.confbridge.server.admin;

/**
 * A request the HTTP layer itself refuses before any {@code Administration} call: an unknown route,
 * a wrong method, a body that is not the JSON it should be, a missing or foreign token.
 */
final class ApiException extends RuntimeException {
    private final int status;
    private final String error;
    private final String field;

    ApiException(int status, String error, String field, String message) {
        super(message, null, false, false);
        this.status = status;
        this.error = error;
        this.field = field;
    }

    static ApiException badInput(String field, String message) {
        return new ApiException(400, "bad_request", field, message);
    }

    int status() {
        return status;
    }

    String error() {
        return error;
    }

    String field() {
        return field;
    }
}
