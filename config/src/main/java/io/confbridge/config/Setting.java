package io.confbridge.config;

import java.math.BigInteger;
import java.util.Locale;
import java.util.Set;
import java.util.TreeSet;

/**
 * One configuration key: its dotted name, its type, its embedded default and what values it allows.
 * Parsing a raw value (from the file or an override) either yields the typed value or throws a
 * {@link ConfigException} that names the key, the offending value and the allowed range.
 */
record Setting(String key, Type type, Object defaultValue, long min, long max, Set<String> allowed,
               boolean mayBeEmpty, boolean secret) {

    enum Type { STRING, INT, LONG, BOOLEAN }

    static Setting intKey(String key, int defaultValue, int min, int max) {
        return new Setting(key, Type.INT, defaultValue, min, max, Set.of(), true, false);
    }

    static Setting longKey(String key, long defaultValue, long min, long max) {
        return new Setting(key, Type.LONG, defaultValue, min, max, Set.of(), true, false);
    }

    static Setting boolKey(String key, boolean defaultValue) {
        return new Setting(key, Type.BOOLEAN, defaultValue, 0, 0, Set.of(), true, false);
    }

    /** A free-form string; {@code mayBeEmpty} false for things like bind addresses that must be given. */
    static Setting stringKey(String key, String defaultValue, boolean mayBeEmpty) {
        return new Setting(key, Type.STRING, defaultValue, 0, 0, Set.of(), mayBeEmpty, false);
    }

    /** A string whose value never appears in an error message (passwords, tokens, the pepper). */
    static Setting secretKey(String key) {
        return new Setting(key, Type.STRING, "", 0, 0, Set.of(), true, true);
    }

    /** A string from a fixed set, matched case-insensitively and stored lower-case. */
    static Setting oneOf(String key, String defaultValue, String... allowed) {
        return new Setting(key, Type.STRING, defaultValue, 0, 0, Set.of(allowed), false, false);
    }

    /** The name of this key as an environment variable: {@code rtp.portMin} is {@code BRIDGE_RTP_PORTMIN}. */
    String envName() {
        return "BRIDGE_" + key.replace('.', '_').toUpperCase(Locale.ROOT);
    }

    /**
     * @param raw    a String, Boolean, Long, BigInteger or Double as read from JSON/YAML or an override
     * @param source where the value came from, for the message ("BRIDGE_SIP_PORT", "config.yaml")
     */
    Object parse(Object raw, String source) {
        if (raw == null) {
            throw error("no value given" + from(source) + "; expected " + expectation());
        }
        return switch (type) {
            case INT, LONG -> parseNumber(raw, source);
            case BOOLEAN -> parseBoolean(raw, source);
            case STRING -> parseString(raw, source);
        };
    }

    private Object parseNumber(Object raw, String source) {
        BigInteger value;
        if (raw instanceof Long l) {
            value = BigInteger.valueOf(l);
        } else if (raw instanceof BigInteger b) {
            value = b;
        } else if (raw instanceof String s && s.trim().matches("[+-]?\\d+")) {
            value = new BigInteger(s.trim());
        } else {
            throw error(shown(raw) + from(source) + " is not an integer; expected " + expectation());
        }
        if (value.compareTo(BigInteger.valueOf(min)) < 0 || value.compareTo(BigInteger.valueOf(max)) > 0) {
            throw error(shown(value) + from(source) + " is outside " + range());
        }
        return type == Type.INT ? (Object) value.intValue() : (Object) value.longValue();
    }

    private Object parseBoolean(Object raw, String source) {
        if (raw instanceof Boolean b) {
            return b;
        }
        if (raw instanceof String s) {
            String t = s.trim().toLowerCase(Locale.ROOT);
            if (t.equals("true") || t.equals("false")) {
                return Boolean.valueOf(t);
            }
        }
        throw error(shown(raw) + from(source) + " is not a boolean; expected true or false");
    }

    private Object parseString(Object raw, String source) {
        if (!(raw instanceof String || raw instanceof Number || raw instanceof Boolean)) {
            throw error("a " + raw.getClass().getSimpleName() + from(source) + " is not a string");
        }
        // YAML reads `token: 12345` as a number; a scalar is taken as its text.
        String s = raw.toString().trim();
        if (!allowed.isEmpty()) {
            String lower = s.toLowerCase(Locale.ROOT);
            if (!allowed.contains(lower)) {
                throw error(shown(s) + from(source) + " is not one of " + expectation());
            }
            return lower;
        }
        if (s.isEmpty() && !mayBeEmpty) {
            throw error("must not be empty" + from(source));
        }
        return s;
    }

    String expectation() {
        return switch (type) {
            case INT, LONG -> "an integer in " + range();
            case BOOLEAN -> "true or false";
            case STRING -> allowed.isEmpty() ? "a string" : String.join(", ", new TreeSet<>(allowed));
        };
    }

    private String range() {
        return min + "–" + max;
    }

    private String shown(Object value) {
        if (secret) {
            return "the value";
        }
        return value instanceof String ? "\"" + value + "\"" : String.valueOf(value);
    }

    private static String from(String source) {
        return source == null ? "" : " (from " + source + ")";
    }

    ConfigException error(String message) {
        return new ConfigException(key, message);
    }
}
