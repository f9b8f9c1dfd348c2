# shellcheck shell=bash
# Shared by gen/chromium-p2p/generate.sh and gen/chromium-turn/generate.sh.
# Source gen/lib/netns.sh first. Everything runs inside our own namespaces.

CHR_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
CHR_PY=/usr/bin/python3          # the Debian python3, not a pyenv one on PATH
CHR_BIN=/usr/lib/chromium/chromium

# chr_cert DIR: a throw-away self-signed certificate for https://127.0.0.1
chr_cert() {
    local dir=$1
    openssl req -x509 -newkey rsa:2048 -nodes -sha256 -days 2 \
        -keyout "$dir/key.pem" -out "$dir/cert.pem" \
        -subj "/CN=127.0.0.1" -addext "subjectAltName=IP:127.0.0.1" 2>/dev/null
}

# chr_start_server NS WORKDIR PORT: the HTTPS page/signaling/results server.
chr_start_server() {
    local ns=$1 work=$2 port=$3 i
    wrtc_bg "$ns" 180 "$CHR_PY" "$CHR_DIR/server.py" --addr 127.0.0.1 --port "$port" \
        --cert "$work/cert.pem" --key "$work/key.pem" --page "$CHR_DIR/page.html" \
        --outdir "$work" >"$work/server.log" 2>&1
    CHR_SERVER_PID=$WRTC_LAST_PID
    # Wait for the listening socket without connecting to it (no stray traffic).
    for i in $(seq 1 100); do
        ip netns exec "$ns" ss -Hltn "sport = :$port" | grep -q LISTEN && return 0
        sleep 0.1
    done
    echo "HTTPS server did not start" >&2; cat "$work/server.log" >&2; return 1
}

# chr_run_chromium NS WORKDIR URL SECONDS: headless Chromium on URL until the
# page has POSTed /results (WORKDIR/results.json) or SECONDS pass.
chr_run_chromium() {
    local ns=$1 work=$2 url=$3 secs=$4 i
    mkdir -p "$work/profile"
    wrtc_bg "$ns" "$secs" "$CHR_BIN" \
        --headless --no-sandbox --disable-gpu --disable-dev-shm-usage \
        --user-data-dir="$work/profile" \
        --ignore-certificate-errors \
        --use-fake-device-for-media-stream --use-fake-ui-for-media-stream \
        --allow-loopback-in-peer-connection \
        --autoplay-policy=no-user-gesture-required \
        --disable-quic --disable-background-networking --disable-component-update \
        --disable-sync --no-first-run --no-default-browser-check --disable-pings \
        --disable-features=OptimizationHints,OptimizationGuideModelDownloading,Translate,MediaRouter,DialMediaRouteProvider,WebRtcHideLocalIpsWithMdns,AutofillServerCommunication \
        --enable-logging=stderr --v=0 \
        "$url" >"$work/chromium.log" 2>&1
    CHR_CHROMIUM_PID=$WRTC_LAST_PID
    for i in $(seq 1 $((secs * 5))); do
        [ -s "$work/results.json" ] && break
        kill -0 "$CHR_CHROMIUM_PID" 2>/dev/null || break
        sleep 0.2
    done
    kill -TERM "$CHR_CHROMIUM_PID" 2>/dev/null || true
    wait "$CHR_CHROMIUM_PID" 2>/dev/null || true
    grep 'WRTC' "$work/chromium.log" | sed 's/^.*"WRTC /  page: /; s/", source:.*$//' >&2 || true
    if [ ! -s "$work/results.json" ]; then
        echo "Chromium produced no results; log tail:" >&2
        tail -40 "$work/chromium.log" >&2
        return 1
    fi
    if ! "$CHR_PY" -c 'import json,sys; sys.exit(0 if json.load(open(sys.argv[1])).get("ok") else 1)' "$work/results.json"; then
        echo "the page reported an error:" >&2; cat "$work/results.json" >&2; return 1
    fi
}

# chr_versions: "chromium=VERSION" from the binary.
chr_chromium_version() {
    "$CHR_BIN" --version 2>/dev/null | sed -n 's/^Chromium \([0-9.]*\).*/\1/p'
}
