#!/bin/bash
# Regenerates test-captures/gst-h263.{pcapng,json} (MODE=h263, the default)
# or test-captures/gst-dtmf-only.{pcapng,json} (MODE=dtmf, what
# ../gst-dtmf-only/generate.sh sets). Run as root on Debian 12; see
# README.md here and in ../gst-dtmf-only.
#
# Plain RTP with no signaling at all, one GStreamer sender (namespace
# h14c-gs-snd, 198.51.100.1) to one GStreamer receiver (h14c-gs-rcv,
# 198.51.100.2) on a veth pair; dumpcap on the sender's veth.
#   h263: H.263 (avenc_h263 ! rtph263pay, static PT 34), CIF, 15 fps, 8 s
#   dtmf: rtpdtmfsrc RFC 4733 events alone (PT 101), digits 159#
set -euo pipefail

HERE=$(cd "$(dirname "$0")" && pwd)
TC=$(cd "$HERE/../.." && pwd)
REPO=$(cd "$TC/.." && pwd)
MODE=${MODE:-h263}
PY=/usr/bin/python3
case "$MODE" in
h263) NAME=gst-h263; PORT=5004; OUT_DIR=$HERE ;;
dtmf) NAME=gst-dtmf-only; PORT=5006; OUT_DIR=$(cd "$HERE/../gst-dtmf-only" && pwd) ;;
*) echo "MODE must be h263 or dtmf" >&2; exit 2 ;;
esac

[ "$(id -u)" = 0 ] || { echo "run as root" >&2; exit 1; }
# shellcheck source=../lib/netns.sh
source "$HERE/../lib/netns.sh"
wrtc_install gstreamer1.0-plugins-base gstreamer1.0-plugins-good gstreamer1.0-libav \
             gir1.2-gstreamer-1.0 python3-gi tshark wireshark-common iproute2
wrtc_workdir h14c-$NAME
export GST_REGISTRY_1_0=$WORK/gst-registry.bin

NSS=h14c-gs-snd NSR=h14c-gs-rcv SIP=198.51.100.1 RIP=198.51.100.2
wrtc_ns_create "$NSS"
wrtc_ns_create "$NSR"
wrtc_veth "$NSS" h14cGs "$SIP/24" "$NSR" h14cGr "$RIP/24"

wrtc_capture_start "$NSS" h14cGs "$WORK/capture.pcapng" 90
wrtc_bg "$NSR" 60 "$PY" "$HERE/gst_static.py" "recv-$MODE" --port $PORT --out "$WORK/receiver.json" \
    2> >(tee "$WORK/receiver.log" >&2)
RCV_PID=$WRTC_LAST_PID
sleep 1
if [ "$MODE" = h263 ]; then
    wrtc_bg "$NSS" 60 "$PY" "$HERE/gst_static.py" send-h263 --remote $RIP --port $PORT --seconds 8 \
        --ssrc 0x2630a1c7 --seq 4711 --ts 1000000 --out "$WORK/sender.json" 2> >(tee "$WORK/sender.log" >&2)
else
    wrtc_bg "$NSS" 60 "$PY" "$HERE/gst_static.py" send-dtmf --remote $RIP --port $PORT --digits '159#' \
        --redundancy "${DTMF_REDUNDANCY:-3}" --ptime "${DTMF_PTIME:-50}" --ssrc 0x5eedd7f1 --seq 20000 --ts 160000 \
        --out "$WORK/sender.json" 2> >(tee "$WORK/sender.log" >&2)
fi
wrtc_wait "$WRTC_LAST_PID" sender
wrtc_wait "$RCV_PID" receiver
sleep 0.5
wrtc_capture_stop
if [ -n "${NO_TRUTH:-}" ]; then KEEP_WORK=1; exit 0; fi

"$PY" "$HERE/build_truth.py" --mode "$MODE" --pcap "$WORK/capture.pcapng" --sender "$WORK/sender.json" \
    --receiver "$WORK/receiver.json" --capture-name "$NAME.pcapng" --generator "gen/$NAME/generate.sh" \
    --out "$WORK/$NAME.json" --record-dir "$OUT_DIR/last-run"
wrtc_verify_install "$REPO" "$NAME" "$WORK/capture.pcapng" "$WORK/$NAME.json" 1500000
