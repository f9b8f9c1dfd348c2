"""Issue 19, item 1: the RTP/RTCP set-up the plugin gives Wireshark is named
by how the flow was found (its webrtc.flow.reason), not "WebRTC": the RTP
views then read "Stream setup by ICE (frame N)". Set-ups made by Wireshark's
own dissectors (SDP, DTLS-SRTP with the DTLS extension) are left as they are.

Exact counts of (rtp.setup-method, rtcp.setup-method) per capture, -2.
"""
import collections
import os
import sys
import unittest

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "lib"))
import wstest  # noqa: E402

EXPECTED = {
    # ICE on the 5-tuple (its SRTCP, not decrypted, is the plugin's own
    # SRTCP view, which has no set-up item)
    "chromium-p2p": {("ICE", ""): 1845},
    # RTP without any signaling; its RTCP on port + 1
    "gst-rtp-plain": {("RTP heur", ""): 840, ("", "port+1,port+1"): 10,
                      ("", "port+1,port+1,port+1"): 2},
    # media relayed inside TURN, and the ICE path before it
    "chromium-turn": {("ICE", ""): 1685, ("TURN", ""): 3370},
    # SIP/SDP: Wireshark's own set-up is kept
    "baresip-sip": {("SDP", ""): 1262, ("", "SDP"): 2, ("", "SDP,SDP"): 7},
}


class SetupMethod(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.ts = wstest.Tshark(with_plugin=True)

    def methods(self, name, two_pass=True):
        rows = self.ts.fields(name, ["rtp.setup-method", "rtcp.setup-method"],
                              "rtp.setup-method || rtcp.setup-method",
                              extra=["-2"] if two_pass else [])
        return dict(collections.Counter((r[0], r[1]) for r in rows))

    def test_methods(self):
        for name, want in EXPECTED.items():
            with self.subTest(capture=name):
                self.assertEqual(self.methods(name), want)

    def test_one_pass_same_names(self):
        # One pass: the same names (the set-up is made on the first pass).
        self.assertEqual(self.methods("chromium-p2p", False), EXPECTED["chromium-p2p"])

    def test_never_webrtc(self):
        for name in wstest.capture_names():
            with self.subTest(capture=name):
                rows = self.ts.fields(name, ["rtp.setup-method", "rtcp.setup-method"],
                                      'rtp.setup-method == "WebRTC" || '
                                      'rtcp.setup-method == "WebRTC"', extra=["-2"])
                self.assertEqual(rows, [])


if __name__ == "__main__":
    unittest.main()
