package io.confbridge.mail;

import com.icegreen.greenmail.junit5.GreenMailExtension;
import com.icegreen.greenmail.util.ServerSetup;
import io.confbridge.config.BridgeConfig;
import io.confbridge.config.ConfigLoader;
import jakarta.mail.BodyPart;
import jakarta.mail.Multipart;
import jakarta.mail.internet.MimeMessage;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Issue 10 §8: the PIN e-mail in the tenant's language, plain text plus HTML, with the dial-in information. */
class PinMailLanguageTest {

    @RegisterExtension
    static final GreenMailExtension greenMail = new GreenMailExtension(
            new ServerSetup(0, "127.0.0.1", ServerSetup.PROTOCOL_SMTP).dynamicPort());

    private SmtpPinMailer mailer() {
        BridgeConfig config = ConfigLoader.load(null, Map.of(
                "mail.host", "127.0.0.1",
                "mail.port", Integer.toString(greenMail.getSmtp().getPort()),
                "mail.tls", "none",
                "mail.from", "bridge@contoso.com",
                "sip.advertisedAddress", "bridge.contoso.com",
                "sip.port", "5070"));
        return new SmtpPinMailer(config.mail(), config.sip());
    }

    @Test
    void chineseTenantGetsAChineseMailWithPlainAndHtmlAndTheDialInInformation() throws Exception {
        MailResult sent = mailer().send(new PinMail("li.wei@contoso.com", "李伟 <Li>", "482913", List.of("7301942"),
                "zh", List.of("+86 10 5555 0100", "+1 425 555 0100")));
        assertTrue(sent.sent(), sent.toString());
        MimeMessage mail = greenMail.getReceivedMessages()[0];
        assertEquals(PinMailText.SUBJECT_ZH, mail.getSubject());
        Multipart parts = (Multipart) mail.getContent();
        assertTrue(parts.getContentType().startsWith("multipart/alternative"), parts.getContentType());
        assertEquals(2, parts.getCount());
        BodyPart plain = parts.getBodyPart(0);
        BodyPart html = parts.getBodyPart(1);
        assertTrue(plain.isMimeType("text/plain"), plain.getContentType());
        assertTrue(html.isMimeType("text/html"), html.getContentType());
        for (String text : new String[] {(String) plain.getContent(), (String) html.getContent()}) {
            assertTrue(text.contains("482913"), "the PIN");
            assertTrue(text.contains("7301942"), "the conference ID");
            assertTrue(text.contains("会议号"), "Chinese text");
            assertTrue(text.contains("sip:bridge.contoso.com:5070"), "the bridge's SIP URI");
            assertTrue(text.contains("sip:7301942@bridge.contoso.com:5070"), "the meeting's SIP URI");
            assertTrue(text.contains("+86 10 5555 0100") && text.contains("+1 425 555 0100"), "the dial-in numbers");
        }
        String htmlText = (String) html.getContent();
        assertTrue(htmlText.contains("李伟 &lt;Li&gt;"), "inserted values are escaped in HTML");
        assertFalse(htmlText.contains("<Li>"));
    }

    @Test
    void englishTenantGetsTheEnglishMail() throws Exception {
        MailResult sent = mailer().send(new PinMail("amos@contoso.com", "Amos", "5551234", List.of("1234567"),
                "en", List.of("+1 425 555 0100")));
        assertTrue(sent.sent(), sent.toString());
        MimeMessage mail = greenMail.getReceivedMessages()[0];
        assertEquals(PinMailText.SUBJECT, mail.getSubject());
        Multipart parts = (Multipart) mail.getContent();
        String plain = (String) parts.getBodyPart(0).getContent();
        assertTrue(plain.contains("Your audio conferencing PIN is: 5551234"), plain);
        assertTrue(plain.contains("Dial-in numbers: +1 425 555 0100"), plain);
        assertTrue(plain.contains("sip:1234567@bridge.contoso.com:5070"), plain);
        assertTrue(((String) parts.getBodyPart(1).getContent()).contains("<strong"), "an HTML alternative");
    }
}
