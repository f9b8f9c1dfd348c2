"""Issue "Right in every detail": the results a support engineer reads
first, on real captures (each assertion fails without its rule).

- DTLS cut by the snaplen: "DTLS (version not captured)", JSON null, never
  a guessed version (item 2).
- Short media after an ICE check: the flow is claimed on the check itself,
  before any media (item 4): a capture made of chromium-p2p's last ICE check
  and the 12 RTP packets after it (editcap -r), nothing else.
- Remote role: a candidate that got ICE checks and never answered is
  "candidate (no answer)", not "SFU/media server"; one check and its answer
  are no evidence of an ICE-lite server either (item 5).
- Proving frames: bundle's frame is the first packet of the second media
  kind on its 5-tuple, rtcp_mux's the first packet that has both (item 6).
- Point of view: one capture host per capture, the address the capture was
  taken on (the generators record it), local in every session; none on a
  loopback capture or one of only two hosts, then ends A and B (item 7).
"""
import collections
import os
import subprocess
import sys
import unittest

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "lib"))
import summary  # noqa: E402
import wstest  # noqa: E402

# Where each capture was taken (the generator's description): the host
# whose interface dumpcap listened on, or None (loopback, or a capture
# with only the two peers in it, which cannot tell one end from the other).
CAPTURE_HOST = {
    "chromium-ice-fail": "192.0.2.10",      # "capture on the offerer's interface"
    "mayday-like": "192.0.2.10",            # "captured on the client's interface"
    "baresip-register": "192.0.2.10",       # alice's host (registrar and callee beyond)
    "chromium-multipath": "192.0.2.10",
    "stun-discovery": "192.0.2.10",          # "from the caller's host"
    "chromium-p2p": None,                    # loopback
    "chromium-turn": None,                   # loopback
    "aiortc-nobundle": None,                 # only the two peers
    "gst-rtp-plain": None,
}


class Details(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.ts = wstest.Tshark(with_plugin=True)

    def cut(self, name, snaplen):
        dst = os.path.join(self.ts.files, "%s-s%d.pcapng" % (name, snaplen))
        if not os.path.exists(dst):
            subprocess.run(["editcap", "-s", str(snaplen), self.ts.capture(name), dst], check=True)
            os.chmod(dst, 0o644)
        return dst

    def test_dtls_version_not_guessed_when_cut(self):
        for name in ("chromium-p2p", "firefox-dtls13", "chromium-turn"):
            full = summary.data(self.ts, name)
            cut = summary.data(self.ts, self.cut(name, 300))
            self.assertEqual({f["dtls_version"] for s in full["sessions"] for f in s["flows"]
                              if "dtls" in f["contents"]}, {"1.3"}, name)
            self.assertEqual({f["dtls_version"] for s in cut["sessions"] for f in s["flows"]
                              if "dtls" in f["contents"]}, {None}, name)
            ev = cut["sessions"][0]["traits"]["dtls_srtp"]["evidence"]
            self.assertEqual(ev, "DTLS (version not captured) handshake on the SRTP 5-tuple", name)
            text = summary.text(self.ts, self.cut(name, 300))
            self.assertNotIn("DTLS-1.2", text, name)
            self.assertNotIn("DTLS 1.2", text, name)

    def switch_capture(self):
        """chromium-p2p's last ICE check and answer, then the 12 RTP packets
        after them: a call's last move to a path, cut short."""
        src = self.ts.capture("chromium-p2p")
        rows = self.ts.fields(src, ["frame.number", "stun.type", "rtp.ssrc"], extra=["-2"],
                              display_filter="stun || rtp")
        checks = [int(r[0]) for r in rows if r[1] == "0x0001"]
        last = checks[-1]
        answer = [int(r[0]) for r in rows if r[1] == "0x0101" and int(r[0]) > last][0]
        rtp = [(int(r[0]), r[2]) for r in rows if r[2] and int(r[0]) > answer][:12]
        dst = os.path.join(self.ts.files, "switch.pcapng")
        subprocess.run(["editcap", "-r", src, dst, str(last), str(answer)] +
                       [str(n) for n, _ in rtp], check=True)
        os.chmod(dst, 0o644)
        return dst, rtp

    def test_short_media_after_ice_check_claimed_at_once(self):
        cap, rtp = self.switch_capture()
        self.assertEqual(len(rtp), 12)
        # One pass: the flow is claimed on the check (frame 1), and every RTP
        # packet after the first of its SSRC is RTP (no DTLS here: each
        # SSRC's first packet waits for its second, RFC 3550 §5.1).
        rows = self.ts.fields(cap, ["frame.number", "webrtc.flow.reason", "rtp.ssrc"])
        self.assertEqual(rows[0][1], "1", rows[0])      # ICE
        per_ssrc = collections.Counter(ssrc for _, ssrc in rtp)
        as_rtp = sum(1 for r in rows[2:] if r[2])
        self.assertEqual(as_rtp, 12 - len(per_ssrc))
        # -2: every packet of each SSRC a second packet confirms (the two
        # audio SSRCs, 5 packets each; the two video SSRCs have one each).
        data = summary.data(self.ts, cap)
        streams = data["sessions"][0]["streams"]
        self.assertEqual({st["ssrc"]: st["packets"] for st in streams},
                         {"0x%08x" % int(k, 16): n for k, n in per_ssrc.items() if n > 1})
        self.assertEqual(data["sessions"][0]["flows"][0]["remote_role"], "peer")

    def test_unanswered_candidates(self):
        data = summary.data(self.ts, "chromium-ice-fail")
        self.assertEqual([f["remote_role"] for f in data["sessions"][0]["flows"]],
                         ["candidate (no answer)"])
        data = summary.data(self.ts, "chromium-multipath")
        roles = collections.Counter(f["remote_role"] for s in data["sessions"] for f in s["flows"])
        self.assertNotIn("SFU/media server", roles)
        self.assertEqual(roles["candidate (no answer)"], 8)
        for s in data["sessions"]:
            for f in s["flows"]:
                if f["remote_role"] == "candidate (no answer)":
                    self.assertEqual(f["direction"], "none", f)

    def test_proving_frames(self):
        for name in ("chromium-p2p", "chromium-turn", "gst-webrtcbin", "firefox-dtls13",
                     "chromium-multipath"):
            data = summary.data(self.ts, name)
            rows = self.ts.fields(name, ["frame.number", "udp.srcport", "udp.dstport", "rtp.ssrc",
                                         "rtcp.pt"], extra=["-2"], display_filter="rtp || rtcp")
            for s in data["sessions"]:
                media = {st["ssrc"]: st["media"] for st in s["streams"]}
                tr = s["traits"]
                if tr["bundle"]["value"]:
                    first = {}
                    for r in rows:
                        for ssrc in r[3].split(","):
                            if ssrc and media.get("0x%08x" % int(ssrc, 16)) in ("audio", "video"):
                                first.setdefault(media["0x%08x" % int(ssrc, 16)], int(r[0]))
                    self.assertEqual(tr["bundle"]["frame"], max(first.values()), name)
                if tr["rtcp_mux"]["value"]:
                    f_rtp = min(int(r[0]) for r in rows if r[3])
                    self.assertGreaterEqual(tr["rtcp_mux"]["frame"], f_rtp, name)

    def test_point_of_view(self):
        for name, host in CAPTURE_HOST.items():
            data = summary.data(self.ts, name)
            pov = data["point_of_view"]
            self.assertEqual(pov["capture_host"], host, name)
            text = summary.text(self.ts, name)
            if host:
                self.assertIn("Point of view: capture host %s" % host, text, name)
                for s in data["sessions"]:
                    for f in s["flows"]:
                        if f["remote_role"] in ("peer", "SIP signaling", "candidate (no answer)") \
                                and (f["local"].startswith(host + ":") or
                                     f["remote"].startswith(host + ":")):
                            self.assertTrue(f["local"].startswith(host + ":"), (name, f))
            else:
                self.assertIn("Point of view: no single capture host", text, name)
                self.assertIn("role of B", text, name)
                self.assertNotIn("remote role", text, name)


if __name__ == "__main__":
    unittest.main()
