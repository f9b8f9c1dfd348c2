#!/bin/bash
# Regenerates test-captures/chromium-firefox-turn.pcapng and .json: a call
# between headless Chromium (offerer) and headless Firefox ESR (answerer),
# each in its own network namespace, each relay-only through its own
# allocation on one coturn (Chromium binds a channel: ChannelData; Firefox
# uses Send/Data indications), DTLS 1.3, audio+video both ways.
# With TURN_TRANSPORT=tcp (what ../chromium-firefox-turn-tcp/generate.sh
# sets) Chromium reaches coturn over TCP through a veth with a 300-byte MTU,
# so that its ChannelData messages are split across TCP segments and
# several share one (RFC 8656 §12.5, RFC 6062 framing), and the capture is
# test-captures/chromium-firefox-turn-tcp.*; Firefox stays on UDP.
# Run as root on Debian 12; see README.md in this folder.
set -euo pipefail

HERE=$(cd "$(dirname "$0")" && pwd)
TC=$(cd "$HERE/../.." && pwd)              # test-captures/
REPO=$(cd "$TC/.." && pwd)
TURN_TRANSPORT=${TURN_TRANSPORT:-udp}
case "$TURN_TRANSPORT" in
udp) NAME=chromium-firefox-turn; TAG=h18-cft ;;
tcp) NAME=chromium-firefox-turn-tcp; TAG=h18-cftt ;;
tcp-loss) NAME=chromium-firefox-turn-tcp-loss; TAG=h18-cftl ;;
*) echo "TURN_TRANSPORT must be udp, tcp or tcp-loss" >&2; exit 2 ;;
esac
LOSS=0
if [ "$TURN_TRANSPORT" = tcp-loss ]; then TURN_TRANSPORT=tcp; LOSS=1; fi
CALL_SECONDS=${CALL_SECONDS:-10}
BITRATE=${BITRATE:-150000}
TURN_MSS=${TURN_MSS:-208}       # tcp only: MSS of the Chromium <-> coturn connection
TCP_LOSS_PERMILLE=${TCP_LOSS_PERMILLE:-$((LOSS ? 10 : 0))}   # tcp-loss: 10
PY=/usr/bin/python3
FF=/usr/lib/firefox-esr/firefox-esr
CHR_BIN=/usr/lib/chromium/chromium
SRV=203.0.113.1            # coturn and the page server
CHR=192.0.2.10             # Chromium's host
FFA=198.51.100.10          # Firefox's host
PORT=8443
TURN_PORT=${TURN_PORT:-3478}
TURN_USER=wrtc
TURN_PASS=wrtc-secret
TURN_REALM=wrtc.example
NS_SRV=$TAG-srv NS_CHR=$TAG-chr NS_FF=$TAG-ff

[ "$(id -u)" -eq 0 ] || { echo "run as root" >&2; exit 1; }
# shellcheck source=../lib/netns.sh
source "$HERE/../lib/netns.sh"
wrtc_install --with-recommends chromium firefox-esr coturn libnss3-tools tshark openssl python3 iproute2 ethtool nftables
wrtc_workdir "wrtc-$NAME"

# --- certificates: a throw-away CA (trusted by Firefox's profile) and the
# page server's certificate for IP:$SRV signed by it
openssl req -x509 -newkey rsa:2048 -nodes -sha256 -days 2 -subj "/CN=wrtc test CA" \
    -keyout "$WORK/ca.key" -out "$WORK/ca.pem" 2>/dev/null
openssl req -newkey rsa:2048 -nodes -sha256 -subj "/CN=$SRV" \
    -keyout "$WORK/key.pem" -out "$WORK/srv.csr" 2>/dev/null
printf 'subjectAltName=IP:%s\nbasicConstraints=CA:FALSE\nextendedKeyUsage=serverAuth\n' "$SRV" > "$WORK/ext.cnf"
openssl x509 -req -in "$WORK/srv.csr" -CA "$WORK/ca.pem" -CAkey "$WORK/ca.key" -CAcreateserial \
    -days 2 -sha256 -extfile "$WORK/ext.cnf" -out "$WORK/cert.pem" 2>/dev/null

# --- Firefox profile (prefs of ../firefox-dtls/generate.sh)
PROFILE=$WORK/ff-profile
mkdir -p "$PROFILE"
certutil -N -d "sql:$PROFILE" --empty-password
certutil -A -d "sql:$PROFILE" -n "wrtc test CA" -t "C,," -i "$WORK/ca.pem"
sed -n '/^user_pref/p' "$HERE/../firefox-dtls/generate.sh" > "$PROFILE/user.js"
grep -q 'media.navigator.streams.fake' "$PROFILE/user.js"

# --- namespaces: the server host with a veth to each browser's host; each
# browser host has a default route (Firefox gathers only on such an interface)
wrtc_ns_create "$NS_SRV"
wrtc_ns_create "$NS_CHR"
wrtc_ns_create "$NS_FF"
ip netns exec "$NS_SRV" ip addr add "$SRV/32" dev lo
wrtc_veth "$NS_SRV" veth-ff-s 198.51.100.1/24 "$NS_FF" veth-ff "$FFA/24"
ip netns exec "$NS_FF" ip route add default via 198.51.100.1
if [ "$TURN_TRANSPORT" = udp ]; then
    wrtc_veth "$NS_SRV" veth-chr-s 192.0.2.1/24 "$NS_CHR" veth-chr "$CHR/24"
    ip netns exec "$NS_CHR" ip route add default via 192.0.2.1
else
    # Chromium reaches the server through a router namespace that clamps
    # the MSS of the Chromium <-> coturn connection to $TURN_MSS (its SYN and
    # SYN-ACK; the HTTPS signaling keeps its MSS) and drops
    # TCP_LOSS_PERMILLE of its data segments: a segment lost from Chromium
    # to the server reaches the server's capture only as the later
    # retransmission, after the segments that followed it (out of order),
    # as on a lossy path.
    NS_RT=$TAG-rt
    wrtc_ns_create "$NS_RT"
    wrtc_veth "$NS_RT" veth-rt-c 192.0.2.1/25 "$NS_CHR" veth-chr "$CHR/25"
    wrtc_veth "$NS_RT" veth-rt-s 192.0.2.129/25 "$NS_SRV" veth-chr-s 192.0.2.130/25
    ip netns exec "$NS_CHR" ip route add default via 192.0.2.1
    ip netns exec "$NS_SRV" ip route add 192.0.2.0/25 via 192.0.2.129
    ip netns exec "$NS_RT" ip route add "$SRV/32" via 192.0.2.130
    ip netns exec "$NS_RT" sysctl -q -w net.ipv4.ip_forward=1
    # Offloads off: with TSO/GSO/GRO a veth carries (and dumpcap records)
    # segments of up to 64 KiB whatever the MSS.
    for x in "$NS_SRV veth-chr-s" "$NS_CHR veth-chr" "$NS_RT veth-rt-c" "$NS_RT veth-rt-s"; do
        set -- $x
        ip netns exec "$1" ethtool -K "$2" tso off gso off gro off tx off >/dev/null 2>&1 || true
    done
    ip netns exec "$NS_RT" nft -f - <<NFT
table inet h18tcp {
    chain fw {
        type filter hook forward priority 0;
        tcp dport $TURN_PORT tcp flags syn tcp option maxseg size set $TURN_MSS
        tcp sport $TURN_PORT tcp flags syn tcp option maxseg size set $TURN_MSS
        tcp dport $TURN_PORT tcp flags & (syn | fin | rst) == 0 numgen random mod 1000 < $TCP_LOSS_PERMILLE drop
        tcp sport $TURN_PORT tcp flags & (syn | fin | rst) == 0 numgen random mod 1000 < $TCP_LOSS_PERMILLE drop
    }
}
NFT
fi

# coturn: long-term credentials, UDP relays on $SRV; with tcp also TCP clients.
wrtc_coturn "$NS_SRV" "$WORK" "$SRV" "$TURN_PORT" "$TURN_USER" "$TURN_PASS" "$TURN_REALM" \
    "$TURN_TRANSPORT"

wrtc_bg "$NS_SRV" 180 "$PY" "$HERE/server.py" --addr "$SRV" --port "$PORT" \
    --cert "$WORK/cert.pem" --key "$WORK/key.pem" --page "$HERE/page.html" \
    --outdir "$WORK" > "$WORK/server.log" 2>&1
for i in $(seq 1 100); do
    ip netns exec "$NS_SRV" ss -Hltn "sport = :$PORT" | grep -q LISTEN && break
    sleep 0.1
done

# --- capture on the server: both client legs and the relay<->relay leg (lo)
rm -f "$WORK/capture.pcapng"
wrtc_bg "$NS_SRV" 120 dumpcap -q -i veth-chr-s -i veth-ff-s -i lo -w "$WORK/capture.pcapng"
CAP_PID=$WRTC_LAST_PID
for i in $(seq 1 50); do [ -s "$WORK/capture.pcapng" ] && break; sleep 0.1; done
sleep 1

URLQ="dur=$CALL_SECONDS&bitrate=$BITRATE&turn=turn%3A$SRV%3A$TURN_PORT%3Ftransport%3D"
URLQ_U="&user=$TURN_USER&pass=$TURN_PASS"
wrtc_bg "$NS_FF" 90 env HOME="$WORK" MOZ_REMOTE_SETTINGS_DEVTOOLS=1 MOZ_CRASHREPORTER_DISABLE=1 \
    "$FF" --headless --no-remote --profile "$PROFILE" \
    "https://$SRV:$PORT/?role=answerer&${URLQ}udp$URLQ_U" > "$WORK/firefox.log" 2>&1
FF_PID=$WRTC_LAST_PID
mkdir -p "$WORK/chr-profile"
wrtc_bg "$NS_CHR" 90 "$CHR_BIN" \
    --headless --no-sandbox --disable-gpu --disable-dev-shm-usage \
    --user-data-dir="$WORK/chr-profile" --ignore-certificate-errors \
    --use-fake-device-for-media-stream --use-fake-ui-for-media-stream \
    --autoplay-policy=no-user-gesture-required \
    --disable-quic --disable-background-networking --disable-component-update \
    --disable-sync --no-first-run --no-default-browser-check --disable-pings \
    --disable-features=OptimizationHints,OptimizationGuideModelDownloading,Translate,MediaRouter,DialMediaRouteProvider,WebRtcHideLocalIpsWithMdns,AutofillServerCommunication \
    --enable-logging=stderr --v=0 \
    "https://$SRV:$PORT/?role=offerer&${URLQ}$TURN_TRANSPORT$URLQ_U" > "$WORK/chromium.log" 2>&1
CHR_PID=$WRTC_LAST_PID
for i in $(seq 1 $((90 * 5))); do
    [ -s "$WORK/results-offerer.json" ] && [ -s "$WORK/results-answerer.json" ] && break
    kill -0 "$CHR_PID" 2>/dev/null || kill -0 "$FF_PID" 2>/dev/null || break
    sleep 0.2
done
kill -TERM "$CHR_PID" "$FF_PID" 2>/dev/null || true
wait "$CHR_PID" 2>/dev/null || true
wait "$FF_PID" 2>/dev/null || true
sleep 1
kill -INT "$CAP_PID" 2>/dev/null || true
wait "$CAP_PID" 2>/dev/null || true
grep -h 'WRTC' "$WORK/chromium.log" "$WORK/firefox.log" | sed 's/^.*WRTC /  page: /; s/", source:.*$//' >&2 || true
for r in offerer answerer; do
    "$PY" -c 'import json,sys; sys.exit(0 if json.load(open(sys.argv[1])).get("ok") else 1)' \
        "$WORK/results-$r.json" 2>/dev/null || { echo "the $r produced no results" >&2; exit 1; }
done
if [ -n "${NO_TRUTH:-}" ]; then KEEP_WORK=1; exit 0; fi

CHROMIUM_VERSION=$("$CHR_BIN" --version 2>/dev/null | sed -n 's/^Chromium \([0-9.]*\).*/\1/p')
FF_VERSION=$("$FF" --version 2>/dev/null | sed -n 's/^Mozilla Firefox \([0-9.a-z]*\).*/\1/p')
COTURN_VERSION=$(turnserver --version 2>/dev/null | head -1 | tr -d '[:space:]')
"$PY" "$HERE/groundtruth.py" --pcap "$WORK/capture.pcapng" \
    --offerer "$WORK/results-offerer.json" --answerer "$WORK/results-answerer.json" \
    --capture-name "$NAME.pcapng" --generator "gen/$NAME/generate.sh" \
    --turn "$SRV:$TURN_PORT" --signaling "$SRV:$PORT" \
    --software "chromium=$CHROMIUM_VERSION" --software "firefox-esr=$FF_VERSION" \
    --software "coturn=$COTURN_VERSION" --chromium-transport "$TURN_TRANSPORT" \
    --out "$WORK/out.json" --record-dir "$TC/gen/$NAME/last-run"
if [ "$LOSS" = 1 ]; then
    # Not one of the suite's per-capture tests (Wireshark reads it right only
    # with its tshark_options): test-captures/tcp-loss/, checked by
    # tests/capture/test_tcp_framing.py (which runs the same verification).
    grep -q tcp.reassemble_out_of_order "$WORK/out.json" || { echo "no segment was reordered" >&2; exit 1; }
    mkdir -p "$TC/tcp-loss"
    install -m 0644 "$WORK/capture.pcapng" "$TC/tcp-loss/$NAME.pcapng"
    install -m 0644 "$WORK/out.json" "$TC/tcp-loss/$NAME.json"
    echo "wrote $TC/tcp-loss/$NAME.pcapng and $NAME.json" >&2
else
    wrtc_verify_install "$REPO" "$NAME" "$WORK/capture.pcapng" "$WORK/out.json" 3000000
fi
