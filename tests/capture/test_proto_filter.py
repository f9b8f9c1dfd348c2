"""Issue 19, item 3: `-Y webrtc` matches every frame that carries the WebRTC
tree (before: on baresip-sip 0 frames, while `-Y webrtc.session` showed
278: the session postdissector added its tree only when one of its own
fields was filtered on, not the protocol).

Per capture, one pass and -2: the frames `-Y webrtc` selects are exactly
those whose full tree (`-V`, no filter) has a WebRTC item, and their count
is the one below (the frames with webrtc.session are a subset).
"""
import os
import re
import sys
import unittest

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "lib"))
import wstest  # noqa: E402

# capture -> frames with the WebRTC tree (-2)
EXPECTED = {
    "baresip-sip": 1276,
    "chromium-p2p": 2326,
    "gst-rtp-plain": 852,
    "mayday-like": 1404,
    "negatives": 0,
}
FRAME = re.compile(r"^Frame (\d+):")


class ProtoFilter(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.ts = wstest.Tshark(with_plugin=True)

    def with_tree(self, name, two):
        out = self.ts.out(["-r", self.ts.capture(name), "-V"] + (["-2"] if two else []))
        frames, cur = set(), None
        for line in out.splitlines():
            m = FRAME.match(line)
            if m:
                cur = int(m.group(1))
            elif line.startswith("[WebRTC") or line.startswith("WebRTC"):
                frames.add(cur)
        return frames

    def selected(self, name, flt, two):
        # The packet list (default output, first column the frame number),
        # not -T fields: tshark builds a visible tree for -T fields/-e,
        # where every field counts as referenced, which is not what a
        # filter alone does.
        out = self.ts.out(["-r", self.ts.capture(name), "-Y", flt] + (["-2"] if two else []))
        return {int(line.split()[0]) for line in out.splitlines() if line.strip()}

    def test_filter_matches_tree(self):
        for name, count in EXPECTED.items():
            for two in (False, True):
                with self.subTest(capture=name, two_pass=two):
                    tree = self.with_tree(name, two)
                    got = self.selected(name, "webrtc", two)
                    self.assertEqual(got, tree)
                    self.assertLessEqual(self.selected(name, "webrtc.session", two), got)
                    if two:
                        self.assertEqual(len(got), count)


if __name__ == "__main__":
    unittest.main()
