/* webrtc-srtp.h — SRTP/SRTCP decryption in the dissection: where keys come
 * from (webrtc-srtp-keys.c: SDES in SDP, the "SRTP keys" table, a DTLS key
 * log) and what is done with them per packet (webrtc-srtp.c: authenticate,
 * decrypt into a "Decrypted SRTP" data source, hand the plain packet to
 * Wireshark's RTP/RTCP dissectors). The transforms are core/srtp.c.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#ifndef WEBRTC_SRTP_H
#define WEBRTC_SRTP_H

#include "webrtc-plugin.h"

#include <epan/dissectors/packet-rtp.h>

#include "srtp.h"

/* Where a key came from (webrtc.srtp.key_source). */
typedef enum {
    WEBRTC_KEY_SDES = 1,     /* a=crypto in SDP (RFC 4568) */
    WEBRTC_KEY_TABLE,        /* the user's "SRTP keys" table */
    WEBRTC_KEY_DTLS          /* DTLS-SRTP exporter from a key log (RFC 5764 §4.2) */
} webrtc_key_source_t;

/* One master key and what it applies to. A packet matches when every set
 * criterion matches; an unset address/port/SSRC matches anything. */
typedef struct {
    webrtc_key_source_t source;
    guint32  frame;              /* SDP / DTLS frame that gave the key (0: table) */
    const char *desc;            /* "SDES in frame 3", ... (file scope) */
    wrtc_srtp_ctx_t ctx;
    address  src;                /* sender (AT_NONE: any) */
    guint32  src_port;           /* 0: any */
    gboolean src_rtcp_plus1;     /* SRTCP may also come from src_port + 1 (RFC 3550 §11) */
    address  dst;                /* receiver (AT_NONE: any) */
    guint32  dst_port;
    gboolean has_ssrc;
    guint32  ssrc;
    gboolean trial;              /* one of several candidate profiles (DTLS 1.3) */
    guint8   material[WRTC_SRTP_MAX_KEYSALT];  /* master key || salt (to spot repeats) */
} webrtc_srtp_key_t;

/* What happened to one packet (webrtc.srtp.*), kept per frame. */
typedef enum {
    WEBRTC_SRTP_NOT_KEYED = 0,   /* no key applies: left as it is */
    WEBRTC_SRTP_DECRYPTED,
    WEBRTC_SRTP_AUTH_FAILED,     /* keys apply, none authenticates */
    WEBRTC_SRTP_PLAIN_RTCP       /* RTCP without SRTCP trailer on a keyed session */
} webrtc_srtp_state_t;

/* Per-packet result for the facts postdissector (pinfo->pool proto data
 * WEBRTC_PDATA_SRTP_STATE). */
typedef struct {
    guint8 state;                /* webrtc_srtp_state_t */
    gboolean rtcp;
    const char *key_desc;        /* key used / tried (file scope), or NULL */
} webrtc_srtp_packet_t;

/* Bounded state (docs/decryption.md): keys held, streams followed. */
#define WEBRTC_SRTP_MAX_KEYS    4096
#define WEBRTC_SRTP_MAX_STREAMS 65536

#define WEBRTC_PDATA_SRTP_STATE 3   /* pinfo->pool, webrtc_srtp_packet_t */
#define WEBRTC_PDATA_SRTP_CACHE 0x100 /* file scope, + tvb offset in the frame */

/* ---- webrtc-srtp-keys.c ---------------------------------------------- */
void webrtc_srtp_keys_register(module_t *module);
void webrtc_srtp_keys_handoff(void);
/* The keys that exist so far (first pass: those learnt up to this frame). */
guint webrtc_srtp_key_count(void);

/* First pass, an RTP-shaped packet of a flow not found yet: the
 * description of the key whose tag verifies on it (the outcome is kept for
 * the frame, as webrtc_srtp_decrypt would keep it), or NULL. */
const char *webrtc_srtp_authenticates(tvbuff_t *tvb, packet_info *pinfo);
/* The payload types (a=rtpmap) of the SDP that set up the packet's sender
 * endpoint, or NULL. */
rtp_dyn_payload_t *webrtc_srtp_sdp_payload_types(const packet_info *pinfo);
/* The keys that may apply to a packet: those of its sender endpoint, and
 * those for any sender (either array may be NULL); in the order learnt. */
void webrtc_srtp_key_candidates(const packet_info *pinfo, const GPtrArray **sender,
                                const GPtrArray **any);

/* ---- webrtc-srtp.c --------------------------------------------------- */
void webrtc_srtp_register(void);
void webrtc_srtp_handoff(void);

/* Decrypt an SRTP (rtcp FALSE) or SRTCP packet: the plaintext as a new
 * data source, the packet itself for plain RTCP on a keyed session, NULL
 * when not decrypted; *state says which. Adds the webrtc.srtp.* fields and
 * expert infos to `wtree` once a key applies. */
tvbuff_t *webrtc_srtp_decrypt(tvbuff_t *tvb, packet_info *pinfo, proto_tree *wtree,
                              gboolean rtcp, webrtc_srtp_state_t *state);

/* Hand a plain packet of an SRTP-set-up conversation to RTP/RTCP; RTP
 * names payload types from `dyn` and shows "Stream setup by `method`". */
int webrtc_srtp_call_plain(tvbuff_t *tvb, packet_info *pinfo, proto_tree *tree, gboolean rtcp,
                           rtp_dyn_payload_t *dyn, const char *method);

/* Both: try to decrypt an SRTP (rtcp FALSE) or SRTCP packet; when it worked,
 * hand the plaintext to RTP/RTCP and return the bytes consumed. Returns -1
 * when the packet is not decrypted (no key, or authentication failed: the
 * caller dissects it as before); an expert info and the webrtc.srtp.* fields
 * are added to `wtree` either way once a key applies. */
int webrtc_srtp_dissect(tvbuff_t *tvb, packet_info *pinfo, proto_tree *tree,
                        proto_tree *wtree, gboolean rtcp, rtp_dyn_payload_t *dyn,
                        const char *method);

/* The SDP set the media endpoint up as SRTP and gave keys: make packets of
 * that endpoint (RTP, and RTCP on port + 1) come to us first. */
void webrtc_srtp_take_sdp_endpoint(packet_info *pinfo, const address *addr, guint32 port);

/* The RTP dissector's per-packet set-up of this packet, made before it
 * runs (first pass), without SRTP: it dissects the packet as RTP. */
void webrtc_srtp_rtp_packet_data(tvbuff_t *tvb, packet_info *pinfo, rtp_dyn_payload_t *dyn,
                                 const char *method);

/* Fields and expert infos (registered in webrtc-srtp.c). */
extern int hf_webrtc_srtp_decrypted;
extern int hf_webrtc_srtp_key_source;
extern int hf_webrtc_srtp_auth_ok;
extern int hf_webrtc_srtp_padding_encrypted;

#endif
