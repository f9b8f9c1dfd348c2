/* Unit tests of the SRTP/SRTCP core (plugin/core/srtp*.c) and the DTLS-SRTP
 * exporters, with published vectors (RFC 3711 Appendix B.2/B.3, RFC 7714
 * §16-§17, RFC 6188 §7, the TLS 1.2 PRF vector of the IETF TLS list, RFC 8448 §3) and
 * packets protected by libsrtp (srtp_vectors.h, see gen_srtp_vectors.py; the
 * AES-256-CM ones from GStreamer's srtpenc in a test capture,
 * srtp_capture_vectors.h, see gen_srtp_capture_vectors.py).
 *
 * Usage: test_srtp [group...]   (no argument: every group) */
#include <stdint.h>
#include <stdlib.h>

#include "check.h"
#include "dtls_srtp_export.h"
#include "srtp.h"
#include "srtp_index.h"
#include "sdes_params.h"
#include "srtp_vectors.h"
#include "srtp_capture_vectors.h"
#include "dtls13.h"
#include "dtls13_capture_vectors.h"

static size_t unhex(const char *s, uint8_t *out)
{
    size_t n = 0;
    while (s[0] && s[1]) {
        unsigned v;
        if (s[0] == ' ') { s++; continue; }
        sscanf(s, "%2x", &v);
        out[n++] = (uint8_t)v;
        s += 2;
    }
    return n;
}

#define CHECK_HEX(buf, len, hex) do { \
    uint8_t _want[512]; size_t _n = unhex(hex, _want); \
    CHECK_EQ((len), _n); \
    CHECK(memcmp((buf), _want, _n) == 0); \
} while (0)

/* ------------------------------------------------------------- RFC 3711 B */
static void test_kdf(void)
{
    uint8_t mk[16], ms[14], out[94];
    /* B.2: AES-CM keystream, session key and salt given */
    unhex("2B7E151628AED2A6ABF7158809CF4F3C", mk);
    unhex("F0F1F2F3F4F5F6F7F8F9FAFBFCFD", ms);
    /* The KDF with label 0 over salt F0..FD is exactly the B.2 keystream
     * (IV = salt * 2^16, counter in the low 16 bits). */
    CHECK(wrtc_srtp_kdf(mk, 16, ms, 14, 0, out, 48));
    CHECK_HEX(out, 48, "E03EAD0935C95E80E166B16DD92B4EB4 D23513162B02D0F72A43A2FE4A5F97AB"
                       "41E95B3BB0A2E8DD477901E4FCA894C0");
    /* B.3: key derivation */
    unhex("E1F97A0D3E018BE0D64FA32C06DE4139", mk);
    unhex("0EC675AD498AFEEBB6960B3AABE6", ms);
    CHECK(wrtc_srtp_kdf(mk, 16, ms, 14, 0, out, 16));
    CHECK_HEX(out, 16, "C61E7A93744F39EE10734AFE3FF7A087");
    CHECK(wrtc_srtp_kdf(mk, 16, ms, 14, 2, out, 14));
    CHECK_HEX(out, 14, "30CBBC08863D8C85D49DB34A9AE1");
    CHECK(wrtc_srtp_kdf(mk, 16, ms, 14, 1, out, 94));
    CHECK_HEX(out, 94, "CEBE321F6FF7716B6FD4AB49AF256A15 6D38BAA48F0A0ACF3C34E2359E6CDBCE"
                       "E049646C43D9327AD175578EF7227098 6371C10C9A369AC2F94A8C5FBCDDDC25"
                       "6D6E919A48B610EF17C2041E47403576 6B68642C59BBFC2F34DB60DBDFB2");
    /* Bad lengths are refused. */
    CHECK(!wrtc_srtp_kdf(mk, 15, ms, 14, 0, out, 16));
    CHECK(!wrtc_srtp_kdf(mk, 16, ms, 15, 0, out, 16));
}

/* ------------------------------------------------------------ RFC 6188 §7 */
static void rfc6188_keystream(size_t key_len, const char *key_hex, const char *first, const char *last)
{
    /* §7.1 / §7.3: the session key's keystream for index 0 (IV = salt *
     * 2^16), its first and last three of 65282 blocks. The KDF with label 0
     * and salt F0..FD computes exactly that keystream (as in test_kdf). */
    enum { N = 65282 * 16 };
    uint8_t mk[32], ms[14];
    uint8_t *out = malloc(N);
    CHECK(out != NULL);
    if (!out)
        return;
    unhex(key_hex, mk);
    unhex("F0F1F2F3F4F5F6F7F8F9FAFBFCFD", ms);
    CHECK(wrtc_srtp_kdf(mk, key_len, ms, 14, 0, out, N));
    CHECK_HEX(out, 48, first);
    CHECK_HEX(out + N - 48, 48, last);
    free(out);
}

static void rfc6188_kdf(size_t key_len, const char *mk_hex, const char *ms_hex,
                        const char *k_e, const char *k_a, const char *k_s)
{
    uint8_t mk[32], ms[14], out[32];
    unhex(mk_hex, mk);
    unhex(ms_hex, ms);
    CHECK(wrtc_srtp_kdf(mk, key_len, ms, 14, 0, out, key_len));
    CHECK_HEX(out, key_len, k_e);
    CHECK(wrtc_srtp_kdf(mk, key_len, ms, 14, 1, out, 20));   /* auth key: 160 bits */
    CHECK_HEX(out, 20, k_a);
    CHECK(wrtc_srtp_kdf(mk, key_len, ms, 14, 2, out, 14));
    CHECK_HEX(out, 14, k_s);
}

static void test_rfc6188(void)
{
    const wrtc_srtp_suite_info_t *s;
    rfc6188_keystream(32, "57f82fe3613fd170a85ec93c40b1f0922ec4cb0dc025b58272147cc438944a98",
                      "92bdd28a93c3f52511c677d08b5515a49da71b2378a854f67050756ded165bac"
                      "63c4868b7096d88421b563b8c94c9a31",
                      "cea518c90fd91ced9cbb18c078a547113dbc4814f4da5f00a08772b63c6a046d"
                      "6eb246913062a16891433e97dd01a57f");
    rfc6188_kdf(32, "f0f04914b513f2763a1b1fa130f10e2998f6f6e43e4309d1e622a0e332b9f1b6",
                "3b04803de51ee7c96423ab5b78d2",
                "5ba1064e30ec51613cad926c5a28ef731ec7fb397f70a960653caf06554cd8c4",
                "fd9c32d39ed5fbb5a9dc96b30818454d1313dc05", "fa31791685ca444a9e07c6c64e93");
    rfc6188_keystream(24, "eab234764e517b2d3d160d587d8c86219740f65f99b6bcf7",
                      "35096cba4610028dc1b57503804ce37c5de986291dcce161d5165ec4568f5c9a"
                      "474a40c77894bc17180202272a4c264d",
                      "d108d1a31a00bad6367ec23eb044b415c8f57129fdeb970b59f917b257662d4c"
                      "a5dab625811034e8cebdfeb6dc158dd3");
    rfc6188_kdf(24, "73edc66c4fa15776fb57f9505c17136550ffda71f3e8e5f1", "c8522f3acd4ce86d5add78edbb11",
                "31874736a8f1143870c26e4857d8a5b2c4a354407faadabb",
                "355b10973cd95b9eacf4061c7e1a7151e7cfbfcb", "2372b82d639b6d8503a47adc0a6c");
    /* §6 / IANA SDES names; no DTLS-SRTP profile number reaches them. */
    s = wrtc_srtp_suite_by_name("AES_256_CM_HMAC_SHA1_80", 23);
    CHECK(s && s->id == WRTC_SRTP_AES256_CM_HMAC_SHA1_80 && s->key_len == 32 && s->salt_len == 14
          && s->auth_key_len == 20 && s->rtp_tag_len == 10 && s->rtcp_tag_len == 10 && !s->aead);
    s = wrtc_srtp_suite_by_name("AES_256_CM_HMAC_SHA1_32", 23);
    CHECK(s && s->id == WRTC_SRTP_AES256_CM_HMAC_SHA1_32 && s->rtp_tag_len == 4 && s->rtcp_tag_len == 10);
    s = wrtc_srtp_suite_by_name("AES_192_CM_HMAC_SHA1_32", 23);
    CHECK(s && s->key_len == 24 && s->rtp_tag_len == 4);
    CHECK(wrtc_srtp_suite_by_name("AES_CM_256_HMAC_SHA1_80", 23) == NULL);
    {
        uint32_t v;
        for (v = 0; v <= 0xffff; v++) {
            s = wrtc_srtp_suite_info((wrtc_srtp_suite_t)v);
            if (s)
                CHECK(s->key_len == 16 || s->aead);
        }
    }
}

static void test_suites(void)
{
    const wrtc_srtp_suite_info_t *s = wrtc_srtp_suite_by_name("AES_CM_128_HMAC_SHA1_32", 23);
    CHECK(s && s->id == WRTC_SRTP_AES128_CM_HMAC_SHA1_32 && s->rtp_tag_len == 4 && s->rtcp_tag_len == 10);
    s = wrtc_srtp_suite_by_name("AEAD_AES_256_GCM", 16);
    CHECK(s && s->key_len == 32 && s->salt_len == 12 && s->aead);
    CHECK(wrtc_srtp_suite_by_name("AEAD_AES_256_GC", 15) == NULL);
    CHECK(wrtc_srtp_suite_info((wrtc_srtp_suite_t)5) == NULL);
    CHECK(wrtc_srtp_suite_info(WRTC_SRTP_AES128_CM_HMAC_SHA1_80)->auth_key_len == 20);
}

/* ------------------------------------------------------ RFC 7714 §16-§17 */
#define GCM_RTP_PLAIN "8040f17b8041f8d35501a0b247616c6c696120657374206f6d6e69732064697669736120696e207061727465732074726573"
#define GCM_RTCP_PLAIN "81c8000d4d6172734e5450314e545032525450200000042a0000e9304c756e61deadbeefdeadbeefdeadbeefdeadbeefdeadbeef"

static void gcm_case(wrtc_srtp_suite_t suite, const char *key_hex, const char *srtp_hex,
                     const char *srtcp_hex)
{
    wrtc_srtp_ctx_t c;
    uint8_t key[32], salt[12], pkt[128], out[128];
    size_t n, olen = 0;
    uint32_t idx = 0;
    bool enc = false;

    unhex(key_hex, key);
    unhex("517569642070726f2071756f", salt);
    CHECK(wrtc_srtp_ctx_init_session(&c, suite, key, salt, NULL));
    n = unhex(srtp_hex, pkt);
    CHECK_EQ(wrtc_srtp_unprotect(&c, pkt, n, 0, out, &olen), WRTC_SRTP_OK);
    CHECK_HEX(out, olen, GCM_RTP_PLAIN);
    /* The wrong ROC changes the IV: the tag no longer verifies. */
    CHECK_EQ(wrtc_srtp_unprotect(&c, pkt, n, 1, out, &olen), WRTC_SRTP_AUTH_FAIL);
    /* A flipped bit anywhere (header = AAD, payload, tag) fails. */
    pkt[1] ^= 1;
    CHECK_EQ(wrtc_srtp_unprotect(&c, pkt, n, 0, out, &olen), WRTC_SRTP_AUTH_FAIL);
    pkt[1] ^= 1;
    pkt[n - 1] ^= 0x80;
    CHECK_EQ(wrtc_srtp_unprotect(&c, pkt, n, 0, out, &olen), WRTC_SRTP_AUTH_FAIL);
    CHECK_EQ(wrtc_srtp_unprotect(&c, pkt, 12 + 15, 0, out, &olen), WRTC_SRTP_TOO_SHORT);

    n = unhex(srtcp_hex, pkt);
    CHECK_EQ(wrtc_srtcp_unprotect(&c, pkt, n, out, &olen, &idx, &enc), WRTC_SRTP_OK);
    CHECK_HEX(out, olen, GCM_RTCP_PLAIN);
    CHECK_EQ(idx, 0x5d4);
    CHECK(enc);
    pkt[n - 1] ^= 1;   /* the index is AAD */
    CHECK_EQ(wrtc_srtcp_unprotect(&c, pkt, n, out, &olen, &idx, &enc), WRTC_SRTP_AUTH_FAIL);
    wrtc_srtp_ctx_free(&c);
}

static void test_gcm(void)
{
    /* §16.1.1 / §17.1.1: AEAD_AES_128_GCM */
    gcm_case(WRTC_SRTP_AEAD_AES_128_GCM, "000102030405060708090a0b0c0d0e0f",
             "8040f17b8041f8d35501a0b2f24de3a3fb34de6cacba861c9d7e4bcabe633bd50d294e6f42a5f47a51c7d19b36de3adf8833899d7f27beb16a9152cf765ee4390cce",
             "81c8000d4d61727363e94885dcdab67ca727d7662f6b7e997ff5c0f76c06f32dc676a5f1730d6fda4ce09b4686303ded0bb9275bc84aa45896cf4d2fc5abf87245d9eade800005d4");
    /* §16.2.1 / §17.2.1: AEAD_AES_256_GCM */
    gcm_case(WRTC_SRTP_AEAD_AES_256_GCM, "000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f",
             "8040f17b8041f8d35501a0b232b1de78a822fe12ef9f78fa332e33aab18012389a58e2f3b50b2a0276ffae0f1ba63799b87b7aa3db36dfffd6b0f9bb7878d7a76c13",
             "81c8000d4d617273d50ae4d1f5ce5d304ba297e47d470c282c3ece5dbffe0a50a2eaa5c1110555be8415f658c61de0476f1b6fad1d1eb30c4446839f57ff6f6cb26ac3be800005d4");
}

/* ------------------------------------------------- libsrtp-made packets */
static void libsrtp_case(wrtc_srtp_suite_t suite, const uint8_t *key, size_t key_len,
                         const srtp_vec_t *rtp, size_t n_rtp, const srtp_vec_t *rtcp, size_t n_rtcp)
{
    wrtc_srtp_ctx_t c, wrong, mki;
    wrtc_srtp_index_t ix = { 0, 0, false, 0 };
    uint8_t bad[WRTC_SRTP_MAX_KEYSALT], out[128], pkt[128];
    size_t i, olen;
    uint32_t idx;
    bool enc;
    const wrtc_srtp_suite_info_t *s = wrtc_srtp_suite_info(suite);

    CHECK(wrtc_srtp_ctx_init(&c, suite, key, key_len, 0));
    CHECK(!wrtc_srtp_ctx_init(&wrong, suite, key, key_len - 1, 0));
    memcpy(bad, key, key_len);
    bad[key_len - 1] ^= 1;   /* last salt byte */
    CHECK(wrtc_srtp_ctx_init(&wrong, suite, bad, key_len, 0));
    CHECK(wrtc_srtp_ctx_init(&mki, suite, key, key_len, 4));

    for (i = 0; i < n_rtp; i++) {
        uint32_t v = wrtc_srtp_index_guess(&ix, rtp[i].seq);
        size_t at;
        CHECK_EQ(v, rtp[i].roc);
        olen = 0;
        CHECK_EQ(wrtc_srtp_unprotect(&c, rtp[i].prot, rtp[i].clen, v, out, &olen), WRTC_SRTP_OK);
        CHECK_EQ(olen, rtp[i].plen);
        CHECK(memcmp(out, rtp[i].plain, rtp[i].plen) == 0);
        wrtc_srtp_index_update(&ix, rtp[i].seq, v);
        CHECK_EQ(wrtc_srtp_unprotect(&wrong, rtp[i].prot, rtp[i].clen, v, out, &olen), WRTC_SRTP_AUTH_FAIL);
        /* With a 4-byte MKI (RFC 3711 §3.1: not authenticated), before the
         * tag for HMAC suites, after it for AEAD (RFC 7714 §8.1). */
        at = s->aead ? rtp[i].clen : rtp[i].clen - s->rtp_tag_len;
        memcpy(pkt, rtp[i].prot, at);
        memcpy(pkt + at, "\x00\x00\x00\x01", 4);
        memcpy(pkt + at + 4, rtp[i].prot + at, rtp[i].clen - at);
        CHECK_EQ(wrtc_srtp_unprotect(&mki, pkt, rtp[i].clen + 4, v, out, &olen), WRTC_SRTP_OK);
        CHECK_EQ(olen, rtp[i].plen);
        CHECK(memcmp(out, rtp[i].plain, rtp[i].plen) == 0);
    }
    for (i = 0; i < n_rtcp; i++) {
        olen = 0;
        CHECK_EQ(wrtc_srtcp_unprotect(&c, rtcp[i].prot, rtcp[i].clen, out, &olen, &idx, &enc), WRTC_SRTP_OK);
        CHECK_EQ(olen, rtcp[i].plen);
        CHECK(memcmp(out, rtcp[i].plain, rtcp[i].plen) == 0);
        CHECK(enc);
        CHECK_EQ(idx, i + 1);   /* libsrtp numbers SRTCP packets from 1 */
        CHECK_EQ(wrtc_srtcp_unprotect(&wrong, rtcp[i].prot, rtcp[i].clen, out, &olen, &idx, &enc),
                 WRTC_SRTP_AUTH_FAIL);
    }
    /* A receiver that starts after the wrap (ROC 1): the guess 0 fails, the
     * search finds 1 (srtp_index.h) and nothing else authenticates. */
    for (i = 0; i < n_rtp; i++) {
        wrtc_srtp_index_t late = { 0, 0, false, 0 };
        uint32_t t, found = 0, hits = 0;
        if (rtp[i].roc == 0)
            continue;
        for (t = 0; t < wrtc_srtp_index_span(&late); t++)
            if (wrtc_srtp_unprotect(&c, rtp[i].prot, rtp[i].clen,
                                    wrtc_srtp_index_trial(&late, rtp[i].seq, t), out,
                                    &olen) == WRTC_SRTP_OK) {
                found = wrtc_srtp_index_trial(&late, rtp[i].seq, t);
                hits++;
            }
        CHECK_EQ(hits, 1);
        CHECK_EQ(found, rtp[i].roc);
    }
    /* A packet of an unrelated stream: the RTP header is fine, the tag not. */
    CHECK_EQ(wrtc_srtp_unprotect(&c, rtp[1].prot, rtp[1].clen, 7, out, &olen), WRTC_SRTP_AUTH_FAIL);
    wrtc_srtp_ctx_free(&c);
    wrtc_srtp_ctx_free(&wrong);
    wrtc_srtp_ctx_free(&mki);
}

#define LIBSRTP_CASE(id, name) libsrtp_case(id, vk_##name, sizeof vk_##name, \
    vrtp_##name, sizeof vrtp_##name / sizeof vrtp_##name[0], \
    vrtcp_##name, sizeof vrtcp_##name / sizeof vrtcp_##name[0])

/* AES-256-CM packets from libsrtp via GStreamer srtpenc (3 SRTP + 1 SRTCP). */
static void capture_case(wrtc_srtp_suite_t suite, const uint8_t *key, size_t key_len,
                         const cap_vec_t *v)
{
    wrtc_srtp_ctx_t c;
    uint8_t out[256], bad[256];
    size_t olen = 0, i;
    uint32_t idx = 0;
    bool enc = false;

    CHECK(wrtc_srtp_ctx_init(&c, suite, key, key_len, 0));
    for (i = 0; i < 4; i++) {
        wrtc_srtp_status_t st;
        CHECK(v[i].clen <= sizeof bad);
        if (v[i].clen > sizeof bad)
            continue;
        st = i < 3 ? wrtc_srtp_unprotect(&c, v[i].prot, v[i].clen, v[i].roc, out, &olen)
                   : wrtc_srtcp_unprotect(&c, v[i].prot, v[i].clen, out, &olen, &idx, &enc);
        CHECK_EQ(st, WRTC_SRTP_OK);
        CHECK_EQ(olen, v[i].plen);
        CHECK(memcmp(out, v[i].plain, v[i].plen) == 0);
        /* One bit of the tag: the packet is refused. */
        memcpy(bad, v[i].prot, v[i].clen);
        bad[v[i].clen - 1] ^= 1;
        st = i < 3 ? wrtc_srtp_unprotect(&c, bad, v[i].clen, v[i].roc, out, &olen)
                   : wrtc_srtcp_unprotect(&c, bad, v[i].clen, out, &olen, &idx, &enc);
        CHECK_EQ(st, WRTC_SRTP_AUTH_FAIL);
    }
    CHECK(enc);
    wrtc_srtp_ctx_free(&c);
}

static void test_libsrtp(void)
{
    capture_case(WRTC_SRTP_AES256_CM_HMAC_SHA1_80, ck_AES_256_CM_HMAC_SHA1_80_call_1,
                 sizeof ck_AES_256_CM_HMAC_SHA1_80_call_1, cv_AES_256_CM_HMAC_SHA1_80_call_1);
    capture_case(WRTC_SRTP_AES256_CM_HMAC_SHA1_32, ck_AES_256_CM_HMAC_SHA1_32_call_2,
                 sizeof ck_AES_256_CM_HMAC_SHA1_32_call_2, cv_AES_256_CM_HMAC_SHA1_32_call_2);
    LIBSRTP_CASE(WRTC_SRTP_AES128_CM_HMAC_SHA1_80, AES128_CM_HMAC_SHA1_80);
    LIBSRTP_CASE(WRTC_SRTP_AES128_CM_HMAC_SHA1_32, AES128_CM_HMAC_SHA1_32);
    LIBSRTP_CASE(WRTC_SRTP_AEAD_AES_128_GCM, AEAD_AES_128_GCM);
    LIBSRTP_CASE(WRTC_SRTP_AEAD_AES_256_GCM, AEAD_AES_256_GCM);
}

/* --------------------------------------------------------- packet index */
static void test_index(void)
{
    wrtc_srtp_index_t ix = { 0, 0, false, 0 };
    CHECK_EQ(wrtc_srtp_index_guess(&ix, 40000), 0);
    wrtc_srtp_index_update(&ix, 40000, 0);
    CHECK_EQ(wrtc_srtp_index_guess(&ix, 40001), 0);
    CHECK_EQ(wrtc_srtp_index_guess(&ix, 7000), 1);       /* 40000-32768 > 7000: wrapped */
    CHECK_EQ(wrtc_srtp_index_guess(&ix, 7300), 0);       /* not wrapped yet */
    wrtc_srtp_index_update(&ix, 65535, 0);
    CHECK_EQ(wrtc_srtp_index_guess(&ix, 0), 1);
    wrtc_srtp_index_update(&ix, 0, 1);
    CHECK_EQ(ix.roc, 1);
    CHECK_EQ(ix.s_l, 0);
    CHECK_EQ(wrtc_srtp_index_guess(&ix, 65535), 0);      /* late packet from ROC 0 */
    wrtc_srtp_index_update(&ix, 65535, 0);               /* does not move s_l back */
    CHECK_EQ(ix.roc, 1);
    CHECK_EQ(ix.s_l, 0);
    CHECK_EQ(wrtc_srtp_index_guess(&ix, 10), 1);
    /* ROC 0 has no earlier cycle: a far-ahead number stays in ROC 0. */
    ix.roc = 0; ix.s_l = 5;
    CHECK_EQ(wrtc_srtp_index_guess(&ix, 60000), 0);
    ix.roc = 0xffffffffu; ix.s_l = 65000;
    CHECK_EQ(wrtc_srtp_index_guess(&ix, 3), 0);          /* 2^32 wrap of the ROC */

    /* ROC search before a stream's first authenticated packet (capture
     * started mid-stream): 0 first, then 1..WRTC_SRTP_ROC_SEARCH, on at
     * most WRTC_SRTP_ROC_SEARCH_PACKETS packets; none once started. */
    {
        wrtc_srtp_index_t fresh = { 0, 0, false, 0 };
        int k;
        CHECK_EQ(wrtc_srtp_index_span(&fresh), WRTC_SRTP_ROC_SEARCH + 1);
        CHECK_EQ(wrtc_srtp_index_trial(&fresh, 9, 0), 0);
        CHECK_EQ(wrtc_srtp_index_trial(&fresh, 9, 1), 1);
        CHECK_EQ(wrtc_srtp_index_trial(&fresh, 9, WRTC_SRTP_ROC_SEARCH), WRTC_SRTP_ROC_SEARCH);
        for (k = 0; k < WRTC_SRTP_ROC_SEARCH_PACKETS - 1; k++)
            wrtc_srtp_index_failed(&fresh);
        CHECK_EQ(wrtc_srtp_index_span(&fresh), WRTC_SRTP_ROC_SEARCH + 1);
        wrtc_srtp_index_failed(&fresh);
        CHECK_EQ(wrtc_srtp_index_span(&fresh), 1);          /* spent: the guess only */
        wrtc_srtp_index_failed(&fresh);
        CHECK_EQ(fresh.searches, WRTC_SRTP_ROC_SEARCH_PACKETS);
        fresh.searches = 0;
        wrtc_srtp_index_update(&fresh, 65530, 3);           /* found ROC 3 */
        CHECK_EQ(wrtc_srtp_index_span(&fresh), 1);
        CHECK_EQ(wrtc_srtp_index_trial(&fresh, 2, 0), 4);   /* then wraps to 4 */
        wrtc_srtp_index_failed(&fresh);                     /* started: no effect */
        CHECK_EQ(fresh.searches, 0);
    }
}

/* ------------------------------------------------------------ exporters */
static void test_export(void)
{
    uint8_t secret[48], seed[32], out[128], early[32], h0[32];
    size_t n;
    /* TLS 1.2 PRF with SHA-256 (IETF TLS list vector, "test label"). */
    n = unhex("9bbe436ba940f017b17652849a71db35", secret);
    unhex("a0ba9f936cda311827a6f796ffd5198c", seed);
    CHECK(wrtc_tls12_prf(GCRY_MD_SHA256, secret, n, "test label", seed, 16, out, 100));
    CHECK_HEX(out, 100, "e3f229ba727be17b8d122620557cd453c2aab21d07c3d495329b52d4e61edb5a"
                        "6b301791e90d35c9c9a46b4e14baf9af0fa022f7077def17abfd3797c0564bab"
                        "4fbc91666e9def9b97fce34f796789baa48082d122ee42c5a72e5a5110fff701"
                        "87347b66");
    /* RFC 8448 §3: Derive-Secret(early_secret, "derived", "") is
     * HKDF-Expand-Label(early, "derived", Hash(""), 32) with "tls13 ". */
    unhex("33ad0a1c607ec03b09e6cd9893680ce210adf300aa1f2660e1b22e10f170f92a", early);
    gcry_md_hash_buffer(GCRY_MD_SHA256, h0, "", 0);
    CHECK(wrtc_hkdf_expand_label(GCRY_MD_SHA256, early, 32, "tls13 ", "derived", h0, 32, out, 32));
    CHECK_HEX(out, 32, "6f2615a108c702c5678f54fc9dbab69716c076189c48250cebeac3576c3611ba");
    /* The exporter's first step is that same Derive-Secret: with the tls13
     * prefix, exporter(early, "derived") = Expand-Label(6f26..., "exporter",
     * Hash(""), L); a different prefix gives different keys. */
    {
        uint8_t a[60], b[60], d[32];
        CHECK(wrtc_tls13_exporter(early, 32, "tls13 ", "derived", a, sizeof a));
        unhex("6f2615a108c702c5678f54fc9dbab69716c076189c48250cebeac3576c3611ba", d);
        CHECK(wrtc_hkdf_expand_label(GCRY_MD_SHA256, d, 32, "tls13 ", "exporter", h0, 32, b, sizeof b));
        CHECK(memcmp(a, b, sizeof a) == 0);
        CHECK(wrtc_dtls13_srtp_material(early, 32, b, sizeof b));
        CHECK(wrtc_tls13_exporter(early, 32, "dtls13", WRTC_DTLS_SRTP_LABEL, a, sizeof a));
        CHECK(memcmp(a, b, sizeof a) == 0);
        CHECK(wrtc_tls13_exporter(early, 32, "tls13 ", WRTC_DTLS_SRTP_LABEL, a, sizeof a));
        CHECK(memcmp(a, b, sizeof a) != 0);
        CHECK(!wrtc_tls13_exporter(early, 31, "dtls13", WRTC_DTLS_SRTP_LABEL, a, sizeof a));
    }
    /* RFC 5764 §4.2 layout: keys first, then salts. */
    {
        uint8_t m[56], ck[28], sk[28];
        size_t i;
        for (i = 0; i < sizeof m; i++)
            m[i] = (uint8_t)i;
        wrtc_dtls_srtp_split(wrtc_srtp_suite_info(WRTC_SRTP_AEAD_AES_128_GCM), m, ck, sk);
        CHECK_EQ(ck[0], 0); CHECK_EQ(ck[15], 15); CHECK_EQ(ck[16], 32); CHECK_EQ(ck[27], 43);
        CHECK_EQ(sk[0], 16); CHECK_EQ(sk[15], 31); CHECK_EQ(sk[16], 44); CHECK_EQ(sk[27], 55);
    }
}

/* --------------------------------------- RFC 4568 §6.3 session params */
static void sdes_case(const char *line, int kdr, bool unenc, bool unenc_rtcp, bool unauth,
                      const char *why)
{
    wrtc_sdes_params_t p;
    char buf[32];
    const char *w;
    wrtc_sdes_params_parse(line, strlen(line), &p);
    CHECK_EQ(p.kdr, kdr);
    CHECK_EQ(p.unencrypted_srtp, unenc);
    CHECK_EQ(p.unencrypted_srtcp, unenc_rtcp);
    CHECK_EQ(p.unauthenticated_srtp, unauth);
    w = wrtc_sdes_params_unsupported(&p, buf, sizeof buf);
    if (why)
        CHECK(w && strcmp(w, why) == 0);
    else
        CHECK(w == NULL);
}

static void test_sdes_params(void)
{
    const char *k = "AES_CM_128_HMAC_SHA1_80 inline:17OJ7DCqc32KmWnYgAbnXW+PqthrrM/4FzIG+fdK";
    char line[256];
    sdes_case(k, -1, false, false, false, NULL);                       /* baresip's */
    snprintf(line, sizeof line, "%s|2^20|1:4", k);
    sdes_case(line, -1, false, false, false, NULL);                    /* lifetime, MKI */
    snprintf(line, sizeof line, "%s KDR=1", k);
    sdes_case(line, 1, false, false, false, "KDR=1");
    snprintf(line, sizeof line, "%s KDR=0 UNENCRYPTED_SRTCP", k);      /* rate 0 */
    sdes_case(line, 0, false, true, false, NULL);
    snprintf(line, sizeof line, "%s  WSH=64 UNENCRYPTED_SRTP\r\nm=video", k);
    sdes_case(line, -1, true, false, false, "UNENCRYPTED_SRTP");
    snprintf(line, sizeof line, "%s UNAUTHENTICATED_SRTP", k);
    sdes_case(line, -1, false, false, true, "UNAUTHENTICATED_SRTP");
    snprintf(line, sizeof line, "%s KDR=99", k);
    sdes_case(line, 99, false, false, false, "KDR (not 1-24)");
    snprintf(line, sizeof line, "%s KDR=x", k);
    sdes_case(line, 100, false, false, false, "KDR (not 1-24)");
    /* The line ends at CR/LF: what follows is another attribute. */
    snprintf(line, sizeof line, "%s\r\na=x KDR=5", k);
    sdes_case(line, -1, false, false, false, NULL);
    /* The suite and key parameters are never read as session parameters. */
    sdes_case("UNENCRYPTED_SRTP KDR=3", -1, false, false, false, NULL);
    sdes_case("", -1, false, false, false, NULL);
}

/* ---------------------------------------------- DTLS 1.3 records (RFC 9147) */
typedef struct {
    unsigned frame, index;   /* datagram, record within it */
    uint8_t epoch_bits, type;
    uint64_t seq;
    size_t len;
    uint8_t first;           /* first plaintext byte (handshake type, alert level) */
} dtls13_seen_t;

/* Open every unified-header record of the capture's datagrams with the keys
 * of its direction and epoch; plaintext records (DTLSPlaintext, 13-byte
 * header) are skipped. */
static size_t dtls13_walk(wrtc_dtls13_keys_t keys[2][2], dtls13_seen_t *seen, size_t max,
                          unsigned *failures)
{
    size_t i, n = 0;
    *failures = 0;
    for (i = 0; i < sizeof dtls13_datagrams / sizeof dtls13_datagrams[0]; i++) {
        static uint8_t dg[2048], pt[2048];
        size_t len = unhex(dtls13_datagrams[i].hex, dg), off = 0;
        unsigned idx = 0;
        while (off < len) {
            wrtc_dtls13_hdr_t h;
            if (!wrtc_dtls13_is_unified(dg[off])) {
                if (len - off < 13)
                    break;
                off += 13 + ((size_t)dg[off + 11] << 8 | dg[off + 12]);
                idx++;
                continue;
            }
            if (!wrtc_dtls13_parse(dg + off, len - off, 0, &h)) {
                (*failures)++;
                break;
            }
            {
                wrtc_dtls13_keys_t *k = &keys[dtls13_datagrams[i].from_server][h.epoch_bits == 3];
                size_t pl = 0;
                uint8_t ct = 0;
                uint64_t seq = 0;
                if (h.epoch_bits >= 2 && wrtc_dtls13_open(k, dg + off, &h, pt, &pl, &ct, &seq)) {
                    if (n < max) {
                        seen[n].frame = dtls13_datagrams[i].frame;
                        seen[n].index = idx;
                        seen[n].epoch_bits = h.epoch_bits;
                        seen[n].type = ct;
                        seen[n].seq = seq;
                        seen[n].len = pl;
                        seen[n].first = pl ? pt[0] : 0;
                    }
                    n++;
                } else {
                    (*failures)++;
                }
            }
            off += h.rec_len;
            idx++;
        }
    }
    return n;
}

static void dtls13_keys(wrtc_dtls13_keys_t keys[2][2], uint16_t suite)
{
    static const char *const sec[2][2] = {
        { DTLS13_CLIENT_HANDSHAKE_TRAFFIC_SECRET, DTLS13_CLIENT_TRAFFIC_SECRET_0 },
        { DTLS13_SERVER_HANDSHAKE_TRAFFIC_SECRET, DTLS13_SERVER_TRAFFIC_SECRET_0 },
    };
    int d, e;
    for (d = 0; d < 2; d++)
        for (e = 0; e < 2; e++) {
            uint8_t s[48];
            size_t n = unhex(sec[d][e], s);
            CHECK(wrtc_dtls13_derive(suite, s, n, &keys[d][e]));
        }
}

static void test_dtls13(void)
{
    wrtc_dtls13_keys_t keys[2][2];
    dtls13_seen_t seen[16];
    wrtc_dtls13_hdr_t h;
    unsigned failures, i;
    size_t n;
    uint8_t sec[32], b[64];

    /* Header parsing (RFC 9147 §4): 0x2e = 001 0 1 1 10: no CID, 16-bit
     * sequence number, length present, epoch 2. */
    {
        uint8_t r[40] = { 0x2e, 0x12, 0x34, 0x00, 0x11 };
        CHECK(wrtc_dtls13_parse(r, 5 + 0x11, 0, &h));
        CHECK_EQ(h.epoch_bits, 2);
        CHECK_EQ(h.seq_len, 2);
        CHECK_EQ(h.hdr_len, 5);
        CHECK_EQ(h.rec_len, 22);
        CHECK(!wrtc_dtls13_parse(r, 5 + 0x10, 0, &h));      /* truncated */
        r[4] = 0x10;                                          /* shorter than tag + type */
        CHECK(!wrtc_dtls13_parse(r, 40, 0, &h));
        r[0] = 0x3e;                                          /* CID without a CID length */
        CHECK(!wrtc_dtls13_parse(r, 40, 0, &h));
        r[0] = 0x23;                                          /* 8-bit seq, no length: to the end */
        CHECK(wrtc_dtls13_parse(r, 40, 0, &h));
        CHECK_EQ(h.hdr_len, 2);
        CHECK_EQ(h.rec_len, 40);
        CHECK_EQ(h.epoch_bits, 3);
        r[0] = 0x16;
        CHECK(!wrtc_dtls13_parse(r, 40, 0, &h));
    }
    /* §4.2.2 reconstruction: closest to the highest seen + 1. */
    {
        wrtc_dtls13_keys_t k;
        memset(&k, 0, sizeof k);
        CHECK_EQ(wrtc_dtls13_reconstruct_seq(&k, 5, 16), 5);
        k.have_seq = true;
        k.max_seq = 0x1fffe;
        CHECK_EQ(wrtc_dtls13_reconstruct_seq(&k, 0xffff, 16), 0x1ffff);
        CHECK_EQ(wrtc_dtls13_reconstruct_seq(&k, 0x0001, 16), 0x20001);
        CHECK_EQ(wrtc_dtls13_reconstruct_seq(&k, 0xfff0, 16), 0x1fff0);
        k.max_seq = 0x1f0;
        CHECK_EQ(wrtc_dtls13_reconstruct_seq(&k, 0x02, 8), 0x202);
        CHECK_EQ(wrtc_dtls13_reconstruct_seq(&k, 0xe0, 8), 0x1e0);
    }
    /* Unknown suite, wrong secret length. */
    memset(sec, 1, sizeof sec);
    CHECK(!wrtc_dtls13_derive(0x1304, sec, 32, &keys[0][0]));
    CHECK(!wrtc_dtls13_derive(WRTC_TLS_AES_256_GCM_SHA384, sec, 32, &keys[0][0]));
    /* "dtls13" labels: key = HKDF-Expand-Label(secret, "key", "", 16) with the
     * "dtls13" prefix; "tls13 " gives other keys. */
    CHECK(wrtc_dtls13_derive(WRTC_TLS_AES_128_GCM_SHA256, sec, 32, &keys[0][0]));
    CHECK(wrtc_hkdf_expand_label(GCRY_MD_SHA256, sec, 32, "dtls13", "key", NULL, 0, b, 16));
    CHECK(memcmp(b, keys[0][0].key, 16) == 0);
    CHECK(wrtc_hkdf_expand_label(GCRY_MD_SHA256, sec, 32, "tls13 ", "key", NULL, 0, b, 16));
    CHECK(memcmp(b, keys[0][0].key, 16) != 0);

    /* TLS_AES_256_GCM_SHA384 and TLS_CHACHA20_POLY1305_SHA256 records
     * protected by python3-cryptography (gen_dtls13_suite_vectors.py):
     * sequence number 0x10005 from its low 16 bits after 0x10004. */
    {
        static const struct { uint16_t suite; const char *secret, *record; } sv[] = {
        { 0x1302, "000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f202122232425262728292a2b2c2d2e2f",
          "2f078a0031e8fd9e77db922a0190de5feda81b32839e279e2d0efcca6124996bd51994658c9e36d50032915521b1f22b5d74ac14f1d6" },
        { 0x1303, "000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f",
          "2f6bd4003194d27ae947e3c053e730d77a0f7cc9309fa0dab4474d5c4148a358875b76d05f39b2b291b9201c091d98da8a124c40d645" },
        };
        for (i = 0; i < sizeof sv / sizeof sv[0]; i++) {
            wrtc_dtls13_keys_t k;
            uint8_t s2[48], rec[128], pt[128];
            size_t sl = unhex(sv[i].secret, s2), rl = unhex(sv[i].record, rec), pl = 0;
            uint8_t ct = 0;
            uint64_t seq = 0;
            CHECK(wrtc_dtls13_derive(sv[i].suite, s2, sl, &k));
            CHECK(wrtc_dtls13_parse(rec, rl, 0, &h));
            CHECK_EQ(h.epoch_bits, 3);
            k.have_seq = true;
            k.max_seq = 0x10004;
            CHECK(wrtc_dtls13_open(&k, rec, &h, pt, &pl, &ct, &seq));
            CHECK_EQ(seq, 0x10005);
            CHECK_EQ(ct, 23);
            CHECK_EQ(pl, 29);
            CHECK(memcmp(pt, "hello sctp payload 0123456789", 29) == 0);
        }
    }
    /* The real handshake of firefox-dtls13.pcapng (NSS, TLS_AES_128_GCM_SHA256,
     * the ServerHello's cipher suite). */
    dtls13_keys(keys, WRTC_TLS_AES_128_GCM_SHA256);
    n = dtls13_walk(keys, seen, 16, &failures);
    {
        /* frame, record, epoch, type, seq, length, first byte: the server's
         * EncryptedExtensions (8), CertificateRequest (13), Certificate (11),
         * CertificateVerify (15), Finished (20) at epoch 2, the client's
         * Certificate, CertificateVerify, Finished; at epoch 3 the server's
         * ACK (content type 26, RFC 9147 §7) and both close_notify alerts. */
        static const dtls13_seen_t want[] = {
            { 41, 1, 2, 22, 0, 60, 8 },   { 41, 2, 2, 22, 1, 43, 13 },
            { 41, 3, 2, 22, 2, 49, 11 },  { 42, 0, 2, 22, 3, 315, 11 },
            { 42, 1, 2, 22, 4, 86, 15 },  { 42, 2, 2, 22, 5, 44, 20 },
            { 43, 0, 2, 22, 0, 349, 11 }, { 43, 1, 2, 22, 1, 88, 15 },
            { 43, 2, 2, 22, 2, 44, 20 },  { 44, 0, 3, 26, 0, 50, 0 },
            { 1865, 0, 3, 21, 1, 2, 1 },  { 1866, 0, 3, 21, 0, 2, 1 },
        };
        CHECK_EQ(n, sizeof want / sizeof want[0]);
        for (i = 0; i < n && i < sizeof want / sizeof want[0]; i++) {
            CHECK_EQ(seen[i].frame, want[i].frame);
            CHECK_EQ(seen[i].index, want[i].index);
            CHECK_EQ(seen[i].epoch_bits, want[i].epoch_bits);
            CHECK_EQ(seen[i].type, want[i].type);
            CHECK_EQ(seen[i].seq, want[i].seq);
            CHECK_EQ(seen[i].len, want[i].len);
            CHECK_EQ(seen[i].first, want[i].first);
        }
    }
    CHECK_EQ(failures, 0);
    /* The wrong suite's keys (same hash, ChaCha20) open nothing. */
    dtls13_keys(keys, WRTC_TLS_CHACHA20_POLY1305_SHA256);
    n = dtls13_walk(keys, seen, 16, &failures);
    CHECK_EQ(n, 0);
    CHECK_EQ(failures, 12);
    /* One flipped ciphertext bit: the tag check fails. */
    {
        static uint8_t dg[2048], pt[2048];
        size_t len = unhex(dtls13_datagrams[1].hex, dg), pl;
        uint8_t ct;
        uint64_t seq;
        dtls13_keys(keys, WRTC_TLS_AES_128_GCM_SHA256);
        CHECK(wrtc_dtls13_parse(dg, len, 0, &h));
        dg[h.hdr_len + 20] ^= 1;
        CHECK(!wrtc_dtls13_open(&keys[1][0], dg, &h, pt, &pl, &ct, &seq));
        dg[h.hdr_len + 20] ^= 1;
        keys[1][0].have_seq = true;
        keys[1][0].max_seq = 2;
        CHECK(wrtc_dtls13_open(&keys[1][0], dg, &h, pt, &pl, &ct, &seq));
        CHECK_EQ(seq, 3);
        CHECK_EQ(ct, 22);
    }
}

int main(int argc, char **argv)
{
    static const check_group_t groups[] = {
        { "srtp_kdf", test_kdf },
        { "srtp_suites", test_suites },
        { "srtp_gcm", test_gcm },
        { "srtp_rfc6188", test_rfc6188 },
        { "srtp_libsrtp", test_libsrtp },
        { "srtp_index", test_index },
        { "dtls_export", test_export },
        { "sdes_params", test_sdes_params },
        { "dtls13", test_dtls13 },
    };
    wrtc_srtp_crypto_init();
    return check_main(argc, argv, groups, sizeof groups / sizeof groups[0]);
}
