/* corroborate.c — see corroborate.h.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#include "corroborate.h"
#include "thresholds.h"

#include "rfc4733.h"

#include <math.h>
#include <stdio.h>
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

/* One RFC 4733 event block (RFC 4733 §2.3): event, E|R|volume, duration.
 * Only a payload of exactly one block, fully captured, counts. */
static bool event_block(const wrtc_rtp_hdr_t *h, const uint8_t *payload, size_t captured,
                        uint8_t *code, bool *end, uint16_t *duration)
{
    if (!payload || h->header_cut || h->payload_len != 4 || captured < 4)
        return false;
    if (!wrtc_event_code_known(payload[0]) || (payload[1] & 0x40))
        return false;
    *code = payload[0];
    *end = (payload[1] & 0x80) != 0;
    *duration = (uint16_t)((payload[2] << 8) | payload[3]);
    return true;
}

static void track_start(wrtc_track_t *tr, const wrtc_rtp_hdr_t *h, const uint8_t *payload,
                        size_t captured, double t)
{
    tr->active = true;
    tr->ssrc = h->ssrc;
    tr->last_seq = h->seq;
    tr->first_ts = tr->last_ts = h->ts;
    tr->first_time = tr->last_time = t;
    tr->ts_advance = 0;
    tr->agreeing = 1;
    tr->clock_rate = 0;
    tr->steps_exact = true;
    tr->one_pt = true;
    tr->pt = h->pt;
    tr->len_min = tr->len_max = (uint32_t)h->payload_len;
    tr->event_ok = event_block(h, payload, captured, &tr->event_code, &tr->event_end,
                               &tr->first_duration);
    tr->last_duration = tr->first_duration;
    tr->event_rate = 0;
    tr->how = WRTC_CORR_NONE;
}

/* Packets that keep the first packet's timestamp. RFC 4733 §2.5.1.3: the
 * updates of one event keep its timestamp while the duration grows with the
 * media clock, and the end packet is repeated (§2.5.1.4); a packetizer sends
 * a video frame as fragments of (nearly) equal size, one sequence number
 * each, sharing the frame's timestamp (RFC 3550 §5.1). */
static void same_timestamp(wrtc_track_t *tr, const wrtc_rtp_hdr_t *h, const uint8_t *payload,
                           size_t captured, double t)
{
    uint8_t code;
    bool end;
    uint16_t duration;
    if ((uint32_t)h->payload_len < tr->len_min)
        tr->len_min = (uint32_t)h->payload_len;
    if ((uint32_t)h->payload_len > tr->len_max)
        tr->len_max = (uint32_t)h->payload_len;
    if (!tr->event_ok)
        return;
    if (!event_block(h, payload, captured, &code, &end, &duration) || code != tr->event_code ||
        duration < tr->last_duration || (tr->event_end && !end)) {
        tr->event_ok = false;
        return;
    }
    tr->event_end = end;
    if (duration > tr->last_duration) {
        tr->last_duration = duration;
        /* Events go with audio: its clocks, at most 48 kHz (RFC 4733 §2.3.5). */
        tr->event_rate = wrtc_clock_match((int64_t)(duration - tr->first_duration),
                                          t - tr->first_time);
        if (!tr->event_rate || tr->event_rate > 48000)
            tr->event_ok = false;
    }
}

/* Static payload types of video (RFC 3551 §6: JPEG 26, H261 31, MPV 32,
 * MP2T 33, H263 34): fragments of a frame by a payload format that cuts at
 * picture structures (RFC 2190 GOBs, RFC 2435 scan lines), not to equal
 * sizes. */
static bool static_video_pt(uint8_t pt)
{
    return pt == 26 || (pt >= 31 && pt <= 34);
}

wrtc_track_result_t wrtc_track_update(wrtc_track_t *tr, const wrtc_rtp_hdr_t *h,
                                      const uint8_t *payload, size_t captured, double t)
{
    uint16_t step;
    int32_t ts_step;

    if (!tr->active) {
        track_start(tr, h, payload, captured, t);
        return WRTC_TRACK_STARTED;
    }
    if (h->ssrc != tr->ssrc || t - tr->last_time > WRTC_TRACK_MAX_GAP_S || t < tr->first_time) {
        track_start(tr, h, payload, captured, t);
        return WRTC_TRACK_RESET;
    }
    step = (uint16_t)(h->seq - tr->last_seq);
    if (step == 0 && h->ts == tr->last_ts) {
        /* A duplicate (a retransmitted RFC 4733 end packet, a network
         * duplicate): it neither advances nor disproves the track. */
        return tr->how ? WRTC_TRACK_CORROBORATED : WRTC_TRACK_AGREES;
    }
    if (step == 0 || (step > WRTC_MAX_SEQ_STEP && step < (uint16_t)(0x10000 - WRTC_MAX_SEQ_BACKSTEP))) {
        track_start(tr, h, payload, captured, t);
        return WRTC_TRACK_RESET;
    }
    if (step > WRTC_MAX_SEQ_STEP) {
        /* A late packet: it neither advances nor disproves the track. */
        return tr->how ? WRTC_TRACK_CORROBORATED : WRTC_TRACK_AGREES;
    }
    /* Timestamps (RFC 3550 §5.1) advance by the media clock; consecutive
     * video packets of one frame share a timestamp. A step backwards larger
     * than a B-frame reorder is not RTP of one source. */
    ts_step = (int32_t)(h->ts - tr->last_ts);
    if (ts_step < 0) {
        track_start(tr, h, payload, captured, t);
        return WRTC_TRACK_RESET;
    }
    if (step != 1)
        tr->steps_exact = false;
    if (h->pt != tr->pt)
        tr->one_pt = false;
    if (tr->ts_advance + ts_step == 0)
        same_timestamp(tr, h, payload, captured, t);
    tr->ts_advance += ts_step;
    tr->last_ts = h->ts;
    tr->last_seq = h->seq;
    tr->last_time = t;
    if (tr->ts_advance > 0) {
        tr->clock_rate = wrtc_clock_match(tr->ts_advance, t - tr->first_time);
        if (tr->clock_rate == 0) {
            track_start(tr, h, payload, captured, t);
            return WRTC_TRACK_RESET;
        }
    }
    tr->agreeing++;
    if (tr->how)
        return WRTC_TRACK_CORROBORATED;
    if (tr->agreeing < WRTC_CORROBORATE_PACKETS)
        return WRTC_TRACK_AGREES;
    if (tr->ts_advance > 0)
        tr->how = WRTC_CORR_CLOCK;
    else if (tr->steps_exact && tr->event_ok && tr->event_rate)
        tr->how = WRTC_CORR_EVENT;
    else if (tr->steps_exact && tr->one_pt && tr->len_min >= WRTC_BURST_MIN_PAYLOAD &&
             (tr->len_max - tr->len_min <= WRTC_BURST_SIZE_SPREAD || static_video_pt(tr->pt)) &&
             t - tr->first_time <= WRTC_BURST_MAX_S)
        tr->how = WRTC_CORR_BURST;
    return tr->how ? WRTC_TRACK_CORROBORATED : WRTC_TRACK_AGREES;
}

void wrtc_track_evidence(const wrtc_track_t *tr, char *buf, size_t len)
{
    switch ((wrtc_corr_how_t)tr->how) {
    case WRTC_CORR_EVENT:
        snprintf(buf, len, "SSRC 0x%08x: %u RFC 4733 event packets in sequence, durations "
                 "advancing at %u Hz", tr->ssrc, tr->agreeing, tr->event_rate);
        return;
    case WRTC_CORR_BURST:
        snprintf(buf, len, "SSRC 0x%08x: %u packets in sequence of one frame, payloads of "
                 "%u-%u bytes (%s)", tr->ssrc, tr->agreeing, tr->len_min, tr->len_max,
                 tr->len_max - tr->len_min <= WRTC_BURST_SIZE_SPREAD
                 ? "a packetizer's fragments" : "static video payload type, RFC 3551 §6");
        return;
    case WRTC_CORR_CLOCK:
    case WRTC_CORR_NONE:
        break;
    }
    snprintf(buf, len, "SSRC 0x%08x: %u packets in sequence, timestamps advancing at %u Hz",
             tr->ssrc, tr->agreeing, tr->clock_rate);
}
