#!/usr/bin/python3
"""Ground truth of gst-h263 / gst-dtmf-only (see README.md), stdlib only.

BUILD from what GStreamer itself logged: the sender's pad probe on the
payloader (h263) or rtpdtmfsrc (dtmf) source pad lists every RTP packet
it handed to udpsink (SSRC, PT, sequence, timestamp, marker, size; for
events the RFC 4733 fields). The capture (own pcapng parser of
../chromium-p2p/groundtruth.py) must hold exactly these packets, in this
order, on one 5-tuple, and nothing else but ARP; the receiver must have
received them all (and, for dtmf, rtpdtmfdepay must have posted the same
digits).
VERIFY with plain tshark: Decode As RTP on the port gives the same
SSRC/PT/sequence list; h263: Wireshark's RFC 2190 dissector sees every
packet and the frames (RTP timestamps) and markers agree; dtmf: the
RTP EVENT dissector gives the digits and the end-of-event packets.
"""
import argparse
import collections
import importlib.util
import json
import os
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
sys.dont_write_bytecode = True
_spec = importlib.util.spec_from_file_location(
    "chromium_p2p_groundtruth", os.path.join(HERE, "..", "chromium-p2p", "groundtruth.py"))
g = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(g)
sys.path.insert(0, os.path.join(HERE, "..", "lib"))
import gen_info  # noqa: E402

fail, info, tshark = g.fail, g.info, g.tshark
DIGITS = "0123456789*#ABCD"


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--mode", choices=["h263", "dtmf"], required=True)
    ap.add_argument("--pcap", required=True)
    ap.add_argument("--sender", required=True)
    ap.add_argument("--receiver", required=True)
    ap.add_argument("--capture-name", required=True)
    ap.add_argument("--generator", required=True)
    ap.add_argument("--out", required=True)
    ap.add_argument("--record-dir")
    a = ap.parse_args()
    snd = json.load(open(a.sender))
    rcv = json.load(open(a.receiver))
    sent = snd["packets"]
    if not sent:
        raise SystemExit("the sender logged no packet")

    frames = g.parse_frames(a.pcap)
    tss = [f["ts"] for f in frames]
    duration = max(tss) - min(tss)
    udp = [f for f in frames if f["proto"] == "udp"]
    other = [f for f in frames if f["proto"] not in ("udp",)]
    flows = collections.Counter(g.ep_key(f["src"], f["dst"]) for f in udp)
    if len(flows) != 1:
        fail("expected one UDP 5-tuple, capture has %s" % dict(flows))
    (fa, fb), npk = flows.most_common(1)[0]
    src = udp[0]["src"]
    dst = udp[0]["dst"]
    wire = []
    for f in udp:
        if f["src"] != src:
            fail("frame %d goes the other way (%s -> %s)" % (f["n"], f["src"], f["dst"]))
            continue
        it = g.classify(f["payload"])
        if it[0][0] != "rtp":
            fail("frame %d is not RTP-shaped: %r" % (f["n"], it))
            continue
        p = f["payload"]
        wire.append({"n": f["n"], "seq": int.from_bytes(p[2:4], "big"), "ts": int.from_bytes(p[4:8], "big"),
                     "ssrc": "%#010x" % it[0][1], "pt": it[0][2], "marker": bool(p[1] & 0x80), "size": len(p)})
    for f in other:
        if f["proto"] is not None:
            fail("frame %d: unexpected %s" % (f["n"], f["proto"]))
    info("capture: %d frames (%d UDP, %d other), %.3f s" % (len(frames), len(udp), len(other), duration))
    key = lambda e: (e["ssrc"], e["pt"], e["seq"], e["ts"], e["marker"], e["size"])  # noqa: E731
    if [key(e) for e in wire] != [key(e) for e in sent]:
        fail("the capture's RTP packets differ from the sender's log (%d vs %d)" % (len(wire), len(sent)))
    if rcv["packets"] != len(sent) or rcv.get("error"):
        fail("receiver got %d packets (error %r), sender sent %d" % (rcv["packets"], rcv.get("error"), len(sent)))
    ssrcs = {e["ssrc"] for e in sent}
    pts = {e["pt"] for e in sent}
    if len(ssrcs) != 1 or len(pts) != 1:
        fail("one SSRC and one PT expected: %s %s" % (ssrcs, pts))
    ssrc, pt = ssrcs.pop(), pts.pop()

    call = {"id": "call-1"}
    if a.mode == "h263":
        byts = collections.OrderedDict()
        for e in sent:
            byts.setdefault(e["ts"], []).append(e)
        ppf = collections.Counter(len(v) for v in byts.values())
        markers_ok = all(v[-1]["marker"] and not any(x["marker"] for x in v[:-1]) for v in byts.values())
        if not markers_ok:
            fail("marker is not on exactly the last packet of every frame")
        if pt != 34:
            fail("PT %d, expected the static H.263 PT 34" % pt)
        if rcv["decoded_buffers"] != len(byts):
            fail("receiver decoded %d frames, sender sent %d" % (rcv["decoded_buffers"], len(byts)))
        call["description"] = ("GStreamer videotestsrc 352x288 15 fps ! avenc_h263 (libavcodec H.263, GOB every "
                               "600 bytes, I-frame every 45 frames) ! rtph263pay (RFC 2190, static PT 34, MTU 1000)"
                               " ! udpsink; plain RTP, no RTCP, no signaling; a GStreamer receiver depayloads "
                               "and decodes")
        stream = {"ssrc": ssrc, "pt": 34, "media": "video", "codec": "H263/90000", "kind": "media",
                  "encrypted": False, "flow": "%s -> %s" % (src, dst), "packets": len(sent)}
        call["video_frames"] = {"frames": len(byts), "packets_per_frame": {str(k): v for k, v in sorted(ppf.items())},
                                "frames_with_several_packets": len([v for v in byts.values() if len(v) > 1]),
                                "marker_on_last_packet_of_every_frame": markers_ok,
                                "decoded_by_receiver": rcv["decoded_buffers"]}
        event_pts, events = [], []
    else:
        if pt != 101:
            fail("PT %d, expected 101" % pt)
        ev = collections.OrderedDict()
        for e in sent:
            ev.setdefault(e["ts"], []).append(e)
        summary = []
        for ts, v in ev.items():
            summary.append({"digit": DIGITS[v[0]["event"]], "rtp_timestamp": ts, "packets": len(v),
                            "first_frame": next(w["n"] for w in wire if w["ts"] == ts),
                            "start_packets_with_marker": len([x for x in v if x["marker"]]),
                            "start_packets": len([x for x in v if x["duration"] == v[0]["duration"] and not x["end"]]),
                            "end_packets": len([x for x in v if x["end"]]),
                            "final_duration": v[-1]["duration"], "volume": v[0]["volume"]})
        digits = "".join(s["digit"] for s in summary)
        if digits != snd["digits_pressed"]:
            fail("digits on the wire %r, pressed %r" % (digits, snd["digits_pressed"]))
        if rcv.get("digits") != digits:
            fail("rtpdtmfdepay posted %r, sent %r" % (rcv.get("digits"), digits))
        call["description"] = ("GStreamer rtpdtmfsrc (RFC 4733, PT 101, 8 kHz, ptime 50 ms, packet-redundancy 3) "
                               "! udpsink: telephone events alone, no audio stream, no RTCP, no signaling; the app "
                               "sends the element start/stop dtmf-event events (each digit held 250 ms); a "
                               "GStreamer receiver runs rtpdtmfdepay")
        stream = {"ssrc": ssrc, "pt": 101, "media": "audio", "codec": "telephone-event/8000", "kind": "event",
                  "encrypted": False, "flow": "%s -> %s" % (src, dst), "packets": len(sent)}
        event_pts = [101]
        events = [{"ssrc": ssrc, "pt": 101, "digits": digits}]
        call["event_packets"] = summary
    call["flows"] = [{"a": fa, "b": fb, "transport": "udp", "role": "media-rtp", "contents": ["rtp"],
                      "packets": npk}]
    call["streams"] = [stream]
    call["event_pts"] = event_pts
    if events:
        call["events"] = events
    call["traits"] = {t: False for t in ("ice", "turn", "srtp", "dtls_srtp", "sdes", "bundle", "rtcp_mux",
                                         "web_signaling", "datachannel")}
    call["verdict"] = "not-webrtc"
    call["key_frames"] = {"first_ice_check": None, "first_dtls": None, "first_media": wire[0]["n"] if wire else None}
    sw = gen_info.software([("gstreamer", "libgstreamer1.0-0"), ("gst-plugins-good", "gstreamer1.0-plugins-good")]
                           + ([("gst-libav", "gstreamer1.0-libav")] if a.mode == "h263" else []))
    gt = gen_info.truth_head(a.capture_name, a.generator, sw, len(frames), duration)
    gt["description"] = call["description"] + "; capture on the sender's veth"
    gt["calls"] = [call]

    # ---- VERIFY with plain tshark
    port = fb.rsplit(":", 1)[1] if fb == dst else fa.rsplit(":", 1)[1]
    da = ["-r", a.pcap, "-d", "udp.port==%s,rtp" % port]
    n = len(tshark(["-r", a.pcap, "-T", "fields", "-e", "frame.number"]).split())
    if n != len(frames):
        fail("tshark %d frames, own %d" % (n, len(frames)))
    rows = [r.split(",") for r in tshark(da + ["-Y", "rtp", "-T", "fields", "-E", "separator=,", "-e", "frame.number",
                                                "-e", "rtp.ssrc", "-e", "rtp.p_type", "-e", "rtp.seq",
                                                "-e", "rtp.timestamp", "-e", "rtp.marker"]).splitlines()]
    ws = [(int(r[0]), "%#010x" % int(r[1], 16), int(r[2]), int(r[3]), int(r[4]), r[5] in ("1", "True")) for r in rows]
    own = [(e["n"], e["ssrc"], e["pt"], e["seq"], e["ts"], e["marker"]) for e in wire]
    if ws != own:
        fail("tshark RTP list differs from the own parse (%d vs %d rows)" % (len(ws), len(own)))
    if a.mode == "h263":
        h = tshark(da + ["-Y", "h263", "-T", "fields", "-e", "frame.number"]).split()
        if len(h) != len(sent):
            fail("Wireshark's H.263 (RFC 2190) dissector sees %d packets, sent %d" % (len(h), len(sent)))
        info("verify: tshark RTP %d packets, H.263 %d, frames %d" % (len(ws), len(h), call["video_frames"]["frames"]))
    else:
        rows = [r.split(",") for r in tshark(da + ["-Y", "rtpevent", "-T", "fields", "-E", "separator=,",
                                                    "-e", "rtp.timestamp", "-e", "rtpevent.event_id",
                                                    "-e", "rtpevent.end_of_event"]).splitlines()]
        dig, last = "", None
        for ts_, eid, _end in rows:
            if ts_ != last:
                dig += DIGITS[int(eid)]
                last = ts_
        ends = len([r for r in rows if r[2] in ("1", "True")])
        if dig != events[0]["digits"] or len(rows) != len(sent) or ends != sum(s["end_packets"] for s in summary):
            fail("tshark RTP EVENT: digits %r, %d packets, %d end packets" % (dig, len(rows), ends))
        info("verify: tshark RTP EVENT digits %s, %d packets, %d with the E bit" % (dig, len(rows), ends))

    if g.ERRORS:
        print("\n%d check(s) failed; no ground truth written." % len(g.ERRORS), file=sys.stderr)
        sys.exit(1)
    with open(a.out, "w") as f:
        json.dump(gt, f, indent=2)
        f.write("\n")
    if a.record_dir:
        os.makedirs(a.record_dir, exist_ok=True)
        with open(os.path.join(a.record_dir, "sender-summary.json"), "w") as f:
            json.dump({k: v for k, v in snd.items() if k != "packets"}, f, indent=1)
            f.write("\n")
        with open(os.path.join(a.record_dir, "receiver.json"), "w") as f:
            json.dump(rcv, f, indent=1)
            f.write("\n")


if __name__ == "__main__":
    main()
