#!/usr/bin/python3
"""Print the facts of a ground truth (test-captures/NAME.json) as Markdown
for the generator's README: packets, flows, streams (SSRC/PT/packets),
key frames, outside flows. Usage: readme_facts.py test-captures/NAME.json"""
import json
import sys


def main(path):
    gt = json.load(open(path))
    print("Capture `%s`: %d frames, %.1f s. Software: %s.\n" % (
        gt["capture"], gt["packets"], gt["duration_s"],
        ", ".join("%s %s" % kv for kv in sorted(gt["software"].items()))))
    for call in gt["calls"]:
        print("%s: verdict `%s`, traits %s.\n" % (call["id"], call["verdict"], " ".join(
            ("+" if v else "-") + k for k, v in call["traits"].items())))
        kf = call.get("key_frames")
        if kf:
            print("Key frames: " + ", ".join("%s %s" % (k, v) for k, v in kf.items()) + ".\n")
        print("| role | flow | transport | contents | frames |\n|---|---|---|---|---|")
        for f in call["flows"]:
            print("| %s | %s <-> %s | %s | %s | %d |" % (f["role"], f["a"], f["b"], f["transport"],
                                                       " ".join(f["contents"]), f["packets"]))
        print()
        if call["streams"]:
            print("| SSRC | PT | media | codec | kind | direction | packets |\n|---|---|---|---|---|---|---|")
            for s in call["streams"]:
                print("| %s | %d | %s | %s | %s | %s | %d |" % (s["ssrc"], s["pt"], s["media"], s["codec"],
                                                             s["kind"], s["flow"], s["packets"]))
            print()
        else:
            print("No RTP streams.\n")
        for e in call.get("events", []):
            print("RFC 4733 events: SSRC %s PT %d digits `%s`.\n" % (e["ssrc"], e["pt"], e["digits"]))
    if gt.get("outside_calls"):
        print("Outside every call:\n\n| flow | frames | reason |\n|---|---|---|")
        for o in gt["outside_calls"]:
            print("| %s | %s | %s |" % (o["flow"], o.get("packets", ""), o["reason"]))
        print()


if __name__ == "__main__":
    main(sys.argv[1])
