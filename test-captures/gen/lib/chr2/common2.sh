# shellcheck shell=bash
# Two-browser Chromium calls: one headless Chromium per network namespace,
# each with one RTCPeerConnection (page2.html), offer/answer through an
# HTTPS mailbox (server2.py) that both reach over the namespaces' network.
# Source ../netns.sh first. Used by gen/chromium-multipath, -datachannel,
# -ice-fail and stun-discovery.

CHR2_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
CHR2_PY=/usr/bin/python3
CHR2_BIN=/usr/lib/chromium/chromium

# chr2_cert DIR ADDR: a throw-away self-signed certificate for https://ADDR
chr2_cert() {
    openssl req -x509 -newkey rsa:2048 -nodes -sha256 -days 2 \
        -keyout "$1/key.pem" -out "$1/cert.pem" \
        -subj "/CN=$2" -addext "subjectAltName=IP:$2" 2>/dev/null
}

# chr2_server NS WORK ADDR PORT: the page/mailbox server, listening on ADDR.
chr2_server() {
    local ns=$1 work=$2 addr=$3 port=$4 i
    wrtc_bg "$ns" 240 "$CHR2_PY" "$CHR2_DIR/server2.py" --addr "$addr" --port "$port" \
        --cert "$work/cert.pem" --key "$work/key.pem" --page "$CHR2_DIR/page2.html" \
        --outdir "$work" >"$work/server.log" 2>&1
    for i in $(seq 1 100); do
        ip netns exec "$ns" ss -Hltn "sport = :$port" | grep -q LISTEN && return 0
        sleep 0.1
    done
    echo "HTTPS server did not start" >&2; cat "$work/server.log" >&2; return 1
}

# chr2_chromium NS WORK NAME URL SECONDS: start headless Chromium (flags of
# CAPTURE-RECIPES.md) in the background; PID in $WRTC_LAST_PID, log in
# WORK/chromium-NAME.log, profile WORK/profile-NAME.
chr2_chromium() {
    local ns=$1 work=$2 name=$3 url=$4 secs=$5
    mkdir -p "$work/profile-$name"
    wrtc_bg "$ns" "$secs" "$CHR2_BIN" \
        --headless --no-sandbox --disable-gpu --disable-dev-shm-usage \
        --user-data-dir="$work/profile-$name" \
        --ignore-certificate-errors \
        --use-fake-device-for-media-stream --use-fake-ui-for-media-stream \
        --autoplay-policy=no-user-gesture-required \
        --disable-quic --disable-background-networking --disable-component-update \
        --disable-sync --no-first-run --no-default-browser-check --disable-pings \
        --disable-features=OptimizationHints,OptimizationGuideModelDownloading,Translate,MediaRouter,DialMediaRouteProvider,WebRtcHideLocalIpsWithMdns,AutofillServerCommunication \
        --enable-logging=stderr --v=0 \
        "$url" >"$work/chromium-$name.log" 2>&1
}

# chr2_wait WORK SECONDS NAME:PID...: wait until every NAME has posted its
# results (WORK/results-NAME.json) or SECONDS pass, then stop the browsers
# (by PID) and check that each page reported ok.
chr2_wait() {
    local work=$1 secs=$2 i np name pid ok=1
    shift 2
    for i in $(seq 1 $((secs * 5))); do
        ok=1
        for np in "$@"; do [ -s "$work/results-${np%%:*}.json" ] || ok=0; done
        [ $ok = 1 ] && break
        sleep 0.2
    done
    for np in "$@"; do
        pid=${np##*:}
        kill -TERM "$pid" 2>/dev/null || true
        wait "$pid" 2>/dev/null || true
    done
    for np in "$@"; do
        name=${np%%:*}
        grep 'WRTC' "$work/chromium-$name.log" | sed 's/^.*"WRTC /  page: /; s/", source:.*$//' >&2 || true
        if [ ! -s "$work/results-$name.json" ]; then
            echo "Chromium $name produced no results; log tail:" >&2
            tail -30 "$work/chromium-$name.log" >&2
            return 1
        fi
        if ! "$CHR2_PY" -c 'import json,sys; sys.exit(0 if json.load(open(sys.argv[1])).get("ok") else 1)' \
                "$work/results-$name.json"; then
            echo "page $name reported an error:" >&2; head -c 2000 "$work/results-$name.json" >&2; return 1
        fi
    done
}

chr2_version() {
    "$CHR2_BIN" --version 2>/dev/null | sed -n 's/^Chromium \([0-9.]*\).*/\1/p'
}
