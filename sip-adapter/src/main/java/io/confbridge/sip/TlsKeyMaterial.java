package io.confbridge.sip;

import io.confbridge.config.BridgeConfig;
import org.bouncycastle.asn1.pkcs.PrivateKeyInfo;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.cert.X509CertificateHolder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.openssl.PEMKeyPair;
import org.bouncycastle.openssl.PEMParser;
import org.bouncycastle.openssl.jcajce.JcaPEMKeyConverter;
import org.bouncycastle.openssl.jcajce.JcaPEMWriter;
import org.bouncycastle.openssl.jcajce.JcaPKCS8Generator;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.OutputStream;
import java.io.Reader;
import java.io.StringWriter;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.KeyStore;
import java.security.MessageDigest;
import java.security.PrivateKey;
import java.security.SecureRandom;
import java.security.cert.Certificate;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Date;
import java.util.HexFormat;
import java.util.List;

/**
 * The bridge's TLS certificate and key for SIP over TLS: read from the configured PEM files, or, when
 * none are configured, a self-signed pair generated into {@code <dataDir>} at the first start (owner-only
 * files; its SHA-256 fingerprint is logged once, then, so that an operator can pin it in softphones).
 *
 * <p>jain-sip 1.3.0-91 reads its key store only from a file named in the stack's own properties
 * ({@code javax.net.ssl.keyStore}, per stack, not the JVM's system properties), so the pair is written
 * as a PKCS#12 store under a random password into an owner-only temporary file, deleted at
 * {@link #close()}.
 */
final class TlsKeyMaterial implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(TlsKeyMaterial.class);
    private static final String ALIAS = "sip-tls";
    private static final Duration SELF_SIGNED_VALIDITY = Duration.ofDays(3650);

    private final Path keyStore;
    private final String password;
    private final String fingerprint;

    private TlsKeyMaterial(Path keyStore, String password, String fingerprint) {
        this.keyStore = keyStore;
        this.password = password;
        this.fingerprint = fingerprint;
    }

    /**
     * The configured pair, generated first when it is the bridge's own and does not exist yet.
     *
     * @param host the name put into a generated certificate's subject and subjectAltName
     */
    static TlsKeyMaterial load(BridgeConfig.SipConfig.Tls tls, String host) throws IOException, GeneralSecurityException {
        Path certificateFile = Path.of(tls.certificateFile());
        Path keyFile = Path.of(tls.keyFile());
        if (tls.selfSigned() && !Files.exists(certificateFile) && !Files.exists(keyFile)) {
            generate(certificateFile, keyFile, host);
        }
        List<X509Certificate> chain = readCertificates(certificateFile);
        PrivateKey key = readKey(keyFile);
        char[] pw = HexFormat.of().formatHex(new SecureRandom().generateSeed(16)).toCharArray();
        KeyStore store = KeyStore.getInstance("PKCS12");
        store.load(null, null);
        store.setKeyEntry(ALIAS, key, pw, chain.toArray(new Certificate[0]));
        Path file = ownerOnlyTempFile();
        try (OutputStream out = Files.newOutputStream(file, StandardOpenOption.TRUNCATE_EXISTING)) {
            store.store(out, pw);
        } catch (IOException | GeneralSecurityException | RuntimeException e) {
            Files.deleteIfExists(file);
            throw e;
        }
        return new TlsKeyMaterial(file, new String(pw), fingerprint(chain.get(0)));
    }

    /** The PKCS#12 key store jain-sip reads. */
    Path keyStore() {
        return keyStore;
    }

    String password() {
        return password;
    }

    /** SHA-256 of the leaf certificate's DER, as colon-separated upper-case hex (RFC 8122's notation). */
    String fingerprint() {
        return fingerprint;
    }

    @Override
    public void close() {
        try {
            Files.deleteIfExists(keyStore);
        } catch (IOException e) {
            log.warn("cannot delete the temporary TLS key store {}: {}", keyStore, e.getMessage());
        }
    }

    static String fingerprint(X509Certificate certificate) throws GeneralSecurityException {
        byte[] digest = MessageDigest.getInstance("SHA-256").digest(certificate.getEncoded());
        return HexFormat.ofDelimiter(":").withUpperCase().formatHex(digest);
    }

    /** An EC P-256 key and a self-signed certificate for {@code host}, both PEM, owner-only. */
    private static void generate(Path certificateFile, Path keyFile, String host)
            throws IOException, GeneralSecurityException {
        KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
        generator.initialize(new ECGenParameterSpec("secp256r1"));
        KeyPair pair = generator.generateKeyPair();
        Instant now = Instant.now();
        X500Name subject = new X500Name("CN=" + host.replaceAll("[,+=\"\\\\<>;#]", "_") + ",O=confbridge");
        JcaX509v3CertificateBuilder builder = new JcaX509v3CertificateBuilder(subject,
                new BigInteger(64, new SecureRandom()), Date.from(now.minus(Duration.ofDays(1))),
                Date.from(now.plus(SELF_SIGNED_VALIDITY)), subject, pair.getPublic());
        boolean ip = host.indexOf(':') >= 0 || host.chars().allMatch(c -> c == '.' || Character.isDigit(c));
        try {
            builder.addExtension(Extension.basicConstraints, true, new BasicConstraints(false));
            builder.addExtension(Extension.subjectAlternativeName, false,
                    new GeneralNames(new GeneralName(ip ? GeneralName.iPAddress : GeneralName.dNSName, host)));
            X509CertificateHolder holder = builder.build(new JcaContentSignerBuilder("SHA256withECDSA").build(pair.getPrivate()));
            X509Certificate certificate = new JcaX509CertificateConverter().getCertificate(holder);
            writeOwnerOnly(keyFile, pem(new JcaPKCS8Generator(pair.getPrivate(), null)));
            writeOwnerOnly(certificateFile, pem(certificate));
            log.info("SIP TLS: generated a self-signed certificate for {} into {}; SHA-256 fingerprint {}",
                    host, certificateFile, fingerprint(certificate));
        } catch (org.bouncycastle.operator.OperatorCreationException e) {
            throw new GeneralSecurityException("cannot sign the self-signed certificate", e);
        }
    }

    private static String pem(Object object) throws IOException {
        StringWriter text = new StringWriter();
        try (JcaPEMWriter writer = new JcaPEMWriter(text)) {
            writer.writeObject(object);
        }
        return text.toString();
    }

    private static void writeOwnerOnly(Path file, String content) throws IOException {
        Path parent = file.toAbsolutePath().getParent();
        if (parent != null) {
            Files.createDirectories(parent);
        }
        try {
            Files.createFile(file, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
        } catch (UnsupportedOperationException e) {
            Files.createFile(file);
        } catch (FileAlreadyExistsException e) {
            throw new IOException(file + " appeared while the self-signed certificate was generated", e);
        }
        Files.writeString(file, content, StandardCharsets.US_ASCII, StandardOpenOption.TRUNCATE_EXISTING);
    }

    private static Path ownerOnlyTempFile() throws IOException {
        try {
            return Files.createTempFile("confbridge-sip-tls-", ".p12",
                    PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
        } catch (UnsupportedOperationException e) {
            return Files.createTempFile("confbridge-sip-tls-", ".p12");
        }
    }

    private static List<X509Certificate> readCertificates(Path file) throws IOException, GeneralSecurityException {
        List<X509Certificate> chain = new ArrayList<>();
        JcaX509CertificateConverter converter = new JcaX509CertificateConverter();
        try (Reader reader = Files.newBufferedReader(file, StandardCharsets.US_ASCII);
             PEMParser parser = new PEMParser(reader)) {
            for (Object o = parser.readObject(); o != null; o = parser.readObject()) {
                if (o instanceof X509CertificateHolder holder) {
                    chain.add(converter.getCertificate(holder));
                }
            }
        }
        if (chain.isEmpty()) {
            throw new GeneralSecurityException(file + " (sip.tlsCertificateFile) holds no PEM certificate");
        }
        return chain;
    }

    private static PrivateKey readKey(Path file) throws IOException, GeneralSecurityException {
        JcaPEMKeyConverter converter = new JcaPEMKeyConverter();
        try (Reader reader = Files.newBufferedReader(file, StandardCharsets.US_ASCII);
             PEMParser parser = new PEMParser(reader)) {
            for (Object o = parser.readObject(); o != null; o = parser.readObject()) {
                if (o instanceof PEMKeyPair pair) {
                    return converter.getPrivateKey(pair.getPrivateKeyInfo());
                }
                if (o instanceof PrivateKeyInfo info) {
                    return converter.getPrivateKey(info);
                }
            }
        }
        throw new GeneralSecurityException(file + " (sip.tlsKeyFile) holds no unencrypted PEM private key");
    }
}
