#!/usr/bin/python3
"""Build and verify the ground truth of the plain-RTP GStreamer capture.

    build_truth.py CAPTURE.pcapng SENDER.json RECEIVER.json OUT.json SDPDIR

SENDER.json / RECEIVER.json are what gst_rtp.py recorded: the payloaders'
caps and statistics (SSRC, PT, sequence numbers), rtpbin's per-source
statistics, and datagram counts from pad probes on every udpsink/udpsrc.
The ground truth is built from them. The capture is then read twice, by the
small pcapng parser below and by plain tshark with Decode As on the known
ports, and every count must agree with every report exactly; otherwise the
script exits 1 and writes nothing.

Also written to SDPDIR: session.sdp, the SDP an analyst would have been
given for this session (it is not on the wire; derived from the caps).
"""
import collections
import datetime
import json
import os
import struct
import subprocess
import sys

CAPTURE, SENDER, RECEIVER, OUT, SDPDIR = sys.argv[1:6]
CAPNAME = "gst-rtp-plain.pcapng"
DESCRIPTION = "plain RTP without signaling, PT 100 Opus and PT 101 VP8"
errors = []


def fail(msg):
    errors.append(msg)
    print("VERIFY FAIL: " + msg, file=sys.stderr)


def check(cond, msg):
    if not cond:
        fail(msg)
    return cond


# ------------------------------------------------------------------ pcapng --
def read_pcapng(path):
    """Yield (linktype, timestamp_s, frame bytes) for every EPB/SPB."""
    data = open(path, "rb").read()
    off, endian, linktypes, tsres = 0, "<", [], []
    while off + 12 <= len(data):
        btype = struct.unpack_from(endian + "I", data, off)[0]
        if btype == 0x0A0D0D0A:
            bom = data[off + 8:off + 12]
            endian = "<" if bom == b"\x4d\x3c\x2b\x1a" else ">"
            linktypes, tsres = [], []
        blen = struct.unpack_from(endian + "I", data, off + 4)[0]
        body = data[off + 8:off + blen - 4]
        if btype == 1:  # IDB
            lt = struct.unpack_from(endian + "H", body, 0)[0]
            res = 1e-6
            o = 8
            while o + 4 <= len(body):
                code, ln = struct.unpack_from(endian + "HH", body, o)
                if code == 0:
                    break
                if code == 9:
                    v = body[o + 4]
                    res = 2.0 ** -(v & 0x7F) if v & 0x80 else 10.0 ** -v
                o += 4 + ((ln + 3) & ~3)
            linktypes.append(lt)
            tsres.append(res)
        elif btype == 6:  # EPB
            iface, th, tl, caplen = struct.unpack_from(endian + "IIII", body, 0)
            yield linktypes[iface], ((th << 32) | tl) * tsres[iface], body[20:20 + caplen]
        elif btype == 3:  # SPB
            yield linktypes[0], None, body[4:]
        off += blen


def parse_frame(linktype, fr):
    """-> ('arp'|'udp'|'icmp'|'other', info)."""
    if linktype != 1 or len(fr) < 14:
        return "other", None
    et = struct.unpack_from("!H", fr, 12)[0]
    if et == 0x0806:
        return "arp", None
    if et != 0x0800:
        return "other", "ethertype 0x%04x" % et
    ip = fr[14:]
    ihl = (ip[0] & 0x0F) * 4
    proto = ip[9]
    src, dst = ".".join(map(str, ip[12:16])), ".".join(map(str, ip[16:20]))
    if proto == 1:
        return "icmp", (src, dst)
    if proto != 17:
        return "other", "IP protocol %d" % proto
    sport, dport, ulen = struct.unpack_from("!HHH", ip, ihl)
    return "udp", ("%s:%d" % (src, sport), "%s:%d" % (dst, dport), ip[ihl + 8:ihl + ulen])


def rtcp_compound(payload):
    """List of (packet type, sender SSRC) of an RTCP compound packet, or None.

    Also returns the SSRCs that the SR/RR report blocks are about."""
    out, blocks, o = [], [], 0
    while o + 8 <= len(payload):
        if payload[o] >> 6 != 2:
            return None, None
        pt, rc = payload[o + 1], payload[o] & 0x1F
        ln = (struct.unpack_from("!H", payload, o + 2)[0] + 1) * 4
        out.append((pt, struct.unpack_from("!I", payload, o + 4)[0]))
        if pt in (200, 201):
            first = o + (28 if pt == 200 else 8)
            blocks += [struct.unpack_from("!I", payload, first + 24 * k)[0] for k in range(rc)]
        o += ln
    return (out, blocks) if o == len(payload) and out else (None, None)


# ------------------------------------------------------------------ inputs --
snd = json.load(open(SENDER))
rcv = json.load(open(RECEIVER))
for side in (snd, rcv):
    check(not side.get("errors"), "%s reported errors: %s" % (side["role"], side.get("errors")))
check(snd.get("eos") is True, "sender pipeline never reached EOS")
SIP, RIP = snd["local"], snd["remote"]
check(rcv["local"] == RIP and rcv["remote"] == SIP, "sender/receiver addresses disagree")


def caps_fields(caps):
    """'application/x-rtp, a=(string)b, c=(int)1' -> {a: 'b', c: '1'}."""
    out = {}
    for part in caps.split(", ")[1:]:
        k, v = part.split("=", 1)
        out[k] = v.split(")", 1)[1] if v.startswith("(") else v
    return out


def sdp_codec(enc, clock, caps):
    # RFC 7587: Opus is always "opus/48000/2" in SDP, whatever the channels.
    if enc == "OPUS":
        return "opus/48000/2"
    params = caps.get("encoding-params")
    return "%s/%d%s" % (enc, clock, "/" + params if params else "")


sessions = []
for s in snd["sessions"]:
    i = str(s["id"])
    pay_caps = caps_fields(snd["caps"]["pay" + i])
    pay_stats = snd["payloader_stats"]["pay" + i]
    ssrc = pay_stats["ssrc"]
    check(int(pay_caps["ssrc"]) == ssrc, "session %s: payloader caps/stats SSRC differ" % i)
    check(pay_stats["pt"] == s["pt"] and int(pay_caps["payload"]) == s["pt"],
          "session %s: payloader PT %s, wanted %d" % (i, pay_stats["pt"], s["pt"]))
    check(pay_caps["encoding-name"] == s["enc"] and int(pay_caps["clock-rate"]) == s["clock"],
          "session %s: caps %s" % (i, pay_caps))
    # packets pushed by the payloader: last seqnum - first seqnum + 1
    pay_sent = (pay_stats["seqnum"] - pay_stats["seqnum-offset"]) % 65536 + 1
    own = (snd.get("own_source_stats") or {}).get(i) or {}
    check(own.get("ssrc") == ssrc and own.get("internal") is True,
          "session %s: rtpbin's own source is %s/%s, payloader SSRC %08x"
          % (i, own.get("ssrc"), own.get("internal"), ssrc))
    rsrc = (rcv.get("remote_source_stats") or {}).get(i) or {}
    check(rsrc.get("ssrc") == ssrc and rsrc.get("internal") is False,
          "session %s: receiver's source for the sender is %s/%s, payloader SSRC %08x"
          % (i, rsrc.get("ssrc"), rsrc.get("internal"), ssrc))
    # if rtpbin still listed it in the session statistics, they must agree
    for x in rcv["rtpbin_stats"][i]["source-stats"]:
        if x.get("ssrc") == ssrc:
            check(x.get("packets-received") == rsrc.get("packets-received"),
                  "session %s: receiver source/session statistics disagree" % i)
    others = [x["ssrc"] for x in rcv["rtpbin_stats"][i]["source-stats"]
              if not x.get("internal") and x.get("ssrc") != ssrc]
    check(not others, "session %s: receiver saw other SSRCs %s" % (i, others))
    check(rsrc.get("rtp-from") == "%s:%d" % (SIP, s["port"]),
          "session %s: receiver saw RTP from %s" % (i, rsrc.get("rtp-from")))
    check(rsrc.get("rtcp-from") == "%s:%d" % (SIP, s["port"] + 1),
          "session %s: receiver saw RTCP from %s" % (i, rsrc.get("rtcp-from")))
    check(rsrc.get("received-bye") is True, "session %s: receiver got no BYE" % i)
    # the receiver's own (receive-only) SSRC, which appears in RTCP only
    rown = [rcv["rtpbin_stats"][i]["internal-ssrc"]]
    recv_pad = [c for k, c in rcv["caps"].items() if k.startswith("recv_rtp_src_%s_%d_" % (i, ssrc))]
    check(len(recv_pad) == 1, "session %s: receiver made no decoder pad for SSRC %08x" % (i, ssrc))
    sessions.append({
        "id": i, "media": s["media"], "pt": s["pt"], "enc": s["enc"], "clock": s["clock"],
        "port": s["port"], "ssrc": ssrc, "receiver_ssrc": rown[0],
        "codec": sdp_codec(s["enc"], s["clock"], pay_caps),
        "counts": {
            "payloader seqnums": pay_sent,
            "sender rtpbin packets-sent": own.get("packets-sent"),
            "sender udpsink datagrams": snd["datagrams"]["rtpsink" + i],
            "receiver udpsrc datagrams": rcv["datagrams"]["rtpsrc" + i],
            "receiver rtpbin packets-received": rsrc.get("packets-received"),
        },
        "rtcp_s2r": {"sender udpsink": snd["datagrams"]["rtcpsink" + i],
                     "receiver udpsrc": rcv["datagrams"]["rtcpsrc" + i]},
        "rtcp_r2s": {"receiver udpsink": rcv["datagrams"]["rtcpsink" + i],
                     "sender udpsrc": snd["datagrams"]["rtcpsrc" + i]},
    })
by_port = {s["port"]: s for s in sessions}
by_rtcp_port = {s["port"] + 1: s for s in sessions}

# ------------------------------------------------- capture, own parser --
frames = list(read_pcapng(CAPTURE))
t0 = frames[0][1]
duration = frames[-1][1] - t0
kinds = collections.Counter()
flow_frames = collections.Counter()        # (a, b) sorted -> frames
rtp_seen = collections.Counter()           # (src, dst, ssrc, pt) -> packets
rtcp_seen = collections.defaultdict(list)  # (src, dst) -> [[(pt, ssrc)...], ...]
rtcp_blocks = collections.defaultdict(list)  # (src, dst) -> SSRCs reported on
for lt, ts, fr in frames:
    kind, info = parse_frame(lt, fr)
    kinds[kind] += 1
    if kind == "other":
        fail("unexpected frame: %s" % info)
    if kind == "icmp":
        fail("ICMP frame %s -> %s (late packet to a closed port?)" % info)
    if kind != "udp":
        continue
    src, dst, pl = info
    sport, dport = int(src.rsplit(":", 1)[1]), int(dst.rsplit(":", 1)[1])
    flow_frames[tuple(sorted((src, dst)))] += 1
    if sport == dport and sport in by_port:
        if check(len(pl) >= 12 and pl[0] >> 6 == 2 and not 192 <= pl[1] <= 223,
                 "%s -> %s: not RTP" % (src, dst)):
            rtp_seen[(src, dst, "0x%08x" % struct.unpack_from("!I", pl, 8)[0], pl[1] & 0x7F)] += 1
    elif sport == dport and sport in by_rtcp_port:
        comp, blocks = rtcp_compound(pl)
        if check(comp is not None, "%s -> %s: not RTCP" % (src, dst)):
            rtcp_seen[(src, dst)].append(comp)
            rtcp_blocks[(src, dst)] += blocks
    else:
        fail("UDP %s -> %s on no session port" % (src, dst))


# ------------------------------------------------- capture, plain tshark --
def tshark(*args):
    cmd = ["tshark", "-r", CAPTURE, *args]
    print("+ " + " ".join("'%s'" % a if " " in a or "&" in a or "|" in a else a for a in cmd),
          file=sys.stderr)
    r = subprocess.run(cmd, capture_output=True, text=True, check=True)
    return [l for l in r.stdout.splitlines() if l.strip()]


DA_RTP = []
DA_RTCP = []
for s in sessions:
    DA_RTP += ["-d", "udp.port==%d,rtp" % s["port"]]
    DA_RTCP += ["-d", "udp.port==%d,rtcp" % (s["port"] + 1)]
ts_frames = len(tshark("-T", "fields", "-e", "frame.number"))
check(ts_frames == len(frames), "tshark counts %d frames, parser %d" % (ts_frames, len(frames)))
ts_rtp = collections.Counter()
for row in tshark(*DA_RTP, "-Y", "rtp", "-T", "fields", "-E", "separator=|",
                  "-e", "ip.src", "-e", "udp.srcport", "-e", "ip.dst", "-e", "udp.dstport",
                  "-e", "rtp.ssrc", "-e", "rtp.p_type"):
    a, ap, b, bp, ssrc, pt = row.split("|")
    ts_rtp[("%s:%s" % (a, ap), "%s:%s" % (b, bp), "0x%08x" % int(ssrc, 16), int(pt))] += 1
check(ts_rtp == rtp_seen, "tshark RTP %s != parser %s" % (dict(ts_rtp), dict(rtp_seen)))
ts_rtcp = collections.defaultdict(list)
for row in tshark(*DA_RTCP, "-Y", "rtcp && !icmp", "-T", "fields", "-E", "separator=|",
                  "-E", "occurrence=a", "-E", "aggregator=,",
                  "-e", "ip.src", "-e", "udp.srcport", "-e", "ip.dst", "-e", "udp.dstport",
                  "-e", "rtcp.pt"):
    a, ap, b, bp, pts = row.split("|")
    ts_rtcp[("%s:%s" % (a, ap), "%s:%s" % (b, bp))].append([int(x) for x in pts.split(",")])
for k in set(ts_rtcp) | set(rtcp_seen):
    check(ts_rtcp.get(k) == [[p for p, _ in c] for c in rtcp_seen.get(k, [])],
          "RTCP %s -> %s: tshark %s, parser %s" % (k[0], k[1], ts_rtcp.get(k), rtcp_seen.get(k)))

cnames = collections.defaultdict(set)
for row in tshark(*DA_RTCP, "-Y", "rtcp.sdes.type == 1 && !icmp", "-T", "fields",
                  "-E", "separator=|", "-E", "occurrence=f", "-e", "ip.src", "-e", "rtcp.sdes.text"):
    a, text = row.split("|")
    cnames[a].add(text)
check(cnames.get(SIP) == {snd["sdes"]["cname"]},
      "sender CNAME on the wire %s, rtpbin says %s" % (cnames.get(SIP), snd["sdes"]["cname"]))
check(cnames.get(RIP) == {rcv["sdes"]["cname"]},
      "receiver CNAME on the wire %s, rtpbin says %s" % (cnames.get(RIP), rcv["sdes"]["cname"]))

# ------------------------------------------------- compare with reports --
flows, streams = [], []
rtcp_summary = []
for s in sessions:
    S = "%s:%d" % (SIP, s["port"])
    R = "%s:%d" % (RIP, s["port"])
    ssrc = "0x%08x" % s["ssrc"]
    n = rtp_seen.get((S, R, ssrc, s["pt"]), 0)
    others = {k: v for k, v in rtp_seen.items() if {k[0], k[1]} == {S, R} and k != (S, R, ssrc, s["pt"])}
    check(not others, "session %s: other RTP on its ports: %s" % (s["id"], others))
    check(n > 0, "session %s: no RTP in the capture" % s["id"])
    for what, v in s["counts"].items():
        check(v == n, "session %s SSRC %s: capture %d, %s %s" % (s["id"], ssrc, n, what, v))
    flows.append({"a": S, "b": R, "transport": "udp", "role": "media-rtp", "contents": ["rtp"],
                  "packets": flow_frames[tuple(sorted((S, R)))]})
    check(flow_frames[tuple(sorted((S, R)))] == n, "session %s: RTP flow has non-RTP frames" % s["id"])
    streams.append({"ssrc": ssrc, "pt": s["pt"], "media": s["media"], "codec": s["codec"],
                    "kind": "media", "encrypted": False, "flow": "%s -> %s" % (S, R),
                    "packets": n})
    # RTCP, both directions on port+1
    SC = "%s:%d" % (SIP, s["port"] + 1)
    RC = "%s:%d" % (RIP, s["port"] + 1)
    s2r, r2s = rtcp_seen.get((SC, RC), []), rtcp_seen.get((RC, SC), [])
    for what, v in s["rtcp_s2r"].items():
        check(v == len(s2r), "session %s RTCP sender->receiver: capture %d, %s %d"
              % (s["id"], len(s2r), what, v))
    for what, v in s["rtcp_r2s"].items():
        check(v == len(r2s), "session %s RTCP receiver->sender: capture %d, %s %d"
              % (s["id"], len(r2s), what, v))
    check(s2r and all(c[0] == (200, s["ssrc"]) for c in s2r),
          "session %s: sender RTCP is not all SR from %s" % (s["id"], ssrc))
    check(s2r and s2r[-1][-1][0] == 203, "session %s: sender's last RTCP has no BYE" % s["id"])
    check(r2s and all(c[0] == (201, s["receiver_ssrc"]) for c in r2s),
          "session %s: receiver RTCP is not all RR from its own SSRC" % s["id"])
    rb = rtcp_blocks.get((RC, SC), [])
    check(rb and set(rb) == {s["ssrc"]},
          "session %s: receiver reports are about %s, not only %s" % (s["id"], sorted(set(rb)), ssrc))
    check(not rtcp_blocks.get((SC, RC)), "session %s: sender's SRs carry report blocks" % s["id"])
    fc = flow_frames[tuple(sorted((SC, RC)))]
    check(fc == len(s2r) + len(r2s), "session %s: RTCP flow has non-RTCP frames" % s["id"])
    flows.append({"a": SC, "b": RC, "transport": "udp", "role": "media-rtcp", "contents": ["rtcp"],
                  "packets": fc})
    names = {200: "SR", 201: "RR", 202: "SDES", 203: "BYE"}
    rtcp_summary.append(
        "%s: %d sender->receiver (%s), %d receiver->sender (%s, SSRC 0x%08x, %d report blocks)"
        % (s["media"], len(s2r),
           ", ".join(sorted({"+".join(names.get(p, str(p)) for p, _ in c) for c in s2r})),
           len(r2s), ", ".join(sorted({"+".join(names.get(p, str(p)) for p, _ in c) for c in r2s})),
           s["receiver_ssrc"], len(rb)))
listed = sum(f["packets"] for f in flows)
check(listed + kinds["arp"] == len(frames),
      "%d frames, %d in flows + %d ARP" % (len(frames), listed, kinds["arp"]))

# the motivation: what plain tshark makes of these payload types
false_events = {s["port"]: len(tshark("-d", "udp.port==%d,rtp" % s["port"], "-Y", "rtpevent"))
                for s in sessions}

if errors:
    print("%d verification error(s); ground truth NOT written" % len(errors), file=sys.stderr)
    sys.exit(1)


def dpkg_version(pkg):
    r = subprocess.run(["dpkg-query", "-W", "-f=${Version}", pkg], capture_output=True, text=True)
    return r.stdout.strip() or None


software = {
    "gstreamer": snd["gstreamer"],
    "gstreamer1.0-plugins-base": dpkg_version("gstreamer1.0-plugins-base"),
    "gstreamer1.0-plugins-good": dpkg_version("gstreamer1.0-plugins-good"),
    "gstreamer1.0-plugins-bad": dpkg_version("gstreamer1.0-plugins-bad"),
    "libopus": dpkg_version("libopus0"),
    "libvpx": dpkg_version("libvpx7"),
    "python3-gi": dpkg_version("python3-gi"),
    "dumpcap": dpkg_version("wireshark-common"),
    "tshark": dpkg_version("tshark"),
    "kernel": os.uname().release,
}
software = {k: v for k, v in software.items() if v}
truth = {
    "schema_version": 1,
    "capture": CAPNAME,
    "generator": "gen/gst-rtp-plain/generate.sh",
    "generated": datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ"),
    "software": software,
    "packets": len(frames),
    "duration_s": round(duration, 3),
    "calls": [{
        "id": "call-1",
        "description": DESCRIPTION,
        "flows": flows,
        "streams": streams,
        "event_pts": [],
        "traits": {"ice": False, "turn": False, "srtp": False, "dtls_srtp": False, "sdes": False,
                   "bundle": False, "rtcp_mux": False, "web_signaling": False, "datachannel": False},
        "verdict": "not-webrtc",
    }],
}
with open(OUT, "w") as f:
    json.dump(truth, f, indent=2)
    f.write("\n")

# The session description an analyst would have been handed (not on the wire).
sess_id = int(snd["start"])
sdp = ["v=0", "o=- %d 1 IN IP4 %s" % (sess_id, SIP), "s=gst-rtp-plain",
       "c=IN IP4 %s" % RIP, "t=0 0"]
for s in sessions:
    sdp += ["m=%s %d RTP/AVP %d" % (s["media"], s["port"], s["pt"]),
            "a=rtpmap:%d %s" % (s["pt"], s["codec"]),
            "a=ssrc:%d cname:%s" % (s["ssrc"], snd["sdes"]["cname"]), "a=sendonly"]
os.makedirs(SDPDIR, exist_ok=True)
with open(os.path.join(SDPDIR, "session.sdp"), "w") as f:
    f.write("\r\n".join(sdp) + "\r\n")
with open(os.path.join(SDPDIR, "last-run.txt"), "w") as f:
    f.write("frames %d (ARP %d), duration %.3f s, size %d bytes\n"
            % (len(frames), kinds["arp"], duration, os.path.getsize(CAPTURE)))
    for st in streams:
        f.write("RTP  %s pt %d %-5s %-13s %s %d packets\n" % (st["ssrc"], st["pt"], st["media"],
                                                            st["codec"], st["flow"], st["packets"]))
    for line in rtcp_summary:
        f.write("RTCP " + line + "\n")
    for port, n in false_events.items():
        f.write("plain tshark -d udp.port==%d,rtp -Y rtpevent: %d frames\n" % (port, n))

print("verified: %d frames (%d ARP), %d flows, %d RTP streams" %
      (len(frames), kinds["arp"], len(flows), len(streams)), file=sys.stderr)
for st in streams:
    print("  %s pt %3d %-5s %-13s %s %d" % (st["ssrc"], st["pt"], st["media"], st["codec"],
                                           st["flow"], st["packets"]), file=sys.stderr)
for fl in flows:
    print("  flow %s <-> %s %s %d frames" % (fl["a"], fl["b"], fl["role"], fl["packets"]), file=sys.stderr)
for line in rtcp_summary:
    print("  RTCP " + line, file=sys.stderr)
for port, n in false_events.items():
    print("  plain tshark -d udp.port==%d,rtp -Y rtpevent: %d frames" % (port, n), file=sys.stderr)
