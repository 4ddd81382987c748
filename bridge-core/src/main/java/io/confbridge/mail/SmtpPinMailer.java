package io.confbridge.mail;

import io.confbridge.config.BridgeConfig;
import jakarta.mail.Message;
import jakarta.mail.MessagingException;
import jakarta.mail.Session;
import jakarta.mail.Transport;
import jakarta.mail.internet.AddressException;
import jakarta.mail.internet.InternetAddress;
import jakarta.mail.internet.MimeMessage;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.charset.StandardCharsets;
import java.util.Date;
import java.util.Properties;

/**
 * {@link PinMailer} over SMTP with Jakarta Mail (Angus Mail): plain, STARTTLS (required, not
 * opportunistic: a PIN must not travel in clear because a server stopped offering TLS) or SMTPS, with
 * optional login and the configured timeouts, so a dead server delays a reset by seconds, not forever.
 *
 * <p>Never logs the body (it holds the PIN); failures are logged and returned with the recipient only.
 */
public final class SmtpPinMailer implements PinMailer {
    private static final Logger log = LoggerFactory.getLogger(SmtpPinMailer.class);

    static final String NOT_CONFIGURED = "SMTP not configured";

    private final BridgeConfig.MailConfig config;
    private final String bridgeUri;
    private final Session session;
    private final String protocol;

    /**
     * @param sip where callers dial in: {@code advertisedAddress} and {@code port} go into the instructions
     */
    public SmtpPinMailer(BridgeConfig.MailConfig config, BridgeConfig.SipConfig sip) {
        this.config = config;
        String host = sip.advertisedAddress().contains(":") ? "[" + sip.advertisedAddress() + "]" : sip.advertisedAddress();
        this.bridgeUri = "sip:" + host + ":" + sip.port();
        this.protocol = config.tls().equals("smtps") ? "smtps" : "smtp";
        this.session = config.configured() ? Session.getInstance(properties(config, protocol)) : null;
    }

    private static Properties properties(BridgeConfig.MailConfig config, String protocol) {
        String p = "mail." + protocol + ".";
        Properties props = new Properties();
        props.setProperty("mail.transport.protocol", protocol);
        props.setProperty(p + "host", config.host());
        props.setProperty(p + "port", Integer.toString(config.port()));
        props.setProperty(p + "connectiontimeout", Long.toString(config.connectTimeoutMs()));
        props.setProperty(p + "timeout", Long.toString(config.timeoutMs()));
        props.setProperty(p + "writetimeout", Long.toString(config.timeoutMs()));
        props.setProperty(p + "auth", Boolean.toString(!config.username().isEmpty()));
        props.setProperty(p + "from", config.from());
        switch (config.tls()) {
            case "starttls" -> {
                props.setProperty(p + "starttls.enable", "true");
                props.setProperty(p + "starttls.required", "true");
                props.setProperty(p + "ssl.checkserveridentity", "true");
            }
            case "smtps" -> {
                props.setProperty(p + "ssl.enable", "true");
                props.setProperty(p + "ssl.checkserveridentity", "true");
            }
            default -> {
                // "none": plain SMTP, for a relay on the same host or a trusted network only.
            }
        }
        return props;
    }

    @Override
    public MailResult send(PinMail mail) {
        if (session == null) {
            return MailResult.failed(NOT_CONFIGURED);
        }
        try {
            MimeMessage message = new MimeMessage(session);
            message.setFrom(new InternetAddress(config.from(), true));
            message.setRecipient(Message.RecipientType.TO, new InternetAddress(mail.to(), true));
            message.setSubject(PinMailText.subject(mail), StandardCharsets.UTF_8.name());
            // Plain text first, HTML last: a client shows the last alternative it can (RFC 2046 §5.1.4).
            jakarta.mail.internet.MimeMultipart alternatives = new jakarta.mail.internet.MimeMultipart("alternative");
            jakarta.mail.internet.MimeBodyPart plain = new jakarta.mail.internet.MimeBodyPart();
            plain.setText(PinMailText.body(mail, bridgeUri), StandardCharsets.UTF_8.name());
            jakarta.mail.internet.MimeBodyPart html = new jakarta.mail.internet.MimeBodyPart();
            html.setText(PinMailText.html(mail, bridgeUri), StandardCharsets.UTF_8.name(), "html");
            alternatives.addBodyPart(plain);
            alternatives.addBodyPart(html);
            message.setContent(alternatives);
            message.setSentDate(new Date());
            message.saveChanges();
            try (Transport transport = session.getTransport(protocol)) {
                transport.connect(config.host(), config.port(),
                        config.username().isEmpty() ? null : config.username(),
                        config.username().isEmpty() ? null : config.password());
                transport.sendMessage(message, message.getAllRecipients());
            }
            log.info("PIN e-mail sent to {}", mail.to());
            return MailResult.delivered();
        } catch (AddressException e) {
            return failure(mail, "bad address: " + e.getMessage());
        } catch (MessagingException | RuntimeException e) {
            return failure(mail, describe(e));
        }
    }

    private static MailResult failure(PinMail mail, String error) {
        log.warn("PIN e-mail to {} failed: {}", mail.to(), error);
        return MailResult.failed(error);
    }

    /** The exception and its causes in one line ("Couldn't connect ...: Connection refused"). */
    private static String describe(Throwable e) {
        StringBuilder b = new StringBuilder();
        for (Throwable t = e; t != null && b.length() < 500; t = t.getCause()) {
            if (b.length() > 0) {
                b.append(": ");
            }
            b.append(t.getMessage() == null ? t.getClass().getSimpleName() : t.getMessage().strip());
            if (t.getCause() == t) {
                break;
            }
        }
        return b.toString();
    }

    @Override
    public String toString() {
        return "SmtpPinMailer[" + (config.configured() ? protocol + "://" + config.host() + ":" + config.port() : "not configured") + "]";
    }
}
