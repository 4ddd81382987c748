package io.confbridge.pin;

import org.bouncycastle.crypto.generators.Argon2BytesGenerator;
import org.bouncycastle.crypto.params.Argon2Parameters;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.Base64;

/**
 * Hashes and verifies organizer PINs with Argon2id (RFC 9106), salted per hash and peppered with a
 * server secret (the Argon2 secret input K, see {@link Pepper}).
 *
 * <p>The encoded form carries its own version, cost and the ID of the pepper it was made with, so both the
 * cost and the pepper can change later: old hashes still verify (with a previous pepper the hasher was given),
 * and {@link #needsRehash} tells when to store a new one, which the vault does at the next right PIN.
 * <pre>
 * $bridgepin$v=2$argon2id$m=19456,t=2,p=1,k=&lt;pepper ID&gt;$&lt;salt, base64 without padding&gt;$&lt;hash, base64 without padding&gt;
 * </pre>
 * The pepper ID ({@link #pepperId}) is 12 hex digits of a SHA-256 of the pepper: it tells peppers apart and
 * reveals nothing of a 256-bit secret. Hashes of version 1 (before pepper IDs) carry none: they are tried
 * with the current pepper, then each previous one.
 * Thread-safe. Slow on purpose (tens of milliseconds at the default cost): call it from worker threads.
 */
public final class PinHasher {

    static final String PREFIX = "bridgepin";
    static final int VERSION = 2;
    /** Hashes made before pepper IDs: verified, never made. */
    static final int VERSION_WITHOUT_PEPPER_ID = 1;
    private static final int PEPPER_ID_HEX = 12;
    static final int SALT_BYTES = 16;
    static final int HASH_BYTES = 32;

    /** Bounds on parameters read back from a stored hash, so a corrupted row cannot make us allocate gigabytes. */
    private static final int MAX_MEMORY_KIB = 4 * 1024 * 1024;
    private static final int MAX_ITERATIONS = 100;
    private static final int MAX_PARALLELISM = 64;

    private static final Base64.Encoder B64 = Base64.getEncoder().withoutPadding();
    private static final Base64.Decoder B64_DECODER = Base64.getDecoder();

    private final byte[] pepper;
    private final String pepperId;
    /** The current pepper first, then the previous ones, by ID. */
    private final java.util.LinkedHashMap<String, byte[]> peppers = new java.util.LinkedHashMap<>();
    private final int memoryKiB;
    private final int iterations;
    private final int parallelism;
    private final SecureRandom random = new SecureRandom();

    /**
     * @param pepper      the server secret, at least {@link Pepper#BYTES} bytes (copied)
     * @param memoryKiB   Argon2 memory cost m, at least 8 KiB per lane
     * @param iterations  Argon2 time cost t, at least 1
     * @param parallelism Argon2 lanes p, at least 1
     */
    public PinHasher(byte[] pepper, int memoryKiB, int iterations, int parallelism) {
        this(pepper, java.util.List.of(), memoryKiB, iterations, parallelism);
    }

    /**
     * @param previousPeppers peppers of earlier hashes, still accepted for verification (pepper rotation);
     *                        a hash verified with one of them {@linkplain #needsRehash needs a rehash}
     */
    public PinHasher(byte[] pepper, java.util.List<byte[]> previousPeppers, int memoryKiB, int iterations, int parallelism) {
        if (pepper.length < Pepper.BYTES) {
            throw new IllegalArgumentException("pepper has " + pepper.length + " bytes; at least " + Pepper.BYTES + " required");
        }
        for (byte[] previous : previousPeppers) {
            if (previous.length < Pepper.BYTES) {
                throw new IllegalArgumentException("a previous pepper has " + previous.length + " bytes; at least "
                        + Pepper.BYTES + " required");
            }
        }
        if (parallelism < 1 || parallelism > MAX_PARALLELISM) {
            throw new IllegalArgumentException("parallelism " + parallelism + " is outside 1–" + MAX_PARALLELISM);
        }
        if (iterations < 1 || iterations > MAX_ITERATIONS) {
            throw new IllegalArgumentException("iterations " + iterations + " is outside 1–" + MAX_ITERATIONS);
        }
        if (memoryKiB < 8 * parallelism || memoryKiB > MAX_MEMORY_KIB) {
            throw new IllegalArgumentException("memoryKiB " + memoryKiB + " is outside " + 8 * parallelism + "–" + MAX_MEMORY_KIB);
        }
        this.pepper = pepper.clone();
        this.pepperId = pepperId(pepper);
        peppers.put(pepperId, this.pepper);
        for (byte[] previous : previousPeppers) {
            peppers.putIfAbsent(pepperId(previous), previous.clone());
        }
        this.memoryKiB = memoryKiB;
        this.iterations = iterations;
        this.parallelism = parallelism;
    }

    /**
     * Hashes a PIN at the current cost with a fresh salt.
     *
     * @throws IllegalArgumentException if {@code pin} is not a well-formed PIN (the message does not quote it)
     */
    public String hash(String pin) {
        if (!Pins.isWellFormed(pin)) {
            throw new IllegalArgumentException("not a PIN of " + Pins.MIN_LENGTH + "–" + Pins.MAX_LENGTH + " digits");
        }
        byte[] salt = new byte[SALT_BYTES];
        random.nextBytes(salt);
        byte[] hash = argon2(pepper, pin, salt, memoryKiB, iterations, parallelism, HASH_BYTES);
        return "$" + PREFIX + "$v=" + VERSION + "$argon2id$m=" + memoryKiB + ",t=" + iterations + ",p=" + parallelism
                + ",k=" + pepperId + "$" + B64.encodeToString(salt) + "$" + B64.encodeToString(hash);
    }

    /** The ID of a pepper as it appears in hashes: 12 hex digits of SHA-256("bridgepin pepper id" ‖ pepper). */
    public static String pepperId(byte[] pepper) {
        try {
            MessageDigest sha256 = MessageDigest.getInstance("SHA-256");
            sha256.update("bridgepin pepper id".getBytes(StandardCharsets.US_ASCII));
            byte[] digest = sha256.digest(pepper);
            return java.util.HexFormat.of().formatHex(digest, 0, PEPPER_ID_HEX / 2);
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 unavailable", e);
        }
    }

    /** The ID of the pepper new hashes are made with. */
    public String pepperId() {
        return pepperId;
    }

    /**
     * Whether {@code pin} is the PIN {@code encoded} was made from, compared in constant time. False,
     * never an exception, for a malformed PIN or encoded string.
     */
    public boolean verify(String pin, String encoded) {
        if (!Pins.isWellFormed(pin)) {
            return false;
        }
        Encoded e = Encoded.parse(encoded);
        if (e == null) {
            return false;
        }
        if (e.pepperId != null) {
            byte[] keyed = peppers.get(e.pepperId);
            return keyed != null && matches(keyed, pin, e);
        }
        boolean match = false;
        for (byte[] candidate : peppers.values()) {
            // A version 1 hash names no pepper: each known one is tried, all of them so the time says nothing.
            match |= matches(candidate, pin, e);
        }
        return match;
    }

    private boolean matches(byte[] withPepper, String pin, Encoded e) {
        byte[] actual = argon2(withPepper, pin, e.salt, e.memoryKiB, e.iterations, e.parallelism, e.hash.length);
        return MessageDigest.isEqual(actual, e.hash);
    }

    /**
     * True when {@code encoded} was made with another version, cost or pepper than this hasher's current
     * one, or is malformed.
     */
    public boolean needsRehash(String encoded) {
        Encoded e = Encoded.parse(encoded);
        return e == null
                || !pepperId.equals(e.pepperId)
                || e.memoryKiB != memoryKiB
                || e.iterations != iterations
                || e.parallelism != parallelism
                || e.hash.length != HASH_BYTES;
    }

    private static byte[] argon2(byte[] pepper, String pin, byte[] salt, int m, int t, int p, int outputBytes) {
        Argon2Parameters params = new Argon2Parameters.Builder(Argon2Parameters.ARGON2_id)
                .withVersion(Argon2Parameters.ARGON2_VERSION_13)
                .withSalt(salt)
                .withSecret(pepper)
                .withMemoryAsKB(m)
                .withIterations(t)
                .withParallelism(p)
                .build();
        Argon2BytesGenerator generator = new Argon2BytesGenerator();
        generator.init(params);
        byte[] password = pin.getBytes(StandardCharsets.US_ASCII);
        byte[] out = new byte[outputBytes];
        generator.generateBytes(password, out);
        Arrays.fill(password, (byte) 0);
        return out;
    }

    @Override
    public String toString() {
        return "PinHasher[argon2id v=" + VERSION + " m=" + memoryKiB + ",t=" + iterations + ",p=" + parallelism
                + ", pepper " + pepperId + (peppers.size() > 1 ? " and " + (peppers.size() - 1) + " previous" : "") + "]";
    }

    /** A parsed encoded hash; null from {@link #parse} for anything that is not exactly our format. */
    private record Encoded(int memoryKiB, int iterations, int parallelism, String pepperId, byte[] salt, byte[] hash) {

        static Encoded parse(String encoded) {
            if (encoded == null || encoded.length() > 256) {
                return null;
            }
            String[] parts = encoded.split("\\$", -1);
            // "", "bridgepin", "v=2", "argon2id", "m=..,t=..,p=..,k=..", salt, hash (v=1: no k)
            if (parts.length != 7 || !parts[0].isEmpty() || !parts[1].equals(PREFIX) || !parts[3].equals("argon2id")) {
                return null;
            }
            boolean withPepperId = parts[2].equals("v=" + VERSION);
            if (!withPepperId && !parts[2].equals("v=" + VERSION_WITHOUT_PEPPER_ID)) {
                return null;
            }
            String[] params = parts[4].split(",", -1);
            if (params.length != (withPepperId ? 4 : 3)) {
                return null;
            }
            String pepperId = null;
            if (withPepperId) {
                pepperId = params[3].startsWith("k=") ? params[3].substring(2) : "";
                if (pepperId.length() != PEPPER_ID_HEX || !pepperId.chars().allMatch(c -> (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) {
                    return null;
                }
            }
            int m = param(params[0], "m=");
            int t = param(params[1], "t=");
            int p = param(params[2], "p=");
            if (p < 1 || p > MAX_PARALLELISM || t < 1 || t > MAX_ITERATIONS || m < 8 * p || m > MAX_MEMORY_KIB) {
                return null;
            }
            byte[] salt;
            byte[] hash;
            try {
                salt = B64_DECODER.decode(parts[5]);
                hash = B64_DECODER.decode(parts[6]);
            } catch (IllegalArgumentException e) {
                return null;
            }
            if (salt.length < 8 || salt.length > 64 || hash.length < 16 || hash.length > 64) {
                return null;
            }
            return new Encoded(m, t, p, pepperId, salt, hash);
        }

        /** The decimal after {@code name}, or -1. */
        private static int param(String s, String name) {
            if (!s.startsWith(name) || s.length() == name.length() || s.length() > name.length() + 7) {
                return -1;
            }
            int value = 0;
            for (int i = name.length(); i < s.length(); i++) {
                char c = s.charAt(i);
                if (c < '0' || c > '9') {
                    return -1;
                }
                value = value * 10 + (c - '0');
            }
            return value;
        }
    }
}
