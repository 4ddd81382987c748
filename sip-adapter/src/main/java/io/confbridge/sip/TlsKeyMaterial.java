package io.confbridge.sip;

import io.confbridge.config.BridgeConfig;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.SecureRandom;
import java.security.cert.Certificate;
import java.util.HexFormat;

/**
 * The bridge's TLS certificate and key for SIP over TLS ({@link CertificateFiles}: the configured PEM
 * files, or a self-signed pair generated into {@code <dataDir>} at the first start).
 *
 * <p>jain-sip 1.3.0-91 reads its key store only from a file named in the stack's own properties
 * ({@code javax.net.ssl.keyStore}, per stack, not the JVM's system properties), so the pair is written
 * as a PKCS#12 store under a random password into an owner-only temporary file, deleted at
 * {@link #close()}.
 */
final class TlsKeyMaterial implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(TlsKeyMaterial.class);
    private static final String ALIAS = "sip-tls";

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
        CertificateFiles pair = CertificateFiles.load(Path.of(tls.certificateFile()), Path.of(tls.keyFile()),
                tls.selfSigned(), host, "SIP TLS", "sip.tlsCertificateFile", "sip.tlsKeyFile");
        char[] pw = HexFormat.of().formatHex(new SecureRandom().generateSeed(16)).toCharArray();
        KeyStore store = KeyStore.getInstance("PKCS12");
        store.load(null, null);
        store.setKeyEntry(ALIAS, pair.key(), pw, pair.chain().toArray(new Certificate[0]));
        Path file = ownerOnlyTempFile();
        try (OutputStream out = Files.newOutputStream(file, StandardOpenOption.TRUNCATE_EXISTING)) {
            store.store(out, pw);
        } catch (IOException | GeneralSecurityException | RuntimeException e) {
            Files.deleteIfExists(file);
            throw e;
        }
        return new TlsKeyMaterial(file, new String(pw), pair.fingerprint());
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

    private static Path ownerOnlyTempFile() throws IOException {
        try {
            return Files.createTempFile("confbridge-sip-tls-", ".p12",
                    PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
        } catch (UnsupportedOperationException e) {
            return Files.createTempFile("confbridge-sip-tls-", ".p12");
        }
    }
}
