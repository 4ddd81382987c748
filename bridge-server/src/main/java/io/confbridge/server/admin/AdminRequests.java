package io.confbridge.server.admin;

/**
 * The JSON bodies the admin API accepts that are not already a request record of
 * {@link io.confbridge.admin.Administration} ({@code PATCH /api/settings} reads a {@code SettingsChange},
 * {@code PATCH /api/meetings/{id}} a {@code MeetingSettingsChange}). Optional fields are boxed so that
 * "absent" is null; unknown fields are rejected by {@link AdminJson}.
 */
final class AdminRequests {

    /** {@code POST /api/users}. */
    record EnableUser(String email, String displayName, String phone, Boolean sendEmail,
                      String sendEmailToAddress) {
    }

    /** {@code POST /api/users/{email}/reset-pin}. */
    record ResetPin(Boolean sendEmail, String sendEmailToAddress) {
    }

    /** {@code POST /api/meetings}: everything but the organizer optional (absent = the tenant default). */
    record CreateMeeting(String organizerEmail, Boolean requirePinToStart, Boolean endOnOrganizerLeave,
                         Integer lobbyTimeoutMinutes, Integer maxParticipants, Boolean entryExitTones,
                         String admissionMode) {
    }

    /** {@code PUT /api/users/{email}/sip-credentials}. */
    record SipCredentials(String username, String password) {
        @Override
        public String toString() {
            // The record's own toString would print the password into whatever logs this.
            return "SipCredentials[username=" + username + ", password=*****]";
        }
    }

    /** Bodies of actions that take none ({@code disable}, {@code end}...): only {@code {}} or nothing. */
    record Empty() {
    }

    private AdminRequests() {
    }
}
