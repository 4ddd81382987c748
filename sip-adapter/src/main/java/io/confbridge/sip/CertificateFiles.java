package io.confbridge.sip;

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
import java.security.MessageDigest;
import java.security.PrivateKey;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Date;
import java.util.HexFormat;
import java.util.List;

/**
 * A TLS certificate chain and its private key from PEM files, for SIP over TLS and for the admin listener's
 * HTTPS. When the files are the bridge's own ({@code selfSigned}) and do not exist yet, an EC P-256 key and
 * a self-signed certificate are generated into them first (owner-only), and the certificate's SHA-256
 * fingerprint is logged once, so that an operator can pin it in phones or browsers.
 *
 * @param chain the certificates, leaf first
 * @param key   the leaf's private key
 */
public record CertificateFiles(List<X509Certificate> chain, PrivateKey key) {
    private static final Logger log = LoggerFactory.getLogger(CertificateFiles.class);
    private static final Duration SELF_SIGNED_VALIDITY = Duration.ofDays(3650);

    /**
     * Reads the pair, generating it first when it is the bridge's own and neither file exists.
     *
     * @param host            the name put into a generated certificate's subject and subjectAltName
     * @param purpose         {@code SIP TLS}, {@code admin TLS}: what the log line names
     * @param certificateKey  the configuration key of the certificate file, for errors
     * @param keyKey          the configuration key of the key file, for errors
     */
    public static CertificateFiles load(Path certificateFile, Path keyFile, boolean selfSigned, String host,
                                        String purpose, String certificateKey, String keyKey)
            throws IOException, GeneralSecurityException {
        if (selfSigned && !Files.exists(certificateFile) && !Files.exists(keyFile)) {
            generate(certificateFile, keyFile, host, purpose);
        }
        return new CertificateFiles(readCertificates(certificateFile, certificateKey), readKey(keyFile, keyKey));
    }

    /** SHA-256 of the leaf certificate's DER, as colon-separated upper-case hex (RFC 8122's notation). */
    public String fingerprint() throws GeneralSecurityException {
        return fingerprint(chain.get(0));
    }

    static String fingerprint(X509Certificate certificate) throws GeneralSecurityException {
        byte[] digest = MessageDigest.getInstance("SHA-256").digest(certificate.getEncoded());
        return HexFormat.ofDelimiter(":").withUpperCase().formatHex(digest);
    }

    /** An EC P-256 key and a self-signed certificate for {@code host}, both PEM, owner-only. */
    private static void generate(Path certificateFile, Path keyFile, String host, String purpose)
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
            log.info("{}: generated a self-signed certificate for {} into {}; SHA-256 fingerprint {}",
                    purpose, host, certificateFile, fingerprint(certificate));
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

    private static List<X509Certificate> readCertificates(Path file, String configKey) throws IOException, GeneralSecurityException {
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
            throw new GeneralSecurityException(file + " (" + configKey + ") holds no PEM certificate");
        }
        return chain;
    }

    private static PrivateKey readKey(Path file, String configKey) throws IOException, GeneralSecurityException {
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
        throw new GeneralSecurityException(file + " (" + configKey + ") holds no unencrypted PEM private key");
    }
}
