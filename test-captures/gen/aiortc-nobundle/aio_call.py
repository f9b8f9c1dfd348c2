#!/usr/bin/python3
"""One aiortc peer of a two-peer audio+video call without BUNDLE.

Run twice, each in its own network namespace (see generate.sh):

    aio_call.py answer --sock PATH --out answer.json
    aio_call.py offer  --sock PATH --out offer.json --duration 12

Signaling is one JSON line each way over a Unix socket (the file system is
shared between network namespaces, the network is not), so it never appears
in the capture. `a=group:BUNDLE` is removed from the offer and the answer
before they are applied, so audio and video each get their own ICE/DTLS
transport and UDP 5-tuple. Each peer writes what it saw to --out: its local
and remote SDP, getStats(), the nominated ICE pair of every transport and a
count of every RTP packet it handed to SRTP, per SSRC and payload type.
"""
import argparse
import asyncio
import fractions
import json
import logging
import math
import os
import sys
import time

import numpy
from av import AudioFrame, VideoFrame

import aiortc
import aiortc.codecs.vpx as vpx
from aiortc import RTCConfiguration, RTCPeerConnection, RTCSessionDescription
from aiortc.mediastreams import AudioStreamTrack, VideoStreamTrack
from aiortc.rtp import is_rtcp

# Keep the capture small: 320x240 at 10 fps, VP8 rate capped at 250 kbit/s
# (aiortc's defaults are 500 kbit/s, up to 1.5 Mbit/s after REMB).
VIDEO_W, VIDEO_H, VIDEO_FPS = 320, 240, 10
vpx.DEFAULT_BITRATE = 200000
vpx.MIN_BITRATE = 100000
vpx.MAX_BITRATE = 250000

AUDIO_RATE = 48000
AUDIO_SAMPLES = 960  # 20 ms


class SineTrack(AudioStreamTrack):
    """A sine tone (440 Hz for the offerer, 660 Hz for the answerer)."""

    def __init__(self, freq):
        super().__init__()
        self.freq = freq

    async def recv(self):
        if hasattr(self, "_timestamp"):
            self._timestamp += AUDIO_SAMPLES
            wait = self._start + (self._timestamp / AUDIO_RATE) - time.time()
            await asyncio.sleep(wait)
        else:
            self._start = time.time()
            self._timestamp = 0
        t = (numpy.arange(AUDIO_SAMPLES) + self._timestamp) / AUDIO_RATE
        samples = (numpy.sin(2 * math.pi * self.freq * t) * 8000).astype(numpy.int16)
        frame = AudioFrame.from_ndarray(samples.reshape(1, -1), format="s16", layout="mono")
        frame.pts = self._timestamp
        frame.sample_rate = AUDIO_RATE
        frame.time_base = fractions.Fraction(1, AUDIO_RATE)
        return frame


class BarsTrack(VideoStreamTrack):
    """Moving colour bars, 320x240 at 10 fps."""

    def __init__(self, shift):
        super().__init__()
        self.shift = shift
        self.n = 0
        x = numpy.arange(VIDEO_W)
        base = numpy.zeros((VIDEO_H, VIDEO_W, 3), numpy.uint8)
        base[:, :, 0] = (x * 255 // VIDEO_W).astype(numpy.uint8)
        base[:, :, 1] = ((x // 40) % 2 * 200).astype(numpy.uint8)
        base[:, :, 2] = (numpy.arange(VIDEO_H)[:, None] * 255 // VIDEO_H).astype(numpy.uint8)
        self.base = base

    async def recv(self):
        if hasattr(self, "_timestamp"):
            self._timestamp += 90000 // VIDEO_FPS
            wait = self._start + (self._timestamp / 90000) - time.time()
            await asyncio.sleep(wait)
        else:
            self._start = time.time()
            self._timestamp = 0
        self.n += 1
        img = numpy.roll(self.base, (self.n * 4 + self.shift) % VIDEO_W, axis=1).copy()
        # a small white square walking down, so frames differ vertically too
        y = (self.n * 3) % (VIDEO_H - 16)
        img[y:y + 16, 8:24, :] = 255
        frame = VideoFrame.from_ndarray(img, format="rgb24")
        frame.pts = self._timestamp
        frame.time_base = fractions.Fraction(1, 90000)
        return frame


def strip_bundle(sdp):
    lines = sdp.split("\r\n")
    kept = [l for l in lines if not l.startswith("a=group:BUNDLE")]
    return "\r\n".join(kept)


class Counter:
    """Counts RTP packets handed to SRTP on one DTLS transport (after success)."""

    def __init__(self):
        self.rtp = {}  # "ssrc/pt" -> count
        self.rtcp = 0

    def wrap(self, dtls):
        orig = dtls._send_rtp

        async def _send_rtp(data, _orig=orig):
            await _orig(data)
            if is_rtcp(data):
                self.rtcp += 1
            else:
                ssrc = int.from_bytes(data[8:12], "big")
                key = "0x%08x/%d" % (ssrc, data[1] & 0x7F)
                self.rtp[key] = self.rtp.get(key, 0) + 1

        dtls._send_rtp = _send_rtp


def stats_to_dict(report):
    out = {}
    for key, st in report.items():
        d = {}
        for k, v in vars(st).items():
            d[k] = v.isoformat() if hasattr(v, "isoformat") else v
        out[key] = d
    return out


def transport_info(pc, counters):
    info = []
    for t in pc.getTransceivers():
        dtls = t.sender.transport
        conn = dtls.transport._connection
        pairs = {}
        for comp, pair in conn._nominated.items():
            pairs[str(comp)] = {
                "local": "%s:%d" % pair.local_addr,
                "remote": "%s:%d" % pair.remote_addr,
            }
        info.append({
            "mid": t.mid,
            "kind": t.kind,
            "direction": t.direction,
            "sender_ssrc": "0x%08x" % t.sender._ssrc,
            "sender_rtx_ssrc": "0x%08x" % t.sender._rtx_ssrc,
            "dtls_role": dtls._role,
            "dtls_state": dtls.state,
            "ice_controlling": conn.ice_controlling,
            "local_candidates": [c.to_sdp() for c in conn.local_candidates],
            "nominated": pairs,
            "sent_rtp": counters[id(dtls)].rtp,
            "sent_rtcp": counters[id(dtls)].rtcp,
        })
    return info


async def wait_connected(pc, timeout=20):
    end = time.time() + timeout
    while pc.connectionState != "connected":
        if time.time() > end or pc.connectionState in ("failed", "closed"):
            raise RuntimeError("connection state %s" % pc.connectionState)
        await asyncio.sleep(0.05)


async def finish(pc, counters, out, role, remote_sdp):
    before = stats_to_dict(await pc.getStats())
    info = transport_info(pc, counters)
    await pc.close()
    # counts again after close: RTP stops in close(), RTCP BYE goes out there
    info_after = transport_info(pc, counters)
    result = {
        "role": role,
        "versions": {
            "aiortc": aiortc.__version__,
            "python": sys.version.split()[0],
        },
        "local_sdp": pc.localDescription.sdp,
        "remote_sdp": remote_sdp,
        "stats_before_close": before,
        "transports": info_after,
        "transports_before_close": info,
    }
    try:
        import aioice, av
        result["versions"]["aioice"] = aioice.__version__
        result["versions"]["av"] = av.__version__
    except Exception:
        pass
    with open(out, "w") as f:
        json.dump(result, f, indent=1, default=str)


def instrument(pc, counters):
    for t in pc.getTransceivers():
        dtls = t.sender.transport
        if id(dtls) not in counters:
            c = Counter()
            c.wrap(dtls)
            counters[id(dtls)] = c


async def run_offer(args):
    reader, writer = await asyncio.open_unix_connection(args.sock)
    pc = RTCPeerConnection(RTCConfiguration(iceServers=[]))
    counters = {}
    pc.addTrack(SineTrack(440))
    pc.addTrack(BarsTrack(0))
    instrument(pc, counters)
    offer = await pc.createOffer()
    await pc.setLocalDescription(RTCSessionDescription(strip_bundle(offer.sdp), "offer"))
    local = strip_bundle(pc.localDescription.sdp)
    writer.write((json.dumps({"type": "offer", "sdp": local}) + "\n").encode())
    await writer.drain()
    answer = json.loads(await reader.readline())
    answer_sdp = strip_bundle(answer["sdp"])
    await pc.setRemoteDescription(RTCSessionDescription(answer_sdp, "answer"))
    await wait_connected(pc)
    logging.info("offerer connected, calling for %s s", args.duration)
    await asyncio.sleep(args.duration)
    writer.write(b'{"type": "bye"}\n')
    await writer.drain()
    await finish(pc, counters, args.out, "offer", answer_sdp)
    writer.close()


async def run_answer(args):
    done = asyncio.Event()

    async def handle(reader, writer):
        try:
            offer = json.loads(await reader.readline())
            offer_sdp = strip_bundle(offer["sdp"])
            pc = RTCPeerConnection(RTCConfiguration(iceServers=[]))
            counters = {}
            await pc.setRemoteDescription(RTCSessionDescription(offer_sdp, "offer"))
            # tracks after setRemoteDescription, so they join the offered transceivers
            pc.addTrack(SineTrack(660))
            pc.addTrack(BarsTrack(160))
            instrument(pc, counters)
            answer = await pc.createAnswer()
            await pc.setLocalDescription(RTCSessionDescription(strip_bundle(answer.sdp), "answer"))
            local = strip_bundle(pc.localDescription.sdp)
            writer.write((json.dumps({"type": "answer", "sdp": local}) + "\n").encode())
            await writer.drain()
            await wait_connected(pc)
            logging.info("answerer connected")
            bye = await reader.readline()
            logging.info("answerer got %r", bye)
            await finish(pc, counters, args.out, "answer", offer_sdp)
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
    ap.add_argument("--duration", type=float, default=12)
    args = ap.parse_args()
    logging.basicConfig(level=logging.INFO, format="%(asctime)s " + args.role + " %(message)s")
    logging.getLogger("aioice").setLevel(logging.WARNING)
    coro = run_offer(args) if args.role == "offer" else run_answer(args)
    asyncio.run(coro)


if __name__ == "__main__":
    main()
