package io.confbridge.mail;

/** Whether a PIN e-mail went out; {@code error} says why not (never the PIN or the mail body). */
public record MailResult(boolean sent, String error) {

    public static MailResult delivered() {
        return new MailResult(true, null);
    }

    public static MailResult failed(String error) {
        return new MailResult(false, error);
    }
}
