"""Issue 19, item 4: fewer WebRTC tree items.

One WebRTC item per layer it belongs to: the session postdissector puts its
subtree ("Session N: verdict", the traits in one "Traits: ..." subtree)
under the frame's WebRTC item where the demultiplexer made one, instead of
a second top-level item; so does a cap's expert info. Before, chromium-p2p
had 2 top-level WebRTC items on each of its 2326 frames and 17-19 items
directly under them; chromium-turn 2 or 3 (TURN-relayed media: the TURN
layer and the media inside it) and up to 24.

Asserted with -2 -V: the number of top-level WebRTC items per frame, and of
items directly under them, exactly; and that every field is still there.
"""
import collections
import os
import re
import sys
import unittest

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "lib"))
import wstest  # noqa: E402

EXPECTED = {
    # capture: ({top-level items: frames}, {items directly under them: frames})
    "chromium-p2p": ({1: 2326}, {5: 2308, 6: 18}),
    "chromium-turn": ({1: 2185, 2: 4236},
                      {2: 56, 5: 2111, 6: 18, 7: 4202, 8: 32, 9: 2}),
}


def tree_stats(text):
    top, first = collections.Counter(), collections.Counter()
    cur, inside = None, False
    for line in text.splitlines():
        m = re.match(r"^Frame (\d+):", line)
        if m:
            cur, inside = int(m.group(1)), False
            continue
        if not line.startswith(" "):
            inside = line.startswith("[WebRTC") or line.startswith("WebRTC")
            if inside:
                top[cur] += 1
            continue
        if inside and re.match(r"^    \S", line):
            first[cur] += 1
    return (dict(collections.Counter(top.values())),
            dict(collections.Counter(first[f] for f in top)))


class Tree(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.ts = wstest.Tshark(with_plugin=True)

    def test_items_per_frame(self):
        for name, want in EXPECTED.items():
            with self.subTest(capture=name):
                out = self.ts.out(["-r", self.ts.capture(name), "-2", "-V"])
                self.assertEqual(tree_stats(out), want)

    def test_session_subtree_under_the_frames_item(self):
        out = self.ts.out(["-r", self.ts.capture("chromium-p2p"), "-2", "-V",
                           "-Y", "frame.number == 150"])
        lines = [l for l in out.splitlines() if "WebRTC" in l or "Session" in l
                 or "Traits" in l]
        self.assertEqual(lines[:3], ["[WebRTC, RTP, session 1: webrtc]",
                                     "    [Session 1: webrtc]",
                                     "        [Session: 1]"])
        self.assertIn("        [Traits: ICE, SRTP, DTLS-SRTP, BUNDLE, rtcp-mux, Web signaling]",
                      lines)

    def test_fields_kept(self):
        # Every session field still filters (names unchanged).
        rows = self.ts.fields("chromium-p2p", [
            "webrtc.session", "webrtc.leg", "webrtc.verdict", "webrtc.score",
            "webrtc.trait.ice", "webrtc.trait.turn", "webrtc.media", "webrtc.class"],
            "frame.number == 150", extra=["-2"])
        self.assertEqual(rows, [["1", "1", "webrtc", "95", "1", "0", "video", "6"]])


if __name__ == "__main__":
    unittest.main()
