# shellcheck shell=bash
# Shared set-up for ./run.sh and ./test.sh on a fresh Debian 12 machine:
# install the Debian packages that are missing, then configure and build.
# Source it; it defines functions only.

WEBRTC_REPO=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
WEBRTC_BUILD=${WEBRTC_BUILD:-$WEBRTC_REPO/build}

# Everything the build and the tests need, by Debian package name.
WEBRTC_PACKAGES=(tshark libwireshark-dev wireshark-dev cmake gcc make pkg-config
                 libglib2.0-dev libgcrypt20-dev python3 python3-cryptography util-linux
                 wireshark-qt xvfb xdotool x11-utils imagemagick)  # the GUI test

webrtc_install_packages() {
    local missing=() p
    for p in "${WEBRTC_PACKAGES[@]}" "$@"; do
        dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" \
            || missing+=("$p")
    done
    [ ${#missing[@]} -eq 0 ] && return 0
    echo "== installing Debian packages: ${missing[*]}"
    local sudo=()
    if [ "$(id -u)" -ne 0 ]; then
        command -v sudo >/dev/null || { echo "need root or sudo to install ${missing[*]}" >&2; return 1; }
        sudo=(sudo)
    fi
    "${sudo[@]}" env DEBIAN_FRONTEND=noninteractive apt-get update -q
    "${sudo[@]}" env DEBIAN_FRONTEND=noninteractive apt-get install -y -q \
        -o DPkg::Lock::Timeout=600 --no-install-recommends "${missing[@]}"
}

# webrtc_build [extra cmake args...]
webrtc_build() {
    echo "== building in $WEBRTC_BUILD"
    local sanitize=()
    [ "${WEBRTC_SANITIZE:-0}" = 1 ] && sanitize=(-DWEBRTC_SANITIZE=ON)
    cmake -S "$WEBRTC_REPO" -B "$WEBRTC_BUILD" -DCMAKE_BUILD_TYPE=RelWithDebInfo \
        "${sanitize[@]}" "$@" >/dev/null
    cmake --build "$WEBRTC_BUILD" -j "$(nproc)"
}
