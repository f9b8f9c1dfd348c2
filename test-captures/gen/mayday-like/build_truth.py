#!/usr/bin/python3
"""Build and verify the ground truth of the Mayday-like capture.

    build_truth.py --work DIR --pcap CAPTURE --client IP --edge IP --agent IP
                   --turn IP:PORT --coturn-version V --out JSON [--sdp-dir DIR]

DIR holds what generate.sh's stacks wrote: baresip's SIP traces and logs
(client.log, edge.log) and the two webrtcbin peers' reports (offer.json,
answer.json: SDPs, candidates, get-stats after both senders stopped).

The capture was taken on the client's interface. It must hold exactly:
  call-1  the SIP call client -> edge: SIP, RTP (one SSRC per direction, the
          codec of the SDP answer), RTCP on RTP port + 1;
  call-2  the WebRTC video leg: one UDP flow client <-> TURN server carrying
          the client's TURN allocation, and inside it (ChannelData or
          Send/Data) the ICE checks, DTLS and SRTP/SRTCP with the agent;
  noise   ARP, and libnice's TURN-over-TCP attempts that coturn refuses
          (no-tcp): SYN + RST, counted, not flows.
Packet counts come from the capture (parsed here with the Chromium builder's
reader, which unwraps TURN) and must equal the webrtcbin senders'
packets-sent and receivers' packets-received exactly; then plain tshark must
agree (the Chromium builder's TURN checks, and Wireshark's own SIP/SDP-driven
RTP/RTCP for the SIP leg). Any disagreement: exit 1, nothing written.

The two calls are the two legs of one user-level call, made at the same time
from the same client, but nothing on the wire joins them (the video leg's
offer/answer went through files, an app's own signaling): the truth is two
sessions, related by the shared client host and time, not one.
"""
import argparse
import collections
import datetime
import importlib.util
import json
import os
import re
import subprocess
import sys

HERE = os.path.dirname(os.path.abspath(__file__))


def _load(name, path):
    spec = importlib.util.spec_from_file_location(name, os.path.join(HERE, path))
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


# Shared readers: the Chromium builder's pcapng/RFC 7983/TURN parser, SDP
# parser and TURN checks with tshark; baresip-sip's SIP trace reader.
cg = _load("chromium_groundtruth", "../chromium-p2p/groundtruth.py")
bs = _load("baresip_analyze", "../baresip-sip/analyze.py")
fail, info, tshark, ep_key = cg.fail, cg.info, cg.tshark, cg.ep_key
ORDER = ["stun", "turn", "channeldata", "dtls", "rtp", "srtp", "rtcp", "srtcp", "sip"]


def flow(a, b, role, contents, n):
    a, b = ep_key(a, b)
    return {"a": a, "b": b, "transport": "udp", "role": role,
            "contents": [c for c in ORDER if c in contents], "packets": n}


def conversations(frames):
    conv = collections.OrderedDict()
    noise = collections.Counter()
    for fr in frames:
        if fr["proto"] in ("udp", "tcp"):
            conv.setdefault((fr["proto"],) + ep_key(fr["src"], fr["dst"]), []).append(fr)
        else:
            noise["ARP/ICMP"] += 1
    return conv, noise


# ------------------------------------------------------------ SIP leg ---
def sip_call(work, conv, client, edge):
    log = open(os.path.join(work, "client.log"), errors="replace").read()
    edge_log = open(os.path.join(work, "edge.log"), errors="replace").read()
    invite, answer = bs.offer_answer(log)
    if not invite or not answer:
        fail("no INVITE / 200 OK with SDP in the client's SIP trace")
        return None, set()
    osdp, asdp = bs.parse_sdp(invite[2]), bs.parse_sdp(answer[2])
    om, am = osdp["media"][0], asdp["media"][0]
    for what, sdp, m in (("offer", osdp, om), ("answer", asdp, am)):
        if len(sdp["media"]) != 1 or m["media"] != "audio" or m["proto"] != "RTP/AVP":
            fail("%s: expected one plain RTP/AVP audio m-line" % what)
        if any(a.startswith(("rtcp-mux", "rtcp:", "crypto", "fingerprint", "ice-")) for a in m["attrs"]):
            fail("%s announces rtcp-mux/a=rtcp/crypto/fingerprint/ICE" % what)
    a_ip, b_ip = om["c"] or osdp["c"], am["c"] or asdp["c"]
    if (a_ip, b_ip) != (client, edge):
        fail("SDP addresses %s/%s, expected client %s / edge %s" % (a_ip, b_ip, client, edge))
    a_rtp, b_rtp = "%s:%d" % (a_ip, om["port"]), "%s:%d" % (b_ip, am["port"])
    a_rtcp, b_rtcp = "%s:%d" % (a_ip, om["port"] + 1), "%s:%d" % (b_ip, am["port"] + 1)
    common = [pt for pt in am["fmts"] if pt in om["fmts"]]
    events = [pt for pt in common if am["rtpmap"].get(pt, "").lower().startswith("telephone-event/")]
    pt = [p for p in common if p not in events][0]
    codec = am["rtpmap"][pt]
    for who, text in (("client", log), ("edge", edge_log)):
        enc = re.findall(r"audio: Set audio encoder: (\S+) (\d+)Hz", text)
        if not enc or "%s/%s" % enc[-1] != codec:
            fail("%s's baresip encodes %s, the SDP answer chose %s" % (who, enc, codec))

    sip_key = ("udp",) + ep_key(invite[0]["src"], invite[0]["dst"])
    rtp_key = ("udp",) + ep_key(a_rtp, b_rtp)
    rtcp_key = ("udp",) + ep_key(a_rtcp, b_rtcp)
    streams = collections.OrderedDict()
    for fr in conv.get(rtp_key, []):
        p = fr["payload"]
        if len(p) < 12 or p[0] >> 6 != 2 or 192 <= p[1] <= 223:
            fail("frame %d on the RTP ports is not RTP" % fr["n"])
            continue
        ssrc = int.from_bytes(p[8:12], "big")
        st = streams.setdefault(ssrc, {"flow": "%s -> %s" % (fr["src"], fr["dst"]), "pts": collections.Counter()})
        if st["flow"] != "%s -> %s" % (fr["src"], fr["dst"]):
            fail("SSRC %#010x in both directions" % ssrc)
        st["pts"][p[1] & 0x7F] += 1
    for fr in conv.get(rtcp_key, []):
        if len(fr["payload"]) < 8 or not 200 <= fr["payload"][1] <= 204:
            fail("frame %d on the RTCP ports (RTP + 1) is not RTCP" % fr["n"])
    flows_ = {ssrc: st["flow"].split(" -> ")[0] for ssrc, st in streams.items()}
    if sorted(flows_.values()) != sorted([a_rtp, b_rtp]):
        fail("expected one SSRC per direction on %s <-> %s: %s" % (a_rtp, b_rtp, flows_))
    for ssrc, src in flows_.items():
        ann = om["ssrcs"] if src == a_rtp else am["ssrcs"]
        if ann and ssrc not in ann:
            fail("SSRC %#010x not announced in a=ssrc %s" % (ssrc, ann))
    out_streams = []
    for ssrc, st in streams.items():
        if set(st["pts"]) != {pt}:
            fail("SSRC %#010x carries PTs %s, expected %d" % (ssrc, dict(st["pts"]), pt))
        out_streams.append({"ssrc": "%#010x" % ssrc, "pt": pt, "media": "audio", "codec": codec,
                            "kind": "media", "encrypted": False, "flow": st["flow"],
                            "packets": st["pts"][pt]})
    flows = [flow(*sip_key[1:], "sip", ["sip"], len(conv.get(sip_key, []))),
             flow(*rtp_key[1:], "media-rtp", ["rtp"], len(conv.get(rtp_key, []))),
             flow(*rtcp_key[1:], "media-rtcp", ["rtcp"], len(conv.get(rtcp_key, [])))]
    call = {
        "id": "call-1",
        "description": "the audio leg: baresip (client %s) calls baresip (edge %s) directly over SIP/UDP "
                       "(Call-ID %s); offer %s, answer %s; %s chosen; plain RTP/AVP, RTCP on port+1 "
                       "(no rtcp-mux), no ICE, no SRTP"
                       % (client, edge, invite[1].get("call-id"),
                          " ".join("%d=%s" % (p, om["rtpmap"].get(p, "?")) for p in om["fmts"]),
                          " ".join("%d=%s" % (p, am["rtpmap"].get(p, "?")) for p in am["fmts"]), codec),
        "flows": flows,
        "streams": sorted(out_streams, key=lambda s: s["flow"]),
        "event_pts": events,
        "traits": dict.fromkeys(sorted(cg_traits()), False),
        "verdict": "not-webrtc",
        # verdict rules of docs/verdict.md: SIP alone is no media (undetermined);
        # RTP in the clear without ICE/TURN/DTLS is classic VoIP.
        "legs": [{"flows": [flows[0]["a"] + " <-> " + flows[0]["b"]], "verdict": "undetermined"},
                 {"flows": [f["a"] + " <-> " + f["b"] for f in flows[1:]], "verdict": "not-webrtc"}],
    }
    return call, {sip_key, rtp_key, rtcp_key}


def cg_traits():
    return ("ice", "turn", "srtp", "dtls_srtp", "sdes", "bundle", "rtcp_mux", "web_signaling",
            "datachannel")


# -------------------------------------------------------- WebRTC leg ---
def stats_of(peer, name):
    return [v for v in peer["stats"].values() if isinstance(v, dict) and v.get("__name__") == name]


def webrtc_call(work, conv, client, agent, turn):
    offer = json.load(open(os.path.join(work, "offer.json")))
    answer = json.load(open(os.path.join(work, "answer.json")))
    if offer["local_sdp"] != answer["remote_sdp"] or answer["local_sdp"] != offer["remote_sdp"]:
        fail("the SDPs exchanged differ from those applied")
    osdp = cg.parse_sdp(offer["local_sdp"])   # webrtcbin writes the gathered candidates into it
    asdp = cg.parse_sdp(answer["local_sdp"])
    secs = osdp["sections"] + asdp["sections"]
    if len(osdp["sections"]) != 1 or osdp["sections"][0]["media"] != "video":
        fail("the webrtcbin offer should have one video m-line")
    relay = [c for c in osdp["sections"][0]["candidates"] if c["type"] == "relay"]
    if {c["type"] for c in osdp["sections"][0]["candidates"]} != {"relay"} or len(relay) != 1:
        fail("the client (ice-transport-policy relay) should offer one relay candidate only")
    m = re.search(r"raddr (\S+) rport (\d+)", offer["local_candidates"][0]["candidate"])
    client_ep = "%s:%s" % m.groups() if m else "?"
    relay_ep = relay[0]["addr"] if relay else "?"
    if not client_ep.startswith(client + ":") or not relay_ep.startswith(turn.rsplit(":", 1)[0] + ":"):
        fail("relay candidate %s (from %s) is not on the TURN server / client" % (relay_ep, client_ep))
    agent_host = {c["addr"] for c in asdp["sections"][0]["candidates"] if c["transport"] == "udp"}
    # the pair both peers selected: the client's relayed address <-> an agent host candidate
    for role, peer in (("offer", offer), ("answer", answer)):
        st = peer["stats"]
        for t in stats_of(peer, "transport"):
            pair = st.get(t.get("selected-candidate-pair-id"))
            eps = {"%s:%d" % (st[pair[k]]["address"], st[pair[k]]["port"]) for k in
                   ("local-candidate-id", "remote-candidate-id")} if pair else set()
            if len(eps & {relay_ep}) != 1 or not eps & agent_host:
                fail("%s: selected pair %s is not relay %s <-> agent host %s" % (role, eps, relay_ep, agent_host))

    key = ("udp",) + ep_key(client_ep, turn)
    contents, software, methods = set(), set(), collections.Counter()
    count = collections.Counter()
    peers = set()
    for fr in conv.get(key, []):
        for it in cg.classify(fr["payload"]):
            t = it[0]
            if t in ("stun", "turn"):
                contents.add(t)
                s = it[1]
                for v in s["attrs"].get(0x8022, []):
                    software.add(v.decode("utf-8", "replace"))
                if t == "turn":
                    methods[cg.STUN_METHODS.get(s["method"], s["method"])] += 1
                    for v in s["attrs"].get(0x0012, []):   # XOR-PEER-ADDRESS
                        peers.add(cg.xor_addr(v).rsplit(":", 1)[0])
                    for v in s["attrs"].get(0x0016, []):   # XOR-RELAYED-ADDRESS
                        if cg.xor_addr(v) != relay_ep:
                            fail("Allocate relayed %s, the SDP says %s" % (cg.xor_addr(v), relay_ep))
            elif t in ("channeldata", "dtls"):
                contents.add(t)
            elif t == "rtp":
                contents.add("srtp")
                count[(it[1], it[2], fr["src"], fr["dst"])] += 1
            elif t == "rtcp":
                contents.add("srtcp")
            else:
                fail("frame %d: unclassified payload on the TURN flow" % fr["n"])
    if peers != {agent}:
        fail("TURN permissions/channels for %s, expected the agent %s only" % (peers, agent))
    streams = []
    for role, peer, other in (("offer", offer, answer), ("answer", answer, offer)):
        sec = cg.parse_sdp(peer["local_sdp"])["sections"][0]
        inbound = {v["ssrc"]: v for v in stats_of(other, "inbound-rtp")}
        for o in stats_of(peer, "outbound-rtp"):
            ssrc = o["ssrc"]
            if ssrc not in sec["ssrcs"]:
                fail("%s: SSRC %#010x not in its SDP" % (role, ssrc))
            seen = {k: n for k, n in count.items() if k[0] == ssrc}
            if len(seen) != 1:
                fail("%s SSRC %#010x: %s in the capture" % (role, ssrc, seen))
                continue
            (_, pt, src, dst), n = next(iter(seen.items()))
            recv = inbound.get(ssrc, {}).get("packets-received")
            if not n == o["packets-sent"] == recv:
                fail("%s SSRC %#010x: capture %d, packets-sent %s, packets-received %s"
                     % (role, ssrc, n, o["packets-sent"], recv))
            want_dir = (client_ep, turn) if role == "offer" else (turn, client_ep)
            if (src, dst) != want_dir:
                fail("%s SSRC %#010x goes %s -> %s" % (role, ssrc, src, dst))
            codec = sec["rtpmap"][pt]
            streams.append({"ssrc": "%#010x" % ssrc, "pt": pt, "media": sec["media"], "codec": codec,
                            "kind": cg.codec_kind(codec), "encrypted": True,
                            "flow": "%s -> %s" % (src, dst), "packets": n})
    if sum(s["packets"] for s in streams) != sum(count.values()):
        fail("RTP in the TURN flow that neither peer sent: %s" % dict(count))
    fl = flow(client_ep, turn, "client-turn", contents, len(conv.get(key, [])))
    traits = {
        # ICE checks inside TURN; ufrag/pwd in both SDPs (RFC 8445)
        "ice": "stun" in contents and all(s["ice_ufrag"] for s in secs),
        "turn": "turn" in contents,
        "srtp": "srtp" in contents,
        "dtls_srtp": "dtls" in contents and all(s["fingerprint"] for s in secs)
        and all(s["proto"] == "UDP/TLS/RTP/SAVPF" for s in secs),
        "sdes": any(s["crypto"] for s in secs),
        # one m-line: a BUNDLE group of one, no several media on one 5-tuple
        "bundle": len(secs) > 2,
        "rtcp_mux": all(s["rtcp_mux"] for s in secs) and "srtcp" in contents,
        "web_signaling": False,   # offer/answer went through files
        "datachannel": False,     # the pages open no data channel
    }
    if traits != {"ice": True, "turn": True, "srtp": True, "dtls_srtp": True, "sdes": False,
                  "bundle": False, "rtcp_mux": True, "web_signaling": False,
                  "datachannel": False}:
        fail("unexpected traits of the WebRTC leg: %s" % traits)
    call = {
        "id": "call-2",
        "description": "the video leg: GStreamer webrtcbin (client %s, turn-server + "
                       "ice-transport-policy relay) to webrtcbin (agent %s, host candidates), VP8 "
                       "both ways, relayed by coturn %s (client relayed address %s; TURN methods %s); "
                       "ICE, DTLS-SRTP, rtcp-mux; offer/answer through files, not on the wire"
                       % (client, agent, turn, relay_ep,
                          ", ".join("%s %d" % kv for kv in sorted(methods.items()))),
        "flows": [fl],
        "streams": sorted(streams, key=lambda s: s["flow"]),
        "event_pts": [],
        "traits": traits,
        "verdict": "webrtc",
        "legs": [{"flows": [fl["a"] + " <-> " + fl["b"]], "verdict": "webrtc"}],
    }
    return call, key, software, (offer, answer)


# -------------------------------------------------------------- main ---
def main():
    ap = argparse.ArgumentParser()
    for a in ("--work", "--pcap", "--client", "--edge", "--agent", "--turn", "--coturn-version", "--out"):
        ap.add_argument(a, required=True)
    ap.add_argument("--sdp-dir")
    ap.add_argument("--max-bytes", type=int, default=3000000)
    args = ap.parse_args()

    frames, total, _size, duration = cg.read_capture(args.pcap, args.max_bytes)
    conv, noise = conversations(frames)
    call1, sip_keys = sip_call(args.work, conv, args.client, args.edge)
    call2, turn_key, software, (offer, answer) = webrtc_call(args.work, conv, args.client, args.agent,
                                                             args.turn)
    for k, frs in conv.items():
        if k in sip_keys or k == turn_key:
            continue
        proto, a, b = k
        # libnice also tries TURN over TCP; coturn (no-tcp) answers SYN with RST
        if proto == "tcp" and args.turn in (a, b) and all(not fr["payload"] for fr in frs) and len(frs) == 2:
            noise["refused TURN-over-TCP attempts (SYN, RST)"] += len(frs)
            continue
        fail("unexpected conversation %s %s <-> %s (%d frames)" % (proto, a, b, len(frs)))
    if not call1:
        raise SystemExit(1)
    accounted = sum(f["packets"] for c in (call1, call2) for f in c["flows"]) + sum(noise.values())
    if accounted != total:
        fail("frame accounting: %d accounted, %d in the capture" % (accounted, total))

    sw = {"baresip": bs_version(args.work), "gstreamer": offer["versions"]["gstreamer"],
          "coturn": args.coturn_version}
    for pkg in ("gstreamer1.0-plugins-bad", "libnice10", "libvpx7", "libsrtp2-1", "tshark"):
        sw[pkg] = dpkg_version(pkg)
    gt = {
        "schema_version": 1,
        "capture": "mayday-like.pcapng",
        "generator": "gen/mayday-like/generate.sh",
        "generated": datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ"),
        "software": sw,
        "packets": total,
        "duration_s": round(duration, 3),
        "description": "Mayday-like: one client host, two legs at the same time, captured on the "
                       "client's interface: a classic SIP/RTP audio call to an edge (call-1) and a "
                       "WebRTC video leg relayed by a TURN server (call-2); their signaling never "
                       "meets on the wire. Besides the flows: "
                       + ", ".join("%d %s frames" % (n, k) for k, n in sorted(noise.items())),
        "calls": [call1, call2],
        # One user-level call in two legs, joined only by the client host and
        # time: nothing on the wire names both (no shared SIP dialog, SDP,
        # SSRC, CNAME or DTLS certificate), so they are two related sessions.
        "related": [{"calls": ["call-1", "call-2"], "shares_host": args.client, "joined_on_wire": False}],
    }

    # ---- verify with plain tshark
    verify_sip(args.pcap, call1)
    # The Chromium builder's checks (frames per flow, every RTP stream as
    # tshark sees it, in the clear or inside TURN, SOFTWARE, ChannelData,
    # DTLS) over both legs at once: Wireshark finds the SIP leg's RTP by
    # itself from the SDP.
    both = {k: call1[k] + call2[k] for k in ("flows", "streams")}
    cg.verify(dict(gt, calls=[both]), argparse.Namespace(pcap=args.pcap, turn=args.turn),
              frames, software, None)
    if cg.ERRORS:
        print("%d check(s) failed; no ground truth written" % len(cg.ERRORS), file=sys.stderr)
        sys.exit(1)
    with open(args.out, "w") as f:
        json.dump(gt, f, indent=2)
        f.write("\n")
    if args.sdp_dir:
        os.makedirs(args.sdp_dir, exist_ok=True)
        for name, text in (("webrtc-offer.sdp", offer["local_sdp"]), ("webrtc-answer.sdp", answer["local_sdp"])):
            with open(os.path.join(args.sdp_dir, name), "w") as f:
                f.write(text)
    info("OK: %d frames, %.1f s; %s" % (total, duration, "; ".join(
        "%s %s pt %d %s %d" % (c["id"], s["ssrc"], s["pt"], s["flow"], s["packets"])
        for c in gt["calls"] for s in c["streams"])))


def verify_sip(pcap, call):
    """SIP and RTCP (Wireshark sets RTCP up from the SDP) frame counts, and
    no SRTP/ICE in the SDP."""
    for fl in call["flows"]:
        name = {"sip": "sip", "media-rtcp": "rtcp"}.get(fl["role"])
        if not name:
            continue
        n = len(tshark(["-r", pcap, "-Y", "%s && !icmp" % name, "-T", "fields", "-e", "frame.number"]).split())
        info("verify: tshark -Y %s: %d frames, ground truth %d" % (name, n, fl["packets"]))
        if n != fl["packets"]:
            fail("tshark sees %d %s frames, ground truth %d" % (n, name, fl["packets"]))
    if tshark(["-r", pcap, "-Y", 'sdp.key_mgmt or sdp.media_attr contains "crypto" '
               'or sdp.media.proto contains "SAVP" or sdp.media_attr contains "ice"']).strip():
        fail("the SIP SDP announces SRTP/ICE")


def bs_version(work):
    m = re.search(r"baresip v(\S+)", open(os.path.join(work, "client.log"), errors="replace").read())
    return "%s (Debian %s)" % (m.group(1) if m else "?", dpkg_version("baresip-core"))


def dpkg_version(pkg):
    r = subprocess.run(["dpkg-query", "-W", "-f=${Version}", pkg], capture_output=True, text=True)
    return r.stdout.strip() or None


if __name__ == "__main__":
    main()
