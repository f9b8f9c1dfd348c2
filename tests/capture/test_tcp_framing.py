"""Issue 18 part 3: TURN over TCP framed completely (RFC 8656 §12.5, RFC 6062).

test-captures/tcp-loss/chromium-firefox-turn-tcp-loss (generator
gen/chromium-firefox-turn-tcp-loss): Chromium reaches coturn over TCP
through a router that clamps the connection's MSS to 208 and drops 1 % of
its segments (segments of at most 196 bytes, ChannelData split across segments and several in one, padded to 4
bytes; lost segments captured as their later retransmissions, out of
order). For the C plugin and for the Lua fallback, one pass and -2:

- with the capture's `tshark_options` (tcp.reassemble_out_of_order, which
  Wireshark 4.0 needs to put out-of-order segments back in sequence):
  every RTP packet of the ground truth is dissected as RTP, exactly, per
  flow, SSRC and payload type;
- with Wireshark's default preferences (no out-of-order reassembly), the
  plugin's own framing resynchronises after each gap: per stream at most
  the ground truth's `tcp_reordered` + `tcp_retransmitted` packets are
  missing (messages with bytes from an out-of-order segment cannot be
  reassembled without it) and at most `tcp_retransmitted` extra (copies in
  retransmitted segments). Wireshark's own STUN framing, which the plugin
  relied on before, lost 107 packets there (one misread length swallows
  every message up to an accidental realignment);
- the capture really forces the framing: plain tshark reassembles ChannelData
  across segments and finds segments with several messages.
"""
import collections
import json
import os
import sys
import unittest

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "lib"))
sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "lua"))
import rtpstreams  # noqa: E402
import wstest  # noqa: E402
from luasandbox import lua_sandbox  # noqa: E402

NAME = "chromium-firefox-turn-tcp-loss"
TRUTH = os.path.join(wstest.CAPTURES, "tcp-loss", NAME + ".json")
sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "lib"))
import groundtruth  # noqa: E402


class TcpFraming(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        with open(TRUTH) as f:
            cls.gt = json.load(f)
        cls.cap = os.path.join(wstest.CAPTURES, "tcp-loss", cls.gt["capture"])
        cls.opts = cls.gt["tshark_options"]
        cls.c = wstest.Tshark(with_plugin=True)
        cls.lua = lua_sandbox(with_plugin=False)
        cls.plain = wstest.Tshark(with_plugin=False)
        cls.want = rtpstreams.ground_truth_packets(cls.gt)

    def rtp(self, ts, extra):
        args = ["-r", ts.capture(self.cap), "-Y", "!icmp && rtp", "-T", "fields",
                "-E", "separator=\t", "-E", "occurrence=a", "-E", "aggregator=,"]
        for f in rtpstreams.PACKET_FIELDS:
            args += ["-e", f]
        p = ts.run(args + list(extra) + getattr(ts, "lua_arg", []))
        self.assertEqual(p.stderr, "")
        return rtpstreams.packets_per_stream([l.split("\t") for l in p.stdout.splitlines()])

    def sandboxes(self):
        return (("C", self.c), ("Lua", self.lua))

    def test_every_rtp_packet(self):
        self.assertIn("tcp.reassemble_out_of_order:TRUE", self.gt["tshark_options"])
        for name, ts in self.sandboxes():
            for passes in ([], ["-2"]):
                self.assertEqual(dict(self.rtp(ts, passes + self.opts)), dict(self.want),
                                 (name, passes))

    def test_ground_truth_verifies(self):
        """The generator's check (plain tshark, its options) on this capture."""
        self.plain.capture(self.cap)
        gt = dict(self.gt, capture=os.path.basename(self.cap))
        self.assertEqual(groundtruth.verify(gt, self.plain), [])

    def test_default_prefs_resynchronise(self):
        # per direction (sender -> receiver): what out-of-order and
        # retransmitted segments can cost or add there
        lost_max = collections.Counter()
        extra_max = collections.Counter()
        for call in self.gt["calls"]:
            for st in call["streams"]:
                lost_max[st["flow"]] += st.get("tcp_reordered", 0) + st.get("tcp_retransmitted", 0)
                extra_max[st["flow"]] += st.get("tcp_retransmitted", 0)
        self.assertGreater(sum(lost_max.values()), 0)
        for name, ts in self.sandboxes():
            for passes in ([], ["-2"]):
                got = self.rtp(ts, passes)
                self.assertEqual(set(got), set(self.want), (name, passes))
                lost, extra = collections.Counter(), collections.Counter()
                for k, n in self.want.items():
                    lost[k[0]] += max(0, n - got[k])
                    extra[k[0]] += max(0, got[k] - n)
                for flow in set(lost) | set(extra):
                    self.assertLessEqual(lost[flow], lost_max[flow], (name, passes, flow))
                    self.assertLessEqual(extra[flow], extra_max[flow], (name, passes, flow))

    def test_capture_forces_framing(self):
        fl = [f for c in self.gt["calls"] for f in c["flows"]
              if f["transport"] == "tcp" and "channeldata" in f["contents"]]
        self.assertEqual(len(fl), 1)
        self.assertGreater(fl[0]["tcp_reordered_segments"], 0)
        port = fl[0]["b"].rsplit(":", 1)[1]
        rows = self.plain.fields(self.cap, ["tcp.reassembled.length", "stun.channel"],
                                 "tcp.port == %s && stun.channel" % port,
                                 extra=["-d", "tcp.port==%s,stun" % port] + self.opts)
        split = sum(1 for r in rows if r[0])
        several = sum(1 for r in rows if len(r[1].split(",")) > 1)
        self.assertGreater(split, 100)
        self.assertGreater(several, 10)
        self.assertLessEqual(max(int(x) for x in self.plain.out(
            ["-r", self.plain.capture(self.cap), "-Y", "tcp.port == %s" % port, "-T", "fields",
             "-e", "tcp.len"]).split()), 196)


if __name__ == "__main__":
    unittest.main(verbosity=2)
