package io.confbridge.server.admin;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

class AuthorizationHeaderTest {

    @Test
    void aBearerTokenInAnyCaseOfTheScheme() {
        assertEquals("abc", AuthorizationHeader.of("Bearer abc").bearerToken());
        assertEquals("abc", AuthorizationHeader.of("bearer abc").bearerToken());
        assertEquals("abc", AuthorizationHeader.of("BEARER   abc  ").bearerToken(), "spaces around the token");
        assertTrue(AuthorizationHeader.of("Bearer abc").presentsCredential());
    }

    @Test
    void noHeaderOrABareSchemePresentsNothing() {
        AuthorizationHeader none = AuthorizationHeader.of(null);
        assertTrue(none.isEmpty());
        assertFalse(none.presentsCredential());
        assertNull(none.bearerToken());
        assertFalse(AuthorizationHeader.of("").presentsCredential());
        assertFalse(AuthorizationHeader.of("Bearer ").presentsCredential(), "the admin center before sign-in");
        assertFalse(AuthorizationHeader.of("Bearer    ").presentsCredential());
        assertNull(AuthorizationHeader.of("Bearer ").bearerToken());
        assertTrue(AuthorizationHeader.of("Bearer ").isBearer());
    }

    @Test
    void anotherSchemePresentsACredentialButNoBearerToken() {
        AuthorizationHeader basic = AuthorizationHeader.of("Basic YWRtaW46YWRtaW4=");
        assertTrue(basic.presentsCredential(), "a guess all the same: it is charged");
        assertNull(basic.bearerToken());
        assertNull(AuthorizationHeader.of("Bearerabc").bearerToken(), "no space: a scheme named Bearerabc");
        assertNull(AuthorizationHeader.of("abc").bearerToken());
        assertFalse(AuthorizationHeader.of("abc").presentsCredential());
    }
}
