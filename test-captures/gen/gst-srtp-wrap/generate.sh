#!/bin/bash
# Regenerates test-captures/gst-srtp-wrap.pcapng and .json (run as root).
#
# SRTP whose sequence numbers wrap (RFC 3711 §3.3.1: the rollover counter
# goes from 0 to 1 during the capture), made by libsrtp through GStreamer's
# srtpenc, with no signaling on the wire: the keys are chosen here, recorded
# in the ground truth and given to the plugin through its SRTP keys table.
#   audio: Opus PT 111, AES_CM_128_HMAC_SHA1_80, UDP 5004, seqnum-offset 65300
#   video: VP8  PT 96,  AES_CM_128_HMAC_SHA1_32, UDP 5006, seqnum-offset 65300
# Sender namespace wrtc-gsw-snd (198.51.100.1), receiver wrtc-gsw-rcv
# (198.51.100.2); the receiver decrypts with srtpdec (libsrtp) and decodes,
# proving the keys and the wrap on the receiving side too. dumpcap records
# the sender's veth end. build_truth.py writes the ground truth and proves
# every packet with ../lib/srtp_check.py.
set -euo pipefail

HERE=$(cd "$(dirname "$0")" && pwd)
CAPDIR=$(cd "$HERE/../.." && pwd)
REPO=$(cd "$CAPDIR/.." && pwd)
NAME=gst-srtp-wrap
PY=/usr/bin/python3
AUDIO_BUFFERS=${WRTC_GSW_AUDIO_BUFFERS:-550}    # 20 ms each: 11 s
VIDEO_BUFFERS=${WRTC_GSW_VIDEO_BUFFERS:-330}    # 30 fps: 11 s
SEQ_OFFSET=65300

[ "$(id -u)" = 0 ] || { echo "run as root" >&2; exit 1; }

# shellcheck source=../lib/netns.sh
source "$HERE/../lib/netns.sh"
wrtc_install gstreamer1.0-tools gstreamer1.0-plugins-base gstreamer1.0-plugins-good \
             gstreamer1.0-plugins-bad python3-cryptography tshark wireshark-common \
             iproute2 util-linux
WORK=$(mktemp -d /tmp/wrtc-gsw.XXXXXX)
cleanup() {
    wrtc_cleanup
    if [ -n "${KEEP_WORK:-}" ]; then echo "work files kept in $WORK" >&2; else rm -rf "$WORK"; fi
}
trap cleanup EXIT
export GST_REGISTRY_1_0=$WORK/gst-registry.bin

NSS=wrtc-gsw-snd NSR=wrtc-gsw-rcv
SIP=198.51.100.1 RIP=198.51.100.2
wrtc_ns_create "$NSS"
wrtc_ns_create "$NSR"
wrtc_veth "$NSS" gsw-snd "$SIP/24" "$NSR" gsw-rcv "$RIP/24"

# Fresh throw-away keys (master key || master salt, 30 bytes each) and SSRCs.
AKEY=$(od -An -tx1 -N30 /dev/urandom | tr -d ' \n')
VKEY=$(od -An -tx1 -N30 /dev/urandom | tr -d ' \n')
ASSRC=$(( $(od -An -tu4 -N4 /dev/urandom) ))
VSSRC=$(( $(od -An -tu4 -N4 /dev/urandom) ))

srtp_caps() {   # media pt clock encoding ssrc key auth
    echo "application/x-srtp,media=(string)$1,payload=(int)$2,clock-rate=(int)$3,encoding-name=(string)$4,ssrc=(uint)$5,roc=(uint)0,srtp-key=(buffer)$6,srtp-cipher=(string)aes-128-icm,srtp-auth=(string)$7,srtcp-cipher=(string)aes-128-icm,srtcp-auth=(string)$7"
}

PCAP=$WORK/$NAME.pcapng
wrtc_capture_start "$NSS" gsw-snd "$PCAP" 60

wrtc_bg "$NSR" 40 gst-launch-1.0 -q -e \
    udpsrc address="$RIP" port=5004 \
        caps="$(srtp_caps audio 111 48000 OPUS "$ASSRC" "$AKEY" hmac-sha1-80)" \
    ! srtpdec ! rtpopusdepay ! opusdec ! audio/x-raw,format=S16LE,channels=1 \
    ! filesink location="$WORK/audio.raw" 2>"$WORK/recv-audio.log"
RA=$WRTC_LAST_PID
wrtc_bg "$NSR" 40 gst-launch-1.0 -q -e \
    udpsrc address="$RIP" port=5006 \
        caps="$(srtp_caps video 96 90000 VP8 "$VSSRC" "$VKEY" hmac-sha1-32)" \
    ! srtpdec ! rtpvp8depay ! vp8dec ! video/x-raw,format=I420 \
    ! filesink location="$WORK/video.raw" 2>"$WORK/recv-video.log"
RV=$WRTC_LAST_PID
sleep 1

wrtc_bg "$NSS" 40 gst-launch-1.0 -q \
    audiotestsrc is-live=true freq=440 samplesperbuffer=960 num-buffers="$AUDIO_BUFFERS" \
    ! audio/x-raw,rate=48000,channels=1 ! opusenc frame-size=20 \
    ! rtpopuspay pt=111 ssrc="$ASSRC" seqnum-offset=$SEQ_OFFSET \
    ! srtpenc name=enc key="$AKEY" rtp-cipher=aes-128-icm rtp-auth=hmac-sha1-80 \
        rtcp-cipher=aes-128-icm rtcp-auth=hmac-sha1-80 \
    enc.rtp_src_0 ! udpsink host="$RIP" port=5004 bind-address="$SIP" bind-port=5004
SA=$WRTC_LAST_PID
wrtc_bg "$NSS" 40 gst-launch-1.0 -q \
    videotestsrc is-live=true pattern=ball num-buffers="$VIDEO_BUFFERS" \
    ! video/x-raw,width=320,height=240,framerate=30/1 \
    ! vp8enc deadline=1 target-bitrate=400000 keyframe-max-dist=60 \
    ! rtpvp8pay pt=96 ssrc="$VSSRC" seqnum-offset=$SEQ_OFFSET mtu=1200 \
    ! srtpenc name=enc key="$VKEY" rtp-cipher=aes-128-icm rtp-auth=hmac-sha1-32 \
        rtcp-cipher=aes-128-icm rtcp-auth=hmac-sha1-32 \
    enc.rtp_src_0 ! udpsink host="$RIP" port=5006 bind-address="$SIP" bind-port=5006
SV=$WRTC_LAST_PID

rc=0
wait "$SA" || rc=$?; [ $rc = 0 ] || { echo "audio sender failed ($rc)" >&2; exit 1; }
wait "$SV" || rc=$?; [ $rc = 0 ] || { echo "video sender failed ($rc)" >&2; exit 1; }
# The receivers run until told: SIGINT reaches gst-launch -e through
# timeout(1), which sends EOS so the decoded files are complete.
sleep 1
kill -INT "$RA" "$RV"
wait "$RA" || true
wait "$RV" || true
for f in audio video; do
    [ -s "$WORK/$f.raw" ] || { echo "$f receiver decoded nothing" >&2; cat "$WORK/recv-$f.log" >&2; exit 1; }
done
wrtc_capture_stop

"$PY" "$HERE/build_truth.py" --pcap "$PCAP" --out "$WORK/$NAME.json" \
    --audio "$SIP:5004,$RIP:5004,$ASSRC,$AKEY,$(stat -c %s "$WORK/audio.raw")" \
    --video "$SIP:5006,$RIP:5006,$VSSRC,$VKEY,$(stat -c %s "$WORK/video.raw")" \
    --seq-offset $SEQ_OFFSET

size=$(stat -c %s "$PCAP")
[ "$size" -lt 3000000 ] || { echo "capture too large: $size bytes" >&2; exit 1; }
install -m 0644 "$PCAP" "$CAPDIR/$NAME.pcapng"
install -m 0644 "$WORK/$NAME.json" "$CAPDIR/$NAME.json"
echo "wrote $CAPDIR/$NAME.pcapng ($size bytes) and $CAPDIR/$NAME.json" >&2
