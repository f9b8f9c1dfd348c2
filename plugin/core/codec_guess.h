/* codec_guess.h — media kind and codec of an RTP stream, guessed from what
 * survives SRTP (payload type, clock, packet timing, sizes, markers, a
 * sibling stream's timestamps) and, when the payload is in the clear, proved
 * by the codec's own payload header over many packets.
 *
 * Every guess has a confidence and an evidence string:
 *   certain  the payload headers of the codec validate over the stream
 *            (RFC 7741 VP8, RFC 9628 VP9, RFC 6184 H.264, RFC 6716 Opus,
 *            RFC 4733 telephone events);
 *   likely   the clear headers agree (static PT, clock, frame pattern, RTX);
 *   unknown  nothing to go on: the codec stays "?".
 *
 * Pure C, no epan, no glib: the session model feeds it packet by packet
 * (wrtc_cg_packet) and asks for a decision (wrtc_cg_decide).
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#ifndef WRTC_CODEC_GUESS_H
#define WRTC_CODEC_GUESS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Payload bytes kept per packet for the payload-header checks: enough for
 * the longest VP8 descriptor (6 bytes) and the key-frame start code after
 * the 3-byte VP8 frame tag (RFC 6386 §9.1). */
#define WRTC_CG_HEAD 16

/* Payload formats whose headers are checked in clear RTP. */
typedef enum {
    WRTC_CG_VP8 = 0,   /* RFC 7741 §4.2 payload descriptor */
    WRTC_CG_VP9,       /* RFC 9628 §4.2 payload descriptor */
    WRTC_CG_H264,      /* RFC 6184 §5.3 NAL unit header */
    WRTC_CG_OPUS,      /* RFC 6716 §3.1 TOC byte */
    WRTC_CG_EVENT,     /* RFC 4733 §2.3 event block */
    WRTC_CG_NFORMATS
} wrtc_cg_format_t;

/* Per-stream evidence, accumulated in arrival order (bounded, no pointers). */
typedef struct {
    bool     have_prev;
    bool     prev_marker;
    uint16_t prev_seq;
    uint32_t prev_ts;
    uint32_t prev_opus_ticks;     /* 48 kHz ticks the previous packet's TOC announced */
    uint32_t same_ts;             /* packets with the previous packet's timestamp */
    uint32_t frames;              /* timestamp changes */
    uint32_t marker_last;         /* a marker on the last packet of a timestamp */
    uint32_t marker_mid;          /* a marker followed by the same timestamp */
    uint32_t padded;              /* packets with the P bit */
    uint32_t step_cand, step_votes; /* majority vote over timestamp steps */
    uint32_t steps;               /* timestamp steps seen (forward, < 1 s at 90 kHz) */
    uint32_t max_payload;
    /* timestamps within reach of a sibling stream's (RTX, RFC 4588 §4) */
    uint32_t sib_checked, sib_near, sib_exact;
    /* clear-payload checks */
    uint32_t clear;               /* packets whose clear payload was examined */
    uint32_t ok[WRTC_CG_NFORMATS], bad[WRTC_CG_NFORMATS];
    uint32_t key[WRTC_CG_NFORMATS]; /* a codec's own proof: VP8/VP9 key frame, H.264 SPS */
} wrtc_cg_t;

/* One RTP packet of the stream. `head` holds the first bytes of a clear
 * payload (head_len 0 for SRTP or when unknown). */
typedef struct {
    uint8_t  pt;
    bool     marker;
    bool     padding;             /* the P bit */
    bool     srtp;
    uint16_t seq;
    uint32_t ts;
    uint32_t payload_len;
    uint8_t  head_len;
    const uint8_t *head;
} wrtc_cg_pkt_t;

void wrtc_cg_packet(wrtc_cg_t *cg, const wrtc_cg_pkt_t *p);

/* How many packets of a stream are compared with its siblings' timestamps
 * (bounds the cost; RTX is told apart early). */
#define WRTC_CG_SIBLING_PACKETS 512
/* A packet's timestamp against a sibling stream's latest one (same
 * transport and direction): 2 equal, 1 within 1 s at 90 kHz, 0 farther.
 * A retransmission keeps the original packet's timestamp (RFC 4588 §4),
 * padding probes carry the media's current one. */
int wrtc_cg_sibling(uint32_t ts, uint32_t sibling_last_ts);
/* Once per packet compared with its siblings: the best wrtc_cg_sibling. */
void wrtc_cg_sibling_done(wrtc_cg_t *cg, int best);

/* Single-packet payload header checks (exposed for the unit tests).
 * `new_frame`: the packet's timestamp differs from the previous packet's.
 * Return -1 malformed for that format, 0 valid, 1 valid and a key frame /
 * parameter set. */
int wrtc_cg_check_vp8(const uint8_t *b, size_t n, bool new_frame);
int wrtc_cg_check_vp9(const uint8_t *b, size_t n, bool new_frame, bool marker);
int wrtc_cg_check_h264(const uint8_t *b, size_t n, bool marker);
/* Duration of an Opus packet in 48 kHz ticks from its TOC (and frame count
 * byte for code 3), 0 when the TOC is invalid (RFC 6716 §3.1-3.2). */
uint32_t wrtc_cg_opus_ticks(const uint8_t *b, size_t n);

typedef enum { WRTC_CG_UNKNOWN = 0, WRTC_CG_LIKELY, WRTC_CG_CERTAIN } wrtc_cg_confidence_t;
const char *wrtc_cg_confidence_name(wrtc_cg_confidence_t c);

/* What the decision needs besides the evidence. */
typedef struct {
    const wrtc_cg_t *cg;
    uint8_t  first_pt;
    uint64_t packets;
    uint32_t padding_only;        /* packets with an empty payload */
    uint32_t clock_rate;          /* estimated from timestamps vs capture time, 0 unknown */
    /* The sibling whose timestamps this stream's stay near (0 packets: none). */
    uint32_t peer_ssrc;
    uint64_t peer_packets;
    uint32_t peer_clock_rate;
} wrtc_cg_input_t;

typedef struct {
    const char *media;            /* "audio", "video" or "unknown" */
    char codec[32];               /* "VP8", "Opus", "PCMU", "RTX", "padding/probe", "?" */
    wrtc_cg_confidence_t confidence;
    char evidence[240];
} wrtc_cg_result_t;

void wrtc_cg_decide(const wrtc_cg_input_t *in, wrtc_cg_result_t *out);

#endif /* WRTC_CODEC_GUESS_H */
