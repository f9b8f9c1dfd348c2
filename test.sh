#!/usr/bin/env bash
# ./test.sh — the whole test suite on a fresh Debian 12 machine: install what
# is missing, build, then ctest. Extra arguments go to ctest (e.g. -R verdict).
# WEBRTC_SANITIZE=1 ./test.sh builds with ASan+UBSan first.
set -euo pipefail
. "$(dirname "$0")/tests/lib/bootstrap.sh"

webrtc_install_packages
webrtc_build
cd "$WEBRTC_BUILD"
ctest --output-on-failure -j "$(nproc)" "$@"
