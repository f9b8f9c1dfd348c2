#!/usr/bin/env python3
"""measure.py PLUGIN.so [NAME ...] > before.json: the plugin's results on the public
captures against their ground truth (NAME.json beside this script).

For every capture, in four configurations (one pass / -2, full capture / a copy
cut with `editcap -s 300`), tshark runs with the given plugin (through $WT,
default "wt -P PLUGIN.so", which runs tshark as an unprivileged user with only
that plugin added) and the script compares:
  * RTP streams (-q -z rtp,streams) with the truth's streams: found (same SSRC,
    source and destination), packets found, false streams (listed but not in the
    truth; calls[].rtp_not_media are neither);
  * truth RTP packets whose frame is not dissected as RTP/SRTP (left as data, STUN,
    DTLS, ...), from -T fields -e frame.protocols;
  * sessions (-q -z webrtc,summary,json): how many, and per truth call the
    sessions holding its flows (found / split over several / merged with another
    call) and the verdict of the session holding most of its flows.
The truth's own counts come from verify.py (plain tshark, no plugin).
"""
import collections
import ipaddress
import json
import os
import re
import shlex
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
import verify as V  # noqa: E402

STREAM_RE = re.compile(r"\s*[\d.]+\s+[\d.]+\s+(\S+)\s+(\d+)\s+(\S+)\s+(\d+)\s+(0x[0-9A-Fa-f]+)\s+(.*?)\s+(\d+)\s+(-?\d+) \(")


def run(wt, args):
    p = subprocess.run(wt + args, capture_output=True, text=True, errors="replace", timeout=900)
    return p.stdout


def plugin_streams(wt, cap, two):
    out = run(wt, ["-n", "-r", cap] + (["-2"] if two else []) + ["-q", "-z", "rtp,streams"])
    res = collections.Counter()
    for line in out.splitlines():
        m = STREAM_RE.match(line)
        if m:
            src = V.endpoint(m.group(1), m.group(2))
            dst = V.endpoint(m.group(3), m.group(4))
            res[(src, dst, "0x%08x" % int(m.group(5), 16))] += int(m.group(7))
    return res


def canon(ep):
    """The plugin writes IPv6 uncompressed ("2001:4860:4864:6:0:0:0:81"); compare canonically."""
    ip, port = V.split_ep(ep)
    return V.endpoint(ipaddress.ip_address(ip).compressed, port)


def plugin_sessions(wt, cap, two):
    out = run(wt, ["-n", "-r", cap] + (["-2"] if two else []) + ["-q", "-z", "webrtc,summary,json"])
    try:
        d = json.loads(out[out.index("{"):])
    except ValueError:
        return None
    res = []
    for s in d.get("sessions", []):
        flows = {V.flow_key(f["transport"], canon(f["local"]), canon(f["remote"])) for f in s["flows"]}
        res.append({"id": s["id"], "verdict": s["verdict"], "flows": flows,
                    "streams": len(s.get("streams", []))})
    return res


def plugin_protocols(wt, cap, two):
    out = run(wt, ["-n", "-r", cap] + (["-2"] if two else []) + ["-T", "fields", "-e", "frame.number", "-e", "frame.protocols"])
    res = {}
    for line in out.splitlines():
        x = line.split("\t")
        if len(x) == 2 and x[0].isdigit():
            res[int(x[0])] = x[1]
    return res


def truth_frames(cap, truth):
    """{(src, dst, ssrc): [frames]} of the truth's streams, counted as verify.py does."""
    rp = V.rtp_packets(cap, V.media_ports(truth), truth.get("verify_args", []))
    carried = {st.get("carried") for c in truth.get("calls", []) for st in c.get("streams", [])}
    rh = V.rtp_packets_heur(cap) if carried & {"turn", "turn-tcp", "tcp"} else {}
    if "tcp-rfc4571" in carried:
        rh.update(V.rtp_packets_rfc4571(cap))
    res = {}
    for c in truth.get("calls", []):
        for st in c.get("streams", []):
            src, dst = st["flow"].split(" -> ")
            key = (src, dst, st["ssrc"])
            got = (rh if st.get("carried") else rp).get(key)
            res[key] = got["frames"] if got else []
    return res


def measure(wt, name, cap, truth, tframes, two, cut):
    st = plugin_streams(wt, cap, two)
    want = {}
    for c in truth.get("calls", []):
        for s in c.get("streams", []):
            src, dst = s["flow"].split(" -> ")
            k = (src, dst, s["ssrc"])
            if k in want:   # one entry per payload type (the project's own truths)
                want[k] = dict(want[k], packets=want[k]["packets"] + s["packets"])
            else:
                want[k] = s
    ignore = {(x["flow"].split(" -> ")[0], x["flow"].split(" -> ")[1], x["ssrc"])
              for c in truth.get("calls", []) for x in c.get("rtp_not_media", [])}
    found = [k for k in want if k in st]
    # a stream carried inside TURN may be listed by its SSRC on another 5-tuple (the relay leg)
    by_ssrc = collections.Counter(k[2] for k in st)
    for k, s in want.items():
        if k not in st and s.get("carried") and by_ssrc[k[2]]:
            found.append(k)
    want_pk = sum(s["packets"] for s in want.values())
    got_pk = sum(min(st.get(k, 0), want[k]["packets"]) for k in found if k in st)
    false = sorted("%s %s -> %s (%d)" % (k[2], k[0], k[1], n) for k, n in st.items()
                   if k not in want and k not in ignore and not any(k[2] == w[2] and want[w].get("carried") for w in want))
    short = sorted("%s %s -> %s %d/%d" % (k[2], k[0], k[1], st.get(k, 0), want[k]["packets"])
                   for k in want if k in st and st[k] < want[k]["packets"])
    r = {"truth_streams": len(want), "found_streams": len(set(found)), "truth_packets": want_pk,
         "found_packets": got_pk, "false_streams": len(false), "false_stream_list": false[:20],
         "short_streams": short[:40]}
    if not cut:
        protos = plugin_protocols(wt, cap, two)
        miss = []
        for k, frames in tframes.items():
            for fn in frames:
                p = protos.get(fn, "")
                if ":rtp" not in p and ":srtp" not in p:
                    miss.append(fn)
        r["truth_rtp_frames_not_rtp"] = len(miss)
        r["not_rtp_examples"] = sorted(miss)[:10]
        last = collections.Counter(protos.get(fn, "?").split(":")[-1] for fn in miss)
        r["not_rtp_as"] = dict(last.most_common(5))
    ss = plugin_sessions(wt, cap, two)
    if ss is None:
        r["sessions"] = None
        return r
    r["sessions"] = len(ss)
    calls = []
    owner = collections.defaultdict(set)
    for c in truth.get("calls", []):
        cf = {V.flow_key(f["transport"], canon(f["a"]), canon(f["b"])) for f in c["flows"] if f["role"] not in ("signaling",)}
        hit = [(len(cf & s["flows"]), s) for s in ss if cf & s["flows"]]
        hit.sort(key=lambda x: (-x[1]["streams"], -x[0]))   # the session with the call's streams first
        for _, s in hit:
            owner[s["id"]].add(c["id"])
        calls.append({"id": c["id"], "visible": c.get("media_protocol") != "proprietary",
                      "truth_verdict": c["verdict"], "sessions": [s["id"] for _, s in hit],
                      "verdict": hit[0][1]["verdict"] if hit else None})
    for c in calls:
        c["merged_with"] = sorted({o for sid in c["sessions"] for o in owner[sid]} - {c["id"]})
    r["calls"] = calls
    r["extra_sessions"] = sum(1 for s in ss if s["id"] not in owner)
    return r


def main():
    so = sys.argv[1]
    wt = shlex.split(os.environ.get("WT", "wt -P %s" % so))
    names = sys.argv[2:] or V.truth_names()
    names = [n[:-5] if n.endswith(".json") else n for n in names]
    tmp = tempfile.mkdtemp()
    os.chmod(tmp, 0o755)
    # TRUTH_DIR: another folder of ground truths with their captures beside
    # them (test-captures/ for the project's own); SNAPLENS: the cuts.
    truth_dir = os.environ.get("TRUTH_DIR", HERE)
    snaplens = [int(x) for x in os.environ.get("SNAPLENS", "300").split(",") if x]
    configs = [("1p", 0, False), ("2p", 0, True)] + [
        ("cut%d-%s" % (n, "2p" if two else "1p"), n, two) for n in snaplens for two in (False, True)]
    out = {"plugin": so, "configs": [c[0] for c in configs], "captures": {}}
    for name in names:
        with open(os.path.join(truth_dir, name + ".json")) as f:
            truth = json.load(f)
        cap = os.path.join(truth_dir, truth["capture"]) if truth_dir != HERE else \
            V.find_capture(name, truth)
        if not cap or not os.path.exists(cap):
            sys.stderr.write("skip %s: capture missing\n" % name)
            continue
        cuts = {0: cap}
        for n in snaplens:
            cuts[n] = os.path.join(tmp, "cut%d-%s" % (n, os.path.basename(truth["capture"])))
            subprocess.run(["editcap", "-s", str(n), cap, cuts[n]], check=True, capture_output=True)
            os.chmod(cuts[n], 0o644)
        # (frames by plain tshark's decoding: the public truths' verify_args;
        # not for another folder's truths)
        tframes = truth_frames(cap, truth) if truth_dir == HERE else {}
        res = {}
        for cfg, n, two in configs:
            res[cfg] = measure(wt, name, cuts[n], truth, tframes, two, n != 0)
        out["captures"][name] = {"truth_calls": len(truth.get("calls", [])),
                                 "truth_visible_calls": sum(1 for c in truth.get("calls", []) if c.get("media_protocol") != "proprietary"),
                                 "results": res}
        sys.stderr.write("%s done\n" % name)
    json.dump(out, sys.stdout, indent=1, sort_keys=True)
    sys.stdout.write("\n")


if __name__ == "__main__":
    main()
