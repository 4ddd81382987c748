package io.confbridge.server.admin;

/**
 * The JSON bodies the admin API accepts. Optional fields are boxed so that "absent" is null; unknown
 * fields are rejected by {@link AdminJson}.
 */
final class AdminRequests {

    /** {@code POST /api/users}. */
    record EnableUser(String email, String displayName, String phone, Boolean sendEmail,
                      String sendEmailToAddress) {
    }

    /** {@code POST /api/users/{email}/reset-pin}. */
    record ResetPin(Boolean sendEmail, String sendEmailToAddress) {
    }

    /** {@code PATCH /api/settings}: every key optional. */
    record ChangeSettings(Integer pinLength, Boolean autoEmail, Boolean anonymousCanStart,
                          Integer lobbyTimeoutMinutes, String language) {
    }

    /** {@code POST /api/meetings}. */
    record CreateMeeting(String organizerEmail, Boolean requirePinToStart) {
    }

    /** Bodies of actions that take none ({@code disable}, {@code end}...): only {@code {}} or nothing. */
    record Empty() {
    }

    private AdminRequests() {
    }
}
