#!/bin/bash
# Regenerate test-captures/baresip-sip.pcapng and baresip-sip.json (run as root).
#
# Two Debian baresip 1.0.0 instances, alice (192.0.2.1) and bob (192.0.2.2), in
# two network namespaces joined by a veth pair. alice dials sip:bob@192.0.2.2
# directly (no registrar), bob auto-answers; both send a WAV through the
# aufile module, PCMU and PCMA are offered, RTCP runs on port+1 (rtcp_mux no),
# and alice sends the RFC 4733 digits below through the ctrl_tcp module.
# dumpcap records alice's veth end. analyze.py builds the ground truth from
# baresip's SIP trace and logs plus the capture, and checks it with tshark.
#
# MEDIAENC=srtp-mand (used by ../baresip-sdes/generate.sh) loads baresip's
# srtp module and makes both accounts require SDES SRTP (RFC 4568 a=crypto
# in the SDP, RTP/SAVP); NAME names the capture, NS_TAG prefixes the
# namespaces.
set -euo pipefail

HERE=$(cd "$(dirname "$0")" && pwd)
OUTDIR=$(cd "$HERE/../.." && pwd)
NAME=${NAME:-baresip-sip}
MEDIAENC=${MEDIAENC:-}
NS_TAG=${NS_TAG:-wrtc}
PCAP="$OUTDIR/$NAME.pcapng"
JSON="$OUTDIR/$NAME.json"
DIGITS=${DIGITS:-1234#}
CALL_SECONDS=${CALL_SECONDS:-12}
PY=/usr/bin/python3

[ "$(id -u)" = 0 ] || { echo "run as root" >&2; exit 1; }

# --- Debian packages -------------------------------------------------------
# shellcheck source=SCRIPTDIR/../lib/netns.sh
source "$HERE/../lib/netns.sh"
wrtc_install baresip-core sox tshark iproute2 python3

WORK=$(mktemp -d /tmp/wrtc-sip.XXXXXX)
finish() {
    wrtc_cleanup
    if [ -n "${KEEP_WORK:-}" ]; then echo "work files kept in $WORK"; else rm -rf "$WORK"; fi
}
trap finish EXIT

NS_A=$NS_TAG-sip-alice
NS_B=$NS_TAG-sip-bob
IP_A=192.0.2.1
IP_B=192.0.2.2

# --- audio: 20 s of 8 kHz mono S16LE (what aufile needs for G.711) ----------
# A rising sweep with tremolo, so the payload is not constant.
sox -n -r 8000 -c 1 -b 16 -e signed-integer "$WORK/in.wav" \
    synth 20 sine 300-3000 tremolo 2 40 vol 0.4

# --- baresip configuration -------------------------------------------------
mkconf() { # dir ip user iface
    mkdir -p "$1"
    cat > "$1/config" <<EOF
poll_method		epoll
sip_listen		$2:5060
net_interface		$4
call_local_timeout	120
call_max_calls		1
audio_player		aubridge,nowhere
audio_alert		aubridge,nowhere
audio_source		aufile,$WORK/in.wav
ausrc_srate		8000
auplay_srate		8000
ausrc_channels		1
auplay_channels		1
audio_level		no
rtp_ports		10000-10100
rtcp_mux		no
jitter_buffer_delay	5-10
rtp_stats		yes
statmode_default	off
ringback_disabled	yes
module_path		/usr/lib/baresip/modules
module			g711.so
module			aufile.so
module			aubridge.so
module_tmp		uuid.so
module_tmp		account.so
module_app		menu.so
module_app		ctrl_tcp.so
ctrl_tcp_listen		127.0.0.1:4444
EOF
    local enc=""
    if [ -n "$MEDIAENC" ]; then
        echo "module			srtp.so" >> "$1/config"
        enc=";mediaenc=$MEDIAENC"
    fi
    # No registrar (regint=0), auto-answer, PCMU then PCMA; no medianat;
    # mediaenc only when MEDIAENC is set.
    echo "<sip:$3@$2>;regint=0;answermode=auto;audio_codecs=PCMU/8000,PCMA/8000$enc" > "$1/accounts"
    : > "$1/contacts"
}
mkconf "$WORK/alice" "$IP_A" alice veth-alice
mkconf "$WORK/bob" "$IP_B" bob veth-bob

# --- namespaces, capture, call --------------------------------------------
wrtc_ns_create "$NS_A"
wrtc_ns_create "$NS_B"
wrtc_veth "$NS_A" veth-alice "$IP_A/24" "$NS_B" veth-bob "$IP_B/24"

wrtc_capture_start "$NS_A" veth-alice "$WORK/capture.pcapng" 90

wrtc_bg "$NS_B" 60 baresip -4 -v -s -f "$WORK/bob" > "$WORK/bob.log" 2>&1
PID_B=$WRTC_LAST_PID
wrtc_bg "$NS_A" 60 baresip -4 -v -s -f "$WORK/alice" > "$WORK/alice.log" 2>&1
PID_A=$WRTC_LAST_PID

# ctl.py waits for ctrl_tcp, dials, sends the digits, hangs up and quits alice.
ip netns exec "$NS_A" timeout 60 "$PY" "$HERE/ctl.py" 127.0.0.1:4444 "sip:bob@$IP_B" \
    "$DIGITS" "$CALL_SECONDS" "$WORK/ctl-alice.jsonl"
wait "$PID_A" || true
# then quit bob the same way
ip netns exec "$NS_B" timeout 10 "$PY" - <<'EOF'
import json, socket
s = socket.create_connection(("127.0.0.1", 4444), timeout=5)
d = json.dumps({"command": "quit", "params": "", "token": "quit"}).encode()
s.sendall(b"%d:%s," % (len(d), d))
try:
    s.recv(4096)
except OSError:
    pass
EOF
wait "$PID_B" || true
wrtc_capture_stop

# --- ground truth -----------------------------------------------------------
"$PY" "$HERE/analyze.py" "$WORK" "$WORK/capture.pcapng" "$WORK/ground-truth.json" "$DIGITS" \
    "gen/$NAME/generate.sh" "$MEDIAENC"
# analyze.py names the capture after its argument: fix the name, then install.
"$PY" - "$WORK/ground-truth.json" "$(basename "$PCAP")" <<'EOF'
import json, sys
p, name = sys.argv[1:3]
d = json.load(open(p)); d["capture"] = name
json.dump(d, open(p, "w"), indent=2); open(p, "a").write("\n")
EOF
install -m 0644 "$WORK/capture.pcapng" "$PCAP"
install -m 0644 "$WORK/ground-truth.json" "$JSON"

echo "== $PCAP ($(stat -c %s "$PCAP") bytes)"
tshark -r "$PCAP" -q -z rtp,streams 2>/dev/null
echo "== RFC 4733 events (ssrc, timestamp, event id, end):"
tshark -r "$PCAP" -Y rtpevent -T fields -e rtp.ssrc -e rtp.timestamp -e rtpevent.event_id \
    -e rtpevent.end_of_event 2>/dev/null | sort -u -k1,2 -k4 | uniq
echo "== wrote $JSON"
