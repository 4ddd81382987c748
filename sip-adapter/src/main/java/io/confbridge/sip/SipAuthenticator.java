package io.confbridge.sip;

import io.confbridge.auth.DigestAccount;
import io.confbridge.auth.DigestGuard;
import io.confbridge.store.UntrustedText;
import io.confbridge.auth.SipCredentials;
import io.confbridge.sip.digest.DigestAuthenticator;
import io.confbridge.sip.digest.DigestCredentials;
import io.confbridge.sip.digest.Verdict;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import javax.sip.PeerUnavailableException;
import javax.sip.SipFactory;
import javax.sip.address.AddressFactory;
import javax.sip.address.URI;
import javax.sip.header.AuthorizationHeader;
import javax.sip.header.FromHeader;
import javax.sip.header.HeaderAddress;
import javax.sip.header.Parameters;
import javax.sip.header.ProxyAuthorizationHeader;
import javax.sip.header.ToHeader;
import javax.sip.message.Request;
import java.security.SecureRandom;
import java.text.ParseException;
import java.util.ListIterator;
import java.util.Optional;
import java.util.function.LongSupplier;

/**
 * The bridge's digest policy on jain-sip requests: who is challenged, who is proved an organizer and
 * who stays anonymous.
 *
 * <ul>
 *   <li>INVITE without credentials: challenged only if the From user is a known SIP username, so
 *       anonymous dial-in costs no extra round trip.</li>
 *   <li>INVITE with credentials for our realm: verified whatever the From user; the identity proved is
 *       the account of the digest {@code username}. Wrong credentials make the call anonymous (never a
 *       rejection: the caller may still have the PIN); an unknown or spent nonce gets a fresh
 *       challenge.</li>
 *   <li>REGISTER: without credentials a 401 challenge; with credentials 200 only if they are the To
 *       user's account's and right, else 403. A known and an unknown username get the same answers (an
 *       unknown one is checked against a throwaway account), so REGISTER does not tell which exist.</li>
 *   <li>Online guessing (issue 9 §3): every wrong response counts against the digest username and the
 *       source address ({@link DigestGuard}); while either is locked or backing off, responses are not
 *       checked: an INVITE goes on anonymous, a REGISTER gets 403, and the attempt counts against the
 *       source only. A nonce takes at most three wrong responses (see {@code DigestAuthenticator}).</li>
 * </ul>
 */
final class SipAuthenticator {

    private static final Logger log = LoggerFactory.getLogger(SipAuthenticator.class);

    /** What to do with a request. */
    enum Kind {
        /** Go on without an organizer identity. */
        ANONYMOUS,
        /** Go on as {@link Outcome#account()}'s organizer. */
        AUTHENTICATED,
        /** Answer 401 with fresh challenges ({@link Outcome#stale()} for an expired nonce). */
        CHALLENGE,
        /** Answer with {@link Outcome#status()} (REGISTER only). */
        REFUSE
    }

    record Outcome(Kind kind, DigestAccount account, boolean stale, int status) {
        static final Outcome ANONYMOUS = new Outcome(Kind.ANONYMOUS, null, false, 0);
        static final Outcome CHALLENGE = new Outcome(Kind.CHALLENGE, null, false, 0);

        static Outcome authenticated(DigestAccount account) {
            return new Outcome(Kind.AUTHENTICATED, account, false, 0);
        }

        static Outcome rechallenge(boolean stale) {
            return new Outcome(Kind.CHALLENGE, null, stale, 0);
        }

        static Outcome refuse(int status) {
            return new Outcome(Kind.REFUSE, null, false, status);
        }
    }

    private final SipCredentials credentials;
    private final DigestAuthenticator digest;
    private final LongSupplier nanoClock;
    private final AddressFactory addresses;
    private final DigestGuard guard;
    private final SecureRandom random = new SecureRandom();

    SipAuthenticator(SipCredentials credentials, DigestAuthenticator digest, LongSupplier nanoClock)
            throws PeerUnavailableException {
        this(credentials, digest, nanoClock, DigestGuard.NONE);
    }

    SipAuthenticator(SipCredentials credentials, DigestAuthenticator digest, LongSupplier nanoClock, DigestGuard guard)
            throws PeerUnavailableException {
        this.credentials = credentials;
        this.digest = digest;
        this.nanoClock = nanoClock;
        this.addresses = SipFactory.getInstance().createAddressFactory();
        this.guard = guard;
    }

    /** The {@code WWW-Authenticate} values for a 401. */
    java.util.List<String> challenges(boolean stale) {
        return digest.challenges(stale, nanoClock.getAsLong());
    }

    Outcome forInvite(Request request) {
        return forInvite(request, null);
    }

    /** @param source the address the request came from, for the per-source guessing limit (null: none) */
    Outcome forInvite(Request request, String source) {
        String callId = RequestParts.callIdOf(request);
        DigestCredentials sent = credentialsOf(request);
        if (sent == null) {
            String fromUser = RequestParts.sipUserOf((HeaderAddress) request.getHeader(FromHeader.NAME));
            if (fromUser.isEmpty()) {
                return Outcome.ANONYMOUS;
            }
            Optional<DigestAccount> account;
            try {
                account = credentials.find(fromUser);
            } catch (RuntimeException e) {
                log.warn("call {}: SIP account lookup failed, caller stays anonymous: {}", callId, e.toString());
                return Outcome.ANONYMOUS;
            }
            return account.isPresent() ? Outcome.CHALLENGE : Outcome.ANONYMOUS;
        }
        Optional<DigestAccount> account;
        try {
            account = sent.username() == null ? Optional.empty() : credentials.find(sent.username());
        } catch (RuntimeException e) {
            log.warn("call {}: SIP account lookup failed, caller stays anonymous: {}", callId, e.toString());
            return Outcome.ANONYMOUS;
        }
        if (refused(sent, source, "call " + callId)) {
            return Outcome.ANONYMOUS;
        }
        if (account.isEmpty()) {
            log.info("call {}: digest username '{}' unknown: anonymous", callId, shown(sent.username()));
            guard.failed(sent.username(), source, false);
            return Outcome.ANONYMOUS;
        }
        Verdict verdict = verify(sent, request, account.get());
        if (verdict instanceof Verdict.Verified) {
            log.info("call {}: authenticated as SIP user '{}' (organizer {})", callId, sent.username(),
                    account.get().organizerId());
            return Outcome.authenticated(account.get());
        }
        if (verdict instanceof Verdict.Rechallenge again) {
            log.info("call {}: challenging '{}' again: {}", callId, shown(sent.username()), again.reason());
            return Outcome.rechallenge(again.stale());
        }
        log.info("call {}: digest authentication as '{}' failed ({}): anonymous", callId, shown(sent.username()), verdict.reason());
        guard.failed(sent.username(), source, false);
        return Outcome.ANONYMOUS;
    }

    /** Whether the guard refuses the credentials unchecked; a refusal counts against the source only. */
    private boolean refused(DigestCredentials sent, String source, String what) {
        if (sent.username() == null || !guard.refuses(sent.username(), source)) {
            return false;
        }
        log.info("{}: digest response as '{}' from {} refused unchecked: username locked or source backing off",
                what, shown(sent.username()), source);
        guard.failed(sent.username(), source, true);
        return true;
    }

    private static String shown(String username) {
        return UntrustedText.printable(username, 64);
    }

    Outcome forRegister(Request request) {
        return forRegister(request, null);
    }

    /** @param source the address the request came from, for the per-source guessing limit (null: none) */
    Outcome forRegister(Request request, String source) {
        String callId = RequestParts.callIdOf(request);
        String toUser = RequestParts.sipUserOf((HeaderAddress) request.getHeader(ToHeader.NAME));
        DigestCredentials sent = credentialsOf(request);
        if (sent == null) {
            // Known or not, the same challenge: REGISTER must not tell which usernames exist.
            return Outcome.CHALLENGE;
        }
        if (refused(sent, source, "REGISTER " + callId)) {
            return Outcome.refuse(403);
        }
        Optional<DigestAccount> account;
        try {
            account = toUser.isEmpty() ? Optional.empty() : credentials.find(toUser);
        } catch (RuntimeException e) {
            log.warn("REGISTER {}: SIP account lookup failed: {}", callId, e.toString());
            return Outcome.refuse(500);
        }
        boolean known = account.isPresent() && toUser.equals(sent.username());
        // An unknown username (or another's) is checked against a throwaway account: the same work, the
        // same nonce bookkeeping and the same answers as a wrong password for a known one.
        Verdict verdict = verify(sent, request, known ? account.get() : throwaway(sent.username()));
        if (known && verdict instanceof Verdict.Verified) {
            return Outcome.authenticated(account.get());
        }
        if (verdict instanceof Verdict.Rechallenge again) {
            log.info("REGISTER {}: challenging '{}' again: {}", callId, shown(toUser), again.reason());
            return Outcome.rechallenge(again.stale());
        }
        log.info("REGISTER {}: digest authentication as '{}' for '{}' failed ({})", callId, shown(sent.username()),
                shown(toUser), known ? verdict.reason() : "no such account");
        guard.failed(sent.username(), source, false);
        return Outcome.refuse(403);
    }

    /** An account no password opens, named as the credentials are (so {@code verify} accepts the pair). */
    private DigestAccount throwaway(String username) {
        byte[] password = new byte[16];
        random.nextBytes(password);
        String name = username == null || username.isEmpty() || username.indexOf(':') >= 0 ? "-" : username;
        return DigestAccount.of(-1, name, digest.realm(), java.util.HexFormat.of().formatHex(password));
    }

    private Verdict verify(DigestCredentials sent, Request request, DigestAccount account) {
        if (!account.username().equals(sent.username())) {
            return new Verdict.Wrong("username does not name the account");
        }
        return digest.verify(sent, request.getMethod(), uri -> sameUri(uri, request.getRequestURI()), account,
                nanoClock.getAsLong());
    }

    /**
     * The Digest credentials for our realm among Authorization and Proxy-Authorization headers (a
     * request may carry several, one per realm: RFC 3261 §22.3), or null.
     */
    private DigestCredentials credentialsOf(Request request) {
        DigestCredentials found = credentialsOf(request, AuthorizationHeader.NAME);
        return found != null ? found : credentialsOf(request, ProxyAuthorizationHeader.NAME);
    }

    private DigestCredentials credentialsOf(Request request, String headerName) {
        ListIterator<?> it = request.getHeaders(headerName);
        while (it != null && it.hasNext()) {
            Object header = it.next();
            String scheme = header instanceof AuthorizationHeader a ? a.getScheme()
                    : header instanceof ProxyAuthorizationHeader p ? p.getScheme() : null;
            if (!"Digest".equalsIgnoreCase(scheme) || !(header instanceof Parameters parameters)) {
                continue;
            }
            if (digest.realm().equals(parameters.getParameter("realm"))) {
                return DigestCredentials.of(parameters::getParameter);
            }
        }
        return null;
    }

    /** RFC 3261 §22.4: the digest's uri must name the Request-URI; compared by SIP URI equality (§19.1.4). */
    private boolean sameUri(String digestUri, URI requestUri) {
        if (digestUri.equals(requestUri.toString())) {
            return true;
        }
        try {
            return addresses.createURI(digestUri).equals(requestUri);
        } catch (ParseException e) {
            return false;
        }
    }
}
