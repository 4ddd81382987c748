package io.confbridge.auth;

/**
 * Online guessing limits on SIP digest authentication (INVITE and REGISTER), as the SIP adapter sees them:
 * per SIP username and per source address, with the same lock and back-off as PINs. Called on SIP stack
 * threads, so {@link #refuses} answers from memory and {@link #failed} only hands the counting (database
 * work) to a worker. Thread-safe.
 */
public interface DigestGuard {

    /** No limits (tests of the SIP adapter that do not exercise them). */
    DigestGuard NONE = new DigestGuard() {
        @Override
        public boolean refuses(String username, String sourceAddress) {
            return false;
        }

        @Override
        public void failed(String username, String sourceAddress, boolean refused) {
        }
    };

    /**
     * Whether a response for {@code username} from {@code sourceAddress} is refused now without being
     * checked: the username is locked or the source is backing off.
     */
    boolean refuses(String username, String sourceAddress);

    /**
     * Counts a wrong response ({@code refused} false: against the username and the source) or one refused
     * by {@link #refuses} ({@code refused} true: against the source only, so refused attempts never renew
     * a username's lock). Returns at once.
     */
    void failed(String username, String sourceAddress, boolean refused);
}
