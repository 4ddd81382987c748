package io.confbridge.config;

/**
 * The whole configuration of one bridge node, as loaded and validated by {@link ConfigLoader}.
 *
 * <p>Every key has an embedded default so that {@code java -jar bridge.jar} runs with no file at all.
 * Keys are addressed with dotted names ({@code sip.port}, {@code rtp.portMin}) in error messages,
 * in the config file and in environment overrides ({@code BRIDGE_SIP_PORT}).
 */
public record BridgeConfig(
        String dataDir,
        SipConfig sip,
        RtpConfig rtp,
        IvrConfig ivr,
        StoreConfig store,
        SecurityConfig security,
        AdminConfig admin) {

    /** SIP signalling: where jain-sip listens and what address it advertises in Contact and SDP. */
    public record SipConfig(
            String bindAddress,
            int port,
            String advertisedAddress,
            boolean udp,
            boolean tcp,
            long answerDelayMs) {
    }

    /** RTP media: the UDP port range for per-call port pairs and the media thread count. */
    public record RtpConfig(
            String bindAddress,
            int portMin,
            int portMax,
            int mediaThreads,
            boolean symmetricLatching) {
    }

    /** The dial-in voice menu: timeouts, retries, prompts and hold music. */
    public record IvrConfig(
            long digitTimeoutMs,
            long organizerStarWaitMs,
            int conferenceIdTries,
            int pinTries,
            long lobbyTimeoutMs,
            String language,
            String promptDir,
            String holdMusicWav) {
    }

    /** The directory database: a JDBC URL selecting SQLite (embedded default) or PostgreSQL. */
    public record StoreConfig(String jdbcUrl, String username, String password, int poolSize) {
    }

    /** PIN hashing: the pepper's location and the Argon2id cost, and the verification worker pool. */
    public record SecurityConfig(
            String pepperFile,
            String pepper,
            int argon2MemoryKiB,
            int argon2Iterations,
            int argon2Parallelism,
            int pinWorkerThreads) {
    }

    /** The admin HTTP API. */
    public record AdminConfig(String bindAddress, int port, String token) {
    }
}
