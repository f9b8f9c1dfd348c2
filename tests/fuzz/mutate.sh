#!/usr/bin/env bash
# Mutation fuzzing of the plugin on every test capture (see mutate.py).
#   tests/fuzz/mutate.sh [--rounds N] [--prob P] [--seed S]
# WEBRTC_PLUGIN_SO selects the plugin (default: build/plugin/webrtc.so);
# for a sanitized plugin also set WEBRTC_LD_PRELOAD as tests/CMakeLists.txt does.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
export WEBRTC_PLUGIN_SO=${WEBRTC_PLUGIN_SO:-$here/../../build/plugin/webrtc.so}
exec python3 "$here/mutate.py" "$@"
