package io.confbridge.server;

import io.confbridge.auth.SipAccountCache;
import io.confbridge.call.CallFactory;
import io.confbridge.call.CallServices;
import io.confbridge.call.MenuPolicy;
import io.confbridge.config.BridgeConfig;
import io.confbridge.admin.DialInAdministration;
import io.confbridge.admin.Provisioning;
import io.confbridge.mail.SmtpPinMailer;
import io.confbridge.media.MediaEngine;
import io.confbridge.meeting.Meeting;
import io.confbridge.meeting.MeetingRegistry;
import io.confbridge.pin.Pepper;
import io.confbridge.pin.PinGenerator;
import io.confbridge.pin.PinHasher;
import io.confbridge.pin.PinLockout;
import io.confbridge.pin.PinVault;
import io.confbridge.prompt.EncodedAudio;
import io.confbridge.prompt.HoldMusic;
import io.confbridge.prompt.PromptLanguages;
import io.confbridge.prompt.PromptLibrary;
import io.confbridge.prompt.Tones;
import io.confbridge.rtp.RtpPortAllocator;
import io.confbridge.server.admin.AdminHttpServer;
import io.confbridge.server.admin.AdminToken;
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

    private final BridgeConfig config;
    private final List<AutoCloseable> toClose = new ArrayList<>();
    private JdbcDirectoryStore store;
    private ExecutorService workers;
    private ExecutorService pinWorkers;
    private Provisioning provisioning;
    private DemoCredentials demo;
    private MeetingRegistry meetings;
    private CallFactory calls;
    private AdminHttpServer admin;

    private BridgeServer(BridgeConfig config) {
        this.config = config;
    }

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
        Files.createDirectories(Path.of(config.dataDir()));
        store = JdbcDirectoryStore.open(config.store());
        toClose.add(store);

        BridgeConfig.SecurityConfig security = config.security();
        byte[] pepper = Pepper.fromConfig(security);
        PinHasher hasher = new PinHasher(pepper, security.argon2MemoryKiB(), security.argon2Iterations(),
                security.argon2Parallelism());
        // PIN hashing and database work: bounded pool, never an event loop.
        workers = Executors.newFixedThreadPool(security.pinWorkerThreads(), new DefaultThreadFactory("worker", true));
        // PIN hashing (Argon2, tens of ms and MiBs each) on its own pool whose queue is bounded
        // (limits.pinVerificationQueue): past it a PIN is refused at once rather than queued behind a flood,
        // and conference lookups on the workers never wait behind hashing.
        pinWorkers = new ThreadPoolExecutor(security.pinWorkerThreads(), security.pinWorkerThreads(), 0L,
                TimeUnit.MILLISECONDS, new ArrayBlockingQueue<>(config.limits().pinVerificationQueue()),
                new DefaultThreadFactory("pin", true));
        toClose.add(this::stopWorkers); // closed before the store they use
        PinVault vault = new PinVault(store, hasher, pinWorkers, new PinGenerator(new SecureRandom()),
                new PinLockout(store, config.lockout(), Clock.systemUTC()));
        provisioning = new Provisioning(store, vault, new SecureRandom());
        createDemoOnFirstStart();

        BridgeConfig.IvrConfig ivr = config.ivr();
        PromptLanguages prompts = loadPrompts(ivr);
        EncodedAudio holdMusic = ivr.holdMusicWav().isEmpty()
                ? HoldMusic.synthesized()
                : HoldMusic.fromWav(Path.of(ivr.holdMusicWav()));

        BridgeConfig.RtpConfig rtp = config.rtp();
        MediaEngine engine = new MediaEngine(rtp.mediaThreads());
        toClose.add(engine);
        meetings = new MeetingRegistry(engine, new Meeting.Tones(Tones.joinTone(), Tones.leaveTone()), Duration.ofMillis(config.ivr().idleMeetingTimeoutMs()));
        MenuPolicy policy = new MenuPolicy(ivr.digitTimeoutMs(),
                ivr.organizerStarWaitMs(), ivr.conferenceIdTries(), ivr.pinTries(), ivr.lobbyTimeoutMs());
        CallServices services = new CallServices(policy, prompts, holdMusic, Tones.joinTone(), meetings, store,
                vault, workers, ivr.inbandDtmf(), rtp.inactivityTimeoutMs());
        calls = new CallFactory(engine, new RtpPortAllocator(rtp.portMin(), rtp.portMax()),
                InetAddress.getByName(rtp.bindAddress()), rtp.latching(), services);

        // Organizers' softphones prove who they are with SIP digest (HA1 in the store, for this realm).
        // Held in memory so that no SIP thread waits for the database; the store reports every change.
        String realm = config.sip().realm();
        SipAccountCache accounts = SipAccountCache.load(new StoredSipAccounts(store, realm));
        store.onSipAccountChange(accounts);
        SipServer sip = new SipServer(config.sip(), calls, accounts).limits(config.limits());
        sip.start();
        toClose.add(sip);
        log.info("bridge ready: SIP {}:{} ({}{}), RTP {}-{}", config.sip().bindAddress(), config.sip().port(),
                config.sip().udp() ? "UDP" : "", config.sip().tcp() ? (config.sip().udp() ? "+TCP" : "TCP") : "",
                rtp.portMin(), rtp.portMax());

        // Last to start, first to close: no admin call arrives before the parts it uses are ready.
        DialInAdministration administration = new DialInAdministration(store, vault, meetings,
                new SmtpPinMailer(config.mail(), config.sip()), Clock.systemUTC(), new SecureRandom(), realm,
                ivr.lobbyTimeoutMs());
        String adminToken = AdminToken.resolve(config.admin().token(), Path.of(config.dataDir()), System.out);
        admin = AdminHttpServer.start(config.admin(), administration, administration.meetingControl(), adminToken);
        toClose.add(admin);
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

    /** Calls in progress now. */
    public int liveCalls() {
        return calls == null ? 0 : calls.liveCalls();
    }

    @Override
    public void close() {
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
    }

    private void stopWorkers() throws InterruptedException {
        pinWorkers.shutdown();
        if (!pinWorkers.awaitTermination(5, TimeUnit.SECONDS)) {
            pinWorkers.shutdownNow();
        }
        workers.shutdown();
        if (!workers.awaitTermination(5, TimeUnit.SECONDS)) {
            log.warn("worker pool did not finish within 5 s; abandoning its tasks");
            workers.shutdownNow();
        }
    }
}
