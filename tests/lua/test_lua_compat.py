"""lua-compat: the pure-Lua fallback against the C plugin, on one capture.

Usage: test_lua_compat.py NAME   (test-captures/NAME.pcapng + NAME.json)

tshark runs as in tests/lib/wstest.py (as `nobody`, from a private plugin
folder), WITHOUT the C plugin and with `-X lua_script:` of
lua-compat/webrtc.lua, with the C plugin only, and with both:
- Lua alone: no Lua error on any packet (two passes: expert infos; one
  pass: `_ws.lua.error`), nothing on stderr, and RTP packets per flow, SSRC
  and payload type exactly the ground truth's (as
  tests/capture/test_heuristics.py asserts for the C plugin);
- Lua alone vs C alone, per frame (two passes): the same RFC 7983 class,
  flow reason, evidence frame, SRTP flag, RTP SSRC/PT, RFC 4733 events,
  STUN and DTLS records, plain RTCP types and expert infos. Exceptions, each
  in docs/lua-compat.md: encrypted SRTCP (Lua cannot hand Wireshark's RTCP
  dissector the SRTCP parameters, so it shows the clear header and the
  ciphertext under webrtc.srtcp.encrypted), and webrtc.turn.channel on the
  packets of a TURN flow before its first ChannelData in the second pass
  (Lua reads other dissectors' fields only from a tree, which tshark's first
  pass does not build), and udp.stream/tcp.stream where the C plugin's RTP
  set-up conversations (rtp_add_address, which Lua has no binding for) made
  Wireshark number a 5-tuple anew: there Lua's number must be Wireshark's
  own (tshark without any plugin) and each renumbered stream one C stream;
- Lua alone vs C alone, per frame, the session fields (webrtc.session, leg,
  verdict, score, traits, media, codec guess, server software/product)
  with `-2 -Y frame`: the same (a display filter makes tshark build a tree
  on its first pass, where Lua learns the session model; without one the
  fields show the model so far, see docs/lua-compat.md);
- Lua alone vs C alone: `-z webrtc,summary` (text, two passes and one pass)
  and `-z webrtc,summary,json` (and, on chromium-turn, a filtered summary)
  are byte for byte the C plugin's: the same sessions, legs, flows, SSRCs,
  traits, verdicts, scores, statistics and evidence;
- both loaded: the script steps aside with exactly one line on stderr and
  tshark's output is byte for byte the C plugin's.
"""
import json
import os
import sys
import unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "lib"))
import rtpstreams  # noqa: E402
from luasandbox import STEP_ASIDE, assert_same_text, lua_sandbox  # noqa: E402
import wstest  # noqa: E402

NAME = sys.argv.pop(1) if len(sys.argv) > 1 else None
FIELDS = ["frame.number", "webrtc.class", "webrtc.flow.reason", "webrtc.flow.evidence_frame",
          "webrtc.flow.srtp", "webrtc.turn.channel", "rtp.ssrc", "rtp.p_type", "rtp.marker",
          "rtpevent.event_id", "rtpevent.end_of_event", "stun.type",
          "dtls.record.content_type", "rtcp.pt", "webrtc.srtcp.encrypted",
          "_ws.expert.message", "udp.stream", "tcp.stream", "icmp.type",
          "ip.src", "ipv6.src", "udp.srcport", "tcp.srcport",
          "ip.dst", "ipv6.dst", "udp.dstport", "tcp.dstport", "webrtc.srtp.decrypted",
          "webrtc.datachannel", "webrtc.datachannel.bytes"]
IX = {f: i for i, f in enumerate(FIELDS)}
SESSION_FIELDS = ["frame.number", "webrtc.session", "webrtc.leg", "webrtc.verdict",
                  "webrtc.score", "webrtc.trait.ice", "webrtc.trait.turn", "webrtc.trait.srtp",
                  "webrtc.trait.dtls_srtp", "webrtc.trait.sdes", "webrtc.trait.bundle",
                  "webrtc.trait.rtcp_mux", "webrtc.trait.web_signaling", "webrtc.trait.datachannel",
                  "webrtc.media",
                  "webrtc.codec_guess", "webrtc.server.software", "webrtc.server.product",
                  "webrtc.turn.channel"]
SRTCP_EXPERT = "Encrypted RTCP Payload - not dissected"
MALFORMED = "Malformed Packet (Exception occurred)"
# What only the C plugin's SRTP decryption (plugin/webrtc-srtp.c) shows.
DECRYPTION_EXPERTS = ("SRTP authentication failed", "Plain RTCP (no SRTCP trailer) on an SRTP session")
# Per-frame fields a decrypted packet changes (its payload is read).
DECRYPTED_FIELDS = ("rtpevent.event_id", "rtpevent.end_of_event", "rtcp.pt",
                    "webrtc.srtcp.encrypted", "_ws.expert.message", "webrtc.srtp.decrypted")
SUMMARIES = [("text -2", ["-2", "-z", "webrtc,summary"]),
             ("json -2", ["-2", "-z", "webrtc,summary,json"]),
             ("text one pass", ["-z", "webrtc,summary"])]
if NAME == "chromium-turn":
    SUMMARIES.append(("json filtered", ["-2", "-z", "webrtc,summary,json,udp.port==3478"]))


STREAM_FIELDS = ("udp.stream", "tcp.stream")


def fields_args(ts, cap, fields=FIELDS):
    args = ["-r", ts.capture(cap), "-2", "-T", "fields", "-E", "separator=\t",
            "-E", "occurrence=a", "-E", "aggregator=,"]
    for f in fields:
        args += ["-e", f]
    return args


def summaries(ts, cap, extra=()):
    out = {}
    for name, args in SUMMARIES:
        p = ts.run(["-r", ts.capture(cap), "-q"] + args + list(extra))
        out[name] = (p.stdout, p.stderr)
    return out


def structure(summary):
    """A JSON summary without what decryption changes: per session its
    verdict, score, traits and legs (flows, verdict, score, traits), its
    flows (ends, role, contents) and streams (flow, direction, SSRC)."""
    def traits(x):
        return {k: v["value"] for k, v in x["traits"].items()}
    out = []
    for s in summary["sessions"]:
        out.append({
            "verdict": s["verdict"], "score": s["score"], "traits": traits(s),
            "legs": [(l["flows"], l["verdict"], l["score"], traits(l)) for l in s["legs"]],
            "flows": [(f["local"], f["remote"], f["remote_role"], f["contents"], f["packets"])
                      for f in s["flows"]],
            "streams": sorted((st["flow"], st["direction"], st["ssrc"], st["packets"])
                              for st in s["streams"]),
        })
    return out



def is_true(value):
    """A boolean field's occurrences: tshark 4.0 prints 1/0, 4.4 and later
    True/False."""
    return any(v in ("1", "True") for v in value.split(","))

class LuaCompat(unittest.TestCase):
    maxDiff = 4000   # per-frame dicts are small; whole outputs go through assert_same_text

    @classmethod
    def setUpClass(cls):
        cls.gt = wstest.ground_truth(NAME)
        cls.cap = cls.gt["capture"]
        cls.c = wstest.Tshark(with_plugin=True)
        cls.lua = lua_sandbox(with_plugin=False)
        cls.both = lua_sandbox(with_plugin=True)
        cls.c_fields = cls.c.run(fields_args(cls.c, cls.cap))
        cls.lua_fields = cls.lua.run(fields_args(cls.lua, cls.cap) + cls.lua.lua_arg)
        cls.c_rows = [line.split("\t") for line in cls.c_fields.stdout.splitlines()]
        cls.lua_rows = [line.split("\t") for line in cls.lua_fields.stdout.splitlines()]
        cls.c_sum = summaries(cls.c, cls.cap)
        cls.lua_sum = summaries(cls.lua, cls.cap, cls.lua.lua_arg)
        cls.plain_streams = None

    def own_streams(self):
        """Per frame, udp.stream and tcp.stream as Wireshark numbers them
        without any plugin (run only where C and Lua differ)."""
        if self.plain_streams is None:
            ts = wstest.Tshark(with_plugin=False)
            p = ts.run(fields_args(ts, self.cap, ["frame.number"] + list(STREAM_FIELDS)))
            type(self).plain_streams = {int(r[0]): r[1:] for r in
                                        (line.split("\t") for line in p.stdout.splitlines())}
        return self.plain_streams

    def test_no_lua_errors(self):
        self.assertEqual(self.lua_fields.stderr, "")
        for r in self.lua_rows:
            self.assertNotIn("Lua Error", r[IX["_ws.expert.message"]], "frame %s" % r[0])
        p = self.lua.run(["-r", self.lua.capture(self.cap), "-Y", "_ws.lua.error", "-T",
                          "fields", "-e", "frame.number"] + self.lua.lua_arg)
        self.assertEqual((p.stdout, p.stderr), ("", ""), "Lua errors in frames (one pass)")

    def test_rtp_packets_ground_truth(self):
        rows = [[r[IX[f]] for f in rtpstreams.PACKET_FIELDS] for r in self.lua_rows
                if r[IX["rtp.ssrc"]] and not r[IX["icmp.type"]]]
        self.assertEqual(dict(rtpstreams.packets_per_stream(rows)),
                         dict(rtpstreams.ground_truth_packets(self.gt)))

    def test_per_frame_parity(self):
        self.assertEqual(len(self.c_rows), len(self.lua_rows))
        first_channel = {}

        def turn_flow(r):
            return (r[IX["udp.stream"]], r[IX["tcp.stream"]], r[IX["webrtc.turn.channel"]])
        for r in self.lua_rows:
            if r[IX["webrtc.turn.channel"]] and turn_flow(r) not in first_channel:
                first_channel[turn_flow(r)] = int(r[0])
        srtcp_frames = 0
        renumbered = {}
        for c, lua in zip(self.c_rows, self.lua_rows):
            c, lua = list(c), list(lua)
            frame = int(c[0])
            for k, f in enumerate(STREAM_FIELDS):
                if c[IX[f]] != lua[IX[f]]:
                    # Exception 6: a 5-tuple Wireshark numbered anew because
                    # of the C plugin's RTP set-up conversations. Lua's is
                    # Wireshark's own number, and the C plugin's the same
                    # other one on every frame of that stream.
                    self.assertEqual(lua[IX[f]], self.own_streams()[frame][k],
                                     "frame %d: %s" % (frame, f))
                    renumbered.setdefault((f, lua[IX[f]]), set()).add(c[IX[f]])
                    c[IX[f]] = lua[IX[f]]
            if lua[IX["webrtc.srtcp.encrypted"]]:
                # Exception 1: encrypted SRTCP.
                srtcp_frames += 1
                for f in ("rtcp.pt", "webrtc.srtcp.encrypted"):
                    c[IX[f]] = lua[IX[f]] = ""
                # Expert infos of Wireshark's RTCP dissector on SRTCP (which
                # Lua does not call) are the C side's only.
                msgs = [m for m in c[IX["_ws.expert.message"]].split(",")
                        if m not in (SRTCP_EXPERT, MALFORMED)]
                c[IX["_ws.expert.message"]] = ",".join(msgs)
            # Exception 5: SRTP decryption (C only). Its expert infos, and on
            # the packets it decrypted what the clear payload shows.
            msgs = [m for m in c[IX["_ws.expert.message"]].split(",")
                    if not m.startswith(DECRYPTION_EXPERTS)]
            c[IX["_ws.expert.message"]] = ",".join(msgs)
            self.assertEqual(lua[IX["webrtc.srtp.decrypted"]], "", "frame %d" % frame)
            if is_true(c[IX["webrtc.srtp.decrypted"]]):
                for f in DECRYPTED_FIELDS:
                    c[IX[f]] = lua[IX[f]] = ""
            c[IX["webrtc.srtp.decrypted"]] = ""
            ch_c, ch_lua = c[IX["webrtc.turn.channel"]], lua[IX["webrtc.turn.channel"]]
            if ch_c and not ch_lua:
                # Exception 2: before the flow's first ChannelData only.
                self.assertIn(turn_flow(c), first_channel, "frame %d" % frame)
                self.assertLess(frame, first_channel[turn_flow(c)], "frame %d" % frame)
                c[IX["webrtc.turn.channel"]] = ""
            self.assertEqual(dict(zip(FIELDS, lua)), dict(zip(FIELDS, c)), "frame %d" % frame)
        for stream, numbers in renumbered.items():
            self.assertEqual(len(numbers), 1, (stream, numbers))
        # (SRTCP-shaped RTCP on a flow whose SRTP is not decided yet, an
        # ICE flow, is encrypted SRTCP for the C plugin too)
        want_srtcp = sum(1 for r in self.c_rows
                         if "7" in r[IX["webrtc.class"]].split(",") and
                         (is_true(r[IX["webrtc.flow.srtp"]]) or r[IX["webrtc.srtcp.encrypted"]]))
        self.assertEqual(srtcp_frames, want_srtcp)

    def test_session_fields_parity(self):
        want = self.c.run(fields_args(self.c, self.cap, SESSION_FIELDS) + ["-Y", "frame"])
        got = self.lua.run(fields_args(self.lua, self.cap, SESSION_FIELDS) + ["-Y", "frame"] +
                           self.lua.lua_arg)
        self.assertEqual(got.stderr, "")
        assert_same_text(self, got.stdout.splitlines(), want.stdout.splitlines(),
                         "session fields")
        if self.gt["calls"]:
            self.assertIn("\t1\t1\t", want.stdout)  # session 1, leg 1 on some packet

    def test_summary_parity(self):
        c_json = json.loads(self.c_sum["json -2"][0])
        decrypted = any(st["decrypted"] for s in c_json["sessions"] for st in s["streams"])
        for name, (want, err) in self.c_sum.items():
            got, lerr = self.lua_sum[name]
            self.assertEqual((err, lerr), ("", ""), name)
            self.assertIn("WebRTC sessions:" if "text" in name else '"schema_version"', got)
            if not decrypted:
                assert_same_text(self, got, want, name)
            elif name.startswith("json"):
                # Exception 5: the C plugin decrypted streams (SDES keys in
                # the SDP); Lua cannot, so codec guesses from clear payloads
                # and the decryption counters differ. The same sessions,
                # legs, flows, SSRCs, traits and verdicts.
                assert_same_text(self, json.dumps(structure(json.loads(got)), indent=1),
                                 json.dumps(structure(json.loads(want)), indent=1), name)
        if decrypted:
            self.assertTrue(any(st["decrypted"] is False
                                for s in json.loads(self.lua_sum["json -2"][0])["sessions"]
                                for st in s["streams"]))

    def test_steps_aside_for_c_plugin(self):
        p = self.both.run(fields_args(self.both, self.cap) + self.both.lua_arg)
        self.assertEqual(p.stderr, STEP_ASIDE)
        assert_same_text(self, p.stdout, self.c_fields.stdout, "fields, both loaded")
        name, args = SUMMARIES[1]
        p = self.both.run(["-r", self.both.capture(self.cap), "-q"] + args + self.both.lua_arg)
        self.assertEqual(p.stderr, STEP_ASIDE)
        assert_same_text(self, p.stdout, self.c_sum[name][0], name + ", both loaded")


if __name__ == "__main__":
    unittest.main(verbosity=2)
