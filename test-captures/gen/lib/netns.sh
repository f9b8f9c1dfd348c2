# shellcheck shell=bash
# Shared helpers for the capture generators in test-captures/gen/.
# Source this file; it never runs anything by itself.
#
# Every generator runs its software inside network namespaces it creates, so
# that nothing can leave the machine (DEVELOPERS.md, "Standards"): a namespace
# starts with only `lo`, and /etc/netns/NAME/resolv.conf points DNS at
# 127.0.0.1 so stray look-ups by Chromium or libnice stay local.
# Everything created here is recorded and removed by wrtc_cleanup (EXIT trap).

WRTC_NAMESPACES=()
WRTC_PIDS=()

# wrtc_install [--with-recommends] PKG...: install the Debian packages that are
# missing (generators run as root). Without the flag, Recommends are skipped.
wrtc_install() {
    local p opts=(--no-install-recommends) missing=()
    if [ "${1:-}" = --with-recommends ]; then opts=(); shift; fi
    for p in "$@"; do
        dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
    done
    [ ${#missing[@]} -eq 0 ] && return 0
    echo "installing: ${missing[*]}" >&2
    DEBIAN_FRONTEND=noninteractive timeout 900 apt-get -o DPkg::Lock::Timeout=600 update -q
    DEBIAN_FRONTEND=noninteractive timeout 1800 apt-get -o DPkg::Lock::Timeout=600 \
        install -y -q "${opts[@]}" "${missing[@]}"
}

# wrtc_ns_create NAME: a namespace with lo up and a local-only resolv.conf.
wrtc_ns_create() {
    local ns=$1
    ip netns del "$ns" 2>/dev/null || true
    ip netns add "$ns"
    WRTC_NAMESPACES+=("$ns")
    mkdir -p "/etc/netns/$ns"
    echo "nameserver 127.0.0.1" > "/etc/netns/$ns/resolv.conf"
    ip netns exec "$ns" ip link set lo up
    # IPv6 off unless a generator turns it back on: libnice and Chromium would
    # otherwise prefer link-local IPv6 candidates (see CAPTURE-RECIPES.md).
    ip netns exec "$ns" sysctl -q -w net.ipv6.conf.all.disable_ipv6=1
}

# wrtc_veth NS1 IF1 ADDR1/PREFIX NS2 IF2 ADDR2/PREFIX: a veth pair between two
# of our namespaces (or inside one, when NS1 == NS2). Use documentation
# addresses only: 192.0.2.0/24, 198.51.100.0/24, 203.0.113.0/24.
wrtc_veth() {
    local ns1=$1 if1=$2 a1=$3 ns2=$4 if2=$5 a2=$6
    ip link add "$if1" netns "$ns1" type veth peer name "$if2" netns "$ns2"
    ip netns exec "$ns1" ip addr add "$a1" dev "$if1"
    ip netns exec "$ns2" ip addr add "$a2" dev "$if2"
    ip netns exec "$ns1" ip link set "$if1" up
    ip netns exec "$ns2" ip link set "$if2" up
}

# wrtc_bg NS SECONDS CMD...: start CMD in NS in the background, bounded by
# timeout(1); its PID is recorded for wrtc_cleanup and left in $WRTC_LAST_PID.
wrtc_bg() {
    local ns=$1 secs=$2; shift 2
    ip netns exec "$ns" timeout --signal=TERM --kill-after=5 "$secs" "$@" &
    WRTC_LAST_PID=$!
    WRTC_PIDS+=("$WRTC_LAST_PID")
}

# wrtc_capture_start NS IFACE FILE [SECONDS]: dumpcap, full snaplen, pcapng.
wrtc_capture_start() {
    local ns=$1 iface=$2 file=$3 secs=${4:-120}
    rm -f "$file"
    wrtc_bg "$ns" "$secs" dumpcap -q -i "$iface" -w "$file"
    WRTC_CAPTURE_PID=$WRTC_LAST_PID
    # dumpcap needs a moment before packets are recorded.
    local i
    for i in $(seq 1 50); do [ -s "$file" ] && break; sleep 0.1; done
    sleep 0.5
}

# wrtc_capture_stop: stop the capture started last and wait for it to flush.
wrtc_capture_stop() {
    [ -n "${WRTC_CAPTURE_PID:-}" ] || return 0
    sleep 0.5
    kill -INT "$WRTC_CAPTURE_PID" 2>/dev/null || true
    wait "$WRTC_CAPTURE_PID" 2>/dev/null || true
    WRTC_CAPTURE_PID=
}

# wrtc_cleanup: stop what we started (by PID only) and remove our namespaces.
wrtc_cleanup() {
    local p ns
    for p in "${WRTC_PIDS[@]}"; do kill "$p" 2>/dev/null || true; done
    sleep 0.5
    for p in "${WRTC_PIDS[@]}"; do kill -9 "$p" 2>/dev/null || true; done
    for ns in "${WRTC_NAMESPACES[@]}"; do
        ip netns del "$ns" 2>/dev/null || true
        rm -rf "/etc/netns/$ns"
    done
}

# wrtc_coturn NS WORK ADDR PORT USER PASS REALM TRANSPORT [EXTRA_LINE...]:
# start Debian's coturn in NS (bounded, recorded for wrtc_cleanup) with
# long-term credentials, listening and relaying on ADDR, relay ports
# 50000-50099, clients over TRANSPORT (udp: UDP only; tcp: UDP and TCP), UDP
# relays only (no RFC 6062 TCP allocations), no TLS/DTLS, no CLI, no
# RFC 5780; its config and logs go to WORK/turnserver.*. EXTRA_LINEs are
# appended to the config (e.g. allow-loopback-peers). Returns once it
# listens on PORT; its PID is in $WRTC_LAST_PID.
wrtc_coturn() {
    local ns=$1 work=$2 addr=$3 port=$4 user=$5 pass=$6 realm=$7 transport=$8 i
    shift 8
    {
        cat <<EOF
listening-ip=$addr
relay-ip=$addr
listening-port=$port
min-port=50000
max-port=50099
lt-cred-mech
user=$user:$pass
realm=$realm
fingerprint
no-multicast-peers
no-tls
no-dtls
no-tcp-relay
no-cli
no-rfc5780
userdb=$work/turndb
pidfile=$work/turnserver.pid
log-file=$work/turnserver.log
simple-log
verbose
EOF
        [ "$transport" = udp ] && echo no-tcp
        for i in "$@"; do echo "$i"; done
    } >"$work/turnserver.conf"
    wrtc_bg "$ns" 180 turnserver -c "$work/turnserver.conf" >"$work/turnserver.out" 2>&1
    local pid=$WRTC_LAST_PID
    for i in $(seq 1 100); do
        if [ "$transport" = tcp ]; then
            ip netns exec "$ns" ss -Hltn "sport = :$port" | grep -q LISTEN && return 0
        else
            ip netns exec "$ns" ss -Hlun "sport = :$port" | grep -q . && return 0
        fi
        kill -0 "$pid" 2>/dev/null || { cat "$work/turnserver.out" >&2; echo "turnserver died" >&2; return 1; }
        sleep 0.1
    done
    echo "turnserver not listening on $transport $port" >&2
    return 1
}

# wrtc_workdir PREFIX: a private work directory in $WORK; at exit (EXIT
# trap) wrtc_cleanup runs and $WORK is removed unless KEEP_WORK is set.
wrtc_workdir() {
    WORK=$(mktemp -d "/tmp/$1.XXXXXX")
    trap wrtc_exit EXIT
}
wrtc_exit() {
    wrtc_cleanup
    if [ -n "${KEEP_WORK:-}" ]; then echo "work files kept in $WORK" >&2; else rm -rf "$WORK"; fi
}

# wrtc_wait PID WHAT: wait for a background command; exit 1 if it failed.
wrtc_wait() {
    local rc=0
    wait "$1" || rc=$?
    [ "$rc" = 0 ] || { echo "$2 failed ($rc)" >&2; exit 1; }
}

# wrtc_verify_install REPO NAME PCAP TRUTH MAXBYTES: the project's checker
# (tests/lib/groundtruth.py, with gen/lib for srtp_check.py) on a scratch
# copy of test-captures/, then the size limit; only then are the capture
# and its ground truth installed as REPO/test-captures/NAME.{pcapng,json}.
wrtc_verify_install() {
    local repo=$1 name=$2 pcap=$3 truth=$4 max=$5 scratch size
    scratch=$(mktemp -d "/tmp/$name-check.XXXXXX")
    mkdir -p "$scratch/test-captures/gen"
    cp "$pcap" "$scratch/test-captures/$name.pcapng"
    cp "$truth" "$scratch/test-captures/$name.json"
    cp -r "$repo/test-captures/gen/lib" "$scratch/test-captures/gen/"
    WEBRTC_REPO=$scratch /usr/bin/python3 "$repo/tests/lib/groundtruth.py" \
        "$scratch/test-captures/$name.json" || { rm -rf "$scratch"; return 1; }
    rm -rf "$scratch"
    size=$(stat -c %s "$pcap")
    [ "$size" -lt "$max" ] || { echo "capture too large: $size bytes" >&2; return 1; }
    install -m 0644 "$pcap" "$repo/test-captures/$name.pcapng"
    install -m 0644 "$truth" "$repo/test-captures/$name.json"
    echo "wrote $repo/test-captures/$name.pcapng ($size bytes) and $name.json" >&2
}
