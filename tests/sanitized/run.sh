#!/usr/bin/env bash
# The plugin's suite once more with the plugin and the core built with
# AddressSanitizer + UndefinedBehaviorSanitizer (docs/robustness.md). ctest
# runs it in the default build as the test `sanitized.suite`, so CI (which
# runs ./test.sh) checks every capture, the decryption, the fuzz smoke and
# the unit tests under the sanitizers on every change.
#   tests/sanitized/run.sh BUILD_DIR [ctest args...]
# Left out here (they do not exercise the plugin's C code in another way):
# the Lua fallback's tests (lua.*: tshark without the C plugin), the ground
# truths' checks with plain tshark (groundtruth.*, public.*) and the GUI
# test (gui.*, under Xvfb); the cut captures are cut at 64 bytes only (the
# shortest cut: every record cut; the default build runs 64/96/128/300).
# Also left out: the output-convention tests of issue 19 (expert counts,
# tree layout, set-up method names, -Y webrtc, the verdict filter, the
# no-malformed sweep, the details checks), which run the same dissection
# paths as sessions.* and snaplen.* on the same captures and would double
# this suite's time; sessions.rtp-agreement stays (its late-joined captures
# are what drives the held-RTP replay, the code of that issue with the
# most memory handling).
# `WEBRTC_SANITIZE=1 ./test.sh` runs all of them, at every snaplen.
set -euo pipefail
repo=$(cd "$(dirname "$0")/../.." && pwd)
build=${1:?usage: run.sh BUILD_DIR [ctest args...]}
shift
echo "== sanitized build in $build"
cmake -S "$repo" -B "$build" -DCMAKE_BUILD_TYPE=RelWithDebInfo -DWEBRTC_SANITIZE=ON >/dev/null
cmake --build "$build" -j "$(nproc)" >/dev/null
cd "$build"
WEBRTC_SNAPLENS=${WEBRTC_SNAPLENS:-64} \
  ctest -j "$(nproc)" --output-on-failure \
    -E '^((lua|gui|groundtruth|public)\.|heuristics\.(no-malformed|expert|setup-method)$|sessions\.(details|tree|proto-filter|verdict-filter|statstree)$)' \
    "$@"
