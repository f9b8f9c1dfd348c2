#!/bin/bash
# Regenerates test-captures/chromium-dc-turn.pcapng and .json (run as root on
# Debian 12; see README.md in this folder).
#
# Two headless Chromiums in two namespaces (one RTCPeerConnection each, no
# audio, no video), both forced through coturn (iceTransportPolicy 'relay',
# as gen/chromium-turn does for media): one data channel "chat" (protocol
# "chat-v1"); the offerer sends 20 chat messages 0.3 s apart, the answerer
# acks each. The data channel's DTLS 1.3 records travel in TURN ChannelData
# (RFC 8656 §12.4) between each peer and coturn; the relay<->relay leg stays
# inside the server's namespace. The capture is the offerer's interface.
set -euo pipefail

HERE=$(cd "$(dirname "$0")" && pwd)
TC=$(cd "$HERE/../.." && pwd)
REPO=$(cd "$TC/.." && pwd)
NAME=chromium-dc-turn
CALL_SECONDS=${CALL_SECONDS:-11}
PORT=8443
TURN_PORT=3478 TURN_USER=dct TURN_PASS=dct-secret TURN_REALM=dct.example

# shellcheck source=../lib/netns.sh
source "$HERE/../lib/netns.sh"
# shellcheck source=../lib/chr2/common2.sh
source "$HERE/../lib/chr2/common2.sh"
[ "$(id -u)" -eq 0 ] || { echo "run as root" >&2; exit 1; }
wrtc_install --with-recommends chromium
wrtc_install coturn tshark openssl python3 iproute2

wrtc_workdir h15t-$NAME
NS_R=h15t-r NS_A=h15t-a NS_B=h15t-b
A=192.0.2.10 B=192.0.2.70 IP_T=203.0.113.30 IP_W=203.0.113.40
for ns in "$NS_R" "$NS_A" "$NS_B"; do wrtc_ns_create "$ns"; done
wrtc_veth "$NS_A" h15tA $A/26 "$NS_R" h15tRa 192.0.2.1/26
wrtc_veth "$NS_B" h15tB $B/26 "$NS_R" h15tRb 192.0.2.65/26
ip netns exec "$NS_A" ip route add default via 192.0.2.1
ip netns exec "$NS_B" ip route add default via 192.0.2.65
ip netns exec "$NS_R" sysctl -q -w net.ipv4.ip_forward=1
ip netns exec "$NS_R" ip addr add $IP_T/32 dev lo     # coturn (listening and relaying)
ip netns exec "$NS_R" ip addr add $IP_W/32 dev lo     # the page server
wrtc_coturn "$NS_R" "$WORK" "$IP_T" "$TURN_PORT" "$TURN_USER" "$TURN_PASS" "$TURN_REALM" udp
chr2_cert "$WORK" "$IP_W"
chr2_server "$NS_R" "$WORK" "$IP_W" "$PORT"

Q="media=none&dc=1&dcproto=chat-v1&chat=20&chatgap=300&file=0&dur=$CALL_SECONDS&policy=relay"
Q="$Q&turn=turn%3A$IP_T%3A$TURN_PORT%3Ftransport%3Dudp&user=$TURN_USER&pass=$TURN_PASS"
wrtc_capture_start "$NS_A" h15tA "$WORK/capture.pcapng" 120
chr2_chromium "$NS_B" "$WORK" answer "https://$IP_W:$PORT/?role=answer&$Q" 100
PID_B=$WRTC_LAST_PID
sleep 2
chr2_chromium "$NS_A" "$WORK" offer "https://$IP_W:$PORT/?role=offer&$Q" 100
PID_A=$WRTC_LAST_PID
chr2_wait "$WORK" 90 offer:$PID_A answer:$PID_B
sleep 1
wrtc_capture_stop
grep -i -E 'session|allocat|channel' "$WORK/turnserver.log" | tail -40 >"$WORK/turnserver-sessions.txt" || true
if [ -n "${NO_TRUTH:-}" ]; then KEEP_WORK=1; exit 0; fi

"$CHR2_PY" "$HERE/../lib/chr2/truth2.py" --mode datachannel \
    --work "$WORK" --pcap "$WORK/capture.pcapng" --captured offer --captured-ip $A \
    --capture-name "$NAME.pcapng" --generator "gen/$NAME/generate.sh" \
    --server "$IP_W:$PORT" --turn "$IP_T:$TURN_PORT" \
    --software "chromium=$(chr2_version)" \
    --not-observable bundle --not-observable rtcp_mux --not-observable srtp \
    --dc-expected '{"chat": {"protocol": "chat-v1", "offer": {"messages": 20}, "answer": {"messages": 20}}}' \
    --software "coturn=$(turnserver --version 2>/dev/null | head -1 | tr -d '[:space:]')" \
    --description "Chromium headless in two namespaces, one RTCPeerConnection each with only a data channel (label chat, protocol chat-v1; no audio/video), iceTransportPolicy relay through coturn (UDP, long-term credentials): the data channel's DTLS 1.3 in TURN ChannelData on the offerer's leg; 20 chat messages 0.3 s apart, each acked by the answerer; offer/answer over HTTPS; capture on the offerer's interface" \
    --out "$WORK/$NAME.json" --record-dir "$HERE/last-run"
python3 "$HERE/../lib/dtls_app_records.py" "$WORK/capture.pcapng" "$WORK/$NAME.json"
wrtc_verify_install "$REPO" "$NAME" "$WORK/capture.pcapng" "$WORK/$NAME.json" 1000000
