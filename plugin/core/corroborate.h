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

/* What corroborated a track (its evidence). */
typedef enum {
    WRTC_CORR_NONE = 0,
    WRTC_CORR_CLOCK,         /* timestamps advancing at a media clock */
    WRTC_CORR_BURST,         /* one video frame: equal-sized fragments in sequence */
    WRTC_CORR_EVENT          /* RFC 4733 event updates: durations at a media clock */
} wrtc_corr_how_t;

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
    /* Packets that share the first packet's timestamp (one video frame, one
     * RFC 4733 event) say nothing about the clock by their timestamps; what
     * they show instead: */
    bool     steps_exact;    /* every sequence step +1 */
    bool     one_pt;         /* every packet the first one's payload type */
    uint8_t  pt;
    uint32_t len_min, len_max; /* payload lengths on the wire */
    bool     event_ok;       /* every payload a 4-byte event block of one event */
    uint8_t  event_code;
    bool     event_end;
    uint16_t first_duration, last_duration;
    uint32_t event_rate;     /* the clock that explains the durations (0: none yet) */
    uint8_t  how;            /* wrtc_corr_how_t, once corroborated */
} wrtc_track_t;

void wrtc_track_init(wrtc_track_t *t);

/* Feed one RTP-shaped packet (header already validated) seen at capture
 * time `t` seconds; `payload` (may be NULL) holds the `captured` payload
 * bytes that are in the capture (RFC 4733 event blocks are read from it). */
wrtc_track_result_t wrtc_track_update(wrtc_track_t *tr, const wrtc_rtp_hdr_t *h,
                                      const uint8_t *payload, size_t captured, double t);

/* The evidence of a corroborated track, e.g. "SSRC 0x1a2b3c4d: 4 packets in
 * sequence, timestamps advancing at 48000 Hz". */
void wrtc_track_evidence(const wrtc_track_t *tr, char *buf, size_t len);

/* The clock rate among WRTC_CLOCK_RATES that best explains `ts_advance`
 * timestamp units over `elapsed` seconds, or 0 when none does within the
 * tolerance. `elapsed` < the jitter allowance accepts small advances only. */
uint32_t wrtc_clock_match(int64_t ts_advance, double elapsed);

#endif /* WRTC_CORROBORATE_H */
