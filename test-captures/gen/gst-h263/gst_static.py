#!/usr/bin/python3
"""One side of a plain RTP flow with no signaling, made by GStreamer alone
(shared by gen/gst-h263 and gen/gst-dtmf-only):

  gst_static.py send-h263 --remote IP --port 5004 --seconds 8 --out sender.json
  gst_static.py recv-h263 --port 5004 --out receiver.json
  gst_static.py send-dtmf --remote IP --port 5006 --digits 159# --out sender.json
  gst_static.py recv-dtmf --port 5006 --out receiver.json

h263: videotestsrc (352x288 CIF, 15 fps) ! avenc_h263 (gstreamer1.0-libav)
! rtph263pay (RFC 2190, static PT 34, mtu 1000; the encoder starts a GOB after 600 bytes, ps=600, so a frame splits) ! udpsink bound to the same
port it sends to (symmetric). The receiver depayloads and decodes
(rtph263depay ! avdec_h263). A pad probe on the payloader's source pad
records every RTP packet the sender hands to udpsink (SSRC, sequence,
timestamp, marker, size), so the ground truth knows packets per frame.

dtmf: rtpdtmfsrc (RFC 4733, PT 101, 8 kHz, its default 50 ms interval)
! udpsink. The script sends the element its "dtmf-event" start/stop
events (what an app does when a key is pressed and released): each digit
is held 250 ms, 550 ms apart. The probe records every event packet
(event, E bit, volume, duration). The receiver runs rtpdtmfdepay and
records the "dtmf-event" messages it posts on the bus.

The receivers stop 2 s after the last packet (or after --timeout s).
"""
import argparse
import json
import struct
import sys
import time

import gi

gi.require_version("Gst", "1.0")
from gi.repository import GLib, Gst  # noqa: E402

Gst.init(None)
DIGITS = "0123456789*#ABCD"


def rtp_probe(log, t0):
    def probe(_pad, info):
        buf = info.get_buffer()
        ok, m = buf.map(Gst.MapFlags.READ)
        if ok:
            d = bytes(m.data)
            buf.unmap(m)
            if len(d) >= 12:
                e = {"t": round(time.time() - t0, 4), "seq": struct.unpack_from("!H", d, 2)[0],
                     "ts": struct.unpack_from("!I", d, 4)[0], "ssrc": "%#010x" % struct.unpack_from("!I", d, 8)[0],
                     "pt": d[1] & 0x7F, "marker": bool(d[1] & 0x80), "size": len(d)}
                cc = d[0] & 0x0F
                pl = d[12 + 4 * cc:]
                if e["pt"] == 101 and len(pl) >= 4:
                    e.update(event=pl[0], end=bool(pl[1] & 0x80), volume=pl[1] & 0x3F,
                             duration=struct.unpack_from("!H", pl, 2)[0])
                log.append(e)
        return Gst.PadProbeReturn.OK
    return probe


def run(pipe, until, timeout):
    loop = GLib.MainLoop()
    bus = pipe.get_bus()
    bus.add_signal_watch()
    state = {"eos": False, "error": None, "messages": []}

    def on_msg(_bus, msg):
        if msg.type == Gst.MessageType.EOS:
            state["eos"] = True
            loop.quit()
        elif msg.type == Gst.MessageType.ERROR:
            state["error"] = str(msg.parse_error())
            loop.quit()
        elif msg.type == Gst.MessageType.ELEMENT and msg.get_structure() is not None:
            s = msg.get_structure()
            if s.get_name() == "dtmf-event":
                state["messages"].append({"t": round(time.time(), 4), "number": s.get_value("number"),
                                          "volume": s.get_value("volume"), "type": s.get_value("type"),
                                          "method": s.get_value("method")})
    bus.connect("message", on_msg)
    pipe.set_state(Gst.State.PLAYING)

    def tick():
        if until():
            loop.quit()
            return False
        return True
    GLib.timeout_add(100, tick)
    GLib.timeout_add(int(timeout * 1000), loop.quit)
    loop.run()
    pipe.set_state(Gst.State.NULL)
    return state


def send_h263(a):
    desc = ("videotestsrc is-live=true pattern=colors horizontal-speed=5 num-buffers=%d "
            "! video/x-raw,width=352,height=288,framerate=15/1 ! videoconvert "
            "! avenc_h263 gop-size=45 ps=600 "
            "! rtph263pay name=pay pt=34 mtu=1000 ssrc=%d seqnum-offset=%d timestamp-offset=%d "
            "! udpsink name=sink host=%s port=%d bind-port=%d sync=false async=false"
            % (int(a.seconds * 15), a.ssrc, a.seq, a.ts, a.remote, a.port, a.port))
    pipe = Gst.parse_launch(desc)
    log = []
    t0 = time.time()
    pipe.get_by_name("pay").get_static_pad("src").add_probe(Gst.PadProbeType.BUFFER, rtp_probe(log, t0))
    st = run(pipe, lambda: False, a.seconds + 20)
    if st["error"] or not st["eos"]:
        raise SystemExit("sender: %r" % st)
    frames = {}
    for e in log:
        frames.setdefault(e["ts"], []).append(e)
    out = {"pipeline": desc, "gstreamer": Gst.version_string(), "start_wall": t0, "packets": log,
           "frames": len(frames), "packets_per_frame": sorted({len(v) for v in frames.values()}),
           "frames_with_several_packets": len([v for v in frames.values() if len(v) > 1]),
           "marker_on_last_packet_of_every_frame": all(v[-1]["marker"] and not any(x["marker"] for x in v[:-1])
                                                      for v in frames.values())}
    json.dump(out, open(a.out, "w"), indent=1)
    print("sender: %d packets, %d frames, packets/frame %s" % (len(log), len(frames), out["packets_per_frame"]),
          file=sys.stderr)


def recv(a, caps, chain):
    desc = "udpsrc name=src port=%d caps=\"%s\" ! %s" % (a.port, caps, chain)
    pipe = Gst.parse_launch(desc)
    log = []
    t0 = time.time()
    pipe.get_by_name("src").get_static_pad("src").add_probe(Gst.PadProbeType.BUFFER, rtp_probe(log, t0))
    decoded = [0]
    dec = pipe.get_by_name("out")
    if dec is not None:
        def count(_pad, _info):
            decoded[0] += 1
            return Gst.PadProbeReturn.OK
        dec.get_static_pad("sink").add_probe(Gst.PadProbeType.BUFFER, count)
    st = run(pipe, lambda: bool(log) and time.time() - t0 - log[-1]["t"] > 2.0, a.timeout)
    out = {"pipeline": desc, "gstreamer": Gst.version_string(), "packets": len(log),
           "ssrcs": sorted({e["ssrc"] for e in log}), "decoded_buffers": decoded[0],
           "dtmf_messages": st["messages"], "error": st["error"]}
    if st["messages"]:
        out["digits"] = "".join(DIGITS[m["number"]] for m in st["messages"] if m["type"] == 1 and m.get("number") is not None)
    json.dump(out, open(a.out, "w"), indent=1)
    print("receiver: %d packets, %d decoded buffers, %d dtmf messages" % (len(log), decoded[0], len(st["messages"])),
          file=sys.stderr)


def send_dtmf(a):
    desc = ("rtpdtmfsrc name=dtmf pt=101 clock-rate=8000 packet-redundancy=%d ssrc=%d seqnum-offset=%d "
            "timestamp-offset=%d ! application/x-rtp,ptime=(uint)%d "
            "! udpsink name=sink host=%s port=%d bind-port=%d sync=false async=false"
            % (a.redundancy, a.ssrc, a.seq, a.ts, a.ptime, a.remote, a.port, a.port))
    pipe = Gst.parse_launch(desc)
    dtmf = pipe.get_by_name("dtmf")
    log = []
    t0 = time.time()
    dtmf.get_static_pad("src").add_probe(Gst.PadProbeType.BUFFER, rtp_probe(log, t0))
    presses = []
    plan = []
    t = 1.0
    for ch in a.digits:
        plan.append((t, True, DIGITS.index(ch)))
        plan.append((t + a.hold, False, DIGITS.index(ch)))
        t += a.hold + a.gap
    end = t + 1.0

    def event(start, number):
        s = Gst.Structure.new_empty("dtmf-event")
        s.set_value("type", 1)            # RTP event (not a sound)
        s.set_value("start", start)
        if start:
            s.set_value("number", number)
            s.set_value("volume", 25)
        ok = dtmf.get_static_pad("src").send_event(Gst.Event.new_custom(Gst.EventType.CUSTOM_UPSTREAM, s))
        presses.append({"t": round(time.time() - t0, 4), "start": start, "number": number, "ok": bool(ok)})
        return False

    for when, start, number in plan:
        GLib.timeout_add(int(when * 1000), event, start, number)
    st = run(pipe, lambda: time.time() - t0 > end, end + 10)
    if st["error"]:
        raise SystemExit("sender: %r" % st)
    # digits as sent: one per event (the RTP timestamp of an event's packets is the same)
    seen, digits = set(), ""
    for e in log:
        if e["ts"] not in seen:
            seen.add(e["ts"])
            digits += DIGITS[e["event"]]
    out = {"pipeline": desc, "gstreamer": Gst.version_string(), "start_wall": t0, "presses": presses,
           "packets": log, "digits_on_wire": digits, "digits_pressed": a.digits}
    json.dump(out, open(a.out, "w"), indent=1)
    print("sender: %d packets, digits %s" % (len(log), digits), file=sys.stderr)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("mode", choices=["send-h263", "recv-h263", "send-dtmf", "recv-dtmf"])
    ap.add_argument("--remote")
    ap.add_argument("--port", type=int, required=True)
    ap.add_argument("--seconds", type=float, default=8)
    ap.add_argument("--digits", default="159#")
    ap.add_argument("--hold", type=float, default=0.25)
    ap.add_argument("--gap", type=float, default=0.55)
    ap.add_argument("--redundancy", type=int, default=1)
    ap.add_argument("--ptime", type=int, default=40, help="ms between event packets (rtpdtmfsrc: ptime caps, default 40)")
    ap.add_argument("--ssrc", type=lambda x: int(x, 0), default=0x2630a1c7)
    ap.add_argument("--seq", type=int, default=4711)
    ap.add_argument("--ts", type=int, default=1000000)
    ap.add_argument("--timeout", type=float, default=40)
    ap.add_argument("--out", required=True)
    a = ap.parse_args()
    if a.mode == "send-h263":
        send_h263(a)
    elif a.mode == "recv-h263":
        recv(a, "application/x-rtp,media=video,clock-rate=90000,encoding-name=H263,payload=34",
             "rtpjitterbuffer latency=100 ! rtph263depay ! avdec_h263 name=out ! fakesink sync=false")
    elif a.mode == "send-dtmf":
        send_dtmf(a)
    else:
        recv(a, "application/x-rtp,media=audio,clock-rate=8000,encoding-name=TELEPHONE-EVENT,payload=101",
             "rtpdtmfdepay name=out ! fakesink sync=false")


if __name__ == "__main__":
    main()
