#!/bin/bash
# Regenerates test-captures/gst-rtp-tcp.{pcapng,json}. Run as root on
# Debian 12 (about 15 s); see README.md.
#
# RTP framed per RFC 4571 (2-byte length before every packet) on TCP, made
# by GStreamer alone, no signaling, no RTCP; next to it DNS over TCP (also a
# 2-byte length before every message, RFC 1035 4.2.2) as the negative.
# Two namespaces on one veth pair, dumpcap on A's veth:
#   A r4571-a 198.51.100.1          B r4571-b 198.51.100.2
#   PCMA sender, tcpclientsink  ->  tcpserversrc :5004, PCMA receiver
#   Opus receiver, tcpclientsrc ->  tcpserversink :5006, Opus sender
#   dig +tcp +keepopen (36 q.)  ->  dnsmasq :53, local records only
set -euo pipefail

HERE=$(cd "$(dirname "$0")" && pwd)
TC=$(cd "$HERE/../.." && pwd)
REPO=$(cd "$TC/.." && pwd)
NAME=gst-rtp-tcp
PY=/usr/bin/python3

[ "$(id -u)" = 0 ] || { echo "run as root" >&2; exit 1; }
# shellcheck source=../lib/netns.sh
source "$HERE/../lib/netns.sh"
wrtc_install gstreamer1.0-plugins-base gstreamer1.0-plugins-good gir1.2-gstreamer-1.0 python3-gi \
             dnsmasq-base bind9-dnsutils tshark wireshark-common iproute2 ethtool
wrtc_workdir h14c-$NAME
export GST_REGISTRY_1_0=$WORK/gst-registry.bin

NSA=r4571-a NSB=r4571-b AIP=198.51.100.1 BIP=198.51.100.2
wrtc_ns_create "$NSA"
wrtc_ns_create "$NSB"
wrtc_veth "$NSA" r4571a "$AIP/24" "$NSB" r4571b "$BIP/24"
# Offloads off: with TSO/GSO/GRO a veth carries (and dumpcap records) TCP
# segments of up to 64 KiB whatever the MSS; tx off: real checksums.
for x in "$NSA r4571a" "$NSB r4571b"; do
    # shellcheck disable=SC2086
    set -- $x
    ip netns exec "$1" ethtool -K "$2" tso off gso off gro off tx off >/dev/null
done

listening() {  # NS PORT: wait until something listens on TCP PORT in NS
    local i
    for i in $(seq 1 100); do
        ip netns exec "$1" ss -Hltn "sport = :$2" | grep -q LISTEN && return 0
        sleep 0.1
    done
    echo "nothing listens on tcp $2 in $1" >&2
    exit 1
}

# DNS: dnsmasq answers from a local hosts file and a few records of its own;
# nothing is forwarded (no resolv.conf, no server), so every name is local.
# The DKIM-like TXT record (a zero key) makes one answer longer than 255
# bytes, so that a length prefix has a non-zero first byte.
cat > "$WORK/hosts" <<EOF
198.51.100.2 ns.example.test
198.51.100.10 www.example.test
2001:db8::10 www.example.test
198.51.100.11 mail.example.test
198.51.100.12 media.example.test
2001:db8::12 media.example.test
198.51.100.13 turn.example.test
198.51.100.14 sip.example.test
198.51.100.15 db.example.test
198.51.100.16 cache.example.test
198.51.100.17 files.example.test
2001:db8::17 files.example.test
198.51.100.18 git.example.test
198.51.100.19 ci.example.test
198.51.100.20 stream.example.test
EOF
wrtc_bg "$NSB" 60 dnsmasq --keep-in-foreground --conf-file=/dev/null --no-resolv --no-hosts \
    --addn-hosts="$WORK/hosts" --no-poll --bind-interfaces --listen-address="$BIP" --port=53 \
    --user=root --group=root --pid-file= --log-queries --log-facility="$WORK/dnsmasq.log" \
    --local=/example.test/ --local=/100.51.198.in-addr.arpa/ \
    --cname=web.example.test,www.example.test --cname=rtp.example.test,media.example.test \
    --mx-host=example.test,mail.example.test,10 \
    --txt-record=example.test,"v=spf1 mx -all" \
    --txt-record=keys.example.test,"v=DKIM1; k=rsa; p=$(head -c 162 /dev/zero | base64 -w0)" \
    --txt-record=notes.example.test,"RFC 4571 frames RTP with a 16-bit length, so does RFC 1035 4.2.2 for DNS" \
    --srv-host=_sip._tcp.example.test,sip.example.test,5060,0,10 \
    --srv-host=_turn._tcp.example.test,turn.example.test,3478,0,10 \
    --srv-host=_rtp._tcp.example.test,media.example.test,5004,0,10
DNS_PID=$WRTC_LAST_PID
listening "$NSB" 53

wrtc_capture_start "$NSA" r4571a "$WORK/capture.pcapng" 90

# B: the PCMA receiver listens on 5004, the Opus sender on 5006.
wrtc_bg "$NSB" 60 "$PY" "$HERE/gst_tcp.py" recv --codec pcma --tcp server --host $BIP --port 5004 \
    --timeout 45 --out "$WORK/receiver-pcma.json" 2> >(tee "$WORK/receiver-pcma.log" >&2)
RCV1=$WRTC_LAST_PID
wrtc_bg "$NSB" 60 "$PY" "$HERE/gst_tcp.py" send --codec opus --tcp server --host $BIP --port 5006 \
    --seconds 8 --ssrc 0x0b05e111 --seq 52000 --ts 2400000 --out "$WORK/sender-opus.json" \
    2> >(tee "$WORK/sender-opus.log" >&2)
SND2=$WRTC_LAST_PID
listening "$NSB" 5004
listening "$NSB" 5006
sleep 0.5
# A: the Opus receiver connects to B:5006 (and so starts that sender), the
# PCMA sender connects to B:5004.
wrtc_bg "$NSA" 60 "$PY" "$HERE/gst_tcp.py" recv --codec opus --tcp client --host $BIP --port 5006 \
    --timeout 45 --out "$WORK/receiver-opus.json" 2> >(tee "$WORK/receiver-opus.log" >&2)
RCV2=$WRTC_LAST_PID
sleep 0.5
wrtc_bg "$NSA" 60 "$PY" "$HERE/gst_tcp.py" send --codec pcma --tcp client --host $BIP --port 5004 \
    --seconds 8 --ssrc 0x4571a0a8 --seq 30000 --ts 8000000 --out "$WORK/sender-pcma.json" \
    2> >(tee "$WORK/sender-pcma.log" >&2)
SND1=$WRTC_LAST_PID

# DNS over TCP while the media flows: one dig, 36 questions, one kept-open
# connection (+keepopen), each answered before the next is asked.
sleep 2
QUERIES=(www.example.test A www.example.test AAAA mail.example.test A example.test MX
         example.test TXT keys.example.test TXT notes.example.test TXT web.example.test A
         rtp.example.test A media.example.test AAAA media.example.test A turn.example.test A
         sip.example.test A _sip._tcp.example.test SRV _turn._tcp.example.test SRV
         _rtp._tcp.example.test SRV db.example.test A cache.example.test A files.example.test A
         files.example.test AAAA git.example.test A ci.example.test A stream.example.test A
         ns.example.test A missing.example.test A nothing.example.test AAAA
         mail.example.test AAAA example.test A 10.100.51.198.in-addr.arpa PTR
         11.100.51.198.in-addr.arpa PTR 12.100.51.198.in-addr.arpa PTR
         20.100.51.198.in-addr.arpa PTR 99.100.51.198.in-addr.arpa PTR www.example.test ANY
         web.example.test AAAA stream.example.test TXT)
printf '%s %s\n' "${QUERIES[@]}" > "$WORK/dig-queries.txt"
ip netns exec "$NSA" timeout 30 dig @$BIP +tcp +keepopen +tries=1 +time=3 "${QUERIES[@]}" \
    > "$WORK/dig.txt"

wrtc_wait "$SND1" "pcma sender"
wrtc_wait "$SND2" "opus sender"
wrtc_wait "$RCV1" "pcma receiver"
wrtc_wait "$RCV2" "opus receiver"
sleep 1
wrtc_capture_stop
kill "$DNS_PID" 2>/dev/null || true
if [ -n "${NO_TRUTH:-}" ]; then KEEP_WORK=1; exit 0; fi

"$PY" "$HERE/build_truth.py" --pcap "$WORK/capture.pcapng" --work "$WORK" \
    --capture-name "$NAME.pcapng" --generator "gen/$NAME/generate.sh" \
    --out "$WORK/$NAME.json" --record-dir "$HERE/last-run"
wrtc_verify_install "$REPO" "$NAME" "$WORK/capture.pcapng" "$WORK/$NAME.json" 1500000
