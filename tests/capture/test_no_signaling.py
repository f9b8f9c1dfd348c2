"""Classic RTP with the signaling cut away: the baresip SIP call with every
SIP frame removed (as on a capture taken on the media path only).

Without the plugin Wireshark finds nothing; with it, both RTP streams are
found by corroboration, the RTCP on port + 1 is paired with them, and the
RFC 4733 events on payload type 101 are validated and decoded, all from the
packets alone.
"""
import collections
import os
import sys
import unittest

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "lib"))
import groundtruth  # noqa: E402
import rtpstreams  # noqa: E402
import wstest  # noqa: E402

SOURCE = "baresip-sip"


class NoSignaling(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.ts = wstest.Tshark(with_plugin=True)
        cls.plain = wstest.Tshark(with_plugin=False)
        cls.gt = wstest.ground_truth(SOURCE)
        cls.call = cls.gt["calls"][0]
        src = cls.ts.capture(SOURCE)
        cls.cap = os.path.join(cls.ts.files, "nosip.pcapng")
        cls.ts.run(["-r", src, "-Y", "!sip && !icmp", "-w", cls.cap])
        cls.plain_cap = cls.plain.capture(cls.cap)

    def rows(self, fields, flt):
        return self.ts.fields(self.cap, fields, flt, extra=["-2"])

    def test_cut_capture_has_no_sip(self):
        self.assertEqual(len(self.rows(["frame.number"], "sip || sdp")), 0)
        sip = [f for f in self.call["flows"] if f["role"] == "sip"][0]
        total = len(self.rows(["frame.number"], ""))
        self.assertEqual(total, self.gt["packets"] - sip["packets"] - len(
            self.ts.fields(SOURCE, ["frame.number"], "icmp")))

    def test_plain_wireshark_finds_nothing(self):
        self.assertEqual(rtpstreams.streams(self.plain, self.plain_cap), [])

    def test_streams_found(self):
        got = sorted(("%s -> %s" % (s.src, s.dst), s.ssrc, s.payload)
                     for s in rtpstreams.streams(self.ts, self.cap))
        want = []
        for st in self.call["streams"]:
            if st["kind"] == "media":
                has_events = any(e["ssrc"] == st["ssrc"] for e in self.call.get("events", []))
                want.append((st["flow"], st["ssrc"],
                             "g711U, telephone-event" if has_events else "g711U"))
        self.assertEqual(got, sorted(want))

    def test_packets_per_payload_type(self):
        got = collections.Counter()
        for r in self.rows(["ip.src", "udp.srcport", "ip.dst", "udp.dstport", "rtp.ssrc",
                            "rtp.p_type"], "rtp"):
            got[("%s:%s -> %s:%s" % tuple(r[:4]), "0x%08x" % int(r[4], 16), int(r[5]))] += 1
        want = collections.Counter({(s["flow"], s["ssrc"], s["pt"]): s["packets"]
                                    for s in self.call["streams"]})
        self.assertEqual(dict(got), dict(want))

    def test_events_decoded(self):
        ev = self.call["events"][0]
        rows = self.rows(["rtp.timestamp", "rtpevent.event_id"],
                         "rtpevent && rtp.ssrc == %s" % ev["ssrc"])
        digits, last = "", None
        for ts_, eid in rows:
            if ts_ != last:
                digits += "0123456789*#ABCD"[int(eid)]
                last = ts_
        self.assertEqual(digits, ev["digits"])
        want = sum(s["packets"] for s in self.call["streams"] if s["kind"] == "event")
        self.assertEqual(len(rows), want)
        self.assertEqual(len(self.rows(["frame.number"], "rtpevent")), want)

    def test_rtcp_on_port_plus_one(self):
        # Every RTCP frame is RTCP. Those sent before the RTP flow was found
        # (the first report pair, sent at call start) are taken by
        # Wireshark's own rtcp_udp heuristic on the first pass, and UDP
        # replays that choice on later passes; from the pairing on, the
        # plugin dissects them.
        fl = [f for f in self.call["flows"] if f["role"] == "media-rtcp"][0]
        flt = groundtruth.flow_filter(fl["a"], fl["b"], "udp")
        self.assertEqual(len(self.rows(["frame.number"], flt)), fl["packets"])
        self.assertEqual(len(self.rows(["frame.number"], flt + " && rtcp")), fl["packets"])
        paired = self.rows(["frame.number"], flt + " && webrtc.flow.reason == 6")
        first_rtp = int(self.rows(["frame.number"], "rtp")[0][0])
        before = self.rows(["frame.number"], "%s && frame.number < %d" % (flt, first_rtp))
        self.assertEqual(len(paired), fl["packets"] - len(before))

    def test_expert_evidence(self):
        rtp = self.rows(["frame.number"], '_ws.expert.message contains "RTP detected without '
                        'signaling: SSRC"')
        self.assertEqual(len(rtp), 1)
        self.assertEqual(len(self.rows(["frame.number"], "webrtc.rfc4733.accepted")), 1)
        self.assertEqual(len(self.rows(["frame.number"], "webrtc.rtcp.paired")), 1)
        self.assertEqual(len(self.rows(["frame.number"], "webrtc.rfc4733.rejected")), 0)
        self.assertEqual(len(self.rows(["frame.number"], "webrtc.flow.srtp == 1")), 0)


if __name__ == "__main__":
    unittest.main(verbosity=2)
