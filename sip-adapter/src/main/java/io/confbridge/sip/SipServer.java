package io.confbridge.sip;

import io.confbridge.codec.Codec;
import io.confbridge.metrics.BridgeMetrics;
import gov.nist.core.CommonLogger;
import gov.nist.javax.sip.ListeningPointImpl;
import gov.nist.javax.sip.SipStackImpl;
import io.confbridge.auth.SipCredentials;
import io.confbridge.call.CallAcceptor;
import io.confbridge.config.BridgeConfig;
import io.confbridge.auth.DigestGuard;
import io.confbridge.sip.digest.DigestAuthenticator;
import io.confbridge.sip.logging.Slf4jStackLogger;
import io.confbridge.sip.logging.StackThreadDeaths;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import javax.sip.ListeningPoint;
import javax.sip.SipProvider;
import java.util.ArrayList;
import java.util.ConcurrentModificationException;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.LongSupplier;

/**
 * The bridge's SIP user agent server: listens on UDP and/or TCP, answers INVITEs with G.711 +
 * telephone-event, hands each call to the core's {@link CallAcceptor} and carries the core's hang-ups
 * back out as BYE.
 *
 * <p>With {@link SipCredentials}, organizers' softphones authenticate with SIP digest (SHA-256 or MD5,
 * {@code qop=auth}): an INVITE from a known SIP username is challenged, and one that proves an account
 * reaches the core with that organizer's identity; everyone else stays anonymous. REGISTER from an
 * account holder is authenticated and answered, but bindings are not stored (the bridge never calls out).
 *
 * <p>One jain-sip stack per instance, with a unique stack name, so several servers (tests, restarts)
 * can live in one JVM. {@link #close()} ends open calls, stops the stack and frees the port at once.
 */
public final class SipServer implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(SipServer.class);
    /** jain-sip's stop can race its own UDP threads (see {@link #stopStack}); this many tries. */
    private static final int STOP_ATTEMPTS = 3;
    private static final AtomicInteger INSTANCES = new AtomicInteger();

    static {
        // jain-sip keeps its logger in a static field and falls back to log4j (excluded) if anything
        // logs before the first stack is configured; point it at SLF4J before any stack exists.
        CommonLogger.legacyLogger = new Slf4jStackLogger();
    }

    private final BridgeConfig.SipConfig config;
    private final CallAcceptor acceptor;
    private final SipCredentials credentials;
    private final DigestAuthenticator digest;
    private DigestGuard guard = DigestGuard.NONE;
    private final LongSupplier nanoClock;
    private final String stackName;

    private SipStackImpl stack;
    private SipProvider provider;
    private final List<ListeningPoint> listeningPoints = new ArrayList<>();
    private SipEventRouter router;
    /** Call set-up after the core's decision, and the answer delay (see {@link SipEventRouter}). */
    private ScheduledThreadPoolExecutor setup;
    private boolean started;
    private boolean closed;
    private BridgeMetrics metrics = BridgeMetrics.disabled();
    private int clientT1Ms;
    private long sessionTimerSecondMs = 1000;
    private long idleConnectionMs = SipStackProperties.IDLE_CONNECTION_MS;
    private BridgeConfig.LimitsConfig limits = BridgeConfig.LimitsConfig.DEFAULTS;
    private RequestAdmission admission;
    private List<Codec> codecs = List.of(Codec.values());

    /** A server without SIP accounts: nobody is challenged, every caller is anonymous, REGISTER gets 405. */
    public SipServer(BridgeConfig.SipConfig config, CallAcceptor acceptor) {
        this(config, acceptor, null, null, System::nanoTime);
    }

    /**
     * A server whose organizers authenticate with digest credentials (RFC 3261 §22) in {@code sip.realm}:
     * a caller proving an account reaches the core with
     * {@link io.confbridge.call.NewCall#authenticatedOrganizerId()} set.
     *
     * @param credentials the accounts, looked up on SIP threads, so held in memory (see {@link SipCredentials});
     *                    their HA1 values must have been computed with the configured realm
     */
    public SipServer(BridgeConfig.SipConfig config, CallAcceptor acceptor, SipCredentials credentials) {
        this(config, acceptor, Objects.requireNonNull(credentials, "credentials"),
                new DigestAuthenticator(config.realm()), System::nanoTime);
    }

    /**
     * As {@link #SipServer(BridgeConfig.SipConfig, CallAcceptor, SipCredentials)}, with failed digest
     * responses counted and limited by {@code guard} (per SIP username and source address).
     */
    public SipServer(BridgeConfig.SipConfig config, CallAcceptor acceptor, SipCredentials credentials, DigestGuard guard) {
        this(config, acceptor, Objects.requireNonNull(credentials, "credentials"),
                new DigestAuthenticator(config.realm()), System::nanoTime);
        this.guard = Objects.requireNonNull(guard, "guard");
    }

    /** With the digest machinery and its clock chosen by the caller (tests move time forward). */
    SipServer(BridgeConfig.SipConfig config, CallAcceptor acceptor, SipCredentials credentials,
              DigestAuthenticator digest, LongSupplier nanoClock, DigestGuard guard) {
        this(config, acceptor, credentials, digest, nanoClock);
        this.guard = Objects.requireNonNull(guard, "guard");
    }

    /** With the digest machinery and its clock chosen by the caller (tests move time forward). */
    SipServer(BridgeConfig.SipConfig config, CallAcceptor acceptor, SipCredentials credentials,
              DigestAuthenticator digest, LongSupplier nanoClock) {
        if (!config.udp() && !config.tcp()) {
            throw new IllegalArgumentException("sip.udp and sip.tcp are both false: nothing to listen on");
        }
        this.config = config;
        this.acceptor = acceptor;
        this.credentials = credentials;
        this.digest = digest;
        this.nanoClock = nanoClock;
        this.stackName = "confbridge-sip-" + INSTANCES.incrementAndGet() + "-" + config.port();
    }

    /**
     * T1 of the requests the bridge sends itself (keepalive OPTIONS, session refreshes), so their Timer F
     * (64 T1) is short enough for a test to watch a silent caller; before {@link #start()}.
     */
    synchronized SipServer clientT1Ms(int ms) {
        this.clientT1Ms = ms;
        return this;
    }

    /**
     * How many milliseconds one second of a Session-Expires lasts (RFC 4028 timers), so that a test can
     * watch a 90 s session expire; before {@link #start()}.
     */
    synchronized SipServer sessionTimerSecondMs(long ms) {
        this.sessionTimerSecondMs = ms;
        return this;
    }

    /** How long an idle TCP/TLS connection stays open, so a test can watch it close; before {@link #start()}. */
    synchronized SipServer idleConnectionMs(long ms) {
        this.idleConnectionMs = ms;
        return this;
    }

    /**
     * The flood limits and trusted proxies ({@code limits.*}, {@code sip.trustedProxies}); before
     * {@link #start()}. Without this call the defaults of {@link BridgeConfig.LimitsConfig#DEFAULTS} apply.
     */
    public synchronized SipServer limits(BridgeConfig.LimitsConfig limits) {
        this.limits = Objects.requireNonNull(limits, "limits");
        return this;
    }

    /**
     * The codecs calls may use, best first ({@code rtp.codecs}); before {@link #start()}. Without this
     * call, every codec in {@link Codec} order (G.722 first).
     */
    public synchronized SipServer codecs(List<Codec> preference) {
        if (preference.isEmpty()) {
            throw new IllegalArgumentException("no codec");
        }
        this.codecs = List.copyOf(preference);
        return this;
    }

    /**
     * Binds {@code sip.bindAddress:sip.port} on the configured transports and starts answering.
     *
     * @throws IllegalStateException when the port cannot be bound or the stack cannot start
     */
    public synchronized void start() {
        if (started) {
            throw new IllegalStateException("already started: " + stackName);
        }
        started = true;
        // jain-sip's TCP parser threads end by throwing when they drop a connection: not an error of ours.
        StackThreadDeaths.install();
        try {
            admission = new RequestAdmission(limits);
            FloodGuardNetworkLayer.register(stackName, admission);
            var properties = SipStackProperties.create(stackName, idleConnectionMs, limits);
            properties.setProperty("gov.nist.javax.sip.NETWORK_LAYER", FloodGuardNetworkLayer.class.getName());
            if (config.tls().enabled()) {
                // jain-sip reads the key store file in the stack's constructor: it exists only meanwhile.
                try (TlsKeyMaterial keys = TlsKeyMaterial.load(config.tls(), advertisedAddress())) {
                    stack = new SipStackImpl(SipStackProperties.withTls(properties, keys));
                }
            } else {
                stack = new SipStackImpl(properties);
            }
            if (config.udp()) {
                ListeningPoint udp = stack.createListeningPoint(config.bindAddress(), config.port(), ListeningPoint.UDP);
                FloodGuardNetworkLayer.shrinkReceiveArray((ListeningPointImpl) udp);
                listeningPoints.add(udp);
            }
            if (config.tcp()) {
                listeningPoints.add(stack.createListeningPoint(config.bindAddress(), config.port(), ListeningPoint.TCP));
            }
            if (config.tls().enabled()) {
                listeningPoints.add(stack.createListeningPoint(config.bindAddress(), config.tls().port(), ListeningPoint.TLS));
            }
            String advertised = advertisedAddress();
            for (ListeningPoint lp : listeningPoints) {
                // Via sent-by of our BYEs: a wildcard bind address must not leak into messages.
                // jain-sip splits sent-by at its first colon, so an IPv6 literal cannot be set: the
                // listening point's own address (the bind address, then) is used instead.
                if (advertised.indexOf(':') < 0) {
                    lp.setSentBy(advertised + ":" + lp.getPort());
                } else if (!advertised.equals(config.bindAddress())) {
                    log.warn("sip.advertisedAddress {} is IPv6: our requests' Via names {} instead",
                            advertised, config.bindAddress());
                }
            }
            provider = stack.createSipProvider(listeningPoints.get(0));
            for (int i = 1; i < listeningPoints.size(); i++) {
                provider.addListeningPoint(listeningPoints.get(i));
            }
            setup = new ScheduledThreadPoolExecutor(1, r -> {
                Thread t = new Thread(r, stackName + "-setup");
                t.setDaemon(true);
                return t;
            });
            setup.setRemoveOnCancelPolicy(true);
            boolean accounts = credentials != null;
            SipMessaging messaging = new SipMessaging(provider, advertised, config.port(), accounts);
            SipAuthenticator authenticator = accounts ? new SipAuthenticator(credentials, digest, nanoClock, guard) : null;
            messaging.clientT1Ms(clientT1Ms);
            messaging.metrics(metrics);
            messaging.tlsPort(config.tls().enabled() ? config.tls().port() : 0);
            router = new SipEventRouter(acceptor, provider, messaging, setup, config.answerDelayMs(), authenticator,
                    config.keepaliveIntervalMs(), sessionTimerSecondMs).admission(admission);
            router.srtp(config.srtp());
            router.codecs(codecs);
            provider.addSipListener(router);
            stack.start();
        } catch (Exception e) {
            releaseStack();
            throw new IllegalStateException("cannot start SIP on " + config.bindAddress() + ":" + config.port()
                    + (config.tls().enabled() ? " and TLS port " + config.tls().port() : "")
                    + " (sip.bindAddress/sip.port/sip.tlsPort/sip.tlsCertificateFile/sip.tlsKeyFile): "
                    + e.getMessage(), e);
        }
        log.info("SIP listening on {}:{} ({}{}){}, advertising {}, {}, {}", config.bindAddress(), config.port(),
                config.udp() ? "udp" : "", config.tcp() ? (config.udp() ? "+tcp" : "tcp") : "",
                config.tls().enabled() ? " and TLS on " + config.tls().port() + " (TLS 1.2/1.3)" : "", advertisedAddress(),
                credentials == null ? "no SIP accounts" : "digest realm \"" + digest.realm() + "\"",
                config.keepaliveIntervalMs() > 0 ? "keepalive OPTIONS every " + config.keepaliveIntervalMs() + " ms"
                        : "no keepalives");
    }

    /** Where SIP requests and responses are counted; set before {@link #start}. */
    public synchronized void metrics(BridgeMetrics metrics) {
        this.metrics = metrics;
    }

    /** Whether the SIP stack is started and listening (for the readiness check). */
    public synchronized boolean listening() {
        return started && !closed && stack != null;
    }

    /** The flood limits in force, once started (tests). */
    synchronized RequestAdmission admission() {
        return admission;
    }

    /** Calls being set up or in progress (dialogs the server still tracks), for diagnostics. */
    public int activeDialogs() {
        SipEventRouter r;
        synchronized (this) {
            r = router;
        }
        return r == null ? 0 : r.activeCalls();
    }

    /**
     * Ends open calls (BYE to answered ones, 503 to those still ringing; the core hears
     * {@code remoteHungUp} for each), stops the stack and releases the port. Idempotent. Takes about a
     * second: jain-sip's stop waits that long after closing its sockets.
     */
    @Override
    public void close() {
        SipEventRouter r;
        synchronized (this) {
            if (closed) {
                return;
            }
            closed = true;
            r = router;
        }
        if (r != null) {
            for (SipCall call : r.calls()) {
                try {
                    call.shutdown();
                } catch (RuntimeException e) {
                    log.debug("call {}: shutdown failed: {}", call.callId(), e.toString());
                }
            }
        }
        synchronized (this) {
            releaseStack();
        }
        log.info("SIP stopped on {}:{}", config.bindAddress(), config.port());
    }

    private void releaseStack() {
        FloodGuardNetworkLayer.unregister(stackName);
        if (setup != null) {
            setup.shutdownNow();
        }
        if (stack == null) {
            return;
        }
        try {
            if (provider != null && router != null) {
                provider.removeSipListener(router);
            }
        } finally {
            // stop() closes every listening point's socket and drops the providers. Deleting the
            // provider first would run jain-sip's stopStack twice, and each run sleeps a second.
            stopStack();
            stack = null;
        }
    }

    /**
     * jain-sip's UDP message processor sets up its list of channel threads on its own thread, after
     * start() has returned, and stop() walks that list unguarded: a stop soon after the start (a test,
     * or a bridge that fails right after starting) meets a list not made yet (NullPointerException) or
     * still being filled (ConcurrentModificationException), and the rest of the stack (TCP, timers) is
     * left running. By then that processor is off the stack's list and its socket closed, so its threads
     * end by themselves, and stopping again stops the rest.
     */
    private void stopStack() {
        for (int attempt = 1; ; attempt++) {
            try {
                stack.stop();
                return;
            } catch (ConcurrentModificationException | NullPointerException raced) {
                if (attempt == STOP_ATTEMPTS) {
                    // Also a stack whose start failed half-way: its start's own error is the one to report.
                    log.warn("SIP stack did not stop cleanly: {}", raced.toString());
                    return;
                }
                log.debug("SIP stack stop raced its UDP processor's set-up ({}); stopping the rest (attempt {})", raced.toString(), attempt + 1);
            }
        }
    }

    private String advertisedAddress() {
        String advertised = config.advertisedAddress();
        return advertised == null || advertised.isBlank() ? config.bindAddress() : advertised;
    }
}
