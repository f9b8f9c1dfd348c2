/* dtls13.h — DTLS 1.3 record protection (RFC 9147) for the records
 * Wireshark 4.0 does not dissect: the unified header (§4), record number
 * encryption (§4.2.3), sequence number reconstruction (§4.2.2) and AEAD
 * open with the TLS 1.3 nonce (RFC 8446 §5.3).
 *
 * Keys come from an NSS key log's traffic secrets (RFC 8446 §7.3 with the
 * "dtls13" label prefix of RFC 9147 §5.9):
 *   epoch 2: CLIENT/SERVER_HANDSHAKE_TRAFFIC_SECRET
 *   epoch 3: CLIENT/SERVER_TRAFFIC_SECRET_0
 *
 * Pure C + libgcrypt, no epan includes.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#ifndef WRTC_DTLS13_H
#define WRTC_DTLS13_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* RFC 8446 §B.4 cipher suites. */
#define WRTC_TLS_AES_128_GCM_SHA256       0x1301
#define WRTC_TLS_AES_256_GCM_SHA384       0x1302
#define WRTC_TLS_CHACHA20_POLY1305_SHA256 0x1303

#define WRTC_DTLS13_TAG_LEN 16

/* The keys of one direction in one epoch, and the highest sequence number
 * seen so far (for §4.2.2 reconstruction). */
typedef struct {
    uint16_t suite;
    uint8_t  key_len;
    uint8_t  key[32];
    uint8_t  iv[12];
    uint8_t  sn_key[32];
    bool     have_seq;
    uint64_t max_seq;
} wrtc_dtls13_keys_t;

/* A parsed unified header (§4): 0 0 1 C S L E E. */
typedef struct {
    uint8_t  first;         /* the first byte */
    uint8_t  epoch_bits;    /* E E: low two bits of the epoch */
    uint8_t  seq_len;       /* 1 or 2 bytes on the wire (S) */
    size_t   hdr_len;       /* header bytes before the ciphertext */
    size_t   rec_len;       /* whole record: header + ciphertext */
} wrtc_dtls13_hdr_t;

/* True for a first byte of a unified header (001xxxxx). */
static inline bool wrtc_dtls13_is_unified(uint8_t b) { return (b & 0xe0) == 0x20; }

/* Known suite? Fills the key length and the gcrypt hash of the suite. */
bool wrtc_dtls13_suite_params(uint16_t suite, unsigned *key_len, int *md_algo);

/* key, iv and sn_key from a traffic secret (RFC 8446 §7.3, RFC 9147 §4.2.3):
 *   key    = HKDF-Expand-Label(secret, "key", "", key_length)
 *   iv     = HKDF-Expand-Label(secret, "iv",  "", 12)
 *   sn_key = HKDF-Expand-Label(secret, "sn",  "", key_length)
 * with the "dtls13" prefix. The secret's length must be the suite's hash's. */
bool wrtc_dtls13_derive(uint16_t suite, const uint8_t *secret, size_t secret_len,
                        wrtc_dtls13_keys_t *out);

/* Parse one unified-header record at p (len bytes left in the datagram).
 * cid_len: length of the connection ID when the C bit is set (WebRTC does
 * not negotiate one: records with C set are refused when cid_len is 0).
 * A record without length (L = 0) runs to the end of the datagram.
 * Returns false when the bytes are not a whole record. */
bool wrtc_dtls13_parse(const uint8_t *p, size_t len, size_t cid_len, wrtc_dtls13_hdr_t *h);

/* Unmask the record number (§4.2.3): mask = AES-ECB(sn_key, ciphertext[0..15])
 * or ChaCha20(sn_key, counter = ciphertext[0..3] little endian, nonce =
 * ciphertext[4..15]); returns the low 8 or 16 bits of the sequence number. */
bool wrtc_dtls13_unmask_seq(const wrtc_dtls13_keys_t *k, const uint8_t *rec,
                            const wrtc_dtls13_hdr_t *h, uint16_t *low_bits);

/* §4.2.2: the full 64-bit sequence number whose low bits are these and that
 * is closest to one more than the highest seen. */
uint64_t wrtc_dtls13_reconstruct_seq(const wrtc_dtls13_keys_t *k, uint16_t low_bits,
                                     unsigned bits);

/* Decrypt and authenticate one record whose header h was parsed from rec.
 * The nonce is iv XOR the 64-bit sequence number (left-padded, RFC 8446
 * §5.3); the additional data is the header as on the wire with the record
 * number in the clear (RFC 9147 §4.2.3: record numbers are encrypted after
 * AEAD protection). On success out holds the content (TLSInnerPlaintext
 * without its type and zero padding, RFC 8446 §5.4), *content_type the
 * type, *seq the sequence number; k->max_seq advances. out must have room
 * for h->rec_len bytes. */
bool wrtc_dtls13_open(wrtc_dtls13_keys_t *k, const uint8_t *rec, const wrtc_dtls13_hdr_t *h,
                      uint8_t *out, size_t *out_len, uint8_t *content_type, uint64_t *seq);

#endif
