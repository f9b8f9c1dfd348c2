/* datachannel.c — per-association data channel accounting, see datachannel.h.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#include "datachannel.h"

#include <stdio.h>
#include <string.h>

wrtc_dc_assoc_t *wrtc_dc_new(void)
{
    wrtc_dc_assoc_t *a = g_new0(wrtc_dc_assoc_t, 1);
    a->channels = g_ptr_array_new();
    return a;
}

static void channel_free(gpointer p)
{
    wrtc_dc_channel_t *c = (wrtc_dc_channel_t *)p;
    g_free(c->label);
    g_free(c->protocol);
    g_free(c);
}

void wrtc_dc_free(wrtc_dc_assoc_t *a)
{
    guint i;
    if (!a)
        return;
    for (i = 0; i < a->channels->len; i++)
        channel_free(g_ptr_array_index(a->channels, i));
    g_ptr_array_free(a->channels, TRUE);
    g_free(a);
}

bool wrtc_dc_ppid_is_message(uint32_t ppid)
{
    /* RFC 8831 §6.6/§8: String, Binary, and their Empty forms. The
     * deprecated Partial PPIDs (52, 54) mark fragments of a message whose
     * last part has PPID 51 or 53, and DCEP (50) is channel control. */
    return ppid == WRTC_PPID_STRING || ppid == WRTC_PPID_BINARY ||
           ppid == WRTC_PPID_STRING_EMPTY || ppid == WRTC_PPID_BINARY_EMPTY;
}

static bool user_data(uint32_t ppid)
{
    return ppid == WRTC_PPID_STRING || ppid == WRTC_PPID_BINARY ||
           ppid == WRTC_PPID_BINARY_PARTIAL || ppid == WRTC_PPID_STRING_PARTIAL;
}

/* RFC 9260 §6.3.3: a retransmitted DATA chunk keeps its TSN. Serial
 * arithmetic (RFC 1982) on 32 bits; a TSN further back than the window is
 * taken for a retransmission too (it was counted when it was new). */
static bool tsn_new(wrtc_dc_assoc_t *a, int d, uint32_t tsn)
{
    uint32_t diff;
    if (!a->have_tsn[d]) {
        a->have_tsn[d] = true;
        a->max_tsn[d] = tsn;
        memset(a->seen[d], 0, sizeof a->seen[d]);
        a->seen[d][(tsn % WRTC_DC_TSN_WINDOW) / 64] |= 1ull << (tsn % 64);
        return true;
    }
    diff = tsn - a->max_tsn[d];
    if (diff != 0 && diff < 0x80000000u) {
        /* ahead: clear the bits of the TSNs skipped over */
        uint32_t i, n = diff < WRTC_DC_TSN_WINDOW ? diff : WRTC_DC_TSN_WINDOW;
        for (i = 1; i <= n; i++) {
            uint32_t t = a->max_tsn[d] + i;
            a->seen[d][(t % WRTC_DC_TSN_WINDOW) / 64] &= ~(1ull << (t % 64));
        }
        a->max_tsn[d] = tsn;
        a->seen[d][(tsn % WRTC_DC_TSN_WINDOW) / 64] |= 1ull << (tsn % 64);
        return true;
    }
    diff = a->max_tsn[d] - tsn;
    if (diff >= WRTC_DC_TSN_WINDOW)
        return false;
    if (a->seen[d][(tsn % WRTC_DC_TSN_WINDOW) / 64] & (1ull << (tsn % 64)))
        return false;
    a->seen[d][(tsn % WRTC_DC_TSN_WINDOW) / 64] |= 1ull << (tsn % 64);
    return true;
}

static wrtc_dc_channel_t *channel_of(wrtc_dc_assoc_t *a, uint16_t sid)
{
    guint i;
    wrtc_dc_channel_t *c;
    for (i = 0; i < a->channels->len; i++) {
        c = (wrtc_dc_channel_t *)g_ptr_array_index(a->channels, i);
        if (c->sid == sid)
            return c;
    }
    if (a->channels->len >= WRTC_DC_MAX_CHANNELS)
        return NULL;
    c = g_new0(wrtc_dc_channel_t, 1);
    c->sid = sid;
    g_ptr_array_add(a->channels, c);
    return c;
}

static char *text(const char *s)
{
    size_t n = s ? strlen(s) : 0;
    return g_strndup(s ? s : "", n > WRTC_DC_MAX_TEXT ? WRTC_DC_MAX_TEXT : n);
}

bool wrtc_dc_add(wrtc_dc_assoc_t *a, int dir, uint32_t frame, double t, const wrtc_dc_chunk_t *in)
{
    wrtc_dc_channel_t *c;
    wrtc_dc_chunk_t chunk = *in;
    const wrtc_dc_chunk_t *ch = &chunk;
    int d = dir ? 1 : 0;
    if (!tsn_new(a, d, ch->tsn)) {
        a->duplicates++;
        return false;
    }
    if (!(c = channel_of(a, ch->sid))) {
        a->dropped++;
        return true;
    }
    if (!c->first_frame) {
        c->first_frame = frame;
        c->first_t = t;
    }
    /* I-DATA: only a message's first fragment names its PPID; WebRTC
     * stacks do not interleave messages of one stream and direction. */
    if (chunk.have_ppid)
        c->frag_ppid[d] = chunk.ppid;
    else
        chunk.ppid = c->frag_ppid[d];
    c->last_t = t;
    if (ch->ppid == WRTC_PPID_DCEP) {
        /* RFC 8832 §6: the OPEN names the channel; a second OPEN on the
         * stream (it was closed and reused) renames it. */
        if (ch->dcep_type == WRTC_DCEP_OPEN) {
            g_free(c->label);
            g_free(c->protocol);
            c->label = text(ch->label);
            c->protocol = text(ch->protocol);
            c->channel_type = ch->channel_type;
            c->reliability = ch->reliability;
            c->have_open = true;
            c->open_frame = frame;
        } else if (ch->dcep_type == WRTC_DCEP_ACK && !c->ack_frame) {
            c->ack_frame = frame;
        }
        return true;
    }
    if (user_data(ch->ppid))
        c->bytes[d] += ch->len;
    if (ch->end && wrtc_dc_ppid_is_message(ch->ppid))
        c->messages[d]++;
    return true;
}

bool wrtc_dc_ordered(const wrtc_dc_channel_t *c)
{
    /* RFC 8832 §5.1: the high bit of the channel type is "unordered". */
    return !(c->channel_type & 0x80);
}

void wrtc_dc_reliability(const wrtc_dc_channel_t *c, char *buf, size_t len)
{
    if (!c->have_open)
        snprintf(buf, len, "%s", "");
    else if ((c->channel_type & 0x7f) == 0x01)
        snprintf(buf, len, "max_retransmits %u", c->reliability);
    else if ((c->channel_type & 0x7f) == 0x02)
        snprintf(buf, len, "max_lifetime_ms %u", c->reliability);
    else
        snprintf(buf, len, "%s", "reliable");
}
