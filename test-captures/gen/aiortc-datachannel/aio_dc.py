#!/usr/bin/python3
"""One aiortc peer of a data-channel-only call (no audio, no video).

Run twice, each in its own network namespace (see generate.sh):

    aio_dc.py answer --sock PATH --out answer.json
    aio_dc.py offer  --sock PATH --out offer.json

Signaling is one JSON line each way over a Unix socket (the file system is
shared between network namespaces, the network is not), so it never appears
in the capture. The offerer creates two data channels before the offer:
  - "chat" (protocol "chat-v1", ordered, reliable): CHAT text messages
    "chat message I from the offerer", 0.2 s apart; the answerer replies
    "ack " + the message to each one;
  - "file" (protocol "file-transfer", ordered, reliable): once the chat is
    done, FILE_BYTES of binary data in CHUNK-byte messages, then the text
    "file done: test.bin N bytes"; the answerer replies with the text
    "file received: N bytes in M messages".
Each peer counts every message it sends and receives per channel (label,
protocol, id, type, size) and writes that, getStats() and the nominated
ICE pair to --out.
"""
import argparse
import asyncio
import json
import logging
import os
import sys
import time

import aiortc
from aiortc import RTCConfiguration, RTCPeerConnection, RTCSessionDescription

CHAT = 20
FILE_BYTES = 102400
CHUNK = 8192


class Log:
    """Per channel label: what this peer sent and received."""

    def __init__(self):
        self.t0 = time.time()
        self.ch = {}

    def channel(self, ch):
        self.ch.setdefault(ch.label, {"label": ch.label, "protocol": ch.protocol, "id": ch.id,
                                      "ordered": ch.ordered, "sent": [], "received": []})

    def add(self, ch, way, data):
        self.channel(ch)
        e = self.ch[ch.label]
        e["id"] = ch.id
        kind = "text" if isinstance(data, str) else "binary"
        size = len(data.encode()) if kind == "text" else len(data)
        e[way].append({"t": round(time.time() - self.t0, 3), "type": kind, "size": size})

    def send(self, ch, data):
        ch.send(data)
        self.add(ch, "sent", data)

    def summary(self):
        out = []
        for e in self.ch.values():
            d = dict(e)
            d["messages_sent"] = len(e["sent"])
            d["bytes_sent"] = sum(m["size"] for m in e["sent"])
            d["messages_received"] = len(e["received"])
            d["bytes_received"] = sum(m["size"] for m in e["received"])
            out.append(d)
        return out


def stats_to_dict(report):
    out = {}
    for key, st in report.items():
        out[key] = {k: (v.isoformat() if hasattr(v, "isoformat") else v)
                    for k, v in vars(st).items()}
    return out


async def wait_for(cond, timeout, what):
    end = time.time() + timeout
    while not cond():
        if time.time() > end:
            raise RuntimeError("timeout waiting for " + what)
        await asyncio.sleep(0.02)


async def wait_connected(pc, timeout=20):
    await wait_for(lambda: pc.connectionState == "connected", timeout, "connected")


def transport_info(pc):
    sctp = pc.sctp
    dtls = sctp.transport
    conn = dtls.transport._connection
    return {
        "dtls_role": dtls._role,
        "dtls_state": dtls.state,
        "sctp_port": sctp.port,
        "ice_controlling": conn.ice_controlling,
        "local_candidates": [c.to_sdp() for c in conn.local_candidates],
        "nominated": {str(c): {"local": "%s:%d" % p.local_addr, "remote": "%s:%d" % p.remote_addr}
                      for c, p in conn._nominated.items()},
    }


async def finish(pc, log, out, role, remote_sdp):
    stats = stats_to_dict(await pc.getStats())
    info = transport_info(pc)
    await asyncio.sleep(0.5)
    await pc.close()
    result = {"role": role,
              "versions": {"aiortc": aiortc.__version__, "python": sys.version.split()[0]},
              "local_sdp": pc.localDescription.sdp, "remote_sdp": remote_sdp,
              "stats_before_close": stats, "transport": info, "channels": log.summary()}
    try:
        import aioice
        result["versions"]["aioice"] = aioice.__version__
    except Exception:
        pass
    with open(out, "w") as f:
        json.dump(result, f, indent=1, default=str)


async def run_offer(args):
    reader, writer = await asyncio.open_unix_connection(args.sock)
    pc = RTCPeerConnection(RTCConfiguration(iceServers=[]))
    log = Log()
    chat = pc.createDataChannel("chat", ordered=True, protocol="chat-v1")
    file_ = pc.createDataChannel("file", ordered=True, protocol="file-transfer")
    acks, file_reply = [], []
    for ch in (chat, file_):
        log.channel(ch)
    chat.on("message", lambda m: (log.add(chat, "received", m), acks.append(m)))
    file_.on("message", lambda m: (log.add(file_, "received", m), file_reply.append(m)))
    await pc.setLocalDescription(await pc.createOffer())
    writer.write((json.dumps({"type": "offer", "sdp": pc.localDescription.sdp}) + "\n").encode())
    await writer.drain()
    answer = json.loads(await reader.readline())
    await pc.setRemoteDescription(RTCSessionDescription(answer["sdp"], "answer"))
    await wait_connected(pc)
    await wait_for(lambda: chat.readyState == "open" and file_.readyState == "open", 15, "open")
    logging.info("offerer: channels open (chat id %s, file id %s)", chat.id, file_.id)
    for i in range(1, CHAT + 1):
        log.send(chat, "chat message %d from the offerer" % i)
        await asyncio.sleep(0.2)
    await wait_for(lambda: len(acks) == CHAT, 10, "acks")
    pattern = bytes((i * 7 + 3) & 0xFF for i in range(CHUNK))
    sent = 0
    while sent < FILE_BYTES:
        n = min(CHUNK, FILE_BYTES - sent)
        log.send(file_, pattern[:n])
        sent += n
        await asyncio.sleep(0.01)
    log.send(file_, "file done: test.bin %d bytes" % FILE_BYTES)
    await wait_for(lambda: file_reply, 15, "file reply")
    await wait_for(lambda: chat.bufferedAmount == 0 and file_.bufferedAmount == 0, 5, "drain")
    await asyncio.sleep(1.0)
    writer.write(b'{"type": "bye"}\n')
    await writer.drain()
    await finish(pc, log, args.out, "offer", answer["sdp"])
    writer.close()


async def run_answer(args):
    done = asyncio.Event()

    async def handle(reader, writer):
        try:
            offer = json.loads(await reader.readline())
            pc = RTCPeerConnection(RTCConfiguration(iceServers=[]))
            log = Log()
            got = {"bytes": 0, "messages": 0}

            @pc.on("datachannel")
            def on_dc(ch):
                log.channel(ch)

                @ch.on("message")
                def on_msg(m):
                    log.add(ch, "received", m)
                    if ch.label == "chat":
                        log.send(ch, "ack " + m)
                    elif isinstance(m, bytes):
                        got["bytes"] += len(m)
                        got["messages"] += 1
                    else:
                        log.send(ch, "file received: %d bytes in %d messages"
                                 % (got["bytes"], got["messages"]))

            await pc.setRemoteDescription(RTCSessionDescription(offer["sdp"], "offer"))
            await pc.setLocalDescription(await pc.createAnswer())
            writer.write((json.dumps({"type": "answer", "sdp": pc.localDescription.sdp}) + "\n").encode())
            await writer.drain()
            await wait_connected(pc)
            logging.info("answerer connected")
            bye = await reader.readline()
            logging.info("answerer got %r", bye)
            await finish(pc, log, args.out, "answer", offer["sdp"])
        finally:
            done.set()

    if os.path.exists(args.sock):
        os.unlink(args.sock)
    server = await asyncio.start_unix_server(handle, path=args.sock)
    await done.wait()
    server.close()


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("role", choices=["offer", "answer"])
    ap.add_argument("--sock", required=True)
    ap.add_argument("--out", required=True)
    args = ap.parse_args()
    logging.basicConfig(level=logging.INFO, format="%(asctime)s " + args.role + " %(message)s")
    logging.getLogger("aioice").setLevel(logging.WARNING)
    asyncio.run(run_offer(args) if args.role == "offer" else run_answer(args))


if __name__ == "__main__":
    main()
