"""Issue "Heuristic dissectors": exact results of the plugin on one capture.

Usage: test_heuristics.py NAME   (test-captures/NAME.pcapng + NAME.json)

With the plugin and default preferences, two-pass dissection:
- `-z rtp,streams` lists exactly the ground-truth streams (direction, SSRC),
  nothing more (0 on the negatives), and RTP packets per direction, SSRC and
  payload type are exactly the ground truth's (counted from rtp fields: the
  streams table's own packet column can be one short for a stream whose
  first packet has timestamp 0, a Wireshark quirk seen without the plugin);
- no frame of a call's transport flows is left as `data`;
- no RTCP is shown as RTP (marker + PT 64-95), and every RTCP-shaped datagram
  (RFC 5761 §4: first byte 128-191, second 192-223) of a UDP media flow is
  dissected as RTCP or SRTCP;
- RTP EVENT appears only on ground-truth telephone-event streams that are in
  the clear (or SRTP keyed by SDES in the capture itself, decrypted by
  default), on all of their packets, with the ground-truth digits.
"""
import collections
import os
import sys
import unittest

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "lib"))
import groundtruth  # noqa: E402
import rtpstreams  # noqa: E402
import wstest  # noqa: E402

NAME = sys.argv.pop(1) if len(sys.argv) > 1 else None
RTCP_SHAPED = ("udp.payload[0] >= 0x80 && udp.payload[0] <= 0xbf && "
               "udp.payload[1] >= 0xc0 && udp.payload[1] <= 0xdf")


class Heuristics(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.ts = wstest.Tshark(with_plugin=True)
        cls.gt = wstest.ground_truth(NAME)
        cls.cap = cls.gt["capture"]

    def count(self, flt):
        return len(self.ts.fields(self.cap, ["frame.number"], flt, extra=["-2"]))

    def media_flows(self):
        for call in self.gt["calls"]:
            for fl in call["flows"]:
                if fl["role"] not in ("signaling", "sip"):
                    yield fl

    def test_rtp_streams_exact(self):
        got = sorted(("%s -> %s" % (s.src, s.dst), s.ssrc)
                     for s in rtpstreams.streams(self.ts, self.cap))
        want = sorted({(st["flow"], st["ssrc"]) for call in self.gt["calls"]
                       for st in call["streams"]})
        self.assertEqual(got, want)

    def test_rtp_packets_exact(self):
        rows = self.ts.fields(self.cap, rtpstreams.PACKET_FIELDS, "!icmp && rtp", extra=["-2"])
        self.assertEqual(dict(rtpstreams.packets_per_stream(rows)),
                         dict(rtpstreams.ground_truth_packets(self.gt)))

    def test_no_data_on_media_flows(self):
        for fl in self.media_flows():
            flt = "!icmp && data && " + groundtruth.flow_filter(fl["a"], fl["b"], fl["transport"])
            self.assertEqual(self.count(flt), 0, "%s <-> %s" % (fl["a"], fl["b"]))

    def test_no_rtcp_shown_as_rtp(self):
        self.assertEqual(self.count("rtp.marker == 1 && rtp.p_type >= 64 && rtp.p_type <= 95"), 0)

    def test_muxed_rtcp_dissected(self):
        for fl in self.media_flows():
            if fl["transport"] != "udp" or groundtruth._relays_media(fl):
                continue  # RTCP inside ChannelData or Send/Data indications
            base = "!icmp && %s && %s" % (groundtruth.flow_filter(fl["a"], fl["b"], "udp"),
                                          RTCP_SHAPED)
            shaped = self.count(base)
            self.assertEqual(self.count(base + " && (rtcp || srtcp)"), shaped,
                             "%s <-> %s" % (fl["a"], fl["b"]))
            if {"rtcp", "srtcp"} & set(fl["contents"]):
                self.assertGreater(shaped, 0, "%s <-> %s" % (fl["a"], fl["b"]))

    @staticmethod
    def readable(call, st):
        """Plain RTP, or SRTP whose key the capture itself carries (SDES is
        used by default; a DTLS key log only when configured)."""
        return not st["encrypted"] or any(
            k["source"] == "sdes" and st["ssrc"] in k["ssrcs"] for k in call.get("keys", []))

    def test_rtp_events_only_where_true(self):
        rows = self.ts.fields(self.cap, ["rtp.ssrc", "rtp.p_type", "rtp.timestamp",
                                         "rtpevent.event_id"], "!icmp && rtpevent",
                              extra=["-2"])
        got = collections.Counter(("0x%08x" % int(r[0], 16), int(r[1])) for r in rows)
        want = collections.Counter()
        for call in self.gt["calls"]:
            for st in call["streams"]:
                if st["kind"] == "event" or st["pt"] in call["event_pts"]:
                    if self.readable(call, st):
                        want[(st["ssrc"], st["pt"])] += st["packets"]
        self.assertEqual(dict(got), dict(want))
        for call in self.gt["calls"]:
            for ev in call.get("events", []):
                if not any(s["ssrc"] == ev["ssrc"] and self.readable(call, s)
                           for s in call["streams"]):
                    continue
                digits, last = "", None
                for r in rows:
                    if "0x%08x" % int(r[0], 16) == ev["ssrc"] and r[2] != last:
                        digits += "0123456789*#ABCD"[int(r[3])]
                        last = r[2]
                self.assertEqual(digits, ev["digits"])

    def test_negatives_untouched(self):
        if "negatives" not in self.gt:
            self.skipTest("not a negatives capture")
        dtls = [o for o in self.gt.get("outside_calls", []) if "dtls" in o.get("contents", [])]
        if dtls:
            # DTLS without ICE (openssl-dtls): the demultiplexer hands each
            # record to Wireshark's DTLS dissector (RFC 7983 §7), so those
            # frames carry the webrtc layer, but nothing else does, and
            # nothing is a data channel (test_datachannels.DtlsWithoutIce).
            self.assertEqual(self.count("webrtc && !dtls"), 0)
            self.assertEqual(self.count("webrtc"), sum(o["packets"] for o in dtls))
            self.assertEqual(self.count("webrtc.datachannel"), 0)
        else:
            self.assertEqual(self.count("webrtc"), 0)
        self.assertEqual(rtpstreams.streams(self.ts, self.cap), [])


if __name__ == "__main__":
    unittest.main(verbosity=2)
