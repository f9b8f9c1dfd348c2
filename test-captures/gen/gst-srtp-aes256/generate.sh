#!/bin/bash
# Regenerates test-captures/gst-srtp-aes256.pcapng and .json (run as root).
#
# SRTP/SRTCP with keys set by the generator and no signaling on the wire:
# a GStreamer rtpbin sender with libsrtp's srtpenc (namespace a256-snd,
# 198.51.100.1) sends Opus (AES_256_CM_HMAC_SHA1_80, RFC 6188), VP8
# (AES_256_CM_HMAC_SHA1_32) and a second Opus stream (AEAD_AES_256_GCM,
# RFC 7714) to a GStreamer receiver (namespace a256-rcv, 198.51.100.2) that
# decrypts with srtpdec, decodes, and answers with SRTCP receiver reports
# under its own keys. dumpcap records the sender's veth end. build_truth.py
# writes the ground truth from both sides' reports, checked against the
# capture and proven with ../lib/srtp_check.py; then the project's checker
# tests/lib/groundtruth.py must say OK. Nothing is installed otherwise.
set -euo pipefail

HERE=$(cd "$(dirname "$0")" && pwd)
CAPDIR=$(cd "$HERE/../.." && pwd)
REPO=$(cd "$CAPDIR/.." && pwd)
NAME=gst-srtp-aes256
PY=/usr/bin/python3
SECONDS_SENT=${WRTC_A256_SECONDS:-11}

[ "$(id -u)" = 0 ] || { echo "run as root" >&2; exit 1; }

# shellcheck source=../lib/netns.sh
source "$HERE/../lib/netns.sh"
wrtc_install gstreamer1.0-plugins-base gstreamer1.0-plugins-good \
             gstreamer1.0-plugins-bad gir1.2-gstreamer-1.0 \
             gir1.2-gst-plugins-base-1.0 python3-gi python3-cryptography \
             tshark wireshark-common iproute2 util-linux
WORK=$(mktemp -d /tmp/a256-srtp.XXXXXX)
cleanup() {
    wrtc_cleanup
    if [ -n "${KEEP_WORK:-}" ]; then echo "work files kept in $WORK" >&2; else rm -rf "$WORK"; fi
}
trap cleanup EXIT
export GST_REGISTRY_1_0=$WORK/gst-registry.bin   # fresh plugin registry, no stale cache

# Fresh throw-away master keys || salts for every session and direction
# (32-byte key + 14-byte salt for AES_256_CM, 32 + 12 for AEAD_AES_256_GCM).
"$PY" - "$WORK/keys.json" <<'PYEOF'
import json, secrets, sys
lens = {"0": 46, "1": 46, "2": 44}
json.dump({s: {"send": secrets.token_hex(n), "recv": secrets.token_hex(n)} for s, n in lens.items()},
          open(sys.argv[1], "w"), indent=1)
PYEOF
chmod 0644 "$WORK/keys.json"

NSS=a256-snd NSR=a256-rcv
SIP=198.51.100.1 RIP=198.51.100.2
wrtc_ns_create "$NSS"
wrtc_ns_create "$NSR"
wrtc_veth "$NSS" a256-snd "$SIP/24" "$NSR" a256-rcv "$RIP/24"

PCAP=$WORK/$NAME.pcapng
wrtc_capture_start "$NSS" a256-snd "$PCAP" 120

SYNC=$WORK/sync
mkdir -p "$SYNC"
wrtc_bg "$NSR" 90 "$PY" "$HERE/gst_srtp.py" recv --keys "$WORK/keys.json" --dir "$SYNC" \
    --local "$RIP" --remote "$SIP" --out "$WORK/receiver.json" 2> >(tee "$WORK/receiver.log" >&2)
RCV_PID=$WRTC_LAST_PID
wrtc_bg "$NSS" 90 "$PY" "$HERE/gst_srtp.py" send --keys "$WORK/keys.json" --dir "$SYNC" \
    --local "$SIP" --remote "$RIP" --out "$WORK/sender.json" --duration "$SECONDS_SENT" \
    2> >(tee "$WORK/sender.log" >&2)
SND_PID=$WRTC_LAST_PID

rc=0
wait "$SND_PID" || rc=$?
[ $rc = 0 ] || { echo "sender failed ($rc)" >&2; exit 1; }
wait "$RCV_PID" || rc=$?
[ $rc = 0 ] || { echo "receiver failed ($rc)" >&2; exit 1; }
sleep 1
wrtc_capture_stop

"$PY" "$HERE/build_truth.py" "$PCAP" "$WORK/keys.json" "$WORK/sender.json" "$WORK/receiver.json" \
    "$WORK/$NAME.json" "$HERE/last-run.txt"

# The project's independent checker (plain tshark + srtp_check.py), run on a
# scratch copy of test-captures/ before anything is installed.
mkdir -p "$WORK/repo/test-captures/gen"
cp "$PCAP" "$WORK/$NAME.json" "$WORK/repo/test-captures/"
cp -r "$HERE/../lib" "$WORK/repo/test-captures/gen/"   # srtp_check.py
WEBRTC_REPO=$WORK/repo "$PY" "$REPO/tests/lib/groundtruth.py" \
    "$WORK/repo/test-captures/$NAME.json"

size=$(stat -c %s "$PCAP")
[ "$size" -lt 1500000 ] || { echo "capture too large: $size bytes" >&2; exit 1; }

install -m 0644 "$PCAP" "$CAPDIR/$NAME.pcapng"
install -m 0644 "$WORK/$NAME.json" "$CAPDIR/$NAME.json"
echo "wrote $CAPDIR/$NAME.pcapng ($size bytes) and $CAPDIR/$NAME.json" >&2
