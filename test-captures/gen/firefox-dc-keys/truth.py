#!/usr/bin/env python3
"""Ground truth of a firefox-dc-keys capture from the page's own counts
(results.json: per channel label the stream id and the messages/bytes each
RTCDataChannel sent and received) and the channel definitions of page.html.

"datachannels": one entry per channel: label, protocol, ordered,
reliability (as the plugin names RFC 8832 §5.1 channel types), stream_id,
opener / answerer messages and bytes sent (the opener is pc1, which created
the channels; bytes are user data: UTF-8 of strings, ArrayBuffer lengths).
"""
import argparse
import json
import sys

CHANNELS = {   # page.html createDataChannel() options
    "chat": {"protocol": "wrtc-chat", "ordered": True, "reliability": "reliable"},
    "game": {"protocol": "", "ordered": False, "reliability": "max_retransmits 2"},
    "file": {"protocol": "bin", "ordered": True, "reliability": "max_lifetime_ms 3000"},
}

ap = argparse.ArgumentParser()
ap.add_argument("--results", required=True)
ap.add_argument("--dtls", required=True)
ap.add_argument("--software", required=True)
ap.add_argument("--capture", required=True)
a = ap.parse_args()
r = json.load(open(a.results))
if not r.get("ok"):
    sys.exit("page failed: %s" % r)
out = []
for label, d in CHANNELS.items():
    sent, got = r["sent"][label], r["got"][label]
    if sent != got:
        sys.exit("channel %s: sent %s, received %s" % (label, sent, got))
    back = r["back"] if label == "chat" else {"msgs": 0, "bytes": 0}
    out.append(dict(label=label, stream_id=r["ids"][label], **d,
                    opener_messages=sent["msgs"], opener_bytes=sent["bytes"],
                    answerer_messages=back["msgs"], answerer_bytes=back["bytes"]))
json.dump({"capture": a.capture, "generator": "gen/firefox-dc-keys/generate.sh",
           "software": a.software, "dtls": "1.%s" % a.dtls[1], "keys": a.capture[:-7] + ".keys",
           "datachannels": out}, sys.stdout, indent=1)
print()
