"""Run `tshark -z webrtc,summary[,json]` (two passes) and read its output."""
import json


def text(ts, capture, flt=None):
    arg = "webrtc,summary" + ("," + flt if flt else "")
    return ts.out(["-r", ts.capture(capture), "-2", "-q", "-z", arg])


def data(ts, capture, flt=None):
    arg = "webrtc,summary,json" + ("," + flt if flt else "")
    out = ts.out(["-r", ts.capture(capture), "-2", "-q", "-z", arg])
    start = out.index("{")
    return json.loads(out[start:out.rindex("}") + 1])


def flow_key(a, b, transport):
    return (transport,) + tuple(sorted((a, b)))
