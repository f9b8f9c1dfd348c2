/* Unit tests of the pure-C core (plugin/core): classifiers, validators,
 * corroboration, RFC 4733 validation, payload statistics and the SRTCP
 * trailer layout, with crafted edge cases. No tshark, no epan.
 *
 * Usage: test_core [group...]   (no argument: every group) */
#include <math.h>
#include <stdint.h>
#include <stdlib.h>

#include "check.h"
#include "codec_guess.h"
#include "corroborate.h"
#include "datachannel.h"
#include "demux.h"
#include "dtls_records.h"
#include "entropy.h"
#include "rfc4733.h"
#include "report.h"
#include "session.h"
#include "software.h"
#include "verdict.h"
#include "srtcp_layout.h"
#include "stun_sig.h"
#include "thresholds.h"

static uint32_t lcg_state = 12345;
static uint8_t rnd8(void)
{
    lcg_state = lcg_state * 1664525u + 1013904223u;
    return (uint8_t)(lcg_state >> 24);
}

static void put16(uint8_t *p, uint16_t v) { p[0] = (uint8_t)(v >> 8); p[1] = (uint8_t)v; }
static void put32(uint8_t *p, uint32_t v)
{
    p[0] = (uint8_t)(v >> 24); p[1] = (uint8_t)(v >> 16); p[2] = (uint8_t)(v >> 8); p[3] = (uint8_t)v;
}

/* ---------------------------------------------------------------- classify */
static void test_classify(void)
{
    uint8_t b[2] = {0, 0};
    int v;
    CHECK_EQ(wrtc_classify(b, 0), WRTC_CLASS_UNKNOWN);
    for (v = 0; v < 256; v++) {
        wrtc_class_t want;
        b[0] = (uint8_t)v;
        b[1] = 0x60;
        if (v <= 3) want = WRTC_CLASS_STUN;
        else if (v >= 16 && v <= 19) want = WRTC_CLASS_ZRTP;
        else if (v >= 20 && v <= 63) want = WRTC_CLASS_DTLS;
        else if (v >= 64 && v <= 79) want = WRTC_CLASS_CHANNELDATA;
        else if (v >= 80 && v <= 127) want = WRTC_CLASS_QUIC;
        else if (v >= 128 && v <= 191) want = WRTC_CLASS_RTP;
        else want = WRTC_CLASS_UNKNOWN;
        CHECK_EQ(wrtc_classify(b, 2), want);
        /* A 1-byte datagram is classified by its first byte alone. */
        CHECK_EQ(wrtc_classify(b, 1), want);
    }
    /* RFC 5761 §4: second byte 192-223 is RTCP. */
    b[0] = 0x80;
    for (v = 0; v < 256; v++) {
        b[1] = (uint8_t)v;
        CHECK_EQ(wrtc_classify(b, 2), (v >= 192 && v <= 223) ? WRTC_CLASS_RTCP : WRTC_CLASS_RTP);
    }
    CHECK(strcmp(wrtc_class_name(WRTC_CLASS_RTCP), "RTCP") == 0);
    CHECK(strcmp(wrtc_class_name((wrtc_class_t)99), "unknown") == 0);
}

/* -------------------------------------------------------------------- stun */
static size_t stun_msg(uint8_t *p, uint16_t type, uint16_t attr_len)
{
    memset(p, 0, 20 + attr_len);
    put16(p, type);
    put16(p + 2, attr_len);
    put32(p + 4, 0x2112A442u);
    return 20 + (size_t)attr_len;
}

static void test_stun(void)
{
    uint8_t p[64];
    size_t n = stun_msg(p, 0x0001, 0);
    CHECK(wrtc_stun_valid(p, n, n, false));
    CHECK(!wrtc_stun_valid(p, n - 1, n - 1, false));          /* 19 bytes */
    CHECK(!wrtc_stun_valid(p, 1, 1, false));
    n = stun_msg(p, 0x0001, 8);
    CHECK(wrtc_stun_valid(p, n, n, false));
    CHECK(!wrtc_stun_valid(p, n + 4, n + 4, false));          /* UDP: length must be exact */
    CHECK(wrtc_stun_valid(p, n + 4, n + 4, true));            /* stream: trailing bytes ok */
    CHECK(!wrtc_stun_valid(p, n - 4, n - 4, false));          /* length beyond datagram */
    put16(p + 2, 6);
    CHECK(wrtc_stun_valid(p, 26, 26, false));              /* unpadded (WhatsApp) */
    put16(p, 0x3001);                                      /* method 0x400: RFC 7983 */
    CHECK(!wrtc_stun_valid(p, 26, 26, false));
    put16(p, 0x0001);
    n = stun_msg(p, 0x0001, 0);
    p[4] = 0x21; p[5] = 0x12; p[6] = 0xA4; p[7] = 0x43;
    CHECK(!wrtc_stun_valid(p, n, n, false));              /* wrong magic cookie */
    n = stun_msg(p, 0x0001, 0);
    p[0] |= 0x40;
    CHECK(!wrtc_stun_valid(p, n, n, false));              /* top bits set */

    /* Methods (RFC 8489 §5 bit layout; RFC 8656 §17 methods). */
    n = stun_msg(p, 0x0001, 0);
    CHECK_EQ(wrtc_stun_method(p, n), WRTC_STUN_BINDING);
    put16(p, 0x0101);                                  /* Binding success */
    CHECK_EQ(wrtc_stun_method(p, n), WRTC_STUN_BINDING);
    put16(p, 0x0003);
    CHECK_EQ(wrtc_stun_method(p, n), WRTC_STUN_ALLOCATE);
    put16(p, 0x0113);                                  /* Allocate error */
    CHECK_EQ(wrtc_stun_method(p, n), WRTC_STUN_ALLOCATE);
    put16(p, 0x0016);                                  /* Send indication */
    CHECK_EQ(wrtc_stun_method(p, n), WRTC_STUN_SEND);
    put16(p, 0x0017);                                  /* Data indication */
    CHECK_EQ(wrtc_stun_method(p, n), WRTC_STUN_DATA);
    put16(p, 0x0109);                                  /* ChannelBind success */
    CHECK_EQ(wrtc_stun_method(p, n), WRTC_STUN_CHANNEL_BIND);
    CHECK(wrtc_stun_method_is_turn(WRTC_STUN_CREATE_PERMISSION));
    CHECK(!wrtc_stun_method_is_turn(WRTC_STUN_BINDING));
    CHECK_EQ(wrtc_stun_method(p, 1), 0);
}

/* -------------------------------------------------------------------- dtls */
static size_t dtls_record(uint8_t *p, uint8_t type, uint8_t vminor, uint16_t len)
{
    memset(p, 0, 13 + len);
    p[0] = type;
    p[1] = 0xFE;
    p[2] = vminor;
    put16(p + 11, len);
    return 13 + (size_t)len;
}

static void test_dtls(void)
{
    uint8_t p[128];
    size_t n = dtls_record(p, 22, 0xFD, 20), m;
    CHECK(wrtc_dtls_valid(p, n, n));
    CHECK(!wrtc_dtls_valid(p, n - 1, n - 1));                 /* record runs past the datagram */
    CHECK(!wrtc_dtls_valid(p, 12, 12));                    /* shorter than a record header */
    n = dtls_record(p, 22, 0xFF, 20);
    CHECK(wrtc_dtls_valid(p, n, n));                      /* DTLS 1.0 */
    n = dtls_record(p, 22, 0x03, 20);
    CHECK(!wrtc_dtls_valid(p, n, n));                     /* not a DTLS version */
    n = dtls_record(p, 22, 0xFD, 0);
    CHECK(!wrtc_dtls_valid(p, n, n));                     /* empty record */
    n = dtls_record(p, 30, 0xFD, 4);
    CHECK(!wrtc_dtls_valid(p, n, n));                     /* content type 30 */
    /* Two records in one datagram (ServerHello + ... flight). */
    n = dtls_record(p, 22, 0xFD, 10);
    m = dtls_record(p + n, 20, 0xFD, 1);
    CHECK(wrtc_dtls_valid(p, n + m, n + m));
    CHECK(!wrtc_dtls_valid(p, n + m - 1, n + m - 1));             /* second one truncated */
    CHECK(!wrtc_dtls_valid(p, n + 5, n + 5));                 /* junk after the first */
    /* DTLS 1.3 unified header (RFC 9147 §4): 001CSLEE. */
    memset(p, 0, sizeof p);
    p[0] = 0x2F;                                       /* S=1 (16-bit seq), L=1, epoch 3 */
    put16(p + 3, 16);
    CHECK(wrtc_dtls_valid(p, 5 + 16, 5 + 16));
    CHECK(!wrtc_dtls_valid(p, 5 + 15, 5 + 15));
    p[0] = 0x28;                                       /* S=1, no length: to the end */
    CHECK(wrtc_dtls_valid(p, 20, 20));
    CHECK(!wrtc_dtls_valid(p, 3, 3));
    p[0] = 0x20;                                       /* 8-bit seq, no length */
    CHECK(wrtc_dtls_valid(p, 2 + 1, 2 + 1));
    /* The strict form: L bit, no CID, lengths exact. */
    memset(p, 0, sizeof p);
    p[0] = 0x2F;
    put16(p + 3, 16);
    CHECK(wrtc_dtls13_record_strict(p, 5 + 16, 5 + 16));
    CHECK(!wrtc_dtls13_record_strict(p, 5 + 17, 5 + 17));   /* a byte left over */
    p[0] = 0x28;                                             /* no length */
    CHECK(!wrtc_dtls13_record_strict(p, 5 + 16, 5 + 16));
    p[0] = 0x3F;                                             /* connection ID */
    CHECK(!wrtc_dtls13_record_strict(p, 5 + 16, 5 + 16));
}

/* ------------------------------------------------------------ dtls_records */
static void test_dtls_records(void)
{
    uint8_t p[256];
    wrtc_dtls_records_t r;
    size_t n, m;
    /* DTLS 1.2: the content type in the clear (RFC 6347 §4.1). */
    memset(&r, 0, sizeof r);
    n = dtls_record(p, 23, 0xFD, 100);
    wrtc_dtls_count_records(p, n, n, &r);
    CHECK_EQ(r.app_records, 1);
    CHECK_EQ(r.app_bytes, 113);
    CHECK_EQ(r.other_records, 0);
    n = dtls_record(p, 22, 0xFD, 40);
    m = dtls_record(p + n, 21, 0xFD, 26);          /* handshake + alert: not counted */
    wrtc_dtls_count_records(p, n + m, n + m, &r);
    CHECK_EQ(r.app_records, 1);
    CHECK_EQ(r.other_records, 2);
    /* Header-only capture: the length is in the header, the body cut. */
    memset(&r, 0, sizeof r);
    n = dtls_record(p, 23, 0xFD, 200);
    wrtc_dtls_count_records(p, 22, n, &r);
    CHECK_EQ(r.app_records, 1);
    CHECK_EQ(r.app_bytes, 213);
    wrtc_dtls_count_records(p, 10, n, &r);         /* header itself cut */
    CHECK_EQ(r.app_records, 1);
    CHECK_EQ(r.unknown, 1);
    /* DTLS 1.3 unified header (RFC 9147 §4), the lengths of a real
     * Chromium capture (chromium-datachannel.pcapng): 0x2f = S, L, epoch 3. */
    memset(&r, 0, sizeof r);
    memset(p, 0, sizeof p);
    p[0] = 0x2F;
    put16(p + 3, 61);                              /* SCTP INIT: 44 + 1 + 16 */
    wrtc_dtls_count_records(p, 5 + 61, 5 + 61, &r);
    CHECK_EQ(r.app_records, 1);
    CHECK_EQ(r.app_bytes, 66);
    put16(p + 3, 35);                              /* ACK of one record: 2 + 16 + 1 + 16 */
    wrtc_dtls_count_records(p, 5 + 35, 5 + 35, &r);
    CHECK_EQ(r.app_records, 1);
    CHECK_EQ(r.other_records, 1);
    put16(p + 3, 19);                              /* alert: 2 + 1 + 16 */
    wrtc_dtls_count_records(p, 5 + 19, 5 + 19, &r);
    CHECK_EQ(r.other_records, 2);
    p[0] = 0x2E;                                   /* epoch 2: the handshake */
    put16(p + 3, 61);
    wrtc_dtls_count_records(p, 5 + 61, 5 + 61, &r);
    CHECK_EQ(r.app_records, 1);
    CHECK_EQ(r.other_records, 3);
    p[0] = 0x2C;                                   /* epoch 4 (after a KeyUpdate) */
    wrtc_dtls_count_records(p, 5 + 61, 5 + 61, &r);
    CHECK_EQ(r.app_records, 2);
    p[0] = 0x2B;                                   /* no L bit: to the end of the datagram */
    wrtc_dtls_count_records(p, 3 + 33, 3 + 33, &r);
    CHECK_EQ(r.app_records, 3);
    CHECK_EQ(r.app_bytes, 66 + 66 + 36);
    /* Two records in one datagram, the second's header cut (snaplen). */
    memset(&r, 0, sizeof r);
    p[0] = 0x2F;
    put16(p + 3, 45);
    p[50] = 0x2F;
    put16(p + 53, 45);
    wrtc_dtls_count_records(p, 100, 100, &r);
    CHECK_EQ(r.app_records, 2);
    memset(&r, 0, sizeof r);
    wrtc_dtls_count_records(p, 52, 100, &r);
    CHECK_EQ(r.app_records, 1);
    CHECK_EQ(r.unknown, 1);
    /* A connection ID of unknown length: not counted. */
    memset(&r, 0, sizeof r);
    p[0] = 0x3F;
    wrtc_dtls_count_records(p, 50, 50, &r);
    CHECK_EQ(r.app_records, 0);
    CHECK_EQ(r.unknown, 1);
}

/* ------------------------------------------------------------- channeldata */
static void test_channeldata(void)
{
    uint8_t p[64] = {0};
    uint16_t ch = 0;
    size_t plen = 0;
    put16(p, 0x4000);
    put16(p + 2, 4);
    CHECK(wrtc_channeldata_valid(p, 8, 8, false, &ch, &plen));
    CHECK_EQ(ch, 0x4000);
    CHECK_EQ(plen, 4);
    put16(p + 2, 5);
    CHECK(wrtc_channeldata_valid(p, 9, 9, false, NULL, NULL));   /* UDP: padding optional */
    CHECK(wrtc_channeldata_valid(p, 12, 12, false, NULL, NULL));  /* UDP: padded */
    CHECK(!wrtc_channeldata_valid(p, 10, 10, false, NULL, NULL)); /* neither */
    CHECK(!wrtc_channeldata_valid(p, 9, 9, true, NULL, NULL));   /* TCP: padding required */
    CHECK(wrtc_channeldata_valid(p, 12, 12, true, NULL, NULL));
    CHECK(wrtc_channeldata_valid(p, 20, 20, true, NULL, NULL));   /* TCP: next frame follows */
    put16(p + 2, 100);
    CHECK(!wrtc_channeldata_valid(p, 12, 12, false, NULL, NULL)); /* length beyond message */
    put16(p, 0x5000);
    put16(p + 2, 4);
    CHECK(!wrtc_channeldata_valid(p, 8, 8, false, NULL, NULL));  /* not 0x4000-0x4FFF */
    put16(p, 0x3FFF);
    CHECK(!wrtc_channeldata_valid(p, 8, 8, false, NULL, NULL));
    CHECK(!wrtc_channeldata_valid(p, 3, 3, false, NULL, NULL));
    put16(p, 0x4FFF);
    put16(p + 2, 0);
    CHECK(wrtc_channeldata_valid(p, 4, 4, false, NULL, NULL));   /* empty payload */
}

/* -------------------------------------------------------------------- zrtp */
static void test_zrtp(void)
{
    uint8_t p[40] = {0};
    p[0] = 0x10;
    memcpy(p + 4, "ZRTP", 4);
    CHECK(wrtc_zrtp_valid(p, 40, 40));
    CHECK(!wrtc_zrtp_valid(p, 27, 27));
    p[5] = 'X';
    CHECK(!wrtc_zrtp_valid(p, 40, 40));
    p[5] = 'R';
    p[0] = 0x20;
    CHECK(!wrtc_zrtp_valid(p, 40, 40));
}

/* --------------------------------------------------------------------- rtp */
static size_t rtp_pkt(uint8_t *p, uint8_t b0, uint8_t b1, uint16_t seq, uint32_t ts,
                      uint32_t ssrc, size_t payload)
{
    size_t i;
    p[0] = b0;
    p[1] = b1;
    put16(p + 2, seq);
    put32(p + 4, ts);
    put32(p + 8, ssrc);
    for (i = 0; i < payload; i++)
        p[12 + i] = (uint8_t)i;
    return 12 + payload;
}

static void test_rtp(void)
{
    uint8_t p[256];
    wrtc_rtp_hdr_t h;
    size_t n = rtp_pkt(p, 0x80, 0x6F, 7, 960, 0xDEADBEEF, 20);
    CHECK_EQ(wrtc_rtp_parse(p, n, n, false, &h), WRTC_RTP_OK);
    CHECK_EQ(h.pt, 111);
    CHECK_EQ(h.seq, 7);
    CHECK_EQ(h.ts, 960);
    CHECK_EQ(h.ssrc, 0xDEADBEEF);
    CHECK_EQ(h.header_len, 12);
    CHECK_EQ(h.payload_len, 20);
    CHECK_EQ(wrtc_rtp_parse(p, 12, 12, false, NULL), WRTC_RTP_OK);      /* empty payload */
    CHECK_EQ(wrtc_rtp_parse(p, 11, 11, false, NULL), WRTC_RTP_TOO_SHORT);
    CHECK_EQ(wrtc_rtp_parse(p, 1, 1, false, NULL), WRTC_RTP_TOO_SHORT);
    p[0] = 0x00; CHECK_EQ(wrtc_rtp_parse(p, n, n, false, NULL), WRTC_RTP_BAD_VERSION);
    p[0] = 0x40; CHECK_EQ(wrtc_rtp_parse(p, n, n, false, NULL), WRTC_RTP_BAD_VERSION);
    p[0] = 0xC0; CHECK_EQ(wrtc_rtp_parse(p, n, n, false, NULL), WRTC_RTP_BAD_VERSION);
    /* CSRC count overflowing the packet: 15 CSRCs need 72 bytes. */
    p[0] = 0x8F;
    CHECK_EQ(wrtc_rtp_parse(p, 40, 40, false, NULL), WRTC_RTP_CSRC_OVERFLOW);
    CHECK_EQ(wrtc_rtp_parse(p, 72, 72, false, &h), WRTC_RTP_OK);
    CHECK_EQ(h.csrc_count, 15);
    CHECK_EQ(h.payload_len, 0);
    /* Header extension (RFC 8285 one-byte, 0xBEDE). */
    n = rtp_pkt(p, 0x90, 0x60, 1, 1, 1, 0);
    CHECK_EQ(wrtc_rtp_parse(p, n, n, false, NULL), WRTC_RTP_EXT_OVERFLOW); /* no ext header */
    put16(p + 12, 0xBEDE);
    put16(p + 14, 2);                                  /* 8 bytes of extension */
    CHECK_EQ(wrtc_rtp_parse(p, 16, 16, false, NULL), WRTC_RTP_EXT_OVERFLOW);
    CHECK_EQ(wrtc_rtp_parse(p, 23, 23, false, NULL), WRTC_RTP_EXT_OVERFLOW);
    CHECK_EQ(wrtc_rtp_parse(p, 24 + 10, 24 + 10, false, &h), WRTC_RTP_OK);
    CHECK_EQ(h.ext_profile, 0xBEDE);
    CHECK_EQ(h.ext_len, 8);
    CHECK_EQ(h.header_len, 24);
    CHECK_EQ(h.payload_len, 10);
    put16(p + 14, 0xFFFF);                              /* extension length overflow */
    CHECK_EQ(wrtc_rtp_parse(p, 100, 100, false, NULL), WRTC_RTP_EXT_OVERFLOW);
    /* Padding (RFC 3550 §5.1): last byte counts the padding. */
    n = rtp_pkt(p, 0xA0, 0x60, 1, 1, 1, 10);
    p[n - 1] = 0;
    CHECK_EQ(wrtc_rtp_parse(p, n, n, false, NULL), WRTC_RTP_BAD_PADDING);   /* count 0 */
    p[n - 1] = 11;
    CHECK_EQ(wrtc_rtp_parse(p, n, n, false, NULL), WRTC_RTP_BAD_PADDING);   /* > payload */
    p[n - 1] = 10;
    CHECK_EQ(wrtc_rtp_parse(p, n, n, false, &h), WRTC_RTP_OK);              /* all padding */
    CHECK_EQ(h.payload_len, 0);
    CHECK_EQ(h.padding_len, 10);
    p[n - 1] = 0;                                      /* SRTP: last byte is the tag */
    CHECK_EQ(wrtc_rtp_parse(p, n, n, true, &h), WRTC_RTP_OK);
    CHECK_EQ(h.payload_len, 10);
    n = rtp_pkt(p, 0xA0, 0x60, 1, 1, 1, 0);            /* padding bit, no room */
    CHECK_EQ(wrtc_rtp_parse(p, n, n, false, NULL), WRTC_RTP_BAD_PADDING);
    /* Marker + PT 64-95 is RTCP (RFC 5761 §4). */
    n = rtp_pkt(p, 0x80, 0x80 | 72, 1, 1, 1, 4);
    CHECK_EQ(wrtc_rtp_parse(p, n, n, false, NULL), WRTC_RTP_RTCP_PT);
    n = rtp_pkt(p, 0x80, 72, 1, 1, 1, 4);              /* without marker: RTP (PT 72) */
    CHECK_EQ(wrtc_rtp_parse(p, n, n, false, NULL), WRTC_RTP_OK);
    CHECK(strlen(wrtc_rtp_status_name(WRTC_RTP_EXT_OVERFLOW)) > 0);
}

/* -------------------------------------------------------------------- rtcp */
static void test_rtcp(void)
{
    uint8_t p[128] = {0};
    wrtc_rtcp_info_t info;
    /* RR without report blocks: 8 bytes. */
    p[0] = 0x80; p[1] = 201; put16(p + 2, 1); put32(p + 4, 0x11223344);
    CHECK_EQ(wrtc_rtcp_parse(p, 8, 8, &info), WRTC_RTCP_PLAIN);
    CHECK_EQ(info.first_pt, 201);
    CHECK_EQ(info.sender_ssrc, 0x11223344);
    CHECK_EQ(info.packets, 1);
    CHECK_EQ(wrtc_rtcp_parse(p, 7, 7, NULL), WRTC_RTCP_INVALID);
    CHECK_EQ(wrtc_rtcp_parse(p, 1, 1, NULL), WRTC_RTCP_INVALID);
    /* Compound RR + SDES (length 2 = 12 bytes). */
    p[8] = 0x81; p[9] = 202; put16(p + 10, 2);
    CHECK_EQ(wrtc_rtcp_parse(p, 20, 20, &info), WRTC_RTCP_PLAIN);
    CHECK_EQ(info.packets, 2);
    /* Length mismatch: the first packet claims more than the datagram. */
    put16(p + 2, 40);
    CHECK_EQ(wrtc_rtcp_parse(p, 20, 20, NULL), WRTC_RTCP_INVALID);
    put16(p + 2, 1);
    /* Padding bit on a packet that is not the last: not plain RTCP. */
    p[0] = 0xA0;
    CHECK_EQ(wrtc_rtcp_parse(p, 20, 20, NULL), WRTC_RTCP_SRTCP);
    p[0] = 0x80;
    /* SRTCP: a valid first packet followed by ciphertext + E/index + tag. */
    p[8] = 0x13; p[9] = 0x37;
    CHECK_EQ(wrtc_rtcp_parse(p, 8 + 4 + 10, 8 + 4 + 10, &info), WRTC_RTCP_SRTCP);
    CHECK_EQ(wrtc_rtcp_parse(p, 8 + 3, 8 + 3, NULL), WRTC_RTCP_INVALID);  /* no room for the index */
    /* Version 1 or a type outside 192-223. */
    p[0] = 0x40;
    CHECK_EQ(wrtc_rtcp_parse(p, 8, 8, NULL), WRTC_RTCP_INVALID);
    p[0] = 0x80; p[1] = 191;
    CHECK_EQ(wrtc_rtcp_parse(p, 8, 8, NULL), WRTC_RTCP_INVALID);
    p[1] = 224;
    CHECK_EQ(wrtc_rtcp_parse(p, 8, 8, NULL), WRTC_RTCP_INVALID);
    /* Transport-cc feedback alone (reduced-size RTCP, RFC 5506): RTPFB 205. */
    p[0] = 0x8F; p[1] = 205; put16(p + 2, 4);
    CHECK_EQ(wrtc_rtcp_parse(p, 20, 20, &info), WRTC_RTCP_PLAIN);
    CHECK_EQ(info.first_fmt, 15);
}

/* ----------------------------------------------------------------- cut */
/* Header-only captures (snaplen): every validator decides on the captured
 * bytes, lengths checked against the length on the wire. */
static void test_cut(void)
{
    uint8_t p[512];
    wrtc_rtp_hdr_t h;
    size_t n;
    /* STUN: a 96-byte Binding request of which 22 bytes were captured
     * (snaplen 64 over IPv4/UDP). */
    n = stun_msg(p, 0x0001, 76);
    CHECK(wrtc_stun_valid(p, 22, n, false));
    CHECK(wrtc_stun_valid(p, 8, n, false));
    CHECK(!wrtc_stun_valid(p, 7, n, false));             /* cookie not captured */
    CHECK(!wrtc_stun_valid(p, 22, n + 4, false));        /* length != wire length */
    CHECK(!wrtc_stun_valid(p, 22, 19, false));
    /* DTLS: a 300-byte ClientHello record cut after 22 bytes. */
    n = dtls_record(p, 22, 0xFD, 287);
    CHECK(wrtc_dtls_valid(p, 22, n));
    CHECK(wrtc_dtls_valid(p, 13, n));
    CHECK(!wrtc_dtls_valid(p, 12, n));                   /* first header not captured */
    CHECK(!wrtc_dtls_valid(p, 22, n - 1));               /* record longer than the wire */
    CHECK(!wrtc_dtls_valid(p, 22, n + 2));               /* 2 bytes: no record fits */
    /* Two records, the second header cut after 3 bytes: valid so far. */
    n = dtls_record(p, 22, 0xFD, 10);
    dtls_record(p + n, 22, 0xFD, 50);
    CHECK(wrtc_dtls_valid(p, n + 3, n + 63));
    CHECK(!wrtc_dtls_valid(p, n + 3, n + 12));           /* no room for its header */
    CHECK(wrtc_dtls_valid(p, n + 2, n + 63));            /* 2 bytes of it captured */
    CHECK(wrtc_dtls_valid(p, n + 1, n + 63));
    /* ChannelData: 4-byte header, length against the wire. */
    put16(p, 0x4000);
    put16(p + 2, 200);
    CHECK(wrtc_channeldata_valid(p, 22, 204, false, NULL, NULL));
    CHECK(!wrtc_channeldata_valid(p, 22, 203, false, NULL, NULL));
    CHECK(!wrtc_channeldata_valid(p, 3, 204, false, NULL, NULL));
    /* ZRTP: magic captured, length on the wire. */
    memset(p, 0, 40);
    p[0] = 0x10;
    memcpy(p + 4, "ZRTP", 4);
    CHECK(wrtc_zrtp_valid(p, 8, 40));
    CHECK(!wrtc_zrtp_valid(p, 8, 27));
    /* RTP: fixed header captured, the rest on the wire. */
    n = rtp_pkt(p, 0x90, 0x6F, 7, 960, 0xDEADBEEF, 0);
    put16(p + 12, 0xBEDE);
    put16(p + 14, 2);                                    /* 8 bytes of extension */
    CHECK_EQ(wrtc_rtp_parse(p, 22, 200, false, &h), WRTC_RTP_OK);
    CHECK(h.cut);
    CHECK(h.header_cut);                                 /* extension ends at 24 */
    CHECK_EQ(h.header_len, 24);
    CHECK_EQ(h.payload_len, 176);
    CHECK_EQ(h.payload_captured, 0);
    CHECK_EQ(wrtc_rtp_parse(p, 14, 200, false, &h), WRTC_RTP_OK);   /* ext length not captured */
    CHECK(h.header_cut);
    CHECK_EQ(h.header_len, 16);
    CHECK_EQ(wrtc_rtp_parse(p, 11, 200, false, NULL), WRTC_RTP_TOO_SHORT);
    CHECK_EQ(wrtc_rtp_parse(p, 22, 20, false, NULL), WRTC_RTP_EXT_OVERFLOW); /* ext past the wire */
    CHECK_EQ(wrtc_rtp_parse(p, 40, 200, false, &h), WRTC_RTP_OK);
    CHECK(!h.header_cut);
    CHECK_EQ(h.payload_captured, 16);
    /* Padding bit on a cut packet: the count is not captured, not wrong. */
    n = rtp_pkt(p, 0xA0, 0x60, 1, 1, 1, 100);
    p[n - 1] = 0;                                        /* would be invalid if seen */
    CHECK_EQ(wrtc_rtp_parse(p, 40, n, false, &h), WRTC_RTP_OK);
    CHECK_EQ(h.padding_len, 0);
    CHECK_EQ(wrtc_rtp_parse(p, n, n, false, NULL), WRTC_RTP_BAD_PADDING);
    /* CSRC list past the wire length is still wrong. */
    p[0] = 0x8F;
    CHECK_EQ(wrtc_rtp_parse(p, 22, 40, false, NULL), WRTC_RTP_CSRC_OVERFLOW);
    /* RTCP: SR (28 bytes) + SDES (12) cut after 22 bytes. */
    memset(p, 0, 64);
    p[0] = 0x80; p[1] = 200; put16(p + 2, 6); put32(p + 4, 0x11223344);
    p[28] = 0x81; p[29] = 202; put16(p + 30, 2);
    {
        wrtc_rtcp_info_t info;
        CHECK_EQ(wrtc_rtcp_parse(p, 22, 40, &info), WRTC_RTCP_CUT);
        CHECK_EQ(info.sender_ssrc, 0x11223344);
        CHECK_EQ(wrtc_rtcp_parse(p, 40, 40, NULL), WRTC_RTCP_PLAIN);
        CHECK_EQ(wrtc_rtcp_parse(p, 22, 24, NULL), WRTC_RTCP_INVALID);  /* SR longer than the wire */
        CHECK_EQ(wrtc_rtcp_parse(p, 7, 40, NULL), WRTC_RTCP_INVALID);
    }
}

/* ------------------------------------------------------------- corroborate */
static wrtc_rtp_hdr_t hdr(uint32_t ssrc, uint16_t seq, uint32_t ts)
{
    wrtc_rtp_hdr_t h;
    memset(&h, 0, sizeof h);
    h.ssrc = ssrc;
    h.seq = seq;
    h.ts = ts;
    return h;
}

static void test_corroborate(void)
{
    wrtc_track_t t;
    wrtc_rtp_hdr_t h;
    int i;

    CHECK_EQ(wrtc_clock_match(960, 0.020), 48000);
    CHECK_EQ(wrtc_clock_match(160, 0.020), 8000);
    CHECK_EQ(wrtc_clock_match(3000, 1.0 / 30), 90000);
    CHECK_EQ(wrtc_clock_match(48000, 1.0), 48000);
    CHECK_EQ(wrtc_clock_match(1000000000, 0.02), 0);
    CHECK_EQ(wrtc_clock_match(-5, 0.02), 0);
    CHECK_EQ(wrtc_clock_match(70000, 1.0), 0);       /* between 48k and 90k */

    /* 20 ms Opus: corroborated on the WRTC_CORROBORATE_PACKETS-th packet. */
    wrtc_track_init(&t);
    for (i = 0; i < WRTC_CORROBORATE_PACKETS; i++) {
        wrtc_track_result_t r;
        h = hdr(0xABCD, (uint16_t)(65534 + i), 4294967000u + 960u * (uint32_t)i); /* both wrap */
        r = wrtc_track_update(&t, &h, NULL, 0, 10.0 + 0.02 * i);
        CHECK_EQ(r, i == 0 ? WRTC_TRACK_STARTED
                 : i + 1 < WRTC_CORROBORATE_PACKETS ? WRTC_TRACK_AGREES : WRTC_TRACK_CORROBORATED);
    }
    CHECK_EQ(t.clock_rate, 48000);
    /* A late (reordered) packet does not undo it. */
    h = hdr(0xABCD, (uint16_t)(65534 + 1), 0);
    CHECK_EQ(wrtc_track_update(&t, &h, NULL, 0, 10.1), WRTC_TRACK_CORROBORATED);

    /* Packets of one video frame alone (no timestamp advance) are not
     * enough, however many. */
    wrtc_track_init(&t);
    for (i = 0; i < 8; i++) {
        h = hdr(9, (uint16_t)(500 + i), 777);
        CHECK(wrtc_track_update(&t, &h, NULL, 0, 2.0 + 0.0005 * i) != WRTC_TRACK_CORROBORATED);
    }
    /* Video: packets of one frame share a timestamp. */
    wrtc_track_init(&t);
    {
        uint32_t ts = 1000;
        uint16_t seq = 100;
        double tm = 5.0;
        wrtc_track_result_t r = WRTC_TRACK_STARTED;
        for (i = 0; i < 6; i++) {
            h = hdr(7, seq++, ts);
            r = wrtc_track_update(&t, &h, NULL, 0, tm);
            if (i % 2 == 1) { ts += 3000; tm += 1.0 / 30; }
            else tm += 0.001;
        }
        CHECK_EQ(r, WRTC_TRACK_CORROBORATED);
    }

    /* One video frame as equal fragments (a packetizer's): corroborated
     * on its WRTC_CORROBORATE_PACKETS-th packet, without a timestamp move. */
    wrtc_track_init(&t);
    for (i = 0; i < WRTC_CORROBORATE_PACKETS; i++) {
        wrtc_track_result_t r;
        h = hdr(11, (uint16_t)(40 + i), 9000);
        h.payload_len = 1396 + (i % 2);
        r = wrtc_track_update(&t, &h, NULL, 0, 3.0 + 0.0001 * i);
        CHECK_EQ(r, i + 1 < WRTC_CORROBORATE_PACKETS ? (i ? WRTC_TRACK_AGREES : WRTC_TRACK_STARTED)
                                                   : WRTC_TRACK_CORROBORATED);
    }
    CHECK_EQ(t.how, WRTC_CORR_BURST);
    {
        char ev[200];
        wrtc_track_evidence(&t, ev, sizeof ev);
        CHECK(strstr(ev, "1396-1397 bytes") != NULL);
    }
    /* ... not when the sizes differ, a sequence number is skipped or the
     * payloads are small. */
    {
        static const uint32_t lens[3][4] = { { 1396, 1200, 1396, 1396 }, { 1396, 1396, 1396, 1396 },
                                             { 60, 60, 60, 60 } };
        int v;
        for (v = 0; v < 3; v++) {
            wrtc_track_result_t r = WRTC_TRACK_STARTED;
            wrtc_track_init(&t);
            for (i = 0; i < WRTC_CORROBORATE_PACKETS; i++) {
                h = hdr(11, (uint16_t)(40 + i + (v == 1 && i == 3)), 9000);
                h.payload_len = lens[v][i];
                r = wrtc_track_update(&t, &h, NULL, 0, 3.0 + 0.0001 * i);
            }
            CHECK(r != WRTC_TRACK_CORROBORATED);
        }
    }
    /* H.263 (static PT 34, RFC 2190): GOB fragments of any size. */
    wrtc_track_init(&t);
    {
        static const uint32_t lens[4] = { 881, 891, 343, 913 };
        wrtc_track_result_t r = WRTC_TRACK_STARTED;
        for (i = 0; i < 4; i++) {
            h = hdr(13, (uint16_t)(900 + i), 5000);
            h.pt = 34;
            h.payload_len = lens[i];
            r = wrtc_track_update(&t, &h, NULL, 0, 6.0 + 0.001 * i);
        }
        CHECK_EQ(r, WRTC_TRACK_CORROBORATED);
        /* ... and the same sizes on a dynamic PT are not enough. */
        wrtc_track_init(&t);
        for (i = 0; i < 4; i++) {
            h = hdr(13, (uint16_t)(900 + i), 5000);
            h.pt = 96;
            h.payload_len = lens[i];
            r = wrtc_track_update(&t, &h, NULL, 0, 6.0 + 0.001 * i);
        }
        CHECK(r != WRTC_TRACK_CORROBORATED);
    }
    /* An RFC 4733 event alone: updates every 50 ms share the timestamp,
     * durations grow at 8 kHz, the end packet is repeated. */
    {
        static const uint16_t dur[] = { 400, 800, 1200, 1200, 1200 };
        static const bool end[] = { false, false, true, true, true };
        uint8_t pl[4];
        wrtc_track_result_t r = WRTC_TRACK_STARTED;
        wrtc_track_init(&t);
        for (i = 0; i < 5; i++) {
            pl[0] = 5;
            pl[1] = (uint8_t)((end[i] ? 0x80 : 0) | 10);
            put16(pl + 2, dur[i]);
            h = hdr(12, (uint16_t)(7 + i), 160000);
            h.payload_len = 4;
            r = wrtc_track_update(&t, &h, pl, 4, 4.0 + 0.05 * i);
            if (i == 3)
                CHECK_EQ(r, WRTC_TRACK_CORROBORATED);
        }
        CHECK_EQ(r, WRTC_TRACK_CORROBORATED);
        CHECK_EQ(t.how, WRTC_CORR_EVENT);
        CHECK_EQ(t.event_rate, 8000);
        /* Durations not following a clock (or an unknown code): no. */
        wrtc_track_init(&t);
        for (i = 0; i < 5; i++) {
            pl[0] = 5;
            pl[1] = 10;
            put16(pl + 2, (uint16_t)(400 + 5000 * i));
            h = hdr(12, (uint16_t)(7 + i), 160000);
            h.payload_len = 4;
            r = wrtc_track_update(&t, &h, pl, 4, 4.0 + 0.05 * i);
        }
        CHECK(r != WRTC_TRACK_CORROBORATED);
        wrtc_track_init(&t);
        for (i = 0; i < 5; i++) {
            pl[0] = 200;
            pl[1] = 10;
            put16(pl + 2, (uint16_t)(400 * (i + 1)));
            h = hdr(12, (uint16_t)(7 + i), 160000);
            h.payload_len = 4;
            r = wrtc_track_update(&t, &h, pl, 4, 4.0 + 0.05 * i);
        }
        CHECK(r != WRTC_TRACK_CORROBORATED);
    }

    /* Random datagrams: a new SSRC each time never agrees. */
    wrtc_track_init(&t);
    for (i = 0; i < 50; i++) {
        h = hdr((uint32_t)rnd8() << 24 | rnd8() << 16 | rnd8() << 8 | rnd8(),
                (uint16_t)(rnd8() << 8 | rnd8()), (uint32_t)rnd8() << 24);
        CHECK(wrtc_track_update(&t, &h, NULL, 0, 1.0 + i * 0.01) != WRTC_TRACK_CORROBORATED);
    }
    /* Same SSRC but sequence jumps, repeats, or timestamps going back. */
    wrtc_track_init(&t);
    h = hdr(1, 10, 0);      wrtc_track_update(&t, &h, NULL, 0, 0.0);
    h = hdr(1, 200, 160);   CHECK_EQ(wrtc_track_update(&t, &h, NULL, 0, 0.02), WRTC_TRACK_RESET);
    h = hdr(1, 200, 160);   CHECK_EQ(wrtc_track_update(&t, &h, NULL, 0, 0.04), WRTC_TRACK_AGREES); /* duplicate */
    h = hdr(1, 200, 320);   CHECK_EQ(wrtc_track_update(&t, &h, NULL, 0, 0.05), WRTC_TRACK_RESET); /* seq repeat, new ts */
    h = hdr(1, 201, 0);     CHECK_EQ(wrtc_track_update(&t, &h, NULL, 0, 0.06), WRTC_TRACK_RESET); /* ts back */
    /* Timestamps racing ahead of capture time (no media clock). */
    wrtc_track_init(&t);
    h = hdr(1, 1, 0);       wrtc_track_update(&t, &h, NULL, 0, 0.0);
    h = hdr(1, 2, 500000);  CHECK_EQ(wrtc_track_update(&t, &h, NULL, 0, 0.02), WRTC_TRACK_RESET);
    /* A long pause restarts the candidate. */
    wrtc_track_init(&t);
    h = hdr(1, 1, 0);       wrtc_track_update(&t, &h, NULL, 0, 0.0);
    h = hdr(1, 2, 160);     CHECK_EQ(wrtc_track_update(&t, &h, NULL, 0, 0.0 + WRTC_TRACK_MAX_GAP_S + 1), WRTC_TRACK_RESET);
}

/* ----------------------------------------------------------------- rfc4733 */
static uint8_t ev_block[4];
static const uint8_t *event(uint8_t code, bool end, uint8_t vol, uint16_t dur)
{
    ev_block[0] = code;
    ev_block[1] = (uint8_t)((end ? 0x80 : 0) | (vol & 0x3F));
    put16(ev_block + 2, dur);
    return ev_block;
}

static void test_rfc4733(void)
{
    wrtc_events_t e;
    uint8_t red[13];
    int i;

    /* One digit: start, two updates, end sent three times (RFC 4733 §2.5). */
    wrtc_events_init(&e, 101);
    CHECK_EQ(wrtc_events_update(&e, event(5, false, 10, 160), 4, 8000, 1.00, 1), WRTC_EVENTS_UNDECIDED);
    CHECK_EQ(wrtc_events_update(&e, event(5, false, 10, 320), 4, 8000, 1.05, 2), WRTC_EVENTS_UNDECIDED);
    CHECK_EQ(wrtc_events_update(&e, event(5, false, 10, 480), 4, 8000, 1.10, 3), WRTC_EVENTS_UNDECIDED);
    CHECK_EQ(wrtc_events_update(&e, event(5, true, 10, 640), 4, 8000, 1.15, 4), WRTC_EVENTS_YES);
    CHECK_EQ(e.decided_frame, 4);
    CHECK_EQ(e.events, 1);

    /* Firefox: a short digit, start then its end sent three times within a
     * millisecond (RFC 4733 §2.5.1.4 repeats are no updates: not a rate
     * violation); decided with the second digit. Frames as in
     * test-captures/firefox-dtls12 (615-620, 668). */
    wrtc_events_init(&e, 101);
    CHECK_EQ(wrtc_events_update(&e, event(1, false, 10, 960), 4, 3000, 4.9753, 615), WRTC_EVENTS_UNDECIDED);
    CHECK_EQ(wrtc_events_update(&e, event(1, true, 10, 1760), 4, 3000, 4.9869, 618), WRTC_EVENTS_UNDECIDED);
    CHECK_EQ(wrtc_events_update(&e, event(1, true, 10, 1760), 4, 3000, 4.9871, 619), WRTC_EVENTS_YES);
    CHECK_EQ(e.decided_frame, 619);
    CHECK_EQ(wrtc_events_update(&e, event(1, true, 10, 1760), 4, 3000, 4.9871, 620), WRTC_EVENTS_YES);
    CHECK_EQ(e.end_repeats, 2);
    CHECK_EQ(e.events, 1);
    /* Updates that really come too fast still fail. */
    wrtc_events_init(&e, 101);
    CHECK_EQ(wrtc_events_update(&e, event(1, false, 10, 160), 4, 3000, 1.000, 1), WRTC_EVENTS_UNDECIDED);
    CHECK_EQ(wrtc_events_update(&e, event(1, false, 10, 320), 4, 3000, 1.001, 2), WRTC_EVENTS_UNDECIDED);
    CHECK_EQ(wrtc_events_update(&e, event(1, true, 10, 480), 4, 3000, 1.002, 3), WRTC_EVENTS_NO);

    /* Video on PT 101: large payloads. */
    wrtc_events_init(&e, 101);
    CHECK_EQ(wrtc_events_update(&e, red, 1000, 0, 0, 9), WRTC_EVENTS_NO);
    CHECK_EQ(e.decided_frame, 9);
    CHECK(e.reason != NULL);
    /* 5 bytes is not an event block. */
    wrtc_events_init(&e, 101);
    CHECK_EQ(wrtc_events_update(&e, red, 5, 0, 0, 1), WRTC_EVENTS_NO);
    /* Unknown event code, reserved bit. */
    wrtc_events_init(&e, 101);
    CHECK_EQ(wrtc_events_update(&e, event(200, false, 0, 0), 4, 0, 0, 1), WRTC_EVENTS_NO);
    wrtc_events_init(&e, 101);
    ev_block[0] = 1; ev_block[1] = 0x40; ev_block[2] = 0; ev_block[3] = 160;
    CHECK_EQ(wrtc_events_update(&e, ev_block, 4, 0, 0, 1), WRTC_EVENTS_NO);
    /* Duration shrinking within one event. */
    wrtc_events_init(&e, 101);
    wrtc_events_update(&e, event(1, false, 10, 480), 4, 100, 0.0, 1);
    CHECK_EQ(wrtc_events_update(&e, event(1, false, 10, 320), 4, 100, 0.05, 2), WRTC_EVENTS_NO);
    /* An event continuing after its end bit. */
    wrtc_events_init(&e, 101);
    wrtc_events_update(&e, event(1, true, 10, 480), 4, 100, 0.0, 1);
    CHECK_EQ(wrtc_events_update(&e, event(1, false, 10, 640), 4, 100, 0.05, 2), WRTC_EVENTS_NO);
    /* Event-shaped payloads at a media packet rate (every 2 ms). */
    wrtc_events_init(&e, 101);
    for (i = 0; i < 3; i++)
        wrtc_events_update(&e, event(1, false, 10, (uint16_t)(160 * (i + 1))), 4, 100, 0.002 * i, 1);
    CHECK_EQ(wrtc_events_update(&e, event(1, true, 10, 640), 4, 100, 0.006, 4), WRTC_EVENTS_NO);
    /* No end bit yet: undecided however many updates. */
    wrtc_events_init(&e, 101);
    for (i = 0; i < 10; i++)
        CHECK_EQ(wrtc_events_update(&e, event(3, false, 10, (uint16_t)(160 * (i + 1))), 4, 5,
                                    0.05 * i, 1), WRTC_EVENTS_UNDECIDED);
    /* Padding-only packet says nothing. */
    CHECK_EQ(wrtc_events_update(&e, NULL, 0, 5, 1.0, 1), WRTC_EVENTS_UNDECIDED);
    /* RFC 2198 redundancy: one redundant 4-byte block + primary. */
    wrtc_events_init(&e, 101);
    red[0] = 0x80 | 101; red[1] = 0; red[2] = 0; red[3] = 4;   /* F=1, ts offset 0, len 4 */
    red[4] = 101;                                              /* F=0 final header */
    memcpy(red + 5, event(7, false, 10, 160), 4);
    memcpy(red + 9, event(7, false, 10, 320), 4);
    for (i = 0; i < 3; i++)
        CHECK_EQ(wrtc_events_update(&e, red, 13, 50, 0.05 * i, 1), WRTC_EVENTS_UNDECIDED);
    memcpy(red + 9, event(7, true, 10, 480), 4);
    CHECK_EQ(wrtc_events_update(&e, red, 13, 50, 0.2, 5), WRTC_EVENTS_YES);
    red[3] = 8;                                                /* block lengths off */
    wrtc_events_init(&e, 101);
    CHECK_EQ(wrtc_events_update(&e, red, 13, 50, 0.2, 5), WRTC_EVENTS_NO);
    CHECK(wrtc_event_code_known(16));
    CHECK(!wrtc_event_code_known(17));
    CHECK(wrtc_event_code_known(32));
}

/* ----------------------------------------------------------------- entropy */
static void test_entropy(void)
{
    wrtc_entropy_t e;
    uint8_t buf[512];
    int i, k;
    /* Ciphertext-like bytes. */
    wrtc_entropy_init(&e);
    for (k = 0; k < 16; k++) {
        for (i = 0; i < 128; i++)
            buf[i] = rnd8();
        wrtc_entropy_add(&e, buf, 128);
    }
    CHECK(wrtc_entropy_ready(&e));
    CHECK(wrtc_entropy_looks_encrypted(&e));
    CHECK_EQ(e.total, WRTC_ENTROPY_MIN_BYTES);
    /* Compressed media: random-looking bulk, but a repeating codec header
     * (an Opus TOC byte of 0x78) at the start of every payload. */
    wrtc_entropy_init(&e);
    for (k = 0; k < 16; k++) {
        for (i = 0; i < 128; i++)
            buf[i] = rnd8();
        buf[0] = 0x78;
        wrtc_entropy_add(&e, buf, 128);
    }
    CHECK(wrtc_entropy_ready(&e));
    CHECK(wrtc_entropy_chi2(&e) < WRTC_ENTROPY_CHI2_RANDOM);
    CHECK(!wrtc_entropy_looks_encrypted(&e));
    /* Enough bytes from too few packets: not ready. */
    wrtc_entropy_init(&e);
    for (k = 0; k < 4; k++) {
        for (i = 0; i < 512; i++)
            buf[i] = rnd8();
        wrtc_entropy_add(&e, buf, 512);
    }
    CHECK(!wrtc_entropy_ready(&e));
    /* G.711-like samples of a tone: few distinct values. */
    wrtc_entropy_init(&e);
    for (k = 0; k < 16; k++) {
        for (i = 0; i < 160; i++)
            buf[i] = (uint8_t)(0x80 + 20 * (((i + k) / 4) % 8));
        wrtc_entropy_add(&e, buf, 160);
    }
    CHECK(wrtc_entropy_ready(&e));
    CHECK(!wrtc_entropy_looks_encrypted(&e));
    /* Not enough bytes yet. */
    wrtc_entropy_init(&e);
    wrtc_entropy_add(&e, buf, 100);
    CHECK(!wrtc_entropy_ready(&e));
    CHECK(!wrtc_entropy_looks_encrypted(&e));
    wrtc_entropy_init(&e);
    CHECK(wrtc_entropy_chi2(&e) == 0);
    /* Early: 8 random payloads of 64 bytes (512) with distinct first bytes. */
    {
        wrtc_entropy_t ee;
        uint8_t eb[64];
        int n8, q;
        wrtc_entropy_init(&ee);
        for (n8 = 0; n8 < WRTC_ENTROPY_EARLY_PACKETS; n8++) {
            for (q = 0; q < 64; q++)
                eb[q] = rnd8();
            eb[0] = (uint8_t)(n8 * 31 + 7);
            wrtc_entropy_add(&ee, eb, sizeof eb);
        }
        CHECK(!wrtc_entropy_ready(&ee));
        CHECK(wrtc_entropy_early_encrypted(&ee));
        /* ... not with a repeated first byte (a codec header). */
        wrtc_entropy_init(&ee);
        for (n8 = 0; n8 < WRTC_ENTROPY_EARLY_PACKETS; n8++) {
            for (q = 0; q < 64; q++)
                eb[q] = rnd8();
            eb[0] = n8 < 3 ? 0xFC : (uint8_t)(n8 * 31 + 7);
            wrtc_entropy_add(&ee, eb, sizeof eb);
        }
        CHECK(!wrtc_entropy_early_encrypted(&ee));
    }
}

/* ------------------------------------------------------------ srtcp layout */
static size_t srtcp_pkt(uint8_t *p, uint32_t ssrc, uint32_t index, size_t tail)
{
    size_t i, n = 8 + 40 + 4 + tail;
    p[0] = 0x80; p[1] = 200; put16(p + 2, 6); put32(p + 4, ssrc);
    for (i = 8; i < n; i++)
        p[i] = rnd8();
    put32(p + n - tail - 4, 0x80000000u | index);
    return n;
}

static void test_srtcp_layout(void)
{
    uint8_t p[128];
    wrtc_srtcp_layout_t l;
    uint32_t i;
    int r = -1;
    /* AEAD-GCM: E+index last. Two senders interleaved. */
    wrtc_srtcp_layout_init(&l);
    for (i = 1; i <= 4 && r < 0; i++) {
        r = wrtc_srtcp_layout_update(&l, p, srtcp_pkt(p, 0xAAAA, i, 0));
        if (r < 0)
            r = wrtc_srtcp_layout_update(&l, p, srtcp_pkt(p, 0xBBBB, 100 + i, 0));
    }
    CHECK_EQ(r, 0);
    CHECK_EQ(wrtc_srtcp_tail_len[r], 0);
    /* HMAC-SHA1-80: 10-byte tag after the index. */
    wrtc_srtcp_layout_init(&l);
    r = -1;
    for (i = 1; i <= 5 && r < 0; i++)
        r = wrtc_srtcp_layout_update(&l, p, srtcp_pkt(p, 0xCCCC, i * 2, 10));
    CHECK_EQ(r, 1);
    CHECK_EQ(wrtc_srtcp_tail_len[r], 10);
    /* Too short to hold any trailer: stays undecided. */
    wrtc_srtcp_layout_init(&l);
    CHECK_EQ(wrtc_srtcp_layout_update(&l, p, 12), -1);
}

/* ----------------------------------------------------------- sessions */
static wrtc_ep_t ep4(uint8_t a, uint8_t b, uint8_t c, uint8_t d, uint16_t port)
{
    wrtc_ep_t e;
    memset(&e, 0, sizeof e);
    e.family = 4;
    e.addr[0] = a; e.addr[1] = b; e.addr[2] = c; e.addr[3] = d;
    e.port = port;
    return e;
}

static wrtc_fact_t fact(uint32_t frame, double t, wrtc_ep_t src, wrtc_ep_t dst, uint32_t contents)
{
    wrtc_fact_t f;
    wrtc_fact_init(&f);
    f.frame = frame;
    f.t = t;
    f.src = src;
    f.dst = dst;
    f.bytes = 100;
    f.contents = contents;
    return f;
}

static void add_rtp(wrtc_model_t *m, uint32_t frame, double t, wrtc_ep_t s, wrtc_ep_t d,
                    uint32_t ssrc, uint16_t seq, uint32_t ts)
{
    wrtc_fact_t f = fact(frame, t, s, d, WRTC_C_RTP);
    f.n_rtp = 1;
    f.rtp[0].ssrc = ssrc;
    f.rtp[0].pt = 111;
    f.rtp[0].seq = seq;
    f.rtp[0].ts = ts;
    f.rtp[0].payload_len = 80;
    wrtc_model_add(m, &f);
}

static void test_session(void)
{
    wrtc_model_t *m = wrtc_model_new(NULL);
    wrtc_ep_t a1 = ep4(192, 0, 2, 1, 5000), b1 = ep4(192, 0, 2, 2, 6000);
    wrtc_ep_t a2 = ep4(192, 0, 2, 1, 5002), b2 = ep4(192, 0, 2, 2, 6002);
    wrtc_ep_t x = ep4(198, 51, 100, 1, 7000), y = ep4(198, 51, 100, 2, 7002);
    wrtc_ep_t client = ep4(203, 0, 113, 5, 40000), server = ep4(203, 0, 113, 1, 3478);
    wrtc_ep_t relay = ep4(203, 0, 113, 1, 50000), peer = ep4(203, 0, 113, 9, 9000);
    wrtc_fact_t f;
    const GPtrArray *ss;
    int i;

    /* ICE on two 5-tuples with the same ufrag pair (RFC 8445 §7.2.2):
     * "R:L" one way, "L:R" the other. One leg. */
    f = fact(1, 0.0, a1, b1, WRTC_C_STUN | WRTC_C_ICE);
    f.stun_method = 1; f.username = "rem:loc";
    wrtc_model_add(m, &f);
    f = fact(2, 0.1, b2, a2, WRTC_C_STUN | WRTC_C_ICE);
    f.stun_method = 1; f.username = "loc:rem";
    wrtc_model_add(m, &f);
    for (i = 0; i < 60; i++)
        add_rtp(m, 10 + (uint32_t)i, 0.2 + 0.02 * i, a1, b1, 0xAAAA, (uint16_t)i,
                960u * (uint32_t)i);
    /* TURN: client allocates `relay`, names `peer`; the relay<->peer flow joins. */
    f = fact(100, 1.0, client, server, WRTC_C_STUN | WRTC_C_TURN);
    f.stun_method = WRTC_STUN_ALLOCATE; f.stun_class = 0; f.username = "u"; f.realm = "r";
    wrtc_model_add(m, &f);
    f = fact(101, 1.01, server, client, WRTC_C_STUN | WRTC_C_TURN);
    f.stun_method = WRTC_STUN_ALLOCATE; f.stun_class = 2; f.has_relayed = true; f.relayed = relay;
    f.software = "Coturn-4.6.1 'Gorst'";
    wrtc_model_add(m, &f);
    f = fact(102, 1.02, client, server, WRTC_C_STUN | WRTC_C_TURN);
    f.stun_method = WRTC_STUN_CHANNEL_BIND; f.n_peers = 1; f.peers[0] = peer; f.channel = 0x4000;
    wrtc_model_add(m, &f);
    add_rtp(m, 103, 1.1, relay, peer, 0xBBBB, 1, 0);
    /* A lone RTP flow elsewhere, and an RTCP-only flow with nothing else. */
    for (i = 0; i < 30; i++)
        add_rtp(m, 200 + (uint32_t)i, 2.0 + 0.02 * i, x, y, 0xCCCC, (uint16_t)i,
                160u * (uint32_t)i);
    f = fact(300, 3.0, ep4(10, 9, 9, 9, 1), ep4(10, 9, 9, 8, 2), WRTC_C_RTCP);
    wrtc_model_add(m, &f);
    /* RTCP on the ports after x<->y: joins that leg. */
    f = fact(301, 3.1, ep4(198, 51, 100, 1, 7001), ep4(198, 51, 100, 2, 7003), WRTC_C_RTCP);
    wrtc_model_add(m, &f);

    wrtc_model_finish(m);
    ss = wrtc_model_sessions(m);
    CHECK_EQ(ss->len, 3);
    {
        const wrtc_session_t *s1 = g_ptr_array_index(ss, 0), *s2 = g_ptr_array_index(ss, 1),
                             *s3 = g_ptr_array_index(ss, 2);
        const wrtc_flow_t *cf;
        CHECK_EQ(s1->flows->len, 2);     /* the two ICE 5-tuples */
        CHECK_EQ(s1->legs->len, 1);
        CHECK_EQ(s2->flows->len, 2);     /* client<->server and relay<->peer */
        CHECK_EQ(s3->flows->len, 2);     /* x<->y and its RTCP */
        CHECK_EQ(s3->legs->len, 1);
        cf = g_ptr_array_index(s2->flows, 0);
        CHECK_EQ(cf->remote_role, WRTC_ROLE_TURN_SERVER);
        CHECK(wrtc_ep_cmp(&cf->ep[cf->local], &client) == 0);
        cf = g_ptr_array_index(s2->flows, 1);
        CHECK_EQ(cf->remote_role, WRTC_ROLE_RELAYED_PEER);
        {
            const wrtc_flow_t *mf = g_ptr_array_index(s1->flows, 0);
            const wrtc_stream_t *st = g_ptr_array_index(mf->stream_list, 0);
            CHECK_EQ(st->packets, 60);
            CHECK_EQ(st->clock_rate, 48000);
            CHECK(wrtc_stream_loss(st) == 0);
        }
        CHECK_EQ(s1->related->len, 0);   /* distinct hosts, distinct times */
        {
            /* A leg's own verdict; the session's is its strongest leg's. */
            int sc = -1;
            guint k, j;
            CHECK_EQ(wrtc_leg_verdict(g_ptr_array_index(s3->legs, 0), NULL, &sc),
                     WRTC_VERDICT_NOT_WEBRTC);
            CHECK_EQ(sc, 0);
            for (k = 0; k < ss->len; k++) {
                const wrtc_session_t *s = g_ptr_array_index(ss, k);
                wrtc_verdict_t best = WRTC_VERDICT_UNDETERMINED;
                for (j = 0; j < s->legs->len; j++) {
                    wrtc_verdict_t v = wrtc_leg_verdict(g_ptr_array_index(s->legs, j), NULL, NULL);
                    if (v > best)
                        best = v;
                }
                CHECK_EQ(wrtc_session_verdict(s, NULL), best);
            }
        }
    }
    /* Lookup by 5-tuple, either direction. */
    CHECK(wrtc_model_lookup(m, false, &b1, &a1, 0.5) != NULL);
    CHECK(wrtc_model_lookup(m, false, &b1, &a1, 0.5)->session == 1);
    CHECK(wrtc_model_lookup(m, true, &b1, &a1, 0.5) == NULL);
    {
        GString *txt = g_string_new(NULL), *js = g_string_new(NULL);
        wrtc_report_text(m, txt);
        wrtc_report_json(m, js);
        CHECK(strstr(txt->str, "WebRTC sessions: 3") != NULL);
        CHECK(strstr(txt->str, "Coturn-4.6.1 'Gorst'") != NULL);
        CHECK(strstr(js->str, "\"schema_version\":2") != NULL);
        CHECK(strstr(js->str, "\"turn_channels\":[16384]") != NULL);
        g_string_free(txt, TRUE);
        g_string_free(js, TRUE);
    }
    wrtc_model_free(m);

    /* Idle split: the same 5-tuple after a long silence is a new flow; two
     * overlapping sessions sharing a host are related, not merged. */
    m = wrtc_model_new(NULL);
    add_rtp(m, 1, 0.0, a1, b1, 1, 1, 0);
    add_rtp(m, 2, 0.02, a1, b1, 1, 2, 960);
    add_rtp(m, 3, 500.0, a1, b1, 2, 1, 0);
    add_rtp(m, 4, 0.01, a1, ep4(192, 0, 2, 7, 1), 3, 1, 0);
    wrtc_model_finish(m);
    CHECK_EQ(wrtc_model_flows(m)->len, 3);
    ss = wrtc_model_sessions(m);
    CHECK_EQ(ss->len, 3);
    CHECK_EQ(((wrtc_session_t *)g_ptr_array_index(ss, 0))->related->len, 1);
    /* Lookup picks the generation the time falls in (newest after it). */
    CHECK_EQ(wrtc_model_lookup(m, false, &a1, &b1, 0.01)->first_frame, 1);
    CHECK_EQ(wrtc_model_lookup(m, false, &b1, &a1, 100.0)->first_frame, 3);
    CHECK_EQ(wrtc_model_lookup(m, false, &a1, &b1, 501.0)->first_frame, 3);
    CHECK(wrtc_model_lookup(m, false, &a1, &b1, 600.0) == NULL);
    CHECK(!wrtc_model_cap_at(m, 1) && !wrtc_model_cap_at(m, 3));
    wrtc_model_free(m);

    /* Bounded state: flows beyond the limit are counted, not kept. */
    {
        wrtc_model_config_t c;
        wrtc_model_config_default(&c);
        c.max_flows = 2;
        m = wrtc_model_new(&c);
        for (i = 0; i < 5; i++)
            add_rtp(m, (uint32_t)i, 0.0, ep4(1, 1, 1, 1, (uint16_t)(100 + i)), b1, 9, 1, 0);
        CHECK_EQ(wrtc_model_flows(m)->len, 2);
        CHECK_EQ(wrtc_model_dropped_flows(m), 3);
        CHECK_EQ(wrtc_model_cap_frame(m, WRTC_CAP_FLOWS), 2);  /* the first dropped */
        CHECK(wrtc_model_cap_at(m, 2) && !wrtc_model_cap_at(m, 3));
        wrtc_model_free(m);
    }
    /* Per-flow caps: the first frame beyond each is recorded once; entries
     * already kept never count (a repeated channel is not a new one). */
    {
        wrtc_model_config_t c;
        const wrtc_flow_t *fl;
        wrtc_model_config_default(&c);
        c.max_streams_per_flow = 3;
        m = wrtc_model_new(&c);
        for (i = 0; i < 12; i++) {
            wrtc_fact_t cf = fact(10 + (uint32_t)i, 0.01 * i, a1, b1, WRTC_C_CHANNELDATA);
            cf.channel = (uint16_t)(0x4000 + (i < 10 ? i : 0));
            wrtc_model_add(m, &cf);
            add_rtp(m, 100 + (uint32_t)i, 0.01 * i, a1, b1, (uint32_t)(i % 5), (uint16_t)i, 0);
        }
        fl = wrtc_model_lookup(m, false, &a1, &b1, 0.0);
        CHECK_EQ(WRTC_LIST_LEN(fl->channels), WRTC_MAX_LIST);
        CHECK_EQ(fl->cap_frame[WRTC_CAP_LIST], 10 + WRTC_MAX_LIST);
        CHECK(strcmp(fl->cap_list, "TURN channels") == 0);
        CHECK_EQ(WRTC_LIST_LEN(fl->stream_list), 3);
        CHECK_EQ(fl->dropped_streams, 4);      /* SSRCs 3 and 4, twice each */
        CHECK_EQ(fl->cap_frame[WRTC_CAP_STREAMS], 103);
        CHECK(wrtc_model_cap_at(m, 103) && wrtc_model_cap_at(m, 10 + WRTC_MAX_LIST));
        CHECK(!wrtc_model_cap_at(m, 104));
        CHECK_EQ(WRTC_LIST_LEN(fl->ice_pairs), 0);     /* never allocated */
        CHECK(fl->ice_pairs == NULL);
        CHECK_EQ(wrtc_model_cap_frame(m, WRTC_CAP_FLOWS), 0);
        wrtc_model_free(m);
    }
    /* TLS connections beyond the limit: the first one dropped is recorded. */
    m = wrtc_model_new(NULL);
    for (i = 0; i < 4100; i++) {
        wrtc_fact_t tf = fact(1 + (uint32_t)i, 0.0, ep4(10, 0, (uint8_t)(i >> 8), (uint8_t)i, 4000),
                             b1, WRTC_C_TLS);
        wrtc_model_add(m, &tf);
    }
    CHECK_EQ(wrtc_model_tls_flows(m)->len, 4096);
    CHECK_EQ(wrtc_model_cap_frame(m, WRTC_CAP_TLS), 4097);
    wrtc_model_free(m);
}

/* Issue 19 item 1: per-stream sequence and timing statistics. */
static const wrtc_stream_t *only_stream(wrtc_model_t *m, uint32_t ssrc)
{
    const GPtrArray *fl = wrtc_model_flows(m);
    guint i, j;
    for (i = 0; i < fl->len; i++) {
        const wrtc_flow_t *f = g_ptr_array_index(fl, i);
        for (j = 0; j < WRTC_LIST_LEN(f->stream_list); j++) {
            const wrtc_stream_t *st = g_ptr_array_index(f->stream_list, j);
            if (st->ssrc == ssrc)
                return st;
        }
    }
    return NULL;
}

static void test_stream_stats(void)
{
    wrtc_model_t *m = wrtc_model_new(NULL);
    wrtc_ep_t a = ep4(192, 0, 2, 1, 5000), b = ep4(192, 0, 2, 2, 6000);
    const wrtc_stream_t *st;
    double t, j;
    uint32_t frame = 1;
    int i;

    /* A: 100 packets every 20 ms, sequence numbers wrapping at 65535;
     * 40-42 lost, 50 twice, 60 after 62, a 200 ms pause before 80. */
    for (i = 0; i < 100; i++) {
        uint16_t seq = (uint16_t)(65500 + i);
        t = 1.0 + 0.02 * i + (i >= 80 ? 0.2 : 0);
        if (i >= 40 && i <= 42)
            continue;
        if (i == 60)
            continue;
        add_rtp(m, frame++, t, a, b, 0xA, seq, 960u * (uint32_t)i);
        if (i == 50)
            add_rtp(m, frame++, t, a, b, 0xA, seq, 960u * (uint32_t)i);
        if (i == 62)
            add_rtp(m, frame++, t + 0.001, a, b, 0xA, (uint16_t)(65500 + 60), 960u * 60);
    }
    /* B: on time but for packet 70, 10 ms late (in order). */
    for (i = 0; i < 100; i++) {
        t = 1.0 + 0.02 * i + (i == 70 ? 0.010 : 0);
        add_rtp(m, frame++, t, b, a, 0xB, (uint16_t)(1000 + i), 960u * (uint32_t)i);
    }
    /* C: one packet repeated, nothing lost: duplicates are not losses. */
    for (i = 0; i < 10; i++) {
        add_rtp(m, frame++, 5.0 + 0.02 * i, a, b, 0xC, (uint16_t)(7 + i), 960u * (uint32_t)i);
        if (i == 3)
            add_rtp(m, frame++, 5.0 + 0.02 * i, a, b, 0xC, (uint16_t)(7 + i), 960u * (uint32_t)i);
    }
    wrtc_model_finish(m);

    st = only_stream(m, 0xA);
    CHECK(st != NULL);
    CHECK_EQ(st->packets, 98);
    CHECK_EQ(st->duplicates, 1);
    CHECK_EQ(st->out_of_order, 1);
    CHECK_EQ(wrtc_stream_lost(st), 3);          /* the duplicate does not hide one */
    CHECK(fabs(wrtc_stream_loss(st) - 0.03) < 1e-12);
    CHECK(fabs(st->max_gap_s - 0.22) < 1e-9);
    CHECK(fabs(st->max_gap_at - 2.58) < 1e-9);

    st = only_stream(m, 0xB);
    CHECK(st != NULL);
    CHECK_EQ(st->clock_rate, 48000);
    CHECK_EQ(st->duplicates + st->out_of_order + wrtc_stream_lost(st), 0);
    /* RFC 3550 A.8: J += (|D| - J) / 16; D = 10 ms on packet 70 and 71. */
    j = 0.010 / 16;
    j += (0.010 - j) / 16;
    CHECK(fabs(wrtc_stream_jitter_max_ms(st) - j * 1000) < 1e-6);
    CHECK(fabs(wrtc_stream_jitter_ms(st) - j * pow(15.0 / 16, 28) * 1000) < 1e-6);
    /* the mean over the 74 packets from the one after the clock was known
     * (packet 25, half a second in): 0 until 70, then j/16, j, decaying */
    CHECK_EQ(st->jitter_n, 74);
    {
        double sum = 0.010 / 16, v = j;
        int k;
        for (k = 71; k < 100; k++, v *= 15.0 / 16)
            sum += v;
        CHECK(fabs(wrtc_stream_jitter_mean_ms(st) - sum / 74 * 1000) < 1e-6);
    }
    CHECK(fabs(st->max_gap_s - 0.03) < 1e-9);   /* 70 late: 30 ms after 69 */
    CHECK(fabs(st->max_gap_at - 2.38) < 1e-9);

    st = only_stream(m, 0xC);
    CHECK(st != NULL);
    CHECK_EQ(st->packets, 11);
    CHECK_EQ(st->duplicates, 1);
    CHECK_EQ(st->out_of_order, 0);
    CHECK_EQ(wrtc_stream_lost(st), 0);
    wrtc_model_free(m);
}

/* ----------------------------------------------------------- software */
static void test_software(void)
{
    char p[96], v[32];
    CHECK(wrtc_software_identify("Coturn-4.6.1 'Gorst'", p, sizeof p, v, sizeof v));
    CHECK(strcmp(p, "coturn") == 0);
    CHECK(strcmp(v, "4.6.1") == 0);
    CHECK(wrtc_software_identify("Citrix-2.6.3.1 'Harding Grim'", p, sizeof p, v, sizeof v));
    CHECK(strcmp(p, "rfc5766-turn-server") == 0);
    CHECK(strcmp(v, "2.6.3.1") == 0);
    CHECK(wrtc_software_identify("Net-Net OS-E 3.7.1", p, sizeof p, v, sizeof v));
    CHECK(strstr(p, "Oracle") != NULL);
    CHECK(strcmp(v, "") == 0);
    CHECK(wrtc_software_identify("ice4j.org", p, sizeof p, v, sizeof v));
    CHECK(!wrtc_software_identify("MyOwnServer 1.0", p, sizeof p, v, sizeof v));
    CHECK(strcmp(p, "") == 0);
    CHECK(!wrtc_software_identify(NULL, p, sizeof p, v, sizeof v));
    CHECK(!wrtc_software_identify("Coturn-", p, 0, v, sizeof v));
    CHECK(wrtc_software_identify("Coturn-", p, sizeof p, v, sizeof v));
    CHECK(strcmp(v, "") == 0);
}

/* ------------------------------------------------------------ verdict */
static void test_verdict(void)
{
    wrtc_traits_t t;
    int score = -1;
    GPtrArray *ev = g_ptr_array_new_with_free_func(g_free);
    memset(&t, 0, sizeof t);
    CHECK_EQ(wrtc_verdict_of(&t, &score, ev), WRTC_VERDICT_UNDETERMINED);
    CHECK_EQ(score, 0);
    t.rtp = true;
    CHECK_EQ(wrtc_verdict_of(&t, NULL, NULL), WRTC_VERDICT_NOT_WEBRTC);
    t.fingerprints = WRTC_FP_HDREXT_ONE_BYTE;      /* weak: still classic */
    CHECK_EQ(wrtc_verdict_of(&t, NULL, NULL), WRTC_VERDICT_NOT_WEBRTC);
    t.fingerprints |= WRTC_FP_TRANSPORT_CC;        /* strong */
    CHECK_EQ(wrtc_verdict_of(&t, NULL, NULL), WRTC_VERDICT_WEBRTC_LIKELY);
    memset(&t, 0, sizeof t);
    t.rtp = true;
    t.on[WRTC_TRAIT_TURN] = t.on[WRTC_TRAIT_SRTP] = t.on[WRTC_TRAIT_SDES] = true;
    CHECK_EQ(wrtc_verdict_of(&t, &score, NULL), WRTC_VERDICT_WEBRTC_LIKELY);
    CHECK_EQ(score, 15);
    t.on[WRTC_TRAIT_ICE] = t.on[WRTC_TRAIT_DTLS_SRTP] = true;
    t.on[WRTC_TRAIT_SDES] = false;
    CHECK_EQ(wrtc_verdict_of(&t, &score, ev), WRTC_VERDICT_WEBRTC);
    CHECK_EQ(score, 65);
    CHECK(ev->len >= 4);
    CHECK(strcmp(wrtc_verdict_name(WRTC_VERDICT_WEBRTC_LIKELY), "webrtc-likely") == 0);
    CHECK(strcmp(wrtc_trait_name(WRTC_TRAIT_WEB_SIGNALING), "web_signaling") == 0);
    g_ptr_array_free(ev, TRUE);
}

/* --------------------------------------------------------- codec guess */
/* Feeds `n` packets of one stream: `per_frame` packets per timestamp, the
 * marker on the last, `step` timestamp units between frames; the payload of
 * each comes from `payload(i, first_of_frame, buf)`. */
typedef size_t (*payload_fn)(int i, bool first, uint8_t *buf);

static void feed(wrtc_cg_t *cg, int n, int per_frame, uint32_t step, bool srtp, payload_fn pl)
{
    int i;
    memset(cg, 0, sizeof *cg);
    for (i = 0; i < n; i++) {
        uint8_t b[WRTC_CG_HEAD];
        wrtc_cg_pkt_t p;
        size_t len = pl ? pl(i, i % per_frame == 0, b) : 100;
        memset(&p, 0, sizeof p);
        p.pt = 101;
        p.seq = (uint16_t)(1000 + i);
        p.ts = 5000u + (uint32_t)(i / per_frame) * step;
        p.marker = i % per_frame == per_frame - 1;
        p.srtp = srtp;
        p.payload_len = (uint32_t)len;
        p.head = srtp ? NULL : b;
        p.head_len = srtp ? 0 : (uint8_t)(len < WRTC_CG_HEAD ? len : WRTC_CG_HEAD);
        wrtc_cg_packet(cg, &p);
    }
}

/* VP8 (RFC 7741): S=1 PID=0 on a frame's first packet; the frame tag
 * says key frame (P=0) on every 10th frame, followed by 9d 01 2a. */
static size_t vp8_payload(int i, bool first, uint8_t *b)
{
    memset(b, 0x33, WRTC_CG_HEAD);
    b[0] = first ? 0x10 : 0x00;
    if (first) {
        bool key = (i / 2) % 10 == 0;
        b[1] = key ? 0x10 : 0x11;      /* show_frame, version 0, P */
        if (key) {
            b[4] = 0x9d; b[5] = 0x01; b[6] = 0x2a;
        }
    }
    return 600;
}

/* Opus (RFC 6716): TOC 0xfc is CELT fullband 20 ms, stereo, one frame. */
static size_t opus_payload(int i, bool first, uint8_t *b)
{
    (void)i; (void)first;
    memset(b, 0x5a, WRTC_CG_HEAD);
    b[0] = 0xfc;
    return 90;
}

static size_t random_payload(int i, bool first, uint8_t *b)
{
    int k;
    (void)i; (void)first;
    for (k = 0; k < WRTC_CG_HEAD; k++)
        b[k] = rnd8();
    return 160;
}

/* Decides and checks media, codec and confidence (media NULL: not checked). */
static void guess_is(const wrtc_cg_t *cg, uint8_t pt, uint64_t packets, uint32_t clock,
                     const char *media, const char *codec, wrtc_cg_confidence_t conf,
                     wrtc_cg_result_t *r)
{
    wrtc_cg_input_t in;
    memset(&in, 0, sizeof in);
    in.cg = cg;
    in.first_pt = pt;
    in.packets = packets;
    in.clock_rate = clock;
    wrtc_cg_decide(&in, r);
    if (media)
        CHECK(strcmp(r->media, media) == 0);
    CHECK(strcmp(r->codec, codec) == 0);
    CHECK_EQ(r->confidence, conf);
}

static void test_codec_guess(void)
{
    wrtc_cg_t cg;
    wrtc_cg_result_t r;
    wrtc_cg_input_t in;
    uint8_t b[16];

    /* VP8 payload descriptor, one packet at a time. */
    memcpy(b, "\x10\x10\x00\x00\x9d\x01\x2a\x80\x02", 9);
    CHECK_EQ(wrtc_cg_check_vp8(b, 9, true), 1);              /* key frame start */
    CHECK_EQ(wrtc_cg_check_vp8(b, 9, false), -1);            /* a start inside a frame */
    b[4] = 0x9c;
    CHECK_EQ(wrtc_cg_check_vp8(b, 9, true), -1);             /* key frame, no start code */
    b[1] = 0x11;
    CHECK_EQ(wrtc_cg_check_vp8(b, 9, true), 0);              /* inter frame */
    b[1] = 0x1f;
    CHECK_EQ(wrtc_cg_check_vp8(b, 9, true), -1);             /* version 7 */
    b[0] = 0x00;
    CHECK_EQ(wrtc_cg_check_vp8(b, 9, false), 0);             /* continuation */
    CHECK_EQ(wrtc_cg_check_vp8(b, 9, true), -1);             /* new frame without S */
    b[0] = 0x50;
    CHECK_EQ(wrtc_cg_check_vp8(b, 9, true), -1);             /* reserved bit */
    memcpy(b, "\x90\x80\x81\x23\x11\x00\x00", 7);            /* X, I with 15-bit PictureID */
    CHECK_EQ(wrtc_cg_check_vp8(b, 7, true), 0);
    b[1] = 0x81;                                             /* RSV set */
    CHECK_EQ(wrtc_cg_check_vp8(b, 7, true), -1);
    CHECK_EQ(wrtc_cg_check_vp8(b, 1, true), -1);             /* X without its octet */
    CHECK_EQ(wrtc_cg_check_vp8(b, 0, true), -1);
    /* VP9 (RFC 9628 §4.2). */
    memcpy(b, "\x8e\x05\x00", 3);                            /* I B E V, PictureID 5 */
    CHECK_EQ(wrtc_cg_check_vp9(b, 3, true, true), 1);
    b[0] = 0xc8;                                             /* I P B: inter frame start */
    CHECK_EQ(wrtc_cg_check_vp9(b, 3, true, false), 0);
    CHECK_EQ(wrtc_cg_check_vp9(b, 3, true, true), -1);       /* marker without E */
    b[0] = 0x84;                                             /* I E, no B */
    CHECK_EQ(wrtc_cg_check_vp9(b, 3, true, true), -1);
    CHECK_EQ(wrtc_cg_check_vp9(b, 3, false, true), 0);
    b[0] = 0xd8; b[1] = 0x05; b[2] = 0x03;                   /* I P F B, P_DIFF N=1 ... */
    CHECK_EQ(wrtc_cg_check_vp9(b, 3, true, false), -1);      /* ... runs past the end */
    /* H.264 (RFC 6184). */
    b[0] = 0x67;
    CHECK_EQ(wrtc_cg_check_h264(b, 1, false), 1);            /* SPS */
    b[0] = 0x65;
    CHECK_EQ(wrtc_cg_check_h264(b, 1, true), 0);             /* IDR slice */
    b[0] = 0xe5;
    CHECK_EQ(wrtc_cg_check_h264(b, 1, true), -1);            /* F bit */
    b[0] = 0x70;                                             /* type 16: reserved */
    CHECK_EQ(wrtc_cg_check_h264(b, 1, true), -1);
    b[0] = 0x74;                                             /* type 20: MVC/SVC slice */
    CHECK_EQ(wrtc_cg_check_h264(b, 1, true), 0);
    memcpy(b, "\x78\x00\x0a\x67", 4);                        /* STAP-A with an SPS */
    CHECK_EQ(wrtc_cg_check_h264(b, 4, false), 1);
    CHECK_EQ(wrtc_cg_check_h264(b, 3, false), -1);
    memcpy(b, "\x7c\x85", 2);                                /* FU-A start of an IDR */
    CHECK_EQ(wrtc_cg_check_h264(b, 2, false), 0);
    CHECK_EQ(wrtc_cg_check_h264(b, 2, true), -1);            /* marker needs E */
    b[1] = 0x45;
    CHECK_EQ(wrtc_cg_check_h264(b, 2, true), 0);
    b[1] = 0xc5;
    CHECK_EQ(wrtc_cg_check_h264(b, 2, false), -1);           /* S and E */
    b[1] = 0x25;
    CHECK_EQ(wrtc_cg_check_h264(b, 2, false), -1);           /* R */
    b[0] = 0x7d;                                             /* FU-B: interleaved mode only */
    CHECK_EQ(wrtc_cg_check_h264(b, 2, false), -1);
    /* Opus TOC (RFC 6716 §3.1): durations in 48 kHz ticks. */
    b[0] = 0xfc;
    CHECK_EQ(wrtc_cg_opus_ticks(b, 1), 960);                 /* CELT 20 ms */
    b[0] = 0x78;
    CHECK_EQ(wrtc_cg_opus_ticks(b, 1), 960);                 /* hybrid FB 20 ms */
    b[0] = 0x01;
    CHECK_EQ(wrtc_cg_opus_ticks(b, 1), 960);                 /* SILK 10 ms, 2 frames */
    b[0] = 0x13; b[1] = 0x03;
    CHECK_EQ(wrtc_cg_opus_ticks(b, 2), 5760);                /* SILK 40 ms x 3 = 120 ms */
    b[1] = 0x04;
    CHECK_EQ(wrtc_cg_opus_ticks(b, 2), 0);                   /* 160 ms: too long */
    b[1] = 0x00;
    CHECK_EQ(wrtc_cg_opus_ticks(b, 2), 0);                   /* M = 0 */
    CHECK_EQ(wrtc_cg_opus_ticks(b, 1), 0);                   /* code 3 without M */
    CHECK_EQ(wrtc_cg_opus_ticks(b, 0), 0);
    /* Sibling timestamps (RTX). */
    CHECK_EQ(wrtc_cg_sibling(100, 100), 2);
    CHECK_EQ(wrtc_cg_sibling(100, 100 + 90000), 1);
    CHECK_EQ(wrtc_cg_sibling(100, 100 + 90001), 0);
    CHECK_EQ(wrtc_cg_sibling(5, 0xFFFFFFF0u), 1);            /* across the wrap */

    /* Clear VP8 over a stream: certain, with its key frames. */
    feed(&cg, 40, 2, 3000, false, vp8_payload);
    guess_is(&cg, 101, 40, 90000, "video", "VP8", WRTC_CG_CERTAIN, &r);
    CHECK(strstr(r.evidence, "2 key frames") != NULL);
    /* ... but not when the timestamps run at an audio clock. */
    guess_is(&cg, 101, 40, 48000, "audio", "?", WRTC_CG_UNKNOWN, &r);
    /* Too few packets prove nothing. */
    feed(&cg, 6, 2, 3000, false, vp8_payload);
    guess_is(&cg, 101, 6, 0, "unknown", "?", WRTC_CG_UNKNOWN, &r);
    /* Clear Opus: the TOC durations match the 960-tick steps. */
    feed(&cg, 50, 1, 960, false, opus_payload);
    guess_is(&cg, 100, 50, 48000, "audio", "Opus", WRTC_CG_CERTAIN, &r);
    /* The same TOC with 40 ms steps disagrees: not proved, but the 48 kHz
     * pattern still says Opus, likely. */
    feed(&cg, 50, 1, 1920, false, opus_payload);
    guess_is(&cg, 100, 50, 48000, "audio", "Opus", WRTC_CG_LIKELY, &r);
    /* Random clear payloads prove no codec. */
    feed(&cg, 200, 1, 160, false, random_payload);
    guess_is(&cg, 97, 200, 8000, "audio", "?", WRTC_CG_UNKNOWN, &r);
    feed(&cg, 200, 3, 3000, false, random_payload);
    guess_is(&cg, 97, 200, 90000, "video", "?", WRTC_CG_UNKNOWN, &r);
    CHECK(strstr(r.evidence, "marker on the last packet of 66 of 66 frames") != NULL);
    /* Encrypted 48 kHz audio in 20 ms packets: Opus, likely. */
    feed(&cg, 50, 1, 960, true, NULL);
    guess_is(&cg, 111, 50, 48000, "audio", "Opus", WRTC_CG_LIKELY, &r);
    CHECK(strstr(r.evidence, "20 ms packets") != NULL);
    /* A static payload type only when the clock agrees. */
    guess_is(&cg, 0, 50, 8000, "audio", "PCMU", WRTC_CG_LIKELY, &r);
    guess_is(&cg, 0, 50, 48000, "audio", "?", WRTC_CG_UNKNOWN, &r);
    guess_is(&cg, 34, 50, 0, "video", "H263", WRTC_CG_LIKELY, &r);
    /* Nothing to go on. */
    memset(&cg, 0, sizeof cg);
    guess_is(&cg, 96, 0, 0, "unknown", "?", WRTC_CG_UNKNOWN, &r);
    CHECK(strcmp(wrtc_cg_confidence_name(r.confidence), "unknown") == 0);
    /* RTX: timestamps near a bigger sibling's. */
    memset(&cg, 0, sizeof cg);
    wrtc_cg_sibling_done(&cg, 2);
    wrtc_cg_sibling_done(&cg, 1);
    wrtc_cg_sibling_done(&cg, 1);
    wrtc_cg_sibling_done(&cg, 0);
    memset(&in, 0, sizeof in);
    in.cg = &cg;
    in.first_pt = 97;
    in.packets = 4;
    in.peer_ssrc = 0x1234;
    in.peer_packets = 300;
    in.peer_clock_rate = 90000;
    wrtc_cg_decide(&in, &r);
    CHECK(strcmp(r.codec, "RTX") == 0);
    CHECK(strcmp(r.media, "video") == 0);
    CHECK(strstr(r.evidence, "3 of 4 packets within 1 s of SSRC 0x00001234's (1 equal)") != NULL);
    in.peer_packets = 15;                /* not much smaller than its sibling */
    wrtc_cg_decide(&in, &r);
    CHECK(strcmp(r.codec, "RTX") != 0);
    in.peer_packets = 300;
    wrtc_cg_sibling_done(&cg, 0);
    wrtc_cg_sibling_done(&cg, 0);
    wrtc_cg_sibling_done(&cg, 0);        /* fewer than half near: 3 of 7 */
    wrtc_cg_decide(&in, &r);
    CHECK(strcmp(r.codec, "RTX") != 0);
    /* Padding only. */
    memset(&cg, 0, sizeof cg);
    memset(&in, 0, sizeof in);
    in.cg = &cg;
    in.first_pt = 97;
    in.packets = 10;
    in.padding_only = 10;
    wrtc_cg_decide(&in, &r);
    CHECK(strcmp(r.codec, "padding/probe") == 0);
}

/* ------------------------------------------------------------ stun sig */
static void test_stun_sig(void)
{
    /* Formats seen in the test captures (Chromium, aiortc, webrtcbin). */
    CHECK_EQ(wrtc_ice_username_fingerprint("pBh6:FtjM"), WRTC_FP_ICE_UFRAG4);
    CHECK_EQ(wrtc_ice_username_fingerprint("a+/9:Zz00"), WRTC_FP_ICE_UFRAG4);
    CHECK_EQ(wrtc_ice_username_fingerprint(
                 "8XMTmaOzmF32E81UIKrtuvjLtbpf6CS3:J1P+mVRLf2vXaXKBonWWtalU0l0M2jY4"),
             WRTC_FP_ICE_UFRAG32);
    CHECK_EQ(wrtc_ice_username_fingerprint("pBh6:FtjMx"), 0);     /* lengths differ */
    CHECK_EQ(wrtc_ice_username_fingerprint("pB-6:FtjM"), 0);      /* not ice-chars */
    CHECK_EQ(wrtc_ice_username_fingerprint("abcdefgh:12345678"), 0);
    CHECK_EQ(wrtc_ice_username_fingerprint("wrtc"), 0);           /* a TURN user */
    CHECK_EQ(wrtc_ice_username_fingerprint(":"), 0);
    CHECK_EQ(wrtc_ice_username_fingerprint(NULL), 0);
    CHECK(strcmp(wrtc_stun_ms_attribute(0x8008), "MS-TURN") == 0);
    CHECK(strcmp(wrtc_stun_ms_attribute(0x8095), "MS-TURN") == 0);
    CHECK(strcmp(wrtc_stun_ms_attribute(0x8070), "MS-ICE2") == 0);
    CHECK(strcmp(wrtc_stun_ms_attribute(0x8054), "MS-ICE2") == 0);
    CHECK(strcmp(wrtc_stun_ms_attribute(0x8056), "MS-TURNBWM") == 0);
    CHECK(strcmp(wrtc_stun_ms_attribute(0x8068), "MS-TURNBWM") == 0);
    CHECK(wrtc_stun_ms_attribute(0x8020) == NULL);     /* old XOR-MAPPED-ADDRESS: everyone's */
    CHECK(wrtc_stun_ms_attribute(0x8022) == NULL);     /* SOFTWARE */
    CHECK(wrtc_stun_ms_attribute(0xC057) == NULL);     /* GOOG-NETWORK-INFO */
    CHECK(wrtc_stun_ms_attribute(0x8063) == NULL);
}

/* ------------------------------------------------ data channels (RFC 8831) */
static wrtc_dc_chunk_t dc_chunk(uint16_t sid, uint32_t tsn, uint32_t ppid, uint32_t len, bool end)
{
    wrtc_dc_chunk_t c;
    memset(&c, 0, sizeof c);
    c.sid = sid;
    c.tsn = tsn;
    c.ppid = ppid;
    c.len = len;
    c.end = end;
    c.have_ppid = true;
    return c;
}

static void test_datachannel(void)
{
    wrtc_dc_assoc_t *a = wrtc_dc_new();
    wrtc_dc_chunk_t c;
    const wrtc_dc_channel_t *ch;
    char rel[48];
    uint32_t i;

    /* DATA_CHANNEL_OPEN on stream 1 (RFC 8832 §5.1): reliable, ordered. */
    c = dc_chunk(1, 1000, WRTC_PPID_DCEP, 20, true);
    c.dcep_type = WRTC_DCEP_OPEN;
    c.channel_type = 0x00;
    c.label = "chat";
    c.protocol = "";
    CHECK(wrtc_dc_add(a, 0, 10, 1.0, &c));
    /* the ACK from the other side */
    c = dc_chunk(1, 5000, WRTC_PPID_DCEP, 1, true);
    c.dcep_type = WRTC_DCEP_ACK;
    CHECK(wrtc_dc_add(a, 1, 11, 1.1, &c));
    /* two string messages one way, one the other way */
    c = dc_chunk(1, 1001, WRTC_PPID_STRING, 5, true);
    CHECK(wrtc_dc_add(a, 0, 12, 1.2, &c));
    c = dc_chunk(1, 1002, WRTC_PPID_STRING, 7, true);
    CHECK(wrtc_dc_add(a, 0, 13, 1.3, &c));
    /* retransmission of TSN 1002 (same TSN): not counted again */
    CHECK(!wrtc_dc_add(a, 0, 14, 1.4, &c));
    c = dc_chunk(1, 5001, WRTC_PPID_STRING, 3, true);
    CHECK(wrtc_dc_add(a, 1, 15, 1.5, &c));
    /* a binary message in three fragments: one message, all bytes */
    c = dc_chunk(1, 1003, WRTC_PPID_BINARY, 1000, false);
    CHECK(wrtc_dc_add(a, 0, 16, 1.6, &c));
    c = dc_chunk(1, 1004, WRTC_PPID_BINARY, 1000, false);
    CHECK(wrtc_dc_add(a, 0, 16, 1.6, &c));
    c = dc_chunk(1, 1005, WRTC_PPID_BINARY, 500, true);
    CHECK(wrtc_dc_add(a, 0, 17, 1.7, &c));
    /* I-DATA (RFC 8260): a string in two fragments, the second without PPID */
    c = dc_chunk(1, 5005, WRTC_PPID_STRING, 6, false);
    CHECK(wrtc_dc_add(a, 1, 16, 1.6, &c));
    c = dc_chunk(1, 5006, 0, 4, true);
    c.have_ppid = false;
    CHECK(wrtc_dc_add(a, 1, 16, 1.6, &c));
    /* an empty string (RFC 8831 §6.6: one filler byte): a message, 0 bytes */
    c = dc_chunk(1, 1006, WRTC_PPID_STRING_EMPTY, 1, true);
    CHECK(wrtc_dc_add(a, 0, 18, 1.8, &c));
    /* a TSN received out of order, below the highest: new, counted */
    c = dc_chunk(1, 5003, WRTC_PPID_STRING, 4, true);
    CHECK(wrtc_dc_add(a, 1, 19, 1.9, &c));
    c = dc_chunk(1, 5002, WRTC_PPID_STRING, 4, true);
    CHECK(wrtc_dc_add(a, 1, 20, 2.0, &c));
    CHECK(!wrtc_dc_add(a, 1, 21, 2.1, &c));

    /* stream 3: partially reliable, unordered, max lifetime 500 ms */
    c = dc_chunk(3, 1007, WRTC_PPID_DCEP, 20, true);
    c.dcep_type = WRTC_DCEP_OPEN;
    c.channel_type = 0x82;
    c.reliability = 500;
    c.label = "game";
    c.protocol = "proto-x";
    CHECK(wrtc_dc_add(a, 0, 22, 2.2, &c));
    /* stream 5: data without an OPEN (negotiated out of band) */
    c = dc_chunk(5, 5004, WRTC_PPID_BINARY, 9, true);
    CHECK(wrtc_dc_add(a, 1, 23, 2.3, &c));

    CHECK_EQ(a->channels->len, 3);
    CHECK_EQ(a->duplicates, 2);
    ch = (const wrtc_dc_channel_t *)g_ptr_array_index(a->channels, 0);
    CHECK_EQ(ch->sid, 1);
    CHECK(ch->have_open && strcmp(ch->label, "chat") == 0 && strcmp(ch->protocol, "") == 0);
    CHECK(wrtc_dc_ordered(ch));
    wrtc_dc_reliability(ch, rel, sizeof rel);
    CHECK(strcmp(rel, "reliable") == 0);
    CHECK_EQ(ch->open_frame, 10);
    CHECK_EQ(ch->ack_frame, 11);
    CHECK_EQ(ch->messages[0], 4);
    CHECK_EQ(ch->bytes[0], 5 + 7 + 2500);
    CHECK_EQ(ch->messages[1], 4);
    CHECK_EQ(ch->bytes[1], 21);
    CHECK(ch->first_t == 1.0 && ch->last_t == 2.0);
    ch = (const wrtc_dc_channel_t *)g_ptr_array_index(a->channels, 1);
    CHECK_EQ(ch->sid, 3);
    CHECK(!wrtc_dc_ordered(ch));
    wrtc_dc_reliability(ch, rel, sizeof rel);
    CHECK(strcmp(rel, "max_lifetime_ms 500") == 0);
    CHECK(strcmp(ch->protocol, "proto-x") == 0);
    CHECK_EQ(ch->messages[0] + ch->messages[1], 0);
    ch = (const wrtc_dc_channel_t *)g_ptr_array_index(a->channels, 2);
    CHECK(!ch->have_open && ch->label == NULL && ch->open_frame == 0);
    CHECK_EQ(ch->messages[1], 1);
    wrtc_dc_reliability(ch, rel, sizeof rel);
    CHECK(strcmp(rel, "") == 0);
    {
        wrtc_dc_channel_t t;
        memset(&t, 0, sizeof t);
        t.have_open = true;
        t.channel_type = 0x01;
        t.reliability = 3;
        wrtc_dc_reliability(&t, rel, sizeof rel);
        CHECK(strcmp(rel, "max_retransmits 3") == 0);
    }
    wrtc_dc_free(a);

    /* TSN wrap-around (serial arithmetic) and a TSN older than the window. */
    a = wrtc_dc_new();
    c = dc_chunk(0, 0xfffffffeu, WRTC_PPID_STRING, 1, true);
    CHECK(wrtc_dc_add(a, 0, 1, 0, &c));
    c.tsn = 0xffffffffu;
    CHECK(wrtc_dc_add(a, 0, 2, 0, &c));
    c.tsn = 0;
    CHECK(wrtc_dc_add(a, 0, 3, 0, &c));
    c.tsn = 0xffffffffu;
    CHECK(!wrtc_dc_add(a, 0, 4, 0, &c));
    c.tsn = 5000;
    CHECK(wrtc_dc_add(a, 0, 5, 0, &c));
    c.tsn = 10;                       /* > window behind */
    CHECK(!wrtc_dc_add(a, 0, 6, 0, &c));
    ch = (const wrtc_dc_channel_t *)g_ptr_array_index(a->channels, 0);
    CHECK_EQ(ch->messages[0], 4);
    /* bounded: at most WRTC_DC_MAX_CHANNELS streams */
    for (i = 0; i < WRTC_DC_MAX_CHANNELS + 10; i++) {
        c = dc_chunk((uint16_t)(100 + i), 6000 + i, WRTC_PPID_STRING, 1, true);
        (void)wrtc_dc_add(a, 0, 7 + i, 0, &c);
    }
    CHECK_EQ(a->channels->len, WRTC_DC_MAX_CHANNELS);
    CHECK_EQ(a->dropped, 11);
    /* a long label is cut to WRTC_DC_MAX_TEXT bytes */
    {
        char longl[300];
        memset(longl, 'x', sizeof longl - 1);
        longl[sizeof longl - 1] = '\0';
        c = dc_chunk(0, 7000, WRTC_PPID_DCEP, 300, true);
        c.dcep_type = WRTC_DCEP_OPEN;
        c.label = longl;
        (void)wrtc_dc_add(a, 0, 100, 0, &c);
        CHECK_EQ(strlen(ch->label), WRTC_DC_MAX_TEXT);
        CHECK(ch->protocol && ch->protocol[0] == '\0');
    }
    wrtc_dc_free(a);

    /* Through the session model: DATA chunks of a fact land in the flow's
     * association, by direction (ep[0] sent the first packet). */
    {
        wrtc_model_config_t cfg;
        wrtc_model_t *m;
        wrtc_fact_t f;
        wrtc_dc_chunk_t chunks[2];
        const GPtrArray *flows;
        const wrtc_flow_t *fl;
        wrtc_model_config_default(&cfg);
        m = wrtc_model_new(&cfg);
        wrtc_fact_init(&f);
        f.frame = 1;
        f.src = ep4(192, 0, 2, 1, 5000);
        f.dst = ep4(192, 0, 2, 2, 6000);
        f.contents = WRTC_C_DTLS;
        wrtc_model_add(m, &f);
        chunks[0] = dc_chunk(0, 1, WRTC_PPID_STRING, 10, true);
        chunks[1] = dc_chunk(0, 2, WRTC_PPID_BINARY, 20, true);
        f.frame = 2;
        f.src = ep4(192, 0, 2, 2, 6000);
        f.dst = ep4(192, 0, 2, 1, 5000);
        f.n_dc_chunks = 2;
        f.dc_chunks = chunks;
        wrtc_model_add(m, &f);
        f.frame = 3;                       /* the same chunks again: retransmitted */
        wrtc_model_add(m, &f);
        wrtc_model_finish(m);
        flows = wrtc_model_flows(m);
        CHECK_EQ(flows->len, 1);
        fl = (const wrtc_flow_t *)g_ptr_array_index(flows, 0);
        CHECK(wrtc_flow_dc_assoc(fl) != NULL);
        if (wrtc_flow_dc_assoc(fl)) {
            ch = (const wrtc_dc_channel_t *)g_ptr_array_index(wrtc_flow_dc_assoc(fl)->channels, 0);
            CHECK_EQ(ch->messages[1], 2);
            CHECK_EQ(ch->bytes[1], 30);
            CHECK_EQ(ch->messages[0], 0);
            CHECK_EQ(wrtc_flow_dc_assoc(fl)->duplicates, 2);
        }
        wrtc_model_free(m);
    }
}
int main(int argc, char **argv)
{
    static const check_group_t groups[] = {
        { "classify", test_classify },
        { "stun", test_stun },
        { "dtls", test_dtls },
        { "dtls_records", test_dtls_records },
        { "channeldata", test_channeldata },
        { "zrtp", test_zrtp },
        { "rtp", test_rtp },
        { "rtcp", test_rtcp },
        { "cut", test_cut },
        { "corroborate", test_corroborate },
        { "rfc4733", test_rfc4733 },
        { "entropy", test_entropy },
        { "srtcp_layout", test_srtcp_layout },
        { "session", test_session },
        { "stream_stats", test_stream_stats },
        { "software", test_software },
        { "verdict", test_verdict },
        { "codec_guess", test_codec_guess },
        { "stun_sig", test_stun_sig },
        { "datachannel", test_datachannel },
    };
    return check_main(argc, argv, groups, sizeof groups / sizeof groups[0]);
}
