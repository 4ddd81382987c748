package io.confbridge.store;

/**
 * The wrong PINs of one subject (an organizer, a caller ID, a source address) within a counting window.
 *
 * @param count    how many
 * @param lastAtMs when the latest one happened (epoch milliseconds), 0 when there are none
 */
public record PinFailures(int count, long lastAtMs) {

    public static final PinFailures NONE = new PinFailures(0, 0);
}
