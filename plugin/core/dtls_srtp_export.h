/* dtls_srtp_export.h — SRTP master keys from DTLS secrets (RFC 5764 §4.2).
 *
 * An analyst's key log (NSS format, as SSLKEYLOGFILE writes it) holds the
 * DTLS 1.2 master secret (CLIENT_RANDOM) or the DTLS 1.3 exporter secret
 * (EXPORTER_SECRET). The keying material is the TLS exporter (RFC 5705) with
 * the label "EXTRACTOR-dtls_srtp" and no context, 2 * (key + salt) bytes:
 *   client_write_master_key | server_write_master_key |
 *   client_write_master_salt | server_write_master_salt
 *
 * Pure C + libgcrypt, no epan includes.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#ifndef WRTC_DTLS_SRTP_EXPORT_H
#define WRTC_DTLS_SRTP_EXPORT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "srtp.h"

#define WRTC_DTLS_SRTP_LABEL "EXTRACTOR-dtls_srtp"

/* TLS 1.2 PRF (RFC 5246 §5): P_hash(secret, label || seed), hash a gcrypt
 * GCRY_MD_* (SHA-256 unless the cipher suite says SHA-384). */
bool wrtc_tls12_prf(int md_algo, const uint8_t *secret, size_t secret_len,
                    const char *label, const uint8_t *seed, size_t seed_len,
                    uint8_t *out, size_t out_len);

/* HKDF-Expand-Label (RFC 8446 §7.1) with the label prefix given: "tls13 "
 * for TLS 1.3, "dtls13" for DTLS 1.3 (RFC 9147 §5.9). */
bool wrtc_hkdf_expand_label(int md_algo, const uint8_t *secret, size_t secret_len,
                            const char *prefix, const char *label,
                            const uint8_t *context, size_t context_len,
                            uint8_t *out, size_t out_len);

/* TLS 1.3 exporter (RFC 8446 §7.5) with an empty context:
 * HKDF-Expand-Label(Derive-Secret(secret, label, ""), "exporter", Hash(""), L).
 * The hash follows from the secret's length (32: SHA-256, 48: SHA-384). */
bool wrtc_tls13_exporter(const uint8_t *exporter_secret, size_t secret_len, const char *prefix,
                         const char *label, uint8_t *out, size_t out_len);

/* DTLS 1.2: PRF(master_secret, "EXTRACTOR-dtls_srtp", client_random || server_random). */
bool wrtc_dtls12_srtp_material(int md_algo, const uint8_t master_secret[48],
                               const uint8_t client_random[32], const uint8_t server_random[32],
                               uint8_t *out, size_t out_len);

/* DTLS 1.3: the exporter above with the "dtls13" prefix. */
bool wrtc_dtls13_srtp_material(const uint8_t *exporter_secret, size_t secret_len,
                               uint8_t *out, size_t out_len);

/* Split keying material for a suite into the DTLS client's and server's
 * master key || salt (each suite->key_len + suite->salt_len bytes). */
void wrtc_dtls_srtp_split(const wrtc_srtp_suite_info_t *suite, const uint8_t *material,
                          uint8_t *client_key_salt, uint8_t *server_key_salt);

#endif
