package io.confbridge.server;

import io.confbridge.codec.Codec;
import io.confbridge.auth.SipAccountCache;
import io.confbridge.auth.SipAccountChanges;
import io.confbridge.store.MeetingPresenceTable;
import io.confbridge.call.CallFactory;
import io.confbridge.call.CallServices;
import io.confbridge.call.MenuPolicy;
import io.confbridge.config.BridgeConfig;
import io.confbridge.admin.DialInAdministration;
import io.confbridge.admin.Provisioning;
import io.confbridge.mail.SmtpPinMailer;
import io.confbridge.media.MediaEngine;
import io.confbridge.meeting.Meeting;
import io.confbridge.meeting.MeetingActivity;
import io.confbridge.meeting.MeetingRegistry;
import io.confbridge.metrics.BridgeMetrics;
import io.confbridge.pin.Pepper;
import io.confbridge.pin.PinGenerator;
import io.confbridge.pin.PinHasher;
import io.confbridge.pin.DigestLockout;
import io.confbridge.pin.PinLockout;
import io.confbridge.pin.PinVault;
import io.confbridge.prompt.EncodedAudio;
import io.confbridge.prompt.HoldMusic;
import io.confbridge.prompt.PromptLanguages;
import io.confbridge.prompt.PromptLibrary;
import io.confbridge.prompt.Tones;
import io.confbridge.rtp.RtpPortAllocator;
import io.confbridge.media.PortPairBinder;
import io.confbridge.server.admin.AdminHttpServer;
import io.confbridge.server.admin.AdminToken;
import io.confbridge.server.admin.ClusterView;
import io.confbridge.server.cluster.ClusterMeetings;
import io.confbridge.server.cluster.NodeMembership;
import io.confbridge.store.NodeRecord;
import io.confbridge.store.NodeTable;
import io.confbridge.server.admin.OperationsRoutes;
import io.micrometer.core.instrument.binder.jvm.ClassLoaderMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmGcMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics;
import io.micrometer.core.instrument.binder.system.ProcessorMetrics;
import io.micrometer.core.instrument.binder.system.UptimeMetrics;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.confbridge.sip.SipServer;
import io.confbridge.store.JdbcDirectoryStore;
import io.confbridge.store.MeetingRecord;
import io.netty.util.concurrent.DefaultThreadFactory;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.net.InetAddress;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

/**
 * One running bridge node: the composition root. Starts, in order, the directory (database and
 * migrations), the PIN vault, the first-start demo, the prompts, the media engine, the SIP server and
 * the admin API; closes them in reverse.
 */
public final class BridgeServer implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(BridgeServer.class);

    /** The demo organizer and meeting made at first start; the PIN exists only in memory. */
    public record DemoCredentials(String conferenceId, String pin) {
        @Override
        public String toString() {
            return "DemoCredentials[conferenceId=" + conferenceId + ", pin=*****]";
        }
    }

    /** How long the calls ended by a drain get for their closing prompt and BYE. */
    private static final Duration FAREWELL_TIMEOUT = Duration.ofSeconds(10);

    private final BridgeConfig config;
    private final List<AutoCloseable> toClose = new ArrayList<>();
    private JdbcDirectoryStore store;
    private ExecutorService workers;
    private ThreadPoolExecutor pinWorkers;
    private Provisioning provisioning;
    private DemoCredentials demo;
    private MeetingRegistry meetings;
    private CallFactory calls;
    private AdminHttpServer admin;
    private SipServer sip;
    private PrometheusMeterRegistry registry;
    private BridgeMetrics metrics;
    /** Set by the first SIGTERM when {@code shutdown.drainMs} is above 0: ready answers 503. */
    private volatile boolean draining;
    /** This node's row in the cluster's nodes table; null when cluster mode is off (or before it joined). */
    private volatile NodeMembership membership;

    private BridgeServer(BridgeConfig config) {
        this.config = config;
    }

    /** How often wrong-PIN and digest failure rows older than every counting window are deleted. */
    private static final Duration PURGE_INTERVAL = Duration.ofMinutes(10);
    /** Argon2 runs at start-up after the first: by the third, the JIT has the warm run's speed (PinVault#warmUp). */
    private static final int PIN_WARM_UP_ROUNDS = 3;
    /** Longer than one Argon2 run at the highest cost the configuration allows, on a slow machine. */
    private static final long PIN_CHECK_STOP_WAIT_S = 30;

    /** Starts every part and returns once SIP and RTP are ready to take calls. */
    public static BridgeServer start(BridgeConfig config) throws Exception {
        BridgeServer server = new BridgeServer(config);
        try {
            server.startParts();
        } catch (Exception | Error e) {
            server.close();
            throw e;
        }
        return server;
    }

    private void startParts() throws Exception {
        registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        JvmGcMetrics gc = new JvmGcMetrics();
        toClose.add(gc);
        for (var binder : List.of(new JvmMemoryMetrics(), gc, new JvmThreadMetrics(), new ClassLoaderMetrics(),
                new ProcessorMetrics(), new UptimeMetrics())) {
            binder.bindTo(registry);
        }
        metrics = new BridgeMetrics(registry);

        DataDirectory.prepare(config, warning -> log.warn(warning));
        DescriptorHeadroom.shortfall(config, DescriptorHeadroom.processLimit()).ifPresent(log::warn);
        store = JdbcDirectoryStore.open(config.store());
        toClose.add(store);
        DataDirectory.restrictSqliteFiles(config);

        BridgeConfig.SecurityConfig security = config.security();
        byte[] pepper = Pepper.fromConfig(security);
        // Previous peppers (rotation) still verify their hashes; the next right PIN moves each to the current one.
        PinHasher hasher = new PinHasher(pepper, Pepper.previousFromConfig(security), security.argon2MemoryKiB(),
                security.argon2Iterations(), security.argon2Parallelism());
        // PIN hashing and database work: bounded pool, never an event loop.
        workers = Executors.newFixedThreadPool(security.pinWorkerThreads(), new DefaultThreadFactory("worker", true));
        // PIN hashing (Argon2, tens of ms and MiBs each) on its own pool whose queue is bounded
        // (limits.pinVerificationQueue): past it a PIN is refused at once rather than queued behind a flood,
        // and conference lookups on the workers never wait behind hashing.
        pinWorkers = new ThreadPoolExecutor(security.pinWorkerThreads(), security.pinWorkerThreads(), 0L,
                TimeUnit.MILLISECONDS, new ArrayBlockingQueue<>(config.limits().pinVerificationQueue()),
                new DefaultThreadFactory("pin", true));
        toClose.add(this::stopWorkers); // closed before the store they use
        // The organizer's record and lockout are read on the workers beside the Argon2 run (issue 11 §5).
        PinVault vault = new PinVault(store, hasher, pinWorkers, workers, new PinGenerator(new SecureRandom()),
                new PinLockout(store, config.lockout(), Clock.systemUTC()));
        provisioning = new Provisioning(store, vault, new SecureRandom(), config.ids().conferenceIdLength());
        schedulePurge(vault.lockout());
        vault.metrics(metrics);
        // Argon2 compiled before the first organizer's PIN, not during it (a cold first run is ~3x slower).
        vault.warmUp(PIN_WARM_UP_ROUNDS).exceptionally(e -> {
            log.warn("PIN check warm-up failed", e); // only the first PIN check is slower for it
            return null;
        });
        createDemoOnFirstStart();

        BridgeConfig.IvrConfig ivr = config.ivr();
        PromptLanguages prompts = loadPrompts(ivr);
        EncodedAudio holdMusic = ivr.holdMusicWav().isEmpty()
                ? HoldMusic.synthesized()
                : HoldMusic.fromWav(Path.of(ivr.holdMusicWav()));

        BridgeConfig.RtpConfig rtp = config.rtp();
        MediaEngine engine = new MediaEngine(rtp.mediaThreads(), metrics);
        toClose.add(engine);
        meetings = new MeetingRegistry(engine, new Meeting.Tones(Tones.joinTone(), Tones.leaveTone()), Duration.ofMillis(config.ivr().idleMeetingTimeoutMs()),
                config.mixer().maxTalkers(), config.mixer().opusComplexity());
        metrics.meetingsActive(meetings::liveMeetings);
        meetings.metrics(metrics);
        MenuPolicy policy = new MenuPolicy(ivr.digitTimeoutMs(),
                ivr.organizerStarWaitMs(), ivr.conferenceIdTries(), ivr.pinTries(), ivr.lobbyTimeoutMs());
        CallServices services = new CallServices(policy, prompts, holdMusic, Tones.joinTone(), meetings, store,
                vault, workers, ivr.inbandDtmf(), rtp.inactivityTimeoutMs());
        // One range for callers and, in cluster mode, the inter-node legs of meetings that span nodes.
        RtpPortAllocator rtpPorts = new RtpPortAllocator(rtp.portMin(), rtp.portMax());
        calls = new CallFactory(engine, rtpPorts, InetAddress.getByName(rtp.bindAddress()), rtp.latching(), services);
        calls.metrics(metrics);

        // Organizers' softphones prove who they are with SIP digest (HA1 in the store, for this realm).
        // Held in memory so that no SIP thread waits for the database; the store reports every change.
        String realm = config.sip().realm();
        SipAccountCache accounts = SipAccountCache.load(new StoredSipAccounts(store, realm));
        store.onSipAccountChange(config.cluster().enabled() ? toEveryNode(accounts) : accounts);
        // Failed digest responses count per SIP username and source like wrong PINs, on the PIN workers.
        List<Codec> codecs = config.rtp().codecs().stream().map(Codec::named).toList();
        if (codecs.contains(Codec.OPUS) && !io.confbridge.prompt.EncodedAudio.opusAvailable()) {
            throw new io.confbridge.config.ConfigException("rtp.codecs", "OPUS needs libopus, which could not be"
                    + " loaded on this machine (see the log); leave OPUS out, or point -Dopus.lib at a libopus.so");
        }
        if (codecs.contains(Codec.OPUS)) {
            log.info("Opus: {}", io.confbridge.codec.OpusLibrary.description());
            if (io.confbridge.codec.OpusLibrary.bundled()) {
                // It decodes what strangers send; the jar's copy predates RFC 8251's decoder fixes.
                log.warn("Opus: this machine has no libopus of its own, so the copy in the jar (libopus 1.1.2, 2015)"
                        + " runs; install the distribution's (Debian: apt-get install libopus0), which is kept"
                        + " patched, or point -Dopus.lib at a libopus.so.0");
            }
        }
        sip = new SipServer(config.sip(), calls, accounts, new DigestLockout(vault.lockout(), workers))
                .limits(config.limits())
                .codecs(codecs);
        log.info("codecs, best first (rtp.codecs): {}", codecs);
        sip.metrics(metrics);
        sip.start();
        toClose.add(sip);
        log.info("bridge ready: SIP {}:{} ({}{}), RTP {}-{}", config.sip().bindAddress(), config.sip().port(),
                config.sip().udp() ? "UDP" : "", config.sip().tcp() ? (config.sip().udp() ? "+TCP" : "TCP") : "",
                rtp.portMin(), rtp.portMax());

        // Last to start, first to close: no admin call arrives before the parts it uses are ready.
        DialInAdministration administration = new DialInAdministration(store, vault, meetings,
                new SmtpPinMailer(config.mail(), config.sip()), Clock.systemUTC(), new SecureRandom(), realm,
                ivr.lobbyTimeoutMs(), config.ids().conferenceIdLength(), config.admin().userTokenDays());
        String adminToken = AdminToken.resolve(config.admin().token(), Path.of(config.dataDir()), System.out);
        OperationsRoutes operations = new OperationsRoutes(this::notReadyReason, registry,
                config.operations().metricsToken());
        // PIN e-mails carry the tenant's dial-in numbers, read when a mail is written (on a worker).
        administration.dialInNumbers(() -> store.tenantSettings().dialInNumbers());
        admin = AdminHttpServer.start(config.admin(), administration, administration.meetingControl(), adminToken,
                config.sip(), operations, clusterView());
        toClose.add(admin);
        // Talkers and counts of live meetings, pushed to the organizer's page (GET /api/meetings/{id}/events).
        meetings.onActivity(admin.meetingActivity());
        joinCluster(engine, rtpPorts, administration, accounts);
    }

    /**
     * In cluster mode a SIP account change made through this node goes into this node's copy and is
     * announced to the others, which re-read it into theirs: a user disabled through one node must not go
     * on starting meetings by SIP digest on another.
     */
    private SipAccountChanges toEveryNode(SipAccountCache accounts) {
        MeetingPresenceTable presence = store.meetingPresence();
        String nodeId = config.cluster().nodeId();
        return organizerId -> {
            accounts.sipAccountChanged(organizerId);
            try {
                presence.announceSipAccount(nodeId, organizerId);
            } catch (RuntimeException e) {
                // Stored and applied here; the others catch up when they next (re)connect their listening.
                log.warn("SIP account change of organizer {} not announced to the other nodes: {}", organizerId,
                        e.toString());
            }
        };
    }

    /**
     * In cluster mode, this node's row in the {@code nodes} table, once SIP and the admin API listen (their
     * addresses go in it). Closed first: the node is marked down before its parts stop.
     */
    private void joinCluster(MediaEngine engine, RtpPortAllocator rtpPorts, DialInAdministration administration,
                             SipAccountCache accounts) throws IOException {
        BridgeConfig.ClusterConfig cluster = config.cluster();
        if (!cluster.enabled()) {
            return;
        }
        NodeTable.Registration self = new NodeTable.Registration(cluster.nodeId(),
                hostPort(config.sip().advertisedAddress(), config.sip().port()), cluster.mediaAddress(),
                hostPort(config.admin().bindAddress(), admin.port()));
        membership = NodeMembership.join(store.nodes(), self, cluster, this::liveCalls);
        toClose.add(membership);
        // Cut off from the database, this node would soon be gone for the others: new calls go elsewhere.
        NodeMembership joined = membership;
        calls.holdNewCallsWhile(() -> joined.cutOff() ? joined.cutOffRetryAfterS() : -1);
        // Closed before the membership: this node stops hearing of starts before it is marked down.
        // Inter-node legs listen on cluster.mediaAddress, the address the other nodes know from the table.
        PortPairBinder legPorts = new PortPairBinder(engine, rtpPorts, InetAddress.getByName(cluster.mediaAddress()));
        ClusterMeetings clusterMeetings = ClusterMeetings.start(store.meetingPresence(), config.store(), meetings,
                cluster, legPorts, store::findMeetingByConferenceId, accounts);
        toClose.add(clusterMeetings);
        // The admin views show every node's lobby and participants: this node writes its own counts.
        MeetingActivity adminActivity = admin.meetingActivity();
        meetings.onActivity((conferenceId, status) -> {
            adminActivity.changed(conferenceId, status);
            clusterMeetings.changed(conferenceId, status);
        });
        administration.clusterCounts(clusterMeetings);
        administration.clusterControl(clusterMeetings);
        // The organizer's event stream counts the whole meeting, and hears of the other nodes' changes.
        admin.cluster(clusterMeetings);
        clusterMeetings.onCountsElsewhere(admin::countsChangedElsewhere);
    }

    private static String hostPort(String host, int port) {
        return (host.contains(":") ? "[" + host + "]" : host) + ":" + port;
    }

    /** What {@code GET /api/nodes} lists: the nodes table in cluster mode, nothing otherwise. */
    private ClusterView clusterView() {
        return new ClusterView() {
            @Override
            public String nodeId() {
                return config.cluster().nodeId();
            }

            @Override
            public List<NodeRecord> nodes() {
                NodeMembership joined = membership;
                return joined == null ? List.of() : joined.nodes();
            }
        };
    }

    /**
     * Every built-in language's prompts, each replaced by {@code <promptDir>/<language>/} when that
     * directory exists (a flat {@code promptDir} holds the set of {@code ivr.language}). A custom set
     * missing a file stops start-up naming it. The default language is the tenant's setting, followed
     * as an administrator changes it.
     */
    private PromptLanguages loadPrompts(BridgeConfig.IvrConfig ivr) throws IOException {
        Map<String, PromptLibrary> libraries = new HashMap<>();
        Path custom = ivr.promptDir().isEmpty() ? null : Path.of(ivr.promptDir());
        boolean perLanguage = false;
        for (String language : PromptLibrary.BUILT_IN_LANGUAGES) {
            Path dir = custom == null ? null : custom.resolve(language);
            if (dir != null && Files.isDirectory(dir)) {
                libraries.put(language, PromptLibrary.fromDirectory(dir));
                perLanguage = true;
            } else {
                libraries.put(language, PromptLibrary.builtIn(language));
            }
        }
        if (custom != null && !perLanguage) {
            libraries.put(ivr.language(), PromptLibrary.fromDirectory(custom));
        }
        PromptLanguages languages = new PromptLanguages(libraries, ivr.dialInLanguages(),
                store.tenantSettings().language());
        ScheduledExecutorService refresher = Executors.newSingleThreadScheduledExecutor(
                new DefaultThreadFactory("tenant-settings", true));
        toClose.add(refresher::shutdownNow);
        refresher.scheduleWithFixedDelay(() -> followTenantLanguage(languages), 2, 2, TimeUnit.SECONDS);
        return languages;
    }

    private void followTenantLanguage(PromptLanguages languages) {
        try {
            String language = store.tenantSettings().language();
            if (!language.equals(languages.tenantLanguage())) {
                languages.tenantLanguage(language);
                log.info("prompt language is now {}", language);
            }
        } catch (RuntimeException e) {
            log.warn("could not read the tenant's prompt language: {}", e.toString());
        }
    }

    /**
     * A fresh directory gets a demo organizer and meeting so a newcomer can dial in at once. The PIN is
     * printed to the console here, once, and never again (it is not logged).
     */
    /** Deletes stale failure rows now and every {@link #PURGE_INTERVAL}, on a thread of its own (it blocks on the database). */
    private void schedulePurge(PinLockout lockout) {
        ScheduledExecutorService purger = Executors.newSingleThreadScheduledExecutor(new DefaultThreadFactory("purge", true));
        purger.scheduleWithFixedDelay(() -> {
            try {
                lockout.purgeStale();
            } catch (RuntimeException e) {
                log.error("could not purge stale wrong-PIN rows; will retry in {}", PURGE_INTERVAL, e);
            }
        }, 0, PURGE_INTERVAL.toMillis(), TimeUnit.MILLISECONDS);
        toClose.add(purger::shutdownNow);
    }

    private void createDemoOnFirstStart() {
        if (store.countOrganizers() > 0) {
            return;
        }
        Provisioning.EnabledOrganizer organizer = provisioning.enableOrganizer("demo@example.com", "Demo Organizer");
        MeetingRecord meeting = provisioning.createMeeting(organizer.organizer().id(), true);
        demo = new DemoCredentials(meeting.conferenceId(), organizer.pin());
        String host = config.sip().advertisedAddress();
        System.out.println("First start: demo meeting created - dial sip:" + meeting.conferenceId() + "@" + host + ":"
                + config.sip().port() + " or sip:bridge@" + host + ":" + config.sip().port()
                + "; conference ID " + meeting.conferenceId() + ", organizer PIN " + organizer.pin()
                + " (shown only this once)");
        System.out.flush();
    }

    public BridgeConfig config() {
        return config;
    }

    public Provisioning provisioning() {
        return provisioning;
    }

    /** Present only on the start that created a fresh data directory. */
    public Optional<DemoCredentials> demo() {
        return Optional.ofNullable(demo);
    }

    /** The live state of a meeting; a meeting nobody has dialled into is not started, with nobody in it. */
    public Meeting.Status meetingStatus(String conferenceId) {
        return meetings.status(conferenceId).orTimeout(5, TimeUnit.SECONDS).join();
    }

    /** The admin API's port: {@code admin.port}, or the one the OS chose when that is 0. */
    public int adminPort() {
        return admin.port();
    }

    /** The bridge's metrics, as {@code GET /metrics} shows them. */
    public BridgeMetrics metrics() {
        return metrics;
    }

    /**
     * Why this node should get no new calls now, or null when it is ready: draining, SIP not listening,
     * or the database unreachable. Blocks on the database briefly: call it on a worker.
     */
    public String notReadyReason() {
        if (draining) {
            return "draining: the bridge is shutting down";
        }
        if (sip == null || !sip.listening()) {
            return "SIP is not listening";
        }
        NodeMembership joined = membership;
        if (joined != null && joined.cutOff()) {
            return "cut off from the cluster: no heartbeat has reached the database lately";
        }
        try {
            store.countOrganizers();
        } catch (RuntimeException e) {
            return "database unreachable: " + e.getClass().getSimpleName();
        }
        return null;
    }

    /**
     * The graceful stop of {@code shutdown.drainMs} (issue 10 §7), blocking the calling thread: ready
     * answers 503 and new INVITEs get 503 with {@code Retry-After} at once; calls in progress go on until
     * they end or {@code drain} passes; then each left hears "The meeting is ending now" and gets a BYE;
     * then the bridge closes. Never on a SIP thread or an event loop.
     */
    public void drainAndClose(Duration drain) {
        draining = true;
        NodeMembership joined = membership;
        if (joined != null) {
            joined.draining();
        }
        int live = liveCalls();
        log.info("draining: {} call(s) in progress, new calls refused; stopping within {} ms", live, drain.toMillis());
        if (calls != null) {
            calls.stopAccepting((int) Math.max(1, Math.min(3600, drain.toSeconds())));
            if (!awaitIdle(drain)) {
                log.info("drain time passed with {} call(s) in progress: ending them", liveCalls());
                calls.endAllForShutdown();
                if (!awaitIdle(FAREWELL_TIMEOUT)) {
                    log.warn("{} call(s) still open {} s after the closing prompt; closing anyway", liveCalls(),
                            FAREWELL_TIMEOUT.toSeconds());
                }
            }
        }
        close();
        log.info("drained and stopped");
    }

    /** This node's cluster membership, when cluster mode is on. */
    public Optional<NodeMembership> membership() {
        return Optional.ofNullable(membership);
    }

    /** Whether the first SIGTERM of a drain was seen: ready answers 503. */
    public boolean draining() {
        return draining;
    }

    private boolean awaitIdle(Duration timeout) {
        try {
            calls.idleAfterStop().get(timeout.toMillis(), TimeUnit.MILLISECONDS);
            return true;
        } catch (java.util.concurrent.TimeoutException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        } catch (java.util.concurrent.ExecutionException e) {
            return false;
        }
    }

    /** Calls in progress now. */
    public int liveCalls() {
        return calls == null ? 0 : calls.liveCalls();
    }

    /** Idempotent; synchronized because a drain and a second SIGTERM may both close. */
    @Override
    public synchronized void close() {
        if (calls != null) {
            calls.stopAccepting();
        }
        for (int i = toClose.size() - 1; i >= 0; i--) {
            try {
                toClose.get(i).close();
            } catch (Exception e) {
                log.warn("closing {} failed", toClose.get(i).getClass().getSimpleName(), e);
            }
        }
        toClose.clear();
        if (registry != null) {
            registry.close();
        }
    }

    private void stopWorkers() throws InterruptedException {
        // The calls have ended by now: a PIN check still queued has nobody to answer, so it is dropped. One
        // still hashing must finish before the store it records into closes, or it fails against a closed
        // pool and reports that at ERROR. Argon2 cannot be interrupted, and an interrupt would only fail the
        // record early, so it is waited for (one run at the configured cost).
        pinWorkers.shutdown();
        pinWorkers.getQueue().clear();
        if (!pinWorkers.awaitTermination(PIN_CHECK_STOP_WAIT_S, TimeUnit.SECONDS)) {
            log.warn("a PIN check did not finish within {} s of stopping; abandoning it", PIN_CHECK_STOP_WAIT_S);
            pinWorkers.shutdownNow();
        }
        workers.shutdown();
        if (!workers.awaitTermination(5, TimeUnit.SECONDS)) {
            log.warn("worker pool did not finish within 5 s; abandoning its tasks");
            workers.shutdownNow();
        }
    }
}
