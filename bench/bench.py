#!/usr/bin/env python3
"""Benchmark: tshark with the plugin against plain tshark, in one run.

Builds (once, cached under $WEBRTC_BENCH_DIR or /var/tmp/webrtc-bench) a
capture of at least --packets frames by concatenating time-shifted copies of
every test capture (editcap -t, mergecap -a), then times full dissection
(`-q -z io,phs`: without a tap, `tshark -q` skips dissection) in each
configuration, --runs times, interleaved, and prints the median wall time
and peak RSS with the ratio to plain tshark.

Configurations:
  plain    no plugin, default preferences
  manual   no plugin, the analyst's manual heuristics (see baseline.py)
  plugin   the webrtc plugin, default preferences (session model on)
  heur     the plugin with the session model off: the heuristics alone
  summary  the plugin with -z webrtc,summary as well
With --lua also (tshark without the C plugin, lua-compat/webrtc.lua loaded
with -X lua_script):
  lua          the Lua fallback, default preferences
  lua-heur     the Lua fallback with its session model off
  lua-summary  the Lua fallback with -z webrtc,summary as well

Scaling (--scale K, e.g. 10): a capture K times as long (K time-shifted
copies of the first one, deleted afterwards unless --keep-scaled), dissected
in the plain, plugin and summary configurations --scale-runs times (default
1: at 10x one run takes a minute or more); the table gives the time and
peak RSS at 1x and Kx and the time per frame at Kx over the time per frame
at 1x (1.00 = linear).

Usage: WEBRTC_PLUGIN_SO=build/plugin/webrtc.so bench/bench.py [--packets N] [--runs R]
           [--scale K [--scale-runs R]] [--lua]
"""
import argparse
import os
import shutil
import statistics
import subprocess
import sys
import time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "tests", "lib"))
import wstest  # noqa: E402
from baseline import MANUAL  # noqa: E402


def frames(path):
    out = subprocess.run(["capinfos", "-c", "-M", path], capture_output=True, text=True,
                         check=True).stdout
    for line in out.splitlines():
        if "Number of packets" in line:
            return int(line.split(":")[1].strip())
    raise RuntimeError("capinfos: no packet count for " + path)


def build_capture(packets, workdir):
    os.makedirs(workdir, exist_ok=True)
    target = os.path.join(workdir, "bench-%d.pcapng" % packets)
    if os.path.exists(target):
        return target
    caps = [os.path.join(wstest.CAPTURES, n + ".pcapng") for n in wstest.capture_names()]
    per_round = sum(frames(c) for c in caps)
    rounds = -(-packets // per_round)
    parts, offset = [], 0
    for r in range(rounds):
        for c in caps:
            part = os.path.join(workdir, "part-%d-%s" % (r, os.path.basename(c)))
            # Shift each copy after the previous one (60 s apart) so the
            # concatenation keeps time moving forward.
            subprocess.run(["editcap", "-t", str(offset), c, part], check=True)
            parts.append(part)
            offset += 60
    tmp = target + ".tmp"
    subprocess.run(["mergecap", "-a", "-w", tmp] + parts, check=True)
    for p in parts:
        os.unlink(p)
    os.rename(tmp, target)
    return target


def concat_shifted(src, k, gap, target):
    """`target`: K copies of `src`, copy i shifted by i * GAP seconds
    (editcap -t), appended (mergecap -a); made once, then reused."""
    if os.path.exists(target):
        return target
    parts = []
    for r in range(k):
        part = "%s.part%d" % (target, r)
        subprocess.run(["editcap", "-t", str(r * gap), src, part], check=True)
        parts.append(part)
    subprocess.run(["mergecap", "-a", "-w", target + ".tmp"] + parts, check=True)
    for p in parts:
        os.unlink(p)
    os.rename(target + ".tmp", target)
    os.chmod(target, 0o644)
    return target


def build_scaled(capture, k):
    """K copies of `capture` one after the other, 60 s apart."""
    target = capture.replace(".pcapng", "-x%d.pcapng" % k)
    if os.path.exists(target):
        return target
    first, last = None, None
    out = subprocess.run(["capinfos", "-a", "-e", "-S", capture], capture_output=True,
                         text=True, check=True).stdout
    for line in out.splitlines():
        if "First packet time" in line:
            first = float(line.split(":", 1)[1])
        elif "Last packet time" in line:
            last = float(line.split(":", 1)[1])
    return concat_shifted(capture, k, int(last - first) + 60, target)


def dissect(ts, capture, extra):
    """Full dissection of `capture` by tshark in sandbox `ts` (as nobody when
    root): (wall seconds, resource usage of the tshark process)."""
    cmd_args = ["-r", capture, "-q", "-z", "io,phs"] + extra
    start = time.monotonic()
    cmd = ["tshark"] + cmd_args
    env = {"PATH": "/usr/sbin:/usr/bin:/sbin:/bin", "HOME": ts.home,
           "WIRESHARK_PLUGIN_DIR": ts.plugins, "LC_ALL": "C.UTF-8"}
    if os.geteuid() == 0:
        cmd = ["setpriv", "--reuid=65534", "--regid=65534", "--clear-groups"] + cmd
    p = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, env=env)
    _, status, ru = os.wait4(p.pid, 0)
    wall = time.monotonic() - start
    if status != 0:
        raise RuntimeError("tshark failed: %s" % p.stderr.read().decode()[-2000:])
    return wall, ru


def run_once(ts, capture, extra):
    wall, ru = dissect(ts, capture, extra)
    return wall, ru.ru_maxrss / 1024.0


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--packets", type=int, default=1000000)
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--lua", action="store_true", help="also time the lua-compat fallback")
    ap.add_argument("--scale", type=int, default=1)
    ap.add_argument("--scale-runs", type=int, default=1)
    ap.add_argument("--keep-scaled", action="store_true")
    ap.add_argument("--workdir", default=os.environ.get("WEBRTC_BENCH_DIR", "/var/tmp/webrtc-bench"))
    args = ap.parse_args()

    capture = build_capture(args.packets, args.workdir)
    os.chmod(args.workdir, 0o755)
    os.chmod(capture, 0o644)
    plain = wstest.Tshark(with_plugin=False)
    plugin = wstest.Tshark(with_plugin=True)
    configs = [("plain", plain, []), ("manual", plain, MANUAL), ("plugin", plugin, []),
               ("heur", plugin, ["-o", "webrtc.session_model:FALSE"]),
               ("summary", plugin, ["-z", "webrtc,summary"])]
    if args.lua:
        lua_dir = os.path.join(plain.files, "lua-compat")
        shutil.copytree(os.path.join(wstest.REPO, "lua-compat"), lua_dir)
        for dirpath, _, filenames in os.walk(lua_dir):
            os.chmod(dirpath, 0o755)
            for f in filenames:
                os.chmod(os.path.join(dirpath, f), 0o644)
        lua = ["-X", "lua_script:" + os.path.join(lua_dir, "webrtc.lua")]
        configs += [("lua", plain, lua),
                    ("lua-heur", plain, lua + ["-o", "webrtc.session_model:FALSE"]),
                    ("lua-summary", plain, lua + ["-z", "webrtc,summary"])]
    results = {name: [] for name, _, _ in configs}
    for _ in range(args.runs):
        for name, ts, extra in configs:       # interleaved: drift hits all alike
            results[name].append(run_once(ts, capture, extra))
    n = frames(capture)
    base_t = statistics.median(w for w, _ in results["plain"])
    base_m = statistics.median(m for _, m in results["plain"])
    print("capture: %s (%d frames), %d runs each, median" % (capture, n, args.runs))
    print("| configuration | wall s | ratio to plain | peak RSS MiB | ratio to plain |")
    print("|---|---|---|---|---|")
    for name, _, _ in configs:
        t = statistics.median(w for w, _ in results[name])
        m = statistics.median(x for _, x in results[name])
        print("| %s | %.2f | %.3f | %.0f | %.3f |" % (name, t, t / base_t, m, m / base_m))
    if args.scale > 1:
        scaled(args, capture, n, configs, results)
    return 0


def scaled(args, capture, n, configs, results):
    k = args.scale
    big = build_scaled(capture, k)
    nk = frames(big)
    keep = [c for c in configs if c[0] in ("plain", "plugin", "summary")]
    res = {name: [] for name, _, _ in keep}
    for _ in range(args.scale_runs):
        for name, ts, extra in keep:
            res[name].append(run_once(ts, big, extra))
    med = {name: (statistics.median(w for w, _ in v), statistics.median(m for _, m in v))
           for name, v in res.items()}
    print()
    print("scaling: %s (%d frames, %dx), %d run(s) each at %dx, median" % (
        big, nk, k, args.scale_runs, k))
    print("| configuration | 1x wall s | %dx wall s | per-frame time %dx / 1x | %dx ratio to plain "
          "| 1x peak RSS MiB | %dx peak RSS MiB | %dx RSS ratio to plain |" % (k, k, k, k, k))
    print("|---|---|---|---|---|---|---|---|")
    for name, _, _ in keep:
        t1 = statistics.median(w for w, _ in results[name])
        m1 = statistics.median(x for _, x in results[name])
        tk, mk = med[name]
        print("| %s | %.2f | %.2f | %.3f | %.3f | %.0f | %.0f | %.3f |" % (
            name, t1, tk, (tk / nk) / (t1 / n), tk / med["plain"][0], m1, mk,
            mk / med["plain"][1]))
    if not args.keep_scaled:
        os.unlink(big)


if __name__ == "__main__":
    sys.exit(main())
