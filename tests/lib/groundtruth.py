"""Check a ground-truth file against its capture with plain Wireshark.

The ground truth (schema: test-captures/GROUND-TRUTH.md) is written by each
capture generator from what it saw during the call. This module proves that
the capture bears it out, using tshark WITHOUT the plugin and only the
knowledge a human analyst with the signaling in hand would use: Decode As RTP
on the media ports named in the ground truth, and Wireshark's TURN/RTP
heuristics on the TURN server port. No plugin logic is involved, so the plugin
is later judged against an independent truth.

Usable as a module (verify()) or from the command line:
    python3 tests/lib/groundtruth.py test-captures/NAME.json
"""
import base64
import collections
import ipaddress
import os
import re
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import wstest  # noqa: E402

# The key checker the generators use (python3-cryptography; RFC 3711/7714
# framing, DTLS-SRTP exporters): the recorded keys must decrypt every packet.
sys.path.insert(0, os.path.join(wstest.CAPTURES, "gen", "lib"))
import srtp_check  # noqa: E402

VERDICTS = {"webrtc", "webrtc-likely", "not-webrtc", "undetermined"}
TRAITS = {"ice", "turn", "srtp", "dtls_srtp", "sdes", "bundle", "rtcp_mux",
          "web_signaling", "datachannel"}
ROLES = {"p2p", "client-turn", "turn-relay", "sip", "media-rtp", "media-rtcp",
         "signaling", "peer"}
CONTENTS = {"stun", "turn", "channeldata", "dtls", "rtp", "srtp", "rtcp",
            "srtcp", "sip", "tls", "http", "websocket", "zrtp"}
MEDIA = {"audio", "video"}
KINDS = {"media", "rtx", "red", "fec", "event"}
# RTCP packets multiplexed on an RTP port (RFC 5761 §4) have a second byte of
# 192..223: seen through the RTP dissector that is marker=1, PT 64..95.
NOT_RTCP = "!(rtp.marker == 1 && rtp.p_type >= 64 && rtp.p_type <= 95)"


def split_endpoint(ep):
    """'127.0.0.1:5000' or '[::1]:5000' -> (ip_address, port)."""
    m = re.fullmatch(r"\[(.+)\]:(\d+)|([^:]+):(\d+)", ep)
    if not m:
        raise ValueError("bad endpoint %r" % ep)
    host = m.group(1) or m.group(3)
    port = int(m.group(2) or m.group(4))
    return ipaddress.ip_address(host), port


def endpoint_filter(ep, side, transport):
    ip, port = split_endpoint(ep)
    fam = "ip" if ip.version == 4 else "ipv6"
    return "%s.%s == %s && %s.%sport == %d" % (fam, side, ip, transport, side, port)


def flow_filter(a, b, transport):
    return "%s && ((%s && %s) || (%s && %s))" % (
        transport,
        endpoint_filter(a, "src", transport), endpoint_filter(b, "dst", transport),
        endpoint_filter(b, "src", transport), endpoint_filter(a, "dst", transport))


def direction_filter(src, dst, transport):
    return "%s && %s && %s" % (transport, endpoint_filter(src, "src", transport),
                               endpoint_filter(dst, "dst", transport))


def check_schema(gt):
    """Return a list of schema problems (empty when the file is well formed)."""
    bad = []

    def need(obj, key, typ, where):
        if key not in obj:
            bad.append("%s: missing %s" % (where, key))
            return None
        if not isinstance(obj[key], typ):
            bad.append("%s: %s is not %s" % (where, key, typ))
            return None
        return obj[key]

    need(gt, "schema_version", int, "top")
    need(gt, "capture", str, "top")
    need(gt, "generator", str, "top")
    need(gt, "software", dict, "top")
    need(gt, "packets", int, "top")
    calls = need(gt, "calls", list, "top") or []
    for i, call in enumerate(calls):
        w = "call[%d]" % i
        need(call, "id", str, w)
        for j, fl in enumerate(need(call, "flows", list, w) or []):
            fw = "%s.flow[%d]" % (w, j)
            for k in ("a", "b"):
                try:
                    split_endpoint(need(fl, k, str, fw) or "")
                except ValueError as e:
                    bad.append("%s: %s" % (fw, e))
            if fl.get("transport") not in ("udp", "tcp"):
                bad.append("%s: transport %r" % (fw, fl.get("transport")))
            if fl.get("role") not in ROLES:
                bad.append("%s: role %r" % (fw, fl.get("role")))
            for c in need(fl, "contents", list, fw) or []:
                if c not in CONTENTS:
                    bad.append("%s: content %r" % (fw, c))
            need(fl, "packets", int, fw)
        for j, st in enumerate(need(call, "streams", list, w) or []):
            sw = "%s.stream[%d]" % (w, j)
            if not re.fullmatch(r"0x[0-9a-f]{8}", str(st.get("ssrc"))):
                bad.append("%s: ssrc %r" % (sw, st.get("ssrc")))
            pt = need(st, "pt", int, sw)
            if pt is not None and not 0 <= pt <= 127:
                bad.append("%s: pt %r" % (sw, pt))
            if st.get("media") not in MEDIA:
                bad.append("%s: media %r" % (sw, st.get("media")))
            if st.get("kind") not in KINDS:
                bad.append("%s: kind %r" % (sw, st.get("kind")))
            need(st, "codec", str, sw)
            need(st, "encrypted", bool, sw)
            need(st, "packets", int, sw)
            flow = need(st, "flow", str, sw) or ""
            if " -> " not in flow:
                bad.append("%s: flow %r" % (sw, flow))
        need(call, "event_pts", list, w)
        traits = need(call, "traits", dict, w) or {}
        if set(traits) != TRAITS:
            bad.append("%s: traits keys %s" % (w, sorted(traits)))
        if call.get("verdict") not in VERDICTS:
            bad.append("%s: verdict %r" % (w, call.get("verdict")))
        # Optional per-leg truth: the call's flows ("a <-> b", a < b), each in
        # exactly one leg, each leg with its own verdict.
        if "legs" in call:
            flows = sorted("%s <-> %s" % (fl.get("a"), fl.get("b")) for fl in call.get("flows", [])
                           if fl.get("role") != "signaling")
            in_legs = sorted(f for leg in call["legs"] for f in leg.get("flows", []))
            if in_legs != flows:
                bad.append("%s: legs cover %s, flows are %s" % (w, in_legs, flows))
            for j, leg in enumerate(call["legs"]):
                if leg.get("verdict") not in VERDICTS:
                    bad.append("%s.leg[%d]: verdict %r" % (w, j, leg.get("verdict")))
    # Optional: calls made together (e.g. two legs of one user-level call)
    # and whether anything on the wire joins them.
    ids = {c.get("id") for c in calls}
    for i, r in enumerate(gt.get("related", [])):
        w = "related[%d]" % i
        if len(r.get("calls", [])) != 2 or not set(r["calls"]) <= ids:
            bad.append("%s: calls %r" % (w, r.get("calls")))
        need(r, "joined_on_wire", bool, w)
        try:
            ipaddress.ip_address(need(r, "shares_host", str, w) or "")
        except ValueError as e:
            bad.append("%s: %s" % (w, e))
    if not calls and "negatives" not in gt:
        bad.append("top: no calls and no negatives object")
    return bad


def _turn_ports(gt, transport):
    """Both ports of every client<->TURN flow carrying media (ChannelData or
    Send/Data indications).

    Wireshark's STUN dissector parses ChannelData on the server's port;
    which end is the server is not recorded, so both ends are decoded as
    STUN (the client port carries nothing else)."""
    return sorted({split_endpoint(ep)[1] for call in gt["calls"] for fl in call["flows"]
                   if fl["transport"] == transport and _relays_media(fl)
                   for ep in (fl["a"], fl["b"])})


def _relays_media(fl):
    """A client<->TURN flow whose media is inside TURN: ChannelData, or
    Send/Data indications (their DATA attribute; Firefox binds no channel)."""
    return "channeldata" in fl["contents"] or (
        fl["role"] == "client-turn" and "turn" in fl["contents"]
        and {"rtp", "srtp"} & set(fl["contents"]))


def _decode_as_args(gt):
    """Decode As an analyst would use, from the truth: RTP on the UDP ports
    of the flows that carry RTP directly."""
    turn = set(_turn_ports(gt, "udp"))
    ports = {split_endpoint(ep)[1] for call in gt["calls"] for fl in call["flows"]
             if fl["transport"] == "udp" and not _relays_media(fl)
             and {"rtp", "srtp"} & set(fl["contents"]) for ep in (fl["a"], fl["b"])}
    return [a for p in sorted(ports - turn) for a in ("-d", "udp.port==%d,rtp" % p)]


def _rfc4571_ports(gt):
    """Ports of the TCP flows that carry RTP themselves, framed per RFC 4571
    (not inside TURN): in Wireshark 4.0, Decode As RTP on a TCP port is its
    RFC 4571 dissector (rtp.rfc4571.len), which reassembles the stream."""
    return sorted({split_endpoint(ep)[1] for call in gt["calls"] for fl in call["flows"]
                   if fl["transport"] == "tcp" and not _relays_media(fl)
                   and {"rtp", "srtp"} & set(fl["contents"]) for ep in (fl["a"], fl["b"])})


def _rtp_in_channeldata(hexbytes):
    """(ssrc, pt) of an RTP packet carried as ChannelData payload, else None.

    Wireshark's own rtp_stun heuristic is not used here: it refuses SRTP
    packets with the P bit whose last byte (part of the auth tag) is 0, so
    it would undercount. RTP-shaped per RFC 7983/5761: first byte 128-191,
    second byte outside 192-223."""
    b = bytes.fromhex(hexbytes.replace(":", ""))
    if len(b) < 12 or not 0x80 <= b[0] <= 0xBF or 192 <= b[1] <= 223:
        return None
    return int.from_bytes(b[8:12], "big"), b[1] & 0x7F


def verify(gt, ts=None):
    """Compare a ground truth with its capture. Returns a list of problems."""
    bad = check_schema(gt)
    if bad:
        return bad
    ts = ts or wstest.Tshark(with_plugin=False)
    cap = gt["capture"]
    frames = ts.fields(cap, ["frame.number"])
    if len(frames) != gt["packets"]:
        bad.append("capture has %d frames, ground truth says %d" %
                   (len(frames), gt["packets"]))
    # Per-flow frame counts, both directions.
    for call in gt["calls"]:
        for fl in call["flows"]:
            n = len(ts.fields(cap, ["frame.number"], "!icmp && " +
                              flow_filter(fl["a"], fl["b"], fl["transport"])))
            if n != fl["packets"]:
                bad.append("%s flow %s <-> %s: %d frames, ground truth says %d"
                           % (call["id"], fl["a"], fl["b"], n, fl["packets"]))
    # Every RTP packet of the media flows, by direction and SSRC.
    da = _decode_as_args(gt)
    seen = collections.Counter()
    addr = ["ip.src", "ipv6.src", "udp.srcport", "ip.dst", "ipv6.dst", "udp.dstport"]

    def direction(r):
        return "%s:%s -> %s:%s" % ((r[0] or r[1]), r[2], (r[3] or r[4]), r[5])

    rows = ts.fields(cap, addr + ["rtp.ssrc", "rtp.p_type"],
                     "!icmp && rtp.version == 2 && " + NOT_RTCP, extra=da)
    for r in rows:
        seen[(direction(r), "0x%08x" % int(r[6], 16), int(r[7]))] += 1
    # RTP framed per RFC 4571 on TCP: several packets in one segment give
    # one row with every occurrence.
    ports = _rfc4571_ports(gt)
    if ports:
        taddr = ["ip.src", "ipv6.src", "tcp.srcport", "ip.dst", "ipv6.dst", "tcp.dstport"]
        extra = [a for p in ports for a in ("-d", "tcp.port==%d,rtp" % p)] + gt.get("tshark_options", [])
        for r in ts.fields(cap, taddr + ["rtp.version", "rtp.marker", "rtp.ssrc", "rtp.p_type"],
                           "!icmp && tcp && rtp", extra=extra):
            for v, m, ssrc, pt in zip(*(c.split(",") for c in r[6:10])):
                if v == "2" and not (m in ("1", "True") and 64 <= int(pt) <= 95):
                    seen[(direction(r), "0x%08x" % int(ssrc, 16), int(pt))] += 1
    # RTP inside TURN ChannelData (RFC 8656 §12.4; over TCP framed per
    # §12.5): Wireshark's STUN dissector on the TURN port leaves each
    # payload in data.data (several per TCP segment are possible).
    for transport in ("udp", "tcp"):
        ports = _turn_ports(gt, transport)
        if not ports:
            continue
        taddr = ["ip.src", "ipv6.src", transport + ".srcport",
                 "ip.dst", "ipv6.dst", transport + ".dstport"]
        extra = da + [a for p in ports for a in ("-d", "%s.port==%d,stun" % (transport, p))]
        extra += gt.get("tshark_options", [])   # e.g. out-of-order TCP reassembly

        rows = ts.fields(cap, taddr + ["data.data"],
                         "!icmp && %s && stun && data.data" % transport, extra=extra)
        for r in rows:
            for blob in r[6].split(","):
                got = _rtp_in_channeldata(blob)
                if got:
                    seen[(direction(r), "0x%08x" % got[0], got[1])] += 1
    expected = collections.Counter()
    for call in gt["calls"]:
        for st in call["streams"]:
            expected[(st["flow"], st["ssrc"], st["pt"])] += st["packets"]
    # A stream may change PT (e.g. telephone-event packets of an audio SSRC
    # are counted in the audio stream); compare per (flow, ssrc) totals and
    # require each listed PT to occur.
    by_ssrc_seen = collections.Counter()
    pts_seen = collections.defaultdict(set)
    for (flow, ssrc, pt), n in seen.items():
        by_ssrc_seen[(flow, ssrc)] += n
        pts_seen[(flow, ssrc)].add(pt)
    by_ssrc_exp = collections.Counter()
    for (flow, ssrc, pt), n in expected.items():
        by_ssrc_exp[(flow, ssrc)] += n
        if pt not in pts_seen.get((flow, ssrc), set()):
            bad.append("stream %s %s: payload type %d never seen" % (flow, ssrc, pt))
    for key in sorted(set(by_ssrc_seen) | set(by_ssrc_exp)):
        if by_ssrc_seen[key] != by_ssrc_exp[key]:
            bad.append("stream %s %s: %d RTP packets in capture, ground truth says %d"
                       % (key[0], key[1], by_ssrc_seen[key], by_ssrc_exp[key]))
    # Unencrypted RFC 4733 events: the digits Wireshark decodes (SDP known).
    for call in gt["calls"]:
        encrypted = {(st["ssrc"], st["pt"]) for st in call["streams"] if st["encrypted"]}
        for ev in call.get("events", []):
            if (ev["ssrc"], ev["pt"]) in encrypted:
                continue  # SRTP: the digits are not on the wire in the clear
            rows = ts.fields(cap, ["rtp.timestamp", "rtpevent.event_id"],
                             "!icmp && rtpevent && rtp.ssrc == %s" % ev["ssrc"], extra=da)
            digits, last_ts = "", None
            for ts_, eid in rows:
                if ts_ != last_ts:
                    digits += "0123456789*#ABCD"[int(eid)] if int(eid) < 16 else "?"
                    last_ts = ts_
            if digits != ev["digits"]:
                bad.append("events of %s: capture has %r, ground truth says %r"
                           % (ev["ssrc"], digits, ev["digits"]))
    bad += verify_keys(gt, ts)
    return bad


def _datagrams(ts, cap):
    rows = ts.fields(cap, ["frame.number", "ip.src", "ipv6.src", "udp.srcport", "ip.dst", "ipv6.dst",
                           "udp.dstport", "udp.payload"], "udp && !icmp")
    out = []
    for r in rows:
        if r[7]:
            out.append((int(r[0]), "%s:%s" % (r[1] or r[2], r[3]), "%s:%s" % (r[4] or r[5], r[6]),
                        bytes.fromhex(r[7].replace(":", ""))))
    return out


def _keylog_key(k, keylog_path):
    """Re-derive a dtls-keylog entry's key||salt from the key log file."""
    d = k["dtls"]
    keylog = srtp_check.read_keylog(keylog_path)
    secret = keylog.get((d["keylog_label"], d["client_random"]))
    if secret is None:
        return None
    klen, slen = srtp_check.SUITES[k["suite"]][:2]
    hname = "sha384" if int(d["cipher_suite"], 16) in (0x1302, 0xc02c, 0xc030) else "sha256"
    n = 2 * (klen + slen)
    if d["version"] == "1.3":
        mat = srtp_check.exporter_dtls13(secret, n, hname)
    else:
        mat = srtp_check.exporter_dtls12(secret, bytes.fromhex(d["client_random"]),
                                         bytes.fromhex(d["server_random"]), n, hname)
    cks, sks = srtp_check.dtls_srtp_keys(mat, k["suite"])
    return cks if d["role"] == "client" else sks


def verify_keys(gt, ts):
    """Keyed captures (GROUND-TRUTH.md, "Keys"): every recorded key
    authenticates and decrypts all SRTP/SRTCP of its direction, with the
    recorded counts; encrypted RFC 4733 events decrypt to the recorded
    digits; a dtls-keylog key is what the committed key log yields."""
    bad = []
    keyed = [(call, k) for call in gt["calls"] for k in call.get("keys", [])]
    if not keyed:
        return bad
    dgrams = _datagrams(ts, gt["capture"])
    for call, k in keyed:
        w = "%s key %s" % (call["id"], k.get("flow"))
        if k.get("source") not in ("sdes", "dtls-keylog", "table") or k.get("suite") not in srtp_check.SUITES:
            bad.append("%s: source %r suite %r" % (w, k.get("source"), k.get("suite")))
            continue
        key = base64.b64decode(k["key_salt_b64"])
        if k["source"] == "dtls-keylog":
            path = os.path.join(wstest.CAPTURES, k["keylog"])
            if not os.path.exists(path):
                bad.append("%s: key log %s missing" % (w, k["keylog"]))
                continue
            if _keylog_key(k, path) != key:
                bad.append("%s: the key log %s does not yield key_salt_b64" % (w, k["keylog"]))
        streams = {}
        for st in call["streams"]:
            if st["flow"] == k["flow"]:
                streams[st["ssrc"]] = streams.get(st["ssrc"], 0) + st["packets"]
        events = {e["ssrc"]: e["digits"] for e in call.get("events", []) if e["ssrc"] in streams}
        ctx = srtp_check.Context(k["suite"], key)
        r = srtp_check.check_direction(dgrams, *k["flow"].split(" -> "), ctx, call["event_pts"])
        if k["rtcp_flow"] is None:       # no RTCP sent (GROUND-TRUTH.md, "Keys")
            rc = {"srtcp_ok": 0, "srtcp_failed": 0, "rtcp_plain": 0}
        else:
            rc = r if k["rtcp_flow"] == k["flow"] else srtp_check.check_direction(
                dgrams, *k["rtcp_flow"].split(" -> "), ctx, call["event_pts"])
        got = (r["srtp_ok"], sum(r["srtp_failed"].values()), rc["srtcp_ok"], rc["srtcp_failed"],
               rc["rtcp_plain"], {s: d for s, d in r["digits"].items() if s in events})
        want = (streams, 0, k["srtcp_packets"], 0, k["rtcp_plain_packets"], events)
        if sorted(k["ssrcs"]) != sorted(streams) or got != want:
            bad.append("%s: decrypted (srtp ok, srtp failed, srtcp ok, srtcp failed, plain rtcp, digits) "
                       "%s, ground truth %s, ssrcs %s" % (w, got, want, k["ssrcs"]))
    return bad


def main(argv):
    import json
    status = 0
    for path in argv[1:]:
        with open(path) as f:
            gt = json.load(f)
        problems = verify(gt)
        for p in problems:
            print("%s: %s" % (os.path.basename(path), p))
        print("%s: %s" % (os.path.basename(path), "OK" if not problems else
                          "%d problem(s)" % len(problems)))
        status |= bool(problems)
    return status


if __name__ == "__main__":
    sys.exit(main(sys.argv))
