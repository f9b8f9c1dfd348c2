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

/* A connection is taken only on a complete, valid STUN or DTLS message in
 * its framing: the first message of an ICE-TCP connection is a STUN
 * connectivity check (RFC 6544 §7.2), and both validators are strict. */
webrtc_heur_ret_t webrtc_heur_tcp(tvbuff_t *tvb, packet_info *pinfo, proto_tree *tree,
                                  void *data)
{
    guint captured = tvb_captured_length(tvb);
    const guint8 *p;
    guint len;
    gboolean ok;

    if (captured < RFC4571_HDR + 1)
        return FALSE;
    p = tvb_get_ptr(tvb, 0, RFC4571_HDR + 1);
    if (p[2] > 3 && (p[2] < 20 || p[2] > 25))
        return FALSE; /* first-byte refusal: not STUN, not DTLS plaintext */
    len = tvb_get_ntohs(tvb, 0);
    if (len < 13 || tvb_reported_length(tvb) < RFC4571_HDR + len)
        return FALSE;
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

void webrtc_tcp_register(void)
{
    rfc4571_handle = register_dissector("webrtc.rfc4571", dissect_rfc4571, proto_webrtc);
}
