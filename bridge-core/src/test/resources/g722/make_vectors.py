#!/usr/bin/env python3
"""Generates the G.722 reference vectors the Java tests compare against.

Needs libspandsp (Debian: apt-get install libspandsp2); the tests only read the files this writes,
so CI needs neither Python nor spandsp. Run from anywhere; the files land next to this script:

  input.s16le    2 s of 16 kHz 16-bit little-endian PCM (32,000 samples)
  encoded.g722   spandsp's G.722 64 kbit/s encoding of it (16,000 bytes, one per sample pair)
  decoded.s16le  spandsp's decoding of encoded.g722 (32,000 samples)

The input is deterministic (no random module, a fixed LCG), so rerunning gives the same bytes.
"""
import ctypes
import ctypes.util
import math
import os
import struct

RATE = 16000
SECONDS = 2
N = RATE * SECONDS


def clamp16(v):
    return max(-32768, min(32767, int(round(v))))


class Lcg:
    """Numerical Recipes LCG: reproducible everywhere, unlike random's algorithm choice."""

    def __init__(self, seed):
        self.state = seed & 0xFFFFFFFF

    def next(self):
        self.state = (1664525 * self.state + 1013904223) & 0xFFFFFFFF
        return self.state / 2147483648.0 - 1.0  # [-1, 1)


def make_input():
    out = []
    lcg = Lcg(722)
    lp1 = lp2 = 0.0
    for n in range(N):
        t = n / RATE
        if t < 0.4:
            # Linear sweep 50 Hz -> 7.9 kHz: crosses the QMF band edge at 4 kHz.
            f0, f1, dur = 50.0, 7900.0, 0.4
            phase = 2 * math.pi * (f0 * t + (f1 - f0) * t * t / (2 * dur))
            v = 12000 * math.sin(phase)
        elif t < 0.7:
            # Tones: 440 Hz, 1 kHz and 5 kHz (the one a G.711 listener must not hear aliased).
            v = (6000 * math.sin(2 * math.pi * 440 * t) + 5000 * math.sin(2 * math.pi * 1000 * t)
                 + 4000 * math.sin(2 * math.pi * 5000 * t))
        elif t < 1.1:
            # Speech-like: low-passed noise in syllable-rate bursts (4 Hz envelope, gaps between).
            lp1 = 0.85 * lp1 + 0.15 * lcg.next()
            lp2 = 0.6 * lp2 + 0.4 * lp1
            env = max(0.0, math.sin(2 * math.pi * 4 * (t - 0.7))) ** 2
            v = 60000 * env * lp2 + 1500 * env * math.sin(2 * math.pi * 180 * t)
        elif t < 1.4:
            # Full scale and beyond: a clipped 300 Hz sine, then a full-scale square wave.
            if t < 1.25:
                v = 60000 * math.sin(2 * math.pi * 300 * t)
            else:
                v = 32767 if int(t * 2 * 700) % 2 == 0 else -32768
        elif t < 1.6:
            v = 0.0  # digital silence: the predictor's leak
        else:
            # A 5 kHz tone alone at -12 dBFS, then a step back up to mixed noise at the end.
            if t < 1.85:
                v = 8192 * math.sin(2 * math.pi * 5000 * t)
            else:
                v = 20000 * lcg.next()
        out.append(clamp16(v))
    return out


def main():
    here = os.path.dirname(os.path.abspath(__file__))
    name = ctypes.util.find_library("spandsp") or "libspandsp.so.2"
    lib = ctypes.CDLL(name)
    lib.g722_encode_init.restype = ctypes.c_void_p
    lib.g722_encode_init.argtypes = [ctypes.c_void_p, ctypes.c_int, ctypes.c_int]
    lib.g722_encode.restype = ctypes.c_int
    lib.g722_encode.argtypes = [ctypes.c_void_p, ctypes.c_void_p, ctypes.c_void_p, ctypes.c_int]
    lib.g722_decode_init.restype = ctypes.c_void_p
    lib.g722_decode_init.argtypes = [ctypes.c_void_p, ctypes.c_int, ctypes.c_int]
    lib.g722_decode.restype = ctypes.c_int
    lib.g722_decode.argtypes = [ctypes.c_void_p, ctypes.c_void_p, ctypes.c_void_p, ctypes.c_int]

    pcm = make_input()
    amp = (ctypes.c_int16 * N)(*pcm)
    enc = lib.g722_encode_init(None, 64000, 0)
    coded = (ctypes.c_uint8 * (N // 2))()
    nbytes = lib.g722_encode(enc, coded, amp, N)
    assert nbytes == N // 2, nbytes

    dec = lib.g722_decode_init(None, 64000, 0)
    decoded = (ctypes.c_int16 * N)()
    nsamples = lib.g722_decode(dec, decoded, coded, nbytes)
    assert nsamples == N, nsamples

    with open(os.path.join(here, "input.s16le"), "wb") as f:
        f.write(struct.pack("<%dh" % N, *pcm))
    with open(os.path.join(here, "encoded.g722"), "wb") as f:
        f.write(bytes(coded))
    with open(os.path.join(here, "decoded.s16le"), "wb") as f:
        f.write(struct.pack("<%dh" % N, *decoded))
    print("wrote %d samples, %d bytes" % (N, nbytes))


if __name__ == "__main__":
    main()
