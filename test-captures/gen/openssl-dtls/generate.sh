#!/bin/bash
# Regenerates test-captures/openssl-dtls.pcapng and .json (run as root on
# Debian 12; see README.md in this folder).
#
# A negative for data channels (issue 15): DTLS 1.2 that is not WebRTC.
# Debian's `openssl s_server -dtls1_2` in one namespace, `openssl s_client
# -dtls1_2` in another, joined by a veth pair (198.51.100.1 server, .2
# client, captured on the client's end). No ICE, no STUN: the client sends
# six lines of text and the server five, a few hundred ms apart, then the
# client closes (close_notify). Content type 23 records in the clear header
# (RFC 6347 §4.1), as a WebRTC data channel in DTLS 1.2 has them - but no
# ICE on the 5-tuple, so it is never a data channel and never a session.
set -euo pipefail

HERE=$(cd "$(dirname "$0")" && pwd)
TC=$(cd "$HERE/../.." && pwd)
REPO=$(cd "$TC/.." && pwd)
NAME=openssl-dtls
PORT=${PORT:-4433}

# shellcheck source=../lib/netns.sh
source "$HERE/../lib/netns.sh"
[ "$(id -u)" -eq 0 ] || { echo "run as root" >&2; exit 1; }
wrtc_install openssl tshark wireshark-common python3 iproute2

wrtc_workdir h15o-$NAME
NS_S=h15o-srv NS_C=h15o-cli
SRV=198.51.100.1 CLI=198.51.100.2
wrtc_ns_create "$NS_S"
wrtc_ns_create "$NS_C"
wrtc_veth "$NS_S" h15oS $SRV/24 "$NS_C" h15oC $CLI/24

# A throw-away self-signed certificate for the server.
openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -days 2 \
    -subj "/CN=dtls.example.test" -keyout "$WORK/key.pem" -out "$WORK/cert.pem" 2>/dev/null

# Each side's lines come from a generator on its stdin, with pauses, and
# are logged as sent; what each side receives is its s_* stdout.
cat >"$WORK/lines.sh" <<'SH'
#!/bin/bash
# lines.sh WHO N DELAY START LOG: N lines "WHO line I of N", one every DELAY s
# after START s, each also appended to LOG; then stays open HOLD s.
who=$1 n=$2 delay=$3 start=$4 log=$5 hold=${6:-0}
sleep "$start"
for i in $(seq 1 "$n"); do
    line="$who line $i of $n: the quick brown fox"
    echo "$line"; echo "$line" >>"$log"
    sleep "$delay"
done
sleep "$hold"
SH
chmod +x "$WORK/lines.sh"

wrtc_capture_start "$NS_C" h15oC "$WORK/capture.pcapng" 60
# The server: one connection (-naccept 1), no session tickets; it prints
# what it receives. -quiet would also drop the handshake summary we log.
ip netns exec "$NS_S" timeout 30 bash -c \
    "'$WORK/lines.sh' server 5 0.4 1.5 '$WORK/server-sent.txt' 6 | \
     openssl s_server -dtls1_2 -accept $SRV:$PORT -naccept 1 \
       -cert '$WORK/cert.pem' -key '$WORK/key.pem' -ign_eof \
       >'$WORK/server-out.txt' 2>'$WORK/server-err.txt'" &
PID_S=$!
WRTC_PIDS+=("$PID_S")
for _ in $(seq 1 50); do
    ip netns exec "$NS_S" ss -Hlun "sport = :$PORT" | grep -q . && break
    sleep 0.1
done
# The client: six lines, then EOF closes the connection (close_notify).
ip netns exec "$NS_C" timeout 30 bash -c \
    "'$WORK/lines.sh' client 6 0.5 1 '$WORK/client-sent.txt' 1 | \
     openssl s_client -dtls1_2 -connect $SRV:$PORT -servername dtls.example.test \
       >'$WORK/client-out.txt' 2>'$WORK/client-err.txt'" &
PID_C=$!
WRTC_PIDS+=("$PID_C")
wait "$PID_C" || { cat "$WORK/client-err.txt" >&2; echo "client failed" >&2; exit 1; }
wait "$PID_S" || true     # s_server exits once its one connection is closed
sleep 0.5
wrtc_capture_stop

if [ -n "${NO_TRUTH:-}" ]; then KEEP_WORK=1; exit 0; fi
python3 "$HERE/build_truth.py" "$WORK" "$WORK/capture.pcapng" "$WORK/$NAME.json"
wrtc_verify_install "$REPO" "$NAME" "$WORK/capture.pcapng" "$WORK/$NAME.json" 1000000
