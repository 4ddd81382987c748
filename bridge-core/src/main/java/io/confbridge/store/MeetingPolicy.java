package io.confbridge.store;

/**
 * How a meeting behaves (SPEC §2, issue #4), beyond "require PIN to start" which sits on the
 * {@link MeetingRecord} itself. Values are concrete: tenant defaults are resolved when the record is read.
 *
 * @param endOnOrganizerLeave when the organizer hangs up, the others hear a prompt and get BYE
 * @param lobbyTimeoutMinutes how long a caller waits in the lobby before a prompt and BYE
 * @param maxParticipants     participants allowed at once; further callers are refused with a prompt; 0 = no limit
 * @param entryExitTones      participants hear a tone when someone joins or leaves
 * @param admissionMode       whether the lobby is admitted when the meeting starts or when the organizer says so
 */
public record MeetingPolicy(boolean endOnOrganizerLeave, int lobbyTimeoutMinutes, int maxParticipants,
                            boolean entryExitTones, AdmissionMode admissionMode) {

    /** The defaults of a meeting created with no policy given. */
    public static final MeetingPolicy DEFAULT = new MeetingPolicy(false, 60, 0, true, AdmissionMode.AUTOMATIC);

    /** Who lets the lobby in once the meeting has started. */
    public enum AdmissionMode {
        /** Everyone waiting is admitted the moment the meeting starts. */
        AUTOMATIC,
        /** The organizer admits the whole lobby with {@code *21} or from the app. */
        ORGANIZER
    }
}
