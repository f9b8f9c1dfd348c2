#!/bin/bash
# Regenerates test-captures/stun-discovery.pcapng and .json (run as root on
# Debian 12; see README.md in this folder).
#
# A short real call (two headless Chromiums in two namespaces, audio only,
# host candidates, no ICE servers) and, during it, plain STUN NAT discovery
# from the caller's host to a STUN-only coturn (two addresses, RFC 5780):
# turnutils_stunclient (an ephemeral port) and turnutils_natdiscovery
# (mapping + filtering behaviour discovery, fixed local port). None of the
# discovery ports is a candidate of the call. The capture is the caller's
# interface.
set -euo pipefail

HERE=$(cd "$(dirname "$0")" && pwd)
TC=$(cd "$HERE/../.." && pwd)
REPO=$(cd "$TC/.." && pwd)
NAME=stun-discovery
CALL_SECONDS=${CALL_SECONDS:-9}
PORT=8443
DISC_PORT=40100

# shellcheck source=../lib/netns.sh
source "$HERE/../lib/netns.sh"
# shellcheck source=../lib/chr2/common2.sh
source "$HERE/../lib/chr2/common2.sh"
[ "$(id -u)" -eq 0 ] || { echo "run as root" >&2; exit 1; }
wrtc_install --with-recommends chromium
wrtc_install coturn tshark openssl python3 iproute2

wrtc_workdir h14c-$NAME
NS_R=h14c-sd-r NS_A=h14c-sd-a NS_B=h14c-sd-b
A=192.0.2.10 B=192.0.2.70 IP_W=203.0.113.40 STUN1=203.0.113.30 STUN2=203.0.113.31
for ns in "$NS_R" "$NS_A" "$NS_B"; do wrtc_ns_create "$ns"; done
wrtc_veth "$NS_A" h14cSa $A/26 "$NS_R" h14cSra 192.0.2.1/26
wrtc_veth "$NS_B" h14cSb $B/26 "$NS_R" h14cSrb 192.0.2.65/26
ip netns exec "$NS_A" ip route add default via 192.0.2.1
ip netns exec "$NS_B" ip route add default via 192.0.2.65
ip netns exec "$NS_R" sysctl -q -w net.ipv4.ip_forward=1
for ip in $IP_W $STUN1 $STUN2; do ip netns exec "$NS_R" ip addr add $ip/32 dev lo; done

# coturn as a STUN-only server on two addresses and two ports (RFC 5780:
# OTHER-ADDRESS, CHANGE-REQUEST answered from the other address/port).
cat > "$WORK/stunserver.conf" <<CONF
listening-ip=$STUN1
listening-ip=$STUN2
listening-port=3478
alt-listening-port=3479
stun-only
no-tls
no-dtls
no-tcp
no-cli
fingerprint
pidfile=$WORK/stunserver.pid
log-file=$WORK/stunserver.log
simple-log
verbose
CONF
wrtc_bg "$NS_R" 120 turnserver -c "$WORK/stunserver.conf" > "$WORK/stunserver.out" 2>&1
for i in $(seq 1 100); do
    ip netns exec "$NS_R" ss -Hlun "sport = :3479" | grep -q . && break
    sleep 0.1
done
chr2_cert "$WORK" "$IP_W"
chr2_server "$NS_R" "$WORK" "$IP_W" "$PORT"

Q="media=audio&dur=$CALL_SECONDS"
wrtc_capture_start "$NS_A" h14cSa "$WORK/capture.pcapng" 120
chr2_chromium "$NS_B" "$WORK" answer "https://$IP_W:$PORT/?role=answer&$Q" 100
PID_B=$WRTC_LAST_PID
sleep 2
chr2_chromium "$NS_A" "$WORK" offer "https://$IP_W:$PORT/?role=offer&$Q" 100
PID_A=$WRTC_LAST_PID

# NAT discovery while the call runs (wait until the offerer is connected).
for i in $(seq 1 150); do
    grep -q 'WRTC offer [0-9.]* connected' "$WORK/chromium-offer.log" 2>/dev/null && break
    sleep 0.1
done
sleep 2
: > "$WORK/discovery.jsonl"
# disc_ports TOOL FILE: every local port the tool reported (its "Local addr"
# and "UDP reflexive addr" lines; there is no NAT here, mapped = local).
disc_ports() {
    local p
    for p in $(sed -n "s/.*\(reflexive\|Local\) addr: *:* *$A:\([0-9]*\).*/\2/p" "$2" | sort -un); do
        echo "{\"tool\": \"$1\", \"local\": \"$A:$p\"}" >> "$WORK/discovery.jsonl"
    done
}
ip netns exec "$NS_A" timeout 20 turnutils_stunclient -L $A $STUN1 > "$WORK/stunclient.out" 2>&1 || true
disc_ports "turnutils_stunclient -L $A $STUN1 (coturn)" "$WORK/stunclient.out"
sleep 1
ip netns exec "$NS_A" timeout 30 turnutils_natdiscovery -m -f -L $A -l $DISC_PORT $STUN1 > "$WORK/natdiscovery.out" 2>&1 || true
disc_ports "turnutils_natdiscovery -m -f -L $A -l $DISC_PORT $STUN1 (coturn)" "$WORK/natdiscovery.out"
cat "$WORK/discovery.jsonl" >&2
[ "$(wc -l < "$WORK/discovery.jsonl")" -ge 2 ] || { cat "$WORK"/*discovery.out "$WORK/stunclient.out" >&2; exit 1; }
cp "$WORK/stunclient.out" "$WORK/natdiscovery.out" "$HERE/last-run/" 2>/dev/null || { mkdir -p "$HERE/last-run"; cp "$WORK/stunclient.out" "$WORK/natdiscovery.out" "$HERE/last-run/"; }

chr2_wait "$WORK" 90 offer:$PID_A answer:$PID_B
sleep 1
wrtc_capture_stop
if [ -n "${NO_TRUTH:-}" ]; then KEEP_WORK=1; exit 0; fi

SRV=()
for s in $STUN1:3478 $STUN1:3479 $STUN2:3478 $STUN2:3479; do SRV+=(--stun-server "$s"); done
"$CHR2_PY" "$HERE/../lib/chr2/truth2.py" --mode stundisc \
    --work "$WORK" --pcap "$WORK/capture.pcapng" --captured offer \
    --capture-name "$NAME.pcapng" --generator "gen/$NAME/generate.sh" \
    --server "$IP_W:$PORT" "${SRV[@]}" --discovery "$WORK/discovery.jsonl" \
    --software "chromium=$(chr2_version)" --software "coturn-stun-only=$(turnserver --version 2>/dev/null | head -1 | tr -d '[:space:]')" \
    --description "A short Chromium call (two namespaces, one RTCPeerConnection each, audio only, host candidates, no ICE servers, offer/answer over HTTPS) and, during it, plain STUN NAT discovery from the caller's host to a STUN-only coturn on two addresses: turnutils_stunclient and turnutils_natdiscovery -m -f (RFC 5780 mapping and filtering behaviour); capture on the caller's interface" \
    --out "$WORK/$NAME.json" --record-dir "$HERE/last-run"
wrtc_verify_install "$REPO" "$NAME" "$WORK/capture.pcapng" "$WORK/$NAME.json" 1500000
