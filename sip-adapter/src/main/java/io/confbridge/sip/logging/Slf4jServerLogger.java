package io.confbridge.sip.logging;

import gov.nist.core.ServerLogger;
import gov.nist.javax.sip.message.SIPMessage;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import javax.sip.SipStack;
import java.util.Properties;

/**
 * Receives every SIP message jain-sip sends or receives and logs it at DEBUG on the
 * {@code io.confbridge.sip.wire} logger, so messages never appear at the default INFO level. Named in
 * the stack property {@code gov.nist.javax.sip.SERVER_LOGGER}; one instance per stack. Credentials and
 * INFO (DTMF) bodies are redacted ({@link WireRedaction}).
 */
public final class Slf4jServerLogger implements ServerLogger {

    private static final Logger wire = LoggerFactory.getLogger("io.confbridge.sip.wire");

    private volatile String stackName = "?";

    public Slf4jServerLogger() {
    }

    @Override
    public void closeLogFile() {
    }

    @Override
    public void logMessage(SIPMessage message, String from, String to, boolean sender, long time) {
        log(message, from, to, sender);
    }

    @Override
    public void logMessage(SIPMessage message, String from, String to, String status, boolean sender, long time) {
        log(message, from, to, sender);
    }

    @Override
    public void logMessage(SIPMessage message, String from, String to, String status, boolean sender) {
        log(message, from, to, sender);
    }

    private void log(SIPMessage message, String from, String to, boolean sender) {
        if (wire.isDebugEnabled()) {
            wire.debug("[{}] {} {} -> {}\n{}", stackName, sender ? "sent" : "received", from, to,
                    WireRedaction.redact(withoutSdesKeys(message.encode())));
        }
    }

    /** SDES keys (RFC 4568 {@code inline:} key parameters) are secrets of the call: never in the wire log. */
    static String withoutSdesKeys(String message) {
        return message.indexOf("inline:") < 0 ? message
                : SDES_KEY.matcher(message).replaceAll("inline:<hidden>");
    }

    private static final java.util.regex.Pattern SDES_KEY = java.util.regex.Pattern.compile("inline:\\S+");

    @Override
    public void logException(Exception ex) {
        wire.warn("[{}] jain-sip exception", stackName, ex);
    }

    @Override
    public void setStackProperties(Properties stackProperties) {
        stackName = stackProperties.getProperty("javax.sip.STACK_NAME", "?");
    }

    @Override
    public void setSipStack(SipStack sipStack) {
    }
}
