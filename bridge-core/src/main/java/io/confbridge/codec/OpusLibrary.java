package io.confbridge.codec;

/**
 * Which libopus the bridge runs, for the start-up log: an operator must be able to tell whether the
 * decoder that parses callers' packets is the distribution's (kept patched) or the jar's old copy.
 */
public final class OpusLibrary {
    private OpusLibrary() {
    }

    /** The library's version and file, e.g. {@code libopus 1.3.1 (/usr/lib/x86_64-linux-gnu/libopus.so.0)}; loads it. */
    public static String description() {
        return OpusNative.opus_get_version_string() + " (" + OpusNative.PATH + ")";
    }

    /** Whether it is the copy shipped in the jar (libopus 1.1.2 of 2015), the system having none; loads it. */
    public static boolean bundled() {
        return OpusNative.bundled();
    }
}
