/* codec_guess.c — see codec_guess.h.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#include "codec_guess.h"
#include "rfc4733.h"

#include <stdio.h>
#include <string.h>

/* A payload format is proved when its header validates in at least this
 * many packets and fails in at most 1 of 20 (loss and reordering break the
 * frame-boundary checks now and then). One packet proves nothing. */
#define PROOF_PACKETS 8
/* RTX: at least this many packets near the sibling's timestamps, at least
 * half of those compared, and at most a quarter of the sibling's packets. */
#define RTX_NEAR_MIN 2
/* 1 s at the 90 kHz video clock (RFC 3551 §5). */
#define SIBLING_WINDOW 90000u

static void tally(wrtc_cg_t *cg, wrtc_cg_format_t f, int r)
{
    if (r < 0) {
        cg->bad[f]++;
        return;
    }
    cg->ok[f]++;
    if (r > 0)
        cg->key[f]++;
}

/* RFC 7741 §4.2: X|R|N|S|R|PID, then optional I|L|T|K|RSV, PictureID (7 or
 * 15 bits), TL0PICIDX, TID|Y|KEYIDX. The first packet of a frame has S=1 and
 * PID=0, and starts the VP8 payload header (RFC 7741 §4.3, RFC 6386 §9.1):
 * size0|show_frame|version|P; a key frame (P=0) follows with the start code
 * 9d 01 2a. */
int wrtc_cg_check_vp8(const uint8_t *b, size_t n, bool new_frame)
{
    size_t off = 1;
    bool start;
    if (n < 1 || (b[0] & 0x48))         /* reserved bits must be zero */
        return -1;
    if (b[0] & 0x80) {                  /* X: extension octet */
        uint8_t x;
        if (n < 2)
            return -1;
        x = b[1];
        if (x & 0x0F)                   /* RSV must be zero */
            return -1;
        off = 2;
        if (x & 0x80) {                 /* I: PictureID, M bit selects 15 bits */
            if (off >= n)
                return -1;
            off += (b[off] & 0x80) ? 2 : 1;
        }
        if (x & 0x40)                   /* L: TL0PICIDX */
            off++;
        if (x & 0x30)                   /* T or K: TID|Y|KEYIDX */
            off++;
    }
    if (off >= n)                       /* a descriptor with no payload */
        return -1;
    start = (b[0] & 0x10) && (b[0] & 0x07) == 0;
    if (new_frame != start)
        return -1;
    if (!start)
        return 0;
    if (off + 3 > n)
        return 0;
    if (((b[off] >> 1) & 0x07) > 3)     /* version 0-3 (RFC 6386 §9.1) */
        return -1;
    if (b[off] & 0x01)                  /* P=1: an inter frame */
        return 0;
    if (off + 6 > n)
        return 0;
    return (b[off + 3] == 0x9d && b[off + 4] == 0x01 && b[off + 5] == 0x2a) ? 1 : -1;
}

/* RFC 9628 §4.2: I|P|L|F|B|E|V|Z. B starts a (layer) frame, so the first
 * packet of a new timestamp has B=1; E ends one, so the packet with the
 * marker (end of the picture) has E=1. A non-inter-predicted (P=0) start
 * with the scalability structure (V=1) is a key frame. */
int wrtc_cg_check_vp9(const uint8_t *b, size_t n, bool new_frame, bool marker)
{
    size_t off = 1;
    bool I, P, L, F, B, E, V;
    if (n < 1)
        return -1;
    I = b[0] & 0x80; P = b[0] & 0x40; L = b[0] & 0x20; F = b[0] & 0x10;
    B = b[0] & 0x08; E = b[0] & 0x04; V = b[0] & 0x02;
    if (new_frame && !B)
        return -1;
    if (marker && !E)
        return -1;
    if (I) {
        if (off >= n)
            return -1;
        off += (b[off] & 0x80) ? 2 : 1;
    }
    if (L)
        off += F ? 1 : 2;               /* TID|U|SID|D, and TL0PICIDX when not flexible */
    if (F && P) {                       /* up to 3 P_DIFF octets, N continues */
        int k;
        for (k = 0; k < 3; k++) {
            if (off >= n)
                return -1;
            if (!(b[off++] & 0x01))
                break;
        }
    }
    if (off > n)
        return -1;
    return (B && !P && V) ? 1 : 0;
}

/* RFC 6184 §5.3: F|NRI|Type. F is zero; types 1-23 are single NAL units
 * (of which H.264 Table 7-1 reserves 16-18, 22 and 23), 24 STAP-A, 28 FU-A
 * (the only aggregation/fragmentation units of the non-interleaved mode,
 * §5.4). An FU header (S|E|R|Type) has R=0, never S
 * and E together, and E on the packet that ends the access unit (marker,
 * §5.1). A sequence parameter set (type 7) marks a key frame. */
static bool h264_nal_type(uint8_t t)
{
    return (t >= 1 && t <= 15) || (t >= 19 && t <= 21);
}

int wrtc_cg_check_h264(const uint8_t *b, size_t n, bool marker)
{
    uint8_t type;
    if (n < 1 || (b[0] & 0x80))
        return -1;
    type = b[0] & 0x1F;
    if (h264_nal_type(type))
        return type == 7 ? 1 : 0;
    if (type == 24) {                   /* STAP-A: 16-bit size, then a NAL */
        uint8_t t2;
        if (n < 4 || (b[3] & 0x80))
            return -1;
        t2 = b[3] & 0x1F;
        if (!h264_nal_type(t2))
            return -1;
        return t2 == 7 ? 1 : 0;
    }
    if (type == 28) {
        uint8_t fu, t2;
        if (n < 2)
            return -1;
        fu = b[1];
        t2 = fu & 0x1F;
        if ((fu & 0x20) || ((fu & 0x80) && (fu & 0x40)) || !h264_nal_type(t2))
            return -1;
        if (marker && !(fu & 0x40))
            return -1;
        return 0;
    }
    return -1;
}

/* RFC 6716 §3.1: config (5 bits) selects mode and frame size, c (2 bits)
 * the frame count: 1, 2, 2, or M from the next byte (§3.2.5), and a packet
 * lasts at most 120 ms. */
uint32_t wrtc_cg_opus_ticks(const uint8_t *b, size_t n)
{
    /* frame sizes in 1/10 ms: SILK 10/20/40/60, hybrid 10/20, CELT 2.5/5/10/20 */
    static const uint16_t tenths[32] = {
        100, 200, 400, 600, 100, 200, 400, 600, 100, 200, 400, 600,
        100, 200, 100, 200,
        25, 50, 100, 200, 25, 50, 100, 200, 25, 50, 100, 200, 25, 50, 100, 200,
    };
    uint32_t frames, total;
    if (n < 1)
        return 0;
    switch (b[0] & 0x03) {
    case 0: frames = 1; break;
    case 1:
    case 2: frames = 2; break;
    default:
        if (n < 2 || (b[1] & 0x3F) == 0)
            return 0;
        frames = b[1] & 0x3F;
        break;
    }
    total = tenths[b[0] >> 3] * frames;   /* 1/10 ms */
    if (total > 1200)
        return 0;
    return total * 48 / 10;               /* 48 kHz RTP clock (RFC 7587 §4.1) */
}

void wrtc_cg_packet(wrtc_cg_t *cg, const wrtc_cg_pkt_t *p)
{
    bool new_frame = !cg->have_prev || p->ts != cg->prev_ts;
    bool next_seq = cg->have_prev && (uint16_t)(cg->prev_seq + 1) == p->seq;

    if (p->padding)
        cg->padded++;
    if (p->payload_len > cg->max_payload)
        cg->max_payload = p->payload_len;
    if (cg->have_prev) {
        if (new_frame) {
            uint32_t step = p->ts - cg->prev_ts;
            cg->frames++;
            if (cg->prev_marker)
                cg->marker_last++;
            if (next_seq && step < SIBLING_WINDOW) {
                /* Boyer-Moore majority vote: the packet duration, when one
                 * dominates (audio frames). */
                cg->steps++;
                if (cg->step_votes == 0) {
                    cg->step_cand = step;
                    cg->step_votes = 1;
                } else if (step == cg->step_cand) {
                    cg->step_votes++;
                } else {
                    cg->step_votes--;
                }
            }
        } else {
            cg->same_ts++;
            if (cg->prev_marker)
                cg->marker_mid++;
        }
    }
    if (!p->srtp && p->head && p->head_len > 0 && p->payload_len > 0) {
        size_t n = p->head_len < p->payload_len ? p->head_len : p->payload_len;
        uint32_t ticks;
        cg->clear++;
        tally(cg, WRTC_CG_VP8, wrtc_cg_check_vp8(p->head, n, new_frame));
        tally(cg, WRTC_CG_VP9, wrtc_cg_check_vp9(p->head, n, new_frame, p->marker));
        tally(cg, WRTC_CG_H264, wrtc_cg_check_h264(p->head, n, p->marker));
        /* Opus: what the previous TOC announced is the timestamp step to
         * this packet (consecutive sequence numbers only). */
        if (cg->prev_opus_ticks && next_seq)
            tally(cg, WRTC_CG_OPUS, p->ts - cg->prev_ts == cg->prev_opus_ticks ? 0 : -1);
        /* One RFC 4733 event block: a known event, the reserved bit clear. */
        tally(cg, WRTC_CG_EVENT, p->payload_len == 4 && n >= 4 && wrtc_event_code_known(p->head[0]) &&
                                 !(p->head[1] & 0x40) ? 0 : -1);
        ticks = wrtc_cg_opus_ticks(p->head, n);
        if (!ticks)
            cg->bad[WRTC_CG_OPUS]++;
        cg->prev_opus_ticks = ticks;
    } else {
        cg->prev_opus_ticks = 0;
    }
    cg->have_prev = true;
    cg->prev_marker = p->marker;
    cg->prev_ts = p->ts;
    cg->prev_seq = p->seq;
}

int wrtc_cg_sibling(uint32_t ts, uint32_t sibling_last_ts)
{
    uint32_t d = ts - sibling_last_ts, e = sibling_last_ts - ts;
    uint32_t dist = d < e ? d : e;
    return dist == 0 ? 2 : dist <= SIBLING_WINDOW ? 1 : 0;
}

void wrtc_cg_sibling_done(wrtc_cg_t *cg, int best)
{
    cg->sib_checked++;
    if (best > 0)
        cg->sib_near++;
    if (best > 1)
        cg->sib_exact++;
}

const char *wrtc_cg_confidence_name(wrtc_cg_confidence_t c)
{
    switch (c) {
    case WRTC_CG_CERTAIN: return "certain";
    case WRTC_CG_LIKELY: return "likely";
    case WRTC_CG_UNKNOWN: break;
    }
    return "unknown";
}

/* RFC 3551 §6, tables 4 and 5: static payload types. */
typedef struct {
    uint8_t pt;
    bool video;
    uint32_t clock;
    const char *name;
} static_pt_t;
static const static_pt_t static_pts[] = {
    { 0, false, 8000, "PCMU" }, { 3, false, 8000, "GSM" }, { 4, false, 8000, "G723" },
    { 5, false, 8000, "DVI4" }, { 6, false, 16000, "DVI4" }, { 7, false, 8000, "LPC" },
    { 8, false, 8000, "PCMA" }, { 9, false, 8000, "G722" }, { 10, false, 44100, "L16" },
    { 11, false, 44100, "L16" }, { 12, false, 8000, "QCELP" }, { 13, false, 8000, "CN" },
    { 14, false, 90000, "MPA" }, { 15, false, 8000, "G728" }, { 16, false, 11025, "DVI4" },
    { 17, false, 22050, "DVI4" }, { 18, false, 8000, "G729" }, { 25, true, 90000, "CelB" },
    { 26, true, 90000, "JPEG" }, { 28, true, 90000, "nv" }, { 31, true, 90000, "H261" },
    { 32, true, 90000, "MPV" }, { 33, true, 90000, "MP2T" }, { 34, true, 90000, "H263" },
};

static const char *clock_media(uint32_t clock)
{
    if (clock == 90000)
        return "video";             /* RFC 3551 §5: the video clock */
    return clock ? "audio" : "unknown";
}

static bool proved(const wrtc_cg_t *cg, int f)
{
    return cg->ok[f] >= PROOF_PACKETS && cg->bad[f] * 20 <= cg->ok[f] + cg->bad[f] &&
           (f == WRTC_CG_OPUS || f == WRTC_CG_EVENT || cg->key[f] > 0);
}

/* "20 ms packets" from the dominant timestamp step, when one dominates. */
static void ptime_text(const wrtc_cg_t *cg, uint32_t clock, char *buf, size_t len)
{
    buf[0] = '\0';
    if (clock && cg->steps >= 8 && cg->step_votes * 2 >= cg->steps && cg->step_cand)
        snprintf(buf, len, ", %g ms packets", cg->step_cand * 1000.0 / clock);
}

static void decide_clear(const wrtc_cg_input_t *in, wrtc_cg_result_t *out, bool *done)
{
    static const char *const names[WRTC_CG_NFORMATS] = { "VP8", "VP9", "H264", "Opus",
                                                          "telephone-event" };
    static const char *const what[WRTC_CG_NFORMATS] = {
        "VP8 payload descriptor (RFC 7741 §4.2)", "VP9 payload descriptor (RFC 9628 §4.2)",
        "H.264 NAL unit headers (RFC 6184 §5.3)", "Opus TOC durations (RFC 6716 §3.1) equal the timestamp steps",
        "RFC 4733 event blocks (RFC 4733 §2.3)",
    };
    static const char *const keys[WRTC_CG_NFORMATS] = {
        "key frames with start code 9d 01 2a", "key frames with scalability structure",
        "sequence parameter sets", NULL, NULL,
    };
    const wrtc_cg_t *cg = in->cg;
    int f, hit = -1, n = 0;
    uint32_t want;
    for (f = 0; f < WRTC_CG_NFORMATS; f++)
        if (proved(cg, f)) {
            hit = f;
            n++;
        }
    if (n != 1)
        return;
    want = hit == WRTC_CG_OPUS ? 48000 : 90000;
    if (hit != WRTC_CG_EVENT && in->clock_rate && in->clock_rate != want)
        return;                     /* the timing disagrees: no proof */
    /* Events go with the audio clock they belong to (RFC 4733 §2.1). */
    out->media = hit == WRTC_CG_OPUS || hit == WRTC_CG_EVENT ? "audio" : "video";
    snprintf(out->codec, sizeof out->codec, "%s", names[hit]);
    out->confidence = WRTC_CG_CERTAIN;
    if (keys[hit])
        snprintf(out->evidence, sizeof out->evidence, "%s valid in %u of %u packets, %u %s",
                 what[hit], cg->ok[hit], cg->ok[hit] + cg->bad[hit], cg->key[hit], keys[hit]);
    else
        snprintf(out->evidence, sizeof out->evidence, "%s in %u of %u packets", what[hit],
                 cg->ok[hit], cg->ok[hit] + cg->bad[hit]);
    *done = true;
}

void wrtc_cg_decide(const wrtc_cg_input_t *in, wrtc_cg_result_t *out)
{
    const wrtc_cg_t *cg = in->cg;
    char pt[48];
    bool done = false;
    size_t i;

    memset(out, 0, sizeof *out);
    out->media = "unknown";
    snprintf(out->codec, sizeof out->codec, "?");
    out->confidence = WRTC_CG_UNKNOWN;
    ptime_text(cg, in->clock_rate, pt, sizeof pt);

    /* 1. Clear payload: the codec's own header proves it. */
    decide_clear(in, out, &done);
    if (done)
        return;

    /* 2. Static payload types (RFC 3551 §6), when the clock agrees. */
    for (i = 0; i < sizeof static_pts / sizeof static_pts[0]; i++) {
        const static_pt_t *s = &static_pts[i];
        if (s->pt != in->first_pt)
            continue;
        out->media = s->video ? "video" : "audio";
        if (in->clock_rate && in->clock_rate != s->clock) {
            snprintf(out->evidence, sizeof out->evidence,
                     "static PT %u (RFC 3551 §6) is %s/%u, but the timestamps run at %u Hz",
                     s->pt, s->name, s->clock, in->clock_rate);
            return;
        }
        snprintf(out->codec, sizeof out->codec, "%s", s->name);
        out->confidence = WRTC_CG_LIKELY;
        snprintf(out->evidence, sizeof out->evidence, "static PT %u (RFC 3551 §6)%s%s",
                 s->pt, in->clock_rate ? ", clock agrees" : "", pt);
        return;
    }

    /* 3. RTX (RFC 4588): a small stream whose timestamps stay with a
     * sibling's: retransmissions keep the original timestamp (§4), and
     * padding-only probes on the RTX SSRC carry the media's current one. */
    if (in->peer_packets && cg->sib_near >= RTX_NEAR_MIN && cg->sib_near * 2 >= cg->sib_checked &&
        in->packets * 4 <= in->peer_packets) {
        out->media = clock_media(in->peer_clock_rate);
        snprintf(out->codec, sizeof out->codec, "RTX");
        out->confidence = WRTC_CG_LIKELY;
        snprintf(out->evidence, sizeof out->evidence,
                 "timestamps of %u of %u packets within 1 s of SSRC 0x%08x's (%u equal), "
                 "%u padded; that stream: %llu packets, %u Hz clock",
                 cg->sib_near, cg->sib_checked, in->peer_ssrc, cg->sib_exact, cg->padded,
                 (unsigned long long)in->peer_packets, in->peer_clock_rate);
        return;
    }

    /* 4. No media in it at all. */
    if (in->packets > 0 &&
        (in->padding_only * 10 >= in->packets * 9 || cg->padded * 10 >= in->packets * 9)) {
        snprintf(out->codec, sizeof out->codec, "padding/probe");
        out->confidence = WRTC_CG_LIKELY;
        snprintf(out->evidence, sizeof out->evidence, "%u of %llu packets without payload, "
                 "%u with the P bit", in->padding_only, (unsigned long long)in->packets,
                 cg->padded);
        return;
    }

    /* 5. The clock and the packet pattern. */
    out->media = clock_media(in->clock_rate);
    if (in->clock_rate == 90000) {
        uint32_t multi = cg->same_ts;
        snprintf(out->evidence, sizeof out->evidence,
                 "90 kHz clock; %u of %llu packets share their frame's timestamp, "
                 "marker on the last packet of %u of %u frames",
                 multi, (unsigned long long)in->packets, cg->marker_last, cg->frames);
        return;
    }
    if (in->clock_rate == 48000) {
        /* Opus: a 48 kHz RTP clock whatever the sampling rate (RFC 7587
         * §4.1), packets of 2.5 ms multiples up to 120 ms (RFC 6716 §2),
         * at most 1275 bytes per frame (§3.2.1); and the codec every WebRTC
         * endpoint must have (RFC 7874 §3). Payload types are dynamic. */
        bool steps_ok = cg->steps >= 8 && cg->step_votes * 2 >= cg->steps &&
                        cg->step_cand && cg->step_cand % 120 == 0 && cg->step_cand <= 5760;
        /* One packet per timestamp, as audio frames are (a few RFC 4733
         * event packets repeat theirs). */
        if (in->first_pt >= 96 && steps_ok && cg->max_payload <= 1300 &&
            cg->same_ts * 10 <= in->packets) {
            snprintf(out->codec, sizeof out->codec, "Opus");
            out->confidence = WRTC_CG_LIKELY;
            snprintf(out->evidence, sizeof out->evidence,
                     "48 kHz clock%s, payloads up to %u bytes, dynamic PT %u "
                     "(RFC 7587 §4.1, RFC 7874 §3)", pt, cg->max_payload, in->first_pt);
        } else {
            snprintf(out->evidence, sizeof out->evidence, "48 kHz clock%s", pt);
        }
        return;
    }
    if (in->clock_rate) {
        snprintf(out->evidence, sizeof out->evidence, "%u Hz clock%s", in->clock_rate, pt);
        return;
    }
    snprintf(out->evidence, sizeof out->evidence, "too few timestamps for a clock");
}
