#!/usr/bin/python3
"""Independent check of SRTP/SRTCP keys recorded in a ground truth.

A capture generator that records key material (GROUND-TRUTH.md, "Keys")
proves it with this module: every SRTP and SRTCP packet of the keyed
directions must authenticate under the recorded key, and the decrypted
RFC 4733 events must give the digits the generator sent. The crypto
primitives are python3-cryptography's (AES-CTR, AES-GCM, HMAC-SHA1, HKDF,
TLS PRF pieces); only the SRTP framing is written here, after:

  RFC 3711 §3.3.1 (packet index, ROC), §3.4 (SRTCP), §4.1.1 (AES-CM IV),
           §4.2 (HMAC-SHA1 over the packet || ROC), §4.3 (key derivation,
           key_derivation_rate 0);
  RFC 7714 §8.1/§9.1 (AEAD-GCM IV, AAD, SRTCP trailer after the tag), §11
           (the KDF with a 96-bit master salt);
  RFC 5764 §4.2 (DTLS-SRTP keying material layout), RFC 5705 (DTLS 1.2
           exporter = PRF(master_secret, label, client_random||server_random)),
  RFC 8446 §7.5 + RFC 9147 §5.9 (DTLS 1.3 exporter, label prefix "dtls13").

Packets are read with plain tshark (udp.payload), never with the plugin.
"""
import base64
import hashlib
import hmac
import struct
import subprocess

from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

# name: (master key bytes, master salt bytes, SRTP tag bytes, SRTCP tag bytes, aead)
SUITES = {
    "AES_CM_128_HMAC_SHA1_80": (16, 14, 10, 10, False),
    "AES_CM_128_HMAC_SHA1_32": (16, 14, 4, 10, False),   # SRTCP keeps 80 bits (RFC 4568 §6.2)
    "AES_256_CM_HMAC_SHA1_80": (32, 14, 10, 10, False),  # RFC 6188
    "AES_256_CM_HMAC_SHA1_32": (32, 14, 4, 10, False),
    "AEAD_AES_128_GCM": (16, 12, 16, 16, True),
    "AEAD_AES_256_GCM": (32, 12, 16, 16, True),
}
# DTLS-SRTP protection profiles (RFC 5764 §4.1.2, RFC 7714 §14.2) -> suite.
DTLS_PROFILES = {
    0x0001: "AES_CM_128_HMAC_SHA1_80",
    0x0002: "AES_CM_128_HMAC_SHA1_32",
    0x0007: "AEAD_AES_128_GCM",
    0x0008: "AEAD_AES_256_GCM",
}
PROFILE_NAMES = {
    0x0001: "SRTP_AES128_CM_HMAC_SHA1_80",
    0x0002: "SRTP_AES128_CM_HMAC_SHA1_32",
    0x0007: "SRTP_AEAD_AES_128_GCM",
    0x0008: "SRTP_AEAD_AES_256_GCM",
}
EVENT_CHARS = "0123456789*#ABCD"


def _aes_ctr(key, iv16, data):
    enc = Cipher(algorithms.AES(key), modes.CTR(iv16)).encryptor()
    return enc.update(data) + enc.finalize()


def _kdf(master_key, master_salt, label, length):
    """RFC 3711 §4.3.1/§4.3.3 with key_derivation_rate 0: AES-CM keystream
    with IV = (master_salt XOR label<<48) * 2^16; a 96-bit GCM salt is the
    high 96 bits of the 112-bit field (RFC 7714 §11)."""
    x = bytearray(master_salt.ljust(14, b"\0"))
    x[7] ^= label
    return _aes_ctr(master_key, bytes(x) + b"\0\0", b"\0" * length)


class Context:
    """One direction's crypto context (one master key, any number of SSRCs)."""

    def __init__(self, suite, key_salt):
        klen, slen, self.rtp_tag, self.rtcp_tag, self.aead = SUITES[suite]
        if len(key_salt) != klen + slen:
            raise ValueError("%s needs %d bytes of key||salt, got %d" % (suite, klen + slen, len(key_salt)))
        self.suite = suite
        mk, ms = key_salt[:klen], key_salt[klen:]
        alen = 0 if self.aead else 20
        self.rtp = (_kdf(mk, ms, 0, klen), _kdf(mk, ms, 1, alen), _kdf(mk, ms, 2, slen))
        self.rtcp = (_kdf(mk, ms, 3, klen), _kdf(mk, ms, 4, alen), _kdf(mk, ms, 5, slen))
        self.roc = {}   # ssrc -> (roc, highest seq)

    # RFC 3711 Appendix A: guess the ROC from the highest sequence number.
    def _index(self, ssrc, seq):
        if ssrc not in self.roc:
            return 0, seq
        roc, s_l = self.roc[ssrc]
        if s_l < 32768:
            v = roc - 1 if seq - s_l > 32768 else roc
        else:
            v = roc + 1 if s_l - 32768 > seq else roc
        return v, seq

    def _commit(self, ssrc, v, seq):
        roc, s_l = self.roc.get(ssrc, (0, seq))
        if ssrc not in self.roc or v > roc or (v == roc and seq > s_l):
            self.roc[ssrc] = (v, seq)

    def unprotect_rtp(self, pkt):
        """Plain RTP packet (header + payload) or None when the tag fails."""
        if len(pkt) < 12 + self.rtp_tag:
            return None
        cc = pkt[0] & 15
        hlen = 12 + 4 * cc
        if pkt[0] & 0x10:
            if len(pkt) < hlen + 4:
                return None
            hlen += 4 + 4 * struct.unpack_from("!H", pkt, hlen + 2)[0]
        seq = struct.unpack_from("!H", pkt, 2)[0]
        ssrc = struct.unpack_from("!I", pkt, 8)[0]
        v, _ = self._index(ssrc, seq)
        k_e, k_a, k_s = self.rtp
        if hlen > len(pkt) - self.rtp_tag:
            return None
        if self.aead:
            iv = bytes(a ^ b for a, b in zip(struct.pack("!HIIH", 0, ssrc, v & 0xFFFFFFFF, seq), k_s))
            try:
                plain = AESGCM(k_e).decrypt(iv, pkt[hlen:], pkt[:hlen])
            except Exception:
                return None
        else:
            body, tag = pkt[:-self.rtp_tag], pkt[-self.rtp_tag:]
            mac = hmac.new(k_a, body + struct.pack("!I", v & 0xFFFFFFFF), hashlib.sha1).digest()
            if not hmac.compare_digest(mac[:self.rtp_tag], tag):
                return None
            iv = bytearray(k_s + b"\0\0")
            for i, b in enumerate(struct.pack("!I", ssrc)):
                iv[4 + i] ^= b
            for i, b in enumerate(struct.pack("!IH", v & 0xFFFFFFFF, seq)):
                iv[8 + i] ^= b
            plain = _aes_ctr(k_e, bytes(iv), body[hlen:])
        self._commit(ssrc, v, seq)
        return pkt[:hlen] + plain

    def unprotect_rtcp(self, pkt):
        """(plain compound RTCP, srtcp index, encrypted?) or None."""
        k_e, k_a, k_s = self.rtcp
        if len(pkt) < 8 + 4 + self.rtcp_tag:
            return None
        ssrc = struct.unpack_from("!I", pkt, 4)[0]
        if self.aead:
            trailer = struct.unpack_from("!I", pkt, len(pkt) - 4)[0]
            e, idx = trailer >> 31, trailer & 0x7FFFFFFF
            iv = bytes(a ^ b for a, b in zip(struct.pack("!HIHI", 0, ssrc, 0, idx), k_s))
            aad_tail = pkt[-4:]
            body = pkt[8:-4]
            try:
                if e:
                    plain = AESGCM(k_e).decrypt(iv, body, pkt[:8] + aad_tail)
                else:   # RFC 7714 §9.2: unencrypted SRTCP, all of it is AAD
                    AESGCM(k_e).decrypt(iv, body[-16:], pkt[:-20] + aad_tail)
                    plain = body[:-16]
            except Exception:
                return None
            return pkt[:8] + plain, idx, bool(e)
        body, tag = pkt[:-self.rtcp_tag], pkt[-self.rtcp_tag:]
        mac = hmac.new(k_a, body, hashlib.sha1).digest()
        if not hmac.compare_digest(mac[:self.rtcp_tag], tag):
            return None
        trailer = struct.unpack_from("!I", body, len(body) - 4)[0]
        e, idx = trailer >> 31, trailer & 0x7FFFFFFF
        enc = body[8:-4]
        if e:
            iv = bytearray(k_s + b"\0\0")
            for i, b in enumerate(struct.pack("!I", ssrc)):
                iv[4 + i] ^= b
            for i, b in enumerate(struct.pack("!HI", 0, idx)):
                iv[8 + i] ^= b
            enc = _aes_ctr(k_e, bytes(iv), enc)
        return pkt[:8] + enc, idx, bool(e)


def plain_rtcp_compound(pkt):
    """True when pkt is exactly a compound of RTCP packets (RFC 3550 §6.1)
    with no room for an SRTCP trailer: the lengths add up to the datagram."""
    off = 0
    while off + 4 <= len(pkt):
        if pkt[off] >> 6 != 2 or not 192 <= pkt[off + 1] <= 223:
            return False
        off += 4 * (struct.unpack_from("!H", pkt, off + 2)[0] + 1)
    return off == len(pkt)


def rtcp_types(plain):
    out, off = [], 0
    while off + 4 <= len(plain):
        out.append(plain[off + 1])
        off += 4 * (struct.unpack_from("!H", plain, off + 2)[0] + 1)
    return out


# ------------------------------------------------------------- capture ---
def udp_datagrams(capture, display_filter="udp && !icmp"):
    """[(frame, "src:port", "dst:port", payload bytes)] read by plain tshark."""
    out = subprocess.run(
        ["tshark", "-n", "-r", capture, "-Y", display_filter, "-T", "fields",
         "-e", "frame.number", "-e", "ip.src", "-e", "udp.srcport", "-e", "ip.dst",
         "-e", "udp.dstport", "-e", "udp.payload"],
        capture_output=True, text=True, timeout=300, check=True).stdout
    res = []
    for line in out.splitlines():
        f = line.split("\t")
        if len(f) < 6 or not f[5]:
            continue
        res.append((int(f[0]), "%s:%s" % (f[1], f[2]), "%s:%s" % (f[3], f[4]),
                    bytes.fromhex(f[5].replace(":", ""))))
    return res


def red_primary_pt(payload):
    """RFC 2198 §3: the block headers of a RED payload; the last (F=0,
    one byte) names the primary encoding. None if malformed."""
    off = 0
    while off < len(payload):
        if payload[off] & 0x80:
            off += 4
            continue
        return payload[off] & 0x7F
    return None


def check_direction(datagrams, src, dst, ctx, event_pts=(), red_pts=()):
    """Decrypt every RTP/RTCP-shaped datagram from src to dst (RFC 7983
    first byte 128-191; RFC 5761 §4 second byte 192-223 = RTCP).

    Returns a dict: srtp packets (ok / failed) per SSRC, srtcp ok/failed,
    plain RTCP packets (RTCP compound without trailer that fails SRTCP),
    the RFC 4733 digits per SSRC (one per event timestamp) and, for RED
    payload types, the primary payload types found inside (per SSRC)."""
    r = {"srtp_ok": {}, "srtp_failed": {}, "srtcp_ok": 0, "srtcp_failed": 0,
         "srtcp_encrypted": 0, "rtcp_plain": 0, "rtcp_plain_types": [],
         "digits": {}, "red_inner": {}, "first_frame": None, "failed_frames": []}
    ev_ts = {}
    for frame, s, d, p in datagrams:
        if (s, d) != (src, dst) or len(p) < 2 or not 128 <= p[0] <= 191:
            continue
        if 192 <= p[1] <= 223:
            got = ctx.unprotect_rtcp(p)
            if got is not None:
                r["srtcp_ok"] += 1
                r["srtcp_encrypted"] += got[2]
            elif plain_rtcp_compound(p):
                r["rtcp_plain"] += 1
                r["rtcp_plain_types"].append(rtcp_types(p))
            else:
                r["srtcp_failed"] += 1
                r["failed_frames"].append(frame)
            continue
        ssrc = "0x%08x" % struct.unpack_from("!I", p, 8)[0]
        plain = ctx.unprotect_rtp(p)
        if plain is None:
            r["srtp_failed"][ssrc] = r["srtp_failed"].get(ssrc, 0) + 1
            r["failed_frames"].append(frame)
            continue
        if r["first_frame"] is None:
            r["first_frame"] = frame
        r["srtp_ok"][ssrc] = r["srtp_ok"].get(ssrc, 0) + 1
        pt = p[1] & 0x7F
        if pt in red_pts:
            cc = plain[0] & 15
            hlen = 12 + 4 * cc
            if plain[0] & 0x10:
                hlen += 4 + 4 * struct.unpack_from("!H", plain, hlen + 2)[0]
            pad = plain[-1] if plain[0] & 0x20 else 0
            inner = red_primary_pt(plain[hlen:len(plain) - pad])
            if inner is not None:
                d = r["red_inner"].setdefault(ssrc, {})
                d[inner] = d.get(inner, 0) + 1
        if pt in event_pts:
            cc = plain[0] & 15
            hlen = 12 + 4 * cc
            if plain[0] & 0x10:
                hlen += 4 + 4 * struct.unpack_from("!H", plain, hlen + 2)[0]
            ts = struct.unpack_from("!I", plain, 4)[0]
            seen = ev_ts.setdefault(ssrc, [])
            if ts not in seen:
                seen.append(ts)
                ev = plain[hlen]
                r["digits"][ssrc] = r["digits"].get(ssrc, "") + (EVENT_CHARS[ev] if ev < 16 else "?")
    return r


# ------------------------------------------------------ SDES (RFC 4568) ---
def parse_crypto(attr):
    """'crypto:1 AES_CM_128_HMAC_SHA1_80 inline:KEY|2^20|1:4' ->
    {tag, suite, key_salt_b64, lifetime, mki}."""
    body = attr.split(":", 1)[1]
    tag, suite, params = body.split(None, 2)
    kp = params.split()[0]
    if not kp.startswith("inline:"):
        raise ValueError("unsupported key method in %r" % attr)
    parts = kp[7:].split("|")
    res = {"tag": int(tag), "suite": suite, "key_salt_b64": parts[0], "lifetime": None, "mki": None}
    for extra in parts[1:]:
        if ":" in extra:
            res["mki"] = extra
        else:
            res["lifetime"] = extra
    return res


# ------------------------------------------------ DTLS-SRTP (RFC 5764) ---
def read_keylog(path):
    """NSS key log: {(label, client_random_hex): secret bytes}."""
    out = {}
    with open(path) as f:
        for line in f:
            p = line.split()
            if len(p) == 3 and not line.startswith("#"):
                out[(p[0], p[1].lower())] = bytes.fromhex(p[2])
    return out


def _p_hash(hname, secret, seed, length):
    out, a = b"", seed
    while len(out) < length:
        a = hmac.new(secret, a, hname).digest()
        out += hmac.new(secret, a + seed, hname).digest()
    return out[:length]


def exporter_dtls12(master_secret, client_random, server_random, length, hname="sha256"):
    """RFC 5705 §4 with the TLS 1.2 PRF (RFC 5246 §5) and no context."""
    return _p_hash(hname, master_secret, b"EXTRACTOR-dtls_srtp" + client_random + server_random, length)


def _hkdf_expand_label(hname, secret, label, context, length, prefix=b"dtls13"):
    full = prefix + label
    info = struct.pack("!H", length) + bytes([len(full)]) + full + bytes([len(context)]) + context
    out, t, i = b"", b"", 1
    while len(out) < length:
        t = hmac.new(secret, t + info + bytes([i]), hname).digest()
        out += t
        i += 1
    return out[:length]


def exporter_dtls13(exporter_secret, length, hname="sha256", prefix=b"dtls13"):
    """RFC 8446 §7.5: HKDF-Expand-Label(Derive-Secret(secret, label, ""),
    "exporter", Hash(context=""), length); DTLS 1.3 labels start with
    "dtls13" (RFC 9147 §5.9)."""
    h = hashlib.new(hname)
    empty = hashlib.new(hname, b"").digest()
    derived = _hkdf_expand_label(hname, exporter_secret, b"EXTRACTOR-dtls_srtp", empty, h.digest_size, prefix)
    return _hkdf_expand_label(hname, derived, b"exporter", empty, length, prefix)


def dtls_srtp_keys(material, suite):
    """RFC 5764 §4.2: client key, server key, client salt, server salt ->
    (client_write key||salt, server_write key||salt)."""
    klen, slen = SUITES[suite][:2]
    ck, sk = material[:klen], material[klen:2 * klen]
    cs, ss = material[2 * klen:2 * klen + slen], material[2 * klen + slen:2 * (klen + slen)]
    return ck + cs, sk + ss


def b64(b):
    return base64.b64encode(b).decode()
