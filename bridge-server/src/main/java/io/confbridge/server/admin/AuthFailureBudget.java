package io.confbridge.server.admin;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import io.confbridge.sip.TokenBucket;
import io.confbridge.sip.stream.RefusalWarnings;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.time.Duration;
import java.util.Arrays;
import java.util.function.LongSupplier;

/**
 * How many failed authentications (a token presented and refused) each source may have:
 * {@code admin.authFailuresPerSource} a minute, as a token bucket that refills at that rate. A source
 * that has spent it gets 429 on the event loop, before any worker or database lookup, until a token is
 * back. Without it, anyone who reaches the admin port could guess tokens without limit and keep the two
 * admin workers busy with user-token lookups, so that the admin center answered 503 to everyone.
 *
 * <p>An IPv6 source is its /64: one subscriber's whole prefix, which an attacker could otherwise rotate
 * through. Sources live in a size-bounded cache whose idle entries expire, so rotating addresses cannot
 * grow it without bound. Thread-safe: checked on the event loop, charged on the workers.
 */
final class AuthFailureBudget {
    private static final Logger log = LoggerFactory.getLogger(AuthFailureBudget.class);

    /** Sources tracked at once; a hundred bytes or so each. */
    static final int MAX_SOURCES = 65_536;

    private final int perMinute;
    private final LongSupplier clockNs;
    private final Cache<String, TokenBucket> sources;
    private final RefusalWarnings warnings = new RefusalWarnings("other source(s) refused");

    AuthFailureBudget(int perMinute) {
        this(perMinute, System::nanoTime);
    }

    /** @param clockNs nanoseconds, as {@link System#nanoTime}; tests move it by hand */
    AuthFailureBudget(int perMinute, LongSupplier clockNs) {
        this.perMinute = perMinute;
        this.clockNs = clockNs;
        // A full bucket is the same as none: forget a source once it would have refilled.
        this.sources = Caffeine.newBuilder()
                .maximumSize(MAX_SOURCES)
                .expireAfterAccess(Duration.ofMinutes(1))
                .executor(Runnable::run)
                .build();
    }

    /** 0 when {@code source} may be served; else the whole seconds until it may try again (Retry-After). */
    int retryAfterS(InetAddress source) {
        TokenBucket bucket = sources.getIfPresent(key(source));
        long now = clockNs.getAsLong();
        return bucket == null || bucket.available(now) ? 0 : bucket.retryAfterS(now);
    }

    /** {@code source} presented a token that was refused. */
    void failed(InetAddress source) {
        String key = key(source);
        TokenBucket bucket = sources.get(key, k -> new TokenBucket(perMinute / 60.0, perMinute));
        long now = clockNs.getAsLong();
        bucket.take(now);
        if (!bucket.available(now)) {
            String others = warnings.due();
            if (others != null) {
                log.warn("admin API: {} failed authentications in a minute from {}: its requests get 429 for {} s"
                        + " (admin.authFailuresPerSource){}", perMinute, key, bucket.retryAfterS(now), others);
            }
        }
    }

    /** Sources tracked now (tests: the state stays bounded). */
    long trackedSources() {
        sources.cleanUp();
        return sources.estimatedSize();
    }

    /** An IPv4 address as itself, an IPv6 one as its /64. */
    static String key(InetAddress source) {
        if (source instanceof Inet6Address) {
            byte[] prefix = Arrays.copyOf(source.getAddress(), 16);
            Arrays.fill(prefix, 8, 16, (byte) 0);
            try {
                return InetAddress.getByAddress(prefix).getHostAddress() + "/64";
            } catch (UnknownHostException impossible) { // 16 bytes are always an address
                throw new IllegalStateException(impossible);
            }
        }
        return source.getHostAddress();
    }
}
