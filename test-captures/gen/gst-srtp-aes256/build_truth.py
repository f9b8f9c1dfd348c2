#!/usr/bin/python3
"""Build and verify the ground truth of the GStreamer SRTP capture.

    build_truth.py CAPTURE.pcapng KEYS.json SENDER.json RECEIVER.json OUT.json LASTRUN.txt

KEYS.json holds the master keys || salts generate.sh gave srtpenc/srtpdec;
SENDER.json / RECEIVER.json are what gst_srtp.py recorded (payloader caps and
statistics, rtpbin's per-source statistics, datagram counts from pad probes
on every udpsink/udpsrc, the SSRCs srtpdec asked keys for). The capture is
read with plain tshark (udp.payload) and every datagram is authenticated and
decrypted with ../lib/srtp_check.py (python3-cryptography, not libsrtp): every
SRTP/SRTCP packet of every direction must verify under its key, and every
count must agree with every report exactly; otherwise the script exits 1 and
writes nothing.
"""
import base64
import collections
import json
import os
import struct
import subprocess
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "lib"))
import gen_info  # noqa: E402
import srtp_check  # noqa: E402

CAPTURE, KEYS, SENDER, RECEIVER, OUT, LASTRUN = sys.argv[1:7]
CAPNAME = "gst-srtp-aes256.pcapng"
# One call per RTP session: the three sessions share one sender and one
# receiver, but what would join them (the RTCP SDES CNAME, RFC 3550 §6.5.1)
# is inside SRTCP and there is no signaling, so nothing in the clear does.
DESCRIPTION = ("RTP session %s of a GStreamer rtpbin pair with srtpenc/srtpdec (libsrtp2), "
               "%s %s PT %d, %s, no signaling (keys set by the generator); the sessions' common "
               "CNAME is only in the encrypted SRTCP")
errors = []


def check(cond, msg):
    if not cond:
        errors.append(msg)
        print("VERIFY FAIL: " + msg, file=sys.stderr)
    return cond


def tshark(*args):
    r = subprocess.run(["tshark", "-n", "-r", CAPTURE, *args], capture_output=True, text=True,
                       check=True, timeout=300)
    return [line for line in r.stdout.splitlines() if line.strip()]


keys, snd, rcv = (json.load(open(path)) for path in (KEYS, SENDER, RECEIVER))
SIP, RIP = snd["local"], snd["remote"]
for side, addrs in ((snd, (SIP, RIP)), (rcv, (RIP, SIP))):
    check(not side.get("errors") and (side["local"], side["remote"]) == addrs,
          "%s: errors %s, %s -> %s" % (side["role"], side.get("errors"), side["local"], side["remote"]))
check(snd.get("eos") is True and snd["suites"] == rcv["suites"],
      "sender EOS %s, suites %s / %s" % (snd.get("eos"), snd["suites"], rcv["suites"]))

frames = tshark("-T", "fields", "-e", "frame.number", "-e", "frame.protocols", "-e", "frame.time_epoch")
# frame.protocols: "eth:ethertype:ip:udp:data" or "eth:ethertype:arp"
protos = collections.Counter((f.split("\t")[1].split(":") + ["?"] * 3)[2] for f in frames)
check(set(protos) <= {"arp", "ip"}, "frames other than ARP/IP: %s" % dict(protos))
check(not tshark("-Y", "icmp"), "ICMP in the capture (a late packet to a closed port?)")
duration = float(frames[-1].split("\t")[2]) - float(frames[0].split("\t")[2])
dgrams = srtp_check.udp_datagrams(CAPTURE)
check(len(dgrams) + protos["arp"] == len(frames),
      "%d frames: %d UDP datagrams + %d ARP" % (len(frames), len(dgrams), protos["arp"]))
pair_frames = collections.Counter(tuple(sorted((s, d))) for _, s, d, _ in dgrams)

calls, summary = [], []
accounted = 0
for s in snd["sessions"]:
    i, port, suite = str(s["id"]), s["port"], s["suite"]
    pay = snd["payloader_stats"]["pay" + i]
    ssrc = pay["ssrc"]
    own = (snd.get("own_source_stats") or {}).get(i) or {}
    rsrc = (rcv.get("remote_source_stats") or {}).get(i) or {}
    r_ssrc = rcv["rtpbin_stats"][i]["internal-ssrc"]
    check(pay["pt"] == s["pt"], "session %s: payloader PT %s" % (i, pay["pt"]))
    check(own.get("ssrc") == ssrc and own.get("internal") is True, "session %s: sender source" % i)
    check(rsrc.get("ssrc") == ssrc and rsrc.get("received-bye") is True,
          "session %s: receiver's source for the sender %s" % (i, rsrc.get("ssrc")))
    check(rcv["key_requests"].get(i) == [ssrc],
          "session %s: receiver's srtpdec asked keys for %s" % (i, rcv["key_requests"].get(i)))
    check(snd["key_requests"].get(i) == [r_ssrc],
          "session %s: sender's srtpdec asked keys for %s, receiver SSRC %08x"
          % (i, snd["key_requests"].get(i), r_ssrc))
    recv_pad = [k for k in rcv["caps"] if k.startswith("recv_rtp_src_%s_%d_" % (i, ssrc))]
    check(len(recv_pad) == 1, "session %s: receiver decoded nothing from %08x" % (i, ssrc))

    S, R = "%s:%d" % (SIP, port), "%s:%d" % (RIP, port)
    SC, RC = "%s:%d" % (SIP, port + 1), "%s:%d" % (RIP, port + 1)
    tx = srtp_check.Context(suite, bytes.fromhex(keys[i]["send"]))
    rx = srtp_check.Context(suite, bytes.fromhex(keys[i]["recv"]))
    rtp = srtp_check.check_direction(dgrams, S, R, tx)
    s2r = srtp_check.check_direction(dgrams, SC, RC, tx)
    r2s = srtp_check.check_direction(dgrams, RC, SC, rx)
    back = srtp_check.check_direction(dgrams, R, S, rx)
    n = rtp["srtp_ok"].get("0x%08x" % ssrc, 0)
    check(rtp["srtp_ok"] == {"0x%08x" % ssrc: n} and n > 0 and not rtp["srtp_failed"]
          and not rtp["srtcp_ok"] and not rtp["srtcp_failed"],
          "session %s RTP: %s" % (i, {k: rtp[k] for k in ("srtp_ok", "srtp_failed", "srtcp_ok")}))
    check(not back["srtp_ok"] and not back["srtp_failed"] and not back["srtcp_ok"],
          "session %s: packets from the receiver's RTP port" % i)
    counts = {"payloader seqnums": (pay["seqnum"] - pay["seqnum-offset"]) % 65536 + 1,
              "sender rtpbin packets-sent": own.get("packets-sent"),
              "sender udpsink datagrams": snd["datagrams"]["rtpsink" + i],
              "receiver udpsrc datagrams": rcv["datagrams"]["rtpsrc" + i],
              "receiver rtpbin packets-received": rsrc.get("packets-received")}
    for what, v in counts.items():
        check(v == n, "session %s: capture %d SRTP, %s %s" % (i, n, what, v))
    for name, r, want in (("sender->receiver", s2r, [snd["datagrams"]["rtcpsink" + i],
                                                     rcv["datagrams"]["rtcpsrc" + i]]),
                          ("receiver->sender", r2s, [rcv["datagrams"]["rtcpsink" + i],
                                                     snd["datagrams"]["rtcpsrc" + i]])):
        check(not r["srtcp_failed"] and not r["rtcp_plain"] and not r["srtp_ok"]
              and not r["srtp_failed"] and r["srtcp_ok"] > 0 and r["srtcp_encrypted"] == r["srtcp_ok"]
              and want == [r["srtcp_ok"]] * 2,
              "session %s SRTCP %s: %s, reports %s" % (i, name, {k: r[k] for k in (
                  "srtcp_ok", "srtcp_failed", "srtcp_encrypted", "rtcp_plain")}, want))
    check(pair_frames[tuple(sorted((S, R)))] == n, "session %s: RTP flow has other frames" % i)
    check(pair_frames[tuple(sorted((SC, RC)))] == s2r["srtcp_ok"] + r2s["srtcp_ok"],
          "session %s: RTCP flow has other frames" % i)
    # The plaintext: SR from the sender's SSRC (last one with BYE), RR from
    # the receiver's, each first in its compound (RFC 3550 §6.1).
    types = {}
    for src, dst, ctx, first in ((SC, RC, srtp_check.Context(suite, bytes.fromhex(keys[i]["send"])), 200),
                                 (RC, SC, srtp_check.Context(suite, bytes.fromhex(keys[i]["recv"])), 201)):
        comps = []
        for _, a, b, p in dgrams:
            if (a, b) == (src, dst):
                plain = ctx.unprotect_rtcp(p)
                comps.append((srtp_check.rtcp_types(plain[0]), struct.unpack_from("!I", plain[0], 4)[0]))
        want_ssrc = ssrc if first == 200 else r_ssrc
        check(comps and all(t[0] == first and x == want_ssrc for t, x in comps),
              "session %s: RTCP %s -> %s is %s" % (i, src, dst, comps))
        types[first] = sorted({"+".join(map(str, t)) for t, _ in comps})
    check(types[200] and any(t.endswith("203") for t in types[200]), "session %s: no BYE" % i)
    accounted += n + s2r["srtcp_ok"] + r2s["srtcp_ok"]

    codec = "opus/48000/2" if s["enc"] == "OPUS" else "%s/%d" % (s["enc"], s["clock"])
    flows, key_entries = [], []
    flows += [{"a": S, "b": R, "transport": "udp", "role": "media-rtp", "contents": ["srtp"], "packets": n},
              {"a": SC, "b": RC, "transport": "udp", "role": "media-rtcp", "contents": ["srtcp"],
               "packets": s2r["srtcp_ok"] + r2s["srtcp_ok"]}]
    streams = [{"ssrc": "0x%08x" % ssrc, "pt": s["pt"], "media": s["media"], "codec": codec,
                    "kind": "media", "encrypted": True, "flow": "%s -> %s" % (S, R), "packets": n}]
    for who, flow, rflow, ssrcs, np, rc in (
            ("sender", "%s -> %s" % (S, R), "%s -> %s" % (SC, RC), ["0x%08x" % ssrc], n, s2r),
            ("receiver", "%s -> %s" % (R, S), "%s -> %s" % (RC, SC), [], 0, r2s)):
        key = keys[i]["send" if who == "sender" else "recv"]
        key_entries.append({
            "source": "table", "flow": flow, "rtcp_flow": rflow, "ssrcs": ssrcs, "suite": suite,
            "key_salt_b64": base64.b64encode(bytes.fromhex(key)).decode(),
            "provenance": "generate.sh gave the %s's srtpenc this master key || salt (%s), its peer's "
                          "srtpdec the same through request-key; not on the wire: an analyst types it "
                          "into the SRTP keys table" % (who, suite),
            "srtp_packets": np, "srtcp_packets": rc["srtcp_ok"], "srtcp_encrypted": rc["srtcp_encrypted"],
            "rtcp_plain_packets": 0, "rtcp_plain_types": []})
    calls.append({
        "id": "call-%d" % (int(i) + 1),
        "description": DESCRIPTION % (i, s["media"], s["enc"].capitalize() if s["enc"] == "OPUS"
                                      else s["enc"], s["pt"], suite),
        "flows": flows,
        "streams": streams,
        "event_pts": [],
        "traits": {"ice": False, "turn": False, "srtp": True, "dtls_srtp": False, "sdes": False,
                   "bundle": False, "rtcp_mux": False, "web_signaling": False, "datachannel": False},
        "verdict": "not-webrtc",
        "keys": key_entries,
    })
    summary.append("session %s %-23s %s SSRC 0x%08x pt %d: %d SRTP; SRTCP %d s->r (%s), %d r->s (RR, SSRC 0x%08x)"
                   % (i, suite, s["media"], ssrc, s["pt"], n, s2r["srtcp_ok"], ", ".join(types[200]),
                      r2s["srtcp_ok"], r_ssrc))
check(accounted == len(dgrams), "%d UDP datagrams, %d accounted for" % (len(dgrams), accounted))

if errors:
    print("%d verification error(s); ground truth NOT written" % len(errors), file=sys.stderr)
    sys.exit(1)


software = gen_info.software(
    [("gstreamer1.0-plugins-base", "gstreamer1.0-plugins-base"),
     ("gstreamer1.0-plugins-good", "gstreamer1.0-plugins-good"),
     ("gstreamer1.0-plugins-bad", "gstreamer1.0-plugins-bad"), ("libsrtp2", "libsrtp2-1"),
     ("libopus", "libopus0"), ("libvpx", "libvpx7"), ("python3-gi", "python3-gi"),
     ("python3-cryptography", "python3-cryptography")],
    gstreamer=snd["gstreamer"])
truth = gen_info.truth_head(CAPNAME, "gen/gst-srtp-aes256/generate.sh", software, len(frames), duration)
truth.update({
    "description": ("one GStreamer rtpbin sender and receiver (srtpenc/srtpdec, libsrtp2), three RTP "
                    "sessions on their own ports with their own keys: Opus AES_256_CM_HMAC_SHA1_80, "
                    "VP8 AES_256_CM_HMAC_SHA1_32, Opus AEAD_AES_256_GCM; SRTCP both ways"),
    "calls": calls,
})
with open(OUT, "w") as f:
    json.dump(truth, f, indent=2)
    f.write("\n")
with open(LASTRUN, "w") as f:
    f.write("frames %d (ARP %d), duration %.3f s, size %d bytes\n"
            % (len(frames), protos["arp"], duration, os.path.getsize(CAPTURE)))
    for line in summary:
        f.write(line + "\n")
print("verified: %d frames (%d ARP), %d calls" % (len(frames), protos["arp"], len(calls)), file=sys.stderr)
for line in summary:
    print("  " + line, file=sys.stderr)
