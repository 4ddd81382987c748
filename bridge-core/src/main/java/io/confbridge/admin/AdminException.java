package io.confbridge.admin;

/** An administration request that cannot be done; {@link #kind()} decides the HTTP status. */
public final class AdminException extends RuntimeException {

    /** Why it failed. */
    public enum Kind {
        /** 400: a field is missing or out of range; {@link #field()} names it. */
        BAD_INPUT,
        /** 403: the actor may not do this. */
        FORBIDDEN,
        /** 404: no such user or meeting. */
        NOT_FOUND,
        /** 409: it already exists, or the state forbids it. */
        CONFLICT
    }

    private final Kind kind;
    private final String field;

    AdminException(Kind kind, String field, String message) {
        super(message);
        this.kind = kind;
        this.field = field;
    }

    static AdminException badInput(String field, String message) {
        return new AdminException(Kind.BAD_INPUT, field, message);
    }

    static AdminException forbidden(String message) {
        return new AdminException(Kind.FORBIDDEN, null, message);
    }

    static AdminException notFound(String message) {
        return new AdminException(Kind.NOT_FOUND, null, message);
    }

    static AdminException conflict(String message) {
        return new AdminException(Kind.CONFLICT, null, message);
    }

    public Kind kind() {
        return kind;
    }

    /** The request field at fault, for BAD_INPUT; null otherwise. */
    public String field() {
        return field;
    }
}
