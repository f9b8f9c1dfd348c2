#!/bin/bash
# Regenerates test-captures/chromium-turn.pcapng and chromium-turn.json, or,
# with TURN_TRANSPORT=tcp (what ../chromium-turn-tcp/generate.sh sets),
# chromium-turn-tcp.pcapng/.json: the same call with Chromium reaching coturn
# over TCP (turn:...?transport=tcp; ChannelData framed on the TCP streams,
# RFC 8656 §12.5; the relay side stays UDP).
# Run as root on Debian 12. Everything (HTTPS server, coturn, Chromium, the
# capture) runs in one network namespace where only lo is up: all addresses
# are 127.0.0.1, so the capture on lo holds both the client<->TURN legs
# (ChannelData) and the relay<->relay leg inside the server host. See
# README.md in this folder (and in ../chromium-turn-tcp).
set -euo pipefail

HERE=$(cd "$(dirname "$0")" && pwd)
TC=$(cd "$HERE/../.." && pwd)              # test-captures/
P2P=$(cd "$HERE/../chromium-p2p" && pwd)   # shared page, server, checker
TURN_TRANSPORT=${TURN_TRANSPORT:-udp}
case "$TURN_TRANSPORT" in
udp) NAME=chromium-turn; NS=wrtc-chr-turn; CALL_SECONDS=${CALL_SECONDS:-11}
     OUT_DIR=$HERE; TRUTH=("$P2P/groundtruth.py" --mode turn) ;;
tcp) NAME=chromium-turn-tcp; NS=wrtc-ctt; CALL_SECONDS=${CALL_SECONDS:-10}
     OUT_DIR=$(cd "$HERE/../chromium-turn-tcp" && pwd)
     TRUTH=("$OUT_DIR/groundtruth_tcp.py") ;;
*) echo "TURN_TRANSPORT must be udp or tcp" >&2; exit 2 ;;
esac
PORT=8443
TURN_PORT=3478
TURN_USER=wrtc
TURN_PASS=wrtc-secret
TURN_REALM=wrtc.example

# shellcheck source=../lib/netns.sh
source "$HERE/../lib/netns.sh"
# shellcheck source=../chromium-p2p/common.sh
source "$P2P/common.sh"

[ "$(id -u)" -eq 0 ] || { echo "run as root" >&2; exit 1; }
wrtc_install --with-recommends chromium coturn tshark openssl python3 iproute2

WORK=$(mktemp -d /tmp/wrtc-$NAME.XXXXXX)
cleanup() {
    wrtc_cleanup
    if [ -n "${KEEP_WORK:-}" ]; then echo "work dir kept: $WORK" >&2; else rm -rf "$WORK"; fi
}
trap cleanup EXIT

wrtc_ns_create "$NS"
chr_cert "$WORK"

# coturn: long-term credentials, clients over UDP (or TCP as well), relay
# over UDP only (no-tcp-relay: RFC 6062 TCP allocations are not wanted),
# loopback relay addresses. It refuses loopback peers by default; the
# relay<->relay leg is 127.0.0.1 to 127.0.0.1, hence allow-loopback-peers.
wrtc_coturn "$NS" "$WORK" 127.0.0.1 "$TURN_PORT" "$TURN_USER" "$TURN_PASS" "$TURN_REALM" \
    "$TURN_TRANSPORT" allow-loopback-peers

chr_start_server "$NS" "$WORK" "$PORT"

TURN_URL="turn%3A127.0.0.1%3A$TURN_PORT%3Ftransport%3D$TURN_TRANSPORT"
wrtc_capture_start "$NS" lo "$WORK/capture.pcapng" 120
chr_run_chromium "$NS" "$WORK" \
    "https://127.0.0.1:$PORT/?dur=$CALL_SECONDS&bitrate=300000&policy=relay&turn=$TURN_URL&user=$TURN_USER&pass=$TURN_PASS" 90
sleep 1
wrtc_capture_stop
# coturn's view of the sessions (allocations, client sockets) for README/debugging
grep -i -E 'session|allocat|channel|tcp' "$WORK/turnserver.log" | tail -40 >"$WORK/turnserver-sessions.txt" || true
if [ -n "${NO_TRUTH:-}" ]; then KEEP_WORK=1; exit 0; fi

if [ "$TURN_TRANSPORT" = tcp ]; then
    HOW="reached over TCP (turn:127.0.0.1:$TURN_PORT?transport=tcp, long-term credentials), UDP relay; media in TURN ChannelData framed on both client TCP connections (RFC 8656 12.5)"
else
    HOW="(UDP, long-term credentials) on 127.0.0.1:$TURN_PORT; media in TURN ChannelData on both client legs"
fi
CHROMIUM_VERSION=$(chr_chromium_version)
COTURN_VERSION=$(turnserver --version 2>/dev/null | head -1 | tr -d '[:space:]')
"$CHR_PY" "${TRUTH[@]}" \
    --results "$WORK/results.json" --pcap "$WORK/capture.pcapng" \
    --capture-name "$NAME.pcapng" --generator "gen/$NAME/generate.sh" \
    --server "127.0.0.1:$PORT" --turn "127.0.0.1:$TURN_PORT" \
    --software "chromium=$CHROMIUM_VERSION" --software "coturn=$COTURN_VERSION" \
    --description "Chromium headless, one page with two RTCPeerConnections, iceTransportPolicy relay through coturn $HOW and plain UDP between the two relayed addresses; audio+video both ways, default BUNDLE, rtcp-mux, DTLS-SRTP; offer/answer POSTed over HTTPS; DTMF 123# from pc1" \
    --out "$WORK/out.json" --record-dir "$OUT_DIR/last-run"

grep -i -E 'software|version' "$WORK/turnserver.log" | head -3 >&2 || true
cp "$WORK/capture.pcapng" "$TC/$NAME.pcapng"
cp "$WORK/out.json" "$TC/$NAME.json"
chmod 644 "$TC/$NAME.pcapng" "$TC/$NAME.json"
echo "wrote $TC/$NAME.pcapng ($(stat -c %s "$TC/$NAME.pcapng") bytes) and $TC/$NAME.json" >&2
