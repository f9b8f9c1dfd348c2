#!/bin/bash
# Regenerates test-captures/chromium-av-datachannel.pcapng and .json (run as
# root on Debian 12; see README.md in this folder).
#
# Two headless Chromiums in two namespaces (one RTCPeerConnection each, as
# gen/chromium-datachannel) with fake audio+video both ways AND a data
# channel "chat" (protocol "chat-v1") on the same BUNDLE transport (the
# m=application section joins the BUNDLE group with audio and video): SRTP,
# SRTCP and the data channel's DTLS 1.3 records on one 5-tuple. The offerer
# sends 5 chat messages 0.8 s apart (each acked) and a 32 KiB file in two
# 16 KiB binary messages with a text trailer (acked). ICE host candidates,
# no ICE servers. The capture is the offerer's interface.
set -euo pipefail

HERE=$(cd "$(dirname "$0")" && pwd)
TC=$(cd "$HERE/../.." && pwd)
REPO=$(cd "$TC/.." && pwd)
NAME=chromium-av-datachannel
CALL_SECONDS=${CALL_SECONDS:-8}
PORT=8443

# shellcheck source=../lib/netns.sh
source "$HERE/../lib/netns.sh"
# shellcheck source=../lib/chr2/common2.sh
source "$HERE/../lib/chr2/common2.sh"
[ "$(id -u)" -eq 0 ] || { echo "run as root" >&2; exit 1; }
wrtc_install --with-recommends chromium
wrtc_install tshark openssl python3 iproute2

wrtc_workdir h15v-$NAME
NS_R=h15v-r NS_A=h15v-a NS_B=h15v-b
A=192.0.2.10 B=192.0.2.70 IP_W=203.0.113.40
for ns in "$NS_R" "$NS_A" "$NS_B"; do wrtc_ns_create "$ns"; done
wrtc_veth "$NS_A" h15vA $A/26 "$NS_R" h15vRa 192.0.2.1/26
wrtc_veth "$NS_B" h15vB $B/26 "$NS_R" h15vRb 192.0.2.65/26
ip netns exec "$NS_A" ip route add default via 192.0.2.1
ip netns exec "$NS_B" ip route add default via 192.0.2.65
ip netns exec "$NS_R" sysctl -q -w net.ipv4.ip_forward=1
ip netns exec "$NS_R" ip addr add $IP_W/32 dev lo     # the page server's address
chr2_cert "$WORK" "$IP_W"
chr2_server "$NS_R" "$WORK" "$IP_W" "$PORT"

Q="media=av&bitrate=100000&dc=1&dcproto=chat-v1&chat=5&chatgap=800&file=32768&chunk=16384&dur=$CALL_SECONDS"
wrtc_capture_start "$NS_A" h15vA "$WORK/capture.pcapng" 120
chr2_chromium "$NS_B" "$WORK" answer "https://$IP_W:$PORT/?role=answer&$Q" 100
PID_B=$WRTC_LAST_PID
sleep 2
chr2_chromium "$NS_A" "$WORK" offer "https://$IP_W:$PORT/?role=offer&$Q" 100
PID_A=$WRTC_LAST_PID
chr2_wait "$WORK" 90 offer:$PID_A answer:$PID_B
sleep 1
wrtc_capture_stop
if [ -n "${NO_TRUTH:-}" ]; then KEEP_WORK=1; exit 0; fi

"$CHR2_PY" "$HERE/../lib/chr2/truth2.py" --mode avdc \
    --work "$WORK" --pcap "$WORK/capture.pcapng" --captured offer \
    --capture-name "$NAME.pcapng" --generator "gen/$NAME/generate.sh" \
    --server "$IP_W:$PORT" --software "chromium=$(chr2_version)" --min-seconds 8 \
    --dc-expected '{"chat": {"protocol": "chat-v1", "offer": {"messages": 8}, "answer": {"messages": 6}}}' \
    --description "Chromium headless in two namespaces, one RTCPeerConnection each: fake audio (Opus) and video (VP8, 100 kbit/s) both ways plus a data channel (label chat, protocol chat-v1) on one BUNDLE transport (audio, video and SCTP on one ICE/DTLS 5-tuple, rtcp-mux), DTLS 1.3; 5 chat messages 0.8 s apart each acked, then a 32 KiB file in two 16 KiB binary messages and a text trailer (acked); offer/answer over HTTPS; capture on the offerer's interface" \
    --out "$WORK/$NAME.json" --record-dir "$HERE/last-run"
# The data channel's DTLS application-data records per flow and direction.
python3 "$HERE/../lib/dtls_app_records.py" "$WORK/capture.pcapng" "$WORK/$NAME.json"
wrtc_verify_install "$REPO" "$NAME" "$WORK/capture.pcapng" "$WORK/$NAME.json" 1000000
