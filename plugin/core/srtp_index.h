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
    uint8_t  searches;    /* packets tried with every ROC before one authenticated */
} wrtc_srtp_index_t;

/* A capture that starts mid-call: RFC 3711 §3.3.1 leaves the ROC of a
 * receiver joining late to the key management, and the first packet seen
 * may be 2^16 or more packets into the stream (video at 1000 packets/s wraps
 * every 65 s). The HMAC tag covers the ROC (RFC 3711 §4.2, and the GCM IV
 * holds it, RFC 7714 §8.1), so before a stream's first authenticated packet
 * its ROC can be found by trial: 0..WRTC_SRTP_ROC_SEARCH, on at most
 * WRTC_SRTP_ROC_SEARCH_PACKETS packets of the stream (a wrong key costs at
 * most that many trials, then one per packet). A false match needs a forged
 * tag: 2^-80 (2^-32 for _32 suites) per trial. */
#define WRTC_SRTP_ROC_SEARCH          64
#define WRTC_SRTP_ROC_SEARCH_PACKETS  4

/* The rollover counter v to use for a packet with sequence number seq.
 * A stream's first packet gets the initial ROC 0 (RFC 3711 §3.3.1, RFC 4568
 * and RFC 5764 start all streams there). */
uint32_t wrtc_srtp_index_guess(const wrtc_srtp_index_t *st, uint16_t seq);

/* How many ROC values to try for the next packet: 1 (the guess) once the
 * stream authenticated or its search is spent, else WRTC_SRTP_ROC_SEARCH + 1
 * (the guess 0, then 1, 2, ...: see wrtc_srtp_index_trial). */
uint32_t wrtc_srtp_index_span(const wrtc_srtp_index_t *st);

/* The ROC of trial `i` (0 <= i < span) for a packet with sequence number seq. */
uint32_t wrtc_srtp_index_trial(const wrtc_srtp_index_t *st, uint16_t seq, uint32_t i);

/* No trial authenticated: spends one of the stream's search packets. */
void wrtc_srtp_index_failed(wrtc_srtp_index_t *st);

/* Record that the packet (seq, v) authenticated. */
void wrtc_srtp_index_update(wrtc_srtp_index_t *st, uint16_t seq, uint32_t v);

#endif
