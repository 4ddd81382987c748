#!/usr/bin/env python3
"""Admission of a lobby when the organizer starts the meeting, from a tcpdump capture.

    analyze_meeting.py <capture.pcap> --portmin 20000 --portmax 29999 [--dtmf-pt 101]
                       [--expect-callers 50] [--json out.json]

The capture holds both directions of the bridge's RTP ports. The start instant is the
first RFC 4733 packet of event 11 (#) sent TO a bridge port (that port is the organizer's
call). Every other bridge source port is a caller stream; a caller counts as admitted when
its stream has a packet with the marker bit (M=1) at or after the start instant, which the
bridge sets on the first packet of a caller's meeting audio. Reported: how many were
admitted, the time from # to the first and to the last caller's first meeting packet, and
whether admission followed arrival order (the order in which the caller streams began), to
within one packet time.

A stream is a bridge source address and port: cluster nodes (bench/cluster.sh, 127.0.0.2 and
127.0.0.3 with the same port range) may use the same port for different calls. Packets between
two bridge ports (the inter-node legs) are no caller's stream and are left out; with callers on
several nodes, "by_node" gives each node's admitted count and # -> last caller.
"""

import argparse
import json
import os
import struct
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import pcaputil  # noqa: E402

POUND = 11


def analyze(pcap, portmin, portmax, dtmf_pt):
    first_seen = {}      # (bridge address, src port) -> first packet time
    markers = {}         # (bridge address, src port) -> [times of M=1 packets]
    start = None         # (time, organizer's (bridge address, port))
    dtmf_events = []
    for udp in pcaputil.read_udp(pcap):
        rtp = pcaputil.parse_rtp(udp.payload)
        if rtp is None:
            continue
        from_bridge = portmin <= udp.src_port <= portmax
        to_bridge = portmin <= udp.dst_port <= portmax
        if to_bridge and not from_bridge:
            if rtp.pt == dtmf_pt and len(rtp.payload) >= 4:
                code = rtp.payload[0]
                if not dtmf_events or dtmf_events[-1][1] != rtp.ts:
                    dtmf_events.append((udp.ts, rtp.ts, code))
                if code == POUND and start is None:
                    start = (udp.ts, (udp.dst_ip, udp.dst_port))
            continue
        if from_bridge and not to_bridge:
            key = (udp.src_ip, udp.src_port)
            first_seen.setdefault(key, udp.ts)
            if rtp.marker:
                markers.setdefault(key, []).append(udp.ts)
    result = {"dtmf_keys_sent": "".join(_key(e[2]) for e in dtmf_events), "streams": len(first_seen)}
    if start is None:
        result.update({"error": "no RFC 4733 # (event 11, PT %d) sent to a bridge port in the capture" % dtmf_pt,
                       "caller_streams": len(first_seen), "admitted": 0})
        return result
    t0, organizer = start
    callers = sorted((t, p) for p, t in first_seen.items() if p != organizer and t < t0)
    latencies = []
    missing = []
    admitted_order = []
    for arrival, port in callers:
        after = [t for t in markers.get(port, []) if t >= t0]
        if after:
            latencies.append((after[0] - t0) * 1000.0)
            admitted_order.append((after[0], arrival, port))
        else:
            missing.append(port)
    # Admission out of arrival order: a caller whose first meeting packet left more than one
    # packet time (20 ms) before that of someone who arrived earlier. Within one 20 ms tick the
    # order of the packets is only the order of the bridge's send loop, so it is not counted.
    inversions = 0
    latest_earlier = None
    for admit, _, _ in sorted(admitted_order, key=lambda a: a[1]):
        if latest_earlier is not None and admit < latest_earlier - 0.020:
            inversions += 1
        latest_earlier = admit if latest_earlier is None else max(latest_earlier, admit)
    organizer_marks = [t for t in markers.get(organizer, []) if t >= t0]
    by_node = {}
    for admit, _, (ip, _) in admitted_order:
        node = by_node.setdefault(ip, {"admitted": 0, "last_admit_ms": 0.0})
        node["admitted"] += 1
        node["last_admit_ms"] = max(node["last_admit_ms"], (admit - t0) * 1000.0)
    for _, (ip, _) in callers:
        by_node.setdefault(ip, {"admitted": 0, "last_admit_ms": None}).setdefault("callers", 0)
        by_node[ip]["callers"] += 1
    result.update({
        "pound_at": t0,
        "organizer_bridge_port": organizer[1],
        "organizer_bridge_address": organizer[0],
        "by_node": by_node,
        "caller_streams": len(callers),
        "late_streams_ignored": sum(1 for p, t in first_seen.items() if p != organizer and t >= t0),
        "admitted": len(latencies),
        "not_admitted_ports": [port for _, port in missing],
        "first_admit_ms": min(latencies) if latencies else None,
        "median_admit_ms": pcaputil.percentile(sorted(latencies), 50) if latencies else None,
        "last_admit_ms": max(latencies) if latencies else None,
        "admission_order_inversions": inversions,
        "organizer_first_marker_after_start_ms": (organizer_marks[0] - t0) * 1000.0 if organizer_marks else None,
        "callers_with_marker_before_start": sum(1 for _, p in callers if any(t < t0 for t in markers.get(p, []))),
    })
    return result


def _key(code):
    """Digits are shown as 'd': the organizer's PIN stays out of reports and logs."""
    return {10: "*", 11: "#"}.get(code, "d" if code < 10 else "?")


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("pcap")
    parser.add_argument("--portmin", type=int, default=20000)
    parser.add_argument("--portmax", type=int, default=29999)
    parser.add_argument("--dtmf-pt", type=int, default=101)
    parser.add_argument("--expect-callers", type=int)
    parser.add_argument("--json")
    args = parser.parse_args()
    result = analyze(args.pcap, args.portmin, args.portmax, args.dtmf_pt)
    if args.expect_callers is not None:
        result["expected_callers"] = args.expect_callers
    if args.json:
        with open(args.json, "w") as f:
            json.dump(result, f, indent=1)
    if "error" in result:
        print("meeting: %s (streams=%d, keys seen=%r)" % (result["error"], result["streams"], result["dtmf_keys_sent"]))
        return
    fmt = lambda v: "n/a" if v is None else "%.1f" % v  # noqa: E731
    print("meeting: keys=%s admitted %d/%d caller streams; # -> first caller %s ms, median %s ms, last caller %s ms; "
          "order inversions=%d; organizer marker after # %s ms; not admitted ports=%s"
          % (result["dtmf_keys_sent"], result["admitted"], result["caller_streams"], fmt(result["first_admit_ms"]),
             fmt(result["median_admit_ms"]), fmt(result["last_admit_ms"]), result["admission_order_inversions"],
             fmt(result["organizer_first_marker_after_start_ms"]), result["not_admitted_ports"][:10]))


if __name__ == "__main__":
    main()
