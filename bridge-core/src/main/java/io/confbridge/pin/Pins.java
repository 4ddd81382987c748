package io.confbridge.pin;

/** What counts as a PIN at all: 4 to 12 ASCII digits. */
final class Pins {
    static final int MIN_LENGTH = 4;
    static final int MAX_LENGTH = 12;

    private Pins() {
    }

    static boolean isWellFormed(String pin) {
        if (pin == null || pin.length() < MIN_LENGTH || pin.length() > MAX_LENGTH) {
            return false;
        }
        for (int i = 0; i < pin.length(); i++) {
            char c = pin.charAt(i);
            if (c < '0' || c > '9') {
                return false;
            }
        }
        return true;
    }
}
