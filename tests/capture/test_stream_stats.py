"""Issue 19 "Stream details a support engineer reads first": the per-stream
statistics of the summary, exact values on real captures.

Usage: test_stream_stats.py

- sequence and timing statistics (lost, duplicates, out of order, largest
  gap and when it began, mean/max of the RFC 3550 A.8 jitter) on plain RTP
  captures, and on an edited copy of gst-rtp-plain with two audio packets
  dropped, one duplicated and one delayed by 100 ms (editcap/mergecap), in
  the C plugin and in the Lua fallback alike.
"""
import os
import subprocess
import sys
import unittest

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "lib"))
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "lua"))
import summary  # noqa: E402
import wstest  # noqa: E402
from luasandbox import lua_sandbox  # noqa: E402

STATS = ("packets", "jitter_ms", "jitter_mean_ms", "jitter_max_ms", "max_gap_ms", "max_gap_at",
         "lost", "duplicates", "out_of_order", "loss")


def streams(data):
    return {(st["flow"], st["ssrc"]): st for s in data["sessions"] for st in s["streams"]}


def stats(st):
    return tuple(st[k] for k in STATS)


def edited_capture(ts):
    """gst-rtp-plain with audio frames 205 and 206 (seq 22518, 22519)
    removed, 212 (seq 22522) twice and 221 (seq 22528) 100 ms late."""
    src = ts.capture("gst-rtp-plain")
    out = os.path.join(ts.files, "gst-rtp-plain-edited.pcapng")
    parts = [os.path.join(ts.files, n) for n in ("base.pcapng", "dup.pcapng", "late.pcapng")]
    for cmd in (["editcap", src, parts[0], "205", "206", "221"],
                ["editcap", "-r", src, parts[1], "212"],
                ["editcap", "-r", "-t", "0.1", src, parts[2], "221"],
                ["mergecap", "-w", out] + parts):
        subprocess.run(cmd, check=True, capture_output=True)
    os.chmod(out, 0o644)
    return out


class StreamStats(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.ts = wstest.Tshark(with_plugin=True)

    def test_plain_rtp(self):
        """Exact values on plain RTP (cross-checked against Wireshark's
        `-z rtp,streams`, docs/summary.md)."""
        want = {
            "baresip-sip": {
                (3, "0x038899e7"): (601, 0.89, 0.92, 1.14, 21.7, 3.322, 0, 0, 0, 0.0),
                (3, "0xd8807d56"): (661, 1.06, 0.91, 1.17, 22.2, 4.442, 0, 0, 0, 0.0),
            },
            "gst-rtp-plain": {
                (1, "0xab60b79f"): (551, 2.60, 2.53, 3.53, 25.5, 4.500, 0, 0, 0, 0.0),
                (2, "0x7dc3ad93"): (289, 0.13, 0.26, 0.61, 70.6, 1.864, 0, 0, 0, 0.0),
            },
            "baresip-register": {
                (3, "0x5f4dadab"): (601, 1.72, 2.02, 7.22, 41.8, 3.432, 0, 0, 0, 0.0),
                (3, "0xf943c42d"): (601, 1.75, 2.11, 7.63, 39.1, 4.352, 0, 0, 0, 0.0),
            },
        }
        for cap, w in want.items():
            got = {k: stats(v) for k, v in streams(summary.data(self.ts, cap)).items()}
            self.assertEqual(got, w, cap)

    def test_text_line(self):
        text = summary.text(self.ts, "baresip-sip")
        self.assertIn("                          lost 0, duplicates 0, out of order 0; "
                      "max gap 22.2 ms at 4.442; jitter ms mean 0.91, max 1.17\n", text)

    def test_edited_loss_duplicates_reordering(self):
        """2 dropped, 1 duplicated, 1 late: lost 2 (the duplicate does not
        hide a loss), the gap of the two dropped packets is the largest."""
        cap = edited_capture(self.ts)
        got = streams(summary.data(self.ts, cap))
        self.assertEqual(stats(got[(1, "0xab60b79f")]),
                         (550, 2.60, 2.59, 4.85, 63.9, 2.538, 2, 1, 1, 0.0036))
        self.assertEqual(stats(got[(2, "0x7dc3ad93")]),
                         (289, 0.13, 0.26, 0.61, 70.6, 1.864, 0, 0, 0, 0.0))
        text = summary.text(self.ts, cap)
        self.assertIn("0.4%      2.60\n                          lost 2, duplicates 1, "
                      "out of order 1; max gap 63.9 ms at 2.538;", text)
        # the Lua fallback counts the same
        lua = lua_sandbox(with_plugin=False)
        lcap = edited_capture(lua)
        for args in (["-2", "-q", "-z", "webrtc,summary"], ["-2", "-q", "-z", "webrtc,summary,json"]):
            c = self.ts.out(["-r", cap] + args)
            lo = lua.out(lua.lua_arg + ["-r", lcap] + args)
            self.assertEqual(lo, c, args)

    def test_receiver_reports(self):
        """Issue 19 item 2: the last RTCP reception report block per SSRC
        (plain RTCP; baresip-sdes: SRTCP decrypted with the SDES keys)."""
        want = {
            "baresip-sip": {(3, "0x038899e7"): (1074, 0.0, 0, 7, 0.88),
                            (3, "0xd8807d56"): (1073, 0.0, 0, 6, 0.75)},
            "baresip-register": {(3, "0x5f4dadab"): (1019, 0.0, 0, 11, 1.38),
                                 (3, "0xf943c42d"): (1018, 0.0, 0, 13, 1.62)},
            "gst-rtp-plain": {(1, "0xab60b79f"): (855, 0.0, -1, 125, 2.6),
                              (2, "0x7dc3ad93"): (856, 0.0, -1, 17, 0.19)},
            "baresip-sdes": {(3, "0x01f6150d"): (1077, 0.0, 0, 7, 0.88),
                             (3, "0x07a76017"): (1075, 0.0, 0, 10, 1.25)},
        }
        for cap, w in want.items():
            got = {}
            for k, st in streams(summary.data(self.ts, cap)).items():
                rr = st["receiver_report"]
                if rr:
                    got[k] = (rr["frame"], rr["fraction_lost"], rr["cumulative_lost"],
                              rr["jitter"], rr["jitter_ms"])
            self.assertEqual(got, w, cap)
        self.assertIn("receiver reported: loss 0.0 % (cumulative 0), jitter 0.75 ms (frame 1073)\n",
                      summary.text(self.ts, "baresip-sip"))

    def test_digits(self):
        """Issue 19 item 4: RFC 4733 digits, each event once."""
        want = {"baresip-sip": {(3, "0xd8807d56"): ("1234#", 5)},
                "baresip-sdes": {(3, "0x07a76017"): ("1234#", 5)},
                "gst-dtmf-only": {(1, "0x5eedd7f1"): ("159#", 4)},
                "chromium-turn": {}}
        for cap, w in want.items():
            got = {k: (st["digits"], st["events"]) for k, st in
                   streams(summary.data(self.ts, cap)).items() if st["events"]}
            self.assertEqual(got, w, cap)
        self.assertIn("digits: 1 5 9 #\n", summary.text(self.ts, "gst-dtmf-only"))

    def test_same_ssrc_per_leg(self):
        """Issue 19 item 3: the same SSRC on the client-TURN and TURN-peer
        legs, loss side by side."""
        data = summary.data(self.ts, "chromium-turn")
        st = streams(data)[(1, "0x34cb1a71")]
        self.assertEqual(st["same_ssrc_on"], [
            {"flow": 3, "path": "client-TURN leg", "packets": 554, "lost": 0, "loss": 0.0},
            {"flow": 4, "path": "TURN-peer leg", "packets": 554, "lost": 0, "loss": 0.0}])
        self.assertIn("    SSRC 0x34cb1a71: 0.0 % (0 lost of 554) on flow 1 (client-TURN leg), "
                      "0.0 % (0 lost of 554) on flow 3 (client-TURN leg), 0.0 % (0 lost of 554) "
                      "on flow 4 (TURN-peer leg)\n", summary.text(self.ts, "chromium-turn"))
        self.assertEqual(streams(summary.data(self.ts, "baresip-sip"))[(3, "0x038899e7")]
                         ["same_ssrc_on"], [])


if __name__ == "__main__":
    unittest.main(verbosity=2)
