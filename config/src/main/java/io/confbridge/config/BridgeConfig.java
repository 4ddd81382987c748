package io.confbridge.config;

import java.util.List;
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
        LimitsConfig limits) {

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
     * Flood shedding (issue 9 §2): token buckets and counters checked on the SIP thread before any work;
     * past a limit, 503 with Retry-After.
     *
     * @param invitesPerSecondPerSource     new INVITEs a second from one source (token bucket rate)
     * @param inviteBurstPerSource          that bucket's depth
     * @param invitesPerSecond              new INVITEs a second from everyone together (depth = rate)
     * @param callsPerSource                calls in progress from one source at once
     * @param registersPerSecondPerSource   REGISTERs a second from one source (depth = 2 × rate)
     * @param conferenceIdFailuresPerSource wrong conference IDs from one source in a minute before that
     *                                      source's calls are ended and its INVITEs refused for a growing time
     * @param pinVerificationQueue          PIN checks waiting for a hashing thread before callers are told
     *                                      to try again later
     * @param trustedProxies                {@code sip.trustedProxies}: requests from these address blocks are
     *                                      keyed on the caller's identity, not the proxy's address
     */
    public record LimitsConfig(
            int invitesPerSecondPerSource,
            int inviteBurstPerSource,
            int invitesPerSecond,
            int callsPerSource,
            int registersPerSecondPerSource,
            int conferenceIdFailuresPerSource,
            int pinVerificationQueue,
            List<AddressBlock> trustedProxies) {

        public LimitsConfig {
            trustedProxies = List.copyOf(trustedProxies);
        }

        /** The defaults of issue 9: what a bridge on a public address runs with. */
        public static final LimitsConfig DEFAULTS = new LimitsConfig(20, 40, 1000, 200, 5, 10, 64, List.of());

        /** These limits with {@code sip.trustedProxies} replaced. */
        public LimitsConfig withTrustedProxies(List<AddressBlock> proxies) {
            return new LimitsConfig(invitesPerSecondPerSource, inviteBurstPerSource, invitesPerSecond, callsPerSource,
                    registersPerSecondPerSource, conferenceIdFailuresPerSource, pinVerificationQueue, proxies);
        }
    }
}
