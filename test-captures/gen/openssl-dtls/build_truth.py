#!/usr/bin/python3
"""Ground truth for openssl-dtls.pcapng from what openssl logged and plain
tshark (no plugin).

Usage: build_truth.py WORK CAPTURE OUT.json

- lines: what each side's line generator sent (WORK/{client,server}-sent.txt)
  and what the other side's openssl printed as received
  (WORK/{server,client}-out.txt): they must agree;
- the DTLS flow: the one UDP 5-tuple, its packets, and its records by
  content type (Wireshark's `dtls.record.content_type`), the application
  data records (23) each way with their bytes on the wire (13-byte header
  + length), read independently from `udp.payload` by
  ../lib/dtls_app_records.py's records(); both readings must agree; the
  negotiated protocol and cipher from s_client's own session summary.
No ICE (no STUN at all): the ground truth has no call; the DTLS flow is an
outside_calls entry.
"""
import collections
import json
import os
import re
import subprocess
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "lib"))
import dtls_app_records  # noqa: E402
import gen_info  # noqa: E402


def tshark(cap, *args):
    return subprocess.run(["tshark", "-r", cap] + list(args), check=True,
                          capture_output=True, text=True).stdout


def main():
    work, cap, out = sys.argv[1:4]
    sent = {w: open(os.path.join(work, "%s-sent.txt" % w)).read().splitlines()
            for w in ("client", "server")}
    recv = {}
    for w, other in (("server", "client"), ("client", "server")):
        text = open(os.path.join(work, "%s-out.txt" % w)).read()
        recv[w] = [ln for ln in text.splitlines() if ln.startswith(other + " line ")]
    assert recv["server"] == sent["client"], (recv["server"], sent["client"])
    assert recv["client"] == sent["server"], (recv["client"], sent["server"])
    cout = open(os.path.join(work, "client-out.txt")).read()
    proto = re.search(r"Protocol\s*:\s*(\S+)", cout).group(1)
    cipher = re.search(r"Cipher is (\S+)", cout).group(1)
    assert proto == "DTLSv1.2", proto

    rows = [ln.split("\t") for ln in tshark(
        cap, "-T", "fields", "-E", "separator=\t", "-E", "occurrence=a", "-E", "aggregator=,",
        "-e", "frame.number", "-e", "ip.src", "-e", "udp.srcport", "-e", "ip.dst",
        "-e", "udp.dstport", "-e", "dtls.record.content_type", "-e", "udp.payload",
        "-e", "stun.type", "udp").splitlines()]
    assert not any(r[7] for r in rows), "STUN in a capture without ICE"
    flows = {tuple(sorted(("%s:%s" % (r[1], r[2]), "%s:%s" % (r[3], r[4])))) for r in rows}
    assert len(flows) == 1, flows
    (a, b), = flows
    # a: the client (198.51.100.2), b: the server
    if not a.startswith("198.51.100.2:"):
        a, b = b, a
    types = collections.Counter()
    app = collections.Counter()
    app_bytes = collections.Counter()
    first_app = None
    for fr, s, sp, d, dp, ct, pl, _ in rows:
        src = "%s:%s" % (s, sp)
        d_ = "a_to_b" if src == a else "b_to_a"
        cts = [int(x) for x in ct.split(",") if x]
        for t in cts:
            types[t] += 1
        n, nb = dtls_app_records.records(bytes.fromhex(pl.replace(":", "")))
        assert n == cts.count(23), (fr, n, cts)
        app[d_] += n
        app_bytes[d_] += nb
        if n and first_app is None:
            first_app = int(fr)
    assert app["a_to_b"] == len(sent["client"]) and app["b_to_a"] == len(sent["server"]), app
    names = {20: "change_cipher_spec", 21: "alert", 22: "handshake", 23: "application_data"}
    packets = len(tshark(cap, "-T", "fields", "-e", "frame.number").split())
    udp_packets = len(rows)
    first = float(tshark(cap, "-T", "fields", "-e", "frame.time_epoch", "-c", "1").strip())
    last = float(tshark(cap, "-T", "fields", "-e", "frame.time_epoch").split()[-1])
    sw = gen_info.software([("openssl", "openssl")])
    truth = gen_info.truth_head("openssl-dtls.pcapng", "gen/openssl-dtls/generate.sh", sw,
                                packets, last - first)
    truth["description"] = (
        "negative for data channels: Debian openssl s_client -dtls1_2 (198.51.100.2, captured) "
        "and s_server -dtls1_2 (198.51.100.1:4433) in two namespaces, no ICE/STUN: cookie "
        "exchange (HelloVerifyRequest), handshake, %d lines from the client and %d from the "
        "server as DTLS 1.2 application data (content type 23), close_notify both ways"
        % (len(sent["client"]), len(sent["server"])))
    reason = (
        "negative: DTLS 1.2 that is not WebRTC, openssl s_client/s_server (%s, %s): %d "
        "application-data records (content type 23, RFC 6347 4.1) each carrying one line of "
        "text, as a DTLS 1.2 data channel would have them, but no ICE on the 5-tuple (no "
        "STUN at all): no data channel, no session (RFC 8261 section 4 runs SCTP over DTLS "
        "over ICE; issue 15 'Negatives')" % (proto, cipher, app["a_to_b"] + app["b_to_a"]))
    truth["calls"] = []
    truth["outside_calls"] = [{
        "flow": "%s <-> %s" % (a, b), "transport": "udp", "packets": udp_packets,
        "contents": ["dtls"], "reason": reason,
        "dtls": {"client": a, "server": b, "protocol": proto, "cipher": cipher,
                 "records": {names[t]: n for t, n in sorted(types.items())},
                 "first_application_data_frame": first_app,
                 "application_data_records": {
                     "a_to_b": app["a_to_b"], "b_to_a": app["b_to_a"],
                     "bytes_a_to_b": app_bytes["a_to_b"], "bytes_b_to_a": app_bytes["b_to_a"]},
                 "lines_sent": {"client": len(sent["client"]), "server": len(sent["server"])},
                 "lines_received": {"client": len(recv["client"]), "server": len(recv["server"])}},
    }]
    truth["negatives"] = {
        "rtp_streams": 0,
        "notes": "DTLS 1.2 without ICE between openssl s_client and s_server; plain tshark "
                 "4.0 shows %d DTLS frames, %d of them application data; no STUN, no RTP, "
                 "no call, no data channel" % (udp_packets, sum(1 for r in rows if "23" in r[5].split(","))),
    }
    with open(out, "w") as fh:
        json.dump(truth, fh, indent=2)
        fh.write("\n")


if __name__ == "__main__":
    main()
