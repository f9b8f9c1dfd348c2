#!/usr/bin/python3
"""One side of an RTP stream framed per RFC 4571 on one TCP connection, made
by GStreamer alone, no signaling (gen/gst-rtp-tcp):

  gst_tcp.py send --codec pcma --tcp client --host IP --port 5004 --out sender.json
  gst_tcp.py recv --codec pcma --tcp server --host IP --port 5004 --out receiver.json
  gst_tcp.py send --codec opus --tcp server --host IP --port 5006 --out sender.json
  gst_tcp.py recv --codec opus --tcp client --host IP --port 5006 --out receiver.json

Sender: audiotestsrc (live) ! encoder ! payloader ! rtpstreampay (RFC 4571:
a 2-byte length before every packet) ! tcpclientsink (connects to HOST:PORT)
or tcpserversink (listens on HOST:PORT; the pipeline goes to PLAYING only
when the receiver has connected, so that no packet is made before there is
a connection to send it on).
  pcma: 8 kHz mono, 160 samples per buffer ! alawenc ! rtppcmapay
        (static PT 8, min/max-ptime 20 ms: one 20 ms buffer per packet)
  opus: 48 kHz stereo, 960 samples per buffer ! opusenc (20 ms frames)
        ! rtpopuspay (PT 111)
A pad probe on the payloader's source pad records every RTP packet it hands
to rtpstreampay (SSRC, PT, sequence, timestamp, marker, size, SHA-1 of the
bytes); a second probe on rtpstreampay's source pad records the framed
buffers, which must be the packet with its 2-byte length in front.

Receiver: tcpserversrc (listens) or tcpclientsrc (connects) !
application/x-rtp-stream,... ! rtpstreamdepay ! depayloader ! decoder !
fakesink. A probe on rtpstreamdepay's source pad records every packet it
got out of the byte stream, one on the decoder's source pad counts the
decoded buffers and samples. The receiver ends at EOS (the sender closed
the connection) or after --timeout s.
"""
import argparse
import hashlib
import json
import struct
import sys
import time

import gi

gi.require_version("Gst", "1.0")
from gi.repository import GLib, Gst  # noqa: E402

Gst.init(None)

CODECS = {
    "pcma": {"rate": 8000, "channels": 1, "spb": 160, "pt": 8,
             "src": "audiotestsrc name=src is-live=true wave=sine freq=440 volume=0.4 num-buffers=%d "
                    "samplesperbuffer=160 ! audio/x-raw,format=S16LE,rate=8000,channels=1 ! alawenc",
             "pay": "rtppcmapay min-ptime=20000000 max-ptime=20000000",
             "caps": "application/x-rtp-stream,media=audio,clock-rate=8000,encoding-name=PCMA,payload=8",
             "dec": "rtppcmadepay ! alawdec name=dec"},
    "opus": {"rate": 48000, "channels": 2, "spb": 960, "pt": 111,
             "src": "audiotestsrc name=src is-live=true wave=sine freq=660 volume=0.3 num-buffers=%d "
                    "samplesperbuffer=960 ! audio/x-raw,format=S16LE,rate=48000,channels=2 ! audioconvert "
                    "! opusenc bitrate=48000 frame-size=20",
             "pay": "rtpopuspay",
             "caps": "application/x-rtp-stream,media=audio,clock-rate=48000,encoding-name=OPUS,payload=111,"
                     "encoding-params=(string)2",
             "dec": "rtpopusdepay ! opusdec name=dec"},
}


def rtp_probe(log, t0):
    def probe(_pad, info):
        buf = info.get_buffer()
        ok, m = buf.map(Gst.MapFlags.READ)
        if ok:
            d = bytes(m.data)
            buf.unmap(m)
            if len(d) >= 12:
                log.append({"t": round(time.time() - t0, 4), "seq": struct.unpack_from("!H", d, 2)[0],
                            "ts": struct.unpack_from("!I", d, 4)[0],
                            "ssrc": "%#010x" % struct.unpack_from("!I", d, 8)[0],
                            "pt": d[1] & 0x7F, "marker": bool(d[1] & 0x80), "size": len(d),
                            "sha1": hashlib.sha1(d).hexdigest()})
        return Gst.PadProbeReturn.OK
    return probe


def framed_probe(log):
    """rtpstreampay's output: [(length prefix, buffer size, sha1 of the rest)]."""
    def probe(_pad, info):
        buf = info.get_buffer()
        ok, m = buf.map(Gst.MapFlags.READ)
        if ok:
            d = bytes(m.data)
            buf.unmap(m)
            log.append((struct.unpack_from("!H", d, 0)[0] if len(d) >= 2 else None, len(d),
                        hashlib.sha1(d[2:]).hexdigest()))
        return Gst.PadProbeReturn.OK
    return probe


def run(pipe, timeout, start=Gst.State.PLAYING):
    loop = GLib.MainLoop()
    bus = pipe.get_bus()
    bus.add_signal_watch()
    state = {"eos": False, "error": None, "timeout": False}

    def on_msg(_bus, msg):
        if msg.type == Gst.MessageType.EOS:
            state["eos"] = True
            loop.quit()
        elif msg.type == Gst.MessageType.ERROR:
            state["error"] = str(msg.parse_error())
            loop.quit()
    bus.connect("message", on_msg)
    if pipe.set_state(start) == Gst.StateChangeReturn.FAILURE:
        state["error"] = "set_state(%s) failed" % start.value_nick
        pipe.set_state(Gst.State.NULL)
        return state

    def expire():
        state["timeout"] = True
        loop.quit()
        return False
    GLib.timeout_add(int(timeout * 1000), expire)
    loop.run()
    pipe.set_state(Gst.State.NULL)
    return state


def send(a):
    c = CODECS[a.codec]
    if a.tcp == "client":
        sink = "tcpclientsink name=sink host=%s port=%d sync=false" % (a.host, a.port)
    else:
        sink = "tcpserversink name=sink host=%s port=%d sync=false" % (a.host, a.port)
    desc = ("%s ! %s name=pay pt=%d ssrc=%d seqnum-offset=%d timestamp-offset=%d ! rtpstreampay name=frame ! %s"
            % (c["src"] % int(round(a.seconds * 1000 / 20)), c["pay"], c["pt"], a.ssrc, a.seq, a.ts, sink))
    pipe = Gst.parse_launch(desc)
    log, framed = [], []
    t0 = time.time()
    pipe.get_by_name("pay").get_static_pad("src").add_probe(Gst.PadProbeType.BUFFER, rtp_probe(log, t0))
    pipe.get_by_name("frame").get_static_pad("src").add_probe(Gst.PadProbeType.BUFFER, framed_probe(framed))
    extra = {}
    if a.tcp == "server":
        # PAUSED opens the listening socket; a live source produces nothing
        # until PLAYING, which follows the receiver's connection.
        def added(_sink, _sock):
            extra.setdefault("client_added", round(time.time() - t0, 4))
            GLib.idle_add(lambda: pipe.set_state(Gst.State.PLAYING) and False)
        pipe.get_by_name("sink").connect("client-added", added)
        st = run(pipe, a.seconds + 30, start=Gst.State.PAUSED)
    else:
        st = run(pipe, a.seconds + 30)
    if st["error"] or not st["eos"]:
        raise SystemExit("sender: %r" % st)
    frames_ok = len(framed) == len(log) and all(
        f[0] == e["size"] and f[1] == e["size"] + 2 and f[2] == e["sha1"] for f, e in zip(framed, log))
    out = {"pipeline": desc, "gstreamer": Gst.version_string(), "start_wall": t0, "codec": a.codec,
           "tcp_role": a.tcp, "host": a.host, "port": a.port, "packets": log,
           "rtpstreampay_buffers": len(framed),
           "rtpstreampay_is_length_plus_packet": frames_ok}
    out.update(extra)
    json.dump(out, open(a.out, "w"), indent=1)
    print("sender %s: %d packets, %d framed buffers (length + packet: %s)" % (a.codec, len(log), len(framed),
                                                                            frames_ok), file=sys.stderr)
    if not frames_ok:
        raise SystemExit("sender: rtpstreampay output is not length + packet")


def recv(a):
    c = CODECS[a.codec]
    if a.tcp == "server":
        src = "tcpserversrc name=tsrc host=%s port=%d" % (a.host, a.port)
    else:
        src = "tcpclientsrc name=tsrc host=%s port=%d" % (a.host, a.port)
    desc = "%s ! %s ! rtpstreamdepay name=depay ! %s ! fakesink sync=false" % (src, c["caps"], c["dec"])
    pipe = Gst.parse_launch(desc)
    log = []
    t0 = time.time()
    pipe.get_by_name("depay").get_static_pad("src").add_probe(Gst.PadProbeType.BUFFER, rtp_probe(log, t0))
    dec = {"buffers": 0, "bytes": 0}

    def count(_pad, info):
        dec["buffers"] += 1
        dec["bytes"] += info.get_buffer().get_size()
        return Gst.PadProbeReturn.OK
    pipe.get_by_name("dec").get_static_pad("src").add_probe(Gst.PadProbeType.BUFFER, count)
    st = run(pipe, a.timeout)
    out = {"pipeline": desc, "gstreamer": Gst.version_string(), "codec": a.codec, "tcp_role": a.tcp,
           "host": a.host, "port": a.port, "packets": len(log), "ssrcs": sorted({e["ssrc"] for e in log}),
           "received": [[e["seq"], e["sha1"]] for e in log],
           "decoded_buffers": dec["buffers"], "decoded_samples": dec["bytes"] // (2 * c["channels"]),
           "eos": st["eos"], "error": st["error"], "timed_out": st["timeout"]}
    json.dump(out, open(a.out, "w"), indent=1)
    print("receiver %s: %d packets, %d decoded buffers (%d samples), eos %s, error %s"
          % (a.codec, len(log), dec["buffers"], out["decoded_samples"], st["eos"], st["error"]), file=sys.stderr)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("mode", choices=["send", "recv"])
    ap.add_argument("--codec", choices=sorted(CODECS), required=True)
    ap.add_argument("--tcp", choices=["client", "server"], required=True)
    ap.add_argument("--host", required=True)
    ap.add_argument("--port", type=int, required=True)
    ap.add_argument("--seconds", type=float, default=8)
    ap.add_argument("--ssrc", type=lambda x: int(x, 0), default=0x4571a0a8)
    ap.add_argument("--seq", type=int, default=1000)
    ap.add_argument("--ts", type=int, default=0)
    ap.add_argument("--timeout", type=float, default=40)
    ap.add_argument("--out", required=True)
    a = ap.parse_args()
    send(a) if a.mode == "send" else recv(a)


if __name__ == "__main__":
    main()
