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

#include "webrtc-flow.h"
#include "webrtc-srtcp.h"
#include "webrtc-srtp.h"
#include "demux.h"

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

static proto_tree *add_webrtc_tree(tvbuff_t *tvb, proto_tree *tree, wrtc_class_t cls,
                                   const webrtc_flow_t *f, proto_item **item)
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
    *item = ti;
    return st;
}

/* SRTP or RTP for a flow about to be claimed (first pass). Returns FALSE
 * while the evidence is not in yet. */
static gboolean decide_srtp(webrtc_flow_t *f, const guint8 *payload, size_t len,
                            const char **why)
{
    if (f->dtls_frame) {
        /* RFC 5764 §4.1: DTLS on the media 5-tuple keys SRTP. */
        f->srtp = TRUE;
        *why = "DTLS-SRTP";
        return TRUE;
    }
    if (f->zrtp_frame) {
        f->srtp = TRUE; /* RFC 6189 §4.6.4: ZRTP keys SRTP */
        *why = "ZRTP";
        return TRUE;
    }
    if (!webrtc_prefs.judge_srtp) {
        f->srtp = FALSE;
        *why = "payload judging off";
        return TRUE;
    }
    if (!f->entropy) {
        f->entropy = wmem_new(wmem_file_scope(), wrtc_entropy_t);
        wrtc_entropy_init(f->entropy);
    }
    wrtc_entropy_add(f->entropy, payload, len);
    if (!wrtc_entropy_ready(f->entropy))
        return FALSE;
    f->srtp = wrtc_entropy_looks_encrypted(f->entropy);
    *why = f->srtp ? "payload bytes uniformly distributed" : "payload bytes not random";
    return TRUE;
}

static const char *context_evidence(const webrtc_flow_t *f)
{
    if (f->inside_turn)
        return wmem_strdup_printf(wmem_file_scope(), "relayed inside TURN%s",
                                  f->dtls_frame ? " with DTLS" : "");
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

/* Remember an RTP packet of a flow not yet claimed (bounded), except the
 * one being dissected now if it makes the claim: it is dissected as RTP. */
static void remember_rtp(packet_info *pinfo, webrtc_flow_t *f, const wrtc_rtp_hdr_t *h,
                         gboolean agreeing)
{
    webrtc_pending_rtp_t e;
    int dir;
    if (!webrtc_whole_capture_building())
        return;
    memset(&e, 0, sizeof e);
    e.frame = pinfo->num;
    e.t = nstime_to_sec(&pinfo->rel_ts);
    e.bytes = pinfo->fd->pkt_len;
    e.dir = (guint8)webrtc_flow_dir(f, pinfo);
    e.pt = h->pt;
    e.marker = h->marker;
    e.seq = h->seq;
    e.ts = h->ts;
    e.ssrc = h->ssrc;
    e.payload_len = (guint32)h->payload_len;
    dir = e.dir;
    if (!agreeing) {
        f->pending_start[dir] = e;
        f->have_pending_start[dir] = TRUE;
        return;
    }
    if (!f->pending_rtp)
        f->pending_rtp = wmem_array_new(wmem_file_scope(), sizeof(webrtc_pending_rtp_t));
    if (f->have_pending_start[dir]) {
        wmem_array_append_one(f->pending_rtp, f->pending_start[dir]);
        f->have_pending_start[dir] = FALSE;
    }
    if (wmem_array_get_count(f->pending_rtp) < WEBRTC_MAX_PENDING_RTP)
        wmem_array_append_one(f->pending_rtp, e);
}

/* The flow was just claimed: the packets before this one go to the
 * whole-capture model (this one is dissected as RTP and reported by the
 * facts postdissector itself). */
static void replay_rtp(packet_info *pinfo, webrtc_flow_t *f)
{
    guint i, n;
    if (!f->media_frame)
        return;
    {
        int dir;
        for (dir = 0; dir < 2; dir++)
            if (f->have_pending_start[dir] && f->pending_start[dir].frame != pinfo->num) {
                /* A start packet of the other direction, never agreed yet. */
                if (!f->pending_rtp)
                    f->pending_rtp = wmem_array_new(wmem_file_scope(),
                                                    sizeof(webrtc_pending_rtp_t));
                wmem_array_append_one(f->pending_rtp, f->pending_start[dir]);
                f->have_pending_start[dir] = FALSE;
            }
    }
    if (!f->pending_rtp)
        return;
    n = wmem_array_get_count(f->pending_rtp);
    for (i = 0; i < n; i++) {
        const webrtc_pending_rtp_t *e = wmem_array_index(f->pending_rtp, i);
        if (e->frame != pinfo->num)
            webrtc_facts_add_pending_rtp(f, e);
    }
    f->pending_rtp = NULL;  /* file-scoped memory: released with the capture */
}

/* First pass, RTP-shaped packet on a flow not yet claimed: claim it when
 * the evidence is complete. */
static void consider_rtp(tvbuff_t *tvb, packet_info *pinfo, webrtc_flow_t *f,
                         const guint8 *p, size_t len)
{
    wrtc_rtp_hdr_t h;
    const char *srtp_why = NULL;
    double t = nstime_to_sec(&pinfo->abs_ts);

    if (wrtc_rtp_parse(p, len, has_context(f) || f->srtp, &h) != WRTC_RTP_OK)
        return;
    if (has_context(f)) {
        remember_rtp(pinfo, f, &h, TRUE);
        if (!decide_srtp(f, p + h.header_len, h.payload_len, &srtp_why))
            return;
        webrtc_flow_claim_media(pinfo, f, context_reason(f),
            wmem_strdup_printf(pinfo->pool, "%s; %s", context_evidence(f), srtp_why));
        replay_rtp(pinfo, f);
        return;
    }
    {
        /* An SRTP key the user or the capture gave (SDES to another
         * address, the key table) whose HMAC/GCM tag verifies on this very
         * packet (RFC 3711 §3.4, RFC 7714 §9): SRTP, certainly, from its
         * first packet, without waiting for the headers to corroborate. */
        const char *key = webrtc_srtp_authenticates(tvb, pinfo);
        if (key) {
            f->srtp = TRUE;
            remember_rtp(pinfo, f, &h, TRUE);
            webrtc_flow_claim_media(pinfo, f, WEBRTC_REASON_SRTP_KEY,
                wmem_strdup_printf(pinfo->pool, "SSRC 0x%08x: SRTP authenticated with key from %s",
                                   h.ssrc, key));
            replay_rtp(pinfo, f);
            return;
        }
    }
    if (!webrtc_prefs.corroborate)
        return;
    {
        int dir = webrtc_flow_dir(f, pinfo);
        wrtc_track_result_t r = wrtc_track_update(&f->track[dir], &h, t);
        gboolean agreeing = r == WRTC_TRACK_AGREES || r == WRTC_TRACK_CORROBORATED;
        remember_rtp(pinfo, f, &h, agreeing);
        /* Payload statistics only for a candidate that already agrees:
         * random datagrams never allocate them. */
        if (agreeing)
            (void)decide_srtp(f, p + h.header_len, h.payload_len, &srtp_why);
        if (r == WRTC_TRACK_CORROBORATED && !f->corroborated_frame)
            f->corroborated_frame = pinfo->num;
        if (f->corroborated_frame && srtp_why) {
            const wrtc_track_t *tr = &f->track[dir];
            webrtc_flow_claim_media(pinfo, f, WEBRTC_REASON_CORROBORATED,
                wmem_strdup_printf(pinfo->pool,
                    "SSRC 0x%08x: %u packets in sequence, timestamps advancing at %u Hz; %s",
                    tr->ssrc, tr->agreeing, tr->clock_rate, srtp_why));
            replay_rtp(pinfo, f);
        }
    }
}

static int call_rtcp(tvbuff_t *tvb, packet_info *pinfo, proto_tree *tree, webrtc_flow_t *f,
                     const guint8 *p, size_t len, proto_item *ti)
{
    if (!PINFO_FD_VISITED(pinfo) && f->srtp &&
        wrtc_rtcp_parse(p, len, NULL) == WRTC_RTCP_SRTCP)
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
                                    NULL, "WebRTC");
        if (r >= 0)
            return r;
    }
    if (!webrtc_srtcp_wireshark_can_show(f, p, len))
        return webrtc_srtcp_dissect(tvb, pinfo, tree, f);
    return call_dissector(webrtc_handles.rtcp, tvb, pinfo, tree);
}

static int call_rtp(tvbuff_t *tvb, packet_info *pinfo, proto_tree *tree, webrtc_flow_t *f,
                    const guint8 *p, size_t len, proto_item *ti)
{
    wrtc_rtp_hdr_t h;
    wrtc_rtp_status_t st = wrtc_rtp_parse(p, len, f->srtp, &h);
    wrtc_events_t *ev;
    tvbuff_t *plain = NULL;
    webrtc_srtp_state_t sst;

    if (st != WRTC_RTP_OK) {
        /* Cut by the capture's snaplen: not malformed; Wireshark's RTP
         * dissector shows what is there and "[Packet size limited during
         * capture]". */
        if (len < tvb_reported_length(tvb))
            return call_dissector(webrtc_handles.rtp, tvb, pinfo, tree);
        expert_add_info_format(pinfo, ti, &ei_webrtc_bad_header,
                               "RTP-class packet on a media flow: %s", wrtc_rtp_status_name(st));
        return 0;
    }
    if (!PINFO_FD_VISITED(pinfo) && !f->first_rtp_frame)
        f->first_rtp_frame = pinfo->num;
    {
        guint32 *ssrc = wmem_new(pinfo->pool, guint32);
        *ssrc = h.ssrc;
        p_set_proto_data(pinfo->pool, pinfo, proto_webrtc, WEBRTC_PDATA_SSRC, ssrc);
    }
    /* SRTP with a key: decrypted first, so that the RFC 4733 validation
     * below judges the plaintext (encrypted DTMF becomes readable). */
    if (f->srtp)
        plain = webrtc_srtp_decrypt(tvb, pinfo, proto_item_get_subtree(ti), FALSE, &sst);
    if (plain) {
        size_t dlen = tvb_captured_length(plain);
        const guint8 *dp = tvb_get_ptr(plain, 0, (gint)dlen);
        wrtc_rtp_hdr_t dh;
        ev = wrtc_rtp_parse(dp, dlen, FALSE, &dh) == WRTC_RTP_OK
           ? webrtc_flow_payload_type(pinfo, f, &dh, dp + dh.header_len, TRUE)
           : webrtc_flow_payload_type(pinfo, f, &h, p + h.header_len, FALSE);
    } else {
        ev = webrtc_flow_payload_type(pinfo, f, &h, p + h.header_len, FALSE);
    }
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
        webrtc_srtp_call_plain(plain, pinfo, tree, FALSE, f->dyn, "WebRTC");
        return (int)tvb_reported_length(tvb);
    }
    return call_dissector(webrtc_handles.rtp, tvb, pinfo, tree);
}

/* The demultiplexer proper. Returns the bytes consumed, 0 to reject. */
int webrtc_demux_payload(tvbuff_t *tvb, packet_info *pinfo, proto_tree *tree, webrtc_flow_t *f)
{
    size_t len = tvb_captured_length(tvb);
    size_t rlen = tvb_reported_length(tvb);
    gboolean whole = len == rlen;
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
        if (!(whole ? wrtc_stun_valid(p, len, FALSE) : has_context(f)))
            return 0;
        if (first_pass) {
            if (!f->stun_frame)
                f->stun_frame = pinfo->num;
            if (wrtc_stun_method_is_turn(wrtc_stun_method(p, len)))
                f->turn_methods = TRUE;
            if (!f->inside_turn)
                webrtc_flow_take_conversation(pinfo, f);
        }
        add_webrtc_tree(tvb, tree, cls, f, &ti);
        return call_dissector(webrtc_handles.stun, tvb, pinfo, tree);

    case WRTC_CLASS_DTLS:
        /* A DTLS 1.3 unified header (first byte 32-63) only after a
         * handshake: syslog's "<" would pass otherwise. */
        if (!(whole ? (wrtc_dtls_valid(p, len) && (f->dtls_frame || p[0] <= 25))
                    : f->dtls_frame != 0))
            return 0;
        if (first_pass) {
            if (!f->dtls_frame)
                f->dtls_frame = pinfo->num;
            if (!f->inside_turn)
                webrtc_flow_take_conversation(pinfo, f);
        }
        add_webrtc_tree(tvb, tree, cls, f, &ti);
        return call_dissector(webrtc_handles.dtls, tvb, pinfo, tree);

    case WRTC_CLASS_ZRTP:
        if (!(whole ? wrtc_zrtp_valid(p, len) : f->zrtp_frame != 0))
            return 0;
        if (first_pass) {
            if (!f->zrtp_frame)
                f->zrtp_frame = pinfo->num;
            if (!f->inside_turn)
                webrtc_flow_take_conversation(pinfo, f);
        }
        add_webrtc_tree(tvb, tree, cls, f, &ti);
        return call_dissector(webrtc_handles.zrtp, tvb, pinfo, tree);

    case WRTC_CLASS_CHANNELDATA:
        /* Only where TURN runs (the STUN dissector parses ChannelData and
         * offers its payload to the "stun" heuristics, i.e. back to us). */
        if (f->inside_turn || !(f->turn_methods || f->stun_frame) ||
            (whole && !wrtc_channeldata_valid(p, len, FALSE, NULL, NULL)))
            return 0;
        add_webrtc_tree(tvb, tree, cls, f, &ti);
        return call_dissector(webrtc_handles.stun, tvb, pinfo, tree);

    case WRTC_CLASS_RTP:
        if (first_pass && !f->media_frame && whole)
            consider_rtp(tvb, pinfo, f, p, len);
        if (!f->media_frame || f->is_rtcp_only)
            return 0;
        if (!PINFO_FD_VISITED(pinfo) && f->inside_turn && !f->turn_media_frame)
            f->turn_media_frame = pinfo->num;
        add_webrtc_tree(tvb, tree, cls, f, &ti);
        if (pinfo->num == f->media_frame)
            expert_add_info_format(pinfo, ti, &ei_webrtc_rtp_detected,
                                   "RTP detected without signaling: %s", f->evidence);
        if (f->inside_turn && pinfo->num == f->turn_media_frame) {
            if (f->turn_channel)
                expert_add_info_format(pinfo, ti, &ei_webrtc_in_turn,
                                       "RTP inside TURN channel 0x%04x", f->turn_channel);
            else
                expert_add_info_format(pinfo, ti, &ei_webrtc_in_turn,
                                       "RTP inside a TURN Send/Data indication");
        }
        return call_rtp(tvb, pinfo, tree, f, p, len, ti);

    case WRTC_CLASS_RTCP:
        if (!webrtc_prefs.rtcp_mux && !f->is_rtcp_only)
            return 0;
        if (first_pass && !f->media_frame && whole) {
            wrtc_rtcp_shape_t shape = wrtc_rtcp_parse(p, len, NULL);
            if (shape == WRTC_RTCP_INVALID)
                return 0;
            if (has_context(f) && (f->dtls_frame || f->zrtp_frame)) {
                const char *why = NULL;
                (void)decide_srtp(f, NULL, 0, &why);
                webrtc_flow_claim_media(pinfo, f, context_reason(f),
                    wmem_strdup_printf(pinfo->pool, "%s; %s", context_evidence(f), why));
            } else if (!has_context(f) && webrtc_prefs.rtcp_pair) {
                /* RFC 3550 §11: RTCP on the ports after RTP's. SRTCP keeps
                 * only its first 8 bytes in the clear (RFC 3711 §3.4), so an
                 * SRTCP-shaped datagram pairs only with an RTP flow already
                 * judged encrypted: SRTP sent without signaling (keys set
                 * out of band, e.g. GStreamer srtpenc) has its SRTCP there. */
                webrtc_flow_t *rtp = webrtc_flow_rtp_of_rtcp(pinfo, f);
                gboolean srtcp = shape == WRTC_RTCP_SRTCP;
                if (rtp && rtp->media_frame && !rtp->is_rtcp_only && (!srtcp || rtp->srtp))
                    webrtc_flow_claim_rtcp(pinfo, f, rtp);
                else if (!f->rtcp_pending_frame) {
                    f->rtcp_pending_frame = pinfo->num;
                    f->rtcp_pending_srtcp = srtcp;
                }
            }
        }
        if (!f->media_frame)
            return 0;
        add_webrtc_tree(tvb, tree, cls, f, &ti);
        if (pinfo->num == f->media_frame && !f->is_rtcp_only)
            expert_add_info_format(pinfo, ti, &ei_webrtc_rtp_detected,
                                   "RTP/RTCP detected without signaling: %s", f->evidence);
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

webrtc_heur_ret_t webrtc_heur_udp(tvbuff_t *tvb, packet_info *pinfo, proto_tree *tree,
                                  void *data _U_)
{
    webrtc_flow_t *f;
    /* UDP quoted inside ICMP errors is left alone: it would count twice. */
    if (pinfo->ptype != PT_UDP || pinfo->flags.in_error_pkt || !may_start_flow(tvb) ||
        marked(pinfo, MARK_OUTER, tvb))
        return FALSE;
    mark(pinfo, MARK_OUTER, tvb);
    f = webrtc_flow_get(pinfo, FALSE, TRUE);
    return webrtc_demux_payload(tvb, pinfo, tree, f) > 0;
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

webrtc_heur_ret_t webrtc_heur_turn(tvbuff_t *tvb, packet_info *pinfo, proto_tree *tree,
                                   void *data _U_)
{
    webrtc_flow_t *f, *outer;
    int ret;
    if (!webrtc_prefs.turn || (pinfo->ptype != PT_UDP && pinfo->ptype != PT_TCP) ||
        pinfo->flags.in_error_pkt ||
        !may_start_flow(tvb) || marked(pinfo, MARK_INNER, tvb))
        return FALSE;
    mark(pinfo, MARK_INNER, tvb);
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
