"""Minimal pcap reading and writing for the benchmark (Python stdlib only).

Reads what `tcpdump -i lo -w` writes on Linux (Ethernet link type, micro- or
nanosecond timestamps; Linux cooked SLL/SLL2 and BSD loopback are accepted too)
and writes classic microsecond Ethernet pcaps that SIPp's play_pcap_audio replays.
"""

import struct

PCAP_MAGIC_US = 0xA1B2C3D4
PCAP_MAGIC_NS = 0xA1B23C4D

LINKTYPE_NULL = 0
LINKTYPE_ETHERNET = 1
LINKTYPE_RAW = 101
LINKTYPE_LINUX_SLL = 113
LINKTYPE_LINUX_SLL2 = 276


class UdpPacket:
    """One IPv4/UDP datagram seen in a capture."""

    __slots__ = ("ts", "src_ip", "src_port", "dst_ip", "dst_port", "payload", "length")

    def __init__(self, ts, src_ip, src_port, dst_ip, dst_port, payload, length):
        self.ts = ts
        self.length = length  # UDP payload length on the wire (payload may be cut by the snap length)
        self.src_ip = src_ip
        self.src_port = src_port
        self.dst_ip = dst_ip
        self.dst_port = dst_port
        self.payload = payload


class RtpHeader:
    """The fixed 12-byte RTP header fields the analyses look at."""

    __slots__ = ("marker", "pt", "seq", "ts", "ssrc", "payload")

    def __init__(self, marker, pt, seq, ts, ssrc, payload):
        self.marker = marker
        self.pt = pt
        self.seq = seq
        self.ts = ts
        self.ssrc = ssrc
        self.payload = payload


def parse_rtp(data):
    """The RTP header of a UDP payload, or None if it is not RTP version 2 (RTCP included)."""
    if len(data) < 12 or (data[0] >> 6) != 2:
        return None
    b0, b1, seq, ts, ssrc = struct.unpack_from("!BBHII", data, 0)
    if 192 <= b1 <= 223:  # RTCP (SR 200, RR 201, SDES 202, ...): RFC 5761 section 4 tells them apart
        return None
    offset = 12 + 4 * (b0 & 0x0F)
    if b0 & 0x10:  # header extension
        if len(data) < offset + 4:
            return None
        ext_words = struct.unpack_from("!H", data, offset + 2)[0]
        offset += 4 + 4 * ext_words
    if offset > len(data):
        return None
    return RtpHeader(bool(b1 & 0x80), b1 & 0x7F, seq, ts, ssrc, data[offset:])


def _ip_string(raw):
    return "%d.%d.%d.%d" % (raw[0], raw[1], raw[2], raw[3])


def read_udp(path):
    """Yield every IPv4/UDP packet of a pcap file, in file order.

    Truncated packets (snap length) still yield, with whatever payload was captured;
    a capture cut short at its end (tcpdump killed) is read up to the last whole record.
    """
    with open(path, "rb") as f:
        header = f.read(24)
        if len(header) < 24:
            return
        magic_le = struct.unpack("<I", header[:4])[0]
        if magic_le in (PCAP_MAGIC_US, PCAP_MAGIC_NS):
            endian = "<"
            magic = magic_le
        else:
            endian = ">"
            magic = struct.unpack(">I", header[:4])[0]
            if magic not in (PCAP_MAGIC_US, PCAP_MAGIC_NS):
                raise ValueError("%s: not a pcap file (pcapng is not supported)" % path)
        divisor = 1e9 if magic == PCAP_MAGIC_NS else 1e6
        linktype = struct.unpack(endian + "I", header[20:24])[0] & 0x0FFFFFFF
        record = struct.Struct(endian + "IIII")
        data = f.read()
    pos = 0
    end = len(data)
    rsize = record.size
    while pos + rsize <= end:
        sec, frac, caplen, _ = record.unpack_from(data, pos)
        pos += rsize
        if pos + caplen > end:
            break
        frame = data[pos:pos + caplen]
        pos += caplen
        ip = _ip_offset(frame, linktype)
        if ip < 0 or len(frame) < ip + 20:
            continue
        vihl = frame[ip]
        if (vihl >> 4) != 4 or frame[ip + 9] != 17:
            continue
        udp = ip + 4 * (vihl & 0x0F)
        if len(frame) < udp + 8:
            continue
        sport, dport, ulen = struct.unpack_from("!HHH", frame, udp)
        payload = frame[udp + 8:udp + max(8, ulen)]
        yield UdpPacket(sec + frac / divisor, _ip_string(frame[ip + 12:ip + 16]), sport,
                        _ip_string(frame[ip + 16:ip + 20]), dport, payload, max(0, ulen - 8))


def _ip_offset(frame, linktype):
    """Where the IP header starts in a frame of this link type, -1 if not IPv4."""
    if linktype == LINKTYPE_ETHERNET:
        if len(frame) < 14:
            return -1
        ethertype = struct.unpack_from("!H", frame, 12)[0]
        offset = 14
        while ethertype == 0x8100 and len(frame) >= offset + 4:  # VLAN tags
            ethertype = struct.unpack_from("!H", frame, offset + 2)[0]
            offset += 4
        return offset if ethertype == 0x0800 else -1
    if linktype == LINKTYPE_LINUX_SLL:
        return 16 if len(frame) >= 16 and struct.unpack_from("!H", frame, 14)[0] == 0x0800 else -1
    if linktype == LINKTYPE_LINUX_SLL2:
        return 20 if len(frame) >= 20 and struct.unpack_from("!H", frame, 0)[0] == 0x0800 else -1
    if linktype == LINKTYPE_NULL:
        return 4
    if linktype == LINKTYPE_RAW:
        return 0
    return -1


def _checksum(data):
    if len(data) % 2:
        data += b"\x00"
    total = sum(struct.unpack("!%dH" % (len(data) // 2), data))
    while total >> 16:
        total = (total & 0xFFFF) + (total >> 16)
    return (~total) & 0xFFFF


def ethernet_udp_frame(src_ip, src_port, dst_ip, dst_port, payload, ip_id=0):
    """An Ethernet/IPv4/UDP frame with correct IP and UDP checksums."""
    src = bytes(int(x) for x in src_ip.split("."))
    dst = bytes(int(x) for x in dst_ip.split("."))
    udp_len = 8 + len(payload)
    pseudo = src + dst + struct.pack("!BBH", 0, 17, udp_len)
    udp_nosum = struct.pack("!HHHH", src_port, dst_port, udp_len, 0) + payload
    udp_sum = _checksum(pseudo + udp_nosum) or 0xFFFF
    udp = struct.pack("!HHHH", src_port, dst_port, udp_len, udp_sum) + payload
    ip_nosum = struct.pack("!BBHHHBBH4s4s", 0x45, 0, 20 + udp_len, ip_id & 0xFFFF, 0, 64, 17, 0, src, dst)
    ip = ip_nosum[:10] + struct.pack("!H", _checksum(ip_nosum)) + ip_nosum[12:]
    eth = b"\x00\x00\x00\x00\x00\x02" + b"\x00\x00\x00\x00\x00\x01" + struct.pack("!H", 0x0800)
    return eth + ip + udp


def write_pcap(path, frames):
    """Write (timestamp_seconds, ethernet_frame) pairs as a microsecond Ethernet pcap."""
    with open(path, "wb") as f:
        f.write(struct.pack("<IHHiIII", PCAP_MAGIC_US, 2, 4, 0, 0, 65535, LINKTYPE_ETHERNET))
        for ts, frame in frames:
            sec = int(ts)
            usec = int(round((ts - sec) * 1e6))
            if usec >= 1000000:
                sec, usec = sec + 1, usec - 1000000
            f.write(struct.pack("<IIII", sec, usec, len(frame), len(frame)))
            f.write(frame)


def rtp_packet(pt, seq, timestamp, ssrc, payload, marker=False):
    """An RTP version 2 packet without CSRCs or extension."""
    return struct.pack("!BBHII", 0x80, (0x80 if marker else 0) | (pt & 0x7F),
                       seq & 0xFFFF, timestamp & 0xFFFFFFFF, ssrc & 0xFFFFFFFF) + payload


def percentile(sorted_values, p):
    """Nearest-rank percentile of an already sorted list (p in 0..100)."""
    if not sorted_values:
        return float("nan")
    k = max(0, min(len(sorted_values) - 1, int(-(-p * len(sorted_values) // 100)) - 1))
    return sorted_values[k]
