#!/usr/bin/env python3
"""Inter-arrival gaps of the bridge->caller RTP streams in a tcpdump capture.

    analyze_gaps.py <capture.pcap> --portmin 20000 --portmax 29999 [--json out.json]
                    [--tcpdump-log tcpdump.err] [--expect-streams N]
                    [--src-ip A[,B]] [--dst-ip A[,B]]

A stream is one bridge source address and port (every call has its own port; cluster nodes on
127.0.0.2 and 127.0.0.3 use the same port range, so the address tells their streams apart).
--src-ip/--dst-ip keep only packets from/to those addresses (bench/cluster.sh: --dst-ip 127.0.0.1
for the bridge->caller streams, the nodes' addresses for the inter-node legs); with several
source addresses the result also has each one's figures under "by_src_ip". For each stream the gaps
between consecutive captured packets are computed; the report gives p50/p99/p99.9/max over
all gaps of all streams, the worst per-stream p99, packet counts, RTP sequence gaps (packets
the bridge never sent, or that were lost before the capture point) and, from tcpdump's
own stderr, how many packets the capture itself dropped (then gaps are over-estimated).
"""

import argparse
import json
import os
import re
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import pcaputil  # noqa: E402


def tcpdump_counts(path):
    """(captured, received by filter, dropped by kernel) from tcpdump's stderr, or Nones."""
    counts = {"captured": None, "received": None, "dropped": None}
    if not path or not os.path.exists(path):
        return counts
    with open(path, errors="replace") as f:
        text = f.read()
    for key, pattern in (("captured", r"(\d+) packets? captured"),
                         ("received", r"(\d+) packets? received by filter"),
                         ("dropped", r"(\d+) packets? dropped by kernel")):
        m = re.search(pattern, text)
        if m:
            counts[key] = int(m.group(1))
    return counts


def analyze(pcap, portmin, portmax, src_ips=None, dst_ips=None):
    """The gap figures over every stream; src_ips/dst_ips (sets of addresses): only packets from/to them."""
    streams = {}  # (src ip, src port) -> [last ts, last seq, packet count, gaps list, seq gaps, payload sizes, dst port, first ts]
    late = {}     # 100 ms slot -> streams whose packet in it came > 40 ms after the one before
    for udp in pcaputil.read_udp(pcap):
        if not (portmin <= udp.src_port <= portmax):
            continue
        if (src_ips and udp.src_ip not in src_ips) or (dst_ips and udp.dst_ip not in dst_ips):
            continue
        rtp = pcaputil.parse_rtp(udp.payload)
        if rtp is None and udp.payload and len(udp.payload) >= 2 and 192 <= udp.payload[1] <= 223:
            continue  # RTCP from the call's odd port: reports every 5 s, not the audio stream
        seq = rtp.seq if rtp is not None else None
        key = (udp.src_ip, udp.src_port)
        s = streams.get(key)
        if s is None:
            streams[key] = [udp.ts, seq, 1, [], 0, {udp.length}, udp.dst_port, udp.ts]
            continue
        gap = (udp.ts - s[0]) * 1000.0
        s[3].append(gap)
        if gap > 40.0:
            slot = int(udp.ts * 10)
            late[slot] = late.get(slot, 0) + 1
        if seq is not None and s[1] is not None:
            missing = ((seq - s[1]) & 0xFFFF) - 1
            if 0 < missing < 1000:
                s[4] += missing
        s[0] = udp.ts
        s[1] = seq
        s[2] += 1
        s[5].add(udp.length)
    result = _figures(streams, late)
    addresses = sorted({ip for ip, _ in streams})
    if len(addresses) > 1:
        result["by_src_ip"] = {ip: _figures({k: v for k, v in streams.items() if k[0] == ip}, None)
                               for ip in addresses}
    return result


def _figures(streams, late):
    """Gap percentiles, packet and sequence counts of some streams; stall slots when late is given."""
    all_gaps = []
    per_stream_p99 = []
    packets = 0
    seq_missing = 0
    sizes = set()
    for s in streams.values():
        packets += s[2]
        seq_missing += s[4]
        sizes |= s[5]
        if s[3]:
            all_gaps.extend(s[3])
            per_stream_p99.append(pcaputil.percentile(sorted(s[3]), 99))
    all_gaps.sort()
    per_stream_p99.sort()
    over = lambda ms: sum(1 for g in all_gaps if g > ms)  # noqa: E731
    figures = {
        "streams": len(streams),
        "packets": packets,
        "gaps": len(all_gaps),
        "gap_p50_ms": pcaputil.percentile(all_gaps, 50),
        "gap_p99_ms": pcaputil.percentile(all_gaps, 99),
        "gap_p999_ms": pcaputil.percentile(all_gaps, 99.9),
        "gap_max_ms": all_gaps[-1] if all_gaps else float("nan"),
        "gaps_over_25ms": over(25),
        "gaps_over_40ms": over(40),
        "gaps_over_100ms": over(100),
        "worst_stream_p99_ms": per_stream_p99[-1] if per_stream_p99 else float("nan"),
        "median_stream_p99_ms": pcaputil.percentile(per_stream_p99, 50),
        "rtp_seq_missing": seq_missing,
        "udp_payload_sizes": sorted(sizes),
    }
    if late is None:
        return figures
    # Stalls: 100 ms slots in which many streams at once saw a > 40 ms gap point at the whole
    # sender pausing (GC, a media tick that overran, the bridge descheduled), few at once at
    # individual streams. The worst slots, relative to the capture start, with their count.
    t_base = min((s[7] for s in streams.values()), default=0.0)
    worst = sorted(late.items(), key=lambda kv: -kv[1])[:5]
    stall_slots = [{"at_s": round(slot / 10.0 - t_base, 1), "streams": count} for slot, count in worst]
    figures.update({"late_slots_over_40ms": len(late), "worst_stall_slots": stall_slots})
    return figures


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("pcap")
    parser.add_argument("--portmin", type=int, default=20000)
    parser.add_argument("--portmax", type=int, default=29999)
    parser.add_argument("--tcpdump-log")
    parser.add_argument("--expect-streams", type=int)
    parser.add_argument("--src-ip", help="only packets from these addresses (comma-separated)")
    parser.add_argument("--dst-ip", help="only packets to these addresses (comma-separated)")
    parser.add_argument("--json")
    args = parser.parse_args()
    addresses = lambda v: set(v.split(",")) if v else None  # noqa: E731
    result = analyze(args.pcap, args.portmin, args.portmax, addresses(args.src_ip), addresses(args.dst_ip))
    result.update({"tcpdump_" + k: v for k, v in tcpdump_counts(args.tcpdump_log).items()})
    if args.expect_streams is not None:
        result["expected_streams"] = args.expect_streams
    if args.json:
        with open(args.json, "w") as f:
            json.dump(result, f, indent=1)
    print("streams=%d packets=%d gaps p50=%.2f p99=%.2f p99.9=%.2f max=%.2f ms; >25ms=%d >100ms=%d; "
          "worst stream p99=%.2f ms; rtp seq missing=%d; payload sizes=%s; tcpdump dropped=%s; "
          "100 ms slots with >40 ms gaps: %d, worst (s into capture: streams) %s"
          % (result["streams"], result["packets"], result["gap_p50_ms"], result["gap_p99_ms"],
             result["gap_p999_ms"], result["gap_max_ms"], result["gaps_over_25ms"],
             result["gaps_over_100ms"], result["worst_stream_p99_ms"], result["rtp_seq_missing"],
             result["udp_payload_sizes"], result["tcpdump_dropped"], result["late_slots_over_40ms"],
             ", ".join("%s: %d" % (w["at_s"], w["streams"]) for w in result["worst_stall_slots"])))
    for ip, f in sorted(result.get("by_src_ip", {}).items()):
        print("  from %s: streams=%d packets=%d gaps p50=%.2f p99=%.2f max=%.2f ms; worst stream p99=%.2f ms; "
              "rtp seq missing=%d" % (ip, f["streams"], f["packets"], f["gap_p50_ms"], f["gap_p99_ms"],
                                      f["gap_max_ms"], f["worst_stream_p99_ms"], f["rtp_seq_missing"]))


if __name__ == "__main__":
    main()
