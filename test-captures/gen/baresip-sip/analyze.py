#!/usr/bin/python3
"""Build and verify the ground truth of the baresip SIP capture.

  analyze.py WORKDIR CAPTURE JSON_OUT DIGITS [GENERATOR [MEDIAENC]]

With MEDIAENC (srtp-mand: SDES SRTP, RFC 4568) the SDPs must be RTP/SAVP
with a=crypto lines; the key of each direction is recorded in the ground
truth ("keys", GROUND-TRUTH.md) and proven with ../lib/srtp_check.py: every
SRTP/SRTCP packet must authenticate under it and the decrypted RFC 4733
events must be the digits sent.

Sources, in order of authority:
  * baresip's own SIP trace (-s) in WORKDIR/alice.log / bob.log: the SDP offer
    (INVITE) and answer (200 OK): addresses, RTP ports, payload types, rtpmaps,
    a=ssrc lines, rtcp-mux (absent), telephone-event PT;
  * baresip's logs: chosen encoder ("audio: Set audio encoder"), DTMF digits
    sent by the caller ("audio: send DTMF digit") and received by the callee;
  * the capture itself, read by a small pcapng parser in this file (no
    tshark): frames per 5-tuple, RTP packets per SSRC on the SDP ports, the
    RFC 4733 events on the wire.
Then every number is compared with what plain tshark reports (Wireshark
follows the SDP in the capture by itself): `-z rtp,streams`, `-Y rtpevent`,
`-Y rtcp`, `-Y sip`. Any disagreement exits non-zero and no JSON is written.
"""
import base64
import datetime
import json
import os
import re
import struct
import subprocess
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "lib"))
import srtp_check  # noqa: E402

EVENT_CHARS = "0123456789*#ABCD"


def die(msg):
    print("analyze.py: FAIL: " + msg, file=sys.stderr)
    sys.exit(1)


# ---------------------------------------------------------------- pcapng ---
def read_pcapng(path):
    """Yield (timestamp_seconds, linktype, frame_bytes) for each EPB/SPB."""
    with open(path, "rb") as f:
        data = f.read()
    off = 0
    endian = "<"
    ifaces = []  # (linktype, ts_divisor)
    while off + 12 <= len(data):
        btype, blen = struct.unpack_from(endian + "II", data, off)
        if btype == 0x0A0D0D0A:  # section header: find byte order
            magic = data[off + 8:off + 12]
            endian = "<" if magic == b"\x4d\x3c\x2b\x1a" else ">"
            btype, blen = struct.unpack_from(endian + "II", data, off)
            ifaces = []
        body = data[off + 8:off + blen - 4]
        if btype == 1:  # IDB
            linktype = struct.unpack_from(endian + "H", body, 0)[0]
            div = 10 ** 6
            o = 8
            while o + 4 <= len(body):
                code, olen = struct.unpack_from(endian + "HH", body, o)
                if code == 0:
                    break
                if code == 9:  # if_tsresol
                    v = body[o + 4]
                    div = 2 ** (v & 0x7F) if v & 0x80 else 10 ** v
                o += 4 + ((olen + 3) & ~3)
            ifaces.append((linktype, div))
        elif btype == 6:  # EPB
            ifid, tsh, tsl, caplen, _origlen = struct.unpack_from(endian + "IIIII", body, 0)
            linktype, div = ifaces[ifid]
            yield ((tsh << 32 | tsl) / div, linktype, body[20:20 + caplen])
        elif btype == 3:  # SPB
            linktype, _div = ifaces[0]
            yield (None, linktype, body[4:])
        off += blen


def parse_frame(linktype, fr):
    """Return (src, sport, dst, dport, proto, payload) or None for non-IPv4."""
    if linktype == 1:
        etype = struct.unpack_from("!H", fr, 12)[0]
        off = 14
        while etype == 0x8100:
            etype = struct.unpack_from("!H", fr, off + 2)[0]
            off += 4
        if etype != 0x0800:
            return None
        ip = fr[off:]
    elif linktype in (101, 228):
        ip = fr
    else:
        return None
    if ip[0] >> 4 != 4:
        return None
    ihl = (ip[0] & 15) * 4
    total = struct.unpack_from("!H", ip, 2)[0]
    proto = ip[9]
    src = ".".join(str(b) for b in ip[12:16])
    dst = ".".join(str(b) for b in ip[16:20])
    l4 = ip[ihl:total]
    if proto == 17:
        sport, dport, ulen = struct.unpack_from("!HHH", l4, 0)
        return src, sport, dst, dport, "udp", l4[8:ulen]
    if proto == 6:
        sport, dport = struct.unpack_from("!HH", l4, 0)
        doff = (l4[12] >> 4) * 4
        return src, sport, dst, dport, "tcp", l4[doff:]
    return src, None, dst, None, "ip%d" % proto, l4


# ------------------------------------------------------------ baresip logs ---
def sip_messages(log):
    """Messages of baresip's SIP trace: list of (direction_line, text)."""
    text = re.sub(r"\x1b\[[0-9;]*m", "", log).replace("\r", "")
    out = []
    for m in re.finditer(r"^#\n(UDP|TCP|TLS) (\S+) -> (\S+)\n(.*?)(?=^#\n|\Z)", text, re.S | re.M):
        out.append({"transport": m.group(1).lower(), "src": m.group(2), "dst": m.group(3),
                    "text": m.group(4)})
    return out


def split_sip(text):
    head, _, body = text.partition("\n\n")
    first = head.split("\n", 1)[0]
    hdrs = {}
    for line in head.split("\n")[1:]:
        if ":" in line:
            k, v = line.split(":", 1)
            hdrs.setdefault(k.strip().lower(), v.strip())
    clen = int(hdrs.get("content-length", "0"))
    return first, hdrs, body[:clen] if clen else ""


def offer_answer(log):
    """The first INVITE with SDP and the 200 OK answering it with SDP in a
    caller's SIP trace, each as (message, headers, body), or None."""
    invite = answer = None
    for m in sip_messages(log):
        first, hdrs, body = split_sip(m["text"])
        if first.startswith("INVITE ") and body and invite is None:
            invite = (m, hdrs, body)
        if first.startswith("SIP/2.0 200") and "INVITE" in hdrs.get("cseq", "") and body:
            answer = (m, hdrs, body)
    return invite, answer


def parse_sdp(sdp):
    res = {"c": None, "media": [], "session_attrs": []}
    cur = None
    for line in sdp.replace("\r", "").split("\n"):
        if len(line) < 2 or line[1] != "=":
            continue
        k, v = line[0], line[2:]
        if k == "c":
            addr = v.split()[2]
            if cur is None:
                res["c"] = addr
            else:
                cur["c"] = addr
        elif k == "m":
            parts = v.split()
            cur = {"media": parts[0], "port": int(parts[1]), "proto": parts[2],
                   "fmts": [int(x) for x in parts[3:]], "rtpmap": {}, "attrs": [], "ssrcs": [],
                   "c": None}
            res["media"].append(cur)
        elif k == "a":
            (cur["attrs"] if cur else res["session_attrs"]).append(v)
            if cur is not None and v.startswith("rtpmap:"):
                pt, enc = v[7:].split(None, 1)
                cur["rtpmap"][int(pt)] = enc.strip()
            if cur is not None and v.startswith("ssrc:"):
                ssrc = int(v[5:].split()[0])
                if ssrc not in cur["ssrcs"]:
                    cur["ssrcs"].append(ssrc)
    return res


def main():
    workdir, capture, json_out, digits_sent = sys.argv[1:5]
    generator = sys.argv[5] if len(sys.argv) > 5 else "gen/baresip-sip/generate.sh"
    mediaenc = sys.argv[6] if len(sys.argv) > 6 else ""
    srtp = bool(mediaenc)
    alice_log = open(os.path.join(workdir, "alice.log"), errors="replace").read()
    bob_log = open(os.path.join(workdir, "bob.log"), errors="replace").read()

    # ---- SDP offer / answer from the caller's SIP trace
    invite, answer = offer_answer(alice_log)
    if not invite or not answer:
        die("no INVITE/200 OK with SDP in alice's SIP trace")
    offer_sdp, answer_sdp = parse_sdp(invite[2]), parse_sdp(answer[2])
    for name, s in (("offer", offer_sdp), ("answer", answer_sdp)):
        if len(s["media"]) != 1 or s["media"][0]["media"] != "audio":
            die("%s: expected one audio m-line" % name)
    om, am = offer_sdp["media"][0], answer_sdp["media"][0]
    offer_addr = om["c"] or offer_sdp["c"]
    answer_addr = am["c"] or answer_sdp["c"]
    a_rtp = "%s:%d" % (offer_addr, om["port"])
    b_rtp = "%s:%d" % (answer_addr, am["port"])
    a_rtcp = "%s:%d" % (offer_addr, om["port"] + 1)
    b_rtcp = "%s:%d" % (answer_addr, am["port"] + 1)
    sip_a, sip_b = invite[0]["src"], invite[0]["dst"]
    call_id = invite[1].get("call-id")
    offered = [om["rtpmap"].get(pt, "") for pt in om["fmts"]]
    for want in ("PCMU/8000", "PCMA/8000"):
        if want not in offered:
            die("offer lacks %s: %s" % (want, offered))
    for s, m in (("offer", om), ("answer", am)):
        if any(a.startswith("rtcp-mux") for a in m["attrs"]) or any(a.startswith("rtcp:") for a in m["attrs"]):
            die("%s has rtcp-mux or a=rtcp; the capture is meant to use port+1" % s)
        want_proto = "RTP/SAVP" if srtp else "RTP/AVP"
        if m["proto"] != want_proto:
            die("%s is %s, expected %s" % (s, m["proto"], want_proto))
        cryptos = [a for a in m["attrs"] if a.startswith("crypto:")]
        if bool(cryptos) != srtp:
            die("%s: a=crypto lines %s, SRTP %s" % (s, cryptos, "expected" if srtp else "not expected"))
    common = [pt for pt in am["fmts"] if pt in om["fmts"]]
    event_pts = sorted(pt for pt in common
                       if am["rtpmap"].get(pt, "").lower().startswith("telephone-event/"))
    media_pts = [pt for pt in common if pt not in event_pts]
    chosen_pt = media_pts[0]
    chosen_codec = am["rtpmap"][chosen_pt]

    # ---- baresip's own view of the chosen codec and the digits
    enc = re.findall(r"audio: Set audio encoder: (\S+) (\d+)Hz", alice_log)
    enc_b = re.findall(r"audio: Set audio encoder: (\S+) (\d+)Hz", bob_log)
    if not enc or not enc_b:
        die("no 'Set audio encoder' in baresip logs")
    for name, e in (("alice", enc[-1]), ("bob", enc_b[-1])):
        if "%s/%s" % e != chosen_codec:
            die("%s encodes %s/%s, SDP says %s" % (name, e[0], e[1], chosen_codec))
    sent_digits = "".join(re.findall(r"audio: send DTMF digit: '(.)'", alice_log))
    recv_digits = "".join(d for d, end in re.findall(r"received event: '(.)' \(end=(\d)\)", bob_log) if end == "1")
    if sent_digits != digits_sent:
        die("alice's log says digits %r were sent, expected %r" % (sent_digits, digits_sent))
    if recv_digits != digits_sent:
        die("bob's log says digits %r were received, expected %r" % (recv_digits, digits_sent))

    # ---- the capture, parsed here
    frames = list(read_pcapng(capture))
    total = len(frames)
    times = [t for t, _, _ in frames if t is not None]
    duration = round(max(times) - min(times), 3)
    flows = {}      # frozenset of endpoints -> count
    rtp = {}        # ssrc -> {pts: {pt: n}, src, dst, n}
    events = {}     # ssrc -> list of (timestamp, event) in wire order
    rtp_pair = frozenset((a_rtp, b_rtp))
    rtcp_pair = frozenset((a_rtcp, b_rtcp))
    sip_pair = frozenset((sip_a, sip_b))
    rtcp_frames = 0
    non_ip = icmp = 0
    for _t, lt, fr in frames:
        p = parse_frame(lt, fr)
        if p is None:
            non_ip += 1  # ARP on the veth
            continue
        if p[4] == "ip1":
            icmp += 1    # e.g. port unreachable quoting a late RTCP BYE
            continue
        if p[1] is None:
            die("unexpected IP protocol %s" % p[4])
        src, sport, dst, dport, proto, payload = p
        s, d = "%s:%d" % (src, sport), "%s:%d" % (dst, dport)
        key = (proto, frozenset((s, d)))
        flows[key] = flows.get(key, 0) + 1
        if proto == "udp" and key[1] == rtp_pair and len(payload) >= 12 and payload[0] >> 6 == 2:
            pt = payload[1] & 0x7F
            ssrc = struct.unpack_from("!I", payload, 8)[0]
            ts = struct.unpack_from("!I", payload, 4)[0]
            st = rtp.setdefault(ssrc, {"pts": {}, "src": s, "dst": d, "n": 0})
            if (st["src"], st["dst"]) != (s, d):
                die("SSRC 0x%08x seen in two directions" % ssrc)
            st["n"] += 1
            st["pts"][pt] = st["pts"].get(pt, 0) + 1
            if pt in event_pts and not srtp:
                cc = payload[0] & 15
                ev = payload[12 + 4 * cc]
                events.setdefault(ssrc, []).append((ts, ev))
        if proto == "udp" and key[1] == rtcp_pair and len(payload) >= 8 and payload[0] >> 6 == 2:
            rtcp_frames += 1

    # every frame of the RTP/RTCP pairs must be RTP/RTCP
    if flows.get(("udp", rtcp_pair), 0) != rtcp_frames:
        die("non-RTCP datagrams on the RTCP ports")
    if sum(st["n"] for st in rtp.values()) != flows.get(("udp", rtp_pair), 0):
        die("non-RTP datagrams on the RTP ports")

    # SSRCs on the wire must be those announced in a=ssrc, in the right direction
    wire = {st["src"]: ssrc for ssrc, st in rtp.items()}
    if set(wire) != {a_rtp, b_rtp} or len(rtp) != 2:
        die("expected one SSRC per direction, got %s" % {hex(k): v["src"] for k, v in rtp.items()})
    if om["ssrcs"] and wire[a_rtp] not in om["ssrcs"]:
        die("caller SSRC 0x%08x not in offer a=ssrc %s" % (wire[a_rtp], om["ssrcs"]))
    if am["ssrcs"] and wire[b_rtp] not in am["ssrcs"]:
        die("callee SSRC 0x%08x not in answer a=ssrc %s" % (wire[b_rtp], am["ssrcs"]))

    def wire_digits(evlist):
        seen, out = set(), ""
        for ts, ev in evlist:
            if ts not in seen:
                seen.add(ts)
                out += EVENT_CHARS[ev] if ev < 16 else "?"
        return out

    # ---- SDES keys (RFC 4568 §6.1: each side's a=crypto carries the key it
    # sends with; the answer picks the offer's crypto tag), proven by
    # decrypting every packet of each direction.
    keys = []
    if srtp:
        datagrams = srtp_check.udp_datagrams(capture)
        ans = [srtp_check.parse_crypto(a) for a in am["attrs"] if a.startswith("crypto:")]
        if len(ans) != 1:
            die("answer has %d a=crypto lines, expected 1" % len(ans))
        offs = [srtp_check.parse_crypto(a) for a in om["attrs"] if a.startswith("crypto:")]
        off = [c for c in offs if c["tag"] == ans[0]["tag"]]
        if len(off) != 1 or off[0]["suite"] != ans[0]["suite"]:
            die("answer crypto %s matches no offered crypto %s" % (ans[0], offs))
        sdp_frames = {}
        for what, flt in (("offer", 'sip.Method == "INVITE" && sdp'),
                          ("answer", 'sip.Status-Code == 200 && sip.CSeq.method == "INVITE" && sdp')):
            r = subprocess.run(["tshark", "-r", capture, "-Y", flt, "-T", "fields", "-e", "frame.number"],
                               capture_output=True, text=True, timeout=120)
            fr = r.stdout.split()
            if len(fr) != 1:
                die("tshark finds %d SIP %s frames with SDP" % (len(fr), what))
            sdp_frames[what] = int(fr[0])
        for (src, dst, rsrc, rdst, cr, what, sender) in (
                (a_rtp, b_rtp, a_rtcp, b_rtcp, off[0], "offer", "caller"),
                (b_rtp, a_rtp, b_rtcp, a_rtcp, ans[0], "answer", "callee")):
            ctx = srtp_check.Context(cr["suite"], base64.b64decode(cr["key_salt_b64"]))
            rtp_res = srtp_check.check_direction(datagrams, src, dst, ctx, event_pts)
            rtcp_res = srtp_check.check_direction(datagrams, rsrc, rdst, ctx, event_pts)
            ssrc = "0x%08x" % wire[src]
            if rtp_res["srtp_failed"] or rtcp_res["srtcp_failed"] or rtcp_res["srtp_ok"]:
                die("%s key: SRTP failures %s, SRTCP failures %d (frames %s)"
                    % (what, rtp_res["srtp_failed"], rtcp_res["srtcp_failed"],
                       (rtp_res["failed_frames"] + rtcp_res["failed_frames"])[:10]))
            if rtp_res["srtp_ok"] != {ssrc: rtp[wire[src]]["n"]}:
                die("%s key decrypts %s, capture has %s packets of %s"
                    % (what, rtp_res["srtp_ok"], rtp[wire[src]]["n"], ssrc))
            if rtcp_res["srtcp_ok"] == 0:
                die("%s key: no SRTCP packet authenticates" % what)
            if rtp_res["digits"]:
                events[wire[src]] = rtp_res["digits"][ssrc]
            keys.append({
                "source": "sdes",
                "flow": "%s -> %s" % (src, dst),
                "rtcp_flow": "%s -> %s" % (rsrc, rdst),
                "ssrcs": [ssrc],
                "suite": cr["suite"],
                "key_salt_b64": cr["key_salt_b64"],
                "mki": cr["mki"],
                "lifetime": cr["lifetime"],
                "provenance": "SDP %s (%s's send key, RFC 4568 §6.1) in SIP frame %d: a=crypto:%d %s inline:..."
                              % (what, sender, sdp_frames[what], cr["tag"], cr["suite"]),
                "sdp_frame": sdp_frames[what],
                "srtp_packets": sum(rtp_res["srtp_ok"].values()),
                "srtcp_packets": rtcp_res["srtcp_ok"],
                "srtcp_encrypted": rtcp_res["srtcp_encrypted"],
                "rtcp_plain_packets": rtcp_res["rtcp_plain"],
                "rtcp_plain_types": rtcp_res["rtcp_plain_types"],
            })

    ev_records = []
    for ssrc in sorted(events):
        digs = events[ssrc] if srtp else wire_digits(events[ssrc])
        ev_pt = [pt for pt in rtp[ssrc]["pts"] if pt in event_pts]
        ev_records.append({"ssrc": "0x%08x" % ssrc, "pt": ev_pt[0], "digits": digs})
    if [e["digits"] for e in ev_records if e["ssrc"] == "0x%08x" % wire[a_rtp]] != [digits_sent]:
        die("digits on the wire %s differ from those sent %r" % (ev_records, digits_sent))
    if len(ev_records) != 1:
        die("events from more than one SSRC: %s" % ev_records)

    streams = []
    for ssrc, st in sorted(rtp.items(), key=lambda kv: kv[1]["src"]):
        media = [pt for pt in st["pts"] if pt not in event_pts]
        if media != [chosen_pt]:
            die("SSRC 0x%08x carries PTs %s, expected %d (+events)" % (ssrc, st["pts"], chosen_pt))
        # One entry per SSRC and payload type (GROUND-TRUTH.md): the
        # telephone-event packets of an audio SSRC get their own entry.
        streams.append({
            "ssrc": "0x%08x" % ssrc, "pt": chosen_pt, "media": "audio",
            "codec": chosen_codec, "kind": "media", "encrypted": srtp,
            "flow": "%s -> %s" % (st["src"], st["dst"]), "packets": st["pts"][chosen_pt],
        })
        for pt in sorted(p for p in st["pts"] if p in event_pts):
            streams.append({
                "ssrc": "0x%08x" % ssrc, "pt": pt, "media": "audio",
                "codec": "telephone-event/8000", "kind": "event", "encrypted": srtp,
                "flow": "%s -> %s" % (st["src"], st["dst"]), "packets": st["pts"][pt],
            })

    def flow(a, b, role, contents, count):
        a, b = sorted((a, b))
        return {"a": a, "b": b, "transport": "udp", "role": role, "contents": contents,
                "packets": count}

    sip_count = flows.get(("udp", sip_pair), 0)
    rtp_count = flows.get(("udp", rtp_pair), 0)
    flows_out = [
        flow(sip_a, sip_b, "sip", ["sip"], sip_count),
        flow(a_rtp, b_rtp, "media-rtp", ["srtp"] if srtp else ["rtp"], rtp_count),
        # SRTCP, plus the plain RTCP packets baresip sends on it (the first
        # APP and the final BYE, CAPTURE-RECIPES.md)
        flow(a_rtcp, b_rtcp, "media-rtcp",
             (["rtcp"] if not srtp or any(k["rtcp_plain_packets"] for k in keys) else [])
             + (["srtcp"] if srtp else []), rtcp_frames),
    ]
    accounted = sip_count + rtp_count + rtcp_frames
    other = {"%s %s" % (k[0], sorted(k[1])): v for k, v in flows.items()
             if k not in (("udp", sip_pair), ("udp", rtp_pair), ("udp", rtcp_pair))}
    if other:
        die("unexpected IP flows in the capture: %s" % other)

    # ---------------------------------------------------- check with tshark ---
    def tshark(*args):
        r = subprocess.run(["tshark", "-r", capture] + list(args), capture_output=True, text=True,
                           timeout=120)
        if r.returncode != 0:
            die("tshark %s failed: %s" % (args, r.stderr))
        return r.stdout

    if int(tshark("-T", "fields", "-e", "frame.number").split()[-1]) != total:
        die("tshark frame count differs")
    # rtp,streams: one line per SSRC with src/dst and packet count
    st_out = tshark("-q", "-z", "rtp,streams")
    ts_streams = {}
    for line in st_out.splitlines():
        m = re.match(r"\s*[\d.]+\s+[\d.]+\s+(\S+)\s+(\d+)\s+(\S+)\s+(\d+)\s+(0x[0-9A-Fa-f]+)\s+(.*?)\s+(\d+)\s+-?\d+ \(", line)
        if m:
            ts_streams[int(m.group(5), 16)] = {
                "src": "%s:%s" % (m.group(1), m.group(2)), "dst": "%s:%s" % (m.group(3), m.group(4)),
                "payload": m.group(6), "n": int(m.group(7))}
    mine = {}
    for s in streams:
        tot = mine.setdefault(int(s["ssrc"], 16), dict(s, packets=0))
        tot["packets"] += s["packets"]
    if set(ts_streams) != set(mine):
        die("tshark rtp,streams SSRCs %s != ours %s\n%s" % ([hex(x) for x in ts_streams], list(mine), st_out))
    for ssrc, s in mine.items():
        t = ts_streams[ssrc]
        if "%s -> %s" % (t["src"], t["dst"]) != s["flow"] or t["n"] != s["packets"]:
            die("tshark disagrees on 0x%08x: %s vs %s" % (ssrc, t, s))
    # rtp packets by ssrc/pt as tshark sees them
    pt_count = {}
    for line in tshark("-Y", "rtp", "-T", "fields", "-e", "rtp.ssrc", "-e", "rtp.p_type").split("\n"):
        if line.strip():
            k = tuple(line.split("\t"))
            pt_count[k] = pt_count.get(k, 0) + 1
    for ssrc, st in rtp.items():
        for pt, n in st["pts"].items():
            if pt_count.get(("0x%08x" % ssrc, str(pt))) != n:
                die("tshark counts %s packets of SSRC 0x%08x PT %d, we count %d"
                    % (pt_count.get(("0x%08x" % ssrc, str(pt))), ssrc, pt, n))
    if sum(pt_count.values()) != rtp_count:
        die("tshark sees RTP outside the RTP flow")
    # RFC 4733 events
    ev_lines = [l.split("\t") for l in tshark("-Y", "rtpevent", "-T", "fields", "-e", "rtp.ssrc",
                                              "-e", "rtp.timestamp", "-e", "rtpevent.event_id").split("\n")
                if l.strip()]
    ts_events = {}
    for ssrc, ts, ev in ev_lines:
        ts_events.setdefault(ssrc, []).append((int(ts), int(ev)))
    ts_digits = {k: wire_digits(v) for k, v in ts_events.items()}
    if ts_digits != ({} if srtp else {e["ssrc"]: e["digits"] for e in ev_records}):
        die("tshark rtpevent digits %s != ours %s" % (ts_digits, ev_records))
    # RTCP and SIP frame counts
    n_rtcp = len([l for l in tshark("-Y", "(rtcp or srtcp) and not icmp", "-T", "fields", "-e", "frame.number").split("\n") if l.strip()])
    if n_rtcp != rtcp_frames:
        die("tshark sees %d RTCP frames, we count %d" % (n_rtcp, rtcp_frames))
    rtcp_ports = set(tshark("-Y", "(rtcp or srtcp) and not icmp", "-T", "fields", "-e", "udp.srcport", "-e", "udp.dstport").split())
    if rtcp_ports != {a_rtcp.split(":")[1], b_rtcp.split(":")[1]}:
        die("RTCP not on port+1: %s" % rtcp_ports)
    if len([l for l in tshark("-Y", "icmp", "-T", "fields", "-e", "frame.number").split("\n") if l.strip()]) != icmp:
        die("tshark ICMP count differs from ours (%d)" % icmp)
    if len([l for l in tshark("-Y", "arp", "-T", "fields", "-e", "frame.number").split("\n") if l.strip()]) != non_ip:
        die("non-IP frames other than ARP in the capture")
    n_sip = len([l for l in tshark("-Y", "sip", "-T", "fields", "-e", "frame.number").split("\n") if l.strip()])
    if n_sip != sip_count:
        die("tshark sees %d SIP frames, we count %d" % (n_sip, sip_count))
    if srtp:
        if tshark("-Y", "dtls or stun or sdp.key_mgmt").strip():
            die("tshark finds DTLS/STUN/key-mgmt in an SDES capture")
        # Wireshark's SDP dissector splits each inline key: it must be the
        # key||salt recorded, in the frame recorded.
        rows = [l.split("\t") for l in tshark(
            "-Y", "sdp.crypto.crypto_suite && sdp.media.proto == \"RTP/SAVP\"", "-T", "fields",
            "-e", "frame.number", "-e", "sdp.crypto.crypto_suite", "-e", "sdp.crypto.master_key",
            "-e", "sdp.crypto.master_salt").splitlines() if l.strip()]
        got = sorted((int(r[0]), r[1], base64.b64encode(bytes.fromhex(r[2] + r[3])).decode()) for r in rows)
        want = sorted((k["sdp_frame"], k["suite"], k["key_salt_b64"]) for k in keys)
        if got != want:
            die("tshark's SDP a=crypto %s != recorded keys %s" % (got, want))
    elif tshark("-Y", "dtls or stun or sdp.key_mgmt or sdp.media_attr contains \"crypto\" or sdp.media.proto contains \"SAVP\"").strip():
        die("tshark finds SRTP/DTLS/STUN/crypto in a plain-RTP capture")
    sdp_ssrcs = tshark("-Y", "sdp", "-T", "fields", "-e", "sdp.media", "-e", "sdp.media.format").strip()
    if not sdp_ssrcs:
        die("tshark sees no SDP in the capture")

    versions = {}
    for pkg, key in (("baresip-core", "baresip"), ("libre0", "libre"), ("librem0", "librem"),
                     ("sox", "sox"), ("tshark", "tshark")):
        r = subprocess.run(["dpkg-query", "-W", "-f", "${Version}", pkg], capture_output=True, text=True)
        versions[key] = r.stdout.strip()
    m = re.search(r"baresip v(\S+)", alice_log)
    if m:
        versions["baresip"] = "%s (Debian %s)" % (m.group(1), versions["baresip"])

    gt = {
        "schema_version": 1,
        "capture": os.path.basename(capture),
        "generator": generator,
        "generated": datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ"),
        "software": versions,
        "packets": total,
        "duration_s": duration,
        "calls": [{
            "id": "call-1",
            "description": ("baresip to baresip, direct SIP over UDP (Call-ID %s, no registrar), "
                            "audio from a WAV via aufile; offer %s, answer %s; %s chosen; "
                            "RTCP on port+1 (no rtcp-mux), %s; RFC 4733 digits %r "
                            "sent by the caller via ctrl_tcp sndcode; besides the flows: %d ARP frame(s), "
                            "%d ICMP port-unreachable frame(s) quoting late RTCP"
                            % (call_id, " ".join("%d=%s" % (pt, om["rtpmap"].get(pt, "?")) for pt in om["fmts"]),
                               " ".join("%d=%s" % (pt, am["rtpmap"].get(pt, "?")) for pt in am["fmts"]),
                               chosen_codec,
                               ("SDES SRTP RTP/SAVP (mediaenc=%s, keys in the SDP a=crypto lines)" % mediaenc
                                if srtp else "plain RTP/AVP"),
                               digits_sent, non_ip, icmp)),
            "flows": flows_out,
            "streams": streams,
            "event_pts": event_pts,
            "events": ev_records,
            "traits": {"ice": False, "turn": False, "srtp": srtp, "dtls_srtp": False,
                       "sdes": srtp, "bundle": False, "rtcp_mux": False, "web_signaling": False,
                       "datachannel": False},
            "verdict": "not-webrtc",
        }],
    }
    if keys:
        gt["calls"][0]["keys"] = keys
    if accounted + non_ip + icmp != total:
        die("frame accounting mismatch")
    with open(json_out + ".tmp", "w") as f:
        json.dump(gt, f, indent=2)
        f.write("\n")
    os.replace(json_out + ".tmp", json_out)
    print("analyze.py: OK: %d frames, %.1f s, codec %s, streams %s, events %s"
          % (total, duration, chosen_codec,
             ", ".join("%s pt%d %s n=%d" % (s["ssrc"], s["pt"], s["flow"], s["packets"]) for s in streams),
             ev_records))


if __name__ == "__main__":
    main()
