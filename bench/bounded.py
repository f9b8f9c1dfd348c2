#!/usr/bin/env python3
"""Bounded state at full size: the worst-case captures of gen_bounded.py
dissected by plain tshark and by tshark with the plugin, median wall time
and peak RSS of --runs runs each (interleaved, in one invocation), and the
plugin's extra memory per 5-tuple. The generated captures are written to
--workdir (default build/bounded, never committed) and deleted at the end
unless --keep.

Configurations: plain (no plugin), plugin (default preferences: the
whole-capture session model is built), heur (the plugin with
-o webrtc.session_model:FALSE: the demultiplexer alone).

Usage (the documented 1M-size run, docs/robustness.md):
  WEBRTC_PLUGIN_SO=build/plugin/webrtc.so bench/bounded.py --scale 1 --runs 3
--scale 0.2 gives the sizes of the earlier 200k table. --only KIND runs one.
"""
import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
import bench  # noqa: E402  (run_once, wstest)
wstest = bench.wstest

# kind, size at --scale 1, extra tshark arguments. Sizes: issue 6's
# "1,000,000 distinct 5-tuples", "100,000 STUN transactions", SSRC churn and
# ChannelData on thousands of channels (4,096, repeating) at 1M packets.
CASES = [("tuples", 1000000, []),
         ("churn", 1000000, ["-2"]),
         ("stun", 100000, ["-2"]),
         ("channels", 1000000, ["-2"])]


def model_state(ts, cap, extra):
    """What the session model kept: sessions, flows, streams, dropped."""
    out = ts.out(["-r", cap, "-q", "-z", "webrtc,summary,json"] + extra)
    js = json.loads(out[out.index("{"):out.rindex("}") + 1])
    flows = [f for s in js["sessions"] for f in s["flows"]]
    return "%d sessions, %d flows, %d streams kept, %d SSRCs dropped" % (
        len(js["sessions"]), len(flows), sum(len(s["streams"]) for s in js["sessions"]),
        sum(f.get("dropped_streams", 0) for f in flows))


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--scale", type=float, default=1.0)
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--only")
    ap.add_argument("--keep", action="store_true")
    ap.add_argument("--workdir", default=os.path.join(HERE, "..", "build", "bounded"))
    args = ap.parse_args()
    os.makedirs(args.workdir, exist_ok=True)
    os.chmod(args.workdir, 0o755)
    plain = wstest.Tshark(with_plugin=False)
    plugin = wstest.Tshark(with_plugin=True)
    configs = [("plain", plain, []), ("plugin", plugin, []),
               ("heur", plugin, ["-o", "webrtc.session_model:FALSE"])]
    print("| capture | plain s | plain MiB | plugin s | plugin MiB | ratio t / RSS "
          "| heur s | heur MiB | plugin - plain per 5-tuple | model state |")
    print("|---|---|---|---|---|---|---|---|---|---|")
    made = []
    for kind, size, extra in CASES:
        if args.only and kind != args.only:
            continue
        n = max(1, int(size * args.scale))
        cap = os.path.join(args.workdir, "%s-%d.pcap" % (kind, n))
        if not os.path.exists(cap):
            subprocess.run([sys.executable, os.path.join(HERE, "gen_bounded.py"), kind,
                            str(n), cap], check=True)
        os.chmod(cap, 0o644)
        made.append(cap)
        res = {name: [] for name, _, _ in configs}
        for _ in range(args.runs):
            for name, ts, more in configs:
                res[name].append(bench.run_once(ts, cap, extra + more))
        med = {k: (statistics.median(w for w, _ in v), statistics.median(m for _, m in v))
               for k, v in res.items()}
        tuples = 1 if kind in ("churn", "channels") else n
        extra_kb = (med["plugin"][1] - med["plain"][1]) * 1024.0 / tuples
        print("| `%s %d` | %.2f | %.0f | %.2f | %.0f | %.3f / %.3f | %.2f | %.0f | %s | %s |" % (
            kind, n, med["plain"][0], med["plain"][1], med["plugin"][0], med["plugin"][1],
            med["plugin"][0] / med["plain"][0], med["plugin"][1] / med["plain"][1],
            med["heur"][0], med["heur"][1],
            "%.2f KiB" % extra_kb if tuples > 1 else "(one 5-tuple)",
            model_state(plugin, cap, extra)), flush=True)
    if not args.keep:
        for cap in made:
            os.unlink(cap)
        shutil.rmtree(args.workdir, True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
