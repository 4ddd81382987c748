package io.confbridge.config;

import java.util.Map;
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
        AdminConfig admin,
        MailConfig mail,
        LockoutConfig lockout,
        OperationsConfig operations) {

    /**
     * SIP signalling: where jain-sip listens and what address it advertises in Contact and SDP.
     *
     * @param realm the digest authentication realm of organizers' SIP credentials; the stored HA1 values
     *              are bound to it, so changing it invalidates every SIP password set before
     */
    public record SipConfig(
            String bindAddress,
            int port,
            String advertisedAddress,
            boolean udp,
            boolean tcp,
            long answerDelayMs,
            String realm,
            long keepaliveIntervalMs,
            Tls tls) {

        /**
         * SIP over TLS (RFC 3261 §26): {@code sip.tls} on {@code sip.tlsPort}, with the PEM certificate and
         * key in {@code sip.tlsCertificateFile}/{@code sip.tlsKeyFile}.
         *
         * @param selfSigned the files were not configured: they are {@code <dataDir>}'s own, and a
         *                   self-signed pair is generated there at the first start
         */
        public record Tls(boolean enabled, int port, String certificateFile, String keyFile, boolean selfSigned) {
            /** The TLS port when none is configured. */
            public static final int DEFAULT_PORT = 5061;
            /** No TLS listener (tests that do not exercise it). */
            public static final Tls OFF = new Tls(false, DEFAULT_PORT, "", "", false);
        }

        /** The realm when none is configured. */
        public static final String DEFAULT_REALM = "confbridge";
        /** In-dialog OPTIONS to each confirmed call this often when not configured; 0 turns them off. */
        public static final long DEFAULT_KEEPALIVE_INTERVAL_MS = 30_000;
    }

    /**
     * RTP media: the UDP port range for per-call port pairs, the media thread count, and whether
     * {@code latching} ({@code rtp.latching=auto}) sends to where the caller's RTP really comes from.
     */
    public record RtpConfig(
            String bindAddress,
            int portMin,
            int portMax,
            int mediaThreads,
            boolean latching,
            long inactivityTimeoutMs) {
    }

    /**
     * The dial-in voice menu: timeouts, retries, prompts and hold music; and how long a meeting started
     * from the app may stay empty before it ends ({@code idleMeetingTimeoutMs}).
     */
    public record IvrConfig(
            long digitTimeoutMs,
            long organizerStarWaitMs,
            int conferenceIdTries,
            int pinTries,
            long lobbyTimeoutMs,
            String language,
            String promptDir,
            String holdMusicWav,
            Map<String, String> dialInLanguages,
            boolean inbandDtmf,
            long idleMeetingTimeoutMs) {

        public IvrConfig {
            dialInLanguages = Map.copyOf(dialInLanguages);
        }
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

    /**
     * Outgoing mail (the PIN e-mails). An empty {@code host} means mail is not configured: sending then
     * reports a failure and the administrator delivers PINs by hand.
     *
     * @param tls {@code none} (plain SMTP), {@code starttls} (upgrade required) or {@code smtps} (TLS from the start)
     */
    public record MailConfig(
            String host,
            int port,
            String tls,
            String username,
            String password,
            String from,
            long connectTimeoutMs,
            long timeoutMs) {

        /** Whether an SMTP server is configured at all. */
        public boolean configured() {
            return !host.isEmpty();
        }

        @Override
        public String toString() {
            return "MailConfig[host=" + host + ", port=" + port + ", tls=" + tls + ", username=" + username
                    + ", password=" + (password.isEmpty() ? "" : "*****") + ", from=" + from + "]";
        }
    }

    /**
     * PIN brute-force protection across calls (SPEC §5); the per-call limit is {@code ivr.pinTries}.
     *
     * @param organizerMaxFailures    wrong PINs for one organizer within the window that lock their PIN
     * @param organizerWindowMinutes  the window those failures are counted in
     * @param organizerLockMinutes    how long the organizer's PIN stays locked
     * @param sourceFreeFailures      wrong PINs from one caller ID or address within the window before back-off
     * @param sourceWindowMinutes     the window source failures are counted in
     * @param sourceMaxBackoffSeconds the longest back-off a source meets (it doubles with each failure)
     */
    public record LockoutConfig(
            int organizerMaxFailures,
            int organizerWindowMinutes,
            int organizerLockMinutes,
            int sourceFreeFailures,
            int sourceWindowMinutes,
            int sourceMaxBackoffSeconds) {
    }

    /**
     * Running the bridge as a service: metrics, logs and shutdown.
     *
     * @param metricsToken  {@code admin.metricsToken}: the bearer token {@code GET /metrics} requires; empty for none
     * @param loggingFormat {@code logging.format}: {@code text} or {@code json} (one object per line)
     * @param drainMs       {@code shutdown.drainMs}: how long the first SIGTERM lets calls go on; 0 stops at once
     */
    public record OperationsConfig(String metricsToken, String loggingFormat, long drainMs) {
        /** The default: no metrics token, text logs, immediate stop. */
        public static final OperationsConfig DEFAULT = new OperationsConfig("", "text", 0);

        @Override
        public String toString() {
            return "OperationsConfig[metricsToken=" + (metricsToken.isEmpty() ? "" : "*****")
                    + ", loggingFormat=" + loggingFormat + ", drainMs=" + drainMs + "]";
        }
    }
}
