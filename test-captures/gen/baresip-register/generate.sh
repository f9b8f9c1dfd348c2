#!/bin/bash
# Regenerates test-captures/baresip-register.pcapng and .json (run as root
# on Debian 12; see README.md in this folder).
#
# A SIP call through a registrar: Kamailio 5.6 (Debian kamailio, registrar +
# record-routing proxy, usrloc in memory, no auth) in namespace h14c-br-k
# (203.0.113.50); baresip alice (192.0.2.10) and bob (198.51.100.20) both
# REGISTER with it (regint 8 s, so they re-register during the call) and
# alice calls sip:bob@203.0.113.50 through it. Every SIP message of alice
# (REGISTERs, INVITE dialog, un-REGISTER at exit) runs on ONE 5-tuple,
# 192.0.2.10:5060 <-> 203.0.113.50:5060, with different Call-IDs; media go
# directly between alice and bob: PCMU in plain RTP, RTCP on port+1. The
# capture is alice's interface.
set -euo pipefail

HERE=$(cd "$(dirname "$0")" && pwd)
TC=$(cd "$HERE/../.." && pwd)
REPO=$(cd "$TC/.." && pwd)
NAME=baresip-register
CALL_SECONDS=${CALL_SECONDS:-12}
REGINT=${REGINT:-8}
PY=/usr/bin/python3
SIP_DIR=$(cd "$HERE/../baresip-sip" && pwd)

[ "$(id -u)" = 0 ] || { echo "run as root" >&2; exit 1; }
# shellcheck source=../lib/netns.sh
source "$HERE/../lib/netns.sh"
# shellcheck source=../baresip-sip/baresip.sh
source "$SIP_DIR/baresip.sh"
wrtc_install baresip-core sox kamailio tshark iproute2 python3
wrtc_workdir h14c-$NAME

NS_R=h14c-br-r NS_A=h14c-br-a NS_B=h14c-br-b NS_K=h14c-br-k
IP_A=192.0.2.10 IP_B=198.51.100.20 IP_K=203.0.113.50
for ns in "$NS_R" "$NS_A" "$NS_B" "$NS_K"; do wrtc_ns_create "$ns"; done
wrtc_veth "$NS_A" h14cBa "$IP_A/24" "$NS_R" h14cBra 192.0.2.1/24
wrtc_veth "$NS_B" h14cBb "$IP_B/24" "$NS_R" h14cBrb 198.51.100.1/24
wrtc_veth "$NS_K" h14cBk "$IP_K/24" "$NS_R" h14cBrk 203.0.113.1/24
ip netns exec "$NS_R" sysctl -q -w net.ipv4.ip_forward=1
ip netns exec "$NS_A" ip route add default via 192.0.2.1
ip netns exec "$NS_B" ip route add default via 198.51.100.1
ip netns exec "$NS_K" ip route add default via 203.0.113.1

# --- Kamailio: registrar + proxy (record-route), no authentication ---------
cat > "$WORK/kamailio.cfg" <<CFG
#!KAMAILIO
debug=2
log_stderror=yes
children=2
auto_aliases=no
alias="$IP_K"
listen=udp:$IP_K:5060
mpath="/usr/lib/x86_64-linux-gnu/kamailio/modules/"
loadmodule "tm.so"
loadmodule "sl.so"
loadmodule "rr.so"
loadmodule "pv.so"
loadmodule "maxfwd.so"
loadmodule "usrloc.so"
loadmodule "registrar.so"
loadmodule "textops.so"
loadmodule "siputils.so"
loadmodule "xlog.so"
modparam("usrloc", "db_mode", 0)
modparam("registrar", "min_expires", 5)
modparam("registrar", "default_expires", $REGINT)
modparam("rr", "enable_full_lr", 1)
request_route {
    xlog("L_INFO", "request \$rm \$ru from \$si:\$sp call-id \$ci\n");
    if (!mf_process_maxfwd_header("10")) { sl_send_reply("483", "Too Many Hops"); exit; }
    if (has_totag()) {
        if (loose_route()) { t_relay(); exit; }
        if (is_method("ACK")) { if (t_check_trans()) { t_relay(); } exit; }
        sl_send_reply("404", "Not here"); exit;
    }
    if (is_method("CANCEL")) { if (t_check_trans()) { t_relay(); } exit; }
    if (is_method("REGISTER")) { save("location"); exit; }
    if (is_method("INVITE")) { record_route(); }
    if (!lookup("location")) { sl_send_reply("404", "Not Found"); exit; }
    t_relay();
}
CFG
wrtc_bg "$NS_K" 120 kamailio -f "$WORK/kamailio.cfg" -DD -E -n 1 -Y "$WORK" -P "$WORK/kamailio.pid" > "$WORK/kamailio.log" 2>&1
PID_K=$WRTC_LAST_PID
for i in $(seq 1 100); do
    ip netns exec "$NS_K" ss -Hlun "sport = :5060" | grep -q . && break
    kill -0 "$PID_K" 2>/dev/null || { cat "$WORK/kamailio.log" >&2; exit 1; }
    sleep 0.1
done

# --- baresip: both register; alice calls bob through the proxy ------------
bsip_wav "$WORK/in.wav"
bsip_conf "$WORK/alice" "$IP_A" alice h14cBa "$WORK/in.wav"
bsip_conf "$WORK/bob" "$IP_B" bob h14cBb "$WORK/in.wav"
for u in alice bob; do
    echo "<sip:$u@$IP_K>;regint=$REGINT;answermode=auto;audio_codecs=PCMU/8000,PCMA/8000" > "$WORK/$u/accounts"
done

wrtc_capture_start "$NS_A" h14cBa "$WORK/capture.pcapng" 90
wrtc_bg "$NS_B" 60 baresip -4 -v -s -f "$WORK/bob" > "$WORK/bob.log" 2>&1
PID_B=$WRTC_LAST_PID
sleep 1
wrtc_bg "$NS_A" 60 baresip -4 -v -s -f "$WORK/alice" > "$WORK/alice.log" 2>&1
PID_A=$WRTC_LAST_PID
sleep 1      # let alice register before she dials
ip netns exec "$NS_A" timeout 60 "$PY" "$SIP_DIR/ctl.py" 127.0.0.1:4444 "sip:bob@$IP_K" \
    "" "$CALL_SECONDS" "$WORK/ctl-alice.jsonl"
wait "$PID_A" || true
bsip_quit "$NS_B"
wait "$PID_B" || true
sleep 0.5
wrtc_capture_stop
if [ -n "${NO_TRUTH:-}" ]; then KEEP_WORK=1; exit 0; fi

"$PY" "$HERE/build_truth.py" --work "$WORK" --pcap "$WORK/capture.pcapng" --alice "$IP_A" --bob "$IP_B" \
    --registrar "$IP_K:5060" --capture-name "$NAME.pcapng" --generator "gen/$NAME/generate.sh" \
    --out "$WORK/$NAME.json" --record-dir "$HERE/last-run"
wrtc_verify_install "$REPO" "$NAME" "$WORK/capture.pcapng" "$WORK/$NAME.json" 1500000
