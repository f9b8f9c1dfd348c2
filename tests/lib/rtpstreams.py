"""Read tshark's `-z rtp,streams` table into records."""
import collections
import re

Stream = collections.namedtuple("Stream", "src dst ssrc payload packets lost")

_ROW = re.compile(r"^\s*(\d+\.\d+)\s+(\d+\.\d+)\s+(\S+)\s+(\d+)\s+(\S+)\s+(\d+)\s+"
                  r"(0x[0-9A-Fa-f]+)\s+(.*?)\s+(\d+)\s+(-?\d+) \((-?[\d.]+)%\)\s")


def parse(text):
    """Streams of a `-z rtp,streams` output, in its order."""
    out = []
    for line in text.splitlines():
        m = _ROW.match(line)
        if not m:
            continue
        src = endpoint(m.group(3), m.group(4))
        dst = endpoint(m.group(5), m.group(6))
        out.append(Stream(src, dst, "0x%08x" % int(m.group(7), 16), m.group(8),
                          int(m.group(9)), int(m.group(10))))
    return out


def streams(ts, capture, extra=()):
    return parse(ts.out(["-r", ts.capture(capture), "-2", "-q", "-z", "rtp,streams"]
                        + list(extra)))


# Fields that place an RTP packet: its flow "src:port -> dst:port", SSRCs and PTs.
PACKET_FIELDS = ["ip.src", "ipv6.src", "udp.srcport", "tcp.srcport",
                 "ip.dst", "ipv6.dst", "udp.dstport", "tcp.dstport", "rtp.ssrc", "rtp.p_type"]


def endpoint(addr, port):
    """"addr:port", "[addr]:port" for IPv6 (as the ground truths and the
    summary write it)."""
    return "[%s]:%s" % (addr, port) if ":" in addr else "%s:%s" % (addr, port)


def packets_per_stream(rows):
    """Counter of (flow, ssrc, pt) from -T fields rows of PACKET_FIELDS (a
    frame may carry several RTP packets: aggregated with ",")."""
    got = collections.Counter()
    for r in rows:
        flow = "%s -> %s" % (endpoint(r[0] or r[1], r[2] or r[3]), endpoint(r[4] or r[5], r[6] or r[7]))
        for ssrc, pt in zip(r[8].split(","), r[9].split(",")):
            got[(flow, "0x%08x" % int(ssrc, 16), int(pt))] += 1
    return got


def ground_truth_packets(gt):
    """The same Counter from a ground-truth JSON."""
    want = collections.Counter()
    for call in gt["calls"]:
        for st in call["streams"]:
            want[(st["flow"], st["ssrc"], st["pt"])] += st["packets"]
    return want
