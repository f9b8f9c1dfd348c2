#!/bin/bash
# Regenerates test-captures/chromium-datachannel.pcapng and .json (run as
# root on Debian 12; see README.md in this folder).
#
# Two headless Chromiums in two namespaces (one RTCPeerConnection each, no
# audio, no video): the offerer creates one data channel "chat", sends five
# chat messages a second apart (the answerer acks each), then a small
# file-like burst (3 x 16 KiB binary messages and a text trailer). ICE
# (host candidates, no ICE servers), DTLS 1.3, SCTP inside DTLS. The
# capture is the offerer's interface.
set -euo pipefail

HERE=$(cd "$(dirname "$0")" && pwd)
TC=$(cd "$HERE/../.." && pwd)
REPO=$(cd "$TC/.." && pwd)
NAME=chromium-datachannel
CALL_SECONDS=${CALL_SECONDS:-10}
PORT=8443

# shellcheck source=../lib/netns.sh
source "$HERE/../lib/netns.sh"
# shellcheck source=../lib/chr2/common2.sh
source "$HERE/../lib/chr2/common2.sh"
[ "$(id -u)" -eq 0 ] || { echo "run as root" >&2; exit 1; }
wrtc_install --with-recommends chromium
wrtc_install tshark openssl python3 iproute2

wrtc_workdir h14c-$NAME
NS_R=h14c-dc-r NS_A=h14c-dc-a NS_B=h14c-dc-b
A=192.0.2.10 B=192.0.2.70 IP_W=203.0.113.40
for ns in "$NS_R" "$NS_A" "$NS_B"; do wrtc_ns_create "$ns"; done
wrtc_veth "$NS_A" h14cDa $A/26 "$NS_R" h14cDra 192.0.2.1/26
wrtc_veth "$NS_B" h14cDb $B/26 "$NS_R" h14cDrb 192.0.2.65/26
ip netns exec "$NS_A" ip route add default via 192.0.2.1
ip netns exec "$NS_B" ip route add default via 192.0.2.65
ip netns exec "$NS_R" sysctl -q -w net.ipv4.ip_forward=1
ip netns exec "$NS_R" ip addr add $IP_W/32 dev lo     # the page server's address
chr2_cert "$WORK" "$IP_W"
chr2_server "$NS_R" "$WORK" "$IP_W" "$PORT"

Q="media=none&dc=1&dur=$CALL_SECONDS"
wrtc_capture_start "$NS_A" h14cDa "$WORK/capture.pcapng" 120
chr2_chromium "$NS_B" "$WORK" answer "https://$IP_W:$PORT/?role=answer&$Q" 100
PID_B=$WRTC_LAST_PID
sleep 2
chr2_chromium "$NS_A" "$WORK" offer "https://$IP_W:$PORT/?role=offer&$Q" 100
PID_A=$WRTC_LAST_PID
chr2_wait "$WORK" 90 offer:$PID_A answer:$PID_B
sleep 1
wrtc_capture_stop
if [ -n "${NO_TRUTH:-}" ]; then KEEP_WORK=1; exit 0; fi

"$CHR2_PY" "$HERE/../lib/chr2/truth2.py" --mode datachannel \
    --work "$WORK" --pcap "$WORK/capture.pcapng" --captured offer \
    --capture-name "$NAME.pcapng" --generator "gen/$NAME/generate.sh" \
    --server "$IP_W:$PORT" --software "chromium=$(chr2_version)" \
    --description "Chromium headless in two namespaces, one RTCPeerConnection each with only a data channel (no audio/video): ICE host candidates, DTLS 1.3, SCTP; five chat messages each acked, then a 48 KiB file-like burst in three 16 KiB binary messages; offer/answer over HTTPS; capture on the offerer's interface" \
    --out "$WORK/$NAME.json" --record-dir "$HERE/last-run"
# The data channel's DTLS application-data records per flow and direction.
python3 "$HERE/../lib/dtls_app_records.py" "$WORK/capture.pcapng" "$WORK/$NAME.json"
wrtc_verify_install "$REPO" "$NAME" "$WORK/capture.pcapng" "$WORK/$NAME.json" 1500000
