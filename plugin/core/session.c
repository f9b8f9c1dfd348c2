/* session.c — see session.h.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#include "session.h"
#include "corroborate.h"
#include "thresholds.h"

#include <arpa/inet.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Per-flow lists are bounded (WRTC_MAX_LIST): the model's state grows with
 * flows, not packets (caps are documented in docs/robustness.md). */

struct wrtc_model {
    wrtc_model_config_t cfg;
    GPtrArray  *flows;        /* wrtc_flow_t*, creation order */
    GHashTable *by_key;       /* flow key -> newest wrtc_flow_t (older: prev_gen) */
    GPtrArray  *sessions;     /* wrtc_session_t* */
    GPtrArray  *stun_outside; /* wrtc_flow_t* with STUN that no call has */
    GPtrArray  *tls;          /* wrtc_tls_flow_t*, first-seen order (bounded) */
    GHashTable *tls_keys;     /* flow_key_t -> wrtc_tls_flow_t* */
    uint32_t    dropped_flows;
    uint32_t    snaplen;        /* captured length of the first cut frame (0: none) */
    uint32_t    cap_frame[4];   /* by wrtc_cap_t: first frame that hit it */
    GHashTable *cap_frames;     /* every frame that hit a cap (set; NULL: none) */
    bool        finished;
    uint32_t    generation;
    wrtc_pov_t  pov;          /* the capture's point of view (wrtc_model_finish) */
    GHashTable *not_counted;  /* flow_key_t -> count (NULL: none) */
    uint32_t    not_counted_total;
};

/* ------------------------------------------------------------ endpoints */

static size_t ep_len(const wrtc_ep_t *e)
{
    return e->family == 6 ? 16 : 4;
}

int wrtc_ep_cmp(const wrtc_ep_t *a, const wrtc_ep_t *b)
{
    int c;
    if (a->family != b->family)
        return a->family < b->family ? -1 : 1;
    c = memcmp(a->addr, b->addr, ep_len(a));
    if (c)
        return c;
    return a->port < b->port ? -1 : a->port > b->port ? 1 : 0;
}

bool wrtc_ep_same_host(const wrtc_ep_t *a, const wrtc_ep_t *b)
{
    return a->family == b->family && memcmp(a->addr, b->addr, ep_len(a)) == 0;
}

void wrtc_ep_format(const wrtc_ep_t *e, bool with_port, char *buf, size_t len)
{
    char host[INET6_ADDRSTRLEN];
    if (e->family == 6) {
        /* RFC 5952 text form (zeros compressed), as Wireshark shows it. */
        if (!inet_ntop(AF_INET6, e->addr, host, sizeof host))
            snprintf(host, sizeof host, "?");
        if (with_port)
            snprintf(buf, len, "[%s]:%u", host, e->port);
        else
            snprintf(buf, len, "%s", host);
        return;
    }
    snprintf(host, sizeof host, "%u.%u.%u.%u", e->addr[0], e->addr[1], e->addr[2], e->addr[3]);
    if (with_port)
        snprintf(buf, len, "%s:%u", host, e->port);
    else
        snprintf(buf, len, "%s", host);
}

void wrtc_fact_init(wrtc_fact_t *f)
{
    memset(f, 0, sizeof *f);
}

void wrtc_model_config_default(wrtc_model_config_t *c)
{
    c->idle_gap_s = 60.0;
    c->max_flows = 200000;
    c->max_streams_per_flow = 64;
}

const char *wrtc_fingerprint_name(uint32_t bit)
{
    switch (bit) {
    case WRTC_FP_HDREXT_ONE_BYTE: return "RTP header extensions 0xBEDE (RFC 8285)";
    case WRTC_FP_HDREXT_TWO_BYTE: return "RTP two-byte header extensions (RFC 8285)";
    case WRTC_FP_TRANSPORT_CC: return "RTCP transport-wide congestion control";
    case WRTC_FP_NACK: return "RTCP generic NACK";
    case WRTC_FP_PLI: return "RTCP picture loss indication";
    case WRTC_FP_FIR: return "RTCP full intra request";
    case WRTC_FP_REMB: return "RTCP receiver estimated maximum bitrate";
    case WRTC_FP_GOOG_STUN: return "Chrome's GOOG STUN attributes";
    case WRTC_FP_CERT_WEBRTC: return "DTLS certificate named \"WebRTC\"";
    case WRTC_FP_ICE_UFRAG4: return "ICE ufrags of 4 ice-chars (libwebrtc, aioice)";
    case WRTC_FP_ICE_UFRAG32: return "ICE ufrags of 32 ice-chars (GStreamer webrtcbin)";
    case WRTC_FP_MS_STUN: return "Microsoft STUN attributes (MS-TURN, MS-ICE2)";
    }
    return "?";
}

const char *wrtc_role_name(wrtc_role_t r)
{
    switch (r) {
    case WRTC_ROLE_PEER: return "peer";
    case WRTC_ROLE_TURN_SERVER: return "TURN server";
    case WRTC_ROLE_RELAYED_PEER: return "relayed peer";
    case WRTC_ROLE_MEDIA_SERVER: return "SFU/media server";
    case WRTC_ROLE_STUN_SERVER: return "STUN server";
    case WRTC_ROLE_SIGNALING: return "SIP signaling";
    case WRTC_ROLE_NO_ANSWER: return "candidate (no answer)";
    case WRTC_ROLE_STUN_NO_ANSWER: return "STUN server (no answer)";
    }
    return "?";
}

/* ------------------------------------------------------------- flow keys */

typedef struct {
    bool tcp;
    wrtc_ep_t lo, hi;
} flow_key_t;

static void make_key(flow_key_t *k, bool tcp, const wrtc_ep_t *a, const wrtc_ep_t *b)
{
    memset(k, 0, sizeof *k);
    k->tcp = tcp;
    if (wrtc_ep_cmp(a, b) <= 0) {
        k->lo = *a;
        k->hi = *b;
    } else {
        k->lo = *b;
        k->hi = *a;
    }
}

/* FNV-1a over a plain struct (keys are memset to 0 first, padding included). */
static guint fnv1a(const void *p, size_t n)
{
    const uint8_t *b = p;
    guint h = 2166136261u;
    size_t i;
    for (i = 0; i < n; i++)
        h = (h ^ b[i]) * 16777619u;
    return h;
}

static guint key_hash(gconstpointer p)
{
    return fnv1a(p, sizeof(flow_key_t));
}

static gboolean key_equal(gconstpointer a, gconstpointer b)
{
    return memcmp(a, b, sizeof(flow_key_t)) == 0;
}

/* --------------------------------------------------------------- model */

wrtc_model_t *wrtc_model_new(const wrtc_model_config_t *cfg)
{
    wrtc_model_t *m = g_new0(wrtc_model_t, 1);
    if (cfg)
        m->cfg = *cfg;
    else
        wrtc_model_config_default(&m->cfg);
    m->flows = g_ptr_array_new();
    m->by_key = g_hash_table_new_full(key_hash, key_equal, g_free, NULL);
    m->sessions = g_ptr_array_new();
    m->stun_outside = g_ptr_array_new();
    m->tls = g_ptr_array_new();
    m->tls_keys = g_hash_table_new_full(key_hash, key_equal, g_free, NULL);
    return m;
}

static void free_leg(wrtc_leg_t *l)
{
    g_ptr_array_free(l->flows, TRUE);
    g_ptr_array_free(l->evidence, TRUE);
    g_free(l);
}

static void free_session(wrtc_session_t *s)
{
    guint i;
    for (i = 0; i < s->legs->len; i++)
        free_leg(g_ptr_array_index(s->legs, i));
    g_ptr_array_free(s->legs, TRUE);
    g_ptr_array_free(s->flows, TRUE);
    g_ptr_array_free(s->evidence, TRUE);
    g_ptr_array_free(s->related, TRUE);
    g_array_free(s->related_ids, TRUE);
    g_free(s);
}

static void clear_sessions(wrtc_model_t *m)
{
    guint i;
    g_ptr_array_set_size(m->stun_outside, 0);
    for (i = 0; i < m->sessions->len; i++)
        free_session(g_ptr_array_index(m->sessions, i));
    g_ptr_array_set_size(m->sessions, 0);
}

static void free_flow(wrtc_flow_t *f)
{
    GPtrArray *strs[] = { f->ice_pairs, f->turn_users, f->software, f->call_ids, f->certs,
                          f->cnames, f->stream_list };
    GArray *arrs[] = { f->relayed, f->peers, f->channels, f->sdp, f->sdp_call, f->reports };
    size_t i;
    for (i = 0; i < G_N_ELEMENTS(strs); i++)
        if (strs[i])
            g_ptr_array_free(strs[i], TRUE);    /* stream_list frees its streams */
    for (i = 0; i < G_N_ELEMENTS(arrs); i++)
        if (arrs[i])
            g_array_free(arrs[i], TRUE);
    if (f->dc)
        wrtc_dc_free(f->dc->assoc);
    g_free(f->dc);
    g_free(f);
}

void wrtc_model_free(wrtc_model_t *m)
{
    guint i;
    if (!m)
        return;
    clear_sessions(m);
    g_ptr_array_free(m->sessions, TRUE);
    g_ptr_array_free(m->stun_outside, TRUE);
    for (i = 0; i < m->flows->len; i++)
        free_flow(g_ptr_array_index(m->flows, i));
    g_ptr_array_free(m->flows, TRUE);
    g_hash_table_destroy(m->by_key);
    if (m->not_counted)
        g_hash_table_destroy(m->not_counted);
    if (m->cap_frames)
        g_hash_table_destroy(m->cap_frames);
    for (i = 0; i < m->tls->len; i++) {
        wrtc_tls_flow_t *t = g_ptr_array_index(m->tls, i);
        g_free(t->sni);
        g_free(t);
    }
    g_ptr_array_free(m->tls, TRUE);
    g_hash_table_destroy(m->tls_keys);
    g_free(m);
}

const GPtrArray *wrtc_model_tls_flows(const wrtc_model_t *m)
{
    return m->tls;
}

/* Remember a frame that hit a cap, so that the plugin can ask per packet
 * in O(1) (wrtc_model_cap_at) before looking anything up. */
static void note_cap_frame(wrtc_model_t *m, uint32_t frame)
{
    if (!m->cap_frames)
        m->cap_frames = g_hash_table_new(g_direct_hash, g_direct_equal);
    g_hash_table_add(m->cap_frames, GUINT_TO_POINTER(frame));
}

/* Record that `frame` hit a model-wide cap (once: the first frame). */
static void model_cap(wrtc_model_t *m, wrtc_cap_t cap, uint32_t frame)
{
    if (!m->cap_frame[cap]) {
        m->cap_frame[cap] = frame;
        note_cap_frame(m, frame);
    }
}

/* TLS connections are remembered (first packet, SNI) for the web-signaling
 * trait; at most MAX_TLS of them. */
#define MAX_TLS 4096
static void add_tls(wrtc_model_t *m, const wrtc_fact_t *f)
{
    flow_key_t key;
    wrtc_tls_flow_t *t;
    make_key(&key, f->tcp, &f->src, &f->dst);
    t = g_hash_table_lookup(m->tls_keys, &key);
    if (!t) {
        if (m->tls->len >= MAX_TLS) {
            model_cap(m, WRTC_CAP_TLS, f->frame);
            return;
        }
        t = g_new0(wrtc_tls_flow_t, 1);
        t->tcp = f->tcp;
        t->client = f->src;
        t->server = f->dst;
        t->first_t = f->t;
        t->first_frame = f->frame;
        g_hash_table_insert(m->tls_keys, g_memdup2(&key, sizeof key), t);
        g_ptr_array_add(m->tls, t);
    }
    if (!t->sni && f->tls_sni && *f->tls_sni) {
        /* The SNI comes in the ClientHello: the sender is the client. */
        t->sni = g_strdup(f->tls_sni);
        t->client = f->src;
        t->server = f->dst;
    }
}

static wrtc_flow_t *flow_new(wrtc_model_t *m, const wrtc_fact_t *f)
{
    wrtc_flow_t *fl = g_new0(wrtc_flow_t, 1);
    fl->index = m->flows->len;
    fl->tcp = f->tcp;
    fl->ep[0] = f->src;
    fl->ep[1] = f->dst;
    fl->first_t = fl->last_t = f->t;
    fl->first_frame = fl->last_frame = f->frame;
    fl->leg = fl->session = -1;
    g_ptr_array_add(m->flows, fl);
    return fl;
}

/* A new entry for a full list: dropped, and the first time on this flow,
 * the frame and the list are recorded (an expert info in the plugin). */
static void list_cap(wrtc_model_t *m, wrtc_flow_t *fl, const char *list, uint32_t frame)
{
    if (!fl->cap_frame[WRTC_CAP_LIST]) {
        fl->cap_frame[WRTC_CAP_LIST] = frame;
        fl->cap_list = list;
        note_cap_frame(m, frame);
    }
}

/* A list is allocated on its first entry, with room for the cap. */
static void add_string(wrtc_model_t *m, wrtc_flow_t *fl, GPtrArray **a, const char *list,
                       const char *s, uint32_t frame)
{
    guint i;
    if (!s || !*s)
        return;
    for (i = 0; i < WRTC_LIST_LEN(*a); i++)
        if (strcmp(g_ptr_array_index(*a, i), s) == 0)
            return;
    if (WRTC_LIST_LEN(*a) >= WRTC_MAX_LIST) {
        list_cap(m, fl, list, frame);
        return;
    }
    if (!*a)
        *a = g_ptr_array_new_full(WRTC_MAX_LIST, g_free);
    g_ptr_array_add(*a, g_strdup(s));
}

static void add_ep(wrtc_model_t *m, wrtc_flow_t *fl, GArray **a, const char *list,
                   const wrtc_ep_t *e, uint32_t frame)
{
    guint i;
    for (i = 0; i < WRTC_LIST_LEN(*a); i++)
        if (wrtc_ep_cmp(&g_array_index(*a, wrtc_ep_t, i), e) == 0)
            return;
    if (WRTC_LIST_LEN(*a) >= WRTC_MAX_LIST) {
        list_cap(m, fl, list, frame);
        return;
    }
    if (!*a)
        *a = g_array_sized_new(FALSE, FALSE, sizeof(wrtc_ep_t), WRTC_MAX_LIST);
    g_array_append_val(*a, *e);
}

static void add_u16(wrtc_model_t *m, wrtc_flow_t *fl, GArray **a, const char *list,
                    uint16_t v, uint32_t frame)
{
    guint i;
    for (i = 0; i < WRTC_LIST_LEN(*a); i++)
        if (g_array_index(*a, uint16_t, i) == v)
            return;
    if (WRTC_LIST_LEN(*a) >= WRTC_MAX_LIST) {
        list_cap(m, fl, list, frame);
        return;
    }
    if (!*a)
        *a = g_array_sized_new(FALSE, FALSE, sizeof(uint16_t), WRTC_MAX_LIST);
    g_array_append_val(*a, v);
}

/* A stream and what it owns (the key source string of a keyed stream). */
static void stream_free(gpointer p)
{
    wrtc_stream_t *s = p;
    g_free(s->key_source);
    g_free(s->digits);
    g_free(s);
}

/* The flow's stream of (ssrc, dir): a linear search, as a flow has at
 * most cfg.max_streams_per_flow (64) streams and usually one to four. */
static wrtc_stream_t *find_stream(const wrtc_flow_t *fl, uint32_t ssrc, int dir)
{
    guint i;
    for (i = 0; i < WRTC_LIST_LEN(fl->stream_list); i++) {
        wrtc_stream_t *s = g_ptr_array_index(fl->stream_list, i);
        if (s->ssrc == ssrc && s->dir == dir)
            return s;
    }
    return NULL;
}

/* "remote:local" and "local:remote" are the same pair (RFC 8445 §7.2.2). */
static char *ice_pair_key(const char *username)
{
    const char *colon = strchr(username, ':');
    char *a, *b, *key;
    if (!colon || colon == username || !colon[1])
        return NULL;
    a = g_strndup(username, colon - username);
    b = g_strdup(colon + 1);
    key = strcmp(a, b) <= 0 ? g_strdup_printf("%s:%s", a, b) : g_strdup_printf("%s:%s", b, a);
    g_free(a);
    g_free(b);
    return key;
}

static int cmp_float(const void *a, const void *b)
{
    float x = *(const float *)a, y = *(const float *)b;
    return x < y ? -1 : x > y;
}

static uint32_t median_clock(const wrtc_stream_t *s)
{
    float r[32];
    memcpy(r, s->rates, s->n_rates * sizeof r[0]);
    qsort(r, s->n_rates, sizeof r[0], cmp_float);
    /* One second's worth of the median rate against the standard clocks. */
    return wrtc_clock_match((int64_t)r[s->n_rates / 2], 1.0);
}

/* The window of recent extended sequence numbers (duplicates). */
static bool seq_seen(const wrtc_stream_t *s, uint32_t ext)
{
    uint32_t b = ext % WRTC_SEQ_WINDOW;
    return (s->seq_seen[b / 64] >> (b % 64)) & 1u;
}

static void seq_mark(wrtc_stream_t *s, uint32_t ext)
{
    uint32_t b = ext % WRTC_SEQ_WINDOW;
    s->seq_seen[b / 64] |= (uint64_t)1 << (b % 64);
}

static void seq_clear(wrtc_stream_t *s, uint32_t ext)
{
    uint32_t b = ext % WRTC_SEQ_WINDOW;
    s->seq_seen[b / 64] &= ~((uint64_t)1 << (b % 64));
}

/* RFC 4733 digits (session.h). Events come on their own PT beside the
 * codec's (RFC 4733 §2.1) or alone (the first PT is then events). */
static void stream_event(wrtc_stream_t *s, const wrtc_rtp_fact_t *r)
{
    static const char codes[] = "0123456789*#ABCD";
    bool first = !s->seq_init || r->pt == s->first_pt;
    bool block = r->head_len >= 4 && r->payload_len == 4 && r->head[0] <= 15 &&
                 !(r->head[1] & 0x40);
    if (first && !block && r->head_len > 0 && !s->first_pt_media) {
        s->first_pt_media = true;
        if (s->ev_have && s->ev_pt == r->pt) {
            /* what looked like events on the first PT was its codec */
            g_free(s->digits);
            s->digits = NULL;
            s->n_events = 0;
            s->ev_have = false;
        }
    }
    if (!block || (first && s->first_pt_media))
        return;
    if (s->ev_have && s->ev_pt == r->pt && s->ev_ts == r->ts)
        return;                     /* the same event again */
    s->ev_have = true;
    s->ev_pt = r->pt;
    s->ev_ts = r->ts;
    if (s->n_events < WRTC_MAX_DIGITS) {
        if (!s->digits)
            s->digits = g_malloc0(WRTC_MAX_DIGITS + 1);
        s->digits[s->n_events] = codes[r->head[0]];
    }
    s->n_events++;
}

static void stream_update(wrtc_stream_t *s, const wrtc_rtp_fact_t *r, double t, uint32_t frame,
                          const char *key)
{
    s->packets++;
    if (r->decrypt == WRTC_DECRYPT_OK)
        s->decrypted++;
    else if (r->decrypt == WRTC_DECRYPT_AUTH_FAILED)
        s->auth_failed++;
    if (r->decrypt != WRTC_DECRYPT_NONE && key &&
        (!s->key_source || strcmp(s->key_source, key) != 0)) {
        g_free(s->key_source);
        s->key_source = g_strdup(key);
    }
    s->pt_bitmap[r->pt / 8] |= (uint8_t)(1u << (r->pt % 8));
    s->payload_bytes += r->payload_len;
    if (r->payload_len == 0)
        s->padding_only++;
    if (r->marker)
        s->markers++;
    if (r->srtp)
        s->srtp = true;
    {
        /* A decrypted SRTP payload is read like a clear one: the codec
         * guess can then be proved by the plaintext (docs/decryption.md).
         * Only the stream's first payload type is the codec's; another PT
         * on the SSRC (RFC 4733 events, RFC 4733 §2.1) is not its payload. */
        bool codec_pt = !s->seq_init || r->pt == s->first_pt;
        wrtc_cg_pkt_t p = { r->pt, r->marker, r->padding,
                            r->srtp && r->decrypt != WRTC_DECRYPT_OK, r->seq, r->ts,
                            r->payload_len, codec_pt ? r->head_len : 0, r->head };
        wrtc_cg_packet(&s->cg, &p);
    }
    stream_event(s, r);
    if (!s->seq_init) {
        s->seq_init = true;
        s->first_pt = r->pt;
        s->first_t = s->last_t = t;
        s->first_frame = frame;
        s->base_seq = s->max_seq = r->seq;
        s->received = 1;
        seq_mark(s, r->seq);
        s->first_ts = s->last_ts = r->ts;
        s->win_t = t;
        s->win_ts = 0;
        return;
    }
    s->received++;
    /* RFC 3550 A.1: forward steps (mod 2^16) advance, wrapping counts a cycle. */
    {
        uint16_t delta = (uint16_t)(r->seq - s->max_seq);
        if (delta != 0 && delta < 0x8000) {
            uint32_t ext = s->cycles + s->max_seq, k;
            /* the window's slots the step passes are free again */
            for (k = 1; k <= delta && k <= WRTC_SEQ_WINDOW; k++)
                seq_clear(s, ext + k);
            if (r->seq < s->max_seq)
                s->cycles += 65536;
            s->max_seq = r->seq;
            seq_mark(s, s->cycles + s->max_seq);
        } else {
            /* the highest again, or a step back of 65536 - delta */
            uint32_t back = delta == 0 ? 0 : 65536u - delta;
            uint32_t ext = s->cycles + s->max_seq;
            if (back < WRTC_SEQ_WINDOW && back <= ext && seq_seen(s, ext - back)) {
                s->duplicates++;
            } else {
                s->out_of_order++;
                if (back < WRTC_SEQ_WINDOW && back <= ext)
                    seq_mark(s, ext - back);
            }
        }
    }
    if (t - s->last_t > s->max_gap_s) {
        s->max_gap_s = t - s->last_t;
        s->max_gap_at = s->last_t;
    }
    {
        int32_t step = (int32_t)(r->ts - s->last_ts);
        if (step >= 0) {
            s->ts_advance += step;
            s->last_ts = r->ts;
        }
    }
    s->last_t = t;
    /* Clock estimate: the median of the timestamp rate over successive
     * half-second windows, so that a burst (a sender catching up at start,
     * a pause) does not skew it as one long average would. */
    if (t - s->win_t >= 0.5) {
        if (s->win_t > 0 || s->n_rates) {
            double rate = (double)(s->ts_advance - s->win_ts) / (t - s->win_t);
            if (s->n_rates < 32)
                s->rates[s->n_rates++] = (float)rate;
            else
                s->rates[s->packets % 32] = (float)rate;
            s->clock_rate = median_clock(s);
        }
        s->win_t = t;
        s->win_ts = s->ts_advance;
    }
    /* RFC 3550 A.8 interarrival jitter at that clock, over the packets of
     * the stream's first payload type: an RFC 4733 event keeps its start's
     * timestamp in every packet (RFC 4733 §2.5.1.2), and the steps of
     * another PT are not the codec's. */
    if (s->clock_rate && r->pt == s->first_pt) {
        double transit = t - (double)s->ts_advance / s->clock_rate;
        if (s->have_transit) {
            double d = transit - s->transit_prev;
            if (d < 0)
                d = -d;
            s->jitter_s += (d - s->jitter_s) / 16.0;
            s->jitter_sum_s += s->jitter_s;
            s->jitter_n++;
            if (s->jitter_s > s->jitter_max_s)
                s->jitter_max_s = s->jitter_s;
        }
        s->transit_prev = transit;
        s->have_transit = true;
    }
}

/* DTLS application-data records (a data channel on an ICE transport):
 * counts per direction and the active periods (WRTC_DC_PERIOD_GAP_S). */
static void add_dtls_app(wrtc_flow_t *fl, const wrtc_fact_t *f, int dir)
{
    wrtc_dc_activity_t *d = fl->dc;
    wrtc_dc_period_t *p;
    if (!d) {
        d = fl->dc = g_new0(wrtc_dc_activity_t, 1);
        d->first_frame = f->frame;
    }
    if (!d->records[dir]) {
        d->first_t[dir] = f->t;
        d->dir_first_frame[dir] = f->frame;
    }
    d->last_t[dir] = f->t;
    d->records[dir] += f->dtls_app_records;
    d->bytes[dir] += f->dtls_app_bytes;
    p = d->n_periods && d->n_periods <= WRTC_DC_MAX_PERIODS ? &d->period[d->n_periods - 1] : NULL;
    if (!d->n_periods || f->t - d->period_last_t > WRTC_DC_PERIOD_GAP_S) {
        d->n_periods++;
        p = d->n_periods <= WRTC_DC_MAX_PERIODS ? &d->period[d->n_periods - 1] : NULL;
        if (p)
            p->first_t = f->t;
    }
    d->period_last_t = f->t;
    if (p) {
        p->last_t = f->t;
        p->records += f->dtls_app_records;
        p->bytes += f->dtls_app_bytes;
    }
}

const wrtc_dc_activity_t *wrtc_flow_datachannel(const wrtc_flow_t *f)
{
    return (f->contents & WRTC_C_ICE) ? f->dc : NULL;
}

void wrtc_model_add(wrtc_model_t *m, const wrtc_fact_t *f)
{
    flow_key_t key;
    wrtc_flow_t *fl, *newest;
    int dir, i;

    if (f->ssrc_only)
        return;
    if (f->not_counted) {
        gpointer n;
        make_key(&key, f->tcp, &f->src, &f->dst);
        if (!m->not_counted)
            m->not_counted = g_hash_table_new_full(key_hash, key_equal, g_free, NULL);
        n = g_hash_table_lookup(m->not_counted, &key);
        g_hash_table_replace(m->not_counted, g_memdup2(&key, sizeof key),
                             GUINT_TO_POINTER(GPOINTER_TO_UINT(n) + 1));
        m->not_counted_total++;
        return;
    }
    wrtc_model_note_frame(m, f->captured, f->bytes);
    if ((f->contents & WRTC_C_TLS) && !(f->contents & (WRTC_C_CALL | WRTC_C_SIP))) {
        add_tls(m, f);
        return;
    }
    if (!(f->contents & (WRTC_C_CALL | WRTC_C_SIP)))
        return;
    make_key(&key, f->tcp, &f->src, &f->dst);
    fl = newest = g_hash_table_lookup(m->by_key, &key);
    if (fl && f->t - fl->last_t > m->cfg.idle_gap_s)
        fl = NULL; /* idle too long: a new flow on the same 5-tuple */
    if (!fl) {
        if (m->flows->len >= m->cfg.max_flows) {
            m->dropped_flows++;
            model_cap(m, WRTC_CAP_FLOWS, f->frame);
            return;
        }
        fl = flow_new(m, f);
        fl->prev_gen = newest;
        g_hash_table_replace(m->by_key, g_memdup2(&key, sizeof key), fl);
    }
    m->finished = false;
    dir = (wrtc_ep_cmp(&f->src, &fl->ep[0]) == 0) ? 0 : 1;
    fl->last_t = f->t;
    fl->last_frame = f->frame;
    fl->packets[dir]++;
    fl->bytes[dir] += f->bytes;
    if (f->n_dc_chunks && f->dc_chunks) {
        if (!fl->dc)
            fl->dc = g_new0(wrtc_dc_activity_t, 1);
        if (!fl->dc->assoc)
            fl->dc->assoc = wrtc_dc_new();
        for (i = 0; i < f->n_dc_chunks; i++)
            (void)wrtc_dc_add(fl->dc->assoc, dir, f->frame, f->t, &f->dc_chunks[i]);
    }
    if (f->contents & (WRTC_C_RTP | WRTC_C_SRTP | WRTC_C_RTCP | WRTC_C_SRTCP))
        fl->packets_media[dir]++;
    {
        uint32_t fresh = f->contents & ~fl->contents;
        int b;
        for (b = 0; b < 16; b++)
            if (fresh & (1u << b))
                fl->content_frame[b] = f->frame;
    }
    fl->contents |= f->contents;
    if (f->dtls_app_records)
        add_dtls_app(fl, f, dir);
    if (f->fingerprints & ~fl->fingerprints) {
        int b;
        for (b = 0; b < WRTC_FP_COUNT_BITS; b++)
            if ((f->fingerprints & ~fl->fingerprints) & (1u << b))
                fl->fp_frame[b] = f->frame;
        fl->fingerprints |= f->fingerprints;
    }

    if (f->contents & WRTC_C_STUN) {
        if (f->relay_cut) {
            fl->relay_cut[dir] = true;
            if (!fl->relay_cut_frame)
                fl->relay_cut_frame = f->frame;
        }
        if (f->stun_method == WRTC_STUN_BINDING && f->stun_class == 2)
            fl->binding_resp[dir] = true;
        if (f->binding_request) {
            fl->binding_req[dir] = true;
            if (fl->binding_reqs[dir] < UINT16_MAX)
                fl->binding_reqs[dir]++;
            if (f->stun_cut && !(f->contents & WRTC_C_ICE)) {
                fl->binding_cut[dir] = true;
                fl->check_sized |= f->check_sized;
                if (!fl->binding_cut_frame)
                    fl->binding_cut_frame = f->frame;
            }
        }
        if ((f->contents & WRTC_C_TURN) && f->stun_class == 0)
            fl->turn_req[dir] = true;
        /* An ICE check's USERNAME is "ufrag:ufrag" (RFC 8445 §7.2.2); a
         * Binding request whose ICE attributes were cut is taken as one
         * when its USERNAME has that form. */
        if (f->username && ((f->contents & WRTC_C_ICE) ||
                            (f->stun_cut && f->binding_request))) {
            char *k = ice_pair_key(f->username);
            if (k) {
                add_string(m, fl, &fl->ice_pairs, "ICE ufrag pairs", k, f->frame);
                g_free(k);
            }
        }
        if (f->username && (f->contents & WRTC_C_TURN) && f->stun_class == 0) {
            char *u = g_strdup_printf("%s@%s", f->username, f->realm ? f->realm : "");
            add_string(m, fl, &fl->turn_users, "TURN users", u, f->frame);
            g_free(u);
        }
        if (f->software) {
            char ep[80], *s;
            wrtc_ep_format(&f->src, true, ep, sizeof ep);
            s = g_strdup_printf("%s\t%s", ep, f->software);
            add_string(m, fl, &fl->software, "SOFTWARE strings", s, f->frame);
            g_free(s);
        }
        if (f->has_relayed)
            add_ep(m, fl, &fl->relayed, "relayed addresses", &f->relayed, f->frame);
        for (i = 0; i < f->n_peers && i < WRTC_FACT_MAX_PEERS; i++)
            add_ep(m, fl, &fl->peers, "TURN peers", &f->peers[i], f->frame);
    }
    if (f->channel)
        add_u16(m, fl, &fl->channels, "TURN channels", f->channel, f->frame);
    /* A version read from a ServerHello beats one cut away; 1.3 beats 1.2. */
    if (f->dtls_version && (!fl->dtls_version || fl->dtls_version == WRTC_DTLS_NOT_CAPTURED ||
                            (f->dtls_version == 0xFEFC && f->dtls_version != WRTC_DTLS_NOT_CAPTURED)))
        fl->dtls_version = f->dtls_version;
    for (i = 0; i < f->n_rtp && i < WRTC_FACT_MAX_RTP; i++) {
        const wrtc_rtp_fact_t *r = &f->rtp[i];
        wrtc_stream_t *s = find_stream(fl, r->ssrc, dir);
        if (!s) {
            if (WRTC_LIST_LEN(fl->stream_list) >= m->cfg.max_streams_per_flow) {
                fl->dropped_streams++;
                if (!fl->cap_frame[WRTC_CAP_STREAMS]) {
                    fl->cap_frame[WRTC_CAP_STREAMS] = f->frame;
                    note_cap_frame(m, f->frame);
                }
                continue;
            }
            s = g_new0(wrtc_stream_t, 1);
            s->ssrc = r->ssrc;
            s->dir = (uint8_t)dir;
            if (!fl->stream_list)
                fl->stream_list = g_ptr_array_new_with_free_func(stream_free);
            g_ptr_array_add(fl->stream_list, s);
        }
        s->bytes += f->bytes;
        /* RTX evidence: timestamps that stay with a sibling's (same flow
         * and direction), checked on a stream's first packets only. */
        if (s->packets < WRTC_CG_SIBLING_PACKETS && fl->stream_list->len > 1) {
            guint j;
            int best = 0;
            for (j = 0; j < fl->stream_list->len; j++) {
                const wrtc_stream_t *o = g_ptr_array_index(fl->stream_list, j);
                int near;
                if (o == s || o->dir != s->dir || !o->seq_init)
                    continue;
                near = wrtc_cg_sibling(r->ts, o->last_ts);
                if (near > 0 && near >= best) {
                    best = near;
                    s->clock_peer = o;
                }
            }
            wrtc_cg_sibling_done(&s->cg, best);
        }
        stream_update(s, r, f->t, f->frame, f->srtp_key);
    }
    for (i = 0; i < f->n_rr && i < WRTC_FACT_MAX_RR; i++) {
        wrtc_rr_t rr = f->rr[i];
        guint k;
        rr.frame = f->frame;
        for (k = 0; k < WRTC_LIST_LEN(fl->reports); k++)
            if (g_array_index(fl->reports, wrtc_rr_t, k).ssrc == rr.ssrc)
                break;
        if (k < WRTC_LIST_LEN(fl->reports)) {
            g_array_index(fl->reports, wrtc_rr_t, k) = rr;
        } else if (k < WRTC_MAX_REPORTS) {
            if (!fl->reports)
                fl->reports = g_array_sized_new(FALSE, FALSE, sizeof(wrtc_rr_t), 2);
            g_array_append_val(fl->reports, rr);
        }
    }
    fl->hidden |= f->hidden;
    if (f->dtls_cert)
        add_string(m, fl, &fl->certs, "DTLS certificates", f->dtls_cert, f->frame);
    for (i = 0; i < f->n_cname && i < 4; i++)
        add_string(m, fl, &fl->cnames, "CNAMEs", f->cname[i], f->frame);
    if (f->sip_call_id) {
        guint8 call = 0;
        add_string(m, fl, &fl->call_ids, "SIP Call-IDs", f->sip_call_id, f->frame);
        for (i = 0; i < (int)WRTC_LIST_LEN(fl->call_ids); i++)
            if (strcmp(g_ptr_array_index(fl->call_ids, i), f->sip_call_id) == 0)
                call = (guint8)i;
        /* Each SDP endpoint with the dialog (Call-ID) whose SDP named it:
         * REGISTER, OPTIONS and other dialogs share the SIP 5-tuple. */
        for (i = 0; i < f->n_sdp && i < WRTC_FACT_MAX_SDP; i++) {
            guint before = WRTC_LIST_LEN(fl->sdp);
            add_ep(m, fl, &fl->sdp, "SDP addresses", &f->sdp[i], f->frame);
            if (WRTC_LIST_LEN(fl->sdp) > before) {
                if (!fl->sdp_call)
                    fl->sdp_call = g_array_sized_new(FALSE, FALSE, sizeof(guint8), WRTC_MAX_LIST);
                g_array_append_val(fl->sdp_call, call);
            }
        }
    }
}

/* ------------------------------------------------------------ grouping */

static uint32_t uf_find(GPtrArray *flows, uint32_t i)
{
    wrtc_flow_t *f = g_ptr_array_index(flows, i);
    while (f->uf != i) {
        wrtc_flow_t *p = g_ptr_array_index(flows, f->uf);
        f->uf = p->uf; /* path halving */
        i = f->uf;
        f = g_ptr_array_index(flows, i);
    }
    return i;
}

/* Union two flows; the evidence is kept (once) on the surviving root. */
typedef struct {
    GPtrArray *flows;
    GHashTable *evidence;   /* root index -> GPtrArray of char* */
} uf_t;

static void note(uf_t *u, uint32_t root, const char *text)
{
    GPtrArray *ev = g_hash_table_lookup(u->evidence, GUINT_TO_POINTER(root));
    guint i;
    if (!ev) {
        ev = g_ptr_array_new_with_free_func(g_free);
        g_hash_table_insert(u->evidence, GUINT_TO_POINTER(root), ev);
    }
    for (i = 0; i < ev->len; i++)
        if (strcmp(g_ptr_array_index(ev, i), text) == 0)
            return;
    if (ev->len < 16)
        g_ptr_array_add(ev, g_strdup(text));
}

static void uf_union(uf_t *u, uint32_t a, uint32_t b, const char *why)
{
    uint32_t ra = uf_find(u->flows, a), rb = uf_find(u->flows, b);
    if (ra != rb) {
        GPtrArray *evb;
        uint32_t root = ra < rb ? ra : rb, other = ra < rb ? rb : ra;
        ((wrtc_flow_t *)g_ptr_array_index(u->flows, other))->uf = root;
        evb = g_hash_table_lookup(u->evidence, GUINT_TO_POINTER(other));
        if (evb) {
            guint i;
            for (i = 0; i < evb->len; i++)
                note(u, root, g_ptr_array_index(evb, i));
            g_hash_table_remove(u->evidence, GUINT_TO_POINTER(other));
        }
        note(u, root, why);
    } else {
        note(u, ra, why);
    }
}

static guint ep_hash(gconstpointer p)
{
    /* Only the bytes wrtc_ep_cmp compares. */
    const wrtc_ep_t *e = p;
    return fnv1a(e->addr, ep_len(e)) ^ ((guint)e->family << 24) ^ e->port;
}

static gboolean ep_equal(gconstpointer a, gconstpointer b)
{
    return wrtc_ep_cmp(a, b) == 0;
}

static void fmt_ep(const wrtc_ep_t *e, char *buf, size_t n)
{
    wrtc_ep_format(e, true, buf, n);
}

static bool is_media(const wrtc_flow_t *f)
{
    return (f->contents & (WRTC_C_RTP | WRTC_C_SRTP)) != 0;
}

static bool is_rtcp_only(const wrtc_flow_t *f)
{
    return (f->contents & (WRTC_C_RTCP | WRTC_C_SRTCP)) && !is_media(f);
}

/* A header-only capture (snaplen) cuts the ICE attributes of a connectivity
 * check (PRIORITY, ICE-CONTROLLING/-CONTROLLED: RFC 8445 §7.1) away. Binding
 * requests whose attributes were cut are still ICE checks when both ends of
 * the 5-tuple send them (each agent checks the pair, RFC 8445 §7.3.1.4) or
 * the 5-tuple also carries DTLS or media, or a request is as long as a check
 * (credentials and ICE attributes, WRTC_ICE_CHECK_MIN_ATTRS): a client doing
 * address discovery does none of that. */
static void infer_ice(wrtc_flow_t *f)
{
    if (f->contents & WRTC_C_ICE)
        return;
    if ((f->binding_cut[0] || f->binding_cut[1]) &&
        ((f->binding_req[0] && f->binding_req[1]) || f->check_sized ||
         (f->contents & (WRTC_C_DTLS | WRTC_C_RTP | WRTC_C_SRTP)))) {
        f->ice_inferred = true;
        f->contents |= WRTC_C_ICE;
        f->content_frame[11] = f->binding_cut_frame;   /* bit index of WRTC_C_ICE */
        return;
    }
    /* Through TURN, a client's checks go out in Send indications and the
     * peer's come back in Data indications (RFC 8445 §7.2.5, RFC 8656
     * §10-11) before the channel carries DTLS: indications both ways whose
     * contents the snaplen cut, then DTLS, are those checks. */
    if (f->relay_cut[0] && f->relay_cut[1] && (f->contents & WRTC_C_DTLS) &&
        f->relay_cut_frame < f->content_frame[3] /* bit index of WRTC_C_DTLS */) {
        f->ice_inferred = true;
        f->contents |= WRTC_C_ICE;
        f->content_frame[11] = f->relay_cut_frame;
    }
}

/* A flow that carries STUN/TURN only: address discovery, an allocation,
 * the checks of a candidate pair that was not chosen. */
static bool stun_only(const wrtc_flow_t *f)
{
    return (f->contents & (WRTC_C_STUN | WRTC_C_TURN)) &&
           !(f->contents & (WRTC_C_DTLS | WRTC_C_RTP | WRTC_C_SRTP | WRTC_C_RTCP | WRTC_C_SRTCP |
                            WRTC_C_ZRTP | WRTC_C_CHANNELDATA | WRTC_C_DATA_IND));
}

typedef struct {
    bool      tcp;
    wrtc_ep_t ep;
} sock_key_t;

static guint sock_hash(gconstpointer p)
{
    const sock_key_t *k = p;
    return ep_hash(&k->ep) ^ (k->tcp ? 0x9e3779b9u : 0);
}

static gboolean sock_equal(gconstpointer a, gconstpointer b)
{
    const sock_key_t *x = a, *y = b;
    return x->tcp == y->tcp && wrtc_ep_cmp(&x->ep, &y->ep) == 0;
}

/* The socket of a flow's endpoint `d`, zeroed first (keys are copied
 * whole into the tables with g_memdup2). */
static sock_key_t sock_of(const wrtc_flow_t *f, int d)
{
    sock_key_t key;
    memset(&key, 0, sizeof key);
    key.tcp = f->tcp;
    key.ep = f->ep[d];
    return key;
}

/* One socket, one leg: an endpoint that sends STUN/TURN requests, and the
 * 5-tuples it has at the same time, are one candidate base of the call (candidate
 * gathering from the call's own host port: STUN address discovery, TURN
 * allocations, RFC 8445 §5.1.1), when one of the 5-tuples carries STUN/TURN
 * only and no ICE username of its own (which would link it by itself). */
static void link_sockets(wrtc_model_t *m, uf_t *u)
{
    GHashTable *socks = g_hash_table_new_full(sock_hash, sock_equal, g_free,
                                              (GDestroyNotify)g_ptr_array_unref);
    GHashTableIter it;
    gpointer kp, v;
    guint i, j, k;
    char a[80], why[400];
    GHashTable *servers = g_hash_table_new_full(sock_hash, sock_equal, g_free, NULL);
    /* A TURN server is no socket of a call: it serves every client, and
     * the Binding requests it seems to send are its clients' peers' checks
     * relayed in Data indications (RFC 8656 §11). */
    for (i = 0; i < m->flows->len; i++) {
        wrtc_flow_t *f = g_ptr_array_index(m->flows, i);
        int d;
        for (d = 0; d < 2; d++) {
            sock_key_t key;
            if (!f->turn_req[1 - d] || f->turn_req[d])
                continue;
            key = sock_of(f, d);
            if (!g_hash_table_contains(servers, &key))
                g_hash_table_add(servers, g_memdup2(&key, sizeof key));
        }
    }
    /* The sockets: endpoints that send STUN/TURN requests somewhere... */
    for (i = 0; i < m->flows->len; i++) {
        wrtc_flow_t *f = g_ptr_array_index(m->flows, i);
        int d;
        for (d = 0; d < 2; d++) {
            sock_key_t key;
            if (!f->binding_req[d] && !f->turn_req[d])
                continue;
            key = sock_of(f, d);
            if (!g_hash_table_contains(socks, &key) && !g_hash_table_contains(servers, &key))
                g_hash_table_insert(socks, g_memdup2(&key, sizeof key), g_ptr_array_new());
        }
    }
    g_hash_table_destroy(servers);
    /* ... and every 5-tuple of theirs, also where they only answer (a
     * peer's or a media server's checks to the call's socket). */
    for (i = 0; i < m->flows->len; i++) {
        wrtc_flow_t *f = g_ptr_array_index(m->flows, i);
        int d;
        for (d = 0; d < 2; d++) {
            sock_key_t key;
            GPtrArray *l;
            key = sock_of(f, d);
            l = g_hash_table_lookup(socks, &key);
            if (l && (!l->len || g_ptr_array_index(l, l->len - 1) != f))
                g_ptr_array_add(l, f);
        }
    }
    g_hash_table_iter_init(&it, socks);
    while (g_hash_table_iter_next(&it, &kp, &v)) {
        GPtrArray *l = v;
        /* Bounded: a socket is compared with its next few 5-tuples. */
        for (j = 0; j < l->len; j++)
            for (k = j + 1; k < l->len && k < j + 64; k++) {
                const wrtc_flow_t *x = g_ptr_array_index(l, j), *y = g_ptr_array_index(l, k);
                bool plain_x = stun_only(x) && !WRTC_LIST_LEN(x->ice_pairs);
                bool plain_y = stun_only(y) && !WRTC_LIST_LEN(y->ice_pairs);
                if (!(plain_x || plain_y) ||
                    x->first_t > y->last_t + WRTC_SOCKET_OVERLAP_S ||
                    y->first_t > x->last_t + WRTC_SOCKET_OVERLAP_S)
                    continue;
                fmt_ep(&((const sock_key_t *)kp)->ep, a, sizeof a);
                snprintf(why, sizeof why, "endpoint %s sends STUN requests and has several "
                         "5-tuples at once: one socket of the call (RFC 8445 §5.1.1)", a);
                uf_union(u, x->index, y->index, why);
            }
    }
    g_hash_table_destroy(socks);
}

/* Transport links: flows that are one path of a call (a leg). */
static void link_legs(wrtc_model_t *m, uf_t *u, GHashTable *by_ep)
{
    GHashTable *ice = g_hash_table_new(g_str_hash, g_str_equal);
    GHashTable *relayed = g_hash_table_new(ep_hash, ep_equal);
    GHashTable *creds = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, NULL);
    guint i, j;
    char a[80], b[80], why[400];

    for (i = 0; i < m->flows->len; i++) {
        wrtc_flow_t *f = g_ptr_array_index(m->flows, i);
        for (j = 0; j < WRTC_LIST_LEN(f->ice_pairs); j++) {
            const char *k = g_ptr_array_index(f->ice_pairs, j);
            gpointer other = g_hash_table_lookup(ice, k);
            if (other) {
                snprintf(why, sizeof why, "ICE username fragments %s on several 5-tuples "
                         "(RFC 8445 §7.2.2)", k);
                uf_union(u, i, GPOINTER_TO_UINT(other) - 1, why);
            } else {
                g_hash_table_insert(ice, (gpointer)k, GUINT_TO_POINTER(i + 1));
            }
        }
        for (j = 0; j < WRTC_LIST_LEN(f->relayed); j++)
            g_hash_table_insert(relayed, &g_array_index(f->relayed, wrtc_ep_t, j),
                                GUINT_TO_POINTER(i + 1));
        /* One client host, one TURN server, one credential: allocations of
         * one call (e.g. an allocation freed once BUNDLE was agreed). */
        for (j = 0; j < WRTC_LIST_LEN(f->turn_users); j++) {
            int c = f->turn_req[0] ? 0 : 1, s = 1 - c;
            char *k;
            gpointer other;
            wrtc_ep_format(&f->ep[c], false, a, sizeof a);
            fmt_ep(&f->ep[s], b, sizeof b);
            k = g_strdup_printf("%s|%s|%s", a, b, (char *)g_ptr_array_index(f->turn_users, j));
            other = g_hash_table_lookup(creds, k);
            if (other) {
                snprintf(why, sizeof why, "TURN allocations with the same credentials (%s) "
                         "from host %s to server %s",
                         (char *)g_ptr_array_index(f->turn_users, j), a, b);
                uf_union(u, i, GPOINTER_TO_UINT(other) - 1, why);
                g_free(k);
            } else {
                g_hash_table_insert(creds, k, GUINT_TO_POINTER(i + 1));
            }
        }
    }
    for (i = 0; i < m->flows->len; i++) {
        wrtc_flow_t *f = g_ptr_array_index(m->flows, i);
        int e;
        /* A flow from or to a relayed address belongs with its allocation. */
        for (e = 0; e < 2; e++) {
            gpointer owner = g_hash_table_lookup(relayed, &f->ep[e]);
            if (owner && GPOINTER_TO_UINT(owner) - 1 != i) {
                wrtc_flow_t *o = g_ptr_array_index(m->flows, GPOINTER_TO_UINT(owner) - 1);
                fmt_ep(&f->ep[e], a, sizeof a);
                fmt_ep(&o->ep[o->turn_req[0] ? 0 : 1], b, sizeof b);
                snprintf(why, sizeof why, "TURN relayed address %s allocated by %s", a, b);
                uf_union(u, i, GPOINTER_TO_UINT(owner) - 1, why);
            }
        }
        /* Permissions, channels and indications name the peer (RFC 8656 §9-11). */
        for (j = 0; j < WRTC_LIST_LEN(f->peers); j++) {
            const wrtc_ep_t *p = &g_array_index(f->peers, wrtc_ep_t, j);
            GPtrArray *others = g_hash_table_lookup(by_ep, p);
            gpointer owner = g_hash_table_lookup(relayed, p);
            guint k;
            fmt_ep(p, a, sizeof a);
            snprintf(why, sizeof why, "TURN peer %s (XOR-PEER-ADDRESS)", a);
            if (owner && GPOINTER_TO_UINT(owner) - 1 != i)
                uf_union(u, i, GPOINTER_TO_UINT(owner) - 1, why);
            for (k = 0; others && k < others->len; k++) {
                uint32_t o = GPOINTER_TO_UINT(g_ptr_array_index(others, k));
                if (o != i)
                    uf_union(u, i, o, why);
            }
        }
        /* RTCP on the ports after an RTP flow's (RFC 3550 §11). */
        if (is_rtcp_only(f) && f->ep[0].port > 0 && f->ep[1].port > 0) {
            wrtc_ep_t lo = f->ep[0];
            GPtrArray *cands;
            lo.port--;
            cands = g_hash_table_lookup(by_ep, &lo);
            for (j = 0; cands && j < cands->len; j++) {
                uint32_t o = GPOINTER_TO_UINT(g_ptr_array_index(cands, j));
                wrtc_flow_t *r = g_ptr_array_index(m->flows, o);
                int re = wrtc_ep_cmp(&r->ep[0], &lo) == 0 ? 1 : 0;
                if (is_media(r) && wrtc_ep_same_host(&r->ep[re], &f->ep[1]) &&
                    r->ep[re].port + 1 == f->ep[1].port) {
                    fmt_ep(&r->ep[0], a, sizeof a);
                    fmt_ep(&r->ep[1], b, sizeof b);
                    snprintf(why, sizeof why, "RTCP on the ports after RTP %s <-> %s "
                             "(RFC 3550 §11)", a, b);
                    uf_union(u, i, o, why);
                }
            }
        }
    }
    g_hash_table_destroy(ice);
    g_hash_table_destroy(relayed);
    g_hash_table_destroy(creds);
}

static guint leg_find(guint *parent, guint x)
{
    while (parent[x] != x)
        x = parent[x] = parent[parent[x]];
    return x;
}

static gint cmp_flow_time(gconstpointer a, gconstpointer b)
{
    const wrtc_flow_t *x = *(wrtc_flow_t *const *)a, *y = *(wrtc_flow_t *const *)b;
    if (x->first_frame != y->first_frame)
        return x->first_frame < y->first_frame ? -1 : 1;
    return x->index < y->index ? -1 : x->index > y->index;
}

static gint cmp_leg_time(gconstpointer a, gconstpointer b)
{
    const wrtc_leg_t *x = *(wrtc_leg_t *const *)a, *y = *(wrtc_leg_t *const *)b;
    return cmp_flow_time(&g_ptr_array_index(x->flows, 0), &g_ptr_array_index(y->flows, 0));
}

static gint cmp_session_time(gconstpointer a, gconstpointer b)
{
    const wrtc_session_t *x = *(wrtc_session_t *const *)a, *y = *(wrtc_session_t *const *)b;
    return cmp_flow_time(&g_ptr_array_index(x->flows, 0), &g_ptr_array_index(y->flows, 0));
}

static bool media_both_ways(const wrtc_flow_t *f)
{
    return f->packets_media[0] && f->packets_media[1];
}

static void assign_role(wrtc_flow_t *f, GHashTable *relayed_eps)
{
    f->local = 0;
    f->remote_role = WRTC_ROLE_PEER;
    if ((f->contents & WRTC_C_SIP) && !(f->contents & WRTC_C_CALL)) {
        f->remote_role = WRTC_ROLE_SIGNALING;
        return;
    }
    if (f->turn_req[0] != f->turn_req[1]) {
        f->local = f->turn_req[0] ? 0 : 1;
        f->remote_role = WRTC_ROLE_TURN_SERVER;
        return;
    }
    if (g_hash_table_contains(relayed_eps, &f->ep[0]) ||
        g_hash_table_contains(relayed_eps, &f->ep[1])) {
        /* Between relayed addresses: seen from the TURN server's side. */
        f->local = g_hash_table_contains(relayed_eps, &f->ep[0]) ? 0 : 1;
        f->remote_role = WRTC_ROLE_RELAYED_PEER;
        return;
    }
    if (f->binding_req[0] != f->binding_req[1]) {
        f->local = f->binding_req[0] ? 0 : 1;
        /* Only one side checks connectivity: an ICE-lite server (RFC 8445
         * §2.5), typically an SFU, when it answers and media flows both
         * ways; without ICE attributes a STUN server when it answers. */
        if (!f->binding_resp[1 - f->local])
            return;             /* no answer: remote_role_unanswered() */
        if (f->contents & WRTC_C_ICE) {
            /* One check proves nothing about who never checks: a full ICE
             * agent sends consent checks every ~5 s (RFC 7675 §5.1), so
             * three unreturned ones (some 15 s) are an ICE-lite server's. */
            if (media_both_ways(f) && f->binding_reqs[f->local] >= WRTC_ICE_LITE_MIN_CHECKS)
                f->remote_role = WRTC_ROLE_MEDIA_SERVER;
        } else {
            f->remote_role = WRTC_ROLE_STUN_SERVER;
        }
    }
}

/* After the point of view: the local end asked (Binding requests, RFC 8445
 * §7.2.4 / RFC 8489 §6) and the remote never answered with a success
 * response, nor sent media: a candidate that never answered, whatever ICMP
 * or silence came back. Nothing says what it is. */
static void remote_role_unanswered(wrtc_flow_t *f)
{
    int r = 1 - f->local;
    if (f->remote_role != WRTC_ROLE_PEER && f->remote_role != WRTC_ROLE_MEDIA_SERVER)
        return;
    if (!f->binding_req[f->local] || f->binding_resp[r] || f->packets_media[r])
        return;
    f->remote_role = (f->contents & WRTC_C_ICE) || f->ice_inferred ? WRTC_ROLE_NO_ANSWER
                                                                   : WRTC_ROLE_STUN_NO_ANSWER;
}

/* The capture host: the address on the capturing side, found once per
 * capture so that "local", "sent" and "received" mean the same host in
 * every session. It is the host in the most flows (media, STUN and TLS
 * connections alike), when no other host is in as many, and is at one end
 * only of at least one flow (a loopback capture has 127.0.0.1 at both). A
 * server-side or mirror-port capture has none: the summary says so and
 * names the ends A and B. */
static void choose_point_of_view(wrtc_model_t *m)
{
    GHashTable *count = g_hash_table_new_full(ep_hash, ep_equal, g_free, NULL);
    GHashTableIter it;
    gpointer k, v;
    wrtc_ep_t best;
    guint best_n = 0, ties = 0, total = 0, i, one_end = 0;
    memset(&m->pov, 0, sizeof m->pov);
    memset(&best, 0, sizeof best);
#define POV_COUNT(a, b) do {                                                   \
        wrtc_ep_t h_[2];                                                      \
        int e_;                                                               \
        h_[0] = (a); h_[1] = (b); h_[0].port = h_[1].port = 0;                \
        total++;                                                              \
        for (e_ = 0; e_ < 2; e_++) {                                          \
            if (e_ == 1 && wrtc_ep_same_host(&h_[0], &h_[1]))                 \
                break;                                                        \
            gpointer n_ = g_hash_table_lookup(count, &h_[e_]);                \
            g_hash_table_replace(count, g_memdup2(&h_[e_], sizeof h_[e_]),    \
                                 GUINT_TO_POINTER(GPOINTER_TO_UINT(n_) + 1)); \
        }                                                                     \
    } while (0)
    for (i = 0; i < m->flows->len; i++) {
        const wrtc_flow_t *f = g_ptr_array_index(m->flows, i);
        POV_COUNT(f->ep[0], f->ep[1]);
    }
    for (i = 0; i < m->tls->len; i++) {
        const wrtc_tls_flow_t *t = g_ptr_array_index(m->tls, i);
        POV_COUNT(t->client, t->server);
    }
#undef POV_COUNT
    g_hash_table_iter_init(&it, count);
    while (g_hash_table_iter_next(&it, &k, &v))
        if (GPOINTER_TO_UINT(v) > best_n)
            best_n = GPOINTER_TO_UINT(v);
    g_hash_table_iter_init(&it, count);
    while (g_hash_table_iter_next(&it, &k, &v)) {
        if (GPOINTER_TO_UINT(v) != best_n)
            continue;
        /* The lowest address of the hosts in that many flows: the same
         * one every run, whatever the hash order. */
        if (!ties || wrtc_ep_cmp(k, &best) < 0)
            best = *(const wrtc_ep_t *)k;
        ties++;
    }
    ties = ties > 1;
    g_hash_table_destroy(count);
    m->pov.flows_total = total;
    m->pov.flows_with = best_n;
    if (!best_n)
        return;
    for (i = 0; i < m->flows->len; i++) {
        const wrtc_flow_t *f = g_ptr_array_index(m->flows, i);
        one_end += wrtc_ep_same_host(&f->ep[0], &best) != wrtc_ep_same_host(&f->ep[1], &best);
    }
    for (i = 0; i < m->tls->len; i++) {
        const wrtc_tls_flow_t *t = g_ptr_array_index(m->tls, i);
        one_end += wrtc_ep_same_host(&t->client, &best) != wrtc_ep_same_host(&t->server, &best);
    }
    m->pov.host = best;
    m->pov.tied = ties != 0;
    m->pov.both_ends = one_end == 0;
    m->pov.have = !m->pov.tied && !m->pov.both_ends;
}

/* End A of a session's flows when the capture has no capture host. */
static wrtc_ep_t session_end_a(const wrtc_session_t *s)
{
    const wrtc_flow_t *f0 = g_ptr_array_index(s->flows, 0);
    wrtc_ep_t best = f0->ep[0];
    guint best_n = 0, j, k;
    int e;
    for (j = 0; j < s->flows->len; j++) {
        const wrtc_flow_t *f = g_ptr_array_index(s->flows, j);
        for (e = 0; e < 2; e++) {
            guint n = 0;
            for (k = 0; k < s->flows->len; k++) {
                const wrtc_flow_t *g = g_ptr_array_index(s->flows, k);
                n += wrtc_ep_same_host(&g->ep[0], &f->ep[e]) ||
                     wrtc_ep_same_host(&g->ep[1], &f->ep[e]);
            }
            if (n > best_n || (n == best_n && j == 0 && e == 0)) {
                best_n = n;
                best = f->ep[e];
            }
        }
    }
    return best;
}

const wrtc_pov_t *wrtc_model_point_of_view(const wrtc_model_t *m)
{
    return &m->pov;
}

static bool hosts_shared(const wrtc_session_t *a, const wrtc_session_t *b, wrtc_ep_t *host)
{
    guint i, j;
    int x, y;
    bool found = false;
    /* The lowest shared address: the same one seen from either session. */
    for (i = 0; i < a->flows->len; i++) {
        const wrtc_flow_t *f = g_ptr_array_index(a->flows, i);
        for (j = 0; j < b->flows->len; j++) {
            const wrtc_flow_t *g = g_ptr_array_index(b->flows, j);
            for (x = 0; x < 2; x++)
                for (y = 0; y < 2; y++)
                    if (wrtc_ep_same_host(&f->ep[x], &g->ep[y])) {
                        wrtc_ep_t h = f->ep[x], cur;
                        h.port = 0;
                        if (found) {
                            cur = *host;
                            cur.port = 0;
                        }
                        if (!found || wrtc_ep_cmp(&h, &cur) < 0)
                            *host = f->ep[x];
                        found = true;
                    }
        }
    }
    return found;
}

/* The SIP flow and dialog (Call-ID index) whose SDP names an endpoint. */
typedef struct {
    wrtc_flow_t *flow;
    guint8       call;
} sdp_owner_t;

/* Did the dialog `call` of a SIP flow get an answer with SDP: do its SDP
 * endpoints lie on two hosts (offer and answer, RFC 3264)? */
static bool dialog_answered(const wrtc_flow_t *sip, guint8 call)
{
    guint j, k;
    for (j = 0; j < WRTC_LIST_LEN(sip->sdp); j++)
        for (k = j + 1; k < WRTC_LIST_LEN(sip->sdp); k++)
            if (sip->sdp_call && j < sip->sdp_call->len && k < sip->sdp_call->len &&
                g_array_index(sip->sdp_call, guint8, j) == call &&
                g_array_index(sip->sdp_call, guint8, k) == call &&
                !wrtc_ep_same_host(&g_array_index(sip->sdp, wrtc_ep_t, j),
                                   &g_array_index(sip->sdp, wrtc_ep_t, k)))
                return true;
    return false;
}

/* Session links (the second union-find, over legs): `why` is kept once on
 * the surviving root's evidence. */
static void leg_union(guint *parent, GPtrArray **sev, guint a, guint b, const char *why)
{
    guint root, o;
    a = leg_find(parent, a);
    b = leg_find(parent, b);
    if (a == b)
        return;
    root = a < b ? a : b;
    o = a < b ? b : a;
    parent[o] = root;
    if (!sev[root])
        sev[root] = g_ptr_array_new_with_free_func(g_free);
    g_ptr_array_add(sev[root], g_strdup(why));
}

static bool has_ice(const wrtc_flow_t *f)
{
    return (f->contents & WRTC_C_ICE) != 0;
}

/* Links of one call's legs that the transport links do not make:
 * - one ICE agent: the same username fragment on either side of checks on
 *   several 5-tuples (RFC 8445 §7.2.2: each agent keeps its ufrag for all
 *   its candidate pairs);
 * - parallel transports: ICE/DTLS transports between the same two hosts
 *   that start together (no BUNDLE: one transport per media, RFC 8843; or
 *   one agent's UDP and TCP candidate pairs, RFC 6544), the weakest link,
 *   used last. */
static void link_sessions(wrtc_model_t *m, guint *parent, GPtrArray **sev)
{
    GHashTable *ufrags = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, NULL);
    guint i, j, k;
    char a[80], b[80], why[400];

    for (i = 0; i < m->flows->len; i++) {
        wrtc_flow_t *f = g_ptr_array_index(m->flows, i);
        for (j = 0; j < WRTC_LIST_LEN(f->ice_pairs); j++) {
            const char *pair = g_ptr_array_index(f->ice_pairs, j);
            const char *colon = strchr(pair, ':');
            char *u[2];
            int x;
            if (!colon)
                continue;
            u[0] = g_strndup(pair, colon - pair);
            u[1] = g_strdup(colon + 1);
            for (x = 0; x < 2; x++) {
                gpointer other = g_hash_table_lookup(ufrags, u[x]);
                if (other) {
                    snprintf(why, sizeof why, "ICE username fragment %s in checks on several "
                             "5-tuples: one ICE agent (RFC 8445 §7.2.2)", u[x]);
                    leg_union(parent, sev, GPOINTER_TO_UINT(other) - 1, (guint)f->leg, why);
                    g_free(u[x]);
                } else {
                    g_hash_table_insert(ufrags, u[x], GUINT_TO_POINTER((guint)f->leg + 1));
                }
            }
        }
    }
    {
        /* ICE components: a socket on the port after another's, both
         * checking at the same time with the same remote host, is the same
         * candidate's RTCP component (component 2, RFC 8445 §5.1.1; RTP on
         * P, RTCP on P + 1 without rtcp-mux, RFC 5761). */
        GHashTable *req = g_hash_table_new_full(sock_hash, sock_equal, g_free,
                                                (GDestroyNotify)g_ptr_array_unref);
        for (i = 0; i < m->flows->len; i++) {
            wrtc_flow_t *f = g_ptr_array_index(m->flows, i);
            int d;
            for (d = 0; d < 2; d++) {
                sock_key_t key;
                GPtrArray *l;
                if (!f->binding_req[d] && !f->turn_req[d])
                    continue;
                key = sock_of(f, d);
                l = g_hash_table_lookup(req, &key);
                if (!l) {
                    l = g_ptr_array_new();
                    g_hash_table_insert(req, g_memdup2(&key, sizeof key), l);
                }
                if (l->len < WRTC_MAX_LIST)
                    g_ptr_array_add(l, GINT_TO_POINTER((gint)(i * 2 + d)));
            }
        }
        for (i = 0; i < m->flows->len; i++) {
            wrtc_flow_t *f = g_ptr_array_index(m->flows, i);
            int d;
            for (d = 0; d < 2; d++) {
                sock_key_t key;
                GPtrArray *l;
                if ((!f->binding_req[d] && !f->turn_req[d]) || f->ep[d].port == 0)
                    continue;
                key = sock_of(f, d);
                key.ep.port--;
                l = g_hash_table_lookup(req, &key);
                for (j = 0; l && j < l->len; j++) {
                    gint v2 = GPOINTER_TO_INT(g_ptr_array_index(l, j));
                    const wrtc_flow_t *rtp = g_ptr_array_index(m->flows, (guint)v2 / 2);
                    int rd = v2 % 2;
                    if (rtp->leg == f->leg ||
                        !wrtc_ep_same_host(&rtp->ep[1 - rd], &f->ep[1 - d]) ||
                        rtp->first_t > f->last_t + WRTC_SOCKET_OVERLAP_S ||
                        f->first_t > rtp->last_t + WRTC_SOCKET_OVERLAP_S)
                        continue;
                    fmt_ep(&key.ep, a, sizeof a);
                    snprintf(why, sizeof why, "sockets %s and port %u check the same host at "
                             "the same time: ICE components 1 and 2 (RTP, RTCP; RFC 8445 §5.1.1)",
                             a, f->ep[d].port);
                    leg_union(parent, sev, (guint)rtp->leg, (guint)f->leg, why);
                    break;
                }
            }
        }
        g_hash_table_destroy(req);
    }
    {
        /* Transports by host pair, in first-packet order (flows are
         * created in that order); each compared with the ones that
         * started within WRTC_PARALLEL_START_S after it. */
        GHashTable *pairs = g_hash_table_new_full(g_str_hash, g_str_equal, g_free,
                                                  (GDestroyNotify)g_ptr_array_unref);
        GHashTableIter it;
        gpointer kp, v;
        for (i = 0; i < m->flows->len; i++) {
            wrtc_flow_t *x = g_ptr_array_index(m->flows, i);
            char *key;
            GPtrArray *l;
            int lo;
            if (!(has_ice(x) || (x->contents & WRTC_C_DTLS)))
                continue;
            wrtc_ep_format(&x->ep[0], false, a, sizeof a);
            wrtc_ep_format(&x->ep[1], false, b, sizeof b);
            lo = strcmp(a, b) <= 0;
            key = g_strdup_printf("%s|%s", lo ? a : b, lo ? b : a);
            l = g_hash_table_lookup(pairs, key);
            if (!l) {
                l = g_ptr_array_new();
                g_hash_table_insert(pairs, key, l);
            } else {
                g_free(key);
            }
            g_ptr_array_add(l, x);
        }
        g_hash_table_iter_init(&it, pairs);
        while (g_hash_table_iter_next(&it, &kp, &v)) {
            GPtrArray *l = v;
            for (j = 0; j < l->len; j++) {
                const wrtc_flow_t *x = g_ptr_array_index(l, j);
                for (k = j + 1; k < l->len; k++) {
                    const wrtc_flow_t *y = g_ptr_array_index(l, k);
                    double dt = y->first_t - x->first_t;
                    if (dt > WRTC_PARALLEL_START_S || dt < -WRTC_PARALLEL_START_S)
                        break;
                    if (leg_find(parent, (guint)x->leg) == leg_find(parent, (guint)y->leg))
                        continue;
                    wrtc_ep_format(&x->ep[0], false, a, sizeof a);
                    wrtc_ep_format(&x->ep[1], false, b, sizeof b);
                    snprintf(why, sizeof why, "parallel transports between %s and %s started "
                             "together (frames %u and %u, %.3f s apart; no BUNDLE): weaker than "
                             "an ICE or certificate link", a, b, x->first_frame, y->first_frame,
                             dt < 0 ? -dt : dt);
                    leg_union(parent, sev, (guint)x->leg, (guint)y->leg, why);
                }
            }
        }
        g_hash_table_destroy(pairs);
    }
    g_hash_table_destroy(ufrags);
}

void wrtc_model_finish(wrtc_model_t *m)
{
    uf_t u;
    GHashTable *by_ep, *relayed_eps, *roots, *leg_of_root;
    GPtrArray *legs;
    guint i, j;
    char why[400];

    if (m->finished)
        return;
    clear_sessions(m);
    u.flows = m->flows;
    u.evidence = g_hash_table_new_full(g_direct_hash, g_direct_equal, NULL,
                                       (GDestroyNotify)g_ptr_array_unref);
    by_ep = g_hash_table_new_full(ep_hash, ep_equal, NULL, (GDestroyNotify)g_ptr_array_unref);
    relayed_eps = g_hash_table_new(ep_hash, ep_equal);
    for (i = 0; i < m->flows->len; i++) {
        wrtc_flow_t *f = g_ptr_array_index(m->flows, i);
        int e;
        f->uf = i;
        f->leg = f->session = -1;
        f->rtcp_mux = is_media(f) && (f->contents & (WRTC_C_RTCP | WRTC_C_SRTCP));
        infer_ice(f);
        for (e = 0; e < 2; e++) {
            GPtrArray *l = g_hash_table_lookup(by_ep, &f->ep[e]);
            if (!l) {
                l = g_ptr_array_new();
                g_hash_table_insert(by_ep, &f->ep[e], l);
            }
            g_ptr_array_add(l, GUINT_TO_POINTER(i));
        }
        for (e = 0; e < (int)WRTC_LIST_LEN(f->relayed); e++)
            g_hash_table_add(relayed_eps, &g_array_index(f->relayed, wrtc_ep_t, e));
    }
    link_legs(m, &u, by_ep);
    link_sockets(m, &u);

    /* Legs: the components that carry call traffic. */
    legs = g_ptr_array_new();
    leg_of_root = g_hash_table_new(g_direct_hash, g_direct_equal);
    for (i = 0; i < m->flows->len; i++) {
        wrtc_flow_t *f = g_ptr_array_index(m->flows, i);
        uint32_t r = uf_find(m->flows, i);
        wrtc_leg_t *l = g_hash_table_lookup(leg_of_root, GUINT_TO_POINTER(r));
        if (!l) {
            GPtrArray *ev = g_hash_table_lookup(u.evidence, GUINT_TO_POINTER(r));
            l = g_new0(wrtc_leg_t, 1);
            l->flows = g_ptr_array_new();
            l->evidence = g_ptr_array_new_with_free_func(g_free);
            for (j = 0; ev && j < ev->len; j++)
                g_ptr_array_add(l->evidence, g_strdup(g_ptr_array_index(ev, j)));
            g_hash_table_insert(leg_of_root, GUINT_TO_POINTER(r), l);
            g_ptr_array_add(legs, l);
        }
        g_ptr_array_add(l->flows, f);
        f->leg = (int)(legs->len); /* temporary: index+1 of some leg; fixed below */
    }
    for (i = 0; i < legs->len; i++) {
        wrtc_leg_t *l = g_ptr_array_index(legs, i);
        for (j = 0; j < l->flows->len; j++)
            ((wrtc_flow_t *)g_ptr_array_index(l->flows, j))->leg = (int)i;
        g_ptr_array_sort(l->flows, cmp_flow_time);
    }

    /* Sessions: legs joined by call-level evidence (a second union-find,
     * over leg indexes, reusing the flow fields of each leg's first flow). */
    {
        guint n = legs->len;
        guint *parent = g_new(guint, n);
        GPtrArray **sev = g_new0(GPtrArray *, n);
        GHashTable *sdp_eps = g_hash_table_new_full(ep_hash, ep_equal, g_free,
                                                    (GDestroyNotify)g_ptr_array_unref);
        GHashTable *by_id = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, NULL);
        for (i = 0; i < n; i++)
            parent[i] = i;
#define LEG_FIND(x) leg_find(parent, (x))
        for (i = 0; i < m->flows->len; i++) {
            wrtc_flow_t *f = g_ptr_array_index(m->flows, i);
            for (j = 0; j < WRTC_LIST_LEN(f->stream_list); j++) {
                const wrtc_stream_t *s = g_ptr_array_index(f->stream_list, j);
                /* An SSRC is chosen at random (RFC 3550 §8.1): the same one
                 * on two legs is one source. Small values are assigned by
                 * apps (RingRTC's fixed ones, an SFU's per participant) and
                 * recur across calls: they join only flows that share an
                 * endpoint too (a client reconnecting to its voice server);
                 * SSRC 0 (padding probes) joins nothing. */
                int e, nkeys = s->ssrc >= WRTC_SSRC_RANDOM_MIN ? 1 : s->ssrc ? 2 : 0;
                for (e = 0; e < nkeys; e++) {
                    char ep[80], *key;
                    gpointer other;
                    if (nkeys == 2)
                        fmt_ep(&f->ep[e], ep, sizeof ep);
                    key = nkeys == 1 ? g_strdup_printf("s|%08x", s->ssrc)
                                     : g_strdup_printf("s|%08x|%s", s->ssrc, ep);
                    other = g_hash_table_lookup(by_id, key);
                    if (!other) {
                        g_hash_table_insert(by_id, key, GUINT_TO_POINTER(f->leg + 1));
                        continue;
                    }
                    g_free(key);
                    if (nkeys == 1)
                        snprintf(why, sizeof why, "SSRC 0x%08x on several legs", s->ssrc);
                    else
                        snprintf(why, sizeof why, "SSRC 0x%08x on several legs with endpoint %s",
                                 s->ssrc, ep);
                    leg_union(parent, sev, GPOINTER_TO_UINT(other) - 1, (guint)f->leg, why);
                }
            }
            /* The same DTLS certificate or RTCP CNAME on several legs: one
             * peer connection / participant (RFC 3550 §6.5.1). */
            {
                GPtrArray *ids[2] = { f->certs, f->cnames };
                const char *what[2] = { "DTLS certificate serial", "RTCP CNAME" };
                int w;
                for (w = 0; w < 2; w++) {
                    guint k;
                    for (k = 0; k < WRTC_LIST_LEN(ids[w]); k++) {
                        char *key = g_strdup_printf("%d|%s", w,
                                                    (char *)g_ptr_array_index(ids[w], k));
                        gpointer other = g_hash_table_lookup(by_id, key);
                        if (!other) {
                            g_hash_table_insert(by_id, key, GUINT_TO_POINTER(f->leg + 1));
                            continue;
                        }
                        g_free(key);
                        {
                            guint a = LEG_FIND(GPOINTER_TO_UINT(other) - 1);
                            guint b = LEG_FIND((guint)f->leg);
                            if (a != b) {
                                guint root = a < b ? a : b, o = a < b ? b : a;
                                parent[o] = root;
                                if (!sev[root])
                                    sev[root] = g_ptr_array_new_with_free_func(g_free);
                                g_ptr_array_add(sev[root], g_strdup_printf(
                                    "%s %s on several legs", what[w],
                                    (char *)g_ptr_array_index(ids[w], k)));
                            }
                        }
                    }
                }
            }
            /* SDP media endpoints of a SIP dialog (RTP port, and RTCP on
             * +1), whatever other dialogs the SIP 5-tuple carries. */
            for (j = 0; j < WRTC_LIST_LEN(f->sdp); j++) {
                int d;
                for (d = 0; d <= 1; d++) {
                    wrtc_ep_t *e = g_memdup2(&g_array_index(f->sdp, wrtc_ep_t, j),
                                             sizeof(wrtc_ep_t));
                    sdp_owner_t *o = g_new(sdp_owner_t, 1);
                    GPtrArray *owners;
                    e->port = (uint16_t)(e->port + d);
                    /* Every SIP hop that names it: a B2BUA or proxy chain
                     * carries one dialog on several SIP 5-tuples. */
                    owners = g_hash_table_lookup(sdp_eps, e);
                    if (!owners) {
                        owners = g_ptr_array_new_with_free_func(g_free);
                        g_hash_table_insert(sdp_eps, e, owners);
                    } else {
                        g_free(e);
                    }
                    o->flow = f;
                    o->call = f->sdp_call && j < f->sdp_call->len
                            ? g_array_index(f->sdp_call, guint8, j) : 0;
                    if (owners->len < WRTC_MAX_LIST)
                        g_ptr_array_add(owners, o);
                    else
                        g_free(o);
                }
            }
        }
        for (i = 0; i < m->flows->len; i++) {
            wrtc_flow_t *f = g_ptr_array_index(m->flows, i);
            int e;
            for (e = 0; e < 2; e++) {
                const GPtrArray *owners = g_hash_table_lookup(sdp_eps, &f->ep[e]);
                guint k;
                for (k = 0; owners && k < owners->len; k++) {
                const sdp_owner_t *own = g_ptr_array_index(owners, k);
                wrtc_flow_t *sip = own->flow;
                const char *call;
                if (sip == f)
                    continue;
                f->sdp_named = true;   /* for the sdes trait (verdict.c) */
                /* An established dialog: its offer and answer (RFC 3264)
                 * name endpoints on two hosts. An INVITE that was never
                 * answered (CANCEL, 408) names only its sender's media,
                 * which may well be another dialog's. */
                if (!dialog_answered(sip, own->call))
                    continue;
                call = g_ptr_array_index(sip->call_ids, own->call < WRTC_LIST_LEN(sip->call_ids)
                                                        ? own->call : 0);
                snprintf(why, sizeof why, "SIP Call-ID %s: SDP names the media endpoints", call);
                leg_union(parent, sev, (guint)sip->leg, (guint)f->leg, why);
                }
            }
        }
        link_sessions(m, parent, sev);
        roots = g_hash_table_new(g_direct_hash, g_direct_equal);
        for (i = 0; i < n; i++) {
            wrtc_leg_t *l = g_ptr_array_index(legs, i);
            guint r = LEG_FIND(i);
            wrtc_session_t *s = g_hash_table_lookup(roots, GUINT_TO_POINTER(r));
            if (!s) {
                s = g_new0(wrtc_session_t, 1);
                s->legs = g_ptr_array_new();
                s->flows = g_ptr_array_new();
                s->evidence = g_ptr_array_new_with_free_func(g_free);
                s->related = g_ptr_array_new_with_free_func(g_free);
                s->related_ids = g_array_new(FALSE, FALSE, sizeof(int));
                g_hash_table_insert(roots, GUINT_TO_POINTER(r), s);
            }
            g_ptr_array_add(s->legs, l);
            for (j = 0; j < l->flows->len; j++)
                g_ptr_array_add(s->flows, g_ptr_array_index(l->flows, j));
        }
        for (i = 0; i < n; i++) {
            wrtc_session_t *s;
            if (!sev[i])
                continue;
            s = g_hash_table_lookup(roots, GUINT_TO_POINTER(LEG_FIND(i)));
            for (j = 0; j < sev[i]->len; j++) {
                guint k;
                bool dup = false;
                for (k = 0; k < s->evidence->len; k++)
                    dup |= strcmp(g_ptr_array_index(s->evidence, k),
                                  g_ptr_array_index(sev[i], j)) == 0;
                if (!dup && s->evidence->len < 16)
                    g_ptr_array_add(s->evidence, g_strdup(g_ptr_array_index(sev[i], j)));
            }
            g_ptr_array_free(sev[i], TRUE);
        }
#undef LEG_FIND
        g_free(sev);
        g_free(parent);
        g_hash_table_destroy(sdp_eps);
        g_hash_table_destroy(by_id);
        {
            GHashTableIter it;
            gpointer k, v;
            g_hash_table_iter_init(&it, roots);
            while (g_hash_table_iter_next(&it, &k, &v)) {
                wrtc_session_t *s = v;
                bool call = false;
                /* A call has ICE/TURN/DTLS/ZRTP or RTP streams: RTCP-shaped
                 * packets alone (Wireshark's own rtcp_udp heuristic takes
                 * some random datagrams), plain STUN (NAT discovery, no ICE
                 * attributes) or SIP alone are not one. */
                for (j = 0; j < s->flows->len; j++) {
                    const wrtc_flow_t *x = g_ptr_array_index(s->flows, j);
                    call |= (x->contents & (WRTC_C_ICE | WRTC_C_TURN | WRTC_C_CHANNELDATA |
                                            WRTC_C_DATA_IND | WRTC_C_ZRTP)) != 0 ||
                            WRTC_LIST_LEN(x->stream_list) > 0;
                }
                /* DTLS without ICE, TURN or media (e.g. CAPWAP control)
                 * is no call either. */
                if (call) {
                    g_ptr_array_add(m->sessions, s);
                } else {
                    /* Plain STUN (address discovery, NAT tests) outside any
                     * call: reported apart (wrtc_model_stun_outside). */
                    for (j = 0; j < s->flows->len; j++) {
                        wrtc_flow_t *x = g_ptr_array_index(s->flows, j);
                        if (x->contents & WRTC_C_STUN)
                            g_ptr_array_add(m->stun_outside, x);
                    }
                    free_session(s);    /* signaling only: not a call */
                }
            }
        }
        g_hash_table_destroy(roots);
    }
    g_ptr_array_free(legs, TRUE);
    g_hash_table_destroy(leg_of_root);

    /* Order and number: sessions by first packet, legs and flows likewise. */
    for (i = 0; i < m->flows->len; i++) {
        wrtc_flow_t *f = g_ptr_array_index(m->flows, i);
        f->leg = f->session = -1;
    }
    g_ptr_array_sort(m->sessions, cmp_session_time);
    for (i = 0; i < m->sessions->len; i++) {
        wrtc_session_t *s = g_ptr_array_index(m->sessions, i);
        s->id = (int)i + 1;
        g_ptr_array_sort(s->legs, cmp_leg_time);
        g_ptr_array_sort(s->flows, cmp_flow_time);
        s->first_t = 1e300;
        s->last_t = -1e300;
        for (j = 0; j < s->legs->len; j++) {
            wrtc_leg_t *l = g_ptr_array_index(s->legs, j);
            guint k;
            l->id = (int)j + 1;
            for (k = 0; k < l->flows->len; k++) {
                wrtc_flow_t *f = g_ptr_array_index(l->flows, k);
                f->leg = l->id;
                f->session = s->id;
                if (f->first_t < s->first_t)
                    s->first_t = f->first_t;
                if (f->last_t > s->last_t)
                    s->last_t = f->last_t;
                assign_role(f, relayed_eps);
            }
        }
    }
    choose_point_of_view(m);
    for (i = 0; i < m->sessions->len; i++) {
        wrtc_session_t *s = g_ptr_array_index(m->sessions, i);
        /* The capture host is "local" in every peer-to-peer or SIP flow
         * where it is exactly one of the ends; TURN client, relay and
         * ICE-lite flows keep the side their role gives. Without a capture
         * host, end A is the same host in every flow of a session: the one
         * in most of its flows (ties: the sender of its first packet). */
        wrtc_ep_t host = m->pov.have ? m->pov.host : session_end_a(s);
        for (j = 0; j < s->flows->len; j++) {
            wrtc_flow_t *f = g_ptr_array_index(s->flows, j);
            if (f->remote_role == WRTC_ROLE_PEER || f->remote_role == WRTC_ROLE_SIGNALING) {
                bool h0 = wrtc_ep_same_host(&f->ep[0], &host);
                bool h1 = wrtc_ep_same_host(&f->ep[1], &host);
                if (h0 != h1)
                    f->local = h0 ? 0 : 1;
            }
            remote_role_unanswered(f);
        }
    }
    /* A stream too short for its own guess takes that of the same SSRC on
     * another flow of its session (the longest). */
    for (i = 0; i < m->sessions->len; i++) {
        wrtc_session_t *s = g_ptr_array_index(m->sessions, i);
        GHashTable *best = g_hash_table_new(g_direct_hash, g_direct_equal);
        guint k;
        for (j = 0; j < s->flows->len; j++) {
            const wrtc_flow_t *f = g_ptr_array_index(s->flows, j);
            for (k = 0; k < WRTC_LIST_LEN(f->stream_list); k++) {
                wrtc_stream_t *st = g_ptr_array_index(f->stream_list, k);
                wrtc_stream_t *b = g_hash_table_lookup(best, GUINT_TO_POINTER(st->ssrc));
                st->ssrc_peer = NULL;
                if (!b || st->packets > b->packets)
                    g_hash_table_insert(best, GUINT_TO_POINTER(st->ssrc), st);
            }
        }
        for (j = 0; j < s->flows->len; j++) {
            const wrtc_flow_t *f = g_ptr_array_index(s->flows, j);
            for (k = 0; k < WRTC_LIST_LEN(f->stream_list); k++) {
                wrtc_stream_t *st = g_ptr_array_index(f->stream_list, k);
                wrtc_stream_t *b = g_hash_table_lookup(best, GUINT_TO_POINTER(st->ssrc));
                if (b && b != st)
                    st->ssrc_peer = b;
            }
        }
        g_hash_table_destroy(best);
    }
    /* Related sessions: weak evidence only, never merged. */
    for (i = 0; i < m->sessions->len; i++) {
        wrtc_session_t *a = g_ptr_array_index(m->sessions, i);
        for (j = 0; j < m->sessions->len; j++) {
            wrtc_session_t *b = g_ptr_array_index(m->sessions, j);
            wrtc_ep_t host;
            char h[64];
            if (i == j || a->first_t > b->last_t || b->first_t > a->last_t ||
                !hosts_shared(a, b, &host))
                continue;
            wrtc_ep_format(&host, false, h, sizeof h);
            {
                /* Evidence that joins sessions (CNAMEs, certificates, SDP)
                 * cut away on both sides: they may be one call. */
                uint32_t ha = 0, hb = 0, both;
                guint k;
                for (k = 0; k < a->flows->len; k++)
                    ha |= wrtc_flow_hidden(g_ptr_array_index(a->flows, k));
                for (k = 0; k < b->flows->len; k++)
                    hb |= wrtc_flow_hidden(g_ptr_array_index(b->flows, k));
                both = ha & hb & (WRTC_HIDDEN_CERT | WRTC_HIDDEN_CNAME | WRTC_HIDDEN_SDP |
                                  WRTC_HIDDEN_ICE);
                if (both)
                    snprintf(why, sizeof why, "session %d: shares host %s, overlapping in time; "
                             "may be the same call: %s not captured (snaplen %u)", b->id, h,
                             both & WRTC_HIDDEN_CNAME ? "RTCP SDES CNAMEs"
                             : both & WRTC_HIDDEN_CERT ? "DTLS certificates"
                             : both & WRTC_HIDDEN_ICE ? "STUN usernames (ICE, TURN)" : "SDP",
                             m->snaplen);
                else
                    snprintf(why, sizeof why, "session %d: shares host %s, overlapping in time",
                             b->id, h);
            }
            g_ptr_array_add(a->related, g_strdup(why));
            g_array_append_val(a->related_ids, b->id);
        }
    }
    g_hash_table_destroy(u.evidence);
    g_hash_table_destroy(by_ep);
    g_hash_table_destroy(relayed_eps);
    m->finished = true;
    m->generation++;
}

uint32_t wrtc_model_generation(const wrtc_model_t *m)
{
    return m->generation;
}

const GPtrArray *wrtc_model_sessions(const wrtc_model_t *m)
{
    return m->sessions;
}

const GPtrArray *wrtc_model_stun_outside(const wrtc_model_t *m)
{
    return m->stun_outside;
}

const GPtrArray *wrtc_model_flows(const wrtc_model_t *m)
{
    return m->flows;
}

uint32_t wrtc_model_cap_frame(const wrtc_model_t *m, wrtc_cap_t cap)
{
    return m->cap_frame[cap];
}

bool wrtc_model_cap_at(const wrtc_model_t *m, uint32_t frame)
{
    return m->cap_frames && g_hash_table_contains(m->cap_frames, GUINT_TO_POINTER(frame));
}

uint32_t wrtc_flow_hidden(const wrtc_flow_t *f)
{
    /* What was cut away and not seen in another packet of the flow. */
    uint32_t h = f->hidden;
    if (WRTC_LIST_LEN(f->cnames))
        h &= ~(uint32_t)WRTC_HIDDEN_CNAME;
    if (WRTC_LIST_LEN(f->certs) ||
        (f->dtls_version && f->dtls_version != WRTC_DTLS_NOT_CAPTURED))
        h &= ~(uint32_t)WRTC_HIDDEN_CERT;
    if (WRTC_LIST_LEN(f->sdp))
        h &= ~(uint32_t)WRTC_HIDDEN_SDP;
    if (WRTC_LIST_LEN(f->ice_pairs) && !f->ice_inferred)
        h &= ~(uint32_t)WRTC_HIDDEN_ICE;
    /* The relayed checks and handshake seen in other indications. */
    if ((f->contents & WRTC_C_DTLS) && (f->contents & WRTC_C_ICE) && !f->ice_inferred)
        h &= ~(uint32_t)WRTC_HIDDEN_RELAYED;
    return h;
}

void wrtc_model_note_frame(wrtc_model_t *m, uint32_t captured, uint32_t bytes)
{
    if (captured && captured < bytes && !m->snaplen)
        m->snaplen = captured;
}

uint32_t wrtc_model_snaplen(const wrtc_model_t *m)
{
    return m->snaplen;
}

uint32_t wrtc_model_not_counted(const wrtc_model_t *m)
{
    return m->not_counted_total;
}

uint32_t wrtc_flow_not_counted(const wrtc_model_t *m, const wrtc_flow_t *f)
{
    flow_key_t key;
    if (!m->not_counted)
        return 0;
    make_key(&key, f->tcp, &f->ep[0], &f->ep[1]);
    return GPOINTER_TO_UINT(g_hash_table_lookup(m->not_counted, &key));
}

const char *wrtc_hidden_name(uint32_t bit)
{
    switch (bit) {
    case WRTC_HIDDEN_ICE: return "STUN attributes (ICE and TURN usernames, ICE attributes)";
    case WRTC_HIDDEN_CERT: return "DTLS handshake messages (certificate, version)";
    case WRTC_HIDDEN_CNAME: return "RTCP after the first header (SDES CNAMEs)";
    case WRTC_HIDDEN_SDP: return "SIP message bodies (SDP)";
    case WRTC_HIDDEN_PAYLOAD: return "RTP payloads (SRTP or RTP, codec payload headers)";
    case WRTC_HIDDEN_RELAYED: return "datagrams relayed in TURN Send/Data indications (ICE checks, DTLS)";
    }
    return "?";
}

const char *wrtc_hidden_json(uint32_t bit)
{
    switch (bit) {
    case WRTC_HIDDEN_ICE: return "stun_attributes";
    case WRTC_HIDDEN_CERT: return "dtls_handshake";
    case WRTC_HIDDEN_CNAME: return "rtcp_sdes";
    case WRTC_HIDDEN_SDP: return "sdp";
    case WRTC_HIDDEN_PAYLOAD: return "rtp_payloads";
    case WRTC_HIDDEN_RELAYED: return "relayed_datagrams";
    }
    return "?";
}

uint32_t wrtc_model_dropped_flows(const wrtc_model_t *m)
{
    return m->dropped_flows;
}

const wrtc_flow_t *wrtc_model_lookup(const wrtc_model_t *m, bool tcp, const wrtc_ep_t *src,
                                     const wrtc_ep_t *dst, double t)
{
    flow_key_t key;
    const wrtc_flow_t *f, *best;
    make_key(&key, tcp, src, dst);
    best = g_hash_table_lookup(m->by_key, &key);
    /* The generation the time falls in: the oldest that ended at or after
     * it, else the newest; packets before a flow's first fact (e.g. RTP
     * before it was corroborated) belong to it too. */
    for (f = best; f; f = f->prev_gen)
        if (t <= f->last_t + 1e-9)
            best = f;
    if (best && t > best->last_t + m->cfg.idle_gap_s)
        return NULL;
    return best;
}

/* An SRTP packet decrypted after the first pass: one from before its flow
 * was recognised without signaling (webrtc-srtp.c, decide_late), which the
 * model counted among the stream's packets (replayed from the
 * corroboration) but not as decrypted. The caller calls this once per frame. */
void wrtc_model_decrypted_late(wrtc_model_t *m, bool tcp, const wrtc_ep_t *src,
                               const wrtc_ep_t *dst, double t, uint32_t ssrc)
{
    const wrtc_flow_t *fl = wrtc_model_lookup(m, tcp, src, dst, t);
    wrtc_stream_t *s = fl ? find_stream(fl, ssrc, wrtc_ep_cmp(src, &fl->ep[0]) == 0 ? 0 : 1)
                          : NULL;
    if (s && s->decrypted + s->auth_failed < s->packets)
        s->decrypted++;
}

/* --------------------------------------------------------- stream facts */

static void stream_guess_own(const wrtc_stream_t *s, wrtc_cg_result_t *g)
{
    wrtc_cg_input_t in;
    memset(&in, 0, sizeof in);
    in.cg = &s->cg;
    in.first_pt = s->first_pt;
    in.packets = s->packets;
    in.padding_only = s->padding_only;
    in.clock_rate = s->clock_rate;
    if (s->clock_peer) {
        const wrtc_stream_t *p = s->clock_peer;
        /* A sibling too short for a clock: its SSRC's on the other path. */
        if (!p->clock_rate && p->ssrc_peer && p->ssrc_peer->clock_rate)
            p = p->ssrc_peer;
        in.peer_ssrc = p->ssrc;
        in.peer_packets = p->packets;
        in.peer_clock_rate = p->clock_rate;
    }
    wrtc_cg_decide(&in, g);
}

void wrtc_stream_guess(const wrtc_stream_t *s, wrtc_cg_result_t *g)
{
    wrtc_cg_result_t peer;
    char ev[sizeof g->evidence + 64];
    stream_guess_own(s, g);
    if (g->confidence != WRTC_CG_UNKNOWN || strcmp(g->media, "unknown") != 0 || !s->ssrc_peer)
        return;
    /* Too short to tell (a few packets on a path ICE left for another):
     * the same SSRC is the same source on the call's other path. */
    stream_guess_own(s->ssrc_peer, &peer);
    if (peer.confidence == WRTC_CG_UNKNOWN && strcmp(peer.media, "unknown") == 0)
        return;
    snprintf(ev, sizeof ev, "as SSRC 0x%08x on its other path (%" G_GUINT64_FORMAT
             " packets): %s", s->ssrc, s->ssrc_peer->packets, peer.evidence);
    *g = peer;
    memcpy(g->evidence, ev, sizeof g->evidence - 1);
    g->evidence[sizeof g->evidence - 1] = '\0';
}

const char *wrtc_stream_media(const wrtc_stream_t *s)
{
    wrtc_cg_result_t g;
    wrtc_stream_guess(s, &g);
    return g.media;             /* a static string */
}

void wrtc_stream_codec_guess(const wrtc_stream_t *s, char *buf, size_t len,
                             char *evidence, size_t elen)
{
    wrtc_cg_result_t g;
    wrtc_stream_guess(s, &g);
    snprintf(buf, len, "%s", g.codec);
    snprintf(evidence, elen, "%s: %s", wrtc_cg_confidence_name(g.confidence), g.evidence);
}

uint64_t wrtc_stream_lost(const wrtc_stream_t *s)
{
    int64_t expected = (int64_t)s->cycles + s->max_seq - s->base_seq + 1;
    int64_t lost = expected - ((int64_t)s->received - s->duplicates);
    if (!s->seq_init || expected <= 0 || lost <= 0)
        return 0;
    return (uint64_t)lost;
}

double wrtc_stream_loss(const wrtc_stream_t *s)
{
    double expected = (double)s->cycles + s->max_seq - s->base_seq + 1;
    uint64_t lost = wrtc_stream_lost(s);
    if (!lost)
        return 0;
    return (double)lost / expected;
}

const wrtc_rr_t *wrtc_stream_report(const wrtc_session_t *s, const wrtc_flow_t *f,
                                    const wrtc_stream_t *st)
{
    const wrtc_rr_t *best = NULL;
    bool best_leg = false;
    guint i, k;
    for (i = 0; i < s->flows->len; i++) {
        const wrtc_flow_t *o = g_ptr_array_index(s->flows, i);
        bool leg = o->leg == f->leg;
        for (k = 0; k < WRTC_LIST_LEN(o->reports); k++) {
            const wrtc_rr_t *r = &g_array_index(o->reports, wrtc_rr_t, k);
            if (r->ssrc != st->ssrc)
                continue;
            if (!best || (leg && !best_leg) || (leg == best_leg && r->frame > best->frame)) {
                best = r;
                best_leg = leg;
            }
        }
    }
    return best;
}

double wrtc_stream_jitter_ms(const wrtc_stream_t *s)
{
    return s->jitter_s * 1000.0;
}

double wrtc_stream_jitter_mean_ms(const wrtc_stream_t *s)
{
    return s->jitter_n ? s->jitter_sum_s / s->jitter_n * 1000.0 : 0;
}

double wrtc_stream_jitter_max_ms(const wrtc_stream_t *s)
{
    return s->jitter_max_s * 1000.0;
}

const wrtc_dc_assoc_t *wrtc_flow_dc_assoc(const wrtc_flow_t *f)
{
    return f->dc ? f->dc->assoc : NULL;
}
