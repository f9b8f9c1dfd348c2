/* webrtc-rtp.c — hand an RTP packet of a media flow to Wireshark's RTP
 * dissector, and make sure Wireshark's "rtp" tap (RTP Streams, Stream
 * Analysis, the Player) counts it also when the capture holds only its
 * header.
 *
 * Wireshark 4.0's RTP dissector queues its tap after reading the whole
 * header and the padding count: a packet whose header runs past the
 * captured bytes can throw "Packet size limited during capture" before the
 * tap, and a packet with the P bit whose last byte was not captured returns
 * without it. Header-only captures (snaplen 64-300,
 * usual for VoIP monitoring) are full of both. For exactly those packets the
 * plugin queues the tap record itself, from the header it validated, with
 * the fields the dissector would have filled; every other packet is tapped
 * by Wireshark alone.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#include "webrtc-plugin.h"

#include <epan/exceptions.h>
#include <epan/proto_data.h>
#include <epan/tap.h>

#include "webrtc-flow.h"

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

static void srtp_before_decided(packet_info *pinfo, const webrtc_flow_t *f)
{
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

int webrtc_rtp_call_dissector(tvbuff_t *tvb, packet_info *pinfo, proto_tree *tree,
                              const webrtc_flow_t *f, const wrtc_rtp_hdr_t *h)
{
    volatile int ret = 0;
    srtp_before_decided(pinfo, f);
    /* The RTP dissector's layer: the first one the call adds. It stores
     * its per-packet payload info under that layer number just before it
     * dissects the payload, the step that taps even on an exception. */
    guint8 layer = (guint8)(pinfo->curr_layer_num + 1);
    if (!h->cut && !h->ext_unreadable)
        return call_dissector(webrtc_handles.rtp, tvb, pinfo, tree);
    TRY {
        ret = call_dissector(webrtc_handles.rtp, tvb, pinfo, tree);
    }
    CATCH_ALL {
        /* Thrown inside the header (CSRC list, extension): not tapped. */
        if (!p_get_proto_data(pinfo->pool, pinfo, proto_rtp_id, layer))
            queue_header_only(pinfo, f, h);
        RETHROW;
    }
    ENDTRY;
    /* The one early return without the tap: the P bit set and the padding
     * count (the last byte) not captured. */
    if (h->padding)
        queue_header_only(pinfo, f, h);
    return ret;
}
