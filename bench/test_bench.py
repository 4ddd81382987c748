#!/usr/bin/env python3
"""Self-checks of the benchmark's pcap writer and analyses, on synthetic captures.

    python3 bench/test_bench.py
"""

import os
import struct
import sys
import tempfile
import unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import analyze_gaps  # noqa: E402
import analyze_meeting  # noqa: E402
import gen_audio  # noqa: E402
import gen_dtmf_pcap  # noqa: E402
import pcaputil  # noqa: E402


def bridge_packet(t, src_port, dst_port, seq, marker=False, src_ip="127.0.0.1", dst_ip="127.0.0.1"):
    payload = pcaputil.rtp_packet(0, seq, seq * 160, 0x1000 + src_port, b"\xff" * 160, marker)
    return (t, pcaputil.ethernet_udp_frame(src_ip, src_port, dst_ip, dst_port, payload))


class DtmfPcapTest(unittest.TestCase):
    def test_each_key_is_a_distinct_event_with_incrementing_sequence_numbers(self):
        with tempfile.TemporaryDirectory() as d:
            path = os.path.join(d, "keys.pcap")
            pcaputil.write_pcap(path, gen_dtmf_pcap.dtmf_frames("*1123#"))
            keys, packets = gen_dtmf_pcap.events_in(path, 101)
            self.assertEqual("*1123#", keys)
            seqs = [p[1] for p in packets]
            self.assertEqual(list(range(seqs[0], seqs[0] + 36)), seqs)
            self.assertEqual(6, sum(1 for p in packets if p[3]), "one marker per event")
            self.assertEqual(6, len({p[2] for p in packets}), "one timestamp per event")
            self.assertEqual(18, sum(1 for p in packets if p[5]), "three end packets per event")

    def test_a_later_file_continues_the_numbering_of_an_earlier_one(self):
        first = gen_dtmf_pcap.dtmf_frames("*", start_seq=1000, start_ts=16000)
        later = gen_dtmf_pcap.dtmf_frames("1#", start_seq=1006, start_ts=28000)
        with tempfile.TemporaryDirectory() as d:
            path = os.path.join(d, "both.pcap")
            pcaputil.write_pcap(path, first + [(1.5 + t, f) for t, f in later])
            keys, packets = gen_dtmf_pcap.events_in(path, 101)
        self.assertEqual("*1#", keys)
        self.assertEqual(list(range(1000, 1018)), [p[1] for p in packets])

    def test_written_checksums_are_valid(self):
        frame = pcaputil.ethernet_udp_frame("127.0.0.1", 6000, "127.0.0.1", 20000, b"abc")
        ip = frame[14:34]
        self.assertEqual(0, pcaputil._checksum(ip))


class AudioTest(unittest.TestCase):
    def test_ulaw_encoding_of_known_values(self):
        self.assertEqual(0xFF, gen_audio.linear_to_ulaw(0))
        self.assertEqual(0x80, gen_audio.linear_to_ulaw(32767))
        self.assertEqual(0x00, gen_audio.linear_to_ulaw(-32768))

    def test_wav_header_declares_mulaw(self):
        wav = gen_audio.ulaw_wav(b"\xff" * 160)
        self.assertEqual(b"RIFF", wav[:4])
        self.assertEqual(7, struct.unpack_from("<H", wav, 20)[0])
        self.assertEqual(160, len(wav) - wav.index(b"data") - 8)


class GapsTest(unittest.TestCase):
    def test_gaps_percentiles_and_missing_sequence_numbers(self):
        frames = []
        for port in (20000, 20002):
            for i in range(100):
                t = i * 0.020 + (0.040 if i >= 50 and port == 20002 else 0.0)
                if port == 20002 and i == 70:
                    continue  # one packet the bridge never sent
                frames.append(bridge_packet(t, port, 10000, i))
        frames.append(bridge_packet(0.5, 5060, 10000, 1))  # not a bridge port
        frames.sort(key=lambda f: f[0])
        with tempfile.TemporaryDirectory() as d:
            path = os.path.join(d, "gaps.pcap")
            pcaputil.write_pcap(path, frames)
            r = analyze_gaps.analyze(path, 20000, 29999)
        self.assertEqual(2, r["streams"])
        self.assertEqual(199, r["packets"])
        self.assertAlmostEqual(20.0, r["gap_p50_ms"], places=1)
        self.assertAlmostEqual(60.0, r["gap_max_ms"], places=1)
        self.assertEqual(2, r["gaps_over_25ms"])
        self.assertEqual(1, r["rtp_seq_missing"])

    def test_rtcp_reports_on_the_odd_port_are_not_an_rtp_stream(self):
        sr = struct.pack("!BBHI", 0x80, 200, 6, 0x1234) + bytes(20)  # SR: V=2, PT=200, length 6
        self.assertIsNone(pcaputil.parse_rtp(sr))
        rr = struct.pack("!BBHI", 0x81, 201, 7, 0x1234) + bytes(24)
        self.assertIsNone(pcaputil.parse_rtp(rr))
        rtp = struct.pack("!BBHII", 0x80, 0, 1, 160, 0x1234) + bytes(160)
        self.assertEqual(0, pcaputil.parse_rtp(rtp).pt)

    def test_tcpdump_stderr_counts(self):
        with tempfile.TemporaryDirectory() as d:
            path = os.path.join(d, "err")
            with open(path, "w") as f:
                f.write("1234 packets captured\n1300 packets received by filter\n66 packets dropped by kernel\n")
            self.assertEqual({"captured": 1234, "received": 1300, "dropped": 66}, analyze_gaps.tcpdump_counts(path))


class ClusterGapsTest(unittest.TestCase):
    """bench/cluster.sh: two nodes with the same ports on 127.0.0.2 and .3, and the legs between them."""

    def capture(self, d):
        frames = []
        for i in range(50):
            t = i * 0.020
            frames.append(bridge_packet(t, 20000, 10000, i, src_ip="127.0.0.2"))
            # node 3's stream on the same port, late every tenth packet
            frames.append(bridge_packet(t + (0.030 if i % 10 == 9 else 0.0), 20000, 12000, i, src_ip="127.0.0.3"))
            # the inter-node leg 2 -> 3
            frames.append(bridge_packet(t, 20100, 20200, i, src_ip="127.0.0.2", dst_ip="127.0.0.3"))
        frames.sort(key=lambda f: f[0])
        path = os.path.join(d, "cluster.pcap")
        pcaputil.write_pcap(path, frames)
        return path

    def test_the_same_port_on_two_nodes_is_two_streams_and_the_legs_are_filtered_out(self):
        with tempfile.TemporaryDirectory() as d:
            path = self.capture(d)
            callers = analyze_gaps.analyze(path, 20000, 29999, dst_ips={"127.0.0.1"})
            legs = analyze_gaps.analyze(path, 20000, 29999, dst_ips={"127.0.0.2", "127.0.0.3"})
        self.assertEqual(2, callers["streams"])
        self.assertEqual(100, callers["packets"])
        self.assertEqual(["127.0.0.2", "127.0.0.3"], sorted(callers["by_src_ip"]))
        self.assertAlmostEqual(20.0, callers["by_src_ip"]["127.0.0.2"]["gap_max_ms"], places=1)
        self.assertAlmostEqual(50.0, callers["by_src_ip"]["127.0.0.3"]["gap_max_ms"], places=1)
        self.assertEqual(1, legs["streams"])
        self.assertEqual(50, legs["packets"])
        self.assertNotIn("by_src_ip", legs)


class MeetingTest(unittest.TestCase):
    def test_admission_latency_counts_markers_after_the_pound_key(self):
        frames = []
        for port in (20002, 20004, 20006, 20008):
            arrival = (port - 20000) * 0.1
            for i in range(int((7.0 - arrival) / 0.02)):
                t = arrival + i * 0.02
                marker = i == 0 or (port != 20008 and abs(t - (5.3 + (port - 20000) * 0.01)) < 0.01)
                frames.append(bridge_packet(t, port, 10000, i, marker))
        for t, frame in gen_dtmf_pcap.dtmf_frames("*12#", dst=("127.0.0.1", 20000)):
            frames.append((4.5 + t, frame))
        frames.sort(key=lambda f: f[0])
        with tempfile.TemporaryDirectory() as d:
            path = os.path.join(d, "meeting.pcap")
            pcaputil.write_pcap(path, frames)
            r = analyze_meeting.analyze(path, 20000, 29999, 101)
        start = 4.5 + 3 * (6 * 0.020 + 0.100)  # three events of 6 packets and a gap before #
        self.assertEqual("*dd#", r["dtmf_keys_sent"])
        self.assertEqual(20000, r["organizer_bridge_port"])
        self.assertEqual(4, r["caller_streams"])
        self.assertEqual(3, r["admitted"])
        self.assertEqual([20008], r["not_admitted_ports"])
        self.assertAlmostEqual((5.36 - start) * 1000, r["last_admit_ms"], delta=10.0)
        self.assertEqual(0, r["admission_order_inversions"])

    def test_across_nodes_the_organizer_port_on_one_node_does_not_hide_a_caller_on_the_other(self):
        frames = []
        for port in (20000, 20002):  # callers in node 2's lobby; node 3 gives the organizer port 20000 too
            for i in range(int(7.0 / 0.02)):
                t = 1.0 + port * 0.0001 + i * 0.02
                marker = i == 0 or abs(t - (5.4 + (port - 20000) * 0.01)) < 0.01
                frames.append(bridge_packet(t, port, 10000, i, marker, src_ip="127.0.0.2"))
        for i in range(int(6.0 / 0.02)):  # the organizer's stream from node 3, and the leg 3 -> 2 once started
            frames.append(bridge_packet(2.0 + i * 0.02, 20000, 11000, i, i == 0, src_ip="127.0.0.3"))
            frames.append(bridge_packet(5.3 + i * 0.02, 20010, 20020, i, True, src_ip="127.0.0.3", dst_ip="127.0.0.2"))
        for t, frame in gen_dtmf_pcap.dtmf_frames("*1#", dst=("127.0.0.3", 20000)):
            frames.append((4.5 + t, frame))
        frames.sort(key=lambda f: f[0])
        with tempfile.TemporaryDirectory() as d:
            path = os.path.join(d, "meeting.pcap")
            pcaputil.write_pcap(path, frames)
            r = analyze_meeting.analyze(path, 20000, 29999, 101)
        self.assertEqual("127.0.0.3", r["organizer_bridge_address"])
        self.assertEqual(2, r["caller_streams"])
        self.assertEqual(2, r["admitted"])
        self.assertEqual({"127.0.0.2"}, set(r["by_node"]))
        self.assertEqual(2, r["by_node"]["127.0.0.2"]["admitted"])
        self.assertEqual(0, r["late_streams_ignored"])


if __name__ == "__main__":
    unittest.main()
