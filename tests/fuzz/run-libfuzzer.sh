#!/usr/bin/env bash
# libFuzzer on the pure-C core (tests/fuzz/fuzz_core.c), with ASan+UBSan.
#   tests/fuzz/run-libfuzzer.sh [SECONDS]     (default 60)
# The seed corpus is every UDP payload of the test captures (one file each),
# framed as fuzz_core.c expects (a length byte before each packet).
set -euo pipefail
cd "$(dirname "$0")/../.."
secs=${1:-60}
work=${WEBRTC_FUZZ_DIR:-/var/tmp/webrtc-libfuzzer}
mkdir -p "$work/corpus" "$work/crashes"
command -v clang >/dev/null || { echo "needs clang (apt-get install clang)" >&2; exit 2; }
clang -g -O1 -fsanitize=fuzzer,address,undefined -fno-sanitize-recover=undefined \
    -Iplugin/core tests/fuzz/fuzz_core.c plugin/core/*.c \
    $(pkg-config --cflags --libs glib-2.0 libgcrypt) -lm -o "$work/fuzz_core"
if [ -z "$(ls -A "$work/corpus")" ]; then
    for cap in test-captures/*.pcapng; do
        tshark -r "$cap" -T fields -e udp.payload -Y udp 2>/dev/null | head -300 |
        python3 -c '
import sys, os, hashlib
out = sys.argv[1]
for line in sys.stdin:
    b = bytes.fromhex(line.strip().replace(":", "").split(",")[0] or "")
    if not b: continue
    b = b[:255]
    data = bytes([len(b)]) + b
    open(os.path.join(out, hashlib.sha1(data).hexdigest()), "wb").write(data)
' "$work/corpus"
    done
fi
echo "== corpus: $(ls "$work/corpus" | wc -l) inputs; fuzzing for ${secs}s"
"$work/fuzz_core" -max_total_time="$secs" -artifact_prefix="$work/crashes/" \
    -print_final_stats=1 "$work/corpus" 2>&1 | tail -25
