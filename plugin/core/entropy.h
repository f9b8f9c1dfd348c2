/* entropy.h — are RTP payloads encrypted (SRTP) or in the clear?
 *
 * SRTP (RFC 3711) keeps the RTP header in the clear and encrypts the
 * payload, so the header alone cannot tell SRTP from RTP. Ciphertext bytes
 * are uniformly distributed; codec payloads (G.711 samples, Opus/VP8
 * payload headers, padding) are not. A chi-square test over the byte
 * histogram of a few kilobytes of payload separates the two sharply
 * (thresholds.h, WRTC_ENTROPY_*).
 *
 * Pure C, no epan includes.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#ifndef WRTC_ENTROPY_H
#define WRTC_ENTROPY_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

typedef struct {
    uint32_t hist[256];
    uint32_t total;
    uint8_t  first_seen[32];   /* bitmap of first payload bytes */
    uint32_t first_packets;    /* packets whose first byte was recorded */
    uint32_t first_distinct;
} wrtc_entropy_t;

void wrtc_entropy_init(wrtc_entropy_t *e);
/* One packet's payload (RTP header and padding removed). */
void wrtc_entropy_add(wrtc_entropy_t *e, const uint8_t *p, size_t len);
bool wrtc_entropy_ready(const wrtc_entropy_t *e);
double wrtc_entropy_chi2(const wrtc_entropy_t *e);
/* True when the bytes so far look uniformly random (ciphertext) and the
 * payloads do not start with a repeating codec header. */
/* Before the sample is complete: WRTC_ENTROPY_EARLY_PACKETS packets that
 * each start with a different byte and WRTC_ENTROPY_EARLY_BYTES uniformly
 * distributed payload bytes are already encrypted (a "not encrypted"
 * answer waits for the full sample). */
bool wrtc_entropy_early_encrypted(const wrtc_entropy_t *e);

bool wrtc_entropy_looks_encrypted(const wrtc_entropy_t *e);

#endif
