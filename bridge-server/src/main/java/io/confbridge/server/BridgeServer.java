package io.confbridge.server;

import io.confbridge.config.BridgeConfig;
import io.confbridge.directory.Provisioning;

import java.util.Optional;

/** One running bridge node: SIP, media, directory. The composition root. */
public final class BridgeServer implements AutoCloseable {

    /** The demo organizer and meeting made at first start; the PIN exists only in memory. */
    public record DemoCredentials(String conferenceId, String pin) {
        @Override
        public String toString() {
            return "DemoCredentials[conferenceId=" + conferenceId + ", pin=*****]";
        }
    }

    /** A meeting's live state, as the bridge sees it now. */
    public record MeetingStatus(boolean started, int lobbyCount, int participantCount) {
    }

    /** Starts every part and returns once SIP and RTP are ready to take calls. */
    public static BridgeServer start(BridgeConfig config) throws Exception {
        throw new UnsupportedOperationException("not yet wired");
    }

    public BridgeConfig config() {
        throw new UnsupportedOperationException("not yet wired");
    }

    public Provisioning provisioning() {
        throw new UnsupportedOperationException("not yet wired");
    }

    /** Present only on the start that created a fresh data directory. */
    public Optional<DemoCredentials> demo() {
        throw new UnsupportedOperationException("not yet wired");
    }

    /** The live state of a meeting; a meeting nobody has dialled into is not started, with nobody in it. */
    public MeetingStatus meetingStatus(String conferenceId) {
        throw new UnsupportedOperationException("not yet wired");
    }

    @Override
    public void close() {
    }
}
