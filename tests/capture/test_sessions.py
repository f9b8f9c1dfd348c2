"""Issue "WebRTC sessions": the session summary of one capture.

Usage: test_sessions.py NAME

- the number of sessions equals the ground truth's calls (0 on negatives);
- every ground-truth flow of a call (signaling over TLS excepted) is in
  exactly one session, and the flows of one call are in the same session;
- every ground-truth stream (direction, SSRC) is in exactly one session, with
  the ground-truth packets and payload types;
- the text and JSON outputs equal the golden files tests/golden/NAME.txt and
  NAME.json (regenerate with tests/golden/update.sh after a deliberate
  change, and review the diff).
"""
import collections
import os
import sys
import unittest

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "lib"))
import summary  # noqa: E402
import wstest  # noqa: E402

NAME = sys.argv.pop(1) if len(sys.argv) > 1 else None
GOLDEN = os.path.join(os.path.dirname(__file__), "..", "golden")
PROBE = object()   # expected_guess of padding-only RTX probes


class Sessions(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.ts = wstest.Tshark(with_plugin=True)
        cls.gt = wstest.ground_truth(NAME)
        cls.cap = cls.gt["capture"]
        cls.data = summary.data(cls.ts, cls.cap)
        cls.sessions = cls.data["sessions"]

    def test_schema(self):
        self.assertEqual(self.data["schema_version"], 2)
        for s in self.sessions:
            for key in ("id", "first", "last", "legs", "flows", "streams", "related"):
                self.assertIn(key, s)

    def test_session_count(self):
        self.assertEqual(len(self.sessions), len(self.gt["calls"]))

    def session_of_flow(self):
        where = collections.defaultdict(list)
        for s in self.sessions:
            for fl in s["flows"]:
                where[summary.flow_key(fl["local"], fl["remote"], fl["transport"])].append(s["id"])
        return where

    def test_flows_in_one_session(self):
        where = self.session_of_flow()
        for call in self.gt["calls"]:
            ids = set()
            for fl in call["flows"]:
                key = summary.flow_key(fl["a"], fl["b"], fl["transport"])
                if fl["role"] == "signaling":
                    self.assertEqual(where.get(key, []), [], "signaling flow %s" % (key,))
                    continue
                self.assertEqual(len(where.get(key, [])), 1, "flow %s in %s" % (key, where.get(key)))
                ids.add(where[key][0])
            self.assertEqual(len(ids), 1, "call %s spread over sessions %s" % (call["id"], ids))

    def test_streams_in_one_session(self):
        got = collections.defaultdict(list)
        for s in self.sessions:
            for st in s["streams"]:
                got[("%s -> %s" % (st["src"], st["dst"]), st["ssrc"])].append(
                    (s["id"], st["packets"], tuple(st["payload_types"])))
        want = collections.defaultdict(lambda: [0, set()])
        for call in self.gt["calls"]:
            for st in call["streams"]:
                w = want[(st["flow"], st["ssrc"])]
                w[0] += st["packets"]
                w[1].add(st["pt"])
        self.assertEqual(sorted(got), sorted(want))
        for key, (packets, pts) in want.items():
            self.assertEqual(len(got[key]), 1, key)
            _, n, got_pts = got[key][0]
            self.assertEqual(n, packets, key)
            self.assertEqual(set(got_pts), pts, key)

    def test_traits_and_verdict(self):
        """Issue "Verdict and evidence": every ground-truth trait and the
        verdict of each call equal the plugin's, each trait with a frame."""
        where = self.session_of_flow()
        by_id = {s["id"]: s for s in self.sessions}
        for call in self.gt["calls"]:
            fl = [f for f in call["flows"] if f["role"] != "signaling"][0]
            sess = by_id[where[summary.flow_key(fl["a"], fl["b"], fl["transport"])][0]]
            got = {k: v["value"] for k, v in sess["traits"].items()}
            # Each trait true, false, or not observable (null, with the
            # reason as its evidence): the ground truth lists the traits the
            # capture cannot show (a call that began with the capture, one
            # media kind, no media, no signaling in the capture).
            unknown = set(call["traits_not_observable"])
            self.assertEqual({k for k, v in got.items() if v is None}, unknown)
            self.assertEqual({k: v for k, v in got.items() if k not in unknown},
                             {k: v for k, v in call["traits"].items() if k not in unknown})
            for k, v in sess["traits"].items():
                self.assertEqual(v["frame"] is not None, v["value"] is True, k)
                self.assertEqual(v["evidence"] is not None, v["value"] is not False, k)
            self.assertEqual(sess["verdict"], call["verdict"])
            self.assertIn(sess["verdict"], {leg["verdict"] for leg in sess["legs"]})

    def test_verdict_filter_selects_session_packets(self):
        """`tshark -2 -Y 'webrtc.verdict == "X"'` selects exactly the packets
        of the sessions with verdict X: the frames of their flows."""
        want = {}
        for call in self.gt["calls"]:
            n = sum(f["packets"] for f in call["flows"] if f["role"] != "signaling")
            want[call["verdict"]] = want.get(call["verdict"], 0) + n
        for verdict in ("webrtc", "webrtc-likely", "not-webrtc", "undetermined"):
            got = len(self.ts.fields(self.cap, ["frame.number"],
                                     'webrtc.verdict == "%s"' % verdict, extra=["-2"]))
            self.assertEqual(got, want.get(verdict, 0), verdict)

    def test_fingerprints(self):
        """Fingerprints that survive SRTP: Chrome shows RTP header
        extensions, transport-wide congestion control feedback and its GOOG
        STUN attributes; classic RTP shows none."""
        names = {fp["name"] for s in self.sessions for fp in s["fingerprints"]}
        if "chromium" in self.gt["software"]:
            want = {"Chrome's GOOG STUN attributes"}
            if any(c["streams"] for c in self.gt["calls"]):   # media, not a data channel
                want |= {"RTP header extensions 0xBEDE (RFC 8285)",
                         "RTCP transport-wide congestion control"}
            self.assertTrue(want <= names, names)
        if all(c["verdict"] == "not-webrtc" for c in self.gt["calls"]):
            self.assertEqual(names, set())

    # Codec names of the ground truth's SDP encoding names.
    CODEC_NAMES = {"opus": "Opus", "vp8": "VP8", "vp9": "VP9", "h264": "H264", "pcmu": "PCMU",
                   "pcma": "PCMA", "g722": "G722", "rtx": "RTX", "h263": "H263"}

    def expected_guess(self, rows):
        """(media, codec, confidence) the plugin must state for one stream
        (the ground-truth rows of one SSRC in one direction), following what
        the evidence allows: a payload format checked in the clear is
        certain; RTX (timestamps with its video stream), Opus (48 kHz clock,
        20 ms packets) and static payload types are likely; the codec of
        other encrypted streams (VP8, RED) is not visible: unknown."""
        main = [r for r in rows if r["kind"] != "event"]
        if not main:
            # RFC 4733 events alone (no audio on the SSRC): the validated
            # telephone-event payloads are audio's (RFC 4733 §2.1).
            return "audio", "telephone-event", "certain"
        self.assertEqual(len(main), 1 if main[0]["kind"] != "rtx" else len(main), rows)
        st = main[0]
        name = st["codec"].split("/")[0].lower()
        if st["kind"] == "rtx" and all(r.get("probe_only") for r in main):
            # padding-only bandwidth probes: RTX where their timestamps
            # follow the video's, otherwise nothing but padding
            return PROBE
        if st["kind"] == "rtx":
            return st["media"], "RTX", "likely"
        if not st["encrypted"] and name in ("opus", "vp8", "vp9", "h264"):
            return st["media"], self.CODEC_NAMES[name], "certain"
        if st["pt"] < 96:
            return st["media"], self.CODEC_NAMES[name], "likely"
        if name == "opus":
            return st["media"], "Opus", "likely"
        return st["media"], "?", "unknown"

    def test_media_and_codec_guess(self):
        """Issue "Verdict and evidence" item 4: every stream's media kind
        equals the ground truth's, and its codec wherever the evidence
        allows (exact, per stream); each guess carries its evidence."""
        truth = collections.defaultdict(list)
        for call in self.gt["calls"]:
            for st in call["streams"]:
                truth[(st["flow"], st["ssrc"])].append(st)
        seen = 0
        for s in self.sessions:
            for st in s["streams"]:
                key = ("%s -> %s" % (st["src"], st["dst"]), st["ssrc"])
                got = (st["media"], st["codec_guess"], st["codec_confidence"])
                want = self.expected_guess(truth[key])
                if want is PROBE:
                    self.assertIn(got, [("unknown", "padding/probe", "likely"),
                                        (truth[key][0]["media"], "RTX", "likely")], key)
                else:
                    self.assertEqual(got, want, key)
                self.assertTrue(st["codec_evidence"], key)
                seen += 1
        self.assertEqual(seen, len(truth))

    def test_codec_guess_field(self):
        """`webrtc.codec_guess` and `webrtc.media` (with -2) select exactly the
        packets of the streams the summary gives that guess (over UDP: a TCP
        segment may carry several RTP packets)."""
        want = collections.Counter()
        for s in self.sessions:
            transport = {fl["id"]: fl["transport"] for fl in s["flows"]}
            for st in s["streams"]:
                if transport[st["flow"]] != "udp":
                    continue
                want[("webrtc.codec_guess", st["codec_guess"])] += st["packets"]
                want[("webrtc.media", st["media"])] += st["packets"]
        got = collections.Counter()
        for codec, media in self.ts.fields(self.cap, ["webrtc.codec_guess", "webrtc.media"],
                                           "udp && webrtc.media", extra=["-2"]):
            got[("webrtc.codec_guess", codec)] += 1
            got[("webrtc.media", media)] += 1
        self.assertEqual(got, want)

    def test_ice_credential_format(self):
        """The ICE ufrag format of the stack, with the first connectivity
        check that shows it (weak: it never decides a verdict)."""
        sw = self.gt["software"]
        ice = any(c["traits"]["ice"] for c in self.gt["calls"])
        want = set()
        if ice and ("chromium" in sw or "aiortc" in sw) and "firefox-esr" not in sw:
            # (a call with Firefox, whose ufrags are 8 hex digits, shows
            # neither stack's format: its checks' USERNAMEs mix the two)
            want = {"ICE ufrags of 4 ice-chars (libwebrtc, aioice)"}
        elif ice and "gstreamer" in sw:
            want = {"ICE ufrags of 32 ice-chars (GStreamer webrtcbin)"}
        got = {fp["name"]: fp["frame"] for s in self.sessions for fp in s["fingerprints"]
               if fp["name"].startswith("ICE ufrags")}
        self.assertEqual(set(got), want)
        if want:
            first = self.ts.fields(self.cap, ["frame.number"],
                                   "stun.att.username && (stun.att.priority || "
                                   "stun.att.tie-breaker)")[0][0]
            self.assertEqual(list(got.values()), [int(first)])

    def test_turn_server_identified(self):
        """The coturn that relayed the call is named, with its version, from
        its SOFTWARE attribute."""
        version = self.gt["software"].get("coturn")
        if not version:
            self.skipTest("no TURN server in this capture")
        servers = [sv for s in self.sessions for sv in s["servers"]]
        self.assertTrue(servers)
        turn_eps = {ep for call in self.gt["calls"] for fl in call["flows"]
                    if fl["role"] == "client-turn" for ep in (fl["a"], fl["b"])}
        self.assertEqual({(sv["product"], sv["version"]) for sv in servers
                          if sv["product"] == "coturn"}, {("coturn", version.split("-")[0])})
        for sv in servers:
            if sv["product"] == "coturn":
                self.assertIn(sv["endpoint"], turn_eps)
        # Besides coturn only the clients' own stacks say who they are:
        # libnice (GStreamer webrtcbin) on its TURN allocations.
        want = {"coturn"} | ({"libnice"} if "gstreamer" in self.gt["software"] else set())
        self.assertEqual({sv["product"] for sv in servers}, want)

    def session_of_call(self, call):
        where = self.session_of_flow()
        fl = [f for f in call["flows"] if f["role"] != "signaling"][0]
        sid = where[summary.flow_key(fl["a"], fl["b"], fl["transport"])][0]
        return next(s for s in self.sessions if s["id"] == sid)

    def test_legs(self):
        """Per-leg verdicts (ground truth "legs"): each leg's flows and
        verdict equal one of the plugin's legs of the call's session."""
        calls = [c for c in self.gt["calls"] if "legs" in c]
        if not calls:
            self.skipTest("no per-leg ground truth")
        for call in calls:
            sess = self.session_of_call(call)
            eps = {fl["id"]: " <-> ".join(sorted((fl["local"], fl["remote"]))) for fl in sess["flows"]}
            got = sorted((sorted(eps[i] for i in leg["flows"]), leg["verdict"]) for leg in sess["legs"])
            want = sorted((sorted(leg["flows"]), leg["verdict"]) for leg in call["legs"])
            self.assertEqual(got, want, call["id"])
            # the session's verdict is its strongest leg's (docs/verdict.md)
            rank = ["undetermined", "not-webrtc", "webrtc-likely", "webrtc"]
            strongest = max((leg["verdict"] for leg in call["legs"]), key=rank.index)
            self.assertEqual(sess["verdict"], strongest)

    def test_leg_verdict_filter(self):
        """`tshark -2 -Y 'webrtc.leg.verdict == "X"'` selects exactly the
        packets of the legs with verdict X (ground truth "legs")."""
        if not any("legs" in c for c in self.gt["calls"]):
            self.skipTest("no per-leg ground truth")
        want = collections.Counter()
        for call in self.gt["calls"]:
            packets = {"%s <-> %s" % (f["a"], f["b"]): f["packets"] for f in call["flows"]}
            for leg in call["legs"]:
                want[leg["verdict"]] += sum(packets[f] for f in leg["flows"])
        for verdict in ("webrtc", "webrtc-likely", "not-webrtc", "undetermined"):
            got = len(self.ts.fields(self.cap, ["frame.number"],
                                     'webrtc.leg.verdict == "%s"' % verdict, extra=["-2"]))
            self.assertEqual(got, want[verdict], verdict)

    def test_related_calls(self):
        """Calls the ground truth calls related but not joined on the wire
        (e.g. two legs of one user-level call from one client) are distinct
        sessions, each listing the other, on the shared host's evidence."""
        rel = self.gt.get("related", [])
        if not rel:
            self.skipTest("no related calls in this capture")
        by_id = {c["id"]: c for c in self.gt["calls"]}
        for r in rel:
            a, b = (self.session_of_call(by_id[c]) for c in r["calls"])
            if r["joined_on_wire"]:
                self.assertEqual(a["id"], b["id"])
                continue
            self.assertNotEqual(a["id"], b["id"])
            for x, y in ((a, b), (b, a)):
                ev = {o["session"]: o["evidence"] for o in x["related"]}
                self.assertEqual(list(ev), [y["id"]])
                self.assertEqual(ev[y["id"]], "session %d: shares host %s, overlapping in time"
                                 % (y["id"], r["shares_host"]))

    def test_golden_text(self):
        self.check_golden(".txt", summary.text(self.ts, self.cap))

    def test_golden_json(self):
        import json
        self.check_golden(".json", json.dumps(self.data, indent=1, sort_keys=True) + "\n")

    def check_golden(self, ext, got):
        path = os.path.join(GOLDEN, NAME + ext)
        with open(path) as f:
            want = f.read()
        self.assertEqual(got, want, "differs from %s (tests/golden/update.sh)" % path)


if __name__ == "__main__":
    unittest.main(verbosity=2)
