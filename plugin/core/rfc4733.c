/* rfc4733.c — see rfc4733.h.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#include "rfc4733.h"
#include "thresholds.h"

#include <string.h>

void wrtc_events_init(wrtc_events_t *e, uint8_t pt)
{
    memset(e, 0, sizeof *e);
    e->pt = pt;
}

bool wrtc_event_code_known(uint8_t code)
{
    /* RFC 4733 §3.2 DTMF 0-9 * # A-D (0-15) and flash (16); RFC 4734 §3
     * modem/fax tones 32-49. */
    return code <= 16 || (code >= 32 && code <= 49);
}

static wrtc_events_verdict_t reject(wrtc_events_t *e, const char *why, uint32_t frame)
{
    e->verdict = WRTC_EVENTS_NO;
    e->reason = why;
    e->decided_frame = frame;
    return e->verdict;
}

/* The primary (last) 4-byte event block of an RFC 4733 payload, either
 * alone or after RFC 2198 redundancy headers whose blocks are all events. */
static const uint8_t *primary_block(const uint8_t *p, size_t len, const char **why)
{
    size_t off = 0, data = 0;
    if (len == 4)
        return p;
    /* RFC 2198 §3: 4-byte headers with F=1 (PT, ts offset, block length),
     * then a 1-byte header with F=0, then the blocks in order. */
    while (off < len && (p[off] & 0x80)) {
        size_t blen;
        if (off + 4 > len) {
            *why = "truncated RFC 2198 header";
            return NULL;
        }
        blen = (size_t)((p[off + 2] & 0x03) << 8) | p[off + 3];
        if (blen != 4) {
            *why = "redundant block is not a 4-byte event";
            return NULL;
        }
        data += blen;
        off += 4;
    }
    if (off == 0) {
        *why = "payload is not one 4-byte event block";
        return NULL;
    }
    off += 1; /* the final 1-byte header */
    if (off + data + 4 != len) {
        *why = "RFC 2198 block lengths do not add up";
        return NULL;
    }
    return p + len - 4;
}

wrtc_events_verdict_t wrtc_events_update(wrtc_events_t *e, const uint8_t *p, size_t len,
                                         uint32_t rtp_ts, double t, uint32_t frame)
{
    const uint8_t *b;
    const char *why = NULL;
    uint16_t duration;
    bool end;

    if (e->verdict == WRTC_EVENTS_NO)
        return e->verdict;
    if (len == 0)
        return e->verdict; /* padding-only packets say nothing */
    if (len > WRTC_EVENT_MAX_PAYLOAD)
        return reject(e, "payload too large for an event", frame);
    b = primary_block(p, len, &why);
    if (!b)
        return reject(e, why, frame);
    if (!wrtc_event_code_known(b[0]))
        return reject(e, "unknown event code", frame);
    if (b[1] & 0x40)
        return reject(e, "reserved bit set", frame);
    end = (b[1] & 0x80) != 0;
    duration = (uint16_t)((b[2] << 8) | b[3]);

    if (e->packets == 0) {
        e->first_time = t;
    } else if (rtp_ts == e->cur_ts) {
        /* Updates of one event: duration never shrinks (§2.5.1.3), and once
         * ended only the end packet is repeated (§2.5.1.4). */
        if (duration < e->cur_duration)
            return reject(e, "event duration decreases", frame);
        if (e->cur_ended && !end)
            return reject(e, "event continues after its end bit", frame);
    }
    if (e->packets > 0 && rtp_ts == e->cur_ts && end && e->cur_ended &&
        duration == e->cur_duration) {
        /* RFC 4733 §2.5.1.4: the final packet is sent three times, often
         * within a millisecond (Firefox): a repeat is no update and does
         * not count for the update rate below. */
        e->end_repeats++;
    } else {
        if (e->packets == 0 || rtp_ts != e->cur_ts) {
            e->events++;
            e->cur_ts = rtp_ts;
        }
        e->cur_duration = duration;
        e->cur_ended = end;
        e->last_time = t;
    }
    e->end_bits += end;
    e->packets++;

    if (e->packets >= WRTC_EVENT_MIN_PACKETS && e->end_bits > 0) {
        uint32_t updates = e->packets - e->end_repeats;
        double mean = updates > 1 ? (e->last_time - e->first_time) / (updates - 1) : 1.0;
        if (mean < WRTC_EVENT_MIN_INTERVAL_S)
            return reject(e, "packet rate too high for event updates", frame);
        e->verdict = WRTC_EVENTS_YES;
        e->decided_frame = frame;
    }
    return e->verdict;
}
