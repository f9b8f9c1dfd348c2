#!/usr/bin/python3
"""Build and verify the ground truth of aiortc-datachannel.pcapng.

    build_truth.py CAPTURE OFFER.json ANSWER.json OUT.json RECORD_DIR

OFFER.json / ANSWER.json are what aio_dc.py recorded per peer: SDPs, the
nominated ICE pair, the DTLS role, and every data-channel message it sent
and received (label, protocol, stream id). The truth's `data_channels`
comes from those logs (what one side sent the other must have received);
the capture is checked with plain tshark (no plugin): one UDP 5-tuple, the
nominated pair, carrying only STUN and DTLS 1.2; Binding requests with
ICE attributes; the DTLS application-data records (content type 23) by
Wireshark's own dissector. Any disagreement is fatal and nothing is written.
RECORD_DIR gets the SDPs and the peers' message logs of the run.
"""
import collections
import json
import os
import shutil
import subprocess
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "lib"))
import gen_info  # noqa: E402
sys.path.insert(0, HERE)
import aio_dc  # noqa: E402  (what the peers were told to send)

CAPTURE, OFFER, ANSWER, OUT, RECORD = sys.argv[1:6]
NAME = "aiortc-datachannel"
errors = []


def fail(msg):
    errors.append(msg)
    print("VERIFY FAIL: " + msg, file=sys.stderr)


def tshark(*args):
    r = subprocess.run(["tshark", "-r", CAPTURE, *args], capture_output=True, text=True, check=True)
    return [ln for ln in r.stdout.splitlines() if ln.strip()]


peers = {"offer": json.load(open(OFFER)), "answer": json.load(open(ANSWER))}
o, a = peers["offer"], peers["answer"]
if o["local_sdp"] != a["remote_sdp"] or a["local_sdp"] != o["remote_sdp"]:
    fail("the SDPs applied by the two peers differ")
for r, p in peers.items():
    media = [ln.split()[0][2:] for ln in p["local_sdp"].splitlines() if ln.startswith("m=")]
    if media != ["application"]:
        fail("%s: m-lines %s, wanted one m=application" % (r, media))
po, pa = o["transport"]["nominated"].get("1"), a["transport"]["nominated"].get("1")
if not po or not pa or po["local"] != pa["remote"] or po["remote"] != pa["local"]:
    fail("nominated pairs %s / %s" % (po, pa))
OFF, ANS = po["local"], pa["local"]
A, B = sorted([OFF, ANS])

# ---- every frame
times = tshark("-T", "fields", "-e", "frame.time_relative")
rows = tshark("-Y", "udp && !icmp", "-T", "fields", "-E", "separator=|", "-E", "occurrence=a",
              "-E", "aggregator=,", "-e", "frame.number", "-e", "ip.src", "-e", "udp.srcport",
              "-e", "ip.dst", "-e", "udp.dstport", "-e", "frame.protocols", "-e", "stun.type",
              "-e", "stun.att.type", "-e", "dtls.record.content_type", "-e", "dtls.record.version")
flows = collections.Counter()
kinds = collections.Counter()
ct = collections.defaultdict(collections.Counter)
first = {}
checks = 0
for row in rows:
    fr, s, sp, d, dp, protos, stype, atts, cts, vers = row.split("|")
    src, dst = "%s:%s" % (s, sp), "%s:%s" % (d, dp)
    flows[tuple(sorted((src, dst)))] += 1
    plist = protos.split(":")
    if "stun" in plist:
        kinds["stun"] += 1
        first.setdefault("stun", int(fr))
        # Binding request with PRIORITY (0x0024): an ICE connectivity check
        if stype == "0x0001" and "0x0024" in atts.split(","):
            checks += 1
            first.setdefault("ice_check", int(fr))
    elif "dtls" in plist:
        kinds["dtls"] += 1
        first.setdefault("dtls", int(fr))
        for t in cts.split(","):
            ct["%s -> %s" % (src, dst)][int(t)] += 1
            if int(t) == 23:
                first.setdefault("app", int(fr))
        if "0xfefd" not in vers.split(",") and "0xfeff" not in vers.split(","):
            fail("frame %s: DTLS record versions %s" % (fr, vers))
    else:
        fail("frame %s: neither STUN nor DTLS (%s)" % (fr, protos))
if list(flows) != [(A, B)]:
    fail("UDP 5-tuples %s, wanted only the nominated pair %s <-> %s" % (dict(flows), A, B))
if not checks:
    fail("no ICE connectivity checks")
hello = tshark("-Y", "dtls.handshake.type == 2", "-T", "fields", "-e", "dtls.handshake.version",
               "-e", "dtls.handshake.ciphersuite")
if len(hello) != 1 or not hello[0].startswith("0xfefd"):
    fail("DTLS ServerHello: %s, wanted one DTLS 1.2" % hello)

# ---- data channels, from the peers' own logs
channels = []
for r, other in (("offer", "answer"), ("answer", "offer")):
    theirs = {c["label"]: c for c in peers[other]["channels"]}
    for c in peers[r]["channels"]:
        t = theirs.get(c["label"])
        if not t or t["protocol"] != c["protocol"] or t["id"] != c["id"]:
            fail("%s channel %s: the other side has %s" % (r, c["label"], t))
            continue
        if [(m["type"], m["size"]) for m in c["sent"]] != [(m["type"], m["size"]) for m in t["received"]]:
            fail("%s channel %s: sent != received by the other side" % (r, c["label"]))
        channels.append({
            "peer": r, "label": c["label"], "id": c["id"], "protocol": c["protocol"],
            "ordered": c["ordered"], "reliability": "reliable",
            "messagesSent": c["messages_sent"], "bytesSent": c["bytes_sent"],
            "messagesReceived": c["messages_received"], "bytesReceived": c["bytes_received"],
            "page_sent": [[m["type"], m["size"]] for m in c["sent"]],
            "page_received": len(c["received"]),
        })
# what aio_dc.py was told to send, per channel and peer
EXPECTED = {
    "chat": {"protocol": "chat-v1", "offer": {"messages": aio_dc.CHAT},
             "answer": {"messages": aio_dc.CHAT}},
    "file": {"protocol": "file-transfer",
             "offer": {"messages": -(-aio_dc.FILE_BYTES // aio_dc.CHUNK) + 1},
             "answer": {"messages": 1}},
}
for c in channels:
    if c["messagesSent"] != EXPECTED[c["label"]][c["peer"]]["messages"]:
        fail("%s %s: sent %d messages, told %s" % (c["peer"], c["label"], c["messagesSent"],
                                                 EXPECTED[c["label"]][c["peer"]]))
stats_dc = [s for p in peers.values() for s in p["stats_before_close"].values()
            if s.get("type") == "data-channel"]
if stats_dc:
    fail("aiortc reported data-channel stats; record them")
app = {k: v[23] for k, v in ct.items()}
if not all(app.get(k) for k in ("%s -> %s" % (OFF, ANS), "%s -> %s" % (ANS, OFF))):
    fail("application data not both ways: %s" % app)

if errors:
    print("%d verification error(s); ground truth NOT written" % len(errors), file=sys.stderr)
    sys.exit(1)

def pair(p):
    """The nominated pair in the form chr2/truth2.py writes getStats'."""
    def ep(x, typ="host"):
        h, port = x.rsplit(":", 1)
        return {"candidateType": typ, "address": h, "port": int(port)}
    return {"local": ep(p["local"]), "remote": ep(p["remote"])}


cand = lambda p: [" ".join(c.split()[4:6]).replace(" ", ":") for c in p["transport"]["local_candidates"]]  # noqa: E731
sw = gen_info.software([("debian-python3-aiortc", "python3-aiortc"), ("openssl", "libssl3")],
                       aiortc=o["versions"]["aiortc"], aioice=o["versions"].get("aioice"),
                       python=o["versions"]["python"])
truth = gen_info.truth_head(NAME + ".pcapng", "gen/%s/generate.sh" % NAME, sw, len(times),
                            max(float(t) for t in times))
desc = ("two aiortc RTCPeerConnections in two network namespaces joined by a veth pair, data "
        "channels only (no audio/video): 'chat' (protocol chat-v1) 20 text messages from the "
        "offerer each acked by the answerer, 'file' (protocol file-transfer) 102400 bytes in "
        "8192-byte binary messages and a text trailer, answered by one text; ICE host "
        "candidates, DTLS 1.2 (content type 23), SCTP; signaling over a Unix socket (not in the "
        "capture); capture on the offerer's interface")
truth["description"] = desc
names = {20: "change_cipher_spec", 21: "alert", 22: "handshake", 23: "application_data"}
truth["calls"] = [{
    "id": "call-1", "description": desc,
    "flows": [{"a": A, "b": B, "transport": "udp", "role": "p2p", "contents": ["stun", "dtls"],
               "packets": flows[(A, B)]}],
    "streams": [], "event_pts": [],
    "traits": {"ice": True, "turn": False, "srtp": False, "dtls_srtp": False, "sdes": False,
               "bundle": False, "rtcp_mux": False, "web_signaling": False, "datachannel": True},
    # no media; the signaling (a Unix socket) is not on the wire
    "traits_not_observable": ["bundle", "rtcp_mux", "srtp", "web_signaling"],
    "verdict": "webrtc",
    "key_frames": {"first_stun": first["stun"], "first_ice_check": first["ice_check"],
                   "first_ice_check_any": first["ice_check"], "first_dtls": first["dtls"],
                   "first_dtls_in_turn": False, "first_media": None, "first_media_in_turn": None,
                   "first_application_data": first["app"]},
    "ice": {
        "offer": {"candidates": {"host": cand(o)}, "selected_pair": pair(po),
                  "controlling": o["transport"]["ice_controlling"]},
        "answer": {"candidates": {"host": cand(a)}, "selected_pair": pair(pa),
                   "controlling": a["transport"]["ice_controlling"]},
        "captured_peer": "offer",
        "checks_per_flow": {"%s <-> %s" % (A, B): checks},
    },
    "dtls": {"version": "DTLS 1.2", "offer_role": o["transport"]["dtls_role"],
             "answer_role": a["transport"]["dtls_role"],
             "records": {k: {names[t]: n for t, n in sorted(v.items())} for k, v in sorted(ct.items())}},
    "data_channels": channels,
    "data_channels_expected": EXPECTED,
    "data_channels_getstats": "aiortc 1.4 getStats() has no data-channel entries; the counts are "
                              "the peers' own (aio_dc.py)",
}]
with open(OUT, "w") as f:
    json.dump(truth, f, indent=2)
    f.write("\n")
os.makedirs(RECORD, exist_ok=True)
for r, p in peers.items():
    with open(os.path.join(RECORD, r + ".sdp"), "w") as f:
        f.write(p["local_sdp"])
    with open(os.path.join(RECORD, r + "-channels.json"), "w") as f:
        json.dump(p["channels"], f, indent=1)
        f.write("\n")
print("verified: %d frames, flow %s <-> %s, %d checks; channels:" % (len(times), A, B, checks),
      file=sys.stderr)
for c in channels:
    print("  %-6s %-5s id %d %-14s sent %d msgs %d bytes, received %d msgs %d bytes" % (
        c["peer"], c["label"], c["id"], c["protocol"], c["messagesSent"], c["bytesSent"],
        c["messagesReceived"], c["bytesReceived"]), file=sys.stderr)
