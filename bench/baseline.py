#!/usr/bin/env python3
"""Baseline: what Wireshark does with each test capture, without and with
the plugin. Writes the Markdown table of docs/baseline.md to stdout.

Three configurations, each run with two-pass dissection (-2) so that every
count is final:
  default  plain Wireshark, default preferences (plugin not loaded)
  manual   plain Wireshark with the preferences an analyst sets by hand today:
           --enable-heuristic rtp_udp/rtp_stun/rtcp_udp/rtcp_stun and
           -o rtp.version0_type:stun
  plugin   the webrtc plugin loaded, default preferences

Counts per capture (UDP frames quoted inside ICMP errors are excluded):
  streams  RTP streams listed by -z rtp,streams
  data     UDP frames whose payload is left as `data`
  rtcp     frames containing RTCP or SRTCP
  rtp>=64  RTP frames with marker and PT 64-95 (RTCP shown as RTP, RFC 5761)
  event    frames decoded as RTP EVENT (RFC 4733)

Usage: WEBRTC_PLUGIN_SO=build/plugin/webrtc.so bench/baseline.py [capture...]
"""
import os
import re
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "tests", "lib"))
import wstest  # noqa: E402

MANUAL = ["--enable-heuristic", "rtp_udp", "--enable-heuristic", "rtp_stun",
          "--enable-heuristic", "rtcp_udp", "--enable-heuristic", "rtcp_stun",
          "-o", "rtp.version0_type:stun"]

COUNTS = [
    ("data", "!icmp && udp && data"),
    ("rtcp", "!icmp && (rtcp || srtcp)"),
    ("rtp>=64", "!icmp && rtp.marker == 1 && rtp.p_type >= 64 && rtp.p_type <= 95"),
    ("event", "!icmp && rtpevent"),
]


def rtp_streams(ts, cap, extra):
    out = ts.out(["-r", ts.capture(cap), "-2", "-q", "-z", "rtp,streams"] + extra)
    return sum(1 for line in out.splitlines()
               if re.match(r"\s+\d+\.\d+\s+\d+\.\d+\s", line))


def count(ts, cap, flt, extra):
    out = ts.out(["-r", ts.capture(cap), "-2", "-Y", flt, "-T", "fields",
                  "-e", "frame.number"] + extra)
    return len(out.splitlines())


def measure(ts, cap, extra):
    row = {"streams": rtp_streams(ts, cap, extra)}
    for name, flt in COUNTS:
        row[name] = count(ts, cap, flt, extra)
    return row


def main(argv):
    caps = argv[1:] or wstest.capture_names()
    plain = wstest.Tshark(with_plugin=False)
    plugin = wstest.Tshark(with_plugin=True) if os.environ.get("WEBRTC_PLUGIN_SO") else None
    cols = ["streams", "data", "rtcp", "rtp>=64", "event"]
    print("| capture | truth streams | config | " + " | ".join(cols) + " |")
    print("|---|---|---|" + "---|" * len(cols))
    for cap in caps:
        gt = wstest.ground_truth(cap)
        truth = len({(s["flow"], s["ssrc"]) for c in gt["calls"] for s in c["streams"]})
        configs = [("default", plain, []), ("manual", plain, MANUAL)]
        if plugin:
            configs.append(("plugin", plugin, []))
        for label, ts, extra in configs:
            row = measure(ts, cap, extra)
            print("| %s | %d | %s | %s |" % (cap, truth, label,
                                            " | ".join(str(row[c]) for c in cols)))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
