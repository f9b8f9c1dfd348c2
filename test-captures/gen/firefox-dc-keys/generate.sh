#!/bin/bash
# Regenerates test-captures/keyed/firefox-dc-dtls13.{pcapng,keys,truth.json}
# (DTLS=13, the default) or firefox-dc-dtls12.* (DTLS=12:
# media.peerconnection.dtls.version.max = 771): WebRTC data channels whose
# DTLS secrets are known, for the "with keys" data channel decoding
# (docs/datachannels.md). Run as root on Debian 12.
#
# Headless Firefox ESR opens page.html (served by ../chromium-p2p/server.py
# over HTTPS with a throw-away CA imported into the fresh profile): two
# RTCPeerConnections in one page, no media, three data channels opened by
# the first (DCEP, RFC 8832): "chat" (ordered, reliable, protocol
# "wrtc-chat": six strings, the last one empty, each answered "ack ..."),
# "game" (unordered, maxRetransmits 2: three 1000-byte binary messages) and
# "file" (ordered, maxPacketLifeTime 3000 ms, protocol "bin": one
# 20000-byte binary message, fragmented by SCTP, and an empty one). The page
# counts what each side sent and received and reports the channels' stream
# ids; truth.py turns that into the ground truth. NSS writes the DTLS
# secrets to SSLKEYLOGFILE (the .keys file). Everything runs in our own
# namespaces ($NS_TAG-ff12/13 and ...gw, veth $NS_TAG-v/-vgw), bounded by
# timeout(1).
set -euo pipefail

HERE=$(cd "$(dirname "$0")" && pwd)
TC=$(cd "$HERE/../.." && pwd)              # test-captures/
CHR=$(cd "$HERE/../chromium-p2p" && pwd)   # page.html, server.py, groundtruth.py
DTLS=${DTLS:-13}
NAME=firefox-dc-dtls$DTLS
NS_TAG=${NS_TAG:-dt15}
NS=$NS_TAG-ff$DTLS
NS_GW=$NS_TAG-ff${DTLS}gw
PORT=8443
CALL_SECONDS=${CALL_SECONDS:-10}
PY=/usr/bin/python3
FF=/usr/lib/firefox-esr/firefox-esr
ADDR=192.0.2.1

case "$DTLS" in 12|13) ;; *) echo "DTLS must be 12 or 13" >&2; exit 2 ;; esac
[ "$(id -u)" -eq 0 ] || { echo "run as root" >&2; exit 1; }
# shellcheck source=../lib/netns.sh
source "$HERE/../lib/netns.sh"
wrtc_install firefox-esr libnss3-tools tshark openssl python3 python3-cryptography iproute2

WORK=$(mktemp -d /tmp/wrtc-$NAME.XXXXXX)
cleanup() {
    wrtc_cleanup
    if [ -n "${KEEP_WORK:-}" ]; then echo "work dir kept: $WORK" >&2; else rm -rf "$WORK"; fi
}
trap cleanup EXIT

# --- certificates: a throw-away CA (trusted in the profile) and the server's
openssl req -x509 -newkey rsa:2048 -nodes -sha256 -days 2 -subj "/CN=wrtc test CA" \
    -keyout "$WORK/ca.key" -out "$WORK/ca.pem" 2>/dev/null
openssl req -newkey rsa:2048 -nodes -sha256 -subj "/CN=$ADDR" \
    -keyout "$WORK/key.pem" -out "$WORK/srv.csr" 2>/dev/null
printf 'subjectAltName=IP:%s\nbasicConstraints=CA:FALSE\nextendedKeyUsage=serverAuth\n' "$ADDR" > "$WORK/ext.cnf"
openssl x509 -req -in "$WORK/srv.csr" -CA "$WORK/ca.pem" -CAkey "$WORK/ca.key" -CAcreateserial \
    -days 2 -sha256 -extfile "$WORK/ext.cnf" -out "$WORK/cert.pem" 2>/dev/null

# --- Firefox profile: prefs of CAPTURE-RECIPES.md, the CA in its NSS db
PROFILE=$WORK/profile
mkdir -p "$PROFILE"
certutil -N -d "sql:$PROFILE" --empty-password
certutil -A -d "sql:$PROFILE" -n "wrtc test CA" -t "C,," -i "$WORK/ca.pem"
cat > "$PROFILE/user.js" <<PREFS
user_pref("media.navigator.streams.fake", true);
user_pref("media.navigator.permission.disabled", true);
user_pref("media.peerconnection.ice.obfuscate_host_addresses", false);
user_pref("media.autoplay.default", 0);
user_pref("devtools.console.stdout.content", true);
user_pref("browser.shell.checkDefaultBrowser", false);
user_pref("browser.startup.homepage_override.mstone", "ignore");
user_pref("browser.startup.page", 0);
user_pref("browser.newtabpage.enabled", false);
user_pref("startup.homepage_welcome_url", "");
user_pref("app.update.enabled", false);
user_pref("app.update.auto", false);
user_pref("app.normandy.enabled", false);
user_pref("extensions.update.enabled", false);
user_pref("extensions.getAddons.cache.enabled", false);
user_pref("datareporting.policy.dataSubmissionEnabled", false);
user_pref("datareporting.healthreport.uploadEnabled", false);
user_pref("toolkit.telemetry.enabled", false);
user_pref("toolkit.telemetry.unified", false);
user_pref("toolkit.telemetry.server", "");
user_pref("browser.safebrowsing.malware.enabled", false);
user_pref("browser.safebrowsing.phishing.enabled", false);
user_pref("browser.safebrowsing.downloads.enabled", false);
user_pref("browser.safebrowsing.provider.mozilla.updateURL", "");
user_pref("network.captive-portal-service.enabled", false);
user_pref("network.connectivity-service.enabled", false);
user_pref("network.prefetch-next", false);
user_pref("network.dns.disablePrefetch", true);
user_pref("network.http.speculative-parallel-limit", 0);
user_pref("network.trr.mode", 5);
user_pref("services.settings.server", "http://127.0.0.1:9/");
user_pref("browser.region.update.enabled", false);
user_pref("media.gmp-manager.updateEnabled", false);
user_pref("media.gmp-gmpopenh264.enabled", false);
user_pref("media.gmp-gmpopenh264.autoupdate", false);
user_pref("messaging-system.rsexperimentloader.enabled", false);
PREFS
if [ "$DTLS" = 12 ]; then
    echo 'user_pref("media.peerconnection.dtls.version.max", 771);' >> "$PROFILE/user.js"
fi

# --- namespaces: Firefox gathers host candidates only on an interface with a
# default route (CAPTURE-RECIPES.md): a veth to a second namespace of ours
# that plays the gateway. Both PCs get $ADDR; their traffic runs over lo.
# The page server listens on $ADDR too, so that the HTTPS signaling leaves
# from the same host address as ICE, as it would from a real browser (from
# 127.0.0.1 it would look like another host's).
wrtc_ns_create "$NS"
wrtc_ns_create "$NS_GW"
wrtc_veth "$NS" $NS_TAG-v "$ADDR/24" "$NS_GW" $NS_TAG-vgw 192.0.2.254/24
ip netns exec "$NS" ip route add default via 192.0.2.254

wrtc_bg "$NS" 180 "$PY" "$CHR/server.py" --addr "$ADDR" --port "$PORT" \
    --cert "$WORK/cert.pem" --key "$WORK/key.pem" --page "$HERE/page.html" \
    --outdir "$WORK" > "$WORK/server.log" 2>&1
for i in $(seq 1 100); do
    ip netns exec "$NS" ss -Hltn "sport = :$PORT" | grep -q LISTEN && break
    sleep 0.1
done

wrtc_capture_start "$NS" lo "$WORK/capture.pcapng" 120
rm -f "$WORK/keylog.txt"
wrtc_bg "$NS" 90 env HOME="$WORK" SSLKEYLOGFILE="$WORK/keylog.txt" MOZ_REMOTE_SETTINGS_DEVTOOLS=1 \
    MOZ_CRASHREPORTER_DISABLE=1 "$FF" --headless --no-remote --profile "$PROFILE" \
    "https://$ADDR:$PORT/" > "$WORK/firefox.log" 2>&1
FF_PID=$WRTC_LAST_PID
for i in $(seq 1 $((90 * 5))); do
    [ -s "$WORK/results.json" ] && break
    kill -0 "$FF_PID" 2>/dev/null || break
    sleep 0.2
done
kill -TERM "$FF_PID" 2>/dev/null || true
wait "$FF_PID" 2>/dev/null || true
sleep 1
wrtc_capture_stop
grep 'WRTC' "$WORK/firefox.log" | sed 's/^/  page: /' >&2 || true
[ -s "$WORK/results.json" ] || { echo "Firefox produced no results; log tail:" >&2; tail -30 "$WORK/firefox.log" >&2; exit 1; }

mkdir -p "$TC/keyed"
FF_VERSION=$("$FF" --version 2>/dev/null | sed -n 's/^Mozilla Firefox \([0-9.a-z]*\).*/\1/p')
"$PY" "$HERE/truth.py" --results "$WORK/results.json" --dtls "$DTLS" --software "firefox-esr=$FF_VERSION" \
    --capture "keyed/$NAME.pcapng" > "$WORK/truth.json"
install -m 0644 "$WORK/capture.pcapng" "$TC/keyed/$NAME.pcapng"
install -m 0644 "$WORK/keylog.txt" "$TC/keyed/$NAME.keys"
install -m 0644 "$WORK/truth.json" "$TC/keyed/$NAME.truth.json"
echo "wrote $TC/keyed/$NAME.{pcapng,keys,truth.json}" >&2
