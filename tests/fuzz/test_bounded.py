"""Bounded state on worst-case captures written by bench/gen_bounded.py,
scaled down for the suite (the full sizes are documented in
docs/robustness.md): tshark with the plugin finishes, takes nothing it
should not, and keeps its per-flow tables at their caps."""
import json
import os
import subprocess
import sys
import unittest

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "lib"))
import wstest  # noqa: E402

GEN = os.path.join(wstest.REPO, "bench", "gen_bounded.py")
CAPS = "webrtc.cap.streams || webrtc.cap.list || webrtc.cap.flows || webrtc.cap.tls"


class Bounded(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.ts = wstest.Tshark(with_plugin=True)

    def make(self, kind, count):
        path = os.path.join(self.ts.files, "%s-%d.pcap" % (kind, count))
        subprocess.run([sys.executable, GEN, kind, str(count), path], check=True)
        os.chmod(path, 0o644)
        return path

    def summary(self, cap):
        out = self.ts.out(["-r", cap, "-2", "-q", "-z", "webrtc,summary,json"])
        return json.loads(out[out.index("{"):out.rindex("}") + 1])

    def cap_experts(self, cap, extra=("-2",)):
        """(frame, expert message) of every packet with a cap expert info."""
        rows = self.ts.fields(cap, ["frame.number", "_ws.expert.message"], CAPS,
                              extra=list(extra))
        return [(int(r[0]), [m for m in r[1].split(",") if "limit" in m]) for r in rows]

    def test_distinct_tuples_take_nothing(self):
        cap = self.make("tuples", 20000)
        self.assertEqual(self.summary(cap)["sessions"], [])
        self.assertEqual(len(self.ts.fields(cap, ["frame.number"], "webrtc", extra=["-2"])), 0)

    def test_ssrc_churn_is_never_rtp(self):
        # A new SSRC every packet never corroborates (RFC 3550 sources keep
        # their SSRC): nothing is claimed.
        cap = self.make("churn", 5000)
        self.assertEqual(self.summary(cap)["sessions"], [])
        self.assertEqual(len(self.ts.fields(cap, ["frame.number"], "rtp", extra=["-2"])), 0)
        self.assertEqual(self.cap_experts(cap), [])   # nothing kept, no cap reached

    def test_plain_stun_transactions_are_not_calls(self):
        cap = self.make("stun", 5000)
        self.assertEqual(self.summary(cap)["sessions"], [])
        # ...but every message is dissected as STUN, as plain Wireshark does
        # (a few random ports are registered to other protocols, e.g. 24576
        # MINT: Wireshark's port table decides those before any heuristic).
        plain = wstest.Tshark(with_plugin=False)
        want = len(plain.fields(plain.capture(cap), ["frame.number"], "stun", extra=["-2"]))
        self.assertGreater(want, 9900)
        self.assertEqual(len(self.ts.fields(cap, ["frame.number"], "stun", extra=["-2"])), want)

    def test_turn_channels_streams_capped(self):
        cap = self.make("channels", 5000)
        s = self.summary(cap)["sessions"]
        self.assertEqual(len(s), 1)
        self.assertEqual(len(s[0]["flows"]), 1)
        self.assertEqual(len(s[0]["streams"]), 64)          # streams per flow cap
        self.assertEqual(s[0]["flows"][0]["dropped_streams"], 5000 - 64)  # counted, not kept
        self.assertEqual(s[0]["flows"][0]["turn_channels"].__len__(), 8)  # list cap
        # One expert info per cap on the flow, on the packet that hit it:
        # frame 1 is the DTLS record, SSRC i is in frame i+2, so SSRC 64
        # (frame 66) is the first not tracked; channel 0x4000+i likewise,
        # the 9th (frame 10) the first not kept. The same with one pass and
        # with two.
        want = [(10, ["Per-flow list limit reached: TURN channels beyond 8 are not kept"]),
                (66, ["Streams per flow limit reached: further SSRCs are not tracked"])]
        self.assertEqual(self.cap_experts(cap), want)
        self.assertEqual(self.cap_experts(cap, extra=()), want)

    def test_test_captures_reach_no_cap(self):
        for name in wstest.capture_names():
            with self.subTest(capture=name):
                self.assertEqual(self.cap_experts(self.ts.capture(name)), [])


if __name__ == "__main__":
    unittest.main(verbosity=2)
