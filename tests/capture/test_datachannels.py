"""Data channels without keys (issue "WebRTC data channels"): the DTLS
application-data records on an ICE 5-tuple, from their headers.

On every capture whose ground truth counts a flow's data-channel records
(ours, and the public captures of real calls where they are here)
("datachannel_records", test-captures/gen/lib/dtls_app_records.py: Wireshark
without the plugin and an independent reading of the record headers):
- `-z webrtc,summary,json` flows[].datachannel has exactly those records and
  bytes each way (records_sent/received from the flow's local end), the
  first record's frame, and periods that add up to the totals; the flow's
  contents list "datachannel"; the session's trait datachannel is true
  with that frame; every other flow of the capture has datachannel null;
- the same in one pass and with -2, at full length and cut at snaplen
  64/96/128/300: the record headers survive any snaplen;
- `webrtc.datachannel` (records per packet) adds up to the same counts per
  direction, and is on no packet of a flow without data channel;
- the text summary's "Data channels" section lists the flow both ways.
Negatives: every capture whose ground truth has no call and DTLS outside
calls (openssl-dtls: openssl s_client/s_server -dtls1_2, content type 23
records in the clear, no ICE) has 0 sessions, no webrtc.datachannel field
and no "Data channels" section, in one pass and with -2, at full length
and at every snaplen; and the same chromium capture with its STUN packets
removed (DTLS without ICE,
as a DTLS VPN, CAPWAP or `openssl s_client -dtls` would show) has no data
channel anywhere: no webrtc.datachannel field, no "datachannel" content,
trait datachannel false.
"""
import json
import os
import subprocess
import sys
import unittest

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "lib"))
import summary  # noqa: E402
import wstest  # noqa: E402

SNAPLENS = (64, 96, 128, 300)


def truths():
    """(name, ground truth) of the captures with data-channel records: ours,
    and the public captures of real calls that are here (Google Meet,
    GeForce NOW, Zoom's web client; test-captures/public/MANIFEST.md)."""
    out = []
    names = list(wstest.capture_names()) + wstest.public_names()
    for name in names:
        gt = wstest.ground_truth(name)
        if name.startswith("public/") and not wstest.find_public_capture(gt["capture"]):
            continue
        if any("datachannel_records" in fl for c in gt["calls"] for fl in c["flows"]):
            out.append((name, gt))
    return out


def json_of(ts, cap, two):
    out = ts.out(["-r", cap] + (["-2"] if two else []) + ["-q", "-z", "webrtc,summary,json"])
    return json.loads(out[out.index("{"):out.rindex("}") + 1])


def flows_by_key(data):
    got = {}
    for s in data["sessions"]:
        for fl in s["flows"]:
            got[summary.flow_key(fl["local"], fl["remote"], fl["transport"])] = (s, fl)
    return got


class DataChannels(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.ts = wstest.Tshark(with_plugin=True)
        cls.truths = truths()
        if not cls.truths:
            raise unittest.SkipTest("no capture with data-channel ground truth")

    def cut(self, cap, snaplen):
        out = os.path.join(self.ts.files, "%d-%s" % (snaplen, os.path.basename(cap)))
        if not os.path.exists(out):
            subprocess.run(["editcap", "-s", str(snaplen), cap, out], check=True)
            os.chmod(out, 0o644)
        return out

    def check_summary(self, name, gt, data, where, snaplen=None):
        cut = snaplen is not None
        got = flows_by_key(data)
        seen = set()
        for call in gt["calls"]:
            for fl in call["flows"]:
                key = summary.flow_key(fl["a"], fl["b"], fl["transport"])
                want = fl.get("datachannel_records")
                if fl["role"] == "signaling" or (not want and name.startswith("public/")):
                    continue
                if key not in got and snaplen == 64 and fl["a"].startswith("["):
                    # IPv6 cut at 64 bytes: 2 bytes of UDP payload, no
                    # header of anything (as tests/capture/test_snaplen.py)
                    continue
                self.assertTrue(key in got, "%s %s: flow %s" % (name, where, key))
                sess, f = got[key]
                seen.add(key)
                dc = f["datachannel"]
                if not want:
                    self.assertIsNone(dc, "%s %s: flow %s" % (name, where, key))
                    continue
                msg = "%s %s: flow %s" % (name, where, key)
                if dc is None and cut:
                    # DTLS relayed in TURN indications whose DATA the
                    # snaplen cut (TURN over TCP at 64 or 96 bytes): not
                    # counted, and the trait says it is not observable.
                    self.assertIsNone(sess["traits"]["datachannel"]["value"], msg)
                    self.assertEqual(sess["traits"]["datachannel"]["evidence"],
                                     "relayed datagrams not captured", msg)
                    continue
                a_is_local = f["local"] == fl["a"]
                self.assertEqual(dc["records_sent"],
                                 want["a_to_b"] if a_is_local else want["b_to_a"], msg)
                self.assertEqual(dc["records_received"],
                                 want["b_to_a"] if a_is_local else want["a_to_b"], msg)
                self.assertEqual(dc["bytes_sent"],
                                 want["bytes_a_to_b"] if a_is_local else want["bytes_b_to_a"], msg)
                self.assertEqual(dc["bytes_received"],
                                 want["bytes_b_to_a"] if a_is_local else want["bytes_a_to_b"], msg)
                self.assertEqual(dc["records"], want["a_to_b"] + want["b_to_a"], msg)
                self.assertEqual(dc["bytes"], want["bytes_a_to_b"] + want["bytes_b_to_a"], msg)
                self.assertEqual(sum(p["records"] for p in dc["periods"]), dc["records"], msg)
                self.assertEqual(sum(p["bytes"] for p in dc["periods"]), dc["bytes"], msg)
                self.assertEqual(len(dc["periods"]), dc["periods_total"], msg)
                self.assertIn("datachannel", f["contents"], msg)
                tr = sess["traits"]["datachannel"]
                self.assertIs(tr["value"], True, msg)
                self.assertLessEqual(tr["frame"], dc["first_frame"], msg)
        for key, (s, f) in got.items():
            if key not in seen:
                self.assertIsNone(f["datachannel"], "%s %s: flow %s" % (name, where, key))

    def test_records_per_flow(self):
        for name, gt in self.truths:
            full = self.ts.capture(gt["capture"])
            for snaplen in (None,) + SNAPLENS:
                cap = full if snaplen is None else self.cut(full, snaplen)
                for two in (True, False):
                    where = "%s, %s" % ("full" if snaplen is None else "snaplen %d" % snaplen,
                                        "-2" if two else "one pass")
                    self.check_summary(name, gt, json_of(self.ts, cap, two), where,
                                       snaplen=snaplen)

    def test_packet_field(self):
        for name, gt in self.truths:
            rows = self.ts.fields(gt["capture"], ["ip.src", "ipv6.src", "udp.srcport",
                                                  "tcp.srcport", "ip.dst", "ipv6.dst",
                                                  "udp.dstport", "tcp.dstport",
                                                  "webrtc.datachannel",
                                                  "webrtc.datachannel.bytes"],
                                  "webrtc.datachannel", extra=["-2"])
            count, size = {}, {}
            for s4, s6, usp, tsp, d4, d6, udp_, tdp, n, b in rows:
                k = (s4 + ":" + (usp or tsp) if s4 else "[%s]:%s" % (s6, usp or tsp),
                     d4 + ":" + (udp_ or tdp) if d4 else "[%s]:%s" % (d6, udp_ or tdp))
                count[k] = count.get(k, 0) + sum(int(x) for x in n.split(","))
                size[k] = size.get(k, 0) + sum(int(x) for x in b.split(","))
            want_count, want_size = {}, {}
            for call in gt["calls"]:
                for fl in call["flows"]:
                    w = fl.get("datachannel_records")
                    if not w:
                        continue
                    for (src, dst), n, b in (((fl["a"], fl["b"]), w["a_to_b"], w["bytes_a_to_b"]),
                                             ((fl["b"], fl["a"]), w["b_to_a"], w["bytes_b_to_a"])):
                        if n:
                            want_count[(src, dst)], want_size[(src, dst)] = n, b
            self.assertEqual(count, want_count, name)
            self.assertEqual(size, want_size, name)

    def test_text_section(self):
        for name, gt in self.truths:
            text = summary.text(self.ts, gt["capture"])
            self.assertIn("  Data channels: SCTP in DTLS application data, RFC 8261", text, name)
            sec = text[text.index("  Data channels:"):]
            for call in gt["calls"]:
                for fl in call["flows"]:
                    w = fl.get("datachannel_records")
                    if not w:
                        continue
                    for n, b in ((w["a_to_b"], w["bytes_a_to_b"]), (w["b_to_a"], w["bytes_b_to_a"])):
                        if n:
                            self.assertRegex(sec, r"\n  \d+\s+[<>]\s+%d\s+%d\s" % (n, b), name)

    def test_no_ice_no_datachannel(self):
        """DTLS without ICE on the 5-tuple is never a data channel."""
        name, gt = self.truths[0]
        full = self.ts.capture(gt["capture"])
        out = os.path.join(self.ts.files, "no-stun-" + os.path.basename(full))
        plain = wstest.Tshark(with_plugin=False)
        # Wireshark without the plugin selects the packets: the capture as
        # it would be without the ICE checks.
        plain.run(["-r", plain.capture(full), "-Y", "not stun", "-w", os.path.join(plain.files, "x.pcapng")])
        subprocess.run(["cp", os.path.join(plain.files, "x.pcapng"), out], check=True)
        os.chmod(out, 0o644)
        self.assertEqual(self.ts.fields(out, ["frame.number"], "webrtc.datachannel", extra=["-2"]), [])
        data = json_of(self.ts, out, True)
        for s in data["sessions"]:
            self.assertIsNot(s["traits"]["datachannel"]["value"], True)
            for f in s["flows"]:
                self.assertIsNone(f["datachannel"])
                self.assertNotIn("datachannel", f["contents"])
        # ... while the full capture has them (the test can fail).
        self.assertNotEqual(self.ts.fields(full, ["frame.number"], "webrtc.datachannel",
                                           extra=["-2"]), [])


class AppCounters(unittest.TestCase):
    """The truth's data channels agree with what the apps logged (the
    pages' / aio_dc.py's own message logs and, where the stack has it,
    getStats()): for every channel both peers list it with the same label,
    protocol and stream id; what one sent (messagesSent, bytesSent, the
    logged messages one by one) the other received; and the DTLS
    application-data bytes each way on the wire (datachannel_records, read
    without the plugin) carry at least the message bytes the sender at that
    end logged (SCTP and DTLS only add to them)."""

    def test_channels_agree(self):
        n = 0
        for name in wstest.capture_names():
            gt = wstest.ground_truth(name)
            for call in gt["calls"]:
                chans = call.get("data_channels")
                if not chans:
                    continue
                n += 1
                self.assertIs(call["traits"]["datachannel"], True, name)
                by = {(c["peer"], c["label"]): c for c in chans}
                peers = {c["peer"] for c in chans}
                self.assertEqual(peers, {"offer", "answer"}, name)
                for (peer, label), c in by.items():
                    other = by.get(("answer" if peer == "offer" else "offer", label))
                    msg = "%s: %s channel %s" % (name, peer, label)
                    self.assertIsNotNone(other, msg)
                    self.assertEqual((c["protocol"], c["id"]), (other["protocol"], other["id"]), msg)
                    self.assertEqual(c["messagesSent"], len(c["page_sent"]), msg)
                    self.assertEqual(c["bytesSent"], sum(sz for _, sz in c["page_sent"]), msg)
                    self.assertEqual(c["messagesSent"], other["messagesReceived"], msg)
                    self.assertEqual(c["bytesSent"], other["bytesReceived"], msg)
                    self.assertEqual(c["messagesSent"], other["page_received"], msg)
                # bytes each way on the wire >= bytes the sender logged
                sent = {p: sum(c["bytesSent"] for c in chans if c["peer"] == p) for p in peers}
                for p in peers:
                    sel = call.get("ice", {}).get(p, {}).get("selected_pair", {}).get("local")
                    if not sel or sel.get("candidateType") != "host":
                        continue
                    ep = "%s:%d" % (sel["address"], sel["port"])
                    for fl in call["flows"]:
                        w = fl.get("datachannel_records")
                        if w and ep in (fl["a"], fl["b"]):
                            b = w["bytes_a_to_b"] if ep == fl["a"] else w["bytes_b_to_a"]
                            self.assertGreater(b, sent[p], "%s: %s bytes on the wire" % (name, p))
                opened = call.get("data_channels_getstats")
                if isinstance(opened, dict):
                    # getStats() peer-connection dataChannelsOpened: the channels each peer lists
                    for p in peers:
                        self.assertEqual(opened[p]["dataChannelsOpened"],
                                         len([c for c in chans if c["peer"] == p]), (name, p))
                want = call.get("data_channels_expected")
                if want:
                    # what the generator asked the app to send, per label
                    for label, w in want.items():
                        for peer in ("offer", "answer"):
                            c = by[(peer, label)]
                            self.assertEqual(c["messagesSent"], w[peer]["messages"], (name, label, peer))
                            self.assertEqual(c["protocol"], w["protocol"], (name, label))
        if not n:
            self.skipTest("no ground truth lists data channels")


def dtls_negatives():
    """(name, ground truth, outside_calls DTLS entries) of the captures of
    DTLS that is not WebRTC (no call, DTLS outside calls)."""
    out = []
    for name in wstest.capture_names():
        gt = wstest.ground_truth(name)
        dtls = [o for o in gt.get("outside_calls", []) if "dtls" in o.get("contents", [])]
        if not gt["calls"] and dtls:
            out.append((name, gt, dtls))
    return out


class DtlsWithoutIce(unittest.TestCase):
    """DTLS without ICE (openssl s_client/s_server -dtls1_2): never a data
    channel, never a session (issue 15, "Negatives")."""

    @classmethod
    def setUpClass(cls):
        cls.ts = wstest.Tshark(with_plugin=True)
        cls.plain = wstest.Tshark(with_plugin=False)
        cls.negs = dtls_negatives()
        if not cls.negs:
            raise unittest.SkipTest("no DTLS negative capture")

    cut = DataChannels.cut

    def test_truth_has_application_data(self):
        """The capture has what a DTLS 1.2 data channel would show (content
        type 23), as plain Wireshark sees it: the negative can fail."""
        for name, gt, dtls in self.negs:
            rows = self.plain.fields(gt["capture"], ["dtls.record.content_type"], "dtls")
            app = sum(r[0].split(",").count("23") for r in rows)
            want = sum(o["dtls"]["application_data_records"]["a_to_b"] +
                       o["dtls"]["application_data_records"]["b_to_a"] for o in dtls)
            self.assertEqual(app, want, name)
            self.assertGreater(app, 0, name)
            for o in dtls:
                # the page's/app's own counters: one record per line sent
                self.assertEqual(o["dtls"]["application_data_records"]["a_to_b"],
                                 o["dtls"]["lines_sent"]["client"], name)
                self.assertEqual(o["dtls"]["application_data_records"]["b_to_a"],
                                 o["dtls"]["lines_sent"]["server"], name)
                self.assertEqual(o["dtls"]["lines_received"],
                                 {"client": o["dtls"]["lines_sent"]["server"],
                                  "server": o["dtls"]["lines_sent"]["client"]}, name)

    def test_no_session_no_datachannel(self):
        for name, gt, _ in self.negs:
            full = self.ts.capture(gt["capture"])
            for snaplen in (None,) + SNAPLENS:
                cap = full if snaplen is None else self.cut(full, snaplen)
                for two in (True, False):
                    where = "%s %s, %s" % (name, "full" if snaplen is None else
                                           "snaplen %d" % snaplen, "-2" if two else "one pass")
                    data = json_of(self.ts, cap, two)
                    self.assertEqual(data["sessions"], [], where)
                    self.assertEqual(data["stun_outside_calls"], [], where)
                    self.assertNotIn("datachannel", json.dumps(data), where)
                    self.assertEqual(self.ts.fields(cap, ["frame.number"], "webrtc.datachannel",
                                                    extra=["-2"] if two else []), [], where)

    def test_text_has_no_datachannel(self):
        for name, gt, _ in self.negs:
            text = summary.text(self.ts, gt["capture"])
            self.assertIn("WebRTC sessions: 0", text, name)
            self.assertNotIn("Data channels", text, name)


if __name__ == "__main__":
    unittest.main(verbosity=2)
