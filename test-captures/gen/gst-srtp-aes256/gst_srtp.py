#!/usr/bin/python3
"""One side of an SRTP/SRTCP session (keys set by the generator, no
signaling) with GStreamer rtpbin + srtpenc/srtpdec (libsrtp2).

Run twice, each in its own network namespace (see generate.sh):

    gst_srtp.py recv --keys KEYS.json --dir WORK --local 198.51.100.2 --remote 198.51.100.1 --out receiver.json
    gst_srtp.py send --keys KEYS.json --dir WORK --local 198.51.100.1 --remote 198.51.100.2 --out sender.json \
        --duration 11

It is ../gst-rtp-plain/gst_rtp.py (sockets, pad probes, statistics, the
file handshake between the two sides) with an srtpenc between rtpbin and
every udpsink and an srtpdec between every udpsrc and rtpbin. Three
sessions, RTCP on port+1, one srtpenc/srtpdec pair per session and side:

  0: Opus PT 100, 5004/5005, AES_256_CM_HMAC_SHA1_80 (RFC 6188)
  1: VP8  PT 101, 5006/5007, AES_256_CM_HMAC_SHA1_32 (RTP tag 32 bits, SRTCP
     tag 80 bits as RFC 4568 §6.2.2 / RFC 6188 §6 ask)
  2: Opus PT 102, 5008/5009, AEAD_AES_256_GCM (RFC 7714)

KEYS.json (written by generate.sh) holds, per session, the sender's and the
receiver's master key || salt (hex); the receiver protects its RTCP
receiver reports with its own key, as an SDES answerer would (RFC 4568 §6.1).
srtpdec learns the peer's key through its "request-key" signal.
"""
import importlib.util
import json
import os

HERE = os.path.dirname(os.path.abspath(__file__))
_spec = importlib.util.spec_from_file_location(
    "gst_rtp", os.path.join(HERE, "..", "gst-rtp-plain", "gst_rtp.py"))
gst_rtp = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(gst_rtp)
Gst = gst_rtp.Gst

# suite name -> (srtpenc/srtpdec cipher, RTP auth, RTCP auth)
SUITES = {
    "AES_256_CM_HMAC_SHA1_80": ("aes-256-icm", "hmac-sha1-80", "hmac-sha1-80"),
    "AES_256_CM_HMAC_SHA1_32": ("aes-256-icm", "hmac-sha1-32", "hmac-sha1-80"),
    "AEAD_AES_256_GCM": ("aes-256-gcm", "null", "null"),
}

SESSIONS = [
    {"id": 0, "media": "audio", "port": 5004, "pt": 100, "enc": "OPUS", "clock": 48000,
     "suite": "AES_256_CM_HMAC_SHA1_80"},
    {"id": 1, "media": "video", "port": 5006, "pt": 101, "enc": "VP8", "clock": 90000,
     "suite": "AES_256_CM_HMAC_SHA1_32"},
    {"id": 2, "media": "audio", "port": 5008, "pt": 102, "enc": "OPUS", "clock": 48000,
     "suite": "AEAD_AES_256_GCM"},
]

SOURCES = {
    0: """audiotestsrc name=src0 is-live=true wave=sine freq=440 volume=0.3
  ! audio/x-raw,rate=48000,channels=2 ! audioconvert ! audioresample
  ! opusenc bitrate=32000 frame-size=20 ! rtpopuspay name=pay0 pt=100""",
    1: """videotestsrc name=src1 is-live=true pattern=zone-plate kx2=20 ky2=20 kt=1
  ! video/x-raw,width=320,height=240,framerate=15/1 ! videoconvert
  ! vp8enc deadline=1 cpu-used=8 target-bitrate=150000 keyframe-max-dist=45 threads=1
  ! rtpvp8pay name=pay1 pt=101""",
    # (a tone, not silence: tiny Opus frames would keep the plugin's SRTP
    # judgement waiting past its 64 remembered packets, docs/heuristics.md)
    2: """audiotestsrc name=src2 is-live=true wave=sine freq=660 volume=0.3
  ! audio/x-raw,rate=48000,channels=2 ! audioconvert ! audioresample
  ! opusenc bitrate=32000 frame-size=20 ! rtpopuspay name=pay2 pt=102""",
}


def enc_props(suite, key_hex):
    c, a, ca = SUITES[suite]
    return "key=%s rtp-cipher=%s rtp-auth=%s rtcp-cipher=%s rtcp-auth=%s" % (key_hex, c, a, c, ca)


def send_pipe(keys):
    p = ["rtpbin name=rtpbin rtp-profile=avp"]
    for s in SESSIONS:
        i = s["id"]
        p += [SOURCES[i] + " ! rtpbin.send_rtp_sink_%d" % i,
              "srtpenc name=enc%d %s" % (i, enc_props(s["suite"], keys[str(i)]["send"])),
              "rtpbin.send_rtp_src_%d ! enc%d.rtp_sink_0" % (i, i),
              "enc%d.rtp_src_0 ! udpsink name=rtpsink%d host={remote} port=%d sync=false async=false close-socket=false"
              % (i, i, s["port"]),
              "rtpbin.send_rtcp_src_%d ! enc%d.rtcp_sink_0" % (i, i),
              "enc%d.rtcp_src_0 ! udpsink name=rtcpsink%d host={remote} port=%d sync=false async=false close-socket=false"
              % (i, i, s["port"] + 1),
              "udpsrc name=rtcpsrc%d close-socket=false caps=application/x-srtcp ! dec%d.rtcp_sink" % (i, i),
              "srtpdec name=dec%d dec%d.rtcp_src ! rtpbin.recv_rtcp_sink_%d" % (i, i, i)]
    return "\n".join(p) + "\n"


def recv_pipe(keys):
    p = ["rtpbin name=rtpbin rtp-profile=avp"]
    for s in SESSIONS:
        i = s["id"]
        p += ['udpsrc name=rtpsrc%d close-socket=false caps="application/x-srtp,media=%s,'
              'clock-rate=%d,encoding-name=%s,payload=%d" ! dec%d.rtp_sink'
              % (i, s["media"], s["clock"], s["enc"], s["pt"], i),
              "srtpdec name=dec%d dec%d.rtp_src ! rtpbin.recv_rtp_sink_%d" % (i, i, i),
              "udpsrc name=rtcpsrc%d close-socket=false caps=application/x-srtcp ! dec%d.rtcp_sink" % (i, i),
              "dec%d.rtcp_src ! rtpbin.recv_rtcp_sink_%d" % (i, i),
              # a receive-only rtpbin still sends RTCP; srtpenc needs an RTP
              # pad pair too, so only the RTCP pads are requested here
              "srtpenc name=enc%d %s" % (i, enc_props(s["suite"], keys[str(i)]["recv"])),
              "rtpbin.send_rtcp_src_%d ! enc%d.rtcp_sink_0" % (i, i),
              "enc%d.rtcp_src_0 ! udpsink name=rtcpsink%d host={remote} port=%d sync=false async=false close-socket=false"
              % (i, i, s["port"] + 1)]
    return "\n".join(p) + "\n"


def key_caps(suite, key_hex):
    c, a, ca = SUITES[suite]
    return Gst.Caps.from_string(
        "application/x-srtp, srtp-key=(buffer)%s, srtp-cipher=(string)%s, srtp-auth=(string)%s, "
        "srtcp-cipher=(string)%s, srtcp-auth=(string)%s" % (key_hex, c, a, c, ca))


class SrtpSide(gst_rtp.Side):
    def __init__(self, args, keys):
        super().__init__(args)
        self.key_requests = {}
        peer = "recv" if args.role == "send" else "send"
        for s in SESSIONS:
            dec = self.pipe.get_by_name("dec%d" % s["id"])
            dec.connect("request-key", self.on_request_key, s, keys[str(s["id"])][peer])

    def on_request_key(self, dec, ssrc, s, key_hex):
        gst_rtp.log("request-key session %d SSRC 0x%08x" % (s["id"], ssrc))
        self.key_requests.setdefault(str(s["id"]), []).append(ssrc)
        return key_caps(s["suite"], key_hex)

    def finish(self, extra):
        stats = {}
        for s in SESSIONS:
            for el in ("enc%d" % s["id"], "dec%d" % s["id"]):
                e = self.pipe.get_by_name(el)
                if e and e.find_property("stats"):
                    stats[el] = gst_rtp.structure_to_dict(e.get_property("stats"))
        extra = dict(extra, key_requests=self.key_requests, srtp_stats=stats,
                     suites={str(s["id"]): s["suite"] for s in SESSIONS})
        super().finish(extra)


def main():
    ap = gst_rtp.arg_parser()
    ap.add_argument("--keys", required=True, help="KEYS.json written by generate.sh")
    args = ap.parse_args()
    with open(args.keys) as f:
        keys = json.load(f)
    gst_rtp.ROLE = args.role
    gst_rtp.SESSIONS = SESSIONS
    gst_rtp.SEND_PIPE = send_pipe(keys)
    gst_rtp.RECV_PIPE = recv_pipe(keys)
    gst_rtp.run(SrtpSide(args, keys))


if __name__ == "__main__":
    main()
