# shellcheck shell=bash
# Shared helpers for tests/compat/run.sh and tests/compat/package.sh: a cached,
# reusable debootstrap chroot (variant minbase) per Debian suite with the
# Wireshark build dependencies, plus bind mounts that are always undone.
# Source it; it defines functions and variables only.
#
#   WEBRTC_COMPAT_CACHE  where chroots live (default /var/cache/webrtc-compat)
#   WEBRTC_COMPAT_MIRROR Debian mirror (default http://deb.debian.org/debian)
#   WEBRTC_COMPAT_REFRESH=1  apt-get update && upgrade an existing chroot

COMPAT_REPO=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
COMPAT_CACHE=${WEBRTC_COMPAT_CACHE:-/var/cache/webrtc-compat}
COMPAT_MIRROR=${WEBRTC_COMPAT_MIRROR:-http://deb.debian.org/debian}
COMPAT_PACKAGES=(libwireshark-dev wireshark-dev tshark cmake gcc make python3 python3-cryptography time
                 pkg-config libglib2.0-dev libgcrypt20-dev util-linux file)
COMPAT_MOUNTS=()

# compat_suite 4.4|4.6 -> Debian suite that ships that Wireshark release.
compat_suite() {
    case "$1" in
        4.4) echo trixie ;;
        4.6) echo sid ;;
        *) echo "unknown Wireshark version '$1' (want 4.4 or 4.6)" >&2; return 2 ;;
    esac
}

compat_umount_all() {
    local i
    for ((i = ${#COMPAT_MOUNTS[@]} - 1; i >= 0; i--)); do
        umount -l "${COMPAT_MOUNTS[$i]}" 2>/dev/null || true
    done
    COMPAT_MOUNTS=()
}

# compat_mount ROOT: bind /proc and /dev (+ /dev/pts) into ROOT.
compat_mount() {
    local root=$1 m
    for m in proc dev dev/pts; do
        mountpoint -q "$root/$m" && continue
        mkdir -p "$root/$m"
        if [ "$m" = proc ]; then
            mount -t proc proc "$root/proc"
        else
            mount --bind "/$m" "$root/$m"
        fi
        COMPAT_MOUNTS+=("$root/$m")
    done
}

# compat_chroot ROOT CMD...: run CMD in ROOT with a clean environment.
compat_chroot() {
    local root=$1; shift
    timeout "${COMPAT_TIMEOUT:-3600}" env -i PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin \
        HOME=/root LC_ALL=C.UTF-8 TERM=dumb DEBIAN_FRONTEND=noninteractive \
        chroot "$root" "$@"
}

# compat_prepare SUITE: create (once) or reuse the chroot; sets COMPAT_ROOT.
# Takes a per-suite flock held until the calling script exits, so two runs
# never build or use the same chroot at once. Do not call it in $(...).
compat_prepare() {
    local suite=$1 root="$COMPAT_CACHE/$suite"
    mkdir -p "$COMPAT_CACHE"
    exec {COMPAT_LOCK_FD}>"$COMPAT_CACHE/$suite.lock"
    flock -w 3600 "$COMPAT_LOCK_FD" || { echo "lock $COMPAT_CACHE/$suite.lock busy" >&2; return 1; }
    if [ ! -e "$root/.webrtc-compat-ready" ]; then
        local part="$root.partial"
        echo "== creating $suite chroot in $root (debootstrap, variant minbase)" >&2
        if [ ! -x "$part/bin/bash" ] || [ ! -e "$part/.debootstrap-done" ]; then
            rm -rf --one-file-system "$part"
            command -v debootstrap >/dev/null || \
                DEBIAN_FRONTEND=noninteractive apt-get install -y -q debootstrap >&2
            timeout 1800 debootstrap --variant=minbase "$suite" "$part" "$COMPAT_MIRROR" >&2
            touch "$part/.debootstrap-done"
        fi
        compat_mount "$part"
        printf 'deb %s %s main\n' "$COMPAT_MIRROR" "$suite" > "$part/etc/apt/sources.list"
        # The mirror may be a frozen snapshot whose sid Release file has expired.
        echo 'Acquire::Check-Valid-Until "false";' > "$part/etc/apt/apt.conf.d/99webrtc-compat"
        COMPAT_TIMEOUT=600 compat_chroot "$part" apt-get update -q >&2
        COMPAT_TIMEOUT=1800 compat_chroot "$part" apt-get install -y -q --no-install-recommends \
            "${COMPAT_PACKAGES[@]}" >&2
        compat_chroot "$part" apt-get clean
        compat_umount_all
        touch "$part/.webrtc-compat-ready"
        mv "$part" "$root"
    elif [ "${WEBRTC_COMPAT_REFRESH:-0}" = 1 ]; then
        compat_mount "$root"
        COMPAT_TIMEOUT=600 compat_chroot "$root" apt-get update -q >&2
        COMPAT_TIMEOUT=1800 compat_chroot "$root" apt-get dist-upgrade -y -q >&2
        compat_chroot "$root" apt-get clean
        compat_umount_all
    fi
    # A chroot made before a package joined COMPAT_PACKAGES gets it now.
    local p missing=()
    for p in "${COMPAT_PACKAGES[@]}"; do
        compat_chroot "$root" dpkg-query -W -f='${Status}' "$p" 2>/dev/null \
            | grep -q "install ok installed" || missing+=("$p")
    done
    if [ ${#missing[@]} -gt 0 ]; then
        echo "== $suite chroot: installing ${missing[*]}" >&2
        compat_mount "$root"
        COMPAT_TIMEOUT=600 compat_chroot "$root" apt-get update -q >&2
        COMPAT_TIMEOUT=1800 compat_chroot "$root" apt-get install -y -q --no-install-recommends \
            "${missing[@]}" >&2
        compat_chroot "$root" apt-get clean
        compat_umount_all
    fi
    COMPAT_ROOT=$root
}

# compat_copy_source ROOT DEST: copy the current working tree (tracked and
# untracked files, not build*/ or .git) into ROOT/DEST, replacing it.
compat_copy_source() {
    local root=$1 dest=$2
    rm -rf --one-file-system "${root:?}/${dest:?}"
    mkdir -p "$root/$dest"
    tar -C "$COMPAT_REPO" --exclude=./.git --exclude='./build' --exclude='./build-*' \
        --exclude='__pycache__' -cf - . | tar -C "$root/$dest" -xf -
}

# compat_ws_version ROOT: Debian version of tshark in the chroot.
compat_ws_version() {
    compat_chroot "$1" dpkg-query -W -f='${Version}' tshark
}
