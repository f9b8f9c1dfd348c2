/* demux.h — first-byte classification (RFC 7983 as updated by RFC 9443) and
 * header validators for the protocols that share a WebRTC 5-tuple.
 *
 * Pure C99, no epan includes: every function reads only the bytes it is
 * given and never reads past `len`.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#ifndef WRTC_DEMUX_H
#define WRTC_DEMUX_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

typedef enum {
    WRTC_CLASS_UNKNOWN = 0,
    WRTC_CLASS_STUN,        /* 0-3     RFC 7983 §7 */
    WRTC_CLASS_ZRTP,        /* 16-19   RFC 7983 §7 */
    WRTC_CLASS_DTLS,        /* 20-63   RFC 7983 §7 (DTLS 1.3 unified header 32-63, RFC 9147 §4) */
    WRTC_CLASS_CHANNELDATA, /* 64-79   RFC 7983 §7 / RFC 9443 §3 */
    WRTC_CLASS_QUIC,        /* 80-127  RFC 9443 §3 */
    WRTC_CLASS_RTP,         /* 128-191, second byte outside 192-223 */
    WRTC_CLASS_RTCP,        /* 128-191, second byte 192-223 (RFC 5761 §4) */
    WRTC_CLASS_COUNT
} wrtc_class_t;

const char *wrtc_class_name(wrtc_class_t c);

/* Class of a datagram by its first (and, for RTP/RTCP, second) byte. */
wrtc_class_t wrtc_classify(const uint8_t *p, size_t len);

/* Every validator below reads at most `len` captured bytes and checks
 * lengths against `wire_len`, the datagram's length on the wire (>= len;
 * larger when the capture's snaplen cut it). Decisions depend on the
 * headers, never on the whole payload being captured. */

/* STUN (RFC 8489 §5): top two bits zero, length a multiple of 4, magic
 * cookie 0x2112A442, and header+length == datagram length (exact for UDP;
 * `stream` allows trailing bytes as on TCP). */
bool wrtc_stun_valid(const uint8_t *p, size_t len, size_t wire_len, bool stream);

/* DTLS: every record in the datagram is a DTLSPlaintext record (content
 * type 20-25, version 1.0/1.2/1.3 wire values, length within the datagram)
 * or a DTLS 1.3 unified-header record (RFC 9147 §4). */
bool wrtc_dtls_valid(const uint8_t *p, size_t len, size_t wire_len);

/* Stricter, for a DTLS 1.3 unified-header record (RFC 9147 §4) before any
 * handshake was seen on the 5-tuple: no connection ID, the length present
 * (L bit), and the records' lengths adding up to the datagram exactly. */
bool wrtc_dtls13_record_strict(const uint8_t *p, size_t len, size_t wire_len);

/* TURN ChannelData (RFC 8656 §12.4): channel 0x4000-0x4FFF, length field
 * within the message; padding to 4 bytes is mandatory on TCP (`stream`)
 * and optional on UDP (§12.5). On success *payload_len gets the length. */
bool wrtc_channeldata_valid(const uint8_t *p, size_t len, size_t wire_len, bool stream,
                            uint16_t *channel, size_t *payload_len);

/* ZRTP (RFC 6189 §5): version nibble 1 and the magic cookie "ZRTP". */
bool wrtc_zrtp_valid(const uint8_t *p, size_t len, size_t wire_len);

typedef enum {
    WRTC_RTP_OK = 0,
    WRTC_RTP_TOO_SHORT,      /* < 12 bytes */
    WRTC_RTP_BAD_VERSION,    /* version != 2 */
    WRTC_RTP_CSRC_OVERFLOW,  /* CSRC list runs past the packet */
    WRTC_RTP_EXT_OVERFLOW,   /* header extension runs past the packet */
    WRTC_RTP_BAD_PADDING,    /* padding count 0 or larger than the payload */
    WRTC_RTP_RTCP_PT         /* M bit + PT 64-95: an RTCP packet (RFC 5761 §4) */
} wrtc_rtp_status_t;

const char *wrtc_rtp_status_name(wrtc_rtp_status_t s);

typedef struct {
    uint8_t  pt;
    bool     marker;
    bool     padding;
    bool     extension;
    uint8_t  csrc_count;
    uint16_t seq;
    uint32_t ts;
    uint32_t ssrc;
    uint16_t ext_profile;    /* 0xBEDE one-byte, 0x100X two-byte (RFC 8285) */
    size_t   ext_len;        /* bytes of extension data after its 4-byte header */
    size_t   header_len;     /* fixed + CSRC + extension (a lower bound when header_cut) */
    size_t   payload_len;    /* on the wire, without padding (with it when not captured) */
    size_t   payload_captured; /* payload bytes in the capture (0 when header_cut) */
    uint8_t  padding_len;
    bool     cut;            /* the capture holds fewer bytes than the wire did */
    bool     header_cut;     /* ... and the header itself (its extension) was cut */
    bool     ext_unreadable; /* the X bit set, the extension header not valid (an
                                app that encrypts it: wrtc_rtp_parse_fixed) */
} wrtc_rtp_hdr_t;

/* Parse and check an RTP header (RFC 3550 §5.1, RFC 8285). `h` may be NULL.
 * With `srtp` the padding count is not checked: SRTP encrypts it and the
 * last bytes of the packet are the authentication tag (RFC 3711 §3.1).
 * A cut packet needs its 12-byte fixed header captured; a padding count
 * that was not captured is unknown (padding_len 0), not an error. */
wrtc_rtp_status_t wrtc_rtp_parse(const uint8_t *p, size_t len, size_t wire_len, bool srtp,
                                 wrtc_rtp_hdr_t *h);

/* The fixed header and CSRC list only, for an RTP packet whose X bit is set
 * but whose extension header is not valid: Discord's voice encrypts all
 * after the fixed header, extension header included. Only for a stream
 * known from valid packets; the payload then starts after the CSRCs. */
wrtc_rtp_status_t wrtc_rtp_parse_fixed(const uint8_t *p, size_t len, size_t wire_len,
                                       wrtc_rtp_hdr_t *h);

/* STUN method (RFC 8489 §5: the 12 M bits of the message type) and class. */
uint16_t wrtc_stun_method(const uint8_t *p, size_t len);
#define WRTC_STUN_BINDING           0x001
#define WRTC_STUN_ALLOCATE          0x003 /* RFC 8656 §17 */
#define WRTC_STUN_REFRESH           0x004
#define WRTC_STUN_SEND              0x006
#define WRTC_STUN_DATA              0x007
#define WRTC_STUN_CREATE_PERMISSION 0x008
#define WRTC_STUN_CHANNEL_BIND      0x009
bool wrtc_stun_method_is_turn(uint16_t method);

/* The DATA attribute (RFC 8656 §18.4) of a Send or Data indication whose
 * attribute header is in the captured bytes: its value's offset and length
 * on the wire. FALSE when there is none or it was not captured. */
bool wrtc_stun_data_attr(const uint8_t *p, size_t len, size_t wire_len, size_t *off,
                         size_t *data_len);

typedef enum {
    WRTC_STUN_PLAIN = 0,     /* every attribute captured, none of ICE's */
    WRTC_STUN_ICE,           /* an ICE attribute, or MESSAGE-INTEGRITY on a response */
    WRTC_STUN_NOT_CAPTURED   /* the attributes were cut before that was known */
} wrtc_stun_ice_t;

/* Is this (valid) STUN message part of ICE? A request or indication is when
 * it carries PRIORITY, USE-CANDIDATE, ICE-CONTROLLED or ICE-CONTROLLING
 * (RFC 8445 §7.1); a response when it carries MESSAGE-INTEGRITY (checks are
 * authenticated, RFC 8445 §7.2.2; address discovery usually is not). */
wrtc_stun_ice_t wrtc_stun_ice(const uint8_t *p, size_t len, size_t wire_len);

typedef enum {
    WRTC_RTCP_INVALID = 0,
    WRTC_RTCP_PLAIN,   /* compound packets exactly fill the datagram (RFC 3550 §6.1) */
    WRTC_RTCP_SRTCP,   /* first packet valid and followed by more bytes than a
                          plain compound explains: encrypted SRTCP (RFC 3711 §3.4) */
    WRTC_RTCP_CUT      /* valid as far as captured; the rest was cut by the
                          snaplen, so plain or SRTCP cannot be told */
} wrtc_rtcp_shape_t;

typedef struct {
    uint8_t  first_pt;       /* 192-223 */
    uint8_t  first_fmt;      /* RC/FMT field of the first packet */
    uint32_t sender_ssrc;    /* SSRC of the first packet (always in the clear) */
    unsigned packets;        /* packets walked (plain) or 1 (SRTCP) */
} wrtc_rtcp_info_t;

/* Walk an RTCP compound packet. SRTCP keeps only the first 8 bytes in the
 * clear, so a datagram whose first packet is valid but whose later bytes do
 * not walk as RTCP is reported as WRTC_RTCP_SRTCP (needs >= 4 trailing bytes
 * for the E-flag/index word). `info` may be NULL. */
wrtc_rtcp_shape_t wrtc_rtcp_parse(const uint8_t *p, size_t len, size_t wire_len,
                                  wrtc_rtcp_info_t *info);

#endif /* WRTC_DEMUX_H */
