/* verdict.c — see verdict.h and docs/verdict.md.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#include "verdict.h"

#include <stdio.h>
#include <string.h>

static const char *const trait_names[WRTC_TRAIT_COUNT] = {
    "ice", "turn", "srtp", "dtls_srtp", "sdes", "bundle", "rtcp_mux", "web_signaling",
    "datachannel"
};

/* Score weights, adding up to 100: the two WebRTC mandates (ICE, RFC 8835
 * §3.4; DTLS-SRTP, RFC 8827 §6.5) weigh most, then the transport habits
 * WebRTC stacks share (BUNDLE, rtcp-mux, web signaling), then SRTP and
 * TURN, which classic VoIP uses as well. A data channel is the other use
 * of the same DTLS association (SCTP over DTLS, RFC 8261 §3; RFC 8831 §5):
 * DTLS-SRTP and data channel weigh 25 together, counted once. */
static const int trait_weight[WRTC_TRAIT_COUNT] = { 25, 5, 10, 25, 0, 10, 10, 15, 25 };

const char *wrtc_trait_name(wrtc_trait_t t)
{
    return (unsigned)t < WRTC_TRAIT_COUNT ? trait_names[t] : "?";
}

const char *wrtc_verdict_name(wrtc_verdict_t v)
{
    switch (v) {
    case WRTC_VERDICT_WEBRTC: return "webrtc";
    case WRTC_VERDICT_WEBRTC_LIKELY: return "webrtc-likely";
    case WRTC_VERDICT_NOT_WEBRTC: return "not-webrtc";
    case WRTC_VERDICT_UNDETERMINED: return "undetermined";
    }
    return "?";
}

static void set(wrtc_traits_t *t, wrtc_trait_t k, uint32_t frame, const char *detail)
{
    if (t->on[k] && t->frame[k] && t->frame[k] <= frame)
        return;
    t->on[k] = true;
    t->frame[k] = frame;
    snprintf(t->detail[k], sizeof t->detail[k], "%s", detail);
}

/* A trait not seen that could not have been seen: not observable. */
static void unknown(wrtc_traits_t *t, wrtc_trait_t k, const char *why)
{
    if (t->on[k])
        return;
    t->unknown[k] = true;
    t->frame[k] = 0;
    snprintf(t->detail[k], sizeof t->detail[k], "%.199s", why);
}

static int bit_index(uint32_t bit)
{
    int i = 0;
    while (bit > 1) {
        bit >>= 1;
        i++;
    }
    return i;
}

static uint32_t first_frame(const wrtc_flow_t *f, uint32_t bit)
{
    return f->content_frame[bit_index(bit)];
}

static const char *kind(const wrtc_stream_t *s)
{
    return wrtc_stream_media(s);
}

/* Which traits not seen could not have been seen (see verdict.h). SIP
 * signaling in the set makes the signaling observable: its SDP says
 * whether there is ICE or DTLS, and it is not web signaling. */
static void traits_unknown(wrtc_traits_t *t, double call_start, double media_first,
                           double media_last, bool audio, bool video, bool rtcp, bool sip,
                           bool dtls, bool sdp)
{
    char d[96];
    bool began_before = call_start < WRTC_CALL_START_MARGIN_S;
    bool media = t->rtp;
    double media_s = media ? media_last - media_first : 0;
    if (call_start >= 1e300)
        return;
    if (began_before && !sip)
        snprintf(d, sizeof d, "the call began before the capture (first packet at %.3f s)",
                 call_start);
    if (!sip && began_before && (!media || media_s < WRTC_ICE_CONSENT_WINDOW_S)) {
        char e[240];
        snprintf(e, sizeof e, "%s, its media lasts %.1f s, less than the %.0f s in which ICE "
                 "consent checks (RFC 7675 §5.1) would show", d, media_s,
                 WRTC_ICE_CONSENT_WINDOW_S);
        unknown(t, WRTC_TRAIT_ICE, e);
    }
    if (!sip && began_before && !dtls && !t->on[WRTC_TRAIT_SDES] && (!media || t->on[WRTC_TRAIT_SRTP])) {
        char e[240];
        snprintf(e, sizeof e, "%s: a DTLS handshake comes before media", d);
        unknown(t, WRTC_TRAIT_DTLS_SRTP, e);
    }
    if (t->on[WRTC_TRAIT_SRTP] && !dtls && !sdp && !t->on[WRTC_TRAIT_SDES])
        unknown(t, WRTC_TRAIT_SDES, "SRTP without DTLS: SDES keys (RFC 4568) would be in the "
                "signaling, which is not in the capture or is encrypted");
    if (!media) {
        unknown(t, WRTC_TRAIT_SRTP, "no media");
        unknown(t, WRTC_TRAIT_BUNDLE, "no media");
        unknown(t, WRTC_TRAIT_RTCP_MUX, "no media");
    } else {
        if (!(audio && video))
            unknown(t, WRTC_TRAIT_BUNDLE, audio ? "audio only: BUNDLE needs two media kinds"
                                        : video ? "video only: BUNDLE needs two media kinds"
                                                : "media kind not known");
        if (!rtcp)
            unknown(t, WRTC_TRAIT_RTCP_MUX, "no RTCP seen");
    }
    if (!sip && began_before)
        unknown(t, WRTC_TRAIT_WEB_SIGNALING, d);
}

void wrtc_traits_of(const GPtrArray *flows, const GPtrArray *tls, wrtc_traits_t *t)
{
    guint i, j;
    char d[160];
    double call_start = 1e300, media_first = 1e300, media_last = -1;
    bool any_audio = false, any_video = false, rtcp = false, sip = false, dtls = false,
         sdp = false, relay_cut = false;
    memset(t, 0, sizeof *t);
    for (i = 0; i < flows->len; i++) {
        const wrtc_flow_t *f = g_ptr_array_index(flows, i);
        bool audio = false, video = false, srtp = false;
        uint32_t srtp_frame = 0, audio_frame = 0, video_frame = 0;
        if (f->contents & WRTC_C_ICE)
            set(t, WRTC_TRAIT_ICE, first_frame(f, WRTC_C_ICE), f->ice_inferred
                ? (!(f->binding_cut[0] || f->binding_cut[1])
                   ? "TURN Send/Data indications both ways before DTLS (relayed checks, contents not captured)"
                   : (f->binding_req[0] && f->binding_req[1])
                   ? "STUN Binding requests from both ends (ICE attributes not captured)"
                   : f->check_sized
                   ? "STUN Binding requests as long as ICE checks (attributes not captured)"
                   : "STUN Binding requests on a 5-tuple with DTLS or media (ICE attributes not captured)")
                : "STUN Binding with ICE attributes");
        if ((f->contents & WRTC_C_ICE) && (f->contents & WRTC_C_DTLS)) {
            /* ICE and DTLS on one 5-tuple: the WebRTC transport (RFC 8835
             * §3.4, RFC 8827 §6.5), with SRTP or a data channel (RFC 8261). */
            uint32_t fr = MAX(first_frame(f, WRTC_C_ICE), first_frame(f, WRTC_C_DTLS));
            if (!t->ice_dtls_frame || fr < t->ice_dtls_frame)
                t->ice_dtls_frame = fr;
        }
        if (wrtc_flow_datachannel(f)) {
            const wrtc_dc_activity_t *dc = wrtc_flow_datachannel(f);
            snprintf(d, sizeof d, "DTLS application data on the ICE 5-tuple: SCTP (RFC 8261), "
                     "%llu records", (unsigned long long)(dc->records[0] + dc->records[1]));
            set(t, WRTC_TRAIT_DATACHANNEL, dc->first_frame, d);
        }
        if (f->relay_cut[0] || f->relay_cut[1])
            relay_cut = true;
        if (f->contents & (WRTC_C_TURN | WRTC_C_CHANNELDATA)) {
            uint32_t b = (f->contents & WRTC_C_TURN) ? WRTC_C_TURN : WRTC_C_CHANNELDATA;
            set(t, WRTC_TRAIT_TURN, first_frame(f, b),
                b == WRTC_C_TURN ? "TURN request/indication" : "TURN ChannelData");
        }
        for (j = 0; j < WRTC_LIST_LEN(f->stream_list); j++) {
            const wrtc_stream_t *s = g_ptr_array_index(f->stream_list, j);
            t->rtp = true;
            if (strcmp(kind(s), "audio") == 0) {
                audio = true;
                if (!audio_frame || s->first_frame < audio_frame)
                    audio_frame = s->first_frame;
            }
            if (strcmp(kind(s), "video") == 0) {
                video = true;
                if (!video_frame || s->first_frame < video_frame)
                    video_frame = s->first_frame;
            }
            if (s->first_t < media_first)
                media_first = s->first_t;
            if (s->last_t > media_last)
                media_last = s->last_t;
            any_audio |= audio;
            any_video |= video;
            if (s->srtp) {
                srtp = true;
                if (!srtp_frame || s->first_frame < srtp_frame)
                    srtp_frame = s->first_frame;
            }
        }
        if (srtp) {
            set(t, WRTC_TRAIT_SRTP, srtp_frame, "RTP payloads encrypted");
            if (f->contents & WRTC_C_DTLS) {
                snprintf(d, sizeof d, "DTLS%s handshake on the SRTP 5-tuple",
                         f->dtls_version == 0xFEFC ? " 1.3" : f->dtls_version == 0xFEFD ? " 1.2"
                         : f->dtls_version == WRTC_DTLS_NOT_CAPTURED ? " (version not captured)"
                         : "");
                set(t, WRTC_TRAIT_DTLS_SRTP, first_frame(f, WRTC_C_DTLS), d);
            } else if (!(f->contents & WRTC_C_ZRTP) && f->sdp_named) {
                /* RFC 4568 keys travel in the SDP: only when an SDP in the
                 * capture names this 5-tuple. SRTP without any signaling
                 * (keys set out of band) is no evidence of SDES. */
                set(t, WRTC_TRAIT_SDES, srtp_frame,
                    "SRTP without DTLS or ZRTP on a 5-tuple an SDP names");
            }
        }
        /* The proving frame: the first packet of the second media kind. */
        if (audio && video)
            set(t, WRTC_TRAIT_BUNDLE, MAX(audio_frame, video_frame),
                "audio and video on one 5-tuple");
        if (f->rtcp_mux) {
            uint32_t b = (f->contents & WRTC_C_SRTCP) ? WRTC_C_SRTCP : WRTC_C_RTCP;
            uint32_t r = (f->contents & WRTC_C_SRTP) ? WRTC_C_SRTP : WRTC_C_RTP;
            set(t, WRTC_TRAIT_RTCP_MUX, MAX(first_frame(f, b), first_frame(f, r)),
                "RTCP on the RTP 5-tuple");
        }
        if (f->contents & (WRTC_C_RTCP | WRTC_C_SRTCP))
            rtcp = true;
        /* SIP in the set, or an SDP in the capture naming this 5-tuple
         * (its SIP flow may be another leg's). */
        if ((f->contents & WRTC_C_SIP) || f->sdp_named)
            sip = true;
        if (f->contents & WRTC_C_DTLS)
            dtls = true;
        if (f->sdp_named)
            sdp = true;
        {
            int b;
            for (b = 0; b < WRTC_FP_COUNT_BITS; b++) {
                if (!(f->fingerprints & (1u << b)))
                    continue;
                if (!(t->fingerprints & (1u << b)) || f->fp_frame[b] < t->fp_frame[b])
                    t->fp_frame[b] = f->fp_frame[b];
                t->fingerprints |= 1u << b;
            }
        }
        if ((f->contents & (WRTC_C_STUN | WRTC_C_RTP | WRTC_C_SRTP)) && f->first_t < call_start)
            call_start = f->first_t;
    }
    /* A DTLS-SRTP transport is not an SDES one: SDES only when no flow of
     * the set keys SRTP with DTLS. */
    if (t->on[WRTC_TRAIT_DTLS_SRTP])
        t->on[WRTC_TRAIT_SDES] = false;
    traits_unknown(t, call_start, media_first, media_last, any_audio, any_video, rtcp, sip,
                   dtls, sdp);
    /* A data channel relayed in TURN Send/Data indications whose contents
     * the snaplen cut cannot be seen. */
    if (relay_cut)
        unknown(t, WRTC_TRAIT_DATACHANNEL, "relayed datagrams not captured");
    for (i = 0; tls && call_start < 1e300 && i < tls->len; i++) {
        const wrtc_tls_flow_t *c = g_ptr_array_index(tls, i);
        bool host = false;
        if (c->first_t > call_start || c->first_t < call_start - WRTC_WEB_SIGNALING_WINDOW_S)
            continue;
        for (j = 0; j < flows->len && !host; j++) {
            const wrtc_flow_t *f = g_ptr_array_index(flows, j);
            host = wrtc_ep_same_host(&c->client, &f->ep[0]) ||
                   wrtc_ep_same_host(&c->client, &f->ep[1]);
        }
        if (host) {
            char srv[80];
            wrtc_ep_format(&c->server, true, srv, sizeof srv);
            snprintf(d, sizeof d, "TLS to %s%s%s before the call", srv,
                     c->sni ? " SNI " : "", c->sni ? c->sni : "");
            set(t, WRTC_TRAIT_WEB_SIGNALING, c->first_frame, d);
            t->unknown[WRTC_TRAIT_WEB_SIGNALING] = false;
        }
    }
}

wrtc_verdict_t wrtc_verdict_of(const wrtc_traits_t *t, int *score, GPtrArray *evidence)
{
    wrtc_verdict_t v;
    int k, sc = 0;
    bool media = t->on[WRTC_TRAIT_SRTP];
    for (k = 0; k < WRTC_TRAIT_COUNT; k++) {
        if (!t->on[k])
            continue;
        if (k != WRTC_TRAIT_DATACHANNEL || !t->on[WRTC_TRAIT_DTLS_SRTP])
            sc += trait_weight[k];
        if (evidence)
            g_ptr_array_add(evidence, g_strdup_printf("%s: %s (frame %u)", trait_names[k],
                                                      t->detail[k], t->frame[k]));
    }
    for (k = 0; evidence && k < WRTC_TRAIT_COUNT; k++)
        if (t->unknown[k])
            g_ptr_array_add(evidence, g_strdup_printf("%s: not observable: %s", trait_names[k],
                                                      t->detail[k]));
    if (evidence) {
        int b;
        for (b = 0; b < WRTC_FP_COUNT_BITS; b++)
            if (t->fingerprints & (1u << b))
                g_ptr_array_add(evidence, g_strdup_printf("fingerprint: %s (frame %u)",
                                                          wrtc_fingerprint_name(1u << b),
                                                          t->fp_frame[b]));
    }
    if (evidence && t->ice_dtls_frame && !t->on[WRTC_TRAIT_DTLS_SRTP])
        g_ptr_array_add(evidence, g_strdup_printf("ICE and DTLS on one 5-tuple (frame %u): the "
                                                  "WebRTC transport (RFC 8835 §3.4, RFC 8827 §6.5)",
                                                  t->ice_dtls_frame));
    if ((t->on[WRTC_TRAIT_ICE] && t->on[WRTC_TRAIT_DTLS_SRTP]) || t->ice_dtls_frame)
        v = WRTC_VERDICT_WEBRTC;          /* the WebRTC transport (RFC 8835 §3) */
    else if ((t->on[WRTC_TRAIT_ICE] || t->on[WRTC_TRAIT_TURN]) && media)
        v = WRTC_VERDICT_WEBRTC_LIKELY;   /* ICE/TURN + SRTP, keys not seen (SDES?) */
    else if (t->rtp && (t->fingerprints & WRTC_FP_STRONG))
        v = WRTC_VERDICT_WEBRTC_LIKELY;   /* a WebRTC stack's habits, ICE not seen */
    else if (t->rtp && !t->on[WRTC_TRAIT_ICE] && !t->on[WRTC_TRAIT_TURN] &&
             !t->on[WRTC_TRAIT_DTLS_SRTP] &&
             (!t->on[WRTC_TRAIT_SRTP] || !t->unknown[WRTC_TRAIT_ICE]))
        /* RTP/SRTP without ICE: classic VoIP. Plain RTP is never WebRTC
         * (SRTP is mandatory, RFC 8827 §6.5); SRTP only when the absence
         * of ICE is observable, not when the capture may have missed it. */
        v = WRTC_VERDICT_NOT_WEBRTC;
    else
        v = WRTC_VERDICT_UNDETERMINED;
    if (score)
        *score = sc;
    return v;
}

wrtc_verdict_t wrtc_leg_verdict(const wrtc_leg_t *l, const GPtrArray *tls, int *score)
{
    wrtc_traits_t t;
    wrtc_traits_of(l->flows, tls, &t);
    return wrtc_verdict_of(&t, score, NULL);
}

wrtc_verdict_t wrtc_session_verdict(const wrtc_session_t *s, const GPtrArray *tls)
{
    wrtc_verdict_t best = WRTC_VERDICT_UNDETERMINED;
    guint i;
    for (i = 0; i < s->legs->len; i++) {
        wrtc_verdict_t v = wrtc_leg_verdict(g_ptr_array_index(s->legs, i), tls, NULL);
        if (v > best)
            best = v;
    }
    return best;
}
