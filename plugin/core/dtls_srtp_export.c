/* dtls_srtp_export.c — RFC 5705/8446 exporters for DTLS-SRTP keying.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#include "dtls_srtp_export.h"

#include <string.h>

static bool hmac(int md_algo, const uint8_t *key, size_t key_len,
                 const uint8_t *a, size_t a_len, const uint8_t *b, size_t b_len,
                 uint8_t *out)
{
    gcry_md_hd_t h;
    unsigned dl = gcry_md_get_algo_dlen(md_algo);
    if (dl == 0 || gcry_md_open(&h, md_algo, GCRY_MD_FLAG_HMAC))
        return false;
    if (gcry_md_setkey(h, key, key_len)) {
        gcry_md_close(h);
        return false;
    }
    gcry_md_write(h, a, a_len);
    if (b_len)
        gcry_md_write(h, b, b_len);
    memcpy(out, gcry_md_read(h, md_algo), dl);
    gcry_md_close(h);
    return true;
}

bool wrtc_tls12_prf(int md_algo, const uint8_t *secret, size_t secret_len,
                    const char *label, const uint8_t *seed, size_t seed_len,
                    uint8_t *out, size_t out_len)
{
    /* P_hash: A(0) = label||seed, A(i) = HMAC(secret, A(i-1)),
     * output = HMAC(secret, A(1) || label||seed) || HMAC(secret, A(2) || ...) */
    uint8_t ls[256], a[64], blk[64];
    size_t llen = strlen(label), ls_len = llen + seed_len, done = 0;
    unsigned dl = gcry_md_get_algo_dlen(md_algo);

    if (dl == 0 || dl > sizeof a || ls_len > sizeof ls)
        return false;
    wrtc_srtp_crypto_init();
    memcpy(ls, label, llen);
    memcpy(ls + llen, seed, seed_len);
    if (!hmac(md_algo, secret, secret_len, ls, ls_len, NULL, 0, a))
        return false;
    while (done < out_len) {
        size_t n = out_len - done < dl ? out_len - done : dl;
        if (!hmac(md_algo, secret, secret_len, a, dl, ls, ls_len, blk))
            return false;
        memcpy(out + done, blk, n);
        done += n;
        if (!hmac(md_algo, secret, secret_len, a, dl, NULL, 0, a))
            return false;
    }
    memset(blk, 0, sizeof blk);
    memset(a, 0, sizeof a);
    return true;
}

bool wrtc_hkdf_expand_label(int md_algo, const uint8_t *secret, size_t secret_len,
                            const char *prefix, const char *label,
                            const uint8_t *context, size_t context_len,
                            uint8_t *out, size_t out_len)
{
    /* HkdfLabel = uint16 length || opaque label<7..255> (prefix + label) ||
     * opaque context<0..255>; HKDF-Expand (RFC 5869 §2.3): T(i) =
     * HMAC(PRK, T(i-1) || info || i). */
    uint8_t info[2 + 1 + 255 + 1 + 255], t[64 + sizeof info + 1], blk[64];
    size_t pl = strlen(prefix), ll = strlen(label), info_len, done = 0, tl = 0;
    unsigned dl = gcry_md_get_algo_dlen(md_algo);
    uint8_t i = 1;

    if (dl == 0 || dl > sizeof blk || pl + ll > 255 || context_len > 255
        || out_len > 255u * dl || out_len > 0xffff)
        return false;
    wrtc_srtp_crypto_init();
    info[0] = (uint8_t)(out_len >> 8);
    info[1] = (uint8_t)out_len;
    info[2] = (uint8_t)(pl + ll);
    memcpy(info + 3, prefix, pl);
    memcpy(info + 3 + pl, label, ll);
    info[3 + pl + ll] = (uint8_t)context_len;
    if (context_len)
        memcpy(info + 4 + pl + ll, context, context_len);
    info_len = 4 + pl + ll + context_len;
    while (done < out_len) {
        size_t n = out_len - done < dl ? out_len - done : dl;
        memcpy(t + tl, info, info_len);
        t[tl + info_len] = i++;
        if (!hmac(md_algo, secret, secret_len, t, tl + info_len + 1, NULL, 0, blk))
            return false;
        memcpy(out + done, blk, n);
        done += n;
        memcpy(t, blk, dl);
        tl = dl;
    }
    memset(blk, 0, sizeof blk);
    memset(t, 0, sizeof t);
    return true;
}

bool wrtc_tls13_exporter(const uint8_t *exporter_secret, size_t secret_len, const char *prefix,
                         const char *label, uint8_t *out, size_t out_len)
{
    int md = secret_len == 48 ? GCRY_MD_SHA384 : secret_len == 32 ? GCRY_MD_SHA256 : 0;
    uint8_t empty_hash[48], derived[48];
    bool ok;

    if (!md)
        return false;
    wrtc_srtp_crypto_init();
    gcry_md_hash_buffer(md, empty_hash, "", 0);
    /* Derive-Secret(Secret, label, "") = HKDF-Expand-Label(Secret, label,
     * Hash(""), Hash.length) */
    ok = wrtc_hkdf_expand_label(md, exporter_secret, secret_len, prefix, label,
                                empty_hash, secret_len, derived, secret_len)
      && wrtc_hkdf_expand_label(md, derived, secret_len, prefix, "exporter",
                                empty_hash, secret_len, out, out_len);
    memset(derived, 0, sizeof derived);
    return ok;
}

bool wrtc_dtls12_srtp_material(int md_algo, const uint8_t master_secret[48],
                               const uint8_t client_random[32], const uint8_t server_random[32],
                               uint8_t *out, size_t out_len)
{
    uint8_t seed[64];
    memcpy(seed, client_random, 32);
    memcpy(seed + 32, server_random, 32);
    return wrtc_tls12_prf(md_algo, master_secret, 48, WRTC_DTLS_SRTP_LABEL, seed, sizeof seed,
                          out, out_len);
}

bool wrtc_dtls13_srtp_material(const uint8_t *exporter_secret, size_t secret_len,
                               uint8_t *out, size_t out_len)
{
    return wrtc_tls13_exporter(exporter_secret, secret_len, "dtls13", WRTC_DTLS_SRTP_LABEL,
                               out, out_len);
}

void wrtc_dtls_srtp_split(const wrtc_srtp_suite_info_t *s, const uint8_t *m,
                          uint8_t *client_key_salt, uint8_t *server_key_salt)
{
    memcpy(client_key_salt, m, s->key_len);
    memcpy(server_key_salt, m + s->key_len, s->key_len);
    memcpy(client_key_salt + s->key_len, m + 2u * s->key_len, s->salt_len);
    memcpy(server_key_salt + s->key_len, m + 2u * s->key_len + s->salt_len, s->salt_len);
}
