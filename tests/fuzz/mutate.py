#!/usr/bin/env python3
"""Mutation fuzzing the way Wireshark's tools/fuzz-test.sh does it.

For each test capture, ROUNDS mutated copies (`editcap -E PROB --seed N`:
random bytes changed with probability PROB) are dissected by tshark with the
plugin, as the unprivileged user, in three ways: full detail with hex
(`-nVx`), two passes (`-2`) and the session summary (`-z webrtc,summary`).
A run that does not exit cleanly (crash, sanitizer report, hang) is a
finding: its input is kept under tests/fuzz/crashes/ as a regression
capture and the script fails. Build with WEBRTC_SANITIZE=ON to catch memory
errors that do not crash (ctest passes the sanitizer runtimes).

  tests/fuzz/mutate.py [--rounds N] [--prob P] [--seed S]
The default suite runs a short smoke (1 round per capture); a long run is
e.g. `WEBRTC_PLUGIN_SO=build-asan/plugin/webrtc.so tests/fuzz/mutate.py --rounds 200`.
"""
import argparse
import os
import shutil
import subprocess
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "lib"))
import wstest  # noqa: E402

RUNS = [["-nVx"], ["-2", "-n"], ["-q", "-z", "webrtc,summary"]]


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--rounds", type=int, default=int(os.environ.get("FUZZ_ROUNDS", "1")))
    ap.add_argument("--prob", type=float, default=0.02)
    ap.add_argument("--seed", type=int, default=int(os.environ.get("FUZZ_SEED", "1")))
    ap.add_argument("--timeout", type=int, default=120)
    args = ap.parse_args()

    ts = wstest.Tshark(with_plugin=True)
    crashes_dir = os.path.join(HERE, "crashes")
    packets = runs = findings = 0
    for name in wstest.capture_names():
        src = ts.capture(name)
        for r in range(args.rounds):
            seed = args.seed + r
            mutated = os.path.join(ts.files, "%s-%d.pcapng" % (name, seed))
            subprocess.run(["editcap", "-E", str(args.prob), "--seed", str(seed), src, mutated],
                           check=True, capture_output=True)
            os.chmod(mutated, 0o644)
            count = len(ts.fields(mutated, ["frame.number"]))
            packets += count
            for extra in RUNS:
                runs += 1
                try:
                    p = ts.run(["-r", mutated] + extra, check=False, timeout=args.timeout)
                    bad = p.returncode != 0 or "runtime error" in p.stderr or \
                        "AddressSanitizer" in p.stderr
                    why = "exit %d\n%s" % (p.returncode, p.stderr[-3000:])
                except subprocess.TimeoutExpired:
                    bad, why = True, "timeout after %d s" % args.timeout
                if bad:
                    findings += 1
                    os.makedirs(crashes_dir, exist_ok=True)
                    kept = os.path.join(crashes_dir, os.path.basename(mutated))
                    shutil.copy(mutated, kept)
                    print("FINDING: %s (%s): %s" % (kept, " ".join(extra), why))
    print("mutated captures: %d, mutated packets dissected: %d, tshark runs: %d, findings: %d"
          % (len(wstest.capture_names()) * args.rounds, packets, runs, findings))
    print("%d passed, %d failed" % (runs - findings, findings))
    return 1 if findings else 0


if __name__ == "__main__":
    sys.exit(main())
