/* demux.c — see demux.h.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#include "demux.h"
#include "thresholds.h"

#include <string.h>

static uint16_t rd16(const uint8_t *p) { return (uint16_t)((p[0] << 8) | p[1]); }
static uint32_t rd32(const uint8_t *p)
{
    return ((uint32_t)p[0] << 24) | ((uint32_t)p[1] << 16) | ((uint32_t)p[2] << 8) | p[3];
}

const char *wrtc_class_name(wrtc_class_t c)
{
    static const char *const names[WRTC_CLASS_COUNT] = {
        "unknown", "STUN", "ZRTP", "DTLS", "TURN ChannelData", "QUIC", "RTP", "RTCP"
    };
    return (unsigned)c < WRTC_CLASS_COUNT ? names[c] : "unknown";
}

wrtc_class_t wrtc_classify(const uint8_t *p, size_t len)
{
    uint8_t b;
    if (len == 0)
        return WRTC_CLASS_UNKNOWN;
    b = p[0];
    if (b <= 3)
        return WRTC_CLASS_STUN;
    if (b >= 16 && b <= 19)
        return WRTC_CLASS_ZRTP;
    if (b >= 20 && b <= 63)
        return WRTC_CLASS_DTLS;
    if (b >= 64 && b <= 79)
        return WRTC_CLASS_CHANNELDATA;
    if (b >= 80 && b <= 127)
        return WRTC_CLASS_QUIC;
    if (b >= 128 && b <= 191) {
        /* RFC 5761 §4: RTCP packet types 192-223 in the second byte. */
        if (len >= 2 && p[1] >= 192 && p[1] <= 223)
            return WRTC_CLASS_RTCP;
        return WRTC_CLASS_RTP;
    }
    return WRTC_CLASS_UNKNOWN;
}

bool wrtc_stun_valid(const uint8_t *p, size_t len, size_t wire_len, bool stream)
{
    size_t mlen;
    /* The type, length and magic cookie must be captured; the message
     * length is checked against the length on the wire, so a header-only
     * capture (snaplen) decides like a full one. */
    if (len < 8 || wire_len < 20 || (p[0] & 0xC0) != 0)
        return false;
    /* RFC 8489 §5 pads attributes to 4 bytes, but real stacks (WhatsApp's
     * Allocate requests) send unpadded lengths; Wireshark's STUN dissector
     * takes them, and so must this (a heuristic that takes a packet this
     * one refused moves ahead of it in the UDP list). Methods above 0xFF
     * are reserved for DTLS-SRTP demultiplexing (RFC 7983 §5). */
    mlen = rd16(p + 2);
    if (wrtc_stun_method(p, len) > 0xFF)
        return false;
    if (rd32(p + 4) != 0x2112A442u)
        return false;
    return stream ? 20 + mlen <= wire_len : 20 + mlen == wire_len;
}

uint16_t wrtc_stun_method(const uint8_t *p, size_t len)
{
    uint16_t t;
    if (len < 2)
        return 0;
    t = rd16(p);
    return (uint16_t)((t & 0x000F) | ((t & 0x00E0) >> 1) | ((t & 0x3E00) >> 2));
}

bool wrtc_stun_method_is_turn(uint16_t m)
{
    return m == WRTC_STUN_ALLOCATE || m == WRTC_STUN_REFRESH || m == WRTC_STUN_SEND ||
           m == WRTC_STUN_DATA || m == WRTC_STUN_CREATE_PERMISSION ||
           m == WRTC_STUN_CHANNEL_BIND;
}

bool wrtc_stun_data_attr(const uint8_t *p, size_t len, size_t wire_len, size_t *off,
                         size_t *data_len)
{
    size_t o = 20, end;
    if (len < 20)
        return false;
    end = 20 + rd16(p + 2);
    if (end > wire_len)
        return false;
    while (o + 4 <= end && o + 4 <= len) {
        uint16_t type = rd16(p + o), alen = rd16(p + o + 2);
        if (o + 4 + alen > end)
            return false;
        if (type == 0x0013) {
            *off = o + 4;
            *data_len = alen;
            return true;
        }
        o += 4 + (((size_t)alen + 3) & ~(size_t)3);
    }
    return false;
}

wrtc_stun_ice_t wrtc_stun_ice(const uint8_t *p, size_t len, size_t wire_len)
{
    size_t off = 20, end;
    bool response;
    if (len < 20)
        return WRTC_STUN_NOT_CAPTURED;
    response = (p[0] & 0x01) != 0;        /* class bit C1: success or error */
    end = 20 + rd16(p + 2);
    if (end > wire_len)
        end = wire_len;
    /* A check carries USERNAME, PRIORITY, ICE-CONTROLLED/-CONTROLLING and
     * MESSAGE-INTEGRITY (RFC 8445 §7.1, RFC 8489 §14): at least 8 + 8 + 12
     * + 24 bytes of attributes. */
    if (!response && end - 20 < WRTC_ICE_CHECK_MIN_ATTRS)
        return WRTC_STUN_PLAIN;
    while (off + 4 <= end) {
        uint16_t type, alen;
        if (off + 4 > len)
            return WRTC_STUN_NOT_CAPTURED;
        type = rd16(p + off);
        alen = rd16(p + off + 2);
        if (response ? type == 0x0008
                     : (type == 0x0024 || type == 0x0025 || type == 0x8029 || type == 0x802A))
            return WRTC_STUN_ICE;
        /* CHANGE-REQUEST, PADDING, RESPONSE-PORT (RFC 5780 §7): a NAT
         * behaviour test, no connectivity check. */
        if (!response && (type == 0x0003 || type == 0x0026 || type == 0x0027))
            return WRTC_STUN_PLAIN;
        off += 4 + (((size_t)alen + 3) & ~(size_t)3);
    }
    return off >= end || end <= len ? WRTC_STUN_PLAIN : WRTC_STUN_NOT_CAPTURED;
}

bool wrtc_dtls_valid(const uint8_t *p, size_t len, size_t wire_len)
{
    size_t off = 0;
    unsigned records = 0;
    if (len > wire_len)
        len = wire_len;
    /* Records are walked on the captured bytes, their lengths checked
     * against the datagram's length on the wire: a capture cut inside a
     * record (snaplen) still shows a valid header. A record header that was
     * not captured at all ends the walk. */
    while (off < wire_len) {
        const uint8_t *r = p + off;
        size_t left = wire_len - off, have = off < len ? len - off : 0;
        uint8_t t;
        if (have == 0)
            return records > 0 && left >= 3;   /* room for at least a unified header */
        t = r[0];
        if (t >= 20 && t <= 25) {
            /* DTLSPlaintext/DTLSCiphertext (RFC 6347 §4.1): type, version,
             * epoch(2), sequence(6), length(2). Version 0xFEFF (1.0),
             * 0xFEFD (1.2; also used by 1.3 for legacy_record_version). */
            size_t rl;
            if (have < 13)
                /* A later record's header cut: what is there must fit. */
                return records > 0 && left >= 13 && (have < 2 || r[1] == 0xFE) &&
                       (have < 3 || r[2] == 0xFF || r[2] == 0xFD || r[2] == 0xFC);
            if (r[1] != 0xFE || (r[2] != 0xFF && r[2] != 0xFD && r[2] != 0xFC))
                return false;
            rl = rd16(r + 11);
            if (rl == 0 || 13 + rl > left)
                return false;
            off += 13 + rl;
        } else if ((t & 0xE0) == 0x20) {
            /* DTLS 1.3 unified header (RFC 9147 §4): 001CSLEE. A connection
             * ID (C) has a negotiated length we cannot know here; accept
             * the record only when it is the last one (no L bit needed). */
            size_t hl = 1 + ((t & 0x08) ? 2 : 1);
            if (t & 0x10)
                return left > hl + 2; /* CID of unknown length: last record */
            if (t & 0x04) {
                size_t rl;
                if (left < hl + 2)
                    return false;
                if (have < hl + 2)
                    return true;      /* length not captured: last we can see */
                rl = rd16(r + hl);
                if (rl == 0 || hl + 2 + rl > left)
                    return false;
                off += hl + 2 + rl;
            } else {
                /* No length: the record runs to the end of the datagram. */
                if (left <= hl)
                    return false;
                off = wire_len;
            }
        } else {
            return false;
        }
        records++;
    }
    return records > 0;
}

bool wrtc_dtls13_record_strict(const uint8_t *p, size_t len, size_t wire_len)
{
    size_t off = 0;
    if (len > wire_len)
        len = wire_len;
    while (off < wire_len) {
        uint8_t t;
        size_t hl, rl;
        if (off + 1 > len)
            return false;
        t = p[off];
        if ((t & 0xE0) != 0x20 || (t & 0x10) || !(t & 0x04))
            return false;
        hl = 1 + ((t & 0x08) ? 2 : 1);
        if (off + hl + 2 > len)
            return false;
        rl = rd16(p + off + hl);
        if (rl == 0 || off + hl + 2 + rl > wire_len)
            return false;
        off += hl + 2 + rl;
    }
    return off == wire_len;
}

bool wrtc_channeldata_valid(const uint8_t *p, size_t len, size_t wire_len, bool stream,
                            uint16_t *channel, size_t *payload_len)
{
    uint16_t ch;
    size_t dl, padded;
    if (len < 4 || wire_len < 4)
        return false;
    ch = rd16(p);
    if (ch < 0x4000 || ch > 0x4FFF)
        return false;
    dl = rd16(p + 2);
    padded = (dl + 3) & ~(size_t)3;
    if (4 + dl > wire_len)
        return false;
    if (stream) {
        if (4 + padded > wire_len)
            return false;
    } else if (wire_len != 4 + dl && wire_len != 4 + padded) {
        return false;
    }
    if (channel)
        *channel = ch;
    if (payload_len)
        *payload_len = dl;
    return true;
}

bool wrtc_zrtp_valid(const uint8_t *p, size_t len, size_t wire_len)
{
    /* 12-byte header + at least a message preamble and the 4-byte CRC on
     * the wire; the version and magic cookie in the captured bytes. */
    if (len < 8 || wire_len < 28 || (p[0] & 0xF0) != 0x10)
        return false;
    return p[4] == 'Z' && p[5] == 'R' && p[6] == 'T' && p[7] == 'P';
}

const char *wrtc_rtp_status_name(wrtc_rtp_status_t s)
{
    switch (s) {
    case WRTC_RTP_OK: return "ok";
    case WRTC_RTP_TOO_SHORT: return "shorter than the 12-byte RTP header";
    case WRTC_RTP_BAD_VERSION: return "version is not 2";
    case WRTC_RTP_CSRC_OVERFLOW: return "CSRC list runs past the packet";
    case WRTC_RTP_EXT_OVERFLOW: return "header extension runs past the packet";
    case WRTC_RTP_BAD_PADDING: return "padding count inconsistent with the packet";
    case WRTC_RTP_RTCP_PT: return "payload type 64-95 with marker: RTCP (RFC 5761)";
    }
    return "?";
}

wrtc_rtp_status_t wrtc_rtp_parse(const uint8_t *p, size_t len, size_t wire_len, bool srtp,
                                 wrtc_rtp_hdr_t *out)
{
    wrtc_rtp_hdr_t h = {0};
    size_t off;
    if (len > wire_len)
        len = wire_len;
    /* The fixed header must be captured; everything after it is checked
     * against the length on the wire (a header-only capture decides like a
     * full one), and read only where it was captured. */
    if (len < 12)
        return WRTC_RTP_TOO_SHORT;
    if ((p[0] >> 6) != 2)
        return WRTC_RTP_BAD_VERSION;
    h.padding = (p[0] & 0x20) != 0;
    h.extension = (p[0] & 0x10) != 0;
    h.csrc_count = p[0] & 0x0F;
    h.marker = (p[1] & 0x80) != 0;
    h.pt = p[1] & 0x7F;
    if (h.marker && h.pt >= WRTC_RTCP_CONFLICT_PT_FIRST && h.pt <= WRTC_RTCP_CONFLICT_PT_LAST)
        return WRTC_RTP_RTCP_PT;
    h.seq = rd16(p + 2);
    h.ts = rd32(p + 4);
    h.ssrc = rd32(p + 8);
    h.cut = len < wire_len;
    off = 12 + (size_t)h.csrc_count * 4;
    if (off > wire_len)
        return WRTC_RTP_CSRC_OVERFLOW;
    if (h.extension) {
        if (off + 4 > wire_len)
            return WRTC_RTP_EXT_OVERFLOW;
        if (off + 4 > len) {
            /* The extension's length was not captured: the header is at
             * least this long; its end and the payload are unknown. */
            h.header_len = off + 4;
            h.header_cut = true;
            h.payload_len = wire_len - h.header_len;
            if (out)
                *out = h;
            return WRTC_RTP_OK;
        }
        h.ext_profile = rd16(p + off);
        h.ext_len = (size_t)rd16(p + off + 2) * 4;
        off += 4;
        if (off + h.ext_len > wire_len)
            return WRTC_RTP_EXT_OVERFLOW;
        off += h.ext_len;
    }
    h.header_len = off;
    h.header_cut = off > len;
    if (h.padding && !srtp && !h.cut) {
        /* RFC 3550 §5.1: the last octet counts the padding, itself included.
         * Not captured (snaplen): the count is unknown, not wrong. */
        uint8_t pad = p[wire_len - 1];
        if (pad == 0 || (size_t)pad > wire_len - off)
            return WRTC_RTP_BAD_PADDING;
        h.padding_len = pad;
    }
    h.payload_len = wire_len - off - h.padding_len;
    h.payload_captured = len > off ? len - off : 0;
    if (h.payload_captured > h.payload_len)
        h.payload_captured = h.payload_len;
    if (out)
        *out = h;
    return WRTC_RTP_OK;
}

wrtc_rtp_status_t wrtc_rtp_parse_fixed(const uint8_t *p, size_t len, size_t wire_len,
                                       wrtc_rtp_hdr_t *out)
{
    uint8_t b[12];
    wrtc_rtp_hdr_t h;
    wrtc_rtp_status_t st;
    if (len < 12)
        return WRTC_RTP_TOO_SHORT;
    memcpy(b, p, 12);
    b[0] &= (uint8_t)~0x10;                  /* as if without extension */
    {
        /* Parse the copied fixed header against the real lengths: the CSRC
         * list is read from the packet itself. */
        uint8_t tmp[12 + 15 * 4];
        size_t n = len < sizeof tmp ? len : sizeof tmp;
        memcpy(tmp, p, n);
        tmp[0] = b[0];
        st = wrtc_rtp_parse(tmp, n, wire_len, true, &h);
    }
    if (st != WRTC_RTP_OK)
        return st;
    h.extension = true;
    h.ext_unreadable = true;
    if (out)
        *out = h;
    return WRTC_RTP_OK;
}

wrtc_rtcp_shape_t wrtc_rtcp_parse(const uint8_t *p, size_t len, size_t wire_len,
                                  wrtc_rtcp_info_t *info)
{
    size_t off = 0, first_len;
    unsigned n = 0;
    bool plain = true;
    if (len > wire_len)
        len = wire_len;
    if (len < 8 || (p[0] >> 6) != 2 || p[1] < 192 || p[1] > 223)
        return WRTC_RTCP_INVALID;
    first_len = ((size_t)rd16(p + 2) + 1) * 4;
    if (first_len > wire_len)
        return WRTC_RTCP_INVALID;
    if (info) {
        info->first_pt = p[1];
        info->first_fmt = p[0] & 0x1F;
        info->sender_ssrc = rd32(p + 4);
        info->packets = 1;
    }
    /* Walk the compound (RFC 3550 §6.1): version 2 everywhere, padding only
     * in the last packet, lengths adding up to the datagram exactly. */
    while (off < wire_len) {
        size_t plen;
        if (off + 4 > len && len < wire_len) {
            /* The next header was not captured (snaplen): the compound
             * is valid as far as it can be seen. */
            if (info)
                info->packets = n;
            return WRTC_RTCP_CUT;
        }
        if (wire_len - off < 4 || (p[off] >> 6) != 2 || p[off + 1] < 192 || p[off + 1] > 223) {
            plain = false;
            break;
        }
        plen = ((size_t)rd16(p + off + 2) + 1) * 4;
        if (plen > wire_len - off) {
            plain = false;
            break;
        }
        if ((p[off] & 0x20) && off + plen != wire_len) {
            plain = false;
            break;
        }
        off += plen;
        n++;
    }
    if (plain && off == wire_len) {
        if (info)
            info->packets = n;
        return WRTC_RTCP_PLAIN;
    }
    /* SRTCP (RFC 3711 §3.4): the rest is ciphertext, then E-flag+index (4
     * bytes), optional MKI and the authentication tag. */
    if (wire_len >= first_len + 4)
        return WRTC_RTCP_SRTCP;
    return WRTC_RTCP_INVALID;
}
