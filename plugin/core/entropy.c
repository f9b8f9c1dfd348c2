/* entropy.c — see entropy.h.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#include "entropy.h"
#include "thresholds.h"

#include <string.h>

void wrtc_entropy_init(wrtc_entropy_t *e)
{
    memset(e, 0, sizeof *e);
}

void wrtc_entropy_add(wrtc_entropy_t *e, const uint8_t *p, size_t len)
{
    size_t i;
    if (len > 0 && e->first_packets < WRTC_ENTROPY_FIRST_BYTES) {
        uint8_t b = p[0];
        if (!(e->first_seen[b / 8] & (1u << (b % 8)))) {
            e->first_seen[b / 8] |= (uint8_t)(1u << (b % 8));
            e->first_distinct++;
        }
        e->first_packets++;
    }
    /* Only the first bytes matter; stop counting once the sample is full so
     * the cost per flow is bounded. */
    for (i = 0; i < len && e->total < WRTC_ENTROPY_MIN_BYTES; i++) {
        e->hist[p[i]]++;
        e->total++;
    }
}

bool wrtc_entropy_ready(const wrtc_entropy_t *e)
{
    return e->total >= WRTC_ENTROPY_MIN_BYTES && e->first_packets >= WRTC_ENTROPY_FIRST_BYTES;
}

double wrtc_entropy_chi2(const wrtc_entropy_t *e)
{
    double expect = e->total / 256.0, chi2 = 0;
    int i;
    if (e->total == 0)
        return 0;
    for (i = 0; i < 256; i++) {
        double d = e->hist[i] - expect;
        chi2 += d * d / expect;
    }
    return chi2;
}

bool wrtc_entropy_early_encrypted(const wrtc_entropy_t *e)
{
    /* Short flows (a messenger's path change, a call's first second): a
     * smaller sample suffices to say "encrypted" when nearly every packet so
     * far starts with a different byte (at most one in eight repeats one),
     * which no codec header does. */
    return e->first_packets >= WRTC_ENTROPY_EARLY_PACKETS &&
           (e->first_packets - e->first_distinct) * 8 <= e->first_packets &&
           e->total >= WRTC_ENTROPY_EARLY_BYTES &&
           wrtc_entropy_chi2(e) < WRTC_ENTROPY_CHI2_RANDOM;
}

bool wrtc_entropy_looks_encrypted(const wrtc_entropy_t *e)
{
    return wrtc_entropy_ready(e) && wrtc_entropy_chi2(e) < WRTC_ENTROPY_CHI2_RANDOM &&
           e->first_distinct >= WRTC_ENTROPY_FIRST_DISTINCT;
}
