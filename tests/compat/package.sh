#!/usr/bin/env bash
# tests/compat/package.sh 4.0|4.4|4.6
#
# Build the .deb (cmake/packaging.cmake, `cpack -G DEB`) against one Wireshark
# release, install it with dpkg -i, check that root's tshark lists the webrtc
# protocol (`tshark -G protocols`), and copy the .deb to $WEBRTC_DEB_OUT
# (default /var/cache/webrtc-compat/debs).
#
#   4.0  on this Debian 12 host. The package is REMOVED again (dpkg -r) at the
#        end, whatever happens: a system-installed plugin changes what root's
#        tshark does for everybody else. Refuses to run if a webrtc.so that no
#        package owns already sits in the system plugin folder.
#   4.4  in the cached trixie chroot, 4.6 in the cached sid chroot (created by
#        the same helpers as tests/compat/run.sh if missing). Removed again
#        afterwards too, so the chroot stays as run.sh expects it, unless
#        WEBRTC_DEB_KEEP=1.
# Needs root.
set -euo pipefail
. "$(dirname "$0")/chroot.sh"

[ $# -eq 1 ] || { echo "usage: $0 4.0|4.4|4.6" >&2; exit 2; }
[ "$(id -u)" -eq 0 ] || { echo "$0: needs root (dpkg -i)" >&2; exit 2; }
want=$1
OUT=${WEBRTC_DEB_OUT:-$COMPAT_CACHE/debs}
mkdir -p "$OUT"
PKG=wireshark-webrtc-plugin

# The steps, as a script that runs either on the host or inside a chroot.
# $1 = source dir, $2 = build dir, $3 = "remove" to dpkg -r at the end.
STEPS='
set -euo pipefail
src=$1 build=$2 mode=$3
rm -rf "$build"
cmake -S "$src" -B "$build" -DCMAKE_BUILD_TYPE=RelWithDebInfo \
      -DWEBRTC_INSTALL_SYSTEM=ON -DWEBRTC_WERROR=ON | grep -E "Packaging|Wireshark" || true
cmake --build "$build" -j "$(nproc)" --target webrtc >/dev/null
(cd "$build" && cpack -G DEB >/dev/null)
deb=$(ls "$build"/'"$PKG"'_*.deb)
echo "== built $(basename "$deb")"
dpkg-deb -f "$deb" Package Version Depends
dpkg-deb -c "$deb" | grep "webrtc.so"
dir=$(dpkg-deb -c "$deb" | awk "/webrtc.so\$/ {print \$NF}" | sed "s|^\./|/|; s|/webrtc.so\$||")
if [ "$mode" = remove ] && [ -e "$dir/webrtc.so" ] && ! dpkg -S "$dir/webrtc.so" >/dev/null 2>&1; then
    echo "!! $dir/webrtc.so exists and belongs to no package; not overwriting it" >&2
    exit 3
fi
cleanup() { [ "$mode" = remove ] && dpkg -r '"$PKG"' >/dev/null 2>&1 && echo "== removed '"$PKG"' again (dpkg -r)"; true; }
trap cleanup EXIT
dpkg -i "$deb" >/dev/null
dpkg -s '"$PKG"' | grep -E "^(Status|Version):"
dpkg -L '"$PKG"' | grep webrtc.so
rc=0
protos=$(tshark -G protocols 2>/dev/null || true)
printf "%s\n" "$protos" | grep -i webrtc || true
if printf "%s\n" "$protos" | cut -f3 | grep -x webrtc >/dev/null; then
    echo "== OK: root tshark $(tshark -v | head -n 1 | grep -o "[0-9]\+\.[0-9]\+\.[0-9]\+" | head -n 1) loads the packaged plugin"
else
    echo "!! FAIL: tshark -G protocols does not list webrtc"; rc=1
fi
tshark -G plugins 2>/dev/null | grep webrtc || true
exit $rc
'

case "$want" in
    4.0)
        have=$(dpkg-query -W -f='${Version}' tshark)
        case "$have" in 4.0.*) ;; *) echo "host tshark is $have, not 4.0" >&2; exit 2 ;; esac
        work=$(mktemp -d /tmp/webrtc-deb-XXXXXX)
        trap 'rm -rf "$work"' EXIT
        rc=0
        bash -c "$STEPS" package "$COMPAT_REPO" "$work/build" remove || rc=$?
        cp "$work"/build/${PKG}_*.deb "$OUT"/ 2>/dev/null || true
        if dpkg-query -W "$PKG" >/dev/null 2>&1; then
            echo "!! $PKG still installed on the host; removing" >&2
            dpkg -r "$PKG" >/dev/null || rc=1
        fi
        ;;
    4.4|4.6)
        suite=$(compat_suite "$want")
        trap compat_umount_all EXIT
        compat_prepare "$suite"
        root=$COMPAT_ROOT
        compat_copy_source "$root" /src-deb
        compat_mount "$root"
        rc=0
        mode=remove; [ "${WEBRTC_DEB_KEEP:-0}" = 1 ] && mode=keep
        COMPAT_TIMEOUT=1800 compat_chroot "$root" /bin/bash -c "$STEPS" package /src-deb /src-deb/build-deb "$mode" || rc=$?
        cp "$root"/src-deb/build-deb/${PKG}_*.deb "$OUT"/ 2>/dev/null || true
        compat_umount_all
        ;;
    *) echo "usage: $0 4.0|4.4|4.6" >&2; exit 2 ;;
esac
ls -l "$OUT"/${PKG}_*+ws"$want"_*.deb 2>/dev/null || true
echo "== package test Wireshark $want: exit $rc"
exit $rc
