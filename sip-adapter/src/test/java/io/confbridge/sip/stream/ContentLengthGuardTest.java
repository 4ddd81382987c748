package io.confbridge.sip.stream;

import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ContentLengthGuardTest {
    private static final int MAX = 65_536;

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.ISO_8859_1);
    }

    private static String message(String contentLength) {
        return "OPTIONS sip:bridge@127.0.0.1 SIP/2.0\r\nVia: SIP/2.0/TCP 127.0.0.1:5099;branch=z9hG4bK1\r\n"
                + "Call-ID: a@b\r\nCSeq: 1 OPTIONS\r\n" + contentLength + "\r\n\r\n";
    }

    @Test
    void ordinaryMessagesPass() {
        ContentLengthGuard guard = new ContentLengthGuard(MAX);
        assertTrue(guard.accept(bytes(message("Content-Length: 0"))));
        assertTrue(guard.accept(bytes(message("content-length:   1200") + "x".repeat(1200))));
        assertTrue(guard.accept(bytes(message("Content-Length: 65536"))));
        assertNull(guard.refusal());
    }

    @Test
    void aLengthTheParserWouldAllocateAndCannotIsRefused() {
        ContentLengthGuard guard = new ContentLengthGuard(MAX);
        assertFalse(guard.accept(bytes(message("Content-Length: 2147483647"))));
        assertEquals("Content-Length 2147483647 outside 0-65536", guard.refusal());
        assertFalse(guard.accept(bytes(message("Content-Length: 0"))), "once refused, the connection stays refused");
    }

    @Test
    void negativeAndJustOverTheLimitAreRefusedInAnyCase() {
        assertFalse(new ContentLengthGuard(MAX).accept(bytes(message("CONTENT-LENGTH: -1"))));
        assertFalse(new ContentLengthGuard(MAX).accept(bytes(message("Content-length:+65537"))));
    }

    @Test
    void whatTheParserCannotReadAsANumberIsLeftToIt() {
        // jain-sip throws NumberFormatException for these, an exception its selector loop survives.
        assertTrue(new ContentLengthGuard(MAX).accept(bytes(message("Content-Length: 99999999999"))));
        assertTrue(new ContentLengthGuard(MAX).accept(bytes(message("Content-Length: lots"))));
        assertTrue(new ContentLengthGuard(MAX).accept(bytes(message("Content-Lengthy"))));
    }

    @Test
    void carriageReturnsInsideTheLineDoNotHideIt() {
        // jain-sip's reader drops every CR of a line before it parses: these are all 2147483647 to it.
        assertFalse(new ContentLengthGuard(MAX).accept(bytes(message("Content-Length: 21474\r83647"))));
        assertFalse(new ContentLengthGuard(MAX).accept(bytes(message("Con\rtent-Length: 2147483647"))));
        assertFalse(new ContentLengthGuard(MAX).accept(bytes(message("Content-Length\r: 2147483647"))));
        assertFalse(new ContentLengthGuard(MAX).accept(bytes(message("Content-Length:\r2147483647\r\r"))));
    }

    @Test
    void theValueIsReadAsTheParserReadsIt() {
        // The character after the name is skipped whole, however many bytes it takes in UTF-8.
        assertFalse(new ContentLengthGuard(MAX).accept(utf8(message("Content-Length\u00e9 2147483647"))));
        // Integer.parseInt reads any script's digits: fullwidth, Arabic-Indic.
        assertFalse(new ContentLengthGuard(MAX).accept(utf8(message("Content-Length: \uff12\uff11\uff14\uff17\uff14\uff18\uff13\uff16\uff14\uff17"))));
        assertFalse(new ContentLengthGuard(MAX).accept(utf8(message("Content-Length: \u0669\u0669\u0669\u0669\u0669\u0669"))));
        assertTrue(new ContentLengthGuard(MAX).accept(utf8(message("Content-Length: \u0661\u0662"))), "12 is fine");
    }

    private static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    @Test
    void aLineSplitAcrossReadsIsJudgedWhole() {
        byte[] all = bytes(message("Content-Length: 900000000"));
        ContentLengthGuard guard = new ContentLengthGuard(MAX);
        boolean accepted = true;
        for (int i = 0; i < all.length && accepted; i += 7) {
            accepted = guard.accept(Arrays.copyOfRange(all, i, Math.min(all.length, i + 7)));
        }
        assertFalse(accepted);
    }

    @Test
    void paddingAContentLengthLineBeyondAnyRealOneIsRefused() {
        String padded = "Content-Length:" + " ".repeat(ContentLengthGuard.MAX_LINE) + "2000000000";
        ContentLengthGuard guard = new ContentLengthGuard(MAX);
        assertFalse(guard.accept(bytes(message(padded))));
        assertTrue(guard.refusal().contains("over " + ContentLengthGuard.MAX_LINE + " bytes"));
        // Other long lines are the parser's business (its own size limit).
        assertTrue(new ContentLengthGuard(MAX).accept(bytes(message("Subject: " + "y".repeat(2000)))));
    }
}
