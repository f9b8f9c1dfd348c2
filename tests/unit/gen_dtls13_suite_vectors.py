#!/usr/bin/env python3
"""DTLS 1.3 records of the suites the Firefox capture does not use
(TLS_AES_256_GCM_SHA384, TLS_CHACHA20_POLY1305_SHA256), protected
independently of plugin/core/dtls13.c: python3-cryptography (OpenSSL) for
AES-GCM, ChaCha20-Poly1305 and the record number mask (RFC 9147 §4.2.3:
ChaCha20 with counter = first 4 ciphertext bytes little endian, nonce = the
next 12, which is cryptography's 16-byte ChaCha20 nonce), HKDF-Expand-Label
with the "dtls13" prefix written out here. Epoch 3, sequence number
0x10005 (the header carries 0x0005), content type 23. Prints the rows of
test_srtp.c's dtls13 suite table."""
import hashlib
import hmac
import struct

from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes
from cryptography.hazmat.primitives.ciphers.aead import AESGCM, ChaCha20Poly1305


def hkdf_expand_label(h, secret, label, ctx, length):
    full = b"dtls13" + label
    info = struct.pack(">H", length) + bytes([len(full)]) + full + bytes([len(ctx)]) + ctx
    out, t, i = b"", b"", 1
    while len(out) < length:
        t = hmac.new(secret, t + info + bytes([i]), h).digest()
        out += t
        i += 1
    return out[:length]


def make(suite, secret, seq, content, ctype):
    h = hashlib.sha384 if suite == 0x1302 else hashlib.sha256
    kl = 16 if suite == 0x1301 else 32
    key = hkdf_expand_label(h, secret, b"key", b"", kl)
    iv = hkdf_expand_label(h, secret, b"iv", b"", 12)
    sn = hkdf_expand_label(h, secret, b"sn", b"", kl)
    inner = content + bytes([ctype]) + b"\0\0\0"          # 3 bytes of padding
    first = 0x20 | 0x08 | 0x04 | 0x03                      # S, L, epoch 3
    hdr = bytes([first]) + struct.pack(">H", seq & 0xffff) + struct.pack(">H", len(inner) + 16)
    nonce = bytes(a ^ b for a, b in zip(iv, b"\0" * 4 + struct.pack(">Q", seq)))
    aead = ChaCha20Poly1305(key) if suite == 0x1303 else AESGCM(key)
    ct = aead.encrypt(nonce, inner, hdr)                   # AAD: header, clear record number
    if suite == 0x1303:
        mask = Cipher(algorithms.ChaCha20(sn, ct[:16]), mode=None).encryptor().update(b"\0" * 16)
    else:
        mask = Cipher(algorithms.AES(sn), modes.ECB()).encryptor().update(ct[:16])
    return bytes([first, hdr[1] ^ mask[0], hdr[2] ^ mask[1]]) + hdr[3:] + ct


for suite, sl in ((0x1302, 48), (0x1303, 32)):
    sec = bytes(range(sl))
    rec = make(suite, sec, 0x10005, b"hello sctp payload 0123456789", 23)
    print('        { 0x%04x, "%s",\n          "%s" },' % (suite, sec.hex(), rec.hex()))
