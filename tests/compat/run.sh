#!/usr/bin/env bash
# tests/compat/run.sh 4.4|4.6 [ctest args...]
#
# Build the current source tree against Wireshark 4.4 (Debian trixie) or 4.6
# (Debian sid) inside a cached debootstrap chroot under
# /var/cache/webrtc-compat/<suite> (created on first use), with -Werror, then
# run the project's ctest suite inside the chroot. Prints the ctest summary;
# exits non-zero if the build or any test fails. Needs root.
#
#   WEBRTC_COMPAT_REFRESH=1 tests/compat/run.sh 4.6   # apt upgrade the chroot first
#   tests/compat/run.sh --prepare-only 4.4            # just create the chroot
set -euo pipefail
. "$(dirname "$0")/chroot.sh"

prepare_only=0
if [ "${1:-}" = --prepare-only ]; then prepare_only=1; shift; fi
[ $# -ge 1 ] || { echo "usage: $0 [--prepare-only] 4.4|4.6 [ctest args...]" >&2; exit 2; }
[ "$(id -u)" -eq 0 ] || { echo "$0: needs root (debootstrap, chroot)" >&2; exit 2; }
want=$1; shift
suite=$(compat_suite "$want")

trap compat_umount_all EXIT
trap 'exit 130' INT TERM
compat_prepare "$suite"
root=$COMPAT_ROOT
[ $prepare_only = 1 ] && { echo "chroot ready: $root (tshark $(compat_ws_version "$root"))"; exit 0; }

wsver=$(compat_ws_version "$root")
echo "== $suite chroot $root: tshark $wsver"
case "$wsver" in
    "$want".*) ;;
    *) echo "!! $suite ships Wireshark $wsver, not $want.x: results are for $wsver" ;;
esac

compat_copy_source "$root" /src
compat_mount "$root"

# Build (zero warnings) and test inside the chroot. Tests run as root there,
# so wstest.py drops tshark to uid 65534 with setpriv, as on the host.
rc=0
COMPAT_TIMEOUT=3000 compat_chroot "$root" /bin/bash -euo pipefail -c '
    cd /src
    cmake -S . -B build -DCMAKE_BUILD_TYPE=RelWithDebInfo -DWEBRTC_WERROR=ON >/dev/null
    cmake --build build -j "$(nproc)" 2>&1 | tee build/build.log
    if grep -q "warning:" build/build.log; then echo "!! compiler warnings"; exit 1; fi
    cd build
    # The GUI test clicks menu positions measured on the host (Wireshark
    # 4.0, Debian 12 Qt); the chroots have no X server. It runs on the host.
    WEBRTC_NO_GUI=1 ctest --output-on-failure -j "$(nproc)" "$@"
' compat-run "$@" || rc=$?

compat_umount_all
echo "== Wireshark $wsver ($suite): exit $rc"
exit $rc
