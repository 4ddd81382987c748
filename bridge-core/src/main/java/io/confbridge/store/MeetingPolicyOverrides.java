package io.confbridge.store;

import io.confbridge.store.MeetingPolicy.AdmissionMode;

/**
 * The policy values one meeting sets for itself; a null field follows the tenant's default. When a
 * meeting is created, null means "the tenant default"; when one is updated, null means "leave as it is".
 * The store keeps nulls as nulls, so a tenant default changed later reaches every meeting that did not
 * set the value.
 */
public record MeetingPolicyOverrides(Boolean endOnOrganizerLeave, Integer lobbyTimeoutMinutes,
                                     Integer maxParticipants, Boolean entryExitTones, AdmissionMode admissionMode) {

    /** Nothing set: the meeting follows the tenant defaults throughout. */
    public static final MeetingPolicyOverrides NONE = new MeetingPolicyOverrides(null, null, null, null, null);

    public MeetingPolicyOverrides {
        if (lobbyTimeoutMinutes != null) {
            TenantSettings.checkLobbyTimeout(lobbyTimeoutMinutes);
        }
        if (maxParticipants != null) {
            TenantSettings.checkMaxParticipants(maxParticipants);
        }
    }

    /** The concrete policy: these values where set, the tenant's defaults elsewhere. */
    public MeetingPolicy resolve(TenantSettings tenant) {
        return new MeetingPolicy(
                endOnOrganizerLeave != null ? endOnOrganizerLeave : tenant.endOnOrganizerLeave(),
                lobbyTimeoutMinutes != null ? lobbyTimeoutMinutes : tenant.lobbyTimeoutMinutes(),
                maxParticipants != null ? maxParticipants : tenant.maxParticipants(),
                entryExitTones != null ? entryExitTones : tenant.entryExitTones(),
                admissionMode != null ? admissionMode : tenant.admissionMode());
    }

    /** True when nothing is set. */
    public boolean isEmpty() {
        return equals(NONE);
    }
}
