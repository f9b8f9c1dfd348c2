/* webrtc-facts.c — a postdissector that reads, from the fields of
 * Wireshark's own STUN, DTLS, RTP, RTCP, SIP/SDP and TLS dissectors, what the
 * session model needs to know about each packet (a wrtc_fact_t), and queues
 * it on the "webrtc" tap. Like the transum plugin it declares the fields it
 * wants, so they are there even when no tree is built, and it never parses
 * packet bytes that another dissector has already parsed.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#include "webrtc-plugin.h"
#include "webrtc-candidates.h"

#include <arpa/inet.h>
#include <epan/ftypes/ftypes.h>
#include <epan/proto_data.h>
#include <epan/tap.h>

#include "webrtc-flow.h"
#include "webrtc-dtls.h"
#include "webrtc-srtp.h"
#include "session.h"
#include "software.h"
#include "stun_sig.h"
#include "verdict.h"
#include "demux.h"

int webrtc_tap = -1;          /* facts of packets that carry something */
int webrtc_packets_tap = -1;  /* every packet (Statistics > WebRTC Sessions) */

/* The fields read, by filter name; ids are looked up at hand-off. */
enum {
    F_STUN_TYPE, F_STUN_USERNAME, F_STUN_REALM, F_STUN_SOFTWARE, F_STUN_PRIORITY,
    F_STUN_TIEBREAKER, F_STUN_ATT_TYPE, F_STUN_IPV4, F_STUN_IPV6, F_STUN_PORT,
    F_STUN_CHANNEL, F_STUN_CHANNELNUM,
    F_DTLS_HS_TYPE, F_DTLS_SUPPORTED_VERSION,
    F_RTP_SSRC, F_RTP_PT, F_RTP_SEQ, F_RTP_TS, F_RTP_MARKER, F_RTP_PAYLOAD, F_SRTP_PAYLOAD,
    F_RTCP_SENDER_SSRC, F_RTCP_PT, F_SRTCP_ENCRYPTED, F_SRTCP_E,
    F_SIP_CALL_ID, F_SDP_CONN_ADDR, F_SDP_MEDIA_PORT,
    F_TLS_SNI, F_X509_SERIAL, F_SDES_TYPE, F_SDES_TEXT,
    F_RTP_EXT_PROFILE, F_RTPFB_FMT, F_PSFB_FMT, F_X509_PRINTABLE, F_X509_UTF8,
    F_TLS_RECORD,
    F_RTCP_SSRC_ID, F_RTCP_FRACTION, F_RTCP_CUM_LOST, F_RTCP_JITTER,
    F_COUNT
};
static const char *const field_names[F_COUNT] = {
    "stun.type", "stun.att.username", "stun.att.realm", "stun.att.software", "stun.att.priority",
    "stun.att.tie-breaker", "stun.att.type", "stun.att.ipv4", "stun.att.ipv6",
    "stun.att.port", "stun.channel", "stun.att.channelnum",
    "dtls.handshake.type", "dtls.handshake.extensions.supported_version",
    "rtp.ssrc", "rtp.p_type", "rtp.seq", "rtp.timestamp", "rtp.marker", "rtp.payload",
    "srtp.enc_payload",
    "rtcp.senderssrc", "rtcp.pt", "webrtc.srtcp.encrypted", "srtcp.e",
    "sip.Call-ID", "sdp.connection_info.address", "sdp.media.port",
    "tls.handshake.extensions_server_name", "x509af.serialNumber", "rtcp.sdes.type",
    "rtcp.sdes.text",
    "rtp.ext.profile", "rtcp.rtpfb.fmt", "rtcp.psfb.fmt", "x509sat.printableString",
    "x509sat.uTF8String", "tls.record.content_type",
    "rtcp.ssrc.identifier", "rtcp.ssrc.fraction", "rtcp.ssrc.cum_nr", "rtcp.ssrc.jitter",
};
static int field_id[F_COUNT];

/* The protocols whose presence among the frame's layers decides what is read.
 * Looked up once by filter name at hand-off; a packet's layers are then
 * walked once comparing ids (webrtc_layer_set(); proto_is_frame_protocol()
 * compares filter names, and ten calls per packet cost more than the rest
 * of the facts). */
enum { L_ICMP, L_ICMPV6, L_STUN, L_DTLS, L_ZRTP, L_RTP, L_SRTCP, L_RTCP, L_SIP, L_TLS, L_WEBRTC,
       L_SCTP, L_COUNT };
static const char *const layer_names[L_COUNT] = {
    "icmp", "icmpv6", "stun", "dtls", "zrtp", "rtp", "srtcp", "rtcp", "sip", "tls", "webrtc",
    "sctp",
};
static webrtc_layer_map_t layer_map;
#define HAS(set, l) (((set) >> (l)) & 1u)


/* Strings made for a fact live as long as the packet. */
static wmem_allocator_t *pinfo_pool_for_facts;

/* STUN attribute types (RFC 8656 §18). */
#define ATT_XOR_PEER_ADDRESS    0x0012
#define ATT_XOR_RELAYED_ADDRESS 0x0016

static GPtrArray *get(proto_tree *tree, int f)
{
    return field_id[f] > 0 ? proto_get_finfo_ptr_array(tree, field_id[f]) : NULL;
}

static field_info *first(proto_tree *tree, int f)
{
    GPtrArray *a = get(tree, f);
    return a && a->len ? g_ptr_array_index(a, 0) : NULL;
}

static guint32 uval(field_info *fi)
{
    return fvalue_get_uinteger(WEBRTC_FVALUE(fi));
}

static const char *sval(field_info *fi)
{
    return fi ? fvalue_get_string(WEBRTC_FVALUE(fi)) : NULL;
}

static gboolean ep_from_address(const address *a, guint32 port, wrtc_ep_t *e)
{
    memset(e, 0, sizeof *e);
    if (a->type == AT_IPv4 && a->len == 4) {
        e->family = 4;
        memcpy(e->addr, a->data, 4);
    } else if (a->type == AT_IPv6 && a->len == 16) {
        e->family = 6;
        memcpy(e->addr, a->data, 16);
    } else {
        return FALSE;
    }
    e->port = (guint16)port;
    return TRUE;
}

static gboolean ep_from_text(const char *s, guint16 port, wrtc_ep_t *e)
{
    memset(e, 0, sizeof *e);
    e->port = port;
    if (s && inet_pton(AF_INET, s, e->addr) == 1) {
        e->family = 4;
        return TRUE;
    }
    if (s && inet_pton(AF_INET6, s, e->addr) == 1) {
        e->family = 6;
        return TRUE;
    }
    return FALSE;
}

/* The STUN attribute type whose value holds the field at `fi` (same data
 * source, the closest attribute header before it). */
static guint32 att_type_of(proto_tree *tree, const field_info *fi)
{
    GPtrArray *types = get(tree, F_STUN_ATT_TYPE);
    guint32 best = 0;
    gint best_start = -1;
    guint i;
    for (i = 0; types && i < types->len; i++) {
        field_info *t = g_ptr_array_index(types, i);
        if (t->ds_tvb == fi->ds_tvb && t->start < fi->start && t->start > best_start) {
            best_start = t->start;
            best = uval(t);
        }
    }
    return best;
}

static guint16 port_of(proto_tree *tree, const field_info *addr)
{
    GPtrArray *ports = get(tree, F_STUN_PORT);
    guint i;
    /* XOR-*-ADDRESS: family, port, address (RFC 8489 §14.2): the port is the
     * 2 bytes before the address. The STUN dissector adds both in the clear
     * (generated stun.att.port/ipv4/ipv6) next to the XOR'ed bytes. */
    for (i = 0; ports && i < ports->len; i++) {
        field_info *p = g_ptr_array_index(ports, i);
        if (p->ds_tvb == addr->ds_tvb && p->start + 2 == addr->start)
            return (guint16)uval(p);
    }
    return 0;
}

static void stun_addresses(proto_tree *tree, wrtc_fact_t *f, int fam)
{
    GPtrArray *a = get(tree, fam);
    guint i;
    for (i = 0; a && i < a->len; i++) {
        field_info *fi = g_ptr_array_index(a, i);
        guint32 att = att_type_of(tree, fi);
        wrtc_ep_t e;
        char *txt;
        if (att != ATT_XOR_RELAYED_ADDRESS && att != ATT_XOR_PEER_ADDRESS)
            continue;
        txt = fvalue_to_string_repr(NULL, WEBRTC_FVALUE(fi), FTREPR_DISPLAY, BASE_NONE);
        if (ep_from_text(txt, port_of(tree, fi), &e)) {
            if (att == ATT_XOR_RELAYED_ADDRESS) {
                /* Only an Allocate success response gives the relayed
                 * address (RFC 8656 §7.3); WhatsApp's Allocate requests name
                 * the server's own address there. */
                if (f->stun_class != 2) {
                    wmem_free(NULL, txt);
                    continue;
                }
                f->has_relayed = TRUE;
                f->relayed = e;
            } else if (f->n_peers < WRTC_FACT_MAX_PEERS) {
                f->peers[f->n_peers++] = e;
            }
        }
        wmem_free(NULL, txt);
    }
}

static void read_stun(proto_tree *tree, wrtc_fact_t *f)
{
    field_info *t = first(tree, F_STUN_TYPE);
    field_info *ch = first(tree, F_STUN_CHANNEL);
    if (ch) {
        f->contents |= WRTC_C_CHANNELDATA;
        f->channel = (guint16)uval(ch);
    }
    if (!t)
        return;
    {
        guint32 type = uval(t);
        guint8 b[2] = { (guint8)(type >> 8), (guint8)type };
        f->stun_method = wrtc_stun_method(b, 2);
        /* RFC 8489 §5: class bits C1 (0x0100) and C0 (0x0010). */
        f->stun_class = (guint8)(((type >> 4) & 1) | ((type >> 7) & 2));
    }
    f->contents |= WRTC_C_STUN;
    if (t->start >= 0 && tvb_bytes_exist(t->ds_tvb, t->start, 4)) {
        /* Attributes past the captured bytes (snaplen): what is missing
         * is unknown, not absent (the ICE attributes of a check, say). */
        guint16 mlen = tvb_get_ntohs(t->ds_tvb, t->start + 2);
        f->stun_cut = tvb_captured_length_remaining(t->ds_tvb, t->start) < 20 + (gint)mlen;
    }
    if (wrtc_stun_method_is_turn(f->stun_method))
        f->contents |= WRTC_C_TURN;
    if (f->stun_method == WRTC_STUN_SEND || f->stun_method == WRTC_STUN_DATA)
        f->contents |= WRTC_C_DATA_IND;
    if (first(tree, F_STUN_PRIORITY) || first(tree, F_STUN_TIEBREAKER))
        f->contents |= WRTC_C_ICE;     /* RFC 8445 §7.1.1-7.1.3 */
    f->username = sval(first(tree, F_STUN_USERNAME));
    if (f->contents & WRTC_C_ICE)
        f->fingerprints |= wrtc_ice_username_fingerprint(f->username);
    f->realm = sval(first(tree, F_STUN_REALM));
    f->software = sval(first(tree, F_STUN_SOFTWARE));
    if (!f->channel) {
        field_info *cn = first(tree, F_STUN_CHANNELNUM);
        if (cn)
            f->channel = (guint16)uval(cn);
    }
    stun_addresses(tree, f, F_STUN_IPV4);
    stun_addresses(tree, f, F_STUN_IPV6);
}

static void read_dtls(proto_tree *tree, wrtc_fact_t *f)
{
    field_info *serial = first(tree, F_X509_SERIAL);
    if (serial)
        f->dtls_cert = fvalue_to_string_repr(pinfo_pool_for_facts, WEBRTC_FVALUE(serial),
                                             FTREPR_DISPLAY, BASE_NONE);
    GPtrArray *hs = get(tree, F_DTLS_HS_TYPE), *sv;
    guint i;
    gboolean server_hello = FALSE;
    for (i = 0; hs && i < hs->len; i++)
        server_hello |= uval(g_ptr_array_index(hs, i)) == 2;
    if (!server_hello)
        return;
    /* The ServerHello's supported_versions names the version (RFC 9147
     * §5.3, RFC 8446 §4.2.1); without it the version is DTLS 1.2, unless
     * the capture cut the ServerHello: then it is not known. */
    sv = get(tree, F_DTLS_SUPPORTED_VERSION);
    for (i = 0; sv && i < sv->len; i++)
        if (uval(g_ptr_array_index(sv, i)) == 0xFEFC)
            f->dtls_version = 0xFEFC;
    if (!f->dtls_version) {
        field_info *h = g_ptr_array_index(hs, 0);
        f->dtls_version = tvb_captured_length(h->ds_tvb) < tvb_reported_length(h->ds_tvb)
                        ? WRTC_DTLS_NOT_CAPTURED : 0xFEFD;
    }
}

/* The RTP or SRTP payload field of the packet whose SSRC is `ssrc` (the
 * next one starts at `next_start`, -1: none); *clear says which. */
static field_info *payload_after(proto_tree *tree, const field_info *ssrc, gint next_start,
                                 gboolean *clear)
{
    int which[2] = { F_RTP_PAYLOAD, F_SRTP_PAYLOAD };
    int w;
    guint i;
    for (w = 0; w < 2; w++) {
        GPtrArray *a = get(tree, which[w]);
        for (i = 0; a && i < a->len; i++) {
            field_info *p = g_ptr_array_index(a, i);
            if (p->ds_tvb == ssrc->ds_tvb && p->start > ssrc->start &&
                (next_start < 0 || p->start < next_start)) {
                *clear = w == 0;
                return p;
            }
        }
    }
    return NULL;
}

/* `readable`: the payload is plaintext, clear RTP or SRTP the plugin
 * decrypted (then the rtp.* fields are in the "Decrypted SRTP" data source). */
static void read_rtp(packet_info *pinfo, proto_tree *tree, wrtc_fact_t *f, gboolean srtp,
                     gboolean readable)
{
    /* Data sources handed on with the P bit cleared (webrtc-rtp.c). */
    wmem_list_t *cleared = (wmem_list_t *)p_get_proto_data(pinfo->pool, pinfo, proto_webrtc,
                                                           WEBRTC_PDATA_PADDING_CLEARED);
    GPtrArray *ssrc = get(tree, F_RTP_SSRC), *pt = get(tree, F_RTP_PT), *seq = get(tree, F_RTP_SEQ),
              *ts = get(tree, F_RTP_TS), *mk = get(tree, F_RTP_MARKER);
    guint i, n;
    if (!ssrc || !pt || !seq || !ts)
        return;
    n = MIN(MIN(ssrc->len, pt->len), MIN(seq->len, ts->len));
    for (i = 0; i < n && f->n_rtp < WRTC_FACT_MAX_RTP; i++) {
        wrtc_rtp_fact_t *r = &f->rtp[f->n_rtp++];
        field_info *s = g_ptr_array_index(ssrc, i), *pl;
        gint next = i + 1 < ssrc->len ? ((field_info *)g_ptr_array_index(ssrc, i + 1))->start : -1;
        gboolean clear = FALSE;
        r->ssrc = uval(s);
        r->pt = (guint8)uval(g_ptr_array_index(pt, i));
        r->seq = (guint16)uval(g_ptr_array_index(seq, i));
        r->ts = uval(g_ptr_array_index(ts, i));
        if (mk && i < mk->len) {
            /* The marker is the top bit of the RTP header's second byte,
             * the P bit (0x20) is in the first (RFC 3550 §5.1). */
            field_info *m = g_ptr_array_index(mk, i);
            r->marker = (tvb_get_guint8(m->ds_tvb, m->start) & 0x80) != 0;
            if (m->start > 0)
                r->padding = (tvb_get_guint8(m->ds_tvb, m->start - 1) & 0x20) != 0 ||
                             (cleared && wmem_list_find(cleared, m->ds_tvb));
        }
        pl = payload_after(tree, s, next, &clear);
        r->payload_len = pl ? (guint32)pl->length : 0;
        if (!pl && s->start >= 8) {
            /* No payload field: the capture was cut inside the header or
             * payload (snaplen). The payload's length on the wire, from the
             * header in the same data source. */
            tvbuff_t *ds = s->ds_tvb;
            gint at = s->start - 8;
            gint cap = tvb_captured_length_remaining(ds, at);
            gint rep = tvb_reported_length_remaining(ds, at);
            wrtc_rtp_hdr_t h;
            if (cap >= 12 && rep >= cap &&
                wrtc_rtp_parse(tvb_get_ptr(ds, at, cap), (size_t)cap, (size_t)rep, srtp, &h) ==
                    WRTC_RTP_OK)
                r->payload_len = (guint32)h.payload_len;
        }
        r->srtp = srtp;
        if (pl && clear && readable) {
            /* The first bytes of a clear (or decrypted) payload, for the codec's payload
             * header checks (codec_guess.c); within what was captured. */
            gint avail = tvb_captured_length_remaining(pl->ds_tvb, pl->start);
            gint take = MIN(MIN(pl->length, avail), WRTC_CG_HEAD);
            if (take > 0) {
                tvb_memcpy(pl->ds_tvb, r->head, pl->start, take);
                r->head_len = (guint8)take;
            }
        }
    }
}

static void read_rtcp(proto_tree *tree, wrtc_fact_t *f)
{
    GPtrArray *a = get(tree, F_RTCP_SENDER_SSRC);
    GPtrArray *types = get(tree, F_SDES_TYPE), *texts = get(tree, F_SDES_TEXT);
    guint i;
    for (i = 0; a && i < a->len && f->n_rtcp < WRTC_FACT_MAX_RTCP; i++)
        f->rtcp_ssrc[f->n_rtcp++] = uval(g_ptr_array_index(a, i));
    /* Reception report blocks (RFC 3550 §6.4.1): SSRC, then fraction lost
     * (+4), cumulative lost (+5, 24 bits), extended highest sequence (+8),
     * jitter (+12). rtcp.ssrc.identifier also names SDES chunks, so each
     * block is found from its fraction's position. */
    {
        GPtrArray *ids = get(tree, F_RTCP_SSRC_ID), *fr = get(tree, F_RTCP_FRACTION);
        GPtrArray *cum = get(tree, F_RTCP_CUM_LOST), *jit = get(tree, F_RTCP_JITTER);
        guint k, j;
        for (k = 0; ids && fr && k < fr->len && f->n_rr < WRTC_FACT_MAX_RR; k++) {
            field_info *fi = g_ptr_array_index(fr, k), *id = NULL;
            wrtc_rr_t *rr;
            for (j = 0; j < ids->len && !id; j++) {
                field_info *x = g_ptr_array_index(ids, j);
                if (x->ds_tvb == fi->ds_tvb && x->start + 4 == fi->start)
                    id = x;
            }
            if (!id)
                continue;
            rr = &f->rr[f->n_rr++];
            memset(rr, 0, sizeof *rr);
            rr->ssrc = uval(id);
            rr->fraction = (guint8)uval(fi);
            for (j = 0; cum && j < cum->len; j++) {
                field_info *x = g_ptr_array_index(cum, j);
                if (x->ds_tvb == fi->ds_tvb && x->start == fi->start + 1)
                    rr->cum_lost = fvalue_get_sinteger(WEBRTC_FVALUE(x));
            }
            for (j = 0; jit && j < jit->len; j++) {
                field_info *x = g_ptr_array_index(jit, j);
                if (x->ds_tvb == fi->ds_tvb && x->start == fi->start + 8)
                    rr->jitter = uval(x);
            }
        }
    }
    /* SDES items come as type + text pairs; CNAME is type 1 (RFC 3550 §6.5). */
    for (i = 0; types && texts && i < types->len && i < texts->len && f->n_cname < 4; i++)
        if (uval(g_ptr_array_index(types, i)) == 1)
            f->cname[f->n_cname++] = sval(g_ptr_array_index(texts, i));
}

static void read_sip(proto_tree *tree, wrtc_fact_t *f)
{
    GPtrArray *conn = get(tree, F_SDP_CONN_ADDR), *ports = get(tree, F_SDP_MEDIA_PORT);
    guint i;
    f->sip_call_id = sval(first(tree, F_SIP_CALL_ID));
    if (!f->sip_call_id || !conn || !conn->len || !ports)
        return;
    /* c= may be session-level or per m=; the last c= before each m= port
     * applies (RFC 8866 §5.7). */
    for (i = 0; i < ports->len && f->n_sdp < WRTC_FACT_MAX_SDP; i++) {
        field_info *p = g_ptr_array_index(ports, i);
        const char *addr = NULL;
        guint j;
        for (j = 0; j < conn->len; j++) {
            field_info *c = g_ptr_array_index(conn, j);
            if (c->ds_tvb != p->ds_tvb || c->start < p->start || !addr)
                addr = sval(c);
        }
        if (ep_from_text(addr, (guint16)uval(p), &f->sdp[f->n_sdp]))
            f->n_sdp++;
    }
}

/* The whole capture's session model, built on the first pass (when the
 * "session_model" preference is on) and read on later passes: by the
 * Statistics > WebRTC Sessions tree (webrtc-statstree.c). */
static wrtc_model_t *whole_capture;
static gboolean summary_listening;
static GArray *session_info;            /* session_info_t, see below */
static uint32_t session_info_generation;
static uint32_t last_regroup_frame;

wrtc_model_t *webrtc_model_new(void)
{
    wrtc_model_config_t c;
    wrtc_model_config_default(&c);
    if (webrtc_prefs.flow_idle_gap_s > 0)
        c.idle_gap_s = webrtc_prefs.flow_idle_gap_s;
    return wrtc_model_new(&c);
}

static void facts_init(void)
{
    wrtc_model_free(whole_capture);
    whole_capture = webrtc_prefs.session_model ? webrtc_model_new() : NULL;
    webrtc_facts_want(summary_listening);
}

static void facts_cleanup(void)
{
    wrtc_model_free(whole_capture);
    whole_capture = NULL;
    if (session_info)
        g_array_free(session_info, TRUE);
    session_info = NULL;
    last_regroup_frame = 0;
}

void webrtc_facts_add_pending_rtp(const struct webrtc_flow *fl, const void *pending,
                                  gboolean not_counted)
{
    const webrtc_pending_rtp_t *e = pending;
    wrtc_fact_t f;
    int d = e->dir;
    if (!whole_capture)
        return;
    wrtc_fact_init(&f);
    if (!ep_from_address(&fl->addr[d], fl->port[d], &f.src) ||
        !ep_from_address(&fl->addr[1 - d], fl->port[1 - d], &f.dst))
        return;
    f.frame = e->frame;
    f.t = e->t;
    f.tcp = fl->ptype == PT_TCP;
    f.bytes = e->bytes;
    f.contents = fl->srtp ? (WRTC_C_RTP | WRTC_C_SRTP) : WRTC_C_RTP;
    f.n_rtp = 1;
    f.rtp[0].ssrc = e->ssrc;
    f.rtp[0].pt = e->pt;
    f.rtp[0].marker = e->marker;
    f.rtp[0].seq = e->seq;
    f.rtp[0].ts = e->ts;
    f.rtp[0].payload_len = e->payload_len;
    f.rtp[0].srtp = fl->srtp;
    f.not_counted = not_counted;
    wrtc_model_add(whole_capture, &f);
}

/* webrtc-srtp.c decrypted, after the first pass, an SRTP packet the first
 * pass had not taken for RTP yet: the whole-capture model counts it. */
void webrtc_facts_decrypted_late(packet_info *pinfo, guint32 ssrc)
{
    wrtc_ep_t src, dst;
    if (!whole_capture || !ep_from_address(&pinfo->src, pinfo->srcport, &src) ||
        !ep_from_address(&pinfo->dst, pinfo->destport, &dst))
        return;
    wrtc_model_decrypted_late(whole_capture, pinfo->ptype == PT_TCP, &src, &dst,
                              nstime_to_sec(&pinfo->rel_ts), ssrc);
}

gboolean webrtc_facts_listened(void)
{
    return have_tap_listener(webrtc_tap) || have_tap_listener(webrtc_packets_tap);
}

gboolean webrtc_whole_capture_building(void)
{
    return whole_capture != NULL;
}

wrtc_model_t *webrtc_whole_capture(void)
{
    if (whole_capture)
        wrtc_model_finish(whole_capture);
    return whole_capture;
}

/* ---- webrtc.session & co. on every packet of a session ------------------ */

/* Verdicts per session, for one generation of the grouping. */
typedef struct {
    wrtc_verdict_t verdict;
    int score;
    wrtc_traits_t traits;
    GArray *leg_verdict;         /* wrtc_verdict_t per leg (leg id - 1) */
} session_info_t;

static void clear_session_info(gpointer p)
{
    session_info_t *si = p;
    if (si->leg_verdict)
        g_array_free(si->leg_verdict, TRUE);
    si->leg_verdict = NULL;
}
/* While reading (first pass) the grouping is redone now and then, so that
 * one-pass tshark shows the value so far without regrouping per packet. */
#define REGROUP_EVERY_FRAMES 1000

static const session_info_t *info_of(wrtc_model_t *m, int session)
{
    const GPtrArray *ss;
    guint i;
    if (!session_info || session_info_generation != wrtc_model_generation(m)) {
        if (!session_info) {
            session_info = g_array_new(FALSE, TRUE, sizeof(session_info_t));
            g_array_set_clear_func(session_info, clear_session_info);
        }
        ss = wrtc_model_sessions(m);
        g_array_set_size(session_info, 0);
        g_array_set_size(session_info, ss->len);
        for (i = 0; i < ss->len; i++) {
            const wrtc_session_t *s = g_ptr_array_index(ss, i);
            session_info_t *si = &g_array_index(session_info, session_info_t, i);
            guint j;
            wrtc_traits_of(s->flows, wrtc_model_tls_flows(m), &si->traits);
            (void)wrtc_verdict_of(&si->traits, &si->score, NULL);
            si->verdict = wrtc_session_verdict(s, wrtc_model_tls_flows(m));
            si->leg_verdict = g_array_sized_new(FALSE, FALSE, sizeof(wrtc_verdict_t), s->legs->len);
            for (j = 0; j < s->legs->len; j++) {
                wrtc_verdict_t v = wrtc_leg_verdict(g_ptr_array_index(s->legs, j),
                                                    wrtc_model_tls_flows(m), NULL);
                g_array_append_val(si->leg_verdict, v);
            }
        }
        session_info_generation = wrtc_model_generation(m);
    }
    if (session < 1 || (guint)session > session_info->len)
        return NULL;
    return &g_array_index(session_info, session_info_t, session - 1);
}

static gboolean session_fields_referenced(proto_tree *tree)
{
    int i;
    if (!tree)
        return FALSE;
    /* A filter on the protocol itself (`-Y webrtc`) wants the tree too:
     * the filter references it. Not proto_field_is_referenced() on the
     * protocol, which is true for every protocol wherever a tap needs real
     * protocol items (-z io,phs: fake_protocols off), and would build the
     * session fields on every packet of such a run; and DIRECT only: the
     * fields the postdissector asks for make the protocol INDIRECT. */
    if (proto_registrar_get_nth(proto_webrtc)->ref_type == HF_REF_TYPE_DIRECT ||
        proto_field_is_referenced(tree, hf_webrtc_session) ||
        proto_field_is_referenced(tree, hf_webrtc_leg) ||
        proto_field_is_referenced(tree, hf_webrtc_verdict) ||
        proto_field_is_referenced(tree, hf_webrtc_leg_verdict) ||
        proto_field_is_referenced(tree, hf_webrtc_score) ||
        proto_field_is_referenced(tree, hf_webrtc_media) ||
        proto_field_is_referenced(tree, hf_webrtc_codec_guess) ||
        proto_field_is_referenced(tree, hf_webrtc_server_software) ||
        proto_field_is_referenced(tree, hf_webrtc_server_product))
        return TRUE;
    for (i = 0; i < WRTC_TRAIT_COUNT; i++)
        if (proto_field_is_referenced(tree, hf_webrtc_trait[i]))
            return TRUE;
    return FALSE;
}

static void add_session_fields(tvbuff_t *tvb, packet_info *pinfo, proto_tree *tree,
                               const wrtc_fact_t *f)
{
    wrtc_model_t *m = whole_capture;
    const wrtc_flow_t *fl;
    const session_info_t *si;
    const guint32 *ssrc;
    proto_item *ti, *it;
    proto_tree *st;
    int k;

    if (!PINFO_FD_VISITED(pinfo) &&
        (pinfo->num - last_regroup_frame >= REGROUP_EVERY_FRAMES || !last_regroup_frame)) {
        wrtc_model_finish(m);
        last_regroup_frame = pinfo->num;
    }
    if (PINFO_FD_VISITED(pinfo))
        wrtc_model_finish(m);
    fl = wrtc_model_lookup(m, f->tcp, &f->src, &f->dst, f->t);
    if (!fl || fl->session < 1)
        return;
    si = info_of(m, fl->session);
    if (!si)
        return;
    /* One WebRTC item per layer: the session's subtree goes under the
     * frame's WebRTC item where the demultiplexer made one; a frame the
     * plugin did not dissect (SIP/SDP-set-up RTP, say) gets its own. */
    if ((ti = webrtc_tree_item(pinfo)) != NULL) {
        proto_item_append_text(ti, ", session %d: %s", fl->session,
                               wrtc_verdict_name(si->verdict));
        st = proto_tree_add_subtree_format(proto_item_add_subtree(ti, ett_webrtc), tvb, 0, 0,
                                           ett_webrtc_session, &it, "Session %d: %s",
                                           fl->session, wrtc_verdict_name(si->verdict));
        proto_item_set_generated(it);
    } else {
        ti = proto_tree_add_item(tree, proto_webrtc, tvb, 0, 0, ENC_NA);
        proto_item_set_generated(ti);
        proto_item_append_text(ti, ", session %d: %s", fl->session,
                               wrtc_verdict_name(si->verdict));
        st = proto_item_add_subtree(ti, ett_webrtc_session);
        webrtc_note_tree_item(pinfo, ti);
    }
#define GEN(x) proto_item_set_generated(x)
    it = proto_tree_add_uint(st, hf_webrtc_session, tvb, 0, 0, (guint32)fl->session); GEN(it);
    it = proto_tree_add_uint(st, hf_webrtc_leg, tvb, 0, 0, (guint32)fl->leg); GEN(it);
    if (fl->leg >= 1 && (guint)fl->leg <= si->leg_verdict->len) {
        it = proto_tree_add_string(st, hf_webrtc_leg_verdict, tvb, 0, 0,
                                   wrtc_verdict_name(g_array_index(si->leg_verdict,
                                                                   wrtc_verdict_t, fl->leg - 1)));
        GEN(it);
    }
    it = proto_tree_add_string(st, hf_webrtc_verdict, tvb, 0, 0, wrtc_verdict_name(si->verdict));
    GEN(it);
    it = proto_tree_add_uint(st, hf_webrtc_score, tvb, 0, 0, (guint32)si->score); GEN(it);
    {
        /* The session's traits, one subtree: "Traits: ICE, SRTP, ...". */
        proto_item *tr;
        proto_tree *tt = proto_tree_add_subtree(st, tvb, 0, 0, ett_webrtc_traits, &tr, "Traits:");
        gboolean any = FALSE;
        GEN(tr);
        for (k = 0; k < WRTC_TRAIT_COUNT; k++) {
            /* Not observable: no value to filter on (the summary says why). */
            if (si->traits.unknown[k])
                continue;
            it = proto_tree_add_boolean(tt, hf_webrtc_trait[k], tvb, 0, 0, si->traits.on[k]);
            GEN(it);
            if (si->traits.on[k]) {
                proto_item_append_text(tr, "%s %s", any ? "," : "",
                                       proto_registrar_get_name(hf_webrtc_trait[k]));
                any = TRUE;
            }
        }
        if (!any)
            proto_item_append_text(tr, " none");
    }
    {
        const webrtc_rtp_pkt_t *pk = p_get_proto_data(pinfo->pool, pinfo, proto_webrtc,
                                                      WEBRTC_PDATA_SSRC);
        ssrc = pk ? &pk->ssrc : NULL;
    }
    if (!ssrc && f->n_rtp)
        ssrc = &f->rtp[0].ssrc;   /* RTP Wireshark set up itself (SIP/SDP) */
    if (!ssrc)
        ssrc = p_get_proto_data(wmem_file_scope(), pinfo, proto_webrtc, WEBRTC_PDATA_RTP_SSRC);
    if (ssrc) {
        int dir = wrtc_ep_cmp(&f->src, &fl->ep[0]) == 0 ? 0 : 1;
        guint i;
        for (i = 0; i < WRTC_LIST_LEN(fl->stream_list); i++) {
            const wrtc_stream_t *s = g_ptr_array_index(fl->stream_list, i);
            if (s->ssrc == *ssrc && s->dir == dir) {
                char codec[64], ev[300];
                wrtc_stream_codec_guess(s, codec, sizeof codec, ev, sizeof ev);
                it = proto_tree_add_string(st, hf_webrtc_media, tvb, 0, 0, wrtc_stream_media(s));
                GEN(it);
                it = proto_tree_add_string_format_value(st, hf_webrtc_codec_guess, tvb, 0, 0,
                                                        codec, "%s (%s)", codec, ev);
                GEN(it);
                break;
            }
        }
    }
    if (WRTC_LIST_LEN(fl->software)) {
        const char *v = g_ptr_array_index(fl->software, 0);
        const char *sw = strchr(v, '\t');
        char prod[96], ver[32];
        sw = sw ? sw + 1 : v;
        it = proto_tree_add_string(st, hf_webrtc_server_software, tvb, 0, 0, sw); GEN(it);
        if (wrtc_software_identify(sw, prod, sizeof prod, ver, sizeof ver)) {
            it = proto_tree_add_string_format_value(st, hf_webrtc_server_product, tvb, 0, 0, prod,
                                                    "%s%s%s", prod, *ver ? " " : "", ver);
            GEN(it);
        }
    }
#undef GEN
}

/* An expert info on the packet that first hit one of the whole-capture
 * model's caps (once per flow and cap; once per capture for the flow and
 * TLS caps). The model records the frames; the packet's flow is looked up
 * only on those frames. */
static void add_cap_experts(tvbuff_t *tvb, packet_info *pinfo, proto_tree *tree,
                            const wrtc_fact_t *f)
{
    wrtc_model_t *m = whole_capture;
    const wrtc_flow_t *fl;
    proto_item *ti = NULL;
    /* Under the frame's WebRTC item where there is one (one per layer). */
#define CAP_ITEM() (ti ? ti : (ti = webrtc_tree_item(pinfo)) ? ti : \
                    (ti = proto_tree_add_item(tree, proto_webrtc, tvb, 0, 0, ENC_NA), \
                     proto_item_set_generated(ti), \
                     proto_item_append_text(ti, ": bounded state"), ti))
    if (webrtc_candidates_cap_frame() == pinfo->num)
        expert_add_info_format(pinfo, CAP_ITEM(), &ei_webrtc_cap_flows,
            "Candidate flow limit reached: the oldest of %u unclaimed RTP-shaped 5-tuples "
            "(one packet each so far) are forgotten", WEBRTC_MAX_CANDIDATES);
    if (!wrtc_model_cap_at(m, pinfo->num))
        return;
    if (wrtc_model_cap_frame(m, WRTC_CAP_FLOWS) == pinfo->num)
        expert_add_info(pinfo, CAP_ITEM(), &ei_webrtc_cap_flows);
    if (wrtc_model_cap_frame(m, WRTC_CAP_TLS) == pinfo->num)
        expert_add_info(pinfo, CAP_ITEM(), &ei_webrtc_cap_tls);
    fl = wrtc_model_lookup(m, f->tcp, &f->src, &f->dst, f->t);
    if (!fl)
        return;
    if (fl->cap_frame[WRTC_CAP_STREAMS] == pinfo->num)
        expert_add_info(pinfo, CAP_ITEM(), &ei_webrtc_cap_streams);
    if (fl->cap_frame[WRTC_CAP_LIST] == pinfo->num)
        expert_add_info_format(pinfo, CAP_ITEM(), &ei_webrtc_cap_list,
                               "Per-flow list limit reached: %s beyond %d are not kept",
                               fl->cap_list, WRTC_MAX_LIST);
#undef CAP_ITEM
}

/* Fingerprints from clear header fields (see WRTC_FP_* in session.h). */
static void read_fingerprints(proto_tree *tree, wrtc_fact_t *f, guint32 layers)
{
    GPtrArray *a;
    guint i;
    if (HAS(layers, L_RTP) && (a = get(tree, F_RTP_EXT_PROFILE)))
        for (i = 0; i < a->len; i++) {
            guint32 prof = uval(g_ptr_array_index(a, i));
            if (prof == 0xBEDE)
                f->fingerprints |= WRTC_FP_HDREXT_ONE_BYTE;
            else if ((prof & 0xFFF0) == 0x1000)
                f->fingerprints |= WRTC_FP_HDREXT_TWO_BYTE;
        }
    if (f->contents & WRTC_C_RTCP) {   /* feedback formats (RFC 4585 §6) */
        if ((a = get(tree, F_RTPFB_FMT)))
            for (i = 0; i < a->len; i++) {
                guint32 fmt = uval(g_ptr_array_index(a, i));
                f->fingerprints |= fmt == 15 ? WRTC_FP_TRANSPORT_CC : fmt == 1 ? WRTC_FP_NACK : 0;
            }
        if ((a = get(tree, F_PSFB_FMT)))
            for (i = 0; i < a->len; i++) {
                guint32 fmt = uval(g_ptr_array_index(a, i));
                f->fingerprints |= fmt == 1 ? WRTC_FP_PLI : fmt == 4 ? WRTC_FP_FIR :
                                   fmt == 15 ? WRTC_FP_REMB : 0;
            }
    }
    if (HAS(layers, L_STUN) && (a = get(tree, F_STUN_ATT_TYPE)))
        for (i = 0; i < a->len; i++) {
            guint32 t = uval(g_ptr_array_index(a, i));
            if (t >= 0xC057 && t <= 0xC05F)
                f->fingerprints |= WRTC_FP_GOOG_STUN;
            else if (wrtc_stun_ms_attribute(t))
                f->fingerprints |= WRTC_FP_MS_STUN;
        }
    if (HAS(layers, L_DTLS) || HAS(layers, L_TLS)) {
        int w[2] = { F_X509_PRINTABLE, F_X509_UTF8 }, k;
        for (k = 0; k < 2; k++)
            if ((a = get(tree, w[k])))
                for (i = 0; i < a->len; i++) {
                    const char *n = sval(g_ptr_array_index(a, i));
                    if (n && strcmp(n, "WebRTC") == 0)
                        f->fingerprints |= WRTC_FP_CERT_WEBRTC;
                }
    }
}

static int dissect_facts(tvbuff_t *tvb, packet_info *pinfo, proto_tree *tree, void *data _U_)
{
    wrtc_fact_t *f;
    guint32 layers;
    gboolean srtp, learn = whole_capture && !PINFO_FD_VISITED(pinfo);
    const webrtc_srtp_packet_t *sp;
    gboolean fields = whole_capture && session_fields_referenced(tree);
    /* On a later pass: this frame hit a cap (on the first, the model learns
     * it from this very packet, below). */
    gboolean caps = whole_capture && wrtc_model_cap_at(whole_capture, pinfo->num);

    pinfo_pool_for_facts = pinfo->pool;
    if (learn)
        wrtc_model_note_frame(whole_capture, tvb_captured_length(tvb), tvb_reported_length(tvb));
    if (!learn && !fields && !have_tap_listener(webrtc_tap) &&
        !have_tap_listener(webrtc_packets_tap) && !caps)
        return 0;
    if (!tree && !caps)
        return 0;
    if (pinfo->ptype != PT_UDP && pinfo->ptype != PT_TCP)
        return 0;
    layers = webrtc_layer_set(pinfo->layers, &layer_map);
    if (HAS(layers, L_ICMP) || HAS(layers, L_ICMPV6))
        return 0;
    f = wmem_new(pinfo->pool, wrtc_fact_t);
    wrtc_fact_init(f);
    f->first_pass = !PINFO_FD_VISITED(pinfo);
    if (!ep_from_address(&pinfo->src, pinfo->srcport, &f->src) ||
        !ep_from_address(&pinfo->dst, pinfo->destport, &f->dst))
        return 0;
    f->frame = pinfo->num;
    f->t = nstime_to_sec(&pinfo->rel_ts);
    f->tcp = pinfo->ptype == PT_TCP;
    f->bytes = tvb_reported_length(tvb);
    f->captured = tvb_captured_length(tvb);
    if (!tree || (!learn && !fields && !have_tap_listener(webrtc_tap) &&
                  !have_tap_listener(webrtc_packets_tap))) {
        /* Only the caps' expert infos (the expert tap needs no tree). */
        add_cap_experts(tvb, pinfo, tree, f);
        return 0;
    }

    if (HAS(layers, L_STUN))
        read_stun(tree, f);
    {
        /* The demultiplexer's reading of the STUN messages: also those
         * Wireshark's STUN dissector gave up on (a header the snaplen cut
         * inside a ChannelData) and the checks inside TURN indications. */
        const webrtc_stun_pkt_t *k = p_get_proto_data(pinfo->pool, pinfo, proto_webrtc,
                                                      WEBRTC_PDATA_STUN);
        if (k) {
            f->contents |= WRTC_C_STUN | (k->turn ? WRTC_C_TURN : 0);
            f->binding_request |= k->binding_request;
            f->stun_cut |= k->cut;
            f->relay_cut = k->relay_cut;
            if (k->relay_cut)
                f->hidden |= WRTC_HIDDEN_RELAYED;
            f->check_sized = k->check_sized;
        } else if (f->contents & WRTC_C_STUN) {
            f->binding_request = f->stun_method == WRTC_STUN_BINDING && f->stun_class == 0;
        }
        if (f->stun_cut)
            f->hidden |= WRTC_HIDDEN_ICE;
    }
    if (HAS(layers, L_DTLS)) {
        f->contents |= WRTC_C_DTLS;
        read_dtls(tree, f);
        /* A handshake record the snaplen cut: its certificate (DTLS 1.2)
         * and version may have been in it. */
        if (f->captured < f->bytes && first(tree, F_DTLS_HS_TYPE) && !f->dtls_cert)
            f->hidden |= WRTC_HIDDEN_CERT;
    }
    {
        /* The demultiplexer's count of DTLS application-data records
         * (webrtc-dtls-records.c): Wireshark 4.0 has no fields for the
         * DTLS 1.3 records that carry data channels. */
        const webrtc_dtls_pkt_t *k = p_get_proto_data(pinfo->pool, pinfo, proto_webrtc,
                                                      WEBRTC_PDATA_DTLS_APP);
        if (k) {
            f->contents |= WRTC_C_DTLS | WRTC_C_DTLS_APP;
            f->dtls_app_records = k->app_records;
            f->dtls_app_bytes = k->app_bytes;
        }
    }
    /* SCTP inside decrypted DTLS (webrtc-dtls.c): data channels. */
    if (HAS(layers, L_SCTP) && (HAS(layers, L_DTLS) || HAS(layers, L_WEBRTC)))
        webrtc_datachannel_read(pinfo, tree, f);
    if (HAS(layers, L_ZRTP))
        f->contents |= WRTC_C_ZRTP;
    /* SRTP that the plugin decrypted (webrtc-srtp.c) is dissected as plain
     * RTP/RTCP, but on the wire it is SRTP/SRTCP. */
    sp = (const webrtc_srtp_packet_t *)p_get_proto_data(pinfo->pool, pinfo, proto_webrtc,
                                                        WEBRTC_PDATA_SRTP_STATE);
    if (HAS(layers, L_RTP)) {
        srtp = first(tree, F_SRTP_PAYLOAD) != NULL ||
               (sp && !sp->rtcp && sp->state == WEBRTC_SRTP_DECRYPTED);
        f->contents |= srtp ? (WRTC_C_RTP | WRTC_C_SRTP) : WRTC_C_RTP;
        read_rtp(pinfo, tree, f, srtp,
                 !srtp || (sp && !sp->rtcp && sp->state == WEBRTC_SRTP_DECRYPTED));
        {
            /* The demultiplexer's own reading of the header decides the
             * payload length and SRTP: exact also on a header-only capture,
             * where Wireshark's fields stop at the cut. */
            const webrtc_rtp_pkt_t *k = p_get_proto_data(pinfo->pool, pinfo, proto_webrtc,
                                                         WEBRTC_PDATA_SSRC);
            if (k && f->n_rtp >= 1 && f->rtp[0].ssrc == k->ssrc) {
                gboolean ks = k->srtp || srtp;
                f->rtp[0].payload_len = k->payload_len;
                f->rtp[0].srtp = ks;
                f->rtp[0].payload_unseen = !k->payload_captured;
                if (!k->payload_captured && k->payload_len)
                    f->hidden |= WRTC_HIDDEN_PAYLOAD;
                f->contents |= ks ? (WRTC_C_RTP | WRTC_C_SRTP) : WRTC_C_RTP;
            }
        }
        if (sp && !sp->rtcp && f->n_rtp) {
            f->rtp[0].decrypt = sp->state == WEBRTC_SRTP_DECRYPTED ? WRTC_DECRYPT_OK
                              : sp->state == WEBRTC_SRTP_AUTH_FAILED ? WRTC_DECRYPT_AUTH_FAILED
                              : WRTC_DECRYPT_NONE;
            f->srtp_key = sp->key_desc;
        }
    }
    /* SRTCP drawn by the plugin (webrtc-srtcp.c) has rtcp.* fields but no
     * RTCP layer (only the plugin's), so there the fields decide. */
    if (HAS(layers, L_SRTCP) || (sp && sp->rtcp && sp->state == WEBRTC_SRTP_DECRYPTED) ||
        (HAS(layers, L_WEBRTC) && (first(tree, F_SRTCP_ENCRYPTED) || first(tree, F_SRTCP_E))))
        f->contents |= WRTC_C_SRTCP | WRTC_C_RTCP;
    else if (HAS(layers, L_RTCP) || (HAS(layers, L_WEBRTC) && first(tree, F_RTCP_PT)))
        f->contents |= WRTC_C_RTCP;
    if (f->contents & WRTC_C_RTCP) {
        read_rtcp(tree, f);
        if (f->captured < f->bytes && !f->n_cname && !(f->contents & WRTC_C_SRTCP))
            f->hidden |= WRTC_HIDDEN_CNAME;
    }
    if (HAS(layers, L_SIP)) {
        f->contents |= WRTC_C_SIP;
        read_sip(tree, f);
        if (f->captured < f->bytes && !f->n_sdp)
            f->hidden |= WRTC_HIDDEN_SDP;
    }
    read_fingerprints(tree, f, layers);
    /* A TLS record in this frame: on the first pass TLS is also among the
     * layers of a segment whose record it is still reassembling. */
    if (HAS(layers, L_TLS) && first(tree, F_TLS_RECORD)) {
        f->contents |= WRTC_C_TLS;
        f->tls_sni = sval(first(tree, F_TLS_SNI));
    }
    if (f->n_rtp == 0) {
        /* Fields not primed on this pass (a stats tree tapping on tshark's
         * second pass): the SSRC the demultiplexer read will do to place
         * the packet in its stream. */
        const webrtc_rtp_pkt_t *k = p_get_proto_data(pinfo->pool, pinfo, proto_webrtc,
                                                     WEBRTC_PDATA_SSRC);
        if (k) {
            f->n_rtp = 1;
            f->rtp[0].ssrc = k->ssrc;
            f->ssrc_only = TRUE;
        }
    }
    if (learn && f->contents && !f->ssrc_only) {
        wrtc_model_add(whole_capture, f);
        if (f->n_rtp && !p_get_proto_data(pinfo->pool, pinfo, proto_webrtc, WEBRTC_PDATA_SSRC)) {
            /* Later passes may not have the rtp.* fields (tshark primes a
             * postdissector's fields on the first pass only). */
            guint32 *keep = wmem_new(wmem_file_scope(), guint32);
            *keep = f->rtp[0].ssrc;
            p_add_proto_data(wmem_file_scope(), pinfo, proto_webrtc, WEBRTC_PDATA_RTP_SSRC, keep);
        }
    }
    if (fields)
        add_session_fields(tvb, pinfo, tree, f);
    if (whole_capture)
        add_cap_experts(tvb, pinfo, tree, f);
    if (f->contents && !f->ssrc_only && have_tap_listener(webrtc_tap))
        tap_queue_packet(webrtc_tap, pinfo, f);
    /* The stats tree counts every packet of a flow, content or not. */
    if (have_tap_listener(webrtc_packets_tap))
        tap_queue_packet(webrtc_packets_tap, pinfo, f);
    return 0;
}

void webrtc_facts_register(void)
{
    webrtc_tap = register_tap("webrtc");
    webrtc_packets_tap = register_tap("webrtc_packets");
    register_init_routine(facts_init);
    register_cleanup_routine(facts_cleanup);
}

static dissector_handle_t facts_handle;

void webrtc_facts_handoff(void)
{
    int i;
    facts_handle = create_dissector_handle(dissect_facts, proto_webrtc);
    for (i = 0; i < F_COUNT; i++)
        field_id[i] = proto_registrar_get_id_byname(field_names[i]);
    {
        int ids[L_COUNT];
        for (i = 0; i < L_COUNT; i++)
            ids[i] = proto_get_id_by_filter_name(layer_names[i]);
        webrtc_layer_map_init(&layer_map, ids, L_COUNT);
    }
    register_postdissector(facts_handle);
}

/* A display filter that is true for every frame and names every field the
 * facts are read from. tshark primes postdissector fields on the first pass
 * only (tshark.c, process_packet_first_pass), so a tap listener that runs on
 * the second pass (-2) primes them through its filter instead. */
char *webrtc_facts_filter(const char *user_filter)
{
    GString *f = g_string_new(NULL);
    int i;
    if (user_filter && *user_filter)
        g_string_append_printf(f, "(%s) && ", user_filter);
    g_string_append(f, "(frame");
    for (i = 0; i < F_COUNT; i++)
        if (field_id[i] > 0)
            g_string_append_printf(f, " || %s", field_names[i]);
    g_string_append(f, ")");
    return g_string_free(f, FALSE);
}

/* The fields are only asked for while someone needs the facts (a summary
 * listening, or the whole-capture model): a wanted field makes Wireshark
 * build a tree for every packet, a cost plain dissection should not pay when
 * the session model is switched off. */
void webrtc_facts_want(gboolean want)
{
    GArray *wanted = NULL;
    int i;
    if (want)
        summary_listening = TRUE;
    if (want || webrtc_prefs.session_model) {
        wanted = g_array_new(FALSE, FALSE, (guint)sizeof(int));
        for (i = 0; i < F_COUNT; i++)
            if (field_id[i] > 0)
                g_array_append_val(wanted, field_id[i]);
        webrtc_datachannel_wanted(wanted);
    }
    set_postdissector_wanted_hfids(facts_handle, wanted);
}
