#!/bin/bash
# Regenerates test-captures/chromium-p2p.pcapng and chromium-p2p.json.
# Run as root on Debian 12. Everything runs in the network namespace
# wrtc-chr-p2p (only lo up, 127.0.0.1); nothing leaves the machine.
# See README.md in this folder.
set -euo pipefail

HERE=$(cd "$(dirname "$0")" && pwd)
TC=$(cd "$HERE/../.." && pwd)              # test-captures/
NAME=chromium-p2p
NS=wrtc-chr-p2p
PORT=8443
CALL_SECONDS=${CALL_SECONDS:-12}

# shellcheck source=../lib/netns.sh
source "$HERE/../lib/netns.sh"
# shellcheck source=common.sh
source "$HERE/common.sh"

[ "$(id -u)" -eq 0 ] || { echo "run as root" >&2; exit 1; }
wrtc_install --with-recommends chromium tshark openssl python3 iproute2

WORK=$(mktemp -d /tmp/wrtc-$NAME.XXXXXX)
cleanup() {
    wrtc_cleanup
    if [ -n "${KEEP_WORK:-}" ]; then echo "work dir kept: $WORK" >&2; else rm -rf "$WORK"; fi
}
trap cleanup EXIT

wrtc_ns_create "$NS"
chr_cert "$WORK"
chr_start_server "$NS" "$WORK" "$PORT"

wrtc_capture_start "$NS" lo "$WORK/capture.pcapng" 120
chr_run_chromium "$NS" "$WORK" "https://127.0.0.1:$PORT/?dur=$CALL_SECONDS&bitrate=300000" 90
sleep 1
wrtc_capture_stop

CHROMIUM_VERSION=$(chr_chromium_version)
"$CHR_PY" "$HERE/groundtruth.py" --mode p2p \
    --results "$WORK/results.json" --pcap "$WORK/capture.pcapng" \
    --capture-name "$NAME.pcapng" --generator "gen/$NAME/generate.sh" \
    --server "127.0.0.1:$PORT" \
    --software "chromium=$CHROMIUM_VERSION" \
    --description "Chromium headless, one page with two RTCPeerConnections (pc1 offers, pc2 answers), audio+video both ways, default BUNDLE, rtcp-mux, DTLS-SRTP, host candidates on 127.0.0.1; offer/answer POSTed over HTTPS to the page's server; DTMF 123# from pc1" \
    --out "$WORK/out.json" --record-dir "$HERE/last-run"

cp "$WORK/capture.pcapng" "$TC/$NAME.pcapng"
cp "$WORK/out.json" "$TC/$NAME.json"
chmod 644 "$TC/$NAME.pcapng" "$TC/$NAME.json"
echo "wrote $TC/$NAME.pcapng ($(stat -c %s "$TC/$NAME.pcapng") bytes) and $TC/$NAME.json" >&2
