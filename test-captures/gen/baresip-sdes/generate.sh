#!/bin/bash
# Regenerates test-captures/baresip-sdes.pcapng and baresip-sdes.json: the
# baresip-sip call (two baresip 1.0.0 in two namespaces, SIP over UDP, PCMU,
# RFC 4733 digits, RTCP on port+1) with SDES SRTP required on both sides
# (srtp module, ;mediaenc=srtp-mand). One generator serves both
# (../baresip-sip/generate.sh); the keys come from the SDP a=crypto lines and
# are proven by ../lib/srtp_check.py. See README.md here.
set -euo pipefail
NAME=baresip-sdes MEDIAENC=srtp-mand NS_TAG=${NS_TAG:-wrtc-sdes} \
    exec "$(cd "$(dirname "$0")/../baresip-sip" && pwd)/generate.sh" "$@"
