package io.confbridge.mail;

/**
 * Sends an organizer their new PIN. Blocking (network): call it from worker threads.
 *
 * <p>Never throws for a delivery problem: an unreachable or refusing mail server, or no mail server
 * configured, comes back as a {@linkplain MailResult#failed failed} result, because a PIN reset must
 * not be lost to a mail problem; the administrator then hands the PIN over another way.
 */
public interface PinMailer {

    MailResult send(PinMail mail);
}
