"""Data channels with keys (issue "WebRTC data channels", part "With keys"):
the SCTP inside DTLS decrypted by Wireshark (DTLS 1.2) or by the plugin
(DTLS 1.3, plugin/core/dtls13.c), handed to Wireshark's SCTP and DCEP
(rtcdc) dissectors without any user setting, and counted per channel.

On every keyed capture (test-captures/keyed/NAME.truth.json, written by
gen/firefox-dc-keys from the page's own RTCDataChannel counts):
- `-z webrtc,summary,json` sessions[].datachannels lists exactly the
  ground truth's channels: stream id, label, protocol, ordered,
  reliability, messages and bytes each way (sent = from the flow's local
  end, which the DATA_CHANNEL_OPEN's frame tells as opener or answerer);
  open_frame is a frame whose rtcdc.label is the channel's;
- with the key log as the plugin's preference (webrtc.srtp_keylog), as
  Wireshark's (tls.keylog_file), and embedded in the capture as a pcapng
  Decryption Secrets Block (editcap --inject-secrets tls,KEYS, built here),
  in one pass and with -2;
- the text summary has one "Channels" line per channel with its counts;
- DTLS 1.3: the decrypted records are a data source with webrtc.dtls13.*
  fields, and the SCTP in them is Wireshark's (sctp.data_sid).
Negative: without keys there is no SCTP and sessions[].datachannels is [].
DTLS-SRTP with embedded secrets: firefox-dtls12/13 with their key logs
injected by editcap decrypt every SRTP stream exactly as with the key log
as preference (the stream list with decrypted/auth_failed counts equal, and
every stream decrypted).
"""
import json
import os
import subprocess
import sys
import unittest

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "lib"))
import wstest  # noqa: E402

KEYED = os.path.join(wstest.CAPTURES, "keyed")


def truths():
    out = []
    for f in sorted(os.listdir(KEYED)) if os.path.isdir(KEYED) else []:
        if f.endswith(".truth.json"):
            with open(os.path.join(KEYED, f)) as fp:
                out.append((f[:-len(".truth.json")], json.load(fp)))
    return out


def parse_json(out):
    return json.loads(out[out.index("{"):out.rindex("}") + 1])


class DataChannelsWithKeys(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.ts = wstest.Tshark(with_plugin=True)
        cls.cases = truths()
        assert cls.cases, "no keyed captures in %s" % KEYED
        cls.files = {}
        for name, gt in cls.cases:
            cap = cls.ts.capture(os.path.join(wstest.CAPTURES, gt["capture"]))
            keys = cls.ts.capture(os.path.join(wstest.CAPTURES, gt["keys"]))
            dsb = os.path.join(cls.ts.files, name + "-dsb.pcapng")
            subprocess.run(["editcap", "--inject-secrets", "tls," + keys, cap, dsb], check=True)
            os.chmod(dsb, 0o644)
            cls.files[name] = (cap, keys, dsb)

    def summary(self, cap, prefs, two, kind="json"):
        args = ["-r", cap] + prefs + (["-2"] if two else []) + ["-q", "-z", "webrtc,summary" +
                                                              (",json" if kind == "json" else "")]
        out = self.ts.out(args)
        return parse_json(out) if kind == "json" else out

    def src_port(self, cap, prefs, frame):
        rows = self.ts.fields(cap, ["udp.srcport", "rtcdc.label"],
                              "frame.number==%d" % frame, extra=prefs + ["-2"])
        self.assertEqual(len(rows), 1)
        return int(rows[0][0]), rows[0][1]

    def check_channels(self, name, gt, cap, prefs, two):
        data = self.summary(cap, prefs, two)
        chans = [c for s in data["sessions"] for c in s["datachannels"]]
        flows = {(s["id"], i + 1): fl for s in data["sessions"] for i, fl in enumerate(s["flows"])}
        sess_of = [(s["id"], c) for s in data["sessions"] for c in s["datachannels"]]
        self.assertEqual(sorted(c["stream_id"] for c in chans),
                         sorted(t["stream_id"] for t in gt["datachannels"]),
                         "%s %s two=%s" % (name, prefs[:1], two))
        for sid, c in sess_of:
            t = [t for t in gt["datachannels"] if t["stream_id"] == c["stream_id"]][0]
            what = "%s %s two=%s channel %s" % (name, prefs[:1], two, t["label"])
            for k in ("label", "protocol", "ordered", "reliability"):
                self.assertEqual(c[k], t[k], what + " " + k)
            self.assertEqual(c["messages"], t["opener_messages"] + t["answerer_messages"], what)
            self.assertEqual(c["bytes"], t["opener_bytes"] + t["answerer_bytes"], what)
            self.assertIsInstance(c["open_frame"], int, what)
            fl = flows[(sid, c["flow"])]
            port, label = self.src_port(cap, prefs, c["open_frame"])
            self.assertEqual(label, t["label"], what + " open_frame's label")
            local_port = int(fl["local"].rsplit(":", 1)[1])
            opener_local = port == local_port
            sent = ("opener" if opener_local else "answerer")
            recv = ("answerer" if opener_local else "opener")
            self.assertEqual(c["messages_sent"], t[sent + "_messages"], what)
            self.assertEqual(c["messages_received"], t[recv + "_messages"], what)
            self.assertEqual(c["bytes_sent"], t[sent + "_bytes"], what)
            self.assertEqual(c["bytes_received"], t[recv + "_bytes"], what)
            self.assertLessEqual(c["first"], c["last"], what)
        return data

    def test_keylog_preference(self):
        for name, gt in self.cases:
            cap, keys, _ = self.files[name]
            for two in (False, True):
                self.check_channels(name, gt, cap, ["-o", "webrtc.srtp_keylog:" + keys], two)

    def test_tls_keylog_file(self):
        for name, gt in self.cases:
            cap, keys, _ = self.files[name]
            self.check_channels(name, gt, cap, ["-o", "tls.keylog_file:" + keys], True)

    def test_embedded_secrets(self):
        for name, gt in self.cases:
            _, _, dsb = self.files[name]
            for two in (False, True):
                self.check_channels(name, gt, dsb, [], two)

    def test_text(self):
        for name, gt in self.cases:
            cap, keys, _ = self.files[name]
            out = self.summary(cap, ["-o", "webrtc.srtp_keylog:" + keys], True, kind="text")
            self.assertIn("  Channels (decrypted SCTP streams, RFC 8831;", out, name)
            lines = [ln for ln in out.splitlines() if ln.startswith("  1 ") and '"' in ln]
            self.assertEqual(len(lines), len(gt["datachannels"]), name)
            for t in gt["datachannels"]:
                ln = [x for x in lines if '"%s"' % t["label"] in x]
                self.assertEqual(len(ln), 1, name + " " + t["label"])
                cols = ln[0].split()
                self.assertEqual(int(cols[1]), t["stream_id"], ln[0])
                self.assertIn(t["reliability"], ln[0])
                self.assertIn("ordered" if t["ordered"] else "unordered", cols)

    def test_dtls13_records(self):
        for name, gt in self.cases:
            if gt["dtls"] != "1.3":
                continue
            cap, keys, _ = self.files[name]
            rows = self.ts.fields(cap, ["webrtc.dtls13.content_type", "sctp.data_sid"],
                                  "webrtc.dtls13.content_type", extra=["-o", "webrtc.srtp_keylog:" + keys])
            types = [int(t) for r in rows for t in r[0].split(",")]
            self.assertIn(22, types, name)        # encrypted handshake (epoch 2)
            self.assertIn(23, types, name)        # application data: SCTP
            sids = {int(s, 16) for r in rows for s in r[1].split(",") if s}
            self.assertEqual(sids, {t["stream_id"] for t in gt["datachannels"]}, name)

    def test_without_keys(self):
        for name, gt in self.cases:
            cap, _, _ = self.files[name]
            data = self.summary(cap, [], True)
            self.assertEqual([c for s in data["sessions"] for c in s["datachannels"]], [], name)
            self.assertEqual(self.ts.fields(cap, ["frame.number"], "sctp"), [], name)


class SrtpEmbeddedSecrets(unittest.TestCase):
    def test_dtls_srtp(self):
        ts = wstest.Tshark(with_plugin=True)
        for name in ("firefox-dtls12", "firefox-dtls13"):
            cap = ts.capture(name)
            keys = ts.capture(name + ".keys")
            dsb = os.path.join(ts.files, name + "-dsb.pcapng")
            subprocess.run(["editcap", "--inject-secrets", "tls," + keys, cap, dsb], check=True)
            os.chmod(dsb, 0o644)

            def streams(args):
                d = parse_json(ts.out(args + ["-2", "-q", "-z", "webrtc,summary,json"]))
                return [(st["ssrc"], st["packets"], st["decrypted_packets"], st["auth_failures"])
                        for s in d["sessions"] for st in s["streams"]]
            want = streams(["-r", cap, "-o", "webrtc.srtp_keylog:" + keys])
            got = streams(["-r", dsb])
            self.assertTrue(want and all(w[2] == w[1] for w in want), (name, want))
            self.assertEqual(got, want, name)


if __name__ == "__main__":
    unittest.main(verbosity=2)
