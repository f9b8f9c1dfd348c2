"""A SIP call and a concurrent WebRTC call between the same two hosts are two
sessions, related (shared host, overlapping time) but not merged.

The capture is made here from two real ones taken between the same
documentation addresses (192.0.2.1 <-> 192.0.2.2): baresip-sip and
aiortc-nobundle, the latter shifted in time (editcap -t) to start 1 s after
the former, then merged (mergecap).
"""
import os
import subprocess
import sys
import unittest

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "lib"))
import summary  # noqa: E402
import wstest  # noqa: E402


def first_epoch(ts, cap):
    return float(ts.fields(cap, ["frame.time_epoch"], extra=["-c", "1"])[0][0])


class Related(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.ts = wstest.Tshark(with_plugin=True)
        sip, web = cls.ts.capture("baresip-sip"), cls.ts.capture("aiortc-nobundle")
        shift = first_epoch(cls.ts, sip) + 1.0 - first_epoch(cls.ts, web)
        shifted = os.path.join(cls.ts.files, "web-shifted.pcapng")
        merged = os.path.join(cls.ts.files, "sip-and-webrtc.pcapng")
        subprocess.run(["editcap", "-t", "%.6f" % shift, web, shifted], check=True)
        subprocess.run(["mergecap", "-w", merged, sip, shifted], check=True)
        os.chmod(merged, 0o644)
        cls.sessions = summary.data(cls.ts, merged)["sessions"]
        cls.gt_sip = wstest.ground_truth("baresip-sip")["calls"][0]
        cls.gt_web = wstest.ground_truth("aiortc-nobundle")["calls"][0]

    def ssrcs(self, s):
        return {st["ssrc"] for st in s["streams"]}

    def test_two_sessions(self):
        self.assertEqual(len(self.sessions), 2)
        by_ssrc = [self.ssrcs(s) for s in self.sessions]
        self.assertIn({st["ssrc"] for st in self.gt_sip["streams"]}, by_ssrc)
        self.assertIn({st["ssrc"] for st in self.gt_web["streams"]}, by_ssrc)

    def test_related_both_ways(self):
        a, b = self.sessions
        self.assertEqual([r["session"] for r in a["related"]], [b["id"]])
        self.assertEqual([r["session"] for r in b["related"]], [a["id"]])
        self.assertIn("shares host 192.0.2.", a["related"][0]["evidence"])

    def test_not_merged_by_host(self):
        for s in self.sessions:
            contents = set()
            for fl in s["flows"]:
                contents |= set(fl["contents"])
            # one session is the SIP call, the other the WebRTC call
            self.assertNotEqual({"sip", "dtls"} <= contents, True)


if __name__ == "__main__":
    unittest.main(verbosity=2)
