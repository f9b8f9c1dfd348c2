/* webrtc-flow.c — see webrtc-flow.h.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#include "webrtc-flow.h"

#include <epan/dissectors/packet-rtcp.h>
#include <epan/tap.h>

/* Setup method shown by the RTP/RTCP dissectors ("Stream setup by ICE
 * (frame N)", rtp.setup-method/rtcp.setup-method): how the flow was found,
 * as Wireshark's own names say how ("SDP", "H245", "HEUR RTP"). Not the
 * word "WebRTC": a flow found by the plugin may be judged not-webrtc.
 * At most 9 characters: RTP keeps MAX_RTP_SETUP_METHOD_SIZE (11), RTCP
 * copies with g_strlcpy(.., MAX_RTCP_SETUP_METHOD_SIZE) (10), i.e. 9
 * characters and the NUL (packet-rtp.h, packet-rtcp.c srtcp_add_address).
 * lua-compat/webrtc.lua cannot set a method (no rtp_add_address binding):
 * docs/lua-compat.md. */
static const value_string setup_method_vals[] = {
    { WEBRTC_REASON_ICE,          "ICE" },
    { WEBRTC_REASON_DTLS,         "DTLS" },
    { WEBRTC_REASON_ZRTP,         "ZRTP" },
    { WEBRTC_REASON_TURN,         "TURN" },
    { WEBRTC_REASON_CORROBORATED, "RTP heur" },
    { WEBRTC_REASON_RTCP_PAIR,    "port+1" },
    { WEBRTC_REASON_SRTP_KEY,     "SRTP key" },
    { 0, NULL }
};

const char *webrtc_flow_setup_method(const webrtc_flow_t *f)
{
    return val_to_str_const(f->reason, setup_method_vals, "RTP heur");
}

const value_string webrtc_reason_vals[] = {
    { WEBRTC_REASON_NONE,         "not media" },
    { WEBRTC_REASON_ICE,          "ICE (STUN on the 5-tuple)" },
    { WEBRTC_REASON_DTLS,         "DTLS-SRTP (DTLS on the 5-tuple)" },
    { WEBRTC_REASON_ZRTP,         "ZRTP on the 5-tuple" },
    { WEBRTC_REASON_TURN,         "inside TURN" },
    { WEBRTC_REASON_CORROBORATED, "RTP headers corroborated across packets" },
    { WEBRTC_REASON_RTCP_PAIR,    "RTCP on RTP port + 1" },
    { WEBRTC_REASON_SRTP_KEY,     "SRTP authenticated with a configured key" },
    { 0, NULL }
};

/* Conversation data: the 5-tuple's own state and, for a client<->TURN
 * server 5-tuple, the state of the media relayed inside it. */
typedef struct {
    webrtc_flow_t *outer;
    webrtc_flow_t *inner;
} webrtc_conv_data_t;

static conversation_type ctype_of(port_type pt)
{
    return pt == PT_TCP ? CONVERSATION_TCP : CONVERSATION_UDP;
}

static conversation_t *exact_conversation(guint32 frame, conversation_type ctype,
                                          const address *a, guint32 pa,
                                          const address *b, guint32 pb)
{
    conversation_t *conv = find_conversation(frame, a, b, ctype, pa, pb, 0);
    /* find_conversation falls back to wildcard conversations (such as the
     * ones rtp_add_address creates); only the exact 5-tuple is ours. */
    if (conv && (conv->options & (NO_ADDR2 | NO_PORT2)))
        return NULL;
    return conv;
}

static webrtc_flow_t *flow_new(packet_info *pinfo)
{
    webrtc_flow_t *f = wmem_new0(wmem_file_scope(), webrtc_flow_t);
    copy_address_wmem(wmem_file_scope(), &f->addr[0], &pinfo->src);
    copy_address_wmem(wmem_file_scope(), &f->addr[1], &pinfo->dst);
    f->port[0] = pinfo->srcport;
    f->port[1] = pinfo->destport;
    f->first_frame = pinfo->num;
    f->ptype = pinfo->ptype;
    wrtc_track_init(&f->track[0]);
    wrtc_track_init(&f->track[1]);
    wrtc_srtcp_layout_init(&f->srtcp_layout);
    return f;
}

static webrtc_flow_t *flow_of(conversation_t *conv, gboolean inner)
{
    webrtc_conv_data_t *cd;
    if (!conv)
        return NULL;
    cd = (webrtc_conv_data_t *)conversation_get_proto_data(conv, proto_webrtc);
    if (!cd)
        return NULL;
    return inner ? cd->inner : cd->outer;
}

webrtc_flow_t *webrtc_flow_get(packet_info *pinfo, gboolean inner, gboolean create)
{
    conversation_t *conv;
    webrtc_conv_data_t *cd;
    webrtc_flow_t **slot;

    if (pinfo->ptype != PT_UDP && pinfo->ptype != PT_TCP)
        return NULL;
    conv = exact_conversation(pinfo->num, ctype_of(pinfo->ptype), &pinfo->src, pinfo->srcport,
                              &pinfo->dst, pinfo->destport);
    if (!conv) {
        if (!create || PINFO_FD_VISITED(pinfo))
            return NULL;
        conv = conversation_new(pinfo->num, &pinfo->src, &pinfo->dst, ctype_of(pinfo->ptype),
                                pinfo->srcport, pinfo->destport, 0);
    }
    cd = (webrtc_conv_data_t *)conversation_get_proto_data(conv, proto_webrtc);
    if (!cd) {
        if (!create || PINFO_FD_VISITED(pinfo))
            return NULL;
        cd = wmem_new0(wmem_file_scope(), webrtc_conv_data_t);
        conversation_add_proto_data(conv, proto_webrtc, cd);
    }
    slot = inner ? &cd->inner : &cd->outer;
    if (!*slot && create && !PINFO_FD_VISITED(pinfo)) {
        *slot = flow_new(pinfo);
        (*slot)->inside_turn = inner;
    }
    return *slot;
}

int webrtc_flow_dir(const webrtc_flow_t *f, const packet_info *pinfo)
{
    return (pinfo->srcport == f->port[0] && addresses_equal(&pinfo->src, &f->addr[0])) ? 0 : 1;
}

void webrtc_flow_take_conversation(packet_info *pinfo, webrtc_flow_t *f)
{
    conversation_t *conv;
    /* Only UDP: on TCP the framing dissector (TURN, RFC 4571) owns the
     * stream and hands each message on. */
    if (PINFO_FD_VISITED(pinfo) || f->ptype != PT_UDP)
        return;
    conv = exact_conversation(pinfo->num, CONVERSATION_UDP, &f->addr[0], f->port[0],
                              &f->addr[1], f->port[1]);
    /* (A QUIC 5-tuple keeps the plugin's QUIC front, which hands the
     * media on: webrtc-demux.c.) */
    if (conv && (!webrtc_handles.quic_conv ||
                 conversation_get_dissector(conv, pinfo->num) != webrtc_handles.quic_conv))
        conversation_set_dissector_from_frame_number(conv, f->first_frame, webrtc_handles.demux);
}

static struct srtp_info *new_srtp_info(void)
{
    struct srtp_info *si = wmem_new0(wmem_file_scope(), struct srtp_info);
    /* The profile is negotiated inside DTLS (or SDP); until the SRTCP
     * trailer tells us otherwise no MKI and no tag length are assumed. */
    si->encryption_algorithm = SRTP_ENC_ALG_AES_CM;
    si->auth_algorithm = SRTP_AUTH_ALG_HMAC_SHA1;
    return si;
}

/* The flow's RTP/RTCP set-up with Wireshark: one wildcard conversation per
 * receiving endpoint, as SDP does for offer and answer. */
static void add_rtp_addresses(packet_info *pinfo, webrtc_flow_t *f)
{
    int e;
    /* On TCP (media inside TURN-over-TCP) the RTP dissector finds this set-up
     * through the packet's 5-tuple; the conversation dissector it sets
     * (RFC 4571) is never reached because TCP's exact conversation comes
     * first. RTCP conversations exist for UDP only: webrtc-demux.c calls the
     * SRTCP dissector directly on TCP. */
    for (e = 0; e < 2; e++) {
        if (f->srtp) {
            srtp_add_address(pinfo, f->ptype, &f->addr[e], f->port[e], f->port[1 - e],
                             webrtc_flow_setup_method(f), f->first_frame, 0, f->dyn,
                             f->srtp_info, NULL);
            /* SRTCP's trailer layout differs from SRTP's tag: own info. */
            if (f->ptype == PT_UDP)
                srtcp_add_address(pinfo, &f->addr[e], f->port[e], f->port[1 - e],
                                  webrtc_flow_setup_method(f), f->first_frame, f->srtcp_info);
        } else {
            rtp_add_address(pinfo, f->ptype, &f->addr[e], f->port[e], f->port[1 - e],
                            webrtc_flow_setup_method(f), f->first_frame, 0, f->dyn);
        }
    }
}

static webrtc_flow_t *port_pair_flow(packet_info *pinfo, const webrtc_flow_t *f, int delta)
{
    conversation_t *conv = exact_conversation(pinfo->num, ctype_of(f->ptype),
                                              &f->addr[0], f->port[0] + delta,
                                              &f->addr[1], f->port[1] + delta);
    return flow_of(conv, FALSE);
}

/* RTCP on port + 1 seen before its RTP flow was found (RFC 3550 §11):
 * paired now; SRTCP-shaped RTCP only with an SRTP flow. */
static void pair_pending_rtcp(packet_info *pinfo, webrtc_flow_t *f)
{
    webrtc_flow_t *rtcp;
    if (!webrtc_prefs.rtcp_pair ||
        (f->reason != WEBRTC_REASON_CORROBORATED && f->reason != WEBRTC_REASON_SRTP_KEY) ||
        f->ptype != PT_UDP || f->port[0] >= 65535 || f->port[1] >= 65535)
        return;
    rtcp = port_pair_flow(pinfo, f, 1);
    if (rtcp && rtcp->rtcp_pending_frame && !rtcp->media_frame)
        webrtc_flow_claim_rtcp(pinfo, rtcp, f, rtcp->rtcp_pending_srtcp);
}

void webrtc_flow_claim_media(packet_info *pinfo, webrtc_flow_t *f, webrtc_reason_t why,
                             const char *evidence)
{
    if (PINFO_FD_VISITED(pinfo) || f->media_frame)
        return;
    f->media_frame = pinfo->num;
    f->reason = (guint8)why;
    f->evidence = wmem_strdup(wmem_file_scope(), evidence);
    f->dyn = rtp_dyn_payload_new();
    if (f->srtp) {
        f->srtp_info = new_srtp_info();
        f->srtcp_info = new_srtp_info();
    }
    add_rtp_addresses(pinfo, f);
    webrtc_flow_take_conversation(pinfo, f);
    pair_pending_rtcp(pinfo, f);
    /* The RTP before this packet, which a later pass dissects as RTP. */
    webrtc_flow_release_rtp(f, pinfo->num);
}

void webrtc_flow_pending_of(packet_info *pinfo, const webrtc_flow_t *f, const wrtc_rtp_hdr_t *h,
                            webrtc_pending_rtp_t *e)
{
    memset(e, 0, sizeof *e);
    e->frame = pinfo->num;
    e->t = nstime_to_sec(&pinfo->rel_ts);
    e->bytes = pinfo->fd->pkt_len;
    e->dir = (guint8)webrtc_flow_dir(f, pinfo);
    e->pt = h->pt;
    e->marker = h->marker;
    e->seq = h->seq;
    e->ts = h->ts;
    e->ssrc = h->ssrc;
    e->payload_len = (guint32)h->payload_len;
}

void webrtc_flow_decide_srtp(packet_info *pinfo, webrtc_flow_t *f, gboolean srtp,
                             const char *why)
{
    gboolean upgrade;
    if (PINFO_FD_VISITED(pinfo) || f->srtp_decided)
        return;
    upgrade = srtp && !f->srtp && f->media_frame;
    f->srtp_decided = TRUE;
    f->srtp_frame = pinfo->num;
    f->srtp_evidence = wmem_strdup(wmem_file_scope(), why);
    f->srtp = srtp;
    if (!upgrade)
        return;
    /* Claimed as RTP, found to be SRTP: the same set-up again (same set-up
     * frame: Wireshark updates the conversation) with SRTP info. */
    f->srtp_info = new_srtp_info();
    f->srtcp_info = new_srtp_info();
    if (!f->is_rtcp_only) {
        webrtc_flow_t *rtcp;
        add_rtp_addresses(pinfo, f);
        pair_pending_rtcp(pinfo, f);
        rtcp = f->ptype == PT_UDP && f->port[0] < 65535 && f->port[1] < 65535
             ? port_pair_flow(pinfo, f, 1) : NULL;
        if (rtcp && rtcp->is_rtcp_only && !rtcp->srtp)
            webrtc_flow_decide_srtp(pinfo, rtcp, TRUE, why);
    } else {
        int e;
        for (e = 0; e < 2; e++)
            srtcp_add_address(pinfo, &f->addr[e], f->port[e], f->port[1 - e],
                              webrtc_flow_setup_method(f), f->first_frame, f->srtcp_info);
    }
}

webrtc_flow_t *webrtc_flow_rtp_of_rtcp(packet_info *pinfo, const webrtc_flow_t *f)
{
    if (f->port[0] == 0 || f->port[1] == 0 || f->ptype != PT_UDP)
        return NULL;
    return port_pair_flow(pinfo, f, -1);
}

void webrtc_flow_claim_rtcp(packet_info *pinfo, webrtc_flow_t *f, const webrtc_flow_t *rtp_flow,
                            gboolean srtcp)
{
    int e;
    if (PINFO_FD_VISITED(pinfo) || f->media_frame)
        return;
    f->media_frame = pinfo->num;
    f->reason = WEBRTC_REASON_RTCP_PAIR;
    f->is_rtcp_only = TRUE;
    /* SRTCP-shaped (RFC 3711 §3.4) or the RTCP of an SRTP flow. */
    f->srtp = rtp_flow->srtp || srtcp;
    f->srtp_decided = rtp_flow->srtp_decided || srtcp;
    f->evidence = wmem_strdup_printf(wmem_file_scope(),
        "RTCP between the same hosts on the ports after RTP flow %u/%u (found in frame %u)",
        rtp_flow->port[0], rtp_flow->port[1], rtp_flow->media_frame);
    if (f->srtp)
        f->srtcp_info = new_srtp_info();
    for (e = 0; e < 2; e++) {
        srtcp_add_address(pinfo, &f->addr[e], f->port[e], f->port[1 - e],
                          webrtc_flow_setup_method(f), f->first_frame, f->srtcp_info);
    }
    webrtc_flow_take_conversation(pinfo, f);
}

gboolean webrtc_flow_needs_confirmation(const webrtc_flow_t *f)
{
    return !f->dtls_frame && !f->zrtp_frame && f->reason != WEBRTC_REASON_SRTP_KEY &&
           f->reason != WEBRTC_REASON_CORROBORATED;
}

/* SSRCs of the capture known to be RTP (first pass): on a flow whose context
 * proves it, or confirmed on one. A call that ICE moves to another 5-tuple
 * keeps its SSRCs (RFC 8445 §12), so the new path needs no confirmation. */
static wmem_map_t *known_ssrcs;
/* SSRC -> wmem_list_t of the flows holding an unconfirmed first packet of
 * it: a call's first packet on one path (a relay) and the rest on the path
 * ICE moves it to (the direct 5-tuple) is one stream, proven by the latter
 * (RFC 8445 §12). */
static wmem_map_t *waiting_ssrcs;

/* Whether this run taps its first pass while a WebRTC summary listens
 * (tshark without -2): -1 until the first packet that could be held asks. */
static int taps_first_pass = -1;
/* A tap no one listens to, queued once per file to learn whether the first
 * pass taps: fetch_tapped_data() finds it only while tapping is active. */
static int probe_tap = -1;

static void flow_init(void)
{
    known_ssrcs = wmem_map_new(wmem_file_scope(), g_direct_hash, g_direct_equal);
    waiting_ssrcs = wmem_map_new(wmem_file_scope(), g_direct_hash, g_direct_equal);
    taps_first_pass = -1;
}

void webrtc_flow_register(void)
{
    register_init_routine(flow_init);
    probe_tap = register_tap("webrtc_pass_probe");
}

gboolean webrtc_flow_holds_rtp(packet_info *pinfo)
{
    if (!webrtc_whole_capture_building() || PINFO_FD_VISITED(pinfo))
        return FALSE;
    (void)webrtc_flow_counts_held(pinfo);
    return TRUE;
}

gboolean webrtc_flow_counts_held(packet_info *pinfo)
{
    if (taps_first_pass < 0) {
        /* One pass with the summary's listeners: the RTP taps of the run
         * never see the packets dissected before their flow was claimed
         * (shown as UDP), so the summary does not count them either. A
         * two-pass run, and Wireshark (whose RTP dialogs retap), dissect
         * them as RTP: the model counts them once the flow is claimed. */
        static const int probe = 1;
        tap_queue_packet(probe_tap, pinfo, &probe);
        taps_first_pass = fetch_tapped_data(probe_tap, 0) != NULL && webrtc_facts_listened();
    }
    return !taps_first_pass;
}

void webrtc_flow_hold_rtp(webrtc_flow_t *f, const webrtc_pending_rtp_t *e)
{
    webrtc_held_rtp_t *h = f->held;
    if (!h)
        h = f->held = wmem_new0(wmem_file_scope(), webrtc_held_rtp_t);
    if (h->n == h->size) {
        if (h->size >= WEBRTC_MAX_HELD_RTP) {
            guint32 half = h->n / 2;
            memmove(h->v, h->v + half, (h->n - half) * sizeof *h->v);
            h->n -= half;
            h->dropped += half;
        } else {
            h->size = h->size ? h->size * 2 : 16;
            h->v = wmem_realloc(wmem_file_scope(), h->v, h->size * sizeof *h->v);
        }
    }
    h->v[h->n++] = *e;
}

static gboolean ssrc_confirmed(const webrtc_flow_t *f, guint32 ssrc, guint8 dir)
{
    guint i;
    for (i = 0; i < f->n_ssrc_cand; i++)
        if (f->ssrc_cand[i].ssrc == ssrc && f->ssrc_cand[i].dir == dir)
            return f->ssrc_cand[i].confirmed;
    return FALSE;
}

static void hold_start(webrtc_flow_t *f, webrtc_pending_rtp_t *e, gboolean *have)
{
    if (*have)
        webrtc_flow_hold_rtp(f, e);
    *have = FALSE;
}

static gint cmp_held_frame(const void *a, const void *b)
{
    const webrtc_pending_rtp_t *x = a, *y = b;
    return x->frame < y->frame ? -1 : x->frame > y->frame;
}

void webrtc_flow_move_starts(webrtc_flow_t *f)
{
    int dir;
    gboolean any = FALSE;
    for (dir = 0; dir < 2; dir++) {
        any |= f->have_pending_start[dir] || (f->alt_track[dir] && f->alt_track[dir]->have_start);
        hold_start(f, &f->pending_start[dir], &f->have_pending_start[dir]);
        if (f->alt_track[dir])
            hold_start(f, &f->alt_track[dir]->start, &f->alt_track[dir]->have_start);
    }
    /* Each track's start is its earliest packet: frame order again. */
    if (any && f->held && f->held->n > 1)
        qsort(f->held->v, f->held->n, sizeof *f->held->v, cmp_held_frame);
}

void webrtc_flow_release_rtp(webrtc_flow_t *f, guint32 except_frame)
{
    webrtc_held_rtp_t *h;
    gboolean all;
    guint32 i, keep = 0;
    if (!f->media_frame || f->is_rtcp_only)
        return;
    webrtc_flow_move_starts(f);
    h = f->held;
    if (!h || !h->n)
        return;
    all = !webrtc_flow_needs_confirmation(f);
    for (i = 0; i < h->n; i++) {
        const webrtc_pending_rtp_t *e = &h->v[i];
        if (e->frame == except_frame)
            continue;           /* dissected as RTP now: its own facts */
        if (all || ssrc_confirmed(f, e->ssrc, e->dir))
            webrtc_facts_add_pending_rtp(f, e, taps_first_pass == 1);
        else
            h->v[keep++] = *e;
    }
    h->n = keep;
    if (!keep) {
        wmem_free(wmem_file_scope(), h->v);
        h->v = NULL;
        h->size = 0;
    }
}

gboolean webrtc_flow_ssrc_seen(const guint8 *p, size_t len)
{
    guint32 ssrc;
    if (len < 12 || !known_ssrcs)
        return FALSE;
    ssrc = ((guint32)p[8] << 24) | ((guint32)p[9] << 16) | ((guint32)p[10] << 8) | p[11];
    return wmem_map_contains(known_ssrcs, GUINT_TO_POINTER(ssrc));
}

static void ssrc_is_rtp(guint32 ssrc)
{
    wmem_list_t *waiting;
    wmem_list_frame_t *it;
    if (!known_ssrcs || wmem_map_contains(known_ssrcs, GUINT_TO_POINTER(ssrc)))
        return;
    wmem_map_insert(known_ssrcs, GUINT_TO_POINTER(ssrc), GUINT_TO_POINTER(1));
    waiting = wmem_map_remove(waiting_ssrcs, GUINT_TO_POINTER(ssrc));
    for (it = waiting ? wmem_list_head(waiting) : NULL; it; it = wmem_list_frame_next(it)) {
        webrtc_flow_t *f = wmem_list_frame_data(it);
        guint i;
        for (i = 0; i < f->n_ssrc_cand; i++) {
            webrtc_ssrc_cand_t *c = &f->ssrc_cand[i];
            if (c->ssrc == ssrc && !c->confirmed) {
                c->confirmed = TRUE;    /* shown on later passes */
                webrtc_flow_release_rtp(f, 0);
            }
        }
    }
}

/* Bounded: a flow of random datagrams (each a new "SSRC") registers a few. */
static void ssrc_wait(webrtc_flow_t *f, guint32 ssrc)
{
    wmem_list_t *waiting;
    if (!waiting_ssrcs || f->n_ssrc_waiting >= 2 * WEBRTC_MAX_SSRC_CANDIDATES)
        return;
    waiting = wmem_map_lookup(waiting_ssrcs, GUINT_TO_POINTER(ssrc));
    if (!waiting) {
        waiting = wmem_list_new(wmem_file_scope());
        wmem_map_insert(waiting_ssrcs, GUINT_TO_POINTER(ssrc), waiting);
    }
    if (!wmem_list_find(waiting, f)) {
        wmem_list_append(waiting, f);
        f->n_ssrc_waiting++;
    }
}

gboolean webrtc_flow_ssrc_known(packet_info *pinfo, webrtc_flow_t *f, const wrtc_rtp_hdr_t *h)
{
    int dir = webrtc_flow_dir(f, pinfo);
    webrtc_ssrc_cand_t *c = NULL;
    gboolean fresh = FALSE;
    guint i;
    guint16 step;
    if (!webrtc_flow_needs_confirmation(f)) {
        if (!PINFO_FD_VISITED(pinfo))
            ssrc_is_rtp(h->ssrc);
        return TRUE;
    }
    for (i = 0; i < f->n_ssrc_cand; i++)
        if (f->ssrc_cand[i].ssrc == h->ssrc && f->ssrc_cand[i].dir == dir)
            c = &f->ssrc_cand[i];
    if (PINFO_FD_VISITED(pinfo))
        return c && c->confirmed;
    if (!c) {
        if (!f->ssrc_cand)
            f->ssrc_cand = wmem_alloc0_array(wmem_file_scope(), webrtc_ssrc_cand_t,
                                             WEBRTC_MAX_SSRC_CANDIDATES);
        if (f->n_ssrc_cand < WEBRTC_MAX_SSRC_CANDIDATES) {
            c = &f->ssrc_cand[f->n_ssrc_cand++];
        } else {
            /* Full: an unconfirmed candidate makes room (random datagrams
             * never confirm); confirmed ones stay. */
            for (i = 0; i < f->n_ssrc_cand && !c; i++)
                if (!f->ssrc_cand[i].confirmed)
                    c = &f->ssrc_cand[i];
            if (!c)
                return FALSE;
        }
        memset(c, 0, sizeof *c);
        c->ssrc = h->ssrc;
        c->dir = (guint8)dir;
        fresh = TRUE;
    } else if (c->confirmed) {
        c->seq = h->seq;
        return TRUE;
    }
    if (known_ssrcs && wmem_map_contains(known_ssrcs, GUINT_TO_POINTER(h->ssrc))) {
        c->confirmed = TRUE;        /* RTP on another flow of the call */
        c->seq = h->seq;
        webrtc_flow_release_rtp(f, pinfo->num);
        return TRUE;
    }
    if (!fresh) {
        step = (guint16)(h->seq - c->seq);
        if (step >= 1 && step <= WRTC_MAX_SEQ_STEP) {
            c->confirmed = TRUE;
            c->seq = h->seq;
            ssrc_is_rtp(h->ssrc);
            webrtc_flow_release_rtp(f, pinfo->num);
            return TRUE;
        }
    }
    /* The first packet of the SSRC (or one out of sequence): held for the
     * model (a later pass dissects it once the SSRC is confirmed), not
     * dissected as RTP yet. */
    c->seq = h->seq;
    if (webrtc_flow_holds_rtp(pinfo)) {
        webrtc_pending_rtp_t e;
        webrtc_flow_pending_of(pinfo, f, h, &e);
        webrtc_flow_hold_rtp(f, &e);
    }
    if (webrtc_whole_capture_building())
        ssrc_wait(f, h->ssrc);
    return FALSE;
}

static wrtc_events_t *events_slot(webrtc_flow_t *f, guint8 pt)
{
    guint i;
    for (i = 0; i < f->n_events; i++)
        if (f->events[i].pt == pt)
            return &f->events[i];
    if (f->n_events == WRTC_MAX_PT_TRACKED)
        return NULL;
    if (!f->events)
        f->events = wmem_alloc_array(wmem_file_scope(), wrtc_events_t, WRTC_MAX_PT_TRACKED);
    wrtc_events_init(&f->events[f->n_events], pt);
    return &f->events[f->n_events++];
}

wrtc_events_t *webrtc_flow_payload_type(packet_info *pinfo, webrtc_flow_t *f,
                                        const wrtc_rtp_hdr_t *h, const guint8 *payload,
                                        size_t captured, gboolean decrypted)
{
    wrtc_events_t *ev;
    guint8 pt = h->pt;
    if (!f->dyn || pt < 96)
        return NULL;
    if (!PINFO_FD_VISITED(pinfo) && !(f->dyn_seen[pt / 8] & (1u << (pt % 8)))) {
        /* Without an entry Wireshark falls back to its static table, where
         * 101 (and Cisco NSE 100) mean RTP EVENT. Enter the PT under
         * Wireshark's own name for an unknown dynamic type: no payload
         * dissector, no false telephone events. */
        char name[32];
        g_snprintf(name, sizeof name, "DynamicRTP-Type-%u", pt);
        webrtc_rtp_dyn_payload_insert(f->dyn, pt, name, 0, 1);
        f->dyn_seen[pt / 8] |= (guint8)(1u << (pt % 8));
    }
    if (!webrtc_prefs.validate_events || (f->srtp && !decrypted))
        return NULL;
    ev = events_slot(f, pt);
    if (!ev)
        return NULL;
    /* A payload the snaplen cut is neither evidence for events nor against. */
    if (!PINFO_FD_VISITED(pinfo) && ev->verdict == WRTC_EVENTS_UNDECIDED && payload &&
        captured >= h->payload_len) {
        double t = nstime_to_sec(&pinfo->abs_ts);
        if (wrtc_events_update(ev, payload, h->payload_len, h->ts, t, pinfo->num) ==
            WRTC_EVENTS_YES) {
            /* The RTP dissector finds "telephone-event" in its
             * rtp_dyn_payload_type table: RFC 4733 decoding. RFC 4733
             * events use the clock of the audio they go with; 8 kHz is the
             * registered default (RFC 4733 §7.1.1). */
            webrtc_rtp_dyn_payload_insert(f->dyn, pt, "telephone-event", 8000, 1);
        }
    }
    return ev;
}

void webrtc_flow_srtcp_layout(webrtc_flow_t *f, const guint8 *p, size_t len)
{
    int c;
    if (!f->srtcp_info || f->srtcp_layout.decided >= 0)
        return;
    c = wrtc_srtcp_layout_update(&f->srtcp_layout, p, len);
    if (c < 0)
        return;
    if (wrtc_srtcp_tail_len[c] == 0) {
        /* AEAD-GCM (RFC 7714 §9.1): 16-byte tag inside the ciphertext of
         * both SRTP and SRTCP, E+index last. */
        f->srtcp_info->encryption_algorithm = SRTP_ENC_ALG_AES_GCM;
        f->srtcp_info->auth_algorithm = SRTP_AUTH_ALG_GMAC;
        f->srtcp_info->auth_tag_len = 0;
        if (f->srtp_info) {
            f->srtp_info->encryption_algorithm = SRTP_ENC_ALG_AES_GCM;
            f->srtp_info->auth_algorithm = SRTP_AUTH_ALG_GMAC;
            f->srtp_info->auth_tag_len = 16;
        }
    } else {
        /* AES-CM + HMAC-SHA1: 80-bit SRTCP tag (RFC 3711 §5.2, also with
         * the _32 profiles, RFC 5764 §4.1.2); SRTP's tag is 80 bits for
         * the common _80 profile, which we assume. */
        f->srtcp_info->auth_tag_len = wrtc_srtcp_tail_len[c];
        if (f->srtp_info)
            f->srtp_info->auth_tag_len = 10;
    }
}
