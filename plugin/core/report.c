/* report.c — see report.h.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#include "report.h"
#include "verdict.h"
#include "software.h"
#include "thresholds.h"

#include <stdio.h>
#include <string.h>

static void ep(const wrtc_ep_t *e, char *buf, size_t n)
{
    wrtc_ep_format(e, true, buf, n);
}

/* "<indent><label><text>", broken at spaces so no line passes 100 columns;
 * continuation lines are indented under the text. */
#define REPORT_WIDTH 100
static void wrapped(GString *o, int indent, const char *label, const char *text)
{
    int col = indent + (int)strlen(label), start = col;
    const char *p = text;
    g_string_append_printf(o, "%*s%s", indent, "", label);
    while (*p) {
        const char *sp = strchr(p, ' ');
        int w = sp ? (int)(sp - p) : (int)strlen(p);
        if (col > start && col + 1 + w > REPORT_WIDTH) {
            g_string_append_printf(o, "\n%*s", start, "");
            col = start;
        } else if (col > start) {
            g_string_append_c(o, ' ');
            col++;
        }
        g_string_append_len(o, p, w);
        col += w;
        p += w;
        while (*p == ' ')
            p++;
    }
    g_string_append_c(o, '\n');
}

static const char *dtls_name(uint16_t v)
{
    return v == 0xFEFC ? "1.3" : v == 0xFEFD ? "1.2" : v == 0xFEFF ? "1.0" : NULL;
}

/* Contents as short tokens; the JSON uses the same names in lower case. */
static const struct { uint32_t bit; const char *text; const char *json; } CONTENTS[] = {
    { WRTC_C_STUN, "STUN", "stun" },
    { WRTC_C_ICE, "ICE", "ice" },
    { WRTC_C_TURN, "TURN", "turn" },
    { WRTC_C_CHANNELDATA, "ChannelData", "channeldata" },
    { WRTC_C_DATA_IND, "Send/Data", "send_data_indication" },
    { WRTC_C_DTLS, "DTLS", "dtls" },
    { WRTC_C_DTLS_APP, "DataChannel", "datachannel" },
    { WRTC_C_ZRTP, "ZRTP", "zrtp" },
    { WRTC_C_SRTP, "SRTP", "srtp" },
    { WRTC_C_RTP, "RTP", "rtp" },
    { WRTC_C_SRTCP, "SRTCP", "srtcp" },
    { WRTC_C_RTCP, "RTCP", "rtcp" },
    { WRTC_C_SIP, "SIP", "sip" },
};

/* DTLS application data is a data channel only on an ICE 5-tuple. */
static uint32_t flow_contents_mask(const wrtc_flow_t *f)
{
    return wrtc_flow_datachannel(f) ? ~(uint32_t)0 : ~(uint32_t)WRTC_C_DTLS_APP;
}

void wrtc_flow_contents_text(const wrtc_flow_t *f, GString *out)
{
    size_t i;
    uint32_t c = f->contents;
    /* SRTP supersedes RTP in the text (an SRTP packet is also RTP). */
    if (c & WRTC_C_SRTP)
        c &= ~(uint32_t)WRTC_C_RTP;
    if (c & WRTC_C_SRTCP)
        c &= ~(uint32_t)WRTC_C_RTCP;
    if (c & WRTC_C_ICE)
        c &= ~(uint32_t)WRTC_C_STUN;
    c &= flow_contents_mask(f);
    for (i = 0; i < sizeof CONTENTS / sizeof CONTENTS[0]; i++) {
        if (!(c & CONTENTS[i].bit))
            continue;
        if (out->len)
            g_string_append_c(out, ' ');
        g_string_append(out, CONTENTS[i].text);
        if (CONTENTS[i].bit == WRTC_C_DTLS && dtls_name(f->dtls_version))
            g_string_append_printf(out, "-%s", dtls_name(f->dtls_version));
        if ((CONTENTS[i].bit == WRTC_C_RTCP || CONTENTS[i].bit == WRTC_C_SRTCP))
            g_string_append(out, f->rtcp_mux ? "(mux)" : "");
    }
}

static const char *direction(const wrtc_flow_t *f)
{
    bool out = false, in = false;
    guint i;
    for (i = 0; i < WRTC_LIST_LEN(f->stream_list); i++) {
        const wrtc_stream_t *s = g_ptr_array_index(f->stream_list, i);
        if (s->dir == f->local)
            out = true;
        else
            in = true;
    }
    return out && in ? "sendrecv" : out ? "sendonly" : in ? "recvonly" : "none";
}

static void pts_text(const wrtc_stream_t *s, GString *out)
{
    int pt;
    for (pt = 0; pt < 128; pt++)
        if (s->pt_bitmap[pt / 8] & (1u << (pt % 8)))
            g_string_append_printf(out, "%s%d", out->len ? "," : "", pt);
}

static double bitrate_kbps(const wrtc_stream_t *s)
{
    double d = s->last_t - s->first_t;
    return d > 0 ? s->bytes * 8.0 / d / 1000.0 : 0;
}

static int flow_id(const wrtc_session_t *s, const wrtc_flow_t *f)
{
    guint i;
    for (i = 0; i < s->flows->len; i++)
        if (g_ptr_array_index(s->flows, i) == f)
            return (int)i + 1;
    return 0;
}

/* A report's jitter (timestamp units) in ms at the stream's clock; < 0:
 * the clock is not known. */
static double rr_jitter_ms(const wrtc_rr_t *r, const wrtc_stream_t *st)
{
    return st->clock_rate ? r->jitter * 1000.0 / st->clock_rate : -1;
}

/* What the receiver reported about the stream (RTCP SR/RR report block). */
static void rr_text(const wrtc_session_t *s, const wrtc_flow_t *f, const wrtc_stream_t *st,
                    GString *o)
{
    const wrtc_rr_t *r = wrtc_stream_report(s, f, st);
    if (!r)
        return;
    g_string_append_printf(o, "  %23s receiver reported: loss %.1f %% (cumulative %d), ", "",
                           r->fraction * 100.0 / 256, (int)r->cum_lost);
    if (st->clock_rate)
        g_string_append_printf(o, "jitter %.2f ms", rr_jitter_ms(r, st));
    else
        g_string_append_printf(o, "jitter %u timestamp units", r->jitter);
    g_string_append_printf(o, " (frame %u)\n", r->frame);
}

/* Which part of a relayed path a flow is (loss per leg, issue 19). */
static const char *path_kind(const wrtc_flow_t *f)
{
    return f->remote_role == WRTC_ROLE_TURN_SERVER ? "client-TURN leg"
         : f->remote_role == WRTC_ROLE_RELAYED_PEER ? "TURN-peer leg" : "direct";
}

/* The same SSRC on several flows of a session (TURN client leg and relay
 * leg, ICE paths): the loss of each side by side, so that a loss can be
 * placed on one leg. One line per SSRC, flows in the streams' order. */
static void same_ssrc_text(const wrtc_session_t *s, const GPtrArray *streams,
                           const GArray *flow_of, GString *o)
{
    guint j, k;
    bool header = false;
    for (j = 0; j < streams->len; j++) {
        const wrtc_stream_t *st = g_ptr_array_index(streams, j);
        bool earlier = false, other = false;
        for (k = 0; k < j && !earlier; k++)
            earlier = ((const wrtc_stream_t *)g_ptr_array_index(streams, k))->ssrc == st->ssrc;
        for (k = j + 1; k < streams->len && !other; k++)
            other = ((const wrtc_stream_t *)g_ptr_array_index(streams, k))->ssrc == st->ssrc &&
                    g_array_index(flow_of, int, k) != g_array_index(flow_of, int, j);
        if (earlier || !other)
            continue;
        if (!header)
            g_string_append(o, "  Same SSRC on several flows (loss per flow)\n");
        header = true;
        g_string_append_printf(o, "    SSRC 0x%08x:", st->ssrc);
        for (k = j; k < streams->len; k++) {
            const wrtc_stream_t *x = g_ptr_array_index(streams, k);
            int fid = g_array_index(flow_of, int, k);
            if (x->ssrc != st->ssrc)
                continue;
            g_string_append_printf(o, "%s %.1f %% (%llu lost of %llu) on flow %d (%s)",
                                   k == j ? "" : ",", wrtc_stream_loss(x) * 100.0,
                                   (unsigned long long)wrtc_stream_lost(x),
                                   (unsigned long long)x->packets, fid,
                                   path_kind(g_ptr_array_index(s->flows, fid - 1)));
        }
        g_string_append_c(o, '\n');
    }
}

/* Streams of a session in flow order, each flow's in first-seen order. */
static GPtrArray *session_streams(const wrtc_session_t *s, GArray *flow_of)
{
    GPtrArray *out = g_ptr_array_new();
    guint i, j;
    for (i = 0; i < s->flows->len; i++) {
        const wrtc_flow_t *f = g_ptr_array_index(s->flows, i);
        for (j = 0; j < WRTC_LIST_LEN(f->stream_list); j++) {
            int id = (int)i + 1;
            g_ptr_array_add(out, g_ptr_array_index(f->stream_list, j));
            g_array_append_val(flow_of, id);
        }
    }
    return out;
}

static void servers(const wrtc_session_t *s, GPtrArray *out)
{
    guint i, j, k;
    for (i = 0; i < s->flows->len; i++) {
        const wrtc_flow_t *f = g_ptr_array_index(s->flows, i);
        for (j = 0; j < WRTC_LIST_LEN(f->software); j++) {
            const char *v = g_ptr_array_index(f->software, j);
            bool dup = false;
            for (k = 0; k < out->len; k++)
                dup |= strcmp(g_ptr_array_index(out, k), v) == 0;
            if (!dup)
                g_ptr_array_add(out, (gpointer)v);
        }
    }
}

/* What the capture's snaplen cut away in a session's flows, by kind, with
 * the flows (their numbers in the session). */
static void not_captured_text(wrtc_model_t *m, const wrtc_session_t *s, GString *o)
{
    uint32_t bit;
    bool head = false;
    for (bit = 1; bit < (1u << WRTC_HIDDEN_COUNT_BITS); bit <<= 1) {
        GString *l = g_string_new(NULL);
        guint j;
        for (j = 0; j < s->flows->len; j++)
            if (wrtc_flow_hidden(g_ptr_array_index(s->flows, j)) & bit)
                g_string_append_printf(l, "%s%u", l->len ? " " : "", j + 1);
        if (l->len) {
            char line[300];
            if (!head)
                g_string_append_printf(o, "  Not captured (snaplen %u bytes)\n",
                                       wrtc_model_snaplen(m));
            head = true;
            snprintf(line, sizeof line, "%s: flow%s %s", wrtc_hidden_name(bit),
                     strchr(l->str, ' ') ? "s" : "", l->str);
            wrapped(o, 4, "", line);
        }
        g_string_free(l, TRUE);
    }
}

/* The side of a plain STUN flow that asked: the client doing address
 * discovery (0 or 1). */
static int stun_client(const wrtc_flow_t *f)
{
    if (f->binding_req[0] != f->binding_req[1])
        return f->binding_req[1] ? 1 : 0;
    /* Only responses (an RFC 5780 test answered from another address): the
     * client is the side that received them. */
    if (!f->binding_req[0] && f->packets[1] == 0)
        return 1;
    return 0;
}

/* STUN that is no call attempt (RFC 8489 Binding requests without ICE
 * attributes to a STUN server from ports no call uses: address discovery,
 * NAT behaviour tests, RFC 5780), shown apart from the sessions. */
static void stun_outside_text(wrtc_model_t *m, GString *o)
{
    const GPtrArray *out = wrtc_model_stun_outside(m);
    guint i;
    char a[80], b[80];
    if (!out->len)
        return;
    g_string_append_printf(o, "\nSTUN activity outside calls: %u flow%s (STUN without ICE or "
                           "media, from ports no call uses: address discovery, NAT tests)\n",
                           out->len, out->len == 1 ? "" : "s");
    g_string_append(o, "  tr   client                 server                   sent  recv"
                       "    first     last\n");
    for (i = 0; i < out->len; i++) {
        const wrtc_flow_t *f = g_ptr_array_index(out, i);
        int c = stun_client(f);
        guint j;
        ep(&f->ep[c], a, sizeof a);
        ep(&f->ep[1 - c], b, sizeof b);
        g_string_append_printf(o, "  %-4s %-22s %-22s %6" G_GUINT64_FORMAT " %5" G_GUINT64_FORMAT
                               " %8.3f %8.3f\n", f->tcp ? "tcp" : "udp", a, b, f->packets[c],
                               f->packets[1 - c], f->first_t, f->last_t);
        for (j = 0; j < WRTC_LIST_LEN(f->software); j++) {
            const char *v = g_ptr_array_index(f->software, j);
            const char *tab = strchr(v, '\t');
            g_string_append_printf(o, "       %-22.*s \"%s\"\n", (int)(tab - v), v, tab + 1);
        }
    }
}

/* The point of view, in words: how the capture host was chosen, or why
 * there is none (then the ends of each flow are A and B). */
static void pov_text(const wrtc_pov_t *p, GString *o)
{
    char h[80];
    wrtc_ep_format(&p->host, false, h, sizeof h);
    if (p->have)
        g_string_append_printf(o, "capture host %s (in %u of %u flows): local is that host, "
                               "remote the other end", h, p->flows_with, p->flows_total);
    else if (p->both_ends)
        g_string_append_printf(o, "no single capture host (%s is at both ends of every flow): "
                               "the ends of each flow are A and B", h);
    else
        g_string_append_printf(o, "no single capture host (%s and another host are each in %u "
                               "of %u flows): the ends of each flow are A and B",
                               h, p->flows_with, p->flows_total);
}

static double dc_first(const wrtc_dc_activity_t *d)
{
    return !d->records[1] ? d->first_t[0] : !d->records[0] ? d->first_t[1]
                          : MIN(d->first_t[0], d->first_t[1]);
}

static double dc_last(const wrtc_dc_activity_t *d)
{
    return MAX(d->records[0] ? d->last_t[0] : 0, d->records[1] ? d->last_t[1] : 0);
}

static double kbps(uint64_t bytes, double first, double last)
{
    return last > first ? (double)bytes * 8.0 / (last - first) / 1000.0 : 0.0;
}

/* Text of a label or protocol: control characters shown as '?'. */
static void dc_text(GString *o, const char *v)
{
    for (; v && *v; v++)
        g_string_append_c(o, (unsigned char)*v < 0x20 || *v == 0x7f ? '?' : *v);
}

/* The decrypted channels (RFC 8831/8832) of the session's flows: one line
 * each, messages and bytes each way from the local end (RFC 8831 §6.6:
 * user messages; DCEP is not counted). */
static void channels_text(const wrtc_session_t *s, const wrtc_pov_t *pov, GString *o, bool head)
{
    guint j, k;
    bool chead = false;
    for (j = 0; j < s->flows->len; j++) {
        const wrtc_flow_t *f = g_ptr_array_index(s->flows, j);
        int l = f->local, r = 1 - f->local;
        const wrtc_dc_assoc_t *as = wrtc_flow_dc_assoc(f);
        for (k = 0; as && k < as->channels->len; k++) {
            const wrtc_dc_channel_t *c = g_ptr_array_index(as->channels, k);
            char rel[48];
            if (!head) {
                g_string_append(o, "  Data channels\n");
                head = true;
            }
            if (!chead) {
                g_string_append_printf(o, "  Channels (decrypted SCTP streams, RFC 8831; msgs/bytes "
                                       "%s)\n", pov->have ? "> local to remote, < remote to local"
                                                          : "> A to B, < B to A");
                g_string_append_printf(o, "  %-4s %5s  %-20s %-12s %-9s %-22s %7s %10s %7s %10s "
                                       "%8s %8s   %s\n", "flow", "sid", "label", "protocol",
                                       "order", "reliability", "msgs >", "bytes >", "msgs <",
                                       "bytes <", "first", "last", "open");
                chead = true;
            }
            wrtc_dc_reliability(c, rel, sizeof rel);
            g_string_append_printf(o, "  %-4u %5u  ", j + 1, c->sid);
            if (c->have_open) {
                size_t at = o->len;
                g_string_append_c(o, '"');
                dc_text(o, c->label);
                g_string_append_c(o, '"');
                while (o->len - at < 20)
                    g_string_append_c(o, ' ');
                g_string_append_c(o, ' ');
                at = o->len;
                g_string_append_c(o, '"');
                dc_text(o, c->protocol);
                g_string_append_c(o, '"');
                while (o->len - at < 12)
                    g_string_append_c(o, ' ');
                g_string_append_printf(o, " %-9s %-22s", wrtc_dc_ordered(c) ? "ordered" : "unordered",
                                       rel);
            } else {
                g_string_append_printf(o, "%-20s %-12s %-9s %-22s", "(no OPEN seen)", "", "", "");
            }
            g_string_append_printf(o, " %7llu %10llu %7llu %10llu %8.3f %8.3f   ",
                                   (unsigned long long)c->messages[l],
                                   (unsigned long long)c->bytes[l],
                                   (unsigned long long)c->messages[r],
                                   (unsigned long long)c->bytes[r], c->first_t, c->last_t);
            if (c->open_frame)
                g_string_append_printf(o, "frame %u\n", c->open_frame);
            else
                g_string_append(o, "-\n");
        }
    }
}

/* "Data channels": per flow with DTLS application data on its ICE
 * 5-tuple, the records and bytes each way and the active periods. */
static void datachannel_text(const wrtc_session_t *s, const wrtc_pov_t *pov, GString *o)
{
    guint j;
    bool head = false;
    for (j = 0; j < s->flows->len; j++) {
        const wrtc_flow_t *f = g_ptr_array_index(s->flows, j);
        const wrtc_dc_activity_t *d = wrtc_flow_datachannel(f);
        uint32_t k, n;
        int dir;
        if (!d)
            continue;
        if (!head) {
            g_string_append(o, pov->have
                ? "  Data channels: SCTP in DTLS application data, RFC 8261 (dir: > local to "
                  "remote, < remote to local)\n"
                : "  Data channels: SCTP in DTLS application data, RFC 8261 (dir: > A to B, "
                  "< B to A)\n");
            g_string_append_printf(o, "  %-4s %-3s %8s %10s %8s %8s   %s\n", "flow", "dir",
                                   "records", "bytes", "first", "last", "first record");
            head = true;
        }
        for (dir = 0; dir < 2; dir++) {
            int e = dir == 0 ? f->local : 1 - f->local;
            if (!d->records[e])
                continue;
            g_string_append_printf(o, "  %-4u %-3s %8llu %10llu %8.3f %8.3f", j + 1,
                                   dir == 0 ? ">" : "<", (unsigned long long)d->records[e],
                                   (unsigned long long)d->bytes[e], d->first_t[e], d->last_t[e]);
            g_string_append_printf(o, "   frame %u\n", d->dir_first_frame[e]);
        }
        g_string_append_printf(o, "  %9s %u active period%s (records at most %.1f s apart)%s\n", "",
                               d->n_periods, d->n_periods == 1 ? "" : "s", WRTC_DC_PERIOD_GAP_S,
                               d->n_periods ? ":" : "");
        n = MIN(d->n_periods, WRTC_DC_MAX_PERIODS);
        for (k = 0; k < n; k++) {
            const wrtc_dc_period_t *p = &d->period[k];
            g_string_append_printf(o, "  %11s %8.3f - %8.3f s %8llu record%s %10llu bytes", "",
                                   p->first_t, p->last_t, (unsigned long long)p->records,
                                   p->records == 1 ? " " : "s", (unsigned long long)p->bytes);
            if (p->last_t > p->first_t)
                g_string_append_printf(o, " %9.1f kbit/s", kbps(p->bytes, p->first_t, p->last_t));
            g_string_append_c(o, '\n');
        }
        if (d->n_periods > n)
            g_string_append_printf(o, "  %11s ... %u more periods\n", "", d->n_periods - n);
    }
    channels_text(s, pov, o, head);
}

void wrtc_report_text(wrtc_model_t *m, GString *o)
{
    const GPtrArray *ss;
    const wrtc_pov_t *pov;
    guint i, j;
    char a[80], b[80];

    wrtc_model_finish(m);
    ss = wrtc_model_sessions(m);
    pov = wrtc_model_point_of_view(m);
    g_string_append(o, "================================================================"
                       "====================\n");
    g_string_append_printf(o, "WebRTC sessions: %u    (times in seconds from the first packet)\n",
                           ss->len);
    if (wrtc_model_dropped_flows(m))
        g_string_append_printf(o, "Note: %u flows not tracked (flow limit reached)\n",
                               wrtc_model_dropped_flows(m));
    if (wrtc_model_snaplen(m))
        g_string_append_printf(o, "Note: packets cut at %u bytes (snaplen): decisions are made on "
                               "the headers; what was cut away is listed per session\n",
                               wrtc_model_snaplen(m));
    if (wrtc_model_not_counted(m)) {
        char nc[240];
        snprintf(nc, sizeof nc, "one pass: %u RTP packets came before their flow or SSRC was "
                 "recognised; this run shows them as UDP, and neither its RTP taps nor this "
                 "summary count them (tshark -2 does)", wrtc_model_not_counted(m));
        wrapped(o, 0, "Note: ", nc);
    }
    if (ss->len) {
        GString *pv = g_string_new(NULL);
        pov_text(pov, pv);
        wrapped(o, 0, "Point of view: ", pv->str);
        g_string_free(pv, TRUE);
    }
    for (i = 0; i < ss->len; i++) {
        const wrtc_session_t *s = g_ptr_array_index(ss, i);
        GArray *flow_of = g_array_new(FALSE, FALSE, sizeof(int));
        GPtrArray *streams = session_streams(s, flow_of);
        GPtrArray *sw = g_ptr_array_new();

        g_string_append_printf(o, "\nSession %d   %.3f - %.3f s (%.3f s)   %u leg%s, %u flow%s, "
                               "%u stream%s\n", s->id, s->first_t, s->last_t,
                               s->last_t - s->first_t, s->legs->len, s->legs->len == 1 ? "" : "s",
                               s->flows->len, s->flows->len == 1 ? "" : "s", streams->len,
                               streams->len == 1 ? "" : "s");
        {
            wrtc_traits_t tr;
            GPtrArray *ev = g_ptr_array_new_with_free_func(g_free);
            GString *tl = g_string_new(NULL);
            int score, k;
            wrtc_traits_of(s->flows, wrtc_model_tls_flows(m), &tr);
            (void)wrtc_verdict_of(&tr, &score, ev);
            for (k = 0; k < WRTC_TRAIT_COUNT; k++)
                g_string_append_printf(tl, "%s%s%s", tl->len ? " " : "", tr.on[k] ? "+" : tr.unknown[k] ? "?" : "-",
                                       wrtc_trait_name((wrtc_trait_t)k));
            g_string_append_printf(o, "  Verdict: %s (score %d)\n",
                                   wrtc_verdict_name(wrtc_session_verdict(s, wrtc_model_tls_flows(m))),
                                   score);
            wrapped(o, 2, "traits: ", tl->str);
            for (k = 0; k < (int)ev->len; k++)
                wrapped(o, 4, "", g_ptr_array_index(ev, k));
            g_string_free(tl, TRUE);
            g_ptr_array_free(ev, TRUE);
        }
        for (j = 0; j < s->evidence->len; j++)
            wrapped(o, 2, "joined by: ", g_ptr_array_index(s->evidence, j));
        for (j = 0; j < s->legs->len; j++) {
            const wrtc_leg_t *l = g_ptr_array_index(s->legs, j);
            guint k;
            int lscore;
            wrtc_verdict_t lv = wrtc_leg_verdict(l, wrtc_model_tls_flows(m), &lscore);
            g_string_append_printf(o, "  Leg %d: flow%s", l->id, l->flows->len == 1 ? "" : "s");
            for (k = 0; k < l->flows->len; k++)
                g_string_append_printf(o, " %d", flow_id(s, g_ptr_array_index(l->flows, k)));
            g_string_append_printf(o, "   verdict %s (score %d)\n", wrtc_verdict_name(lv), lscore);
            for (k = 0; k < l->evidence->len; k++)
                wrapped(o, 4, "linked by: ", g_ptr_array_index(l->evidence, k));
        }
        g_string_append(o, "  Flows\n");
        g_string_append_printf(o, "  %-3s %-3s %-4s %-22s %-22s %s\n", "#", "leg", "tr",
                               pov->have ? "local" : "A", pov->have ? "remote" : "B",
                               pov->have ? "remote role" : "role of B");
        for (j = 0; j < s->flows->len; j++) {
            const wrtc_flow_t *f = g_ptr_array_index(s->flows, j);
            GString *c = g_string_new(NULL);
            ep(&f->ep[f->local], a, sizeof a);
            ep(&f->ep[1 - f->local], b, sizeof b);
            wrtc_flow_contents_text(f, c);
            g_string_append_printf(o, "  %-3u %-3d %-4s %-22s %-22s %s\n", j + 1, f->leg,
                                   f->tcp ? "tcp" : "udp", a, b, wrtc_role_name(f->remote_role));
            g_string_append_printf(o, "  %12s %s\n", "", c->str);
            g_string_append_printf(o, "  %12s %s, %llu pkts, %llu bytes, %.3f - %.3f s\n", "",
                                   direction(f),
                                   (unsigned long long)(f->packets[0] + f->packets[1]),
                                   (unsigned long long)(f->bytes[0] + f->bytes[1]),
                                   f->first_t, f->last_t);
            if (f->dropped_streams)
                g_string_append_printf(o, "  %12s %u more SSRCs not tracked (limit of streams per flow)\n",
                                       "", f->dropped_streams);
            if (wrtc_flow_not_counted(m, f))
                g_string_append_printf(o, "  %12s %u RTP packets before the flow or SSRC was recognised "
                                       "(one pass: shown as UDP, not counted)\n", "",
                                       wrtc_flow_not_counted(m, f));
            if (WRTC_LIST_LEN(f->channels)) {
                guint k;
                g_string_append_printf(o, "  %12s TURN channels", "");
                for (k = 0; k < WRTC_LIST_LEN(f->channels); k++)
                    g_string_append_printf(o, " 0x%04x", g_array_index(f->channels, uint16_t, k));
                g_string_append_c(o, '\n');
            }
            g_string_free(c, TRUE);
        }
        if (streams->len) {
            g_string_append(o, pov->have ? "  Streams (dir: > local to remote, < remote to local)\n"
                                         : "  Streams (dir: > A to B, < B to A)\n");
            g_string_append_printf(o, "  %-4s %-3s %-10s %-11s %-7s %-6s %-14s %s\n", "flow", "dir",
                                   "SSRC", "PT", "media", "clock", "codec guess", "evidence");
            g_string_append_printf(o, "  %23s %8s %9s %8s %8s %7s %8s %6s %9s\n", "", "pkts",
                                   "bytes", "first", "last", "dur", "kbit/s", "loss", "jitter ms");
        }
        for (j = 0; j < streams->len; j++) {
            const wrtc_stream_t *st = g_ptr_array_index(streams, j);
            int fid = g_array_index(flow_of, int, j);
            const wrtc_flow_t *f = g_ptr_array_index(s->flows, fid - 1);
            GString *pts = g_string_new(NULL);
            char codec[64], ev[300], clock[16];
            pts_text(st, pts);
            wrtc_stream_codec_guess(st, codec, sizeof codec, ev, sizeof ev);
            if (st->clock_rate)
                snprintf(clock, sizeof clock, "%u", st->clock_rate);
            else
                snprintf(clock, sizeof clock, "?");
            g_string_append_printf(o, "  %-4d %-3s 0x%08x %-11s %-7s %-6s %-14s %s\n", fid,
                                   st->dir == f->local ? ">" : "<", st->ssrc, pts->str,
                                   wrtc_stream_media(st), clock, codec, ev);
            g_string_append_printf(o, "  %23s %8llu %9llu %8.3f %8.3f %7.3f %8.1f %5.1f%% %9.2f\n",
                                   st->srtp ? "SRTP" : "RTP", (unsigned long long)st->packets,
                                   (unsigned long long)st->bytes, st->first_t, st->last_t,
                                   st->last_t - st->first_t, bitrate_kbps(st),
                                   wrtc_stream_loss(st) * 100.0, wrtc_stream_jitter_ms(st));
            g_string_append_printf(o, "  %23s lost %llu, duplicates %u, out of order %u; "
                                   "max gap %.1f ms at %.3f; jitter ms mean %.2f, max %.2f\n", "",
                                   (unsigned long long)wrtc_stream_lost(st), st->duplicates,
                                   st->out_of_order, st->max_gap_s * 1000.0, st->max_gap_at,
                                   wrtc_stream_jitter_mean_ms(st), wrtc_stream_jitter_max_ms(st));
            rr_text(s, f, st, o);
            if (st->n_events) {
                uint32_t k, n = st->n_events < WRTC_MAX_DIGITS ? st->n_events : WRTC_MAX_DIGITS;
                g_string_append_printf(o, "  %23s digits:", "");
                for (k = 0; k < n; k++)
                    g_string_append_printf(o, " %c", st->digits[k]);
                if (st->n_events > n)
                    g_string_append_printf(o, " ... (%u events)", st->n_events);
                g_string_append_c(o, '\n');
            }
            if (st->decrypted || st->auth_failed)
                g_string_append_printf(o, "  %23s decrypted: %s (%u of %llu pkts), key: %s, "
                                       "auth failures: %u\n", "",
                                       st->decrypted ? "yes" : "no", st->decrypted,
                                       (unsigned long long)st->packets,
                                       st->key_source ? st->key_source : "?",
                                       st->auth_failed);
            g_string_free(pts, TRUE);
        }
        same_ssrc_text(s, streams, flow_of, o);
        datachannel_text(s, pov, o);
        servers(s, sw);
        if (sw->len) {
            g_string_append(o, "  STUN/TURN SOFTWARE\n");
            for (j = 0; j < sw->len; j++) {
                const char *v = g_ptr_array_index(sw, j);
                const char *tab = strchr(v, '\t');
                char prod[96], ver[32];
                g_string_append_printf(o, "    %-24.*s \"%s\"", (int)(tab - v), v, tab + 1);
                if (wrtc_software_identify(tab + 1, prod, sizeof prod, ver, sizeof ver))
                    g_string_append_printf(o, ": %s%s%s", prod, *ver ? " " : "", ver);
                g_string_append_c(o, '\n');
            }
        }
        not_captured_text(m, s, o);
        if (s->related->len) {
            g_string_append(o, "  Related sessions\n");
            for (j = 0; j < s->related->len; j++)
                wrapped(o, 4, "", g_ptr_array_index(s->related, j));
        }
        g_ptr_array_free(sw, TRUE);
        g_ptr_array_free(streams, TRUE);
        g_array_free(flow_of, TRUE);
    }
    stun_outside_text(m, o);
    g_string_append(o, "================================================================"
                       "====================\n");
}

/* ---------------------------------------------------------------- JSON */

static void js(GString *o, const char *s)
{
    g_string_append_c(o, '"');
    for (; s && *s; s++) {
        unsigned char c = (unsigned char)*s;
        if (c == '"' || c == '\\')
            g_string_append_printf(o, "\\%c", c);
        else if (c < 0x20)
            g_string_append_printf(o, "\\u%04x", c);
        else
            g_string_append_c(o, (char)c);
    }
    g_string_append_c(o, '"');
}

static void jkey(GString *o, const char *k, bool *first)
{
    if (!*first)
        g_string_append_c(o, ',');
    *first = false;
    js(o, k);
    g_string_append_c(o, ':');
}

static void jnum(GString *o, const char *k, double v, bool *first)
{
    jkey(o, k, first);
    g_string_append_printf(o, "%.3f", v);
}

static void jint(GString *o, const char *k, long long v, bool *first)
{
    jkey(o, k, first);
    g_string_append_printf(o, "%lld", v);
}

static void jstr(GString *o, const char *k, const char *v, bool *first)
{
    jkey(o, k, first);
    js(o, v);
}

static void jstrs(GString *o, const char *k, const GPtrArray *a, bool *first)
{
    guint i;
    jkey(o, k, first);
    g_string_append_c(o, '[');
    for (i = 0; a && i < a->len; i++) {
        if (i)
            g_string_append_c(o, ',');
        js(o, g_ptr_array_index(a, i));
    }
    g_string_append_c(o, ']');
}

static void jeps(GString *o, const char *k, const GArray *a, bool *first)
{
    guint i;
    char buf[80];
    jkey(o, k, first);
    g_string_append_c(o, '[');
    for (i = 0; i < WRTC_LIST_LEN(a); i++) {
        if (i)
            g_string_append_c(o, ',');
        ep(&g_array_index(a, wrtc_ep_t, i), buf, sizeof buf);
        js(o, buf);
    }
    g_string_append_c(o, ']');
}

static void json_traits(GString *o, const wrtc_traits_t *t)
{
    int k;
    g_string_append_c(o, '{');
    for (k = 0; k < WRTC_TRAIT_COUNT; k++) {
        if (k)
            g_string_append_c(o, ',');
        js(o, wrtc_trait_name((wrtc_trait_t)k));
        /* value null: not observable, and "evidence" says why. */
        g_string_append_printf(o, ":{\"value\":%s,\"frame\":",
                               t->on[k] ? "true" : t->unknown[k] ? "null" : "false");
        if (t->on[k]) {
            g_string_append_printf(o, "%u,\"evidence\":", t->frame[k]);
            js(o, t->detail[k]);
        } else if (t->unknown[k]) {
            g_string_append(o, "null,\"evidence\":");
            js(o, t->detail[k]);
        } else {
            g_string_append(o, "null,\"evidence\":null");
        }
        g_string_append_c(o, '}');
    }
    g_string_append_c(o, '}');
}

static void json_verdict(GString *o, const GPtrArray *flows, const GPtrArray *tls,
                         const char *verdict_override, bool *first)
{
    wrtc_traits_t t;
    GPtrArray *ev = g_ptr_array_new_with_free_func(g_free);
    int score;
    wrtc_verdict_t v;
    wrtc_traits_of(flows, tls, &t);
    v = wrtc_verdict_of(&t, &score, ev);
    jstr(o, "verdict", verdict_override ? verdict_override : wrtc_verdict_name(v), first);
    jint(o, "score", score, first);
    jkey(o, "traits", first);
    json_traits(o, &t);
    jstrs(o, "verdict_evidence", ev, first);
    jkey(o, "fingerprints", first);
    g_string_append_c(o, '[');
    {
        int b, n = 0;
        for (b = 0; b < WRTC_FP_COUNT_BITS; b++) {
            if (!(t.fingerprints & (1u << b)))
                continue;
            g_string_append_printf(o, "%s{\"name\":", n++ ? "," : "");
            js(o, wrtc_fingerprint_name(1u << b));
            g_string_append_printf(o, ",\"frame\":%u}", t.fp_frame[b]);
        }
    }
    g_string_append_c(o, ']');
    g_ptr_array_free(ev, TRUE);
}

/* flows[].datachannel: the flow's DTLS application data on its ICE
 * 5-tuple, from the record headers; null: none. */
static void json_datachannel(GString *o, const wrtc_flow_t *f)
{
    const wrtc_dc_activity_t *d = wrtc_flow_datachannel(f);
    bool first = true;
    int l = f->local, r = 1 - f->local;
    uint32_t k, n;
    if (!d) {
        g_string_append(o, "null");
        return;
    }
    g_string_append_c(o, '{');
    jint(o, "records", (long long)(d->records[0] + d->records[1]), &first);
    jint(o, "bytes", (long long)(d->bytes[0] + d->bytes[1]), &first);
    jint(o, "records_sent", (long long)d->records[l], &first);
    jint(o, "records_received", (long long)d->records[r], &first);
    jint(o, "bytes_sent", (long long)d->bytes[l], &first);
    jint(o, "bytes_received", (long long)d->bytes[r], &first);
    jnum(o, "first", dc_first(d), &first);
    jnum(o, "last", dc_last(d), &first);
    jint(o, "first_frame", d->first_frame, &first);
    jint(o, "periods_total", d->n_periods, &first);
    jkey(o, "periods", &first);
    g_string_append_c(o, '[');
    n = MIN(d->n_periods, WRTC_DC_MAX_PERIODS);
    for (k = 0; k < n; k++) {
        const wrtc_dc_period_t *p = &d->period[k];
        bool pf = true;
        g_string_append(o, k ? ",{" : "{");
        jnum(o, "first", p->first_t, &pf);
        jnum(o, "last", p->last_t, &pf);
        jint(o, "records", (long long)p->records, &pf);
        jint(o, "bytes", (long long)p->bytes, &pf);
        g_string_append_c(o, '}');
    }
    g_string_append(o, "]}");
}

/* sessions[].datachannels: the decrypted channels of the session's flows
 * (SCTP streams opened by DCEP, RFC 8831/8832); [] when nothing was
 * decrypted. sent/received: from the flow's local end. */
static void json_channels(GString *o, const wrtc_session_t *s)
{
    guint j, k, n = 0;
    g_string_append_c(o, '[');
    for (j = 0; j < s->flows->len; j++) {
        const wrtc_flow_t *f = g_ptr_array_index(s->flows, j);
        int l = f->local, r = 1 - f->local;
        const wrtc_dc_assoc_t *as = wrtc_flow_dc_assoc(f);
        for (k = 0; as && k < as->channels->len; k++) {
            const wrtc_dc_channel_t *c = g_ptr_array_index(as->channels, k);
            bool first = true;
            char rel[48];
            wrtc_dc_reliability(c, rel, sizeof rel);
            g_string_append(o, n++ ? ",{" : "{");
            jint(o, "flow", (long long)j + 1, &first);
            jint(o, "stream_id", c->sid, &first);
            if (c->have_open) {
                jstr(o, "label", c->label, &first);
                jstr(o, "protocol", c->protocol, &first);
                jkey(o, "ordered", &first);
                g_string_append(o, wrtc_dc_ordered(c) ? "true" : "false");
                jstr(o, "reliability", rel, &first);
            } else {
                jkey(o, "label", &first);
                g_string_append(o, "null");
                jkey(o, "protocol", &first);
                g_string_append(o, "null");
                jkey(o, "ordered", &first);
                g_string_append(o, "null");
                jkey(o, "reliability", &first);
                g_string_append(o, "null");
            }
            jint(o, "messages", (long long)(c->messages[0] + c->messages[1]), &first);
            jint(o, "bytes", (long long)(c->bytes[0] + c->bytes[1]), &first);
            jint(o, "messages_sent", (long long)c->messages[l], &first);
            jint(o, "messages_received", (long long)c->messages[r], &first);
            jint(o, "bytes_sent", (long long)c->bytes[l], &first);
            jint(o, "bytes_received", (long long)c->bytes[r], &first);
            jnum(o, "first", c->first_t, &first);
            jnum(o, "last", c->last_t, &first);
            jkey(o, "open_frame", &first);
            if (c->open_frame)
                g_string_append_printf(o, "%u", c->open_frame);
            else
                g_string_append(o, "null");
            g_string_append_c(o, '}');
        }
    }
    g_string_append_c(o, ']');
}

static void json_flow(GString *o, const wrtc_model_t *m, const wrtc_session_t *s,
                      const wrtc_flow_t *f, int id)
{
    bool first = true;
    char a[80], b[80];
    size_t i;
    guint k;
    ep(&f->ep[f->local], a, sizeof a);
    ep(&f->ep[1 - f->local], b, sizeof b);
    (void)s;
    g_string_append_c(o, '{');
    jint(o, "id", id, &first);
    jint(o, "leg", f->leg, &first);
    jstr(o, "transport", f->tcp ? "tcp" : "udp", &first);
    jstr(o, "local", a, &first);
    jstr(o, "remote", b, &first);
    jstr(o, "remote_role", wrtc_role_name(f->remote_role), &first);
    jstr(o, "direction", direction(f), &first);
    jkey(o, "contents", &first);
    g_string_append_c(o, '[');
    for (i = 0, k = 0; i < sizeof CONTENTS / sizeof CONTENTS[0]; i++) {
        if (f->contents & flow_contents_mask(f) & CONTENTS[i].bit) {
            if (k++)
                g_string_append_c(o, ',');
            js(o, CONTENTS[i].json);
        }
    }
    g_string_append_c(o, ']');
    jkey(o, "dtls_version", &first);
    if (dtls_name(f->dtls_version))
        js(o, dtls_name(f->dtls_version));
    else
        g_string_append(o, "null");
    jkey(o, "rtcp_mux", &first);
    g_string_append(o, f->rtcp_mux ? "true" : "false");
    jkey(o, "turn_channels", &first);
    g_string_append_c(o, '[');
    for (k = 0; k < WRTC_LIST_LEN(f->channels); k++)
        g_string_append_printf(o, "%s%u", k ? "," : "", g_array_index(f->channels, uint16_t, k));
    g_string_append_c(o, ']');
    jeps(o, "turn_relayed", f->relayed, &first);
    jeps(o, "turn_peers", f->peers, &first);
    jstrs(o, "ice_ufrag_pairs", f->ice_pairs, &first);
    jstrs(o, "sip_call_ids", f->call_ids, &first);
    jint(o, "packets", (long long)(f->packets[0] + f->packets[1]), &first);
    jint(o, "bytes", (long long)(f->bytes[0] + f->bytes[1]), &first);
    jnum(o, "first", f->first_t, &first);
    jnum(o, "last", f->last_t, &first);
    jint(o, "dropped_streams", f->dropped_streams, &first);
    /* One pass: RTP before the flow/SSRC was recognised, not counted. */
    jint(o, "rtp_not_counted", wrtc_flow_not_counted(m, f), &first);
    jkey(o, "datachannel", &first);
    json_datachannel(o, f);
    g_string_append_c(o, '}');
}

static void json_stream(GString *o, const wrtc_session_t *s, const wrtc_flow_t *f,
                        const wrtc_stream_t *st, int fid)
{
    const wrtc_rr_t *rr = wrtc_stream_report(s, f, st);
    bool first = true;
    char a[80], b[80], ssrc[16];
    wrtc_cg_result_t g;
    int pt, k = 0;
    ep(&f->ep[st->dir], a, sizeof a);
    ep(&f->ep[1 - st->dir], b, sizeof b);
    snprintf(ssrc, sizeof ssrc, "0x%08x", st->ssrc);
    wrtc_stream_guess(st, &g);
    g_string_append_c(o, '{');
    jint(o, "flow", fid, &first);
    jstr(o, "direction", st->dir == f->local ? "local->remote" : "remote->local", &first);
    jstr(o, "src", a, &first);
    jstr(o, "dst", b, &first);
    jstr(o, "ssrc", ssrc, &first);
    jkey(o, "payload_types", &first);
    g_string_append_c(o, '[');
    for (pt = 0; pt < 128; pt++)
        if (st->pt_bitmap[pt / 8] & (1u << (pt % 8)))
            g_string_append_printf(o, "%s%d", k++ ? "," : "", pt);
    g_string_append_c(o, ']');
    jstr(o, "media", g.media, &first);
    jint(o, "clock_rate", st->clock_rate, &first);
    jstr(o, "codec_guess", g.codec, &first);
    jstr(o, "codec_confidence", wrtc_cg_confidence_name(g.confidence), &first);
    jstr(o, "codec_evidence", g.evidence, &first);
    jkey(o, "srtp", &first);
    g_string_append(o, st->srtp ? "true" : "false");
    /* SRTP decryption: packets decrypted, where the key came from (null:
     * no key applied), packets whose tag did not verify. */
    jkey(o, "decrypted", &first);
    g_string_append(o, st->decrypted ? "true" : "false");
    jint(o, "decrypted_packets", st->decrypted, &first);
    if (st->decrypted || st->auth_failed) {
        jstr(o, "key_source", st->key_source ? st->key_source : "?", &first);
    } else {
        jkey(o, "key_source", &first);
        g_string_append(o, "null");
    }
    jint(o, "auth_failures", st->auth_failed, &first);
    jint(o, "packets", (long long)st->packets, &first);
    jint(o, "bytes", (long long)st->bytes, &first);
    jnum(o, "first", st->first_t, &first);
    jnum(o, "last", st->last_t, &first);
    jnum(o, "duration", st->last_t - st->first_t, &first);
    jkey(o, "bitrate_kbps", &first);
    g_string_append_printf(o, "%.1f", bitrate_kbps(st));
    jkey(o, "loss", &first);
    g_string_append_printf(o, "%.4f", wrtc_stream_loss(st));
    jkey(o, "jitter_ms", &first);
    g_string_append_printf(o, "%.2f", wrtc_stream_jitter_ms(st));
    jkey(o, "jitter_mean_ms", &first);
    g_string_append_printf(o, "%.2f", wrtc_stream_jitter_mean_ms(st));
    jkey(o, "jitter_max_ms", &first);
    g_string_append_printf(o, "%.2f", wrtc_stream_jitter_max_ms(st));
    jkey(o, "max_gap_ms", &first);
    g_string_append_printf(o, "%.1f", st->max_gap_s * 1000.0);
    jnum(o, "max_gap_at", st->max_gap_at, &first);
    jint(o, "lost", (long long)wrtc_stream_lost(st), &first);
    jint(o, "duplicates", st->duplicates, &first);
    jint(o, "out_of_order", st->out_of_order, &first);
    /* The same SSRC on the session's other flows, with their loss. */
    jkey(o, "same_ssrc_on", &first);
    g_string_append_c(o, '[');
    {
        guint i, q, n = 0;
        for (i = 0; i < s->flows->len; i++) {
            const wrtc_flow_t *x = g_ptr_array_index(s->flows, i);
            if (x == f)
                continue;
            for (q = 0; q < WRTC_LIST_LEN(x->stream_list); q++) {
                const wrtc_stream_t *y = g_ptr_array_index(x->stream_list, q);
                if (y->ssrc != st->ssrc)
                    continue;
                g_string_append_printf(o, "%s{\"flow\":%u,\"path\":\"%s\",\"packets\":%llu,"
                                       "\"lost\":%llu,\"loss\":%.4f}", n++ ? "," : "", i + 1,
                                       path_kind(x), (unsigned long long)y->packets,
                                       (unsigned long long)wrtc_stream_lost(y),
                                       wrtc_stream_loss(y));
            }
        }
    }
    g_string_append_c(o, ']');
    /* RFC 4733 digits read (null: no event readable), and how many events. */
    if (st->n_events) {
        jstr(o, "digits", st->digits, &first);
    } else {
        jkey(o, "digits", &first);
        g_string_append(o, "null");
    }
    jint(o, "events", st->n_events, &first);
    /* The last RTCP reception report block about it (RFC 3550 §6.4.1). */
    jkey(o, "receiver_report", &first);
    if (rr) {
        g_string_append_printf(o, "{\"frame\":%u,\"fraction_lost\":%.4f,"
                               "\"cumulative_lost\":%d,\"jitter\":%u,\"jitter_ms\":",
                               rr->frame, rr->fraction / 256.0, (int)rr->cum_lost, rr->jitter);
        if (st->clock_rate)
            g_string_append_printf(o, "%.2f}", rr_jitter_ms(rr, st));
        else
            g_string_append(o, "null}");
    } else {
        g_string_append(o, "null");
    }
    g_string_append_c(o, '}');
}

void wrtc_report_json(wrtc_model_t *m, GString *o)
{
    const GPtrArray *ss;
    guint i, j;

    wrtc_model_finish(m);
    ss = wrtc_model_sessions(m);
    g_string_append_printf(o, "{\"schema_version\":%d,\"dropped_flows\":%u,",
                           WRTC_SUMMARY_SCHEMA_VERSION, wrtc_model_dropped_flows(m));
    if (wrtc_model_snaplen(m))
        g_string_append_printf(o, "\"snaplen\":%u,", wrtc_model_snaplen(m));
    else
        g_string_append(o, "\"snaplen\":null,");
    {
        /* "local"/"remote" in flows and streams are the capture host's
         * ends when capture_host is set, else ends A and B. */
        const wrtc_pov_t *pov = wrtc_model_point_of_view(m);
        GString *pv = g_string_new(NULL);
        bool pf = true;
        char h[80];
        wrtc_ep_format(&pov->host, false, h, sizeof h);
        pov_text(pov, pv);
        g_string_append(o, "\"point_of_view\":{");
        if (pov->have)
            jstr(o, "capture_host", h, &pf);
        else
        {
            jkey(o, "capture_host", &pf);
            g_string_append(o, "null");
        }
        jint(o, "flows_with_host", (int)pov->flows_with, &pf);
        jint(o, "flows", (int)pov->flows_total, &pf);
        jstr(o, "how", pv->str, &pf);
        g_string_append(o, "},");
        g_string_free(pv, TRUE);
    }
    g_string_append_printf(o, "\"rtp_not_counted\":%u,", wrtc_model_not_counted(m));
    g_string_append(o, "\"sessions\":[");
    for (i = 0; i < ss->len; i++) {
        const wrtc_session_t *s = g_ptr_array_index(ss, i);
        GArray *flow_of = g_array_new(FALSE, FALSE, sizeof(int));
        GPtrArray *streams = session_streams(s, flow_of);
        GPtrArray *sw = g_ptr_array_new();
        bool first = true;
        if (i)
            g_string_append_c(o, ',');
        g_string_append_c(o, '{');
        jint(o, "id", s->id, &first);
        jnum(o, "first", s->first_t, &first);
        jnum(o, "last", s->last_t, &first);
        jnum(o, "duration", s->last_t - s->first_t, &first);
        jstrs(o, "evidence", s->evidence, &first);
        json_verdict(o, s->flows, wrtc_model_tls_flows(m),
                     wrtc_verdict_name(wrtc_session_verdict(s, wrtc_model_tls_flows(m))), &first);
        jkey(o, "legs", &first);
        g_string_append_c(o, '[');
        for (j = 0; j < s->legs->len; j++) {
            const wrtc_leg_t *l = g_ptr_array_index(s->legs, j);
            bool lf = true;
            guint k;
            if (j)
                g_string_append_c(o, ',');
            g_string_append_c(o, '{');
            jint(o, "id", l->id, &lf);
            jkey(o, "flows", &lf);
            g_string_append_c(o, '[');
            for (k = 0; k < l->flows->len; k++)
                g_string_append_printf(o, "%s%d", k ? "," : "",
                                       flow_id(s, g_ptr_array_index(l->flows, k)));
            g_string_append_c(o, ']');
            jstrs(o, "evidence", l->evidence, &lf);
            json_verdict(o, l->flows, wrtc_model_tls_flows(m), NULL, &lf);
            g_string_append_c(o, '}');
        }
        g_string_append_c(o, ']');
        jkey(o, "flows", &first);
        g_string_append_c(o, '[');
        for (j = 0; j < s->flows->len; j++) {
            if (j)
                g_string_append_c(o, ',');
            json_flow(o, m, s, g_ptr_array_index(s->flows, j), (int)j + 1);
        }
        g_string_append_c(o, ']');
        jkey(o, "streams", &first);
        g_string_append_c(o, '[');
        for (j = 0; j < streams->len; j++) {
            int fid = g_array_index(flow_of, int, j);
            if (j)
                g_string_append_c(o, ',');
            json_stream(o, s, g_ptr_array_index(s->flows, fid - 1), g_ptr_array_index(streams, j),
                        fid);
        }
        g_string_append_c(o, ']');
        jkey(o, "datachannels", &first);
        json_channels(o, s);
        servers(s, sw);
        jkey(o, "servers", &first);
        g_string_append_c(o, '[');
        for (j = 0; j < sw->len; j++) {
            const char *v = g_ptr_array_index(sw, j);
            const char *tab = strchr(v, '\t');
            char *host = g_strndup(v, tab - v);
            bool sf = true;
            if (j)
                g_string_append_c(o, ',');
            g_string_append_c(o, '{');
            jstr(o, "endpoint", host, &sf);
            jstr(o, "software", tab + 1, &sf);
            {
                char prod[96], ver[32];
                bool known = wrtc_software_identify(tab + 1, prod, sizeof prod, ver, sizeof ver);
                jkey(o, "product", &sf);
                if (known)
                    js(o, prod);
                else
                    g_string_append(o, "null");
                jkey(o, "version", &sf);
                if (known && *ver)
                    js(o, ver);
                else
                    g_string_append(o, "null");
            }
            g_string_append_c(o, '}');
            g_free(host);
        }
        g_string_append_c(o, ']');
        jkey(o, "not_captured", &first);
        g_string_append_c(o, '[');
        {
            uint32_t bit;
            bool nf = true;
            for (bit = 1; bit < (1u << WRTC_HIDDEN_COUNT_BITS); bit <<= 1) {
                GString *l = g_string_new(NULL);
                guint k;
                for (k = 0; k < s->flows->len; k++)
                    if (wrtc_flow_hidden(g_ptr_array_index(s->flows, k)) & bit)
                        g_string_append_printf(l, "%s%u", l->len ? "," : "", k + 1);
                if (l->len) {
                    bool ef = true;
                    if (!nf)
                        g_string_append_c(o, ',');
                    nf = false;
                    g_string_append_c(o, '{');
                    jstr(o, "what", wrtc_hidden_json(bit), &ef);
                    jstr(o, "description", wrtc_hidden_name(bit), &ef);
                    jkey(o, "flows", &ef);
                    g_string_append_printf(o, "[%s]", l->str);
                    g_string_append_c(o, '}');
                }
                g_string_free(l, TRUE);
            }
        }
        g_string_append_c(o, ']');
        jkey(o, "related", &first);
        g_string_append_c(o, '[');
        for (j = 0; j < s->related->len; j++) {
            bool rf = true;
            if (j)
                g_string_append_c(o, ',');
            g_string_append_c(o, '{');
            jint(o, "session", g_array_index(s->related_ids, int, j), &rf);
            jstr(o, "evidence", g_ptr_array_index(s->related, j), &rf);
            g_string_append_c(o, '}');
        }
        g_string_append_c(o, ']');
        g_string_append_c(o, '}');
        g_ptr_array_free(sw, TRUE);
        g_ptr_array_free(streams, TRUE);
        g_array_free(flow_of, TRUE);
    }
    g_string_append(o, "],\"stun_outside_calls\":[");
    {
        const GPtrArray *out = wrtc_model_stun_outside(m);
        for (i = 0; i < out->len; i++) {
            const wrtc_flow_t *f = g_ptr_array_index(out, i);
            int c = stun_client(f);
            char a[80], b[80];
            bool first = true;
            GPtrArray *sw = g_ptr_array_new_with_free_func(g_free);
            ep(&f->ep[c], a, sizeof a);
            ep(&f->ep[1 - c], b, sizeof b);
            for (j = 0; j < WRTC_LIST_LEN(f->software); j++) {
                const char *v = g_ptr_array_index(f->software, j);
                g_ptr_array_add(sw, g_strdup(strchr(v, '\t') + 1));
            }
            if (i)
                g_string_append_c(o, ',');
            g_string_append_c(o, '{');
            jstr(o, "transport", f->tcp ? "tcp" : "udp", &first);
            jstr(o, "client", a, &first);
            jstr(o, "server", b, &first);
            jint(o, "packets_sent", (long long)f->packets[c], &first);
            jint(o, "packets_received", (long long)f->packets[1 - c], &first);
            jnum(o, "first", f->first_t, &first);
            jnum(o, "last", f->last_t, &first);
            jint(o, "first_frame", f->first_frame, &first);
            jstrs(o, "software", sw, &first);
            g_string_append_c(o, '}');
            g_ptr_array_free(sw, TRUE);
        }
    }
    g_string_append(o, "]}\n");
}
