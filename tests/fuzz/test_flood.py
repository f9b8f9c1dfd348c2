"""Issue 18 part 2: memory under a flow flood.

A capture of 120,000 distinct UDP 5-tuples with one RTP-shaped datagram
each (bench/gen_bounded.py tuples), nothing to claim:
- the plugin's peak RSS is at most 1.10 x plain tshark's (one pass and
  -2): an unclaimed candidate waits in the compact table
  (plugin/webrtc-candidates.c, 64 bytes) instead of a full flow (~0.7 KiB);
  before, the plugin's peak was 1.4 x plain here;
- the table holds WEBRTC_MAX_CANDIDATES (100,000): the expert info
  webrtc.cap.flows ("Candidate flow limit reached") is on exactly the
  frame of the 100,001st candidate (the 100,001st datagram plain tshark
  leaves as data with an RTP-class second byte), one pass and two, and
  nowhere else;
- nothing is taken: no webrtc item, no session.
"""
import json
import os
import subprocess
import sys
import unittest

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "lib"))
import wstest  # noqa: E402

GEN = os.path.join(wstest.REPO, "bench", "gen_bounded.py")
N = 120000
CAP = 100000


class Flood(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.ts = wstest.Tshark(with_plugin=True)
        cls.plain = wstest.Tshark(with_plugin=False)
        cls.cap = os.path.join(cls.ts.files, "tuples-%d.pcap" % N)
        subprocess.run([sys.executable, GEN, "tuples", str(N), cls.cap], check=True)
        os.chmod(cls.cap, 0o644)
        cls.plain_cap = cls.plain.capture(cls.cap)

    @staticmethod
    def peak_kib(ts, cap, extra):
        p = ts.run(["-r", cap, "-q", "-z", "io,phs"] + extra,
                   prefix=["/usr/bin/time", "-f", "MAXRSS %M"])
        return int([l for l in p.stderr.splitlines() if l.startswith("MAXRSS")][-1].split()[1])

    @unittest.skipIf(os.environ.get("WEBRTC_LD_PRELOAD"),
                     "the sanitizers' allocator and shadow memory say nothing of the plugin's")
    def test_peak_rss(self):
        for extra in ([], ["-2"]):
            plain = self.peak_kib(self.plain, self.plain_cap, extra)
            plugin = self.peak_kib(self.ts, self.cap, extra)
            self.assertLessEqual(plugin, 1.10 * plain, (extra, plugin, plain))

    def test_candidate_cap_expert(self):
        # The candidates are the datagrams that reach the heuristics:
        # those plain tshark leaves as bare data (UDP's payload, no protocol:
        # a few dozen random ports are in Wireshark's port table, e.g. Quake's,
        # and go to their protocol first).
        # Of those, the ones whose RTP header is valid (RFC 3550 §5.1: the
        # CSRC list and header extension inside the datagram; a second byte
        # 192-223 is RTCP's, RFC 5761 §4): any other makes a full flow.
        def rtp_ok(b):
            if len(b) < 12 or b[0] >> 6 != 2 or 192 <= b[1] <= 223:
                return False
            off = 12 + 4 * (b[0] & 0x0F)
            if off > len(b):
                return False
            if b[0] & 0x10:
                return off + 4 <= len(b) and off + 4 + 4 * int.from_bytes(
                    b[off + 2:off + 4], "big") <= len(b)
            return True
        # A 5-tuple is held once: its first datagram (the generator's random
        # 5-tuples repeat a few times: a repeat makes the full flow).
        data, seen = [], set()
        for r in self.plain.fields(self.plain_cap, ["frame.number", "udp.payload", "ip.src",
                                                    "udp.srcport", "ip.dst", "udp.dstport",
                                                    "frame.protocols"], "data"):
            key = frozenset([(r[2], r[3]), (r[4], r[5])])
            if key not in seen and r[6].endswith("udp:data") and \
                    rtp_ok(bytes.fromhex(r[1].replace(":", ""))):
                data.append(int(r[0]))
            seen.add(key)
        self.assertGreater(len(data), CAP)
        for extra in ([], ["-2"]):
            rows = self.ts.fields(self.cap, ["frame.number", "_ws.expert.message"],
                                  "webrtc.cap.flows", extra=extra)
            self.assertEqual(len(rows), 1, extra)
            self.assertEqual(int(rows[0][0]), data[CAP], extra)
            self.assertIn("Candidate flow limit reached", rows[0][1])

    def test_nothing_taken(self):
        self.assertEqual(len(self.ts.fields(self.cap, ["frame.number"], "webrtc && !_ws.expert",
                                            extra=["-2"])), 0)
        out = self.ts.out(["-r", self.cap, "-2", "-q", "-z", "webrtc,summary,json"])
        self.assertEqual(json.loads(out[out.index("{"):out.rindex("}") + 1])["sessions"], [])


if __name__ == "__main__":
    unittest.main(verbosity=2)
