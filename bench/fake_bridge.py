#!/usr/bin/env python3
"""A stand-in bridge for checking the benchmark harness itself (not the bridge).

    BENCH_BRIDGE_CMD="python3 bench/fake_bridge.py" bench/run.sh all --lobby-steps 20,40 ...

Reads the same BRIDGE_* environment as the real bridge (SIP port, RTP range), prints the
demo line, answers INVITEs with 200 OK + SDP (one RTP port per call), sends 20 ms PCMU
packets to every call from one thread, starts "the meeting" on an RFC 4733 # from any call
and then marks the next packet of every other call with M=1. Small call counts only: it
is Python, and its timing is not what is being measured.
"""

import os
import random
import re
import select
import socket
import struct
import sys
import time

SIP_PORT = int(os.environ.get("BRIDGE_SIP_PORT", "15060"))
RTP_MIN = int(os.environ.get("BRIDGE_RTP_PORTMIN", "20000"))
CONF_ID = "4711001"


class Call:
    def __init__(self, call_id, sock, remote):
        self.call_id = call_id
        self.sock = sock
        self.remote = remote
        self.seq = random.randint(0, 65535)
        self.ts = 0
        self.mark = False
        self.ssrc = random.getrandbits(32)


def main():
    sip = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    sip.bind(("127.0.0.1", SIP_PORT))
    print("First start: demo meeting created; conference ID %s, organizer PIN 11209" % CONF_ID, flush=True)
    calls = {}
    by_sock = {}
    next_port = RTP_MIN
    started = False
    next_tick = time.monotonic()
    while True:
        timeout = max(0.0, next_tick - time.monotonic())
        readable, _, _ = select.select([sip] + list(by_sock), [], [], timeout)
        for s in readable:
            if s.fileno() < 0:  # closed by a BYE handled earlier in this round
                continue
            data, addr = s.recvfrom(4096)
            if s is sip:
                next_port = handle_sip(sip, data, addr, calls, by_sock, next_port)
            elif len(data) >= 16 and (data[1] & 0x7F) == 101 and data[12] == 11 and not started:
                started = True
                for c in calls.values():
                    if c.sock is not s:
                        c.mark = True
        now = time.monotonic()
        if now >= next_tick:
            for c in list(calls.values()):
                header = struct.pack("!BBHII", 0x80, (0x80 if c.mark else 0), c.seq & 0xFFFF, c.ts & 0xFFFFFFFF, c.ssrc)
                c.mark = False
                c.seq += 1
                c.ts += 160
                try:
                    c.sock.sendto(header + b"\xff" * 160, c.remote)
                except OSError:
                    pass
            next_tick += 0.020
            if next_tick < now:
                next_tick = now + 0.020


def handle_sip(sip, data, addr, calls, by_sock, next_port):
    text = data.decode("latin-1")
    first = text.split("\r\n", 1)[0]
    headers = {}
    for line in text.split("\r\n\r\n", 1)[0].split("\r\n")[1:]:
        if ":" in line:
            k, v = line.split(":", 1)
            headers.setdefault(k.strip().lower(), v.strip())
    method = first.split(" ", 1)[0]
    call_id = headers.get("call-id", "")

    def reply(status, body="", extra=""):
        msg = ("SIP/2.0 %s\r\nVia: %s\r\nFrom: %s\r\nTo: %s;tag=fb%d\r\nCall-ID: %s\r\nCSeq: %s\r\n"
               "Contact: <sip:bridge@127.0.0.1:%d>\r\n%sContent-Length: %d\r\n\r\n%s"
               % (status, headers.get("via", ""), headers.get("from", ""), headers.get("to", "").split(";tag")[0],
                  abs(hash(call_id)) % 100000, call_id, headers.get("cseq", ""), SIP_PORT, extra, len(body), body))
        sip.sendto(msg.encode("latin-1"), addr)

    if method == "INVITE":
        if call_id not in calls:
            m = re.search(r"m=audio (\d+)", text)
            c = re.search(r"c=IN IP4 ([0-9.]+)", text)
            s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
            s.bind(("127.0.0.1", next_port))
            next_port += 2
            call = Call(call_id, s, (c.group(1) if c else addr[0], int(m.group(1)) if m else 0))
            calls[call_id] = call
            by_sock[s] = call
        port = calls[call_id].sock.getsockname()[1]
        sdp = ("v=0\r\no=fake 1 1 IN IP4 127.0.0.1\r\ns=-\r\nc=IN IP4 127.0.0.1\r\nt=0 0\r\n"
               "m=audio %d RTP/AVP 0 101\r\na=rtpmap:0 PCMU/8000\r\na=rtpmap:101 telephone-event/8000\r\n" % port)
        reply("100 Trying")
        reply("200 OK", sdp, "Content-Type: application/sdp\r\n")
    elif method == "BYE":
        call = calls.pop(call_id, None)
        if call:
            by_sock.pop(call.sock, None)
            call.sock.close()
        reply("200 OK")
    elif method not in ("ACK", "SIP/2.0"):
        reply("200 OK")
    return next_port


if __name__ == "__main__":
    try:
        main()
    except KeyboardInterrupt:
        sys.exit(0)
