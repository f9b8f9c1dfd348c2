/* srtp.h — SRTP/SRTCP decryption (RFC 3711, RFC 7714) for a capture reader.
 *
 * A receiver-side implementation: key derivation with the AES-CM PRF
 * (RFC 3711 §4.3, key derivation rate 0; AES-192/256 PRF of RFC 6188 §5.1),
 * AES-CM + HMAC-SHA1 (RFC 3711 §4.1.1, §4.2.1; 192/256-bit keys RFC 6188
 * §3-§4) and AEAD AES-GCM (RFC 7714 §8-§9). The authentication tag
 * is always checked before any plaintext is written out: a wrong key never
 * yields "decrypted" garbage. The packet index (rollover counter) is kept by
 * the caller with srtp_index.h, because a capture reader sees each packet
 * more than once and must give the same answer every time.
 *
 * Pure C + libgcrypt (which Wireshark itself links), no epan includes.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#ifndef WRTC_SRTP_H
#define WRTC_SRTP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <gcrypt.h>

/* Protection profiles, numbered as the DTLS use_srtp registry numbers them
 * (RFC 5764 §4.1.2, RFC 7714 §14.2), so that use_srtp values map directly.
 * RFC 6188's AES-192/256-CM suites have SDES names (RFC 6188 §7.1 / IANA
 * "SRTP Crypto Suite Registrations") but no DTLS-SRTP profile: they get
 * numbers above 0xffff, which no 16-bit use_srtp value can ever reach. */
typedef enum {
    WRTC_SRTP_NONE = 0,
    WRTC_SRTP_AES128_CM_HMAC_SHA1_80 = 0x0001,
    WRTC_SRTP_AES128_CM_HMAC_SHA1_32 = 0x0002,
    WRTC_SRTP_AEAD_AES_128_GCM = 0x0007,
    WRTC_SRTP_AEAD_AES_256_GCM = 0x0008,
    WRTC_SRTP_AES192_CM_HMAC_SHA1_80 = 0x10001,   /* SDES / key table only */
    WRTC_SRTP_AES192_CM_HMAC_SHA1_32 = 0x10002,
    WRTC_SRTP_AES256_CM_HMAC_SHA1_80 = 0x10003,
    WRTC_SRTP_AES256_CM_HMAC_SHA1_32 = 0x10004
} wrtc_srtp_suite_t;

typedef struct {
    wrtc_srtp_suite_t id;
    const char *name;        /* the SDES (RFC 4568 / RFC 7714 §14.1) name */
    uint8_t key_len;         /* master (= session) encryption key */
    uint8_t salt_len;        /* master (= session) salt: 14, or 12 for GCM */
    uint8_t auth_key_len;    /* HMAC-SHA1 session key, 0 for AEAD */
    uint8_t rtp_tag_len;
    uint8_t rtcp_tag_len;    /* RFC 4568 §6.2.2: _32 keeps an 80-bit SRTCP tag */
    bool    aead;
} wrtc_srtp_suite_info_t;

/* Every accepted name, for the key table's help and error texts. */
#define WRTC_SRTP_SUITE_NAMES \
    "AES_CM_128_HMAC_SHA1_80, AES_CM_128_HMAC_SHA1_32, " \
    "AES_192_CM_HMAC_SHA1_80, AES_192_CM_HMAC_SHA1_32, " \
    "AES_256_CM_HMAC_SHA1_80, AES_256_CM_HMAC_SHA1_32, " \
    "AEAD_AES_128_GCM or AEAD_AES_256_GCM"

/* NULL when unknown. Names match case-sensitively as SDP writes them. */
const wrtc_srtp_suite_info_t *wrtc_srtp_suite_info(wrtc_srtp_suite_t id);
const wrtc_srtp_suite_info_t *wrtc_srtp_suite_by_name(const char *name, size_t len);

/* Longest master key || salt of any suite (AES-256 + 14-byte salt). */
#define WRTC_SRTP_MAX_KEYSALT 46
#define WRTC_SRTP_MAX_MKI     16

/* Session keys of one direction of one master key (RTP and RTCP halves). */
typedef struct {
    gcry_cipher_hd_t cipher;       /* AES-CTR or AES-GCM, session key set */
    gcry_mac_hd_t    mac;          /* HMAC-SHA1, NULL for AEAD */
    uint8_t          salt[14];     /* session salt (12 used for GCM) */
} wrtc_srtp_half_t;

typedef struct {
    const wrtc_srtp_suite_info_t *suite;
    uint8_t mki_len;               /* bytes of MKI in every packet (RFC 3711 §3.1) */
    wrtc_srtp_half_t rtp, rtcp;
    bool ready;
} wrtc_srtp_ctx_t;

typedef enum {
    WRTC_SRTP_OK = 0,
    WRTC_SRTP_AUTH_FAIL,     /* tag did not verify: wrong key, ROC or not SRTP */
    WRTC_SRTP_TOO_SHORT,     /* shorter than header + trailer */
    WRTC_SRTP_ERROR          /* crypto library error */
} wrtc_srtp_status_t;

/* Make sure libgcrypt is initialised (a no-op inside Wireshark). */
void wrtc_srtp_crypto_init(void);

/* RFC 3711 §4.3.1/§4.3.3 key derivation, key derivation rate 0: out_len bytes
 * of AES-CM keystream under the master key, IV = (master salt XOR label<<48)
 * * 2^16. A 12-byte (GCM) master salt is first multiplied by 2^16 (RFC 7714
 * §11 and its erratum 4938). Returns false on a library error. */
bool wrtc_srtp_kdf(const uint8_t *master_key, size_t key_len,
                   const uint8_t *master_salt, size_t salt_len,
                   uint8_t label, uint8_t *out, size_t out_len);

/* Set a context up from master key || master salt (key_salt_len must be the
 * suite's key_len + salt_len). Returns false on a wrong length or error. */
bool wrtc_srtp_ctx_init(wrtc_srtp_ctx_t *c, wrtc_srtp_suite_t suite,
                        const uint8_t *key_salt, size_t key_salt_len, uint8_t mki_len);

/* Set a context up from given session keys (no KDF), as the RFC 7714 test
 * vectors are written; RTP and RTCP get the same keys. */
bool wrtc_srtp_ctx_init_session(wrtc_srtp_ctx_t *c, wrtc_srtp_suite_t suite,
                                const uint8_t *enc_key, const uint8_t *salt,
                                const uint8_t *auth_key);

void wrtc_srtp_ctx_free(wrtc_srtp_ctx_t *c);

/* Length of the RTP header (fixed part, CSRCs, extension) or 0 if the
 * packet is too short for what its header announces. */
size_t wrtc_rtp_header_len(const uint8_t *p, size_t len);

/* Authenticate and decrypt one SRTP packet given its rollover counter.
 * On WRTC_SRTP_OK, out (room for len bytes) receives the plain RTP packet
 * (header + payload, no MKI or tag) and *out_len its length; on any other
 * result out is left untouched. */
wrtc_srtp_status_t wrtc_srtp_unprotect(const wrtc_srtp_ctx_t *c, const uint8_t *p, size_t len,
                                       uint32_t roc, uint8_t *out, size_t *out_len);

/* Authenticate and decrypt one SRTCP packet (RFC 3711 §3.4, RFC 7714 §9).
 * *index receives the 31-bit SRTCP index and *encrypted the E flag. On
 * WRTC_SRTP_OK out receives the plain compound RTCP packet. */
wrtc_srtp_status_t wrtc_srtcp_unprotect(const wrtc_srtp_ctx_t *c, const uint8_t *p, size_t len,
                                        uint8_t *out, size_t *out_len,
                                        uint32_t *index, bool *encrypted);

#endif
