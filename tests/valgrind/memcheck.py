#!/usr/bin/env python3
"""valgrind memcheck of tshark with the plugin on every test capture.

For each capture: `valgrind --tool=memcheck --leak-check=full tshark -r CAP
-2 -q -z webrtc,summary` as user nobody (the sandbox of tests/lib/wstest.py),
with Wireshark's own valgrind settings (tools/valgrind-wireshark.sh:
WIRESHARK_DEBUG_WMEM_OVERRIDE=simple so that every wmem block is its own
malloc and out-of-bounds accesses inside a pool are seen; G_SLICE=always-malloc).
The XML report is read and every error is attributed: an error whose stack
(or, for a leak, whose allocation stack) has a frame in webrtc.so is the
plugin's. Errors and leaks without a plugin frame are Wireshark's or glib's
own (counted and printed, not failures); glib's own suppression file
(libglib2.0-dev) and tests/valgrind/tshark.supp (documented entries) hide
the known noise. Fails when any error or definite/indirect leak is the
plugin's. Leaks "still reachable" at exit are not reported (tshark exits
without freeing its dissector tables; valgrind's default).

  tests/valgrind/memcheck.sh [--only NAME] [--extra "-V"] [--xml-dir DIR] [--plain]
Slow (valgrind runs tshark 20-50x slower): not in the default suite;
about 200 s for the eight test captures on a loaded 2-core machine.
"""
import argparse
import os
import shutil
import subprocess
import sys
import time
import xml.etree.ElementTree as ET

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "lib"))
import wstest  # noqa: E402

GLIB_SUPP = "/usr/share/glib-2.0/valgrind/glib.supp"
OWN_SUPP = os.path.join(HERE, "tshark.supp")
PLUGIN_OBJ = "webrtc.so"
LEAKS = ("Leak_DefinitelyLost", "Leak_IndirectlyLost", "Leak_PossiblyLost")


def frames(err):
    """All (obj, fn, file:line) of an error's stacks."""
    out = []
    for st in err.findall("stack"):
        for fr in st.findall("frame"):
            obj = fr.findtext("obj") or ""
            fn = fr.findtext("fn") or "?"
            loc = ""
            if fr.findtext("file"):
                loc = "%s:%s" % (fr.findtext("file"), fr.findtext("line"))
            out.append((obj, fn, loc))
    return out


def analyse(xml_path):
    root = ET.parse(xml_path).getroot()
    res = {"errors": 0, "plugin": [], "other": {}, "suppressed": 0}
    for err in root.findall("error"):
        kind = err.findtext("kind")
        res["errors"] += 1
        fr = frames(err)
        nbytes = err.find("xwhat/leakedbytes")
        what = err.findtext("what") or err.findtext("xwhat/text") or ""
        if any(o.endswith("/" + PLUGIN_OBJ) for o, _, _ in fr):
            top = [("%s %s" % (fn, loc)).strip() for o, fn, loc in fr
                   if o.endswith("/" + PLUGIN_OBJ)][:4]
            res["plugin"].append((kind, what, top))
        else:
            k = res["other"].setdefault(kind, [0, 0])
            k[0] += 1
            k[1] += int(nbytes.text) if nbytes is not None else 0
    for s in root.findall("suppcounts/pair"):
        res["suppressed"] += int(s.findtext("count"))
    return res


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--only", action="append",
                    help="a test capture's name or a capture file (repeatable)")
    ap.add_argument("--extra", default="", help="more tshark arguments, e.g. -V")
    ap.add_argument("--xml-dir", help="keep valgrind's XML reports here")
    ap.add_argument("--plain", action="store_true",
                    help="plain tshark without the plugin (and without -z webrtc,summary): "
                         "what Wireshark itself reports, for comparison")
    args = ap.parse_args()
    ts = wstest.Tshark(with_plugin=not args.plain)
    supp = [s for s in (GLIB_SUPP, OWN_SUPP) if os.path.exists(s)]
    env = {"WIRESHARK_DEBUG_WMEM_OVERRIDE": "simple", "G_SLICE": "always-malloc"}
    names = args.only or wstest.capture_names()
    failed = False
    print("| capture | frames | valgrind s | errors (all) | plugin's | other (kind: count, bytes) "
          "| suppressed |")
    print("|---|---|---|---|---|---|---|")
    for name in names:
        cap = ts.capture(name)
        xml = os.path.join(ts.files, os.path.basename(name) + ".memcheck.xml")
        vg = ["valgrind", "--tool=memcheck", "--leak-check=full",
              "--show-leak-kinds=definite,indirect,possible", "--errors-for-leak-kinds=definite,indirect",
              # The plugin is dlclose()d at exit (plugins_cleanup): without
              # --keep-debuginfo its frames in leak stacks have no object name.
              "--keep-debuginfo=yes",
              "--num-callers=30", "--xml=yes", "--xml-file=" + xml] + \
             ["--suppressions=" + s for s in supp]
        targs = ["-r", cap, "-2", "-q", "-z", "io,phs" if args.plain else "webrtc,summary"] + \
            args.extra.split()
        start = time.monotonic()
        # wstest runs "tshark ARGS" as nobody; valgrind goes in front of it.
        p = ts.run(targs, check=False, env=env, timeout=3600, prefix=vg)
        wall = time.monotonic() - start
        if p.returncode != 0:
            print("%s: tshark under valgrind exited %d\n%s" % (name, p.returncode, p.stderr[-3000:]))
            failed = True
            continue
        if not args.plain and "WebRTC sessions" not in p.stdout:
            print("%s: no summary in the output" % name)
            failed = True
        n = subprocess.run(["capinfos", "-c", "-M", cap], capture_output=True, text=True,
                           check=True).stdout.split(":")[-1].strip()
        r = analyse(xml)
        if args.xml_dir:
            os.makedirs(args.xml_dir, exist_ok=True)
            shutil.copy(xml, args.xml_dir)
        other = "; ".join("%s: %d, %d B" % (k, v[0], v[1]) for k, v in sorted(r["other"].items()))
        print("| %s | %s | %.0f | %d | %d | %s | %d |" % (name, n, wall, r["errors"],
                                                         len(r["plugin"]), other or "-",
                                                         r["suppressed"]), flush=True)
        for kind, what, top in r["plugin"]:
            failed = True
            print("  PLUGIN %s: %s\n    %s" % (kind, what, "\n    ".join(top)))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
