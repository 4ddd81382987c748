package io.confbridge.config;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ConfigLoaderTest {

    @TempDir
    Path dir;

    @Test
    void defaultsAreValidAndResolveDerivedValues() {
        BridgeConfig c = ConfigLoader.defaults();

        assertEquals("./data", c.dataDir());
        assertEquals("127.0.0.1", c.sip().bindAddress());
        assertEquals(5060, c.sip().port());
        assertEquals("127.0.0.1", c.sip().advertisedAddress(), "empty advertisedAddress means the bind address");
        assertTrue(c.sip().udp());
        assertTrue(c.sip().tcp());
        assertEquals(0, c.sip().answerDelayMs());
        assertEquals(20000, c.rtp().portMin());
        assertEquals(29999, c.rtp().portMax());
        assertEquals(Runtime.getRuntime().availableProcessors(), c.rtp().mediaThreads());
        assertTrue(c.rtp().latching(), "rtp.latching defaults to auto");
        assertEquals(10_000, c.ivr().digitTimeoutMs());
        assertEquals(3_000, c.ivr().organizerStarWaitMs());
        assertEquals(3, c.ivr().conferenceIdTries());
        assertEquals(3, c.ivr().pinTries());
        assertEquals(3_600_000, c.ivr().lobbyTimeoutMs());
        assertEquals("en", c.ivr().language());
        assertEquals("", c.ivr().promptDir());
        assertEquals("", c.ivr().holdMusicWav());
        assertEquals("jdbc:sqlite:" + Path.of("./data", "bridge.db"), c.store().jdbcUrl());
        assertEquals(4, c.store().poolSize());
        assertEquals(Path.of("./data", "pepper").toString(), c.security().pepperFile());
        assertEquals("", c.security().pepper());
        assertEquals(19_456, c.security().argon2MemoryKiB());
        assertEquals(2, c.security().argon2Iterations());
        assertEquals(1, c.security().argon2Parallelism());
        assertEquals(2, c.security().pinWorkerThreads());
        assertEquals("127.0.0.1", c.admin().bindAddress());
        assertEquals(8080, c.admin().port());
        assertEquals("", c.admin().token());
    }

    @Test
    void readsNestedJsonFile() throws IOException {
        String dataDir = dir.resolve("var/lib/bridge").toString();
        Path file = write("bridge.json", """
                {"dataDir": "%s",
                 "sip": {"port": 5070, "advertisedAddress": "203.0.113.7", "tcp": false},
                 "rtp": {"portMin": 30000, "portMax": 30099, "mediaThreads": 3},
                 "ivr": {"language": "ZH"}}
                """.formatted(dataDir));

        BridgeConfig c = ConfigLoader.load(file, Map.of());

        assertEquals(5070, c.sip().port());
        assertEquals("203.0.113.7", c.sip().advertisedAddress());
        assertFalse(c.sip().tcp());
        assertEquals(30000, c.rtp().portMin());
        assertEquals(30099, c.rtp().portMax());
        assertEquals(3, c.rtp().mediaThreads());
        assertEquals("zh", c.ivr().language());
        assertEquals("jdbc:sqlite:" + Path.of(dataDir, "bridge.db"), c.store().jdbcUrl());
        assertEquals(Path.of(dataDir, "pepper").toString(), c.security().pepperFile());
    }

    @Test
    void readsNestedYamlFile() throws IOException {
        Path file = write("bridge.yml", """
                sip:
                  port: 5080
                  udp: false
                ivr:
                  lobbyTimeoutMs: 2000
                store:
                  jdbcUrl: jdbc:postgresql://db.example/bridge
                  poolSize: 8
                admin:
                  token: 12345
                """);

        BridgeConfig c = ConfigLoader.load(file, Map.of());

        assertEquals(5080, c.sip().port());
        assertFalse(c.sip().udp());
        assertEquals(2000, c.ivr().lobbyTimeoutMs());
        assertEquals("jdbc:postgresql://db.example/bridge", c.store().jdbcUrl());
        assertEquals(8, c.store().poolSize());
        assertEquals("12345", c.admin().token(), "a YAML number given for a string key is taken as its text");
    }

    @Test
    void emptyYamlFileMeansDefaults() throws IOException {
        assertEquals(ConfigLoader.defaults(), ConfigLoader.load(write("empty.yaml", ""), Map.of()));
    }

    @Test
    void overridesWinOverFileInBothSpellings() throws IOException {
        Path file = write("bridge.json", """
                {"sip": {"port": 5070}, "rtp": {"portMin": 30000, "portMax": 30999}}
                """);

        BridgeConfig c = ConfigLoader.load(file, Map.of(
                "sip.port", "5090",
                "BRIDGE_RTP_PORTMIN", "31000",
                "bridge_rtp_port_max", "31999",
                "BRIDGE_DATADIR", "/tmp/b",
                "BRIDGE_SECURITY_ARGON2ITERATIONS", "3",
                "admin.PORT", "0"));

        assertEquals(5090, c.sip().port());
        assertEquals(31000, c.rtp().portMin());
        assertEquals(31999, c.rtp().portMax());
        assertEquals("/tmp/b", c.dataDir());
        assertEquals(3, c.security().argon2Iterations());
        assertEquals(0, c.admin().port());
    }

    @Test
    void environmentIgnoresOtherVariablesAndTheProjectsOwnOtherNamesSilently() {
        Map<String, String> env = new HashMap<>();
        env.put("PATH", "/usr/bin");
        env.put("BRIDGE_URL", "http://127.0.0.1:8080");
        env.put("BRIDGE_TOKEN", "secret");
        env.put("BRIDGE_TEST_PG_URL", "jdbc:postgresql://127.0.0.1/test");
        env.put("BRIDGE_LOG_LEVEL", "DEBUG");
        env.put("BRIDGE_JAVA_OPTS", "-Xmx512m");
        env.put("BRIDGE_SIP_PORT", "5099");
        List<String> warnings = new ArrayList<>();

        BridgeConfig c = ConfigLoader.fromEnvironment(null, env, warnings::add);

        assertEquals(5099, c.sip().port());
        assertEquals("", c.admin().token(), "BRIDGE_TOKEN is the CLI's, not admin.token");
        assertEquals(List.of(), warnings, "logback.xml reads BRIDGE_LOG_LEVEL, bin/bridge BRIDGE_JAVA_OPTS");
    }

    @Test
    void unknownEnvironmentVariableWarnsNamingTheClosestNameAndTheBridgeStarts() {
        List<String> warnings = new ArrayList<>();

        BridgeConfig c = ConfigLoader.fromEnvironment(null,
                Map.of("BRIDGE_SIP_PROT", "5070", "BRIDGE_LOG_LEVL", "DEBUG", "BRIDGE_RTP_PORT_MAX", "29001"),
                warnings::add);

        assertEquals(5060, c.sip().port(), "the unknown name is ignored");
        assertEquals(29001, c.rtp().portMax(), "the known names still apply");
        assertEquals(2, warnings.size(), warnings.toString());
        assertTrue(warnings.get(0).startsWith("BRIDGE_LOG_LEVL is not a setting"), warnings.get(0));
        assertTrue(warnings.get(0).contains("closest name is BRIDGE_LOG_LEVEL"), warnings.get(0));
        assertTrue(warnings.get(1).startsWith("BRIDGE_SIP_PROT is not a setting"), warnings.get(1));
        assertTrue(warnings.get(1).contains("closest name is BRIDGE_SIP_PORT (sip.port)"), warnings.get(1));
    }

    @Test
    void closestNameIsTheNearestInEditDistance() {
        List<String> warnings = new ArrayList<>();

        ConfigLoader.fromEnvironment(null, Map.of("BRIDGE_IVR_PINTRIESS", "3", "BRIDGE_ADMIN_TOKN", "x"),
                warnings::add);

        assertEquals(List.of(
                "BRIDGE_ADMIN_TOKN is not a setting and is ignored; the closest name is BRIDGE_ADMIN_TOKEN (admin.token)",
                "BRIDGE_IVR_PINTRIESS is not a setting and is ignored; the closest name is BRIDGE_IVR_PINTRIES (ivr.pinTries)"),
                warnings);
        assertEquals(0, EditDistance.between("sipport", "sipport"));
        assertEquals(2, EditDistance.between("sipprot", "sipport"));
        assertEquals(3, EditDistance.between("kitten", "sitting"));
    }

    @Test
    void unknownOverrideGivenDirectlyStillStopsLoading() {
        ConfigException e = assertThrows(ConfigException.class,
                () -> ConfigLoader.load(null, Map.of("BRIDGE_SIP_PROT", "5060")));
        assertEquals("BRIDGE_SIP_PROT", e.key());
        assertTrue(e.getMessage().contains("BRIDGE_SIP_PORT"), e.getMessage());
    }

    @Test
    void unknownKeysAreNamedWherever() throws IOException {
        ConfigException inFile = assertThrows(ConfigException.class,
                () -> ConfigLoader.load(write("a.json", "{\"sip\": {\"prot\": 5060}}"), Map.of()));
        assertEquals("sip.prot", inFile.key());
        assertTrue(inFile.getMessage().contains("sip.port"), "lists the known keys of the section: " + inFile.getMessage());

        ConfigException wrongCase = assertThrows(ConfigException.class,
                () -> ConfigLoader.load(write("b.yaml", "rtp:\n  portmin: 20000\n"), Map.of()));
        assertEquals("rtp.portmin", wrongCase.key());
        assertTrue(wrongCase.getMessage().contains("rtp.portMin"), wrongCase.getMessage());

        ConfigException dotted = assertThrows(ConfigException.class,
                () -> ConfigLoader.load(null, Map.of("media.threads", "2")));
        assertEquals("media.threads", dotted.key());

        ConfigException section = assertThrows(ConfigException.class,
                () -> ConfigLoader.load(write("c.json", "{\"sip\": 5}"), Map.of()));
        assertEquals("sip", section.key());
    }

    @Test
    void wrongTypeNamesKeyAndExpectation() throws IOException {
        ConfigException env = assertThrows(ConfigException.class,
                () -> ConfigLoader.load(null, Map.of("BRIDGE_SIP_PORT", "abc")));
        assertEquals("sip.port", env.key());
        assertTrue(env.getMessage().contains("\"abc\""), env.getMessage());
        assertTrue(env.getMessage().contains("BRIDGE_SIP_PORT"), env.getMessage());
        assertTrue(env.getMessage().contains("integer in 1–65535"), env.getMessage());

        ConfigException bool = assertThrows(ConfigException.class,
                () -> ConfigLoader.load(write("a.json", "{\"sip\": {\"udp\": \"yes\"}}"), Map.of()));
        assertEquals("sip.udp", bool.key());
        assertTrue(bool.getMessage().contains("true or false"), bool.getMessage());

        ConfigException fraction = assertThrows(ConfigException.class,
                () -> ConfigLoader.load(write("b.json", "{\"rtp\": {\"portMin\": 20000.5}}"), Map.of()));
        assertEquals("rtp.portMin", fraction.key());

        ConfigException list = assertThrows(ConfigException.class,
                () -> ConfigLoader.load(write("c.yaml", "ivr:\n  language: [en, zh]\n"), Map.of()));
        assertEquals("ivr.language", list.key());

        ConfigException language = assertThrows(ConfigException.class,
                () -> ConfigLoader.load(null, Map.of("ivr.language", "fr")));
        assertEquals("ivr.language", language.key());
        assertTrue(language.getMessage().contains("en, zh"), language.getMessage());
    }

    @Test
    void latchingIsAutoOrOffAndTheOldKeyIsGone() {
        assertFalse(ConfigLoader.load(null, Map.of("BRIDGE_RTP_LATCHING", "off")).rtp().latching());
        assertTrue(ConfigLoader.load(null, Map.of("rtp.latching", "auto")).rtp().latching());
        ConfigException wrong = assertThrows(ConfigException.class,
                () -> ConfigLoader.load(null, Map.of("rtp.latching", "on")));
        assertEquals("rtp.latching", wrong.key());
        assertTrue(wrong.getMessage().contains("auto, off"), wrong.getMessage());
        // The old key, in a file or the environment, says what replaced it.
        ConfigException old = assertThrows(ConfigException.class,
                () -> ConfigLoader.load(null, Map.of("BRIDGE_RTP_SYMMETRICLATCHING", "true")));
        assertTrue(old.getMessage().contains("SYMMETRICLATCHING"), old.getMessage());
        assertTrue(old.getMessage().contains("replaced by rtp.latching"), old.getMessage());
        ConfigException inFile = assertThrows(ConfigException.class,
                () -> ConfigLoader.load(null, Map.of("rtp.symmetricLatching", "true")));
        assertEquals("rtp.symmetricLatching", inFile.key());
        assertTrue(inFile.getMessage().contains("replaced by rtp.latching"), inFile.getMessage());
        List<String> warnings = new ArrayList<>();
        ConfigLoader.fromEnvironment(null, Map.of("BRIDGE_RTP_SYMMETRIC_LATCHING", "true"), warnings::add);
        assertTrue(warnings.size() == 1 && warnings.get(0).contains("replaced by rtp.latching"), warnings.toString());
    }

    @Test
    void srtpIsOptionalMandatoryOrOffAndKeysOverInsecureSignallingAreOffByDefault() {
        BridgeConfig defaults = ConfigLoader.load(null, Map.of());
        assertEquals(BridgeConfig.SipConfig.Srtp.DEFAULT, defaults.sip().srtp());
        assertFalse(defaults.sip().srtp().keysAllowed(false), "no SDES keys over plain UDP/TCP by default");
        assertTrue(defaults.sip().srtp().keysAllowed(true));
        BridgeConfig mandatory = ConfigLoader.load(null,
                Map.of("BRIDGE_RTP_SRTP", "mandatory", "BRIDGE_RTP_SRTPOVERINSECURESIGNALLING", "true"));
        assertEquals(BridgeConfig.SipConfig.Srtp.Mode.MANDATORY, mandatory.sip().srtp().mode());
        assertTrue(mandatory.sip().srtp().keysAllowed(false));
        BridgeConfig off = ConfigLoader.load(null, Map.of("rtp.srtp", "off"));
        assertFalse(off.sip().srtp().keysAllowed(true));
        ConfigException wrong = assertThrows(ConfigException.class,
                () -> ConfigLoader.load(null, Map.of("rtp.srtp", "required")));
        assertEquals("rtp.srtp", wrong.key());
        assertTrue(wrong.getMessage().contains("mandatory, off, optional"), wrong.getMessage());
        ConfigException notBool = assertThrows(ConfigException.class,
                () -> ConfigLoader.load(null, Map.of("rtp.srtpOverInsecureSignalling", "maybe")));
        assertEquals("rtp.srtpOverInsecureSignalling", notBool.key());
    }

    @Test
    void codecsAreAnOrderedListOfKnownNames() {
        assertEquals(List.of("OPUS", "G722", "PCMU", "PCMA"), ConfigLoader.load(null, Map.of()).rtp().codecs());
        assertEquals(List.of("PCMA", "G722"),
                ConfigLoader.load(null, Map.of("BRIDGE_RTP_CODECS", "pcma, g722")).rtp().codecs());
        ConfigException unknown = assertThrows(ConfigException.class,
                () -> ConfigLoader.load(null, Map.of("rtp.codecs", "PCMU,opus7")));
        assertEquals("rtp.codecs", unknown.key());
        assertTrue(unknown.getMessage().contains("G722, PCMU, PCMA"), unknown.getMessage());
        assertEquals("rtp.codecs", assertThrows(ConfigException.class,
                () -> ConfigLoader.load(null, Map.of("rtp.codecs", "PCMU,pcmu"))).key());
        assertEquals("rtp.codecs", assertThrows(ConfigException.class,
                () -> ConfigLoader.load(null, Map.of("rtp.codecs", " , "))).key());
    }

    @Test
    void outOfRangeNamesKeyAndRange() {
        ConfigException e = assertThrows(ConfigException.class,
                () -> ConfigLoader.load(null, Map.of("rtp.portMin", "70000")));
        assertEquals("rtp.portMin", e.key());
        assertEquals("rtp.portMin: 70000 is outside 1024–65535", e.getMessage());

        ConfigException huge = assertThrows(ConfigException.class,
                () -> ConfigLoader.load(null, Map.of("ivr.digitTimeoutMs", "99999999999999999999999")));
        assertEquals("ivr.digitTimeoutMs", huge.key());
        assertTrue(huge.getMessage().contains("outside 1000–120000"), huge.getMessage());

        assertEquals("ivr.lobbyTimeoutMs", assertThrows(ConfigException.class,
                () -> ConfigLoader.load(null, Map.of("ivr.lobbyTimeoutMs", "999"))).key());
        assertEquals("store.poolSize", assertThrows(ConfigException.class,
                () -> ConfigLoader.load(null, Map.of("store.poolSize", "0"))).key());
        assertEquals("ivr.idleMeetingTimeoutMs", assertThrows(ConfigException.class,
                () -> ConfigLoader.load(null, Map.of("ivr.idleMeetingTimeoutMs", "999"))).key());
        assertEquals("sip.answerDelayMs", assertThrows(ConfigException.class,
                () -> ConfigLoader.load(null, Map.of("sip.answerDelayMs", "30001"))).key());
    }

    @Test
    void deadCallTimersDefaultToKeepalivesOnAndInactivityOffAndRefuseTinyValues() {
        BridgeConfig defaults = ConfigLoader.defaults();
        assertEquals(30_000, defaults.sip().keepaliveIntervalMs());
        assertEquals(0, defaults.rtp().inactivityTimeoutMs());

        BridgeConfig c = ConfigLoader.load(null, Map.of(
                "BRIDGE_SIP_KEEPALIVEINTERVALMS", "0", "BRIDGE_RTP_INACTIVITYTIMEOUTMS", "45000"));
        assertEquals(0, c.sip().keepaliveIntervalMs());
        assertEquals(45_000, c.rtp().inactivityTimeoutMs());

        ConfigException tiny = assertThrows(ConfigException.class,
                () -> ConfigLoader.load(null, Map.of("sip.keepaliveIntervalMs", "500")));
        assertEquals("sip.keepaliveIntervalMs", tiny.key());
        assertTrue(tiny.getMessage().contains("1000"), tiny.getMessage());
        assertEquals("rtp.inactivityTimeoutMs", assertThrows(ConfigException.class,
                () -> ConfigLoader.load(null, Map.of("rtp.inactivityTimeoutMs", "-1"))).key());
    }

    @Test
    void sipTlsDefaultsOnPort5061WithASelfSignedPairInTheDataDirectory() {
        BridgeConfig c = ConfigLoader.load(null, Map.of("dataDir", dir.toString()));
        BridgeConfig.SipConfig.Tls tls = c.sip().tls();
        assertTrue(tls.enabled());
        assertEquals(5061, tls.port());
        assertTrue(tls.selfSigned());
        assertEquals(dir.resolve("sip-tls-certificate.pem").toString(), tls.certificateFile());
        assertEquals(dir.resolve("sip-tls-key.pem").toString(), tls.keyFile());

        BridgeConfig env = ConfigLoader.load(null, Map.of("dataDir", dir.toString(),
                "BRIDGE_SIP_TLS", "false", "BRIDGE_SIP_TLSPORT", "5071"));
        assertFalse(env.sip().tls().enabled());
        assertEquals(5071, env.sip().tls().port());
    }

    @Test
    void sipTlsFilesComeInPairsAndMustBeReadable() throws Exception {
        Path certificate = Files.writeString(dir.resolve("bridge.crt"), "-----BEGIN CERTIFICATE-----\n");
        Path key = Files.writeString(dir.resolve("bridge.key"), "-----BEGIN PRIVATE KEY-----\n");
        BridgeConfig c = ConfigLoader.load(null, Map.of("sip.tlsCertificateFile", certificate.toString(),
                "BRIDGE_SIP_TLSKEYFILE", key.toString()));
        assertFalse(c.sip().tls().selfSigned());
        assertEquals(certificate.toString(), c.sip().tls().certificateFile());
        assertEquals(key.toString(), c.sip().tls().keyFile());

        ConfigException alone = assertThrows(ConfigException.class,
                () -> ConfigLoader.load(null, Map.of("sip.tlsCertificateFile", certificate.toString())));
        assertEquals("sip.tlsKeyFile", alone.key());
        assertEquals("sip.tlsCertificateFile", assertThrows(ConfigException.class,
                () -> ConfigLoader.load(null, Map.of("sip.tlsKeyFile", key.toString()))).key());
        ConfigException missing = assertThrows(ConfigException.class, () -> ConfigLoader.load(null, Map.of(
                "sip.tlsCertificateFile", dir.resolve("nothing.crt").toString(), "sip.tlsKeyFile", key.toString())));
        assertEquals("sip.tlsCertificateFile", missing.key());
        assertTrue(missing.getMessage().contains("does not exist"), missing.getMessage());
    }

    @Test
    void sipTlsPortIsAPortAndNotTheTcpPort() {
        ConfigException range = assertThrows(ConfigException.class,
                () -> ConfigLoader.load(null, Map.of("sip.tlsPort", "70000")));
        assertEquals("sip.tlsPort", range.key());
        assertTrue(range.getMessage().contains("65535"), range.getMessage());
        assertEquals("sip.tls", assertThrows(ConfigException.class,
                () -> ConfigLoader.load(null, Map.of("sip.tls", "maybe"))).key());
        ConfigException clash = assertThrows(ConfigException.class,
                () -> ConfigLoader.load(null, Map.of("sip.port", "5070", "sip.tlsPort", "5070")));
        assertEquals("sip.tlsPort", clash.key());
        // Without TCP on sip.port, or without TLS, the same number clashes with nothing.
        assertEquals(5070, ConfigLoader.load(null, Map.of("sip.port", "5070", "sip.tlsPort", "5070",
                "sip.tcp", "false")).sip().tls().port());
        assertEquals(5070, ConfigLoader.load(null, Map.of("sip.port", "5070", "sip.tlsPort", "5070",
                "sip.tls", "false")).sip().tls().port());
    }

    @Test
    void sipRealmDefaultsToConfbridgeAndMustBeAPlainQuotableString() {
        assertEquals("confbridge", ConfigLoader.defaults().sip().realm());
        assertEquals("bridge.contoso.com", ConfigLoader.load(null, Map.of("sip.realm", "bridge.contoso.com")).sip().realm());
        assertEquals("bridge.example", ConfigLoader.load(null, Map.of("BRIDGE_SIP_REALM", "bridge.example")).sip().realm());

        for (String bad : new String[] {"say \"hi\"", "back\\slash", "caf\u00e9", ""}) {
            ConfigException e = assertThrows(ConfigException.class, () -> ConfigLoader.load(null, Map.of("sip.realm", bad)),
                    "realm " + bad);
            assertEquals("sip.realm", e.key());
        }
    }

    @Test
    void mixerMixesThreeTalkersByDefaultAndOneToSixteen() {
        assertEquals(3, ConfigLoader.load(null, Map.of()).mixer().maxTalkers());
        assertEquals(5, ConfigLoader.load(null, Map.of("BRIDGE_MIXER_MAX_TALKERS", "5")).mixer().maxTalkers());
        ConfigException none = assertThrows(ConfigException.class,
                () -> ConfigLoader.load(null, Map.of("mixer.maxTalkers", "0")));
        assertEquals("mixer.maxTalkers: 0 is outside 1–16", none.getMessage());
    }

    @Test
    void opusIsEncodedAtComplexityFiveByDefaultAndZeroToTen() {
        assertEquals(5, ConfigLoader.load(null, Map.of()).mixer().opusComplexity());
        assertEquals(3, ConfigLoader.load(null, Map.of("BRIDGE_MIXER_OPUS_COMPLEXITY", "3")).mixer().opusComplexity());
        assertEquals(0, ConfigLoader.load(null, Map.of("mixer.opusComplexity", "0")).mixer().opusComplexity());
        ConfigException over = assertThrows(ConfigException.class,
                () -> ConfigLoader.load(null, Map.of("mixer.opusComplexity", "11")));
        assertEquals("mixer.opusComplexity: 11 is outside 0–10", over.getMessage());
    }

    @Test
    void rtpRangeMustBeEvenOrderedPairs() {
        ConfigException odd = assertThrows(ConfigException.class,
                () -> ConfigLoader.load(null, Map.of("rtp.portMin", "20001")));
        assertEquals("rtp.portMin", odd.key());

        ConfigException inverted = assertThrows(ConfigException.class,
                () -> ConfigLoader.load(null, Map.of("rtp.portMin", "30000", "rtp.portMax", "30000")));
        assertEquals("rtp.portMax", inverted.key());

        BridgeConfig smallest = ConfigLoader.load(null, Map.of("rtp.portMin", "30000", "rtp.portMax", "30001"));
        assertEquals(30001, smallest.rtp().portMax());
    }

    @Test
    void pepperMustBeLongBase64AndIsNeverEchoed() {
        String shortPepper = Base64.getEncoder().encodeToString(new byte[16]);
        ConfigException tooShort = assertThrows(ConfigException.class,
                () -> ConfigLoader.load(null, Map.of("security.pepper", shortPepper)));
        assertEquals("security.pepper", tooShort.key());
        assertFalse(tooShort.getMessage().contains(shortPepper));

        ConfigException garbage = assertThrows(ConfigException.class,
                () -> ConfigLoader.load(null, Map.of("BRIDGE_SECURITY_PEPPER", "not*base64!")));
        assertEquals("security.pepper", garbage.key());
        assertFalse(garbage.getMessage().contains("not*base64!"));

        String good = Base64.getEncoder().encodeToString(new byte[32]);
        assertEquals(good, ConfigLoader.load(null, Map.of("security.pepper", good)).security().pepper());
    }

    @Test
    void badFileIsNamed() throws IOException {
        Path broken = write("broken.json", "{\"sip\": {\"port\": 5060,}");
        ConfigException e = assertThrows(ConfigException.class, () -> ConfigLoader.load(broken, Map.of()));
        assertEquals(broken.toString(), e.key());
        assertTrue(e.getMessage().contains("line 1"), e.getMessage());

        Path toml = write("bridge.toml", "x = 1");
        assertEquals(toml.toString(), assertThrows(ConfigException.class, () -> ConfigLoader.load(toml, Map.of())).key());

        Path missing = dir.resolve("missing.yaml");
        assertEquals(missing.toString(), assertThrows(ConfigException.class, () -> ConfigLoader.load(missing, Map.of())).key());

        Path twice = write("twice.json", "{\"sip\": {\"port\": 1, \"port\": 2}}");
        assertThrows(ConfigException.class, () -> ConfigLoader.load(twice, Map.of()));
    }

    @Test
    void emptyBindAddressAndUnsupportedJdbcUrlAreRefused() {
        assertEquals("sip.bindAddress", assertThrows(ConfigException.class,
                () -> ConfigLoader.load(null, Map.of("sip.bindAddress", " "))).key());
        assertEquals("store.jdbcUrl", assertThrows(ConfigException.class,
                () -> ConfigLoader.load(null, Map.of("store.jdbcUrl", "jdbc:mysql://x/y"))).key());
        assertEquals("sip.udp", assertThrows(ConfigException.class,
                () -> ConfigLoader.load(null, Map.of("sip.udp", "false", "sip.tcp", "FALSE"))).key());
    }

    @Test
    void mailAndLockoutDefaults() {
        BridgeConfig c = ConfigLoader.defaults();

        assertEquals(new BridgeConfig.MailConfig("", 587, "starttls", "", "", "", 10_000, 30_000), c.mail());
        assertFalse(c.mail().configured());
        assertEquals(new BridgeConfig.LockoutConfig(10, 60, 15, 5, 60, 900), c.lockout());
    }

    @Test
    void mailAndLockoutFromEnvironment() {
        BridgeConfig c = ConfigLoader.fromEnvironment(null, Map.of(
                "BRIDGE_MAIL_HOST", "smtp.contoso.com",
                "BRIDGE_MAIL_PORT", "465",
                "BRIDGE_MAIL_TLS", "SMTPS",
                "BRIDGE_MAIL_USERNAME", "bridge",
                "BRIDGE_MAIL_PASSWORD", "s3cret",
                "BRIDGE_MAIL_FROM", "bridge@contoso.com",
                "BRIDGE_LOCKOUT_ORGANIZER_MAX_FAILURES", "20",
                "BRIDGE_LOCKOUT_SOURCE_MAX_BACKOFF_SECONDS", "60"), warning -> {
                    throw new AssertionError(warning);
                });

        assertTrue(c.mail().configured());
        assertEquals("smtp.contoso.com", c.mail().host());
        assertEquals(465, c.mail().port());
        assertEquals("smtps", c.mail().tls());
        assertEquals("bridge", c.mail().username());
        assertEquals("s3cret", c.mail().password());
        assertEquals("bridge@contoso.com", c.mail().from());
        assertFalse(c.mail().toString().contains("s3cret"), "toString hides the password");
        assertEquals(20, c.lockout().organizerMaxFailures());
        assertEquals(60, c.lockout().sourceMaxBackoffSeconds());
    }

    @Test
    void badMailAndLockoutValuesAreNamed() {
        assertEquals("mail.tls", assertThrows(ConfigException.class,
                () -> ConfigLoader.load(null, Map.of("mail.tls", "ssl"))).key());
        assertEquals("mail.from", assertThrows(ConfigException.class,
                () -> ConfigLoader.load(null, Map.of("mail.host", "smtp.contoso.com"))).key());
        assertEquals("mail.from", assertThrows(ConfigException.class,
                () -> ConfigLoader.load(null, Map.of("mail.host", "smtp.contoso.com", "mail.from", "bridge"))).key());
        assertEquals("mail.username", assertThrows(ConfigException.class,
                () -> ConfigLoader.load(null, Map.of("mail.password", "x"))).key());
        ConfigException secret = assertThrows(ConfigException.class,
                () -> ConfigLoader.load(null, Map.of("mail.password", "hunter2")));
        assertFalse(secret.getMessage().contains("hunter2"));
        assertEquals("lockout.organizerMaxFailures", assertThrows(ConfigException.class,
                () -> ConfigLoader.load(null, Map.of("lockout.organizerMaxFailures", "0"))).key());
        assertEquals("lockout.sourceWindowMinutes", assertThrows(ConfigException.class,
                () -> ConfigLoader.load(null, Map.of("BRIDGE_LOCKOUT_SOURCE_WINDOW_MINUTES", "-1"))).key());
    }

    private Path write(String name, String content) throws IOException {
        return Files.writeString(dir.resolve(name), content);
    }

    @Test
    void dialInLanguagesMapNumbersToPromptLanguages() {
        BridgeConfig config = ConfigLoader.load(null, java.util.Map.of("ivr.dialInLanguages", "4930123400=zh, chinese=ZH,4930123499=en"));
        assertEquals(java.util.Map.of("4930123400", "zh", "chinese", "zh", "4930123499", "en"), config.ivr().dialInLanguages());
        assertEquals(java.util.Map.of(), ConfigLoader.defaults().ivr().dialInLanguages());
    }

    @Test
    void dialInLanguageErrorsNameTheKey() {
        ConfigException wrongLanguage = org.junit.jupiter.api.Assertions.assertThrows(ConfigException.class,
                () -> ConfigLoader.load(null, java.util.Map.of("ivr.dialInLanguages", "4930123400=fr")));
        assertEquals("ivr.dialInLanguages", wrongLanguage.key());
        ConfigException noPair = org.junit.jupiter.api.Assertions.assertThrows(ConfigException.class,
                () -> ConfigLoader.load(null, java.util.Map.of("BRIDGE_IVR_DIALINLANGUAGES", "zh")));
        assertEquals("ivr.dialInLanguages", noPair.key());
    }

    @Test
    void sipPortIsOneTo65535() {
        ConfigException zero = assertThrows(ConfigException.class, () -> ConfigLoader.load(null, Map.of("sip.port", "0")));
        assertEquals("sip.port: 0 is outside 1–65535", zero.getMessage());
        assertEquals(1, ConfigLoader.load(null, Map.of("sip.port", "1")).sip().port());
        assertEquals(65535, ConfigLoader.load(null, Map.of("sip.port", "65535")).sip().port());
    }

    @Test
    void bindAddressesMustBeAddressesOfThisMachine() {
        ConfigException unresolved = assertThrows(ConfigException.class,
                () -> ConfigLoader.fromEnvironment(null, Map.of("BRIDGE_RTP_BINDADDRESS", "foo.invalid"), warning -> { }));
        assertEquals("rtp.bindAddress", unresolved.key());
        assertTrue(unresolved.getMessage().contains("\"foo.invalid\" does not resolve"), unresolved.getMessage());
        assertTrue(unresolved.getMessage().contains("0.0.0.0"), "says what is allowed: " + unresolved.getMessage());

        ConfigException notHere = assertThrows(ConfigException.class,
                () -> ConfigLoader.load(null, Map.of("sip.bindAddress", "192.0.2.10")));
        assertEquals("sip.bindAddress", notHere.key());
        assertTrue(notHere.getMessage().contains("not an address of this machine"), notHere.getMessage());

        for (String bad : new String[] {"300.1.2.3", "10.0.0", "bad host", "under_score", "::g"}) {
            assertEquals("admin.bindAddress", assertThrows(ConfigException.class,
                    () -> ConfigLoader.load(null, Map.of("admin.bindAddress", bad)), bad).key());
        }

        BridgeConfig c = ConfigLoader.load(null, Map.of("sip.bindAddress", "0.0.0.0", "sip.advertisedAddress",
                "::1", "rtp.bindAddress", "::1", "admin.bindAddress", "localhost"));
        assertEquals("0.0.0.0", c.sip().bindAddress());
        assertEquals("::1", c.rtp().bindAddress());
        assertEquals("localhost", c.admin().bindAddress());
    }

    /** SIP on a wildcard: Contact and SDP need the address callers reach the bridge at, which only the operator knows. */
    @Test
    void aWildcardSipBindAddressNeedsAnAdvertisedAddress() {
        for (String wildcard : new String[] {"0.0.0.0", "::"}) {
            ConfigException refused = assertThrows(ConfigException.class,
                    () -> ConfigLoader.load(null, Map.of("sip.bindAddress", wildcard)));
            assertEquals("sip.advertisedAddress", refused.key());
            assertTrue(refused.getMessage().contains("wildcard " + wildcard), refused.getMessage());
        }
        assertEquals("192.0.2.10", ConfigLoader.load(null, Map.of("sip.bindAddress", "0.0.0.0",
                "sip.advertisedAddress", "192.0.2.10", "rtp.bindAddress", "0.0.0.0")).sip().advertisedAddress());
    }

    @Test
    void advertisedAddressAndMailHostAreCheckedForSyntaxOnly() {
        BridgeConfig c = ConfigLoader.load(null, Map.of("sip.advertisedAddress", "bridge.contoso.invalid",
                "mail.host", "smtp.contoso.invalid", "mail.from", "bridge@contoso.com"));
        assertEquals("bridge.contoso.invalid", c.sip().advertisedAddress(), "need not resolve where the bridge runs");
        assertEquals("203.0.113.7", ConfigLoader.load(null, Map.of("sip.advertisedAddress", "203.0.113.7"))
                .sip().advertisedAddress());

        ConfigException wildcard = assertThrows(ConfigException.class,
                () -> ConfigLoader.load(null, Map.of("sip.advertisedAddress", "0.0.0.0")));
        assertEquals("sip.advertisedAddress", wildcard.key());
        assertTrue(wildcard.getMessage().contains("wildcard"), wildcard.getMessage());
        assertEquals("sip.advertisedAddress", assertThrows(ConfigException.class,
                () -> ConfigLoader.load(null, Map.of("sip.advertisedAddress", "bridge contoso"))).key());
        assertEquals("mail.host", assertThrows(ConfigException.class,
                () -> ConfigLoader.load(null, Map.of("mail.host", "smtp:587", "mail.from", "b@contoso.com"))).key());
    }

    @Test
    void pathsTheBridgeCreatesNeedAWritableDirectoryAbove() throws IOException {
        Path file = write("plain.txt", "not a directory");

        ConfigException pepper = assertThrows(ConfigException.class,
                () -> ConfigLoader.load(null, Map.of("security.pepperFile", file.resolve("pepper").toString())));
        assertEquals("security.pepperFile", pepper.key());
        assertTrue(pepper.getMessage().contains(file + " is not a directory"), pepper.getMessage());

        ConfigException dataDir = assertThrows(ConfigException.class,
                () -> ConfigLoader.load(null, Map.of("BRIDGE_DATADIR", file.toString())));
        assertEquals("dataDir", dataDir.key());
        assertTrue(dataDir.getMessage().contains("is not a directory"), dataDir.getMessage());

        ConfigException database = assertThrows(ConfigException.class,
                () -> ConfigLoader.load(null, Map.of("store.jdbcUrl", "jdbc:sqlite:" + file.resolve("db/bridge.db"))));
        assertEquals("store.jdbcUrl", database.key());

        ConfigException pepperIsADirectory = assertThrows(ConfigException.class,
                () -> ConfigLoader.load(null, Map.of("security.pepperFile", dir.toString())));
        assertEquals("security.pepperFile", pepperIsADirectory.key());

        Path missing = dir.resolve("not/yet/there");
        BridgeConfig created = ConfigLoader.load(null, Map.of("dataDir", missing.toString(),
                "security.pepperFile", missing.resolve("keys/pepper").toString(),
                "store.jdbcUrl", "jdbc:sqlite:" + missing.resolve("db/bridge.db") + "?journal_mode=WAL"));
        assertEquals(missing.resolve("keys/pepper").toString(), created.security().pepperFile(),
                "missing directories are created at start");
        assertFalse(Files.exists(missing), "loading creates nothing");

        String inline = Base64.getEncoder().encodeToString(new byte[32]);
        assertEquals(inline, ConfigLoader.load(null, Map.of("security.pepper", inline,
                "security.pepperFile", file.resolve("pepper").toString())).security().pepper(),
                "an inline pepper leaves the pepper file unused");
    }

    @Test
    void promptsAndHoldMusicMustExist() throws IOException {
        Path missing = dir.resolve("missing");
        ConfigException prompts = assertThrows(ConfigException.class,
                () -> ConfigLoader.load(null, Map.of("ivr.promptDir", missing.toString())));
        assertEquals("ivr.promptDir", prompts.key());
        assertTrue(prompts.getMessage().contains("does not exist"), prompts.getMessage());

        ConfigException music = assertThrows(ConfigException.class,
                () -> ConfigLoader.load(null, Map.of("BRIDGE_IVR_HOLDMUSICWAV", missing.resolve("music.wav").toString())));
        assertEquals("ivr.holdMusicWav", music.key());
        assertEquals("ivr.holdMusicWav", assertThrows(ConfigException.class,
                () -> ConfigLoader.load(null, Map.of("ivr.holdMusicWav", dir.toString()))).key());

        Path wav = write("music.wav", "RIFF");
        BridgeConfig c = ConfigLoader.load(null, Map.of("ivr.promptDir", dir.toString(), "ivr.holdMusicWav", wav.toString()));
        assertEquals(dir.toString(), c.ivr().promptDir());
        assertEquals(wav.toString(), c.ivr().holdMusicWav());
    }

    // ---- issue 9 §3/§4: guessing limits, identifiers, tokens, Argon2 floor, secrets in toString ----

    @Test
    void guessingIdentifierAndTokenKeysHaveDefaultsAndEnvironmentForms() {
        BridgeConfig defaults = ConfigLoader.defaults();
        assertEquals(10, defaults.lockout().digestMaxFailures());
        assertEquals(9, defaults.ids().conferenceIdLength());
        assertEquals(90, defaults.admin().userTokenDays());

        BridgeConfig c = ConfigLoader.fromEnvironment(null, Map.of(
                "BRIDGE_LOCKOUT_DIGESTMAXFAILURES", "4",
                "BRIDGE_IDS_CONFERENCE_ID_LENGTH", "12",
                "BRIDGE_ADMIN_USERTOKENDAYS", "7"), warning -> { });
        assertEquals(4, c.lockout().digestMaxFailures());
        assertEquals(12, c.ids().conferenceIdLength());
        assertEquals(7, c.admin().userTokenDays());
    }

    @Test
    void outOfRangeGuessingIdentifierAndTokenValuesStopStartUpNamingTheRange() {
        ConfigException id = assertThrows(ConfigException.class,
                () -> ConfigLoader.load(null, Map.of("ids.conferenceIdLength", "6")));
        assertEquals("ids.conferenceIdLength", id.key());
        assertTrue(id.getMessage().contains("7–12"), id.getMessage());
        assertEquals("lockout.digestMaxFailures", assertThrows(ConfigException.class,
                () -> ConfigLoader.load(null, Map.of("lockout.digestMaxFailures", "0"))).key());
        assertEquals("admin.userTokenDays", assertThrows(ConfigException.class,
                () -> ConfigLoader.load(null, Map.of("admin.userTokenDays", "0"))).key());
    }

    @Test
    void adminListenerLimitsHaveDefaultsEnvironmentFormsAndRanges() {
        BridgeConfig defaults = ConfigLoader.defaults();
        assertEquals(1024, defaults.admin().maxConnections());
        assertEquals(128, defaults.admin().maxConnectionsPerSource());
        assertEquals(30_000, defaults.admin().requestTimeoutMs());
        assertEquals(20, defaults.admin().authFailuresPerSource());

        BridgeConfig c = ConfigLoader.fromEnvironment(null, Map.of(
                "BRIDGE_ADMIN_MAXCONNECTIONS", "50",
                "BRIDGE_ADMIN_MAXCONNECTIONSPERSOURCE", "5",
                "BRIDGE_ADMIN_REQUESTTIMEOUTMS", "2000",
                "BRIDGE_ADMIN_AUTHFAILURESPERSOURCE", "3"), warning -> { });
        assertEquals(3, c.admin().authFailuresPerSource());
        assertEquals(50, c.admin().maxConnections());
        assertEquals(5, c.admin().maxConnectionsPerSource());
        assertEquals(2000, c.admin().requestTimeoutMs());

        ConfigException timeout = assertThrows(ConfigException.class,
                () -> ConfigLoader.load(null, Map.of("admin.requestTimeoutMs", "999")));
        assertEquals("admin.requestTimeoutMs", timeout.key());
        assertTrue(timeout.getMessage().contains("1000–600000"), timeout.getMessage());
        assertEquals("admin.maxConnectionsPerSource", assertThrows(ConfigException.class,
                () -> ConfigLoader.load(null, Map.of("admin.maxConnectionsPerSource", "0"))).key());
        ConfigException failures = assertThrows(ConfigException.class,
                () -> ConfigLoader.load(null, Map.of("admin.authFailuresPerSource", "0")));
        assertEquals("admin.authFailuresPerSource", failures.key());
        assertTrue(failures.getMessage().contains("1–100000"), failures.getMessage());

        assertEquals(List.of(), defaults.admin().trustedProxies());
        assertEquals("[10.0.0.0/8, 2001:db8::1]", ConfigLoader.load(null,
                Map.of("admin.trustedProxies", "10.0.0.0/8, 2001:db8::1")).admin().trustedProxies().toString());
        assertEquals("admin.trustedProxies", assertThrows(ConfigException.class,
                () -> ConfigLoader.load(null, Map.of("admin.trustedProxies", "proxy.example.com"))).key());
    }

    @Test
    void adminTlsIsOffByDefaultWithTheDataDirsOwnPairAndTakesBothPemFilesOrNeither(@TempDir Path dir) throws Exception {
        BridgeConfig defaults = ConfigLoader.load(null, Map.of("dataDir", dir.toString()));
        assertFalse(defaults.admin().tls());
        assertTrue(defaults.admin().tlsSelfSigned());
        assertEquals(dir.resolve("admin-tls-certificate.pem").toString(), defaults.admin().tlsCertificateFile());
        assertEquals(dir.resolve("admin-tls-key.pem").toString(), defaults.admin().tlsKeyFile());

        ConfigException onlyOne = assertThrows(ConfigException.class, () -> ConfigLoader.load(null,
                Map.of("admin.tls", "true", "admin.tlsCertificateFile", dir.resolve("c.pem").toString())));
        assertEquals("admin.tlsKeyFile", onlyOne.key());
        ConfigException unreadable = assertThrows(ConfigException.class, () -> ConfigLoader.load(null,
                Map.of("admin.tls", "true", "admin.tlsCertificateFile", dir.resolve("missing.pem").toString(),
                        "admin.tlsKeyFile", dir.resolve("missing-key.pem").toString())));
        assertEquals("admin.tlsCertificateFile", unreadable.key());

        Path certificate = Files.writeString(dir.resolve("c.pem"), "x");
        Path key = Files.writeString(dir.resolve("k.pem"), "x");
        BridgeConfig given = ConfigLoader.load(null, Map.of("admin.tls", "true",
                "admin.tlsCertificateFile", certificate.toString(), "admin.tlsKeyFile", key.toString()));
        assertTrue(given.admin().tls());
        assertFalse(given.admin().tlsSelfSigned());
        assertEquals(key.toString(), given.admin().tlsKeyFile());
    }

    @Test
    void argon2BelowOwaspsMinimumIsRefusedExceptByTheTestOnlyLoader() {
        ConfigException memory = assertThrows(ConfigException.class,
                () -> ConfigLoader.load(null, Map.of("security.argon2MemoryKiB", "19455")));
        assertEquals("security.argon2MemoryKiB", memory.key());
        assertTrue(memory.getMessage().contains("19456–1048576"), memory.getMessage());
        ConfigException iterations = assertThrows(ConfigException.class,
                () -> ConfigLoader.fromEnvironment(null, Map.of("BRIDGE_SECURITY_ARGON2ITERATIONS", "1"), w -> { }));
        assertEquals("security.argon2Iterations", iterations.key());
        assertTrue(iterations.getMessage().contains("2–10"), iterations.getMessage());

        BridgeConfig weak = ConfigLoader.loadAllowingWeakArgon2ForTestsOnly(null,
                Map.of("security.argon2MemoryKiB", "8192", "security.argon2Iterations", "1"));
        assertEquals(8192, weak.security().argon2MemoryKiB());
        assertEquals(1, weak.security().argon2Iterations());
    }

    @Test
    void toStringNeverPrintsThePepperTokensOrPasswords() {
        String pepper = Base64.getEncoder().encodeToString(new byte[32]).replace('A', 'Q');
        BridgeConfig c = ConfigLoader.load(null, Map.of(
                "security.pepper", pepper,
                "admin.token", "admin-token-secret-1",
                "store.password", "db-password-secret-2",
                "mail.host", "smtp.contoso.com",
                "mail.from", "bridge@contoso.com",
                "mail.username", "bridge",
                "mail.password", "mail-password-secret-3"));

        String shown = c.toString();

        for (String secret : List.of(pepper, "admin-token-secret-1", "db-password-secret-2", "mail-password-secret-3")) {
            assertFalse(shown.contains(secret), shown);
        }
        assertTrue(shown.contains("smtp.contoso.com"), "the rest is still shown: " + shown);
        assertEquals(pepper, c.security().pepper(), "the accessors still give the values");
    }

    @Test
    void previousPepperFilesMustExist() throws IOException {
        Path old = Files.writeString(dir.resolve("pepper.2025"), "x");
        BridgeConfig c = ConfigLoader.load(null, Map.of("security.previousPepperFiles", old + " , "));
        assertEquals(List.of(old.toString()), c.security().previousPepperFiles());
        assertEquals(List.of(), ConfigLoader.defaults().security().previousPepperFiles());

        ConfigException missing = assertThrows(ConfigException.class, () -> ConfigLoader.load(null,
                Map.of("BRIDGE_SECURITY_PREVIOUS_PEPPER_FILES", dir.resolve("nope").toString())));
        assertEquals("security.previousPepperFiles", missing.key());
    }
}
