/* dtls_records.c — see dtls_records.h.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#include "dtls_records.h"

#define DTLS_CT_APPLICATION_DATA 23   /* RFC 6347 §4.1, RFC 8446 §5.1 */

static uint16_t rd16(const uint8_t *p)
{
    return (uint16_t)((p[0] << 8) | p[1]);
}

/* A DTLS 1.3 protected record of an application epoch whose ciphertext
 * (`ct_len` bytes: inner plaintext + content type + tag) can be an SCTP
 * packet: 1 modulo 4 (dtls_records.h). */
static int sctp_sized(size_t ct_len)
{
    return ct_len >= 12 + 1 + 8 && (ct_len & 3) == 1;
}

void wrtc_dtls_count_records(const uint8_t *p, size_t len, size_t wire_len,
                             wrtc_dtls_records_t *out)
{
    size_t off = 0;
    if (len > wire_len)
        len = wire_len;
    while (off < wire_len) {
        const uint8_t *r = p + off;
        size_t left = wire_len - off, have = off < len ? len - off : 0;
        uint8_t t;
        if (have == 0) {
            out->unknown++;
            return;
        }
        t = r[0];
        if (t >= 20 && t <= 25) {
            /* type(1) version(2) epoch(2) sequence(6) length(2) */
            size_t rl;
            if (have < 13) {
                out->unknown++;
                return;
            }
            rl = rd16(r + 11);
            if (13 + rl > left)
                return;
            if (t == DTLS_CT_APPLICATION_DATA) {
                out->app_records++;
                out->app_bytes += (uint32_t)(13 + rl);
            } else {
                out->other_records++;
            }
            off += 13 + rl;
        } else if ((t & 0xE0) == 0x20) {
            /* 001CSLEE (RFC 9147 §4): C connection ID (its negotiated
             * length is not in the header: not counted), S 16-bit
             * sequence number, L length present, EE low epoch bits. */
            size_t hl = 1 + ((t & 0x08) ? 2 : 1), ct_len, rec_len;
            unsigned epoch_bits = t & 0x03;
            if (t & 0x10) {
                out->unknown++;
                return;
            }
            if (t & 0x04) {
                if (have < hl + 2) {
                    out->unknown++;
                    return;
                }
                ct_len = rd16(r + hl);
                rec_len = hl + 2 + ct_len;
                if (rec_len > left)
                    return;
            } else {
                /* No length: the record runs to the end of the datagram. */
                if (left <= hl)
                    return;
                ct_len = left - hl;
                rec_len = left;
            }
            if (epoch_bits != 2 && sctp_sized(ct_len)) {
                out->app_records++;
                out->app_bytes += (uint32_t)rec_len;
            } else {
                out->other_records++;
            }
            off += rec_len;
        } else {
            return;
        }
    }
}
