#!/bin/bash
# Regenerates test-captures/aiortc-datachannel.pcapng and .json (run as root
# on Debian 12; see README.md in this folder).
#
# Two aiortc peers (aio_dc.py), each in its own network namespace (h15a-a:
# offerer 192.0.2.1, captured; h15a-b: answerer 192.0.2.2) joined by a veth
# pair; data channels only (no audio, no video): a chat channel (label
# "chat", protocol "chat-v1", 20 messages each way) and a file channel
# (label "file", protocol "file-transfer", 100 KiB in 8 KiB binary messages).
# ICE host candidates, DTLS 1.2 (aiortc/OpenSSL), SCTP. build_truth.py
# writes the ground truth from what the peers logged, verified with plain
# tshark; dtls_app_records.py adds the records per flow.
set -euo pipefail

HERE=$(cd "$(dirname "$0")" && pwd)
TC=$(cd "$HERE/../.." && pwd)
REPO=$(cd "$TC/.." && pwd)
NAME=aiortc-datachannel
PY=/usr/bin/python3

[ "$(id -u)" = 0 ] || { echo "run as root" >&2; exit 1; }
# shellcheck source=../lib/netns.sh
source "$HERE/../lib/netns.sh"
wrtc_install python3-aiortc tshark wireshark-common iproute2

wrtc_workdir h15a-$NAME
NSA=h15a-a NSB=h15a-b
wrtc_ns_create "$NSA"
wrtc_ns_create "$NSB"
wrtc_veth "$NSA" h15aA 192.0.2.1/24 "$NSB" h15aB 192.0.2.2/24

PCAP=$WORK/capture.pcapng
wrtc_capture_start "$NSA" h15aA "$PCAP" 90
SOCK=$WORK/signaling.sock
wrtc_bg "$NSB" 60 "$PY" "$HERE/aio_dc.py" answer --sock "$SOCK" --out "$WORK/answer.json"
ANS_PID=$WRTC_LAST_PID
for _ in $(seq 1 100); do [ -S "$SOCK" ] && break; sleep 0.1; done
[ -S "$SOCK" ] || { echo "answerer did not start" >&2; exit 1; }
wrtc_bg "$NSA" 60 "$PY" "$HERE/aio_dc.py" offer --sock "$SOCK" --out "$WORK/offer.json"
OFF_PID=$WRTC_LAST_PID
wrtc_wait "$OFF_PID" offerer
wrtc_wait "$ANS_PID" answerer
sleep 1
wrtc_capture_stop
if [ -n "${NO_TRUTH:-}" ]; then KEEP_WORK=1; exit 0; fi

"$PY" "$HERE/build_truth.py" "$PCAP" "$WORK/offer.json" "$WORK/answer.json" "$WORK/$NAME.json" \
    "$HERE/last-run"
"$PY" "$HERE/../lib/dtls_app_records.py" "$PCAP" "$WORK/$NAME.json"
wrtc_verify_install "$REPO" "$NAME" "$PCAP" "$WORK/$NAME.json" 1000000
