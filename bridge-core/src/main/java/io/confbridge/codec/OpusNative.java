package io.confbridge.codec;

import com.sun.jna.Native;
import com.sun.jna.NativeLibrary;
import com.sun.jna.Platform;
import com.sun.jna.Pointer;
import com.sun.jna.ptr.IntByReference;
import com.sun.jna.ptr.PointerByReference;
import tomp2p.opuswrapper.Opus;

import java.io.File;
import java.io.IOException;
import java.lang.ref.Cleaner;

/**
 * libopus, loaded once per JVM, with the per-frame entry points bound by JNA direct mapping.
 *
 * <h2>Why two bindings</h2>
 * JNA's interface mapping ({@link Opus#INSTANCE}, from opus-java-api) goes through a proxy that boxes
 * the arguments into an {@code Object[]} and converts them on every call; on a 20 ms media path that is
 * garbage per packet. {@link Native#register(Class, NativeLibrary)} binds the {@code native} methods
 * below straight to the symbols: primitives and {@link Pointer}s are passed without allocating. The
 * varargs {@code opus_*_ctl} calls cannot be direct-mapped (a variadic C function called through a
 * fixed prototype is undefined behaviour, and breaks on arm64 macOS where variadic arguments go on the
 * stack), so the few setup-time ctl calls use the interface mapping, which knows varargs.
 *
 * <h2>Which libopus</h2>
 * <ol>
 *   <li>{@code -Dopus.lib=/path/to/libopus.so.0} (the property opus-java-api uses too): that file.</li>
 *   <li>Else the system's libopus, where a distribution installs it ({@link #SYSTEM_PATHS}): it decodes
 *       what strangers send, so the copy the distribution keeps patched is the one to run (Debian 12's
 *       is 1.3.1, with RFC 8251's decoder fixes).</li>
 *   <li>Else, or with {@code -Dopus.lib=bundled}, the copy in the opus-java-natives jar
 *       ({@code /natives/<platform>/libopus.so}, libopus 1.1.2 of 2015), extracted to a temporary file.</li>
 * </ol>
 * Both bindings open the same file, so the process holds one copy. opus-java-api's own
 * {@code OpusLibrary.loadFromJar()} is not used: it {@code System.load}s its extracted copy under a name
 * it does not expose and points the property at the resource, so JNA would extract and map a second
 * copy; and with JNA 5 it does not recognise macOS ({@code darwin-x86-64} rather than {@code darwin}).
 */
final class OpusNative {
    static final int SAMPLE_RATE = 16_000;
    static final int CHANNELS = 1;
    static final int OK = 0;

    /** Frees the native state of encoders and decoders dropped without {@code close()}. */
    static final Cleaner CLEANER = Cleaner.create();

    private static final String PROPERTY = "opus.lib";
    /** {@code -Dopus.lib=bundled}: the jar's copy even where the system has one. */
    private static final String BUNDLED = "bundled";
    /** Where distributions put libopus's runtime library (Debian and Ubuntu multiarch, Fedora, others). */
    static final String[] SYSTEM_PATHS = {
            "/usr/lib/x86_64-linux-gnu/libopus.so.0", "/usr/lib/aarch64-linux-gnu/libopus.so.0",
            "/usr/lib64/libopus.so.0", "/usr/lib/libopus.so.0", "/usr/local/lib/libopus.so.0",
            "/opt/homebrew/lib/libopus.0.dylib", "/usr/local/lib/libopus.0.dylib"};
    /** Whether the library loaded is the jar's copy. Set by {@link #load()}, before {@link #PATH}. */
    private static boolean bundled;
    static final String PATH = load();

    static {
        Native.register(OpusNative.class, NativeLibrary.getInstance(PATH));
    }

    private OpusNative() {
    }

    /** Whether the library in use is the jar's copy (libopus 1.1.2) rather than one on disk. */
    static boolean bundled() {
        return bundled;
    }

    static native Pointer opus_encoder_create(int fs, int channels, int application, int[] error);

    static native void opus_encoder_destroy(Pointer st);

    /** The bytes of an encoder's state: one block, which holds offsets to its parts rather than pointers. */
    static native int opus_encoder_get_size(int channels);

    /** {@code pcm} holds {@code frameSize} samples; returns the packet length or a negative error. */
    static native int opus_encode(Pointer st, Pointer pcm, int frameSize, Pointer data, int maxDataBytes);

    static native Pointer opus_decoder_create(int fs, int channels, int[] error);

    static native void opus_decoder_destroy(Pointer st);

    /**
     * Initialises a decoder's state in place, as new: the same as {@code OPUS_RESET_STATE}, but bound
     * directly (the ctl is varargs, so it can only be reached through the interface mapping, which
     * allocates).
     */
    static native int opus_decoder_init(Pointer st, int fs, int channels);

    /**
     * {@code data} null (with {@code len} 0) asks for concealment; {@code decodeFec} 1 decodes the
     * in-band FEC copy of the frame before {@code data}. Returns samples per channel or a negative error.
     */
    static native int opus_decode(Pointer st, Pointer data, int len, Pointer pcm, int frameSize, int decodeFec);

    static native String opus_get_version_string();

    static native String opus_strerror(int error);

    /** Setup time only: a boxed varargs call through the interface mapping. */
    static int encoderCtl(Pointer st, int request, int value) {
        return Opus.INSTANCE.opus_encoder_ctl(ref(st), request, value);
    }

    /** Setup time only; the value of a {@code OPUS_GET_*} request, or an exception if libopus refuses it. */
    static int encoderGet(Pointer st, int request) {
        IntByReference value = new IntByReference();
        check(Opus.INSTANCE.opus_encoder_ctl(ref(st), request, value), "opus_encoder_ctl " + request);
        return value.getValue();
    }

    static int decoderGet(Pointer st, int request) {
        IntByReference value = new IntByReference();
        check(Opus.INSTANCE.opus_decoder_ctl(ref(st), request, value), "opus_decoder_ctl " + request);
        return value.getValue();
    }

    static void check(int result, String what) {
        if (result < 0) {
            throw new IllegalStateException(what + ": " + opus_strerror(result) + " (" + result + ")");
        }
    }

    // opus-java-api declares the state as a PointerByReference: passed as an argument it is its pointer.
    private static PointerByReference ref(Pointer st) {
        PointerByReference ref = new PointerByReference();
        ref.setPointer(st);
        return ref;
    }

    private static String load() {
        String configured = System.getProperty(PROPERTY);
        String path = null;
        if (configured != null && new File(configured).isFile()) {
            path = configured;
        } else if (!BUNDLED.equals(configured)) {
            for (String candidate : SYSTEM_PATHS) {
                if (new File(candidate).isFile()) {
                    path = candidate;
                    break;
                }
            }
        }
        if (path == null) {
            bundled = true;
            // JNA 5 names macOS darwin-x86-64 or darwin-aarch64; the natives jar has one darwin directory.
            String platform = Platform.RESOURCE_PREFIX.startsWith("darwin") ? "darwin" : Platform.RESOURCE_PREFIX;
            String extension = Platform.isWindows() ? "dll" : Platform.isMac() ? "dylib" : "so";
            String resource = "/natives/" + platform + "/libopus." + extension;
            if (OpusNative.class.getResource(resource) == null) {
                throw new UnsupportedOperationException("no libopus for " + Platform.RESOURCE_PREFIX
                        + " in opus-java-natives (" + resource + "); set -D" + PROPERTY + "=<path to libopus>");
            }
            try {
                path = Native.extractFromResourcePath(resource, OpusNative.class.getClassLoader()).getAbsolutePath();
            } catch (IOException e) {
                throw new IllegalStateException("cannot extract " + resource, e);
            }
        }
        // Opus.INSTANCE loads the library named by this property when first used: the same file.
        System.setProperty(PROPERTY, path);
        return path;
    }
}
