"""Issue 19, item 2: no valid packet is shown as [Malformed Packet].

Every capture in test-captures/ (and, where $WEBRTC_PUBLIC_CAPTURES or
test-captures/public holds them, the public captures), in one pass and
with -2, whole and cut with `editcap -s 300`: the frames `-Y _ws.malformed`
shows are exactly the listed exceptions, each a packet that is not valid
(Wireshark without the plugin shows it so too).

What made valid packets malformed, and is asserted here:
- SRTP (not decrypted) with the P bit set: Wireshark's RTP dissector reads
  the padding count from the last byte, which is the authentication tag's
  (RFC 3711 §3.1: the count is encrypted), and throws adding the tag; the
  plugin hands it a copy with the P bit cleared (data source "SRTP (padding
  count encrypted)", field webrtc.srtp.padding_encrypted), and the rtp tap
  counts the packet (chromium-firefox-turn: RTX SSRC 0x9cf6994f, 17
  packets, 0 lost on each of its three legs; before: 16 and 1 lost);
- RTP with the P bit whose end the snaplen cut: "Frame has padding, but not
  all the frame data was captured" (group Malformed); handed on with the P
  bit cleared (data source "RTP (padding count not captured)");
- encrypted SRTCP given to Wireshark's RTCP dissector with a conversation
  set up by Wireshark's DTLS dissector: the E bit read at the wrong place
  and the ciphertext dissected as RTCP (firefox-dtls12 frame 991); the
  plugin's SRTCP dissector shows every encrypted SRTCP packet.
"""
import os
import subprocess
import sys
import unittest

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "lib"))
import rtpstreams  # noqa: E402
import wstest  # noqa: E402

# capture -> frames that are malformed on the wire, with why.
EXCEPTIONS = {
    # A random datagram (first byte 0x80-0xBF) that Wireshark's own RTCP
    # heuristic takes, without the plugin too: not RTCP.
    "negatives": {763},
}
# The public captures (real calls, and other protocols) hold many packets
# Wireshark itself shows as malformed (CAPWAP, T.38, ...): there the plugin
# must add none, i.e. each run's malformed frames are a subset of those of
# plain tshark (without the plugin) on the same file, except these frames,
# open (issue 19 left them; exact, so that a change shows):
PUBLIC_OPEN = {
    # Discord encrypts the RTP header extension (its own transport
    # encryption after ICE, not SRTP): the extension length runs past the
    # packet; the flow's RTP is corroborated, these three are its first
    # packets, handed to RTP on the second pass only.
    ("ndpi-discord", "whole", True): {23, 25, 28},
    ("ndpi-discord", "snaplen 300", True): {23, 25, 28},
    # WhatsApp: 25-byte RTP-class datagrams (a one-word extension, 5 bytes
    # of payload) on the second pass; not analysed.
    ("ndpi-stun-wa-call", "whole", True): {78, 81, 96, 99, 104, 124, 125},
    ("ndpi-stun-wa-call", "snaplen 300", True): {78, 81, 96, 99, 104, 124, 125},
    # Cut at 300 bytes, one pass: RTCP-shaped datagrams cut by the snaplen
    # (handed to Wireshark's RTCP dissector as plain RTCP) throw inside the
    # captured part; not analysed.
    ("ndpi-skype-conference-call", "snaplen 300", False): {26, 27, 28, 29, 30},
    ("ndpi-teams", "snaplen 300", False): {1487, 1488, 1499, 1500},
}
# Before issue 19 ndpi-stun-wa-call also had 18 (one pass) and 27 (-2)
# frames, ndpi-telegram-videocall 10 and 10: short SRTP-looking packets
# given the SRTP set-up, and datagrams of Telegram's own protocol after ICE
# flagged webrtc.malformed (now webrtc.not_rtp, group Undecoded).


def captures():
    names = sorted(os.path.basename(p)[:-7] for p in
                   __import__("glob").glob(os.path.join(wstest.CAPTURES, "*.pcapng")))
    return names


class NoMalformed(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.ts = wstest.Tshark(with_plugin=True)
        cls.plain = wstest.Tshark(with_plugin=False)

    def cut(self, path):
        out = os.path.join(self.ts.files, os.path.basename(path).rsplit(".", 1)[0] + "-s300.pcapng")
        if not os.path.exists(out):
            subprocess.run(["editcap", "-s", "300", path, out], check=True)
            os.chmod(out, 0o644)
        return out

    def malformed(self, path, two_pass):
        rows = self.ts.fields(path, ["frame.number"], "_ws.malformed",
                              extra=["-2"] if two_pass else [])
        return {int(r[0]) for r in rows}

    def check(self, name, path, want):
        for cap, label in ((path, "whole"), (self.cut(path), "snaplen 300")):
            for two in (False, True):
                with self.subTest(capture=name, cut=label, two_pass=two):
                    self.assertEqual(self.malformed(cap, two), want)

    def test_captures(self):
        names = captures()
        self.assertEqual(len(names), len(wstest.capture_names()))
        for name in names:
            self.check(name, self.ts.capture(name), EXCEPTIONS.get(name, set()))

    def test_public_captures(self):
        found = 0
        for pub in wstest.public_names():
            gt = wstest.ground_truth(pub)
            path = wstest.find_public_capture(gt["capture"])
            if not path:
                continue
            found += 1
            cap = self.ts.capture(path)
            for c, label in ((cap, "whole"), (self.cut(cap), "snaplen 300")):
                plain = {int(r[0]) for r in self.plain.fields(
                    c, ["frame.number"], "_ws.malformed", extra=["-2"])}
                for two in (False, True):
                    with self.subTest(capture=pub, cut=label, two_pass=two):
                        extra = self.malformed(c, two) - plain
                        name = pub.split("/", 1)[1]
                        self.assertEqual(extra, PUBLIC_OPEN.get((name, label, two), set()))
        if not found:
            self.skipTest("no public capture here (WEBRTC_PUBLIC_CAPTURES)")

    def test_srtp_padding_tapped(self):
        # The RTX stream whose packets have the P bit (RFC 4588 padding-only
        # probes): every one counted, none lost.
        rows = [s for s in rtpstreams.streams(self.ts, "chromium-firefox-turn")
                if s.ssrc == "0x9cf6994f"]
        self.assertEqual([(s.packets, s.lost) for s in rows], [(17, 0)] * 3)
        one = rtpstreams.parse(self.ts.out(["-r", self.ts.capture("chromium-firefox-turn"),
                                            "-q", "-z", "rtp,streams"]))
        self.assertEqual([(s.packets, s.lost) for s in one if s.ssrc == "0x9cf6994f"],
                         [(17, 0)] * 3)

    def test_padding_encrypted_field(self):
        rows = self.ts.fields("chromium-firefox-turn", ["frame.number", "rtp.padding"],
                              "webrtc.srtp.padding_encrypted", extra=["-2"])
        frames = [int(r[0]) for r in rows]
        self.assertIn(314, frames)
        self.assertEqual(len(frames), 69)
        # the RTP dissector was given the copy without the P bit
        self.assertEqual({r[1] for r in rows}, {"0"})


if __name__ == "__main__":
    unittest.main()
