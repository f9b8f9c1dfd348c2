/* session.h — the session model: transport flows (5-tuples) grouped into
 * legs (one ICE/TURN/5-tuple path) and legs into sessions (calls), with the
 * RTP streams (SSRCs) inside the flows and the evidence of every link.
 *
 * Pure C + glib, no epan includes. The epan glue turns each packet into a
 * wrtc_fact_t (plugin/webrtc-facts.c) from the fields of Wireshark's own
 * dissectors; the model never looks at packet bytes.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#ifndef WRTC_SESSION_H
#define WRTC_SESSION_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <glib.h>

#include "codec_guess.h"
#include "datachannel.h"

/* An endpoint: IPv4 (family 4, 4 bytes) or IPv6 (family 6, 16 bytes). */
typedef struct {
    uint8_t  family;
    uint8_t  addr[16];
    uint16_t port;
} wrtc_ep_t;

int  wrtc_ep_cmp(const wrtc_ep_t *a, const wrtc_ep_t *b);       /* total order */
bool wrtc_ep_same_host(const wrtc_ep_t *a, const wrtc_ep_t *b);
/* "192.0.2.1:5000" or "[2001:db8::1]:5000"; `with_port` false: host only. */
void wrtc_ep_format(const wrtc_ep_t *e, bool with_port, char *buf, size_t len);

/* What a packet (or a flow, accumulated) carries. */
enum {
    WRTC_C_STUN        = 1u << 0,
    WRTC_C_TURN        = 1u << 1,   /* TURN methods (RFC 8656) */
    WRTC_C_CHANNELDATA = 1u << 2,
    WRTC_C_DTLS        = 1u << 3,
    WRTC_C_RTP         = 1u << 4,
    WRTC_C_SRTP        = 1u << 5,
    WRTC_C_RTCP        = 1u << 6,
    WRTC_C_SRTCP       = 1u << 7,
    WRTC_C_ZRTP        = 1u << 8,
    WRTC_C_SIP         = 1u << 9,
    WRTC_C_TLS         = 1u << 10,
    WRTC_C_ICE         = 1u << 11,  /* STUN with ICE attributes (RFC 8445 §7.1) */
    WRTC_C_DATA_IND    = 1u << 12,  /* TURN Send/Data indications */
    /* DTLS application-data records (dtls_records.h). On a 5-tuple with
     * ICE they are a data channel (SCTP over DTLS, RFC 8261):
     * wrtc_flow_datachannel(). */
    WRTC_C_DTLS_APP    = 1u << 13
};
/* Fingerprints of WebRTC stacks that survive SRTP (all in clear headers). */
enum {
    WRTC_FP_HDREXT_ONE_BYTE = 1u << 0,  /* RTP header extension 0xBEDE (RFC 8285 §4.2) */
    WRTC_FP_HDREXT_TWO_BYTE = 1u << 1,  /* 0x100X (RFC 8285 §4.3) */
    WRTC_FP_TRANSPORT_CC    = 1u << 2,  /* RTCP RTPFB FMT 15 (transport-wide CC draft) */
    WRTC_FP_NACK            = 1u << 3,  /* RTCP RTPFB FMT 1 (RFC 4585 §6.2.1) */
    WRTC_FP_PLI             = 1u << 4,  /* RTCP PSFB FMT 1 (RFC 4585 §6.3.1) */
    WRTC_FP_FIR             = 1u << 5,  /* RTCP PSFB FMT 4 (RFC 5104 §4.3.1) */
    WRTC_FP_REMB            = 1u << 6,  /* RTCP PSFB FMT 15 (AFB: REMB) */
    WRTC_FP_GOOG_STUN       = 1u << 7,  /* Chrome's STUN attributes 0xC057-0xC05F */
    WRTC_FP_CERT_WEBRTC     = 1u << 8,  /* DTLS certificate name "WebRTC" (DTLS 1.2) */
    WRTC_FP_ICE_UFRAG4      = 1u << 9,  /* ICE ufrags of 4 ice-chars (stun_sig.h) */
    WRTC_FP_ICE_UFRAG32     = 1u << 10, /* ICE ufrags of 32 ice-chars (stun_sig.h) */
    WRTC_FP_MS_STUN         = 1u << 11, /* MS-TURN / MS-ICE2 STUN attributes (stun_sig.h) */
    WRTC_FP_COUNT_BITS      = 12
};
const char *wrtc_fingerprint_name(uint32_t bit);

/* Evidence a header-only capture (snaplen) cut away, per packet (fact) and
 * accumulated per flow: what the summary says it could not see. */
enum {
    WRTC_HIDDEN_ICE     = 1u << 0,  /* STUN attributes (ICE usernames, ...) */
    WRTC_HIDDEN_CERT    = 1u << 1,  /* DTLS handshake messages (certificate, version) */
    WRTC_HIDDEN_CNAME   = 1u << 2,  /* RTCP after its first header (SDES CNAME) */
    WRTC_HIDDEN_SDP     = 1u << 3,  /* SIP message bodies (SDP) */
    WRTC_HIDDEN_PAYLOAD = 1u << 4,  /* RTP payloads (SRTP or RTP, codec headers) */
    WRTC_HIDDEN_RELAYED = 1u << 5,  /* datagrams relayed in TURN Send/Data indications */
    WRTC_HIDDEN_COUNT_BITS = 6
};
const char *wrtc_hidden_name(uint32_t bit);
const char *wrtc_hidden_json(uint32_t bit);   /* "rtcp_sdes", ... */
struct wrtc_flow;
/* WRTC_HIDDEN_* of a flow that no other packet of it made up for. */
uint32_t wrtc_flow_hidden(const struct wrtc_flow *f);

/* A ServerHello seen, its supported_versions extension not captured. */
#define WRTC_DTLS_NOT_CAPTURED 0xFFFF

/* Contents that make a flow part of a real-time session. */
#define WRTC_C_CALL (WRTC_C_STUN | WRTC_C_TURN | WRTC_C_CHANNELDATA | WRTC_C_DTLS | \
                     WRTC_C_RTP | WRTC_C_SRTP | WRTC_C_RTCP | WRTC_C_SRTCP | WRTC_C_ZRTP)

#define WRTC_FACT_MAX_RTP   16
#define WRTC_FACT_MAX_RTCP  8
#define WRTC_FACT_MAX_PEERS 4
#define WRTC_FACT_MAX_SDP   8
#define WRTC_FACT_MAX_RR    8

/* An RTCP reception report block (RFC 3550 §6.4.1, in an SR or RR): what
 * the receiver of SSRC `ssrc` says it got. */
typedef struct {
    uint32_t ssrc;
    uint32_t frame;              /* where it was seen */
    int32_t  cum_lost;           /* cumulative number of packets lost (signed 24 bits) */
    uint32_t jitter;             /* interarrival jitter, in timestamp units */
    uint8_t  fraction;           /* fraction lost since the last report, /256 */
} wrtc_rr_t;

typedef struct {
    uint32_t ssrc;
    uint8_t  pt;
    bool     marker;
    bool     srtp;
    uint16_t seq;
    uint32_t ts;
    uint32_t payload_len;
    bool     padding;            /* the P bit */
    uint8_t  head_len;           /* first bytes of a clear payload (0: SRTP/unknown) */
    uint8_t  head[WRTC_CG_HEAD];
    uint8_t  decrypt;            /* WRTC_DECRYPT_*: SRTP decryption of this packet */
    bool     payload_unseen;     /* no payload byte captured (snaplen) */
} wrtc_rtp_fact_t;

/* What SRTP decryption did with an RTP packet (plugin: webrtc-srtp.c). */
enum {
    WRTC_DECRYPT_NONE = 0,       /* no key applied */
    WRTC_DECRYPT_OK,             /* authenticated and decrypted */
    WRTC_DECRYPT_AUTH_FAILED     /* a key applied, its tag did not verify */
};

/* Everything the model learns from one packet. Strings are copied. */
typedef struct {
    uint32_t  frame;
    double    t;                 /* seconds since the first packet */
    bool      tcp;
    wrtc_ep_t src, dst;
    uint32_t  bytes;             /* frame length */
    uint32_t  captured;          /* bytes of the frame in the capture (< bytes: snaplen) */
    uint32_t  hidden;            /* WRTC_HIDDEN_*: cut away in this packet */
    uint32_t  contents;          /* WRTC_C_* */
    /* STUN/TURN (RFC 8489/8656/8445) */
    uint16_t  stun_method;
    uint8_t   stun_class;        /* 0 request, 1 indication, 2 success, 3 error */
    const char *username;
    const char *realm;
    const char *software;
    bool      has_relayed;
    wrtc_ep_t relayed;           /* XOR-RELAYED-ADDRESS */
    uint8_t   n_peers;
    wrtc_ep_t peers[WRTC_FACT_MAX_PEERS];  /* XOR-PEER-ADDRESS */
    uint16_t  channel;
    bool      stun_cut;          /* a message's attributes were not all captured */
    bool      binding_request;   /* a STUN Binding request, also one inside TURN */
    bool      relay_cut;         /* a Send/Data indication whose relayed datagram was cut */
    bool      check_sized;       /* a cut Binding request as long as an ICE check */
    /* DTLS: 0xFEFD (1.2) or 0xFEFC (1.3) once the ServerHello says so;
     * WRTC_DTLS_NOT_CAPTURED: a ServerHello whose version was cut away */
    uint16_t  dtls_version;
    uint32_t  dtls_app_records;  /* DTLS application-data records (dtls_records.h) */
    uint32_t  dtls_app_bytes;    /* ... their lengths, record headers included */
    /* RTP / RTCP */
    uint8_t   n_rtp;
    wrtc_rtp_fact_t rtp[WRTC_FACT_MAX_RTP];
    const char *srtp_key;        /* where the SRTP key used/tried came from */
    uint8_t   n_rtcp;
    uint32_t  rtcp_ssrc[WRTC_FACT_MAX_RTCP];
    uint8_t   n_rr;              /* reception report blocks (plain or decrypted RTCP) */
    wrtc_rr_t rr[WRTC_FACT_MAX_RR];
    /* SIP/SDP */
    const char *sip_call_id;
    uint8_t   n_sdp;
    wrtc_ep_t sdp[WRTC_FACT_MAX_SDP];  /* c= address with each m= port */
    /* TLS */
    const char *tls_sni;
    /* Identity of an endpoint that several transports share: the DTLS
     * certificate (visible up to DTLS 1.2) and RTCP SDES CNAMEs (RFC 3550
     * §6.5.1: one CNAME per participant across its RTP sessions). */
    const char *dtls_cert;       /* certificate serial number, as text */
    uint8_t   n_cname;
    const char *cname[4];
    /* WebRTC fingerprints seen in this packet (WRTC_FP_*). */
    uint32_t  fingerprints;
    /* Only rtp[].ssrc is known (the fields were not available): enough to
     * place a packet, not to learn from it. wrtc_model_add ignores it. */
    bool      ssrc_only;
    /* An RTP packet a one-pass run dissected before its flow (or SSRC) was
     * recognised, so neither the run's RTP taps nor the model count it:
     * only tallied per 5-tuple, for the summary to say so. */
    bool      not_counted;
    /* SCTP DATA chunks of decrypted DTLS application data (data channels,
     * RFC 8831), from Wireshark's SCTP and DCEP fields; NULL when none.
     * Lives as long as the packet. */
    uint8_t   n_dc_chunks;
    const wrtc_dc_chunk_t *dc_chunks;
    /* Read on the capture's first pass (the session model still learning):
     * where the packet belongs is not final yet (the stats tree). */
    bool      first_pass;
} wrtc_fact_t;

void wrtc_fact_init(wrtc_fact_t *f);

typedef struct {
    double   idle_gap_s;          /* a 5-tuple idle longer than this is a new flow */
    uint32_t max_flows;           /* bounded state: flows beyond are not tracked */
    uint32_t max_streams_per_flow;
} wrtc_model_config_t;

void wrtc_model_config_default(wrtc_model_config_t *c);

typedef struct wrtc_model wrtc_model_t;

wrtc_model_t *wrtc_model_new(const wrtc_model_config_t *cfg);
void wrtc_model_free(wrtc_model_t *m);
void wrtc_model_add(wrtc_model_t *m, const wrtc_fact_t *f);
/* Group flows into legs and sessions (idempotent; re-run after more adds). */
void wrtc_model_finish(wrtc_model_t *m);

/* ---- read access after wrtc_model_finish ------------------------------- */

typedef enum {
    WRTC_ROLE_PEER = 0,
    WRTC_ROLE_TURN_SERVER,
    WRTC_ROLE_RELAYED_PEER,
    WRTC_ROLE_MEDIA_SERVER,      /* SFU or media server: answers ICE, never asks (ICE-lite) */
    WRTC_ROLE_STUN_SERVER,       /* answers plain STUN Binding (no ICE attributes) */
    WRTC_ROLE_SIGNALING,         /* SIP */
    WRTC_ROLE_NO_ANSWER,         /* ICE checks sent to it, never answered, no media */
    WRTC_ROLE_STUN_NO_ANSWER     /* plain STUN Binding sent to it, never answered */
} wrtc_role_t;
const char *wrtc_role_name(wrtc_role_t r);

#define WRTC_SEQ_WINDOW 128
#define WRTC_MAX_DIGITS 64

typedef struct wrtc_stream {
    uint32_t ssrc;
    uint8_t  dir;                /* 0: flow ep[0] -> ep[1] */
    uint8_t  pt_bitmap[16];
    uint8_t  first_pt;
    bool     srtp;
    uint64_t packets, bytes, payload_bytes;
    uint32_t padding_only;       /* packets without payload (e.g. RTX probes) */
    uint32_t markers;
    double   first_t, last_t;
    uint32_t first_frame;
    /* RFC 3550 A.1/A.3 sequence accounting */
    uint16_t max_seq;
    uint32_t cycles, base_seq, received;
    /* timestamps for the clock estimate and RFC 3550 A.8 jitter */
    uint32_t first_ts, last_ts;
    int64_t  ts_advance;
    double   transit_prev;       /* seconds */
    bool     have_transit;
    double   jitter_s;           /* RFC 3550 A.8, at the running clock estimate */
    /* ... its mean and maximum over the stream's packets (each packet's
     * running value, from the second packet with a known clock on) */
    double   jitter_sum_s, jitter_max_s;
    uint32_t jitter_n;
    /* the longest time between two consecutive packets, and when it began */
    double   max_gap_s, max_gap_at;
    /* Duplicates (an extended sequence number seen before) and late
     * packets (below the highest seen, not duplicates), told apart by a
     * bitmap of the last WRTC_SEQ_WINDOW extended sequence numbers (bit
     * ext % WRTC_SEQ_WINDOW); a packet older than the window counts as
     * out of order. */
    uint32_t duplicates, out_of_order;
    uint64_t seq_seen[2];
    /* RFC 4733 events read in clear (or decrypted) payloads: one 4-byte
     * event block, code 0-15 (DTMF 0-9 * # A-D, RFC 4733 §3.2), counted
     * once per RTP timestamp (all packets of an event share it, §2.5.1.2).
     * `digits` is heap, allocated on the first event (most streams have
     * none); at most WRTC_MAX_DIGITS are kept, `n_events` counts all. */
    char    *digits;
    uint32_t n_events;
    uint32_t ev_ts;
    uint8_t  ev_pt;
    bool     ev_have;
    bool     first_pt_media;     /* a packet of the first PT was not an event block */
    /* clock estimate: timestamp advance per second over ~0.5 s windows */
    double   win_t;
    int64_t  win_ts;
    float    rates[32];
    uint8_t  n_rates;
    uint32_t clock_rate;         /* estimated (0: unknown) */
    bool     seq_init;
    wrtc_cg_t cg;                /* media kind / codec evidence (codec_guess.h) */
    /* The sibling (same flow and direction) whose timestamps this stream's
     * stay near (RTX evidence). A pointer: streams are allocated one by one
     * and live as long as their flow, so it stays valid. */
    const struct wrtc_stream *clock_peer;
    /* The longest stream of the same SSRC in the session, on another flow
     * (set by wrtc_model_finish; NULL: none): its guess stands in for a
     * stream too short for one. */
    const struct wrtc_stream *ssrc_peer;
    /* SRTP decryption (only when a key applied) */
    uint32_t decrypted, auth_failed;
    char    *key_source;         /* the last key used (or tried); NULL: none.
                                  * Heap, only on keyed streams: most streams
                                  * have no key and pay one pointer. */
} wrtc_stream_t;

/* A flow's DTLS application data (a data channel when the flow has ICE),
 * allocated on its first such record: most flows have none. */
#define WRTC_DC_MAX_PERIODS 16
typedef struct {
    double   first_t, last_t;
    uint64_t records, bytes;
} wrtc_dc_period_t;

typedef struct {
    uint64_t records[2], bytes[2];   /* per direction (flow ep[0] -> ep[1] is 0) */
    double   first_t[2], last_t[2];
    uint32_t first_frame;            /* the first record (both directions) */
    uint32_t dir_first_frame[2];     /* ... of each direction */
    /* Active periods: records no more than WRTC_DC_PERIOD_GAP_S apart
     * (both directions together). The first WRTC_DC_MAX_PERIODS are kept,
     * all are counted. */
    uint32_t n_periods;
    double   period_last_t;          /* the latest record's time */
    wrtc_dc_period_t period[WRTC_DC_MAX_PERIODS];
    /* The channels decrypted on the flow (its SCTP association, with
     * keys: datachannel.h); NULL until the first DATA chunk. Here rather
     * than in wrtc_flow_t: only a flow with DTLS application data has any. */
    wrtc_dc_assoc_t *assoc;
} wrtc_dc_activity_t;

typedef struct wrtc_flow {
    uint32_t  index;             /* creation order */
    bool      tcp;
    wrtc_ep_t ep[2];             /* ep[0] sent the first packet we saw */
    double    first_t, last_t;
    uint32_t  first_frame, last_frame;
    uint64_t  packets[2], bytes[2];
    uint32_t  contents;
    uint32_t  content_frame[16]; /* first frame of each WRTC_C_* bit (bit index) */
    uint32_t  fingerprints;      /* WRTC_FP_* seen */
    uint32_t  hidden;            /* WRTC_HIDDEN_* of its packets, where not seen elsewhere */
    uint32_t  fp_frame[16];      /* first frame of each fingerprint (bit index) */
    uint16_t  dtls_version;
    bool      binding_req[2];    /* who sent STUN Binding requests */
    bool      binding_resp[2];   /* who sent STUN Binding success responses */
    uint16_t  binding_reqs[2];   /* how many Binding requests (saturating) */
    bool      binding_cut[2];    /* ... of which the attributes were not captured */
    uint64_t  packets_media[2];  /* RTP/RTCP packets each way */
    uint32_t  binding_cut_frame; /* the first such request */
    bool      check_sized;       /* ... one of them as long as an ICE check */
    bool      ice_inferred;      /* ICE from checks whose attributes were cut (below) */
    bool      relay_cut[2];      /* Send/Data indications each way, contents cut */
    uint32_t  relay_cut_frame;
    bool      turn_req[2];       /* who sent TURN requests (the client) */
    bool      rtcp_mux;          /* RTCP on a flow that also carries RTP */
    /* Per-flow lists (at most WRTC_MAX_LIST entries each) are allocated on
     * their first entry: NULL while empty, so read their length with
     * WRTC_LIST_LEN. Most flows never fill most of them (a STUN-only or
     * RTP-only 5-tuple uses one or two), and eleven empty arrays and a hash
     * table per flow were most of the model's memory. */
    GPtrArray *ice_pairs;        /* normalized "a:b" ufrag pairs (char *) */
    GPtrArray *turn_users;       /* "user@realm" */
    GPtrArray *software;         /* "EP<TAB>SOFTWARE" strings */
    GPtrArray *call_ids;
    GArray    *relayed;          /* wrtc_ep_t */
    GArray    *peers;            /* wrtc_ep_t */
    GArray    *channels;         /* uint16_t */
    GArray    *sdp;              /* wrtc_ep_t */
    GArray    *sdp_call;         /* guint8: the call_ids index of each sdp entry */
    GPtrArray *certs;            /* DTLS certificate serials seen */
    GPtrArray *cnames;           /* RTCP SDES CNAMEs seen */
    GPtrArray *stream_list;      /* wrtc_stream_t*, in first-seen order */
    /* The last reception report block per reported SSRC (wrtc_rr_t, at
     * most WRTC_MAX_REPORTS; NULL: none): the reports travel on the RTCP
     * flow (port + 1 or rtcp-mux), the stream they describe on its RTP
     * flow, so wrtc_stream_report() looks them up in the session. */
    GArray    *reports;
    wrtc_dc_activity_t *dc;      /* DTLS application data; NULL: none */
    uint32_t  dropped_streams;
    /* Caps hit (bounded state): the frame of the first SSRC not tracked
     * (WRTC_CAP_STREAMS) and of the first list entry not kept
     * (WRTC_CAP_LIST, in list `cap_list`); 0 while not hit. */
    uint32_t  cap_frame[2];
    wrtc_role_t remote_role;     /* grouping (below), here where it packs */
    const char *cap_list;
    struct wrtc_flow *prev_gen;  /* the earlier flow on the same 5-tuple */
    /* grouping, filled by wrtc_model_finish */
    uint32_t  uf;                /* union-find parent (flow index) */
    int       leg;               /* -1 when not in a session */
    int       session;
    int       local;             /* 0/1: which endpoint is "local" */
    bool      sdp_named;         /* a SIP call's SDP names one of its endpoints */
} wrtc_flow_t;

#define WRTC_MAX_LIST 8
#define WRTC_MAX_REPORTS 16
#define WRTC_LIST_LEN(a) ((a) ? (a)->len : 0u)

/* The caps of the model's state (docs/robustness.md). */
typedef enum {
    WRTC_CAP_STREAMS = 0,        /* per flow: cfg.max_streams_per_flow SSRCs */
    WRTC_CAP_LIST,               /* per flow: WRTC_MAX_LIST entries per list */
    WRTC_CAP_FLOWS,              /* per model: cfg.max_flows flows */
    WRTC_CAP_TLS                 /* per model: WRTC_MAX_TLS TLS connections */
} wrtc_cap_t;

typedef struct {
    int      id;                 /* 1-based within the session */
    GPtrArray *flows;            /* wrtc_flow_t* */
    GPtrArray *evidence;         /* char*: why its flows are one leg */
} wrtc_leg_t;

typedef struct {
    int      id;                 /* 1-based, by first packet */
    double   first_t, last_t;
    GPtrArray *legs;             /* wrtc_leg_t* */
    GPtrArray *flows;            /* wrtc_flow_t*, by first packet */
    GPtrArray *evidence;         /* char*: why its legs are one session */
    GPtrArray *related;          /* char*: "session N: evidence" */
    GArray   *related_ids;       /* int */
} wrtc_session_t;

/* A TLS connection (HTTPS, secure WebSocket): the web signaling that may
 * have set a call up. Not part of any session. */
typedef struct {
    bool      tcp;
    wrtc_ep_t client, server;    /* client: the side that sent first */
    double    first_t;
    uint32_t  first_frame;
    char     *sni;
} wrtc_tls_flow_t;

/* The capture's point of view (wrtc_model_finish): the capture host. */
typedef struct {
    bool      have;              /* a single capture host: local/remote */
    wrtc_ep_t host;              /* the host in the most flows (port 0) */
    uint32_t  flows_with, flows_total;
    bool      tied;              /* another host is in as many flows */
    bool      both_ends;         /* it is at both ends of every flow (loopback) */
} wrtc_pov_t;
const wrtc_pov_t *wrtc_model_point_of_view(const wrtc_model_t *m);

const GPtrArray *wrtc_model_sessions(const wrtc_model_t *m);
/* Incremented each time wrtc_model_finish regroups: results derived from
 * the sessions (e.g. cached verdicts) are valid for one generation. */
uint32_t wrtc_model_generation(const wrtc_model_t *m);
const GPtrArray *wrtc_model_tls_flows(const wrtc_model_t *m);
const GPtrArray *wrtc_model_flows(const wrtc_model_t *m);
/* Flows with STUN that belong to no call (plain Binding requests to a STUN
 * server from ports no call uses: address discovery, NAT tests), in
 * first-seen order. Valid after wrtc_model_finish. */
const GPtrArray *wrtc_model_stun_outside(const wrtc_model_t *m);
uint32_t wrtc_model_dropped_flows(const wrtc_model_t *m);
/* The capture's snaplen as its cut packets show it (their captured length),
 * 0 when no packet was cut. */
uint32_t wrtc_model_snaplen(const wrtc_model_t *m);
/* RTP packets of a one-pass run not counted (wrtc_fact_t.not_counted):
 * in the whole capture, and on one flow's 5-tuple. */
uint32_t wrtc_model_not_counted(const wrtc_model_t *m);
uint32_t wrtc_flow_not_counted(const wrtc_model_t *m, const wrtc_flow_t *f);
/* Every frame's captured and on-the-wire length (cheap; the model keeps
 * the first cut one's captured length as the snaplen). */
void wrtc_model_note_frame(wrtc_model_t *m, uint32_t captured, uint32_t bytes);
/* The frame where a model-wide cap (WRTC_CAP_FLOWS, WRTC_CAP_TLS) was
 * first hit, 0 if never; and whether `frame` hit any cap, per flow or
 * model-wide (O(1): the test before looking a packet's flow up). */
uint32_t wrtc_model_cap_frame(const wrtc_model_t *m, wrtc_cap_t cap);
bool wrtc_model_cap_at(const wrtc_model_t *m, uint32_t frame);

/* The flow a packet belongs to (NULL if untracked), and its session id
 * (0: none). Valid after wrtc_model_finish. */
void wrtc_model_decrypted_late(wrtc_model_t *m, bool tcp, const wrtc_ep_t *src,
                               const wrtc_ep_t *dst, double t, uint32_t ssrc);
/* The decrypted channels of a flow (NULL: none). */
const wrtc_dc_assoc_t *wrtc_flow_dc_assoc(const wrtc_flow_t *f);
const wrtc_flow_t *wrtc_model_lookup(const wrtc_model_t *m, bool tcp, const wrtc_ep_t *src,
                                     const wrtc_ep_t *dst, double t);

/* Media kind and codec guess of a stream, with confidence and evidence
 * (codec_guess.h); the two below are shorthands of it. */
void wrtc_stream_guess(const wrtc_stream_t *s, wrtc_cg_result_t *g);
const char *wrtc_stream_media(const wrtc_stream_t *s);
void wrtc_stream_codec_guess(const wrtc_stream_t *s, char *buf, size_t len,
                             char *evidence, size_t elen);
/* RFC 3550 A.3: expected (extended highest - first + 1) minus the distinct
 * packets received (duplicates not counted), never negative. */
uint64_t wrtc_stream_lost(const wrtc_stream_t *s);
double wrtc_stream_loss(const wrtc_stream_t *s);     /* fraction 0..1: lost / expected */
/* The last reception report block about `st` (flow `f` of session `s`):
 * one seen on a flow of the stream's own leg first, else anywhere in the
 * session, the latest frame; NULL: none. */
const wrtc_rr_t *wrtc_stream_report(const wrtc_session_t *s, const wrtc_flow_t *f,
                                    const wrtc_stream_t *st);
/* The flow's data-channel activity: its DTLS application data when the
 * flow carries ICE (DTLS without ICE is never a WebRTC data channel,
 * RFC 8831 §5); NULL otherwise. */
const wrtc_dc_activity_t *wrtc_flow_datachannel(const wrtc_flow_t *f);

double wrtc_stream_jitter_ms(const wrtc_stream_t *s);      /* final running value */
double wrtc_stream_jitter_mean_ms(const wrtc_stream_t *s);
double wrtc_stream_jitter_max_ms(const wrtc_stream_t *s);

#endif /* WRTC_SESSION_H */
