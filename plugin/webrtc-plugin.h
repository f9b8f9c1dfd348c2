/* webrtc-plugin.h — what the plugin's epan files share: the protocol id,
 * field and expert ids, preferences, and the handles of Wireshark's own
 * dissectors that packets are handed to.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#ifndef WEBRTC_PLUGIN_H
#define WEBRTC_PLUGIN_H

#include <wireshark.h>
#include <epan/packet.h>
#include <epan/expert.h>

#include "compat.h"

void proto_register_webrtc(void);
void proto_reg_handoff_webrtc(void);

extern int proto_webrtc;

/* Per-packet data keys (pinfo->pool) of proto_webrtc. */
#define WEBRTC_PDATA_MARK_OUTER 0
#define WEBRTC_PDATA_MARK_INNER 1
#define WEBRTC_PDATA_SSRC       2   /* webrtc_rtp_pkt_t: the RTP packet demultiplexed */
/* File scope: guint32 SSRC of an RTP packet Wireshark decoded without the
 * demultiplexer (SIP/SDP set-up), kept from the first pass for the
 * webrtc.media/codec_guess fields of later passes. */
#define WEBRTC_PDATA_RTP_SSRC   3

/* What the demultiplexer read of an RTP packet (pinfo->pool), for the facts:
 * exact also when the capture holds only the header. */
typedef struct {
    guint32  ssrc;
    guint32  payload_len;        /* on the wire, padding removed where known */
    gboolean srtp;               /* the flow is taken as SRTP */
    gboolean payload_captured;   /* some payload bytes are in the capture */
    gboolean padding_known;      /* no padding, or its count was captured */
} webrtc_rtp_pkt_t;

/* What the demultiplexer read of the STUN messages of a packet (pinfo->pool,
 * WEBRTC_PDATA_STUN): Wireshark's STUN dissector gives up on a message whose
 * header the snaplen cut (inside a ChannelData, say). */
typedef struct {
    gboolean binding_request;    /* a Binding request (RFC 8489 §5), maybe inside TURN */
    gboolean cut;                /* a message's attributes not all captured */
    gboolean turn;               /* a TURN method (RFC 8656) */
    gboolean relay_cut;          /* a Send/Data indication whose DATA was not captured */
    gboolean check_sized;        /* a Binding request as long as an ICE check (cut) */
} webrtc_stun_pkt_t;
#define WEBRTC_PDATA_STUN       4
/* The DTLS application-data records of a packet (pinfo->pool), from their
 * headers (webrtc-dtls-records.c): a data channel on a WebRTC transport. */
typedef struct {
    guint32  app_records;
    guint32  app_bytes;
} webrtc_dtls_pkt_t;
#define WEBRTC_PDATA_DTLS_APP   8
void webrtc_dtls_records_register(void);
/* Count the application-data records of DTLS datagram `p` for the facts;
 * `on_ice`: the 5-tuple carries ICE checks, so they are a data channel
 * (webrtc.datachannel in `tree`). */
void webrtc_dtls_records_note(tvbuff_t *tvb, packet_info *pinfo, proto_tree *tree,
                              gboolean on_ice, const guint8 *p, size_t len, size_t wire);
#define WEBRTC_PDATA_TURN_PORT  5   /* the packet came through UDP port 3478 */
/* wmem_list_t of the tvbs (data sources) of RTP packets handed to Wireshark's
 * RTP dissector with the P bit cleared (webrtc-rtp.c): the facts read the
 * P bit from the wire. */
#define WEBRTC_PDATA_PADDING_CLEARED 6
/* proto_item *: the frame's first WebRTC item (the demultiplexer's or the
 * SDES one); the session postdissector puts its subtree under it, so that a
 * frame has one WebRTC item per layer (webrtc_note_tree_item). */
#define WEBRTC_PDATA_TREE_ITEM 7
void webrtc_note_tree_item(packet_info *pinfo, proto_item *ti);
proto_item *webrtc_tree_item(packet_info *pinfo);

/* Fields (packet-webrtc.c registers them). */
extern int hf_webrtc_class;
extern int hf_webrtc_flow_reason;
extern int hf_webrtc_flow_frame;
extern int hf_webrtc_flow_srtp;
extern int hf_webrtc_turn_channel;
extern int hf_webrtc_srtcp_encrypted;
extern int hf_webrtc_rfc4571_length;
extern int hf_webrtc_session;
extern int hf_webrtc_leg;
extern int hf_webrtc_verdict;
extern int hf_webrtc_leg_verdict;
extern int hf_webrtc_score;
extern int hf_webrtc_trait[9];   /* in wrtc_trait_t order */
extern int hf_webrtc_media;
extern int hf_webrtc_codec_guess;
extern int hf_webrtc_server_software;
extern int hf_webrtc_server_product;
extern gint ett_webrtc_session;
extern gint ett_webrtc;
extern gint ett_webrtc_traits;

/* Expert infos. */
extern expert_field ei_webrtc_rtp_detected;
extern expert_field ei_webrtc_media_transport;
extern expert_field ei_webrtc_rtcp_mux;
extern expert_field ei_webrtc_rtcp_paired;
extern expert_field ei_webrtc_event_accepted;
extern expert_field ei_webrtc_event_rejected;
extern expert_field ei_webrtc_in_turn;
extern expert_field ei_webrtc_bad_header;
extern expert_field ei_webrtc_not_rtp;
extern expert_field ei_webrtc_cap_streams;
extern expert_field ei_webrtc_cap_list;
extern expert_field ei_webrtc_cap_flows;
extern expert_field ei_webrtc_cap_tls;

/* Preferences (Protocols > WebRTC). */
typedef struct {
    webrtc_pref_bool_t corroborate;      /* find RTP without ICE/DTLS context */
    webrtc_pref_bool_t rtcp_mux;         /* RTCP on the RTP 5-tuple goes to RTCP */
    webrtc_pref_bool_t rtcp_pair;        /* RTCP on port+1 of a found RTP flow */
    webrtc_pref_bool_t validate_events;  /* RFC 4733 validation of dynamic PTs */
    webrtc_pref_bool_t judge_srtp;       /* payload statistics decide SRTP vs RTP */
    webrtc_pref_bool_t turn;             /* demultiplex inside TURN channels/indications */
    webrtc_pref_bool_t session_model;    /* build the whole-capture session model */
    guint flow_idle_gap_s;               /* a 5-tuple idle this long starts a new flow */
} webrtc_prefs_t;
extern webrtc_prefs_t webrtc_prefs;

/* Wireshark's dissectors we hand packets to. */
typedef struct {
    dissector_handle_t stun;   /* "stun-udp": STUN and TURN ChannelData */
    dissector_handle_t dtls;
    dissector_handle_t zrtp;
    dissector_handle_t rtp;
    dissector_handle_t rtcp;
    dissector_handle_t demux;  /* ours, set as conversation dissector */
    dissector_handle_t quic;       /* Wireshark's QUIC (may be NULL) */
    dissector_handle_t quic_conv;  /* ours on a QUIC 5-tuple: media there to us */
} webrtc_handles_t;
extern webrtc_handles_t webrtc_handles;

/* webrtc-demux.c: the per-packet entry points. */
webrtc_heur_ret_t webrtc_heur_udp(tvbuff_t *tvb, packet_info *pinfo, proto_tree *tree, void *data);
webrtc_heur_ret_t webrtc_heur_turn(tvbuff_t *tvb, packet_info *pinfo, proto_tree *tree, void *data);
int webrtc_dissect_conversation(tvbuff_t *tvb, packet_info *pinfo, proto_tree *tree, void *data);
int webrtc_dissect_turn_port(tvbuff_t *tvb, packet_info *pinfo, proto_tree *tree, void *data);
void webrtc_quic_handoff(void);
struct webrtc_flow;
/* Demultiplex one payload of a flow (a datagram, or a framed TCP message). */
int webrtc_demux_payload(tvbuff_t *tvb, packet_info *pinfo, proto_tree *tree,
                         struct webrtc_flow *f);

/* webrtc-facts.c: per-packet facts for the session model, on the "webrtc" tap. */
extern int webrtc_tap;
void webrtc_facts_register(void);
void webrtc_facts_handoff(void);
void webrtc_facts_decrypted_late(packet_info *pinfo, guint32 ssrc);
typedef struct {
    int ids[32];                 /* protocol ids, bit i for ids[i] */
    int n;
    guint64 filter;              /* bit (id mod 64) of every id */
} webrtc_layer_map_t;
void webrtc_layer_map_init(webrtc_layer_map_t *m, const int *ids, int n);
guint32 webrtc_layer_set(const wmem_list_t *layers, const webrtc_layer_map_t *m);
void webrtc_facts_want(gboolean want);
char *webrtc_facts_filter(const char *user_filter); /* g_free() it */
struct wrtc_model;
/* A new session model configured from the preferences. */
struct wrtc_model *webrtc_model_new(void);
/* The whole capture's session model (NULL when switched off), grouped. */
struct wrtc_model *webrtc_whole_capture(void);
gboolean webrtc_whole_capture_building(void);
/* A WebRTC summary or statistics tree listens to the taps. */
gboolean webrtc_facts_listened(void);
struct webrtc_flow;
struct webrtc_pending_rtp;
/* Add an RTP packet seen before its flow was recognised to the model. */
void webrtc_facts_add_pending_rtp(const struct webrtc_flow *f, const void *pending,
                                  gboolean not_counted);

/* webrtc-statstree.c: Statistics > WebRTC Sessions. */
void webrtc_statstree_register(void);

/* webrtc-summary.c: tshark -z webrtc,summary[,json][,FILTER]. */
void webrtc_summary_register(void);

/* webrtc-tcp.c: ICE-TCP, RFC 4571 framing. */
webrtc_heur_ret_t webrtc_heur_tcp(tvbuff_t *tvb, packet_info *pinfo, proto_tree *tree, void *data);
void webrtc_tcp_register(void);
void webrtc_tcp_handoff(void);
int webrtc_dissect_turn_tcp_port(tvbuff_t *tvb, packet_info *pinfo, proto_tree *tree, void *data);
/* Take this TCP conversation for the plugin's TURN-TCP framing (first pass). */
void webrtc_tcp_take_turn(packet_info *pinfo);

#endif
