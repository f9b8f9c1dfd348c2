"""lua-compat: the pure-Lua fallback against the C plugin, on one capture.

Usage: test_lua_compat.py NAME   (test-captures/NAME.pcapng + NAME.json)

tshark runs as in tests/lib/wstest.py (as `nobody`, from a private plugin
folder), once WITHOUT the C plugin and with `-X lua_script:` of
lua-compat/webrtc.lua, once with the C plugin only, once with both:
- Lua alone: no Lua error on any packet (one and two passes), nothing on
  stderr, and RTP packets per flow, SSRC and payload type exactly the ground
  truth's (as tests/capture/test_heuristics.py asserts for the C plugin);
- Lua alone vs C alone, per frame (two passes): the same RFC 7983 class,
  flow reason, evidence frame, SRTP flag, RTP SSRC/PT, RFC 4733 events,
  STUN and DTLS records, plain RTCP types and expert infos. Exceptions, each
  in docs/lua-compat.md: encrypted SRTCP (Lua cannot hand Wireshark's RTCP
  dissector the SRTCP parameters, so it shows the clear header and the
  ciphertext under webrtc.srtcp.encrypted), and webrtc.turn.channel on the
  packets of a TURN flow before its first ChannelData in the second pass
  (Lua reads other dissectors' fields only from a tree, which tshark's first
  pass does not build);
- both loaded: the script steps aside with exactly one line on stderr and
  tshark's output is byte for byte the C plugin's.
"""
import collections
import os
import shutil
import sys
import unittest

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "lib"))
import wstest  # noqa: E402

NAME = sys.argv.pop(1) if len(sys.argv) > 1 else None
STEP_ASIDE = "webrtc.lua: the webrtc C plugin is loaded; the Lua fallback steps aside\n"
FIELDS = ["frame.number", "webrtc.class", "webrtc.flow.reason", "webrtc.flow.evidence_frame",
          "webrtc.flow.srtp", "webrtc.turn.channel", "rtp.ssrc", "rtp.p_type", "rtp.marker",
          "rtpevent.event_id", "rtpevent.end_of_event", "stun.type",
          "dtls.record.content_type", "rtcp.pt", "webrtc.srtcp.encrypted",
          "_ws.expert.message", "udp.stream", "tcp.stream"]
IX = {f: i for i, f in enumerate(FIELDS)}
SRTCP_EXPERT = "Encrypted RTCP Payload - not dissected"


def lua_sandbox(with_plugin):
    ts = wstest.Tshark(with_plugin=with_plugin)
    ts.lua = os.path.join(ts.files, "lua-compat")
    shutil.copytree(os.path.join(wstest.REPO, "lua-compat"), ts.lua)
    for dirpath, dirnames, filenames in os.walk(ts.lua):
        os.chmod(dirpath, 0o755)
        for f in filenames:
            os.chmod(os.path.join(dirpath, f), 0o644)
    ts.lua_arg = ["-X", "lua_script:" + os.path.join(ts.lua, "webrtc.lua")]
    return ts


class LuaCompat(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.gt = wstest.ground_truth(NAME)
        cls.cap = cls.gt["capture"]
        cls.c = wstest.Tshark(with_plugin=True)
        cls.lua = lua_sandbox(with_plugin=False)
        cls.both = lua_sandbox(with_plugin=True)
        cls.c_rows = cls.c.fields(cls.cap, FIELDS, extra=["-2"])
        cls.lua_rows = cls.lua.fields(cls.cap, FIELDS, extra=["-2"] + cls.lua.lua_arg)

    def lua_run(self, args):
        return self.lua.run(["-r", self.lua.capture(self.cap)] + self.lua.lua_arg + args)

    def test_loaded_without_c_plugin(self):
        def protocols(extra):
            p = self.lua.run(["-G", "protocols"] + extra)
            self.assertEqual(p.stderr, "")
            return {line.split("\t")[2] for line in p.stdout.splitlines()
                    if line.count("\t") >= 2}
        self.assertNotIn("webrtc", protocols([]))  # the sandbox has no C plugin
        self.assertIn("webrtc", protocols(self.lua.lua_arg))

    def test_no_lua_errors(self):
        for passes in (["-2"], []):
            p = self.lua_run(passes + ["-Y", "_ws.lua.error", "-T", "fields",
                                       "-e", "frame.number"])
            self.assertEqual(p.stdout, "", "Lua errors in frames (%s)" % passes)
            self.assertEqual(p.stderr, "")
        # The filter field exists, so an empty answer means no error.
        p = self.lua_run(["-c", "1", "-Y", "!_ws.lua.error", "-T", "fields",
                          "-e", "frame.number"])
        self.assertEqual(p.stdout, "1\n")

    def test_rtp_packets_ground_truth(self):
        rows = self.lua.fields(self.cap, ["ip.src", "ipv6.src", "udp.srcport", "tcp.srcport",
                                          "ip.dst", "ipv6.dst", "udp.dstport", "tcp.dstport",
                                          "rtp.ssrc", "rtp.p_type"],
                               "!icmp && rtp", extra=["-2"] + self.lua.lua_arg)
        got = collections.Counter()
        for r in rows:
            flow = "%s:%s -> %s:%s" % (r[0] or r[1], r[2] or r[3], r[4] or r[5], r[6] or r[7])
            for ssrc, pt in zip(r[8].split(","), r[9].split(",")):
                got[(flow, "0x%08x" % int(ssrc, 16), int(pt))] += 1
        want = collections.Counter()
        for call in self.gt["calls"]:
            for st in call["streams"]:
                want[(st["flow"], st["ssrc"], st["pt"])] += st["packets"]
        self.assertEqual(dict(got), dict(want))

    def test_per_frame_parity(self):
        self.assertEqual(len(self.c_rows), len(self.lua_rows))
        first_channel = {}
        def turn_flow(r):
            return (r[IX["udp.stream"]], r[IX["tcp.stream"]], r[IX["webrtc.turn.channel"]])
        for r in self.lua_rows:
            if r[IX["webrtc.turn.channel"]] and turn_flow(r) not in first_channel:
                first_channel[turn_flow(r)] = int(r[0])
        srtcp_frames = 0
        for c, lua in zip(self.c_rows, self.lua_rows):
            c, lua = list(c), list(lua)
            frame = int(c[0])
            if lua[IX["webrtc.srtcp.encrypted"]]:
                # Exception 1: encrypted SRTCP.
                srtcp_frames += 1
                for f in ("rtcp.pt", "webrtc.srtcp.encrypted"):
                    c[IX[f]] = lua[IX[f]] = ""
                msgs = [m for m in c[IX["_ws.expert.message"]].split(",") if m != SRTCP_EXPERT]
                c[IX["_ws.expert.message"]] = ",".join(msgs)
            ch_c, ch_lua = c[IX["webrtc.turn.channel"]], lua[IX["webrtc.turn.channel"]]
            if ch_c and not ch_lua:
                # Exception 2: before the flow's first ChannelData only.
                self.assertIn(turn_flow(c), first_channel, "frame %d" % frame)
                self.assertLess(frame, first_channel[turn_flow(c)], "frame %d" % frame)
                c[IX["webrtc.turn.channel"]] = ""
            self.assertEqual(dict(zip(FIELDS, lua)), dict(zip(FIELDS, c)), "frame %d" % frame)
        want_srtcp = sum(1 for r in self.c_rows
                         if "7" in r[IX["webrtc.class"]].split(",") and
                         "1" in r[IX["webrtc.flow.srtp"]].split(","))
        self.assertEqual(srtcp_frames, want_srtcp)

    def test_steps_aside_for_c_plugin(self):
        args = ["-r", None, "-2", "-T", "fields", "-e", "frame.number", "-e", "webrtc.class",
                "-e", "webrtc.verdict", "-e", "rtp.ssrc", "-e", "rtcp.pt"]
        args[1] = self.both.capture(self.cap)
        p = self.both.run(args + self.both.lua_arg)
        self.assertEqual(p.stderr, STEP_ASIDE)
        args[1] = self.c.capture(self.cap)
        self.assertEqual(p.stdout, self.c.run(args).stdout)
        summary = ["-r", self.both.capture(self.cap), "-2", "-q", "-z", "webrtc,summary,json"]
        p = self.both.run(summary + self.both.lua_arg)
        self.assertEqual(p.stderr, STEP_ASIDE)
        summary[1] = self.c.capture(self.cap)
        self.assertEqual(p.stdout, self.c.run(summary).stdout)


if __name__ == "__main__":
    unittest.main(verbosity=2)
