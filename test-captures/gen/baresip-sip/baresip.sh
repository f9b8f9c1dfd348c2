# shellcheck shell=bash
# baresip helpers shared by the generators that make a plain SIP call
# (baresip-sip, mayday-like). Source it; it defines functions only.

# bsip_wav FILE: 20 s of 8 kHz mono S16LE (what aufile needs for G.711), a
# rising sweep with tremolo, so the payload is not constant.
bsip_wav() {
    sox -n -r 8000 -c 1 -b 16 -e signed-integer "$1" \
        synth 20 sine 300-3000 tremolo 2 40 vol 0.4
}

# bsip_conf DIR ADDR USER IFACE WAV: a baresip config directory for one user
# agent listening on ADDR:5060 (bound to IFACE): G.711 only, no registrar
# (regint=0), auto-answer, PCMU then PCMA, RTCP on port+1 (rtcp_mux no), no
# medianat; mediaenc (and baresip's srtp module) only when $MEDIAENC is set
# (e.g. srtp-mand for SDES, RFC 4568, used by gen/baresip-sdes); DTMF and call control through ctrl_tcp on
# 127.0.0.1:4444 in the user agent's namespace.
bsip_conf() {
    mkdir -p "$1"
    cat > "$1/config" <<EOF
poll_method		epoll
sip_listen		$2:5060
net_interface		$4
call_local_timeout	120
call_max_calls		1
audio_player		aubridge,nowhere
audio_alert		aubridge,nowhere
audio_source		aufile,$5
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
    if [ -n "${MEDIAENC:-}" ]; then
        echo "module			srtp.so" >> "$1/config"
        enc=";mediaenc=$MEDIAENC"
    fi
    echo "<sip:$3@$2>;regint=0;answermode=auto;audio_codecs=PCMU/8000,PCMA/8000$enc" > "$1/accounts"
    : > "$1/contacts"
}

# bsip_quit NS: ask the baresip in NS to quit through its ctrl_tcp.
bsip_quit() {
    ip netns exec "$1" timeout 10 /usr/bin/python3 - <<'EOF'
import json, socket
s = socket.create_connection(("127.0.0.1", 4444), timeout=5)
d = json.dumps({"command": "quit", "params": "", "token": "quit"}).encode()
s.sendall(b"%d:%s," % (len(d), d))
try:
    s.recv(4096)
except OSError:
    pass
EOF
}
