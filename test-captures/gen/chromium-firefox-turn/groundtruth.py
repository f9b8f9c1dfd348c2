#!/usr/bin/python3
"""Ground truth of a Chromium <-> Firefox call through coturn (GROUND-TRUTH.md).

Built from what the two browsers said (getStats, their SDPs) and checked
against the capture, whose packets are read with plain tshark (no plugin:
`-T fields -e udp.payload/tcp.payload`, TCP desegmentation off) and parsed
here: TURN ChannelData (RFC 8656 §12.4; over TCP framed and padded to 4
bytes, §12.5, with this file's own stream reassembly), STUN Send/Data
indications (DATA attribute), and the demultiplexing of RFC 7983 inside.
Every RTP packet's SSRC must be one the browsers announced, its payload
type one of its m-section, and the capture must hold at least what each
sender counted as sent. Fails (exit 1) rather than write a truth the
capture does not bear out.
"""
import argparse
import collections
import json
import os
import struct
import subprocess
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "lib"))
import gen_info  # noqa: E402
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "chromium-p2p"))
from groundtruth import parse_sdp, codec_kind  # noqa: E402

TURN_METHODS = {0x003, 0x004, 0x006, 0x007, 0x008, 0x009, 0x00A, 0x00B, 0x00C}


def fail(msg):
    sys.stderr.write("groundtruth: FAIL: %s\n" % msg)
    sys.exit(1)


def tshark(args):
    return subprocess.run(["tshark", "-n"] + args, capture_output=True, text=True,
                          check=True).stdout


def stun_method(p):
    t = struct.unpack("!H", p[0:2])[0]
    return (t & 0x000F) | ((t & 0x00E0) >> 1) | ((t & 0x3E00) >> 2), t


def stun_attrs(p):
    n = struct.unpack("!H", p[2:4])[0]
    off, out = 20, []
    while off + 4 <= 20 + n and off + 4 <= len(p):
        at, al = struct.unpack("!HH", p[off:off + 4])
        out.append((at, p[off + 4:off + 4 + al]))
        off += 4 + al + (-al % 4)
    return out


def inner_class(p):
    """RFC 7983 class of a payload, with (ssrc, pt) for RTP."""
    if not p:
        return ("empty", None)
    b = p[0]
    if b <= 3:
        return ("stun", None)
    if 20 <= b <= 63:
        return ("dtls", None)
    if 128 <= b <= 191 and len(p) >= 12:
        if 192 <= p[1] <= 223:
            return ("rtcp", None)
        return ("rtp", (struct.unpack("!I", p[8:12])[0], p[1] & 0x7F))
    return ("other", None)


def read_packets(pcap):
    """[(frame, transport, src, dst, payload bytes, tcp stream, tcp seq)]."""
    out = []
    txt = tshark(["-r", pcap, "-o", "tcp.desegment_tcp_streams:FALSE", "-o",
                  "tcp.analyze_sequence_numbers:TRUE", "-Y", "(udp || tcp) && !icmp", "-T", "fields",
                  "-E", "separator=\t", "-e", "frame.number", "-e", "ip.src", "-e", "ip.dst",
                  "-e", "udp.srcport", "-e", "udp.dstport", "-e", "tcp.srcport", "-e", "tcp.dstport",
                  "-e", "udp.payload", "-e", "tcp.payload", "-e", "tcp.stream", "-e", "tcp.seq"])
    for line in txt.splitlines():
        f = line.split("\t")
        tr = "udp" if f[3] else "tcp"
        sp, dp = (f[3], f[4]) if tr == "udp" else (f[5], f[6])
        pay = bytes.fromhex((f[7] if tr == "udp" else f[8]).replace(":", ""))
        out.append((int(f[0]), tr, "%s:%s" % (f[1], sp), "%s:%s" % (f[2], dp), pay,
                    int(f[9]) if f[9] else None, int(f[10]) if f[10] else None))
    return out


def tcp_messages(segments):
    """TURN over TCP (RFC 8656 §12.5, RFC 6062): STUN messages and
    ChannelData, each padded to 4 bytes, in one direction's byte stream.
    segments: [(frame, seq, payload)] in capture order, possibly out of
    order (a lost segment's retransmission captured after the segments that
    followed it) and with retransmissions. Returns
    ([(frame in which the message is complete, message bytes, reordered,
    copies: how many retransmitted segments repeat the whole message)],
    number of segments captured out of order):
    reordered is True when a byte of the message arrived in a segment
    captured after a segment with later sequence numbers (out of order)."""
    got = {}              # seq -> (frame, payload, out of order)
    top = None
    have = []             # byte ranges captured so far
    dups = []             # (seq, end) of segments that repeat captured bytes only
    for frame, seq, pay in segments:
        if not pay:
            continue
        if any(a <= seq and seq + len(pay) <= b for a, b in have):
            dups.append((seq, seq + len(pay)))
        got.setdefault(seq, []).append((frame, pay, top is not None and seq < top))
        top = max(top or 0, seq + len(pay))
        have.append((seq, seq + len(pay)))
        have.sort()
        merged = []
        for a, b in have:
            if merged and a <= merged[-1][1]:
                merged[-1] = (merged[-1][0], max(b, merged[-1][1]))
            else:
                merged.append((a, b))
        have = merged
    start = min(got)
    data, frame_of, late_of = bytearray(), [], []
    pos = start
    used_late = set()
    for seq in sorted(got):
        for frame, pay, late in got[seq]:
            if seq + len(pay) <= pos:
                continue              # bytes we have: a retransmission
            if seq > pos:
                fail("TCP hole at seq %d (have up to %d)" % (seq, pos))
            part = pay[pos - seq:]
            if late:
                used_late.add(frame)
            data += part
            frame_of += [frame] * len(part)
            late_of += [late] * len(part)
            pos += len(part)
    msgs, off = [], 0
    while off + 4 <= len(data):
        if data[off] < 0x40:
            n = 20 + struct.unpack("!H", data[off + 2:off + 4])[0]
        else:
            n = 4 + struct.unpack("!H", data[off + 2:off + 4])[0]
            n += -n % 4
        if off + n > len(data):
            break
        m = bytes(data[off:off + n])
        if m[0] >= 0x40:
            m = m[:4 + struct.unpack("!H", m[2:4])[0]]
        copies = sum(1 for a, b in dups if a <= start + off and start + off + n <= b)
        msgs.append((max(frame_of[off:off + n]), m, any(late_of[off:off + n]), copies))
        off += n
    if off != len(data):
        fail("TCP stream ends inside a message (%d of %d bytes framed)" % (off, len(data)))
    return msgs, len(used_late)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--pcap", required=True)
    ap.add_argument("--offerer", required=True)
    ap.add_argument("--answerer", required=True)
    ap.add_argument("--capture-name", required=True)
    ap.add_argument("--generator", required=True)
    ap.add_argument("--turn", required=True)
    ap.add_argument("--signaling", required=True)
    ap.add_argument("--software", action="append", default=[])
    ap.add_argument("--chromium-transport", default="udp")
    ap.add_argument("--out", required=True)
    ap.add_argument("--record-dir")
    a = ap.parse_args()
    turn_ip, turn_port = a.turn.rsplit(":", 1)
    res = {r: json.load(open(p)) for r, p in (("offerer", a.offerer), ("answerer", a.answerer))}
    for r, d in res.items():
        if not d.get("ok"):
            fail("%s reported %s" % (r, d.get("error")))

    # --- what the browsers said: senders, SSRCs, payload types
    senders = {}         # ssrc -> dict(role, kind, mid, rtpmap, packetsSent, rtx)
    for role, d in res.items():
        sdp = parse_sdp(d["local"]["sdp"])
        by_mid = {s["mid"]: s for s in sdp["sections"]}
        for s in d["stats"]:
            if s["type"] != "outbound-rtp":
                continue
            sec = by_mid[s["mid"]]
            if s["ssrc"] not in sec["ssrcs"]:
                fail("%s outbound SSRC %d not in its SDP" % (role, s["ssrc"]))
            rtx = s.get("rtxSsrc")
            for fid in sec["fid"]:
                if fid[0] == s["ssrc"]:
                    if rtx not in (None, fid[1]):
                        fail("rtxSsrc disagrees with ssrc-group:FID")
                    rtx = fid[1]
            info = {"role": role, "media": s["kind"], "mid": s["mid"], "rtpmap": sec["rtpmap"],
                    "sent": s["packetsSent"], "rtx": rtx, "primary": None}
            senders[s["ssrc"]] = info
            if rtx:
                senders[rtx] = dict(info, sent=None, rtx=None, primary=s["ssrc"])
    offer = parse_sdp(res["offerer"]["local"]["sdp"])
    answer = parse_sdp(res["answerer"]["local"]["sdp"])
    if len(parse_sdp(res["offerer"]["remote"]["sdp"])["sections"]) != len(answer["sections"]):
        fail("the offerer's remote description is not the answerer's answer")

    # --- the capture
    pkts = read_packets(a.pcap)
    frames_total = int(tshark(["-r", a.pcap, "-T", "fields", "-e", "frame.number"]).split()[-1])
    times = tshark(["-r", a.pcap, "-T", "fields", "-e", "frame.time_relative"]).split()
    flows = {}

    def flow_of(tr, s, d):
        k = (tr,) + tuple(sorted((s, d)))
        if k not in flows:
            flows[k] = {"transport": tr, "a": k[1], "b": k[2], "packets": 0, "contents": set()}
        return flows[k]

    streams = collections.Counter()     # (ssrc, pt, "src -> dst")
    first_frame = {}                    # (ssrc, "src -> dst") -> first frame
    last_frame = {}                     # (ssrc, "src -> dst") -> last frame
    unpadded = set()                    # (ssrc, "src -> dst") with a packet without the P bit

    def note_rtp(frame, flow, p):
        ssrc = struct.unpack("!I", p[8:12])[0]
        first_frame.setdefault((ssrc, flow), frame)
        last_frame[(ssrc, flow)] = frame
        if not p[0] & 0x20:
            unpadded.add((ssrc, flow))
    messages = []                       # (frame, tr, src, dst, message) of client<->TURN flows
    tcp_dirs = collections.defaultdict(list)
    for frame, tr, s, d, pay, tstream, seq in pkts:
        fl = flow_of(tr, s, d)
        fl["packets"] += 1
        if a.turn in (s, d):
            if tr == "tcp":
                tcp_dirs[(s, d)].append((frame, seq, pay))
            elif pay:
                messages.append((frame, tr, s, d, pay, False, 0))
        elif s.rsplit(":", 1)[0] == turn_ip and d.rsplit(":", 1)[0] == turn_ip:
            fl["role"] = "turn-relay"
            cls, rtp = inner_class(pay)
            fl["contents"].add(cls)
            if rtp:
                streams[(rtp[0], rtp[1], "%s -> %s" % (s, d))] += 1
                note_rtp(frame, "%s -> %s" % (s, d), pay)
        elif a.signaling in (s, d):
            fl["role"] = "signaling"
            if tr != "tcp":
                fail("signaling over %s" % tr)
            if pay and not fl["contents"]:
                # the connection's first bytes: a TLS handshake record
                fl["contents"].add("tls" if pay[0] == 0x16 else "other")
        else:
            fail("frame %d: flow %s -> %s is none of the call's" % (frame, s, d))
    reordered = collections.Counter()   # (ssrc, pt, "src -> dst"): RTP in reordered bytes
    retransmitted = collections.Counter()  # (ssrc, pt, "src -> dst"): copies in retransmissions
    reordered_segments = collections.Counter()
    for (s, d), segs in tcp_dirs.items():
        msgs, n_late = tcp_messages(segs)
        # segments whose bytes arrived after later ones (not duplicates)
        reordered_segments[tuple(sorted((s, d)))] += n_late
        for frame, m, late, copies in msgs:
            messages.append((frame, "tcp", s, d, m, late, copies))
    turn_methods, channel_ids = set(), set()
    for frame, tr, s, d, m, late, copies in messages:
        fl = flow_of(tr, s, d)
        fl["role"] = "client-turn"
        inner = None
        if m[0] <= 3:
            if m[4:8] != b"\x21\x12\xa4\x42":
                fail("frame %d: STUN without magic cookie" % frame)
            meth, _ = stun_method(m)
            fl["contents"].add("stun")
            if meth in TURN_METHODS:
                fl["contents"].add("turn")
                turn_methods.add(meth)
            if meth in (6, 7):
                for at, v in stun_attrs(m):
                    if at == 0x0013:
                        inner = v
        elif 0x40 <= m[0] <= 0x4F:
            fl["contents"].add("channeldata")
            channel_ids.add(struct.unpack("!H", m[0:2])[0])
            inner = m[4:4 + struct.unpack("!H", m[2:4])[0]]
        else:
            fail("frame %d: %s message starting 0x%02x on a TURN flow" % (frame, tr, m[0]))
        if inner is not None:
            cls, rtp = inner_class(inner)
            fl["contents"].add(cls)
            if rtp:
                streams[(rtp[0], rtp[1], "%s -> %s" % (s, d))] += 1
                note_rtp(frame, "%s -> %s" % (s, d), inner)
                if late:
                    reordered[(rtp[0], rtp[1], "%s -> %s" % (s, d))] += 1
                retransmitted[(rtp[0], rtp[1], "%s -> %s" % (s, d))] += copies
    for fl in flows.values():
        c = fl["contents"]
        c.discard("empty")
        if "other" in c:
            fail("flow %s <-> %s carries unclassified payloads" % (fl["a"], fl["b"]))
        if "rtp" in c:
            c.discard("rtp")
            c.add("srtp")
        if "rtcp" in c:
            c.discard("rtcp")
            c.add("srtcp")
        if "role" not in fl:
            fail("flow %s <-> %s without a role" % (fl["a"], fl["b"]))

    # --- every RTP packet belongs to an announced sender and its m-section
    out_streams = []
    per_ssrc_leg = collections.Counter()
    for (ssrc, pt, flow), n in sorted(streams.items(), key=lambda x: (x[0][2], x[0][0], x[0][1])):
        snd = senders.get(ssrc)
        if not snd:
            fail("SSRC 0x%08x in the capture (%s) is no sender's" % (ssrc, flow))
        enc = snd["rtpmap"].get(pt)
        if not enc:
            fail("SSRC 0x%08x: PT %d not in its m-section" % (ssrc, pt))
        kind = codec_kind(enc)
        if snd["primary"] and kind != "rtx":
            fail("RTX SSRC 0x%08x with PT %d (%s)" % (ssrc, pt, enc))
        st = {"ssrc": "0x%08x" % ssrc, "pt": pt, "media": snd["media"],
              "codec": enc.lower() if kind == "rtx" else enc, "kind": kind,
              "encrypted": True, "flow": flow, "packets": n}
        # An RTX SSRC that only sent padding on this flow (the P bit on
        # every packet): bandwidth probes (GROUND-TRUTH.md, probe_only).
        if snd["primary"] and (ssrc, flow) not in unpadded:
            st["probe_only"] = True
        if reordered[(ssrc, pt, flow)]:
            st["tcp_reordered"] = reordered[(ssrc, pt, flow)]
        if retransmitted[(ssrc, pt, flow)]:
            st["tcp_retransmitted"] = retransmitted[(ssrc, pt, flow)]
        out_streams.append(st)
        per_ssrc_leg[(ssrc, flow)] += n
    for ssrc, snd in senders.items():
        if snd["sent"] is None:
            continue
        legs = [f for (s, f) in per_ssrc_leg if s == ssrc]
        if len(legs) != 3:
            fail("SSRC 0x%08x seen on %d legs, not 3 (sender -> TURN, relay, TURN -> receiver)"
                 % (ssrc, len(legs)))
        for f in legs:
            n = per_ssrc_leg[(ssrc, f)]
            if snd["rtx"]:
                n += per_ssrc_leg.get((snd["rtx"], f), 0)   # both count RTX as sent
            if not snd["sent"] <= n <= snd["sent"] + 120:
                fail("SSRC 0x%08x on %s: %d packets, getStats packetsSent %d"
                     % (ssrc, f, n, snd["sent"]))

    # --- transports as getStats saw them: DTLS 1.3, relay candidates
    for role, d in res.items():
        tr = [s for s in d["stats"] if s["type"] == "transport"]
        if len(tr) != 1 or tr[0].get("tlsVersion") != "FEFC":
            fail("%s: not one DTLS 1.3 transport: %s" % (role, tr))
        loc = [s for s in d["stats"] if s["type"] == "local-candidate"]
        if any(c["candidateType"] != "relay" for c in loc):
            fail("%s has a non-relay local candidate" % role)
    ch_flow = [fl for fl in flows.values() if "channeldata" in fl["contents"]]
    di_flow = [fl for fl in flows.values() if fl.get("role") == "client-turn"
               and "srtp" in fl["contents"] and "channeldata" not in fl["contents"]]
    if len(ch_flow) != 1 or len(di_flow) != 1 or ch_flow[0]["transport"] != a.chromium_transport:
        fail("want one ChannelData client leg (%s, Chromium) and one Send/Data leg (Firefox)"
             % a.chromium_transport)

    bundle = answer["bundle"] and all(s["rtcp_mux"] for s in answer["sections"])
    traits = {"ice": True, "turn": True, "srtp": True,
              "dtls_srtp": all(s["fingerprint"] and "SAVPF" in s["proto"] for s in offer["sections"]),
              "sdes": False, "bundle": answer["bundle"],
              "rtcp_mux": all(s["rtcp_mux"] for s in answer["sections"]),
              "web_signaling": any(fl["role"] == "signaling" for fl in flows.values()),
              "datachannel": False}   # the pages open no data channel
    flow_list = []
    for fl in sorted(flows.values(), key=lambda f: (f["role"], f["a"], f["b"])):
        order = ["stun", "turn", "channeldata", "dtls", "srtp", "srtcp", "tls"]
        flow_list.append({"a": fl["a"], "b": fl["b"], "transport": fl["transport"],
                          "role": fl["role"], "contents": [c for c in order if c in fl["contents"]],
                          "packets": fl["packets"]})
        if reordered_segments[(fl["a"], fl["b"])]:
            flow_list[-1]["tcp_reordered_segments"] = reordered_segments[(fl["a"], fl["b"])]
    event_pts = sorted({pt for sdp in (answer,) for s in sdp["sections"]
                        for pt, enc in s["rtpmap"].items() if codec_kind(enc) == "event"})
    sw = dict(x.split("=", 1) for x in a.software)
    how = ("Chromium reaches coturn over TCP through a veth with a small MTU (ChannelData "
           "split across TCP segments and several per segment, RFC 8656 12.5)"
           if a.chromium_transport == "tcp" else "Chromium binds a channel (ChannelData)")
    gt = gen_info.truth_head(a.capture_name, a.generator, sw, frames_total, float(times[-1]))
    gt["description"] = (
        "Headless Chromium (offerer, 192.0.2.10) and headless Firefox ESR (answerer, "
        "198.51.100.10), each in its own network namespace, one RTCPeerConnection each, "
        "iceTransportPolicy relay through one coturn on %s: each browser behind its own TURN "
        "allocation; %s, Firefox uses Send/Data indications over UDP; relay<->relay leg on the "
        "server's lo; audio+video both ways, BUNDLE, rtcp-mux, DTLS 1.3; offer/answer over HTTPS "
        "to %s; captured on the server (both veths and lo)" % (a.turn, how, a.signaling))
    if any(reordered_segments.values()):
        # Wireshark 4.0 puts segments captured out of order back in
        # sequence only with this preference (off by default)
        gt["tshark_options"] = ["-o", "tcp.reassemble_out_of_order:TRUE"]
    gt["calls"] = [{
        "id": "call-1",
        "description": "Chromium <-> coturn <-> Firefox, relay-only, audio+video",
        "flows": flow_list, "streams": out_streams, "event_pts": event_pts,
        "traits": traits, "verdict": "webrtc"}]
    with open(a.out, "w") as f:
        json.dump(gt, f, indent=1)
        f.write("\n")
    if a.record_dir:
        os.makedirs(a.record_dir, exist_ok=True)
        with open(os.path.join(a.record_dir, "offer.sdp"), "w") as f:
            f.write(res["offerer"]["local"]["sdp"])
        with open(os.path.join(a.record_dir, "answer.sdp"), "w") as f:
            f.write(res["answerer"]["local"]["sdp"])
        summ = {r: {"userAgent": d["userAgent"],
                    "rtp": [{k: s.get(k) for k in ("type", "kind", "ssrc", "rtxSsrc", "mid",
                                                      "packetsSent", "packetsReceived")}
                            for s in d["stats"] if s["type"] in ("outbound-rtp", "inbound-rtp")],
                    "transport": [{k: s.get(k) for k in ("tlsVersion", "dtlsCipher", "srtpCipher")}
                                  for s in d["stats"] if s["type"] == "transport"]}
                for r, d in res.items()}
        summ["turn_methods"] = sorted(turn_methods)
        summ["channels"] = sorted(channel_ids)
        with open(os.path.join(a.record_dir, "stats-summary.json"), "w") as f:
            json.dump(summ, f, indent=1)
            f.write("\n")
    sys.stderr.write("groundtruth: %d frames, %d flows, %d stream entries\n"
                     % (frames_total, len(flow_list), len(out_streams)))


if __name__ == "__main__":
    main()
