#!/usr/bin/env python3
"""tables.py BEFORE.json AFTER.json [CONFIG ...]: the before/after tables of
docs/heuristics.md from two measure.py outputs (the same captures and
configurations, two plugins).

Per capture and configuration a cell "streams found/truth, packets found of
the truth's (%), calls right": a call is right when its flows are in one
session of their own with the truth's verdict (proprietary-media calls, which
no RTP analyser can find, are not counted). Prints one markdown table per
group of configurations given (default: the -2 configurations, then the
one-pass ones).
"""
import json
import sys


def cell(r):
    calls = [c for c in r.get("calls", []) if c.get("visible", True)]
    ok = sum(1 for c in calls if len(c.get("sessions", [])) == 1 and not c.get("merged_with")
             and c.get("verdict") == c.get("truth_verdict"))
    pk = 100.0 * r["found_packets"] / r["truth_packets"] if r["truth_packets"] else 100.0
    s = "%d/%d" % (r["found_streams"], r["truth_streams"])
    if r["truth_packets"]:
        s += " %s%%" % ("%.0f" % pk if pk < 99.5 or pk == 100 else "%.1f" % pk)
    if r.get("false_streams"):
        s += " +%d false" % r["false_streams"]
    if calls:
        s += " %d/%d" % (ok, len(calls))
    return s, (r["found_streams"], r["found_packets"], ok, len(calls), r["truth_streams"],
               r["truth_packets"], r.get("false_streams", 0))


def table(before, after, configs):
    print("| capture | " + " | ".join(configs) + " |")
    print("|---|" + "---|" * len(configs))
    tot = {c: [[0] * 7, [0] * 7] for c in configs}
    for name in sorted(after["captures"]):
        if name not in before["captures"]:
            continue
        row = []
        for c in configs:
            b, bn = cell(before["captures"][name]["results"][c])
            a, an = cell(after["captures"][name]["results"][c])
            for i in range(7):
                tot[c][0][i] += bn[i]
                tot[c][1][i] += an[i]
            row.append(a if a == b else "%s → **%s**" % (b, a))
        print("| %s | %s |" % (name, " | ".join(row)))
    row = []
    for c in configs:
        x = []
        for t in tot[c]:
            x.append("%d/%d %.1f%% %d/%d%s" % (t[0], t[4], 100.0 * t[1] / t[5] if t[5] else 100,
                                               t[2], t[3], " +%d false" % t[6] if t[6] else ""))
        row.append("%s → **%s**" % tuple(x))
    print("| **all** | %s |" % " | ".join(row))


def main():
    before = json.load(open(sys.argv[1]))
    after = json.load(open(sys.argv[2]))
    groups = [a.split(",") for a in sys.argv[3:]] or [
        [c for c in after["configs"] if c.endswith("2p")],
        [c for c in after["configs"] if c.endswith("1p")]]
    for g in groups:
        table(before, after, g)
        print()


if __name__ == "__main__":
    main()
