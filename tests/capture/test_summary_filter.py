"""`-z webrtc,summary,FILTER` limits the summary to the matching packets, as
other tshark statistics do; `,json` can be combined with a filter. The
flow idle gap is a preference (webrtc.flow_idle_gap)."""
import os
import sys
import unittest

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "lib"))
import summary  # noqa: E402
import wstest  # noqa: E402


class SummaryFilter(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.ts = wstest.Tshark(with_plugin=True)
        cls.gt = wstest.ground_truth("chromium-turn")

    def test_filter_on_relay_leg(self):
        relay = [f for f in self.gt["calls"][0]["flows"] if f["role"] == "turn-relay"][0]
        port = relay["a"].rsplit(":", 1)[1]
        data = summary.data(self.ts, "chromium-turn", "udp.port==%s" % port)
        self.assertEqual(len(data["sessions"]), 1)
        flows = data["sessions"][0]["flows"]
        self.assertEqual(len(flows), 1)
        self.assertEqual(sorted((flows[0]["local"], flows[0]["remote"])),
                         sorted((relay["a"], relay["b"])))
        self.assertEqual(flows[0]["packets"], relay["packets"])

    def test_filter_matching_nothing(self):
        data = summary.data(self.ts, "chromium-turn", "udp.port==1")
        self.assertEqual(data["sessions"], [])

    def test_text_with_filter(self):
        out = summary.text(self.ts, "chromium-turn", "stun")
        self.assertIn("WebRTC sessions: 1", out)

    def test_idle_gap_preference(self):
        # gst-rtp-plain's RTCP flows send every ~2-5 s (RFC 3550 §6.2): with
        # a 1 s gap each report starts a new flow; 60 s (default) keeps one.
        def flows(gap):
            out = self.ts.out(["-r", self.ts.capture("gst-rtp-plain"), "-2", "-q",
                               "-o", "webrtc.flow_idle_gap:%d" % gap, "-z", "webrtc,summary,json"])
            import json
            d = json.loads(out[out.index("{"):out.rindex("}") + 1])
            return sum(len(s["flows"]) for s in d["sessions"])
        self.assertEqual(flows(60), 4)
        self.assertEqual(flows(1), 9)

    def test_bad_filter_is_an_error(self):
        p = self.ts.run(["-r", self.ts.capture("chromium-turn"), "-q", "-z",
                         "webrtc,summary,this is not a filter"], check=False)
        self.assertNotEqual(p.returncode, 0)
        self.assertIn("webrtc,summary", p.stderr)

    def test_bad_filter_shows_the_users_filter(self):
        # Issue 19 item 6: the user's filter and Wireshark's message, not the
        # expression the plugin builds around it (which named ~40 fields).
        p = self.ts.run(["-r", self.ts.capture("chromium-p2p"), "-q", "-z",
                         "webrtc,summary,ip.addr=="], check=False)
        self.assertNotEqual(p.returncode, 0)
        self.assertEqual(p.stderr.splitlines()[0],
                         'tshark: -z webrtc,summary: Filter "ip.addr==" is invalid - '
                         'Unexpected end of filter expression.')
        self.assertNotIn("stun.type", p.stderr)


if __name__ == "__main__":
    unittest.main(verbosity=2)
