/* webrtc-flow.h — per-5-tuple state of the demultiplexer, kept as
 * conversation data of the exact UDP 5-tuple, and the conversation set-up
 * that hands a found media flow to Wireshark's RTP/RTCP dissectors.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#ifndef WEBRTC_FLOW_H
#define WEBRTC_FLOW_H

#include "webrtc-plugin.h"

#include <epan/conversation.h>
#include <epan/dissectors/packet-rtp.h>

#include "corroborate.h"
#include "entropy.h"
#include "rfc4733.h"
#include "srtcp_layout.h"
#include "thresholds.h"

/* Why a flow is taken as media (webrtc.flow.reason). */
typedef enum {
    WEBRTC_REASON_NONE = 0,
    WEBRTC_REASON_ICE,           /* STUN on the 5-tuple: an ICE transport */
    WEBRTC_REASON_DTLS,          /* DTLS on the 5-tuple: DTLS-SRTP (RFC 5764) */
    WEBRTC_REASON_ZRTP,          /* ZRTP on the 5-tuple (RFC 6189) */
    WEBRTC_REASON_TURN,          /* inside a TURN channel or indication */
    WEBRTC_REASON_CORROBORATED,  /* RTP headers agreed across packets */
    WEBRTC_REASON_RTCP_PAIR,     /* RTCP on port+1 of a found RTP flow */
    WEBRTC_REASON_SRTP_KEY       /* a configured SRTP key authenticates it */
} webrtc_reason_t;

extern const value_string webrtc_reason_vals[];

/* An RTP packet seen (first pass) before its flow was recognised: the
 * header the corroboration already parsed, replayed into the whole-capture
 * session model once the flow is claimed, so that the model counts it. */
typedef struct {
    guint32 frame;
    double  t;                   /* seconds since the first packet */
    guint32 bytes;               /* frame length */
    guint8  dir;                 /* 0: sent by addr[0] */
    guint8  pt;
    gboolean marker;
    guint16 seq;
    guint32 ts;
    guint32 ssrc;
    guint32 payload_len;
} webrtc_pending_rtp_t;

/* RTP held per flow, at most (below): about 16 s of a bundled audio+video
 * call at 500 packets/s, the longest a consent check (RFC 7675 §5.1: every
 * 5 s) leaves a call that began before the capture unclaimed. Full, the
 * oldest half goes: the stream then starts later, never with a false gap. */
#define WEBRTC_MAX_HELD_RTP 8192

/* RTP packets the session model has not counted yet because the flow is
 * not claimed, or (ICE/TURN without DTLS) their SSRC is not confirmed: the
 * packets a later pass dissects as RTP once the flow or the SSRC is known.
 * Counted when that happens (webrtc_flow_release_rtp), so that the model's
 * streams equal the RTP dissection of a two-pass run packet for packet. */
typedef struct {
    webrtc_pending_rtp_t *v;     /* file scope; released when emptied */
    guint32 n, size;
    guint32 dropped;             /* oldest ones given up at the cap */
} webrtc_held_rtp_t;

/* An SSRC seen on a flow whose RTP-class packets are not known to be RTP by
 * the flow's context alone (ICE or TURN without DTLS/ZRTP: messengers run
 * their own protocols after ICE, and a random datagram is RTP-class one
 * time in four). */
typedef struct {
    guint32  ssrc;
    guint16  seq;                /* the latest packet's */
    guint8   dir;
    gboolean confirmed;          /* a second packet followed in sequence */
} webrtc_ssrc_cand_t;

/* SSRC candidates kept per such flow, at most. */
#define WEBRTC_MAX_SSRC_CANDIDATES 16

/* The second corroboration candidate of a direction, with the packet that
 * started it (as pending_start for the first). */
typedef struct webrtc_alt_track {
    wrtc_track_t         track;
    webrtc_pending_rtp_t start;
    gboolean             have_start;
} webrtc_alt_track_t;

#define WEBRTC_TCP_CHANNELS 4

typedef struct webrtc_flow {
    /* The 5-tuple as first seen: endpoint 0 sent the first packet. */
    address  addr[2];
    guint32  port[2];
    port_type ptype;             /* PT_UDP, or PT_TCP inside TURN-over-TCP */
    guint32  first_frame;        /* first frame of the 5-tuple we saw */
    gboolean inside_turn;        /* the media is inside TURN on this 5-tuple */

    /* Context: first frames of each kind (0 = never). */
    guint32  stun_frame;
    guint32  dtls_frame;
    guint32  zrtp_frame;
    gboolean turn_methods;       /* Allocate/ChannelBind/... seen */
    gboolean stun_requests;      /* STUN requests/indications seen */
    gboolean stun_ice_requests;  /* ... one of them an ICE check (or cut) */

    /* Media, once claimed (first pass decides; later passes read). A flow
     * with context (ICE/STUN, DTLS, ZRTP, TURN) is claimed on its first
     * context packet, before any media, so that one pass shows every media
     * packet; SRTP or RTP may be decided later (srtp_decided). */
    guint32  media_frame;        /* frame where the flow was claimed */
    guint8   reason;             /* webrtc_reason_t */
    gboolean key_signaled;       /* SRTP_KEY: the key came from SDP (SDES), i.e. signaling */
    gboolean is_rtcp_only;       /* an RTCP-only flow (port+1) */
    gboolean srtp;               /* set up as SRTP (provisional until srtp_decided) */
    gboolean srtp_decided;       /* SRTP or RTP is known (DTLS, ZRTP, a key, payloads) */
    guint32  srtp_frame;         /* frame where that was decided */
    const char *srtp_evidence;   /* file-scope text: why SRTP or RTP */
    const char *evidence;        /* file-scope text shown with the claim */
    guint32  rtcp_mux_frame;     /* first RTCP frame of a flow that also has RTP */
    guint32  first_rtp_frame;
    guint32  turn_media_frame;   /* first media frame inside TURN */
    guint16  turn_channel;
    /* TURN over TCP: channel numbers framed on this connection and the
     * frame each was first framed in (first pass), so that a segment cut
     * by the snaplen can be trusted to start at a message (webrtc-tcp.c). */
    guint16  tcp_channel[WEBRTC_TCP_CHANNELS];
    guint32  tcp_channel_frame[WEBRTC_TCP_CHANNELS];

    /* Evidence still being gathered on the first pass. */
    wrtc_track_t   track[2];     /* per direction */
    /* A second candidate per direction, allocated when a second SSRC shows
     * up (two participants through one server, interleaved): a flow of one
     * packet per 5-tuple never allocates it. */
    struct webrtc_alt_track *alt_track[2];
    wrtc_entropy_t *entropy;     /* while SRTP vs RTP is undecided */
    guint32  corroborated_frame;
    guint32  rtcp_pending_frame; /* RTCP seen before its RTP flow was found */
    gboolean rtcp_pending_srtcp; /* ... and it was SRTCP-shaped */
    /* RTP not counted yet (above), allocated once the flow shows evidence
     * (a packet agreeing with its direction's track, or context); before
     * that each direction keeps the one packet that started its track, so
     * that random datagrams (each its own "track") allocate nothing. */
    webrtc_held_rtp_t *held;
    webrtc_pending_rtp_t pending_start[2];
    gboolean have_pending_start[2];
    guint32  rtcp_pair_frame;    /* first RTCP frame dissected after pairing */

    webrtc_ssrc_cand_t *ssrc_cand;   /* allocated on first use */
    guint8   n_ssrc_cand;
    guint8   n_ssrc_waiting;     /* first packets waiting for another flow's proof */

    /* Hand-off to Wireshark's RTP/RTCP dissectors. */
    rtp_dyn_payload_t *dyn;      /* our payload-type map for the flow */
    struct srtp_info  *srtp_info;   /* for SRTP */
    struct srtp_info  *srtcp_info;  /* for SRTCP (trailer layout differs) */
    wrtc_srtcp_layout_t srtcp_layout;

    /* RFC 4733 validation per dynamic payload type (allocated on first use:
     * only claimed plain-RTP flows need it). */
    wrtc_events_t *events;
    guint         n_events;
    guint8        dyn_seen[16];  /* bitmap of PTs entered in `dyn` */
} webrtc_flow_t;


/* The flow state for this packet's exact 5-tuple (outer, or the media
 * inside TURN when `inner`); created on the first pass when `create`. */
webrtc_flow_t *webrtc_flow_get(packet_info *pinfo, gboolean inner, gboolean create);

/* 0 or 1: which endpoint sent this packet. */
int webrtc_flow_dir(const webrtc_flow_t *f, const packet_info *pinfo);

/* Make our demultiplexer the dissector of the 5-tuple from its first frame
 * on, so that every packet (also earlier ones on a second pass) comes to us
 * before any other heuristic (the STUN heuristic would otherwise keep the
 * 5-tuple, Wireshark issue 18832). */
void webrtc_flow_take_conversation(packet_info *pinfo, webrtc_flow_t *f);

/* Set the flow up as RTP/SRTP (+ muxed RTCP) with Wireshark, first pass. */
/* Nothing but ICE or TURN found the flow (no DTLS, ZRTP, key or
 * corroboration): its RTP-class packets need not be RTP. */
gboolean webrtc_flow_needs_confirmation(const webrtc_flow_t *f);

/* The flow's set-up method for Wireshark's RTP/RTCP (at most 9
 * characters): how it was found, from its reason. */
const char *webrtc_flow_setup_method(const webrtc_flow_t *f);

void webrtc_flow_claim_media(packet_info *pinfo, webrtc_flow_t *f, webrtc_reason_t why,
                             const char *evidence);

/* SRTP or RTP decided for the flow (first pass): a claimed flow set up as
 * RTP that turns out SRTP is set up again as SRTP (and its RTCP on port+1),
 * so the packets from here on are shown as SRTP. */
void webrtc_flow_decide_srtp(packet_info *pinfo, webrtc_flow_t *f, gboolean srtp,
                             const char *why);

/* Is this RTP-class packet RTP? TRUE on flows whose context proves it (DTLS,
 * ZRTP, a key, corroborated headers); on an ICE/TURN flow without them, once
 * its SSRC was followed by a second packet in sequence in the same direction
 * (RFC 3550 §5.1): the first packet then goes to the session model. Later
 * passes answer from the first pass's result. */
gboolean webrtc_flow_ssrc_known(packet_info *pinfo, webrtc_flow_t *f, const wrtc_rtp_hdr_t *h);
/* The model's replay of RTP a later pass dissects but this one did not
 * count yet (webrtc_held_rtp_t). Holding and releasing do nothing when the
 * run taps its first pass (tshark without -2): then the summary counts
 * what that pass dissected as RTP, as Wireshark's RTP taps of the run do. */
gboolean webrtc_flow_holds_rtp(packet_info *pinfo);
/* FALSE in such a one-pass run: the held packets are then only tallied
 * (wrtc_fact_t.not_counted) for the summary to say how many. */
gboolean webrtc_flow_counts_held(packet_info *pinfo);
void webrtc_flow_hold_rtp(webrtc_flow_t *f, const webrtc_pending_rtp_t *e);
/* The start packets of the tracks (pending_start) into the held list. */
void webrtc_flow_move_starts(webrtc_flow_t *f);
/* Count the held packets a claimed flow now shows as RTP: all of them on
 * a flow whose SSRCs need no confirmation, else those of the confirmed
 * SSRCs; except_frame's are dissected as RTP now and counted from there. */
void webrtc_flow_release_rtp(webrtc_flow_t *f, guint32 except_frame);
/* The held-packet record of this RTP packet. */
void webrtc_flow_pending_of(packet_info *pinfo, const webrtc_flow_t *f, const wrtc_rtp_hdr_t *h,
                            webrtc_pending_rtp_t *e);
void webrtc_flow_register(void);
/* The SSRC of this RTP-class packet was dissected as RTP before. */
gboolean webrtc_flow_ssrc_seen(const guint8 *p, size_t len);

/* Set the flow up as RTCP/SRTCP only (RTCP on port+1), first pass; SRTCP
 * when its RTP flow is SRTP or the RTCP itself is `srtcp`-shaped. */
void webrtc_flow_claim_rtcp(packet_info *pinfo, webrtc_flow_t *f, const webrtc_flow_t *rtp_flow,
                            gboolean srtcp);

/* The found RTP flow whose ports are one below this flow's, or NULL. */
webrtc_flow_t *webrtc_flow_rtp_of_rtcp(packet_info *pinfo, const webrtc_flow_t *f);

/* Enter a dynamic payload type into the flow's map (first sight) and feed
 * the RFC 4733 validator (plain RTP, or SRTP the plugin `decrypted`) with
 * the `captured` payload bytes; updates the map when it decides. Returns the
 * validator state for the PT, or NULL when the PT is not tracked. */
wrtc_events_t *webrtc_flow_payload_type(packet_info *pinfo, webrtc_flow_t *f,
                                        const wrtc_rtp_hdr_t *h, const guint8 *payload,
                                        size_t captured, gboolean decrypted);

/* webrtc-rtp.c: Wireshark's RTP dissector on a packet of the flow whose
 * header `h` the demultiplexer validated; the "rtp" tap sees it even when
 * the capture cut its header or padding count. */
int webrtc_rtp_call_dissector(tvbuff_t *tvb, packet_info *pinfo, proto_tree *tree,
                              proto_tree *wtree, const webrtc_flow_t *f,
                              const wrtc_rtp_hdr_t *h);
void webrtc_rtp_handoff(void);

/* Apply a decided SRTCP trailer layout to the flow's SRTCP info. */
void webrtc_flow_srtcp_layout(webrtc_flow_t *f, const guint8 *p, size_t len);

#endif
