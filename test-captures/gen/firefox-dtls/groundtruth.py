#!/usr/bin/python3
"""Ground truth of a Firefox DTLS-SRTP capture, with its SRTP keys.

1. The flows, streams, events and traits are built and checked exactly as
   for Chromium by ../chromium-p2p/groundtruth.py (--mode p2p): the page and
   its results (SDPs + getStats) are the same.
2. The keys: the DTLS handshake is read with plain tshark (Decode As DTLS on
   the ICE ports: Wireshark 4.0's heuristic sees only the ClientHello of
   DTLS 1.3); the NSS key log (SSLKEYLOGFILE) must hold the secret of that
   ClientHello's random (EXPORTER_SECRET for DTLS 1.3, CLIENT_RANDOM for
   DTLS 1.2); ../lib/srtp_check.py derives the SRTP master keys (RFC 5764
   §4.2) and every SRTP/SRTCP packet of both directions must authenticate.
   The protection profile is the ServerHello's use_srtp in DTLS 1.2; in
   DTLS 1.3 it is encrypted, so each profile the ClientHello offers is tried
   and exactly one must verify; getStats' transport srtpCipher and
   tlsVersion must agree. For DTLS 1.2, tshark with the key log must also
   decrypt the handshake's Finished messages.
Any disagreement exits 1 and nothing is written.
"""
import argparse
import importlib.util
import json
import os
import shutil
import subprocess
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "lib"))
import srtp_check  # noqa: E402

_spec = importlib.util.spec_from_file_location(
    "chromium_groundtruth", os.path.join(HERE, "..", "chromium-p2p", "groundtruth.py"))
cg = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(cg)

# TLS 1.3 suites (RFC 8446 B.4) and the DTLS 1.2 suites Firefox offers, by PRF hash.
SHA384_SUITES = {0x1302, 0xc02c, 0xc030, 0xc024, 0xc028}


def die(msg):
    print("firefox groundtruth: FAIL: " + msg, file=sys.stderr)
    sys.exit(1)


def tshark(args):
    r = subprocess.run(["tshark", "-n"] + args, capture_output=True, text=True, timeout=300)
    if r.returncode != 0:
        die("tshark %s: %s" % (" ".join(args), r.stderr))
    return r.stdout


def handshake(pcap, ports):
    """ClientHello and ServerHello fields, as plain tshark decodes them."""
    da = [a for p in ports for a in ("-d", "udp.port==%d,dtls" % p)]
    rows = tshark(["-r", pcap] + da + [
        "-Y", "dtls.handshake.type == 1 || dtls.handshake.type == 2", "-T", "fields",
        "-E", "occurrence=a", "-E", "aggregator=,",
        "-e", "frame.number", "-e", "ip.src", "-e", "udp.srcport", "-e", "ip.dst", "-e", "udp.dstport",
        "-e", "dtls.handshake.type", "-e", "dtls.handshake.random", "-e", "dtls.handshake.version",
        "-e", "dtls.handshake.ciphersuite", "-e", "dtls.handshake.extensions.supported_version",
        "-e", "dtls.use_srtp.protection_profile"]).splitlines()
    ch, sh = {}, {}
    for line in rows:
        f = line.split("\t")
        if not f[6]:
            continue    # a fragment; the reassembled record has the fields
        rec = {"frame": int(f[0]), "src": "%s:%s" % (f[1], f[2]), "dst": "%s:%s" % (f[3], f[4]),
               "random": f[6], "version": f[7], "suites": [int(x, 16) for x in f[8].split(",") if x],
               "versions": [int(x, 16) for x in f[9].split(",") if x],
               "profiles": [int(x, 16) for x in f[10].split(",") if x]}
        types = f[5].split(",")
        (ch if "1" in types else sh).setdefault(rec["random"], rec)
    return ch, sh


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--results", required=True)
    ap.add_argument("--pcap", required=True)
    ap.add_argument("--keylog", required=True)
    ap.add_argument("--dtls", choices=["12", "13"], required=True)
    ap.add_argument("--capture-name", required=True)
    ap.add_argument("--keylog-name", required=True)
    ap.add_argument("--generator", required=True)
    ap.add_argument("--server", default="127.0.0.1:8443")
    ap.add_argument("--software", action="append", default=[])
    ap.add_argument("--out", required=True)
    ap.add_argument("--keys-out", required=True)
    ap.add_argument("--record-dir")
    args = ap.parse_args()

    if not os.path.exists(args.keylog) or os.path.getsize(args.keylog) == 0:
        die("Firefox wrote no key log at %s (SSLKEYLOGFILE)" % args.keylog)
    # ---- 1. flows, streams, events, traits: the Chromium builder
    version_txt = {"12": "DTLS 1.2 (media.peerconnection.dtls.version.max=771)", "13": "DTLS 1.3 (default)"}[args.dtls]
    desc = ("Firefox ESR headless, one page with two RTCPeerConnections (pc1 offers, pc2 answers), fake "
            "audio+video both ways, default BUNDLE, rtcp-mux, DTLS-SRTP %s, host candidates on 192.0.2.1 "
            "(a veth with a default route; the call runs over lo); offer/answer POSTed over HTTPS to the page's "
            "server on the same address; DTMF 123# from pc1; SSLKEYLOGFILE secrets in %s" % (version_txt, args.keylog_name))
    argv = ["groundtruth.py", "--mode", "p2p", "--results", args.results, "--pcap", args.pcap,
            "--capture-name", args.capture_name, "--generator", args.generator, "--server", args.server,
            "--description", desc, "--out", args.out]
    for s in args.software:
        argv += ["--software", s]
    if args.record_dir:
        argv += ["--record-dir", args.record_dir]
    saved, sys.argv = sys.argv, argv
    cg.main()
    sys.argv = saved
    with open(args.out) as f:
        gt = json.load(f)
    call = gt["calls"][0]
    with open(args.results) as f:
        res = json.load(f)

    # ---- 2. the DTLS handshake
    p2p = [fl for fl in call["flows"] if fl["role"] == "p2p" and "dtls" in fl["contents"]]
    if len(p2p) != 1:
        die("expected one p2p DTLS flow, got %s" % p2p)
    fl = p2p[0]
    ports = sorted({int(fl["a"].rsplit(":", 1)[1]), int(fl["b"].rsplit(":", 1)[1])})
    ch, sh = handshake(args.pcap, ports)
    if len(ch) != 1 or len(sh) != 1:
        die("expected one ClientHello and one ServerHello random, got %d / %d" % (len(ch), len(sh)))
    c, s = next(iter(ch.values())), next(iter(sh.values()))
    client, server = c["src"], c["dst"]
    version = "1.3" if 0xfefc in s["versions"] else ("1.2" if s["version"] == "0xfefd" else None)
    if version != {"12": "1.2", "13": "1.3"}[args.dtls]:
        die("ServerHello says DTLS %s (version %s, supported_versions %s), wanted %s"
            % (version, s["version"], s["versions"], args.dtls))
    suite = s["suites"][0]
    hname = "sha384" if suite in SHA384_SUITES else "sha256"
    keylog = srtp_check.read_keylog(args.keylog)
    label = "EXPORTER_SECRET" if version == "1.3" else "CLIENT_RANDOM"
    secret = keylog.get((label, c["random"]))
    if secret is None:
        die("the key log has no %s for the DTLS client random %s; labels present: %s"
            % (label, c["random"], sorted({k[0] for k in keylog})))

    # getStats' own view of the transport
    tstats = [st for pc in ("pc1", "pc2") for st in res[pc]["stats"] if st["type"] == "transport"]
    gs_cipher = {st.get("srtpCipher") for st in tstats}
    gs_version = {st.get("tlsVersion") for st in tstats}
    want_version = {"1.3": "FEFC", "1.2": "FEFD"}[version]
    if gs_version != {want_version}:
        die("getStats tlsVersion %s, ServerHello says %s" % (gs_version, want_version))

    streams_by_flow = {}
    for st in call["streams"]:
        d = streams_by_flow.setdefault(st["flow"], {})
        d[st["ssrc"]] = d.get(st["ssrc"], 0) + st["packets"]
    event_pts = set(call["event_pts"])
    red_pts = {st["pt"] for st in call["streams"] if st["kind"] == "red"}
    datagrams = srtp_check.udp_datagrams(args.pcap)
    directions = [("client", "%s -> %s" % (client, server)), ("server", "%s -> %s" % (server, client))]

    def try_profile(profile):
        sname = srtp_check.DTLS_PROFILES[profile]
        klen, slen = srtp_check.SUITES[sname][:2]
        n = 2 * (klen + slen)
        if version == "1.3":
            mat = srtp_check.exporter_dtls13(secret, n, hname)
        else:
            mat = srtp_check.exporter_dtls12(secret, bytes.fromhex(c["random"]), bytes.fromhex(s["random"]),
                                             n, hname)
        cks, sks = srtp_check.dtls_srtp_keys(mat, sname)
        out = []
        for role, flow in directions:
            src, dst = flow.split(" -> ")
            ctx = srtp_check.Context(sname, cks if role == "client" else sks)
            r = srtp_check.check_direction(datagrams, src, dst, ctx, event_pts, red_pts)
            out.append((role, flow, cks if role == "client" else sks, r))
        ok = all(not r["srtp_failed"] and not r["srtcp_failed"] and r["srtp_ok"] and r["srtcp_ok"]
                 for _, _, _, r in out)
        return ok, out

    if version == "1.2":
        if len(s["profiles"]) != 1:
            die("ServerHello use_srtp has %s" % s["profiles"])
        candidates = s["profiles"]
        evidence = "ServerHello use_srtp (frame %d)" % s["frame"]
    else:
        candidates = [p for p in c["profiles"] if p in srtp_check.DTLS_PROFILES]
        evidence = ("DTLS 1.3: use_srtp is in the encrypted EncryptedExtensions; of the ClientHello's "
                    "profiles %s (frame %d) only this one authenticates every packet"
                    % (", ".join("0x%04x" % p for p in c["profiles"]), c["frame"]))
    results = {p: try_profile(p) for p in candidates}
    good = [p for p, (ok, _) in results.items() if ok]
    for p, (ok, out) in results.items():
        print("profile 0x%04x %s: %s" % (p, srtp_check.PROFILE_NAMES[p], "; ".join(
            "%s srtp ok %d failed %d, srtcp ok %d failed %d" % (
                role, sum(r["srtp_ok"].values()), sum(r["srtp_failed"].values()), r["srtcp_ok"],
                r["srtcp_failed"]) for role, _, _, r in out)), file=sys.stderr)
    if len(good) != 1:
        die("profiles that authenticate every packet: %s" % good)
    profile = good[0]
    if gs_cipher != {srtp_check.PROFILE_NAMES[profile]}:
        die("getStats srtpCipher %s, the keys say %s" % (gs_cipher, srtp_check.PROFILE_NAMES[profile]))
    keys = []
    for role, flow, ks, r in results[profile][1]:
        if r["srtp_ok"] != streams_by_flow.get(flow, {}):
            die("%s key decrypts %s, the ground truth has %s on %s" % (role, r["srtp_ok"],
                                                                     streams_by_flow.get(flow), flow))
        for ev in call.get("events", []):
            if ev["ssrc"] in r["srtp_ok"] and r["digits"].get(ev["ssrc"]) != ev["digits"]:
                die("decrypted events of %s give %r, the page sent %r"
                    % (ev["ssrc"], r["digits"].get(ev["ssrc"]), ev["digits"]))
        sname = srtp_check.DTLS_PROFILES[profile]
        keys.append({
            "source": "dtls-keylog",
            "flow": flow,
            "rtcp_flow": flow,
            "ssrcs": sorted(r["srtp_ok"]),
            "suite": sname,
            "key_salt_b64": srtp_check.b64(ks),
            "provenance": ("%s_write SRTP key||salt (RFC 5764 §4.2) derived from the key log's %s for the "
                           "ClientHello random of frame %d, DTLS %s, cipher suite 0x%04x (%s)"
                           % (role, label, c["frame"], version, suite, hname.upper())),
            "keylog": args.keylog_name,
            "dtls": {"version": version, "role": role, "client": client, "server": server,
                     "client_random": c["random"], "server_random": s["random"],
                     "client_hello_frame": c["frame"], "server_hello_frame": s["frame"],
                     "keylog_label": label, "cipher_suite": "0x%04x" % suite,
                     "profile": "0x%04x" % profile, "profile_name": srtp_check.PROFILE_NAMES[profile],
                     "offered_profiles": ["0x%04x" % p for p in c["profiles"]],
                     "profile_evidence": evidence},
            "srtp_packets": sum(r["srtp_ok"].values()),
            "srtcp_packets": r["srtcp_ok"],
            "srtcp_encrypted": r["srtcp_encrypted"],
            "rtcp_plain_packets": r["rtcp_plain"],
            "rtcp_plain_types": r["rtcp_plain_types"],
            "red_primary_pts": {k: {str(pt): n for pt, n in v.items()} for k, v in sorted(r["red_inner"].items())},
        })
    # DTLS 1.2: Wireshark itself, given the key log, must decrypt the Finished.
    if version == "1.2":
        da = [a for p in ports for a in ("-d", "udp.port==%d,dtls" % p)]
        fin = tshark(["-r", args.pcap, "-o", "tls.keylog_file:" + os.path.abspath(args.keylog)] + da +
                     ["-Y", "dtls.handshake.type == 20", "-T", "fields", "-e", "frame.number"]).split()
        if len(set(fin)) < 2:
            die("tshark with the key log decrypts %d Finished messages, expected 2" % len(set(fin)))
        print("tshark with the key log decrypts the Finished in frames %s" % " ".join(fin), file=sys.stderr)
    call["keys"] = keys
    with open(args.out, "w") as f:
        json.dump(gt, f, indent=2)
        f.write("\n")
    shutil.copyfile(args.keylog, args.keys_out)
    print("firefox groundtruth: OK: DTLS %s, suite 0x%04x, profile %s, %s" % (
        version, suite, srtp_check.PROFILE_NAMES[profile], "; ".join(
            "%s %s srtp %d srtcp %d plain rtcp %d" % (k["dtls"]["role"], k["flow"], k["srtp_packets"],
                                                     k["srtcp_packets"], k["rtcp_plain_packets"]) for k in keys)),
        file=sys.stderr)


if __name__ == "__main__":
    main()
