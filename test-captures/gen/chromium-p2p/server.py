#!/usr/bin/python3
"""Small HTTPS server for the Chromium capture generators (stdlib only).

GET  /            -> page.html (the two-RTCPeerConnection call)
POST /signal      -> echoes the posted {type, sdp} (offer/answer travel over HTTPS)
POST /results     -> writes the posted JSON to OUTDIR/results.json

Usage: server.py --port 8443 --cert C --key K --page page.html --outdir DIR
"""
import argparse
import http.server
import json
import os
import ssl
import sys
import time


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--addr", default="127.0.0.1")
    ap.add_argument("--port", type=int, default=8443)
    ap.add_argument("--cert", required=True)
    ap.add_argument("--key", required=True)
    ap.add_argument("--page", required=True)
    ap.add_argument("--outdir", required=True)
    args = ap.parse_args()

    with open(args.page, "rb") as f:
        page = f.read()
    signal_log = os.path.join(args.outdir, "signal.log")

    class Handler(http.server.BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"
        server_version = "wrtc-capture/1"

        def log_message(self, fmt, *a):
            sys.stderr.write("server %.3f %s %s\n" % (time.time(), self.client_address, fmt % a))

        def reply(self, code, body, ctype):
            self.send_response(code)
            self.send_header("Content-Type", ctype)
            self.send_header("Content-Length", str(len(body)))
            self.send_header("Cache-Control", "no-store")
            self.end_headers()
            self.wfile.write(body)

        def do_GET(self):
            if self.path == "/" or self.path.startswith("/?") or self.path.startswith("/index.html"):
                self.reply(200, page, "text/html; charset=utf-8")
            else:
                self.reply(404, b"not found\n", "text/plain")

        def do_POST(self):
            n = int(self.headers.get("Content-Length", "0"))
            body = self.rfile.read(n)
            try:
                obj = json.loads(body)
            except ValueError:
                self.reply(400, b"bad json\n", "text/plain")
                return
            if self.path == "/signal":
                with open(signal_log, "a") as f:
                    f.write(json.dumps({"t": time.time(), "from": obj.get("from"), "to": obj.get("to"),
                                        "type": obj.get("type"), "sdp": obj.get("sdp")}) + "\n")
                out = json.dumps({"type": obj["type"], "sdp": obj["sdp"]}).encode()
                self.reply(200, out, "application/json")
            elif self.path == "/results":
                tmp = os.path.join(args.outdir, "results.json.tmp")
                with open(tmp, "wb") as f:
                    f.write(body)
                os.rename(tmp, os.path.join(args.outdir, "results.json"))
                self.reply(200, b'{"stored":true}', "application/json")
            else:
                self.reply(404, b"{}", "application/json")

    httpd = http.server.ThreadingHTTPServer((args.addr, args.port), Handler)
    ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    ctx.load_cert_chain(args.cert, args.key)
    httpd.socket = ctx.wrap_socket(httpd.socket, server_side=True)
    sys.stderr.write("server listening on https://%s:%d/\n" % (args.addr, args.port))
    sys.stderr.flush()
    httpd.serve_forever()


if __name__ == "__main__":
    main()
