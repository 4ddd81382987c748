#!/usr/bin/env python3
"""Summarize one SIPp run from its -trace_stat CSV and (optionally) its -trace_rtt CSV.

    sipp_stats.py --stat run.csv [--rtt run_rtt.csv] [--json out.json]

Prints one line: calls created / successful / failed with SIPp's failure causes,
retransmissions, unexpected messages, the achieved INVITE rate (from the times the 200 OKs
arrived) and the INVITE->200 and BYE->200 response times (p50/p99/max, ms).
"""

import argparse
import json
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import pcaputil  # noqa: E402

FAILURE_COLUMNS = [
    "FailedCannotSendMessage", "FailedMaxUDPRetrans", "FailedUnexpectedMessage", "FailedCallRejected",
    "FailedTimeoutOnRecv", "FailedTimeoutOnSend", "FailedOutboundCongestion", "FailedCmdNotSent",
]


def final_stats(path):
    """The last row of a SIPp statistics CSV as a dict (SIPp writes the final totals last)."""
    with open(path, errors="replace") as f:
        lines = [line.rstrip("\n") for line in f if line.strip()]
    if len(lines) < 2:
        return {}
    header = lines[0].split(";")
    values = lines[-1].split(";")
    return dict(zip(header, values))


def _int(stats, key):
    try:
        return int(stats.get(key, "0") or 0)
    except ValueError:
        return 0


def response_times(path):
    """{rtd name: sorted list of (time of measure ms, response time ms)} from a -trace_rtt file."""
    by_name = {}
    if not path or not os.path.exists(path):
        return by_name
    with open(path, errors="replace") as f:
        next(f, None)
        for line in f:
            parts = line.strip().split(";")
            if len(parts) < 3:
                continue
            try:
                by_name.setdefault(parts[2], []).append((float(parts[0]), float(parts[1])))
            except ValueError:
                continue
    return by_name


def summarize(stat_path, rtt_path=None):
    stats = final_stats(stat_path)
    result = {
        "created": _int(stats, "TotalCallCreated"),
        "successful": _int(stats, "SuccessfulCall(C)"),
        "failed": _int(stats, "FailedCall(C)"),
        "retransmissions": _int(stats, "Retransmissions(C)"),
        "dead_call_msgs": _int(stats, "DeadCallMsgs(C)"),
        "out_of_call_msgs": _int(stats, "OutOfCallMsgs(C)"),
        "failures": {c: _int(stats, c + "(C)") for c in FAILURE_COLUMNS if _int(stats, c + "(C)")},
    }
    for name, samples in response_times(rtt_path).items():
        times = sorted(s[1] for s in samples)
        result["rt_%s_p50_ms" % name] = pcaputil.percentile(times, 50)
        result["rt_%s_p99_ms" % name] = pcaputil.percentile(times, 99)
        result["rt_%s_max_ms" % name] = times[-1]
        result["rt_%s_count" % name] = len(times)
        if name == "setup" and len(samples) > 1:
            at = sorted(s[0] for s in samples)
            span = (at[-1] - at[0]) / 1000.0
            result["achieved_cps"] = (len(at) - 1) / span if span > 0 else None
    return result


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--stat", required=True)
    parser.add_argument("--rtt")
    parser.add_argument("--json")
    args = parser.parse_args()
    result = summarize(args.stat, args.rtt)
    if args.json:
        with open(args.json, "w") as f:
            json.dump(result, f, indent=1)
    rt = lambda n: ("%s p50/p99/max=%s/%s/%s ms" % (n, result.get("rt_%s_p50_ms" % n), result.get("rt_%s_p99_ms" % n),  # noqa: E731
                                                      result.get("rt_%s_max_ms" % n))) if ("rt_%s_count" % n) in result else ""
    cps = result.get("achieved_cps")
    print("calls created=%d successful=%d failed=%d %s retrans=%d dead-call msgs=%d; achieved %s cps; %s; %s"
          % (result["created"], result["successful"], result["failed"], result["failures"] or "",
             result["retransmissions"], result["dead_call_msgs"], "%.1f" % cps if cps else "n/a", rt("setup"), rt("bye")))


if __name__ == "__main__":
    main()
