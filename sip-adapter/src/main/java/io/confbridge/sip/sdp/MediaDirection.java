package io.confbridge.sip.sdp;

/**
 * The SDP direction attribute of a media stream (RFC 3264 §5.1, §6.1), always seen from the side
 * that wrote it.
 */
public enum MediaDirection {
    SENDRECV("sendrecv"),
    SENDONLY("sendonly"),
    RECVONLY("recvonly"),
    INACTIVE("inactive");

    private final String attribute;

    MediaDirection(String attribute) {
        this.attribute = attribute;
    }

    /** The attribute name, as in {@code a=sendrecv}. */
    public String attribute() {
        return attribute;
    }

    /** The direction an answerer writes for this offered direction (RFC 3264 §6.1). */
    public MediaDirection answer() {
        return switch (this) {
            case SENDRECV -> SENDRECV;
            case SENDONLY -> RECVONLY;
            case RECVONLY -> SENDONLY;
            case INACTIVE -> INACTIVE;
        };
    }

    /** Whether the side that wrote this direction wants to receive media, i.e. whether we should send. */
    public boolean writerReceives() {
        return this == SENDRECV || this == RECVONLY;
    }

    /** The direction named by an {@code a=} attribute, or null when the attribute is no direction. */
    static MediaDirection fromAttribute(String name) {
        for (MediaDirection d : values()) {
            if (d.attribute.equals(name)) {
                return d;
            }
        }
        return null;
    }
}
