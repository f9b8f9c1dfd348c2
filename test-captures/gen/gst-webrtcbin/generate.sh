#!/bin/bash
# Regenerates test-captures/gst-webrtcbin.pcapng and .json (run as root).
#
# Two GStreamer webrtcbin peers (gst_call.py), each in its own network
# namespace (wrtc-gst-a: offerer 198.51.100.1, wrtc-gst-b: answerer
# 198.51.100.2) joined by a veth pair; Opus + VP8 with BUNDLE, ~12 s. dumpcap
# records the veth in wrtc-gst-a for the whole run; build_truth.py writes the
# ground truth from the peers' reports and verifies it against the capture
# with plain tshark. Nothing is installed unless verification passes.
set -euo pipefail

HERE=$(cd "$(dirname "$0")" && pwd)
CAPDIR=$(cd "$HERE/../.." && pwd)
NAME=gst-webrtcbin
PY=/usr/bin/python3
CALL_SECONDS=${WRTC_GST_CALL_SECONDS:-12}

[ "$(id -u)" = 0 ] || { echo "run as root" >&2; exit 1; }

# shellcheck source=../lib/netns.sh
source "$HERE/../lib/netns.sh"
wrtc_install gstreamer1.0-plugins-base gstreamer1.0-plugins-good \
             gstreamer1.0-plugins-bad gstreamer1.0-nice gir1.2-gstreamer-1.0 \
             gir1.2-gst-plugins-base-1.0 gir1.2-gst-plugins-bad-1.0 python3-gi \
             tshark wireshark-common iproute2
WORK=$(mktemp -d /tmp/wrtc-gst.XXXXXX)
cleanup() { wrtc_cleanup; rm -rf "$WORK"; }
trap cleanup EXIT
export GST_REGISTRY_1_0=$WORK/gst-registry.bin   # fresh plugin registry, no stale cache

NSA=wrtc-gst-a NSB=wrtc-gst-b
wrtc_ns_create "$NSA"
wrtc_ns_create "$NSB"
wrtc_veth "$NSA" gst-va 198.51.100.1/24 "$NSB" gst-vb 198.51.100.2/24

PCAP=$WORK/$NAME.pcapng
wrtc_capture_start "$NSA" gst-va "$PCAP" 120

SIG=$WORK/signaling
mkdir -p "$SIG"
wrtc_bg "$NSB" 90 "$PY" "$HERE/gst_call.py" answer --dir "$SIG" --out "$WORK/answer.json"
ANS_PID=$WRTC_LAST_PID
wrtc_bg "$NSA" 90 "$PY" "$HERE/gst_call.py" offer --dir "$SIG" --out "$WORK/offer.json" \
    --duration "$CALL_SECONDS"
OFF_PID=$WRTC_LAST_PID

rc=0
wait "$OFF_PID" || rc=$?
[ $rc = 0 ] || { echo "offerer failed ($rc)" >&2; exit 1; }
wait "$ANS_PID" || rc=$?
[ $rc = 0 ] || { echo "answerer failed ($rc)" >&2; exit 1; }
sleep 1
wrtc_capture_stop

"$PY" "$HERE/build_truth.py" "$PCAP" "$WORK/offer.json" "$WORK/answer.json" \
    "$WORK/$NAME.json" "$HERE/sdp"

chmod 644 "$PCAP" "$WORK/$NAME.json"
mv "$PCAP" "$CAPDIR/$NAME.pcapng"
mv "$WORK/$NAME.json" "$CAPDIR/$NAME.json"
echo "wrote $CAPDIR/$NAME.pcapng and $CAPDIR/$NAME.json" >&2
