/* srtcp_layout.c — see srtcp_layout.h.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#include "srtcp_layout.h"

#include <string.h>

const uint8_t wrtc_srtcp_tail_len[WRTC_SRTCP_CANDIDATES] = { 0, 10 };

void wrtc_srtcp_layout_init(wrtc_srtcp_layout_t *l)
{
    memset(l, 0, sizeof *l);
    l->decided = -1;
}

static wrtc_srtcp_sender_t *sender_slot(wrtc_srtcp_layout_t *l, uint32_t ssrc, bool *fresh)
{
    wrtc_srtcp_sender_t *s;
    int i;
    for (i = 0; i < WRTC_SRTCP_SENDERS; i++) {
        if (l->sender[i].used && l->sender[i].ssrc == ssrc) {
            *fresh = false;
            return &l->sender[i];
        }
    }
    s = &l->sender[l->next_slot];
    l->next_slot = (l->next_slot + 1) % WRTC_SRTCP_SENDERS;
    memset(s, 0, sizeof *s);
    s->used = true;
    s->ssrc = ssrc;
    *fresh = true;
    return s;
}

int wrtc_srtcp_layout_update(wrtc_srtcp_layout_t *l, const uint8_t *p, size_t len)
{
    wrtc_srtcp_sender_t *s;
    bool fresh;
    uint32_t ssrc;
    int c;
    if (l->decided >= 0 || len < 8 + 4 + 10)
        return l->decided;
    ssrc = ((uint32_t)p[4] << 24) | ((uint32_t)p[5] << 16) | ((uint32_t)p[6] << 8) | p[7];
    s = sender_slot(l, ssrc, &fresh);
    for (c = 0; c < WRTC_SRTCP_CANDIDATES; c++) {
        size_t off = len - 4 - wrtc_srtcp_tail_len[c];
        uint32_t w = ((uint32_t)p[off] << 24) | ((uint32_t)p[off + 1] << 16) |
                     ((uint32_t)p[off + 2] << 8) | p[off + 3];
        uint32_t idx = w & 0x7FFFFFFFu;
        bool e = (w & 0x80000000u) != 0;
        /* RFC 3711 §3.3.2: the index starts at 0 and increments by one per
         * packet of a sender; allow a few lost packets between two we see. */
        if (!e)
            l->agree[c] = 0;
        else if (!fresh && idx > s->last_index[c] && idx - s->last_index[c] <= 8)
            l->agree[c]++;
        s->last_index[c] = idx;
    }
    for (c = 0; c < WRTC_SRTCP_CANDIDATES; c++) {
        if (l->agree[c] >= WRTC_SRTCP_AGREE) {
            l->decided = c;
            break;
        }
    }
    return l->decided;
}
