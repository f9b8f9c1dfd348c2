/* webrtc-srtp.c — SRTP/SRTCP packets with a key: authenticate, decrypt and
 * hand the plain packet to Wireshark's RTP/RTCP dissectors.
 *
 * First pass: the keys that apply to the packet (sender, receiver, SSRC;
 * webrtc-srtp-keys.c) are tried, the stream's own key first; the first
 * whose tag verifies is bound to the stream (SSRC of one direction), and
 * the rollover counter advances only on authenticated packets (RFC 3711
 * §3.3.1). The outcome (key, ROC) is kept per frame in file scope, so every
 * later pass (tshark -2, the GUI) redoes the same transform and shows the
 * same result; nothing is decided again. Plaintext is only ever made after
 * the tag verified: a wrong key leaves the packet as it was, with an expert
 * info naming the key.
 *
 * The plaintext is a new data source ("Decrypted SRTP"/"Decrypted SRTCP")
 * given to the "rtp"/"rtcp" dissectors as plain RTP, so payload dissectors,
 * RTP EVENT, the RTP streams and the RTP player see the media. Those
 * dissectors take SRTP-ness from their set-up data: RTP from per-packet data
 * (made here for a decrypted packet, without srtp_info), RTCP from the
 * conversation's srtcp_info (cleared for the one call).
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#include "webrtc-srtp.h"

#include <epan/conversation.h>
#include <epan/exceptions.h>
#include <epan/proto_data.h>
#include <epan/dissectors/packet-rtcp.h>
#include <epan/dissectors/packet-rtp.h>

#include "codec_guess.h"
#include "demux.h"
#include "srtp_index.h"

int hf_webrtc_srtp_decrypted = -1;
int hf_webrtc_srtp_key_source = -1;
int hf_webrtc_srtp_auth_ok = -1;
int hf_webrtc_srtp_padding_encrypted = -1;
static int hf_webrtc_srtp_roc = -1;
static expert_field ei_webrtc_srtp_auth_failed = EI_INIT;
static expert_field ei_webrtc_srtp_roc_found = EI_INIT;
static expert_field ei_webrtc_srtp_plain_rtcp = EI_INIT;

static int proto_rtp_id = -1, proto_rtcp_id = -1;
static dissector_handle_t sdes_rtp_handle, sdes_rtcp_handle;

/* ---- streams: one per (sender, receiver, SSRC, RTP/RTCP) ---------------- */

typedef struct {
    address  src, dst;
    guint32  sport, dport;
    guint32  ssrc;
    gboolean rtcp;
} stream_key_t;

/* The Opus proof of one dynamic payload type within a stream (see
 * "naming Opus" below). */
typedef struct {
    guint8   pt;
    guint8   verdict;            /* proof_verdict_t */
    guint32  packets;
    wrtc_cg_t cg;
} pt_proof_t;

#define PROOF_SLOTS 3            /* dynamic PTs followed per stream (Opus, events, one more) */

typedef struct {
    webrtc_srtp_key_t *key;      /* bound once a packet authenticated */
    webrtc_srtp_key_t *tried;    /* before that: the key tried last */
    wrtc_srtp_index_t  index;    /* SRTP only */
    wrtc_srtp_index_t  first;    /* the index after its first authenticated packet */
    /* RTP's extended sequence number and timestamp of the stream, as the RTP
     * dissector counts them (it starts one cycle up, packet-rtp.c). */
    guint32 ext_seq;
    guint64 ext_ts;
    gboolean ext_init;
    pt_proof_t *proofs;          /* PROOF_SLOTS, allocated on first use */
} stream_t;

static wmem_map_t *streams;
static stream_t scratch;         /* the stateless stream beyond the bound */

static guint stream_hash(gconstpointer k)
{
    const stream_key_t *s = (const stream_key_t *)k;
    guint h = add_address_to_hash(0, &s->src);
    h = add_address_to_hash(h, &s->dst);
    return h ^ s->sport ^ (s->dport << 16) ^ s->ssrc ^ (guint)s->rtcp;
}

static gboolean stream_equal(gconstpointer a, gconstpointer b)
{
    const stream_key_t *x = (const stream_key_t *)a, *y = (const stream_key_t *)b;
    return x->ssrc == y->ssrc && x->sport == y->sport && x->dport == y->dport &&
           x->rtcp == y->rtcp && addresses_equal(&x->src, &y->src) &&
           addresses_equal(&x->dst, &y->dst);
}

static stream_t *stream_of(packet_info *pinfo, guint32 ssrc, gboolean rtcp)
{
    stream_key_t k, *nk;
    stream_t *s;
    if (!streams)
        streams = wmem_map_new(wmem_file_scope(), stream_hash, stream_equal);
    k.src = pinfo->src;
    k.dst = pinfo->dst;
    k.sport = pinfo->srcport;
    k.dport = pinfo->destport;
    k.ssrc = ssrc;
    k.rtcp = rtcp;
    s = (stream_t *)wmem_map_lookup(streams, &k);
    if (s)
        return s;
    if (wmem_map_size(streams) >= WEBRTC_SRTP_MAX_STREAMS) {
        /* Beyond the bound a stream keeps no state: each packet is tried
         * with ROC 0 against its sender's keys. */
        memset(&scratch, 0, sizeof scratch);
        scratch.index.searches = WRTC_SRTP_ROC_SEARCH_PACKETS;   /* no ROC search */
        return &scratch;
    }
    nk = wmem_new(wmem_file_scope(), stream_key_t);
    *nk = k;
    copy_address_wmem(wmem_file_scope(), &nk->src, &pinfo->src);
    copy_address_wmem(wmem_file_scope(), &nk->dst, &pinfo->dst);
    s = wmem_new0(wmem_file_scope(), stream_t);
    wmem_map_insert(streams, nk, s);
    return s;
}

static gboolean key_applies(const webrtc_srtp_key_t *k, packet_info *pinfo, guint32 ssrc,
                            gboolean rtcp, gboolean later_keys)
{
    if (k->frame > pinfo->num && !later_keys)
        return FALSE;
    if (k->has_ssrc && k->ssrc != ssrc)
        return FALSE;
    if (k->src.type != AT_NONE && !addresses_equal(&k->src, &pinfo->src))
        return FALSE;
    if (k->src_port && k->src_port != pinfo->srcport &&
        !(rtcp && k->src_rtcp_plus1 && k->src_port + 1 == pinfo->srcport))
        return FALSE;
    if (k->dst.type != AT_NONE && !addresses_equal(&k->dst, &pinfo->dst))
        return FALSE;
    if (k->dst_port && k->dst_port != pinfo->destport)
        return FALSE;
    return TRUE;
}

/* Big-endian reads (wsutil's pntoh32 became pntohu32 in 4.6). */
static guint32 be32(const guint8 *p)
{
    return ((guint32)p[0] << 24) | ((guint32)p[1] << 16) | ((guint32)p[2] << 8) | p[3];
}

/* ---- the per-frame outcome ------------------------------------------- */

typedef struct {
    guint8 state;                /* webrtc_srtp_state_t */
    gboolean roc_found;          /* the ROC (> 0) was found by trial */
    webrtc_srtp_key_t *key;      /* used, or tried last */
    guint32 roc;
} outcome_t;

static outcome_t not_keyed = { WEBRTC_SRTP_NOT_KEYED, FALSE, NULL, 0 };

static wrtc_srtp_status_t transform(const webrtc_srtp_key_t *k, const guint8 *p, size_t len,
                                    gboolean rtcp, guint32 roc, guint8 *out, size_t *olen)
{
    if (rtcp) {
        guint32 idx;
        bool enc;
        return wrtc_srtcp_unprotect(&k->ctx, p, len, out, olen, &idx, &enc);
    }
    return wrtc_srtp_unprotect(&k->ctx, p, len, roc, out, olen);
}

/* Decide a packet. On the first pass only keys learnt so far exist;
 * `later_keys` (SRTCP on a later pass) also lets keys from later frames
 * apply: an SDP answer's key protects the SRTCP its author sent before the
 * answer was captured, and SRTCP carries its index, so no state is needed. */
/* The plaintext a decision just made, kept for the rest of this packet's
 * dissection (pinfo->pool scope, under the outcome's cache key): the first
 * pass then transforms each packet once, not again to show it. */
typedef struct {
    guint8 *buf;
    size_t len;
} plain_t;

static void keep_plain(packet_info *pinfo, guint32 cache_key, guint8 *buf, size_t len)
{
    plain_t *pl = wmem_new(pinfo->pool, plain_t);
    pl->buf = buf;
    pl->len = len;
    p_add_proto_data(pinfo->pool, pinfo, proto_webrtc, cache_key, pl);
}

static outcome_t *decide(packet_info *pinfo, const guint8 *p, size_t len, gboolean rtcp,
                         gboolean later_keys, guint32 cache_key)
{
    guint32 ssrc;
    guint16 seq = 0;
    stream_t *s;
    webrtc_srtp_key_t *tried = NULL;
    const GPtrArray *lists[2];
    guint8 *out;
    size_t olen;
    guint i, l;
    outcome_t *o;
    int pass;
    gboolean applies = FALSE;
    guint32 span, t;

    if (len < (rtcp ? 8u : 12u))
        return &not_keyed;
    ssrc = rtcp ? be32(p + 4) : be32(p + 8);
    if (!rtcp)
        seq = (guint16)((p[2] << 8) | p[3]);
    webrtc_srtp_key_candidates(pinfo, &lists[0], &lists[1]);
    for (l = 0; l < 2 && !applies; l++)
        for (i = 0; lists[l] && i < lists[l]->len && !applies; i++)
            applies = key_applies((webrtc_srtp_key_t *)g_ptr_array_index(lists[l], i), pinfo,
                                  ssrc, rtcp, later_keys);
    if (!applies)
        return &not_keyed;

    s = stream_of(pinfo, ssrc, rtcp);
    /* SRTCP carries its index; SRTP's ROC is guessed, or searched for before
     * the stream's first authenticated packet (srtp_index.h). */
    span = rtcp ? 1 : wrtc_srtp_index_span(&s->index);
    o = wmem_new0(wmem_file_scope(), outcome_t);
    out = (guint8 *)wmem_alloc(pinfo->pool, len);
    /* Pass 0: the stream's key; pass 1: the others, the sender's newest
     * first (a re-INVITE or a new handshake re-keys), then the table's. */
    for (pass = 0; pass < 2; pass++) {
        for (l = 0; l < 2; l++) {
            for (i = lists[l] ? lists[l]->len : 0; i-- > 0;) {
                webrtc_srtp_key_t *k = (webrtc_srtp_key_t *)g_ptr_array_index(lists[l], i);
                if ((pass == 0) != (k == s->key) || !key_applies(k, pinfo, ssrc, rtcp, later_keys))
                    continue;
                if (!tried || k == s->key)
                    tried = k;
                for (t = 0; t < span; t++) {
                    guint32 roc = rtcp ? 0 : wrtc_srtp_index_trial(&s->index, seq, t);
                    if (transform(k, p, len, rtcp, roc, out, &olen) != WRTC_SRTP_OK)
                        continue;
                    if (s->key != k && s->key && !rtcp)
                        memset(&s->index, 0, sizeof s->index);   /* a new crypto context */
                    s->key = k;
                    if (!rtcp) {
                        wrtc_srtp_index_update(&s->index, seq, roc);
                        if (!s->first.started)
                            s->first = s->index;
                    }
                    keep_plain(pinfo, cache_key, out, olen);
                    o->state = WEBRTC_SRTP_DECRYPTED;
                    o->roc_found = t > 0;
                    o->key = k;
                    o->roc = roc;
                    return o;
                }
            }
        }
    }
    o->key = tried;
    if (!rtcp) {
        wrtc_srtp_index_failed(&s->index);
        s->tried = tried;
    }
    /* RFC 3711 makes SRTCP mandatory, yet some stacks send a first APP or a
     * final BYE without the trailer: a compound that parses as plain RTCP
     * to its last byte is shown as such, not as a failure. */
    o->state = rtcp && wrtc_rtcp_parse(p, len, len, NULL) == WRTC_RTCP_PLAIN
             ? WEBRTC_SRTP_PLAIN_RTCP : WEBRTC_SRTP_AUTH_FAILED;
    return o;
}

/* An SRTP packet first dissected on a later pass: one the first pass did not
 * take for RTP, before the flow was recognised without signaling (the
 * corroboration's first packets, webrtc-demux.c). Its stream authenticated
 * later packets, so its ROC is guessed (RFC 3711 Appendix A) from the
 * stream's first authenticated packet, a few packets away, under the
 * stream's key; the stream's state is not touched, so the outcome does not
 * depend on the order in which a GUI user visits the frames. A stream that
 * never authenticated fails here as it failed on the first pass, with the
 * key it was tried with (ROC 0). */
static outcome_t *decide_late(packet_info *pinfo, const guint8 *p, size_t len, guint32 cache_key)
{
    stream_t *s;
    outcome_t *o;
    guint8 *out;
    size_t olen;
    guint16 seq;

    if (len < 12 || !streams)
        return &not_keyed;
    s = stream_of(pinfo, be32(p + 8), FALSE);
    if (!(s->key && s->first.started) && !s->tried)
        return &not_keyed;
    seq = (guint16)((p[2] << 8) | p[3]);
    o = wmem_new0(wmem_file_scope(), outcome_t);
    o->key = s->key ? s->key : s->tried;
    o->roc = s->key ? wrtc_srtp_index_guess(&s->first, seq) : 0;
    out = (guint8 *)wmem_alloc(pinfo->pool, len);
    o->state = transform(o->key, p, len, FALSE, o->roc, out, &olen) == WRTC_SRTP_OK
             ? WEBRTC_SRTP_DECRYPTED : WEBRTC_SRTP_AUTH_FAILED;
    if (o->state == WEBRTC_SRTP_DECRYPTED) {
        keep_plain(pinfo, cache_key, out, olen);
        webrtc_facts_decrypted_late(pinfo, be32(p + 8));
    }
    return o;
}

/* ---- naming Opus: the decrypted payload proves it ----------------------
 *
 * Wireshark's RTP Player (ui/rtp_media.c) picks a codec by the payload type
 * NAME, and a WebRTC flow's dynamic PTs have none unless an SDP in the clear
 * says it (webrtc-flow.c enters "DynamicRTP-Type-N", Wireshark's own name
 * for an unknown one). Once the plaintext of a stream proves Opus - the
 * TOC byte of every packet (RFC 6716 §3.1) announces exactly the timestamp
 * step to the next packet at 48 kHz (RFC 7587 §4.1), core/codec_guess.c's
 * "certain" - the PT is entered as "opus"/48000/2 (RFC 7587 §7: always
 * that rtpmap) in the table RTP reads for the flow, so the next passes (tshark
 * -2, the GUI's retap for the Player) show the name, dissect the payload
 * with the Opus dissector and the Player decodes it with opus_dec.so.
 * Never on a weaker guess: a PT is named only while at least one stream
 * proves Opus and no stream using that PT in the same table disproves it;
 * a later disproof puts the placeholder back. Only the flow's placeholders
 * are touched: a name an SDP gave is never replaced.
 *
 * Memory and ownership: the table is the flow's rtp_dyn_payload_t, made by
 * rtp_dyn_payload_new() (reference count 1, held by the flow for the whole
 * capture, never freed) and referenced again by every conversation
 * srtp_add_address()/rtp_add_address() gives it to (rtp_dyn_payload_ref in
 * packet-rtp.c). We take no reference of our own: we only change an entry
 * through the pointer the caller hands us for this packet, which is alive
 * then; rtp_dyn_payload_insert() copies the name into file scope and
 * replaces (frees) the entry it supersedes, so no pointer of ours dangles.
 * The table pointer is also the key of `names` below: a flow's table is
 * never freed before the capture is closed (then `names` goes too, being
 * file scope), so a key is never reused by another table meanwhile. */

typedef enum { PROOF_UNDECIDED = 0, PROOF_YES, PROOF_NO } proof_verdict_t;

/* Opus TOC checks needed before a stream says "not Opus": a disproof needs
 * as much evidence as core/codec_guess.c's proof (8 valid packets). */
#define DISPROOF_CHECKS 20

typedef struct {
    rtp_dyn_payload_t *dyn;
    guint pt;
} name_key_t;

typedef struct {
    guint32 yes, no;             /* streams proving / disproving Opus */
    gboolean named;              /* we entered "opus" */
} name_state_t;

static wmem_map_t *names;

static guint name_hash(gconstpointer k)
{
    const name_key_t *n = (const name_key_t *)k;
    return g_direct_hash(n->dyn) ^ n->pt;
}

static gboolean name_equal(gconstpointer a, gconstpointer b)
{
    const name_key_t *x = (const name_key_t *)a, *y = (const name_key_t *)b;
    return x->dyn == y->dyn && x->pt == y->pt;
}

static gboolean is_placeholder(const char *name, guint pt)
{
    char ph[32];
    g_snprintf(ph, sizeof ph, "DynamicRTP-Type-%u", pt);
    return name && strcmp(name, ph) == 0;
}

static pt_proof_t *proof_slot(stream_t *s, guint8 pt)
{
    guint i;
    if (!s->proofs)
        s->proofs = wmem_alloc0_array(wmem_file_scope(), pt_proof_t, PROOF_SLOTS);
    for (i = 0; i < PROOF_SLOTS; i++) {
        if (s->proofs[i].packets && s->proofs[i].pt == pt)
            return &s->proofs[i];
        if (!s->proofs[i].packets) {
            s->proofs[i].pt = pt;
            return &s->proofs[i];
        }
    }
    return NULL;                 /* bounded: further PTs are not followed */
}

static void opus_name_update(tvbuff_t *plain, packet_info *pinfo, rtp_dyn_payload_t *dyn)
{
    size_t len = tvb_captured_length(plain);
    const guint8 *p;
    wrtc_rtp_hdr_t h;
    wrtc_cg_pkt_t pk;
    wrtc_cg_input_t in;
    wrtc_cg_result_t r;
    pt_proof_t *slot;
    stream_t *s;
    name_key_t k, *nk;
    name_state_t *ns;
    const char *cur;
    guint8 verdict;

    if (!dyn || PINFO_FD_VISITED(pinfo) || len < 12)
        return;
    p = tvb_get_ptr(plain, 0, (gint)len);
    if (wrtc_rtp_parse(p, len, len, FALSE, &h) != WRTC_RTP_OK || h.pt < 96)
        return;
    k.dyn = dyn;
    k.pt = h.pt;
    if (!names)
        names = wmem_map_new(wmem_file_scope(), name_hash, name_equal);
    ns = (name_state_t *)wmem_map_lookup(names, &k);
    cur = rtp_dyn_payload_get_name(dyn, h.pt);
    if (!(ns && ns->named) && !is_placeholder(cur, h.pt))
        return;                  /* named by SDP or as telephone-event: not ours */
    s = stream_of(pinfo, h.ssrc, FALSE);
    if (s == &scratch)
        return;                  /* beyond the bound: no evidence kept */
    slot = proof_slot(s, h.pt);
    if (!slot)
        return;
    memset(&pk, 0, sizeof pk);
    pk.pt = h.pt;
    pk.marker = h.marker;
    pk.padding = h.padding;
    pk.seq = h.seq;
    pk.ts = h.ts;
    pk.payload_len = (uint32_t)h.payload_len;
    pk.head = p + h.header_len;
    pk.head_len = (uint8_t)MIN(h.payload_len, WRTC_CG_HEAD);
    wrtc_cg_packet(&slot->cg, &pk);
    slot->packets++;

    memset(&in, 0, sizeof in);
    in.cg = &slot->cg;
    in.first_pt = h.pt;
    in.packets = slot->packets;
    wrtc_cg_decide(&in, &r);
    if (r.confidence == WRTC_CG_CERTAIN && strcmp(r.codec, "Opus") == 0)
        verdict = PROOF_YES;
    else if (slot->cg.ok[WRTC_CG_OPUS] + slot->cg.bad[WRTC_CG_OPUS] >= DISPROOF_CHECKS)
        verdict = PROOF_NO;
    else
        verdict = PROOF_UNDECIDED;
    if (verdict == slot->verdict)
        return;
    if (!ns) {
        nk = wmem_new(wmem_file_scope(), name_key_t);
        *nk = k;
        ns = wmem_new0(wmem_file_scope(), name_state_t);
        wmem_map_insert(names, nk, ns);
    }
    if (slot->verdict == PROOF_YES)
        ns->yes--;
    else if (slot->verdict == PROOF_NO)
        ns->no--;
    if (verdict == PROOF_YES)
        ns->yes++;
    else if (verdict == PROOF_NO)
        ns->no++;
    slot->verdict = verdict;
    if (ns->yes > 0 && ns->no == 0 && !ns->named) {
        webrtc_rtp_dyn_payload_insert(dyn, h.pt, "opus", 48000, 2);
        ns->named = TRUE;
    } else if (ns->named && !(ns->yes > 0 && ns->no == 0)) {
        char ph[32];
        g_snprintf(ph, sizeof ph, "DynamicRTP-Type-%u", h.pt);
        webrtc_rtp_dyn_payload_insert(dyn, h.pt, ph, 0, 1);
        ns->named = FALSE;
    }
}

/* RTP: the packet's RTP data ("conversation info" per packet, the same
 * members in 4.0's struct _rtp_conversation_info and 4.4's struct
 * _rtp_packet_info) made here on the first pass, without srtp_info, before
 * RTP dissects the plaintext: RTP uses per-packet data when it exists, and
 * on every later pass. The conversation's own data (private to RTP from
 * 4.4 on) is never touched. Its extended numbers are kept per stream as
 * RTP keeps them (packet-rtp.c calculate_extended_seqno/_timestamp). */
void webrtc_srtp_rtp_packet_data(tvbuff_t *plain, packet_info *pinfo, rtp_dyn_payload_t *dyn,
                                 const char *method)
{
    struct webrtc_rtp_conv_info *pd;
    conversation_t *conv;
    stream_t *s;
    guint32 seq, ext;
    guint64 ts, ets;

    if (p_get_proto_data(wmem_file_scope(), pinfo, proto_rtp_id, 0) ||
        tvb_captured_length(plain) < 12)
        return;
    pd = wmem_new0(wmem_file_scope(), struct webrtc_rtp_conv_info);
    conv = find_conversation(pinfo->num, &pinfo->net_dst, &pinfo->net_src,
                             conversation_pt_to_conversation_type(pinfo->ptype),
                             pinfo->destport, pinfo->srcport, NO_ADDR_B);
    (void)g_strlcpy(pd->method, method, sizeof pd->method);
    pd->frame_number = conv ? conv->setup_frame : pinfo->num;
    pd->rtp_dyn_payload = dyn;
    s = stream_of(pinfo, tvb_get_ntohl(plain, 8), FALSE);
    if (!s->ext_init) {
        s->ext_init = TRUE;
        s->ext_seq = 0x10000;
        s->ext_ts = G_GUINT64_CONSTANT(0x100000000);
    }
    seq = tvb_get_ntohs(plain, 2);
    ext = (s->ext_seq & 0xffff0000u) | seq;
    if (ext + 0x8000u < s->ext_seq)
        ext += 0x10000;
    else if (s->ext_seq + 0x8000u < ext)
        ext -= 0x10000;
    s->ext_seq = pd->extended_seqno = ext;
    ts = tvb_get_ntohl(plain, 4);
    ets = (s->ext_ts & G_GUINT64_CONSTANT(0xffffffff00000000)) | ts;
    if (ets + 0x80000000u < s->ext_ts)
        ets += G_GUINT64_CONSTANT(0x100000000);
    else if (s->ext_ts + 0x80000000u < ets)
        ets -= G_GUINT64_CONSTANT(0x100000000);
    s->ext_ts = pd->extended_timestamp = ets;
    p_add_proto_data(wmem_file_scope(), pinfo, proto_rtp_id, 0, pd);
}

int webrtc_srtp_call_plain(tvbuff_t *tvb, packet_info *pinfo, proto_tree *tree, gboolean rtcp,
                           rtp_dyn_payload_t *dyn, const char *method)
{
    conversation_t *conv;
    /* volatile: kept across the exception handler's longjmp */
    struct srtp_info **volatile slot = NULL;
    struct srtp_info *volatile saved = NULL;
    volatile int ret = 0;

    if (!rtcp) {
        opus_name_update(tvb, pinfo, dyn);
        webrtc_srtp_rtp_packet_data(tvb, pinfo, dyn, method);
        return call_dissector(webrtc_handles.rtp, tvb, pinfo, tree);
    }
    /* RTCP reads the SRTCP set-up from the conversation on every pass
     * (struct _rtcp_conversation_info, public in every release): cleared
     * for the one call. */
    conv = find_conversation(pinfo->num, &pinfo->net_src, &pinfo->net_dst,
                             conversation_pt_to_conversation_type(pinfo->ptype),
                             pinfo->srcport, pinfo->destport, NO_ADDR_B);
    if (conv) {
        struct _rtcp_conversation_info *d =
            (struct _rtcp_conversation_info *)conversation_get_proto_data(conv, proto_rtcp_id);
        if (d)
            slot = &d->srtcp_info;
    }
    if (slot) {
        saved = *slot;
        *slot = NULL;
    }
    TRY {
        ret = call_dissector(webrtc_handles.rtcp, tvb, pinfo, tree);
    }
    CATCH_ALL {
        if (slot)
            *slot = saved;
        RETHROW;
    }
    ENDTRY;
    if (slot)
        *slot = saved;
    return ret;
}

/* The frame's outcome, kept per tvb offset (a frame may hold several). */
static outcome_t *cached(tvbuff_t *tvb, packet_info *pinfo, guint32 *cache_key)
{
    *cache_key = WEBRTC_PDATA_SRTP_CACHE + (guint32)tvb_raw_offset(tvb);
    return (outcome_t *)p_get_proto_data(wmem_file_scope(), pinfo, proto_webrtc, *cache_key);
}

const char *webrtc_srtp_authenticates(tvbuff_t *tvb, packet_info *pinfo)
{
    guint32 cache_key;
    outcome_t *o;
    size_t len;

    if (webrtc_srtp_key_count() == 0 || PINFO_FD_VISITED(pinfo) || pinfo->flags.in_error_pkt)
        return NULL;
    len = tvb_captured_length(tvb);
    if (len == 0 || len != tvb_reported_length(tvb))
        return NULL;
    o = cached(tvb, pinfo, &cache_key);
    if (!o) {
        /* A failure is kept too: if the flow is found later anyway, this
         * packet shows the key that did not verify, like the ones after. */
        o = decide(pinfo, tvb_get_ptr(tvb, 0, (gint)len), len, FALSE, FALSE, cache_key);
        p_set_proto_data(wmem_file_scope(), pinfo, proto_webrtc, cache_key, o);
    }
    return o->state == WEBRTC_SRTP_DECRYPTED ? o->key->desc : NULL;
}

tvbuff_t *webrtc_srtp_decrypt(tvbuff_t *tvb, packet_info *pinfo, proto_tree *wtree,
                              gboolean rtcp, webrtc_srtp_state_t *state)
{
    guint32 cache_key;
    outcome_t *o;
    size_t len;
    const guint8 *p;
    webrtc_srtp_packet_t *pk;
    proto_item *it;

    *state = WEBRTC_SRTP_NOT_KEYED;
    if (webrtc_srtp_key_count() == 0 || pinfo->flags.in_error_pkt)
        return NULL;             /* nothing configured or learnt: no cost */
    len = tvb_captured_length(tvb);
    if (len == 0 || len != tvb_reported_length(tvb))
        return NULL;             /* cut by the snaplen: the tag is not there */
    o = cached(tvb, pinfo, &cache_key);
    p = tvb_get_ptr(tvb, 0, (gint)len);
    if (!o || (o == &not_keyed && rtcp && PINFO_FD_VISITED(pinfo))) {
        outcome_t *d;
        if (PINFO_FD_VISITED(pinfo) && !rtcp)
            d = decide_late(pinfo, p, len, cache_key);
        else
            d = decide(pinfo, p, len, rtcp, PINFO_FD_VISITED(pinfo), cache_key);
        if (!o || d != &not_keyed)
            p_set_proto_data(wmem_file_scope(), pinfo, proto_webrtc, cache_key, d);
        o = d;
    }
    if (o->state == WEBRTC_SRTP_NOT_KEYED)
        return NULL;
    *state = (webrtc_srtp_state_t)o->state;

    pk = wmem_new0(pinfo->pool, webrtc_srtp_packet_t);
    pk->state = o->state;
    pk->rtcp = rtcp;
    pk->key_desc = o->key ? o->key->desc : NULL;
    p_add_proto_data(pinfo->pool, pinfo, proto_webrtc, WEBRTC_PDATA_SRTP_STATE, pk);

    it = proto_tree_add_boolean(wtree, hf_webrtc_srtp_decrypted, tvb, 0, 0,
                                o->state == WEBRTC_SRTP_DECRYPTED);
    proto_item_set_generated(it);
    if (o->key) {
        it = proto_tree_add_string(wtree, hf_webrtc_srtp_key_source, tvb, 0, 0, o->key->desc);
        proto_item_set_generated(it);
    }
    if (o->state != WEBRTC_SRTP_PLAIN_RTCP) {
        it = proto_tree_add_boolean(wtree, hf_webrtc_srtp_auth_ok, tvb, 0, 0,
                                    o->state == WEBRTC_SRTP_DECRYPTED);
        proto_item_set_generated(it);
    }

    if (o->state == WEBRTC_SRTP_AUTH_FAILED) {
        if (o->key && o->key->frame)
            expert_add_info_format(pinfo, it, &ei_webrtc_srtp_auth_failed,
                                   "%s authentication failed with key from frame %u (%s)",
                                   rtcp ? "SRTCP" : "SRTP", o->key->frame, o->key->desc);
        else
            expert_add_info_format(pinfo, it, &ei_webrtc_srtp_auth_failed,
                                   "%s authentication failed with key from the %s",
                                   rtcp ? "SRTCP" : "SRTP", o->key ? o->key->desc : "table");
        return NULL;
    }
    if (o->state == WEBRTC_SRTP_PLAIN_RTCP) {
        expert_add_info(pinfo, it, &ei_webrtc_srtp_plain_rtcp);
        return tvb;
    }
    if (o->roc) {
        /* Only where it is not 0: the rollover counter of the packet index
         * (RFC 3711 §3.3.1). */
        it = proto_tree_add_uint(wtree, hf_webrtc_srtp_roc, tvb, 0, 0, o->roc);
        proto_item_set_generated(it);
        if (o->roc_found)
            expert_add_info_format(pinfo, it, &ei_webrtc_srtp_roc_found,
                                   "Rollover counter %u found by trial: the stream started "
                                   "before the capture (RFC 3711 §3.3.1)", o->roc);
    }
    {
        guint8 *out;
        size_t olen = 0;
        tvbuff_t *dtvb;
        const plain_t *pl = (const plain_t *)p_get_proto_data(pinfo->pool, pinfo, proto_webrtc,
                                                              cache_key);
        if (pl) {
            /* decided in this very dissection: its plaintext */
            out = pl->buf;
            olen = pl->len;
        } else {
            /* The same key and ROC as on the first pass: the same result. */
            out = (guint8 *)wmem_alloc(pinfo->pool, len);
            if (transform(o->key, p, len, rtcp, o->roc, out, &olen) != WRTC_SRTP_OK) {
                *state = WEBRTC_SRTP_AUTH_FAILED;
                return NULL;
            }
        }
        dtvb = tvb_new_child_real_data(tvb, out, (guint)olen, (gint)olen);
        add_new_data_source(pinfo, dtvb, rtcp ? "Decrypted SRTCP" : "Decrypted SRTP");
        return dtvb;
    }
}

int webrtc_srtp_dissect(tvbuff_t *tvb, packet_info *pinfo, proto_tree *tree,
                        proto_tree *wtree, gboolean rtcp, rtp_dyn_payload_t *dyn,
                        const char *method)
{
    webrtc_srtp_state_t st;
    tvbuff_t *plain = webrtc_srtp_decrypt(tvb, pinfo, wtree, rtcp, &st);
    if (!plain)
        return -1;
    webrtc_srtp_call_plain(plain, pinfo, tree, rtcp, dyn, method);
    return (int)tvb_reported_length(tvb);
}

/* ---- media endpoints set up by SDP with SDES keys ---------------------- */

static int dissect_sdes(tvbuff_t *tvb, packet_info *pinfo, proto_tree *tree, gboolean rtcp_port)
{
    proto_item *ti;
    proto_tree *wt;
    gboolean rtcp = rtcp_port;
    int r;
    guint8 b0 = tvb_captured_length(tvb) >= 2 ? tvb_get_guint8(tvb, 0) : 0;

    if (b0 < 128 || b0 > 191)    /* not RTP/RTCP (RFC 7983): as SDP set it up */
        return call_dissector(rtcp_port ? webrtc_handles.rtcp : webrtc_handles.rtp,
                              tvb, pinfo, tree);
    if (!rtcp) {
        guint8 b1 = tvb_get_guint8(tvb, 1);
        rtcp = b1 >= 192 && b1 <= 223;   /* RFC 5761 §4 */
    }
    ti = proto_tree_add_item(tree, proto_webrtc, tvb, 0, 0, ENC_NA);
    proto_item_set_generated(ti);
    webrtc_note_tree_item(pinfo, ti);
    proto_item_append_text(ti, ", %s (SDP-negotiated SRTP)", rtcp ? "SRTCP" : "SRTP");
    wt = proto_item_add_subtree(ti, ett_webrtc);
    r = webrtc_srtp_dissect(tvb, pinfo, tree, wt, rtcp, webrtc_srtp_sdp_payload_types(pinfo),
                            "SDP");
    if (r >= 0)
        return r;
    return call_dissector(rtcp ? webrtc_handles.rtcp : webrtc_handles.rtp, tvb, pinfo, tree);
}

static int dissect_sdes_rtp(tvbuff_t *tvb, packet_info *pinfo, proto_tree *tree, void *d _U_)
{
    return dissect_sdes(tvb, pinfo, tree, FALSE);
}

static int dissect_sdes_rtcp(tvbuff_t *tvb, packet_info *pinfo, proto_tree *tree, void *d _U_)
{
    return dissect_sdes(tvb, pinfo, tree, TRUE);
}

void webrtc_srtp_take_sdp_endpoint(packet_info *pinfo, const address *addr, guint32 port)
{
    address null_addr;
    guint32 i;
    clear_address(&null_addr);
    /* The conversations srtp_add_address/srtcp_add_address made (RTP port,
     * RTCP port + 1): only those still dissected as RTP/RTCP are taken. */
    for (i = 0; i < 2; i++) {
        conversation_t *c = find_conversation(pinfo->num, addr, &null_addr, CONVERSATION_UDP,
                                              port + i, 0, NO_ADDR_B | NO_PORT_B);
        dissector_handle_t h;
        if (!c)
            continue;
        h = conversation_get_dissector(c, pinfo->num);
        if (h == webrtc_handles.rtp)
            conversation_set_dissector(c, sdes_rtp_handle);
        else if (h == webrtc_handles.rtcp)
            conversation_set_dissector(c, sdes_rtcp_handle);
    }
}

static void srtp_init(void)
{
    streams = NULL;              /* file scope: released with the capture */
    names = NULL;
}

void webrtc_srtp_register(void)
{
    static hf_register_info hf[] = {
        { &hf_webrtc_srtp_decrypted,
          { "Decrypted", "webrtc.srtp.decrypted", FT_BOOLEAN, BASE_NONE, NULL, 0x0,
            "The SRTP/SRTCP packet authenticated and is shown decrypted", HFILL } },
        { &hf_webrtc_srtp_key_source,
          { "Key source", "webrtc.srtp.key_source", FT_STRING, BASE_NONE, NULL, 0x0,
            "Where the master key used (or tried) came from", HFILL } },
        { &hf_webrtc_srtp_auth_ok,
          { "Authentication OK", "webrtc.srtp.auth_ok", FT_BOOLEAN, BASE_NONE, NULL, 0x0,
            "The authentication tag verified with the key", HFILL } },
        { &hf_webrtc_srtp_padding_encrypted,
          { "Padding count encrypted", "webrtc.srtp.padding_encrypted", FT_BOOLEAN, BASE_NONE,
            NULL, 0x0,
            "The SRTP packet has the P bit set; its padding count is the last byte of the "
            "encrypted payload (RFC 3711 §3.1), not the packet's: Wireshark's RTP "
            "dissector is given a copy with the P bit cleared", HFILL } },
        { &hf_webrtc_srtp_roc,
          { "Rollover counter", "webrtc.srtp.roc", FT_UINT32, BASE_DEC, NULL, 0x0,
            "The SRTP packet index's rollover counter (RFC 3711 §3.3.1), shown when not 0",
            HFILL } },
    };
    static ei_register_info ei[] = {
        { &ei_webrtc_srtp_auth_failed,
          { "webrtc.srtp.auth_failed", PI_DECRYPTION, PI_WARN,
            "SRTP authentication failed", EXPFILL } },
        { &ei_webrtc_srtp_roc_found,
          { "webrtc.srtp.roc_found", PI_DECRYPTION, PI_NOTE,
            "SRTP rollover counter found by trial", EXPFILL } },
        { &ei_webrtc_srtp_plain_rtcp,
          { "webrtc.srtp.plain_rtcp", PI_PROTOCOL, PI_NOTE,
            "Plain RTCP (no SRTCP trailer) on an SRTP session", EXPFILL } },
    };
    expert_module_t *expert = expert_register_protocol(proto_webrtc);
    proto_register_field_array(proto_webrtc, hf, array_length(hf));
    expert_register_field_array(expert, ei, array_length(ei));
    register_init_routine(srtp_init);
}

void webrtc_srtp_handoff(void)
{
    proto_rtp_id = proto_get_id_by_filter_name("rtp");
    proto_rtcp_id = proto_get_id_by_filter_name("rtcp");
    sdes_rtp_handle = create_dissector_handle(dissect_sdes_rtp, proto_webrtc);
    sdes_rtcp_handle = create_dissector_handle(dissect_sdes_rtcp, proto_webrtc);
}
