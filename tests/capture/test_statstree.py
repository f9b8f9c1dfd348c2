"""Statistics > WebRTC Sessions, through tshark (`-2 -z webrtc,tree`; the old
name `-z webrtc_sessions,tree` still works, issue 19 item 6):
the tree has one "Session" node per ground-truth call, and under it one node
per flow whose packet count is the ground truth's (signaling over TLS is not
part of a session). With the session model switched off, it says so."""
import os
import re
import sys
import unittest

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "lib"))
import summary  # noqa: E402
import wstest  # noqa: E402

NODE = re.compile(r"^( *)(\S.*?)\s{2,}(\d+)\s")
FLOW = re.compile(r"^(UDP|TCP) (\S+) <-> (\S+) \(")


def tree(ts, cap, extra=(), name="webrtc,tree", two_pass=True):
    out = ts.out(["-r", ts.capture(cap)] + (["-2"] if two_pass else []) +
                 ["-q", "-z", name] + list(extra))
    nodes = []
    for line in out.splitlines():
        m = NODE.match(line)
        if m and not line.startswith("Topic"):
            nodes.append((len(m.group(1)), m.group(2), int(m.group(3))))
    return nodes


class StatsTree(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.ts = wstest.Tshark(with_plugin=True)

    def test_every_capture(self):
        for name in wstest.capture_names():
            with self.subTest(capture=name):
                gt = wstest.ground_truth(name)
                nodes = tree(self.ts, gt["capture"])
                sessions = [n for n in nodes if n[0] == 1 and n[1].startswith("Session ")]
                self.assertEqual(len(sessions), len(gt["calls"]))
                got = {}
                for depth, label, count in nodes:
                    m = FLOW.match(label)
                    if depth == 3 and m:
                        got[summary.flow_key(m.group(2), m.group(3), m.group(1).lower())] = count
                want = {summary.flow_key(f["a"], f["b"], f["transport"]): f["packets"]
                        for c in gt["calls"] for f in c["flows"] if f["role"] != "signaling"}
                self.assertEqual(got, want)

    def test_point_of_view(self):
        """Streams are "sent"/"received" by the capture host (mayday-like,
        captured on the client), "A to B"/"B to A" where there is none
        (chromium-p2p over loopback), as in the summary."""
        def dirs(cap):
            return sorted({re.match(r"SSRC 0x[0-9a-f]+ (.*?) \(", label).group(1)
                           for _, label, _ in tree(self.ts, cap) if label.startswith("SSRC ")})
        self.assertEqual(dirs("mayday-like"), ["received", "sent"])
        self.assertEqual(dirs("chromium-p2p"), ["A to B", "B to A"])

    def test_datachannel(self):
        """A data channel shows under its flow, per direction: as many
        packets as carry its records (the webrtc.datachannel field)."""
        nodes = tree(self.ts, "chromium-datachannel")
        got = {label: count for _, label, count in nodes if label.startswith("Data channel ")}
        rows = self.ts.fields("chromium-datachannel", ["ip.src"], "webrtc.datachannel",
                              extra=["-2"])
        sent = sum(1 for r in rows if r[0] == "192.0.2.10")
        self.assertEqual(got, {"Data channel sent (DTLS application data)": sent,
                               "Data channel received (DTLS application data)": len(rows) - sent})
        self.assertEqual(len(rows), 105)
        self.assertEqual([n for n in tree(self.ts, "chromium-p2p")
                          if n[1].startswith("Data channel")], [])

    def test_old_name(self):
        # The name before issue 19, kept for a release: the same tree.
        self.assertEqual(tree(self.ts, "chromium-p2p", name="webrtc_sessions,tree"),
                         tree(self.ts, "chromium-p2p"))

    def test_one_pass_is_short(self):
        # One pass: the grouping is not final while the capture is read;
        # before issue 19 chromium-p2p gave 5624 lines, a "Session 1" row
        # per intermediate state. Now the root and one note, counting every
        # packet of the flows.
        nodes = tree(self.ts, "chromium-p2p", two_pass=False)
        self.assertEqual(nodes, [(0, "WebRTC sessions", 2409),
                                 (1, "Grouping needs two passes (tshark -2)", 2409)])

    def test_model_off(self):
        nodes = tree(self.ts, "chromium-p2p", ["-o", "webrtc.session_model:FALSE"])
        self.assertTrue(any(label.startswith("Session model off") for _, label, _ in nodes),
                        nodes)


if __name__ == "__main__":
    unittest.main(verbosity=2)
