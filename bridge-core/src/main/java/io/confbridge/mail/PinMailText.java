package io.confbridge.mail;

import java.util.ArrayList;
import java.util.List;

/**
 * The subject, plain-text body and HTML alternative of a PIN e-mail, in the tenant's language (English
 * or Simplified Chinese), with the dial-in information: conference IDs, SIP URIs and dial-in numbers.
 */
final class PinMailText {

    static final String SUBJECT = "Your audio conferencing PIN";
    static final String SUBJECT_ZH = "您的音频会议密码";

    private PinMailText() {
    }

    static String subject(PinMail mail) {
        return chinese(mail) ? SUBJECT_ZH : SUBJECT;
    }

    /**
     * @param bridgeUri where callers dial in, for example {@code sip:bridge.contoso.com:5060}
     */
    static String body(PinMail mail, String bridgeUri) {
        return chinese(mail) ? bodyZh(mail, bridgeUri) : bodyEn(mail, bridgeUri);
    }

    /** The same content as {@link #body}, as HTML with every inserted value escaped. */
    static String html(PinMail mail, String bridgeUri) {
        boolean zh = chinese(mail);
        StringBuilder b = new StringBuilder(1024);
        b.append("<!DOCTYPE html><html lang=\"").append(zh ? "zh-Hans" : "en").append("\"><head><meta charset=\"utf-8\">")
                .append("<title>").append(escape(subject(mail))).append("</title></head><body>");
        b.append("<p>").append(zh ? escape(mail.displayName()) + "，您好：" : "Hello " + escape(mail.displayName()) + ",")
                .append("</p>");
        b.append("<p>").append(zh ? "您的音频会议密码是：" : "Your audio conferencing PIN is: ")
                .append("<strong style=\"font-size:1.4em;letter-spacing:0.1em\">").append(escape(mail.pin()))
                .append("</strong></p>");
        b.append("<p>").append(zh ? "用电话发起会议时需要它。请勿告诉他人；它取代之前的所有密码。"
                : "You need it to start your meetings from a phone. Keep it to yourself; it replaces any earlier PIN.")
                .append("</p>");
        b.append("<h3>").append(zh ? "电话入会" : "To join by phone").append("</h3><table>");
        row(b, zh ? "会议号" : "Conference ID", mail.conferenceIds());
        row(b, zh ? "SIP 地址" : "SIP", sipUris(mail, bridgeUri));
        row(b, zh ? "拨入号码" : "Dial-in numbers", mail.dialInNumbers());
        b.append("</table><ol>");
        for (String step : steps(mail, bridgeUri, zh)) {
            b.append("<li>").append(escape(step)).append("</li>");
        }
        b.append("</ol><p>").append(zh ? "会议开始前，来电者在等候室等候。" : "Callers wait in the lobby until the meeting starts.")
                .append("</p></body></html>");
        return b.toString();
    }

    private static String bodyEn(PinMail mail, String bridgeUri) {
        List<String> ids = mail.conferenceIds();
        StringBuilder b = new StringBuilder(512);
        b.append("Hello ").append(mail.displayName()).append(",\n\n");
        b.append("Your audio conferencing PIN is: ").append(mail.pin()).append("\n\n");
        b.append("You need it to start your meetings from a phone. Keep it to yourself; it replaces any earlier PIN.\n\n");
        b.append("To join by phone:\n");
        b.append("  1. Call ").append(bridgeUri).append('\n');
        if (ids.isEmpty()) {
            b.append("  2. Enter the conference ID of the meeting, then #\n");
        } else if (ids.size() == 1) {
            b.append("  2. Enter your conference ID ").append(ids.get(0)).append(", then #\n");
        } else {
            b.append("  2. Enter the conference ID of the meeting (yours: ").append(String.join(", ", ids)).append("), then #\n");
        }
        b.append("  3. To start the meeting as its organizer, press *, then your PIN, then #\n\n");
        appendDialIn(b, mail, bridgeUri, "Dial-in numbers: ", "Or dial your meeting directly: ");
        b.append("Callers wait in the lobby until the meeting starts.\n");
        return b.toString();
    }

    private static String bodyZh(PinMail mail, String bridgeUri) {
        StringBuilder b = new StringBuilder(512);
        b.append(mail.displayName()).append("，您好：\n\n");
        b.append("您的音频会议密码是：").append(mail.pin()).append("\n\n");
        b.append("用电话发起会议时需要它。请勿告诉他人；它取代之前的所有密码。\n\n");
        b.append("电话入会：\n");
        List<String> steps = steps(mail, bridgeUri, true);
        for (int i = 0; i < steps.size(); i++) {
            b.append("  ").append(i + 1).append(". ").append(steps.get(i)).append('\n');
        }
        b.append('\n');
        appendDialIn(b, mail, bridgeUri, "拨入号码：", "或直接拨打您的会议：");
        b.append("会议开始前，来电者在等候室等候。\n");
        return b.toString();
    }

    private static void appendDialIn(StringBuilder b, PinMail mail, String bridgeUri, String numbersLabel,
                                     String directLabel) {
        if (!mail.dialInNumbers().isEmpty()) {
            b.append(numbersLabel).append(String.join(", ", mail.dialInNumbers())).append("\n");
        }
        List<String> direct = sipUris(mail, bridgeUri).subList(1, sipUris(mail, bridgeUri).size());
        if (!direct.isEmpty()) {
            b.append(directLabel).append(String.join(", ", direct)).append("\n");
        }
        b.append('\n');
    }

    private static List<String> steps(PinMail mail, String bridgeUri, boolean zh) {
        List<String> ids = mail.conferenceIds();
        String call = mail.dialInNumbers().isEmpty() ? bridgeUri
                : String.join(zh ? "、" : ", ", mail.dialInNumbers()) + (zh ? " 或 " : " or ") + bridgeUri;
        if (zh) {
            return List.of("拨打 " + call,
                    ids.size() == 1 ? "输入您的会议号 " + ids.get(0) + "，然后按井号键（#）"
                            : "输入会议号" + (ids.isEmpty() ? "" : "（您的：" + String.join("、", ids) + "）") + "，然后按井号键（#）",
                    "如需以主持人身份开始会议，请按星号键（*），输入密码，然后按井号键（#）");
        }
        return List.of("Call " + call,
                ids.size() == 1 ? "Enter your conference ID " + ids.get(0) + ", then #"
                        : "Enter the conference ID of the meeting" + (ids.isEmpty() ? "" : " (yours: " + String.join(", ", ids) + ")") + ", then #",
                "To start the meeting as its organizer, press *, then your PIN, then #");
    }

    /** The bridge's URI, then one per conference ID that reaches that meeting directly. */
    static List<String> sipUris(PinMail mail, String bridgeUri) {
        List<String> uris = new ArrayList<>();
        uris.add(bridgeUri);
        String hostPort = bridgeUri.startsWith("sip:") ? bridgeUri.substring(4) : bridgeUri;
        for (String id : mail.conferenceIds()) {
            uris.add("sip:" + id + "@" + hostPort);
        }
        return uris;
    }

    private static void row(StringBuilder b, String label, List<String> values) {
        if (values.isEmpty()) {
            return;
        }
        b.append("<tr><th style=\"text-align:left;padding-right:1em\">").append(escape(label)).append("</th><td>");
        for (int i = 0; i < values.size(); i++) {
            b.append(i == 0 ? "" : "<br>").append(escape(values.get(i)));
        }
        b.append("</td></tr>");
    }

    private static boolean chinese(PinMail mail) {
        return mail.language().startsWith("zh");
    }

    static String escape(String s) {
        StringBuilder b = new StringBuilder(s.length() + 16);
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '<' -> b.append("&lt;");
                case '>' -> b.append("&gt;");
                case '&' -> b.append("&amp;");
                case '"' -> b.append("&quot;");
                case '\'' -> b.append("&#39;");
                default -> b.append(c);
            }
        }
        return b.toString();
    }
}
