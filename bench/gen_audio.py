#!/usr/bin/env python3
"""Write a G.711 mu-law WAV file for SIPp's rtp_stream action (callers' outgoing audio).

    gen_audio.py <out.wav> [--seconds 10] [--hz 440] [--noise-dbfs -60]

SIPp's rtp_stream skips the RIFF/WAVE header and sends the raw bytes 160 at a time
(20 ms of PCMU, payload type 0), looping. A quiet 440 Hz tone with a short pause every
second gives the bridge something that is neither silence nor a constant. With --noise-dbfs,
the file is low white noise at that RMS level instead: a caller who is not talking, as a
phone with its microphone open in a quiet room sends.
"""

import argparse
import math
import random
import struct


def linear_to_ulaw(sample):
    """ITU-T G.711 mu-law encoding of one 16-bit linear sample."""
    bias, clip = 0x84, 32635
    sign = 0x80 if sample < 0 else 0
    if sample < 0:
        sample = -sample
    sample = min(sample, clip) + bias
    exponent = 7
    mask = 0x4000
    while exponent > 0 and not (sample & mask):
        exponent -= 1
        mask >>= 1
    mantissa = (sample >> (exponent + 3)) & 0x0F
    return (~(sign | (exponent << 4) | mantissa)) & 0xFF


def ulaw_tone(seconds, hz, amplitude=6000, rate=8000):
    out = bytearray()
    for n in range(int(seconds * rate)):
        in_pause = (n % rate) >= int(0.8 * rate)  # 800 ms tone, 200 ms pause, like speech bursts
        value = 0 if in_pause else int(amplitude * math.sin(2 * math.pi * hz * n / rate))
        out.append(linear_to_ulaw(value))
    return bytes(out)


def ulaw_noise(seconds, dbfs, rate=8000, seed=1):
    """White noise of RMS `dbfs` relative to full scale (32768), mu-law encoded."""
    rng = random.Random(seed)
    sigma = 32768 * 10 ** (dbfs / 20)
    return bytes(linear_to_ulaw(int(round(rng.gauss(0, sigma)))) for _ in range(int(seconds * rate)))


def ulaw_wav(data, rate=8000):
    """A WAVE_FORMAT_MULAW (7) file around raw mu-law bytes."""
    fmt = struct.pack("<HHIIHHH", 7, 1, rate, rate, 1, 8, 0)
    body = b"WAVE" + b"fmt " + struct.pack("<I", len(fmt)) + fmt + b"data" + struct.pack("<I", len(data)) + data
    return b"RIFF" + struct.pack("<I", len(body)) + body


def main():
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("out")
    parser.add_argument("--seconds", type=float, default=10.0)
    parser.add_argument("--hz", type=float, default=440.0)
    parser.add_argument("--noise-dbfs", type=float, help="low noise at this RMS level instead of the tone")
    args = parser.parse_args()
    data = ulaw_tone(args.seconds, args.hz) if args.noise_dbfs is None else ulaw_noise(args.seconds, args.noise_dbfs)
    with open(args.out, "wb") as f:
        f.write(ulaw_wav(data))


if __name__ == "__main__":
    main()
