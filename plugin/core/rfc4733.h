/* rfc4733.h — does a payload type carry RFC 4733 telephone events?
 *
 * Wireshark decodes RTP payload type 101 (and Cisco NSE 100) as events
 * whenever no SDP says otherwise, which in WebRTC is usually video or RTX.
 * This validator watches one payload type of one flow and says "events"
 * only when its packets behave like RFC 4733 §2.3/§2.5 events: one 4-byte
 * event block (or RFC 2198 redundancy of them), a known event code, the
 * reserved bit clear, one RTP timestamp per event with non-decreasing
 * durations, an end bit, and the low packet rate of event updates.
 *
 * Pure C, no epan includes.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#ifndef WRTC_RFC4733_H
#define WRTC_RFC4733_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

typedef enum {
    WRTC_EVENTS_UNDECIDED = 0,
    WRTC_EVENTS_YES,
    WRTC_EVENTS_NO
} wrtc_events_verdict_t;

typedef struct {
    uint8_t  pt;
    wrtc_events_verdict_t verdict;
    uint32_t packets;        /* valid event packets seen */
    uint32_t events;         /* distinct events (RTP timestamps) */
    uint32_t end_bits;       /* packets with the E bit */
    uint32_t end_repeats;    /* repeated final packets (§2.5.1.4), sent back to back */
    uint32_t cur_ts;
    uint16_t cur_duration;
    bool     cur_ended;
    double   first_time;
    double   last_time;
    const char *reason;      /* why it was rejected (static string) */
    uint32_t decided_frame;  /* caller's frame number of the decision */
} wrtc_events_t;

void wrtc_events_init(wrtc_events_t *e, uint8_t pt);

/* True if `code` is an event code RFC 4733/4734 define: DTMF 0-15, flash 16,
 * data/fax/modem tones 32-49 and line/trunk tones 64-? up to 255 are not
 * accepted to keep false positives low. */
bool wrtc_event_code_known(uint8_t code);

/* Check one packet's payload (after the RTP header, padding removed) with
 * the packet's RTP timestamp and capture time. Returns the verdict so far. */
wrtc_events_verdict_t wrtc_events_update(wrtc_events_t *e, const uint8_t *payload,
                                         size_t len, uint32_t rtp_ts, double t,
                                         uint32_t frame);

#endif /* WRTC_RFC4733_H */
