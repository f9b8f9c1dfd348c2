/* webrtc-candidates.h — unclaimed RTP candidates in a compact bounded table.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#ifndef WEBRTC_CANDIDATES_H
#define WEBRTC_CANDIDATES_H

#include <epan/packet.h>
#include "demux.h"

/* At most this many 5-tuples wait with one RTP-shaped packet and no full
 * flow state; beyond it the oldest is forgotten (its next packet starts
 * over, as a new 5-tuple would). */
#define WEBRTC_MAX_CANDIDATES 100000

/* The first RTP-shaped packet of a UDP 5-tuple without context, as the
 * demultiplexer would have remembered it (64 bytes). */
typedef struct {
    const void *conv;            /* the 5-tuple's conversation (Wireshark's UDP made it) */
    guint32 frame;
    guint32 bytes;               /* frame length */
    double  t_rel;               /* seconds since the first packet */
    double  t_abs;               /* absolute time, as the tracker takes it */
    guint32 ssrc, ts, payload_len;
    guint16 seq, src_port;
    guint32 src_hash;            /* the sender's address, hashed */
    guint8  pt;
    guint8  marker : 1, header_cut : 1;
    guint8  cap4;                /* payload bytes captured, up to 4 */
    guint8  pay4[4];             /* the first payload bytes (an RFC 4733 event block) */
} webrtc_candidate_t;

typedef enum {
    WEBRTC_CAND_NONE,            /* not for the table: make the full flow now */
    WEBRTC_CAND_HELD,            /* the 5-tuple's first packet, now in the table */
    WEBRTC_CAND_PROMOTE          /* a later packet: *out is the held first one */
} webrtc_cand_ret_t;

/* First pass, a UDP datagram of a 5-tuple that has no flow yet. */
webrtc_cand_ret_t webrtc_candidate_offer(tvbuff_t *tvb, packet_info *pinfo,
                                         webrtc_candidate_t *out);
/* Was the held packet sent by this packet's source? */
gboolean webrtc_candidate_same_sender(const webrtc_candidate_t *c, const packet_info *pinfo);
/* Frame on which the table first forgot a candidate (0: never). */
guint32 webrtc_candidates_cap_frame(void);
guint32 webrtc_candidates_held(void);
void webrtc_candidates_register(void);

#endif
