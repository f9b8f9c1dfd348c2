"""The summary's streams equal the RTP dissection of the same run (issue
"Right in every detail", item 1: no false loss).

For every stream of `-z webrtc,summary,json`, the `-z rtp,streams` table of
the same tshark run must show the same packet count, the same first packet
time and loss exactly when it shows loss: in one pass (the summary then
counts what that pass dissected as RTP) and with -2 (all of the flow's RTP,
also the packets before the flow was recognised), on full captures and at
snaplen 300.

Besides the captures as made, each of LATE is also read from its 4th second
on (editcap -A): a call the capture joined late, where the flow is found
only on its first ICE consent check or TURN message (RFC 7675 §5.1: every
~5 s) or after corroboration. All of those calls are lossless (loopback or
namespaces without impairment), so the summary must show 0.0 % loss on
every stream: before, the model counted only the first 64 packets seen
before the claim (chromium-turn read late: 67 of 385 packets, 82.6 % loss,
in a -2 run whose rtp,streams showed 0 lost).
"""
import json
import os
import subprocess
import sys
import unittest

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "lib"))
import rtpstreams  # noqa: E402
import wstest  # noqa: E402

CAPTURES = ["chromium-turn", "chromium-firefox-turn", "chromium-p2p", "aiortc-nobundle",
            "firefox-dtls13", "gst-webrtcbin", "mayday-like", "baresip-sip", "gst-rtp-plain",
            "chromium-multipath", "chromium-turn-tcp", "gst-h263", "gst-dtmf-only",
            "gst-srtp-aes256", "stun-discovery"]
LATE = ["chromium-turn", "chromium-firefox-turn", "chromium-p2p", "aiortc-nobundle",
        "firefox-dtls13", "gst-webrtcbin"]
LATE_FROM_S = 4.0


class RtpAgreement(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.ts = wstest.Tshark(with_plugin=True)

    def variant(self, name, late, snaplen):
        src = self.ts.capture(name)
        tag = "%s%s%s" % (name, "-late" if late else "", "-s%d" % snaplen if snaplen else "")
        dst = os.path.join(self.ts.files, tag + ".pcapng")
        if os.path.exists(dst):
            return dst
        cur = src
        if late:
            t0 = float(self.ts.fields(src, ["frame.time_epoch"], extra=["-c", "1"])[0][0])
            tmp = os.path.join(self.ts.files, tag + "-a.pcapng")
            subprocess.run(["editcap", "-A", "%.6f" % (t0 + LATE_FROM_S), cur, tmp], check=True)
            cur = tmp
        if snaplen:
            tmp = os.path.join(self.ts.files, tag + "-s.pcapng")
            subprocess.run(["editcap", "-s", str(snaplen), cur, tmp], check=True)
            cur = tmp
        if cur == src:
            return src
        os.rename(cur, dst)
        os.chmod(dst, 0o644)
        return dst

    def check(self, name, late):
        for snaplen in (0, 300):
            cap = self.variant(name, late, snaplen)
            per_flow = {}
            for two in (False, True):
                where = "%s%s snaplen %s %s" % (name, " (late)" if late else "", snaplen or "full",
                                                "-2" if two else "one pass")
                out = self.ts.out(["-r", cap, "-q", "-z", "webrtc,summary,json",
                                   "-z", "rtp,streams"] + (["-2"] if two else []))
                # Taps print in their own order: the JSON is the one line
                # that opens with "{".
                js = json.loads(next(ln for ln in out.splitlines() if ln.startswith("{")))
                rtp = {(s.src, s.dst, s.ssrc): s for s in rtpstreams.parse(out)}
                first = {}
                for line in out.splitlines():
                    m = rtpstreams._ROW.match(line)
                    if m:
                        k = (rtpstreams.endpoint(m.group(3), m.group(4)),
                             rtpstreams.endpoint(m.group(5), m.group(6)),
                             "0x%08x" % int(m.group(7), 16))
                        first[k] = float(m.group(1))
                n = 0
                for sess in js["sessions"]:
                    for st in sess["streams"]:
                        k = (st["src"], st["dst"], st["ssrc"])
                        self.assertIn(k, rtp, "%s: stream %s not in rtp,streams" % (where, k))
                        r = rtp[k]
                        self.assertEqual(st["packets"], r.packets, "%s: %s packets" % (where, k))
                        self.assertEqual(st["loss"] > 0, r.lost > 0,
                                         "%s: %s loss %s vs %d lost" % (where, k, st["loss"], r.lost))
                        self.assertAlmostEqual(st["first"], first[k], delta=0.0015,
                                               msg="%s: %s first" % (where, k))
                        if late:
                            self.assertEqual(st["loss"], 0.0, "%s: %s false loss" % (where, k))
                        n += 1
                self.assertGreater(n, 0, where)
                # What one pass did not count it says, per flow: with it,
                # one pass adds up to the two passes' count exactly.
                counted = {}
                for sess in js["sessions"]:
                    for fl in sess["flows"]:
                        k = tuple(sorted((fl["local"], fl["remote"])))
                        counted[k] = sum(st["packets"] for st in sess["streams"]
                                         if tuple(sorted((st["src"], st["dst"]))) == k)
                        counted[k] += fl["rtp_not_counted"]
                        if two:
                            self.assertEqual(fl["rtp_not_counted"], 0, where)
                self.assertEqual(js["rtp_not_counted"],
                                 sum(fl["rtp_not_counted"] for sess in js["sessions"]
                                     for fl in sess["flows"]), where)
                per_flow[two] = counted
            self.assertEqual(per_flow[False], per_flow[True], "%s%s snaplen %s" % (
                name, " (late)" if late else "", snaplen or "full"))


def _add(name, late):
    def t(self):
        self.check(name, late)
    setattr(RtpAgreement, "test_%s%s" % (name.replace("-", "_"), "_late" if late else ""), t)


for _n in CAPTURES:
    _add(_n, False)
for _n in LATE:
    _add(_n, True)

if __name__ == "__main__":
    unittest.main()
