#!/usr/bin/python3
"""Build and verify the ground truth of the GStreamer webrtcbin capture.

    build_truth.py CAPTURE.pcapng OFFER.json ANSWER.json OUT.json SDPDIR

OFFER.json / ANSWER.json are what gst_call.py recorded (SDPs, ICE candidates,
webrtcbin get-stats after both senders had stopped). The ground truth is
built from them; packet counts come from the capture read with plain tshark
(Decode As RTP on the nominated UDP port) and must equal both the sender's
packets-sent and the receiver's packets-received. Any disagreement is fatal
(exit 1) and nothing is written.
"""
import collections
import datetime
import json
import os
import subprocess
import sys

CAPTURE, OFFER, ANSWER, OUT, SDPDIR = sys.argv[1:6]
CAPNAME = "gst-webrtcbin.pcapng"
errors = []


def fail(msg):
    errors.append(msg)
    print("VERIFY FAIL: " + msg, file=sys.stderr)


def tshark(*args):
    cmd = ["tshark", "-r", CAPTURE, *args]
    print("+ " + " ".join("'%s'" % a if " " in a or "&" in a else a for a in cmd), file=sys.stderr)
    r = subprocess.run(cmd, capture_output=True, text=True, check=True)
    return [l for l in r.stdout.splitlines() if l.strip()]


def sdp_media(sdp):
    out = []
    cur = None
    for line in sdp.splitlines():
        if line.startswith("m="):
            cur = {"kind": line[2:].split()[0], "mid": None, "rtpmap": {}, "rtcp_mux": False,
                   "events": [], "ssrcs": set(), "rtx": False}
            out.append(cur)
        elif cur is None:
            continue
        elif line.startswith("a=mid:"):
            cur["mid"] = line[6:]
        elif line.startswith("a=rtpmap:"):
            pt, codec = line[9:].split(" ", 1)
            cur["rtpmap"][int(pt)] = codec
            if codec.lower().startswith("telephone-event/"):
                cur["events"].append(int(pt))
        elif line == "a=rtcp-mux":
            cur["rtcp_mux"] = True
        elif line.startswith("a=ssrc:"):
            cur["ssrcs"].add(int(line[7:].split()[0]))
    return out


def bundle_group(sdp):
    for l in sdp.splitlines():
        if l.startswith("a=group:BUNDLE"):
            return l.split()[1:]
    return []


def cand_addrs(cands):
    """UDP host candidates 'ip:port' and TCP passive 'ip:port', and all IPs."""
    udp, tcp, ips = set(), set(), set()
    for c in cands:
        f = c["candidate"].split()
        ips.add(f[4])
        if f[2].upper() == "UDP":
            udp.add("%s:%s" % (f[4], f[5]))
        elif "passive" in f:
            tcp.add("%s:%s" % (f[4], f[5]))
    return udp, tcp, ips


offer = json.load(open(OFFER))
answer = json.load(open(ANSWER))
peers = {"offer": offer, "answer": answer}
offer_sdp, answer_sdp = offer["local_sdp"], answer["local_sdp"]
if offer_sdp != answer["remote_sdp"] or answer_sdp != offer["remote_sdp"]:
    fail("the SDPs exchanged differ from the SDPs applied")
om, am = sdp_media(offer_sdp), sdp_media(answer_sdp)
bo, ba = bundle_group(offer_sdp), bundle_group(answer_sdp)
bundle = bool(bo) and bool(ba) and len(ba) == len(am)


def stats_of(peer, name):
    return [v for v in peer["stats"].values() if isinstance(v, dict) and v.get("__name__") == name]


# ---- nominated pair, from each peer's get-stats
pairs = {}
for role, p in peers.items():
    st = p["stats"]
    trans = stats_of(p, "transport")
    found = set()
    for t in trans:
        pair = st.get(t.get("selected-candidate-pair-id"))
        if not pair:
            continue
        eps = []
        for k in ("local-candidate-id", "remote-candidate-id"):
            c = st.get(pair[k])
            eps.append((c["protocol"], "%s:%d" % (c["address"], c["port"])))
        found.add(tuple(sorted(eps)))
    if len(found) != 1:
        fail("%s: expected one selected candidate pair with BUNDLE, got %s" % (role, found))
    pairs[role] = found.pop() if found else None
if pairs["offer"] != pairs["answer"]:
    fail("peers disagree on the selected pair: %s" % pairs)
sel = pairs["offer"]
if sel and any(proto != "udp" for proto, _ in sel):
    fail("selected pair is not UDP: %s" % (sel,))
sel_a, sel_b = sorted(ep for _, ep in sel) if sel else ("?", "?")
o_udp, o_tcp, o_ips = cand_addrs(offer["local_candidates"])
a_udp, a_tcp, a_ips = cand_addrs(answer["local_candidates"])
offerer_ep = sel_a if sel_a in o_udp else sel_b
answerer_ep = sel_b if offerer_ep == sel_a else sel_a
if offerer_ep not in o_udp or answerer_ep not in a_udp:
    fail("selected pair %s / %s is not built from the SDP candidates" % (sel_a, sel_b))
sel_key = "udp|%s|%s" % (sel_a, sel_b)
port = int(offerer_ep.rsplit(":", 1)[1])
decode = ["-d", "udp.port==%d,rtp" % port]

# ---- all UDP/TCP conversations; WebRTC ones are those carrying STUN/DTLS/RTP
frame_times = tshark("-T", "fields", "-e", "frame.time_relative")
total_frames = len(frame_times)
capture_duration = max(float(t) for t in frame_times)
rows = tshark(*decode, "-Y", "udp || tcp", "-T", "fields", "-E", "separator=|",
              "-e", "ip.src", "-e", "udp.srcport", "-e", "tcp.srcport", "-e", "ip.dst",
              "-e", "udp.dstport", "-e", "tcp.dstport", "-e", "frame.protocols",
              "-e", "udp.payload", "-e", "frame.time_relative")
counts = collections.defaultdict(collections.Counter)
duration = 0.0
noise = collections.Counter()
for row in rows:
    src, usp, tsp, dst, udp_, tdp, protos, payload, trel = row.split("|")
    duration = max(duration, float(trel))
    proto = "udp" if usp else "tcp"
    s, d = "%s:%s" % (src, usp or tsp), "%s:%s" % (dst, udp_ or tdp)
    key = "%s|%s" % (proto, "|".join(sorted([s, d])))
    plist = protos.split(":")
    counts[key]["frames"] += 1
    if proto == "tcp":
        if "stun" in plist:
            counts[key]["stun"] += 1
        continue
    pl = bytes.fromhex(payload.replace(":", ""))
    b0 = pl[0] if pl else 255
    if "ssdp" in plist:
        cls = "ssdp"
    elif b0 <= 3:
        cls = "stun"
    elif 20 <= b0 <= 63:
        cls = "dtls"
    elif 128 <= b0 <= 191:
        cls = "srtcp" if 192 <= pl[1] <= 223 else "srtp"
    else:
        cls = "other"
    counts[key][cls] += 1
    if cls == "stun" and "stun" not in plist:
        fail("%s->%s: STUN by first byte, tshark says %s" % (s, d, protos))
    if cls == "dtls" and "dtls" not in plist:
        fail("%s->%s: DTLS by first byte, tshark says %s" % (s, d, protos))
    if cls in ("srtp", "srtcp") and "rtp" not in plist:
        fail("%s->%s: RTP by first byte, tshark says %s" % (s, d, protos))
    if cls == "srtcp" and "rtcp" not in plist:
        fail("%s->%s: RTCP by first two bytes, tshark says %s" % (s, d, protos))

flows = []
for key in sorted(counts):
    c = counts[key]
    proto, a, b = key.split("|")
    webrtc = [x for x in ("stun", "dtls", "srtp", "srtcp") if c[x]]
    if not webrtc:
        if c["ssdp"] == c["frames"] and "239.255.255.250:1900" in (a, b):
            noise["ssdp"] += c["frames"]
            continue
        if proto == "tcp":
            # ICE-TCP connection attempts without STUN (e.g. refused) still belong to ICE
            ips = {a.rsplit(":", 1)[0], b.rsplit(":", 1)[0]}
            if ips <= (o_ips | a_ips):
                noise["ice-tcp without STUN"] += c["frames"]
                continue
        fail("conversation %s carries neither STUN, DTLS nor RTP and is not SSDP" % key)
        continue
    if c["other"]:
        fail("%s: %d unclassified frames" % (key, c["other"]))
    if key != sel_key and (c["dtls"] or c["srtp"] or c["srtcp"]):
        fail("%s: DTLS/media outside the selected pair" % key)
    ends = {a, b}
    if proto == "udp" and not ends & (o_udp | a_udp):
        fail("%s: STUN between addresses that are not candidates" % key)
    if proto == "tcp" and not ends & (o_tcp | a_tcp):
        fail("%s: ICE-TCP not to a passive candidate" % key)
    flows.append({"a": a, "b": b, "transport": proto, "role": "p2p",
                  "contents": webrtc, "packets": c["frames"]})
if sel_key not in counts:
    fail("selected pair %s not in the capture" % sel_key)
else:
    for needed in ("stun", "dtls", "srtp", "srtcp"):
        if not counts[sel_key][needed]:
            fail("selected pair: no %s" % needed)
# DTLS-SRTP profile
dtls_profile = None
for row in tshark(*decode, "-Y", "dtls.handshake.type == 2", "-T", "fields", "-E", "separator=|",
                  "-e", "dtls.use_srtp.protection_profile", "-e", "dtls.handshake.ciphersuite"):
    profile, suite = row.split("|")
    if dtls_profile is not None:
        fail("more than one DTLS ServerHello")
    dtls_profile = profile
if dtls_profile != "0x0001":
    fail("DTLS use_srtp profile %s, expected 0x0001" % dtls_profile)

# ---- RTP streams
rtp_filter = "rtp && rtp.version == 2 && !(udp.payload[1] >= c0 && udp.payload[1] <= df)"
seen = collections.Counter()
for row in tshark(*decode, "-Y", rtp_filter, "-T", "fields", "-E", "separator=|",
                  "-e", "ip.src", "-e", "udp.srcport", "-e", "ip.dst", "-e", "udp.dstport",
                  "-e", "rtp.ssrc", "-e", "rtp.p_type"):
    src, sport, dst, dport, ssrc, pt = row.split("|")
    seen[("%s:%s -> %s:%s" % (src, sport, dst, dport), "0x%08x" % int(ssrc, 16), int(pt))] += 1

streams = []
expected = collections.Counter()
for role, other in (("offer", "answer"), ("answer", "offer")):
    p, q = peers[role], peers[other]
    flow = ("%s -> %s" % (offerer_ep, answerer_ep) if role == "offer"
            else "%s -> %s" % (answerer_ep, offerer_ep))
    local_media = sdp_media(p["local_sdp"])
    inbound = {v["ssrc"]: v for v in stats_of(q, "inbound-rtp")}
    for o in stats_of(p, "outbound-rtp"):
        ssrc = o["ssrc"]
        m = [x for x in local_media if ssrc in x["ssrcs"]]
        if len(m) != 1:
            fail("%s: outbound SSRC %08x not in exactly one m-line of its SDP" % (role, ssrc))
            continue
        m = m[0]
        neg = next(x for x in am if x["mid"] == m["mid"])
        pts = [pt for (fl, s, pt) in seen if fl == flow and s == "0x%08x" % ssrc]
        if len(pts) != 1 or pts[0] not in neg["rtpmap"]:
            fail("%s SSRC %08x: PTs in capture %s, negotiated %s" % (role, ssrc, pts, neg["rtpmap"]))
            continue
        pt = pts[0]
        n = seen[(flow, "0x%08x" % ssrc, pt)]
        sent = o["packets-sent"]
        recv = inbound.get(ssrc, {}).get("packets-received")
        if not (n == sent == recv):
            fail("%s SSRC %08x: capture %d, packets-sent %s, peer packets-received %s"
                 % (role, ssrc, n, sent, recv))
        codec = neg["rtpmap"][pt]
        name = codec.split("/")[0].lower()
        kind = {"rtx": "rtx", "red": "red", "ulpfec": "fec", "telephone-event": "event"}.get(name, "media")
        expected[(flow, "0x%08x" % ssrc, pt)] = n
        streams.append({"ssrc": "0x%08x" % ssrc, "pt": pt, "media": m["kind"], "codec": codec,
                        "kind": kind, "encrypted": True, "flow": flow, "packets": n})
for k in sorted(set(seen) | set(expected)):
    if seen.get(k, 0) != expected.get(k, 0):
        fail("RTP %s ssrc %s pt %d: capture %d, stats %d" % (k[0], k[1], k[2], seen.get(k, 0),
                                                            expected.get(k, 0)))

rtcp_mux = all(m["rtcp_mux"] for m in om + am) and bool(counts[sel_key]["srtcp"])
event_pts = sorted({pt for m in am for pt in m["events"]})
media_on_sel = {s["media"] for s in streams}
if bundle and media_on_sel != {"audio", "video"}:
    fail("BUNDLE negotiated but not both media on the one 5-tuple")

if errors:
    print("%d verification error(s); ground truth NOT written" % len(errors), file=sys.stderr)
    sys.exit(1)


def dpkg_version(pkg):
    r = subprocess.run(["dpkg-query", "-W", "-f=${Version}", pkg], capture_output=True, text=True)
    return r.stdout.strip() or None


software = {
    "gstreamer": offer["versions"]["gstreamer"],
    "gstreamer1.0-plugins-bad": dpkg_version("gstreamer1.0-plugins-bad"),
    "gstreamer1.0-plugins-good": dpkg_version("gstreamer1.0-plugins-good"),
    "gstreamer1.0-plugins-base": dpkg_version("gstreamer1.0-plugins-base"),
    "libnice": dpkg_version("libnice10"),
    "libvpx": dpkg_version("libvpx7"),
    "libopus": dpkg_version("libopus0"),
    "libsrtp2": dpkg_version("libsrtp2-1"),
    "openssl": dpkg_version("libssl3"),
    "python3-gi": dpkg_version("python3-gi"),
    "dumpcap": dpkg_version("wireshark-common"),
    "tshark": dpkg_version("tshark"),
    "kernel": os.uname().release,
}
software = {k: v for k, v in software.items() if v}
streams.sort(key=lambda s: (s["media"], s["flow"]))
flows.sort(key=lambda f: (f["transport"] != "udp", f["a"], f["b"]))

truth = {
    "schema_version": 1,
    "capture": CAPNAME,
    "generator": "gen/gst-webrtcbin/generate.sh",
    "generated": datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ"),
    "software": software,
    "packets": total_frames,
    "duration_s": round(capture_duration, 3),
    "calls": [{
        "id": "call-1",
        "description": "two GStreamer webrtcbin peers (bundle-policy max-bundle) in two network "
                       "namespaces joined by a veth pair; Opus audio + VP8 video (320x240, 10 fps) "
                       "BUNDLEd on one UDP 5-tuple, rtcp-mux, DTLS-SRTP; libnice also made ICE-TCP "
                       "checks (TCP flow with RFC 4571-framed STUN) and sent SSDP M-SEARCH to "
                       "239.255.255.250:1900 (%d frames, not a flow here)" % noise["ssdp"],
        "flows": flows,
        "streams": streams,
        "event_pts": event_pts,
        "traits": {"ice": True, "turn": False, "srtp": True, "dtls_srtp": True, "sdes": False,
                   "bundle": bundle, "rtcp_mux": rtcp_mux, "web_signaling": False,
                   "datachannel": False},
        "verdict": "webrtc",
    }],
}
with open(OUT, "w") as f:
    json.dump(truth, f, indent=2)
    f.write("\n")
os.makedirs(SDPDIR, exist_ok=True)
for name, sdp in (("offer.sdp", offer_sdp), ("answer.sdp", answer_sdp)):
    with open(os.path.join(SDPDIR, name), "w") as f:
        f.write(sdp)

print("verified: %d frames, %d flows, %d RTP streams, SRTP profile %s, %d SSDP frames"
      % (total_frames, len(flows), len(streams), dtls_profile, noise["ssdp"]), file=sys.stderr)
for s in streams:
    print("  %s pt %3d %-5s %-13s %-5s %-44s %d" % (s["ssrc"], s["pt"], s["media"], s["codec"],
                                                    s["kind"], s["flow"], s["packets"]), file=sys.stderr)
for f in flows:
    print("  flow %s %s <-> %s %s %d frames" % (f["transport"], f["a"], f["b"], ",".join(f["contents"]),
                                                f["packets"]), file=sys.stderr)
