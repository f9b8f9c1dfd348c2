#!/usr/bin/python3
"""HTTPS page, mailbox and results server for two-browser Chromium captures
(stdlib only). Each browser runs in its own network namespace and loads the
page from this server; the offer, the answer and a "bye" travel through it.

GET  /?role=offer|answer&...   -> page2.html
POST /send?to=NAME             -> queue the posted JSON for NAME
GET  /recv?me=NAME             -> the next queued message for NAME (long poll,
                                  up to 25 s; 204 when none came)
POST /results?me=NAME          -> write the posted JSON to OUTDIR/results-NAME.json

Every message is also logged (OUTDIR/signal.log), so the generator knows the
SDPs whatever the pages do afterwards.
"""
import argparse
import collections
import http.server
import json
import os
import ssl
import sys
import threading
import time
import urllib.parse


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--addr", required=True)
    ap.add_argument("--port", type=int, default=8443)
    ap.add_argument("--cert", required=True)
    ap.add_argument("--key", required=True)
    ap.add_argument("--page", required=True)
    ap.add_argument("--outdir", required=True)
    args = ap.parse_args()

    with open(args.page, "rb") as f:
        page = f.read()
    boxes = collections.defaultdict(collections.deque)
    cond = threading.Condition()
    signal_log = os.path.join(args.outdir, "signal.log")

    class Handler(http.server.BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"
        server_version = "wrtc-capture/2"

        def log_message(self, fmt, *a):
            sys.stderr.write("server %.3f %s %s\n" % (time.time(), self.client_address, fmt % a))

        def reply(self, code, body, ctype="application/json"):
            self.send_response(code)
            self.send_header("Content-Type", ctype)
            self.send_header("Content-Length", str(len(body)))
            self.send_header("Cache-Control", "no-store")
            self.end_headers()
            self.wfile.write(body)

        def query(self):
            u = urllib.parse.urlparse(self.path)
            return u.path, dict(urllib.parse.parse_qsl(u.query))

        def do_GET(self):
            path, q = self.query()
            if path in ("/", "/index.html"):
                self.reply(200, page, "text/html; charset=utf-8")
            elif path == "/recv":
                me = q.get("me", "")
                deadline = time.time() + 25
                with cond:
                    while not boxes[me] and time.time() < deadline:
                        cond.wait(deadline - time.time())
                    msg = boxes[me].popleft() if boxes[me] else None
                if msg is None:
                    self.reply(204, b"")
                else:
                    self.reply(200, json.dumps(msg).encode())
            else:
                self.reply(404, b"{}")

        def do_POST(self):
            path, q = self.query()
            n = int(self.headers.get("Content-Length", "0"))
            body = self.rfile.read(n)
            try:
                obj = json.loads(body)
            except ValueError:
                self.reply(400, b"{}")
                return
            if path == "/send":
                to = q.get("to", "")
                with open(signal_log, "a") as f:
                    f.write(json.dumps({"t": time.time(), "to": to, "msg": obj}) + "\n")
                with cond:
                    boxes[to].append(obj)
                    cond.notify_all()
                self.reply(200, b'{"queued":true}')
            elif path == "/results":
                me = q.get("me", "x")
                tmp = os.path.join(args.outdir, "results-%s.json.tmp" % me)
                with open(tmp, "wb") as f:
                    f.write(body)
                os.rename(tmp, os.path.join(args.outdir, "results-%s.json" % me))
                self.reply(200, b'{"stored":true}')
            else:
                self.reply(404, b"{}")

    httpd = http.server.ThreadingHTTPServer((args.addr, args.port), Handler)
    httpd.daemon_threads = True
    ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    ctx.load_cert_chain(args.cert, args.key)
    httpd.socket = ctx.wrap_socket(httpd.socket, server_side=True)
    sys.stderr.write("server listening on https://%s:%d/\n" % (args.addr, args.port))
    sys.stderr.flush()
    httpd.serve_forever()


if __name__ == "__main__":
    main()
