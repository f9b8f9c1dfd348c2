#!/bin/bash
# Regenerates test-captures/firefox-dtls12.{pcapng,json,keys}: one generator
# serves DTLS 1.3 and 1.2 (../firefox-dtls/generate.sh, DTLS=12); see its README.
set -euo pipefail
DTLS=12 exec "$(cd "$(dirname "$0")/../firefox-dtls" && pwd)/generate.sh" "$@"
