package io.confbridge.config;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Consumer;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import static io.confbridge.config.Setting.boolKey;
import static io.confbridge.config.Setting.intKey;
import static io.confbridge.config.Setting.longKey;
import static io.confbridge.config.Setting.oneOf;
import static io.confbridge.config.Setting.secretKey;
import static io.confbridge.config.Setting.stringKey;

/**
 * Loads {@link BridgeConfig}: embedded defaults, then a JSON/YAML file, then overrides; then validates.
 *
 * <p>Every key is declared once in {@link #SETTINGS} with its default and allowed range, so the file,
 * dotted overrides ({@code sip.port}) and environment overrides ({@code BRIDGE_SIP_PORT}) all go through
 * the same checks, and every error names the dotted key. Addresses and paths are checked here too
 * ({@link NetworkAddresses}, {@link FileLocations}), so a typo stops start-up naming its key rather than
 * failing later inside a bind or a file operation. Values that the defaults leave empty on purpose
 * are resolved here, so users of the record see concrete values:
 * <ul>
 *   <li>{@code sip.advertisedAddress} "" → {@code sip.bindAddress}</li>
 *   <li>{@code rtp.mediaThreads} 0 → the number of available processors</li>
 *   <li>{@code store.jdbcUrl} "" → {@code jdbc:sqlite:<dataDir>/bridge.db}</li>
 *   <li>{@code security.pepperFile} "" → {@code <dataDir>/pepper}</li>
 * </ul>
 */
public final class ConfigLoader {

    /** Environment variables with this prefix are overrides, except those of {@link #OTHER_READERS} and the tests'. */
    static final String ENV_PREFIX = "BRIDGE_";

    /**
     * BRIDGE_* variables that the project reads elsewhere, by their readers: a server started in the same
     * shell must neither refuse to start because of them nor warn about them.
     */
    private static final Map<String, String> OTHER_READERS = Map.of(
            "BRIDGE_URL", "the CLI's server address",
            "BRIDGE_TOKEN", "the CLI's admin token",
            "BRIDGE_LOG_LEVEL", "logback.xml's level of the bridge's own loggers",
            "BRIDGE_JAVA_OPTS", "bin/bridge's JVM options");

    /** The test suite's variables ({@code BRIDGE_TEST_PG_URL}). */
    private static final String TEST_PREFIX = "BRIDGE_TEST_";

    private static final Logger log = LoggerFactory.getLogger(ConfigLoader.class);

    private static final List<Setting> SETTINGS = List.of(
            stringKey("dataDir", "./data", false),

            stringKey("sip.bindAddress", "127.0.0.1", false),
            intKey("sip.port", 5060, 1, 65535),
            stringKey("sip.advertisedAddress", "", true),
            boolKey("sip.udp", true),
            boolKey("sip.tcp", true),
            longKey("sip.answerDelayMs", 0, 0, 30_000),
            stringKey("sip.realm", BridgeConfig.SipConfig.DEFAULT_REALM, false),
            // 0 turns keepalives off; below a second a busy bridge would spend itself on OPTIONS.
            longKey("sip.keepaliveIntervalMs", BridgeConfig.SipConfig.DEFAULT_KEEPALIVE_INTERVAL_MS, 0, 3_600_000),
            boolKey("sip.tls", true),
            intKey("sip.tlsPort", BridgeConfig.SipConfig.Tls.DEFAULT_PORT, 1, 65535),
            stringKey("sip.tlsCertificateFile", "", true),
            stringKey("sip.tlsKeyFile", "", true),
            // Kamailio, SBCs and trunks: CIDR list; their requests are keyed on the caller's identity.
            stringKey("sip.trustedProxies", "", true),

            stringKey("rtp.bindAddress", "127.0.0.1", false),
            intKey("rtp.portMin", 20000, 1024, 65535),
            intKey("rtp.portMax", 29999, 1024, 65535),
            intKey("rtp.mediaThreads", 0, 0, 64),
            oneOf("rtp.latching", "auto", "auto", "off"),
            longKey("rtp.inactivityTimeoutMs", 0, 0, 86_400_000),
            oneOf("rtp.srtp", "optional", "optional", "mandatory", "off"),
            boolKey("rtp.srtpOverInsecureSignalling", false),
            // Best first; the answer takes the first of these the caller offers (issue 11).
            stringKey("rtp.codecs", String.join(",", BridgeConfig.RtpConfig.KNOWN_CODECS), false),

            longKey("ivr.digitTimeoutMs", 10_000, 1_000, 120_000),
            longKey("ivr.organizerStarWaitMs", 3_000, 500, 30_000),
            intKey("ivr.conferenceIdTries", 3, 1, 10),
            intKey("ivr.pinTries", 3, 1, 10),
            // Production wants at least 10 s; 1 s is allowed so that tests can watch a lobby time out.
            longKey("ivr.lobbyTimeoutMs", 3_600_000, 1_000, 86_400_000),
            oneOf("ivr.language", "en", "en", "zh"),
            stringKey("ivr.promptDir", "", true),
            stringKey("ivr.holdMusicWav", "", true),
            stringKey("ivr.dialInLanguages", "", true),
            boolKey("ivr.inbandDtmf", false),
            longKey("ivr.idleMeetingTimeoutMs", 600_000, 1_000, 86_400_000),

            stringKey("store.jdbcUrl", "", true),
            stringKey("store.username", "", true),
            secretKey("store.password"),
            intKey("store.poolSize", 4, 1, 64),

            stringKey("security.pepperFile", "", true),
            secretKey("security.pepper"),
            intKey("security.argon2MemoryKiB", 19_456, 8_192, 1_048_576),
            intKey("security.argon2Iterations", 2, 1, 10),
            intKey("security.argon2Parallelism", 1, 1, 8),
            intKey("security.pinWorkerThreads", 2, 1, 64),
            stringKey("security.previousPepperFiles", "", true),

            stringKey("admin.bindAddress", "127.0.0.1", false),
            intKey("admin.port", 8080, 0, 65535),
            secretKey("admin.token"),
            intKey("admin.userTokenDays", 90, 1, 3650),
            intKey("admin.maxConnections", 1024, 1, 100_000),
            intKey("admin.maxConnectionsPerSource", 128, 1, 100_000),
            longKey("admin.requestTimeoutMs", 30_000, 1_000, 600_000),
            intKey("admin.authFailuresPerSource", 20, 1, 100_000),
            stringKey("admin.trustedProxies", "", true),
            boolKey("admin.tls", false),
            stringKey("admin.tlsCertificateFile", "", true),
            stringKey("admin.tlsKeyFile", "", true),
            secretKey("admin.metricsToken"),
            oneOf("logging.format", "text", "text", "json"),
            longKey("shutdown.drainMs", 0, 0, 86_400_000),

            stringKey("mail.host", "", true),
            intKey("mail.port", 587, 1, 65535),
            oneOf("mail.tls", "starttls", "none", "starttls", "smtps"),
            stringKey("mail.username", "", true),
            secretKey("mail.password"),
            stringKey("mail.from", "", true),
            longKey("mail.connectTimeoutMs", 10_000, 100, 300_000),
            longKey("mail.timeoutMs", 30_000, 100, 600_000),

            intKey("mixer.maxTalkers", 3, 1, 16),
            intKey("mixer.opusComplexity", 5, 0, 10),

            intKey("lockout.organizerMaxFailures", 10, 1, 1000),
            intKey("lockout.organizerWindowMinutes", 60, 1, 10_080),
            intKey("lockout.organizerLockMinutes", 15, 1, 10_080),
            intKey("lockout.sourceFreeFailures", 5, 1, 1000),
            intKey("lockout.sourceWindowMinutes", 60, 1, 10_080),
            intKey("lockout.sourceMaxBackoffSeconds", 900, 1, 86_400),
            intKey("lockout.digestMaxFailures", 10, 1, 1000),

            intKey("ids.conferenceIdLength", 9, 7, 12),
            intKey("limits.invitesPerSecondPerSource", 20, 1, 1_000_000),
            intKey("limits.inviteBurstPerSource", 40, 1, 1_000_000),
            intKey("limits.invitesPerSecond", 1000, 1, 1_000_000),
            intKey("limits.callsPerSource", 200, 1, 1_000_000),
            intKey("limits.registersPerSecondPerSource", 5, 1, 1_000_000),
            intKey("limits.conferenceIdFailuresPerSource", 10, 1, 1_000_000),
            intKey("limits.pinVerificationQueue", 64, 1, 100_000),
            intKey("limits.sipConnections", BridgeConfig.LimitsConfig.DEFAULT_SIP_CONNECTIONS, 1, 1_000_000),
            intKey("limits.sipConnectionsPerSource", BridgeConfig.LimitsConfig.DEFAULT_SIP_CONNECTIONS_PER_SOURCE, 1,
                    1_000_000),

            // Cluster mode (issue 12): on when nodeId is set; needs the PostgreSQL store.
            stringKey("cluster.nodeId", "", true),
            stringKey("cluster.mediaAddress", "", true),
            // Heartbeats go every third of this; below a second a busy database would decide who is alive.
            longKey("cluster.nodeTimeoutMs", BridgeConfig.ClusterConfig.DEFAULT_NODE_TIMEOUT_MS, 1_000, 600_000));


    /** OWASP's minimum Argon2id cost (m = 19 MiB, t = 2, p = 1); production start-up refuses less. */
    public static final int MIN_ARGON2_MEMORY_KIB = 19_456;
    public static final int MIN_ARGON2_ITERATIONS = 2;

    /** Minimum decoded length of a configured pepper: 256 bits, as many as a generated one. */
    static final int MIN_PEPPER_BYTES = 32;

    private static final Map<String, Setting> BY_LOWER_KEY = new HashMap<>();
    private static final Map<String, Setting> BY_ENV_FORM = new HashMap<>();

    static {
        for (Setting s : SETTINGS) {
            BY_LOWER_KEY.put(s.key().toLowerCase(Locale.ROOT), s);
            if (BY_ENV_FORM.put(envForm(s.key()), s) != null) {
                throw new IllegalStateException("two settings share the environment name of " + s.key());
            }
        }
    }

    private ConfigLoader() {
    }

    /** The embedded defaults alone. */
    public static BridgeConfig defaults() {
        return load(null, Map.of());
    }

    /**
     * @param file      a JSON ({@code .json}) or YAML ({@code .yaml}/{@code .yml}) file, or null for none
     * @param overrides dotted keys ({@code sip.port}) or environment names ({@code BRIDGE_SIP_PORT}) to values
     * @throws ConfigException naming the key and the allowed range of the first bad value
     */
    public static BridgeConfig load(Path file, Map<String, String> overrides) {
        return load(file, overrides, false);
    }

    /**
     * For test suites only: {@link #load(Path, Map)} but accepting an Argon2 cost below OWASP's minimum
     * (down to the keys' declared floor), so tests that hash many PINs stay fast. No file key or
     * environment variable can reach this; {@code Main} always goes through {@link #fromEnvironment}.
     */
    public static BridgeConfig loadAllowingWeakArgon2ForTestsOnly(Path file, Map<String, String> overrides) {
        return load(file, overrides, true);
    }

    private static BridgeConfig load(Path file, Map<String, String> overrides, boolean weakArgon2) {
        if (overrides == null) {
            overrides = Map.of();
        }
        Map<String, Object> values = new LinkedHashMap<>();
        for (Setting s : SETTINGS) {
            values.put(s.key(), s.defaultValue());
        }
        if (file != null) {
            String source = file.getFileName() == null ? file.toString() : file.getFileName().toString();
            ConfigFileReader.read(file).forEach((key, raw) -> {
                Setting s = BY_LOWER_KEY.get(key.toLowerCase(Locale.ROOT));
                if (s == null || !s.key().equals(key)) {
                    throw unknownKey(key, s);
                }
                values.put(s.key(), s.parse(raw, source));
            });
        }
        // Sorted so that, of several bad overrides, the same one is reported every time.
        new TreeMap<>(overrides).forEach((name, raw) -> {
            Setting s = lookupOverride(name);
            values.put(s.key(), s.parse(raw, name.equals(s.key()) ? null : name));
        });
        return build(values, weakArgon2);
    }

    /**
     * The file (or none) plus every {@code BRIDGE_*} environment variable that names a key, as an override.
     * A {@code BRIDGE_*} variable that names no key is logged as a warning naming the closest name, and
     * ignored; the project's own other variables ({@code BRIDGE_LOG_LEVEL}, {@code BRIDGE_JAVA_OPTS},
     * {@code BRIDGE_URL}, {@code BRIDGE_TOKEN}, {@code BRIDGE_TEST_*}) are ignored silently.
     */
    public static BridgeConfig fromEnvironment(Path fileOrNull) {
        return fromEnvironment(fileOrNull, System.getenv(), warning -> log.warn(warning));
    }

    static BridgeConfig fromEnvironment(Path fileOrNull, Map<String, String> environment, Consumer<String> warnings) {
        Map<String, String> overrides = new LinkedHashMap<>();
        // Sorted so that several warnings come in the same order every time.
        new TreeMap<>(environment).forEach((name, value) -> {
            String upper = name.toUpperCase(Locale.ROOT);
            if (!upper.startsWith(ENV_PREFIX) || OTHER_READERS.containsKey(upper) || upper.startsWith(TEST_PREFIX)) {
                return;
            }
            if (BY_ENV_FORM.containsKey(envForm(name.substring(ENV_PREFIX.length())))) {
                overrides.put(name, value);
            } else {
                String replaced = replacedByEnvName(name);
                warnings.accept(name + " is not a setting and is ignored; "
                        + (replaced != null ? replaced : "the closest name is " + closestName(upper)));
            }
        });
        return load(fileOrNull, overrides);
    }

    /** The known BRIDGE_* name nearest to {@code unknown} in edit distance, compared as the matching does. */
    private static String closestName(String unknown) {
        String closest = null;
        int best = Integer.MAX_VALUE;
        // Settings first: of two names as near, the setting is the likelier meaning.
        List<String> candidates = new ArrayList<>();
        SETTINGS.forEach(s -> candidates.add(s.envName()));
        candidates.addAll(new TreeMap<>(OTHER_READERS).keySet());
        String target = envForm(unknown);
        for (String candidate : candidates) {
            int distance = EditDistance.between(target, envForm(candidate));
            if (distance < best) {
                best = distance;
                closest = candidate;
            }
        }
        Setting setting = BY_ENV_FORM.get(envForm(closest.substring(ENV_PREFIX.length())));
        return setting != null ? closest + " (" + setting.key() + ")" : closest + " (" + OTHER_READERS.get(closest) + ")";
    }

    private static Setting lookupOverride(String name) {
        if (name.toUpperCase(Locale.ROOT).startsWith(ENV_PREFIX)) {
            Setting s = BY_ENV_FORM.get(envForm(name.substring(ENV_PREFIX.length())));
            String replaced = replacedByEnvName(name);
            if (s == null && replaced != null) {
                throw new ConfigException(name, replaced);
            }
            if (s == null) {
                throw new ConfigException(name, "unknown environment setting; known names are "
                        + String.join(", ", SETTINGS.stream().map(Setting::envName).toList()));
            }
            return s;
        }
        Setting s = BY_LOWER_KEY.get(name.toLowerCase(Locale.ROOT));
        if (s == null) {
            throw unknownKey(name, null);
        }
        return s;
    }

    /**
     * Environment names are matched ignoring case and underscores, so {@code BRIDGE_RTP_PORTMIN} and
     * {@code BRIDGE_RTP_PORT_MIN} both mean {@code rtp.portMin}; the static check above proves that
     * this loses no distinction between keys.
     */
    private static String envForm(String name) {
        return name.replace(".", "").replace("_", "").toLowerCase(Locale.ROOT);
    }

    /**
     * {@code ivr.dialInLanguages}: comma-separated {@code number=language} pairs, the number being the
     * Request-URI user part callers dial (e.g. {@code 4930123400=zh,chinese=zh}).
     */
    private static Map<String, String> dialInLanguages(String spec) {
        Map<String, String> languages = new LinkedHashMap<>();
        if (spec.isBlank()) {
            return languages;
        }
        for (String pair : spec.split(",")) {
            String[] parts = pair.trim().split("=", 2);
            if (parts.length != 2 || parts[0].isBlank()) {
                throw new ConfigException("ivr.dialInLanguages", "\"" + pair.trim()
                        + "\" is not number=language (e.g. 4930123400=zh,chinese=zh)");
            }
            String language = parts[1].trim().toLowerCase(Locale.ROOT);
            if (!language.equals("en") && !language.equals("zh")) {
                throw new ConfigException("ivr.dialInLanguages", "language \"" + parts[1].trim()
                        + "\" of " + parts[0].trim() + " is not one of en, zh");
            }
            languages.put(parts[0].trim(), language);
        }
        return languages;
    }

    /**
     * Keys that were replaced, by their lower-case form: what to write instead. A config written for an
     * older bridge then says what to change, not only that the key is unknown.
     */
    private static final Map<String, String> REPLACED = Map.of(
            "rtp.symmetriclatching", "replaced by rtp.latching: auto (the default, symmetric RTP for callers"
                    + " behind NAT) or off; remove rtp.symmetricLatching");

    /** What replaced the key a {@code BRIDGE_*} name stands for, or null. */
    private static String replacedByEnvName(String name) {
        String form = envForm(name.substring(ENV_PREFIX.length()));
        return REPLACED.keySet().stream().filter(k -> envForm(k).equals(form)).map(REPLACED::get)
                .findFirst().orElse(null);
    }

    private static ConfigException unknownKey(String key, Setting caseMismatch) {
        String replaced = REPLACED.get(key.toLowerCase(Locale.ROOT));
        if (replaced != null) {
            return new ConfigException(key, replaced);
        }
        if (caseMismatch != null) {
            return new ConfigException(key, "unknown key; did you mean " + caseMismatch.key() + "?");
        }
        String section = key.contains(".") ? key.substring(0, key.indexOf('.') + 1) : "";
        List<String> known = new ArrayList<>();
        for (Setting s : SETTINGS) {
            if (!section.isEmpty() && s.key().startsWith(section)) {
                known.add(s.key());
            }
        }
        if (known.isEmpty()) {
            for (Setting s : SETTINGS) {
                known.add(s.key());
            }
        }
        return new ConfigException(key, "unknown key; known keys are " + String.join(", ", known));
    }

    /** {@code sip.tls*}: the TLS port must not be SIP over TCP's, and the PEM pair as {@link #pemPair} reads it. */
    private static BridgeConfig.SipConfig.Tls tls(Values values, String dataDir) {
        boolean enabled = values.bool("sip.tls");
        int tlsPort = values.integer("sip.tlsPort");
        if (enabled && tlsPort == values.integer("sip.port") && values.bool("sip.tcp")) {
            throw new ConfigException("sip.tlsPort", tlsPort + " is sip.port too, where SIP over TCP listens;"
                    + " choose another port (1-65535, default " + BridgeConfig.SipConfig.Tls.DEFAULT_PORT + ")");
        }
        PemPair pair = pemPair(values, dataDir, "sip.tls", "sip-tls", enabled);
        return new BridgeConfig.SipConfig.Tls(enabled, tlsPort, pair.certificate(), pair.key(), pair.selfSigned());
    }

    /** A TLS certificate and key file, and whether they are the data directory's own self-signed pair. */
    private record PemPair(String certificate, String key, boolean selfSigned) {
    }

    /**
     * {@code <prefix>CertificateFile} and {@code <prefix>KeyFile} ({@code sip.tls}, {@code admin.tls}): both
     * PEM files or neither; neither means {@code <dataDir>/<stem>-certificate.pem} and
     * {@code <dataDir>/<stem>-key.pem}, generated self-signed at the first start. Given files must be
     * readable when the listener is {@code enabled}.
     */
    private static PemPair pemPair(Values values, String dataDir, String prefix, String stem, boolean enabled) {
        String certificateKey = prefix + "CertificateFile";
        String keyKey = prefix + "KeyFile";
        String certificate = values.string(certificateKey);
        String key = values.string(keyKey);
        if (certificate.isEmpty() != key.isEmpty()) {
            throw new ConfigException(certificate.isEmpty() ? certificateKey : keyKey, "is empty while "
                    + (certificate.isEmpty() ? keyKey : certificateKey)
                    + " is set: give both PEM files, or neither for a self-signed certificate in dataDir");
        }
        if (certificate.isEmpty()) {
            return new PemPair(Path.of(dataDir).resolve(stem + "-certificate.pem").toString(),
                    Path.of(dataDir).resolve(stem + "-key.pem").toString(), true);
        }
        if (enabled) {
            FileLocations.readableFile(certificateKey, certificate);
            FileLocations.readableFile(keyKey, key);
        }
        return new PemPair(certificate, key, false);
    }

    private static BridgeConfig build(Map<String, Object> v, boolean weakArgon2) {
        Values values = new Values(v);
        String dataDir = values.string("dataDir");
        FileLocations.creatableDirectory("dataDir", dataDir);

        String sipBind = NetworkAddresses.bindable("sip.bindAddress", values.string("sip.bindAddress"));
        String advertised = values.string("sip.advertisedAddress");
        if (!advertised.isEmpty()) {
            advertised = NetworkAddresses.advertisable("sip.advertisedAddress", advertised);
        } else if (NetworkAddresses.isWildcard(sipBind)) {
            // The advertised address defaults to the bind address, and Contact and SDP cannot say 0.0.0.0.
            throw new ConfigException("sip.advertisedAddress", "is needed when sip.bindAddress is the wildcard "
                    + sipBind + ", which callers cannot send to; expected the IP address or host name callers"
                    + " reach the bridge at");
        }
        var sip = new BridgeConfig.SipConfig(
                sipBind,
                values.integer("sip.port"),
                advertised.isEmpty() ? sipBind : advertised,
                values.bool("sip.udp"),
                values.bool("sip.tcp"),
                values.longValue("sip.answerDelayMs"),
                checkRealm(values.string("sip.realm")),
                positiveAtLeast("sip.keepaliveIntervalMs", values.longValue("sip.keepaliveIntervalMs"), 1_000),
                tls(values, dataDir),
                new BridgeConfig.SipConfig.Srtp(
                        BridgeConfig.SipConfig.Srtp.Mode.valueOf(values.string("rtp.srtp").toUpperCase(java.util.Locale.ROOT)),
                        values.bool("rtp.srtpOverInsecureSignalling")));
        if (!sip.udp() && !sip.tcp()) {
            throw new ConfigException("sip.udp", "SIP needs at least one transport: sip.udp and sip.tcp are both false");
        }

        int portMin = values.integer("rtp.portMin");
        int portMax = values.integer("rtp.portMax");
        if (portMin % 2 != 0) {
            // RFC 3550 §11: RTP takes the even port, RTCP the odd one above it.
            throw new ConfigException("rtp.portMin", portMin + " is odd; RTP ports start on an even number");
        }
        if (portMax <= portMin) {
            throw new ConfigException("rtp.portMax", portMax + " must be greater than rtp.portMin ("
                    + portMin + "): the range must hold at least one RTP/RTCP port pair");
        }
        int mediaThreads = values.integer("rtp.mediaThreads");
        var rtp = new BridgeConfig.RtpConfig(
                NetworkAddresses.bindable("rtp.bindAddress", values.string("rtp.bindAddress")),
                portMin,
                portMax,
                mediaThreads == 0 ? Runtime.getRuntime().availableProcessors() : mediaThreads,
                values.string("rtp.latching").equals("auto"),
                positiveAtLeast("rtp.inactivityTimeoutMs", values.longValue("rtp.inactivityTimeoutMs"), 1_000),
                codecList("rtp.codecs", values.string("rtp.codecs")));

        NetworkAddresses.rtpReachableAt("rtp.bindAddress", rtp.bindAddress(),
                advertised.isEmpty() ? "sip.bindAddress" : "sip.advertisedAddress", sip.advertisedAddress());

        String promptDir = values.string("ivr.promptDir");
        if (!promptDir.isEmpty()) {
            FileLocations.existingDirectory("ivr.promptDir", promptDir);
        }
        String holdMusicWav = values.string("ivr.holdMusicWav");
        if (!holdMusicWav.isEmpty()) {
            FileLocations.readableFile("ivr.holdMusicWav", holdMusicWav);
        }
        var ivr = new BridgeConfig.IvrConfig(
                values.longValue("ivr.digitTimeoutMs"),
                values.longValue("ivr.organizerStarWaitMs"),
                values.integer("ivr.conferenceIdTries"),
                values.integer("ivr.pinTries"),
                values.longValue("ivr.lobbyTimeoutMs"),
                values.string("ivr.language"),
                promptDir,
                holdMusicWav,
                dialInLanguages(values.string("ivr.dialInLanguages")),
                values.bool("ivr.inbandDtmf"),
                values.longValue("ivr.idleMeetingTimeoutMs"));

        String jdbcUrl = values.string("store.jdbcUrl");
        if (jdbcUrl.isEmpty()) {
            jdbcUrl = "jdbc:sqlite:" + Path.of(dataDir).resolve("bridge.db");
        } else if (!jdbcUrl.startsWith("jdbc:sqlite:") && !jdbcUrl.startsWith("jdbc:postgresql:")) {
            throw new ConfigException("store.jdbcUrl", "\"" + jdbcUrl
                    + "\" is not supported; expected jdbc:sqlite:<file> or jdbc:postgresql://<host>/<db>");
        } else {
            checkSqliteFile(jdbcUrl);
        }
        var store = new BridgeConfig.StoreConfig(
                jdbcUrl,
                values.string("store.username"),
                values.string("store.password"),
                values.integer("store.poolSize"));

        String pepper = values.string("security.pepper");
        if (!pepper.isEmpty()) {
            checkPepper(pepper);
        }
        String pepperFile = values.string("security.pepperFile");
        if (pepperFile.isEmpty()) {
            pepperFile = Path.of(dataDir).resolve("pepper").toString();
        } else if (pepper.isEmpty()) {
            FileLocations.creatableFile("security.pepperFile", pepperFile);
        }
        int memoryKiB = values.integer("security.argon2MemoryKiB");
        int parallelism = values.integer("security.argon2Parallelism");
        if (memoryKiB < 8 * parallelism) {
            // Argon2 (RFC 9106 §3.1) needs at least 8 KiB per lane.
            throw new ConfigException("security.argon2MemoryKiB", memoryKiB + " is below 8 KiB per lane ("
                    + 8 * parallelism + " for security.argon2Parallelism " + parallelism + ")");
        }
        int iterations = values.integer("security.argon2Iterations");
        if (!weakArgon2 && memoryKiB < MIN_ARGON2_MEMORY_KIB) {
            throw new ConfigException("security.argon2MemoryKiB", memoryKiB + " is below OWASP's minimum for Argon2id;"
                    + " expected an integer in " + MIN_ARGON2_MEMORY_KIB + "–1048576");
        }
        if (!weakArgon2 && iterations < MIN_ARGON2_ITERATIONS) {
            throw new ConfigException("security.argon2Iterations", iterations + " is below OWASP's minimum for Argon2id;"
                    + " expected an integer in " + MIN_ARGON2_ITERATIONS + "–10");
        }
        List<String> previousPepperFiles = new ArrayList<>();
        for (String file : values.string("security.previousPepperFiles").split(",")) {
            if (!file.isBlank()) {
                FileLocations.readableFile("security.previousPepperFiles", file.trim());
                previousPepperFiles.add(file.trim());
            }
        }
        var security = new BridgeConfig.SecurityConfig(
                pepperFile,
                pepper,
                memoryKiB,
                iterations,
                parallelism,
                values.integer("security.pinWorkerThreads"),
                previousPepperFiles);

        PemPair adminTls = pemPair(values, dataDir, "admin.tls", "admin-tls", values.bool("admin.tls"));
        var admin = new BridgeConfig.AdminConfig(
                NetworkAddresses.bindable("admin.bindAddress", values.string("admin.bindAddress")),
                values.integer("admin.port"),
                values.string("admin.token"),
                values.integer("admin.userTokenDays"),
                values.integer("admin.maxConnections"),
                values.integer("admin.maxConnectionsPerSource"),
                values.longValue("admin.requestTimeoutMs"),
                values.integer("admin.authFailuresPerSource"),
                AddressBlock.parseList("admin.trustedProxies", values.string("admin.trustedProxies")),
                values.bool("admin.tls"),
                adminTls.certificate(),
                adminTls.key(),
                adminTls.selfSigned());

        String mailHost = values.string("mail.host");
        if (!mailHost.isEmpty()) {
            NetworkAddresses.remoteHost("mail.host", mailHost);
        }
        String mailFrom = values.string("mail.from");
        if (!mailHost.isEmpty() && !mailFrom.contains("@")) {
            throw new ConfigException("mail.from", (mailFrom.isEmpty() ? "is empty" : "\"" + mailFrom + "\" is not an e-mail address")
                    + "; a sender address is required when mail.host is set");
        }
        String mailUser = values.string("mail.username");
        String mailPassword = values.string("mail.password");
        if (mailUser.isEmpty() && !mailPassword.isEmpty()) {
            throw new ConfigException("mail.username", "is empty but mail.password is set; SMTP login needs both");
        }
        var mail = new BridgeConfig.MailConfig(
                mailHost,
                values.integer("mail.port"),
                values.string("mail.tls"),
                mailUser,
                mailPassword,
                mailFrom,
                values.longValue("mail.connectTimeoutMs"),
                values.longValue("mail.timeoutMs"));

        var lockout = new BridgeConfig.LockoutConfig(
                values.integer("lockout.organizerMaxFailures"),
                values.integer("lockout.organizerWindowMinutes"),
                values.integer("lockout.organizerLockMinutes"),
                values.integer("lockout.sourceFreeFailures"),
                values.integer("lockout.sourceWindowMinutes"),
                values.integer("lockout.sourceMaxBackoffSeconds"),
                values.integer("lockout.digestMaxFailures"));

        int invitesPerSource = values.integer("limits.invitesPerSecondPerSource");
        int inviteBurst = values.integer("limits.inviteBurstPerSource");
        if (inviteBurst < invitesPerSource) {
            throw new ConfigException("limits.inviteBurstPerSource", inviteBurst + " is below limits.invitesPerSecondPerSource ("
                    + invitesPerSource + "): the bucket must hold at least one second's worth (" + invitesPerSource + "–1000000)");
        }
        int sipConnections = values.integer("limits.sipConnections");
        int sipConnectionsPerSource = values.integer("limits.sipConnectionsPerSource");
        if (sipConnectionsPerSource > sipConnections) {
            throw new ConfigException("limits.sipConnectionsPerSource", sipConnectionsPerSource
                    + " is above limits.sipConnections (" + sipConnections + "): one address cannot hold more than all"
                    + " of them (1–" + sipConnections + ")");
        }
        var limits = new BridgeConfig.LimitsConfig(
                invitesPerSource,
                inviteBurst,
                values.integer("limits.invitesPerSecond"),
                values.integer("limits.callsPerSource"),
                values.integer("limits.registersPerSecondPerSource"),
                values.integer("limits.conferenceIdFailuresPerSource"),
                values.integer("limits.pinVerificationQueue"),
                AddressBlock.parseList("sip.trustedProxies", values.string("sip.trustedProxies")),
                sipConnections,
                sipConnectionsPerSource);

        var ids = new BridgeConfig.IdsConfig(values.integer("ids.conferenceIdLength"));
        var mixer = new BridgeConfig.MixerConfig(values.integer("mixer.maxTalkers"),
                values.integer("mixer.opusComplexity"));
        var operations = new BridgeConfig.OperationsConfig(
                values.string("admin.metricsToken"),
                values.string("logging.format"),
                values.longValue("shutdown.drainMs"));

        var cluster = cluster(values, store, rtp);

        return new BridgeConfig(dataDir, sip, rtp, ivr, store, security, admin, mail, lockout, ids, mixer, operations,
                limits, cluster);
    }

    /**
     * {@code cluster.*}: off while {@code cluster.nodeId} is empty. On, it needs PostgreSQL (the nodes share
     * its tables), and {@code cluster.mediaAddress} defaults to {@code rtp.bindAddress}.
     */
    private static BridgeConfig.ClusterConfig cluster(Values values, BridgeConfig.StoreConfig store,
                                                      BridgeConfig.RtpConfig rtp) {
        String nodeId = values.string("cluster.nodeId");
        String mediaAddress = values.string("cluster.mediaAddress");
        long timeout = values.longValue("cluster.nodeTimeoutMs");
        if (nodeId.isEmpty()) {
            return new BridgeConfig.ClusterConfig("", "", timeout);
        }
        if (!BridgeConfig.ClusterConfig.NODE_ID.matcher(nodeId).matches()) {
            throw new ConfigException("cluster.nodeId", "\"" + nodeId + "\" is not a node ID: 1-64 letters, digits,"
                    + " '.', '_' or '-'; empty turns cluster mode off");
        }
        if (!store.jdbcUrl().startsWith("jdbc:postgresql:")) {
            throw new ConfigException("cluster.nodeId", "cluster mode needs the PostgreSQL store, which the nodes"
                    + " share; store.jdbcUrl is SQLite. Set store.jdbcUrl to jdbc:postgresql://<host>/<db>,"
                    + " or leave cluster.nodeId empty for a single node");
        }
        mediaAddress = mediaAddress.isEmpty()
                ? rtp.bindAddress()
                : NetworkAddresses.advertisable("cluster.mediaAddress", mediaAddress);
        return new BridgeConfig.ClusterConfig(nodeId, mediaAddress, timeout);
    }

    /**
     * The realm goes into {@code WWW-Authenticate: Digest realm="..."} as a quoted string and into every
     * HA1: printable ASCII without quotes or backslashes keeps it the same on every softphone.
     */
    /**
     * An ordered list of codec names ({@code OPUS,G722,PCMU,PCMA}, any case, commas with optional spaces): each
     * known and named once, at least one.
     */
    static List<String> codecList(String key, String spec) {
        List<String> codecs = new ArrayList<>();
        for (String part : spec.split(",")) {
            String name = part.trim().toUpperCase(Locale.ROOT);
            if (name.isEmpty()) {
                continue;
            }
            if (!BridgeConfig.RtpConfig.KNOWN_CODECS.contains(name)) {
                throw new ConfigException(key, "unknown codec '" + part.trim() + "'; allowed: "
                        + String.join(", ", BridgeConfig.RtpConfig.KNOWN_CODECS) + " (a comma-separated list, best first)");
            }
            if (codecs.contains(name)) {
                throw new ConfigException(key, name + " is listed twice");
            }
            codecs.add(name);
        }
        if (codecs.isEmpty()) {
            throw new ConfigException(key, "no codec; allowed: " + String.join(", ", BridgeConfig.RtpConfig.KNOWN_CODECS)
                    + " (a comma-separated list, best first)");
        }
        return List.copyOf(codecs);
    }

    /** 0 (off) or at least {@code min}: a timer of a few milliseconds would end every call. */
    private static long positiveAtLeast(String key, long value, long min) {
        if (value != 0 && value < min) {
            throw new ConfigException(key, value + " is too small: 0 (off) or " + min + " to the maximum");
        }
        return value;
    }

    private static String checkRealm(String realm) {
        for (int i = 0; i < realm.length(); i++) {
            char c = realm.charAt(i);
            if (c == '"' || c == '\\' || c < 0x20 || c > 0x7e) {
                throw new ConfigException("sip.realm", "must be printable ASCII without quotes or backslashes");
            }
        }
        return realm;
    }

    /**
     * An explicit SQLite URL's file is created with its directories at start, as the default one under
     * {@code dataDir} is; the URI form ({@code jdbc:sqlite:file:...}) and in-memory databases are the
     * user's to manage.
     */
    private static void checkSqliteFile(String jdbcUrl) {
        if (!jdbcUrl.startsWith("jdbc:sqlite:")) {
            return;
        }
        String file = jdbcUrl.substring("jdbc:sqlite:".length());
        int query = file.indexOf('?');
        if (query >= 0) {
            file = file.substring(0, query);
        }
        if (!file.isEmpty() && !file.startsWith(":memory:") && !file.startsWith("file:")) {
            FileLocations.creatableFile("store.jdbcUrl", file);
        }
    }

    private static void checkPepper(String pepper) {
        byte[] decoded;
        try {
            decoded = Base64.getDecoder().decode(pepper);
        } catch (IllegalArgumentException e) {
            // The message of the decoder names an offending character: do not pass on anything of a secret.
            throw new ConfigException("security.pepper", "is not valid base64");
        }
        if (decoded.length < MIN_PEPPER_BYTES) {
            throw new ConfigException("security.pepper", "decodes to " + decoded.length
                    + " bytes; at least " + MIN_PEPPER_BYTES + " are required");
        }
    }


    /** Typed reads of already parsed values. */
    private record Values(Map<String, Object> map) {
        String string(String key) {
            return (String) map.get(key);
        }

        int integer(String key) {
            return (Integer) map.get(key);
        }

        long longValue(String key) {
            return (Long) map.get(key);
        }

        boolean bool(String key) {
            return (Boolean) map.get(key);
        }
    }
}
