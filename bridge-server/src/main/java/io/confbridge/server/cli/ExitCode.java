package io.confbridge.server.cli;

/**
 * The CLI's exit codes, stable so that scripts can branch on them.
 *
 * <ul>
 *   <li>0 done;</li>
 *   <li>1 unexpected or server error, or the bridge could not be reached;</li>
 *   <li>2 usage error or bad input (400, 413);</li>
 *   <li>3 not authenticated or forbidden (401, 403);</li>
 *   <li>4 not found (404);</li>
 *   <li>5 conflict (409).</li>
 * </ul>
 */
public final class ExitCode {
    public static final int OK = 0;
    public static final int FAILED = 1;
    public static final int BAD_INPUT = 2;
    public static final int NOT_AUTHORIZED = 3;
    public static final int NOT_FOUND = 4;
    public static final int CONFLICT = 5;

    private ExitCode() {
    }

    /** The exit code for an HTTP status the server answered with. */
    static int forStatus(int status) {
        if (status >= 200 && status < 300) {
            return OK;
        }
        return switch (status) {
            case 400, 413 -> BAD_INPUT;
            case 401, 403 -> NOT_AUTHORIZED;
            case 404 -> NOT_FOUND;
            case 409 -> CONFLICT;
            default -> FAILED;
        };
    }
}
