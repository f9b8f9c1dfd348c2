#!/usr/bin/python3
"""Build and verify the ground truth of the aiortc no-BUNDLE capture.

    build_truth.py CAPTURE.pcapng OFFER.json ANSWER.json OUT.json SDPDIR

OFFER.json / ANSWER.json are what aio_call.py recorded for each peer (SDPs,
getStats(), nominated ICE pairs, RTP packets handed to SRTP per SSRC/PT).
Everything in OUT.json comes from those reports; the packet counts come from
the capture, read with plain tshark (Decode As RTP on the ports known from
the signaling), and must agree exactly with what the senders counted. Any
disagreement is fatal (exit 1) and nothing is written.
"""
import collections
import datetime
import json
import os
import re
import subprocess
import sys

CAPTURE, OFFER, ANSWER, OUT, SDPDIR = sys.argv[1:6]
CAPNAME = "aiortc-nobundle.pcapng"
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
    """[(kind, mid, {pt: codec}, rtcp_mux, [candidates], [telephone-event pts])]"""
    out = []
    cur = None
    for line in sdp.splitlines():
        if line.startswith("m="):
            cur = {"kind": line[2:].split()[0], "mid": None, "rtpmap": {}, "rtcp_mux": False,
                   "candidates": [], "events": [], "ssrcs": set()}
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
        elif line.startswith("a=candidate:"):
            f = line.split()
            cur["candidates"].append("%s:%s" % (f[4], f[5]))
        elif line.startswith("a=ssrc:"):
            cur["ssrcs"].add(int(line[7:].split()[0]))
    return out


def session_has_bundle(sdp):
    return any(l.startswith("a=group:BUNDLE") for l in sdp.splitlines())


offer = json.load(open(OFFER))
answer = json.load(open(ANSWER))
peers = {"offer": offer, "answer": answer}

offer_sdp = offer["local_sdp"]
answer_sdp = answer["local_sdp"]
if offer["local_sdp"] != answer["remote_sdp"] or answer["local_sdp"] != offer["remote_sdp"]:
    fail("the SDPs applied by the two peers differ")
if session_has_bundle(offer_sdp) or session_has_bundle(answer_sdp):
    fail("a=group:BUNDLE still present")
om, am = sdp_media(offer_sdp), sdp_media(answer_sdp)
if [m["mid"] for m in om] != [m["mid"] for m in am]:
    fail("m-lines of offer and answer differ")

# ---- transports: one per m-line (no BUNDLE); its 5-tuple is the nominated pair
flows = {}            # key "a|b" -> flow info
mid_flow = {}         # mid -> (offerer addr, answerer addr)
for i, (mo, ma) in enumerate(zip(om, am)):
    to = next(t for t in offer["transports_before_close"] if t["mid"] == mo["mid"])
    ta = next(t for t in answer["transports_before_close"] if t["mid"] == ma["mid"])
    po, pa = to["nominated"].get("1"), ta["nominated"].get("1")
    if not po or not pa:
        fail("mid %s: no nominated ICE pair" % mo["mid"])
        continue
    if po["local"] != pa["remote"] or po["remote"] != pa["local"]:
        fail("mid %s: peers disagree on the nominated pair %s / %s" % (mo["mid"], po, pa))
    if po["local"] not in mo["candidates"] or pa["local"] not in ma["candidates"]:
        fail("mid %s: nominated pair is not from the SDP candidates" % mo["mid"])
    if len(to["nominated"]) != 1:
        fail("mid %s: more than one ICE component (%s)" % (mo["mid"], to["nominated"]))
    mid_flow[mo["mid"]] = (po["local"], pa["local"])
    a, b = sorted([po["local"], pa["local"]])
    flows["%s|%s" % (a, b)] = {"a": a, "b": b, "mids": [mo["mid"]]}
if len(flows) != len(om):
    fail("expected one 5-tuple per m-line without BUNDLE, got %d for %d m-lines" % (len(flows), len(om)))

ports = sorted({int(x.rsplit(":", 1)[1]) for f in flows.values() for x in (f["a"], f["b"])})
decode = []
for p in ports:
    decode += ["-d", "udp.port==%d,rtp" % p]

# ---- every UDP frame of the capture, demultiplexed by its first byte (RFC 7983)
frame_times = tshark("-T", "fields", "-e", "frame.time_relative")
total_frames = len(frame_times)
capture_duration = max(float(t) for t in frame_times)
udp_rows = tshark(*decode, "-Y", "udp", "-T", "fields", "-E", "separator=|",
                  "-e", "ip.src", "-e", "udp.srcport", "-e", "ip.dst", "-e", "udp.dstport",
                  "-e", "frame.protocols", "-e", "udp.payload", "-e", "frame.time_relative")
counts = collections.defaultdict(collections.Counter)
duration = 0.0
for row in udp_rows:
    src, sport, dst, dport, protos, payload, trel = row.split("|")
    duration = max(duration, float(trel))
    s, d = "%s:%s" % (src, sport), "%s:%s" % (dst, dport)
    key = "|".join(sorted([s, d]))
    pl = bytes.fromhex(payload.replace(":", ""))
    b0 = pl[0]
    if b0 <= 3:
        cls = "stun"
    elif 20 <= b0 <= 63:
        cls = "dtls"
    elif 128 <= b0 <= 191:
        cls = "srtcp" if 192 <= pl[1] <= 223 else "srtp"
    else:
        cls = "other"
    counts[key][cls] += 1
    counts[key]["frames"] += 1
    # plain tshark must agree with the byte demultiplexing
    plist = protos.split(":")
    if cls == "stun" and "stun" not in plist:
        fail("frame %s->%s: STUN by first byte but tshark says %s" % (s, d, protos))
    if cls == "dtls" and "dtls" not in plist:
        fail("frame %s->%s: DTLS by first byte but tshark says %s" % (s, d, protos))
    if cls in ("srtp", "srtcp") and "rtp" not in plist:
        fail("frame %s->%s: RTP by first byte but tshark says %s" % (s, d, protos))
    if cls == "srtcp" and "rtcp" not in plist:
        fail("frame %s->%s: RTCP by first two bytes but tshark says %s" % (s, d, protos))

for key in counts:
    if key not in flows:
        fail("UDP 5-tuple %s in the capture is not a nominated ICE pair" % key)
for key, f in flows.items():
    c = counts.get(key)
    if not c:
        fail("flow %s not in the capture" % key)
        continue
    if c["other"]:
        fail("flow %s: %d frames that are neither STUN, DTLS nor RTP/RTCP" % (key, c["other"]))
    for needed in ("stun", "dtls", "srtp", "srtcp"):
        if not c[needed]:
            fail("flow %s: no %s" % (key, needed))
    f["contents"] = [x for x in ("stun", "dtls", "srtp", "srtcp") if c[x]]
    f["packets"] = c["frames"]
    f["counts"] = dict(c)

# RTCP: the senders' own counts of RTCP packets must match the capture
for key, f in flows.items():
    mid = f["mids"][0]
    sent = sum(next(t for t in peers[r]["transports"] if t["mid"] == mid)["sent_rtcp"]
               for r in ("offer", "answer"))
    if counts[key]["srtcp"] != sent:
        fail("flow %s: %d SRTCP frames in capture, senders counted %d" % (key, counts[key]["srtcp"], sent))

# DTLS-SRTP: one ServerHello per flow, selecting SRTP_AES128_CM_HMAC_SHA1_80 (0x0001)
dtls_info = {}
for row in tshark(*decode, "-Y", "dtls.handshake.type == 2", "-T", "fields", "-E", "separator=|",
                  "-e", "ip.src", "-e", "udp.srcport", "-e", "ip.dst", "-e", "udp.dstport",
                  "-e", "dtls.use_srtp.protection_profile", "-e", "dtls.handshake.ciphersuite"):
    src, sport, dst, dport, profile, suite = row.split("|")
    key = "|".join(sorted(["%s:%s" % (src, sport), "%s:%s" % (dst, dport)]))
    if key in dtls_info:
        fail("flow %s: more than one DTLS ServerHello" % key)
    dtls_info[key] = (profile, suite)
for key in flows:
    if key not in dtls_info:
        fail("flow %s: no DTLS ServerHello" % key)
    elif dtls_info[key][0] != "0x0001":
        fail("flow %s: SRTP profile %s, expected 0x0001" % (key, dtls_info[key][0]))

# ---- RTP streams, with the filter from GROUND-TRUTH.md / the brief
rtp_filter = "rtp && rtp.version == 2 && !(udp.payload[1] >= c0 && udp.payload[1] <= df)"
rtp_rows = tshark(*decode, "-Y", rtp_filter, "-T", "fields", "-E", "separator=|",
                  "-e", "ip.src", "-e", "udp.srcport", "-e", "ip.dst", "-e", "udp.dstport",
                  "-e", "rtp.ssrc", "-e", "rtp.p_type")
seen = collections.Counter()
for row in rtp_rows:
    src, sport, dst, dport, ssrc, pt = row.split("|")
    seen[("%s:%s -> %s:%s" % (src, sport, dst, dport), "0x%08x" % int(ssrc, 16), int(pt))] += 1

streams = []
expected = collections.Counter()
for role in ("offer", "answer"):
    p = peers[role]
    stats = p["stats_before_close"]
    for t in p["transports"]:
        mid = t["mid"]
        o_addr, a_addr = mid_flow[mid]
        flow = "%s -> %s" % ((o_addr, a_addr) if role == "offer" else (a_addr, o_addr))
        m_local = next(m for m in sdp_media(p["local_sdp"]) if m["mid"] == mid)
        m_neg = next(m for m in am if m["mid"] == mid)   # the answer holds the negotiated set
        for key, n in sorted(t["sent_rtp"].items()):
            ssrc, pt = key.split("/")
            pt = int(pt)
            if int(ssrc, 16) not in m_local["ssrcs"]:
                fail("%s mid %s: SSRC %s not announced in its SDP" % (role, mid, ssrc))
            if ssrc not in (t["sender_ssrc"], t["sender_rtx_ssrc"]):
                fail("%s mid %s: SSRC %s is not the sender's" % (role, mid, ssrc))
            codec = m_neg["rtpmap"].get(pt)
            if codec is None:
                fail("%s mid %s: PT %d not negotiated" % (role, mid, pt))
                continue
            name = codec.split("/")[0].lower()
            kind = {"rtx": "rtx", "red": "red", "ulpfec": "fec", "flexfec-03": "fec",
                    "telephone-event": "event"}.get(name, "media")
            if kind == "media":
                # getStats (just before close) saw this SSRC; it can only trail the final count
                st = [v for v in stats.values()
                      if v["type"] == "outbound-rtp" and "0x%08x" % v["ssrc"] == ssrc]
                if len(st) != 1 or st[0]["packetsSent"] > n:
                    fail("%s %s: getStats outbound-rtp %s vs sent %d" % (role, ssrc, st, n))
            expected[(flow, ssrc, pt)] = n
            streams.append({
                "ssrc": ssrc, "pt": pt, "media": t["kind"], "codec": codec,
                "kind": kind, "encrypted": True, "flow": flow, "packets": n,
            })

for k in sorted(set(seen) | set(expected)):
    if seen.get(k, 0) != expected.get(k, 0):
        fail("RTP %s ssrc %s pt %d: capture %d, sender counted %d"
             % (k[0], k[1], k[2], seen.get(k, 0), expected.get(k, 0)))
for s in streams:
    if s["packets"] <= 0:
        fail("stream %s has no packets" % s["ssrc"])

# ---- traits
rtcp_mux = all(m["rtcp_mux"] for m in om + am) and all(counts[k]["srtcp"] for k in flows)
event_pts = sorted({pt for m in am for pt in m["events"]})

if errors:
    print("%d verification error(s); ground truth NOT written" % len(errors), file=sys.stderr)
    sys.exit(1)


def dpkg_version(pkg):
    r = subprocess.run(["dpkg-query", "-W", "-f=${Version}", pkg], capture_output=True, text=True)
    return r.stdout.strip() or None


software = {
    "aiortc": offer["versions"]["aiortc"],
    "aioice": offer["versions"].get("aioice"),
    "pyav": offer["versions"].get("av"),
    "python": offer["versions"]["python"],
    "debian-python3-aiortc": dpkg_version("python3-aiortc"),
    "libvpx": dpkg_version("libvpx7"),
    "libopus": dpkg_version("libopus0"),
    "libsrtp2": dpkg_version("libsrtp2-1"),
    "openssl": dpkg_version("libssl3"),
    "dumpcap": dpkg_version("wireshark-common"),
    "tshark": dpkg_version("tshark"),
    "kernel": os.uname().release,
}
software = {k: v for k, v in software.items() if v}

flow_list = []
for key in sorted(flows):
    f = flows[key]
    flow_list.append({"a": f["a"], "b": f["b"], "transport": "udp", "role": "p2p",
                      "contents": f["contents"], "packets": f["packets"]})
streams.sort(key=lambda s: (s["media"], s["flow"], s["kind"] != "media", s["ssrc"]))

truth = {
    "schema_version": 1,
    "capture": CAPNAME,
    "generator": "gen/aiortc-nobundle/generate.sh",
    "generated": datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ"),
    "software": software,
    "packets": total_frames,
    "duration_s": round(capture_duration, 3),
    "calls": [{
        "id": "call-1",
        "description": "two aiortc RTCPeerConnections in two network namespaces joined by a veth "
                       "pair; Opus audio + VP8 video (320x240, 10 fps), no BUNDLE (audio and video "
                       "on separate ICE/DTLS transports and 5-tuples), rtcp-mux, DTLS-SRTP "
                       "(SRTP_AES128_CM_SHA1_80), host candidates only",
        "flows": flow_list,
        "streams": streams,
        "event_pts": event_pts,
        "traits": {"ice": True, "turn": False, "srtp": True, "dtls_srtp": True, "sdes": False,
                   "bundle": False, "rtcp_mux": rtcp_mux, "web_signaling": False,
                   "datachannel": False},
        "verdict": "webrtc",
    }],
}
with open(OUT, "w") as f:
    json.dump(truth, f, indent=2)
    f.write("\n")

os.makedirs(SDPDIR, exist_ok=True)
with open(os.path.join(SDPDIR, "offer.sdp"), "w") as f:
    f.write(offer_sdp)
with open(os.path.join(SDPDIR, "answer.sdp"), "w") as f:
    f.write(answer_sdp)

print("verified: %d frames, %d flows, %d RTP streams" % (total_frames, len(flow_list), len(streams)),
      file=sys.stderr)
for s in streams:
    print("  %s pt %3d %-5s %-13s %-5s %-40s %d" % (s["ssrc"], s["pt"], s["media"], s["codec"],
                                                    s["kind"], s["flow"], s["packets"]), file=sys.stderr)
for f in flow_list:
    print("  flow %s <-> %s %s %d frames" % (f["a"], f["b"], ",".join(f["contents"]), f["packets"]),
          file=sys.stderr)
