"""lua-compat on bad input: mutated copies of every test capture (as
tests/fuzz/mutate.py makes them: `editcap -E 0.02 --seed N`) dissected by
tshark with the Lua fallback and without the C plugin, two passes and the
summary: tshark exits 0 with nothing on stderr and no packet shows a Lua
error (`_ws.lua.error`).

  tests/lua/test_lua_fuzz.py [--rounds N]   (the suite runs 1 round)
"""
import argparse
import concurrent.futures
import os
import subprocess
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "lib"))
import luasandbox as t  # noqa: E402
import wstest  # noqa: E402


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--rounds", type=int, default=1)
    ap.add_argument("--seed", type=int, default=1)
    args = ap.parse_args()
    lua = t.lua_sandbox(with_plugin=False)
    jobs = []
    for name in wstest.capture_names():
        src = os.path.join(wstest.CAPTURES, wstest.ground_truth(name)["capture"])
        for r in range(args.rounds):
            seed = args.seed + r
            dst = os.path.join(lua.files, "%s-lua-fuzz-%d.pcapng" % (name, seed))
            subprocess.run(["editcap", "-E", "0.02", "--seed", str(seed), src, dst],
                           check=True, capture_output=True)
            os.chmod(dst, 0o644)
            for extra in (["-2", "-Y", "_ws.lua.error", "-T", "fields", "-e", "frame.number",
                           "-e", "_ws.expert.message"],
                          ["-q", "-z", "webrtc,summary,json"]):
                jobs.append((name, seed, dst, extra))

    def run(job):
        return lua.run(["-r", job[2]] + job[3] + lua.lua_arg, check=False, timeout=300)
    # (independent tshark runs: two at a time)
    with concurrent.futures.ThreadPoolExecutor(max_workers=2) as pool:
        results = list(pool.map(run, jobs))
    failures = runs = 0
    for (name, seed, dst, extra), p in zip(jobs, results):
        runs += 1
        bad = p.returncode != 0 or p.stderr != "" or \
            (extra[0] == "-2" and p.stdout != "")
        if bad:
            failures += 1
            print("FAIL %s seed %d %s: exit %d\n%s%s" % (
                name, seed, extra[0], p.returncode, p.stdout[-2000:], p.stderr[-2000:]))
    print("%d runs, %d failures" % (runs, failures))
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
