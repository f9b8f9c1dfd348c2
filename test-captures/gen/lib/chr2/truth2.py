#!/usr/bin/python3
"""Build and verify the ground truth of a two-browser Chromium capture
(gen/lib/chr2: one RTCPeerConnection per Chromium, one Chromium per network
namespace). Stdlib only; the pcapng reader, RFC 7983 classifier, SDP parser
and tshark runner come from ../../chromium-p2p/groundtruth.py.

Modes:
  multipath    audio+video through NATs with STUN + TURN (chromium-multipath)
  datachannel  a data channel only (chromium-datachannel; relayed through
               TURN with --turn and --captured-ip: chromium-dc-turn)
  avdc         audio+video and a data channel on one BUNDLE transport
               (chromium-av-datachannel)
  icefail      ICE that never succeeds (chromium-ice-fail)
  stundisc     a short call next to plain STUN discovery (stun-discovery)

BUILD, from what the two stacks said (both SDPs and both getStats(): the
candidates with their types, the selected pair, the sending SSRCs) and an
own pcapng parse of the capture:
  * every UDP/TCP 5-tuple is given a role from the candidates: TCP to the
    page server = signaling; UDP from a host candidate of the captured peer
    to the TURN/STUN server = client-turn; to a relayed candidate of the
    other peer = turn-relay; to a host/srflx/prflx candidate of the other
    peer = p2p; (stundisc) UDP to the STUN server from a port that is no
    candidate of either peer = outside the call; anything else that looks
    like STUN/DTLS/RTP fails the build;
  * contents by first byte (RFC 7983), unwrapping ChannelData and
    Send/Data indications; RTP-shaped packets are counted per SSRC, PT and
    direction; every SSRC must be a sending SSRC of getStats/SDP;
  * getStats packetsSent must be borne out on the captured side;
  * the key frames: first ICE check (STUN Binding request with PRIORITY),
    first DTLS record, first RTP packet.
VERIFY with plain tshark (no plugin): frame total, per-flow counts, RTP
streams with Decode As on the media ports, and the key frames (Decode As
stun/dtls). Any disagreement aborts with exit 1 and writes nothing.
"""
import argparse
import collections
import importlib.util
import json
import os
import struct
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
sys.dont_write_bytecode = True
_spec = importlib.util.spec_from_file_location(
    "chromium_p2p_groundtruth", os.path.join(HERE, "..", "..", "chromium-p2p", "groundtruth.py"))
g = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(g)
sys.path.insert(0, os.path.join(HERE, ".."))
import gen_info  # noqa: E402

fail, info, tshark, ep_key = g.fail, g.info, g.tshark, g.ep_key
ORDER = ["stun", "turn", "channeldata", "dtls", "rtp", "srtp", "rtcp", "srtcp", "sip", "tls", "http", "websocket"]
ATTR_PRIORITY = 0x0024


def load(work, name):
    with open(os.path.join(work, "results-%s.json" % name)) as f:
        r = json.load(f)
    if not r.get("ok"):
        raise SystemExit("page %s reported failure: %r" % (name, r.get("error")))
    return r


def peer_view(res):
    """SDPs, stats by id, candidates (local/remote from getStats and SDP),
    sending streams, selected pair."""
    st = {s["id"]: s for s in res["stats"]}
    local_sdp = g.parse_sdp(res["local"]["sdp"])
    remote_sdp = g.parse_sdp(res["remote"]["sdp"])
    cands = collections.defaultdict(set)      # type -> {"ip:port"} (UDP, local)
    for sec in local_sdp["sections"]:
        for c in sec["candidates"]:
            if c["transport"] == "udp":
                cands[c["type"]].add(c["addr"])
    for s in st.values():
        if s["type"] == "local-candidate" and s.get("protocol", "udp") == "udp" and s.get("port", 9) != 9:
            cands[s["candidateType"]].add("%s:%d" % (s["address"], s["port"]))
    remote_prflx = {"%s:%d" % (s["address"], s["port"]) for s in st.values()
                    if s["type"] == "remote-candidate" and s.get("candidateType") == "prflx"}
    outbound = []
    for s in st.values():
        if s["type"] == "outbound-rtp":
            sec = next(x for x in local_sdp["sections"] if x["mid"] == s["mid"])
            outbound.append((s, sec))
    selected = None
    transport = None
    for s in st.values():
        if s["type"] == "transport":
            transport = s
            if s.get("selectedCandidatePairId"):
                cp = st[s["selectedCandidatePairId"]]
                lc, rc = st[cp["localCandidateId"]], st[cp["remoteCandidateId"]]
                selected = {"local": {k: lc.get(k) for k in ("candidateType", "address", "port", "relatedAddress",
                                                              "relatedPort", "url") if k in lc},
                            "remote": {k: rc.get(k) for k in ("candidateType", "address", "port") if k in rc}}
    pairs = []
    for s in st.values():
        if s["type"] == "candidate-pair":
            lc, rc = st[s["localCandidateId"]], st[s["remoteCandidateId"]]
            if lc.get("protocol", "udp") != "udp":
                continue
            pairs.append({"local": "%s %s:%d" % (lc["candidateType"], lc["address"], lc["port"]),
                          "remote": "%s %s:%d" % (rc["candidateType"], rc["address"], rc["port"]),
                          "state": s.get("state"), "nominated": bool(s.get("nominated")),
                          "requestsSent": s.get("requestsSent", 0), "responsesReceived": s.get("responsesReceived", 0)})
    pairs.sort(key=lambda p: (p["local"], p["remote"]))
    dcs = [s for s in st.values() if s["type"] == "data-channel"]
    return {"stats": st, "local_sdp": local_sdp, "remote_sdp": remote_sdp, "cands": cands,
            "remote_prflx": remote_prflx, "outbound": outbound, "selected": selected,
            "transport": transport, "pairs": pairs, "dcs": dcs}


def parse_frames(path):
    """g.parse_frames with IPv4 reassembly done the way tshark does it (its
    default ip.defragment): a fragmented UDP datagram belongs to the frame of
    its last fragment; the other fragments belong to no flow (proto None)."""
    import socket
    frames = []
    pending = {}
    for n, (ts, lt, data) in enumerate(g.read_pcapng(path), 1):
        fr = {"n": n, "ts": ts, "proto": None}
        frames.append(fr)
        if lt == 1 and len(data) >= 14 and struct.unpack_from("!H", data, 12)[0] == 0x0800:
            ip = data[14:]
        elif lt == 113 and len(data) >= 16 and struct.unpack_from("!H", data, 14)[0] == 0x0800:
            ip = data[16:]
        elif lt == 276 and len(data) >= 20 and struct.unpack_from("!H", data, 0)[0] == 0x0800:
            ip = data[20:]
        elif lt == 101:
            ip = data
        else:
            continue
        if len(ip) < 20 or ip[0] >> 4 != 4:
            continue
        ihl = (ip[0] & 0x0F) * 4
        tot = struct.unpack_from("!H", ip, 2)[0]
        ident, frag = struct.unpack_from("!HH", ip, 4)
        proto = ip[9]
        src, dst = socket.inet_ntoa(ip[12:16]), socket.inet_ntoa(ip[16:20])
        l4 = ip[ihl:tot]
        if frag & 0x3FFF:
            key = (src, dst, ident, proto)
            parts = pending.setdefault(key, {})
            parts[(frag & 0x1FFF) * 8] = l4
            if frag & 0x2000:
                continue            # more fragments follow
            del pending[key]
            buf, off = b"", 0
            for o in sorted(parts):
                if o != off:
                    fail("IP fragments of frame %d do not join (gap at %d)" % (n, off))
                    break
                buf += parts[o]
                off += len(parts[o])
            l4 = buf
            fr["reassembled"] = True
        if proto == 17 and len(l4) >= 8:
            sp, dp, ulen = struct.unpack_from("!HHH", l4, 0)
            fr.update(proto="udp", src="%s:%d" % (src, sp), dst="%s:%d" % (dst, dp), payload=l4[8:ulen])
        elif proto == 6 and len(l4) >= 20:
            sp, dp = struct.unpack_from("!HH", l4, 0)
            doff = (l4[12] >> 4) * 4
            fr.update(proto="tcp", src="%s:%d" % (src, sp), dst="%s:%d" % (dst, dp), payload=l4[doff:])
    if pending:
        fail("incomplete IP fragments at the end of the capture: %d datagrams" % len(pending))
    return frames


def stun_is_ice_check(s):
    return s["method"] == 1 and s["cls"] == 0 and ATTR_PRIORITY in s["attrs"]


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--mode", choices=["multipath", "datachannel", "avdc", "icefail", "stundisc"], required=True)
    ap.add_argument("--work", required=True)
    ap.add_argument("--pcap", required=True)
    ap.add_argument("--captured", choices=["offer", "answer"], default="offer")
    ap.add_argument("--capture-name", required=True)
    ap.add_argument("--generator", required=True)
    ap.add_argument("--server", required=True, help="page server ip:port")
    ap.add_argument("--turn", help="TURN (and STUN) server ip:port the call uses")
    ap.add_argument("--captured-ip",
                    help="the captured peer's address: with iceTransportPolicy relay it has no host "
                         "candidate (Chromium shows relay candidates with raddr 0.0.0.0), so its "
                         "sockets to --turn are told by this address")
    ap.add_argument("--stun-server", action="append", default=[],
                    help="stundisc: an address ip:port of the discovery clients' STUN server (repeatable)")
    ap.add_argument("--discovery", help="stundisc: JSON lines of the discovery runs (tool, local port)")
    ap.add_argument("--software", action="append", default=[])
    ap.add_argument("--dc-expected",
                    help='JSON: what the pages were told to send per channel label, '
                         '{"chat": {"protocol": P, "offer": {"messages": N}, "answer": {...}}}; '
                         'checked against getStats and the page logs, kept as data_channels_expected')
    ap.add_argument("--not-observable", action="append", default=[],
                    help="a trait the capture cannot show (GROUND-TRUTH.md traits_not_observable; "
                         "repeatable)")
    ap.add_argument("--packages", action="append", default=[], help="label=debian-package")
    ap.add_argument("--description", required=True)
    ap.add_argument("--out", required=True)
    ap.add_argument("--record-dir")
    ap.add_argument("--max-bytes", type=int, default=1500000)
    ap.add_argument("--min-seconds", type=float, default=10)
    args = ap.parse_args()

    me_name = args.captured
    other_name = "answer" if me_name == "offer" else "offer"
    res = {n: load(args.work, n) for n in ("offer", "answer")}
    pv = {n: peer_view(res[n]) for n in ("offer", "answer")}
    me, other = pv[me_name], pv[other_name]
    offer_sdp = pv["offer"]["local_sdp"]
    answer_sdp = pv["answer"]["local_sdp"]

    # ---- SSRC owners (both peers), from getStats outbound-rtp + SDP a=ssrc
    ssrc_owner = {}
    for n in ("offer", "answer"):
        for s, sec in pv[n]["outbound"]:
            for x, role in [(s["ssrc"], "media")] + ([(s["rtxSsrc"], "rtx")] if "rtxSsrc" in s else []):
                if x not in sec["ssrcs"]:
                    fail("%s getStats SSRC %#010x not in its SDP" % (n, x))
                ssrc_owner[x] = (n, sec, role)

    # ---- the capture (own parser)
    frames = parse_frames(args.pcap)
    total = len(frames)
    tss = [f["ts"] for f in frames if f["ts"] is not None]
    t_first = min(tss)
    duration = round(max(tss) - t_first, 3)
    size = os.path.getsize(args.pcap)
    if size > args.max_bytes:
        fail("capture is %d bytes, limit %d" % (size, args.max_bytes))
    if not args.min_seconds <= duration <= 30:
        fail("capture lasts %.1f s, wanted %g-30 s" % (duration, args.min_seconds))
    info("capture: %d frames, %d bytes, %.3f s" % (total, size, duration))

    conv = collections.OrderedDict()
    for fr in frames:
        if fr["proto"] not in ("udp", "tcp"):
            continue
        # ICMP errors are not UDP frames here (parse_frames only takes
        # UDP/TCP at the top); they quote a datagram but belong to no flow.
        k = (fr["proto"],) + ep_key(fr["src"], fr["dst"])
        conv.setdefault(k, []).append(fr)

    my_host = set(me["cands"]["host"])
    if args.captured_ip and args.turn:
        for (proto, a, b) in conv:
            for x, y in ((a, b), (b, a)):
                if proto == "udp" and y == args.turn and x.rsplit(":", 1)[0] == args.captured_ip:
                    my_host.add(x)
    other_relay = other["cands"]["relay"]
    other_direct = other["cands"]["host"] | other["cands"]["srflx"] | me["remote_prflx"]
    stun_srv = set(args.stun_server)
    discovery = []
    if args.discovery:
        with open(args.discovery) as f:
            discovery = [json.loads(line) for line in f if line.strip()]
    disc_ports = {d["local"] for d in discovery}

    flows, outside = [], []
    streams_count = collections.Counter()
    rtcp_dirs = collections.Counter()
    software = set()
    turn_methods = collections.Counter()
    first = {}
    ice_checks = collections.Counter()       # "a <-> b" -> ICE check requests seen (also inside TURN)
    stun_responses = collections.Counter()   # Binding responses on p2p flows, per direction

    def note_first(key, n, val=None):
        # the earliest frame wins (flows are walked one after the other);
        # KEY_in_turn records whether that earliest one was inside TURN
        if key not in first or n < first[key]:
            first[key] = n
            if val is not None:
                first[key + "_in_turn"] = val

    for k, frs in conv.items():
        proto, a, b = k
        role = None
        if proto == "tcp" and args.server in (a, b):
            role = "signaling"
        elif proto == "udp" and args.turn and args.turn in (a, b) and ({a, b} - {args.turn}) <= my_host:
            role = "client-turn"
        elif proto == "udp" and (a in my_host and b in other_relay or b in my_host and a in other_relay):
            role = "turn-relay"
        elif proto == "udp" and (a in my_host and b in other_direct or b in my_host and a in other_direct):
            role = "p2p"
        elif proto == "udp" and ({a, b} & stun_srv) and ({a, b} & disc_ports):
            role = "outside"
        if role is None:
            if proto == "udp" and not any(x.endswith(":53") for x in (a, b)):
                kinds = set()
                for fr in frs:
                    kinds |= {i[0] for i in g.classify(fr["payload"])}
                if kinds - {"other"}:
                    fail("unexplained UDP flow %s <-> %s carries %s" % (a, b, sorted(kinds)))
            elif proto == "tcp":
                fail("unexplained TCP flow %s <-> %s" % (a, b))
            continue
        contents = set()
        if role == "signaling":
            pl = next((fr for fr in frs if fr["payload"]), None)
            if pl is None or pl["payload"][0] != 0x16:
                fail("signaling flow %s <-> %s does not start with a TLS handshake" % (a, b))
            contents.add("tls")
        else:
            for fr in frs:
                for it in g.classify(fr["payload"]):
                    t = it[0]
                    inner = it[-1] == "inner"
                    if t in ("stun", "turn"):
                        s = it[1]
                        contents.add(t)
                        if t == "turn":
                            turn_methods[g.STUN_METHODS.get(s["method"], s["method"]) +
                                         (" indication" if s["cls"] == 1 else " request" if s["cls"] == 0
                                          else " response" if s["cls"] == 2 else " error")] += 1
                        for v in s["attrs"].get(0x8022, []):
                            software.add(v.decode("utf-8", "replace"))
                        if stun_is_ice_check(s):
                            if role == "outside":
                                fail("ICE check on the discovery flow %s <-> %s" % (a, b))
                            ice_checks["%s <-> %s" % (a, b)] += 1
                            note_first("ice_check_any", fr["n"])
                            if not inner:
                                note_first("ice_check", fr["n"])
                        if s["method"] == 1 and not inner and role != "outside":
                            note_first("stun", fr["n"])
                        if s["method"] == 1 and s["cls"] in (2, 3) and role == "p2p":
                            stun_responses["%s -> %s" % (fr["src"], fr["dst"])] += 1
                    elif t == "channeldata":
                        contents.add("channeldata")
                    elif t == "dtls":
                        contents.add("dtls")
                        note_first("dtls", fr["n"], inner)
                    elif t == "rtcp":
                        contents.add("srtcp")
                        rtcp_dirs[(fr["src"], fr["dst"])] += 1
                    elif t == "rtp":
                        contents.add("srtp")
                        streams_count[(it[1], it[2], fr["src"], fr["dst"])] += 1
                        note_first("media", fr["n"], inner)
                    else:
                        fail("unclassified UDP payload in flow %s <-> %s, frame %d" % (a, b, fr["n"]))
        ent = {"a": a, "b": b, "transport": proto, "role": role,
               "contents": [x for x in ORDER if x in contents], "packets": len(frs)}
        if role == "outside":
            outside.append(ent)
        else:
            flows.append(ent)

    # ---- streams
    streams = []
    for (ssrc, pt, src, dst), n in sorted(streams_count.items(), key=lambda x: (x[0][2], x[0][0], x[0][1], x[0][3])):
        if ssrc not in ssrc_owner:
            fail("SSRC %#010x (PT %d, %s -> %s, %d packets) unknown to getStats/SDP" % (ssrc, pt, src, dst, n))
            continue
        owner, sec, srole = ssrc_owner[ssrc]
        enc = sec["rtpmap"].get(pt)
        if enc is None:
            fail("PT %d of SSRC %#010x not in %s's SDP" % (pt, ssrc, owner))
            continue
        kind = g.codec_kind(enc)
        if (srole == "rtx") != (kind == "rtx"):
            fail("SSRC %#010x (%s) carries PT %d (%s)" % (ssrc, srole, pt, enc))
        streams.append({"ssrc": "%#010x" % ssrc, "pt": pt, "media": sec["media"], "codec": enc, "kind": kind,
                        "encrypted": sec["proto"].endswith("SAVPF"), "flow": "%s -> %s" % (src, dst),
                        "packets": n})

    # getStats packetsSent against the capture (media + its RTX SSRC)
    for n in ("offer", "answer"):
        for s, sec in pv[n]["outbound"]:
            ids = {s["ssrc"]} | ({s["rtxSsrc"]} if "rtxSsrc" in s else set())
            got = sum(c for (ssrc, _pt, _s, _d), c in streams_count.items() if ssrc in ids)
            sent = s.get("packetsSent", 0)
            slack = max(60, sent // 10)   # sent between the getStats() snapshot and the close (< 1 s)
            lo = sent if n == me_name else sent - slack
            if not lo <= got <= sent + slack:
                fail("%s %s SSRC %#010x: getStats packetsSent %d, capture %d" % (n, s["kind"], s["ssrc"], sent, got))
            info("  %s %-5s ssrc %#010x(+rtx) packetsSent %d, capture %d" % (n, s["kind"], s["ssrc"], sent, got))

    # ---- per-mode expectations
    roles = collections.Counter(f["role"] for f in flows)
    sel = {n: pv[n]["selected"] for n in pv}
    outcome = {n: res[n].get("outcome") for n in res}
    if args.mode == "icefail":
        if any(outcome[n] != "failed" for n in outcome):
            fail("ICE outcome %r, wanted failed" % outcome)
        if streams or first.get("dtls"):
            fail("media or DTLS in a call whose ICE failed")
        for f in flows:
            if f["role"] == "p2p" and f["contents"] != ["stun"]:
                fail("p2p flow %s <-> %s carries %s" % (f["a"], f["b"], f["contents"]))
        if stun_responses:
            fail("ICE failed but the capture has STUN Binding responses on %s" % dict(stun_responses))
    else:
        if any(outcome[n] != "connected" for n in outcome):
            fail("ICE outcome %r, wanted connected" % outcome)
        for n in pv:
            t = pv[n]["transport"] or {}
            if t.get("dtlsState") != "connected":
                fail("%s DTLS not connected: %r" % (n, t))
        if not first.get("dtls"):
            fail("no DTLS in the capture")
    if args.mode == "multipath":
        for want in ("client-turn", "turn-relay", "p2p"):
            if not roles[want]:
                fail("multipath: no %s flow" % want)
        for n in pv:
            for typ in ("host", "srflx", "relay"):
                if len(pv[n]["cands"][typ]) < 2:
                    fail("%s has %d %s candidates, wanted 2 or more" % (n, len(pv[n]["cands"][typ]), typ))
        if len([c for c in ice_checks if ice_checks[c]]) < 4:
            fail("ICE checks on %d flows only" % len(ice_checks))
        for m in ("Allocate request", "Refresh request", "CreatePermission request"):
            if not turn_methods[m]:
                fail("no TURN %s in the capture" % m)
    if args.mode in ("datachannel", "avdc"):
        for n in pv:
            if len(pv[n]["dcs"]) != 1 or pv[n]["dcs"][0].get("state") not in ("open", "closing", "closed"):
                fail("%s: data channels %r, wanted one that opened" % (n, pv[n]["dcs"]))
    if args.mode == "avdc":
        if {st["media"] for st in streams} != {"audio", "video"}:
            fail("avdc: media %s, wanted audio and video" % sorted({st["media"] for st in streams}))
        if len([f for f in flows if f["role"] == "p2p" and "dtls" in f["contents"]]) != 1:
            fail("avdc: not one BUNDLE transport")
    if args.mode == "datachannel":
        if streams:
            fail("RTP in a data-channel-only call")
        for sec in offer_sdp["sections"] + answer_sdp["sections"]:
            if sec["media"] != "application":
                fail("m=%s in a data-channel-only call" % sec["media"])
    if args.mode == "stundisc" and not outside:
        fail("no discovery flow in the capture")
    for d in discovery:
        if not any(d["local"] in (o["a"], o["b"]) for o in outside):
            fail("discovery run %r not in the capture" % d)

    # ---- traits
    has = lambda c: any(c in f["contents"] for f in flows)  # noqa: E731
    sections = offer_sdp["sections"] + answer_sdp["sections"]
    media_secs = [s for s in answer_sdp["sections"] if s["media"] in ("audio", "video")]
    srtp_flows = [f for f in flows if "srtp" in f["contents"]]
    traits = {
        "ice": bool(ice_checks) and all(s["ice_ufrag"] for s in offer_sdp["sections"]),
        "turn": has("turn") or has("channeldata"),
        "srtp": bool(srtp_flows),
        "dtls_srtp": bool(srtp_flows) and any("dtls" in f["contents"] for f in srtp_flows),
        "sdes": any(s["crypto"] for s in sections),
        # audio and video on one 5-tuple (RFC 9143), BUNDLE accepted in the answer
        "bundle": answer_sdp["bundle"] and len({s["media"] for s in media_secs}) > 1 and any(
            len({st["media"] for st in streams if st["flow"].split(" -> ")[0] in (f["a"], f["b"])
                 and st["flow"].split(" -> ")[1] in (f["a"], f["b"])}) > 1 for f in srtp_flows),
        "rtcp_mux": bool(srtp_flows) and any("srtcp" in f["contents"] for f in srtp_flows),
        "web_signaling": roles["signaling"] > 0,
        # the page opens a data channel in mode datachannel only (page2.html)
        "datachannel": args.mode in ("datachannel", "avdc"),
    }
    if args.mode == "datachannel" or args.mode == "icefail":
        verdict = "webrtc" if args.mode == "datachannel" else "undetermined"
    else:
        verdict = "webrtc" if traits["ice"] and traits["dtls_srtp"] else "webrtc-likely"

    # ---- key frames
    key_frames = {
        "first_stun": first.get("stun"),
        "first_ice_check": first.get("ice_check"),
        "first_ice_check_any": first.get("ice_check_any"),
        "first_dtls": first.get("dtls"),
        "first_dtls_in_turn": first.get("dtls_in_turn"),
        "first_media": first.get("media"),
        "first_media_in_turn": first.get("media_in_turn"),
    }

    sw = gen_info.software([tuple(p.split("=", 1)) for p in args.packages],
                           **dict(s.split("=", 1) for s in args.software))
    call = {"id": "call-1", "description": args.description,
            "flows": sorted(flows, key=lambda f: (f["role"] != "signaling", f["role"], f["a"], f["b"])),
            "streams": streams, "event_pts": sorted(
                pt for sec in answer_sdp["sections"] for pt, enc in sec["rtpmap"].items()
                if enc.lower().startswith("telephone-event/")),
            "traits": traits, "verdict": verdict, "key_frames": key_frames}
    call["traits_not_observable"] = sorted(set(args.not_observable))
    call = {k: call[k] for k in ("id", "description", "flows", "streams", "event_pts", "traits",
                                 "traits_not_observable", "verdict", "key_frames")}
    call["ice"] = {n: {"candidates": {t: sorted(v) for t, v in sorted(pv[n]["cands"].items())},
                       "selected_pair": pv[n]["selected"], "outcome": outcome[n]} for n in ("offer", "answer")}
    call["ice"]["captured_peer"] = me_name
    call["ice"]["checks_per_flow"] = dict(sorted(ice_checks.items()))
    if args.mode in ("datachannel", "avdc"):
        call["data_channels"] = datachannel_truth(res, pv)
        # getStats() peer-connection: dataChannelsOpened/Closed per peer
        call["data_channels_getstats"] = {
            n: {k: s.get(k) for k in ("dataChannelsOpened", "dataChannelsClosed")}
            for n in ("offer", "answer") for s in pv[n]["stats"].values() if s["type"] == "peer-connection"}
        for n, v in call["data_channels_getstats"].items():
            if v["dataChannelsOpened"] != len(pv[n]["dcs"]):
                fail("%s: dataChannelsOpened %r, data-channel stats %d" % (n, v, len(pv[n]["dcs"])))
        call["dtls_records"] = dtls_records(conv, flows)
        if args.dc_expected:
            want = json.loads(args.dc_expected)
            for c in call["data_channels"]:
                w = want.get(c["label"])
                if (not w or c["protocol"] != w["protocol"] or c["messagesSent"] != w[c["peer"]]["messages"]
                        or len(c["page_sent"]) != c["messagesSent"]):
                    fail("%s channel %s: %r, the page was told %r" % (c["peer"], c["label"], c, w))
            call["data_channels_expected"] = want
    gt = gen_info.truth_head(args.capture_name, args.generator, sw, total, duration)
    gt["description"] = args.description
    gt["calls"] = [call]
    if args.mode == "stundisc":
        gt["outside_calls"] = [
            {"flow": "%s <-> %s" % (o["a"], o["b"]), "transport": o["transport"], "packets": o["packets"],
             "contents": o["contents"],
             "reason": "NAT discovery by %s: plain STUN Binding (no ICE attributes) with a STUN server "
                       "address, from a port that is no candidate of the call"
                       % next(d["tool"] for d in discovery if d["local"] in (o["a"], o["b"]))}
            for o in sorted(outside, key=lambda o: (o["a"], o["b"]))]

    verify(gt, args, key_frames, streams, flows + outside)
    if g.ERRORS:
        print("\n%d check(s) failed; no ground truth written." % len(g.ERRORS), file=sys.stderr)
        sys.exit(1)
    with open(args.out, "w") as f:
        json.dump(gt, f, indent=2)
        f.write("\n")
    if args.record_dir:
        record(args.record_dir, res, pv, software, turn_methods, gt)
    info("key frames %s" % key_frames)
    info("TURN methods %s; SOFTWARE %s" % (dict(turn_methods), sorted(software)))


def dtls_records(conv, flows):
    """DTLS records per direction of the flows that carry DTLS, from the raw
    UDP payloads: DTLSPlaintext records (RFC 6347 §4.1: type, version,
    epoch, sequence, length) and DTLS 1.3 unified-header ciphertext records
    (RFC 9147 §4: 001CSLEE, then CID, 8/16-bit sequence, optional length).
    tshark 4.0 does not dissect DTLS 1.3 ciphertext, so these counts come
    from this parser only."""
    names = {20: "change_cipher_spec", 21: "alert", 22: "handshake", 23: "application_data", 25: "ack"}
    out = {}
    for f in flows:
        if "dtls" not in f["contents"] or f["role"] == "client-turn":
            continue
        for fr in conv[(f["transport"],) + ep_key(f["a"], f["b"])]:
            p = fr["payload"]
            if not p or not 20 <= p[0] <= 63:
                continue
            d = out.setdefault("%s -> %s" % (fr["src"], fr["dst"]),
                               {"datagrams": 0, "records": collections.Counter(), "ciphertext_sizes": []})
            d["datagrams"] += 1
            o = 0
            while o < len(p):
                b = p[o]
                if b in names and o + 13 <= len(p):
                    ln = struct.unpack_from("!H", p, o + 11)[0]
                    d["records"][names[b]] += 1
                    o += 13 + ln
                elif 0x20 <= b <= 0x3F:
                    if b & 0x10:
                        fail("DTLS 1.3 record with a connection ID (not expected), frame %d" % fr["n"])
                        break
                    hl = 1 + (2 if b & 0x08 else 1)
                    if b & 0x04:
                        ln = struct.unpack_from("!H", p, o + hl)[0]
                        hl += 2
                    else:
                        ln = len(p) - o - hl
                    d["records"]["dtls13_ciphertext"] += 1
                    d["ciphertext_sizes"].append(ln)
                    o += hl + ln
                else:
                    fail("unparsable DTLS bytes in frame %d at %d" % (fr["n"], o))
                    break
            if o != len(p):
                fail("DTLS records do not fill frame %d" % fr["n"])
    for d in out.values():
        d["records"] = dict(sorted(d["records"].items()))
        sz = d.pop("ciphertext_sizes")
        d["ciphertext_records_over_1000_bytes"] = len([x for x in sz if x > 1000])
    return dict(sorted(out.items()))


def datachannel_truth(res, pv):
    """The data channel as both pages and getStats saw it."""
    out = []
    for n in ("offer", "answer"):
        for s in pv[n]["dcs"]:
            log = res[n].get("dc", [])
            out.append({"peer": n, "label": s.get("label"), "id": s.get("dataChannelIdentifier"),
                        "protocol": s.get("protocol", ""), "state": s.get("state"),
                        "messagesSent": s.get("messagesSent"), "bytesSent": s.get("bytesSent"),
                        "messagesReceived": s.get("messagesReceived"), "bytesReceived": s.get("bytesReceived"),
                        "page_sent": [(m["type"], m["size"]) for m in log if m["dir"] == "send"],
                        "page_received": len([m for m in log if m["dir"] == "recv"])})
    return out


def verify(gt, args, key_frames, streams, flows):
    pcap = args.pcap
    n = len(tshark(["-r", pcap, "-T", "fields", "-e", "frame.number"]).split())
    if n != gt["packets"]:
        fail("tshark counts %d frames, ground truth %d" % (n, gt["packets"]))
    per = collections.Counter()
    out = tshark(["-r", pcap, "-Y", "(udp || tcp) && !icmp", "-T", "fields", "-E", "separator=,",
                  "-e", "ip.src", "-e", "udp.srcport", "-e", "tcp.srcport",
                  "-e", "ip.dst", "-e", "udp.dstport", "-e", "tcp.dstport"])
    for line in out.splitlines():
        s, us, ts, d, ud, td = line.split(",")
        per[("udp" if us else "tcp",) + ep_key("%s:%s" % (s, us or ts), "%s:%s" % (d, ud or td))] += 1
    for f in flows:
        got = per.get((f["transport"], f["a"], f["b"]), 0)
        if got != f["packets"]:
            fail("flow %s <-> %s: tshark %d, ground truth %d" % (f["a"], f["b"], got, f["packets"]))
    info("verify: %d frames, %d flows agree with tshark" % (n, len(flows)))
    # Ports of the flows that carry media/DTLS directly, and of the TURN server.
    direct = sorted({int(ep.rsplit(":", 1)[1]) for f in flows if f["role"] in ("p2p", "turn-relay")
                     and ("dtls" in f["contents"] or "srtp" in f["contents"]) for ep in (f["a"], f["b"])})
    turn_port = int(args.turn.rsplit(":", 1)[1]) if args.turn else None
    # RTP streams (direct flows): Decode As RTP on the media flows' ports.
    ws = collections.Counter()
    if direct:
        # only the remote side's port: the local host port is shared with its TURN flow
        media_flows = [f for f in flows if f["role"] in ("p2p", "turn-relay") and "srtp" in f["contents"]]
        for f in media_flows:
            targs = ["-r", pcap, "-d", "udp.port==%s,rtp" % f["a"].rsplit(":", 1)[1],
                     "-d", "udp.port==%s,rtp" % f["b"].rsplit(":", 1)[1],
                     "-Y", "rtp.version == 2 && !icmp && %s && !(rtp.marker == 1 && rtp.p_type >= 64 && "
                     "rtp.p_type <= 95)" % flow_filter(f["a"], f["b"])]
            out = tshark(targs + ["-T", "fields", "-E", "separator=,", "-E", "occurrence=l",
                                  "-e", "ip.src", "-e", "udp.srcport", "-e", "ip.dst", "-e", "udp.dstport",
                                  "-e", "rtp.ssrc", "-e", "rtp.p_type"])
            for line in out.splitlines():
                s, sp, d, dp, ssrc, pt = line.split(",")
                ws[("0x%08x" % int(ssrc, 16), int(pt), "%s:%s -> %s:%s" % (s, sp, d, dp))] += 1
    # RTP inside TURN (ChannelData, Send/Data indications) on the client-turn
    # flows: Wireshark's STUN dissector on both ports leaves the payload in
    # data.data; RTP-shaped per RFC 7983/5761 (first byte 128-191, second
    # byte not 192-223), as tests/lib/groundtruth.py reads it.
    inner_frames = []
    for f in flows:
        if f["role"] != "client-turn" or not ({"channeldata", "turn"} & set(f["contents"])):
            continue
        targs = ["-r", pcap]
        for ep in (f["a"], f["b"]):
            targs += ["-d", "udp.port==%s,stun" % ep.rsplit(":", 1)[1]]
        out = tshark(targs + ["-Y", "!icmp && stun && data.data && %s" % flow_filter(f["a"], f["b"]),
                              "-T", "fields", "-E", "separator=,", "-E", "occurrence=a", "-E", "aggregator=|",
                              "-e", "frame.number", "-e", "ip.src", "-e", "udp.srcport", "-e", "ip.dst",
                              "-e", "udp.dstport", "-e", "data.data"])
        for line in out.splitlines():
            fn, s_, sp, d, dp, blobs = line.split(",")
            for h in blobs.split("|"):
                b = bytes.fromhex(h.replace(":", ""))
                if len(b) >= 12 and 0x80 <= b[0] <= 0xBF and not 192 <= b[1] <= 223:
                    ws[("0x%08x" % struct.unpack_from("!I", b, 8)[0], b[1] & 0x7F,
                        "%s:%s -> %s:%s" % (s_, sp, d, dp))] += 1
                    inner_frames.append(int(fn))
    mine = collections.Counter()
    for st in streams:
        mine[(st["ssrc"], st["pt"], st["flow"])] += st["packets"]
    for k in sorted(set(ws) | set(mine)):
        if ws.get(k, 0) != mine.get(k, 0):
            fail("stream %s pt %d %s: tshark %d, ground truth %d" % (k[0], k[1], k[2], ws.get(k, 0), mine.get(k, 0)))
    info("verify: RTP %d (ssrc, pt, direction) / %d packets agree with tshark" % (len(ws), sum(ws.values())))
    # Key frames with plain tshark (Decode As DTLS on the direct media ports,
    # STUN on the TURN port with the dtls_stun heuristic for DTLS in TURN).
    if key_frames["first_dtls"]:
        dt_first, hello = [], []
        for f in flows:
            if "dtls" not in f["contents"]:
                continue
            if f["role"] == "client-turn":
                dargs = ["-r", pcap, "-d", "udp.port==%d,stun" % turn_port, "--enable-heuristic", "dtls_stun"]
            else:
                dargs = ["-r", pcap, "-d", "udp.port==%s,dtls" % f["a"].rsplit(":", 1)[1],
                         "-d", "udp.port==%s,dtls" % f["b"].rsplit(":", 1)[1]]
            ff = flow_filter(f["a"], f["b"])
            out = tshark(dargs + ["-Y", "dtls.record.content_type >= 20 && !icmp && %s" % ff, "-T", "fields", "-e", "frame.number"]).split()
            dt_first += [int(x) for x in out[:1]]
            hello += tshark(dargs + ["-Y", "dtls.handshake.type == 1 && %s" % ff, "-T", "fields",
                                     "-e", "frame.number"]).split()
        if not dt_first or min(dt_first) != key_frames["first_dtls"]:
            fail("first DTLS frame: tshark %s, own %s" % (dt_first, key_frames["first_dtls"]))
        info("verify: first DTLS record frame %s, ClientHello frames %s" % (key_frames["first_dtls"], hello))
        if not hello:
            fail("tshark sees no DTLS ClientHello")
    sargs = ["-r", pcap]
    if turn_port:
        sargs += ["-d", "udp.port==%d,stun" % turn_port]
    out = tshark(sargs + ["-Y", "stun.type.method == 0x0001 && stun.type.class == 0 && stun.att.type == 0x0024 "
                          "&& !icmp", "-T", "fields", "-e", "frame.number"]).split()
    if key_frames["first_ice_check_any"] and (not out or int(out[0]) != key_frames["first_ice_check_any"]):
        fail("first ICE check: tshark %s, own %s" % (out[:1], key_frames["first_ice_check_any"]))
    info("verify: first ICE check frame %s (tshark %s)" % (key_frames["first_ice_check_any"], out[:1]))
    if key_frames["first_media"]:
        media_flows = [f for f in flows if "srtp" in f["contents"] and f["role"] != "client-turn"]
        cand = list(inner_frames)
        if media_flows:
            targs = ["-r", pcap]
            for f in media_flows:
                for ep in (f["a"], f["b"]):
                    targs += ["-d", "udp.port==%s,rtp" % ep.rsplit(":", 1)[1]]
            filt = " || ".join("(%s)" % flow_filter(f["a"], f["b"]) for f in media_flows)
            out = tshark(targs + ["-Y", "rtp.version == 2 && !(rtp.marker == 1 && rtp.p_type >= 64 && "
                                  "rtp.p_type <= 95) && !icmp && (%s)" % filt,
                                  "-T", "fields", "-e", "frame.number"]).split()
            cand += [int(x) for x in out[:1]]
        if not cand or min(cand) != key_frames["first_media"]:
            fail("first media frame: tshark %s, own %s" % (min(cand) if cand else None, key_frames["first_media"]))


def flow_filter(a, b):
    (ia, pa), (ib, pb) = a.rsplit(":", 1), b.rsplit(":", 1)
    return ("udp && ((ip.src == %s && udp.srcport == %s && ip.dst == %s && udp.dstport == %s) || "
            "(ip.src == %s && udp.srcport == %s && ip.dst == %s && udp.dstport == %s))"
            % (ia, pa, ib, pb, ib, pb, ia, pa))


def record(d, res, pv, software, turn_methods, gt):
    os.makedirs(d, exist_ok=True)
    for n in ("offer", "answer"):
        with open(os.path.join(d, "%s.sdp" % n), "w") as f:
            f.write(res[n]["local"]["sdp"])
    summ = {"userAgent": res["offer"].get("userAgent"), "config": {n: res[n].get("config") for n in res},
            "page_events": {n: res[n].get("events") for n in res}, "peers": {}}
    for n in ("offer", "answer"):
        st = pv[n]["stats"]
        o = {"outbound-rtp": [], "inbound-rtp": []}
        for s in st.values():
            if s["type"] in ("outbound-rtp", "inbound-rtp"):
                c = st.get(s.get("codecId"), {})
                e = {k: s[k] for k in ("kind", "mid", "ssrc", "rtxSsrc", "packetsSent", "packetsReceived",
                                       "bytesSent", "bytesReceived") if k in s}
                e["ssrc_hex"] = "%#010x" % s["ssrc"]
                e["codec"] = {k: c[k] for k in ("payloadType", "mimeType", "clockRate", "channels") if k in c}
                o[s["type"]].append(e)
        t = pv[n]["transport"] or {}
        o["transport"] = {k: t[k] for k in ("tlsVersion", "dtlsCipher", "srtpCipher", "dtlsRole", "iceRole",
                                            "dtlsState", "iceState", "packetsSent", "packetsReceived") if k in t}
        o["selected_pair"] = pv[n]["selected"]
        o["candidate_pairs"] = pv[n]["pairs"]
        o["data_channels"] = pv[n]["dcs"]
        summ["peers"][n] = o
    summ["stun_software_attribute"] = sorted(software)
    summ["turn_methods_in_capture"] = dict(turn_methods)
    summ["key_frames"] = gt["calls"][0]["key_frames"]
    with open(os.path.join(d, "stats-summary.json"), "w") as f:
        json.dump(summ, f, indent=2)
        f.write("\n")


if __name__ == "__main__":
    main()
