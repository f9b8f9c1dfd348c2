#!/usr/bin/env python3
"""The RTP Player plays decrypted SRTP: tests/player/rtp_play decodes a keyed
capture the way Wireshark's RTP Player does (a retap of the "rtp" tap, codec
plugins chosen by payload type name) and we compare with the ground truth.

  test_player.py NAME    (baresip-sdes, firefox-dtls12, firefox-dtls13)

- G.711 (baresip-sdes, SDES keys from the SIP SDP): every PCMU packet of
  both directions decodes to 160 samples at 8000 Hz, and the audio is the
  generator's: sox `synth 20 sine 300-3000` (test-captures/gen/baresip-sip/
  baresip.sh), an exponential sweep f(t) = 300 * 10^(t/20) Hz; the
  dominant frequency of every whole second must be within 8 % of f at the
  middle of that second.
- Opus (firefox-dtls12/13, key log): PT 109 is named "opus" for every packet
  of the stream (the plugin names it once the decrypted TOCs prove Opus),
  and where the codec plugin opus_dec.so exists (Wireshark 4.4/4.6; Debian
  12's 4.0 has none) every packet decodes at 48000 Hz to Firefox's fake
  audio tone.
- A wrong key: the packets stay SRTP (info_is_srtp), 0 samples; decoding
  the ciphertext anyway (--include-srtp, as the 4.0 Player would) gives
  noise that fails the tone check, so the check can fail.
"""
import glob
import os
import re
import shutil
import sys
import unittest

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "lib"))
import srtpkeys  # noqa: E402
import wstest  # noqa: E402

NAME = sys.argv.pop(1) if len(sys.argv) > 1 else "baresip-sdes"
TOLERANCE = 0.08
# Firefox's fake audio (MediaEngineFake's sine generator): 1 kHz.
FIREFOX_TONE_HZ = 1000


def parse(out):
    """rtp_play's lines -> {(flow, ssrc): {key: value}}."""
    streams = {}
    for line in out.splitlines():
        m = re.match(r"stream (\S+) -> (\S+) (.*)$", line)
        if not m:
            continue
        d = dict(kv.split("=", 1) for kv in m.group(3).split())
        d["pts"] = {}
        for p in d["pt"].split(","):
            pt, rest = p.split(":", 1)
            name, n = rest.rsplit(":", 1)
            d["pts"][int(pt)] = (name, int(n))
        for k in ("packets", "srtp", "decoded_packets", "samples", "rate", "channels"):
            d[k] = int(d[k])
        d["tone"] = [] if d["tone_hz"] == "-" else [int(x) for x in d["tone_hz"].split(",")]
        streams[("%s -> %s" % (m.group(1), m.group(2)), d["ssrc"])] = d
    return streams


def sweep_hz(t):
    return 300.0 * 10 ** (t / 20.0)


def off_tone(tones, expect):
    """Seconds whose dominant frequency is more than TOLERANCE from expect(t)."""
    return [(i, f, round(expect(i + 0.5))) for i, f in enumerate(tones)
            if abs(f - expect(i + 0.5)) > TOLERANCE * expect(i + 0.5)]


class Player(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.ts = wstest.Tshark(with_plugin=True)
        cls.prog = os.path.join(cls.ts.root, "rtp_play")
        shutil.copy(os.environ["WEBRTC_RTP_PLAY"], cls.prog)
        os.chmod(cls.prog, 0o755)
        cls.gt = wstest.ground_truth(NAME)
        cls.cap = cls.ts.capture(cls.gt["capture"])
        cls.keys = srtpkeys.keys_of(cls.gt)
        cls.audio = [s for c in cls.gt["calls"] for s in c["streams"]
                     if s["media"] == "audio" and s["kind"] == "media"]
        cls.prefs = srtpkeys.right_prefs(cls.ts, cls.keys)
        cls.out = cls.play(cls.prefs)
        # The codec plugins the sandbox has (the system's, symlinked).
        cls.codecs = {os.path.basename(p) for p in
                      glob.glob(os.path.join(cls.ts.plugins, "*", "codecs", "*.so"))}

    @classmethod
    def play(cls, prefs, extra=()):
        p = cls.ts.run_program([cls.prog] + prefs + list(extra) + [cls.cap], timeout=300)
        return parse(p.stdout)

    def stream(self, streams, s):
        key = (s["flow"], s["ssrc"])
        self.assertIn(key, streams, "no RTP stream %s %s in rtp_play's output" % key)
        return streams[key]

    def test_audio_decodes(self):
        for s in self.audio:
            with self.subTest(ssrc=s["ssrc"], codec=s["codec"]):
                st = self.stream(self.out, s)
                self.assertEqual(st["srtp"], 0)   # all decrypted
                codec = s["codec"].split("/")[0].lower()
                if codec == "pcmu":
                    self.assertEqual(st["pts"][s["pt"]], ("g711U", s["packets"]))
                    self.assertEqual((st["codec"], st["decoded_packets"], st["samples"],
                                      st["rate"], st["channels"]),
                                     ("g711U", s["packets"], s["packets"] * 160, 8000, 1))
                    self.assertEqual(len(st["tone"]), s["packets"] * 160 // 8000)
                    self.assertEqual(off_tone(st["tone"], sweep_hz), [])
                elif codec == "opus":
                    # The name comes from the plugin (certain Opus guess):
                    # on every Wireshark release, codec plugin or not.
                    self.assertEqual(st["pts"][s["pt"]], ("opus", s["packets"]))
                    if "opus_dec.so" not in self.codecs:
                        continue   # test_opus_decodes says why it skips
                    self.assertEqual((st["codec"], st["decoded_packets"], st["rate"]),
                                     ("opus", s["packets"], 48000))
                    # Firefox sends 20 ms packets (ground truth: ptime).
                    self.assertEqual(st["samples"], s["packets"] * 960)
                    self.assertEqual(off_tone(st["tone"], lambda t: FIREFOX_TONE_HZ), [])
                else:
                    self.fail("no expectation for codec %s" % s["codec"])

    def test_opus_decodes(self):
        if not any(s["codec"].lower().startswith("opus") for s in self.audio):
            raise unittest.SkipTest("no Opus in %s" % NAME)
        if "opus_dec.so" not in self.codecs:
            raise unittest.SkipTest("Wireshark's opus_dec.so codec plugin is absent (Debian 12 "
                                    "ships none for 4.0): Opus decoding is checked in the "
                                    "4.4/4.6 chroots (tests/compat/run.sh)")
        for s in self.audio:
            st = self.stream(self.out, s)
            # 20 ms Opus packets at 48 kHz (the ground truth's Firefox ptime)
            self.assertEqual((st["codec"], st["samples"]), ("opus", s["packets"] * 960))

    def test_wrong_key_plays_nothing(self):
        prefs, _ = srtpkeys.wrong_prefs(self.ts, self.keys)
        out = self.play(prefs)
        for s in self.audio:
            with self.subTest(ssrc=s["ssrc"]):
                st = self.stream(out, s)
                self.assertEqual(st["srtp"], st["packets"])
                self.assertEqual((st["decoded_packets"], st["samples"]), (0, 0))
                # Without the plaintext nothing proves Opus: no name.
                self.assertNotIn("opus", [n for n, _ in st["pts"].values()])
        # The ciphertext decoded anyway (what the 4.0 Player does with SRTP
        # it cannot read) is noise: the tone check fails on most seconds.
        pcmu = [s for s in self.audio if s["codec"].startswith("PCMU")]
        if pcmu:
            out = self.play(prefs, ["--include-srtp"])
            for s in pcmu:
                st = self.stream(out, s)
                self.assertEqual(st["decoded_packets"], s["packets"])
                self.assertGreater(len(off_tone(st["tone"], sweep_hz)), len(st["tone"]) // 2,
                                   st["tone"])


if __name__ == "__main__":
    unittest.main(verbosity=2)
