package io.confbridge.rtp;

import java.util.Arrays;

/**
 * The SDES keys (RFC 4568) one call's SRTP uses: the suite, the bridge's own master key and salt (what it
 * sends with, announced in its SDP) and the caller's (what the caller sends with, from its SDP).
 * {@link #toString()} never shows a key.
 */
public record SrtpKeys(SrtpContext.Suite suite, byte[] localKey, byte[] localSalt, byte[] remoteKey, byte[] remoteSalt) {

    public SrtpKeys {
        if (localKey.length != 16 || remoteKey.length != 16 || localSalt.length != 14 || remoteSalt.length != 14) {
            throw new IllegalArgumentException("AES_CM_128 needs 16-byte master keys and 14-byte salts");
        }
        localKey = localKey.clone();
        localSalt = localSalt.clone();
        remoteKey = remoteKey.clone();
        remoteSalt = remoteSalt.clone();
    }

    /** Whether the bridge sends with the same key and suite as in {@code other}. */
    public boolean sameLocal(SrtpKeys other) {
        return other != null && suite == other.suite && Arrays.equals(localKey, other.localKey)
                && Arrays.equals(localSalt, other.localSalt);
    }

    /** Whether the caller sends with the same key and suite as in {@code other}. */
    public boolean sameRemote(SrtpKeys other) {
        return other != null && suite == other.suite && Arrays.equals(remoteKey, other.remoteKey)
                && Arrays.equals(remoteSalt, other.remoteSalt);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof SrtpKeys k && sameLocal(k) && sameRemote(k);
    }

    @Override
    public int hashCode() {
        return suite.hashCode() * 31 + Arrays.hashCode(remoteKey);
    }

    @Override
    public String toString() {
        return "SrtpKeys[" + suite + ", keys hidden]";
    }
}
