#!/bin/bash
# Regenerates test-captures/chromium-turn.pcapng and chromium-turn.json.
# Run as root on Debian 12. Everything (HTTPS server, coturn, Chromium, the
# capture) runs in the network namespace wrtc-chr-turn, where only lo is up:
# all addresses are 127.0.0.1, so the capture on lo holds both the
# client<->TURN legs (ChannelData) and the relay<->relay leg inside the server
# host. See README.md in this folder.
set -euo pipefail

HERE=$(cd "$(dirname "$0")" && pwd)
TC=$(cd "$HERE/../.." && pwd)              # test-captures/
P2P=$(cd "$HERE/../chromium-p2p" && pwd)   # shared page, server, checker
NAME=chromium-turn
NS=wrtc-chr-turn
PORT=8443
TURN_PORT=3478
TURN_USER=wrtc
TURN_PASS=wrtc-secret
TURN_REALM=wrtc.example
RELAY_MIN=50000
RELAY_MAX=50099
CALL_SECONDS=${CALL_SECONDS:-11}

# shellcheck source=../lib/netns.sh
source "$HERE/../lib/netns.sh"
# shellcheck source=../chromium-p2p/common.sh
source "$P2P/common.sh"

[ "$(id -u)" -eq 0 ] || { echo "run as root" >&2; exit 1; }
chr_install chromium coturn tshark openssl python3 iproute2

WORK=$(mktemp -d /tmp/wrtc-$NAME.XXXXXX)
cleanup() {
    wrtc_cleanup
    if [ -n "${KEEP_WORK:-}" ]; then echo "work dir kept: $WORK" >&2; else rm -rf "$WORK"; fi
}
trap cleanup EXIT

wrtc_ns_create "$NS"
chr_cert "$WORK"

# coturn: long-term credentials, UDP only, loopback relay addresses.
# It refuses loopback peers by default; the relay<->relay leg is 127.0.0.1
# to 127.0.0.1, hence allow-loopback-peers.
cat >"$WORK/turnserver.conf" <<EOF
listening-ip=127.0.0.1
relay-ip=127.0.0.1
listening-port=$TURN_PORT
min-port=$RELAY_MIN
max-port=$RELAY_MAX
lt-cred-mech
user=$TURN_USER:$TURN_PASS
realm=$TURN_REALM
fingerprint
allow-loopback-peers
no-multicast-peers
no-tls
no-dtls
no-tcp
no-tcp-relay
no-cli
no-rfc5780
userdb=$WORK/turndb
pidfile=$WORK/turnserver.pid
log-file=$WORK/turnserver.log
simple-log
verbose
EOF
wrtc_bg "$NS" 180 turnserver -c "$WORK/turnserver.conf" >"$WORK/turnserver.out" 2>&1
TURN_PID=$WRTC_LAST_PID
for i in $(seq 1 100); do
    ip netns exec "$NS" ss -Hlun "sport = :$TURN_PORT" | grep -q . && break
    kill -0 "$TURN_PID" 2>/dev/null || { cat "$WORK/turnserver.out" >&2; echo "turnserver died" >&2; exit 1; }
    sleep 0.1
done
ip netns exec "$NS" ss -Hlun "sport = :$TURN_PORT" | grep -q . || { echo "turnserver not listening" >&2; exit 1; }

chr_start_server "$NS" "$WORK" "$PORT"

TURN_URL="turn%3A127.0.0.1%3A$TURN_PORT%3Ftransport%3Dudp"
wrtc_capture_start "$NS" lo "$WORK/capture.pcapng" 120
chr_run_chromium "$NS" "$WORK" \
    "https://127.0.0.1:$PORT/?dur=$CALL_SECONDS&bitrate=300000&policy=relay&turn=$TURN_URL&user=$TURN_USER&pass=$TURN_PASS" 90
sleep 1
wrtc_capture_stop

CHROMIUM_VERSION=$(chr_chromium_version)
COTURN_VERSION=$(turnserver --version 2>/dev/null | head -1 | tr -d '[:space:]')
"$CHR_PY" "$P2P/groundtruth.py" --mode turn \
    --results "$WORK/results.json" --pcap "$WORK/capture.pcapng" \
    --capture-name "$NAME.pcapng" --generator "gen/$NAME/generate.sh" \
    --server "127.0.0.1:$PORT" --turn "127.0.0.1:$TURN_PORT" \
    --software "chromium=$CHROMIUM_VERSION" --software "coturn=$COTURN_VERSION" \
    --description "Chromium headless, one page with two RTCPeerConnections, iceTransportPolicy relay through coturn (UDP, long-term credentials) on 127.0.0.1:$TURN_PORT; media in TURN ChannelData on both client legs and plain UDP between the two relayed addresses; audio+video both ways, default BUNDLE, rtcp-mux, DTLS-SRTP; offer/answer POSTed over HTTPS; DTMF 123# from pc1" \
    --out "$WORK/out.json" --record-dir "$HERE/last-run"

grep -i -E 'software|version' "$WORK/turnserver.log" | head -3 >&2 || true
cp "$WORK/capture.pcapng" "$TC/$NAME.pcapng"
cp "$WORK/out.json" "$TC/$NAME.json"
chmod 644 "$TC/$NAME.pcapng" "$TC/$NAME.json"
echo "wrote $TC/$NAME.pcapng ($(stat -c %s "$TC/$NAME.pcapng") bytes) and $TC/$NAME.json" >&2
