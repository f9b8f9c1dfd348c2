/* srtp_index.h — the SRTP packet index of a receiver (RFC 3711 §3.3.1,
 * Appendix A): a 32-bit rollover counter (ROC) kept per SSRC next to the
 * highest sequence number s_l, the index of a packet estimated from its
 * 16-bit sequence number. The state is only advanced after the packet
 * authenticated (§3.3.1 step 5), so forged or foreign packets cannot move it.
 *
 * Pure C, no epan includes.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#ifndef WRTC_SRTP_INDEX_H
#define WRTC_SRTP_INDEX_H

#include <stdbool.h>
#include <stdint.h>

typedef struct {
    uint32_t roc;
    uint16_t s_l;
    bool     started;     /* false until the first authenticated packet */
} wrtc_srtp_index_t;

/* The rollover counter v to use for a packet with sequence number seq.
 * A stream's first packet gets the initial ROC 0 (RFC 3711 §3.3.1, RFC 4568
 * and RFC 5764 start all streams there). */
uint32_t wrtc_srtp_index_guess(const wrtc_srtp_index_t *st, uint16_t seq);

/* Record that the packet (seq, v) authenticated. */
void wrtc_srtp_index_update(wrtc_srtp_index_t *st, uint16_t seq, uint32_t v);

#endif
