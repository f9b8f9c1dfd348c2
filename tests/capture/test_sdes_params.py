"""RFC 4568 §6.3 session parameters that change the SRTP transform: an SDES
key with one of them is not used, and the SDP packet says why.

The real baresip-sdes call with one edit: the SDP offer's a=crypto line
(frame 3, the caller's send key) gets a session parameter appended (" KDR=1",
" UNENCRYPTED_SRTP", " UNAUTHENTICATED_SRTP"); IPv4/UDP lengths, the IPv4
checksum and SIP Content-Length are fixed, the UDP checksum is zeroed
(RFC 768: none). The plugin derives keys with rate 0 and shows only
authenticated, encrypted SRTP (plugin/core/sdes_params.h), so:
- frame 3 carries the expert info "SDES key not used for decryption: PARAM";
- the caller's SRTP stays encrypted (0 packets decrypted, no "authentication
  failed": no key was tried) while the callee's, keyed by the unedited
  answer, decrypts as before (the ground truth's count);
- the unedited capture has no such expert info (the parameter decides).
"""
import os
import struct
import sys
import unittest

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "lib"))
import wstest  # noqa: E402

NAME = "baresip-sdes"
FIELDS = ["frame.number", "ip.src", "webrtc.srtp.decrypted", "_ws.expert.message"]


def ip_checksum(hdr):
    s = sum(struct.unpack("!%dH" % (len(hdr) // 2), hdr))
    while s >> 16:
        s = (s & 0xFFFF) + (s >> 16)
    return (~s) & 0xFFFF


def edit_frame(frame, param):
    """Append ` PARAM` to the a=crypto line of an Ethernet/IPv4/UDP/SIP frame."""
    eth, ihl = 14, (frame[14] & 15) * 4
    udp = eth + ihl
    payload = frame[udp + 8:]
    at = payload.index(b"a=crypto:")
    eol = payload.index(b"\r\n", at)
    payload = payload[:eol] + b" " + param + payload[eol:]
    grow = 1 + len(param)
    cl = payload.index(b"Content-Length: ") + len(b"Content-Length: ")
    end = payload.index(b"\r\n", cl)
    n = int(payload[cl:end]) + grow
    payload = payload[:cl] + str(n).encode() + payload[end:]
    grow = len(payload) - len(frame[udp + 8:])
    ip = bytearray(frame[eth:udp])
    struct.pack_into("!H", ip, 2, struct.unpack_from("!H", ip, 2)[0] + grow)
    struct.pack_into("!H", ip, 10, 0)
    struct.pack_into("!H", ip, 10, ip_checksum(bytes(ip)))
    u = bytearray(frame[udp:udp + 8])
    struct.pack_into("!HH", u, 4, 8 + len(payload), 0)
    return frame[:eth] + bytes(ip) + bytes(u) + payload


def rewrite(src, dst, number, param):
    """Copy a little-endian pcapng, editing the `number`-th packet (EPB)."""
    data = open(src, "rb").read()
    out, off, n = bytearray(), 0, 0
    while off < len(data):
        btype, blen = struct.unpack_from("<II", data, off)
        block = data[off:off + blen]
        if btype == 6:
            n += 1
            if n == number:
                iface, th, tl, cap, orig = struct.unpack_from("<IIIII", block, 8)
                pkt = edit_frame(block[28:28 + cap], param)
                opts = block[28 + ((cap + 3) & ~3):blen - 4]
                body = struct.pack("<IIIII", iface, th, tl, len(pkt), orig + len(pkt) - cap) + \
                    pkt + b"\0" * (-len(pkt) % 4) + opts
                blen2 = 12 + len(body)
                block = struct.pack("<II", 6, blen2) + body + struct.pack("<I", blen2)
        out += block
        off += blen
    with open(dst, "wb") as f:
        f.write(out)
    os.chmod(dst, 0o644)


class SdesSessionParams(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.ts = wstest.Tshark(with_plugin=True)
        cls.gt = wstest.ground_truth(NAME)
        cls.keys = cls.gt["calls"][0]["keys"]
        cls.caller = cls.keys[0]["flow"].split(":")[0]
        cls.callee = cls.keys[1]["flow"].split(":")[0]
        assert cls.keys[0]["sdp_frame"] == 3

    def rows(self, cap):
        rows = self.ts.fields(cap, FIELDS, "udp && !icmp", extra=["-2"])
        rows = [r + [""] * (len(FIELDS) - len(r)) for r in rows]
        for r in rows:
            r[2] = {"True": "1", "False": "0"}.get(r[2], r[2])
        return rows

    def test_unedited_has_no_refusal(self):
        rows = self.rows(self.ts.capture(self.gt["capture"]))
        self.assertEqual([r[0] for r in rows if "SDES key not used" in r[3]], [])

    def test_parameters_refuse_the_key(self):
        for param, why in ((b"KDR=1", "KDR=1"), (b"UNENCRYPTED_SRTP", "UNENCRYPTED_SRTP"),
                           (b"UNAUTHENTICATED_SRTP", "UNAUTHENTICATED_SRTP")):
            with self.subTest(param=why):
                cap = os.path.join(self.ts.files, "sdes-%s.pcapng" % why)
                rewrite(self.ts.capture(self.gt["capture"]), cap, 3, param)
                rows = self.rows(cap)
                refused = [r for r in rows if "SDES key not used for decryption: %s " % why
                           in r[3]]
                self.assertEqual([r[0] for r in refused], ["3"])
                caller_dec = [r for r in rows if r[1] == self.caller and r[2] == "1"]
                callee_dec = [r for r in rows if r[1] == self.callee and r[2] == "1"]
                self.assertEqual(caller_dec, [])
                self.assertEqual(len(callee_dec),
                                 self.keys[1]["srtp_packets"] + self.keys[1]["srtcp_packets"])
                self.assertEqual([r[0] for r in rows if "authentication failed" in r[3]], [])


if __name__ == "__main__":
    unittest.main(verbosity=2)
