/* datachannel.h — WebRTC data channels of one SCTP association (one flow).
 *
 * Data channels are SCTP streams (RFC 8831) over DTLS on the ICE 5-tuple
 * (RFC 8261). A channel is opened by DCEP (RFC 8832): DATA_CHANNEL_OPEN
 * (type, reliability parameter, label, protocol) on the channel's stream,
 * answered by DATA_CHANNEL_ACK. User messages are DATA chunks with the PPIDs
 * of RFC 8831 §8. The epan glue reads Wireshark's SCTP and DCEP ("rtcdc")
 * fields of the decrypted DTLS application data into wrtc_dc_chunk_t; this
 * file only counts.
 *
 * Pure C + glib, no epan includes.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#ifndef WRTC_DATACHANNEL_H
#define WRTC_DATACHANNEL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <glib.h>

/* RFC 8831 §8 payload protocol identifiers. */
#define WRTC_PPID_DCEP            50
#define WRTC_PPID_STRING          51
#define WRTC_PPID_BINARY_PARTIAL  52   /* deprecated */
#define WRTC_PPID_BINARY          53
#define WRTC_PPID_STRING_PARTIAL  54   /* deprecated */
#define WRTC_PPID_STRING_EMPTY    56
#define WRTC_PPID_BINARY_EMPTY    57

/* RFC 8832 §5.1 message types. */
#define WRTC_DCEP_ACK   0x02
#define WRTC_DCEP_OPEN  0x03

#define WRTC_DC_MAX_CHANNELS 64    /* per association (bounded state) */
#define WRTC_DC_MAX_TEXT     128   /* label / protocol bytes kept */
#define WRTC_DC_TSN_WINDOW   1024  /* TSNs remembered per direction */

/* One SCTP DATA chunk (RFC 9260 §3.3.1) or I-DATA chunk (RFC 8260 §2.1,
 * which Firefox uses) as Wireshark dissected it (DCEP fields when its PPID
 * is 50 and the rtcdc dissector read it). Strings are copied. */
typedef struct {
    uint16_t sid;
    uint32_t tsn;                /* absolute (sctp.data_tsn_raw) */
    bool     have_ppid;          /* false: an I-DATA fragment after the first
                                  * (its PPID field is the FSN, §2.1): the
                                  * PPID of the message's first fragment */
    uint32_t ppid;
    uint32_t len;                /* user data bytes of the chunk */
    bool     end;                /* E bit: the last fragment of a message */
    uint8_t  dcep_type;          /* 0: none, else rtcdc.message_type */
    uint8_t  channel_type;       /* OPEN: rtcdc.channel_type */
    uint32_t reliability;        /* OPEN: rtcdc.reliability_parameter */
    const char *label, *protocol;
} wrtc_dc_chunk_t;

typedef struct {
    uint16_t sid;
    bool     have_open;
    char    *label, *protocol;   /* NULL until an OPEN was seen */
    uint8_t  channel_type;
    uint32_t reliability;
    uint32_t open_frame, ack_frame;
    uint64_t messages[2], bytes[2];   /* by direction: 0 = flow ep[0] -> ep[1] */
    double   first_t, last_t;    /* first/last DATA chunk on the stream */
    uint32_t first_frame;
    uint32_t frag_ppid[2];       /* PPID of the message being fragmented, by direction */
} wrtc_dc_channel_t;

typedef struct {
    GPtrArray *channels;         /* wrtc_dc_channel_t*, in first-seen order */
    uint32_t  dropped;           /* chunks of channels beyond the cap */
    uint32_t  duplicates;        /* DATA chunks not counted: TSN seen before */
    /* per direction: the highest TSN and a bitmap of the window below it */
    bool      have_tsn[2];
    uint32_t  max_tsn[2];
    uint64_t  seen[2][WRTC_DC_TSN_WINDOW / 64];
} wrtc_dc_assoc_t;

wrtc_dc_assoc_t *wrtc_dc_new(void);
void wrtc_dc_free(wrtc_dc_assoc_t *a);

/* One DATA chunk sent in direction dir (0/1) in frame at time t. A TSN
 * already seen that way (an SCTP retransmission, RFC 9260 §6.3.3) is not
 * counted again: returns false. */
bool wrtc_dc_add(wrtc_dc_assoc_t *a, int dir, uint32_t frame, double t, const wrtc_dc_chunk_t *c);

/* Is this PPID a user message (counted), and does its payload count as
 * user data bytes (not for the Empty PPIDs, whose one byte is filler,
 * RFC 8831 §6.6)? */
bool wrtc_dc_ppid_is_message(uint32_t ppid);

bool wrtc_dc_ordered(const wrtc_dc_channel_t *c);
/* "reliable", "max_retransmits N" or "max_lifetime_ms N" (RFC 8832 §5.1);
 * "" without an OPEN. */
void wrtc_dc_reliability(const wrtc_dc_channel_t *c, char *buf, size_t len);

#endif
