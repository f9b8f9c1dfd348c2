"""Issue "SRTP/SRTCP decryption": exact results on a keyed capture.

Usage: test_decryption.py NAME   (test-captures/NAME.pcapng + NAME.json with
"keys"; a dtls-keylog key names its NAME.keys NSS key log)

Two-pass dissection with the plugin, the key sources as a user would set
them (SDES: nothing to set; DTLS: -o webrtc.srtp_keylog:NAME.keys; keys the
generator set, "table": the SRTP keys table, one row per sender endpoint):
- every SRTP packet of each keyed direction authenticates and is shown
  decrypted (webrtc.srtp.decrypted, webrtc.srtp.auth_ok, the key source),
  and exactly the ground truth's number; every SRTCP packet likewise; RTCP
  sent without SRTCP trailer is shown as plain RTCP of the ground-truth
  packet types, never as a failure; no authentication failure anywhere;
- the decrypted RTP has the ground truth's payload types per SSRC, RFC 4733
  events give the sent digits, RED carries the sent primary payload type;
- the summary reports each keyed stream decrypted, its key source and 0
  authentication failures; decrypted Opus and VP8 streams are "certain"
  from their plaintext;
- the same capture with a wrong key (user table, or a key log with altered
  secrets) shows 0 packets decrypted, every SRTP/SRTCP packet with the
  expert info "... authentication failed with key from ..." and the media
  still encrypted.
"""
import collections
import json
import os
import sys
import unittest

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "lib"))
import srtpkeys  # noqa: E402
import wstest  # noqa: E402

NAME = sys.argv.pop(1) if len(sys.argv) > 1 else None

FIELDS = ["frame.number", "ip.src", "udp.srcport", "ip.dst", "udp.dstport",
          "webrtc.srtp.decrypted", "webrtc.srtp.auth_ok", "webrtc.srtp.key_source",
          "rtp.ssrc", "rtp.p_type", "rtp.timestamp", "rtpevent.event_id", "rtp.payload",
          "rtcp.senderssrc", "rtcp.pt", "srtp.enc_payload", "_ws.expert.message"]
F = {f: i for i, f in enumerate(FIELDS)}


def ep(addr, port):
    return "%s:%s" % (addr, port)


class Decryption(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.ts = wstest.Tshark(with_plugin=True)
        cls.gt = wstest.ground_truth(NAME)
        cls.cap = cls.gt["capture"]
        cls.keys = srtpkeys.keys_of(cls.gt)
        if not cls.keys:
            raise unittest.SkipTest("no keys in the ground truth")
        cls.prefs = srtpkeys.right_prefs(cls.ts, cls.keys)
        # Keys with no exchange on the wire are in the table (srtpkeys):
        # row numbers for check_key_source.
        cls.table_rows = wstest.table_key_rows(cls.keys)
        cls.rows = cls.dissect(cls.prefs)

    @classmethod
    def dissect(cls, prefs):
        rows = cls.ts.fields(cls.cap, FIELDS, "udp && !icmp", extra=["-2"] + prefs)
        rows = [r + [""] * (len(FIELDS) - len(r)) for r in rows]
        # tshark 4.0 prints booleans as 1/0, 4.4 and later as True/False.
        for r in rows:
            for f in ("webrtc.srtp.decrypted", "webrtc.srtp.auth_ok"):
                r[F[f]] = {"True": "1", "False": "0"}.get(r[F[f]], r[F[f]])
        return rows

    @staticmethod
    def flow_of(r):
        return "%s -> %s" % (ep(r[F["ip.src"]], r[F["udp.srcport"]]),
                             ep(r[F["ip.dst"]], r[F["udp.dstport"]]))

    def test_every_packet_decrypts(self):
        for k in self.keys:
            with self.subTest(flow=k["flow"]):
                ssrcs = {int(s, 16) for s in k["ssrcs"]}
                rtp = [r for r in self.rows if self.flow_of(r) == k["flow"] and r[F["rtp.ssrc"]]
                       and int(r[F["rtp.ssrc"]], 16) in ssrcs]
                self.assertEqual(len(rtp), k["srtp_packets"])
                # (a receiver that sends only SRTCP has no SRTP: empty sets)
                self.assertEqual({(r[F["webrtc.srtp.decrypted"]], r[F["webrtc.srtp.auth_ok"]])
                                  for r in rtp}, {("1", "1")} if rtp else set())
                self.assertEqual([r for r in rtp if r[F["srtp.enc_payload"]]], [])

                rtcp = [r for r in self.rows if self.flow_of(r) == k["rtcp_flow"]
                        and r[F["rtcp.pt"]] and not r[F["rtp.ssrc"]]]
                dec = [r for r in rtcp if r[F["webrtc.srtp.decrypted"]] == "1"]
                self.check_key_source(k, {r[F["webrtc.srtp.key_source"]] for r in (rtp or dec)})
                plain = [r for r in rtcp if r[F["webrtc.srtp.decrypted"]] == "0"]
                self.assertEqual(len(dec), k["srtcp_packets"])
                self.assertEqual(len(rtcp), k["srtcp_packets"] + k["rtcp_plain_packets"])
                self.assertEqual(sorted([int(x) for x in r[F["rtcp.pt"]].split(",")] for r in plain),
                                 sorted(k["rtcp_plain_types"]))
                for r in plain:
                    self.assertIn("Plain RTCP (no SRTCP trailer) on an SRTP session",
                                  r[F["_ws.expert.message"]])
                    self.assertEqual(r[F["webrtc.srtp.auth_ok"]], "")
        self.assertEqual([r[0] for r in self.rows if r[F["webrtc.srtp.auth_ok"]] == "0"], [])
        self.assertEqual([r[0] for r in self.rows
                          if "authentication failed" in r[F["_ws.expert.message"]]], [])

    def check_key_source(self, k, sources):
        self.assertEqual(len(sources), 1)
        src = sources.pop()
        if k["source"] == "sdes":
            self.assertEqual(src, "SDES in frame %d" % k["sdp_frame"])
        elif k["source"] == "table":
            self.assertIn(src, {"SRTP keys table row %d" % (i + 1)
                                for i, (key, _) in enumerate(self.table_rows) if key is k})
        else:
            d = k["dtls"]
            label = "EXPORTER_SECRET" if d["version"] == "1.3" else "CLIENT_RANDOM"
            self.assertEqual(src, "DTLS %s key log (%s), %s write key, %s (frame %d)" % (
                d["version"], label, d["role"], k["suite"], d["server_hello_frame"]))

    def test_payload_types_events_and_red(self):
        keyed = {int(s, 16) for k in self.keys for s in k["ssrcs"]}
        got = collections.Counter()
        red = collections.defaultdict(collections.Counter)
        for r in self.rows:
            if r[F["rtp.ssrc"]] and r[F["webrtc.srtp.decrypted"]] == "1":
                ssrc, pt = int(r[F["rtp.ssrc"]], 16), int(r[F["rtp.p_type"]])
                got[(ssrc, pt)] += 1
                if r[F["rtp.payload"]]:
                    red[ssrc][(int(r[F["rtp.payload"]][:2], 16) & 0x7f, pt)] += 1
        want = collections.Counter()
        for c in self.gt["calls"]:
            for st in c["streams"]:
                if int(st["ssrc"], 16) in keyed:
                    want[(int(st["ssrc"], 16), st["pt"])] += st["packets"]
        self.assertEqual(got, want)
        # RFC 2198 RED: the primary block's payload type in the first
        # (decrypted) payload byte, as the generator's getStats/SDP say.
        for k in self.keys:
            for ssrc, pts in k.get("red_primary_pts", {}).items():
                red_pt = [st["pt"] for c in self.gt["calls"] for st in c["streams"]
                          if st["ssrc"] == ssrc and st["kind"] == "red"][0]
                seen = {p: n for (p, outer), n in red[int(ssrc, 16)].items() if outer == red_pt}
                self.assertEqual(seen, {int(p): n for p, n in pts.items()})
        # RFC 4733 digits of every keyed event stream.
        for c in self.gt["calls"]:
            for ev in c.get("events", []):
                if int(ev["ssrc"], 16) not in keyed:
                    continue
                digits, last = "", None
                for r in self.rows:
                    if r[F["rtpevent.event_id"]] and int(r[F["rtp.ssrc"]], 16) == int(ev["ssrc"], 16) \
                            and r[F["rtp.timestamp"]] != last:
                        digits += "0123456789*#ABCD"[int(r[F["rtpevent.event_id"]])]
                        last = r[F["rtp.timestamp"]]
                self.assertEqual(digits, ev["digits"])

    def test_summary(self):
        out = self.ts.out(["-r", self.ts.capture(self.cap), "-2", "-q",
                           "-z", "webrtc,summary,json"] + self.prefs)
        data = json.loads(out[out.index("{"):out.rindex("}") + 1])
        streams = {int(st["ssrc"], 16): st for s in data["sessions"] for st in s["streams"]}
        for k in self.keys:
            for ssrc in k["ssrcs"]:
                st = streams[int(ssrc, 16)]
                self.assertTrue(st["decrypted"])
                self.assertEqual(st["decrypted_packets"], st["packets"])
                self.assertEqual(st["auth_failures"], 0)
                self.check_key_source(k, {st["key_source"]})
        # The plaintext proves the codec where its payload has a header the
        # guess checks: every decrypted Opus stream's TOCs (RFC 6716 §3.1)
        # make it certain (encrypted, the same streams are only "likely").
        checks = {"opus/": ("Opus", "Opus TOC durations"),
                  "vp8/": ("VP8", "VP8 payload descriptor (RFC 7741 §4.2) valid in ")}
        keyed = {int(x, 16) for k in self.keys for x in k["ssrcs"]}
        for c in self.gt["calls"]:
            for t in c["streams"]:
                want = [v for p, v in checks.items() if t["codec"].lower().startswith(p)]
                if not want or int(t["ssrc"], 16) not in keyed or t["kind"] != "media":
                    continue
                with self.subTest(ssrc=t["ssrc"]):
                    st = streams[int(t["ssrc"], 16)]
                    self.assertEqual((st["codec_guess"], st["codec_confidence"]),
                                     (want[0][0], "certain"))
                    self.assertTrue(st["codec_evidence"].startswith(want[0][1]),
                                    st["codec_evidence"])

    def test_wrong_key_stays_encrypted(self):
        prefs, where = srtpkeys.wrong_prefs(self.ts, self.keys)
        rows = self.dissect(prefs)
        self.assertEqual([r[0] for r in rows if r[F["webrtc.srtp.decrypted"]] == "1"], [])
        for k in self.keys:
            with self.subTest(flow=k["flow"]):
                rtp = [r for r in rows if self.flow_of(r) == k["flow"] and r[F["srtp.enc_payload"]]]
                self.assertEqual(len(rtp), k["srtp_packets"])
                for r in rtp:
                    self.assertEqual(r[F["webrtc.srtp.auth_ok"]], "0")
                    self.assertIn("SRTP authentication failed with key from " + where,
                                  r[F["_ws.expert.message"]])
                rtcp_failed = [r for r in rows if self.flow_of(r) == k["rtcp_flow"] and
                               "SRTCP authentication failed with key from " + where
                               in r[F["_ws.expert.message"]]]
                self.assertEqual(len(rtcp_failed), k["srtcp_packets"])
                self.assertEqual([r for r in rows if r[F["rtpevent.event_id"]]], [])

    def test_user_table_keys(self):
        """The ground truth's keys typed into the table by SSRC (SDES off,
        no key log): the same packets decrypt."""
        prefs = ["-o", "webrtc.srtp_sdes:FALSE"]
        for k in self.keys:
            for ssrc in k["ssrcs"]:
                prefs += ["-o", 'uat:webrtc_srtp_keys:"%s","","","%s","%s",""' % (
                    ssrc, k["suite"], k["key_salt_b64"])]
        rows = self.dissect(prefs)
        for k in self.keys:
            ssrcs = {int(s, 16) for s in k["ssrcs"]}
            dec = [r for r in rows if self.flow_of(r) == k["flow"] and r[F["rtp.ssrc"]]
                   and int(r[F["rtp.ssrc"]], 16) in ssrcs and r[F["webrtc.srtp.decrypted"]] == "1"]
            self.assertEqual(len(dec), k["srtp_packets"])
            self.assertTrue(all(r[F["webrtc.srtp.key_source"]].startswith("SRTP keys table row ")
                                for r in dec))
        self.assertEqual([r[0] for r in rows if r[F["webrtc.srtp.auth_ok"]] == "0"], [])


if __name__ == "__main__":
    unittest.main(verbosity=2)
