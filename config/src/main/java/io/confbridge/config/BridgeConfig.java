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
        IdsConfig ids,
        MixerConfig mixer,
        OperationsConfig operations,
        LimitsConfig limits,
        ClusterConfig cluster) {

    /** Never prints the secrets of its parts: see their own {@code toString}. */
    @Override
    public String toString() {
        return "BridgeConfig[dataDir=" + dataDir + ", sip=" + sip + ", rtp=" + rtp + ", ivr=" + ivr + ", store=" + store
                + ", security=" + security + ", admin=" + admin + ", mail=" + mail + ", lockout=" + lockout
                + ", ids=" + ids + ", mixer=" + mixer + ", operations=" + operations + ", limits=" + limits
                + ", cluster=" + cluster + "]";
    }

    /** Shown in place of a configured secret. */
    static String hidden(String secret) {
        return secret == null || secret.isEmpty() ? "" : "*****";
    }

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
            Tls tls,
            Srtp srtp) {

        /** The configuration as before SRTP: {@code rtp.srtp} at its default, {@link Srtp#DEFAULT}. */
        public SipConfig(String bindAddress, int port, String advertisedAddress, boolean udp, boolean tcp,
                         long answerDelayMs, String realm, long keepaliveIntervalMs, Tls tls) {
            this(bindAddress, port, advertisedAddress, udp, tcp, answerDelayMs, realm, keepaliveIntervalMs, tls,
                    Srtp.DEFAULT);
        }

        /**
         * SRTP with SDES keys (RFC 4568, RFC 3711): {@code rtp.srtp} and {@code rtp.srtpOverInsecureSignalling}.
         * Applied where the SDP is answered, hence here beside the transports it depends on.
         *
         * @param overInsecureSignalling accept (and send) SDES keys in SDP over plain UDP/TCP, where they
         *                               protect nothing; off by default
         */
        public record Srtp(Mode mode, boolean overInsecureSignalling) {
            /** {@code optional}, no keys over insecure signalling. */
            public static final Srtp DEFAULT = new Srtp(Mode.OPTIONAL, false);

            public enum Mode {
                /** Offered crypto is accepted when the INVITE came over TLS; plain RTP otherwise. */
                OPTIONAL,
                /** A call without acceptable SRTP is refused (488). */
                MANDATORY,
                /** Crypto lines are ignored; an offer of RTP/SAVP only is refused (488). */
                OFF
            }

            /** Whether SDES keys may be used on a call whose signalling came over TLS ({@code secure}) or not. */
            public boolean keysAllowed(boolean secure) {
                return mode != Mode.OFF && (secure || overInsecureSignalling);
            }
        }

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
            long inactivityTimeoutMs,
            List<String> codecs) {

        /** The codecs the bridge speaks, best first: {@code rtp.codecs}' default and allowed names. */
        public static final List<String> KNOWN_CODECS = List.of("OPUS", "G722", "PCMU", "PCMA");

        /** Every codec, best first ({@link #KNOWN_CODECS}). */
        public RtpConfig(String bindAddress, int portMin, int portMax, int mediaThreads, boolean latching,
                         long inactivityTimeoutMs) {
            this(bindAddress, portMin, portMax, mediaThreads, latching, inactivityTimeoutMs, KNOWN_CODECS);
        }
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
        @Override
        public String toString() {
            return "StoreConfig[jdbcUrl=" + jdbcUrl + ", username=" + username + ", password=" + hidden(password)
                    + ", poolSize=" + poolSize + "]";
        }
    }

    /**
     * PIN hashing: the pepper's location and the Argon2id cost, and the verification worker pool.
     *
     * @param previousPepperFiles peppers replaced by rotation, still accepted for hashes made with them until
     *                            the next right PIN moves each to the current pepper
     */
    public record SecurityConfig(
            String pepperFile,
            String pepper,
            int argon2MemoryKiB,
            int argon2Iterations,
            int argon2Parallelism,
            int pinWorkerThreads,
            java.util.List<String> previousPepperFiles) {

        public SecurityConfig {
            previousPepperFiles = java.util.List.copyOf(previousPepperFiles);
        }

        /** With no previous peppers. */
        public SecurityConfig(String pepperFile, String pepper, int argon2MemoryKiB, int argon2Iterations,
                              int argon2Parallelism, int pinWorkerThreads) {
            this(pepperFile, pepper, argon2MemoryKiB, argon2Iterations, argon2Parallelism, pinWorkerThreads,
                    java.util.List.of());
        }

        @Override
        public String toString() {
            return "SecurityConfig[pepperFile=" + pepperFile + ", pepper=" + hidden(pepper) + ", argon2MemoryKiB="
                    + argon2MemoryKiB + ", argon2Iterations=" + argon2Iterations + ", argon2Parallelism="
                    + argon2Parallelism + ", pinWorkerThreads=" + pinWorkerThreads + ", previousPepperFiles="
                    + previousPepperFiles + "]";
        }
    }

    /**
     * The admin HTTP API.
     *
     * @param userTokenDays            how long a user's bearer token stays valid after it was issued
     * @param maxConnections           connections the listener holds at once; past it a new one is closed
     * @param maxConnectionsPerSource  the same, from one address
     * @param requestTimeoutMs         how long a connection may take to send a whole request, counted from
     *                                 its opening or the previous response; also the keep-alive idle time
     * @param authFailuresPerSource    failed authentications (a token presented and refused) one address may
     *                                 have a minute; past it, its requests get 429 until the budget refills
     * @param trustedProxies          reverse proxies whose {@code X-Forwarded-For} names the client
     * @param tls                      HTTPS only on the admin port, with the PEM pair below
     * @param tlsSelfSigned            the pair is {@code <dataDir>}'s own, generated at the first start
     */
    public record AdminConfig(String bindAddress, int port, String token, int userTokenDays, int maxConnections,
                              int maxConnectionsPerSource, long requestTimeoutMs, int authFailuresPerSource,
                              List<AddressBlock> trustedProxies, boolean tls, String tlsCertificateFile,
                              String tlsKeyFile, boolean tlsSelfSigned) {
        public AdminConfig {
            trustedProxies = List.copyOf(trustedProxies);
        }

        @Override
        public String toString() {
            return "AdminConfig[bindAddress=" + bindAddress + ", port=" + port + ", token=" + hidden(token)
                    + ", userTokenDays=" + userTokenDays + ", maxConnections=" + maxConnections
                    + ", maxConnectionsPerSource=" + maxConnectionsPerSource + ", requestTimeoutMs="
                    + requestTimeoutMs + ", authFailuresPerSource=" + authFailuresPerSource + ", trustedProxies="
                    + trustedProxies + ", tls=" + tls + ", tlsCertificateFile=" + tlsCertificateFile
                    + ", tlsKeyFile=" + tlsKeyFile + ", tlsSelfSigned=" + tlsSelfSigned + "]";
        }
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
     * Meeting audio: how many talkers are mixed at once ({@code mixer.maxTalkers}), and libopus's
     * complexity for the Opus streams a meeting encodes ({@code mixer.opusComplexity}, 0–10).
     */
    public record MixerConfig(int maxTalkers, int opusComplexity) {
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
     * @param digestMaxFailures       wrong SIP digest responses for one SIP username within the organizer
     *                                window that lock the username for the organizer lock time
     */
    public record LockoutConfig(
            int organizerMaxFailures,
            int organizerWindowMinutes,
            int organizerLockMinutes,
            int sourceFreeFailures,
            int sourceWindowMinutes,
            int sourceMaxBackoffSeconds,
            int digestMaxFailures) {

        /** The default {@code digestMaxFailures}. */
        public static final int DEFAULT_DIGEST_MAX_FAILURES = 10;

        /** The PIN limits with the default digest limit. */
        public LockoutConfig(int organizerMaxFailures, int organizerWindowMinutes, int organizerLockMinutes,
                             int sourceFreeFailures, int sourceWindowMinutes, int sourceMaxBackoffSeconds) {
            this(organizerMaxFailures, organizerWindowMinutes, organizerLockMinutes, sourceFreeFailures,
                    sourceWindowMinutes, sourceMaxBackoffSeconds, DEFAULT_DIGEST_MAX_FAILURES);
        }
    }

    /**
     * Identifiers the bridge hands out.
     *
     * @param conferenceIdLength digits of the conference ID of a new meeting; existing meetings keep theirs
     */
    public record IdsConfig(int conferenceIdLength) {
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
     * @param sipConnections                SIP connections at once on each stream transport (TCP, TLS); a
     *                                      caller on TLS holds one, so this is also the TLS call capacity, and
     *                                      each is a file descriptor
     * @param sipConnectionsPerSource       of those, from one address: a phone needs one, a proxy or trunk a few
     */
    public record LimitsConfig(
            int invitesPerSecondPerSource,
            int inviteBurstPerSource,
            int invitesPerSecond,
            int callsPerSource,
            int registersPerSecondPerSource,
            int conferenceIdFailuresPerSource,
            int pinVerificationQueue,
            List<AddressBlock> trustedProxies,
            int sipConnections,
            int sipConnectionsPerSource) {

        /** {@code limits.sipConnections} when not configured. */
        public static final int DEFAULT_SIP_CONNECTIONS = 10_000;
        /** {@code limits.sipConnectionsPerSource} when not configured. */
        public static final int DEFAULT_SIP_CONNECTIONS_PER_SOURCE = 100;

        public LimitsConfig {
            trustedProxies = List.copyOf(trustedProxies);
        }

        /** With the SIP connection caps at their defaults. */
        public LimitsConfig(int invitesPerSecondPerSource, int inviteBurstPerSource, int invitesPerSecond,
                            int callsPerSource, int registersPerSecondPerSource, int conferenceIdFailuresPerSource,
                            int pinVerificationQueue, List<AddressBlock> trustedProxies) {
            this(invitesPerSecondPerSource, inviteBurstPerSource, invitesPerSecond, callsPerSource,
                    registersPerSecondPerSource, conferenceIdFailuresPerSource, pinVerificationQueue, trustedProxies,
                    DEFAULT_SIP_CONNECTIONS, DEFAULT_SIP_CONNECTIONS_PER_SOURCE);
        }

        /** The defaults of issue 9: what a bridge on a public address runs with. */
        public static final LimitsConfig DEFAULTS = new LimitsConfig(20, 40, 1000, 200, 5, 10, 64, List.of());

        /** These limits with {@code sip.trustedProxies} replaced. */
        public LimitsConfig withTrustedProxies(List<AddressBlock> proxies) {
            return new LimitsConfig(invitesPerSecondPerSource, inviteBurstPerSource, invitesPerSecond, callsPerSource,
                    registersPerSecondPerSource, conferenceIdFailuresPerSource, pinVerificationQueue, proxies,
                    sipConnections, sipConnectionsPerSource);
        }

        /** These limits with the SIP connection caps replaced. */
        public LimitsConfig withSipConnections(int total, int perSource) {
            return new LimitsConfig(invitesPerSecondPerSource, inviteBurstPerSource, invitesPerSecond, callsPerSource,
                    registersPerSecondPerSource, conferenceIdFailuresPerSource, pinVerificationQueue, trustedProxies,
                    total, perSource);
        }
    }

    /**
     * Several nodes sharing one PostgreSQL (issue 12): {@code cluster.*}.
     *
     * @param nodeId        {@code cluster.nodeId}: this node's name in the {@code nodes} table; empty when
     *                      cluster mode is off
     * @param mediaAddress  {@code cluster.mediaAddress}: where other nodes send this node inter-node audio
     *                      ({@code rtp.bindAddress} when not set)
     * @param nodeTimeoutMs {@code cluster.nodeTimeoutMs}: a node whose heartbeat is older than this is gone
     */
    public record ClusterConfig(String nodeId, String mediaAddress, long nodeTimeoutMs) {
        /** The default {@code cluster.nodeTimeoutMs}: three missed heartbeats of about 3 s. */
        public static final long DEFAULT_NODE_TIMEOUT_MS = 10_000;
        /** What a node ID may be: it appears in logs, the API and the database. */
        public static final java.util.regex.Pattern NODE_ID = java.util.regex.Pattern.compile("[A-Za-z0-9._-]{1,64}");
        /** Cluster mode off. */
        public static final ClusterConfig OFF = new ClusterConfig("", "", DEFAULT_NODE_TIMEOUT_MS);

        /** Whether this node is one of several sharing the database. */
        public boolean enabled() {
            return !nodeId.isEmpty();
        }

        /** How often this node writes its heartbeat: a third of the timeout, so one lost beat is not death. */
        public long heartbeatIntervalMs() {
            return Math.max(1, nodeTimeoutMs / 3);
        }
    }
}
