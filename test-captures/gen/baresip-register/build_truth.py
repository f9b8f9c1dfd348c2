#!/usr/bin/python3
"""Ground truth of baresip-register (see README.md), stdlib only.

Sources, in order of authority:
  * alice's own SIP trace (baresip -s, WORKDIR/alice.log): every SIP message
    she sent or received with its 5-tuple; from it the dialogs (Call-ID,
    methods, CSeq) and the SDP offer (INVITE) and answer (200 OK): RTP
    addresses/ports, payload types, rtpmaps, a=ssrc;
  * baresip's end-of-call statistics (Transmit/Receive packets) of alice;
  * Kamailio's log (one line per request it routed);
  * the capture, read by the pcapng parser of ../chromium-p2p/groundtruth.py.
Checks: the capture's SIP frames are exactly alice's trace, in order; the
REGISTER and INVITE dialogs share one 5-tuple and have different Call-IDs;
RTP per SSRC on the SDP ports matches alice's statistics; RTCP is on port+1.
Then plain tshark: SIP frames/Call-IDs/methods, per-flow counts, RTP streams
(Wireshark follows the SDP itself, and Decode As on the SDP ports), RTCP.
"""
import argparse
import collections
import importlib.util
import json
import os
import re
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
sys.dont_write_bytecode = True
_spec = importlib.util.spec_from_file_location(
    "chromium_p2p_groundtruth", os.path.join(HERE, "..", "chromium-p2p", "groundtruth.py"))
g = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(g)
sys.path.insert(0, os.path.join(HERE, "..", "lib"))
import gen_info  # noqa: E402

fail, info, tshark, ep_key = g.fail, g.info, g.tshark, g.ep_key
ESC = re.compile(r"\x1b\[[0-9;]*m")


def sip_trace(log):
    """[(src, dst, first_line, headers{lower: value}, body)] from baresip -s."""
    lines = [ESC.sub("", x) for x in log.splitlines()]
    msgs = []
    i = 0
    while i < len(lines):
        m = re.fullmatch(r"UDP (\S+) -> (\S+)", lines[i].strip())
        if not m:
            i += 1
            continue
        src, dst = m.groups()
        i += 1
        first = lines[i].strip()
        i += 1
        hdr = {}
        while i < len(lines) and lines[i].strip():
            k, _, v = lines[i].partition(":")
            hdr[k.strip().lower()] = v.strip()
            i += 1
        i += 1
        n = int(hdr.get("content-length", "0"))
        body = []
        while n > 0 and i < len(lines):
            body.append(lines[i])
            n -= len(lines[i].encode()) + 2
            i += 1
        msgs.append((src, dst, first, hdr, "\r\n".join(body)))
    return msgs


def sdp_media(body):
    c = re.search(r"^c=IN IP4 (\S+)", body, re.M).group(1)
    m = re.search(r"^m=audio (\d+) (\S+) ([\d ]+)", body, re.M)
    rtpmap = {int(pt): enc for pt, enc in re.findall(r"^a=rtpmap:(\d+) (\S+)", body, re.M)}
    ssrcs = {int(x) for x in re.findall(r"^a=ssrc:(\d+)", body, re.M)}
    return {"addr": "%s:%s" % (c, m.group(1)), "rtcp": "%s:%d" % (c, int(m.group(1)) + 1), "proto": m.group(2),
            "pts": [int(x) for x in m.group(3).split()], "rtpmap": rtpmap, "ssrcs": ssrcs,
            "rtcp_mux": "a=rtcp-mux" in body}


def main():
    ap = argparse.ArgumentParser()
    for k in ("--work", "--pcap", "--alice", "--bob", "--registrar", "--capture-name", "--generator", "--out"):
        ap.add_argument(k, required=True)
    ap.add_argument("--record-dir")
    a = ap.parse_args()
    alice_log = open(os.path.join(a.work, "alice.log"), errors="replace").read()
    msgs = sip_trace(alice_log)
    if not msgs:
        raise SystemExit("no SIP trace in alice.log")
    sip_tuple = ep_key("%s:5060" % a.alice, a.registrar)
    dialogs = collections.OrderedDict()
    for src, dst, first, hdr, body in msgs:
        if ep_key(src, dst) != sip_tuple:
            fail("SIP message %r on %s -> %s, not the one SIP 5-tuple" % (first, src, dst))
        cid = hdr["call-id"]
        d = dialogs.setdefault(cid, {"call_id": cid, "messages": []})
        d["messages"].append(first.split()[0] if not first.startswith("SIP/2.0") else first.split()[1] + " " +
                             hdr["cseq"].split()[1])
    kinds = {}
    for cid, d in dialogs.items():
        methods = {x for x in d["messages"] if not x[0].isdigit()}
        d["kind"] = "registration" if methods == {"REGISTER"} else "invite" if "INVITE" in methods else "other"
        kinds.setdefault(d["kind"], []).append(cid)
    if len(kinds.get("registration", [])) != 1 or len(kinds.get("invite", [])) != 1 or "other" in kinds:
        fail("wanted one REGISTER dialog and one INVITE dialog, got %s" % kinds)
    reg = dialogs[kinds["registration"][0]]
    if reg["messages"].count("REGISTER") < 3:
        fail("wanted a REGISTER, a refresh during the call and the un-REGISTER: %s" % reg["messages"])
    invite = next(m for m in msgs if m[2].startswith("INVITE "))
    answer = next(m for m in msgs if m[2].startswith("SIP/2.0 200") and m[3]["cseq"].endswith("INVITE"))
    om, am = sdp_media(invite[4]), sdp_media(answer[4])
    if om["addr"].split(":")[0] != a.alice or am["addr"].split(":")[0] != a.bob:
        fail("SDP media addresses %s / %s" % (om["addr"], am["addr"]))
    if om["rtcp_mux"] or am["rtcp_mux"]:
        fail("rtcp-mux in the SDP")
    stats = re.search(r"audio\s+Transmit:\s+Receive:\s*\npackets:\s+(\d+)\s+(\d+)", ESC.sub("", alice_log))
    if not stats:
        fail("no end-of-call statistics in alice.log")
    tx, rxp = int(stats.group(1)), int(stats.group(2))

    # ---- the capture
    frames = g.parse_frames(a.pcap)
    tss = [f["ts"] for f in frames]
    duration = max(tss) - min(tss)
    conv = collections.OrderedDict()
    for f in frames:
        if f["proto"]:
            conv.setdefault((f["proto"],) + ep_key(f["src"], f["dst"]), []).append(f)
    rtp_tuple = ep_key(om["addr"], am["addr"])
    rtcp_tuple = ep_key(om["rtcp"], am["rtcp"])
    flows, streams = [], collections.Counter()
    sip_frames = []
    for (proto, fa, fb), frs in conv.items():
        if proto != "udp":
            fail("unexpected %s flow %s <-> %s" % (proto, fa, fb))
            continue
        if (fa, fb) == sip_tuple:
            role, contents = "sip", ["sip"]
            for f in frs:
                p = f["payload"]
                sip_frames.append((f["n"], f["src"], f["dst"], p.split(b"\r\n", 1)[0].decode(),
                                   re.search(rb"\r\nCall-ID: *([^\r]+)", p).group(1).decode()))
        elif (fa, fb) == rtp_tuple:
            role, contents = "media-rtp", ["rtp"]
            for f in frs:
                it = g.classify(f["payload"])[0]
                if it[0] != "rtp":
                    fail("frame %d on the RTP flow is %s" % (f["n"], it[0]))
                    continue
                streams[(it[1], it[2], f["src"], f["dst"])] += 1
        elif (fa, fb) == rtcp_tuple:
            role, contents = "media-rtcp", ["rtcp"]
            for f in frs:
                if g.classify(f["payload"])[0][0] != "rtcp":
                    fail("frame %d on the RTCP flow is not RTCP" % f["n"])
        else:
            fail("unexplained UDP flow %s <-> %s" % (fa, fb))
            continue
        flows.append({"a": fa, "b": fb, "transport": "udp", "role": role, "contents": contents, "packets": len(frs)})
    trace = [(s, d, first, hdr["call-id"]) for s, d, first, hdr, _b in msgs]
    if [x[1:] for x in sip_frames] != trace:
        fail("the capture's SIP frames differ from alice's trace:\n%s\n%s" % (sip_frames, trace))
    out_streams = []
    for (ssrc, pt, src, dst), n in sorted(streams.items(), key=lambda x: (x[0][2], x[0][0])):
        side = om if src == om["addr"] else am
        if ssrc not in side["ssrcs"]:
            fail("SSRC %#010x not in its SDP a=ssrc" % ssrc)
        enc = side["rtpmap"].get(pt) or {0: "PCMU/8000", 8: "PCMA/8000"}.get(pt)
        out_streams.append({"ssrc": "%#010x" % ssrc, "pt": pt, "media": "audio", "codec": enc,
                            "kind": g.codec_kind(enc), "encrypted": False, "flow": "%s -> %s" % (src, dst),
                            "packets": n})
    sent_a = sum(s["packets"] for s in out_streams if s["flow"].startswith(om["addr"] + " "))
    recv_a = sum(s["packets"] for s in out_streams if s["flow"].startswith(am["addr"] + " "))
    if (sent_a, recv_a) != (tx, rxp):
        fail("alice's statistics say %d sent / %d received, capture %d / %d" % (tx, rxp, sent_a, recv_a))
    info("capture: %d frames; SIP %d (dialogs %s); RTP %d/%d" % (len(frames), len(sip_frames),
                                                                  {k: len(v) for k, v in kinds.items()}, sent_a, recv_a))

    te = sorted(pt for pt, enc in am["rtpmap"].items() if enc.lower().startswith("telephone-event/"))
    call = {"id": "call-1",
            "description": "baresip alice calls baresip bob through Kamailio (registrar + record-routing proxy): "
                           "alice's REGISTER dialog (Call-ID %s: REGISTER, refresh during the call, un-REGISTER at "
                           "exit) and INVITE dialog (Call-ID %s) share the SIP 5-tuple %s <-> %s; PCMU in plain "
                           "RTP/AVP directly between alice and bob, RTCP on port+1"
                           % (reg["call_id"], kinds["invite"][0], sip_tuple[0], sip_tuple[1]),
            "flows": sorted(flows, key=lambda f: ["sip", "media-rtp", "media-rtcp"].index(f["role"])),
            "streams": out_streams, "event_pts": te,
            "traits": {t: False for t in ("ice", "turn", "srtp", "dtls_srtp", "sdes", "bundle", "rtcp_mux",
                                          "web_signaling", "datachannel")},
            "verdict": "not-webrtc",
            "legs": [{"flows": ["%s <-> %s" % sip_tuple], "verdict": "undetermined"},
                     {"flows": ["%s <-> %s" % rtp_tuple, "%s <-> %s" % rtcp_tuple], "verdict": "not-webrtc"}],
            "sip_dialogs": [{"call_id": d["call_id"], "kind": d["kind"], "messages": d["messages"],
                             "frames": [n for n, _s, _d, _f, c in sip_frames if c == d["call_id"]]}
                            for d in dialogs.values()],
            "key_frames": {"first_sip": sip_frames[0][0],
                           "first_invite": next(n for n, _s, _d, f, _c in sip_frames if f.startswith("INVITE")),
                           "first_media": min(f["n"] for f in conv[("udp",) + rtp_tuple])}}
    sw = gen_info.software([("baresip", "baresip-core"), ("libre", "libre1"), ("kamailio", "kamailio"),
                            ("sox", "sox")])
    gt = gen_info.truth_head(a.capture_name, a.generator, sw, len(frames), duration)
    gt["description"] = call["description"] + "; capture on alice's interface"
    gt["calls"] = [call]

    # ---- VERIFY with plain tshark
    n = len(tshark(["-r", a.pcap, "-T", "fields", "-e", "frame.number"]).split())
    if n != len(frames):
        fail("tshark %d frames, own %d" % (n, len(frames)))
    rows = [r.split("\t") for r in tshark(["-r", a.pcap, "-Y", "sip", "-T", "fields", "-e", "frame.number",
                                            "-e", "sip.Call-ID", "-e", "sip.Method", "-e", "sip.Status-Code"]).splitlines()]
    ws = [(int(r[0]), r[1]) for r in rows]
    if ws != [(x[0], x[4]) for x in sip_frames]:
        fail("tshark SIP frames/Call-IDs differ: %s" % ws)
    per = collections.Counter()
    for line in tshark(["-r", a.pcap, "-Y", "udp && !icmp", "-T", "fields", "-E", "separator=,", "-e", "ip.src",
                        "-e", "udp.srcport", "-e", "ip.dst", "-e", "udp.dstport"]).splitlines():
        s, sp, d, dp = line.split(",")
        per[ep_key("%s:%s" % (s, sp), "%s:%s" % (d, dp))] += 1
    for f in flows:
        if per[(f["a"], f["b"])] != f["packets"]:
            fail("flow %s <-> %s: tshark %d, own %d" % (f["a"], f["b"], per[(f["a"], f["b"])], f["packets"]))
    # Wireshark follows the SDP by itself (no Decode As needed)
    got = collections.Counter()
    for line in tshark(["-r", a.pcap, "-Y", "rtp && !icmp", "-T", "fields", "-E", "separator=,", "-e", "ip.src",
                        "-e", "udp.srcport", "-e", "ip.dst", "-e", "udp.dstport", "-e", "rtp.ssrc",
                        "-e", "rtp.p_type"]).splitlines():
        s, sp, d, dp, ssrc, pt = line.split(",")
        got[("%#010x" % int(ssrc, 16), int(pt), "%s:%s -> %s:%s" % (s, sp, d, dp))] += 1
    want = collections.Counter({(s["ssrc"], s["pt"], s["flow"]): s["packets"] for s in out_streams})
    if got != want:
        fail("tshark RTP (following the SDP) %s, own %s" % (dict(got), dict(want)))
    rtcp = len(tshark(["-r", a.pcap, "-Y", "rtcp && !icmp", "-T", "fields", "-e", "frame.number"]).split())
    rtcp_flow = next(f for f in flows if f["role"] == "media-rtcp")
    if rtcp != rtcp_flow["packets"]:
        fail("tshark RTCP frames %d, RTCP flow %d" % (rtcp, rtcp_flow["packets"]))
    info("verify: tshark agrees (SIP %d frames, RTP %s, RTCP %d)" % (len(ws), dict(got), rtcp))
    if g.ERRORS:
        print("\n%d check(s) failed; no ground truth written." % len(g.ERRORS), file=sys.stderr)
        sys.exit(1)
    with open(a.out, "w") as f:
        json.dump(gt, f, indent=2)
        f.write("\n")
    if a.record_dir:
        os.makedirs(a.record_dir, exist_ok=True)
        with open(os.path.join(a.record_dir, "offer.sdp"), "w") as f:
            f.write(invite[4] + "\n")
        with open(os.path.join(a.record_dir, "answer.sdp"), "w") as f:
            f.write(answer[4] + "\n")
        k = os.path.join(a.work, "kamailio.log")
        if os.path.exists(k):
            with open(os.path.join(a.record_dir, "kamailio-requests.txt"), "w") as f:
                f.writelines(line for line in open(k, errors="replace") if "request " in line)


if __name__ == "__main__":
    main()
