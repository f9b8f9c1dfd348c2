/* srtp.c — SRTP/SRTCP receiver transforms (RFC 3711, RFC 7714).
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#include "srtp.h"

#include <string.h>

static const wrtc_srtp_suite_info_t suites[] = {
    /* RFC 3711 §5 / RFC 4568 §6.2.1-§6.2.2 */
    { WRTC_SRTP_AES128_CM_HMAC_SHA1_80, "AES_CM_128_HMAC_SHA1_80", 16, 14, 20, 10, 10, false },
    { WRTC_SRTP_AES128_CM_HMAC_SHA1_32, "AES_CM_128_HMAC_SHA1_32", 16, 14, 20, 4, 10, false },
    /* RFC 6188 §6-§7.1: same transforms with 192/256-bit keys; the salt
     * stays 112 bits, the session auth key 160 bits, and the _32 suites keep
     * an 80-bit SRTCP tag as RFC 4568 §6.2.2 does for AES_CM_128. */
    { WRTC_SRTP_AES192_CM_HMAC_SHA1_80, "AES_192_CM_HMAC_SHA1_80", 24, 14, 20, 10, 10, false },
    { WRTC_SRTP_AES192_CM_HMAC_SHA1_32, "AES_192_CM_HMAC_SHA1_32", 24, 14, 20, 4, 10, false },
    { WRTC_SRTP_AES256_CM_HMAC_SHA1_80, "AES_256_CM_HMAC_SHA1_80", 32, 14, 20, 10, 10, false },
    { WRTC_SRTP_AES256_CM_HMAC_SHA1_32, "AES_256_CM_HMAC_SHA1_32", 32, 14, 20, 4, 10, false },
    /* RFC 7714 §12, §14.1 */
    { WRTC_SRTP_AEAD_AES_128_GCM, "AEAD_AES_128_GCM", 16, 12, 0, 16, 16, true },
    { WRTC_SRTP_AEAD_AES_256_GCM, "AEAD_AES_256_GCM", 32, 12, 0, 16, 16, true },
};

const wrtc_srtp_suite_info_t *wrtc_srtp_suite_info(wrtc_srtp_suite_t id)
{
    size_t i;
    for (i = 0; i < sizeof suites / sizeof suites[0]; i++)
        if (suites[i].id == id)
            return &suites[i];
    return NULL;
}

const wrtc_srtp_suite_info_t *wrtc_srtp_suite_by_name(const char *name, size_t len)
{
    size_t i;
    for (i = 0; i < sizeof suites / sizeof suites[0]; i++)
        if (strlen(suites[i].name) == len && memcmp(suites[i].name, name, len) == 0)
            return &suites[i];
    return NULL;
}

void wrtc_srtp_crypto_init(void)
{
    if (!gcry_control(GCRYCTL_INITIALIZATION_FINISHED_P)) {
        gcry_check_version(NULL);
        gcry_control(GCRYCTL_INITIALIZATION_FINISHED, 0);
    }
}

static int aes_algo(size_t key_len)
{
    return key_len == 32 ? GCRY_CIPHER_AES256 : key_len == 24 ? GCRY_CIPHER_AES192 : GCRY_CIPHER_AES128;
}

bool wrtc_srtp_kdf(const uint8_t *master_key, size_t key_len,
                   const uint8_t *master_salt, size_t salt_len,
                   uint8_t label, uint8_t *out, size_t out_len)
{
    gcry_cipher_hd_t h;
    uint8_t iv[16] = { 0 };
    bool ok;

    /* RFC 6188 §5.1: the AES_192/256_CM_PRF is the same keystream under
     * the longer master key, the IV still built from the 112-bit salt. */
    if ((key_len != 16 && key_len != 24 && key_len != 32) || salt_len > 14)
        return false;
    /* x = key_id XOR master_salt with key_id = label || r (r = 0 at kdr 0),
     * a 56-bit value aligned to the low end of the 112-bit salt; a 96-bit
     * GCM salt sits at the high end (times 2^16). IV = x * 2^16. */
    memcpy(iv, master_salt, salt_len);
    iv[7] ^= label;
    if (gcry_cipher_open(&h, aes_algo(key_len), GCRY_CIPHER_MODE_CTR, 0))
        return false;
    memset(out, 0, out_len);
    ok = gcry_cipher_setkey(h, master_key, key_len) == 0
      && gcry_cipher_setctr(h, iv, sizeof iv) == 0
      && gcry_cipher_encrypt(h, out, out_len, NULL, 0) == 0;
    gcry_cipher_close(h);
    return ok;
}

static bool half_init(wrtc_srtp_half_t *hf, const wrtc_srtp_suite_info_t *s,
                      const uint8_t *enc_key, const uint8_t *salt, const uint8_t *auth_key)
{
    memset(hf, 0, sizeof *hf);
    memcpy(hf->salt, salt, s->salt_len);
    if (gcry_cipher_open(&hf->cipher, aes_algo(s->key_len),
                         s->aead ? GCRY_CIPHER_MODE_GCM : GCRY_CIPHER_MODE_CTR, 0)) {
        hf->cipher = NULL;
        return false;
    }
    if (gcry_cipher_setkey(hf->cipher, enc_key, s->key_len))
        return false;
    if (!s->aead) {
        if (gcry_mac_open(&hf->mac, GCRY_MAC_HMAC_SHA1, 0, NULL)) {
            hf->mac = NULL;
            return false;
        }
        if (gcry_mac_setkey(hf->mac, auth_key, s->auth_key_len))
            return false;
    }
    return true;
}

static void half_free(wrtc_srtp_half_t *hf)
{
    if (hf->cipher)
        gcry_cipher_close(hf->cipher);
    if (hf->mac)
        gcry_mac_close(hf->mac);
    memset(hf, 0, sizeof *hf);
}

void wrtc_srtp_ctx_free(wrtc_srtp_ctx_t *c)
{
    half_free(&c->rtp);
    half_free(&c->rtcp);
    c->ready = false;
}

bool wrtc_srtp_ctx_init_session(wrtc_srtp_ctx_t *c, wrtc_srtp_suite_t suite,
                                const uint8_t *enc_key, const uint8_t *salt,
                                const uint8_t *auth_key)
{
    memset(c, 0, sizeof *c);
    c->suite = wrtc_srtp_suite_info(suite);
    if (!c->suite)
        return false;
    wrtc_srtp_crypto_init();
    if (!half_init(&c->rtp, c->suite, enc_key, salt, auth_key)
        || !half_init(&c->rtcp, c->suite, enc_key, salt, auth_key)) {
        wrtc_srtp_ctx_free(c);
        return false;
    }
    c->ready = true;
    return true;
}

bool wrtc_srtp_ctx_init(wrtc_srtp_ctx_t *c, wrtc_srtp_suite_t suite,
                        const uint8_t *key_salt, size_t key_salt_len, uint8_t mki_len)
{
    const wrtc_srtp_suite_info_t *s = wrtc_srtp_suite_info(suite);
    /* RFC 3711 §4.3.2 labels: 0-2 SRTP enc/auth/salt, 3-5 SRTCP. */
    uint8_t k[2][32], a[2][20], n[2][14];   /* longest: AES-256 key */
    const uint8_t *mk = key_salt, *ms;
    int i;
    bool ok = true;

    memset(c, 0, sizeof *c);
    if (!s || key_salt_len != (size_t)s->key_len + s->salt_len || mki_len > WRTC_SRTP_MAX_MKI)
        return false;
    wrtc_srtp_crypto_init();
    ms = key_salt + s->key_len;
    for (i = 0; i < 2 && ok; i++) {
        uint8_t base = (uint8_t)(3 * i);
        ok = wrtc_srtp_kdf(mk, s->key_len, ms, s->salt_len, base, k[i], s->key_len)
          && wrtc_srtp_kdf(mk, s->key_len, ms, s->salt_len, (uint8_t)(base + 2), n[i], s->salt_len)
          && (s->aead || wrtc_srtp_kdf(mk, s->key_len, ms, s->salt_len, (uint8_t)(base + 1),
                                       a[i], s->auth_key_len));
    }
    c->suite = s;
    c->mki_len = mki_len;
    ok = ok && half_init(&c->rtp, s, k[0], n[0], a[0]) && half_init(&c->rtcp, s, k[1], n[1], a[1]);
    memset(k, 0, sizeof k);
    memset(a, 0, sizeof a);
    memset(n, 0, sizeof n);
    if (!ok) {
        wrtc_srtp_ctx_free(c);
        return false;
    }
    c->ready = true;
    return true;
}

size_t wrtc_rtp_header_len(const uint8_t *p, size_t len)
{
    size_t h;
    if (len < 12)
        return 0;
    h = 12 + 4u * (p[0] & 0x0f);
    if (p[0] & 0x10) {                 /* RFC 3550 §5.3.1 header extension */
        if (len < h + 4)
            return 0;
        h += 4 + 4u * (((size_t)p[h + 2] << 8) | p[h + 3]);
    }
    return h <= len ? h : 0;
}

static uint32_t get32(const uint8_t *p)
{
    return ((uint32_t)p[0] << 24) | ((uint32_t)p[1] << 16) | ((uint32_t)p[2] << 8) | p[3];
}

static void put32(uint8_t *p, uint32_t v)
{
    p[0] = (uint8_t)(v >> 24); p[1] = (uint8_t)(v >> 16); p[2] = (uint8_t)(v >> 8); p[3] = (uint8_t)v;
}

/* Constant-time comparison: the tag check must not leak where it differs. */
static bool tag_equal(const uint8_t *a, const uint8_t *b, size_t n)
{
    uint8_t d = 0;
    size_t i;
    for (i = 0; i < n; i++)
        d |= (uint8_t)(a[i] ^ b[i]);
    return d == 0;
}

/* RFC 3711 §4.2.1: HMAC-SHA1 over the authenticated portion (|| ROC for
 * SRTP), truncated to tag_len. */
static bool hmac_ok(gcry_mac_hd_t mac, const uint8_t *auth, size_t auth_len,
                    const uint8_t *roc_be, const uint8_t *tag, size_t tag_len)
{
    uint8_t full[20];
    size_t flen = sizeof full;
    if (gcry_mac_reset(mac) || gcry_mac_write(mac, auth, auth_len)
        || (roc_be && gcry_mac_write(mac, roc_be, 4))
        || gcry_mac_read(mac, full, &flen) || flen < tag_len)
        return false;
    return tag_equal(full, tag, tag_len);
}

/* RFC 3711 §4.1.1: IV = (k_s * 2^16) XOR (SSRC * 2^64) XOR (i * 2^16), i the
 * 48-bit packet index (SRTP) or the 31-bit SRTCP index. */
static bool aes_cm(gcry_cipher_hd_t h, const uint8_t *salt, uint32_t ssrc, uint64_t index,
                   const uint8_t *in, uint8_t *out, size_t n)
{
    uint8_t iv[16] = { 0 };
    int i;
    memcpy(iv, salt, 14);
    for (i = 0; i < 4; i++)
        iv[4 + i] ^= (uint8_t)(ssrc >> (24 - 8 * i));
    for (i = 0; i < 6; i++)
        iv[8 + i] ^= (uint8_t)(index >> (40 - 8 * i));
    if (n == 0)
        return true;
    return gcry_cipher_setctr(h, iv, sizeof iv) == 0 && gcry_cipher_decrypt(h, out, n, in, n) == 0;
}

/* RFC 7714 §8.1/§9.1: 12-byte IV = salt XOR the 12-byte packet identity;
 * decrypt, then verify the 16-byte tag over AAD || ciphertext. */
static wrtc_srtp_status_t aes_gcm(gcry_cipher_hd_t h, const uint8_t *salt, const uint8_t *ident,
                                  const uint8_t *aad1, size_t aad1_len,
                                  const uint8_t *aad2, size_t aad2_len,
                                  const uint8_t *in, uint8_t *out, size_t n, const uint8_t *tag)
{
    uint8_t iv[12];
    gcry_error_t e;
    int i;
    for (i = 0; i < 12; i++)
        iv[i] = (uint8_t)(salt[i] ^ ident[i]);
    if (gcry_cipher_setiv(h, iv, sizeof iv) || gcry_cipher_authenticate(h, aad1, aad1_len)
        || (aad2_len && gcry_cipher_authenticate(h, aad2, aad2_len)))
        return WRTC_SRTP_ERROR;
    if (n && gcry_cipher_decrypt(h, out, n, in, n))
        return WRTC_SRTP_ERROR;
    e = gcry_cipher_checktag(h, tag, 16);
    if (e) {
        if (n)
            memset(out, 0, n);   /* never hand out unauthenticated plaintext */
        return gcry_err_code(e) == GPG_ERR_CHECKSUM ? WRTC_SRTP_AUTH_FAIL : WRTC_SRTP_ERROR;
    }
    return WRTC_SRTP_OK;
}

wrtc_srtp_status_t wrtc_srtp_unprotect(const wrtc_srtp_ctx_t *c, const uint8_t *p, size_t len,
                                       uint32_t roc, uint8_t *out, size_t *out_len)
{
    const wrtc_srtp_suite_info_t *s = c->suite;
    size_t hdr = wrtc_rtp_header_len(p, len), trailer, enc_end;
    uint32_t ssrc;
    uint16_t seq;

    if (!c->ready)
        return WRTC_SRTP_ERROR;
    trailer = (size_t)s->rtp_tag_len + c->mki_len;
    if (hdr == 0 || len < hdr + trailer)
        return WRTC_SRTP_TOO_SHORT;
    ssrc = get32(p + 8);
    seq = (uint16_t)((p[2] << 8) | p[3]);

    if (s->aead) {
        /* header || ciphertext || tag || [MKI]; the MKI is outside the AEAD */
        uint8_t ident[12] = { 0 };
        wrtc_srtp_status_t st;
        enc_end = len - trailer;
        put32(ident + 2, ssrc);
        put32(ident + 6, roc);
        ident[10] = (uint8_t)(seq >> 8);
        ident[11] = (uint8_t)seq;
        st = aes_gcm(c->rtp.cipher, c->rtp.salt, ident, p, hdr, NULL, 0,
                     p + hdr, out + hdr, enc_end - hdr, p + enc_end);
        if (st != WRTC_SRTP_OK)
            return st;
    } else {
        /* header || ciphertext || [MKI] || tag; the MKI is not authenticated */
        uint8_t roc_be[4];
        enc_end = len - trailer;
        put32(roc_be, roc);
        if (!hmac_ok(c->rtp.mac, p, enc_end, roc_be, p + len - s->rtp_tag_len, s->rtp_tag_len))
            return WRTC_SRTP_AUTH_FAIL;
        if (!aes_cm(c->rtp.cipher, c->rtp.salt, ssrc, ((uint64_t)roc << 16) | seq,
                    p + hdr, out + hdr, enc_end - hdr))
            return WRTC_SRTP_ERROR;
    }
    memcpy(out, p, hdr);
    *out_len = enc_end;
    return WRTC_SRTP_OK;
}

wrtc_srtp_status_t wrtc_srtcp_unprotect(const wrtc_srtp_ctx_t *c, const uint8_t *p, size_t len,
                                        uint8_t *out, size_t *out_len,
                                        uint32_t *index, bool *encrypted)
{
    const wrtc_srtp_suite_info_t *s = c->suite;
    size_t tag = s ? s->rtcp_tag_len : 0, e_at, body_end;
    uint32_t e_idx, ssrc;

    if (!c->ready)
        return WRTC_SRTP_ERROR;
    /* 8 clear bytes (first header word + sender SSRC), E||index, MKI, tag */
    if (len < 8 + 4 + (size_t)c->mki_len + tag)
        return WRTC_SRTP_TOO_SHORT;
    ssrc = get32(p + 4);

    if (s->aead) {
        /* RFC 7714 §9.1: header || ciphertext || tag || E+index || [MKI] */
        uint8_t ident[12] = { 0 };
        wrtc_srtp_status_t st;
        e_at = len - c->mki_len - 4;
        body_end = e_at - tag;
        e_idx = get32(p + e_at);
        *index = e_idx & 0x7fffffffu;
        *encrypted = (e_idx >> 31) != 0;
        put32(ident + 2, ssrc);
        put32(ident + 8, *index);
        if (*encrypted)
            st = aes_gcm(c->rtcp.cipher, c->rtcp.salt, ident, p, 8, p + e_at, 4,
                         p + 8, out + 8, body_end - 8, p + body_end);
        else   /* §9.2: authentication only, the whole packet is AAD */
            st = aes_gcm(c->rtcp.cipher, c->rtcp.salt, ident, p, body_end, p + e_at, 4,
                         NULL, NULL, 0, p + body_end);
        if (st != WRTC_SRTP_OK)
            return st;
        if (!*encrypted)
            memcpy(out + 8, p + 8, body_end - 8);
    } else {
        /* RFC 3711 §3.4: header || ciphertext || E+index || [MKI] || tag */
        e_at = len - tag - c->mki_len - 4;
        body_end = e_at;
        e_idx = get32(p + e_at);
        *index = e_idx & 0x7fffffffu;
        *encrypted = (e_idx >> 31) != 0;
        if (!hmac_ok(c->rtcp.mac, p, e_at + 4, NULL, p + len - tag, tag))
            return WRTC_SRTP_AUTH_FAIL;
        if (*encrypted) {
            if (!aes_cm(c->rtcp.cipher, c->rtcp.salt, ssrc, *index, p + 8, out + 8, body_end - 8))
                return WRTC_SRTP_ERROR;
        } else {
            memcpy(out + 8, p + 8, body_end - 8);
        }
    }
    memcpy(out, p, 8);
    *out_len = body_end;
    return WRTC_SRTP_OK;
}
