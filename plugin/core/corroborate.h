/* corroborate.h — is an unknown UDP flow carrying RTP? Evidence across
 * packets of one direction: one SSRC, sequence numbers advancing by small
 * steps, and timestamps advancing with capture time at a media clock rate.
 *
 * Pure C, no epan includes.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#ifndef WRTC_CORROBORATE_H
#define WRTC_CORROBORATE_H

#include <stdbool.h>
#include <stdint.h>

#include "demux.h"

typedef enum {
    WRTC_TRACK_STARTED = 0,  /* first packet of a (new) candidate */
    WRTC_TRACK_AGREES,       /* consistent with the packets before it */
    WRTC_TRACK_CORROBORATED, /* enough consistent packets: this is RTP */
    WRTC_TRACK_RESET         /* inconsistent: the candidate starts again */
} wrtc_track_result_t;

typedef struct {
    uint32_t ssrc;
    uint16_t last_seq;
    uint32_t first_ts;
    double   first_time;
    double   last_time;
    int64_t  ts_advance;     /* timestamp advance since the first packet (extended) */
    uint32_t last_ts;
    uint32_t agreeing;       /* packets agreeing so far, the first included */
    uint32_t clock_rate;     /* the rate that explains the advance, once known */
    bool     active;
} wrtc_track_t;

void wrtc_track_init(wrtc_track_t *t);

/* Feed one RTP-shaped packet (header already validated) seen at capture
 * time `t` seconds. */
wrtc_track_result_t wrtc_track_update(wrtc_track_t *tr, const wrtc_rtp_hdr_t *h, double t);

/* The clock rate among WRTC_CLOCK_RATES that best explains `ts_advance`
 * timestamp units over `elapsed` seconds, or 0 when none does within the
 * tolerance. `elapsed` < the jitter allowance accepts small advances only. */
uint32_t wrtc_clock_match(int64_t ts_advance, double elapsed);

#endif /* WRTC_CORROBORATE_H */
