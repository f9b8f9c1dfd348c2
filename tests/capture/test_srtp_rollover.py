"""SRTP rollover counter (RFC 3711 §3.3.1) on a real capture whose sequence
numbers wrap: test-captures/gst-srtp-wrap (GStreamer srtpenc = libsrtp, no
signaling, keys given in the SRTP keys table; see its generator's README).

- The whole capture: every packet decrypts; the packets from the wrap on
  carry webrtc.srtp.roc 1 (the field is shown only when not 0), the ones
  before none; no ROC was found by trial (the streams start in the capture).
- The same capture cut after both wraps (editcap -r, as if the capture had
  been started mid-call): the receiver cannot know the ROC, the plugin
  finds it by trial (srtp_index.h): every packet decrypts with ROC 1, and
  each stream says so once, with the expert info "Rollover counter 1 found
  by trial", on its first packet taken for RTP on the first pass; the
  summary (-2) counts every packet decrypted. The packets before the flow
  was recognised (no signaling: RTP is corroborated over several packets)
  are decrypted on the second pass from the stream's first authenticated
  packet.
- The cut capture with the keys' last byte flipped: 0 packets decrypted,
  every packet with the authentication-failed expert info.
"""
import base64
import json
import os
import subprocess
import sys
import unittest

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "lib"))
import wstest  # noqa: E402

NAME = "gst-srtp-wrap"
FIELDS = ["frame.number", "rtp.ssrc", "webrtc.srtp.decrypted", "webrtc.srtp.roc",
          "_ws.expert.message"]
TRIAL = "Rollover counter 1 found by trial: the stream started before the capture"


def table(keys, flip=False):
    prefs = []
    for k in keys:
        raw = bytearray(base64.b64decode(k["key_salt_b64"]))
        if flip:
            raw[-1] ^= 1
        prefs += ["-o", 'uat:webrtc_srtp_keys:"%s","","","%s","%s",""' % (
            k["ssrcs"][0], k["suite"], base64.b64encode(bytes(raw)).decode())]
    return prefs


class Rollover(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.ts = wstest.Tshark(with_plugin=True)
        cls.gt = wstest.ground_truth(NAME)
        cls.keys = [k for c in cls.gt["calls"] for k in c["keys"]]
        cls.full = cls.ts.capture(cls.gt["capture"])
        # Cut after both wraps: the first frame kept is one past the later wrap.
        cls.cut_from = max(k["rollover"]["wrap_frame"] for k in cls.keys) + 1
        cls.cut = os.path.join(cls.ts.files, "mid-stream.pcapng")
        subprocess.run(["editcap", "-r", cls.full, cls.cut, "%d-%d" % (cls.cut_from, cls.gt["packets"])], check=True,
                       capture_output=True)
        os.chmod(cls.cut, 0o644)
        # Packets per SSRC in the cut, counted by plain tshark (no plugin)
        # with Decode As RTP on the streams' ports: independent of the plugin.
        plain = wstest.Tshark(with_plugin=False)
        args = ["-r", cls.cut, "-T", "fields", "-e", "rtp.ssrc", "-Y", "rtp"]
        for k in cls.keys:
            args += ["-d", "udp.port==%s,rtp" % k["flow"].split(" -> ")[0].rsplit(":", 1)[1]]
        ssrcs = plain.out(args).split()
        cls.n_cut = {k["ssrcs"][0]: sum(1 for x in ssrcs if int(x, 16) == int(k["ssrcs"][0], 16))
                     for k in cls.keys}

    def rows(self, cap, flip=False):
        rows = self.ts.fields(cap, FIELDS, "rtp", extra=["-2"] + table(self.keys, flip))
        rows = [r + [""] * (len(FIELDS) - len(r)) for r in rows]
        for r in rows:
            r[2] = {"True": "1", "False": "0"}.get(r[2], r[2])
        return rows

    def by_ssrc(self, rows, k):
        return [r for r in rows if int(r[1], 16) == int(k["ssrcs"][0], 16)]

    def test_whole_capture_wraps(self):
        rows = self.rows(self.full)
        for k in self.keys:
            with self.subTest(flow=k["flow"]):
                ro = k["rollover"]
                mine = self.by_ssrc(rows, k)
                self.assertEqual(len(mine), k["srtp_packets"])
                self.assertEqual({r[2] for r in mine}, {"1"})
                before = [r for r in mine if int(r[0]) < ro["wrap_frame"]]
                after = [r for r in mine if int(r[0]) >= ro["wrap_frame"]]
                self.assertEqual((len(before), len(after)),
                                 (ro["packets_before_wrap"], ro["packets_after_wrap"]))
                self.assertEqual({r[3] for r in before}, {""})
                self.assertEqual({r[3] for r in after}, {"1"})
        self.assertEqual([r[0] for r in rows if "found by trial" in r[4]], [])

    def test_mid_stream_roc_found_by_trial(self):
        rows = self.rows(self.cut)
        n_cut = self.n_cut
        for k in self.keys:
            with self.subTest(flow=k["flow"]):
                mine = self.by_ssrc(rows, k)
                self.assertEqual(len(mine), n_cut[k["ssrcs"][0]])
                self.assertGreater(len(mine), 40)
                self.assertEqual({(r[2], r[3]) for r in mine}, {("1", "1")})
                found = [r for r in mine if TRIAL in r[4]]
                self.assertEqual(len(found), 1)
                # The table key's tag verifies (after the ROC search) on the
                # stream's very first packet, which finds the flow there
                # (webrtc.flow.reason 7): the search happens on that packet.
                self.assertEqual(mine.index(found[0]), 0)
        out = self.ts.out(["-r", self.cut, "-2", "-q", "-z", "webrtc,summary,json"] +
                          table(self.keys))
        data = json.loads(out[out.index("{"):out.rindex("}") + 1])
        streams = {int(st["ssrc"], 16): st for s in data["sessions"] for st in s["streams"]}
        for k in self.keys:
            st = streams[int(k["ssrcs"][0], 16)]
            self.assertEqual((st["decrypted_packets"], st["auth_failures"]),
                             (n_cut[k["ssrcs"][0]], 0))

    def test_mid_stream_wrong_key(self):
        rows = self.rows(self.cut, flip=True)
        self.assertEqual(len(rows), sum(self.n_cut.values()))
        self.assertEqual([r[0] for r in rows if r[2] == "1"], [])
        self.assertEqual([r[0] for r in rows if "SRTP authentication failed with key from the "
                          "SRTP keys table row" not in r[4]], [])
        self.assertEqual([r[0] for r in rows if r[3]], [])


if __name__ == "__main__":
    unittest.main(verbosity=2)
