#!/usr/bin/python3
"""Drive one baresip instance through its ctrl_tcp module (netstring JSON).

Run inside the caller's namespace:
  ctl.py HOST:PORT TARGET_URI DIGITS CALL_SECONDS LOGFILE

It dials TARGET_URI, waits for CALL_ESTABLISHED, waits 3 s, sends DIGITS one
at a time (each "sndcode" sends the key press and its release, i.e. one
RFC 4733 event), keeps the call up until CALL_SECONDS after establishment,
hangs up and quits baresip. Every message sent and received is logged as
JSON lines to LOGFILE, so the generator can read what happened.
"""
import json
import socket
import sys
import time


class Ctl:
    def __init__(self, addr, log):
        host, port = addr.rsplit(":", 1)
        self.sock = None
        deadline = time.time() + 15
        while True:
            try:
                self.sock = socket.create_connection((host, int(port)), timeout=2)
                break
            except OSError:
                if time.time() > deadline:
                    raise
                time.sleep(0.2)
        self.buf = b""
        self.log = log
        self.token = 0

    def note(self, direction, obj):
        self.log.write(json.dumps({"t": time.time(), "dir": direction, "msg": obj}) + "\n")
        self.log.flush()

    def send(self, command, params=""):
        self.token += 1
        obj = {"command": command, "params": params, "token": str(self.token)}
        data = json.dumps(obj).encode()
        self.sock.sendall(b"%d:%s," % (len(data), data))
        self.note("out", obj)

    def recv(self, timeout):
        """Return the next message or None after timeout seconds."""
        end = time.time() + timeout
        while True:
            if b":" in self.buf:
                n, rest = self.buf.split(b":", 1)
                n = int(n)
                if len(rest) >= n + 1:
                    msg = json.loads(rest[:n])
                    self.buf = rest[n + 1:]
                    self.note("in", msg)
                    return msg
            left = end - time.time()
            if left <= 0:
                return None
            self.sock.settimeout(left)
            try:
                chunk = self.sock.recv(65536)
            except socket.timeout:
                return None
            if not chunk:
                raise EOFError("ctrl_tcp closed")
            self.buf += chunk

    def pump(self, seconds):
        end = time.time() + seconds
        msgs = []
        while time.time() < end:
            m = self.recv(end - time.time())
            if m is not None:
                msgs.append(m)
        return msgs

    def wait_event(self, etype, timeout):
        end = time.time() + timeout
        while time.time() < end:
            m = self.recv(end - time.time())
            if m and m.get("event") and m.get("type") == etype:
                return m
        raise TimeoutError("no %s event within %s s" % (etype, timeout))


def main():
    addr, target, digits, call_s, logfile = sys.argv[1:6]
    call_s = float(call_s)
    with open(logfile, "w") as log:
        c = Ctl(addr, log)
        c.send("dial", target)
        c.wait_event("CALL_ESTABLISHED", 15)
        t0 = time.time()
        c.pump(3.0)
        for d in digits:
            c.send("sndcode", d)
            c.pump(0.6)
        left = call_s - (time.time() - t0)
        if left > 0:
            c.pump(left)
        c.send("hangup")
        try:
            c.wait_event("CALL_CLOSED", 5)
        except TimeoutError:
            pass
        c.pump(1.0)
        c.send("quit")
        try:
            c.pump(0.5)
        except EOFError:
            pass  # baresip closed the control socket as it quit


if __name__ == "__main__":
    main()
