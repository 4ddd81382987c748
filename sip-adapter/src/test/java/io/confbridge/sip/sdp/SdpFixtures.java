package io.confbridge.sip.sdp;

/** SDP offers as real user agents send them (trimmed of nothing that matters to the parser). */
final class SdpFixtures {

    private SdpFixtures() {
    }

    static String crlf(String... lines) {
        return String.join("\r\n", lines) + "\r\n";
    }

    /** Linphone 4.x: opus and speex first, telephone-event at three clock rates. */
    static final String LINPHONE = crlf(
            "v=0",
            "o=alice 2613 3213 IN IP4 192.168.1.10",
            "s=Talk",
            "c=IN IP4 192.168.1.10",
            "t=0 0",
            "a=rtcp-xr:rcvr-rtt=all:10000 stat-summary=loss,dup,jitt,TTL voip-metrics",
            "m=audio 7078 RTP/AVP 96 97 98 0 8 18 101 99 100",
            "a=rtpmap:96 opus/48000/2",
            "a=fmtp:96 useinbandfec=1",
            "a=rtpmap:97 speex/16000",
            "a=fmtp:97 vbr=on",
            "a=rtpmap:98 speex/8000",
            "a=fmtp:98 vbr=on",
            "a=fmtp:18 annexb=yes",
            "a=rtpmap:101 telephone-event/48000",
            "a=rtpmap:99 telephone-event/16000",
            "a=rtpmap:100 telephone-event/8000",
            "a=rtcp-fb:* trr-int 1000",
            "a=rtcp-fb:* ccm tmmbr");

    /** baresip: G.722 before G.711, rtcp-mux, explicit sendrecv. */
    static final String BARESIP = crlf(
            "v=0",
            "o=- 1234567890 1234567891 IN IP4 10.0.0.5",
            "s=-",
            "c=IN IP4 10.0.0.5",
            "t=0 0",
            "m=audio 10004 RTP/AVP 96 9 0 8 101",
            "b=AS:128",
            "a=rtpmap:96 opus/48000/2",
            "a=fmtp:96 stereo=1;sprop-stereo=1",
            "a=rtpmap:9 G722/8000",
            "a=rtpmap:0 PCMU/8000",
            "a=rtpmap:8 PCMA/8000",
            "a=rtpmap:101 telephone-event/8000",
            "a=fmtp:101 0-15",
            "a=ptime:20",
            "a=sendrecv",
            "a=rtcp-mux",
            "a=ssrc:1948279381 cname:a6b2f2b5-7c44-4b0a-9a1c");

    /** Zoiper-like: GSM first, PCMA before PCMU, no rtpmap for the static types. */
    static final String ZOIPER = crlf(
            "v=0",
            "o=Z 0 0 IN IP4 192.168.0.100",
            "s=Z",
            "c=IN IP4 192.168.0.100",
            "t=0 0",
            "m=audio 8000 RTP/AVP 3 110 8 0 98 101",
            "a=rtpmap:110 speex/8000",
            "a=rtpmap:98 iLBC/8000",
            "a=fmtp:98 mode=20",
            "a=rtpmap:101 telephone-event/8000",
            "a=fmtp:101 0-16",
            "a=sendrecv");

    /** SIPp's built-in uac scenario. */
    static final String SIPP = crlf(
            "v=0",
            "o=user1 53655765 2353687637 IN IP4 127.0.0.1",
            "s=-",
            "c=IN IP4 127.0.0.1",
            "t=0 0",
            "m=audio 6000 RTP/AVP 0",
            "a=rtpmap:0 PCMU/8000");

    static final String PCMA_ONLY_TE96 = crlf(
            "v=0",
            "o=- 1 1 IN IP4 203.0.113.7",
            "s=-",
            "c=IN IP4 203.0.113.7",
            "t=0 0",
            "m=audio 5004 RTP/AVP 8 96",
            "a=rtpmap:8 PCMA/8000",
            "a=rtpmap:96 telephone-event/8000",
            "a=fmtp:96 0-15");

    static final String NO_COMMON_CODEC = crlf(
            "v=0",
            "o=- 1 1 IN IP4 203.0.113.7",
            "s=-",
            "c=IN IP4 203.0.113.7",
            "t=0 0",
            "m=audio 5004 RTP/AVP 96 97 18 101",
            "a=rtpmap:96 iLBC/8000",
            "a=rtpmap:97 opus/16000/1",
            "a=rtpmap:18 G729/8000",
            "a=rtpmap:101 telephone-event/8000");

    /** RFC 2543 style hold: c=0.0.0.0 with no direction attribute. */
    static final String HOLD_ZERO_ADDRESS = crlf(
            "v=0",
            "o=- 1 2 IN IP4 198.51.100.4",
            "s=-",
            "c=IN IP4 0.0.0.0",
            "t=0 0",
            "m=audio 4000 RTP/AVP 0 101",
            "a=rtpmap:101 telephone-event/8000");

    /** Session-level c= and direction, overridden at media level. */
    static final String MEDIA_LEVEL_OVERRIDES = crlf(
            "v=0",
            "o=- 1 1 IN IP4 198.51.100.1",
            "s=-",
            "c=IN IP4 198.51.100.1",
            "t=0 0",
            "a=sendonly",
            "m=audio 4002 RTP/AVP 0",
            "c=IN IP4 198.51.100.2/127",
            "a=inactive");

    /** Only a session-level direction. */
    static final String SESSION_LEVEL_SENDONLY = crlf(
            "v=0",
            "o=- 1 1 IN IP4 198.51.100.1",
            "s=-",
            "c=IN IP4 198.51.100.1",
            "t=0 0",
            "a=sendonly",
            "m=audio 4002 RTP/AVP 8");

    /** Audio with video: the video section must be rejected with port 0 in the answer. */
    static final String AUDIO_AND_VIDEO = crlf(
            "v=0",
            "o=- 7 7 IN IP4 192.0.2.9",
            "s=-",
            "c=IN IP4 192.0.2.9",
            "t=0 0",
            "m=video 9078 RTP/AVP 96",
            "a=rtpmap:96 VP8/90000",
            "m=audio 9076 RTP/AVP 0 101",
            "a=rtpmap:101 telephone-event/8000");
}
