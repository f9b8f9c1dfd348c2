#!/usr/bin/python3
"""Build and verify the ground truth of a Chromium capture (stdlib only).

Used by gen/chromium-p2p/generate.sh (--mode p2p) and
gen/chromium-turn/generate.sh (--mode turn).

Two independent paths:
  1. BUILD: the page's results (SDP offer/answer of both RTCPeerConnections and
     their getStats()) say which SSRCs, payload types, codecs, candidates and
     relayed addresses exist; a small pcapng reader in this file (no tshark)
     walks the capture, demultiplexes UDP payloads by first byte (RFC 7983),
     unwraps TURN ChannelData / Send / Data indications, and counts the
     RTP-shaped packets (first byte 0x80-0xBF, second byte not 192-223) per
     SSRC, payload type and 5-tuple of the media flows.
  2. VERIFY: plain tshark (no plugin), with Decode As on the ports known from
     the signaling (-d udp.port==P,rtp; -d udp.port==3478,stun plus the
     rtp_stun heuristic for ChannelData), must show exactly the same streams,
     the same packet counts per flow and frame total.
Any disagreement, or an SSRC in the capture that getStats/SDP do not know,
or a getStats packetsSent the capture does not bear out, aborts with exit 1
and nothing is written.
"""
import argparse
import collections
import datetime
import json
import os
import re
import socket
import struct
import subprocess
import sys

ERRORS = []


def fail(msg):
    ERRORS.append(msg)
    print("CHECK FAILED: " + msg, file=sys.stderr)


def info(msg):
    print(msg, file=sys.stderr)


# ---------------------------------------------------------------- pcapng ---

def read_pcapng(path):
    """Yield (ts, linktype, data) for each packet of a pcapng file."""
    with open(path, "rb") as f:
        buf = f.read()
    off = 0
    endian = "<"
    ifaces = []  # (linktype, tsdiv)
    while off + 12 <= len(buf):
        btype = struct.unpack_from(endian + "I", buf, off)[0]
        if btype == 0x0A0D0D0A:
            bom = buf[off + 8:off + 12]
            endian = "<" if bom == b"\x4d\x3c\x2b\x1a" else ">"
            ifaces = []
        blen = struct.unpack_from(endian + "I", buf, off + 4)[0]
        if blen < 12 or off + blen > len(buf):
            raise ValueError("corrupt pcapng block at %d" % off)
        body = buf[off + 8:off + blen - 4]
        if btype == 1:  # IDB
            linktype = struct.unpack_from(endian + "H", body, 0)[0]
            tsdiv = 1000000
            o = 8
            while o + 4 <= len(body):
                code, olen = struct.unpack_from(endian + "HH", body, o)
                if code == 0:
                    break
                if code == 9 and olen >= 1:
                    v = body[o + 4]
                    tsdiv = 2 ** (v & 0x7F) if v & 0x80 else 10 ** v
                o += 4 + ((olen + 3) & ~3)
            ifaces.append((linktype, tsdiv))
        elif btype == 6:  # EPB
            ifid, tsh, tsl, caplen, _origlen = struct.unpack_from(endian + "IIIII", body, 0)
            linktype, tsdiv = ifaces[ifid]
            yield ((tsh << 32 | tsl) / tsdiv, linktype, body[20:20 + caplen])
        elif btype == 3:  # SPB
            linktype, _ = ifaces[0]
            yield (None, linktype, body[4:])
        off += blen


def parse_frames(path):
    """Return list of frames: dict(n, ts, proto, src, dst, payload) with
    src/dst as 'ip:port' for IPv4 UDP/TCP, proto None otherwise."""
    frames = []
    for n, (ts, lt, data) in enumerate(read_pcapng(path), 1):
        fr = {"n": n, "ts": ts, "proto": None}
        frames.append(fr)
        if lt == 1:  # Ethernet (Linux lo)
            if len(data) < 14:
                continue
            etype = struct.unpack_from("!H", data, 12)[0]
            off = 14
            if etype == 0x8100:
                etype = struct.unpack_from("!H", data, 16)[0]
                off = 18
            if etype != 0x0800:
                continue
            ip = data[off:]
        elif lt == 101:
            ip = data
        elif lt == 113:
            if struct.unpack_from("!H", data, 14)[0] != 0x0800:
                continue
            ip = data[16:]
        elif lt == 276:
            if struct.unpack_from("!H", data, 0)[0] != 0x0800:
                continue
            ip = data[20:]
        else:
            continue
        if len(ip) < 20 or ip[0] >> 4 != 4:
            continue
        ihl = (ip[0] & 0x0F) * 4
        tot = struct.unpack_from("!H", ip, 2)[0]
        frag = struct.unpack_from("!H", ip, 6)[0]
        proto = ip[9]
        src = socket.inet_ntoa(ip[12:16])
        dst = socket.inet_ntoa(ip[16:20])
        l4 = ip[ihl:tot]
        if frag & 0x3FFF:
            fail("IP fragment in frame %d (not expected)" % n)
            continue
        if proto == 17 and len(l4) >= 8:
            sp, dp, ulen = struct.unpack_from("!HHH", l4, 0)
            fr.update(proto="udp", src="%s:%d" % (src, sp), dst="%s:%d" % (dst, dp), payload=l4[8:ulen])
        elif proto == 6 and len(l4) >= 20:
            sp, dp = struct.unpack_from("!HH", l4, 0)
            doff = (l4[12] >> 4) * 4
            fr.update(proto="tcp", src="%s:%d" % (src, sp), dst="%s:%d" % (dst, dp), payload=l4[doff:])
    return frames


# ---------------------------------------------------------- demultiplex ---

STUN_METHODS = {1: "Binding", 3: "Allocate", 4: "Refresh", 6: "Send", 7: "Data",
                8: "CreatePermission", 9: "ChannelBind"}


def parse_stun(p):
    """Return dict(method, cls, attrs{type: [values]}) or None."""
    if len(p) < 20 or p[0] & 0xC0 or p[4:8] != b"\x21\x12\xa4\x42":
        return None
    mtype, mlen = struct.unpack_from("!HH", p, 0)
    if mlen + 20 > len(p) or mlen % 4:
        return None
    method = ((mtype & 0x3E00) >> 2) | ((mtype & 0x00E0) >> 1) | (mtype & 0x000F)
    cls = ((mtype & 0x0100) >> 7) | ((mtype & 0x0010) >> 4)
    attrs = collections.defaultdict(list)
    o = 20
    while o + 4 <= 20 + mlen:
        at, al = struct.unpack_from("!HH", p, o)
        attrs[at].append(p[o + 4:o + 4 + al])
        o += 4 + ((al + 3) & ~3)
    return {"method": method, "cls": cls, "attrs": attrs}


def xor_addr(v, tid=None):
    fam = v[1]
    port = struct.unpack_from("!H", v, 2)[0] ^ 0x2112
    if fam != 1:
        return None
    a = bytes(b ^ m for b, m in zip(v[4:8], b"\x21\x12\xa4\x42"))
    return "%s:%d" % (socket.inet_ntoa(a), port)


def classify(p):
    """Classify one UDP payload (RFC 7983). Returns a list of items:
    ('stun', stun) ('turn', stun) ('channeldata', chan) ('dtls',)
    ('rtp', ssrc, pt) ('rtcp',) ('other',). TURN encapsulations add the
    items of their inner payload too (marked inner=True)."""
    out = []
    if not p:
        return [("other",)]
    b = p[0]
    if b <= 3:
        s = parse_stun(p)
        if s is None:
            return [("other",)]
        if s["method"] == 1:
            out.append(("stun", s))
        else:
            out.append(("turn", s))
            if s["method"] in (6, 7) and 0x0013 in s["attrs"]:
                out += [i + ("inner",) for i in classify(s["attrs"][0x0013][0])]
        return out
    if 20 <= b <= 63:
        return [("dtls",)]
    if 64 <= b <= 79:
        if len(p) < 4:
            return [("other",)]
        chan, ln = struct.unpack_from("!HH", p, 0)
        out.append(("channeldata", chan))
        out += [i + ("inner",) for i in classify(p[4:4 + ln])]
        return out
    if 128 <= b <= 191 and len(p) >= 12:
        if 192 <= p[1] <= 223:
            return [("rtcp",)]
        ssrc = struct.unpack_from("!I", p, 8)[0]
        return [("rtp", ssrc, p[1] & 0x7F)]
    return [("other",)]


# ------------------------------------------------------------------ SDP ---

def parse_sdp(sdp):
    """Return dict(bundle, sections[list of dict(media, mid, proto, port,
    rtpmap{pt: codec}, ssrcs set, fid list, candidates list, rtcp_mux,
    fingerprint, crypto)])."""
    res = {"bundle": False, "sections": []}
    cur = None
    for line in sdp.splitlines():
        line = line.strip()
        if line.startswith("a=group:BUNDLE"):
            res["bundle"] = len(line.split()) > 1
        if line.startswith("m="):
            f = line[2:].split()
            cur = {"media": f[0], "port": int(f[1]), "proto": f[2], "pts": [int(x) for x in f[3:] if x.isdigit()],
                   "mid": None, "rtpmap": {}, "ssrcs": set(), "fid": [], "candidates": [],
                   "rtcp_mux": False, "fingerprint": False, "crypto": False, "ice_ufrag": False}
            res["sections"].append(cur)
            continue
        if cur is None:
            if line.startswith("a=fingerprint:"):
                res["fingerprint"] = True
            continue
        if line.startswith("a=mid:"):
            cur["mid"] = line[6:]
        elif line.startswith("a=rtpmap:"):
            pt, enc = line[9:].split(None, 1)
            cur["rtpmap"][int(pt)] = enc
        elif line.startswith("a=ssrc:"):
            cur["ssrcs"].add(int(line[7:].split()[0]))
        elif line.startswith("a=ssrc-group:FID"):
            cur["fid"].append([int(x) for x in line.split()[1:]])
        elif line.startswith("a=candidate:"):
            f = line[12:].split()
            c = {"transport": f[2].lower(), "addr": "%s:%s" % (f[4], f[5]), "type": f[7]}
            cur["candidates"].append(c)
        elif line == "a=rtcp-mux":
            cur["rtcp_mux"] = True
        elif line.startswith("a=fingerprint:"):
            cur["fingerprint"] = True
        elif line.startswith("a=crypto:"):
            cur["crypto"] = True
        elif line.startswith("a=ice-ufrag:"):
            cur["ice_ufrag"] = True
    return res


def codec_kind(enc):
    n = enc.split("/")[0].lower()
    return {"rtx": "rtx", "red": "red", "ulpfec": "fec", "flexfec-03": "fec",
            "telephone-event": "event"}.get(n, "media")


# --------------------------------------------------------------- tshark ---

def tshark(args):
    cmd = ["tshark", "-n"] + args
    r = subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, timeout=300)
    if r.returncode != 0:
        raise SystemExit("tshark failed: %s\n%s" % (" ".join(cmd), r.stderr))
    return r.stdout


def ep_key(a, b):
    return tuple(sorted((a, b)))


# ----------------------------------------------------------------- main ---

def read_capture(path, max_bytes):
    """The capture's frames, count, size and duration, within the test bed's
    limits (< max_bytes, 10-30 s)."""
    frames = parse_frames(path)
    total = len(frames)
    tss = [f["ts"] for f in frames if f["ts"] is not None]
    duration = round(max(tss) - min(tss), 3) if tss else 0.0
    size = os.path.getsize(path)
    if size > max_bytes:
        fail("capture is %d bytes, limit %d" % (size, max_bytes))
    if not 10 <= duration <= 30:
        fail("capture lasts %.1f s, wanted 10-30 s" % duration)
    info("capture: %d frames, %d bytes, %.3f s" % (total, size, duration))
    return frames, total, size, duration


def stack_view(res):
    """What the stack says: the SDPs and getStats of both RTCPeerConnections,
    checked against each other (SSRCs in a=ssrc lines, RTX pairs in FID
    groups, four sending streams). Shared with the TURN-over-TCP builder."""
    pcs = {}
    for name in ("pc1", "pc2"):
        pc = res[name]
        local = parse_sdp(pc["local"]["sdp"])
        stats = {s["id"]: s for s in pc["stats"]}
        pcs[name] = {"local": local, "local_type": pc["local"]["type"], "stats": stats,
                     "remote": parse_sdp(pc["remote"]["sdp"])}
    answer = pcs["pc2"]["local"] if pcs["pc2"]["local_type"] == "answer" else pcs["pc1"]["local"]
    offer = pcs["pc1"]["local"] if pcs["pc1"]["local_type"] == "offer" else pcs["pc2"]["local"]

    # SSRC -> (pc, section, role) from getStats outbound-rtp; SDP must agree.
    ssrc_owner = {}
    outbound = []
    for name, pc in pcs.items():
        for s in pc["stats"].values():
            if s["type"] != "outbound-rtp":
                continue
            sec = next(x for x in pc["local"]["sections"] if x["mid"] == s["mid"])
            codec = pc["stats"].get(s.get("codecId"), {})
            if "rtxSsrc" not in s:
                # Firefox's outbound-rtp has no rtxSsrc: the sender's SDP
                # ssrc-group:FID pairs the media SSRC with its RTX SSRC
                # (RFC 4588 §8.1).
                fid = [g[1] for g in sec["fid"] if g[0] == s["ssrc"]]
                if fid:
                    s["rtxSsrc"] = fid[0]
            outbound.append((name, s, sec, codec))
            ssrc_owner[s["ssrc"]] = (name, sec, "media")
            if "rtxSsrc" in s:
                ssrc_owner[s["rtxSsrc"]] = (name, sec, "rtx")
            sdp_ssrcs = sec["ssrcs"]
            for x in [s["ssrc"]] + ([s["rtxSsrc"]] if "rtxSsrc" in s else []):
                if x not in sdp_ssrcs:
                    fail("%s getStats SSRC %#010x not in its SDP a=ssrc lines" % (name, x))
            if "rtxSsrc" in s and [s["ssrc"], s["rtxSsrc"]] not in sec["fid"]:
                fail("%s SDP ssrc-group:FID does not pair %d with %d" % (name, s["ssrc"], s["rtxSsrc"]))
    if len([o for o in outbound if o[1]["packetsSent"] > 0]) != 4:
        fail("expected 4 sending outbound-rtp streams (audio+video both ways), got %d" % len(outbound))

    transports = {}
    selected = {}
    local_cands = {}
    for name, pc in pcs.items():
        for s in pc["stats"].values():
            if s["type"] == "transport" and s.get("selectedCandidatePairId"):
                transports[name] = s
                cp = pc["stats"][s["selectedCandidatePairId"]]
                lc = pc["stats"][cp["localCandidateId"]]
                rc = pc["stats"][cp["remoteCandidateId"]]
                selected[name] = (lc, rc)
            if s["type"] == "local-candidate":
                local_cands.setdefault(name, []).append(s)
    return pcs, answer, offer, ssrc_owner, outbound, transports, selected, local_cands


def relay_addresses(pcs, local_cands):
    """Relayed candidate addresses "ip:port", from the SDPs and getStats."""
    relay_addrs = set()
    for name, pc in pcs.items():
        for sec in pc["local"]["sections"]:
            for c in sec["candidates"]:
                if c["type"] == "relay":
                    relay_addrs.add(c["addr"])
        for s in local_cands.get(name, []):
            if s.get("candidateType") == "relay":
                relay_addrs.add("%s:%d" % (s["address"], s["port"]))
    return relay_addrs


def rfc4733_events(res, answer, streams):
    """Telephone-event PTs of the answer, the DTMF digits the page played,
    and the events entry for the one SSRC that carried them."""
    te_pts = []
    for sec in answer["sections"]:
        if sec["media"] == "audio":
            te_pts += [pt for pt, enc in sec["rtpmap"].items() if enc.lower().startswith("telephone-event/")]
    digits = "".join(t["tone"] for t in res.get("tones", []) if t["tone"])
    events = []
    ev_streams = collections.OrderedDict()
    for st in streams:
        if st["kind"] == "event":
            ev_streams.setdefault((st["ssrc"], st["pt"]), 0)
            ev_streams[(st["ssrc"], st["pt"])] += st["packets"]
    if digits:
        if len({k[0] for k in ev_streams}) != 1:
            fail("DTMF %r was played but telephone-event streams are %s" % (digits, dict(ev_streams)))
        else:
            for (ssrc, pt) in ev_streams:
                events.append({"ssrc": ssrc, "pt": pt, "digits": digits})
                break
        if digits != "123#":
            fail("tonechange events gave %r, expected '123#'" % digits)
    return te_pts, digits, events


def common_args(ap):
    """The arguments of both Chromium ground-truth builders (this one and
    ../chromium-turn-tcp/groundtruth_tcp.py, which imports this module)."""
    ap.add_argument("--results", required=True)
    ap.add_argument("--pcap", required=True)
    ap.add_argument("--capture-name", required=True)
    ap.add_argument("--generator", required=True)
    ap.add_argument("--server", default="127.0.0.1:8443", help="HTTPS server ip:port")
    ap.add_argument("--turn", default="127.0.0.1:3478", help="TURN server ip:port")
    ap.add_argument("--software", action="append", default=[], help="name=version")
    ap.add_argument("--description", required=True)
    ap.add_argument("--out", required=True)
    ap.add_argument("--record-dir", help="write SDPs and a stats summary here")
    ap.add_argument("--max-bytes", type=int, default=3000000)


def load_results(path):
    """The page's results JSON; a failed call ends the build."""
    with open(path) as f:
        res = json.load(f)
    if not res.get("ok"):
        raise SystemExit("page reported failure: %r" % res.get("error"))
    return res


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--mode", choices=["p2p", "turn"], required=True)
    common_args(ap)
    args = ap.parse_args()
    res = load_results(args.results)

    # ---- what the stack says: SDP + getStats
    (pcs, answer, offer, ssrc_owner, outbound, transports, selected,
     local_cands) = stack_view(res)

    # ---- what the capture says (own parser)
    frames, total, size, duration = read_capture(args.pcap, args.max_bytes)

    conv = collections.OrderedDict()  # key -> dict
    for fr in frames:
        if fr["proto"] not in ("udp", "tcp"):
            continue
        k = (fr["proto"],) + ep_key(fr["src"], fr["dst"])
        c = conv.setdefault(k, {"frames": [], "items": collections.Counter()})
        c["frames"].append(fr)

    # Candidate / relay knowledge from SDP (+ getStats)
    host_udp = {c["addr"] for pc in pcs.values() for sec in pc["local"]["sections"]
                for c in sec["candidates"] if c["transport"] == "udp" and c["type"] == "host"}
    relay_addrs = relay_addresses(pcs, local_cands)
    server = args.server
    turn = args.turn if args.mode == "turn" else None

    flows = []
    media_keys = {}
    stream_count = collections.Counter()  # (ssrc, pt, src, dst)
    software = set()
    turn_methods = collections.Counter()
    rtcp_seen = collections.Counter()
    for k, c in conv.items():
        proto, a, b = k
        role = None
        if proto == "tcp" and server in (a, b):
            role = "signaling"
        elif proto == "udp" and args.mode == "p2p" and a in host_udp and b in host_udp:
            role = "p2p"
        elif proto == "udp" and turn and turn in (a, b):
            role = "client-turn"
        elif proto == "udp" and turn and a in relay_addrs and b in relay_addrs:
            role = "turn-relay"
        if role is None:
            # Anything else must not look like ICE/DTLS/media (DNS etc. allowed).
            if proto == "udp" and not any(x.endswith(":53") for x in (a, b)):
                kinds = set()
                for fr in c["frames"]:
                    kinds |= {i[0] for i in classify(fr["payload"])}
                if kinds - {"other"}:
                    fail("unexplained UDP flow %s <-> %s carries %s" % (a, b, sorted(kinds)))
            continue
        contents = set()
        if role == "signaling":
            first = next((fr for fr in c["frames"] if fr["payload"]), None)
            if first is None or first["payload"][0] != 0x16:
                fail("signaling flow %s <-> %s does not start with a TLS handshake" % (a, b))
            contents.add("tls")
        else:
            for fr in c["frames"]:
                for it in classify(fr["payload"]):
                    t = it[0]
                    if t == "stun":
                        contents.add("stun")
                    elif t == "turn":
                        contents.add("turn")
                        s = it[1]
                        turn_methods[STUN_METHODS.get(s["method"], s["method"])] += 1
                        for v in s["attrs"].get(0x8022, []):
                            software.add(v.decode("utf-8", "replace"))
                    elif t == "channeldata":
                        contents.add("channeldata")
                    elif t == "dtls":
                        contents.add("dtls")
                    elif t == "rtcp":
                        contents.add("srtcp")
                        rtcp_seen[(fr["src"], fr["dst"])] += 1
                    elif t == "rtp":
                        contents.add("srtp")
                        stream_count[(it[1], it[2], fr["src"], fr["dst"])] += 1
                    else:
                        fail("unclassified UDP payload in media flow, frame %d" % fr["n"])
                for it in classify(fr["payload"]):
                    if it[0] == "stun":
                        for v in it[1]["attrs"].get(0x8022, []):
                            software.add(v.decode("utf-8", "replace"))
            media_keys[k] = role
        order = ["stun", "turn", "channeldata", "dtls", "rtp", "srtp", "rtcp", "srtcp", "sip", "tls", "http",
                 "websocket"]
        flows.append({"a": a, "b": b, "transport": proto, "role": role,
                      "contents": [x for x in order if x in contents], "packets": len(c["frames"])})

    # ---- streams
    streams = []
    seen_ssrc = collections.Counter()
    for (ssrc, pt, src, dst), n in sorted(stream_count.items(), key=lambda x: (x[0][2], x[0][0], x[0][1], x[0][3])):
        if ssrc not in ssrc_owner:
            fail("SSRC %#010x (PT %d, %s -> %s, %d packets) is not known from getStats/SDP" % (ssrc, pt, src, dst, n))
            continue
        owner, sec, role = ssrc_owner[ssrc]
        if pt not in sec["rtpmap"]:
            fail("PT %d of SSRC %#010x not in %s's SDP m=%s" % (pt, ssrc, owner, sec["media"]))
            continue
        enc = sec["rtpmap"][pt]
        kind = codec_kind(enc)
        if role == "rtx" and kind != "rtx":
            fail("RTX SSRC %#010x carries non-rtx PT %d (%s)" % (ssrc, pt, enc))
        if role == "media" and kind == "rtx":
            fail("media SSRC %#010x carries rtx PT %d" % (ssrc, pt))
        seen_ssrc[ssrc] += n
        streams.append({"ssrc": "%#010x" % ssrc, "pt": pt, "media": sec["media"], "codec": enc, "kind": kind,
                        "encrypted": sec["proto"].endswith("SAVPF") or sec["proto"].endswith("SAVP"),
                        "flow": "%s -> %s" % (src, dst), "packets": n})

    # getStats packetsSent must be borne out by the capture (media + its RTX SSRC;
    # counted on the first hop from the sender, i.e. the flow the sender uses).
    for name, s, sec, codec in outbound:
        ids = [s["ssrc"]] + ([s["rtxSsrc"]] if "rtxSsrc" in s else [])
        first_hop = collections.Counter()
        for (ssrc, pt, src, dst), n in stream_count.items():
            if ssrc in ids:
                first_hop[(src, dst)] += n
        if not first_hop:
            fail("%s %s SSRC %#010x sent %d packets per getStats but none are in the capture"
                 % (name, s["kind"], s["ssrc"], s["packetsSent"]))
            continue
        expect_legs = 3 if args.mode == "turn" else 1
        if len(first_hop) != expect_legs:
            fail("%s %s SSRC %#010x seen on %d flows, expected %d: %s"
                 % (name, s["kind"], s["ssrc"], len(first_hop), expect_legs, dict(first_hop)))
        sent = s["packetsSent"]
        slack = max(20, sent // 30)
        for (src, dst), n in first_hop.items():
            # Packets sent after the getStats snapshot (until close) add a few;
            # on the sender's own leg none may be missing. Later TURN legs
            # may lose the tail when the allocation goes away at close.
            own_leg = args.mode == "p2p" or dst == args.turn
            lo = sent if own_leg else sent - slack
            if not lo <= n <= sent + slack:
                fail("%s %s SSRC %#010x: getStats packetsSent=%d but capture has %d on %s -> %s"
                     % (name, s["kind"], s["ssrc"], sent, n, src, dst))
            info("  %s %-5s ssrc %#010x(+rtx) getStats packetsSent=%d, capture %s -> %s: %d"
                 % (name, s["kind"], s["ssrc"], sent, src, dst, n))
        # media codec payload type from getStats must be the one seen (or RED wrapping it)
        pts = {pt for (ssrc, pt, src, dst) in stream_count if ssrc == s["ssrc"]}
        if codec and codec["payloadType"] not in pts:
            red = [p for p in pts if sec["rtpmap"].get(p, "").lower().startswith("red/")]
            if not red:
                fail("%s codec PT %d from getStats not seen for SSRC %#010x (saw %s)"
                     % (name, codec["payloadType"], s["ssrc"], sorted(pts)))

    # ---- events (RFC 4733)
    te_pts, digits, events = rfc4733_events(res, answer, streams)

    # ---- traits
    has_stun_binding = any("stun" in f["contents"] for f in flows)
    has_turn = any("turn" in f["contents"] for f in flows)
    has_dtls = any("dtls" in f["contents"] for f in flows)
    sections = answer["sections"] + offer["sections"]
    traits = {
        "ice": has_stun_binding and all(s["ice_ufrag"] for s in offer["sections"]),
        "turn": has_turn,
        "srtp": any("srtp" in f["contents"] for f in flows),
        "dtls_srtp": has_dtls and (answer.get("fingerprint") or any(s["fingerprint"] for s in answer["sections"]))
        and all(s["proto"] == "UDP/TLS/RTP/SAVPF" for s in sections),
        "sdes": any(s["crypto"] for s in sections),
        # BUNDLE: all media of the call share one 5-tuple per client (p2p: one
        # flow; TURN: one client<->TURN flow per PC carries media).
        "bundle": answer["bundle"] and len([f for f in flows if "srtp" in f["contents"] and f["role"] in
                                            ("p2p", "client-turn")]) == (2 if args.mode == "turn" else 1),
        "rtcp_mux": all(s["rtcp_mux"] for s in answer["sections"]),
        "web_signaling": any(f["role"] == "signaling" for f in flows),
        "datachannel": False,   # the page opens no data channel
    }
    if args.mode == "turn" and not has_turn:
        fail("no TURN messages in the capture")
    if args.mode == "turn":
        for name, (lc, rc) in selected.items():
            if lc.get("candidateType") != "relay" or rc.get("candidateType") != "relay":
                fail("%s selected pair is not relay/relay: %s/%s" % (name, lc.get("candidateType"), rc.get("candidateType")))
        if not any(f["role"] == "turn-relay" for f in flows):
            fail("no relay<->relay flow in the capture")
        for f in flows:
            # A client-turn flow without media is allowed (pc1 allocates for
            # the video m-section too before BUNDLE is accepted, then frees it).
            if f["role"] == "client-turn" and "srtp" in f["contents"] and "channeldata" not in f["contents"]:
                fail("client-turn flow %s <-> %s carries media but no ChannelData" % (f["a"], f["b"]))
    else:
        for name, (lc, rc) in selected.items():
            if lc.get("candidateType") != "host":
                fail("%s selected local candidate is %s" % (name, lc.get("candidateType")))
    for name in ("pc1", "pc2"):
        if name not in transports:
            fail("%s has no selected candidate pair" % name)
        elif transports[name].get("dtlsState") != "connected" or not transports[name].get("srtpCipher"):
            fail("%s transport not DTLS-SRTP connected: %r" % (name, transports[name]))
    if not traits["bundle"] or not traits["rtcp_mux"] or not traits["dtls_srtp"] or traits["sdes"]:
        fail("unexpected traits %r" % traits)

    sw = {}
    for s in args.software:
        k, v = s.split("=", 1)
        sw[k] = v
    streams_sorted = streams
    call = {
        "id": "call-1",
        "description": args.description,
        "flows": sorted(flows, key=lambda f: (f["role"] != "signaling", f["role"], f["a"], f["b"])),
        "streams": streams_sorted,
        "event_pts": sorted(te_pts),
    }
    if events:
        call["events"] = events
    call["traits"] = traits
    call["verdict"] = "webrtc"
    gt = {
        "schema_version": 1,
        "capture": args.capture_name,
        "generator": args.generator,
        "generated": datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ"),
        "software": sw,
        "packets": total,
        "duration_s": round(duration, 1),
        "calls": [call],
    }

    # ---------------------------------------------------- VERIFY (tshark)
    verify(gt, args, frames, software, media_keys)

    if ERRORS:
        print("\n%d check(s) failed; no ground truth written." % len(ERRORS), file=sys.stderr)
        sys.exit(1)

    with open(args.out, "w") as f:
        json.dump(gt, f, indent=2)
        f.write("\n")
    if args.record_dir:
        record(args.record_dir, res, pcs, transports, selected, software, turn_methods, gt)
    print(json.dumps({"software_attr": sorted(software), "turn_methods": dict(turn_methods)}), file=sys.stderr)


def verify(gt, args, frames, software, media_keys):
    call = gt["calls"][0]
    pcap = args.pcap
    # 1. frame total
    n = len(tshark(["-r", pcap, "-T", "fields", "-e", "frame.number"]).split())
    info("verify: tshark frames %d, ground truth %d" % (n, gt["packets"]))
    if n != gt["packets"]:
        fail("tshark counts %d frames, ground truth says %d" % (n, gt["packets"]))
    # 2. per-flow frame counts (outer headers only; ICMP errors excluded)
    out = tshark(["-r", pcap, "-Y", "(udp || tcp) && !icmp", "-T", "fields", "-E", "separator=,",
                  "-e", "ip.src", "-e", "udp.srcport", "-e", "tcp.srcport",
                  "-e", "ip.dst", "-e", "udp.dstport", "-e", "tcp.dstport"])
    per = collections.Counter()
    for line in out.splitlines():
        s, us, ts, d, ud, td = line.split(",")
        proto = "udp" if us else "tcp"
        per[(proto,) + ep_key("%s:%s" % (s, us or ts), "%s:%s" % (d, ud or td))] += 1
    for f in call["flows"]:
        got = per.get((f["transport"], f["a"], f["b"]), 0)
        info("verify: flow %s %s <-> %s (%s): tshark %d, ground truth %d"
             % (f["transport"], f["a"], f["b"], f["role"], got, f["packets"]))
        if got != f["packets"]:
            fail("flow %s <-> %s: tshark %d frames, ground truth %d" % (f["a"], f["b"], got, f["packets"]))
    # 3. streams via Wireshark's own RTP dissector (Decode As on known ports)
    media_ports = set()
    turn_port = None
    for f in call["flows"]:
        if f["role"] in ("p2p", "turn-relay"):
            for ep in (f["a"], f["b"]):
                media_ports.add(int(ep.rsplit(":", 1)[1]))
        if f["role"] == "client-turn":
            turn_port = int(args.turn.rsplit(":", 1)[1])
    mine = collections.Counter()
    for st in call["streams"]:
        src, dst = st["flow"].split(" -> ")
        mine[(int(st["ssrc"], 16), st["pt"], src, dst)] += st["packets"]
    ws = collections.Counter()
    # 3a. p2p and relay<->relay legs: Decode As RTP on the media ports.
    #     (STUN and DTLS forced into the RTP dissector show as version 0;
    #     muxed RTCP is handed on to the RTCP dissector by Wireshark.)
    targs = ["-r", pcap]
    for p in sorted(media_ports):
        targs += ["-d", "udp.port==%d,rtp" % p]
    info("verify: tshark " + " ".join(targs) + " -Y 'rtp && !icmp' -T fields -e ip.src -e udp.srcport "
         "-e ip.dst -e udp.dstport -e rtp.version -e rtp.ssrc -e rtp.p_type")
    out = tshark(targs + ["-Y", "rtp && !icmp", "-T", "fields", "-E", "separator=,", "-E", "occurrence=l",
                          "-e", "ip.src", "-e", "udp.srcport", "-e", "ip.dst", "-e", "udp.dstport",
                          "-e", "rtp.version", "-e", "rtp.ssrc", "-e", "rtp.p_type"])
    for line in out.splitlines():
        s, sp, d, dp, ver, ssrc, pt = line.split(",")
        if ver != "2":
            continue
        ws[(int(ssrc, 16), int(pt), "%s:%s" % (s, sp), "%s:%s" % (d, dp))] += 1
    # 3b. client<->TURN legs: Wireshark's STUN dissector takes ChannelData and
    #     Send/Data indications apart; with its RTP heuristic left off the
    #     payload stays in data.data, and the RTP-shaped rule (first byte
    #     0x80-0xBF, second byte not 192-223) gives SSRC and PT.
    if turn_port:
        cargs = ["-r", pcap, "-d", "udp.port==%d,stun" % turn_port,
                 "-Y", "udp.port==%d && data.data && !icmp" % turn_port]
        info("verify: tshark " + " ".join(cargs[:4]) + " -Y '%s' -T fields -e ip.src -e udp.srcport -e ip.dst "
             "-e udp.dstport -e data.data" % cargs[5])
        out = tshark(cargs + ["-T", "fields", "-E", "separator=,", "-E", "occurrence=a", "-E", "aggregator=|",
                              "-e", "ip.src", "-e", "udp.srcport", "-e", "ip.dst", "-e", "udp.dstport",
                              "-e", "data.data"])
        for line in out.splitlines():
            s, sp, d, dp, blobs = line.split(",")
            for h in blobs.split("|"):
                b = bytes.fromhex(h)
                if len(b) >= 12 and 0x80 <= b[0] <= 0xBF and not 192 <= b[1] <= 223:
                    ws[(struct.unpack_from("!I", b, 8)[0], b[1] & 0x7F,
                        "%s:%s" % (s, sp), "%s:%s" % (d, dp))] += 1
        # For information only: Wireshark's own rtp_stun heuristic. It may
        # reject an SRTP packet with the padding bit set, because it reads the
        # padding count from the last byte, which in SRTP is an auth-tag byte.
        out = tshark(["-r", pcap, "-d", "udp.port==%d,stun" % turn_port, "--enable-heuristic", "rtp_stun",
                      "-Y", "udp.port==%d && rtp && !icmp" % turn_port, "-T", "fields", "-e", "frame.number"])
        heur = len(out.split())
        cd = sum(n for k, n in mine.items() if str(turn_port) in (k[2].rsplit(":", 1)[1], k[3].rsplit(":", 1)[1]))
        info("verify: (info) rtp_stun heuristic finds %d RTP packets in TURN legs; ground truth %d" % (heur, cd))
    for k in sorted(set(ws) | set(mine)):
        if ws.get(k, 0) != mine.get(k, 0):
            fail("stream ssrc %#010x pt %d %s -> %s: tshark %d, ground truth %d"
                 % (k[0], k[1], k[2], k[3], ws.get(k, 0), mine.get(k, 0)))
    info("verify: tshark RTP streams %d (ssrc,pt,flow) / %d packets; ground truth %d / %d"
         % (len(ws), sum(ws.values()), len(mine), sum(mine.values())))
    # 4. TURN: SOFTWARE attribute and ChannelData as tshark sees them
    if turn_port:
        out = tshark(["-r", pcap, "-d", "udp.port==%d,stun" % turn_port, "-Y", "stun.att.software",
                      "-T", "fields", "-e", "stun.att.software"])
        ws_sw = {x for line in out.splitlines() for x in line.split(",") if x}
        info("verify: tshark STUN SOFTWARE values %s" % sorted(ws_sw))
        if ws_sw != software:
            fail("SOFTWARE attribute: tshark %s, own parser %s" % (sorted(ws_sw), sorted(software)))
        out = tshark(["-r", pcap, "-d", "udp.port==%d,stun" % turn_port, "-Y", "stun.channel",
                      "-T", "fields", "-e", "stun.channel"])
        chans = collections.Counter(out.split())
        info("verify: tshark ChannelData channels %s" % dict(chans))
        if not chans:
            fail("tshark sees no ChannelData")
    # 5. DTLS handshake visible
    dargs = ["-r", pcap]
    for p in sorted(media_ports):
        dargs += ["-d", "udp.port==%d,dtls" % p]
    if turn_port:
        dargs += ["-d", "udp.port==%d,stun" % turn_port, "--enable-heuristic", "dtls_stun"]
    out = tshark(dargs + ["-Y", "dtls.handshake.type==1", "-T", "fields", "-e", "frame.number"])
    info("verify: tshark DTLS ClientHello frames: %s" % " ".join(out.split()))
    if not out.split():
        fail("tshark sees no DTLS ClientHello")


def record(d, res, pcs, transports, selected, software, turn_methods, gt):
    os.makedirs(d, exist_ok=True)
    for name in ("pc1", "pc2"):
        for which in ("local",):
            typ = res[name][which]["type"]
            with open(os.path.join(d, "%s-%s.sdp" % (name, typ)), "w") as f:
                f.write(res[name][which]["sdp"])
    summ = {"userAgent": res.get("userAgent"), "config": res.get("config"), "tones": res.get("tones"),
            "page_events": res.get("events"), "pcs": {}}
    for name, pc in pcs.items():
        st = pc["stats"]
        o = {"outbound-rtp": [], "inbound-rtp": []}
        for s in st.values():
            if s["type"] in ("outbound-rtp", "inbound-rtp"):
                c = st.get(s.get("codecId"), {})
                e = {k: s[k] for k in ("kind", "mid", "ssrc", "rtxSsrc", "packetsSent", "packetsReceived",
                                       "bytesSent", "bytesReceived", "retransmittedPacketsSent") if k in s}
                e["ssrc_hex"] = "%#010x" % s["ssrc"]
                if "rtxSsrc" in s:
                    e["rtxSsrc_hex"] = "%#010x" % s["rtxSsrc"]
                e["codec"] = {k: c[k] for k in ("payloadType", "mimeType", "clockRate", "channels") if k in c}
                o[s["type"]].append(e)
        t = transports.get(name, {})
        o["transport"] = {k: t[k] for k in ("tlsVersion", "dtlsCipher", "srtpCipher", "dtlsRole", "iceRole",
                                            "dtlsState") if k in t}
        if name in selected:
            lc, rc = selected[name]
            o["selected_pair"] = {
                "local": {k: lc.get(k) for k in ("candidateType", "protocol", "address", "port", "relayProtocol", "url")
                          if k in lc},
                "remote": {k: rc.get(k) for k in ("candidateType", "protocol", "address", "port") if k in rc}}
        summ["pcs"][name] = o
    summ["stun_software_attribute"] = sorted(software)
    summ["turn_methods_in_capture"] = dict(turn_methods)
    with open(os.path.join(d, "stats-summary.json"), "w") as f:
        json.dump(summ, f, indent=2)
        f.write("\n")


if __name__ == "__main__":
    main()
