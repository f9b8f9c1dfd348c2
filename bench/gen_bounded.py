#!/usr/bin/env python3
"""Write worst-case captures for the plugin's per-flow state (issue
"Robustness"): synthetic packets, made by this script, never hand-edited.

  bench/gen_bounded.py KIND COUNT OUT.pcap
KIND:
  tuples   COUNT distinct UDP 5-tuples, one RTP-looking datagram each
           (first byte 0x80-0xBF, random SSRC/sequence/timestamp)
  churn    one 5-tuple, COUNT RTP packets, a new SSRC every packet
  stun     COUNT STUN Binding transactions with random USERNAMEs, each on
           its own 5-tuple, request and success response
  channels one client<->TURN 5-tuple (port 3478) with ChannelData on COUNT
           different channel numbers (0x4000-0x4FFF, repeating), RTP inside,
           after one DTLS record in channel 0x4000
Addresses are documentation ranges (198.51.100.0/24, 203.0.113.0/24);
ports are 20000-60999, clear of the well-known ports Wireshark decodes by
number (e.g. 2221 and 5246 are DTLS, 5004 RTP), which would bypass the
heuristics under test.
"""
import os
import random
import struct
import sys


def pcap_header():
    return struct.pack("<IHHiIII", 0xA1B2C3D4, 2, 4, 0, 0, 65535, 101)  # LINKTYPE_RAW


def ipv4_udp(src, dst, sport, dport, payload):
    udp = struct.pack("!HHHH", sport, dport, 8 + len(payload), 0) + payload
    hdr = struct.pack("!BBHHHBBH4s4s", 0x45, 0, 20 + len(udp), 0, 0, 64, 17, 0,
                      bytes(src), bytes(dst))
    s = sum(struct.unpack("!10H", hdr))
    s = (s & 0xFFFF) + (s >> 16)
    s = (s & 0xFFFF) + (s >> 16)
    hdr = hdr[:10] + struct.pack("!H", ~s & 0xFFFF) + hdr[12:]
    return hdr + udp


def record(t, pkt):
    return struct.pack("<IIII", int(t), int((t % 1) * 1e6), len(pkt), len(pkt)) + pkt


def rtp(rng, ssrc=None, seq=None, ts=None, pt=None, n=160):
    b0 = rng.randint(0x80, 0xBF) & 0xF0 | 0x80  # version 2, no CSRC
    b0 &= ~0x10 & 0xFF                           # no extension
    b0 &= ~0x20 & 0xFF                           # no padding
    b1 = pt if pt is not None else rng.choice(list(range(0, 64)) + list(range(96, 128)))
    return struct.pack("!BBHII", b0, b1, seq if seq is not None else rng.getrandbits(16),
                       ts if ts is not None else rng.getrandbits(32),
                       ssrc if ssrc is not None else rng.getrandbits(32)) + os.urandom(n)


def main(kind, count, out):
    rng = random.Random(1)
    t = 1_700_000_000.0
    with open(out, "wb") as f:
        f.write(pcap_header())
        if kind == "tuples":
            for i in range(count):
                src = [198, 51, 100, 1 + i % 250]
                dst = [203, 0, 113, 1 + (i // 250) % 250]
                sport = 20000 + (i // 62500) % 41000
                dport = 20000 + i % 41000
                f.write(record(t, ipv4_udp(src, dst, sport, dport, rtp(rng))))
                t += 0.0001
        elif kind == "churn":
            for i in range(count):
                f.write(record(t, ipv4_udp([198, 51, 100, 1], [203, 0, 113, 1], 40000, 50000,
                                           rtp(rng, seq=i & 0xFFFF, ts=i * 160, pt=0))))
                t += 0.02
        elif kind == "stun":
            for i in range(count):
                user = "%08x:%08x" % (rng.getrandbits(32), rng.getrandbits(32))
                attr = struct.pack("!HH", 0x0006, len(user)) + user.encode()
                attr += b"\0" * (-len(attr) % 4)
                tid = os.urandom(12)
                req = struct.pack("!HHI", 0x0001, len(attr), 0x2112A442) + tid + attr
                resp = struct.pack("!HHI", 0x0101, 0, 0x2112A442) + tid
                src = [198, 51, 100, 1 + i % 250]
                sport = 20000 + i % 41000
                # A new server address every 41,000 transactions keeps the
                # 5-tuples distinct (up to 10,250,000) with the same first
                # 41,000 as before.
                dst = [203, 0, 113, 1 + (i // 41000) % 250]
                f.write(record(t, ipv4_udp(src, dst, sport, 34790, req)))
                f.write(record(t + 0.001, ipv4_udp(dst, src, 34790, sport, resp)))
                t += 0.001
        elif kind == "channels":
            # A DTLS record first, as a WebRTC client sends through its
            # channel: DTLS-SRTP inside TURN (RFC 5764), so every RTP packet
            # after it is media, one SSRC per packet.
            body = bytes(rng.getrandbits(8) for _ in range(40))
            dtls = struct.pack("!BBBHHIH", 22, 0xFE, 0xFD, 0, 0, 0, len(body)) + body
            cd = struct.pack("!HH", 0x4000, len(dtls)) + dtls
            f.write(record(t, ipv4_udp([198, 51, 100, 1], [203, 0, 113, 1], 40000, 3478, cd)))
            t += 0.001
            for i in range(count):
                ch = 0x4000 + i % 0x1000
                payload = rtp(rng, ssrc=i, seq=i & 0xFFFF, ts=i * 160, pt=111, n=100)
                cd = struct.pack("!HH", ch, len(payload)) + payload
                f.write(record(t, ipv4_udp([198, 51, 100, 1], [203, 0, 113, 1], 40000, 3478, cd)))
                t += 0.001
        else:
            raise SystemExit("unknown kind " + kind)


if __name__ == "__main__":
    main(sys.argv[1], int(sys.argv[2]), sys.argv[3])
