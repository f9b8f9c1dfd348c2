#!/usr/bin/env bash
# valgrind memcheck of tshark with the plugin on every test capture (see
# memcheck.py; not in the default suite: about 200 s).
#   tests/valgrind/memcheck.sh [--only NAME] [--extra "-V"]
# WEBRTC_PLUGIN_SO selects the plugin (default: build/plugin/webrtc.so, a
# RelWithDebInfo build, so the plugin's frames have file:line).
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
export WEBRTC_PLUGIN_SO=${WEBRTC_PLUGIN_SO:-$here/../../build/plugin/webrtc.so}
exec python3 "$here/memcheck.py" "$@"
