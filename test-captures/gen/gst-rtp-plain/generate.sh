#!/bin/bash
# Regenerates test-captures/gst-rtp-plain.pcapng and .json (run as root).
#
# Plain, unencrypted RTP with no signaling on the wire: a GStreamer rtpbin
# sender (namespace wrtc-grp-snd, 198.51.100.1) sends Opus on dynamic PT 100
# (UDP 5004, RTCP 5005) and VP8 on dynamic PT 101 (UDP 5006, RTCP 5007) to a
# GStreamer rtpbin receiver (namespace wrtc-grp-rcv, 198.51.100.2), which
# depayloads, decodes and answers with RTCP receiver reports. dumpcap records
# the sender's veth end for the whole run. build_truth.py writes the ground
# truth from what both GStreamer sides reported and checks it against the
# capture (own pcapng parser and plain tshark); then the project's checker
# tests/lib/groundtruth.py must say OK. Nothing is installed otherwise.
set -euo pipefail

HERE=$(cd "$(dirname "$0")" && pwd)
CAPDIR=$(cd "$HERE/../.." && pwd)
REPO=$(cd "$CAPDIR/.." && pwd)
NAME=gst-rtp-plain
PY=/usr/bin/python3
SECONDS_SENT=${WRTC_GRP_SECONDS:-11}

[ "$(id -u)" = 0 ] || { echo "run as root" >&2; exit 1; }

# shellcheck source=../lib/netns.sh
source "$HERE/../lib/netns.sh"
wrtc_install gstreamer1.0-plugins-base gstreamer1.0-plugins-good \
             gstreamer1.0-plugins-bad gir1.2-gstreamer-1.0 \
             gir1.2-gst-plugins-base-1.0 python3-gi tshark wireshark-common \
             iproute2 util-linux
WORK=$(mktemp -d /tmp/wrtc-grp.XXXXXX)
cleanup() {
    wrtc_cleanup
    if [ -n "${KEEP_WORK:-}" ]; then echo "work files kept in $WORK" >&2; else rm -rf "$WORK"; fi
}
trap cleanup EXIT
export GST_REGISTRY_1_0=$WORK/gst-registry.bin   # fresh plugin registry, no stale cache

NSS=wrtc-grp-snd NSR=wrtc-grp-rcv
SIP=198.51.100.1 RIP=198.51.100.2
wrtc_ns_create "$NSS"
wrtc_ns_create "$NSR"
wrtc_veth "$NSS" grp-snd "$SIP/24" "$NSR" grp-rcv "$RIP/24"

PCAP=$WORK/$NAME.pcapng
wrtc_capture_start "$NSS" grp-snd "$PCAP" 120

SYNC=$WORK/sync
mkdir -p "$SYNC"
wrtc_bg "$NSR" 90 "$PY" "$HERE/gst_rtp.py" recv --dir "$SYNC" --local "$RIP" --remote "$SIP" \
    --out "$WORK/receiver.json" 2> >(tee "$WORK/receiver.log" >&2)
RCV_PID=$WRTC_LAST_PID
wrtc_bg "$NSS" 90 "$PY" "$HERE/gst_rtp.py" send --dir "$SYNC" --local "$SIP" --remote "$RIP" \
    --out "$WORK/sender.json" --duration "$SECONDS_SENT" 2> >(tee "$WORK/sender.log" >&2)
SND_PID=$WRTC_LAST_PID

rc=0
wait "$SND_PID" || rc=$?
[ $rc = 0 ] || { echo "sender failed ($rc)" >&2; exit 1; }
wait "$RCV_PID" || rc=$?
[ $rc = 0 ] || { echo "receiver failed ($rc)" >&2; exit 1; }
sleep 1
wrtc_capture_stop

"$PY" "$HERE/build_truth.py" "$PCAP" "$WORK/sender.json" "$WORK/receiver.json" \
    "$WORK/$NAME.json" "$HERE/sdp"

# The project's independent checker (plain tshark, Decode As on the flows'
# ports), run on a scratch copy of test-captures/ (with gen/lib, which it
# imports) before anything is installed; then the size limit.
wrtc_verify_install "$REPO" "$NAME" "$PCAP" "$WORK/$NAME.json" 3000000

# What plain tshark shows (the README's motivation), for the record.
F=$CAPDIR/$NAME.pcapng
echo "== plain tshark, no Decode As: protocol column" >&2
tshark -r "$F" -T fields -e _ws.col.Protocol 2>/dev/null | sort | uniq -c >&2
echo "== plain tshark, Decode As RTP on 5004/5006: SSRC, PT, protocol column" >&2
tshark -r "$F" -d udp.port==5004,rtp -d udp.port==5006,rtp -Y rtp \
    -T fields -e rtp.ssrc -e rtp.p_type -e _ws.col.Protocol 2>/dev/null | sort | uniq -c >&2
