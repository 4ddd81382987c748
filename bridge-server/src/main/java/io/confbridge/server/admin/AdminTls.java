package io.confbridge.server.admin;

import io.confbridge.config.BridgeConfig;
import io.confbridge.sip.CertificateFiles;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.handler.ssl.SslProvider;

import java.io.IOException;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.file.Path;
import java.security.GeneralSecurityException;

/**
 * HTTPS for the admin listener ({@code admin.tls}): bearer tokens, and the PIN shown once when it is set,
 * cross the network in every admin call, so the listener must not be reached in clear over anything but
 * loopback. The certificate is {@code admin.tlsCertificateFile}/{@code admin.tlsKeyFile}, or a self-signed
 * pair generated into {@code <dataDir>} at the first start. TLS 1.2 and 1.3 only.
 */
final class AdminTls {
    private AdminTls() {
    }

    /** The server context, or a start-up failure naming the keys; null when {@code admin.tls} is off. */
    static SslContext context(BridgeConfig.AdminConfig config) {
        if (!config.tls()) {
            return null;
        }
        try {
            CertificateFiles pair = CertificateFiles.load(Path.of(config.tlsCertificateFile()),
                    Path.of(config.tlsKeyFile()), config.tlsSelfSigned(), certificateHost(config.bindAddress()),
                    "admin TLS", "admin.tlsCertificateFile", "admin.tlsKeyFile");
            return SslContextBuilder.forServer(pair.key(), pair.chain())
                    .sslProvider(SslProvider.JDK)
                    .protocols("TLSv1.3", "TLSv1.2")
                    .build();
        } catch (IOException | GeneralSecurityException e) {
            throw new IllegalStateException("admin.tlsCertificateFile/admin.tlsKeyFile: cannot use the admin TLS"
                    + " certificate: " + e.getMessage(), e);
        }
    }

    /** Whether plain HTTP on this address would carry tokens over a network (anything but loopback). */
    static boolean reachableInClear(String bindAddress) {
        try {
            return !InetAddress.getByName(bindAddress).isLoopbackAddress();
        } catch (UnknownHostException e) {
            return true;
        }
    }

    /** The name a generated certificate is for: the bound address, or localhost for the wildcard. */
    private static String certificateHost(String bindAddress) {
        try {
            return InetAddress.getByName(bindAddress).isAnyLocalAddress() ? "localhost" : bindAddress;
        } catch (UnknownHostException e) {
            return bindAddress;
        }
    }
}
