#!/usr/bin/python3
"""Ground truth of gst-rtp-tcp (see README.md), stdlib only.

BUILD from what the software itself logged: each GStreamer sender's pad
probe on its payloader lists every RTP packet it handed to rtpstreampay
(SSRC, PT, sequence, timestamp, marker, size, SHA-1 of the bytes); dig's
own output and the list of questions give the DNS exchange.
CHECK against the capture with an own parser: the pcapng reader and TCP
reassembler of ../chromium-p2p/groundtruth.py and
../chromium-turn-tcp/groundtruth_tcp.py (by sequence number from the SYN;
gaps and retransmissions with other bytes fail). The capture must hold
exactly three TCP connections (and ARP): on each media connection the
sender's byte stream, cut per RFC 4571 (2-byte length, then the packet),
must be exactly the logged packets in order, byte for byte, with nothing
left over and not one byte the other way; the receiver must have got the
same packets (sequence and SHA-1) out of rtpstreamdepay and decoded every
one. On the DNS connection both byte streams, cut per RFC 1035 4.2.2, must
be the 36 questions asked (names and types in order) and one answer to
each (same ID, QR set, the status and ID dig printed).
VERIFY with plain tshark 4.0 (no plugin): Decode As RTP on a TCP port is
Wireshark's RFC 4571 dissector there (rtp.rfc4571.len): it must give the
same SSRC/PT/sequence/timestamp/marker/length list in the same frames;
without Decode As it finds no RTP at all; its DNS dissector (TCP port 53)
must give the same messages in the same frames. Informational: Decode As
RTP forced on the DNS port, how many messages RTP-shaped.
"""
import argparse
import collections
import hashlib
import importlib.util
import json
import os
import re
import struct
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
sys.dont_write_bytecode = True
_spec = importlib.util.spec_from_file_location(
    "chromium_turn_tcp_groundtruth", os.path.join(HERE, "..", "chromium-turn-tcp", "groundtruth_tcp.py"))
t = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(t)
g = t.g                      # ../chromium-p2p/groundtruth.py as groundtruth_tcp.py loaded it (one ERRORS list)
sys.path.insert(0, os.path.join(HERE, "..", "lib"))
import gen_info  # noqa: E402

fail, info, tshark = g.fail, g.info, g.tshark
MEDIA = {"pcma": {"codec": "PCMA/8000", "pt": 8, "what": "alawenc ! rtppcmapay (PCMA, static PT 8, 20 ms)"},
         "opus": {"codec": "opus/48000/2", "pt": 111, "what": "opusenc ! rtpopuspay (Opus, PT 111, 20 ms)"}}
QTYPES = {1: "A", 2: "NS", 5: "CNAME", 6: "SOA", 12: "PTR", 15: "MX", 16: "TXT", 28: "AAAA", 33: "SRV", 255: "ANY"}
RCODES = {0: "NOERROR", 1: "FORMERR", 2: "SERVFAIL", 3: "NXDOMAIN", 4: "NOTIMP", 5: "REFUSED"}


def truthy(v):
    return v in ("1", "True", "true")


def byte_frames(segs, src, dst):
    """Function: offset in the src -> dst byte stream -> the first frame
    (capture order) whose segment carries that byte; and the list of
    (offset, length, frame) of the segments with data."""
    isn = next(((s["seq"] + 1) & 0xFFFFFFFF for s in segs
                if s["src"] == src and s["dst"] == dst and s["flags"] & 0x02), None)
    parts = [((s["seq"] - isn) & 0xFFFFFFFF, len(s["payload"]), s["n"]) for s in segs
             if isn is not None and s["src"] == src and s["dst"] == dst and s["payload"]]

    def at(off):
        return min((n for o, ln, n in parts if o <= off < o + ln), default=None)
    return at, parts


def cut(stream, src, dst, what):
    """2-byte-length framing (RFC 4571 / RFC 1035 4.2.2): [(offset, body)]."""
    out, o = [], 0
    while o < len(stream):
        if len(stream) - o < 2:
            fail("%s %s -> %s: 1 trailing byte" % (what, src, dst))
            break
        ln = struct.unpack_from("!H", stream, o)[0]
        if o + 2 + ln > len(stream):
            fail("%s %s -> %s: frame at offset %d (length %d) truncated" % (what, src, dst, o, ln))
            break
        out.append((o, stream[o + 2:o + 2 + ln]))
        o += 2 + ln
    return out


def dns_parse(m):
    ident, flags, qd = struct.unpack_from("!HHH", m, 0)
    o, labels = 12, []
    while m[o]:
        labels.append(m[o + 1:o + 1 + m[o]].decode("ascii"))
        o += 1 + m[o]
    qtype = struct.unpack_from("!H", m, o + 1)[0]
    return {"id": ident, "qr": bool(flags & 0x8000), "opcode": (flags >> 11) & 0xF,
            "rcode": RCODES.get(flags & 0xF, str(flags & 0xF)), "qdcount": qd,
            "ancount": struct.unpack_from("!H", m, 6)[0], "qname": ".".join(labels),
            "qtype": QTYPES.get(qtype, str(qtype))}


def conn_info(segs, a, b):
    """client/server by the SYN; FIN/RST frames."""
    syn = [s for s in segs if {s["src"], s["dst"]} == {a, b} and s["flags"] & 0x12 == 0x02]
    if len(syn) != 1:
        fail("TCP %s <-> %s: %d SYN without ACK" % (a, b, len(syn)))
        return None
    fins = {s["src"]: s["n"] for s in segs if {s["src"], s["dst"]} == {a, b} and s["flags"] & 0x01}
    rst = [s["n"] for s in segs if {s["src"], s["dst"]} == {a, b} and s["flags"] & 0x04]
    return {"client": syn[0]["src"], "server": syn[0]["dst"], "syn_frame": syn[0]["n"], "fin_frames": fins,
            "rst_frames": rst}


def media_connection(segs, conv, port, snd, rcv):
    """The RFC 4571 connection of one sender: checks, wire list and facts."""
    keys = [k for k in conv if k[1].endswith(":%d" % port) or k[2].endswith(":%d" % port)]
    if len(keys) != 1:
        fail("expected one TCP connection on port %d, capture has %s" % (port, keys))
        return None
    _, a, b = keys[0]
    ci = conn_info(segs, a, b)
    if ci is None:
        return None
    # sender -> receiver: the RTP sender is the TCP client (tcpclientsink) or server (tcpserversink)
    src, dst = (ci["client"], ci["server"]) if snd["tcp_role"] == "client" else (ci["server"], ci["client"])
    back = t.reassemble(segs, dst, src)
    if back:
        fail("TCP %s -> %s (receiver to sender) carries %d bytes, expected none" % (dst, src, len(back)))
    stream = t.reassemble(segs, src, dst)
    at, parts = byte_frames(segs, src, dst)
    wire = []
    for o, p in cut(stream, src, dst, "RFC 4571"):
        if len(p) < 12 or p[0] >> 6 != 2:
            fail("RFC 4571 %s -> %s: frame at offset %d is not RTP (%r)" % (src, dst, o, p[:4]))
            continue
        wire.append({"first_frame": at(o), "frame": at(o + 1 + len(p)), "seq": struct.unpack_from("!H", p, 2)[0],
                     "ts": struct.unpack_from("!I", p, 4)[0], "ssrc": "%#010x" % struct.unpack_from("!I", p, 8)[0],
                     "pt": p[1] & 0x7F, "marker": bool(p[1] & 0x80), "size": len(p),
                     "sha1": hashlib.sha1(p).hexdigest(), "offset": o})
    sent = snd["packets"]
    key = lambda e: (e["ssrc"], e["pt"], e["seq"], e["ts"], e["marker"], e["size"], e["sha1"])  # noqa: E731
    if [key(e) for e in wire] != [key(e) for e in sent]:
        fail("TCP %s -> %s: the RFC 4571 frames differ from the sender's log (%d vs %d)"
             % (src, dst, len(wire), len(sent)))
    if rcv.get("error") or not rcv.get("eos") or rcv["received"] != [[e["seq"], e["sha1"]] for e in sent]:
        fail("receiver on %d: %d packets, eos %s, error %r; sender sent %d"
             % (port, rcv["packets"], rcv.get("eos"), rcv.get("error"), len(sent)))
    if rcv["decoded_buffers"] != len(sent):
        fail("receiver on %d decoded %d buffers, %d packets sent" % (port, rcv["decoded_buffers"], len(sent)))
    ssrcs = {e["ssrc"] for e in sent}
    pts = {e["pt"] for e in sent}
    if len(ssrcs) != 1 or pts != {MEDIA[snd["codec"]]["pt"]}:
        fail("one SSRC and PT %d expected on %d: %s %s" % (MEDIA[snd["codec"]]["pt"], port, ssrcs, pts))
    # how the frames lie in the segments
    starts = collections.Counter()
    for w in wire:
        starts[at(w["offset"])] += 1
    bounds = {w["offset"] for w in wire}
    facts = {"flow": "%s -> %s" % (src, dst), "tcp_client": ci["client"], "rtp_sender_is": "tcp " + snd["tcp_role"],
             "syn_frame": ci["syn_frame"], "first_rtp_frame": wire[0]["first_frame"] if wire else None,
             "last_rtp_frame": wire[-1]["frame"] if wire else None,
             "fin_frames": {"sender": ci["fin_frames"].get(src), "receiver": ci["fin_frames"].get(dst)},
             "rst_frames": ci["rst_frames"], "rfc4571_frames": len(wire), "stream_bytes": len(stream),
             "segments_with_data": len(parts),
             "segments_with_several_frames": len([n for n, c in starts.items() if c > 1]),
             "segments_not_starting_a_frame": len([1 for o, _ln, _n in parts if o not in bounds]),
             "frames_split_across_segments": len([w for w in wire if w["first_frame"] != w["frame"]]),
             "length_prefix_min_max": [min(w["size"] for w in wire), max(w["size"] for w in wire)] if wire else None,
             "receiver_packets": rcv["packets"], "receiver_decoded_buffers": rcv["decoded_buffers"],
             "receiver_decoded_samples": rcv["decoded_samples"]}
    if ci["rst_frames"]:
        fail("TCP %s <-> %s: RST in frames %s" % (a, b, ci["rst_frames"]))
    info("media %s: %d RFC 4571 frames in %d segments, first RTP frame %s, SSRC %s PT %s"
         % (facts["flow"], len(wire), len(parts), facts["first_rtp_frame"], sorted(ssrcs), sorted(pts)))
    return {"key": keys[0], "src": src, "dst": dst, "wire": wire, "facts": facts, "ssrc": min(ssrcs),
            "pt": min(pts), "codec": snd["codec"]}


def dns_connection(segs, conv, work):
    keys = [k for k in conv if k[1].endswith(":53") or k[2].endswith(":53")]
    if len(keys) != 1:
        fail("expected one TCP connection to port 53 (dig +keepopen), capture has %s" % keys)
        return None
    _, a, b = keys[0]
    ci = conn_info(segs, a, b)
    if ci is None:
        return None
    cli, srv = ci["client"], ci["server"]
    asked = [tuple(line.split()) for line in open(os.path.join(work, "dig-queries.txt")) if line.strip()]
    dig = open(os.path.join(work, "dig.txt")).read()
    heads = re.findall(r"->>HEADER<<- opcode: QUERY, status: (\w+), id: (\d+)", dig)
    questions = re.findall(r";; QUESTION SECTION:\n;(\S+)\.\s+IN\s+(\S+)", dig)
    if len(heads) != len(asked) or [(n.lower(), ty) for n, ty in questions] != [(n.lower(), ty) for n, ty in asked]:
        fail("dig answered %d of %d questions (or others)" % (len(heads), len(asked)))
    if len(re.findall(r"\(TCP\)", dig)) != len(asked):
        fail("dig did not use TCP for every question")
    msgs = {}
    for src, dst, kind in ((cli, srv, "query"), (srv, cli, "response")):
        at, _parts = byte_frames(segs, src, dst)
        out = []
        for o, m in cut(t.reassemble(segs, src, dst), src, dst, "DNS"):
            d = dns_parse(m)
            d.update(kind=kind, length=len(m), first_frame=at(o), frame=at(o + 1 + len(m)), first_byte=m[0],
                     second_byte=m[1])
            if d["qr"] != (kind == "response") or d["opcode"] != 0 or d["qdcount"] != 1:
                fail("DNS %s at offset %d: qr %s opcode %d qdcount %d" % (kind, o, d["qr"], d["opcode"], d["qdcount"]))
            out.append(d)
        msgs[kind] = out
    q, r = msgs["query"], msgs["response"]
    if [(d["qname"].lower(), d["qtype"]) for d in q] != [(n.lower().rstrip("."), ty) for n, ty in asked]:
        fail("DNS queries on the wire differ from the questions asked")
    if len(r) != len(q) or any(x["id"] != y["id"] or x["qname"] != y["qname"] or x["qtype"] != y["qtype"]
                               or y["first_frame"] <= x["frame"] for x, y in zip(q, r)):
        fail("DNS responses do not answer the queries one by one")
    if [(d["rcode"], str(d["id"])) for d in r] != heads:
        fail("DNS responses (rcode, id) differ from dig's output")
    order = sorted(q + r, key=lambda d: (d["first_frame"], d["kind"] == "query"))
    rtp_shaped = [d for d in order if 0x80 <= d["first_byte"] <= 0xBF]
    rtcp_shaped = [d for d in rtp_shaped if 192 <= d["second_byte"] <= 223]      # RFC 5761 4
    facts = {"client": cli, "server": srv, "syn_frame": ci["syn_frame"],
             "fin_frames": {"client": ci["fin_frames"].get(cli), "server": ci["fin_frames"].get(srv)},
             "rst_frames": ci["rst_frames"],
             "framing": "RFC 1035 4.2.2 (RFC 7766): 2-byte length, then the DNS message",
             "queries": len(q), "responses": len(r),
             "rcodes": dict(sorted(collections.Counter(d["rcode"] for d in r).items())),
             "qtypes": dict(sorted(collections.Counter(d["qtype"] for d in q).items())),
             "length_min_max": [min(d["length"] for d in order), max(d["length"] for d in order)],
             "messages_first_byte_0x80_0xbf": len(rtp_shaped),
             "of_them_second_byte_192_223": len(rtcp_shaped),
             "messages": [{"frame": d["frame"], "kind": d["kind"], "id": "%#06x" % d["id"], "length": d["length"],
                           "qname": d["qname"], "qtype": d["qtype"]}
                          | ({"rcode": d["rcode"], "answers": d["ancount"]} if d["kind"] == "response" else {})
                          for d in order]}
    info("dns %s <-> %s: %d queries, %d responses %s, %d messages start with 0x80-0xBF"
         % (cli, srv, len(q), len(r), facts["rcodes"], len(rtp_shaped)))
    return {"key": keys[0], "msgs": order, "facts": facts}


def fields(args, names):
    out = tshark(args + ["-T", "fields", "-E", "separator=\t", "-E", "occurrence=a", "-E", "aggregator=,"]
                 + [x for n in names for x in ("-e", n)])
    rows = []
    for line in out.splitlines():
        cols = [c.split(",") if c else [] for c in line.split("\t")]
        for i in range(max(len(c) for c in cols[1:])):
            rows.append([cols[0][0]] + [c[i] if i < len(c) else "" for c in cols[1:]])
    return rows


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--pcap", required=True)
    ap.add_argument("--work", required=True, help="sender-*.json, receiver-*.json, dig.txt, dig-queries.txt")
    ap.add_argument("--capture-name", required=True)
    ap.add_argument("--generator", required=True)
    ap.add_argument("--out", required=True)
    ap.add_argument("--record-dir")
    a = ap.parse_args()
    snd = {c: json.load(open(os.path.join(a.work, "sender-%s.json" % c))) for c in MEDIA}
    rcv = {c: json.load(open(os.path.join(a.work, "receiver-%s.json" % c))) for c in MEDIA}

    frames = g.parse_frames(a.pcap)
    raw = list(g.read_pcapng(a.pcap))
    segs = t.tcp_segments(a.pcap)
    tss = [f["ts"] for f in frames]
    duration = max(tss) - min(tss)
    conv = collections.OrderedDict()
    arp = 0
    for f, (_ts, lt, data) in zip(frames, raw):
        if f["proto"] == "tcp":
            conv.setdefault(("tcp",) + g.ep_key(f["src"], f["dst"]), []).append(f)
        elif f["proto"] is None and lt == 1 and struct.unpack_from("!H", data, 12)[0] == 0x0806:
            arp += 1
        else:
            fail("frame %d: unexpected %s" % (f["n"], f["proto"] or "non-IP, non-ARP frame"))
    if len(conv) != 3:
        fail("expected 3 TCP connections, capture has %d: %s" % (len(conv), list(conv)))
    media = [media_connection(segs, conv, snd[c]["port"], snd[c], rcv[c]) for c in MEDIA]
    dns = dns_connection(segs, conv, a.work)
    if None in media or dns is None:
        print("\n%d check(s) failed; no ground truth written." % len(g.ERRORS), file=sys.stderr)
        sys.exit(1)
    info("capture: %d frames (%d TCP, %d ARP), %.3f s" % (len(frames), sum(map(len, conv.values())), arp, duration))

    # ---- the ground truth: one call per connection. The two pipelines run
    # together between the same two hosts, but nothing on the wire joins
    # them (no signaling, no shared 5-tuple or SSRC, no ICE/DTLS): plain
    # RTP between two hosts is also what a trunk between media gateways
    # carries for many unrelated calls, so they are two related calls.
    what = {"pcma": "audiotestsrc ! %s ! rtpstreampay ! tcpclientsink, to a tcpserversrc receiver"
                    % MEDIA["pcma"]["what"],
            "opus": "audiotestsrc ! %s ! rtpstreampay ! tcpserversink, the receiver's tcpclientsrc "
                    "connected to it" % MEDIA["opus"]["what"]}
    calls = []
    for i, m in enumerate(media):
        call = {"id": "call-%d" % (i + 1),
                "description": ("GStreamer alone, no signaling, no RTCP: RTP framed per RFC 4571 "
                                "(rtpstreampay: 2-byte length before every packet) on one TCP "
                                "connection: %s; the receiver runs rtpstreamdepay, depayloads and "
                                "decodes" % what[m["codec"]])}
        call["flows"] = [{"a": m["key"][1], "b": m["key"][2], "transport": "tcp", "role": "media-rtp",
                          "contents": ["rtp"], "packets": len(conv[m["key"]])}]
        call["streams"] = [{"ssrc": m["ssrc"], "pt": m["pt"], "media": "audio",
                            "codec": MEDIA[m["codec"]]["codec"], "kind": "media", "encrypted": False,
                            "flow": "%s -> %s" % (m["src"], m["dst"]), "packets": len(m["wire"])}]
        call["event_pts"] = []
        call["traits"] = {k: False for k in ("ice", "turn", "srtp", "dtls_srtp", "sdes", "bundle",
                                             "rtcp_mux", "web_signaling", "datachannel")}
        call["verdict"] = "not-webrtc"
        call["key_frames"] = {"first_ice_check": None, "first_dtls": None,
                              "first_media": m["facts"]["first_rtp_frame"]}
        call["tcp_media"] = [dict(m["facts"], ssrc=m["ssrc"], pt=m["pt"])]
        calls.append(call)
    sw = gen_info.software([("gstreamer", "libgstreamer1.0-0"), ("gst-plugins-base", "gstreamer1.0-plugins-base"),
                            ("gst-plugins-good", "gstreamer1.0-plugins-good"), ("libopus", "libopus0"),
                            ("python3-gi", "python3-gi"), ("dnsmasq", "dnsmasq-base"), ("dig", "bind9-dnsutils")])
    gt = gen_info.truth_head(a.capture_name, a.generator, sw, len(frames), duration)
    df = dns["facts"]
    gt["description"] = ("GStreamer alone, no signaling, no RTCP: RTP framed per RFC 4571 (rtpstreampay: "
                         "2-byte length before every packet) on two TCP connections, one stream each, one "
                         "each way (%s; %s); beside it DNS over TCP, dig +tcp +keepopen asking dnsmasq %d "
                         "questions on one kept-open connection (also 2-byte length framing, RFC 1035 4.2.2), "
                         "the negative; capture on the veth of 198.51.100.1" % (what["pcma"], what["opus"], df["queries"]))
    gt["calls"] = calls
    gt["related"] = [{"calls": ["call-1", "call-2"], "shares_host": "198.51.100.1", "joined_on_wire": False}]
    gt["outside_calls"] = [{
        "flow": "%s <-> %s" % dns["key"][1:], "transport": "tcp", "packets": len(conv[dns["key"]]),
        "contents": [],
        "reason": ("negative: DNS over TCP (RFC 1035 4.2.2, RFC 7766), dig +tcp +keepopen (bind9-dnsutils) asking "
                   "dnsmasq %d questions on one kept-open connection, %d answers (%s); every message has a "
                   "2-byte length in front, as RTP over RFC 4571 has, and %d of them start with a byte of "
                   "0x80-0xBF (RTP version 2; %d of these with a second byte of 192-223, RTCP-shaped), but "
                   "none is RTP or RTCP: no RTP stream, no call"
                   % (df["queries"], df["responses"], ", ".join("%s %d" % kv for kv in df["rcodes"].items()),
                      df["messages_first_byte_0x80_0xbf"], df["of_them_second_byte_192_223"])),
        "dns": df}]

    # ---- VERIFY with plain tshark
    n = len(tshark(["-r", a.pcap, "-T", "fields", "-e", "frame.number"]).split())
    if n != len(frames):
        fail("tshark %d frames, own %d" % (n, len(frames)))
    plain = tshark(["-r", a.pcap, "-Y", "rtp || rtcp || stun || dtls", "-T", "fields", "-e", "frame.number"]).split()
    if plain:
        fail("plain tshark without Decode As sees RTP/RTCP/STUN/DTLS in %d frames" % len(plain))
    da = [x for c in MEDIA for x in ("-d", "tcp.port==%d,rtp" % snd[c]["port"])]
    rows = fields(["-r", a.pcap] + da + ["-Y", "rtp"], ["frame.number", "ip.src", "tcp.srcport", "ip.dst",
                                                         "tcp.dstport", "rtp.ssrc", "rtp.p_type", "rtp.seq",
                                                         "rtp.timestamp", "rtp.marker", "rtp.rfc4571.len"])
    ws = sorted((int(r[0]), "%s:%s -> %s:%s" % (r[1], r[2], r[3], r[4]), "%#010x" % int(r[5], 16), int(r[6]),
                 int(r[7]), int(r[8]), truthy(r[9]), int(r[10])) for r in rows)
    own = sorted((w["frame"], "%s -> %s" % (m["src"], m["dst"]), w["ssrc"], w["pt"], w["seq"], w["ts"], w["marker"],
                  w["size"]) for m in media for w in m["wire"])
    if ws != own:
        fail("tshark with %s: its RFC 4571 RTP list differs from the own parse (%d vs %d)" % (" ".join(da),
                                                                                            len(ws), len(own)))
    rows = fields(["-r", a.pcap, "-Y", "dns"], ["frame.number", "dns.id", "dns.flags.response", "dns.qry.name",
                                                 "dns.qry.type"])
    wd = [(int(r[0]), int(r[1], 16), truthy(r[2]), r[3]) for r in rows]
    od = [(d["frame"], d["id"], d["kind"] == "response", d["qname"]) for d in dns["msgs"]]
    if sorted(wd) != sorted(od):
        fail("tshark's DNS messages differ from the own parse (%d vs %d)" % (len(wd), len(od)))
    # Informational: Decode As RTP forced on the DNS port. Wireshark's RFC 4571
    # dissector hands a frame whose second byte is 192-223 to RTCP (RFC 5761).
    forced = fields(["-r", a.pcap, "-d", "tcp.port==53,rtp", "-Y", "rtp || rtcp"],
                    ["frame.number", "rtp.version", "rtcp.version"])
    f_rtp = [r for r in forced if r[1]]
    f_rtcp = [r for r in forced if r[2]]
    v2 = len([r for r in f_rtp if r[1] == "2"])
    if (len(f_rtp) + len(f_rtcp) != len(dns["msgs"]) or v2 + len(f_rtcp) != df["messages_first_byte_0x80_0xbf"]
            or len(f_rtcp) != df["of_them_second_byte_192_223"]):
        fail("forced Decode As RTP on port 53: %d RTP (%d version 2), %d RTCP; own: %d messages, %d with "
             "0x80-0xBF first, %d of them RTCP-shaped" % (len(f_rtp), v2, len(f_rtcp), len(dns["msgs"]),
                                                         df["messages_first_byte_0x80_0xbf"],
                                                         df["of_them_second_byte_192_223"]))
    gt["outside_calls"][0]["reason"] += (
        "; informational: plain tshark with Decode As RTP forced on TCP port 53 cuts the %d messages per RFC 4571 "
        "and shows %d as RTP (%d of them version 2) and %d as RTCP (second byte 192-223)"
        % (len(forced), len(f_rtp), v2, len(f_rtcp)))
    info("verify: tshark %s: %d RTP in %d frames, as own parse; no RTP without Decode As; DNS %d messages; "
         "forced RTP on port 53: %d RTP (%d version 2), %d RTCP" % (" ".join(da), len(ws), len({w[0] for w in ws}),
                                                                  len(wd), len(f_rtp), v2, len(f_rtcp)))

    if g.ERRORS:
        print("\n%d check(s) failed; no ground truth written." % len(g.ERRORS), file=sys.stderr)
        sys.exit(1)
    with open(a.out, "w") as f:
        json.dump(gt, f, indent=2)
        f.write("\n")
    if a.record_dir:
        os.makedirs(a.record_dir, exist_ok=True)
        for c in MEDIA:
            with open(os.path.join(a.record_dir, "sender-%s-summary.json" % c), "w") as f:
                s = {k: v for k, v in snd[c].items() if k != "packets"}
                s["packets"] = len(snd[c]["packets"])
                s["first_packet"], s["last_packet"] = snd[c]["packets"][0], snd[c]["packets"][-1]
                json.dump(s, f, indent=1)
                f.write("\n")
            with open(os.path.join(a.record_dir, "receiver-%s.json" % c), "w") as f:
                json.dump({k: v for k, v in rcv[c].items() if k != "received"}, f, indent=1)
                f.write("\n")
        for name in ("dig.txt", "dig-queries.txt"):
            with open(os.path.join(a.work, name)) as src, open(os.path.join(a.record_dir, name), "w") as dst:
                dst.write(src.read())


if __name__ == "__main__":
    main()
