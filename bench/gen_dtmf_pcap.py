#!/usr/bin/env python3
"""Write a pcap of RFC 4733 DTMF events that SIPp's play_pcap_audio can replay.

    gen_dtmf_pcap.py <keys> <out.pcap> [--pt 101] [--gap-ms 100] [--start-seq 1000]
                     [--start-ts 16000] [--check]

SIPp's stock dtmf_2833_*.pcap files reuse one sequence number and timestamp for every
packet, so a correct RFC 4733 receiver counts only their first key. Here each key is a
proper event: its own RTP timestamp, incrementing sequence numbers, the marker bit on the
event's first packet, 3 start/continuation packets (durations 160, 320, 480) then the end
packet sent 3 times (E bit, same duration, as RFC 4733 section 2.5.1.4 recommends),
20 ms apart, and `--gap-ms` of silence between keys. Keys: 0-9 * # A-D.

Files played one after the other in the same call must continue each other's numbering:
give the later one --start-seq (the next sequence number after the earlier file: 6 packets
per key) and --start-ts (the earlier start plus 8 per millisecond between the two plays),
or the receiver rightly takes the later file's first key for a duplicate of the earlier one.

--check reads the written file back and prints the events it holds (and exits non-zero if
they are not exactly <keys>).
"""

import argparse
import os
import struct
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import pcaputil  # noqa: E402

EVENT_CODES = {str(d): d for d in range(10)}
EVENT_CODES.update({"*": 10, "#": 11, "A": 12, "B": 13, "C": 14, "D": 15})
KEY_OF_EVENT = {v: k for k, v in EVENT_CODES.items()}

PACKET_MS = 20
SAMPLES_PER_MS = 8
VOLUME = 10  # -10 dBm0


def dtmf_frames(keys, pt=101, gap_ms=100, ssrc=0x5EED0D7F, start_seq=1000, start_ts=16000,
                src=("127.0.0.1", 6000), dst=("127.0.0.1", 20000)):
    """(time, ethernet frame) pairs for the key presses of `keys`."""
    frames = []
    seq = start_seq
    t = 0.0
    rtp_ts = start_ts
    for key in keys:
        code = EVENT_CODES[key.upper()]
        packets = []
        for i in range(3):
            duration = (i + 1) * PACKET_MS * SAMPLES_PER_MS
            packets.append((i == 0, False, duration))
        end_duration = 4 * PACKET_MS * SAMPLES_PER_MS
        for _ in range(3):
            packets.append((False, True, end_duration))
        for marker, end, duration in packets:
            event = struct.pack("!BBH", code, (0x80 if end else 0) | VOLUME, duration)
            payload = pcaputil.rtp_packet(pt, seq, rtp_ts, ssrc, event, marker=marker)
            frames.append((t, pcaputil.ethernet_udp_frame(src[0], src[1], dst[0], dst[1], payload, seq)))
            seq += 1
            t += PACKET_MS / 1000.0
        # the next event starts after the gap, with a timestamp that moved on by the wall time
        t += gap_ms / 1000.0
        rtp_ts += int(round((len(packets) * PACKET_MS + gap_ms) * SAMPLES_PER_MS))
    return frames


def events_in(path, pt=None):
    """The keys of the distinct RFC 4733 events in a pcap, in order, and the packets read."""
    keys = []
    seen = set()
    packets = []
    for udp in pcaputil.read_udp(path):
        rtp = pcaputil.parse_rtp(udp.payload)
        if rtp is None or len(rtp.payload) < 4 or (pt is not None and rtp.pt != pt):
            continue
        code, flags, duration = struct.unpack_from("!BBH", rtp.payload, 0)
        packets.append((udp.ts, rtp.seq, rtp.ts, rtp.marker, code, bool(flags & 0x80), duration))
        if rtp.ts not in seen:  # RFC 4733: one event per timestamp
            seen.add(rtp.ts)
            keys.append(KEY_OF_EVENT.get(code, "?"))
    return "".join(keys), packets


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("keys")
    parser.add_argument("out")
    parser.add_argument("--pt", type=int, default=101)
    parser.add_argument("--gap-ms", type=int, default=100)
    parser.add_argument("--start-seq", type=int, default=1000)
    parser.add_argument("--start-ts", type=int, default=16000)
    parser.add_argument("--check", action="store_true")
    args = parser.parse_args()
    bad = [k for k in args.keys if k.upper() not in EVENT_CODES]
    if bad or not args.keys:
        parser.error("keys must be non-empty and made of 0-9 * # A-D, got %r" % args.keys)
    pcaputil.write_pcap(args.out, dtmf_frames(args.keys, pt=args.pt, gap_ms=args.gap_ms,
                                              start_seq=args.start_seq, start_ts=args.start_ts))
    if args.check:
        keys, packets = events_in(args.out, args.pt)
        seqs = [p[1] for p in packets]
        ok = keys == args.keys.upper() and seqs == list(range(seqs[0], seqs[0] + len(seqs)))
        for p in packets:
            print("t=%.3f seq=%d ts=%d M=%d event=%s end=%d duration=%d"
                  % (p[0], p[1], p[2], p[3], KEY_OF_EVENT.get(p[4], "?"), p[5], p[6]))
        print("events: %s (%s)" % (keys, "ok" if ok else "MISMATCH, wanted %s" % args.keys))
        sys.exit(0 if ok else 1)


if __name__ == "__main__":
    main()
