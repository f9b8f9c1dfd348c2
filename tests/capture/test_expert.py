"""Issue 19, item 5: expert infos, exact `-z expert` counts per capture.

- Wireshark's RTCP dissector warns "Encrypted RTCP Payload - not dissected"
  (srtcp.encrypted_payload, Undecoded/Warn) on every SRTCP packet it is
  given: the normal case without keys (before: 59 on chromium-p2p, 163 on
  chromium-turn, 159 on chromium-firefox-turn). Encrypted SRTCP is shown by
  the plugin's own SRTCP view (header with rtcp.pt/rtcp.senderssrc, the
  ciphertext, srtcp.e/index/auth_tag): no warning.
- How a flow came to be decoded (webrtc.flow.claimed, rtp.detected,
  rtcp.mux, rtcp.paired, turn.media, rfc4733.*) is group Assumption, not
  Protocol (a protocol violation); webrtc.cap.* Undecoded, not Sequence.
- "RTP detected without signaling" only on flows nothing signaled.

Counts per severity and the plugin's and RTP/RTCP's rows, one pass.
"""
import os
import re
import sys
import unittest

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "lib"))
import wstest  # noqa: E402

ROW = re.compile(r"^\s+(\d+)\s+(\S+)\s+(\S+)\s+(.*)$")
SEV = re.compile(r"^(Errors|Warns|Notes|Chats|Comments) \((\d+)\)")
PROTOS = ("WebRTC", "RTP", "RTCP", "SRTCP", "SRTP")


def expert(ts, name, extra=()):
    out = ts.out(["-r", ts.capture(name), "-q", "-z", "expert"] + list(extra))
    sev, rows = {}, []
    for line in out.splitlines():
        m = SEV.match(line)
        if m:
            sev[m.group(1)] = int(m.group(2))
            continue
        m = ROW.match(line)
        if m and m.group(3) in PROTOS:
            rows.append((int(m.group(1)), m.group(2), m.group(3), m.group(4).strip()))
    return sev, sorted(rows)


EXPECTED = {'chromium-firefox-turn': ({'Chats': 20, 'Notes': 8},
                           [(1,
                             'Assumption',
                             'WebRTC',
                             'Media transport: 5-tuple carries ICE/STUN (frame 234)'),
                            (1,
                             'Assumption',
                             'WebRTC',
                             'Media transport: relayed inside TURN (frame 225)'),
                            (1,
                             'Assumption',
                             'WebRTC',
                             'Media transport: relayed inside TURN (frame 246)'),
                            (1, 'Assumption', 'WebRTC', 'RTP inside TURN channel 0x4000'),
                            (1, 'Assumption', 'WebRTC', 'RTP inside a TURN Send/Data indication'),
                            (3,
                             'Assumption',
                             'WebRTC',
                             'RTCP multiplexed on RTP port (RFC 5761)')]),
 'chromium-p2p': ({'Chats': 14, 'Notes': 6},
                  [(1,
                    'Assumption',
                    'WebRTC',
                    'Media transport: 5-tuple carries ICE/STUN (frame 80)'),
                   (1, 'Assumption', 'WebRTC', 'RTCP multiplexed on RTP port (RFC 5761)')]),
 'chromium-turn': ({'Chats': 18, 'Notes': 4, 'Warns': 1},
                   [(1,
                     'Assumption',
                     'WebRTC',
                     'Media transport: 5-tuple carries ICE/STUN (frame 98)'),
                    (1, 'Assumption', 'WebRTC', 'Media transport: relayed inside TURN (frame 112)'),
                    (1, 'Assumption', 'WebRTC', 'Media transport: relayed inside TURN (frame 96)'),
                    (2, 'Assumption', 'WebRTC', 'RTP inside TURN channel 0x4000'),
                    (3, 'Assumption', 'WebRTC', 'RTCP multiplexed on RTP port (RFC 5761)')]),
 'firefox-dtls12': ({'Chats': 6, 'Notes': 4},
                    [(1,
                      'Assumption',
                      'WebRTC',
                      'Media transport: 5-tuple carries ICE/STUN (frame 27)'),
                     (1, 'Assumption', 'WebRTC', 'RTCP multiplexed on RTP port (RFC 5761)')]),
 'gst-rtp-plain': ({'Chats': 4, 'Notes': 2},
                   [(1,
                     'Assumption',
                     'WebRTC',
                     'RTCP on RTP port + 1: RTCP between the same hosts on the ports after RTP '
                     'flow 5004/5004 (found in frame 22)'),
                    (1,
                     'Assumption',
                     'WebRTC',
                     'RTCP on RTP port + 1: RTCP between the same hosts on the ports after RTP '
                     'flow 5006/5006 (found in frame 7)'),
                    (1,
                     'Assumption',
                     'WebRTC',
                     'RTP detected without signaling: SSRC 0x7dc3ad93: 4 packets in sequence of '
                     "one frame, payloads of 1388-1388 bytes (a packetizer's fragments)"),
                    (1,
                     'Assumption',
                     'WebRTC',
                     'RTP detected without signaling: SSRC 0xab60b79f: 4 packets in sequence, '
                     'timestamps advancing at 44100 Hz'),
                    (1,
                     'Assumption',
                     'WebRTC',
                     'payload type 100 rejected as RFC 4733: payload too large for an event'),
                    (1,
                     'Assumption',
                     'WebRTC',
                     'payload type 101 rejected as RFC 4733: payload too large for an event')]),
 'gst-srtp-aes256': ({'Chats': 6, 'Notes': 3},
                     [(1,
                       'Assumption',
                       'WebRTC',
                       'RTCP on RTP port + 1: RTCP between the same hosts on the ports after RTP '
                       'flow 5004/5004 (found in frame 23)'),
                      (1,
                       'Assumption',
                       'WebRTC',
                       'RTCP on RTP port + 1: RTCP between the same hosts on the ports after RTP '
                       'flow 5006/5006 (found in frame 8)'),
                      (1,
                       'Assumption',
                       'WebRTC',
                       'RTCP on RTP port + 1: RTCP between the same hosts on the ports after RTP '
                       'flow 5008/5008 (found in frame 25)'),
                      (1,
                       'Assumption',
                       'WebRTC',
                       'RTP detected without signaling: SSRC 0x1b5651ce: 4 packets in sequence of '
                       "one frame, payloads of 1392-1392 bytes (a packetizer's fragments)"),
                      (1,
                       'Assumption',
                       'WebRTC',
                       'RTP detected without signaling: SSRC 0xb4219dc8: 4 packets in sequence, '
                       'timestamps advancing at 44100 Hz'),
                      (1,
                       'Assumption',
                       'WebRTC',
                       'RTP detected without signaling: SSRC 0xe96db410: 4 packets in sequence, '
                       'timestamps advancing at 44100 Hz'),
                      (1,
                       'Assumption',
                       'WebRTC',
                       'payload type 100 rejected as RFC 4733: payload too large for an event'),
                      (1,
                       'Assumption',
                       'WebRTC',
                       'payload type 101 rejected as RFC 4733: payload too large for an event'),
                      (1,
                       'Assumption',
                       'WebRTC',
                       'payload type 102 rejected as RFC 4733: payload too large for an event')]),
 'mayday-like': ({'Chats': 5, 'Notes': 2, 'Warns': 2},
                 [(1, 'Assumption', 'WebRTC', 'Media transport: relayed inside TURN (frame 129)'),
                  (1, 'Assumption', 'WebRTC', 'RTCP multiplexed on RTP port (RFC 5761)'),
                  (1, 'Assumption', 'WebRTC', 'RTP inside TURN channel 0x4000')])}


class Expert(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.ts = wstest.Tshark(with_plugin=True)

    def test_counts(self):
        for name, want in EXPECTED.items():
            with self.subTest(capture=name):
                self.assertEqual(expert(self.ts, name), want)

    def test_no_srtcp_warning(self):
        for name in wstest.capture_names():
            with self.subTest(capture=name):
                sev, rows = expert(self.ts, name)
                self.assertEqual([r for r in rows if "Encrypted RTCP Payload" in r[3]], [])


if __name__ == "__main__":
    unittest.main()
