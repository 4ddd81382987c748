package io.confbridge.server.support;

/**
 * A keypad key's tone pair (ITU-T Q.23): one frequency of the row, one of the column, sounded together
 * by a phone that sends its keys in-band.
 */
record DtmfTone(double lowHz, double highHz) {
    private static final double[] ROWS = {697, 770, 852, 941};
    private static final double[] COLUMNS = {1209, 1336, 1477, 1633};
    private static final String KEYPAD = "123A456B789C*0#D";

    static DtmfTone of(char key) {
        int at = KEYPAD.indexOf(Character.toUpperCase(key));
        if (at < 0) {
            throw new IllegalArgumentException("not a DTMF key: " + key);
        }
        return new DtmfTone(ROWS[at / 4], COLUMNS[at % 4]);
    }
}
