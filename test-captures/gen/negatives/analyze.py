#!/usr/bin/python3
"""Build and verify the ground truth of the negatives capture.

  analyze.py WORKDIR CAPTURE JSON_OUT CAPTURE_NAME

Every frame of the capture is assigned to the program that made it (by the
ports each one used, as recorded in WORKDIR: dig output, logger messages
received by socat, curl results, iperf3's JSON, randudp's plan and log); a
frame nobody accounts for fails the run. The counts are compared with plain
tshark; tshark must find 0 RTP streams (and no RTP, RTCP, STUN, DTLS, SIP,
SDP) with default preferences. How many frames the manual heuristic
(--enable-heuristic rtp_udp) wrongly calls RTP is recorded in the notes.
"""
import datetime
import json
import os
import re
import struct
import subprocess
import sys


def die(msg):
    print("analyze.py: FAIL: " + msg, file=sys.stderr)
    sys.exit(1)


def read_pcapng(path):
    """Yield (timestamp_seconds, linktype, frame_bytes) for each EPB/SPB."""
    with open(path, "rb") as f:
        data = f.read()
    off = 0
    endian = "<"
    ifaces = []
    while off + 12 <= len(data):
        btype, blen = struct.unpack_from(endian + "II", data, off)
        if btype == 0x0A0D0D0A:
            endian = "<" if data[off + 8:off + 12] == b"\x4d\x3c\x2b\x1a" else ">"
            btype, blen = struct.unpack_from(endian + "II", data, off)
            ifaces = []
        body = data[off + 8:off + blen - 4]
        if btype == 1:
            linktype = struct.unpack_from(endian + "H", body, 0)[0]
            div = 10 ** 6
            o = 8
            while o + 4 <= len(body):
                code, olen = struct.unpack_from(endian + "HH", body, o)
                if code == 0:
                    break
                if code == 9:
                    v = body[o + 4]
                    div = 2 ** (v & 0x7F) if v & 0x80 else 10 ** v
                o += 4 + ((olen + 3) & ~3)
            ifaces.append((linktype, div))
        elif btype == 6:
            ifid, tsh, tsl, caplen, _ = struct.unpack_from(endian + "IIIII", body, 0)
            linktype, div = ifaces[ifid]
            yield ((tsh << 32 | tsl) / div, linktype, body[20:20 + caplen])
        elif btype == 3:
            yield (None, ifaces[0][0], body[4:])
        off += blen


def parse_frame(linktype, fr):
    if linktype != 1:
        die("unexpected link type %d" % linktype)
    etype = struct.unpack_from("!H", fr, 12)[0]
    if etype == 0x0806:
        return ("arp",)
    if etype != 0x0800:
        return ("ether-0x%04x" % etype,)
    ip = fr[14:]
    ihl = (ip[0] & 15) * 4
    total = struct.unpack_from("!H", ip, 2)[0]
    proto = ip[9]
    src = ".".join(str(b) for b in ip[12:16])
    dst = ".".join(str(b) for b in ip[16:20])
    l4 = ip[ihl:total]
    if proto == 17:
        sport, dport, ulen = struct.unpack_from("!HHH", l4, 0)
        return ("udp", src, sport, dst, dport, l4[8:ulen])
    if proto == 6:
        sport, dport = struct.unpack_from("!HH", l4, 0)
        return ("tcp", src, sport, dst, dport, l4[(l4[12] >> 4) * 4:])
    if proto == 1:
        return ("icmp", src, None, dst, None, l4)
    return ("ip%d" % proto,)


def main():
    work, capture, json_out, capture_name = sys.argv[1:5]
    W = lambda name: os.path.join(work, name)

    # ---- what the programs say they did
    dig = open(W("dig.txt")).read()
    dig_status = re.findall(r"status: (\w+)", dig)
    n_queries = len(dig_status)
    if n_queries == 0 or len(re.findall(r";; SERVER: 198\.51\.100\.1#53\(198\.51\.100\.1\) \(UDP\)", dig)) != n_queries:
        die("dig: not every query was answered over UDP by 198.51.100.1:\n" + dig)
    dnsmasq_q = len(re.findall(r" query\[", open(W("dnsmasq.log")).read()))
    if dnsmasq_q != n_queries:
        die("dnsmasq logged %d queries, dig made %d" % (dnsmasq_q, n_queries))
    syslog_rx = open(W("syslog-received.txt"), errors="replace").read()
    n_syslog = len(re.findall(r"wrtc-neg", syslog_rx))
    curl = [l.split() for l in open(W("curl.txt")).read().splitlines() if l.strip()]
    n_http = len(curl)
    iperf = json.load(open(W("iperf3-client.json")))
    if iperf.get("error"):
        die("iperf3: " + iperf["error"])
    iperf_pkts = iperf["end"]["sum"]["packets"]
    iperf_bytes = iperf["end"]["sum"]["bytes"]
    iperf_secs = iperf["end"]["sum"]["seconds"]
    rnd = json.load(open(W("randudp-sent.json")))
    rflows = rnd["flows"]
    rkey = {("udp", f["src"], f["sport"], f["dst"], f["dport"]): i for i, f in enumerate(rflows)}
    r_sent = [0] * len(rflows)
    r_lens = [[] for _ in rflows]
    for s in rnd["sent"]:
        r_sent[s["flow"]] += 1
        r_lens[s["flow"]].append(s["len"])
    if r_sent != [f["count"] for f in rflows]:
        die("randudp sent %s, planned %s" % (r_sent, [f["count"] for f in rflows]))

    # ---- the capture, frame by frame
    frames = list(read_pcapng(capture))
    total = len(frames)
    times = [t for t, _, _ in frames if t is not None]
    duration = round(max(times) - min(times), 3)
    cls = {"dns": 0, "syslog": 0, "iperf3-udp": 0, "iperf3-tcp": 0, "http": 0, "random": 0,
           "arp": 0, "icmp": 0}
    r_seen = [0] * len(rflows)
    r_seen_lens = [[] for _ in rflows]
    for _t, lt, fr in frames:
        p = parse_frame(lt, fr)
        kind = p[0]
        if kind in ("arp", "icmp"):
            cls[kind] += 1
            continue
        if kind not in ("udp", "tcp"):
            die("unexpected frame type %s" % kind)
        _, src, sport, dst, dport, payload = p
        ports = {sport, dport}
        if kind == "udp" and 53 in ports:
            cls["dns"] += 1
        elif kind == "udp" and 514 in ports:
            cls["syslog"] += 1
        elif 5201 in ports:
            cls["iperf3-" + kind] += 1
        elif kind == "tcp" and 8080 in ports:
            cls["http"] += 1
        elif (kind, src, sport, dst, dport) in rkey:
            i = rkey[(kind, src, sport, dst, dport)]
            if not 0x80 <= payload[0] <= 0xBF:
                die("random datagram with first byte 0x%02x" % payload[0])
            r_seen[i] += 1
            r_seen_lens[i].append(len(payload))
            cls["random"] += 1
        else:
            die("frame of no known program: %s %s:%s -> %s:%s" % (kind, src, sport, dst, dport))
    if sum(cls.values()) != total:
        die("frame accounting")
    if cls["dns"] != 2 * n_queries:
        die("%d DNS frames for %d queries" % (cls["dns"], n_queries))
    if cls["syslog"] != n_syslog or n_syslog == 0:
        die("%d syslog frames, socat received %d messages" % (cls["syslog"], n_syslog))
    if r_seen != r_sent or r_seen_lens != r_lens:
        die("random datagrams captured %s differ from sent %s" % (r_seen, r_sent))
    if cls["iperf3-udp"] < iperf_pkts:
        die("iperf3 says %d datagrams, capture has %d" % (iperf_pkts, cls["iperf3-udp"]))

    # ---- plain tshark, default preferences
    def tshark(*args):
        r = subprocess.run(["tshark", "-r", capture] + list(args), capture_output=True, text=True,
                           timeout=300)
        if r.returncode != 0:
            die("tshark %s failed: %s" % (args, r.stderr))
        return r.stdout

    def count(*args):
        return len([l for l in tshark(*args, "-T", "fields", "-e", "frame.number").splitlines() if l.strip()])

    def rtp_streams(*extra):
        out = tshark(*extra, "-q", "-z", "rtp,streams")
        return len([l for l in out.splitlines() if re.match(r"\s*[\d.]+\s+[\d.]+\s+\d+\.\d+\.\d+\.\d+\s+\d+", l)])

    if count() != total:
        die("tshark frame count differs")
    n_streams = rtp_streams()
    if n_streams != 0:
        die("tshark finds %d RTP streams with default preferences" % n_streams)
    media = count("-Y", "rtp or rtpevent or stun or classicstun or dtls or sip or sdp or t38")
    if media != 0:
        die("tshark decodes %d frames as RTP/STUN/DTLS/SIP/SDP/T.38 with default preferences" % media)
    for filt, want in (("dns", cls["dns"]), ("syslog", cls["syslog"]), ("http.request", n_http),
                       ("udp.port == 5201", cls["iperf3-udp"]), ("tcp.port == 5201", cls["iperf3-tcp"]),
                       ("tcp.port == 8080", cls["http"]), ("arp", cls["arp"]), ("icmp", cls["icmp"])):
        got = count("-Y", filt)
        if got != want:
            die("tshark -Y '%s' gives %d frames, expected %d" % (filt, got, want))
    rflt = " or ".join("(udp.srcport == %d and udp.dstport == %d)" % (f["sport"], f["dport"]) for f in rflows)
    if count("-Y", rflt) != cls["random"]:
        die("tshark count of random datagrams differs")
    # Wireshark's default-on heuristics (RTCP, CLTP, ...) may claim a few of the
    # random datagrams: not an error of the capture, but worth knowing.
    rtcp_default = count("-Y", "rtcp")
    if count("-Y", "rtcp and (%s)" % rflt) != rtcp_default:
        die("tshark decodes non-random traffic as RTCP")
    misc_default = {}
    for line in tshark("-Y", "not data and (%s)" % rflt, "-T", "fields", "-e", "frame.protocols").splitlines():
        top = line.strip().split(":")[-1]
        if top == "_ws.malformed":
            top = line.strip().split(":")[-2]
        misc_default[top] = misc_default.get(top, 0) + 1
    heur = count("--enable-heuristic", "rtp_udp", "-Y", "rtp")
    heur_rand = count("--enable-heuristic", "rtp_udp", "-Y", "rtp and (%s)" % rflt)
    heur_streams = rtp_streams("--enable-heuristic", "rtp_udp")

    def ver(pkg):
        return subprocess.run(["dpkg-query", "-W", "-f", "${Version}", pkg], capture_output=True,
                              text=True).stdout.strip()

    software = {"dnsmasq": ver("dnsmasq-base"), "dig": ver("bind9-dnsutils"), "socat": ver("socat"),
                "logger": ver("bsdutils"), "iperf3": ver("iperf3"), "curl": ver("curl"),
                "python3": ver("python3"), "tshark": ver("tshark")}
    notes = (
        "ordinary traffic between 198.51.100.2 (client, captured) and 198.51.100.1 (server): "
        "DNS over UDP, dnsmasq answering dig, %d queries (%s), %d frames; "
        "syslog over UDP/514, logger -> socat, %d messages (RFC 3164 and 5424); "
        "iperf3 UDP test %.1f s at 1 Mbit/s, %d datagrams of 1000 bytes (%d UDP + %d TCP control frames on port 5201); "
        "HTTP, python3 http.server + curl, %d requests on TCP/8080 (%d frames); "
        "UDP datagrams of random payload with first byte 0x80-0xBF: %d flows, %d datagrams, "
        "random ports 20000-60999 and lengths 20-1200 (%d frames); plus %d ARP and %d ICMP frames. "
        "Plain tshark 4.0 with default preferences: 0 RTP streams and 0 RTP/STUN/DTLS/SIP/SDP frames, "
        "but its default-on UDP heuristics claim %d of the random datagrams (%s), %d of them as RTCP. "
        "Informational: with --enable-heuristic rtp_udp, tshark wrongly calls %d frames RTP "
        "(%d of them the random datagrams) in %d 'RTP streams'."
        % (n_queries, ", ".join("%s %d" % (s, dig_status.count(s)) for s in sorted(set(dig_status))),
           cls["dns"], n_syslog, iperf_secs, iperf_pkts, cls["iperf3-udp"], cls["iperf3-tcp"], n_http,
           cls["http"], len(rflows), sum(r_sent), cls["random"], cls["arp"], cls["icmp"],
           sum(misc_default.values()),
           ", ".join("%s %d" % kv for kv in sorted(misc_default.items())) or "none", rtcp_default,
           heur, heur_rand, heur_streams))
    gt = {
        "schema_version": 1,
        "capture": capture_name,
        "generator": "gen/negatives/generate.sh",
        "generated": datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ"),
        "software": software,
        "packets": total,
        "duration_s": duration,
        "calls": [],
        "negatives": {"rtp_streams": 0, "notes": notes},
    }
    with open(json_out + ".tmp", "w") as f:
        json.dump(gt, f, indent=2)
        f.write("\n")
    os.replace(json_out + ".tmp", json_out)
    print("analyze.py: OK: %d frames, %.1f s, %s, bytes of iperf3 %d" % (total, duration, cls, iperf_bytes))
    print("analyze.py: " + notes)


if __name__ == "__main__":
    main()
