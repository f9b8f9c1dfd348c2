#!/usr/bin/python3
"""Ground truth for gst-srtp-wrap (see generate.sh and README.md).

What the generator chose (addresses, SSRCs, keys, sequence-number offset)
is checked against the capture as plain tshark reads it, and every SRTP
packet of both directions must authenticate under its key with the
rollover counter of RFC 3711 Appendix A (../lib/srtp_check.py): the
capture proves the keys and that each stream's sequence number wraps
(ROC 0 -> 1). The receiver's decoded output (srtpdec, libsrtp) must be
non-empty. Writes the ground truth JSON (GROUND-TRUTH.md, with "keys" and
the per-key "rollover" facts).
"""
import argparse
import base64
import datetime
import json
import os
import subprocess
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "lib"))
import srtp_check  # noqa: E402


def fail(msg):
    print("build_truth: " + msg, file=sys.stderr)
    sys.exit(1)


def version(pkg):
    r = subprocess.run(["dpkg-query", "-W", "-f=${Version}", pkg], capture_output=True, text=True)
    return r.stdout.strip() or None


def rtp_rows(pcap, port):
    out = subprocess.run(
        ["tshark", "-n", "-r", pcap, "-d", "udp.port==%d,rtp" % port, "-Y",
         "rtp && udp.port==%d" % port, "-T", "fields", "-e", "frame.number", "-e", "rtp.ssrc",
         "-e", "rtp.p_type", "-e", "rtp.seq"],
        capture_output=True, text=True, check=True, timeout=120).stdout
    rows = []
    for line in out.splitlines():
        f = line.split("\t")
        rows.append((int(f[0]), int(f[1], 16), int(f[2]), int(f[3])))
    return rows


def stream(pcap, datagrams, spec, media, pt, codec, suite, seq_offset):
    src, dst, ssrc, key_hex, decoded = spec.split(",")
    ssrc = int(ssrc)
    port = int(src.rsplit(":", 1)[1])
    rows = rtp_rows(pcap, port)
    if not rows or any(r[1] != ssrc or r[2] != pt for r in rows):
        fail("%s: expected only SSRC 0x%08x PT %d on port %d" % (media, ssrc, pt, port))
    if rows[0][3] != seq_offset:
        fail("%s: first sequence number %d, sent with offset %d" % (media, rows[0][3], seq_offset))
    wraps = [rows[i][0] for i in range(1, len(rows)) if rows[i][3] < rows[i - 1][3]]
    if len(wraps) != 1:
        fail("%s: %d sequence-number wraps, want 1" % (media, len(wraps)))
    key = bytes.fromhex(key_hex)
    ctx = srtp_check.Context(suite, key)
    res = srtp_check.check_direction(datagrams, src, dst, ctx)
    ok = res["srtp_ok"].get("0x%08x" % ssrc, 0)
    if ok != len(rows) or res["srtp_failed"] or res["srtcp_ok"] or res["srtcp_failed"]:
        fail("%s: %d of %d SRTP packets authenticate (%s)" % (media, ok, len(rows), res))
    if ctx.roc[ssrc][0] != 1:
        fail("%s: final ROC %s, want 1" % (media, ctx.roc[ssrc]))
    if int(decoded) <= 0:
        fail("%s: the libsrtp receiver decoded nothing" % media)
    after = sum(1 for r in rows if r[0] >= wraps[0])
    flow = "%s -> %s" % (src, dst)
    return ({"a": src, "b": dst, "transport": "udp", "role": "media-rtp", "contents": ["srtp"],
             "packets": len(rows)},
            {"ssrc": "0x%08x" % ssrc, "pt": pt, "media": media, "codec": codec, "kind": "media",
             "encrypted": True, "flow": flow, "packets": len(rows)},
            {"source": "table", "flow": flow, "rtcp_flow": None, "ssrcs": ["0x%08x" % ssrc],
             "suite": suite, "key_salt_b64": base64.b64encode(key).decode(), "mki": None,
             "lifetime": None,
             "provenance": "chosen by the generator (srtpenc key=..., %s); no key exchange on "
                           "the wire: give it to the plugin in the SRTP keys table" % suite,
             "srtp_packets": len(rows), "srtcp_packets": 0, "srtcp_encrypted": 0,
             "rtcp_plain_packets": 0, "rtcp_plain_types": [],
             "rollover": {"first_seq": rows[0][3], "first_frame": rows[0][0],
                          "wrap_frame": wraps[0], "packets_before_wrap": len(rows) - after,
                          "packets_after_wrap": after, "final_roc": 1},
             "receiver_decoded_bytes": int(decoded)})


def call(cid, what, flow, strm, key, seq_offset):
    """One stream = one call: SRTP without signaling; its keys were given out
    of band, and no SDP names the flow, so the `sdes` trait as docs/verdict.md
    defines it (SRTP on a flow with neither DTLS nor ZRTP that an SDP in the
    capture names) does not hold."""
    return {
        "id": cid,
        "description": "SRTP without signaling from GStreamer srtpenc (libsrtp), %s; the "
                       "sequence numbers start at %d and wrap (ROC 0 -> 1)" % (what, seq_offset),
        "flows": [flow],
        "streams": [strm],
        "event_pts": [],
        "traits": {"ice": False, "turn": False, "srtp": True, "dtls_srtp": False,
                   "sdes": False, "bundle": False, "rtcp_mux": False, "web_signaling": False,
                   "datachannel": False},
        "verdict": "not-webrtc",
        "keys": [key],
    }


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--pcap", required=True)
    ap.add_argument("--out", required=True)
    ap.add_argument("--audio", required=True)
    ap.add_argument("--video", required=True)
    ap.add_argument("--seq-offset", type=int, required=True)
    a = ap.parse_args()
    datagrams = srtp_check.udp_datagrams(a.pcap)
    fa, sa, ka = stream(a.pcap, datagrams, a.audio, "audio", 111, "opus/48000/2",
                        "AES_CM_128_HMAC_SHA1_80", a.seq_offset)
    fv, sv, kv = stream(a.pcap, datagrams, a.video, "video", 96, "VP8/90000",
                        "AES_CM_128_HMAC_SHA1_32", a.seq_offset)
    info = subprocess.run(["capinfos", "-M", "-c", "-u", "-m", a.pcap], capture_output=True,
                          text=True, check=True).stdout
    packets = int(info.split("Number of packets:")[1].split()[0])
    duration = float(info.split("Capture duration:")[1].split()[0])
    if packets != fa["packets"] + fv["packets"]:
        other = packets - fa["packets"] - fv["packets"]
        print("build_truth: %d frames besides the two SRTP flows" % other, file=sys.stderr)
    gst = subprocess.run(["gst-launch-1.0", "--version"], capture_output=True,
                         text=True).stdout.splitlines()[1]
    truth = {
        "schema_version": 1,
        "capture": "gst-srtp-wrap.pcapng",
        "generator": "gen/gst-srtp-wrap/generate.sh",
        "generated": datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ"),
        "software": {
            "gstreamer": gst,
            "gstreamer1.0-plugins-bad": version("gstreamer1.0-plugins-bad"),
            "libsrtp2-1": version("libsrtp2-1"),
            "libopus0": version("libopus0"),
            "libvpx7": version("libvpx7"),
            "dumpcap": version("wireshark-common"),
            "tshark": version("tshark"),
            "kernel": os.uname().release,
        },
        "packets": packets,
        "duration_s": round(duration, 2),
        "calls": [call("call-1", "audio: Opus PT 111, AES_CM_128_HMAC_SHA1_80", fa, sa, ka,
                       a.seq_offset),
                  call("call-2", "video: VP8 PT 96, AES_CM_128_HMAC_SHA1_32", fv, sv, kv,
                       a.seq_offset)],
        # One sender, two pipelines: nothing on the wire (no RTCP CNAME, no
        # signaling) joins the two flows.
        "related": [{"calls": ["call-1", "call-2"], "shares_host": fa["a"].rsplit(":", 1)[0],
                     "joined_on_wire": False}],
    }
    with open(a.out, "w") as f:
        json.dump(truth, f, indent=1)
        f.write("\n")
    for k in (ka, kv):
        print("build_truth: %s: %d SRTP packets authenticate, wrap at frame %d (%d before, %d "
              "after)" % (k["flow"], k["srtp_packets"], k["rollover"]["wrap_frame"],
                          k["rollover"]["packets_before_wrap"],
                          k["rollover"]["packets_after_wrap"]), file=sys.stderr)


if __name__ == "__main__":
    main()
