#!/usr/bin/env python3
"""Instruction counts (valgrind --tool=callgrind) of tshark with and without
the plugin, and of the plugin's own functions, per frame.

Counts executed instructions (Ir), so unlike wall time they do not depend
on what else runs on the machine. The capture is one round of every test
capture concatenated (bench.py's build_capture, --packets small), dissected
with `-q -z io,phs` (full dissection, no output), as nobody, in three
configurations: plain (no plugin), plugin (default preferences) and
summary (the plugin with -z webrtc,summary as well).

Per configuration: total Ir per frame and its ratio to plain tshark; for
the plugin, the self cost of every function in webrtc.so (the plugin's
own code, excluding the Wireshark dissectors it hands packets to), summed,
per frame, and the top functions. Self costs are read from the callgrind
output file directly (ob=/fn= records; the line after calls= is a call's
inclusive cost and is skipped), the same numbers `callgrind_annotate`
prints per function.

Usage: WEBRTC_PLUGIN_SO=build/plugin/webrtc.so bench/callgrind.py [--packets N] [--top K]
"""
import argparse
import collections
import os
import re
import subprocess
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
import bench  # noqa: E402
wstest = bench.wstest

NAME = re.compile(r"^(c?(?:ob|fn|fl|fi|fe))=\((\d+)\)(?: (.*))?$")


def self_costs(path):
    """{(object, function): self Ir} from a callgrind output file."""
    names = {"ob": {}, "fn": {}}
    ob = fn = None
    skip_next = False
    costs = collections.Counter()
    with open(path, errors="replace") as f:
        for line in f:
            line = line.rstrip("\n")
            if not line:
                continue
            m = NAME.match(line)
            if m:
                kind, idx, name = m.group(1), m.group(2), m.group(3)
                table = names.get(kind.lstrip("c"))
                if table is not None and name is not None:
                    table[idx] = name
                if kind == "ob":
                    ob = names["ob"].get(idx)
                elif kind == "fn":
                    fn = names["fn"].get(idx)
                continue
            if line.startswith("calls="):
                skip_next = True
                continue
            c0 = line[0]
            if c0.isdigit() or c0 in "+-*":
                if skip_next:
                    skip_next = False
                    continue
                parts = line.split()
                if len(parts) >= 2:
                    costs[(ob, fn)] += int(parts[1])
            else:
                skip_next = False
    return costs


def run(ts, capture, extra, out):
    vg = ["valgrind", "--tool=callgrind", "--callgrind-out-file=" + out]
    start = time.monotonic()
    p = ts.run(["-r", capture, "-q", "-z", "io,phs"] + extra, check=False, prefix=vg,
               timeout=7200)
    if p.returncode != 0:
        raise RuntimeError("callgrind run failed: %s" % p.stderr[-2000:])
    return time.monotonic() - start


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--packets", type=int, default=20000)
    ap.add_argument("--top", type=int, default=12)
    ap.add_argument("--workdir", default=os.environ.get("WEBRTC_BENCH_DIR", "/var/tmp/webrtc-bench"))
    args = ap.parse_args()
    capture = bench.build_capture(args.packets, args.workdir)
    os.chmod(args.workdir, 0o755)
    os.chmod(capture, 0o644)
    n = bench.frames(capture)
    plain = wstest.Tshark(with_plugin=False)
    plugin = wstest.Tshark(with_plugin=True)
    configs = [("plain", plain, []), ("plugin", plugin, []),
               ("heur", plugin, ["-o", "webrtc.session_model:FALSE"]),
               ("summary", plugin, ["-z", "webrtc,summary"])]
    rows, plugin_fns = [], {}
    for name, ts, extra in configs:
        out = os.path.join(ts.files, "callgrind.%s.out" % name)
        wall = run(ts, capture, extra, out)
        costs = self_costs(out)
        total = sum(costs.values())
        own = {fn: c for (ob, fn), c in costs.items() if ob and ob.endswith("/webrtc.so")}
        rows.append((name, total, sum(own.values()), wall))
        plugin_fns[name] = own
    base = rows[0][1]
    print("capture: %s (%d frames); valgrind --tool=callgrind, Ir = instructions executed"
          % (capture, n))
    print("| configuration | Ir total | Ir per frame | ratio to plain | plugin's own Ir "
          "| plugin's own per frame | share |")
    print("|---|---|---|---|---|---|---|")
    for name, total, own, _ in rows:
        print("| %s | %d | %.0f | %.3f | %d | %.0f | %.2f %% |" % (
            name, total, total / n, total / base, own, own / n, 100.0 * own / total))
    print()
    print("Plugin functions by self Ir (configuration plugin), per frame:")
    print("| function | Ir | per frame |")
    print("|---|---|---|")
    for fn, c in sorted(plugin_fns["plugin"].items(), key=lambda x: -x[1])[:args.top]:
        print("| %s | %d | %.1f |" % (fn, c, c / n))
    return 0


if __name__ == "__main__":
    sys.exit(main())
