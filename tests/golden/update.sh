#!/usr/bin/env bash
# Regenerate the golden summaries (tests/golden/NAME.txt and NAME.json) from
# the current build, for every test capture. Run after a deliberate change
# of the summary and review `git diff tests/golden` before committing.
#   WEBRTC_PLUGIN_SO=build/plugin/webrtc.so tests/golden/update.sh
set -euo pipefail
cd "$(dirname "$0")/../.."
export WEBRTC_PLUGIN_SO=${WEBRTC_PLUGIN_SO:-$PWD/build/plugin/webrtc.so}
python3 - <<'PY'
import json, os, sys
sys.path.insert(0, "tests/lib")
import summary, wstest
ts = wstest.Tshark(with_plugin=True)
for name in wstest.capture_names():
    cap = wstest.ground_truth(name)["capture"]
    with open("tests/golden/%s.txt" % name, "w") as f:
        f.write(summary.text(ts, cap))
    with open("tests/golden/%s.json" % name, "w") as f:
        f.write(json.dumps(summary.data(ts, cap), indent=1, sort_keys=True) + "\n")
    print("updated tests/golden/%s.{txt,json}" % name)
PY
