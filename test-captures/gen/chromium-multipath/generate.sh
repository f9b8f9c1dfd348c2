#!/bin/bash
# Regenerates test-captures/chromium-multipath.pcapng and .json (run as root
# on Debian 12; see README.md in this folder).
#
# Two headless Chromiums, each in its own network namespace with TWO
# interfaces (two addresses, source-routed), call each other through a router
# namespace that NATs both peers' four networks towards the "public" segment
# where coturn (STUN + TURN, long-term credentials, UDP) and the page's HTTPS
# server live. iceTransportPolicy 'all' with a stun: and a turn: URL: each
# peer gathers 2 host, 2 srflx and 2 relay candidates and checks many pairs;
# the capture is peer A's two interfaces.
set -euo pipefail

HERE=$(cd "$(dirname "$0")" && pwd)
TC=$(cd "$HERE/../.." && pwd)
REPO=$(cd "$TC/.." && pwd)
NAME=chromium-multipath
CALL_SECONDS=${CALL_SECONDS:-12}
PORT=8443
TURN_PORT=3478 TURN_USER=mp TURN_PASS=mp-secret TURN_REALM=mp.example

# shellcheck source=../lib/netns.sh
source "$HERE/../lib/netns.sh"
# shellcheck source=../lib/chr2/common2.sh
source "$HERE/../lib/chr2/common2.sh"
[ "$(id -u)" -eq 0 ] || { echo "run as root" >&2; exit 1; }
wrtc_install --with-recommends chromium
wrtc_install coturn tshark openssl python3 iproute2 nftables

wrtc_workdir h14c-$NAME

NS_R=h14c-mp-r NS_A=h14c-mp-a NS_B=h14c-mp-b NS_S=h14c-mp-s
A1=192.0.2.10 A2=192.0.2.26 B1=192.0.2.42 B2=192.0.2.58
IP_T=203.0.113.30 IP_W=203.0.113.40
for ns in "$NS_R" "$NS_A" "$NS_B" "$NS_S"; do wrtc_ns_create "$ns"; done
wrtc_veth "$NS_A" h14cA1 $A1/28 "$NS_R" h14cRa1 192.0.2.1/28
wrtc_veth "$NS_A" h14cA2 $A2/28 "$NS_R" h14cRa2 192.0.2.17/28
wrtc_veth "$NS_B" h14cB1 $B1/28 "$NS_R" h14cRb1 192.0.2.33/28
wrtc_veth "$NS_B" h14cB2 $B2/28 "$NS_R" h14cRb2 192.0.2.49/28
wrtc_veth "$NS_S" h14cS $IP_T/24 "$NS_R" h14cRs 203.0.113.1/24
ip netns exec "$NS_S" ip addr add $IP_W/24 dev h14cS
ip netns exec "$NS_S" ip route add default via 203.0.113.1
# Each peer: the first interface carries the default route; packets from the
# second address leave by the second interface (source policy routing).
src_route() {   # NS IF1 GW1 IF2 ADDR2 NET2 GW2
    ip netns exec "$1" ip route add default via "$3" dev "$2"
    ip netns exec "$1" ip route add default via "$7" dev "$4" table 102
    ip netns exec "$1" ip route add "$6" dev "$4" table 102
    ip netns exec "$1" ip rule add from "$5" table 102
}
src_route "$NS_A" h14cA1 192.0.2.1 h14cA2 $A2 192.0.2.16/28 192.0.2.17
src_route "$NS_B" h14cB1 192.0.2.33 h14cB2 $B2 192.0.2.48/28 192.0.2.49
ip netns exec "$NS_R" sysctl -q -w net.ipv4.ip_forward=1
ip netns exec "$NS_R" sysctl -q -w net.ipv4.conf.all.rp_filter=0
ip netns exec "$NS_R" ip route add blackhole 198.51.100.0/24
# The router plays two home NATs: each peer's two networks reach the public
# segment through NAT (one public address per network, source ports kept
# when free, mapping and filtering endpoint-dependent as nftables does);
# the peers' private networks do not reach each other (dropped silently),
# nothing from the public side enters a private network unless it answers
# that network's own traffic, and the NAT has no hairpinning: packets to the
# public NAT addresses from inside are dropped (blackhole route). So host
# and srflx pairs fail and the call goes through the TURN relay.
ip netns exec "$NS_R" nft -f - <<NFT
table ip h14c_mp {
    chain forward_filter {
        type filter hook forward priority 0; policy drop;
        ct state established,related accept
        iifname { "h14cRa1", "h14cRa2" } oifname { "h14cRa1", "h14cRa2", "h14cRs" } accept
        iifname { "h14cRb1", "h14cRb2" } oifname { "h14cRb1", "h14cRb2", "h14cRs" } accept
    }
    chain nat_out {
        type nat hook postrouting priority 100;
        oifname "h14cRs" ip saddr 192.0.2.0/28 snat to 198.51.100.10
        oifname "h14cRs" ip saddr 192.0.2.16/28 snat to 198.51.100.11
        oifname "h14cRs" ip saddr 192.0.2.32/28 snat to 198.51.100.20
        oifname "h14cRs" ip saddr 192.0.2.48/28 snat to 198.51.100.21
    }
}
NFT

wrtc_coturn "$NS_S" "$WORK" "$IP_T" "$TURN_PORT" "$TURN_USER" "$TURN_PASS" "$TURN_REALM" udp
chr2_cert "$WORK" "$IP_W"
chr2_server "$NS_S" "$WORK" "$IP_W" "$PORT"

Q="media=av&dur=$CALL_SECONDS&bitrate=150000&policy=all"
Q="$Q&stun=stun%3A$IP_T%3A$TURN_PORT&turn=turn%3A$IP_T%3A$TURN_PORT%3Ftransport%3Dudp&user=$TURN_USER&pass=$TURN_PASS"
# dumpcap on both of A's interfaces (pcapng, two interface blocks, full snaplen)
wrtc_bg "$NS_A" 120 dumpcap -q -i h14cA1 -i h14cA2 -w "$WORK/capture.pcapng"
WRTC_CAPTURE_PID=$WRTC_LAST_PID
for i in $(seq 1 50); do [ -s "$WORK/capture.pcapng" ] && break; sleep 0.1; done
sleep 0.5
chr2_chromium "$NS_B" "$WORK" answer "https://$IP_W:$PORT/?role=answer&pool=1&$Q" 100
PID_B=$WRTC_LAST_PID
sleep 2
chr2_chromium "$NS_A" "$WORK" offer "https://$IP_W:$PORT/?role=offer&$Q" 100
PID_A=$WRTC_LAST_PID
chr2_wait "$WORK" 90 offer:$PID_A answer:$PID_B
sleep 1
wrtc_capture_stop
ip netns exec "$NS_R" nft list ruleset > "$WORK/router-nft.txt"
ip netns exec "$NS_R" conntrack -L > "$WORK/router-conntrack.txt" 2>/dev/null || true
if [ -n "${NO_TRUTH:-}" ]; then KEEP_WORK=1; exit 0; fi

"$CHR2_PY" "$HERE/../lib/chr2/truth2.py" --mode multipath \
    --work "$WORK" --pcap "$WORK/capture.pcapng" --captured offer \
    --capture-name "$NAME.pcapng" --generator "gen/$NAME/generate.sh" \
    --server "$IP_W:$PORT" --turn "$IP_T:$TURN_PORT" \
    --software "chromium=$(chr2_version)" --software "coturn=$(turnserver --version 2>/dev/null | head -1 | tr -d '[:space:]')" \
    --packages nftables=nftables \
    --description "Chromium headless in two namespaces, each with two interfaces behind one NAT router; coturn as STUN and TURN server; iceTransportPolicy all: host, srflx and relay candidates, connectivity checks on many pairs, audio+video on the selected pair; offer/answer over HTTPS; capture on peer A's two interfaces" \
    --out "$WORK/$NAME.json" --record-dir "$HERE/last-run"
wrtc_verify_install "$REPO" "$NAME" "$WORK/capture.pcapng" "$WORK/$NAME.json" 1500000
