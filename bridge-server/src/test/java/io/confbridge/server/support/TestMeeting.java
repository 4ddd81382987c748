package io.confbridge.server.support;

/**
 * A meeting made for one test through provisioning, with its organizer's PIN in clear: the one moment
 * the PIN exists outside the hash.
 */
public record TestMeeting(String conferenceId, long organizerId, String organizerPin) {

    /** A PIN of the same length that is certainly not the organizer's. */
    public String wrongPin() {
        StringBuilder wrong = new StringBuilder(organizerPin);
        wrong.setCharAt(0, organizerPin.charAt(0) == '9' ? '1' : (char) (organizerPin.charAt(0) + 1));
        return wrong.toString();
    }

    @Override
    public String toString() {
        return "TestMeeting[conferenceId=" + conferenceId + ", organizerId=" + organizerId + ", pin=*****]";
    }
}
