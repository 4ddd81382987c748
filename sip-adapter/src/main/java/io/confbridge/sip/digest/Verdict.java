package io.confbridge.sip.digest;

import io.confbridge.auth.DigestAccount;

/** What {@link DigestAuthenticator#verify} concluded about one set of credentials. */
public sealed interface Verdict {

    /** Why, for logs; never contains a secret. */
    String reason();

    /** The credentials prove {@code account}. */
    record Verified(DigestAccount account) implements Verdict {
        @Override
        public String reason() {
            return "verified";
        }
    }

    /** The credentials are wrong (password, algorithm, uri, qop): they prove nothing. */
    record Wrong(String reason) implements Verdict {
    }

    /**
     * The credentials cannot be judged with this nonce (not ours, expired, or its count already used):
     * challenge again. {@code stale} when the digest was right but the nonce had expired (RFC 7616
     * §3.3), so the client retries without asking its user for the password.
     */
    record Rechallenge(boolean stale, String reason) implements Verdict {
    }
}
