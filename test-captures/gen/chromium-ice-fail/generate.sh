#!/bin/bash
# Regenerates test-captures/chromium-datachannel.pcapng and .json (run as
# root on Debian 12; see README.md in this folder).
#
# A call attempt that fails at ICE: two headless Chromiums in two
# namespaces (one RTCPeerConnection each, fake audio + video, no ICE
# servers) exchange offer and answer over HTTPS, but nftables in each peer
# namespace drops every UDP datagram from the other peer on input
# (CAPTURE-RECIPES.md). The connectivity checks are never answered; no
# DTLS, no media. The pages wait for iceConnectionState "failed". The
# capture is the offerer's interface.
set -euo pipefail

HERE=$(cd "$(dirname "$0")" && pwd)
TC=$(cd "$HERE/../.." && pwd)
REPO=$(cd "$TC/.." && pwd)
NAME=chromium-ice-fail
FAIL_WAIT=${FAIL_WAIT:-40}
PORT=8443

# shellcheck source=../lib/netns.sh
source "$HERE/../lib/netns.sh"
# shellcheck source=../lib/chr2/common2.sh
source "$HERE/../lib/chr2/common2.sh"
[ "$(id -u)" -eq 0 ] || { echo "run as root" >&2; exit 1; }
wrtc_install --with-recommends chromium
wrtc_install tshark openssl python3 iproute2 nftables

wrtc_workdir h14c-$NAME
NS_R=h14c-if-r NS_A=h14c-if-a NS_B=h14c-if-b
A=192.0.2.10 B=192.0.2.70 IP_W=203.0.113.40
for ns in "$NS_R" "$NS_A" "$NS_B"; do wrtc_ns_create "$ns"; done
wrtc_veth "$NS_A" h14cFa $A/26 "$NS_R" h14cFra 192.0.2.1/26
wrtc_veth "$NS_B" h14cFb $B/26 "$NS_R" h14cFrb 192.0.2.65/26
ip netns exec "$NS_A" ip route add default via 192.0.2.1
ip netns exec "$NS_B" ip route add default via 192.0.2.65
ip netns exec "$NS_R" sysctl -q -w net.ipv4.ip_forward=1
ip netns exec "$NS_R" ip addr add $IP_W/32 dev lo     # the page server's address
# Each peer drops the other's UDP on input (HTTPS to the server still works).
for pair in "$NS_A:$B" "$NS_B:$A"; do
    ip netns exec "${pair%%:*}" nft -f - <<NFT
table inet h14c_icefail {
    chain input_drop {
        type filter hook input priority 0; policy accept;
        ip saddr ${pair##*:} meta l4proto udp counter drop
    }
}
NFT
done
chr2_cert "$WORK" "$IP_W"
chr2_server "$NS_R" "$WORK" "$IP_W" "$PORT"

Q="media=av&expect=fail&failwait=$FAIL_WAIT"
wrtc_capture_start "$NS_A" h14cFa "$WORK/capture.pcapng" 120
chr2_chromium "$NS_B" "$WORK" answer "https://$IP_W:$PORT/?role=answer&$Q" 100
PID_B=$WRTC_LAST_PID
sleep 2
chr2_chromium "$NS_A" "$WORK" offer "https://$IP_W:$PORT/?role=offer&$Q" 100
PID_A=$WRTC_LAST_PID
chr2_wait "$WORK" $((FAIL_WAIT + 30)) offer:$PID_A answer:$PID_B
sleep 1
wrtc_capture_stop
for ns in "$NS_A" "$NS_B"; do
    echo "$ns dropped: $(ip netns exec "$ns" nft list chain inet h14c_icefail input_drop | grep -o 'packets [0-9]*')" >&2
done
if [ -n "${NO_TRUTH:-}" ]; then KEEP_WORK=1; exit 0; fi

"$CHR2_PY" "$HERE/../lib/chr2/truth2.py" --mode icefail \
    --work "$WORK" --pcap "$WORK/capture.pcapng" --captured offer \
    --capture-name "$NAME.pcapng" --generator "gen/$NAME/generate.sh" \
    --server "$IP_W:$PORT" --software "chromium=$(chr2_version)" --packages nftables=nftables \
    --description "A call attempt that fails at ICE: Chromium headless in two namespaces, one RTCPeerConnection each with fake audio+video, host candidates only; offer/answer over HTTPS; nftables in each namespace drops the other peer's UDP on input, so no connectivity check is answered; no DTLS, no media; capture on the offerer's interface" \
    --out "$WORK/$NAME.json" --record-dir "$HERE/last-run"
wrtc_verify_install "$REPO" "$NAME" "$WORK/capture.pcapng" "$WORK/$NAME.json" 1500000
