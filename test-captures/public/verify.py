#!/usr/bin/env python3
"""verify.py [NAME ...]: re-check every public-capture ground truth against its
capture with plain tshark (no webrtc plugin).

For each NAME.json beside this script (or the names given), with the capture
NAME.pcap/NAME.pcapng found beside it or in $PUBLIC_CAPTURES:
  * every flow of the truth (calls[].flows and outside_calls[]) has exactly
    its "packets" frames in the capture (ICMP errors that quote a datagram of
    the 5-tuple are not counted);
  * every RTP stream (calls[].streams) has exactly its "packets" RTP packets:
    the truth's media flows are decoded with Decode As (-d udp.port==N,rtp, or
    -d tcp.port==N,rtp for RFC 4571 framing over TCP is not supported: none here),
    and a packet is RTP of SSRC S on "src -> dst" when rtp.version == 2 and it
    is not RFC 5761 RTCP (marker set and payload type 64-95); a stream with
    "carried" ("turn": inside TURN Send/Data or ChannelData, "tcp": framed in
    TCP) is counted with Wireshark's RTP heuristic inside the STUN dissector
    (-o rtp.heuristic_rtp:TRUE) on its outer 5-tuple instead, and one with
    "tcp-rfc4571" (RTP in TCP with a 2-byte length, RFC 4571, which tshark 4.0
    cannot decode) by reassembling the TCP payloads; the packets must
    carry only the stream's payload type(s) ("pt" and optional "pts");
  * every rejected look-alike (calls[].rejected_rtp_like: not RTP, e.g. a
    proprietary header that parses as RTP) and every RTP-framed non-media
    stream (calls[].rtp_not_media, e.g. an app's RTP data messages) has its
    packet count too, and no other SSRC on a media flow of the truth reaches
    3 packets with sequence numbers advancing by 1..16 (an RTP stream the
    truth would have missed);
  * "packets" (total frames) is right.
Exit status 0 when everything matches, 1 otherwise (each mismatch printed); a
missing capture is a failure unless --skip-missing is given (the captures are not
committed: see MANIFEST.md).

Environment: TSHARK (default "tshark"; e.g. TSHARK="wt -N" on the project's
machines), PUBLIC_CAPTURES (another folder holding the capture files).
"""
import collections
import glob
import json
import os
import shlex
import subprocess
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
TSHARK = shlex.split(os.environ.get("TSHARK", "tshark"))
TIMEOUT = 600


def _tshark(args):
    p = subprocess.run(TSHARK + args, capture_output=True, text=True,
                       errors="replace", timeout=TIMEOUT)
    if p.returncode != 0:
        raise RuntimeError("tshark failed (%d): %s" % (p.returncode, p.stderr[-2000:]))
    return p.stdout


_PLUGIN_ARGS = None


def plugin_off_args():
    """Arguments that make sure the webrtc plugin (if tshark loads one) does not
    take part: its protocol disabled, so none of its heuristics run."""
    global _PLUGIN_ARGS
    if _PLUGIN_ARGS is None:
        protos = _tshark(["-G", "protocols"])
        names = {l.split("\t")[2] for l in protos.splitlines() if l.count("\t") >= 2}
        _PLUGIN_ARGS = ["--disable-protocol", "webrtc"] if "webrtc" in names else []
        if _PLUGIN_ARGS:
            sys.stderr.write("note: tshark loads a webrtc plugin; it is disabled for the checks\n")
    return _PLUGIN_ARGS


def endpoint(ip, port):
    return ("[%s]:%s" % (ip, port)) if ":" in ip else ("%s:%s" % (ip, port))


def split_ep(ep):
    if ep.startswith("["):
        ip, port = ep[1:].split("]:")
    else:
        ip, port = ep.rsplit(":", 1)
    return ip, int(port)


def flow_key(transport, a, b):
    return (transport,) + tuple(sorted([a, b]))


def frame_rows(cap, extra_args=(), fields=()):
    base = ["frame.number", "ip.src", "ip.dst", "ipv6.src", "ipv6.dst", "udp.srcport",
            "udp.dstport", "tcp.srcport", "tcp.dstport", "icmp.type", "icmpv6.type"]
    args = ["-n", "-r", cap] + plugin_off_args() + list(extra_args) + [
        "-T", "fields", "-E", "occurrence=f", "-E", "separator=\t"]
    for f in base + list(fields):
        args += ["-e", f]
    for line in _tshark(args).splitlines():
        x = line.split("\t")
        if len(x) < len(base) + len(fields):
            continue
        fn, s4, d4, s6, d6, us, ud, ts, td, icmp, icmp6 = x[:11]
        rest = x[11:]
        if icmp or icmp6:
            yield int(fn), None, None, None, rest
            continue
        src, dst = s4 or s6, d4 or d6
        if us:
            yield int(fn), "udp", endpoint(src, us), endpoint(dst, ud), rest
        elif ts:
            yield int(fn), "tcp", endpoint(src, ts), endpoint(dst, td), rest
        else:
            yield int(fn), None, None, None, rest


def flow_counts(cap):
    """{(transport, a, b): frames} and the total number of frames."""
    cnt = collections.Counter()
    total = 0
    for fn, tr, s, d, _ in frame_rows(cap):
        total += 1
        if tr:
            cnt[flow_key(tr, s, d)] += 1
    return cnt, total


def media_ports(truth):
    """UDP ports to decode as RTP: both endpoint ports of every flow that carries RTP/SRTP."""
    ports = set()
    for call in truth.get("calls", []):
        for st in call.get("streams", []) + call.get("rejected_rtp_like", []) + call.get("rtp_not_media", []):
            src, dst = st["flow"].split(" -> ")
            ports.add(split_ep(src)[1])   # both ends: UDP offers a datagram to the
            ports.add(split_ep(dst)[1])   # lower port's dissector first (e.g. QUIC on 443)
    return sorted(ports)


def rtp_packets(cap, ports, extra=()):
    """{(src, dst, ssrc): {"n", "pts", "seqs"}} of RTP-shaped packets on the decoded ports."""
    args = list(extra)
    for p in ports:
        args += ["-d", "udp.port==%d,rtp" % p]
    res = {}
    if not ports:
        return res
    for fn, tr, s, d, (ver, ssrc, seq, pt, mk) in frame_rows(
            cap, args, ("rtp.version", "rtp.ssrc", "rtp.seq", "rtp.p_type", "rtp.marker")):
        if tr != "udp" or ver != "2" or not ssrc:
            continue
        pt, mk = int(pt), mk in ("1", "True")
        if mk and 64 <= pt <= 95:
            continue   # RTCP multiplexed on the RTP port (RFC 5761 section 4)
        key = (s, d, "0x%08x" % int(ssrc, 16))
        r = res.setdefault(key, {"n": 0, "pts": set(), "seqs": [], "frames": []})
        r["n"] += 1
        r["pts"].add(pt)
        r["seqs"].append(int(seq))
        r["frames"].append(fn)
    return res


def rtp_packets_heur(cap):
    """The same for RTP carried inside TURN (Send/Data indications, ChannelData) or
    framed in TCP (ICE-TCP, RFC 4571/6544): Wireshark's own RTP heuristic
    (-o rtp.heuristic_rtp:TRUE) finds it inside the STUN dissector's payloads;
    every RTP occurrence in a frame counts. Keys carry the outer 5-tuple."""
    res = {}
    for fn, tr, s, d, (ver, ssrc, seq, pt, mk) in frame_rows(
            cap, ["-o", "rtp.heuristic_rtp:TRUE", "-Y", "stun && rtp"],
            ("rtp.version", "rtp.ssrc", "rtp.seq", "rtp.p_type", "rtp.marker")):
        if not tr or not ssrc:
            continue
        for v_, x, q, p in zip(ver.split(","), ssrc.split(","), seq.split(","), pt.split(",")):
            if v_ != "2":
                continue
            key = (s, d, "0x%08x" % int(x, 16))
            r = res.setdefault(key, {"n": 0, "pts": set(), "seqs": [], "frames": []})
            r["n"] += 1
            r["pts"].add(int(p))
            r["seqs"].append(int(q))
            r["frames"].append(fn)
    return res


def rtp_packets_rfc4571(cap):
    """RTP framed in TCP by a 2-byte length (RFC 4571), outside TURN: each
    direction of each TCP connection is reassembled from tcp.payload in
    sequence-number order (retransmissions dropped) and cut into frames; a frame
    whose first byte is RTP version 2 and not RFC 5761 RTCP counts."""
    segs = collections.defaultdict(dict)
    for fn, tr, s, d, (seq, pl) in frame_rows(cap, ["-o", "tcp.relative_sequence_numbers:TRUE"], ("tcp.seq", "tcp.payload")):
        if tr == "tcp" and pl:
            segs[(s, d)].setdefault(int(seq), (fn, bytes.fromhex(pl)))
    res = {}
    for (s, d), by in segs.items():
        data = b""
        starts = []
        for seq in sorted(by):
            starts.append((len(data), by[seq][0]))
            data += by[seq][1]
        i = 0
        while i + 2 <= len(data):
            fn = [f for off, f in starts if off <= i][-1]
            ln = int.from_bytes(data[i:i + 2], "big")
            f = data[i + 2:i + 2 + ln]
            i += 2 + ln
            if len(f) < 12 or f[0] >> 6 != 2 or (f[1] & 0x80 and 64 <= (f[1] & 0x7F) <= 95):
                continue
            key = (s, d, "0x%08x" % int.from_bytes(f[8:12], "big"))
            r = res.setdefault(key, {"n": 0, "pts": set(), "seqs": [], "frames": []})
            r["n"] += 1
            r["pts"].add(f[1] & 0x7F)
            r["seqs"].append(int.from_bytes(f[2:4], "big"))
            r["frames"].append(fn)
    return res


def looks_like_stream(seqs):
    good = sum(1 for a, b in zip(seqs, seqs[1:]) if 1 <= ((b - a) & 0xFFFF) <= 16)
    return len(seqs) >= 3 and good >= 0.8 * (len(seqs) - 1)


def find_capture(name, truth):
    dirs = [HERE] + ([os.environ["PUBLIC_CAPTURES"]] if os.environ.get("PUBLIC_CAPTURES") else [])
    for d in dirs:
        p = os.path.join(d, truth["capture"])
        if os.path.exists(p):
            return p
    return None


def check(name):
    errors = []
    with open(os.path.join(HERE, name + ".json")) as f:
        truth = json.load(f)
    cap = find_capture(name, truth)
    if not cap:
        return ["%s: capture %s not found (beside verify.py or in $PUBLIC_CAPTURES)" % (name, truth["capture"])]
    fc, total = flow_counts(cap)
    if truth.get("packets") is not None and truth["packets"] != total:
        errors.append("%s: %d frames, truth says %d" % (name, total, truth["packets"]))
    flows = [(c["id"], fl) for c in truth.get("calls", []) for fl in c.get("flows", [])]
    flows += [("outside", fl) for fl in truth.get("outside_calls", [])]
    seen = set()
    for cid, fl in flows:
        k = flow_key(fl["transport"], fl["a"], fl["b"])
        if k in seen:
            errors.append("%s: flow %s listed twice" % (name, k))
        seen.add(k)
        if fc.get(k, 0) != fl["packets"]:
            errors.append("%s: %s flow %s %s <-> %s: %d frames, truth says %d" % (
                name, cid, fl["transport"], fl["a"], fl["b"], fc.get(k, 0), fl["packets"]))
    # "verify_args": extra tshark arguments a capture needs (e.g. --disable-protocol quic
    # where QUIC's heuristic takes a 5-tuple that also carries RTP)
    rp = rtp_packets(cap, media_ports(truth), truth.get("verify_args", []))
    carried = {st.get("carried") for c in truth.get("calls", []) for st in c.get("streams", [])}
    rh = rtp_packets_heur(cap) if carried & {"turn", "turn-tcp", "tcp"} else {}
    if "tcp-rfc4571" in carried:
        rh.update(rtp_packets_rfc4571(cap))
    listed = set()
    media_flows = set()
    nstreams = sum(len(c.get("streams", [])) for c in truth.get("calls", []))
    for call in truth.get("calls", []):
        for st in call.get("streams", []) + call.get("rejected_rtp_like", []) + call.get("rtp_not_media", []):
            src, dst = st["flow"].split(" -> ")
            key = (src, dst, st["ssrc"])
            if key in listed:
                errors.append("%s: stream %s %s listed twice" % (name, st["ssrc"], st["flow"]))
            listed.add(key)
            if st.get("carried"):
                got = rh.get(key)
            else:
                media_flows.add(flow_key("udp", src, dst))
                got = rp.get(key)
            n = got["n"] if got else 0
            if n != st["packets"]:
                errors.append("%s: %s SSRC %s on %s: %d RTP packets, truth says %d" % (
                    name, call["id"], st["ssrc"], st["flow"], n, st["packets"]))
            if got and "pt" in st:
                want = set(st.get("pts") or [st["pt"]])
                if got["pts"] != want:
                    errors.append("%s: SSRC %s on %s: payload types %s, truth says %s" % (
                        name, st["ssrc"], st["flow"], sorted(got["pts"]), sorted(want)))

    for (src, dst, ssrc), r in sorted(rp.items()):
        if (src, dst, ssrc) in listed or flow_key("udp", src, dst) not in media_flows:
            continue
        if looks_like_stream(r["seqs"]):
            errors.append("%s: unlisted RTP-like SSRC %s on %s -> %s: %d packets (frames %s...)" % (
                name, ssrc, src, dst, r["n"], r["frames"][:5]))
    print("%-40s %s  (%d flows, %d streams)" % (name, "ok" if not errors else "MISMATCH", len(flows), nstreams))
    return errors


def truth_names():
    """Names of the ground truths beside this script (JSON files with a "capture";
    before.json and other measurement files are skipped)."""
    names = []
    for p in sorted(glob.glob(os.path.join(HERE, "*.json"))):
        with open(p) as f:
            if "capture" in json.load(f):
                names.append(os.path.basename(p)[:-5])
    return names


def main():
    args = sys.argv[1:]
    skip_missing = "--skip-missing" in args
    args = [a for a in args if a != "--skip-missing"]
    names = args or truth_names()
    errors = []
    skipped = 0
    for n in names:
        if skip_missing:
            with open(os.path.join(HERE, n + ".json")) as f:
                if not find_capture(n, json.load(f)):
                    print("%-40s skipped (capture not here)" % n)
                    skipped += 1
                    continue
        try:
            errors += check(n)
        except Exception as e:  # a tshark failure is a mismatch too
            errors.append("%s: %s" % (n, e))
    for e in errors:
        print("  " + e)
    nfail = len({e.split(":")[0] for e in errors})
    print("%d passed, %d failed%s" % (len(names) - skipped - nfail, nfail, ", %d skipped" % skipped if skipped else ""))
    return 1 if errors else 0


if __name__ == "__main__":
    sys.exit(main())
