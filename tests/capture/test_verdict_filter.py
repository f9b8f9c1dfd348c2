"""README: `tshark -2 -Y 'webrtc.verdict == "webrtc"'` selects exactly the
packets of the WebRTC sessions. Asserted on mayday-like (issue 19 item 7):
one client host with a not-webrtc SIP/RTP leg and a WebRTC leg relayed by
TURN at the same time (ground truth mayday-like.json: call-1 not-webrtc,
SIP 6 + RTP 1002 + RTCP 8 frames; call-2 webrtc, the client<->TURN 5-tuple
192.0.2.10:60637 <-> 203.0.113.30:3478, 388 frames).

The frame sets are exact, from the ground truth's 5-tuples read by plain
tshark (without the plugin), both in the packet list and with -T fields.
In one pass the session fields show the model learnt so far (docs/summary.md
"One pass"): fewer frames, counted exactly too.
"""
import os
import sys
import unittest

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "lib"))
import wstest  # noqa: E402


def flow_filter(f):
    (a, pa), (b, pb) = f["a"].rsplit(":", 1), f["b"].rsplit(":", 1)
    return "(!icmp && ip.addr==%s && ip.addr==%s && %s.port==%s && %s.port==%s)" % (
        a, b, f["transport"], pa, f["transport"], pb)


class VerdictFilter(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.ts = wstest.Tshark(with_plugin=True)
        cls.plain = wstest.Tshark(with_plugin=False)
        cls.gt = wstest.ground_truth("mayday-like")

    def listed(self, ts, flt, extra=()):
        out = ts.out(["-r", ts.capture("mayday-like"), "-Y", flt] + list(extra))
        return {int(line.split()[0]) for line in out.splitlines() if line.strip()}

    def want(self, verdict):
        frames = set()
        for call in self.gt["calls"]:
            if call["verdict"] == verdict:
                for f in call["flows"]:
                    frames |= self.listed(self.plain, flow_filter(f))
        return frames

    def test_exact_frames_two_passes(self):
        for verdict, count in (("webrtc", 388), ("not-webrtc", 1016)):
            with self.subTest(verdict=verdict):
                want = self.want(verdict)
                self.assertEqual(len(want), count)
                flt = 'webrtc.verdict == "%s"' % verdict
                self.assertEqual(self.listed(self.ts, flt, ["-2"]), want)
                rows = self.ts.fields("mayday-like", ["frame.number"], flt, extra=["-2"])
                self.assertEqual({int(r[0]) for r in rows}, want)

    def test_one_pass_so_far(self):
        # One pass: the verdicts of the model while reading; a subset.
        for verdict, count in (("webrtc", 128), ("not-webrtc", 282)):
            with self.subTest(verdict=verdict):
                got = self.listed(self.ts, 'webrtc.verdict == "%s"' % verdict)
                self.assertEqual(len(got), count)
                self.assertLessEqual(got, self.want(verdict))


if __name__ == "__main__":
    unittest.main()
