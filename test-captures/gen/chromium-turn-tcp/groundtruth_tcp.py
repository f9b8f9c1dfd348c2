#!/usr/bin/python3
"""Build and verify the ground truth of the chromium-turn-tcp capture (stdlib only).

Used by gen/chromium-turn/generate.sh with TURN_TRANSPORT=tcp. The helpers
(pcapng reader, STUN / ChannelData / RFC 7983 classifier, SDP parser, the
SDP+getStats view of both peers, RFC 4733 events, relay addresses, tshark
runner, last-run record) come from ../chromium-p2p/groundtruth.py; this file
adds what TURN over TCP needs:

  * a TCP reassembler (per direction, by sequence number, from the SYN; gaps,
    overlaps with different bytes and trailing partial messages fail), and
  * RFC 8656 §12.5 framing of the client<->TURN byte streams: a STUN message
    is 20 + length bytes (first two bits 00), a ChannelData message is
    4 + length bytes padded to a multiple of 4 (first two bits 01).

Each message of the TCP streams and each UDP datagram of the relay leg is
classified as in chromium-turn (STUN, TURN, ChannelData and its inner
payload: DTLS, RTP-shaped -> SRTP, RTCP-shaped -> SRTCP). A stream entry is
one (SSRC, PT, sender -> receiver 5-tuple); on the TCP legs its `packets` is
the number of ChannelData messages carrying an RTP packet of that SSRC/PT in
that direction, on the UDP relay leg the number of datagrams.

VERIFY repeats the counts with plain tshark 4.0 (no plugin): its STUN
dissector is registered on TCP port 3478, reassembles the TCP stream and
leaves the ChannelData payload in data.data; the relay leg is read with
Decode As RTP on the two relayed ports. Any disagreement aborts (exit 1)
and nothing is written.
"""
import argparse
import collections
import datetime
import importlib.util
import json
import os
import socket
import struct
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
sys.dont_write_bytecode = True   # leave no __pycache__ in ../chromium-p2p
_spec = importlib.util.spec_from_file_location(
    "chromium_p2p_groundtruth", os.path.join(HERE, "..", "chromium-p2p", "groundtruth.py"))
g = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(g)

fail, info = g.fail, g.info
ORDER = ["stun", "turn", "channeldata", "dtls", "rtp", "srtp", "rtcp", "srtcp", "sip", "tls", "http", "websocket"]


# ------------------------------------------------------------------ TCP ---

def tcp_segments(path):
    """List of dict(n, src, dst, seq, flags, payload) for IPv4 TCP frames
    (same frame numbering as g.parse_frames)."""
    segs = []
    for n, (_ts, lt, data) in enumerate(g.read_pcapng(path), 1):
        if lt != 1 or len(data) < 34 or struct.unpack_from("!H", data, 12)[0] != 0x0800:
            continue
        ip = data[14:]
        if ip[0] >> 4 != 4 or ip[9] != 6:
            continue
        ihl = (ip[0] & 0x0F) * 4
        tot = struct.unpack_from("!H", ip, 2)[0]
        l4 = ip[ihl:tot]
        sp, dp, seq = struct.unpack_from("!HHI", l4, 0)
        doff = (l4[12] >> 4) * 4
        segs.append({"n": n, "src": "%s:%d" % (socket.inet_ntoa(ip[12:16]), sp),
                     "dst": "%s:%d" % (socket.inet_ntoa(ip[16:20]), dp),
                     "seq": seq, "flags": l4[13], "payload": l4[doff:]})
    return segs


def reassemble(segs, src, dst):
    """The byte stream src -> dst, from the SYN's ISN. Returns bytes."""
    isn = None
    for s in segs:
        if s["src"] == src and s["dst"] == dst and s["flags"] & 0x02:
            isn = (s["seq"] + 1) & 0xFFFFFFFF
            break
    if isn is None:
        fail("TCP %s -> %s: no SYN in the capture, cannot reassemble" % (src, dst))
        return b""
    stream = bytearray()
    pending = {}
    for s in segs:
        if s["src"] != src or s["dst"] != dst or not s["payload"]:
            continue
        rel = (s["seq"] - isn) & 0xFFFFFFFF
        pending.setdefault(rel, []).append((s["n"], s["payload"]))
        progressed = True
        while progressed:
            progressed = False
            for off in sorted(pending):
                if off > len(stream):
                    break
                for n, p in pending.pop(off):
                    have = stream[off:off + len(p)]
                    if bytes(have) != p[:len(have)]:
                        fail("TCP %s -> %s: frame %d retransmits different bytes" % (src, dst, n))
                    stream += p[len(have):]
                progressed = True
                break
    if pending:
        fail("TCP %s -> %s: gap in the stream before offset %d" % (src, dst, min(pending)))
    return bytes(stream)


def split_messages(stream, src, dst):
    """RFC 8656 §12.5 framing: list of messages (bytes; ChannelData without padding)."""
    msgs = []
    o = 0
    while o < len(stream):
        if len(stream) - o < 4:
            fail("TCP %s -> %s: %d trailing bytes" % (src, dst, len(stream) - o))
            break
        b = stream[o]
        ln = struct.unpack_from("!H", stream, o + 2)[0]
        if b >> 6 == 0:
            total, keep = 20 + ln, 20 + ln
        elif b >> 6 == 1:
            total, keep = 4 + ((ln + 3) & ~3), 4 + ln
        else:
            fail("TCP %s -> %s: byte %#04x at offset %d is neither STUN nor ChannelData" % (src, dst, b, o))
            break
        if o + total > len(stream):
            fail("TCP %s -> %s: message at offset %d truncated" % (src, dst, o))
            break
        msgs.append(stream[o:o + keep])
        o += total
    return msgs


# ----------------------------------------------------------------- main ---

def main():
    ap = argparse.ArgumentParser()
    g.common_args(ap)
    args = ap.parse_args()
    res = g.load_results(args.results)

    # ---- what the stack says: SDP + getStats (shared with chromium-p2p/groundtruth.py)
    (pcs, answer, offer, ssrc_owner, outbound, transports, selected,
     local_cands) = g.stack_view(res)
    relay_addrs = g.relay_addresses(pcs, local_cands)

    # ---- what the capture says (own parser, own TCP reassembly)
    frames, total, size, duration = g.read_capture(args.pcap, args.max_bytes)
    segs = tcp_segments(args.pcap)

    conv = collections.OrderedDict()
    for fr in frames:
        if fr["proto"] in ("udp", "tcp"):
            conv.setdefault((fr["proto"],) + g.ep_key(fr["src"], fr["dst"]), []).append(fr)

    flows = []
    stream_count = collections.Counter()   # (ssrc, pt, src, dst)
    chan_count = collections.Counter()     # (src, dst) -> ChannelData messages
    software = set()
    turn_methods = collections.Counter()
    channels = collections.Counter()
    for k, frs in conv.items():
        proto, a, b = k
        role = None
        if proto == "tcp" and args.server in (a, b):
            role = "signaling"
        elif args.turn in (a, b):
            role = "client-turn"
        elif proto == "udp" and a in relay_addrs and b in relay_addrs:
            role = "turn-relay"
        if role is None:
            if proto == "udp" and not any(x.endswith(":53") for x in (a, b)):
                kinds = set()
                for fr in frs:
                    kinds |= {i[0] for i in g.classify(fr["payload"])}
                if kinds - {"other"}:
                    fail("unexplained UDP flow %s <-> %s carries %s" % (a, b, sorted(kinds)))
            if proto == "tcp" and any(fr["payload"] for fr in frs):
                fail("unexplained TCP flow %s <-> %s with payload" % (a, b))
            continue
        contents = set()
        if role == "signaling":
            first = next((fr for fr in frs if fr["payload"]), None)
            if first is None or first["payload"][0] != 0x16:
                fail("signaling flow %s <-> %s does not start with a TLS handshake" % (a, b))
            contents.add("tls")
        else:
            # units: (src, dst, message) -- TCP messages after reassembly, UDP datagrams as they are
            units = []
            if proto == "tcp":
                for src, dst in ((a, b), (b, a)):
                    msgs = split_messages(reassemble(segs, src, dst), src, dst)
                    info("  tcp %s -> %s: %d messages (%d ChannelData)"
                         % (src, dst, len(msgs), sum(1 for m in msgs if m[0] >> 6 == 1)))
                    units += [(src, dst, m) for m in msgs]
            else:
                units = [(fr["src"], fr["dst"], fr["payload"]) for fr in frs]
            for src, dst, p in units:
                for it in g.classify(p):
                    t = it[0]
                    if t in ("stun", "turn"):
                        contents.add(t)
                        s = it[1]
                        if t == "turn":
                            turn_methods[g.STUN_METHODS.get(s["method"], s["method"])] += 1
                        for v in s["attrs"].get(0x8022, []):
                            software.add(v.decode("utf-8", "replace"))
                    elif t == "channeldata":
                        contents.add("channeldata")
                        chan_count[(src, dst)] += 1
                        channels[it[1]] += 1
                    elif t == "dtls":
                        contents.add("dtls")
                    elif t == "rtcp":
                        contents.add("srtcp")
                    elif t == "rtp":
                        contents.add("srtp")
                        stream_count[(it[1], it[2], src, dst)] += 1
                    else:
                        fail("unclassified payload in %s flow %s -> %s" % (role, src, dst))
        flows.append({"a": a, "b": b, "transport": proto, "role": role,
                      "contents": [x for x in ORDER if x in contents], "packets": len(frs)})

    # ---- streams
    streams = []
    for (ssrc, pt, src, dst), n in sorted(stream_count.items(), key=lambda x: (x[0][2], x[0][0], x[0][1], x[0][3])):
        if ssrc not in ssrc_owner:
            fail("SSRC %#010x (PT %d, %s -> %s, %d packets) is not known from getStats/SDP" % (ssrc, pt, src, dst, n))
            continue
        owner, sec, srole = ssrc_owner[ssrc]
        if pt not in sec["rtpmap"]:
            fail("PT %d of SSRC %#010x not in %s's SDP m=%s" % (pt, ssrc, owner, sec["media"]))
            continue
        enc = sec["rtpmap"][pt]
        kind = g.codec_kind(enc)
        if srole == "rtx" and kind != "rtx":
            fail("RTX SSRC %#010x carries non-rtx PT %d (%s)" % (ssrc, pt, enc))
        if srole == "media" and kind == "rtx":
            fail("media SSRC %#010x carries rtx PT %d" % (ssrc, pt))
        streams.append({"ssrc": "%#010x" % ssrc, "pt": pt, "media": sec["media"], "codec": enc, "kind": kind,
                        "encrypted": sec["proto"].endswith("SAVPF") or sec["proto"].endswith("SAVP"),
                        "flow": "%s -> %s" % (src, dst), "packets": n})

    # Every sender's SSRCs on exactly three legs (own TCP leg, UDP relay leg,
    # the receiver's TCP leg); the own leg holds at least getStats packetsSent.
    tcp_flows = {(f["a"], f["b"]) for f in flows if f["transport"] == "tcp" and f["role"] == "client-turn"}
    for name, s, sec, codec in outbound:
        ids = [s["ssrc"]] + ([s["rtxSsrc"]] if "rtxSsrc" in s else [])
        legs = collections.Counter()
        for (ssrc, pt, src, dst), n in stream_count.items():
            if ssrc in ids:
                legs[(src, dst)] += n
        if len(legs) != 3:
            fail("%s %s SSRC %#010x seen on %d legs, expected 3: %s" % (name, s["kind"], s["ssrc"], len(legs), dict(legs)))
        n_tcp = sum(1 for (src, dst) in legs if g.ep_key(src, dst) in tcp_flows)
        if legs and n_tcp != 2:
            fail("%s SSRC %#010x: %d of its legs are TCP client-turn flows, expected 2" % (name, s["ssrc"], n_tcp))
        sent = s["packetsSent"]
        slack = max(20, sent // 30)
        for (src, dst), n in legs.items():
            lo = sent if dst == args.turn else sent - slack
            if not lo <= n <= sent + slack:
                fail("%s %s SSRC %#010x: getStats packetsSent=%d but capture has %d on %s -> %s"
                     % (name, s["kind"], s["ssrc"], sent, n, src, dst))
            info("  %s %-5s ssrc %#010x(+rtx) getStats packetsSent=%d, capture %s -> %s: %d"
                 % (name, s["kind"], s["ssrc"], sent, src, dst, n))
        pts = {pt for (ssrc, pt, src, dst) in stream_count if ssrc == s["ssrc"]}
        if codec and codec["payloadType"] not in pts:
            if not [p for p in pts if sec["rtpmap"].get(p, "").lower().startswith("red/")]:
                fail("%s codec PT %d from getStats not seen for SSRC %#010x (saw %s)"
                     % (name, codec["payloadType"], s["ssrc"], sorted(pts)))

    # ---- events (RFC 4733)
    te_pts, digits, events = g.rfc4733_events(res, answer, streams)

    # ---- traits and TURN-over-TCP specific checks
    sections = answer["sections"] + offer["sections"]
    media_client_flows = [f for f in flows if "srtp" in f["contents"] and f["role"] == "client-turn"]
    traits = {
        "ice": any("stun" in f["contents"] for f in flows) and all(s["ice_ufrag"] for s in offer["sections"]),
        "turn": any("turn" in f["contents"] for f in flows),
        "srtp": any("srtp" in f["contents"] for f in flows),
        "dtls_srtp": any("dtls" in f["contents"] for f in flows)
        and bool(answer.get("fingerprint") or any(s["fingerprint"] for s in answer["sections"]))
        and all(s["proto"] == "UDP/TLS/RTP/SAVPF" for s in sections),
        "sdes": any(s["crypto"] for s in sections),
        "bundle": answer["bundle"] and len(media_client_flows) == 2,
        "rtcp_mux": all(s["rtcp_mux"] for s in answer["sections"]),
        "web_signaling": any(f["role"] == "signaling" for f in flows),
        "datachannel": False,   # the page opens no data channel
    }
    if [f for f in flows if f["role"] == "client-turn" and f["transport"] != "tcp"]:
        fail("a client<->TURN flow is not TCP")
    if not all(f["transport"] == "tcp" and "channeldata" in f["contents"] for f in media_client_flows):
        fail("a client-turn flow carries media but not as ChannelData over TCP")
    if [f["transport"] for f in flows if f["role"] == "turn-relay"] != ["udp"]:
        fail("expected exactly one UDP relay<->relay flow, got %s"
             % [(f["a"], f["b"], f["transport"]) for f in flows if f["role"] == "turn-relay"])
    for name, (lc, rc) in selected.items():
        if lc.get("candidateType") != "relay" or rc.get("candidateType") != "relay":
            fail("%s selected pair is not relay/relay" % name)
        if lc.get("relayProtocol") != "tcp":
            fail("%s local relay candidate relayProtocol is %r, not tcp" % (name, lc.get("relayProtocol")))
    for name in ("pc1", "pc2"):
        if name not in transports:
            fail("%s has no selected candidate pair" % name)
        elif transports[name].get("dtlsState") != "connected" or not transports[name].get("srtpCipher"):
            fail("%s transport not DTLS-SRTP connected" % name)
    want = {"ice", "turn", "srtp", "dtls_srtp", "bundle", "rtcp_mux", "web_signaling"}
    if {k for k, v in traits.items() if v} != want:
        fail("unexpected traits %r" % traits)
    if not software:
        fail("no STUN SOFTWARE attribute seen")

    sw = dict(s.split("=", 1) for s in args.software)
    sw["coturn_software_attribute"] = ", ".join(sorted(software))
    call = {"id": "call-1", "description": args.description,
            "flows": sorted(flows, key=lambda f: (f["role"] != "signaling", f["role"], f["a"], f["b"])),
            "streams": streams, "event_pts": sorted(te_pts)}
    if events:
        call["events"] = events
    call["traits"] = traits
    call["verdict"] = "webrtc"
    gt = {"schema_version": 1, "capture": args.capture_name, "generator": args.generator,
          "generated": datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ"),
          "software": sw, "packets": total, "duration_s": round(duration, 1), "calls": [call]}

    verify(gt, args, software, chan_count, channels)

    if g.ERRORS:
        print("\n%d check(s) failed; no ground truth written." % len(g.ERRORS), file=sys.stderr)
        sys.exit(1)
    with open(args.out, "w") as f:
        json.dump(gt, f, indent=2)
        f.write("\n")
    if args.record_dir:
        g.record(args.record_dir, res, pcs, transports, selected, software, turn_methods, gt)
        with open(os.path.join(args.record_dir, "stats-summary.json")) as f:
            summ = json.load(f)
        summ["channeldata_messages_per_direction"] = {"%s -> %s" % k: n for k, n in sorted(chan_count.items())}
        summ["channel_numbers"] = {"%#06x" % c: n for c, n in sorted(channels.items())}
        with open(os.path.join(args.record_dir, "stats-summary.json"), "w") as f:
            json.dump(summ, f, indent=2)
            f.write("\n")
    print(json.dumps({"software_attr": sorted(software), "turn_methods": dict(turn_methods),
                      "channels": {"%#06x" % c: n for c, n in channels.items()}}), file=sys.stderr)


def verify(gt, args, software, chan_count, channels):
    call = gt["calls"][0]
    pcap = args.pcap
    tport = int(args.turn.rsplit(":", 1)[1])
    # 1. frame total and per-flow frame counts (ICMP errors excluded)
    n = len(g.tshark(["-r", pcap, "-T", "fields", "-e", "frame.number"]).split())
    info("verify: tshark frames %d, ground truth %d" % (n, gt["packets"]))
    if n != gt["packets"]:
        fail("tshark counts %d frames, ground truth says %d" % (n, gt["packets"]))
    out = g.tshark(["-r", pcap, "-Y", "(udp || tcp) && !icmp", "-T", "fields", "-E", "separator=,",
                    "-e", "ip.src", "-e", "udp.srcport", "-e", "tcp.srcport",
                    "-e", "ip.dst", "-e", "udp.dstport", "-e", "tcp.dstport"])
    per = collections.Counter()
    for line in out.splitlines():
        s, us, ts, d, ud, td = line.split(",")
        per[("udp" if us else "tcp",) + g.ep_key("%s:%s" % (s, us or ts), "%s:%s" % (d, ud or td))] += 1
    for f in call["flows"]:
        got = per.get((f["transport"], f["a"], f["b"]), 0)
        info("verify: flow %s %s <-> %s (%s): tshark %d, ground truth %d"
             % (f["transport"], f["a"], f["b"], f["role"], got, f["packets"]))
        if got != f["packets"]:
            fail("flow %s <-> %s: tshark %d frames, ground truth %d" % (f["a"], f["b"], got, f["packets"]))
    mine = collections.Counter()
    for st in call["streams"]:
        src, dst = st["flow"].split(" -> ")
        mine[(int(st["ssrc"], 16), st["pt"], src, dst)] += st["packets"]
    ws = collections.Counter()
    # 2. UDP relay<->relay leg: Decode As RTP on the two relayed ports.
    relay_ports = sorted({int(ep.rsplit(":", 1)[1]) for f in call["flows"] if f["role"] == "turn-relay"
                          for ep in (f["a"], f["b"])})
    targs = ["-r", pcap]
    for p in relay_ports:
        targs += ["-d", "udp.port==%d,rtp" % p]
    info("verify: tshark " + " ".join(targs) + " -Y 'udp && rtp && !icmp' -T fields -e ip.src -e udp.srcport "
         "-e ip.dst -e udp.dstport -e rtp.version -e rtp.ssrc -e rtp.p_type")
    out = g.tshark(targs + ["-Y", "udp && rtp && !icmp", "-T", "fields", "-E", "separator=,", "-E", "occurrence=l",
                            "-e", "ip.src", "-e", "udp.srcport", "-e", "ip.dst", "-e", "udp.dstport",
                            "-e", "rtp.version", "-e", "rtp.ssrc", "-e", "rtp.p_type"])
    for line in out.splitlines():
        s, sp, d, dp, ver, ssrc, pt = line.split(",")
        if ver == "2":
            ws[(int(ssrc, 16), int(pt), "%s:%s" % (s, sp), "%s:%s" % (d, dp))] += 1
    # 3. TCP client<->TURN legs: tshark's STUN dissector (registered on TCP
    #    3478, no Decode As needed) reassembles the stream, splits STUN and
    #    ChannelData PDUs and leaves the ChannelData payload in data.data;
    #    the RTP-shaped rule gives SSRC and PT. One TCP segment may carry
    #    several PDUs: every occurrence is taken.
    cfilter = "tcp.port==%d && data.data && !icmp" % tport
    info("verify: tshark -r %s -Y '%s' -T fields -E occurrence=a -e ip.src -e tcp.srcport -e ip.dst "
         "-e tcp.dstport -e data.data" % (pcap, cfilter))
    out = g.tshark(["-r", pcap, "-Y", cfilter, "-T", "fields", "-E", "separator=,", "-E", "occurrence=a",
                    "-E", "aggregator=|", "-e", "ip.src", "-e", "tcp.srcport", "-e", "ip.dst", "-e", "tcp.dstport",
                    "-e", "data.data"])
    for line in out.splitlines():
        s, sp, d, dp, blobs = line.split(",")
        for h in blobs.split("|"):
            b = bytes.fromhex(h)
            if len(b) >= 12 and 0x80 <= b[0] <= 0xBF and not 192 <= b[1] <= 223:
                ws[(struct.unpack_from("!I", b, 8)[0], b[1] & 0x7F, "%s:%s" % (s, sp), "%s:%s" % (d, dp))] += 1
    for k in sorted(set(ws) | set(mine)):
        if ws.get(k, 0) != mine.get(k, 0):
            fail("stream ssrc %#010x pt %d %s -> %s: tshark %d, ground truth %d"
                 % (k[0], k[1], k[2], k[3], ws.get(k, 0), mine.get(k, 0)))
    info("verify: tshark RTP streams %d (ssrc,pt,flow) / %d packets; ground truth %d / %d"
         % (len(ws), sum(ws.values()), len(mine), sum(mine.values())))
    # 4. ChannelData messages per direction and channel numbers, as tshark sees them
    out = g.tshark(["-r", pcap, "-Y", "tcp.port==%d && stun.channel" % tport, "-T", "fields", "-E", "separator=,",
                    "-E", "occurrence=a", "-E", "aggregator=|", "-e", "ip.src", "-e", "tcp.srcport",
                    "-e", "ip.dst", "-e", "tcp.dstport", "-e", "stun.channel"])
    ws_chan, ws_chnum = collections.Counter(), collections.Counter()
    for line in out.splitlines():
        s, sp, d, dp, chs = line.split(",")
        for c in chs.split("|"):
            ws_chan[("%s:%s" % (s, sp), "%s:%s" % (d, dp))] += 1
            ws_chnum[int(c, 16)] += 1
    info("verify: ChannelData messages per direction: tshark %s, own %s"
         % (dict(ws_chan), dict(chan_count)))
    if ws_chan != chan_count:
        fail("ChannelData messages per direction differ: tshark %s, own %s" % (dict(ws_chan), dict(chan_count)))
    if ws_chnum != channels:
        fail("channel numbers differ: tshark %s, own %s" % (dict(ws_chnum), dict(channels)))
    # 5. coturn's SOFTWARE attribute
    out = g.tshark(["-r", pcap, "-Y", "stun.att.software", "-T", "fields", "-e", "stun.att.software"])
    ws_sw = {x for line in out.splitlines() for x in line.split(",") if x}
    info("verify: tshark STUN SOFTWARE values %s" % sorted(ws_sw))
    if ws_sw != software:
        fail("SOFTWARE attribute: tshark %s, own parser %s" % (sorted(ws_sw), sorted(software)))
    # 6. DTLS handshake visible (inside ChannelData over TCP via dtls_stun, and on the relay leg)
    dargs = ["-r", pcap]
    for p in relay_ports:
        dargs += ["-d", "udp.port==%d,dtls" % p]
    dargs += ["--enable-heuristic", "dtls_stun"]
    out = g.tshark(dargs + ["-Y", "dtls.handshake.type==1", "-T", "fields", "-e", "tcp.srcport", "-e", "udp.srcport"])
    hello = out.split("\n")
    info("verify: tshark DTLS ClientHello in %d TCP and %d UDP frames"
         % (sum(1 for x in hello if x.split("\t")[0]), sum(1 for x in hello if "\t" in x and x.split("\t")[1])))
    if not any(x.split("\t")[0] for x in hello if x):
        fail("tshark sees no DTLS ClientHello inside TURN-over-TCP")


if __name__ == "__main__":
    main()
