#!/usr/bin/env bash
# ./run.sh [CAPTURE]  — the main job on a fresh Debian 12 machine:
# install what is missing, build the plugin, install it, and run the WebRTC
# summary on CAPTURE (default: a bundled Chromium call).
#
# Where the plugin goes (tshark/wireshark as root ignore personal plugins):
#   run with sudo      -> the invoking user's ~/.local/lib/wireshark/plugins/X.Y/epan
#   run as plain root  -> Wireshark's system plugin folder
#   run as a user      -> that user's personal folder (packages must be present
#                         or sudo available)
set -euo pipefail
. "$(dirname "$0")/tests/lib/bootstrap.sh"

capture=${1:-$WEBRTC_REPO/test-captures/chromium-p2p.pcapng}
[ -r "$capture" ] || { echo "cannot read capture $capture" >&2; exit 2; }
capture=$(cd "$(dirname "$capture")" && pwd)/$(basename "$capture")

webrtc_install_packages
if [ "$(id -u)" -eq 0 ] && [ -n "${SUDO_USER:-}" ] && [ "$SUDO_USER" != root ]; then
    user_home=$(getent passwd "$SUDO_USER" | cut -d: -f6)
    wsver=$(tshark -G folders 2>/dev/null | sed -n 's/^Global Plugins:.*\/\([0-9.]*\)$/\1/p')
    dest="$user_home/.local/lib/wireshark/plugins/$wsver/epan"
    webrtc_build -DWEBRTC_PLUGIN_INSTALL_DIR="$dest"
    cmake --install "$WEBRTC_BUILD" >/dev/null
    chown -R "$SUDO_USER": "$user_home/.local/lib/wireshark"
    as_user=(runuser -u "$SUDO_USER" --)
elif [ "$(id -u)" -eq 0 ]; then
    webrtc_build -DWEBRTC_INSTALL_SYSTEM=ON -UWEBRTC_PLUGIN_INSTALL_DIR
    cmake --install "$WEBRTC_BUILD" >/dev/null
    dest=$(grep '^WEBRTC_PLUGIN_INSTALL_DIR' "$WEBRTC_BUILD/CMakeCache.txt" | cut -d= -f2)
    as_user=()
else
    webrtc_build -DWEBRTC_INSTALL_SYSTEM=OFF -UWEBRTC_PLUGIN_INSTALL_DIR
    cmake --install "$WEBRTC_BUILD" >/dev/null
    dest=$(grep '^WEBRTC_PLUGIN_INSTALL_DIR' "$WEBRTC_BUILD/CMakeCache.txt" | cut -d= -f2)
    as_user=()
fi
echo "== installed $dest/webrtc.so"

tshark=("${as_user[@]}" tshark)
if ! "${tshark[@]}" -G plugins 2>/dev/null | grep -q '^webrtc\.so'; then
    echo "tshark did not load the plugin from $dest" >&2
    exit 1
fi
echo "== tshark $("${tshark[@]}" --version | head -1 | cut -d' ' -f3) loaded webrtc.so"
echo "== $capture"
# Two passes: flows recognised a few packets in are then counted whole.
"${tshark[@]}" -r "$capture" -2 -q -z webrtc,summary
