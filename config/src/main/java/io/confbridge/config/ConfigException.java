package io.confbridge.config;

/** A configuration value that the bridge refuses to start with; the message names the key and the allowed range. */
public final class ConfigException extends RuntimeException {
    private final String key;

    public ConfigException(String key, String message) {
        super(key + ": " + message);
        this.key = key;
    }

    public ConfigException(String key, String message, Throwable cause) {
        super(key + ": " + message, cause);
        this.key = key;
    }

    /** The dotted key at fault, for example {@code rtp.portMin}. */
    public String key() {
        return key;
    }
}
