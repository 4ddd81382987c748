package io.confbridge.store;

import org.junit.jupiter.api.Test;

import java.time.Instant;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

class UntrustedTextTest {

    @Test
    void cleanShortTextIsKeptAsIs() {
        String text = "Amos Marble <+14255550100> 张伟";
        assertSame(text, UntrustedText.printable(text));
        assertNull(UntrustedText.printable(null));
    }

    @Test
    void controlCharactersBecomeQuestionMarks() {
        assertEquals("?[2J?[31mevil??2026-01-01 admin: ok", UntrustedText.printable("\u001b[2J\u009b[31mevil\r\n2026-01-01 admin: ok"));
        assertEquals("a?b?c?d?e", UntrustedText.printable("a\u0000b\u007fc\u2028d\u202ee"));
    }

    @Test
    void longTextIsCutWithAnEllipsisNeverSplittingASurrogatePair() {
        String cut = UntrustedText.printable("x".repeat(500), 200);
        assertEquals(200, cut.length());
        assertTrue(cut.endsWith("…"));

        String emoji = "a" + "\uD83D\uDE00".repeat(10);
        String cutEmoji = UntrustedText.printable(emoji, 5);
        assertFalse(Character.isHighSurrogate(cutEmoji.charAt(cutEmoji.length() - 2)), cutEmoji);
        assertTrue(cutEmoji.endsWith("…"));
    }

    @Test
    void auditRecordsAreMadePrintableBeforeTheyAreStored() {
        AuditRecord record = AuditRecord.of(Instant.EPOCH, "system", "SYSTEM", "203.0.113.9\n", "pin.backoff",
                "caller:\u001b]0;pwned\u0007" + "9".repeat(400), "from \r\nforged line");

        assertEquals("203.0.113.9?", record.clientAddress());
        assertEquals(UntrustedText.DEFAULT_MAX_CHARS, record.target().length());
        assertTrue(record.target().startsWith("caller:?]0;pwned?9"), record.target());
        assertEquals("from ??forged line", record.detail());
    }
}
