/* dtls_records.h — which DTLS records of a datagram carry application data,
 * read from the record headers alone (no keys, header-only captures).
 *
 * On a WebRTC transport (ICE and DTLS on one 5-tuple) the application data
 * of DTLS is SCTP: the data channels (RFC 8261 §3, RFC 8831 §5). Without
 * the keys the records still show what they are:
 *  - DTLS 1.2 and earlier (RFC 6347 §4.1): the content type in the clear,
 *    23 = application_data;
 *  - DTLS 1.3 (RFC 9147 §4): the unified header 001CSLEE hides the content
 *    type, but its two epoch bits (EE) tell the handshake epoch (2) from
 *    the application epochs (3, and 4, 5, ... after KeyUpdate), and the
 *    length tells the few protected ACK and alert records of the
 *    application epoch from SCTP packets: an SCTP packet is a 12-byte
 *    common header and chunks padded to 4 bytes (RFC 9260 §3), so its
 *    DTLSCiphertext is 4k + 1 (the inner content type) + the AEAD tag
 *    (16 bytes for AES-GCM and ChaCha20-Poly1305, 8 for AES-CCM-8): 1
 *    modulo 4. An ACK (RFC 9147 §7: a 2-byte length and 16-byte record
 *    numbers) is 2 + 16n + 1 + tag and an alert 2 + 1 + tag: 3 modulo 4.
 *    Anything else (a KeyUpdate, padded plaintext) is not counted.
 * Epoch 0 never uses the unified header and epoch 1 is 0-RTT data, which
 * WebRTC does not use, so EE 0 and 1 are application epochs 4 and 5.
 *
 * Pure C, no epan.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#ifndef WRTC_DTLS_RECORDS_H
#define WRTC_DTLS_RECORDS_H

#include <stddef.h>
#include <stdint.h>

typedef struct {
    uint16_t app_records;   /* records carrying application data (SCTP) */
    uint32_t app_bytes;     /* their lengths on the wire, record header included */
    uint16_t other_records; /* handshake, alert, ACK, change_cipher_spec records */
    uint16_t unknown;       /* record headers the capture cut away (snaplen) */
} wrtc_dtls_records_t;

/* Walk the records of one DTLS datagram `p` (`len` bytes captured of
 * `wire_len`) and count them into `out` (added to what it holds). Records
 * are walked as wrtc_dtls_valid() walks them; call it first. */
void wrtc_dtls_count_records(const uint8_t *p, size_t len, size_t wire_len,
                             wrtc_dtls_records_t *out);

#endif
