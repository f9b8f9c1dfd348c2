#!/usr/bin/python3
"""HTTPS page server and signaling mailbox for two browsers (stdlib only).

GET  /            -> page.html
POST /send        {from, to, type, sdp}: stored for `to`
POST /recv        {to, type}: the stored message of that type for `to`, or {}
POST /results     the posted JSON -> OUTDIR/results-ROLE.json

Usage: server.py --addr A --port P --cert C --key K --page page.html --outdir DIR
"""
import argparse
import http.server
import json
import os
import ssl
import sys
import threading
import time


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
    box, lock = {}, threading.Lock()
    signal_log = os.path.join(args.outdir, "signal.log")

    class Handler(http.server.BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def log_message(self, fmt, *a):
            sys.stderr.write("server %.3f %s %s\n" % (time.time(), self.client_address, fmt % a))

        def reply(self, code, body, ctype="application/json"):
            self.send_response(code)
            self.send_header("Content-Type", ctype)
            self.send_header("Content-Length", str(len(body)))
            self.send_header("Cache-Control", "no-store")
            self.end_headers()
            self.wfile.write(body)

        def do_GET(self):
            if self.path == "/" or self.path.startswith("/?"):
                self.reply(200, page, "text/html; charset=utf-8")
            else:
                self.reply(404, b"not found\n", "text/plain")

        def do_POST(self):
            body = self.rfile.read(int(self.headers.get("Content-Length", "0")))
            try:
                obj = json.loads(body)
            except ValueError:
                self.reply(400, b"{}")
                return
            if self.path == "/send":
                with lock:
                    box[(obj["to"], obj["type"])] = obj
                with open(signal_log, "a") as f:
                    f.write(json.dumps(dict(obj, t=time.time())) + "\n")
                self.reply(200, b'{"stored":true}')
            elif self.path == "/recv":
                with lock:
                    m = box.get((obj["to"], obj["type"]), {})
                self.reply(200, json.dumps(m).encode())
            elif self.path == "/results":
                role = obj.get("role") or "unknown"
                path = os.path.join(args.outdir, "results-%s.json" % role)
                with open(path + ".tmp", "wb") as f:
                    f.write(body)
                os.rename(path + ".tmp", path)
                self.reply(200, b'{"stored":true}')
            else:
                self.reply(404, b"{}")

    httpd = http.server.ThreadingHTTPServer((args.addr, args.port), Handler)
    ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    ctx.load_cert_chain(args.cert, args.key)
    httpd.socket = ctx.wrap_socket(httpd.socket, server_side=True)
    sys.stderr.write("server listening on https://%s:%d/\n" % (args.addr, args.port))
    sys.stderr.flush()
    httpd.serve_forever()


if __name__ == "__main__":
    main()
