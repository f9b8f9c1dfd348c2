/* corroborate.c — see corroborate.h.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#include "corroborate.h"
#include "thresholds.h"

#include <math.h>
#include <string.h>

void wrtc_track_init(wrtc_track_t *t)
{
    memset(t, 0, sizeof *t);
}

uint32_t wrtc_clock_match(int64_t ts_advance, double elapsed)
{
    static const uint32_t rates[WRTC_CLOCK_RATES_N] = WRTC_CLOCK_RATES;
    uint32_t best = 0;
    double best_err = 0;
    int i;
    if (ts_advance < 0 || elapsed < 0)
        return 0;
    for (i = 0; i < WRTC_CLOCK_RATES_N; i++) {
        double expect = rates[i] * elapsed;
        double err = fabs((double)ts_advance - expect);
        double allowed = rates[i] * WRTC_CLOCK_JITTER_S + WRTC_CLOCK_REL_TOLERANCE * expect;
        if (err <= allowed && (best == 0 || err / rates[i] < best_err)) {
            best = rates[i];
            best_err = err / rates[i];
        }
    }
    return best;
}

static void track_start(wrtc_track_t *tr, const wrtc_rtp_hdr_t *h, double t)
{
    tr->active = true;
    tr->ssrc = h->ssrc;
    tr->last_seq = h->seq;
    tr->first_ts = tr->last_ts = h->ts;
    tr->first_time = tr->last_time = t;
    tr->ts_advance = 0;
    tr->agreeing = 1;
    tr->clock_rate = 0;
}

wrtc_track_result_t wrtc_track_update(wrtc_track_t *tr, const wrtc_rtp_hdr_t *h, double t)
{
    uint16_t step;
    int32_t ts_step;

    if (!tr->active) {
        track_start(tr, h, t);
        return WRTC_TRACK_STARTED;
    }
    if (h->ssrc != tr->ssrc || t - tr->last_time > WRTC_TRACK_MAX_GAP_S || t < tr->first_time) {
        track_start(tr, h, t);
        return WRTC_TRACK_RESET;
    }
    step = (uint16_t)(h->seq - tr->last_seq);
    if (step == 0 || (step > WRTC_MAX_SEQ_STEP && step < (uint16_t)(0x10000 - WRTC_MAX_SEQ_BACKSTEP))) {
        track_start(tr, h, t);
        return WRTC_TRACK_RESET;
    }
    if (step > WRTC_MAX_SEQ_STEP) {
        /* A late packet: it neither advances nor disproves the track. */
        return tr->agreeing >= WRTC_CORROBORATE_PACKETS ? WRTC_TRACK_CORROBORATED
                                                        : WRTC_TRACK_AGREES;
    }
    /* Timestamps (RFC 3550 §5.1) advance by the media clock; consecutive
     * video packets of one frame share a timestamp. A step backwards larger
     * than a B-frame reorder is not RTP of one source. */
    ts_step = (int32_t)(h->ts - tr->last_ts);
    if (ts_step < 0) {
        track_start(tr, h, t);
        return WRTC_TRACK_RESET;
    }
    tr->ts_advance += ts_step;
    tr->last_ts = h->ts;
    tr->last_seq = h->seq;
    tr->last_time = t;
    tr->clock_rate = wrtc_clock_match(tr->ts_advance, t - tr->first_time);
    if (tr->clock_rate == 0) {
        track_start(tr, h, t);
        return WRTC_TRACK_RESET;
    }
    tr->agreeing++;
    /* Packets of one video frame share a timestamp: the media clock is only
     * evidence once the timestamp has moved. */
    return tr->agreeing >= WRTC_CORROBORATE_PACKETS && tr->ts_advance > 0
               ? WRTC_TRACK_CORROBORATED : WRTC_TRACK_AGREES;
}
