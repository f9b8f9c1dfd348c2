/* webrtc-demux.c — the per-packet path: classify a datagram by its first
 * byte (RFC 7983/9443), validate it, gather evidence about its 5-tuple and
 * hand it to Wireshark's own STUN, DTLS, ZRTP, RTP and RTCP dissectors.
 *
 * Entry points: the UDP heuristic (a 5-tuple we have not taken yet), the
 * conversation dissector (a 5-tuple we took), and the TURN heuristic (the
 * payload of a ChannelData message or Send/Data indication).
 *
 * Decisions are made on the first pass only and kept in the flow state, so
 * a second pass (tshark -2, GUI redissection) shows every packet of a media
 * flow as media, also those that came before the decisive one.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#include "webrtc-plugin.h"

#include <epan/proto_data.h>
#include <epan/exceptions.h>
#include <epan/show_exception.h>

#include "webrtc-flow.h"
#include "webrtc-dtls.h"
#include "webrtc-srtcp.h"
#include "webrtc-srtp.h"
#include "demux.h"
#include "webrtc-candidates.h"

/* Per-packet marks (pinfo->pool) that stop a payload from being counted
 * twice when our conversation dissector rejects it and the UDP heuristics
 * then offer the same tvb to us again. Keyed by the tvb: one TCP segment can
 * carry several TURN messages, each of which must be seen. */
#define MARK_OUTER WEBRTC_PDATA_MARK_OUTER
#define MARK_INNER WEBRTC_PDATA_MARK_INNER

static void mark(packet_info *pinfo, int which, tvbuff_t *tvb)
{
    p_set_proto_data(pinfo->pool, pinfo, proto_webrtc, which, tvb);
}

static gboolean marked(packet_info *pinfo, int which, tvbuff_t *tvb)
{
    return p_get_proto_data(pinfo->pool, pinfo, proto_webrtc, which) == (void *)tvb;
}

static gboolean has_context(const webrtc_flow_t *f)
{
    return f->stun_frame || f->dtls_frame || f->zrtp_frame || f->inside_turn;
}

/* The 5-tuple is on UDP port 3478 (STUN/TURN, RFC 8489 §18.6): ChannelData
 * there is TURN's without a STUN message before it in the capture (a call
 * that began before it), as for Wireshark's STUN, also once the plugin took
 * the conversation and the packet no longer comes through the port table. */
static gboolean on_turn_port(packet_info *pinfo, const webrtc_flow_t *f)
{
    return p_get_proto_data(pinfo->pool, pinfo, proto_webrtc, WEBRTC_PDATA_TURN_PORT) ||
           (f->ptype == PT_UDP && (f->port[0] == 3478 || f->port[1] == 3478));
}

/* The channel number of the ChannelData message whose payload `tvb` is:
 * the 4 bytes before the payload in the frame (RFC 8656 §12.4). */
static guint16 turn_channel_of(tvbuff_t *tvb)
{
    tvbuff_t *ds = tvb_get_ds_tvb(tvb);
    gint off = tvb_raw_offset(tvb);
    guint16 ch;
    if (!ds || ds == tvb || off < 4 || !tvb_bytes_exist(ds, off - 4, 4))
        return 0;
    ch = tvb_get_ntohs(ds, off - 4);
    if (ch < 0x4000 || ch > 0x4FFF || tvb_get_ntohs(ds, off - 2) != tvb_reported_length(tvb))
        return 0;
    return ch;
}

static proto_tree *add_webrtc_tree(tvbuff_t *tvb, packet_info *pinfo, proto_tree *tree,
                                   wrtc_class_t cls, const webrtc_flow_t *f, proto_item **item)
{
    proto_item *ti = proto_tree_add_item(tree, proto_webrtc, tvb, 0, 0, ENC_NA);
    proto_tree *st = proto_item_add_subtree(ti, ett_webrtc);
    proto_item *it;
    proto_item_set_generated(ti);
    it = proto_tree_add_uint(st, hf_webrtc_class, tvb, 0, 1, cls);
    proto_item_set_generated(it);
    if (f && f->media_frame) {
        it = proto_tree_add_uint(st, hf_webrtc_flow_reason, tvb, 0, 0, f->reason);
        proto_item_set_generated(it);
        it = proto_tree_add_uint(st, hf_webrtc_flow_frame, tvb, 0, 0, f->media_frame);
        proto_item_set_generated(it);
        it = proto_tree_add_boolean(st, hf_webrtc_flow_srtp, tvb, 0, 0, f->srtp);
        proto_item_set_generated(it);
    }
    if (f && f->turn_channel) {
        it = proto_tree_add_uint(st, hf_webrtc_turn_channel, tvb, 0, 0, f->turn_channel);
        proto_item_set_generated(it);
    }
    proto_item_append_text(ti, ", %s", wrtc_class_name(cls));
    webrtc_note_tree_item(pinfo, ti);
    *item = ti;
    return st;
}

/* Note a valid STUN message for the facts postdissector. */
static void note_stun_packet(packet_info *pinfo, const guint8 *p, size_t len, size_t wire)
{
    webrtc_stun_pkt_t *k = p_get_proto_data(pinfo->pool, pinfo, proto_webrtc, WEBRTC_PDATA_STUN);
    uint16_t m = wrtc_stun_method(p, len);
    if (!k) {
        k = wmem_new0(pinfo->pool, webrtc_stun_pkt_t);
        p_set_proto_data(pinfo->pool, pinfo, proto_webrtc, WEBRTC_PDATA_STUN, k);
    }
    /* Class bits C1 (0x0100) and C0 (0x0010) both 0: a request. */
    if (m == WRTC_STUN_BINDING && !(p[0] & 0x01) && !(p[1] & 0x10))
        k->binding_request = TRUE;
    if (wrtc_stun_method_is_turn(m))
        k->turn = TRUE;
    if (len < wire || len < 20) {
        k->cut = TRUE;
        /* A request this long carries credentials (MESSAGE-INTEGRITY):
         * an ICE check, whose attributes the snaplen cut. */
        if (m == WRTC_STUN_BINDING && !(p[0] & 0x01) && !(p[1] & 0x10) &&
            wire >= 20 + WRTC_ICE_CHECK_MIN_ATTRS && wrtc_stun_ice(p, len, wire) != WRTC_STUN_PLAIN)
            k->check_sized = TRUE;
    }
    if ((m == WRTC_STUN_SEND || m == WRTC_STUN_DATA) && !(p[0] & 0x01) && (p[1] & 0x10) &&
        len < wire) {
        size_t off, dlen;
        if (!wrtc_stun_data_attr(p, len, wire, &off, &dlen) || off + 20 > len)
            k->relay_cut = TRUE;   /* not even a relayed STUN header is there */
    }
}

/* A Send or Data indication the snaplen cut (RFC 8656 §10-11): Wireshark's
 * STUN dissector stops at the cut and never offers the relayed datagram to
 * the TURN heuristics, so the part of its DATA attribute that was captured
 * is demultiplexed here (the ICE checks relayed inside it, say). */
static void relay_cut_indication(tvbuff_t *tvb, packet_info *pinfo, proto_tree *tree,
                                 const guint8 *p, size_t len, size_t wire)
{
    uint16_t m = wrtc_stun_method(p, len);
    size_t off, dlen;
    tvbuff_t *data;
    if ((m != WRTC_STUN_SEND && m != WRTC_STUN_DATA) || (p[0] & 0x01) || !(p[1] & 0x10) ||
        !wrtc_stun_data_attr(p, len, wire, &off, &dlen) || off >= len || dlen == 0)
        return;
    data = tvb_new_subset_length_caplen(tvb, (gint)off, (gint)MIN(len - off, dlen), (gint)dlen);
    webrtc_heur_turn(data, pinfo, tree, NULL);
}

/* The claim, once, on the frame that made it: a media transport found by
 * its context, or RTP found without any signaling. */
static void add_claim_expert(packet_info *pinfo, proto_item *ti, const webrtc_flow_t *f)
{
    if (!f->media_frame || pinfo->num != f->media_frame || !ti)
        return;
    /* "Without signaling" only where nothing signaled the flow: not on a
     * flow that DTLS-SRTP or ZRTP keys (seen on it after the claim, known
     * on a later pass), nor on one found by a key from SDP (SDES). */
    if ((f->reason == WEBRTC_REASON_CORROBORATED ||
         (f->reason == WEBRTC_REASON_SRTP_KEY && !f->key_signaled)) &&
        !f->dtls_frame && !f->zrtp_frame)
        expert_add_info_format(pinfo, ti, &ei_webrtc_rtp_detected,
                               "RTP detected without signaling: %s", f->evidence);
    else if (!f->is_rtcp_only)
        expert_add_info_format(pinfo, ti, &ei_webrtc_media_transport,
                               "Media transport: %s", f->evidence);
}

/* SRTP or RTP, from the context of the flow (first pass). TRUE when that
 * decides it; the payloads may still decide later (judge_payloads). */
static gboolean srtp_from_context(const webrtc_flow_t *f, gboolean *srtp, const char **why)
{
    if (f->dtls_frame) {
        /* RFC 5764 §4.1: DTLS on the media 5-tuple keys SRTP. */
        *srtp = TRUE;
        *why = "DTLS-SRTP";
        return TRUE;
    }
    if (f->zrtp_frame) {
        *srtp = TRUE;            /* RFC 6189 §4.6.4: ZRTP keys SRTP */
        *why = "ZRTP";
        return TRUE;
    }
    if (!webrtc_prefs.judge_srtp) {
        *srtp = FALSE;
        *why = "payload judging off";
        return TRUE;
    }
    return FALSE;
}

/* Feed the SRTP judgement of a flow whose SRTP/RTP is not decided yet with
 * the captured payload bytes of one RTP packet; decide when enough are in. */
static void judge_payloads(packet_info *pinfo, webrtc_flow_t *f, const guint8 *payload,
                           size_t captured)
{
    gboolean srtp;
    const char *why;
    if (f->srtp_decided)
        return;
    if (srtp_from_context(f, &srtp, &why)) {
        webrtc_flow_decide_srtp(pinfo, f, srtp, why);
        return;
    }
    if (!f->entropy) {
        f->entropy = wmem_new(wmem_file_scope(), wrtc_entropy_t);
        wrtc_entropy_init(f->entropy);
    }
    wrtc_entropy_add(f->entropy, payload, captured);
    if (wrtc_entropy_early_encrypted(f->entropy) && !wrtc_entropy_ready(f->entropy)) {
        webrtc_flow_decide_srtp(pinfo, f, TRUE,
                                "payload bytes uniformly distributed, each packet's first byte different");
        return;
    }
    if (!wrtc_entropy_ready(f->entropy))
        return;
    srtp = wrtc_entropy_looks_encrypted(f->entropy);
    webrtc_flow_decide_srtp(pinfo, f, srtp,
                            srtp ? "payload bytes uniformly distributed" : "payload bytes not random");
}

static const char *context_evidence(const webrtc_flow_t *f)
{
    if (f->inside_turn)
        return wmem_strdup_printf(wmem_file_scope(), "relayed inside TURN (frame %u)%s",
                                  f->first_frame, f->dtls_frame ? " with DTLS" : "");
    if (f->dtls_frame)
        return wmem_strdup_printf(wmem_file_scope(), "5-tuple carries DTLS (frame %u)",
                                  f->dtls_frame);
    if (f->zrtp_frame)
        return wmem_strdup_printf(wmem_file_scope(), "5-tuple carries ZRTP (frame %u)",
                                  f->zrtp_frame);
    return wmem_strdup_printf(wmem_file_scope(), "5-tuple carries ICE/STUN (frame %u)",
                              f->stun_frame);
}

static webrtc_reason_t context_reason(const webrtc_flow_t *f)
{
    if (f->inside_turn)
        return WEBRTC_REASON_TURN;
    if (f->dtls_frame)
        return WEBRTC_REASON_DTLS;
    if (f->zrtp_frame)
        return WEBRTC_REASON_ZRTP;
    return WEBRTC_REASON_ICE;
}

/* First pass: a flow with context is claimed on its first context packet
 * (ICE/STUN Binding, DTLS record, ZRTP, anything inside TURN), before any
 * media, so that a one-pass run shows every media packet after it as
 * RTP/RTCP; a context packet that decides SRTP (DTLS, ZRTP) decides it. A
 * client<->TURN server 5-tuple carrying TURN methods is not a media
 * transport itself: the media inside it is (its own flow, inside_turn). */
static void claim_on_context(packet_info *pinfo, webrtc_flow_t *f, gboolean media)
{
    gboolean srtp;
    const char *why;
    if (PINFO_FD_VISITED(pinfo))
        return;
    if (srtp_from_context(f, &srtp, &why) && (f->dtls_frame || f->zrtp_frame || !f->media_frame))
        webrtc_flow_decide_srtp(pinfo, f, srtp, why);
    /* DTLS or ZRTP after the claim: its SSRCs need no confirmation any
     * more (a later pass shows all of them), so the held ones count. Only
     * on the record that changes that, not on every later context packet
     * (the held list of unconfirmed SSRCs would be walked each time). */
    if (pinfo->num == f->dtls_frame || pinfo->num == f->zrtp_frame)
        webrtc_flow_release_rtp(f, pinfo->num);
    /* `media`: an RTP/RTCP packet on the 5-tuple itself, which claims a
     * client<->TURN server 5-tuple too (WhatsApp's relays carry RTP on it
     * directly, after their Allocate exchange). */
    if (f->media_frame || (f->turn_methods && !f->inside_turn && !media))
        return;
    webrtc_flow_claim_media(pinfo, f, context_reason(f), context_evidence(f));
}

/* Hold an RTP packet of a flow not yet claimed for the model (a later
 * pass dissects it as RTP once the flow is claimed). Until the flow shows
 * evidence (a packet agreeing with its track, or context), only the packet
 * that started each track is kept, inline: random datagrams allocate
 * nothing. */
static void remember_rtp(packet_info *pinfo, webrtc_flow_t *f, const wrtc_rtp_hdr_t *h,
                         gboolean agreeing, webrtc_pending_rtp_t *start, gboolean *have_start)
{
    webrtc_pending_rtp_t e;
    if (!webrtc_flow_holds_rtp(pinfo))
        return;
    webrtc_flow_pending_of(pinfo, f, h, &e);
    if (!f->held && !agreeing && !has_context(f)) {
        *start = e;
        *have_start = TRUE;
        return;
    }
    webrtc_flow_move_starts(f);
    webrtc_flow_hold_rtp(f, &e);
}

/* First pass, RTP-shaped packet on a flow not yet claimed (no context):
 * claim it on the packet that completes the evidence. SRTP or RTP is
 * judged afterwards and never delays the claim. */
static void consider_rtp(tvbuff_t *tvb, packet_info *pinfo, webrtc_flow_t *f,
                         const guint8 *p, const wrtc_rtp_hdr_t *h)
{
    double t = nstime_to_sec(&pinfo->abs_ts);
    {
        /* An SRTP key the user or the capture gave (SDES to another
         * address, the key table) whose HMAC/GCM tag verifies on this very
         * packet (RFC 3711 §3.4, RFC 7714 §9): SRTP, certainly, from its
         * first packet, without waiting for the headers to corroborate. */
        const char *key = webrtc_srtp_authenticates(tvb, pinfo);
        if (key) {
            char *why = wmem_strdup_printf(pinfo->pool,
                "SSRC 0x%08x: SRTP authenticated with key from %s", h->ssrc, key);
            int dir = webrtc_flow_dir(f, pinfo);
            remember_rtp(pinfo, f, h, TRUE, &f->pending_start[dir], &f->have_pending_start[dir]);
            webrtc_flow_decide_srtp(pinfo, f, TRUE, why);
            f->key_signaled = g_str_has_prefix(key, "SDES");
            webrtc_flow_claim_media(pinfo, f, WEBRTC_REASON_SRTP_KEY, why);
            return;
        }
    }
    if (!webrtc_prefs.corroborate)
        return;
    {
        int dir = webrtc_flow_dir(f, pinfo);
        wrtc_track_t *tr = &f->track[dir];
        webrtc_pending_rtp_t *start = &f->pending_start[dir];
        gboolean *have_start = &f->have_pending_start[dir];
        wrtc_track_result_t r;
        if (tr->active && tr->ssrc != h->ssrc) {
            /* Two candidates per direction (two sources through one server,
             * interleaved): the one of this SSRC, else the one with less
             * evidence makes room. */
            webrtc_alt_track_t *alt = f->alt_track[dir];
            if (!alt) {
                alt = f->alt_track[dir] = wmem_new0(wmem_file_scope(), webrtc_alt_track_t);
                wrtc_track_init(&alt->track);
            }
            if ((alt->track.active && alt->track.ssrc == h->ssrc) || !alt->track.active ||
                alt->track.agreeing <= tr->agreeing) {
                tr = &alt->track;
                start = &alt->start;
                have_start = &alt->have_start;
            }
        }
        r = wrtc_track_update(tr, h, h->header_cut ? NULL : p + h->header_len,
                              h->payload_captured, t);
        gboolean agreeing = r == WRTC_TRACK_AGREES || r == WRTC_TRACK_CORROBORATED;
        remember_rtp(pinfo, f, h, agreeing, start, have_start);
        if (r == WRTC_TRACK_CORROBORATED) {
            char ev[200];
            wrtc_track_evidence(tr, ev, sizeof ev);
            f->corroborated_frame = pinfo->num;
            webrtc_flow_claim_media(pinfo, f, WEBRTC_REASON_CORROBORATED, ev);
        }
    }
}

/* Payload bytes that make a packet's payload readable for the judgements
 * (snaplen 64 leaves 2 of them after a WebRTC header extension). */
#define WEBRTC_PAYLOAD_READABLE 32

/* A flow made on its 5-tuple's second packet: its first (held in the
 * candidate table) is replayed as consider_rtp() saw it then: the flow's
 * endpoint 0 is its sender, its frame the flow's first, and it starts the
 * tracker of its direction and is remembered for the model's replay. */
static void replay_candidate(packet_info *pinfo, webrtc_flow_t *f, const webrtc_candidate_t *c)
{
    wrtc_rtp_hdr_t h;
    if (!webrtc_candidate_same_sender(c, pinfo)) {
        address a = f->addr[0];
        guint32 port = f->port[0];
        f->addr[0] = f->addr[1];
        f->port[0] = f->port[1];
        f->addr[1] = a;
        f->port[1] = port;
    }
    f->first_frame = c->frame;
    memset(&h, 0, sizeof h);
    h.ssrc = c->ssrc;
    h.seq = c->seq;
    h.ts = c->ts;
    h.pt = c->pt;
    h.marker = c->marker;
    h.payload_len = c->payload_len;
    h.header_cut = c->header_cut;
    (void)wrtc_track_update(&f->track[0], &h, c->header_cut ? NULL : c->pay4, c->cap4, c->t_abs);
    if (webrtc_flow_holds_rtp(pinfo)) {
        webrtc_pending_rtp_t *e = &f->pending_start[0];
        memset(e, 0, sizeof *e);
        e->frame = c->frame;
        e->t = c->t_rel;
        e->bytes = c->bytes;
        e->dir = 0;
        e->pt = c->pt;
        e->marker = c->marker;
        e->seq = c->seq;
        e->ts = c->ts;
        e->ssrc = c->ssrc;
        e->payload_len = c->payload_len;
        f->have_pending_start[0] = TRUE;
    }
}

/* What the demultiplexer read of an RTP packet, for the facts
 * postdissector: the header decides even where Wireshark's RTP dissector
 * could not finish (a header-only capture). */
static void note_rtp_packet(packet_info *pinfo, const webrtc_flow_t *f, const wrtc_rtp_hdr_t *h)
{
    webrtc_rtp_pkt_t *k = wmem_new0(pinfo->pool, webrtc_rtp_pkt_t);
    k->ssrc = h->ssrc;
    /* The payload on the wire, padding removed where its count is known;
     * for SRTP with the authentication tag (and MKI): its length is only
     * known once the SRTCP trailer told the profile, and a count that
     * changed then would not be one stream's sizes. */
    k->payload_len = (guint32)h->payload_len;
    k->srtp = f->srtp;
    /* Enough of the payload to judge it (its first bytes, what the SRTP
     * judgement and the codec checks read), or all of a short one. */
    k->payload_captured = !h->header_cut &&
                          h->payload_captured >= MIN(h->payload_len, WEBRTC_PAYLOAD_READABLE);
    k->padding_known = !h->padding || f->srtp || !h->cut;
    p_set_proto_data(pinfo->pool, pinfo, proto_webrtc, WEBRTC_PDATA_SSRC, k);
}

static int call_rtcp(tvbuff_t *tvb, packet_info *pinfo, proto_tree *tree, webrtc_flow_t *f,
                     const guint8 *p, size_t len, proto_item *ti)
{
    size_t wire = tvb_reported_length(tvb);
    if (!PINFO_FD_VISITED(pinfo) && f->srtp &&
        wrtc_rtcp_parse(p, len, wire, NULL) == WRTC_RTCP_SRTCP)
        webrtc_flow_srtcp_layout(f, p, len);
    if (!f->is_rtcp_only && f->first_rtp_frame && !PINFO_FD_VISITED(pinfo) && !f->rtcp_mux_frame)
        f->rtcp_mux_frame = pinfo->num;
    if (pinfo->num == f->rtcp_mux_frame)
        expert_add_info(pinfo, ti, &ei_webrtc_rtcp_mux);
    if (f->is_rtcp_only && !PINFO_FD_VISITED(pinfo) && !f->rtcp_pair_frame)
        f->rtcp_pair_frame = pinfo->num;
    if (f->is_rtcp_only && pinfo->num == f->rtcp_pair_frame)
        expert_add_info_format(pinfo, ti, &ei_webrtc_rtcp_paired,
                               "RTCP on RTP port + 1: %s", f->evidence);
    if (f->srtp) {
        int r = webrtc_srtp_dissect(tvb, pinfo, tree, proto_item_get_subtree(ti), TRUE,
                                    NULL, webrtc_flow_setup_method(f));
        if (r >= 0)
            return r;
    }
    if (!webrtc_srtcp_wireshark_can_show(f, p, len, wire))
        return webrtc_srtcp_dissect(tvb, pinfo, tree, f);
    return call_dissector(webrtc_handles.rtcp, tvb, pinfo, tree);
}

static int call_rtp(tvbuff_t *tvb, packet_info *pinfo, proto_tree *tree, webrtc_flow_t *f,
                    const guint8 *p, size_t len, const wrtc_rtp_hdr_t *hdr, proto_item *ti)
{
    wrtc_rtp_hdr_t h = *hdr;
    wrtc_events_t *ev;
    if (h.ext_unreadable) {
        /* Nothing after the fixed header can be read: no payload checks. */
        h.header_cut = TRUE;
    }
    tvbuff_t *plain = NULL;
    webrtc_srtp_state_t sst;

    if (!PINFO_FD_VISITED(pinfo) && !f->first_rtp_frame)
        f->first_rtp_frame = pinfo->num;
    note_rtp_packet(pinfo, f, &h);
    /* SRTP with a key: decrypted first, so that the RFC 4733 validation
     * below judges the plaintext (encrypted DTMF becomes readable). */
    if (f->srtp)
        plain = webrtc_srtp_decrypt(tvb, pinfo, proto_item_get_subtree(ti), FALSE, &sst);
    if (plain) {
        size_t dlen = tvb_captured_length(plain);
        const guint8 *dp = tvb_get_ptr(plain, 0, (gint)dlen);
        wrtc_rtp_hdr_t dh;
        ev = wrtc_rtp_parse(dp, dlen, dlen, FALSE, &dh) == WRTC_RTP_OK
           ? webrtc_flow_payload_type(pinfo, f, &dh, dp + dh.header_len, dh.payload_len, TRUE)
           : webrtc_flow_payload_type(pinfo, f, &h, NULL, 0, FALSE);
    } else {
        ev = webrtc_flow_payload_type(pinfo, f, &h, h.header_cut ? NULL : p + h.header_len,
                                      h.payload_captured, FALSE);
    }
    (void)len;
    if (ev && ev->decided_frame == pinfo->num) {
        if (ev->verdict == WRTC_EVENTS_YES)
            expert_add_info_format(pinfo, ti, &ei_webrtc_event_accepted,
                "payload type %u validated as RFC 4733 telephone-event: %u packets, %u events, end bit seen",
                ev->pt, ev->packets, ev->events);
        else if (ev->verdict == WRTC_EVENTS_NO)
            expert_add_info_format(pinfo, ti, &ei_webrtc_event_rejected,
                "payload type %u rejected as RFC 4733: %s", ev->pt, ev->reason);
    }
    if (plain) {
        webrtc_srtp_call_plain(plain, pinfo, tree, FALSE, f->dyn, webrtc_flow_setup_method(f));
        return (int)tvb_reported_length(tvb);
    }
    return webrtc_rtp_call_dissector(tvb, pinfo, tree, proto_item_get_subtree(ti), f, &h);
}

/* The demultiplexer proper. Returns the bytes consumed, 0 to reject.
 * Every decision reads the captured bytes and checks lengths against the
 * length on the wire: a header-only capture (snaplen 64-300) decides as a
 * full one does. */
int webrtc_demux_payload(tvbuff_t *tvb, packet_info *pinfo, proto_tree *tree, webrtc_flow_t *f)
{
    size_t len = tvb_captured_length(tvb);
    size_t wire = tvb_reported_length(tvb);
    gboolean first_pass = !PINFO_FD_VISITED(pinfo);
    const guint8 *p;
    wrtc_class_t cls;
    proto_item *ti = NULL;

    if (len == 0 || !f)
        return 0;
    p = tvb_get_ptr(tvb, 0, (gint)len);
    cls = wrtc_classify(p, len);

    switch (cls) {
    case WRTC_CLASS_STUN:
        if (!wrtc_stun_valid(p, len, wire, FALSE))
            return 0;
        note_stun_packet(pinfo, p, len, wire);
        if (first_pass) {
            if (!f->stun_frame)
                f->stun_frame = pinfo->num;
            if (wrtc_stun_method_is_turn(wrtc_stun_method(p, len)))
                f->turn_methods = TRUE;
            if (!f->inside_turn)
                webrtc_flow_take_conversation(pinfo, f);
            /* Claimed on an ICE check (or one whose attributes were cut):
             * plain STUN (address discovery) is context for RTP that may
             * follow, not a claim of its own. */
            {
                gboolean response = (p[0] & 0x01) != 0;
                gboolean ice = wrtc_stun_ice(p, len, wire) != WRTC_STUN_PLAIN;
                if (!response) {
                    f->stun_requests = TRUE;
                    f->stun_ice_requests |= ice;
                } else {
                    /* A response is what its request was (its own
                     * attributes may be cut where the request's were not);
                     * ICE answers on the request's 5-tuple (RFC 8445
                     * §7.2.5.2.1), so a response whose request is not on
                     * this 5-tuple (an RFC 5780 test answered from another
                     * address) claims nothing. */
                    ice = f->stun_requests && f->stun_ice_requests;
                }
                if (f->inside_turn || ice)
                    claim_on_context(pinfo, f, FALSE);
            }
            if (!f->inside_turn && webrtc_prefs.turn) {
                /* A Send or Data indication relays a datagram (RFC 8656
                 * §10-11): the relayed flow inside this 5-tuple starts
                 * here, also when the capture cut its DATA attribute. */
                uint16_t m = wrtc_stun_method(p, len);
                if ((m == WRTC_STUN_SEND || m == WRTC_STUN_DATA) && (p[0] & 0x01) == 0 &&
                    (p[1] & 0x10)) {
                    webrtc_flow_t *inner = webrtc_flow_get(pinfo, TRUE, TRUE);
                    if (inner)
                        claim_on_context(pinfo, inner, FALSE);
                }
            }
        }
        add_webrtc_tree(tvb, pinfo, tree, cls, f, &ti);
        add_claim_expert(pinfo, ti, f);
        if (len < wire && !f->inside_turn) {
            /* The message first, as in a whole capture (its fields before
             * the relayed datagram's: the facts read the outer message's
             * class and method first); Wireshark's STUN dissector stops at
             * the cut with "Packet size limited during capture". */
            TRY {
                call_dissector(webrtc_handles.stun, tvb, pinfo, tree);
            }
            CATCH_BOUNDS_ERRORS {
                show_exception(tvb, pinfo, tree, EXCEPT_CODE, GET_MESSAGE);
            }
            ENDTRY;
            relay_cut_indication(tvb, pinfo, tree, p, len, wire);
            return (int)len;
        }
        return call_dissector(webrtc_handles.stun, tvb, pinfo, tree);

    case WRTC_CLASS_DTLS:
        /* A DTLS 1.3 unified header (first byte 32-63) only after a
         * handshake, on an ICE transport (after ICE moved the call to
         * this 5-tuple, its DTLS association goes on here, RFC 8445
         * §12), or as the whole payload of a TURN channel (a header-only
         * capture of TURN over TCP loses the segments that held the
         * handshake: only the TURN framing remains as context): syslog's
         * "<" would pass otherwise. */
        if (!wrtc_dtls_valid(p, len, wire) ||
            !(f->dtls_frame || p[0] <= 25 ||
              (((f->media_frame && f->stun_ice_requests) || f->turn_channel) &&
               wrtc_dtls13_record_strict(p, len, wire))))
            return 0;
        if (first_pass) {
            if (!f->dtls_frame)
                f->dtls_frame = pinfo->num;
            if (!f->inside_turn)
                webrtc_flow_take_conversation(pinfo, f);
            claim_on_context(pinfo, f, FALSE);
        }
        webrtc_dtls_records_note(tvb, pinfo, add_webrtc_tree(tvb, pinfo, tree, cls, f, &ti),
                                 f->stun_ice_requests, p, len, wire);
        add_claim_expert(pinfo, ti, f);
        {
            /* Wireshark's DTLS first (handshake, DTLS 1.2 records), then
             * the DTLS 1.3 records it leaves as continuation data. */
            int n = call_dissector(webrtc_handles.dtls, tvb, pinfo, tree);
            webrtc_dtls13_dissect(tvb, pinfo, tree);
            return n;
        }

    case WRTC_CLASS_ZRTP:
        if (!wrtc_zrtp_valid(p, len, wire))
            return 0;
        if (first_pass) {
            if (!f->zrtp_frame)
                f->zrtp_frame = pinfo->num;
            if (!f->inside_turn)
                webrtc_flow_take_conversation(pinfo, f);
            claim_on_context(pinfo, f, FALSE);
        }
        add_webrtc_tree(tvb, pinfo, tree, cls, f, &ti);
        add_claim_expert(pinfo, ti, f);
        return call_dissector(webrtc_handles.zrtp, tvb, pinfo, tree);

    case WRTC_CLASS_CHANNELDATA:
        /* Only where TURN runs (the STUN dissector parses ChannelData and
         * offers its payload to the "stun" heuristics, i.e. back to us). */
        if (f->inside_turn ||
            !(f->turn_methods || f->stun_frame || on_turn_port(pinfo, f)) ||
            !wrtc_channeldata_valid(p, len, wire, FALSE, NULL, NULL))
            return 0;
        add_webrtc_tree(tvb, pinfo, tree, cls, f, &ti);
        return call_dissector(webrtc_handles.stun, tvb, pinfo, tree);

    case WRTC_CLASS_RTP: {
        wrtc_rtp_hdr_t h;
        if (f->is_rtcp_only)
            return 0;
        /* The padding count is checked only on a flow known to be plain
         * RTP: SRTP encrypts it (RFC 3711 §3.1), and before SRTP or RTP is
         * decided the flow may be either. */
        wrtc_rtp_status_t st = wrtc_rtp_parse(p, len, wire, f->srtp || !f->srtp_decided, &h);
        /* An extension header that does not fit: its SSRC, sequence and
         * timestamp may still belong to a stream (they corroborate on an
         * unclaimed flow like any; on a claimed one the SSRC must be known). */
        if (st == WRTC_RTP_EXT_OVERFLOW && (!f->media_frame || webrtc_flow_ssrc_seen(p, len)))
            st = wrtc_rtp_parse_fixed(p, len, wire, &h);
        if (st != WRTC_RTP_OK) {
            if (!f->media_frame)
                return 0;
            add_webrtc_tree(tvb, pinfo, tree, cls, f, &ti);
            /* Its fixed header not captured (snaplen): not malformed;
             * Wireshark's RTP dissector shows what is there and "[Packet
             * size limited during capture]". */
            if (len < 12 && wire >= 12)
                return call_dissector(webrtc_handles.rtp, tvb, pinfo, tree);
            /* An RTP-class datagram on a media flow whose header is wrong:
             * malformed where the flow is known to carry RTP, another
             * protocol's on a flow only ICE/TURN found. */
            if (webrtc_flow_needs_confirmation(f))
                expert_add_info_format(pinfo, ti, &ei_webrtc_not_rtp,
                                       "RTP-class packet on an ICE/TURN flow is not RTP: %s",
                                       wrtc_rtp_status_name(wrtc_rtp_parse(p, len, wire,
                                                                           f->srtp, NULL)));
            else
                expert_add_info_format(pinfo, ti, &ei_webrtc_bad_header,
                                       "RTP-class packet on a media flow: %s",
                                       wrtc_rtp_status_name(wrtc_rtp_parse(p, len, wire,
                                                                           f->srtp, NULL)));
            return 0;
        }
        if (first_pass && !f->media_frame) {
            if (has_context(f))
                claim_on_context(pinfo, f, TRUE);
            else
                consider_rtp(tvb, pinfo, f, p, &h);
        }
        if (!f->media_frame || !webrtc_flow_ssrc_known(pinfo, f, &h))
            return 0;
        if (first_pass && !f->srtp_decided) {
            const char *key = f->srtp ? NULL : webrtc_srtp_authenticates(tvb, pinfo);
            if (key)
                webrtc_flow_decide_srtp(pinfo, f, TRUE, wmem_strdup_printf(pinfo->pool,
                    "SSRC 0x%08x: SRTP authenticated with key from %s", h.ssrc, key));
            else if (!h.header_cut)
                judge_payloads(pinfo, f, p + h.header_len, h.payload_captured);
        }
        if (first_pass && f->inside_turn && !f->turn_media_frame)
            f->turn_media_frame = pinfo->num;
        add_webrtc_tree(tvb, pinfo, tree, cls, f, &ti);
        add_claim_expert(pinfo, ti, f);
        if (f->inside_turn && pinfo->num == f->turn_media_frame) {
            if (f->turn_channel)
                expert_add_info_format(pinfo, ti, &ei_webrtc_in_turn,
                                       "RTP inside TURN channel 0x%04x", f->turn_channel);
            else
                expert_add_info_format(pinfo, ti, &ei_webrtc_in_turn,
                                       "RTP inside a TURN Send/Data indication");
        }
        return call_rtp(tvb, pinfo, tree, f, p, len, &h, ti);
    }

    case WRTC_CLASS_RTCP:
        if (!webrtc_prefs.rtcp_mux && !f->is_rtcp_only)
            return 0;
        if (first_pass && !f->media_frame) {
            wrtc_rtcp_shape_t shape = wrtc_rtcp_parse(p, len, wire, NULL);
            if (shape == WRTC_RTCP_INVALID)
                return 0;
            if (has_context(f)) {
                claim_on_context(pinfo, f, TRUE);
            } else if (webrtc_prefs.rtcp_pair) {
                /* RFC 3550 §11: RTCP on the ports after RTP's, between the
                 * same hosts as a found RTP flow. SRTCP keeps only its
                 * first 8 bytes in the clear (RFC 3711 §3.4): an
                 * SRTCP-shaped datagram makes the RTCP flow SRTCP whatever
                 * its RTP flow's payloads have shown so far (SRTP sent
                 * without signaling, e.g. GStreamer srtpenc, is judged from
                 * its payloads, and a snaplen delays that). */
                webrtc_flow_t *rtp = webrtc_flow_rtp_of_rtcp(pinfo, f);
                gboolean srtcp = shape == WRTC_RTCP_SRTCP;
                if (rtp && rtp->media_frame && !rtp->is_rtcp_only) {
                    webrtc_flow_claim_rtcp(pinfo, f, rtp, srtcp);
                } else if (!f->rtcp_pending_frame) {
                    f->rtcp_pending_frame = pinfo->num;
                    f->rtcp_pending_srtcp = srtcp;
                }
            }
        }
        if (!f->media_frame)
            return 0;
        add_webrtc_tree(tvb, pinfo, tree, cls, f, &ti);
        add_claim_expert(pinfo, ti, f);
        return call_rtcp(tvb, pinfo, tree, f, p, len, ti);

    case WRTC_CLASS_QUIC:
    case WRTC_CLASS_UNKNOWN:
    case WRTC_CLASS_COUNT:
        break;
    }
    return 0;
}

/* Cheapest possible refusal (README.heuristic): classes we never start a
 * flow with are refused on the first byte. */
static gboolean may_start_flow(tvbuff_t *tvb)
{
    guint8 b;
    if (tvb_captured_length(tvb) < 1)
        return FALSE;
    b = tvb_get_guint8(tvb, 0);
    return b <= 3 || (b >= 16 && b <= 63) || (b >= 128 && b <= 191);
}

/* A datagram quoted inside an ICMP error (an unanswered ICE check's "port
 * unreachable"): shown by the dissector it belongs to, and never counted
 * (no flow state, no facts: it would count twice). Taken here rather than
 * left to Wireshark's STUN heuristic: a heuristic that accepts a packet
 * moves to the head of the UDP list (packet.c, dissector_try_heuristic),
 * and would then see the first packet of every later 5-tuple before this
 * plugin does. */
static gboolean quoted_in_error(tvbuff_t *tvb, packet_info *pinfo, proto_tree *tree)
{
    size_t len = tvb_captured_length(tvb), wire = tvb_reported_length(tvb);
    const guint8 *p = tvb_get_ptr(tvb, 0, (gint)len);
    webrtc_flow_t *f;
    switch (wrtc_classify(p, len)) {
    case WRTC_CLASS_STUN:
        return wrtc_stun_valid(p, len, wire, FALSE) &&
               call_dissector(webrtc_handles.stun, tvb, pinfo, tree) > 0;
    case WRTC_CLASS_DTLS:
        return wrtc_dtls_valid(p, len, wire) && p[0] <= 25 &&
               call_dissector(webrtc_handles.dtls, tvb, pinfo, tree) > 0;
    case WRTC_CLASS_RTP:
    case WRTC_CLASS_RTCP:
        f = webrtc_flow_get(pinfo, FALSE, FALSE);
        if (!f || !f->media_frame)
            return FALSE;
        return call_dissector(wrtc_classify(p, len) == WRTC_CLASS_RTP ? webrtc_handles.rtp
                                                                      : webrtc_handles.rtcp,
                              tvb, pinfo, tree) > 0;
    default:
        return FALSE;
    }
}

/* ---- QUIC and media on one 5-tuple (RFC 9443 §3) ----------------------
 * An app that opens a QUIC connection and then sends its SRTP on the same
 * 5-tuple (Snapchat's calls): Wireshark's QUIC heuristic takes the 5-tuple
 * on the first Initial packet and the QUIC dissector then gets every
 * datagram, RTP included ("Malformed"). The plugin runs QUIC's heuristic
 * itself and, where it takes a 5-tuple, puts its own dissector in front of
 * QUIC's: datagrams whose first byte has the long-header bit but not QUIC's
 * fixed bit (0x80-0xBF: every QUIC packet sets it, RFC 9000 §17.2, except
 * where a peer greases it, RFC 9287) go to the demultiplexer first and are
 * RTP/RTCP once they corroborate; everything else is QUIC's as before. */
static heur_dtbl_entry_t *quic_heur;

static int dissect_quic_conv(tvbuff_t *tvb, packet_info *pinfo, proto_tree *tree, void *data)
{
    if (tvb_captured_length(tvb) >= 1 && (tvb_get_guint8(tvb, 0) & 0xC0) == 0x80 &&
        proto_is_protocol_enabled(find_protocol_by_id(proto_webrtc)) &&
        webrtc_heur_udp(tvb, pinfo, tree, data))
        return (int)tvb_captured_length(tvb);
    return webrtc_handles.quic ? call_dissector_with_data(webrtc_handles.quic, tvb, pinfo, tree,
                                                          data) : 0;
}

void webrtc_quic_handoff(void)
{
    quic_heur = find_heur_dissector_by_unique_short_name("quic");
    webrtc_handles.quic = find_dissector("quic");
    /* No protocol of its own: a QUIC packet's layers stay QUIC's. */
    webrtc_handles.quic_conv = create_dissector_handle(dissect_quic_conv, -1);
}

/* A QUIC long-header packet (first byte 0xC0-0xFF) through QUIC's own
 * heuristic, the 5-tuple then ours in front of QUIC's. */
static gboolean take_quic(tvbuff_t *tvb, packet_info *pinfo, proto_tree *tree, void *data)
{
    volatile gboolean taken = FALSE;
    if (!quic_heur || !webrtc_handles.quic || !quic_heur->enabled ||
        !proto_is_protocol_enabled(quic_heur->protocol))
        return FALSE;
    /* QUIC's dissector may stop at a snaplen's cut (an exception) after
     * its heuristic took the 5-tuple: the front goes in either way. */
    TRY {
        taken = quic_heur->dissector(tvb, pinfo, tree, data);
    }
    FINALLY {
        conversation_t *c = find_conversation_pinfo(pinfo, 0);
        if (c && conversation_get_dissector(c, pinfo->num) == webrtc_handles.quic)
            conversation_set_dissector(c, webrtc_handles.quic_conv);
    }
    ENDTRY;
    return taken;
}

webrtc_heur_ret_t webrtc_heur_udp(tvbuff_t *tvb, packet_info *pinfo, proto_tree *tree,
                                  void *data)
{
    webrtc_flow_t *f;
    if (pinfo->ptype == PT_UDP && !pinfo->flags.in_error_pkt && tvb_captured_length(tvb) >= 1 &&
        tvb_get_guint8(tvb, 0) >= 0xC0)
        return take_quic(tvb, pinfo, tree, data);
    if (pinfo->ptype != PT_UDP || !may_start_flow(tvb))
        return FALSE;
    if (pinfo->flags.in_error_pkt)
        return quoted_in_error(tvb, pinfo, tree);
    if (marked(pinfo, MARK_OUTER, tvb))
        return FALSE;
    mark(pinfo, MARK_OUTER, tvb);
    f = webrtc_flow_get(pinfo, FALSE, FALSE);
    if (!f && !PINFO_FD_VISITED(pinfo)) {
        /* A 5-tuple's first RTP-shaped packet waits in the compact table
         * (webrtc-candidates.c); the full flow is made on its second. */
        webrtc_candidate_t c;
        switch (webrtc_candidate_offer(tvb, pinfo, &c)) {
        case WEBRTC_CAND_HELD:
            return FALSE;
        case WEBRTC_CAND_PROMOTE:
            f = webrtc_flow_get(pinfo, FALSE, TRUE);
            if (f)
                replay_candidate(pinfo, f, &c);
            break;
        default:
            break;
        }
    }
    if (!f)
        f = webrtc_flow_get(pinfo, FALSE, TRUE);
    return webrtc_demux_payload(tvb, pinfo, tree, f) > 0;
}

/* The dissector of UDP port 3478 (STUN/TURN, RFC 8489 §18.6), which Wireshark
 * gives to its STUN dissector: ChannelData there is TURN's even without a
 * STUN message before it in the capture, as for Wireshark's STUN. */
int webrtc_dissect_turn_port(tvbuff_t *tvb, packet_info *pinfo, proto_tree *tree, void *data)
{
    p_set_proto_data(pinfo->pool, pinfo, proto_webrtc, WEBRTC_PDATA_TURN_PORT, GINT_TO_POINTER(1));
    return webrtc_dissect_conversation(tvb, pinfo, tree, data);
}

int webrtc_dissect_conversation(tvbuff_t *tvb, packet_info *pinfo, proto_tree *tree,
                                void *data _U_)
{
    webrtc_flow_t *f;
    if (pinfo->flags.in_error_pkt || marked(pinfo, MARK_OUTER, tvb))
        return 0;
    mark(pinfo, MARK_OUTER, tvb);
    f = webrtc_flow_get(pinfo, FALSE, TRUE);
    return webrtc_demux_payload(tvb, pinfo, tree, f);
}

/* A relayed datagram is demultiplexed once per frame and position: the
 * STUN dissector and the plugin's own look at a cut indication
 * (relay_cut_indication) may each offer it, in different tvbs. */
static gboolean relayed_seen(packet_info *pinfo, tvbuff_t *tvb)
{
    wmem_map_t *seen = p_get_proto_data(pinfo->pool, pinfo, proto_webrtc, MARK_INNER);
    char *key = wmem_strdup_printf(pinfo->pool, "%p:%d", (void *)tvb_get_ds_tvb(tvb),
                                   tvb_raw_offset(tvb));
    if (!seen) {
        seen = wmem_map_new(pinfo->pool, g_str_hash, g_str_equal);
        p_set_proto_data(pinfo->pool, pinfo, proto_webrtc, MARK_INNER, seen);
    }
    if (wmem_map_contains(seen, key))
        return TRUE;
    wmem_map_insert(seen, key, key);
    return FALSE;
}

webrtc_heur_ret_t webrtc_heur_turn(tvbuff_t *tvb, packet_info *pinfo, proto_tree *tree,
                                   void *data _U_)
{
    webrtc_flow_t *f, *outer;
    int ret;
    if (!webrtc_prefs.turn || (pinfo->ptype != PT_UDP && pinfo->ptype != PT_TCP) ||
        pinfo->flags.in_error_pkt ||
        !may_start_flow(tvb) || relayed_seen(pinfo, tvb))
        return FALSE;
    f = webrtc_flow_get(pinfo, TRUE, TRUE);
    if (!f)
        return FALSE;
    if (!PINFO_FD_VISITED(pinfo) && !f->turn_channel)
        f->turn_channel = turn_channel_of(tvb);
    ret = webrtc_demux_payload(tvb, pinfo, tree, f);
    if (ret > 0 && pinfo->ptype == PT_TCP)
        webrtc_tcp_take_turn(pinfo); /* TURN-TCP: our framing from now on (webrtc-tcp.c) */
    if (ret > 0 && f->media_frame && !PINFO_FD_VISITED(pinfo) && pinfo->ptype == PT_UDP) {
        /* The relayed media is set up on the client<->server 5-tuple, so
         * that 5-tuple must come to us first as well (otherwise UDP would
         * offer its STUN messages to the RTP conversation). */
        outer = webrtc_flow_get(pinfo, FALSE, TRUE);
        if (outer) {
            if (!outer->stun_frame)
                outer->stun_frame = f->first_frame;
            outer->turn_methods = TRUE;
            if (outer->first_frame > f->first_frame)
                outer->first_frame = f->first_frame;
            webrtc_flow_take_conversation(pinfo, outer);
        }
    }
    return ret > 0;
}
