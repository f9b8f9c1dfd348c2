"""Read tshark's `-z rtp,streams` table into records."""
import collections
import re

Stream = collections.namedtuple("Stream", "src dst ssrc payload packets lost")

_ROW = re.compile(r"^\s+(\d+\.\d+)\s+(\d+\.\d+)\s+(\S+)\s+(\d+)\s+(\S+)\s+(\d+)\s+"
                  r"(0x[0-9A-Fa-f]+)\s+(.*?)\s+(\d+)\s+(-?\d+) \((-?[\d.]+)%\)\s")


def parse(text):
    """Streams of a `-z rtp,streams` output, in its order."""
    out = []
    for line in text.splitlines():
        m = _ROW.match(line)
        if not m:
            continue
        src = "%s:%s" % (m.group(3), m.group(4))
        dst = "%s:%s" % (m.group(5), m.group(6))
        out.append(Stream(src, dst, "0x%08x" % int(m.group(7), 16), m.group(8),
                          int(m.group(9)), int(m.group(10))))
    return out


def streams(ts, capture, extra=()):
    return parse(ts.out(["-r", ts.capture(capture), "-2", "-q", "-z", "rtp,streams"]
                        + list(extra)))
