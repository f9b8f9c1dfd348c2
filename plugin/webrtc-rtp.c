/* webrtc-rtp.c — hand an RTP packet of a media flow to Wireshark's RTP
 * dissector, and make sure Wireshark's "rtp" tap (RTP Streams, Stream
 * Analysis, the Player) counts it also when the capture holds only its
 * header.
 *
 * Wireshark 4.0's RTP dissector queues its tap after reading the whole
 * header and the padding count: a packet whose header runs past the
 * captured bytes can throw "Packet size limited during capture" before the
 * tap. Header-only captures (snaplen 64-300, usual for VoIP monitoring) are
 * full of them. For exactly those packets the plugin queues the tap record
 * itself, from the header it validated, with the fields the dissector
 * would have filled; every other packet is tapped by Wireshark alone. (A
 * packet with the P bit whose padding count cannot be read, encrypted or
 * not captured, is handed on with the bit cleared: below.)
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#include "webrtc-plugin.h"

#include <epan/exceptions.h>
#include <epan/proto_data.h>
#include <epan/tap.h>

#include "webrtc-flow.h"
#include "webrtc-srtp.h"

#ifdef WEBRTC_RTP_DYN_GET_FULL_4_2
static gboolean webrtc_rtp_dyn_payload_get_full_4_2(rtp_dyn_payload_t *tbl, guint pt,
                                                    const gchar **name, int *rate)
{
    unsigned channels = 0;
    wmem_map_t *fmtp = NULL;
    return rtp_dyn_payload_get_full(tbl, pt, name, rate, &channels, &fmtp);
}
#endif

static int rtp_tap_id = -1;
static int proto_rtp_id = -1;

void webrtc_rtp_handoff(void)
{
    rtp_tap_id = find_tap_id("rtp");
    proto_rtp_id = proto_get_id_by_filter_name("rtp");
}

static void queue_header_only(packet_info *pinfo, const webrtc_flow_t *f, const wrtc_rtp_hdr_t *h)
{
    struct _rtp_info *ri;
    if (rtp_tap_id < 0 || pinfo->flags.in_error_pkt)
        return;
    ri = wmem_new0(pinfo->pool, struct _rtp_info);
    ri->info_version = 2;
    ri->info_padding_set = h->padding;
    ri->info_marker_set = h->marker;
    ri->info_payload_type = h->pt;
    ri->info_seq_num = h->seq;
    ri->info_extended_seq_num = h->seq;
    ri->info_timestamp = h->ts;
    ri->info_extended_timestamp = h->ts;
    ri->info_sync_src = h->ssrc;
    ri->info_all_data_present = FALSE;   /* as the RTP dissector says of a cut packet */
    ri->info_payload_offset = (guint)h->header_len;
    ri->info_is_srtp = f->srtp;
    ri->info_setup_frame_num = f->first_frame;
    if (h->pt >= 96 && f->dyn) {
        const gchar *name = NULL;
        int rate = 0;
        if (webrtc_rtp_dyn_payload_get_full(f->dyn, h->pt, &name, &rate)) {
            ri->info_payload_type_str = name;
            ri->info_payload_rate = rate;
        }
    }
    tap_queue_packet(rtp_tap_id, pinfo, ri);
}

/* The RTP dissector keeps, per packet, the conversation set-up it found on
 * the first pass (packet-rtp.c, get_conv_info(): file-scope proto data of
 * proto_rtp under key 0, RTP_CONVERSATION_PROTO_DATA). A packet dissected
 * before its flow was found to be SRTP (the judgement needs 16 payloads)
 * was set up as RTP; on later passes it gets the flow's SRTP set-up, so the
 * two-pass and GUI view show every packet of the flow alike. */
#define RTP_CONVERSATION_PROTO_DATA_KEY 0

/* An RTP packet of an SRTP flow too short for the flow's authentication
 * tag (and MKI) after its header: not SRTP of this transform (Discord's and
 * WhatsApp's own encryption after ICE look like it). Given the SRTP set-up,
 * Wireshark's RTP dissector throws adding the encrypted payload of
 * negative length (a malformed packet); it is dissected as RTP. */
static gboolean shorter_than_tag(const webrtc_flow_t *f, const wrtc_rtp_hdr_t *h)
{
    return f->srtp && f->srtp_info && !h->header_cut &&
           h->payload_len < (size_t)f->srtp_info->auth_tag_len + f->srtp_info->mki_len;
}

static void srtp_before_decided(packet_info *pinfo, const webrtc_flow_t *f,
                                const wrtc_rtp_hdr_t *h)
{
    if (shorter_than_tag(f, h))
        return;
#if WEBRTC_HAVE_RTP_CONVERSATION_INFO
    struct _rtp_conversation_info *pc;
    if (!PINFO_FD_VISITED(pinfo) || !f->srtp || !f->srtp_info || pinfo->num >= f->srtp_frame)
        return;
    pc = (struct _rtp_conversation_info *)p_get_proto_data(wmem_file_scope(), pinfo, proto_rtp_id,
                                                           RTP_CONVERSATION_PROTO_DATA_KEY);
    if (pc && !pc->srtp_info)
        pc->srtp_info = f->srtp_info;
#else
    /* 4.4+: the structure is private to packet-rtp.c. Dropping the
     * packet's copy makes the RTP dissector take the conversation's
     * set-up again (get_conv_info), which srtp_add_address() made SRTP. */
    if (!PINFO_FD_VISITED(pinfo) || !f->srtp || !f->srtp_info || pinfo->num >= f->srtp_frame)
        return;
    p_remove_proto_data(wmem_file_scope(), pinfo, proto_rtp_id, RTP_CONVERSATION_PROTO_DATA_KEY);
#endif
}

/* SRTP not decrypted with the P bit set: the padding count is the last
 * byte of the encrypted payload (RFC 3711 §3.1), and the packet ends in the
 * authentication tag. Wireshark's RTP dissector reads the tag's last byte
 * as the count and throws past the end showing it (a valid packet shown as
 * malformed, and not tapped: a false loss in RTP Streams). Likewise a
 * packet whose end the snaplen cut: its padding count is not in the
 * capture, which the RTP dissector reports as Malformed (Error) and does
 * not tap. Either is given to the RTP dissector as a copy with the P bit
 * cleared, a data source named for why; the RTP dissector then dissects
 * and taps it as every other packet. */
#define SRTP_PADDING_SOURCE "SRTP (padding count encrypted)"
#define CUT_PADDING_SOURCE  "RTP (padding count not captured)"

static tvbuff_t *padding_cleared(tvbuff_t *tvb, packet_info *pinfo, const char *source)
{
    guint cap = tvb_captured_length(tvb);
    guint8 *copy = (guint8 *)tvb_memdup(pinfo->pool, tvb, 0, cap);
    tvbuff_t *child;
    copy[0] &= (guint8)~0x20;
    child = tvb_new_child_real_data(tvb, copy, cap, (gint)tvb_reported_length(tvb));
    add_new_data_source(pinfo, child, source);
    {
        wmem_list_t *l = (wmem_list_t *)p_get_proto_data(pinfo->pool, pinfo, proto_webrtc,
                                                         WEBRTC_PDATA_PADDING_CLEARED);
        if (!l) {
            l = wmem_list_new(pinfo->pool);
            p_add_proto_data(pinfo->pool, pinfo, proto_webrtc, WEBRTC_PDATA_PADDING_CLEARED, l);
        }
        wmem_list_append(l, child);
    }
    return child;
}

int webrtc_rtp_call_dissector(tvbuff_t *tvb, packet_info *pinfo, proto_tree *tree,
                              proto_tree *wtree, const webrtc_flow_t *f,
                              const wrtc_rtp_hdr_t *h)
{
    volatile int ret = 0;
    /* The RTP dissector's layer: the first one the call adds. It stores
     * its per-packet payload info under that layer number just before it
     * dissects the payload, the step that taps even on an exception. */
    guint8 layer = (guint8)(pinfo->curr_layer_num + 1);
    tvbuff_t *volatile rtp_tvb = tvb;
    srtp_before_decided(pinfo, f, h);
    if (shorter_than_tag(f, h) && !PINFO_FD_VISITED(pinfo)) {
        webrtc_srtp_rtp_packet_data(tvb, pinfo, f->dyn, webrtc_flow_setup_method(f));
    } else if (h->padding && f->srtp && f->srtp_info) {
        proto_item *it = proto_tree_add_boolean(wtree, hf_webrtc_srtp_padding_encrypted,
                                                tvb, 0, 1, TRUE);
        proto_item_set_generated(it);
        rtp_tvb = padding_cleared(tvb, pinfo, SRTP_PADDING_SOURCE);
    } else if (h->padding && tvb_captured_length(tvb) < tvb_reported_length(tvb)) {
        rtp_tvb = padding_cleared(tvb, pinfo, CUT_PADDING_SOURCE);
    }
    if (!h->cut && !h->ext_unreadable)
        return call_dissector(webrtc_handles.rtp, rtp_tvb, pinfo, tree);
    TRY {
        ret = call_dissector(webrtc_handles.rtp, rtp_tvb, pinfo, tree);
    }
    CATCH_ALL {
        /* Thrown inside the header (CSRC list, extension): not tapped. */
        if (!p_get_proto_data(pinfo->pool, pinfo, proto_rtp_id, layer))
            queue_header_only(pinfo, f, h);
        RETHROW;
    }
    ENDTRY;
    return ret;
}
