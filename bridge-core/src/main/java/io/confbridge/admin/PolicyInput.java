package io.confbridge.admin;

import io.confbridge.store.MeetingPolicy.AdmissionMode;
import io.confbridge.store.MeetingPolicyOverrides;
import io.confbridge.store.TenantSettings;

import java.time.Duration;
import java.util.Locale;

/**
 * The meeting-policy fields of a request (a meeting's own values or the tenant defaults), checked and
 * typed; errors name the request field. A lobby wait is also bounded by this node's
 * {@code ivr.lobbyTimeoutMs}, which ends every lobby wait: a longer value would be accepted and then
 * silently cut short, so it is refused.
 */
final class PolicyInput {

    private final long nodeLobbyTimeoutMs;
    private final int maxLobbyTimeoutMinutes;

    /** @param nodeLobbyTimeoutMs {@code ivr.lobbyTimeoutMs}: the longest any caller waits in a lobby here */
    PolicyInput(long nodeLobbyTimeoutMs) {
        this.nodeLobbyTimeoutMs = nodeLobbyTimeoutMs;
        this.maxLobbyTimeoutMinutes = (int) Math.min(TenantSettings.MAX_LOBBY_TIMEOUT_MINUTES,
                Duration.ofMillis(nodeLobbyTimeoutMs).toMinutes());
    }

    /** The longest lobby wait, in minutes, that may be set here: 1440, or less if the node ends waits sooner. */
    int maxLobbyTimeoutMinutes() {
        return maxLobbyTimeoutMinutes;
    }

    /** Validates the policy fields of a request; null fields stay null. */
    MeetingPolicyOverrides overrides(Boolean endOnOrganizerLeave, Integer lobbyTimeoutMinutes,
                                     Integer maxParticipants, Boolean entryExitTones, String admissionMode) {
        return new MeetingPolicyOverrides(endOnOrganizerLeave, lobbyTimeoutMinutes(lobbyTimeoutMinutes),
                maxParticipants(maxParticipants), entryExitTones, admissionMode(admissionMode));
    }

    Integer lobbyTimeoutMinutes(Integer minutes) {
        if (minutes == null) {
            return null;
        }
        if (maxLobbyTimeoutMinutes < TenantSettings.MIN_LOBBY_TIMEOUT_MINUTES) {
            throw AdminException.badInput("lobbyTimeoutMinutes", "lobbyTimeoutMinutes cannot be set on this bridge: "
                    + "its ivr.lobbyTimeoutMs (" + nodeLobbyTimeoutMs + " ms) ends every lobby wait within a minute");
        }
        if (minutes < TenantSettings.MIN_LOBBY_TIMEOUT_MINUTES || minutes > maxLobbyTimeoutMinutes) {
            String bound = maxLobbyTimeoutMinutes < TenantSettings.MAX_LOBBY_TIMEOUT_MINUTES
                    ? " (the most this bridge allows: its ivr.lobbyTimeoutMs is " + nodeLobbyTimeoutMs + " ms)"
                    : "";
            throw AdminException.badInput("lobbyTimeoutMinutes", "lobbyTimeoutMinutes must be "
                    + TenantSettings.MIN_LOBBY_TIMEOUT_MINUTES + "–" + maxLobbyTimeoutMinutes + bound + ", not " + minutes);
        }
        return minutes;
    }

    static Integer maxParticipants(Integer max) {
        if (max != null && (max < 0 || max > TenantSettings.MAX_PARTICIPANTS_LIMIT)) {
            throw AdminException.badInput("maxParticipants", "maxParticipants must be 0–"
                    + TenantSettings.MAX_PARTICIPANTS_LIMIT + " (0 = no limit), not " + max);
        }
        return max;
    }

    static AdmissionMode admissionMode(String mode) {
        if (mode == null) {
            return null;
        }
        return switch (mode.trim().toLowerCase(Locale.ROOT)) {
            case "automatic" -> AdmissionMode.AUTOMATIC;
            case "organizer" -> AdmissionMode.ORGANIZER;
            default -> throw AdminException.badInput("admissionMode", "admissionMode must be automatic or organizer");
        };
    }

    /** The name of an admission mode in the API: {@code automatic} or {@code organizer}. */
    static String admissionModeName(AdmissionMode mode) {
        return mode.name().toLowerCase(Locale.ROOT);
    }
}
