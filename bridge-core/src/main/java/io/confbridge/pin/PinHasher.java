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
 * <p>The encoded form carries its own version and cost, so the cost can be raised later: old hashes still
 * verify, and {@link #needsRehash} tells when to store a new one.
 * <pre>
 * $bridgepin$v=1$argon2id$m=19456,t=2,p=1$&lt;salt, base64 without padding&gt;$&lt;hash, base64 without padding&gt;
 * </pre>
 * Thread-safe. Slow on purpose (tens of milliseconds at the default cost): call it from worker threads.
 */
public final class PinHasher {

    static final String PREFIX = "bridgepin";
    static final int VERSION = 1;
    static final int SALT_BYTES = 16;
    static final int HASH_BYTES = 32;

    /** Bounds on parameters read back from a stored hash, so a corrupted row cannot make us allocate gigabytes. */
    private static final int MAX_MEMORY_KIB = 4 * 1024 * 1024;
    private static final int MAX_ITERATIONS = 100;
    private static final int MAX_PARALLELISM = 64;

    private static final Base64.Encoder B64 = Base64.getEncoder().withoutPadding();
    private static final Base64.Decoder B64_DECODER = Base64.getDecoder();

    private final byte[] pepper;
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
        if (pepper.length < Pepper.BYTES) {
            throw new IllegalArgumentException("pepper has " + pepper.length + " bytes; at least " + Pepper.BYTES + " required");
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
        byte[] hash = argon2(pin, salt, memoryKiB, iterations, parallelism, HASH_BYTES);
        return "$" + PREFIX + "$v=" + VERSION + "$argon2id$m=" + memoryKiB + ",t=" + iterations + ",p=" + parallelism
                + "$" + B64.encodeToString(salt) + "$" + B64.encodeToString(hash);
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
        byte[] actual = argon2(pin, e.salt, e.memoryKiB, e.iterations, e.parallelism, e.hash.length);
        return MessageDigest.isEqual(actual, e.hash);
    }

    /** True when {@code encoded} was made with another version or cost than this hasher's, or is malformed. */
    public boolean needsRehash(String encoded) {
        Encoded e = Encoded.parse(encoded);
        return e == null
                || e.memoryKiB != memoryKiB
                || e.iterations != iterations
                || e.parallelism != parallelism
                || e.hash.length != HASH_BYTES;
    }

    private byte[] argon2(String pin, byte[] salt, int m, int t, int p, int outputBytes) {
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
        return "PinHasher[argon2id v=" + VERSION + " m=" + memoryKiB + ",t=" + iterations + ",p=" + parallelism + "]";
    }

    /** A parsed encoded hash; null from {@link #parse} for anything that is not exactly our format. */
    private record Encoded(int memoryKiB, int iterations, int parallelism, byte[] salt, byte[] hash) {

        static Encoded parse(String encoded) {
            if (encoded == null || encoded.length() > 256) {
                return null;
            }
            String[] parts = encoded.split("\\$", -1);
            // "", "bridgepin", "v=1", "argon2id", "m=..,t=..,p=..", salt, hash
            if (parts.length != 7 || !parts[0].isEmpty() || !parts[1].equals(PREFIX)
                    || !parts[2].equals("v=" + VERSION) || !parts[3].equals("argon2id")) {
                return null;
            }
            String[] params = parts[4].split(",", -1);
            if (params.length != 3) {
                return null;
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
            return new Encoded(m, t, p, salt, hash);
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
