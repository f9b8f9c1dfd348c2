#!/usr/bin/env python3
"""Benchmark: the cost of SRTP/SRTCP decryption (docs/performance.md).

For each keyed test capture (ground truth with "keys"), builds (once, cached
under $WEBRTC_BENCH_DIR or /var/tmp/webrtc-bench) a capture of --copies
time-shifted copies of it (editcap -t, mergecap -a), then measures tshark's
CPU time (user + system, wait4) for full dissection (`-q -z io,phs`) in
three configurations, --runs times interleaved, median:
  plain    no plugin
  nokey    the plugin, no key source (SDES off, no key log): what a user
           without keys pays
  keyed    the plugin decrypting: SDES from the capture, the capture's
           NSS key log (-o webrtc.srtp_keylog:...), or the keys table rows
           of a "table" key (-o uat:webrtc_srtp_keys:...)
  keyed-nm the same with the session model off (-o webrtc.session_model:FALSE):
           decryption and the heuristics without the whole-capture model
The copies repeat the same calls (same SSRCs, keys and sequence numbers,
later in time); every copy decrypts (the stream's key; the ROC stays 0,
for gst-srtp-wrap, RFC 3711 Appendix A places each copy at ROC 0 then 1 again).

Usage: WEBRTC_PLUGIN_SO=build/plugin/webrtc.so bench/bench_srtp.py [--copies N] [--runs R]
"""
import argparse
import os
import shutil
import statistics
import subprocess
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "tests", "lib"))
import bench  # noqa: E402  (this folder)
import wstest  # noqa: E402

WORK = os.environ.get("WEBRTC_BENCH_DIR", "/var/tmp/webrtc-bench")


def build(name, copies):
    os.makedirs(WORK, exist_ok=True)
    return bench.concat_shifted(os.path.join(wstest.CAPTURES, name + ".pcapng"), copies,
                                wstest.ground_truth(name)["duration_s"] + 60,
                                os.path.join(WORK, "srtp-%s-x%d.pcapng" % (name, copies)))


def cpu_once(ts, capture, extra):
    _, ru = bench.dissect(ts, capture, extra)
    return ru.ru_utime + ru.ru_stime


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--copies", type=int, default=40)
    ap.add_argument("--runs", type=int, default=3)
    a = ap.parse_args()
    plain = wstest.Tshark(with_plugin=False)
    plug = wstest.Tshark(with_plugin=True)
    names = [n for n in wstest.capture_names()
             if any(c.get("keys") for c in wstest.ground_truth(n)["calls"])]
    print("| capture | frames | plain CPU s | plugin, no key | ratio | plugin, decrypting | ratio "
          "| decrypting, no session model | ratio |")
    print("|---|---|---|---|---|---|---|---|---|")
    for name in names:
        cap = build(name, a.copies)
        keys = [k for c in wstest.ground_truth(name)["calls"] for k in c.get("keys", [])]
        keyed = []
        for log in sorted({k["keylog"] for k in keys if k["source"] == "dtls-keylog"}):
            dst = os.path.join(plug.files, log)
            shutil.copy(os.path.join(wstest.CAPTURES, log), dst)
            os.chmod(dst, 0o644)
            keyed += ["-o", "webrtc.srtp_keylog:" + dst]
        keyed += [x for _, row in wstest.table_key_rows(keys) for x in ("-o", row)]
        confs = [(plain, []), (plug, ["-o", "webrtc.srtp_sdes:FALSE"]), (plug, keyed),
                 (plug, keyed + ["-o", "webrtc.session_model:FALSE"])]
        times = [[] for _ in confs]
        for _ in range(a.runs):
            for i, (ts, extra) in enumerate(confs):
                times[i].append(cpu_once(ts, cap, extra))
        med = [statistics.median(t) for t in times]
        n = subprocess.run(["capinfos", "-c", "-M", cap], capture_output=True, text=True,
                           check=True).stdout.split(":")[-1].strip()
        print("| %s x%d | %s | %.2f | %.2f | %.3f | %.2f | %.3f | %.2f | %.3f |" % (
            name, a.copies, n, med[0], med[1], med[1] / med[0], med[2], med[2] / med[0],
            med[3], med[3] / med[0]), flush=True)


if __name__ == "__main__":
    main()
