/* webrtc-tcp.c — ICE-TCP: the WebRTC 5-tuple over TCP (RFC 6544), where
 * every STUN, DTLS, RTP and RTCP packet is preceded by a 16-bit length
 * (RFC 4571 §2). Wireshark 4.0 and 4.4 happen to decode the STUN of such a
 * connection through their STUN-over-TCP heuristic; 4.6 no longer does, and
 * none of them follows DTLS or media there. This heuristic recognises the
 * framing on the connection's first message, takes the TCP conversation and
 * hands each framed packet to the same demultiplexer as UDP datagrams.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#include "webrtc-plugin.h"

#include <epan/conversation.h>
#include <epan/dissectors/packet-tcp.h>

#include "webrtc-flow.h"
#include "demux.h"

#define RFC4571_HDR 2

static dissector_handle_t rfc4571_handle;

static guint rfc4571_pdu_len(packet_info *pinfo _U_, tvbuff_t *tvb, int offset, void *data _U_)
{
    return RFC4571_HDR + tvb_get_ntohs(tvb, offset);
}

static int dissect_rfc4571_pdu(tvbuff_t *tvb, packet_info *pinfo, proto_tree *tree,
                               void *data _U_)
{
    guint16 len = tvb_get_ntohs(tvb, 0);
    tvbuff_t *inner = tvb_new_subset_length(tvb, RFC4571_HDR, len);
    webrtc_flow_t *f = webrtc_flow_get(pinfo, FALSE, TRUE);
    proto_item *ti = proto_tree_add_uint(tree, hf_webrtc_rfc4571_length, tvb, 0, RFC4571_HDR, len);
    proto_item_set_generated(ti);
    if (webrtc_demux_payload(inner, pinfo, tree, f) <= 0)
        call_data_dissector(inner, pinfo, tree);
    return tvb_captured_length(tvb);
}

static int dissect_rfc4571(tvbuff_t *tvb, packet_info *pinfo, proto_tree *tree, void *data)
{
    tcp_dissect_pdus(tvb, pinfo, tree, TRUE, RFC4571_HDR, rfc4571_pdu_len,
                     dissect_rfc4571_pdu, data);
    return tvb_captured_length(tvb);
}

/* ---- TURN over TCP (RFC 8656 §12.5, RFC 6062) -------------------------
 * STUN messages (20 + length bytes) and ChannelData messages (4 + length,
 * padded to a multiple of 4 over TCP) back to back on the byte stream.
 * Wireshark's STUN dissector frames them on its registered port, but after
 * a gap in the stream (a segment lost before the capture point and
 * retransmitted later: the capture has it out of order) it reads a length
 * from the middle of a message, waits for that many bytes and loses every
 * message up to the next accidental realignment (156 of 4,287 RTP packets
 * for 3 segments received out of order in the chromium-firefox-turn-tcp
 * call). The plugin takes such a connection on its first TURN message and
 * frames it itself with tcp_dissect_pdus; a PDU that does not start with a
 * plausible header is skipped up to the next one (resynchronisation), so a
 * gap costs only the messages it cuts. */
#define TURN_TCP_HDR 4u
#define STUN_COOKIE 0x2112A442u

static dissector_handle_t turn_tcp_handle;

/* Length on the stream of the message starting at `off` (padding
 * included), or 0 when no STUN/ChannelData message can start there. */
static guint turn_tcp_msg_len(tvbuff_t *tvb, int off)
{
    guint avail = tvb_captured_length_remaining(tvb, off);
    guint8 b;
    guint16 l;
    if (avail < TURN_TCP_HDR)
        return 0;
    b = tvb_get_guint8(tvb, off);
    l = tvb_get_ntohs(tvb, off + 2);
    if (b >= 0x40 && b <= 0x4F)
        return (TURN_TCP_HDR + l + 3u) & ~3u;
    if (b <= 3 && (l & 3) == 0 && (avail < 8 || tvb_get_ntohl(tvb, off + 4) == STUN_COOKIE))
        return 20u + l;
    return 0;
}

/* Resynchronising: a position is taken as a message start only when the
 * message there ends exactly where the captured bytes end or where another
 * plausible message starts (a lone 0x40-0x4F byte is no evidence). */
static gboolean turn_tcp_plausible(tvbuff_t *tvb, int off)
{
    guint n = turn_tcp_msg_len(tvb, off);
    guint avail = tvb_captured_length_remaining(tvb, off);
    if (!n)
        return FALSE;
    if (tvb_get_guint8(tvb, off) <= 3 && avail < 8)
        return FALSE; /* a STUN start needs its magic cookie */
    if (n == avail)
        return TRUE;
    return n < avail && turn_tcp_msg_len(tvb, off + (int)n) != 0 &&
           (avail - n < 8 || tvb_get_guint8(tvb, off + (int)n) > 3 ||
            tvb_get_ntohl(tvb, off + (int)n + 4) == STUN_COOKIE);
}

/* In a segment cut by the snaplen nothing can be reassembled and the
 * segment need not start at a message: a message is taken only where it
 * ends within the segment on the wire, exactly at its end or where another
 * plausible message starts. */
static gboolean turn_tcp_plausible_cut(tvbuff_t *tvb, int off)
{
    guint n = turn_tcp_msg_len(tvb, off);
    guint wire = (guint)tvb_reported_length_remaining(tvb, off);
    guint avail = tvb_captured_length_remaining(tvb, off);
    if (!n || n > wire)
        return FALSE;
    if (n == wire)
        return TRUE;
    return n + TURN_TCP_HDR <= avail && turn_tcp_msg_len(tvb, off + (int)n) != 0;
}

/* A ChannelData message framed on this connection teaches its channel
 * number (RFC 8656 §12: 0x4000-0x4FFF, bound per peer; both directions use
 * it). */
static guint turn_tcp_learn(packet_info *pinfo, tvbuff_t *tvb, int offset, guint n)
{
    webrtc_flow_t *f;
    guint16 ch;
    guint i;
    if (PINFO_FD_VISITED(pinfo) || !n || tvb_get_guint8(tvb, offset) < 0x40)
        return n;
    f = webrtc_flow_get(pinfo, FALSE, TRUE);
    ch = tvb_get_ntohs(tvb, offset);
    for (i = 0; f && i < WEBRTC_TCP_CHANNELS; i++) {
        if (f->tcp_channel[i] == ch)
            break;
        if (!f->tcp_channel[i]) {
            f->tcp_channel[i] = ch;
            f->tcp_channel_frame[i] = pinfo->num;
            break;
        }
    }
    return n;
}

/* The first bytes of a segment the snaplen cut are taken as a message when
 * they are one for certain: a STUN header with its magic cookie (RFC 8489
 * §5), or ChannelData on a channel already framed on this connection in an
 * earlier frame (random bytes match a 16-bit channel number once in
 * 65,536). Its end need not be captured: its length is checked against the
 * segment's length on the wire. Senders write whole messages per segment,
 * so most cut segments start at one; without this rule every segment whose
 * first message the snaplen cut (a video packet and the next one in one
 * segment) would be lost. */
static gboolean turn_tcp_known_start(packet_info *pinfo, tvbuff_t *tvb, int offset)
{
    webrtc_flow_t *f;
    guint16 ch;
    guint i;
    if (tvb_captured_length_remaining(tvb, offset) < 8)
        return FALSE;
    if (tvb_get_guint8(tvb, offset) <= 3)
        return tvb_get_ntohl(tvb, offset + 4) == STUN_COOKIE;
    f = webrtc_flow_get(pinfo, FALSE, FALSE);
    ch = tvb_get_ntohs(tvb, offset);
    for (i = 0; f && i < WEBRTC_TCP_CHANNELS && f->tcp_channel[i]; i++)
        if (f->tcp_channel[i] == ch)
            return f->tcp_channel_frame[i] < pinfo->num;
    return FALSE;
}

static guint turn_tcp_pdu_len(packet_info *pinfo, tvbuff_t *tvb, int offset, void *data _U_)
{
    guint n = turn_tcp_msg_len(tvb, offset);
    guint avail = tvb_captured_length_remaining(tvb, offset), i;
    if (tvb_captured_length(tvb) < tvb_reported_length(tvb)) {
        guint wire = (guint)tvb_reported_length_remaining(tvb, offset);
        if (turn_tcp_plausible_cut(tvb, offset) ||
            (offset == 0 && n && n <= wire && turn_tcp_known_start(pinfo, tvb, offset)))
            return turn_tcp_learn(pinfo, tvb, offset, n);
        for (i = 1; i + TURN_TCP_HDR <= avail; i++)
            if (turn_tcp_plausible_cut(tvb, offset + (int)i))
                return i;
        return wire ? wire : 1;
    }
    if (n && (offset == 0 || turn_tcp_plausible(tvb, offset) ||
              tvb_get_guint8(tvb, offset) >= 0x40))
        return turn_tcp_learn(pinfo, tvb, offset, n);
    /* Not a message boundary: skip to the next plausible one. */
    for (i = 1; i + TURN_TCP_HDR <= avail; i++)
        if (turn_tcp_plausible(tvb, offset + (int)i))
            return i;
    return avail ? avail : 1;
}

static int dissect_turn_tcp_pdu(tvbuff_t *tvb, packet_info *pinfo, proto_tree *tree,
                                void *data _U_)
{
    guint n = turn_tcp_msg_len(tvb, 0), len;
    tvbuff_t *msg;
    if (!n || tvb_reported_length(tvb) != n) {
        proto_item *ti = proto_tree_add_protocol_format(tree, proto_webrtc, tvb, 0, -1,
            "WebRTC: %u bytes of TURN over TCP skipped: not at a message boundary "
            "(a gap in the TCP stream before them); resynchronised at the next message",
            tvb_reported_length(tvb));
        proto_item_set_generated(ti);
        return tvb_captured_length(tvb);
    }
    /* One message without its TCP padding, as over UDP: Wireshark's STUN
     * dissector parses it and offers a ChannelData or DATA payload to the
     * TURN heuristics (ours). */
    len = tvb_get_guint8(tvb, 0) >= 0x40 ? TURN_TCP_HDR + tvb_get_ntohs(tvb, 2) : n;
    msg = tvb_new_subset_length(tvb, 0, (gint)len);
    /* A STUN message the snaplen cut goes through the demultiplexer, as
     * over UDP: Wireshark's STUN dissector stops at the cut and never offers
     * the relayed datagram of a Send/Data indication (RFC 8656 §10-11), so
     * the demultiplexer hands on its captured part and notes the cut
     * request for the session model. */
    if (tvb_get_guint8(tvb, 0) <= 3 && tvb_captured_length(msg) < tvb_reported_length(msg)) {
        webrtc_flow_t *f = webrtc_flow_get(pinfo, FALSE, TRUE);
        if (f && webrtc_demux_payload(msg, pinfo, tree, f) > 0)
            return tvb_captured_length(tvb);
    }
    call_dissector(webrtc_handles.stun, msg, pinfo, tree);
    return tvb_captured_length(tvb);
}

static int dissect_turn_tcp(tvbuff_t *tvb, packet_info *pinfo, proto_tree *tree, void *data)
{
    tcp_dissect_pdus(tvb, pinfo, tree, TRUE, TURN_TCP_HDR, turn_tcp_pdu_len,
                     dissect_turn_tcp_pdu, data);
    return tvb_captured_length(tvb);
}

void webrtc_tcp_take_turn(packet_info *pinfo)
{
    conversation_t *c;
    if (PINFO_FD_VISITED(pinfo) || pinfo->ptype != PT_TCP)
        return;
    c = find_or_create_conversation(pinfo);
    if (conversation_get_dissector(c, pinfo->num) != turn_tcp_handle)
        conversation_set_dissector(c, turn_tcp_handle);
}

/* RTP framed by RFC 4571 with no ICE or DTLS before it (RTP over TCP, RFC
 * 4571 §2: media servers' and gateways' TCP transport): the first framed
 * message of each segment corroborates like a UDP datagram (the same
 * tracks, at most 3 packets before the claim), and the connection is taken
 * for the framing only once they agree; until then TCP keeps it. */
static gboolean rfc4571_rtp_candidate(tvbuff_t *tvb, packet_info *pinfo, proto_tree *tree)
{
    guint captured = tvb_captured_length(tvb), len = tvb_get_ntohs(tvb, 0);
    webrtc_flow_t *f;
    tvbuff_t *inner;
    if (len < 12 || RFC4571_HDR + len > tvb_reported_length(tvb) || !webrtc_prefs.corroborate)
        return FALSE;
    f = webrtc_flow_get(pinfo, FALSE, TRUE);
    if (!f || PINFO_FD_VISITED(pinfo))
        return FALSE;    /* (a claimed connection is the framing's on later passes) */
    inner = tvb_new_subset_length_caplen(tvb, RFC4571_HDR, (gint)MIN(captured - RFC4571_HDR, len),
                                         (gint)len);
    if (webrtc_demux_payload(inner, pinfo, tree, f) <= 0 || !f->media_frame)
        return FALSE;
    conversation_set_dissector(find_or_create_conversation(pinfo), rfc4571_handle);
    return TRUE;
}

/* A connection is taken only on a complete, valid STUN or DTLS message in
 * its framing: the first message of an ICE-TCP connection is a STUN
 * connectivity check (RFC 6544 §7.2), and both validators are strict.
 * A connection whose first segment starts with a TURN request in TURN-TCP
 * framing (no RFC 4571 length: an Allocate, RFC 8656 §7) is taken for the
 * TURN framing above, on any port (Wireshark's STUN has only 3478). */
webrtc_heur_ret_t webrtc_heur_tcp(tvbuff_t *tvb, packet_info *pinfo, proto_tree *tree,
                                  void *data)
{
    guint captured = tvb_captured_length(tvb);
    const guint8 *p;
    guint len;
    gboolean ok;

    if (captured >= 20 && tvb_get_guint8(tvb, 0) == 0x00 && tvb_get_guint8(tvb, 1) == 0x03 &&
        tvb_get_ntohl(tvb, 4) == STUN_COOKIE && (tvb_get_ntohs(tvb, 2) & 3) == 0 &&
        20u + tvb_get_ntohs(tvb, 2) >= captured) {
        /* an Allocate request (0x0003) is the segment, or begins it and
         * continues in the next (TCP reassembles it) */
        webrtc_tcp_take_turn(pinfo);
        dissect_turn_tcp(tvb, pinfo, tree, data);
        return TRUE;
    }
    if (captured < RFC4571_HDR + 1)
        return FALSE;
    p = tvb_get_ptr(tvb, 0, RFC4571_HDR + 1);
    if ((p[2] & 0xC0) == 0x80)
        return rfc4571_rtp_candidate(tvb, pinfo, tree);
    if (p[2] > 3 && (p[2] < 20 || p[2] > 25))
        return FALSE; /* first-byte refusal: not STUN, not DTLS plaintext */
    len = tvb_get_ntohs(tvb, 0);
    if (len < 13)
        return FALSE;
    if (tvb_reported_length(tvb) < RFC4571_HDR + len) {
        /* The first message split over segments (small MSS): take it once
         * its STUN header is valid (magic cookie, length) and let TCP
         * reassemble the rest; DTLS waits for the whole record. */
        if (p[2] <= 3 && captured >= RFC4571_HDR + 8 && (p[2] & 0xC0) == 0 &&
            tvb_get_ntohl(tvb, RFC4571_HDR + 4) == STUN_COOKIE &&
            (guint)tvb_get_ntohs(tvb, RFC4571_HDR + 2) + 20 == len && pinfo->can_desegment) {
            if (!PINFO_FD_VISITED(pinfo))
                conversation_set_dissector(find_or_create_conversation(pinfo), rfc4571_handle);
            dissect_rfc4571(tvb, pinfo, tree, data);
            return TRUE;
        }
        return FALSE;
    }
    /* Decided on the captured bytes, the lengths against the framing's:
     * a header-only capture (snaplen) decides like a full one. */
    {
        guint have = MIN(captured - RFC4571_HDR, len);
        p = tvb_get_ptr(tvb, RFC4571_HDR, (gint)have);
        ok = p[0] <= 3 ? wrtc_stun_valid(p, have, len, FALSE) : wrtc_dtls_valid(p, have, len);
    }
    if (!ok)
        return FALSE;
    if (!PINFO_FD_VISITED(pinfo))
        conversation_set_dissector(find_or_create_conversation(pinfo), rfc4571_handle);
    dissect_rfc4571(tvb, pinfo, tree, data);
    return TRUE;
}

/* TCP port 3478 (STUN/TURN over TCP, RFC 8489 §18.6, RFC 8656 §12.5) is
 * Wireshark's STUN, which offers a relayed datagram to the TURN heuristics
 * (and so lets the plugin take the connection) only where it is whole: in a
 * header-only capture it never is. A connection whose segment starts with a
 * STUN message (magic cookie) or a ChannelData header is framed by the
 * plugin from that message on; anything else stays Wireshark's STUN. */
static dissector_handle_t stun_tcp_handle;

int webrtc_dissect_turn_tcp_port(tvbuff_t *tvb, packet_info *pinfo, proto_tree *tree, void *data)
{
    conversation_t *c = find_conversation_pinfo(pinfo, 0);
    gboolean taken = c && conversation_get_dissector(c, pinfo->num) == turn_tcp_handle;
    if (taken || (webrtc_prefs.turn && tvb_captured_length(tvb) >= 8 &&
                  turn_tcp_msg_len(tvb, 0) && tvb_get_guint8(tvb, 0) <= 3)) {
        webrtc_tcp_take_turn(pinfo);
        return dissect_turn_tcp(tvb, pinfo, tree, data);
    }
    if (stun_tcp_handle)
        return call_dissector_with_data(stun_tcp_handle, tvb, pinfo, tree, data);
    return 0;
}

void webrtc_tcp_handoff(void)
{
    stun_tcp_handle = find_dissector_add_dependency("stun-tcp", proto_webrtc);
    dissector_add_uint("tcp.port", 3478,
                       create_dissector_handle(webrtc_dissect_turn_tcp_port, proto_webrtc));
}

void webrtc_tcp_register(void)
{
    rfc4571_handle = register_dissector("webrtc.rfc4571", dissect_rfc4571, proto_webrtc);
    turn_tcp_handle = register_dissector("webrtc.turn_tcp", dissect_turn_tcp, proto_webrtc);
}
