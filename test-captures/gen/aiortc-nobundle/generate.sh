#!/bin/bash
# Regenerates test-captures/aiortc-nobundle.pcapng and .json (run as root).
#
# Two aiortc peers (aio_call.py), each in its own network namespace
# (wrtc-aio-a: offerer 192.0.2.1, wrtc-aio-b: answerer 192.0.2.2) joined by a
# veth pair; audio (Opus) + video (VP8) without BUNDLE, ~12 s. dumpcap records
# the veth in wrtc-aio-a for the whole run. build_truth.py then writes the
# ground truth from what the peers reported and verifies it against the
# capture with plain tshark; nothing is installed in test-captures/ unless
# that verification passes. See README.md.
set -euo pipefail

HERE=$(cd "$(dirname "$0")" && pwd)
CAPDIR=$(cd "$HERE/../.." && pwd)
NAME=aiortc-nobundle
PY=/usr/bin/python3
CALL_SECONDS=${WRTC_AIO_CALL_SECONDS:-12}
# Percentage of video RTP packets dropped at the receiving namespace's input
# hook (after the capture point), so receivers send NACKs and senders RTX.
VIDEO_LOSS_PCT=${WRTC_AIO_VIDEO_LOSS_PCT:-2}

[ "$(id -u)" = 0 ] || { echo "run as root" >&2; exit 1; }

# --- Debian packages -------------------------------------------------------
# --- namespaces ---------------------------------------------------------------
# shellcheck source=../lib/netns.sh
source "$HERE/../lib/netns.sh"
wrtc_install python3-aiortc python3-numpy python3-av tshark wireshark-common \
             nftables iproute2
WORK=$(mktemp -d /tmp/wrtc-aio.XXXXXX)
cleanup() { wrtc_cleanup; rm -rf "$WORK"; }
trap cleanup EXIT

NSA=wrtc-aio-a NSB=wrtc-aio-b
wrtc_ns_create "$NSA"
wrtc_ns_create "$NSB"
wrtc_veth "$NSA" aio-va 192.0.2.1/24 "$NSB" aio-vb 192.0.2.2/24

if [ "$VIDEO_LOSS_PCT" != 0 ]; then
    # RTP (first payload byte 10xxxxxx) in UDP datagrams > 300 bytes is video here.
    for ns in "$NSA" "$NSB"; do
        ip netns exec "$ns" nft -f - <<NFT
table inet wrtc_loss {
    chain in {
        type filter hook input priority 0; policy accept;
        udp length > 300 @th,64,2 2 numgen random mod 100 < $VIDEO_LOSS_PCT counter drop
    }
}
NFT
    done
fi

# --- call ------------------------------------------------------------------------
PCAP=$WORK/$NAME.pcapng
wrtc_capture_start "$NSA" aio-va "$PCAP" 120

SOCK=$WORK/signaling.sock
wrtc_bg "$NSB" 90 "$PY" "$HERE/aio_call.py" answer --sock "$SOCK" --out "$WORK/answer.json"
ANS_PID=$WRTC_LAST_PID
for _ in $(seq 1 100); do [ -S "$SOCK" ] && break; sleep 0.1; done
[ -S "$SOCK" ] || { echo "answerer did not start" >&2; exit 1; }
wrtc_bg "$NSA" 90 "$PY" "$HERE/aio_call.py" offer --sock "$SOCK" --out "$WORK/offer.json" \
    --duration "$CALL_SECONDS"
OFF_PID=$WRTC_LAST_PID

rc=0
wait "$OFF_PID" || rc=$?
[ $rc = 0 ] || { echo "offerer failed ($rc)" >&2; exit 1; }
wait "$ANS_PID" || rc=$?
[ $rc = 0 ] || { echo "answerer failed ($rc)" >&2; exit 1; }
sleep 1
wrtc_capture_stop

if [ "$VIDEO_LOSS_PCT" != 0 ]; then
    for ns in "$NSA" "$NSB"; do
        echo "video drop counter in $ns: $(ip netns exec "$ns" nft list chain inet wrtc_loss in | grep -o 'packets [0-9]*')" >&2
    done
fi

# --- ground truth + verification ----------------------------------------------------
"$PY" "$HERE/build_truth.py" "$PCAP" "$WORK/offer.json" "$WORK/answer.json" \
    "$WORK/$NAME.json" "$HERE/sdp"

chmod 644 "$PCAP" "$WORK/$NAME.json"
mv "$PCAP" "$CAPDIR/$NAME.pcapng"
mv "$WORK/$NAME.json" "$CAPDIR/$NAME.json"
echo "wrote $CAPDIR/$NAME.pcapng and $CAPDIR/$NAME.json" >&2
