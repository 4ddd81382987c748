#!/usr/bin/env python3
"""The legitimate side of bench/flood.sh: while SIPp floods the bridge with INVITEs from 127.0.0.1,
this dials in from another loopback address (127.0.0.2) several times and probes OPTIONS every 100 ms
from a third (127.0.0.3).

Per legitimate call: the INVITE->200 setup time, then the RTP the bridge sends in the lobby window
(after the "press star" prompt: hold music), judged as hold music when most packets carry non-silent
G.711. OPTIONS: how many of the probes were answered (200) within a second. Prints one JSON object.

  flood_probe.py --port 16060 --conference 1234567 --calls 10 --seconds 14
"""
import argparse
import json
import os
import random
import socket
import threading
import time


def sip_invite(host, port, local, lport, rtp_port, user, call_id, tag, branch):
    sdp = ("v=0\r\no=legit 1 1 IN IP4 {l}\r\ns=-\r\nc=IN IP4 {l}\r\nt=0 0\r\n"
           "m=audio {r} RTP/AVP 0 101\r\na=rtpmap:0 PCMU/8000\r\na=rtpmap:101 telephone-event/8000\r\n"
           "a=fmtp:101 0-16\r\na=ptime:20\r\na=sendrecv\r\n").format(l=local, r=rtp_port)
    return ("INVITE sip:{u}@{h}:{p} SIP/2.0\r\n"
            "Via: SIP/2.0/UDP {l}:{lp};branch={b};rport\r\n"
            "From: \"legit\" <sip:legit@{l}>;tag={t}\r\nTo: <sip:{u}@{h}:{p}>\r\n"
            "Call-ID: {c}\r\nCSeq: 1 INVITE\r\nContact: <sip:legit@{l}:{lp}>\r\nMax-Forwards: 70\r\n"
            "Content-Type: application/sdp\r\nContent-Length: {n}\r\n\r\n{s}").format(
        u=user, h=host, p=port, l=local, lp=lport, b=branch, t=tag, c=call_id, n=len(sdp), s=sdp)


def in_dialog(method, host, port, local, lport, user, call_id, tag, to_tag, cseq):
    return ("{m} sip:{u}@{h}:{p} SIP/2.0\r\nVia: SIP/2.0/UDP {l}:{lp};branch=z9hG4bK{r};rport\r\n"
            "From: \"legit\" <sip:legit@{l}>;tag={t}\r\nTo: <sip:{u}@{h}:{p}>;tag={tt}\r\n"
            "Call-ID: {c}\r\nCSeq: {n} {m2}\r\nMax-Forwards: 70\r\nContent-Length: 0\r\n\r\n").format(
        m=method, u=user, h=host, p=port, l=local, lp=lport, r=random.getrandbits(48), t=tag, tt=to_tag,
        c=call_id, n=cseq, m2=method)


def status_and_header(data, name):
    text = data.decode("utf-8", "replace")
    first = text.split("\r\n", 1)[0]
    status = int(first.split(" ")[1]) if first.startswith("SIP/2.0 ") else 0
    value = None
    for line in text.split("\r\n"):
        if line.lower().startswith(name.lower() + ":"):
            value = line.split(":", 1)[1].strip()
            break
    return status, text, value


def legit_call(args, index):
    local = args.legit_address
    sip = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    sip.bind((local, 0))
    rtp = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    rtp.bind((local, 0))
    lport, rtp_port = sip.getsockname()[1], rtp.getsockname()[1]
    call_id = "legit-%d-%d@%s" % (os.getpid(), index, local)
    tag = "t%d" % random.getrandbits(32)
    branch = "z9hG4bK%d" % random.getrandbits(48)
    invite = sip_invite("127.0.0.1", args.port, local, lport, rtp_port, args.conference, call_id, tag, branch)
    sip.settimeout(0.1)
    start = time.monotonic()
    sent_at = start
    sip.sendto(invite.encode(), ("127.0.0.1", args.port))
    result = {"call": index, "status": 0, "setup_ms": None}
    to_tag = None
    while time.monotonic() - start < 8:
        if time.monotonic() - sent_at > 0.5 and result["status"] < 100:
            sip.sendto(invite.encode(), ("127.0.0.1", args.port))  # Timer A, roughly
            sent_at = time.monotonic()
        try:
            data, _ = sip.recvfrom(65535)
        except socket.timeout:
            continue
        status, text, to = status_and_header(data, "To")
        if status == 0 or "CSeq: 1 INVITE" not in text:
            continue
        result["status"] = max(result["status"], status) if status < 200 else status
        if status >= 200:
            result["setup_ms"] = round((time.monotonic() - start) * 1000, 1)
            to_tag = to.split("tag=", 1)[1].split(";")[0] if to and "tag=" in to else ""
            break
    if result["status"] != 200:
        sip.close(); rtp.close()
        return result
    ack = ("ACK sip:{u}@127.0.0.1:{p} SIP/2.0\r\nVia: SIP/2.0/UDP {l}:{lp};branch=z9hG4bK{r};rport\r\n"
           "From: \"legit\" <sip:legit@{l}>;tag={t}\r\nTo: <sip:{u}@127.0.0.1:{p}>;tag={tt}\r\n"
           "Call-ID: {c}\r\nCSeq: 1 ACK\r\nMax-Forwards: 70\r\nContent-Length: 0\r\n\r\n").format(
        u=args.conference, p=args.port, l=local, lp=lport, r=random.getrandbits(48), t=tag, tt=to_tag, c=call_id)
    sip.sendto(ack.encode(), ("127.0.0.1", args.port))
    # Lobby: after organizerStarWaitMs of "press star" the hold music plays; listen in that window.
    rtp.settimeout(0.1)
    packets, loud = 0, 0
    t0 = time.monotonic()
    while time.monotonic() - t0 < args.listen_from_s + args.listen_s:
        try:
            data, _ = rtp.recvfrom(2048)
        except socket.timeout:
            continue
        if time.monotonic() - t0 < args.listen_from_s or len(data) < 12 + 160 or data[1] & 0x7f != 0:
            continue
        packets += 1
        payload = data[12:]
        # PCMU silence is 0xFF/0x7F; music has many other codes.
        if sum(1 for b in payload if b not in (0xFF, 0x7F, 0xFE, 0x7E)) > len(payload) // 4:
            loud += 1
    result["lobby_packets"] = packets
    result["hold_music"] = packets >= int(args.listen_s * 40) and loud >= packets // 2
    sip.sendto(in_dialog("BYE", "127.0.0.1", args.port, local, lport, args.conference, call_id, tag, to_tag, 2).encode(),
               ("127.0.0.1", args.port))
    sip.close(); rtp.close()
    return result


def options_prober(args, stop, outcome):
    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    s.bind((args.probe_address, 0))
    s.settimeout(0.01)
    lport = s.getsockname()[1]
    pending = {}
    sent = answered = 0
    worst = 0.0
    next_at = time.monotonic()
    while not stop.is_set() or pending:
        now = time.monotonic()
        if not stop.is_set() and now >= next_at:
            branch = "z9hG4bKp%d" % random.getrandbits(48)
            msg = ("OPTIONS sip:ping@127.0.0.1:{p} SIP/2.0\r\nVia: SIP/2.0/UDP {l}:{lp};branch={b};rport\r\n"
                   "From: <sip:probe@{l}>;tag=p{n}\r\nTo: <sip:ping@127.0.0.1>\r\nCall-ID: probe-{n}-{pid}\r\n"
                   "CSeq: 1 OPTIONS\r\nMax-Forwards: 70\r\nContent-Length: 0\r\n\r\n").format(
                p=args.port, l=args.probe_address, lp=lport, b=branch, n=sent, pid=os.getpid())
            s.sendto(msg.encode(), ("127.0.0.1", args.port))
            pending[branch] = now
            sent += 1
            next_at += 0.1
        try:
            data, _ = s.recvfrom(65535)
            status, text, via = status_and_header(data, "Via")
            for b in list(pending):
                if b in text and status == 200:
                    worst = max(worst, time.monotonic() - pending.pop(b))
                    answered += 1
        except socket.timeout:
            pass
        for b, at in list(pending.items()):
            if time.monotonic() - at > 1.0:
                pending.pop(b)
        if stop.is_set() and not pending:
            break
    outcome.update({"options_sent": sent, "options_answered": answered,
                    "options_worst_ms": round(worst * 1000, 1)})


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--port", type=int, required=True)
    p.add_argument("--conference", required=True)
    p.add_argument("--calls", type=int, default=10)
    p.add_argument("--seconds", type=float, default=12, help="how long the OPTIONS probe runs")
    p.add_argument("--legit-address", default="127.0.0.2")
    p.add_argument("--probe-address", default="127.0.0.3")
    p.add_argument("--listen-from-s", type=float, default=3.0)
    p.add_argument("--listen-s", type=float, default=1.0)
    args = p.parse_args()
    stop = threading.Event()
    probe = {}
    prober = threading.Thread(target=options_prober, args=(args, stop, probe))
    prober.start()
    results = []
    threads = []
    t0 = time.monotonic()
    spacing = max(0.2, (args.seconds - 4) / max(1, args.calls))
    for i in range(args.calls):
        t = threading.Thread(target=lambda i=i: results.append(legit_call(args, i)))
        t.start()
        threads.append(t)
        time.sleep(spacing)
    for t in threads:
        t.join()
    while time.monotonic() - t0 < args.seconds:
        time.sleep(0.1)
    stop.set()
    prober.join()
    setups = sorted(r["setup_ms"] for r in results if r["setup_ms"] is not None)
    p99 = setups[min(len(setups) - 1, int(round(0.99 * (len(setups) - 1))))] if setups else None
    print(json.dumps({"legit_calls": len(results), "answered": sum(1 for r in results if r["status"] == 200),
                      "setup_ms_p99": p99, "setup_ms": setups,
                      "hold_music": sum(1 for r in results if r.get("hold_music")),
                      "calls": sorted(results, key=lambda r: r["call"]), **probe}))


if __name__ == "__main__":
    main()
