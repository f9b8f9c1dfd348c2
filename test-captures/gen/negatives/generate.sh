#!/bin/bash
# Regenerate test-captures/negatives.pcapng and negatives.json (run as root).
#
# Ordinary non-media traffic made by real software between two network
# namespaces joined by a veth pair (198.51.100.1 = server, .2 = client):
# DNS (dnsmasq + dig), syslog over UDP (logger -> socat), an iperf3 UDP test
# at 1 Mbit/s, HTTP (python3 -m http.server + curl) and UDP datagrams of
# random payload whose first byte is 0x80-0xBF (randudp.py). dumpcap records
# the client's veth end. analyze.py checks the capture against what each
# program did and with plain tshark (0 RTP streams with default preferences),
# then writes the ground truth.
set -euo pipefail

HERE=$(cd "$(dirname "$0")" && pwd)
OUTDIR=$(cd "$HERE/../.." && pwd)
PCAP="$OUTDIR/negatives.pcapng"
JSON="$OUTDIR/negatives.json"
PY=/usr/bin/python3

[ "$(id -u)" = 0 ] || { echo "run as root" >&2; exit 1; }

# --- Debian packages -------------------------------------------------------
# shellcheck source=SCRIPTDIR/../lib/netns.sh
source "$HERE/../lib/netns.sh"
wrtc_install dnsmasq-base bind9-dnsutils socat iperf3 curl bsdutils tshark iproute2 python3

WORK=$(mktemp -d /tmp/wrtc-neg.XXXXXX)
finish() {
    wrtc_cleanup
    if [ -n "${KEEP_WORK:-}" ]; then echo "work files kept in $WORK"; else rm -rf "$WORK"; fi
}
trap finish EXIT

NS_S=wrtc-neg-srv
NS_C=wrtc-neg-cli
SRV=198.51.100.1
CLI=198.51.100.2
# No proxy may redirect curl: everything stays between the two namespaces.
unset http_proxy https_proxy HTTP_PROXY HTTPS_PROXY all_proxy ALL_PROXY no_proxy NO_PROXY

wrtc_ns_create "$NS_S"
wrtc_ns_create "$NS_C"
wrtc_veth "$NS_S" veth-srv "$SRV/24" "$NS_C" veth-cli "$CLI/24"

# --- servers -----------------------------------------------------------------
# DNS: dnsmasq answers a few names of example.test itself, nothing is forwarded.
wrtc_bg "$NS_S" 90 dnsmasq --keep-in-foreground --conf-file=/dev/null --no-resolv --no-hosts \
    --no-poll --bind-interfaces --listen-address="$SRV" --port=53 --user=root --group=root \
    --pid-file= --log-queries --log-facility="$WORK/dnsmasq.log" --local=/example.test/ \
    --host-record=www.example.test,198.51.100.80 \
    --host-record=mail.example.test,198.51.100.25 \
    --host-record=files.example.test,198.51.100.21 \
    --cname=web.example.test,www.example.test \
    --mx-host=example.test,mail.example.test,10 \
    --txt-record=example.test,"v=spf1 mx -all" \
    --srv-host=_http._tcp.example.test,www.example.test,8080,0,10
# syslog: socat writes every datagram received on UDP 514 to a file.
wrtc_bg "$NS_S" 90 socat -u UDP4-RECV:514,bind="$SRV",reuseaddr OPEN:"$WORK/syslog-received.txt",creat,append
# iperf3 server for one test.
wrtc_bg "$NS_S" 90 iperf3 -s -1 -B "$SRV" -p 5201 --logfile "$WORK/iperf3-server.txt"
# HTTP: a small site.
mkdir -p "$WORK/www"
cat > "$WORK/www/index.html" <<'EOF'
<!doctype html>
<html><head><title>example.test</title></head>
<body><h1>example.test</h1><p>A static page served by python3 -m http.server.</p>
<ul><li><a href="notes.txt">notes.txt</a></li><li><a href="blob.bin">blob.bin</a></li></ul>
</body></html>
EOF
for i in $(seq 1 400); do echo "line $i: the quick brown fox jumps over the lazy dog"; done > "$WORK/www/notes.txt"
head -c 65536 /dev/urandom > "$WORK/www/blob.bin"
wrtc_bg "$NS_S" 90 "$PY" -m http.server 8080 --bind "$SRV" --directory "$WORK/www"
# random UDP: plan the flows (avoiding ports tshark decodes by default), then a sink.
tshark -G decodes 2>/dev/null | awk -F'\t' '$1=="udp.port" || $1=="tcp.port" {print $2}' \
    > "$WORK/registered-ports.txt"
"$PY" "$HERE/randudp.py" plan "$WORK/registered-ports.txt" "$CLI" "$SRV" "$WORK/randudp-plan.json"
wrtc_bg "$NS_S" 90 "$PY" "$HERE/randudp.py" sink "$WORK/randudp-plan.json" "$WORK/sink.ready" 60 \
    > "$WORK/randudp-sink.txt"

# wait for the servers to listen
for i in $(seq 1 100); do
    if [ -e "$WORK/sink.ready" ] && ip netns exec "$NS_S" ss -ltn | grep -q ":8080 " \
        && ip netns exec "$NS_S" ss -ltn | grep -q ":5201 " \
        && ip netns exec "$NS_S" ss -lun | grep -q "$SRV:53 " \
        && ip netns exec "$NS_S" ss -lun | grep -q "$SRV:514 "; then break; fi
    sleep 0.1
done
[ -e "$WORK/sink.ready" ] || { echo "servers did not start" >&2; exit 1; }

# --- capture and clients ------------------------------------------------------
wrtc_capture_start "$NS_C" veth-cli "$WORK/capture.pcapng" 120
C() { ip netns exec "$NS_C" timeout 30 "$@"; }

# DNS (UDP): one dig per question.
: > "$WORK/dig.txt"
for q in "www.example.test A" "mail.example.test A" "web.example.test A" "example.test MX" \
         "example.test TXT" "_http._tcp.example.test SRV" "files.example.test A" \
         "missing.example.test A" "-x 198.51.100.80"; do
    # shellcheck disable=SC2086
    C dig @"$SRV" +tries=1 +time=2 +notcp $q >> "$WORK/dig.txt"
    sleep 0.2
done

# syslog over UDP: BSD (RFC 3164) and RFC 5424 formats, several priorities.
n=0
for pri in user.info daemon.notice auth.warning local0.err local3.debug mail.info cron.notice kern.crit; do
    n=$((n + 1))
    fmt=--rfc5424; [ $((n % 2)) = 0 ] && fmt=--rfc3164
    C logger --udp --server "$SRV" --port 514 $fmt -p "$pri" -t wrtc-neg "test message $n ($pri)"
    sleep 0.1
done

# HTTP: separate curl runs, GET and HEAD, one 404.
: > "$WORK/curl.txt"
for path in "" index.html notes.txt blob.bin missing.html; do
    C curl --noproxy '*' -s -o /dev/null -w "GET /$path %{http_code} %{size_download}\n" \
        "http://$SRV:8080/$path" >> "$WORK/curl.txt"
    sleep 0.2
done
C curl --noproxy '*' -s -I -o /dev/null -w "HEAD /notes.txt %{http_code} 0\n" \
    "http://$SRV:8080/notes.txt" >> "$WORK/curl.txt"

# iperf3: 4 s of UDP at 1 Mbit/s, 1000-byte datagrams.
C iperf3 -c "$SRV" -B "$CLI" -p 5201 -u -b 1M -l 1000 -t 4 --json > "$WORK/iperf3-client.json"

# random-payload UDP datagrams (about 5 s).
C "$PY" "$HERE/randudp.py" send "$WORK/randudp-plan.json" "$WORK/randudp-sent.json"
sleep 0.5

wrtc_capture_stop

# --- ground truth -------------------------------------------------------------
"$PY" "$HERE/analyze.py" "$WORK" "$WORK/capture.pcapng" "$WORK/ground-truth.json" "$(basename "$PCAP")"
install -m 0644 "$WORK/capture.pcapng" "$PCAP"
install -m 0644 "$WORK/ground-truth.json" "$JSON"
echo "== wrote $PCAP ($(stat -c %s "$PCAP") bytes) and $JSON"
