#!/usr/bin/python3
"""One GStreamer webrtcbin peer of a two-peer audio+video call (BUNDLE).

Run twice, each in its own network namespace (see generate.sh):

    gst_call.py answer --dir WORK --out answer.json
    gst_call.py offer  --dir WORK --out offer.json --duration 12

Options used by other generators (gen/mayday-like): --media video sends VP8
only; --turn turn://USER:PASS@HOST:PORT sets webrtcbin's turn-server and
--relay its ice-transport-policy to relay (only relayed candidates).

Signaling goes through files in WORK, which both namespaces can see: the
offerer writes offer.json (SDP + its ICE candidates) once gathering is
complete, the answerer answers with answer.json the same way. When the call
ends, the offerer writes "stop": both peers send EOS into their sources (so no
more RTP is sent), wait 2 s, read webrtcbin's get-stats and write everything
they saw to --out.
"""
import argparse
import json
import os
import sys
import time

import gi

gi.require_version("Gst", "1.0")
gi.require_version("GstWebRTC", "1.0")
gi.require_version("GstSdp", "1.0")
from gi.repository import GLib, Gst, GstSdp, GstWebRTC  # noqa: E402

Gst.init(None)

WEBRTCBIN = "webrtcbin name=w bundle-policy=max-bundle\n"
AUDIO = """audiotestsrc name=asrc is-live=true wave=sine freq={freq} volume=0.3
  ! audio/x-raw,rate=48000,channels=1 ! audioconvert ! audioresample
  ! opusenc bitrate=32000 ! rtpopuspay pt=111
  ! application/x-rtp,media=audio,encoding-name=OPUS,payload=111,clock-rate=48000 ! w.
"""
VIDEO = """videotestsrc name=vsrc is-live=true pattern={pattern}
  ! video/x-raw,width=320,height=240,framerate=10/1 ! videoconvert
  ! vp8enc deadline=1 target-bitrate=200000 keyframe-max-dist=30 ! rtpvp8pay pt=96
  ! application/x-rtp,media=video,encoding-name=VP8,payload=96,clock-rate=90000 ! w.
"""


def log(*a):
    print(time.strftime("%H:%M:%S"), ROLE, *a, file=sys.stderr, flush=True)


def gvalue_to_py(v):
    if isinstance(v, Gst.Structure):
        return structure_to_dict(v)
    if isinstance(v, (bool, int, float, str)) or v is None:
        return v
    if hasattr(v, "value_nick"):
        return v.value_nick
    if isinstance(v, (list, tuple)):
        return [gvalue_to_py(x) for x in v]
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


class Peer:
    def __init__(self, args):
        self.args = args
        self.loop = GLib.MainLoop()
        self.sources = ("asrc", "vsrc") if args.media == "av" else ("vsrc",)
        pipe = WEBRTCBIN + (AUDIO if args.media == "av" else "") + VIDEO
        self.pipe = Gst.parse_launch(pipe.format(
            freq=440 if args.role == "offer" else 660,
            pattern="ball" if args.role == "offer" else "smpte"))
        self.w = self.pipe.get_by_name("w")
        if args.turn:
            self.w.set_property("turn-server", args.turn)
        if args.relay:
            self.w.set_property("ice-transport-policy", GstWebRTC.WebRTCICETransportPolicy.RELAY)
        self.candidates = []
        self.sent_local = False
        self.remote_sdp = None
        self.stopping = False
        self.result = {"role": args.role, "versions": {"gstreamer": Gst.version_string()}}
        self.w.connect("on-ice-candidate", self.on_candidate)
        self.w.connect("pad-added", self.on_pad)
        self.w.connect("notify::ice-gathering-state", self.on_gathering)
        self.w.connect("notify::connection-state", self.on_conn)
        if args.role == "offer":
            self.w.connect("on-negotiation-needed", self.on_negotiation_needed)
        bus = self.pipe.get_bus()
        bus.add_signal_watch()
        bus.connect("message::error", self.on_error)

    def on_error(self, bus, msg):
        err, dbg = msg.parse_error()
        log("ERROR", err, dbg)
        self.result["error"] = str(err)
        self.loop.quit()

    def on_candidate(self, w, mline, cand):
        self.candidates.append({"mline": mline, "candidate": cand})

    def on_pad(self, w, pad):
        if pad.get_direction() != Gst.PadDirection.SRC:
            return
        sink = Gst.ElementFactory.make("fakesink")
        sink.set_property("sync", False)
        sink.set_property("async", False)
        self.pipe.add(sink)
        sink.sync_state_with_parent()
        pad.link(sink.get_static_pad("sink"))
        log("receiving", pad.get_current_caps().to_string()[:80] if pad.get_current_caps() else "")

    def on_conn(self, w, _):
        state = w.get_property("connection-state")
        log("connection-state", state.value_nick)
        if state == GstWebRTC.WebRTCPeerConnectionState.CONNECTED and self.args.role == "offer":
            GLib.timeout_add(int(self.args.duration * 1000), self.start_stop)

    def on_gathering(self, w, _):
        state = w.get_property("ice-gathering-state")
        if state == GstWebRTC.WebRTCICEGatheringState.COMPLETE and not self.sent_local:
            self.sent_local = True
            desc = w.get_property("local-description")
            name = "offer.json" if self.args.role == "offer" else "answer.json"
            self.result["local_sdp"] = desc.sdp.as_text()
            self.result["local_candidates"] = self.candidates
            write_atomic(os.path.join(self.args.dir, name),
                         {"type": self.args.role, "sdp": desc.sdp.as_text(),
                          "candidates": self.candidates})
            log("wrote", name, len(self.candidates), "candidates")
            if self.args.role == "offer":
                GLib.timeout_add(100, self.poll_answer)

    # --- offerer
    def on_negotiation_needed(self, w):
        log("negotiation needed")
        promise = Gst.Promise.new_with_change_func(self.on_offer_created, w, None)
        w.emit("create-offer", None, promise)

    def on_offer_created(self, promise, w, _):
        reply = promise.get_reply()
        offer = reply.get_value("offer")
        p = Gst.Promise.new()
        w.emit("set-local-description", offer, p)
        p.interrupt()

    def poll_answer(self):
        path = os.path.join(self.args.dir, "answer.json")
        if not os.path.exists(path):
            return True
        msg = json.load(open(path))
        self.apply_remote(msg, GstWebRTC.WebRTCSDPType.ANSWER)
        return False

    # --- answerer
    def poll_offer(self):
        path = os.path.join(self.args.dir, "offer.json")
        if not os.path.exists(path):
            return True
        msg = json.load(open(path))
        self.apply_remote(msg, GstWebRTC.WebRTCSDPType.OFFER)
        promise = Gst.Promise.new_with_change_func(self.on_answer_created, self.w, None)
        self.w.emit("create-answer", None, promise)
        GLib.timeout_add(100, self.poll_stop)
        return False

    def on_answer_created(self, promise, w, _):
        reply = promise.get_reply()
        answer = reply.get_value("answer")
        p = Gst.Promise.new()
        w.emit("set-local-description", answer, p)
        p.interrupt()

    def poll_stop(self):
        if os.path.exists(os.path.join(self.args.dir, "stop")):
            self.start_stop()
            return False
        return True

    # --- both
    def apply_remote(self, msg, sdptype):
        self.remote_sdp = msg["sdp"]
        self.result["remote_sdp"] = msg["sdp"]
        res, sdpmsg = GstSdp.SDPMessage.new_from_text(msg["sdp"])
        desc = GstWebRTC.WebRTCSessionDescription.new(sdptype, sdpmsg)
        p = Gst.Promise.new()
        self.w.emit("set-remote-description", desc, p)
        p.wait()
        for c in msg["candidates"]:
            self.w.emit("add-ice-candidate", c["mline"], c["candidate"])
        log("remote", sdptype.value_nick, "applied,", len(msg["candidates"]), "candidates")

    def start_stop(self):
        if self.stopping:
            return False
        self.stopping = True
        if self.args.role == "offer":
            open(os.path.join(self.args.dir, "stop"), "w").close()
        log("stopping sources")
        for name in self.sources:
            self.pipe.get_by_name(name).send_event(Gst.Event.new_eos())
        GLib.timeout_add(2000, self.finish)
        return False

    def finish(self):
        promise = Gst.Promise.new()
        self.w.emit("get-stats", None, promise)
        promise.wait()
        reply = promise.get_reply()
        stats = structure_to_dict(reply)
        self.result["stats"] = stats
        self.result["final_local_sdp"] = self.w.get_property("local-description").sdp.as_text()
        write_atomic(self.args.out, self.result)
        log("stats written")
        self.loop.quit()
        return False

    def run(self):
        self.pipe.set_state(Gst.State.PLAYING)
        if self.args.role == "answer":
            GLib.timeout_add(100, self.poll_offer)
        self.loop.run()
        self.pipe.set_state(Gst.State.NULL)
        return 0 if "stats" in self.result else 1


def main():
    global ROLE
    ap = argparse.ArgumentParser()
    ap.add_argument("role", choices=["offer", "answer"])
    ap.add_argument("--dir", required=True)
    ap.add_argument("--out", required=True)
    ap.add_argument("--duration", type=float, default=12)
    ap.add_argument("--media", choices=["av", "video"], default="av")
    ap.add_argument("--turn", help="turn://USER:PASS@HOST:PORT")
    ap.add_argument("--relay", action="store_true", help="ice-transport-policy relay")
    args = ap.parse_args()
    ROLE = args.role
    sys.exit(Peer(args).run())


ROLE = "?"
if __name__ == "__main__":
    main()
