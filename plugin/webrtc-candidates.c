/* webrtc-candidates.c — unclaimed RTP candidates in a compact bounded table.
 *
 * A UDP 5-tuple whose first datagram is RTP-shaped and has no context
 * (no STUN/DTLS/ZRTP before it, no SRTP key that authenticates it) is
 * claimed, if ever, only once later packets corroborate it. Most such
 * 5-tuples in a flood (one packet each) never get a second packet, so the
 * full per-flow state (webrtc_flow_t, ~0.7 KiB with its conversation data)
 * is made only when the second packet arrives: until then the first
 * packet waits here in 64 bytes (its RTP header fields, time, frame, the
 * first 4 payload bytes the tracker's RFC 4733 check reads). The table
 * holds at most WEBRTC_MAX_CANDIDATES; when full the oldest is forgotten
 * (a ring), the first time with the session model's flow-cap expert info
 * (webrtc.cap.flows) on that frame. First pass only: on later passes the
 * flows made on the first exist or the packet was not ours.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#include "webrtc-plugin.h"

#include <string.h>
#include <epan/conversation.h>
#include <epan/address_types.h>

#include "webrtc-candidates.h"
#include "webrtc-srtp.h"

static GHashTable *index_of;     /* conversation -> ring slot + 1 */
static webrtc_candidate_t *ring;
static guint32 ring_head, ring_count;
static guint32 cap_frame;
static guint32 held;

static guint32 addr_hash(const address *a)
{
    return add_address_to_hash(0, a);
}

gboolean webrtc_candidate_same_sender(const webrtc_candidate_t *c, const packet_info *pinfo)
{
    return c->src_port == pinfo->srcport && c->src_hash == addr_hash(&pinfo->src);
}

static void forget_slot(guint32 slot)
{
    webrtc_candidate_t *c = &ring[slot];
    if (c->conv) {
        g_hash_table_remove(index_of, c->conv);
        c->conv = NULL;
        held--;
    }
}

webrtc_cand_ret_t webrtc_candidate_offer(tvbuff_t *tvb, packet_info *pinfo,
                                         webrtc_candidate_t *out)
{
    conversation_t *conv;
    gpointer v;
    size_t len = tvb_captured_length(tvb), wire = tvb_reported_length(tvb);
    const guint8 *p;
    wrtc_rtp_hdr_t h;
    webrtc_candidate_t *c;

    if (PINFO_FD_VISITED(pinfo) || pinfo->ptype != PT_UDP)
        return WEBRTC_CAND_NONE;
    conv = find_conversation_pinfo(pinfo, 0);
    if (!conv)
        return WEBRTC_CAND_NONE;
    if (index_of && (v = g_hash_table_lookup(index_of, conv)) != NULL) {
        guint32 slot = GPOINTER_TO_UINT(v) - 1;
        *out = ring[slot];
        forget_slot(slot);
        return WEBRTC_CAND_PROMOTE;
    }
    /* Only what the demultiplexer would do nothing with but start a
     * tracker: an RTP-class packet whose header parses (SRTP-tolerant, as
     * on an undecided flow), with corroboration on and no key that
     * authenticates it (that would claim it at once). */
    if (!webrtc_prefs.corroborate || len == 0)
        return WEBRTC_CAND_NONE;
    p = tvb_get_ptr(tvb, 0, (gint)len);
    if (wrtc_classify(p, len) != WRTC_CLASS_RTP ||
        wrtc_rtp_parse(p, len, wire, TRUE, &h) != WRTC_RTP_OK)
        return WEBRTC_CAND_NONE;
    if (webrtc_srtp_authenticates(tvb, pinfo))
        return WEBRTC_CAND_NONE;
    if (!index_of) {
        index_of = g_hash_table_new(g_direct_hash, g_direct_equal);
        ring = g_new0(webrtc_candidate_t, WEBRTC_MAX_CANDIDATES);
    }
    if (ring_count == WEBRTC_MAX_CANDIDATES) {
        if (ring[ring_head].conv && !cap_frame)
            cap_frame = pinfo->num;
        forget_slot(ring_head);
        ring_head = (ring_head + 1) % WEBRTC_MAX_CANDIDATES;
        ring_count--;
    }
    {
        guint32 slot = (ring_head + ring_count) % WEBRTC_MAX_CANDIDATES;
        c = &ring[slot];
        memset(c, 0, sizeof *c);
        c->conv = conv;
        c->frame = pinfo->num;
        c->bytes = pinfo->fd->pkt_len;
        c->t_rel = nstime_to_sec(&pinfo->rel_ts);
        c->t_abs = nstime_to_sec(&pinfo->abs_ts);
        c->ssrc = h.ssrc;
        c->ts = h.ts;
        c->payload_len = (guint32)h.payload_len;
        c->seq = h.seq;
        c->src_port = (guint16)pinfo->srcport;
        c->src_hash = addr_hash(&pinfo->src);
        c->pt = h.pt;
        c->marker = h.marker;
        c->header_cut = h.header_cut;
        if (!h.header_cut) {
            c->cap4 = (guint8)MIN(h.payload_captured, 4);
            memcpy(c->pay4, p + h.header_len, c->cap4);
        }
        ring_count++;
        held++;
        g_hash_table_insert(index_of, conv, GUINT_TO_POINTER(slot + 1));
    }
    return WEBRTC_CAND_HELD;
}

guint32 webrtc_candidates_cap_frame(void)
{
    return cap_frame;
}

guint32 webrtc_candidates_held(void)
{
    return held;
}

static void candidates_init(void)
{
    ring_head = ring_count = held = 0;
}

static void candidates_cleanup(void)
{
    if (index_of)
        g_hash_table_destroy(index_of);
    g_free(ring);
    index_of = NULL;
    ring = NULL;
    ring_head = ring_count = held = 0;
    /* cap_frame stays for the passes of this capture; reset on a new one */
}

static void candidates_new_file(void)
{
    cap_frame = 0;
}

void webrtc_candidates_register(void)
{
    register_init_routine(candidates_new_file);
    register_init_routine(candidates_init);
    register_cleanup_routine(candidates_cleanup);
}
