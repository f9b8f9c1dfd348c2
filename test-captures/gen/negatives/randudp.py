#!/usr/bin/python3
"""UDP datagrams of random payload whose first byte is 0x80-0xBF.

Such a first byte reads as "RTP version 2", so these datagrams are bait for
RTP heuristics: they are not RTP.

  randudp.py plan EXCLUDED_PORTS_FILE SRC_IP DST_IP PLAN.json
      pick 4-8 flows with random source/destination ports (20000-60999, none
      that Wireshark maps to a dissector by default, as listed in
      EXCLUDED_PORTS_FILE) and a random total of 250-400 datagrams.
  randudp.py sink PLAN.json READY_FILE SECONDS
      bind every destination port of the plan and swallow what arrives (so
      the receiver sends no ICMP port-unreachable), for at most SECONDS.
  randudp.py send PLAN.json LOG.json
      send the datagrams, interleaved across flows over about 5 s, each with
      a random length 20-1200 and random payload starting 0x80-0xBF; LOG.json
      records every datagram sent (flow, length, first byte).
"""
import json
import os
import random
import select
import socket
import sys
import time


def plan(excluded_file, src_ip, dst_ip, out):
    rng = random.SystemRandom()
    excluded = set()
    with open(excluded_file) as f:
        for line in f:
            line = line.strip()
            if line.isdigit():
                excluded.add(int(line))
    used = set()

    def port():
        while True:
            p = rng.randint(20000, 60999)
            if p not in excluded and p not in used:
                used.add(p)
                return p

    nflows = rng.randint(4, 8)
    total = rng.randint(250, 400)
    cuts = sorted(rng.sample(range(1, total), nflows - 1))
    counts = [b - a for a, b in zip([0] + cuts, cuts + [total])]
    flows = [{"src": src_ip, "sport": port(), "dst": dst_ip, "dport": port(), "count": c}
             for c in counts]
    with open(out, "w") as f:
        json.dump({"flows": flows}, f, indent=1)


def sink(plan_file, ready_file, seconds):
    flows = json.load(open(plan_file))["flows"]
    socks = []
    for fl in flows:
        s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        s.bind((fl["dst"], fl["dport"]))
        socks.append(s)
    open(ready_file, "w").write("ready\n")
    end = time.time() + float(seconds)
    n = 0
    while time.time() < end:
        r, _, _ = select.select(socks, [], [], max(0.0, min(1.0, end - time.time())))
        for s in r:
            s.recv(65535)
            n += 1
    print("randudp sink: received %d datagrams" % n)


def send(plan_file, log_file):
    rng = random.SystemRandom()
    flows = json.load(open(plan_file))["flows"]
    socks = []
    for fl in flows:
        s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        s.bind((fl["src"], fl["sport"]))
        socks.append(s)
    order = [i for i, fl in enumerate(flows) for _ in range(fl["count"])]
    rng.shuffle(order)
    gap = 5.0 / max(1, len(order))
    sent = []
    for i in order:
        fl = flows[i]
        length = rng.randint(20, 1200)
        payload = bytes([rng.randint(0x80, 0xBF)]) + os.urandom(length - 1)
        socks[i].sendto(payload, (fl["dst"], fl["dport"]))
        sent.append({"flow": i, "len": length, "first": payload[0]})
        time.sleep(gap * rng.uniform(0.2, 1.8))
    with open(log_file, "w") as f:
        json.dump({"flows": flows, "sent": sent}, f)
    print("randudp send: %d datagrams on %d flows" % (len(sent), len(flows)))


if __name__ == "__main__":
    mode = sys.argv[1]
    if mode == "plan":
        plan(*sys.argv[2:6])
    elif mode == "sink":
        sink(*sys.argv[2:5])
    elif mode == "send":
        send(*sys.argv[2:4])
    else:
        sys.exit("unknown mode " + mode)
