/* dtls13.c — DTLS 1.3 record protection (RFC 9147 §4), see dtls13.h.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#include "dtls13.h"

#include <string.h>

#include <gcrypt.h>

#include "dtls_srtp_export.h"
#include "srtp.h"

bool wrtc_dtls13_suite_params(uint16_t suite, unsigned *key_len, int *md_algo)
{
    switch (suite) {
    case WRTC_TLS_AES_128_GCM_SHA256:
        *key_len = 16;
        *md_algo = GCRY_MD_SHA256;
        return true;
    case WRTC_TLS_AES_256_GCM_SHA384:
        *key_len = 32;
        *md_algo = GCRY_MD_SHA384;
        return true;
    case WRTC_TLS_CHACHA20_POLY1305_SHA256:
        *key_len = 32;
        *md_algo = GCRY_MD_SHA256;
        return true;
    default:
        return false;
    }
}

bool wrtc_dtls13_derive(uint16_t suite, const uint8_t *secret, size_t secret_len,
                        wrtc_dtls13_keys_t *out)
{
    unsigned kl;
    int md;
    if (!wrtc_dtls13_suite_params(suite, &kl, &md) || secret_len != gcry_md_get_algo_dlen(md))
        return false;
    memset(out, 0, sizeof *out);
    out->suite = suite;
    out->key_len = (uint8_t)kl;
    return wrtc_hkdf_expand_label(md, secret, secret_len, "dtls13", "key", NULL, 0, out->key, kl)
        && wrtc_hkdf_expand_label(md, secret, secret_len, "dtls13", "iv", NULL, 0, out->iv, 12)
        && wrtc_hkdf_expand_label(md, secret, secret_len, "dtls13", "sn", NULL, 0, out->sn_key, kl);
}

bool wrtc_dtls13_parse(const uint8_t *p, size_t len, size_t cid_len, wrtc_dtls13_hdr_t *h)
{
    size_t off = 1;
    memset(h, 0, sizeof *h);
    if (len < 1 || !wrtc_dtls13_is_unified(p[0]))
        return false;
    h->first = p[0];
    h->epoch_bits = p[0] & 0x03;
    if (p[0] & 0x10) {              /* C: connection ID present */
        if (!cid_len)
            return false;
        off += cid_len;
    }
    h->seq_len = (p[0] & 0x08) ? 2 : 1;
    off += h->seq_len;
    if (p[0] & 0x04) {              /* L: length present */
        size_t l;
        if (len < off + 2)
            return false;
        l = (size_t)p[off] << 8 | p[off + 1];
        off += 2;
        if (len - off < l)
            return false;
        h->rec_len = off + l;
    } else {
        if (len < off)
            return false;
        h->rec_len = len;
    }
    h->hdr_len = off;
    /* The mask is computed over the first 16 ciphertext bytes (§4.2.3); an
     * AEAD record is never shorter than its tag + the content type. */
    return h->rec_len - h->hdr_len >= WRTC_DTLS13_TAG_LEN + 1;
}

bool wrtc_dtls13_unmask_seq(const wrtc_dtls13_keys_t *k, const uint8_t *rec,
                            const wrtc_dtls13_hdr_t *h, uint16_t *low_bits)
{
    uint8_t mask[16];
    const uint8_t *ct = rec + h->hdr_len;
    size_t so = h->hdr_len - h->seq_len - ((h->first & 0x04) ? 2 : 0);
    gcry_cipher_hd_t c;
    gcry_error_t err;

    if (h->rec_len - h->hdr_len < 16)
        return false;
    wrtc_srtp_crypto_init();
    if (k->suite == WRTC_TLS_CHACHA20_POLY1305_SHA256) {
        /* RFC 9147 §4.2.3: counter = ciphertext[0..3] (little endian, as
         * ChaCha20's block counter, RFC 8439 §2.3), nonce = ciphertext[4..15];
         * the mask is the keystream. libgcrypt takes a 16-byte IV as
         * counter || nonce. */
        static const uint8_t zeros[16];
        if (gcry_cipher_open(&c, GCRY_CIPHER_CHACHA20, GCRY_CIPHER_MODE_STREAM, 0))
            return false;
        err = gcry_cipher_setkey(c, k->sn_key, 32);
        if (!err)
            err = gcry_cipher_setiv(c, ct, 16);
        if (!err)
            err = gcry_cipher_encrypt(c, mask, sizeof mask, zeros, sizeof zeros);
    } else {
        if (gcry_cipher_open(&c, GCRY_CIPHER_AES128 + (k->key_len == 32 ? 2 : 0),
                             GCRY_CIPHER_MODE_ECB, 0))
            return false;
        err = gcry_cipher_setkey(c, k->sn_key, k->key_len);
        if (!err)
            err = gcry_cipher_encrypt(c, mask, sizeof mask, ct, 16);
    }
    gcry_cipher_close(c);
    if (err)
        return false;
    if (h->seq_len == 2)
        *low_bits = (uint16_t)((rec[so] ^ mask[0]) << 8 | (rec[so + 1] ^ mask[1]));
    else
        *low_bits = (uint16_t)(rec[so] ^ mask[0]);
    return true;
}

uint64_t wrtc_dtls13_reconstruct_seq(const wrtc_dtls13_keys_t *k, uint16_t low_bits,
                                     unsigned bits)
{
    uint64_t span = (uint64_t)1 << bits, expected, cand;
    if (!k->have_seq)
        return low_bits;               /* the epoch's first records start at 0 */
    expected = k->max_seq + 1;
    cand = (expected & ~(span - 1)) | low_bits;
    /* The candidate closest to the expected number (§4.2.2). */
    if (cand > expected && cand - expected > span / 2 && cand >= span)
        cand -= span;
    else if (cand < expected && expected - cand > span / 2)
        cand += span;
    return cand;
}

bool wrtc_dtls13_open(wrtc_dtls13_keys_t *k, const uint8_t *rec, const wrtc_dtls13_hdr_t *h,
                      uint8_t *out, size_t *out_len, uint8_t *content_type, uint64_t *seq)
{
    uint8_t aad[1 + 255 + 2 + 2], nonce[12];
    size_t so = h->hdr_len - h->seq_len - ((h->first & 0x04) ? 2 : 0);
    size_t ct_len = h->rec_len - h->hdr_len - WRTC_DTLS13_TAG_LEN, n;
    uint16_t low;
    uint64_t s;
    gcry_cipher_hd_t c;
    gcry_error_t err;
    int i;

    if (h->hdr_len > sizeof aad || !wrtc_dtls13_unmask_seq(k, rec, h, &low))
        return false;
    s = wrtc_dtls13_reconstruct_seq(k, low, h->seq_len * 8u);
    /* Additional data: the header with the record number in the clear. */
    memcpy(aad, rec, h->hdr_len);
    if (h->seq_len == 2) {
        aad[so] = (uint8_t)(low >> 8);
        aad[so + 1] = (uint8_t)low;
    } else {
        aad[so] = (uint8_t)low;
    }
    /* RFC 8446 §5.3: the 64-bit record sequence number, left-padded to
     * iv_length, XORed with the static iv. RFC 9147 §4: the per-epoch
     * sequence number (the epoch is not in the nonce). */
    memcpy(nonce, k->iv, 12);
    for (i = 0; i < 8; i++)
        nonce[4 + i] ^= (uint8_t)(s >> (56 - 8 * i));
    if (k->suite == WRTC_TLS_CHACHA20_POLY1305_SHA256)
        err = gcry_cipher_open(&c, GCRY_CIPHER_CHACHA20, GCRY_CIPHER_MODE_POLY1305, 0);
    else
        err = gcry_cipher_open(&c, k->key_len == 32 ? GCRY_CIPHER_AES256 : GCRY_CIPHER_AES128,
                               GCRY_CIPHER_MODE_GCM, 0);
    if (err)
        return false;
    err = gcry_cipher_setkey(c, k->key, k->key_len);
    if (!err)
        err = gcry_cipher_setiv(c, nonce, 12);
    if (!err)
        err = gcry_cipher_authenticate(c, aad, h->hdr_len);
    if (!err)
        err = gcry_cipher_decrypt(c, out, ct_len, rec + h->hdr_len, ct_len);
    if (!err)
        err = gcry_cipher_checktag(c, rec + h->hdr_len + ct_len, WRTC_DTLS13_TAG_LEN);
    gcry_cipher_close(c);
    if (err) {
        memset(out, 0, ct_len);
        return false;
    }
    /* RFC 8446 §5.4: content || type || zeros; the type is the last
     * non-zero byte. All zeros is an unexpected_message. */
    n = ct_len;
    while (n > 0 && out[n - 1] == 0)
        n--;
    if (n == 0)
        return false;
    *content_type = out[n - 1];
    *out_len = n - 1;
    *seq = s;
    if (!k->have_seq || s > k->max_seq)
        k->max_seq = s;
    k->have_seq = true;
    return true;
}
