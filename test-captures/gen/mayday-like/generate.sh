#!/bin/bash
# Regenerates test-captures/mayday-like.pcapng and mayday-like.json (run as
# root on Debian 12). One run, one client host, two legs at the same time:
#
#   * a classic SIP call from the client to an "edge": baresip to baresip,
#     plain RTP/AVP (PCMU), RTCP on port+1 (../baresip-sip/baresip.sh);
#   * a WebRTC video leg from the same client to an "agent", relayed through
#     coturn: two GStreamer webrtcbin peers (../gst-webrtcbin/gst_call.py,
#     --media video), the client with turn-server + ice-transport-policy
#     relay, so all its media goes through TURN (ICE, DTLS-SRTP, VP8).
#
# Five namespaces (README.md has the picture): a router h4a-my-rtr joins
# client 192.0.2.10, edge 198.51.100.20, agent 198.51.100.140 and the TURN
# server 203.0.113.30 by veth pairs. dumpcap records the client's interface
# only, as a capture on the customer's device would. The two legs'
# signaling never meets on the wire: SIP for the audio, files for the
# webrtcbin offer/answer (an app's own, invisible signaling).
# build_truth.py writes the ground truth from what the stacks said and
# checks it against the capture with plain tshark.
set -euo pipefail

HERE=$(cd "$(dirname "$0")" && pwd)
TC=$(cd "$HERE/../.." && pwd)
NAME=mayday-like
SIP_DIR=$(cd "$HERE/../baresip-sip" && pwd)
GST_DIR=$(cd "$HERE/../gst-webrtcbin" && pwd)
CALL_SECONDS=${CALL_SECONDS:-10}      # both legs, from their establishment
PY=/usr/bin/python3

[ "$(id -u)" = 0 ] || { echo "run as root" >&2; exit 1; }

# shellcheck source=../lib/netns.sh
source "$HERE/../lib/netns.sh"
# shellcheck source=../baresip-sip/baresip.sh
source "$SIP_DIR/baresip.sh"
wrtc_install baresip-core sox coturn gstreamer1.0-plugins-base gstreamer1.0-plugins-good \
             gstreamer1.0-plugins-bad gstreamer1.0-nice gir1.2-gstreamer-1.0 \
             gir1.2-gst-plugins-base-1.0 gir1.2-gst-plugins-bad-1.0 python3-gi \
             tshark wireshark-common iproute2 python3

WORK=$(mktemp -d /tmp/wrtc-$NAME.XXXXXX)
finish() {
    wrtc_cleanup
    if [ -n "${KEEP_WORK:-}" ]; then echo "work files kept in $WORK" >&2; else rm -rf "$WORK"; fi
}
trap finish EXIT
export GST_REGISTRY_1_0=$WORK/gst-registry.bin

NS_R=h4a-my-rtr NS_C=h4a-my-cli NS_E=h4a-my-edge NS_A=h4a-my-agent NS_T=h4a-my-turn
IP_C=192.0.2.10 IP_E=198.51.100.20 IP_A=198.51.100.140 IP_T=203.0.113.30
TURN_PORT=3478 TURN_USER=mayday TURN_PASS=mayday-secret TURN_REALM=edge.example
for ns in "$NS_R" "$NS_C" "$NS_E" "$NS_A" "$NS_T"; do wrtc_ns_create "$ns"; done
wrtc_veth "$NS_C" my-cli "$IP_C/24" "$NS_R" my-r-cli 192.0.2.1/24
wrtc_veth "$NS_E" my-edge "$IP_E/25" "$NS_R" my-r-edge 198.51.100.1/25
wrtc_veth "$NS_A" my-agent "$IP_A/25" "$NS_R" my-r-agent 198.51.100.129/25
wrtc_veth "$NS_T" my-turn "$IP_T/24" "$NS_R" my-r-turn 203.0.113.1/24
ip netns exec "$NS_R" sysctl -q -w net.ipv4.ip_forward=1
ip netns exec "$NS_C" ip route add default via 192.0.2.1
ip netns exec "$NS_E" ip route add default via 198.51.100.1
ip netns exec "$NS_A" ip route add default via 198.51.100.129
ip netns exec "$NS_T" ip route add default via 203.0.113.1

# --- coturn: long-term credentials, UDP only, relays on its own address ----
wrtc_coturn "$NS_T" "$WORK" "$IP_T" "$TURN_PORT" "$TURN_USER" "$TURN_PASS" "$TURN_REALM" udp

# --- baresip: the client calls the edge ----------------------------------
bsip_wav "$WORK/in.wav"
bsip_conf "$WORK/client" "$IP_C" customer my-cli "$WORK/in.wav"
bsip_conf "$WORK/edge" "$IP_E" edge my-edge "$WORK/in.wav"

wrtc_capture_start "$NS_C" my-cli "$WORK/capture.pcapng" 90

wrtc_bg "$NS_E" 60 baresip -4 -v -s -f "$WORK/edge" > "$WORK/edge.log" 2>&1
PID_E=$WRTC_LAST_PID
wrtc_bg "$NS_C" 60 baresip -4 -v -s -f "$WORK/client" > "$WORK/client.log" 2>&1
PID_C=$WRTC_LAST_PID

# --- webrtcbin: the agent answers, the client offers through TURN --------
SIG=$WORK/signaling
mkdir -p "$SIG"
wrtc_bg "$NS_A" 60 "$PY" "$GST_DIR/gst_call.py" answer --media video \
    --dir "$SIG" --out "$WORK/answer.json" 2>"$WORK/answer.log"
ANS_PID=$WRTC_LAST_PID
wrtc_bg "$NS_C" 60 "$PY" "$GST_DIR/gst_call.py" offer --media video \
    --turn "turn://$TURN_USER:$TURN_PASS@$IP_T:$TURN_PORT" --relay \
    --dir "$SIG" --out "$WORK/offer.json" --duration "$CALL_SECONDS" 2>"$WORK/offer.log"
OFF_PID=$WRTC_LAST_PID

# The SIP call, meanwhile: dial, no digits, hang up after CALL_SECONDS.
ip netns exec "$NS_C" timeout 60 "$PY" "$SIP_DIR/ctl.py" 127.0.0.1:4444 "sip:edge@$IP_E" \
    "" "$CALL_SECONDS" "$WORK/ctl-client.jsonl"
wait "$PID_C" || true
bsip_quit "$NS_E"
wait "$PID_E" || true
rc=0
wait "$OFF_PID" || rc=$?
[ $rc = 0 ] || { cat "$WORK/offer.log" >&2; echo "webrtcbin offerer failed ($rc)" >&2; exit 1; }
wait "$ANS_PID" || rc=$?
[ $rc = 0 ] || { cat "$WORK/answer.log" >&2; echo "webrtcbin answerer failed ($rc)" >&2; exit 1; }
sleep 1
wrtc_capture_stop
if [ -n "${NO_TRUTH:-}" ]; then KEEP_WORK=1; exit 0; fi

# --- ground truth ----------------------------------------------------------
"$PY" "$HERE/build_truth.py" --work "$WORK" --pcap "$WORK/capture.pcapng" \
    --client "$IP_C" --edge "$IP_E" --agent "$IP_A" --turn "$IP_T:$TURN_PORT" \
    --coturn-version "$(turnserver --version 2>/dev/null | head -1 | tr -d '[:space:]')" \
    --out "$WORK/$NAME.json" --sdp-dir "$HERE/sdp"
install -m 0644 "$WORK/capture.pcapng" "$TC/$NAME.pcapng"
install -m 0644 "$WORK/$NAME.json" "$TC/$NAME.json"
echo "wrote $TC/$NAME.pcapng ($(stat -c %s "$TC/$NAME.pcapng") bytes) and $TC/$NAME.json" >&2
