#!/bin/bash
# Regenerates test-captures/firefox-dtls13.{pcapng,json,keys} (DTLS=13, the
# default) or firefox-dtls12.* (DTLS=12: media.peerconnection.dtls.version.max
# = 771). Run as root on Debian 12; see README.md in this folder.
#
# Headless Firefox ESR (Debian firefox-esr) opens the chromium-p2p page
# (../chromium-p2p/page.html, served by ../chromium-p2p/server.py over HTTPS
# with a throw-away CA imported into the fresh profile): two
# RTCPeerConnections, fake audio+video both ways, DTMF 123#. NSS writes the
# DTLS secrets to SSLKEYLOGFILE; groundtruth.py derives the SRTP keys from
# them and proves them on every packet.
set -euo pipefail

HERE=$(cd "$(dirname "$0")" && pwd)
TC=$(cd "$HERE/../.." && pwd)              # test-captures/
CHR=$(cd "$HERE/../chromium-p2p" && pwd)   # page.html, server.py, groundtruth.py
DTLS=${DTLS:-13}
NAME=firefox-dtls$DTLS
NS_TAG=${NS_TAG:-wrtc}
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
wrtc_veth "$NS" veth-ff "$ADDR/24" "$NS_GW" veth-ffgw 192.0.2.254/24
ip netns exec "$NS" ip route add default via 192.0.2.254

wrtc_bg "$NS" 180 "$PY" "$CHR/server.py" --addr "$ADDR" --port "$PORT" \
    --cert "$WORK/cert.pem" --key "$WORK/key.pem" --page "$CHR/page.html" \
    --outdir "$WORK" > "$WORK/server.log" 2>&1
for i in $(seq 1 100); do
    ip netns exec "$NS" ss -Hltn "sport = :$PORT" | grep -q LISTEN && break
    sleep 0.1
done

wrtc_capture_start "$NS" lo "$WORK/capture.pcapng" 120
rm -f "$WORK/keylog.txt"
wrtc_bg "$NS" 90 env HOME="$WORK" SSLKEYLOGFILE="$WORK/keylog.txt" MOZ_REMOTE_SETTINGS_DEVTOOLS=1 \
    MOZ_CRASHREPORTER_DISABLE=1 "$FF" --headless --no-remote --profile "$PROFILE" \
    "https://$ADDR:$PORT/?dur=$CALL_SECONDS&bitrate=300000" > "$WORK/firefox.log" 2>&1
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

FF_VERSION=$("$FF" --version 2>/dev/null | sed -n 's/^Mozilla Firefox \([0-9.a-z]*\).*/\1/p')
"$PY" "$HERE/groundtruth.py" --results "$WORK/results.json" --pcap "$WORK/capture.pcapng" \
    --keylog "$WORK/keylog.txt" --dtls "$DTLS" \
    --capture-name "$NAME.pcapng" --keylog-name "$NAME.keys" --generator "gen/$NAME/generate.sh" \
    --server "$ADDR:$PORT" --software "firefox-esr=$FF_VERSION" \
    --out "$WORK/out.json" --keys-out "$WORK/out.keys" --record-dir "$HERE/last-run-$DTLS"

install -m 0644 "$WORK/capture.pcapng" "$TC/$NAME.pcapng"
install -m 0644 "$WORK/out.json" "$TC/$NAME.json"
install -m 0644 "$WORK/out.keys" "$TC/$NAME.keys"
echo "wrote $TC/$NAME.pcapng ($(stat -c %s "$TC/$NAME.pcapng") bytes), $NAME.json, $NAME.keys" >&2
