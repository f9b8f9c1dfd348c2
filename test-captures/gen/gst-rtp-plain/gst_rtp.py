#!/usr/bin/python3
"""One side of a plain RTP/RTCP session (no signaling) with GStreamer rtpbin.

Run twice, each in its own network namespace (see generate.sh):

    gst_rtp.py recv --dir WORK --local 198.51.100.2 --remote 198.51.100.1 --out receiver.json
    gst_rtp.py send --dir WORK --local 198.51.100.1 --remote 198.51.100.2 --out sender.json \
        --duration 11

Two RTP sessions, RFC 3550 style, RTCP on port+1, symmetric ports (each
side sends from the port it listens on):
  session 0: Opus audio, RTP payload type 100, ports 5004/5005
  session 1: VP8 video,  RTP payload type 101, ports 5006/5007

Each port is one Gio.Socket bound by this script and shared by the udpsrc
(receive) and the udpsink (send) of that port, so every flow is one 5-tuple.
The receiver is a real rtpbin (jitterbuffer, depayloader, decoder,
fakesink); it sends RTCP receiver reports back to the sender's RTCP port.

Coordination goes through files in WORK (no packets): the receiver writes
"ready" once PLAYING; the sender waits for it, sends for --duration seconds,
sends EOS into its sources (rtpbin then sends RTCP BYE) and writes "sent";
the receiver then waits 1.5 s, reads its statistics, stops, writes --out and
"done"; only then does the sender read its statistics, stop and write --out
(so no late RTCP meets a closed port and produces ICMP, and the sender's
counts include the receiver's last report).

rtpbin drops a source from its session statistics once it has sent (sender)
or received (receiver) a BYE, so each side keeps a reference to the RTPSource
objects of the media SSRCs and reports their own "stats" (own_source_stats,
remote_source_stats). Besides rtpbin's statistics, pad probes count every
datagram handed to and received from each socket; build_truth.py compares
all of this with the capture.
"""
import argparse
import json
import os
import sys
import time

import gi

gi.require_version("Gst", "1.0")
gi.require_version("Gio", "2.0")
from gi.repository import Gio, GLib, Gst  # noqa: E402

Gst.init(None)

SESSIONS = [
    # id, media, base port, PT, encoding name (as rtpbin caps), clock rate, encoding params
    {"id": 0, "media": "audio", "port": 5004, "pt": 100, "enc": "OPUS", "clock": 48000},
    {"id": 1, "media": "video", "port": 5006, "pt": 101, "enc": "VP8", "clock": 90000},
]

SEND_PIPE = """
rtpbin name=rtpbin rtp-profile=avp
audiotestsrc name=src0 is-live=true wave=sine freq=440 volume=0.3
  ! audio/x-raw,rate=48000,channels=2 ! audioconvert ! audioresample
  ! opusenc bitrate=48000 frame-size=20 ! rtpopuspay name=pay0 pt=100
  ! rtpbin.send_rtp_sink_0
rtpbin.send_rtp_src_0 ! udpsink name=rtpsink0 host={remote} port=5004 sync=false async=false close-socket=false
rtpbin.send_rtcp_src_0 ! udpsink name=rtcpsink0 host={remote} port=5005 sync=false async=false close-socket=false
udpsrc name=rtcpsrc0 close-socket=false caps=application/x-rtcp ! rtpbin.recv_rtcp_sink_0
videotestsrc name=src1 is-live=true pattern=zone-plate kx2=20 ky2=20 kt=1
  ! video/x-raw,width=320,height=240,framerate=15/1 ! videoconvert
  ! vp8enc deadline=1 cpu-used=8 target-bitrate=200000 keyframe-max-dist=45 threads=1
  ! rtpvp8pay name=pay1 pt=101
  ! rtpbin.send_rtp_sink_1
rtpbin.send_rtp_src_1 ! udpsink name=rtpsink1 host={remote} port=5006 sync=false async=false close-socket=false
rtpbin.send_rtcp_src_1 ! udpsink name=rtcpsink1 host={remote} port=5007 sync=false async=false close-socket=false
udpsrc name=rtcpsrc1 close-socket=false caps=application/x-rtcp ! rtpbin.recv_rtcp_sink_1
"""

RECV_PIPE = """
rtpbin name=rtpbin rtp-profile=avp
udpsrc name=rtpsrc0 close-socket=false
  caps="application/x-rtp,media=audio,clock-rate=48000,encoding-name=OPUS,payload=100"
  ! rtpbin.recv_rtp_sink_0
udpsrc name=rtcpsrc0 close-socket=false caps=application/x-rtcp ! rtpbin.recv_rtcp_sink_0
rtpbin.send_rtcp_src_0 ! udpsink name=rtcpsink0 host={remote} port=5005 sync=false async=false close-socket=false
udpsrc name=rtpsrc1 close-socket=false
  caps="application/x-rtp,media=video,clock-rate=90000,encoding-name=VP8,payload=101"
  ! rtpbin.recv_rtp_sink_1
udpsrc name=rtcpsrc1 close-socket=false caps=application/x-rtcp ! rtpbin.recv_rtcp_sink_1
rtpbin.send_rtcp_src_1 ! udpsink name=rtcpsink1 host={remote} port=5007 sync=false async=false close-socket=false
"""

DECODERS = {"OPUS": "rtpopusdepay ! opusdec ! fakesink sync=false name=asink",
            "VP8": "rtpvp8depay ! vp8dec ! fakesink sync=false name=vsink"}


def log(*a):
    print(time.strftime("%H:%M:%S"), ROLE, *a, file=sys.stderr, flush=True)


def gvalue_to_py(v):
    if isinstance(v, Gst.Structure):
        return structure_to_dict(v)
    if isinstance(v, Gst.Caps):
        return v.to_string()
    if isinstance(v, (bool, int, float, str)) or v is None:
        return v
    if hasattr(v, "value_nick"):
        return v.value_nick
    if isinstance(v, (list, tuple)):
        return [gvalue_to_py(x) for x in v]
    if hasattr(v, "values"):  # GValueArray
        return [gvalue_to_py(x) for x in v.values]
    return str(v)


def structure_to_dict(s):
    d = {"__name__": s.get_name()}
    for i in range(s.n_fields()):
        name = s.nth_field_name(i)
        try:
            d[name] = gvalue_to_py(s.get_value(name))
        except TypeError:
            d[name] = s.to_string()
    return d


def write_atomic(path, obj):
    with open(path + ".tmp", "w") as f:
        json.dump(obj, f, indent=1)
    os.rename(path + ".tmp", path)


def wait_file(path, secs):
    end = time.monotonic() + secs
    while time.monotonic() < end:
        if os.path.exists(path):
            return True
        time.sleep(0.05)
    return False


class Side:
    def __init__(self, args):
        self.args = args
        self.loop = GLib.MainLoop()
        self.counts = {}      # element name -> datagrams seen on its pad
        self.octets = {}
        self.sockets = []
        self.errors = []
        self.eos = False
        desc = (SEND_PIPE if args.role == "send" else RECV_PIPE).format(remote=args.remote)
        self.pipe = Gst.parse_launch(desc)
        self.rtpbin = self.pipe.get_by_name("rtpbin")
        self.caps = {}
        self.own_sources = {}     # sender: its own RTPSource per session
        self.remote_sources = {}  # receiver: the sender's RTPSource per session
        for s in SESSIONS:
            for port, kind in ((s["port"], "rtp"), (s["port"] + 1, "rtcp")):
                sock = Gio.Socket.new(Gio.SocketFamily.IPV4, Gio.SocketType.DATAGRAM,
                                      Gio.SocketProtocol.UDP)
                sock.bind(Gio.InetSocketAddress.new_from_string(args.local, port), False)
                self.sockets.append(sock)
                for el_name in ("%ssrc%d" % (kind, s["id"]), "%ssink%d" % (kind, s["id"])):
                    el = self.pipe.get_by_name(el_name)
                    if el is None:
                        continue
                    el.set_property("socket", sock)
                    pad = el.get_static_pad("src" if el_name.startswith(kind + "src") else "sink")
                    self.counts[el_name] = 0
                    self.octets[el_name] = 0
                    pad.add_probe(Gst.PadProbeType.BUFFER | Gst.PadProbeType.BUFFER_LIST,
                                  self.count, el_name)
        if args.role == "send":
            for s in SESSIONS:
                pay = self.pipe.get_by_name("pay%d" % s["id"])
                pay.get_static_pad("src").connect("notify::caps", self.on_caps, "pay%d" % s["id"])
        else:
            self.rtpbin.connect("pad-added", self.on_pad_added)
        bus = self.pipe.get_bus()
        bus.add_signal_watch()
        bus.connect("message", self.on_message)

    def count(self, pad, info, name):
        if info.type & Gst.PadProbeType.BUFFER_LIST:
            lst = info.get_buffer_list()
            for i in range(lst.length()):
                self.counts[name] += 1
                self.octets[name] += lst.get(i).get_size()
        else:
            self.counts[name] += 1
            self.octets[name] += info.get_buffer().get_size()
        return Gst.PadProbeReturn.OK

    def on_caps(self, pad, _pspec, name):
        caps = pad.get_current_caps()
        if caps:
            self.caps[name] = caps.to_string()

    def on_pad_added(self, rtpbin, pad):
        name = pad.get_name()
        log("pad added", name)
        if not name.startswith("recv_rtp_src_"):
            return
        caps = pad.get_current_caps() or pad.query_caps(None)
        self.caps[name] = caps.to_string()
        # rtpbin forgets a remote source ~2 s after its BYE: keep a reference
        # (taken from the main loop, not this streaming thread).
        sid, ssrc = name.split("_")[3:5]
        GLib.idle_add(self.keep_remote_source, sid, int(ssrc))
        enc = caps.get_structure(0).get_string("encoding-name")
        chain = Gst.parse_bin_from_description(DECODERS[enc], True)
        self.pipe.add(chain)
        chain.sync_state_with_parent()
        pad.link(chain.get_static_pad("sink"))

    def keep_remote_source(self, sid, ssrc):
        sess = self.rtpbin.emit("get-internal-session", int(sid))
        self.remote_sources[sid] = sess.emit("get-source-by-ssrc", ssrc)
        return False

    def on_message(self, bus, msg):
        t = msg.type
        if t == Gst.MessageType.ERROR:
            err, dbg = msg.parse_error()
            self.errors.append("%s: %s" % (err, dbg))
            log("ERROR", err, dbg)
            self.loop.quit()
        elif t == Gst.MessageType.WARNING:
            err, dbg = msg.parse_warning()
            log("warning", err, dbg)
        elif t == Gst.MessageType.EOS:
            log("EOS")
            self.eos = True
            self.loop.quit()

    def stats(self):
        out = {}
        for s in SESSIONS:
            sess = self.rtpbin.emit("get-internal-session", s["id"])
            st = structure_to_dict(sess.get_property("stats"))
            st["internal-ssrc"] = sess.get_property("internal-ssrc")
            out[str(s["id"])] = st
        return out

    def payloader_stats(self):
        out = {}
        if self.args.role != "send":
            return out
        for s in SESSIONS:
            pay = self.pipe.get_by_name("pay%d" % s["id"])
            out["pay%d" % s["id"]] = structure_to_dict(pay.get_property("stats"))
        return out

    def finish(self, extra):
        """Read the statistics, stop the pipeline, then write everything.

        The datagram counts are written only after the pipeline is stopped,
        so they include every packet the sockets sent or received."""
        sources = {"own_source_stats": self.own_sources, "remote_source_stats": self.remote_sources}
        d = {"role": self.args.role, "local": self.args.local, "remote": self.args.remote,
             "sessions": SESSIONS, "gstreamer": Gst.version_string(),
             "rtpbin_stats": self.stats(), "payloader_stats": self.payloader_stats(),
             "sdes": structure_to_dict(self.rtpbin.get_property("sdes"))}
        for key, objs in sources.items():
            if objs:
                d[key] = {k: structure_to_dict(v.get_property("stats")) if v else None
                          for k, v in objs.items()}
        self.pipe.set_state(Gst.State.NULL)
        for s in self.sockets:
            s.close()
        d.update({"caps": self.caps, "datagrams": self.counts, "octets": self.octets,
                  "errors": self.errors})
        d.update(extra)
        write_atomic(self.args.out, d)

    # ---- sender
    def run_send(self):
        d = self.args.dir
        if not wait_file(os.path.join(d, "ready"), 30):
            raise SystemExit("receiver not ready")
        self.pipe.set_state(Gst.State.PLAYING)
        t0 = time.time()
        log("sending for %.1f s" % self.args.duration)

        def stop():
            # rtpbin forgets its own sources once their BYE is sent: keep a
            # reference to each now and read its counters after EOS.
            for s in SESSIONS:
                ssrc = self.pipe.get_by_name("pay%d" % s["id"]).get_property("stats").get_value("ssrc")
                sess = self.rtpbin.emit("get-internal-session", s["id"])
                self.own_sources[str(s["id"])] = sess.emit("get-source-by-ssrc", ssrc)
            log("EOS into the sources")
            for s in SESSIONS:
                self.pipe.get_by_name("src%d" % s["id"]).send_event(Gst.Event.new_eos())
            GLib.timeout_add_seconds(8, self.loop.quit)  # if EOS never arrives
            return False

        GLib.timeout_add(int(self.args.duration * 1000), stop)
        self.loop.run()
        t1 = time.time()
        time.sleep(0.5)
        open(os.path.join(d, "sent"), "w").close()
        log("sources stopped, waiting for the receiver")
        if not wait_file(os.path.join(d, "done"), 30):
            self.errors.append("receiver never said done")
        # the receiver has closed its sockets: nothing more can arrive
        self.finish({"start": t0, "stop": t1, "eos": self.eos})
        log("done")
        if self.errors or not self.eos:
            raise SystemExit("sender failed: errors=%s eos=%s" % (self.errors, self.eos))

    # ---- receiver
    def run_recv(self):
        d = self.args.dir
        self.pipe.set_state(Gst.State.PLAYING)
        self.pipe.get_state(5 * Gst.SECOND)
        open(os.path.join(d, "ready"), "w").close()
        log("ready")
        t0 = time.time()

        def poll():
            if os.path.exists(os.path.join(d, "sent")):
                GLib.timeout_add(1500, self.loop.quit)
                return False
            if time.time() - t0 > self.args.max_wait:
                self.errors.append("sender never finished")
                self.loop.quit()
                return False
            return True

        GLib.timeout_add(100, poll)
        self.loop.run()
        self.finish({"start": t0, "stop": time.time()})
        open(os.path.join(d, "done"), "w").close()
        log("done")
        if self.errors:
            raise SystemExit("receiver failed: %s" % self.errors)


def arg_parser():
    """The command line of one side (also ../gst-srtp-aes256/gst_srtp.py's)."""
    ap = argparse.ArgumentParser()
    ap.add_argument("role", choices=["send", "recv"])
    ap.add_argument("--dir", required=True)
    ap.add_argument("--out", required=True)
    ap.add_argument("--local", required=True)
    ap.add_argument("--remote", required=True)
    ap.add_argument("--duration", type=float, default=11.0)
    ap.add_argument("--max-wait", type=float, default=60.0)
    return ap


def run(side):
    if side.args.role == "send":
        side.run_send()
    else:
        side.run_recv()


def main():
    global ROLE
    args = arg_parser().parse_args()
    ROLE = args.role
    run(Side(args))


ROLE = "?"
if __name__ == "__main__":
    main()
