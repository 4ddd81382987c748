package io.confbridge.prompt;

/**
 * Every spoken prompt of the voice menu. {@link #fileName()} is the WAV file name inside a language
 * directory ({@code prompts/en/welcome.wav}); the texts are the script that generates them.
 *
 * <p>The recordings are made by {@code scripts/generate-prompts.sh}, whose English table must hold
 * the same texts ({@code PromptScriptConsistencyTest} checks); a new constant needs a line in
 * both of its tables (English and Mandarin) and a rerun of the script. {@link PromptLibrary}
 * loads them.
 */
public enum Prompt {
    WELCOME("welcome", "Welcome. Please enter your conference ID, followed by the pound key."),
    ENTER_CONFERENCE_ID("enter-conference-id", "Please enter your conference ID, followed by the pound key."),
    CONFERENCE_ID_NOT_FOUND("conference-id-not-found", "That conference ID was not found."),
    PRESS_STAR_IF_ORGANIZER("press-star-if-organizer", "If you are the organizer, press star now."),
    ENTER_PIN("enter-pin", "Please enter your PIN, followed by the pound key."),
    PIN_INCORRECT("pin-incorrect", "That PIN is not correct."),
    MEETING_NOT_STARTED("meeting-not-started",
            "The meeting has not started yet. Please wait, you will join as soon as the organizer arrives."),
    JOINING_MEETING("joining-meeting", "You are now joining the meeting."),
    LOBBY_TIMEOUT("lobby-timeout", "The meeting did not start in time."),
    MEETING_ENDED("meeting-ended", "The meeting has ended."),
    GOODBYE("goodbye", "Goodbye."),
    MUTED("muted", "You are now muted."),
    UNMUTED("unmuted", "You are no longer muted."),
    KEY_HELP("key-help", "Press star six to mute or unmute yourself. Press star one to hear these options again."),
    /** The key help for an organizer: also the lobby admission key of §2.6. */
    KEY_HELP_ORGANIZER("key-help-organizer",
            "Press star six to mute or unmute yourself. Press star two one to admit everyone waiting in the lobby."
                    + " Press star one to hear these options again."),
    MEETING_FULL("meeting-full", "This meeting is full. Please try again later."),
    ORGANIZER_LEFT("organizer-left", "The organizer has left and the meeting has ended."),
    /** For the lobby of a started meeting whose admission mode is {@code organizer}. */
    WAITING_FOR_ADMISSION("waiting-for-admission",
            "The meeting has started. Please wait, the organizer will let you in soon."),
    /** Said to every caller still connected when a draining bridge's {@code shutdown.drainMs} has passed. */
    MEETING_ENDING("meeting-ending", "The meeting is ending now."),
    /** Said when the PIN checks are backed up (a flood): the caller is not queued behind it. */
    TRY_AGAIN_LATER("try-again-later", "Please try again later.");

    private final String fileStem;
    private final String englishText;

    Prompt(String fileStem, String englishText) {
        this.fileStem = fileStem;
        this.englishText = englishText;
    }

    /** The WAV file name inside a language directory, {@code welcome.wav}. */
    public String fileName() {
        return fileStem + ".wav";
    }

    /** What the English recording says. */
    public String englishText() {
        return englishText;
    }
}
