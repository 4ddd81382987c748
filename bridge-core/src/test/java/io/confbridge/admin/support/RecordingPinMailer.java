package io.confbridge.admin.support;

import io.confbridge.mail.MailResult;
import io.confbridge.mail.PinMail;
import io.confbridge.mail.PinMailer;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/** A mailer that keeps what it was asked to send, and answers with a chosen result. */
public final class RecordingPinMailer implements PinMailer {
    private final List<PinMail> sent = new CopyOnWriteArrayList<>();
    private volatile MailResult answer = MailResult.delivered();

    public void answerWith(MailResult result) {
        answer = result;
    }

    public List<PinMail> sent() {
        return sent;
    }

    @Override
    public MailResult send(PinMail mail) {
        sent.add(mail);
        return answer;
    }
}
