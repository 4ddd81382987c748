package io.confbridge.server.cli;

import com.fasterxml.jackson.databind.node.ObjectNode;
import picocli.CommandLine.Option;

/**
 * A meeting's policy options, the same five wherever they appear: {@code meetings create} (absent = follow
 * the tenant default), {@code meetings update} (absent = unchanged) and {@code settings set} (the tenant
 * defaults; absent = unchanged). The server checks the ranges and names the bad field.
 */
final class MeetingPolicyOptions {

    /** The option names, for a "give at least one of" message. */
    static final String NAMES = "--end-on-organizer-leave, --lobby-timeout-minutes, --max-participants, "
            + "--entry-exit-tones, --admission-mode";

    @Option(names = "--end-on-organizer-leave", arity = "1", paramLabel = "true|false",
            description = "End the meeting for everyone when the organizer hangs up.")
    Boolean endOnOrganizerLeave;

    @Option(names = "--lobby-timeout-minutes", paramLabel = "MINUTES",
            description = "How long a caller waits in the lobby (1-1440, and at most the bridge's ivr.lobbyTimeoutMs).")
    Integer lobbyTimeoutMinutes;

    @Option(names = "--max-participants", paramLabel = "N",
            description = "At most this many in the meeting (0-1000, 0 = no limit).")
    Integer maxParticipants;

    @Option(names = "--entry-exit-tones", arity = "1", paramLabel = "true|false",
            description = "Play a tone when someone joins or leaves.")
    Boolean entryExitTones;

    @Option(names = "--admission-mode", paramLabel = "automatic|organizer",
            description = "Whether the lobby comes in when the meeting starts, or when the organizer admits it.")
    String admissionMode;

    /** Puts the options that were given into the request body. */
    void putInto(ObjectNode body) {
        if (endOnOrganizerLeave != null) {
            body.put("endOnOrganizerLeave", endOnOrganizerLeave);
        }
        if (lobbyTimeoutMinutes != null) {
            body.put("lobbyTimeoutMinutes", lobbyTimeoutMinutes);
        }
        if (maxParticipants != null) {
            body.put("maxParticipants", maxParticipants);
        }
        if (entryExitTones != null) {
            body.put("entryExitTones", entryExitTones);
        }
        if (admissionMode != null) {
            body.put("admissionMode", admissionMode);
        }
    }
}
