#!/bin/bash
# Regenerates test-captures/chromium-turn-tcp.pcapng and chromium-turn-tcp.json:
# the chromium-turn call with Chromium reaching coturn over TCP. One
# generator serves both (../chromium-turn/generate.sh, TURN_TRANSPORT=tcp);
# this folder keeps the TCP-specific ground-truth builder (groundtruth_tcp.py:
# TCP reassembly and RFC 8656 §12.5 framing) and the README.
set -euo pipefail
TURN_TRANSPORT=tcp exec "$(cd "$(dirname "$0")/../chromium-turn" && pwd)/generate.sh" "$@"
