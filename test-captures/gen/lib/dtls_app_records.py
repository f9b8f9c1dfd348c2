#!/usr/bin/env python3
"""Ground truth for data channels without keys: the DTLS application-data
records of each flow of a truth file, counted from the capture with
Wireshark WITHOUT the plugin (`tshark -T fields -e udp.payload`) and an
independent reading of the record headers:

- DTLS 1.2 (RFC 6347 §4.1): content type 23 in the clear;
- DTLS 1.3 (RFC 9147 §4, unified header 001CSLEE): epoch bits != 2 (the
  handshake epoch) and a ciphertext length of 1 modulo 4: an SCTP packet
  (a multiple of 4, RFC 9260 §3) + the inner content type + a 16-byte tag;
  the protected ACKs (2 + 16n + 17) and alerts (2 + 17) are 3 modulo 4.

DTLS relayed by TURN is read where Wireshark shows it: the DATA attribute
of Send/Data indications (`stun.value`, UDP or TCP) and the payload of
ChannelData messages on UDP (RFC 8656 §11.4, §12.4).

Bytes are the records' lengths on the wire, record headers included.
Adds to every UDP flow of the truth that has any:
  "datachannel_records": {"a_to_b", "b_to_a", "bytes_a_to_b", "bytes_b_to_a"}
(a and b the flow's own "a"/"b").

Usage: dtls_app_records.py CAPTURE TRUTH.json   (rewrites TRUTH.json)
"""
import collections
import json
import subprocess
import sys


def records(payload):
    """(count, bytes) of application-data records in one DTLS datagram."""
    n = b = off = 0
    p = payload
    while off < len(p):
        t = p[off]
        if 20 <= t <= 25:
            if off + 13 > len(p):
                break
            rl = int.from_bytes(p[off + 11:off + 13], "big")
            if t == 23:
                n, b = n + 1, b + 13 + rl
            off += 13 + rl
        elif t & 0xE0 == 0x20:
            if t & 0x10:
                break          # connection ID: length unknown
            hl = 1 + (2 if t & 0x08 else 1)
            if t & 0x04:
                ct = int.from_bytes(p[off + hl:off + hl + 2], "big")
                rec = hl + 2 + ct
            else:
                ct = len(p) - off - hl
                rec = len(p) - off
            if (t & 3) != 2 and ct >= 21 and ct % 4 == 1:
                n, b = n + 1, b + rec
            off += rec
        else:
            break
    return n, b


def main():
    cap, truth_path = sys.argv[1], sys.argv[2]
    out = subprocess.run(["tshark", "-r", cap, "-Y", "udp || stun", "-T", "fields",
                          "-E", "separator=\t", "-E", "occurrence=a", "-E", "aggregator=,",
                          "-e", "ip.src", "-e", "ipv6.src", "-e", "udp.srcport", "-e", "tcp.srcport",
                          "-e", "ip.dst", "-e", "ipv6.dst", "-e", "udp.dstport", "-e", "tcp.dstport",
                          "-e", "udp.payload", "-e", "stun.type", "-e", "stun.value"],
                         check=True, capture_output=True, text=True).stdout
    count = collections.Counter()
    size = collections.Counter()
    for line in out.splitlines():
        s4, s6, usp, tsp, d4, d6, udp_, tdp, pl, types, values = line.split("\t")
        sp, dp = usp or tsp, udp_ or tdp
        src = "%s:%s" % (s4, sp) if s4 else "[%s]:%s" % (s6, sp)
        dst = "%s:%s" % (d4, dp) if d4 else "[%s]:%s" % (d6, dp)
        datagrams = []
        indications = {int(t, 16) for t in types.split(",") if t} & {0x0016, 0x0017}
        if indications:
            # Send (0x0016) / Data (0x0017) indications: their DATA values.
            datagrams = [bytes.fromhex(v) for v in values.split(",") if v]
        elif pl:
            p = bytes.fromhex(pl.replace(":", ""))
            if p and 0x40 <= p[0] <= 0x4F and len(p) >= 4:
                # ChannelData: 2-byte channel, 2-byte length, the datagram
                datagrams = [p[4:4 + int.from_bytes(p[2:4], "big")]]
            elif not types:
                datagrams = [p]
        for p in datagrams:
            if not p or not (20 <= p[0] <= 63):
                continue
            n, b = records(p)
            count[(src, dst)] += n
            size[(src, dst)] += b
    truth = json.load(open(truth_path))
    for call in truth.get("calls", []):
        for fl in call.get("flows", []):
            ab, ba = (fl["a"], fl["b"]), (fl["b"], fl["a"])
            if count[ab] or count[ba]:
                fl["datachannel_records"] = {"a_to_b": count[ab], "b_to_a": count[ba],
                                             "bytes_a_to_b": size[ab], "bytes_b_to_a": size[ba]}
    with open(truth_path, "w") as fh:
        json.dump(truth, fh, indent=2)
        fh.write("\n")


if __name__ == "__main__":
    main()
