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

[ "$(id -u)" = 0 ] || { echo "run as root" >&2; exit 1; }
HERE=$(cd "$(dirname "$0")" && pwd)
REPO=$(cd "$HERE/../../.." && pwd)
# shellcheck source=../lib/netns.sh
source "$HERE/../lib/netns.sh"
wrtc_install gstreamer1.0-plugins-base gstreamer1.0-plugins-good \
             gstreamer1.0-plugins-bad gir1.2-gstreamer-1.0 \
             gir1.2-gst-plugins-base-1.0 python3-gi python3-cryptography \
             tshark wireshark-common iproute2 util-linux
wrtc_workdir a256-srtp
export GST_REGISTRY_1_0=$WORK/gst-registry.bin   # fresh plugin registry, no stale cache

# Fresh throw-away master keys || salts for every session and direction
# (32-byte key + 14-byte salt for AES_256_CM, 32 + 12 for AEAD_AES_256_GCM).
/usr/bin/python3 - "$WORK/keys.json" <<'PYEOF'
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

PCAP=$WORK/gst-srtp-aes256.pcapng
wrtc_capture_start "$NSS" a256-snd "$PCAP" 120

SYNC=$WORK/sync
mkdir -p "$SYNC"
wrtc_bg "$NSR" 90 /usr/bin/python3 "$HERE/gst_srtp.py" recv --keys "$WORK/keys.json" --dir "$SYNC" \
    --local "$RIP" --remote "$SIP" --out "$WORK/receiver.json" 2> >(tee "$WORK/receiver.log" >&2)
RCV_PID=$WRTC_LAST_PID
wrtc_bg "$NSS" 90 /usr/bin/python3 "$HERE/gst_srtp.py" send --keys "$WORK/keys.json" --dir "$SYNC" \
    --local "$SIP" --remote "$RIP" --out "$WORK/sender.json" --duration "${WRTC_A256_SECONDS:-11}" \
    2> >(tee "$WORK/sender.log" >&2)
SND_PID=$WRTC_LAST_PID

wrtc_wait "$SND_PID" sender
wrtc_wait "$RCV_PID" receiver
sleep 1
wrtc_capture_stop

/usr/bin/python3 "$HERE/build_truth.py" "$PCAP" "$WORK/keys.json" "$WORK/sender.json" \
    "$WORK/receiver.json" "$WORK/truth.json" "$HERE/last-run.txt"
wrtc_verify_install "$REPO" gst-srtp-aes256 "$PCAP" "$WORK/truth.json" 1500000
