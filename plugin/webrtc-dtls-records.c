/* webrtc-dtls-records.c — DTLS application data on a WebRTC transport: the
 * data channels (SCTP over DTLS, RFC 8261), seen without keys.
 *
 * The demultiplexer hands every DTLS datagram to Wireshark's DTLS
 * dissector; before that it calls webrtc_dtls_records_note(), which reads
 * the record headers (core/dtls_records.c: Wireshark 4.0 does not dissect
 * DTLS 1.3 unified headers at all) and
 *  - keeps the count for the facts postdissector (WEBRTC_PDATA_DTLS_APP),
 *    which the session model turns into the flow's data-channel activity;
 *  - on a 5-tuple with ICE checks, adds webrtc.datachannel: DTLS without
 *    ICE (a VPN, CAPWAP, CoAP, openssl s_client) is never a data channel.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#include "webrtc-plugin.h"

#include <epan/proto_data.h>

#include "dtls_records.h"

static int hf_webrtc_datachannel = -1;
static int hf_webrtc_datachannel_bytes = -1;

void webrtc_dtls_records_register(void)
{
    static hf_register_info hf[] = {
        { &hf_webrtc_datachannel,
          { "Data-channel records", "webrtc.datachannel", FT_UINT32, BASE_DEC, NULL, 0x0,
            "DTLS application-data records on an ICE transport: SCTP of WebRTC data "
            "channels (RFC 8261), counted from the record headers", HFILL } },
        { &hf_webrtc_datachannel_bytes,
          { "Data-channel bytes", "webrtc.datachannel.bytes", FT_UINT32, BASE_DEC, NULL, 0x0,
            "Length of those records on the wire, record headers included", HFILL } },
    };
    proto_register_field_array(proto_webrtc, hf, array_length(hf));
}

void webrtc_dtls_records_note(tvbuff_t *tvb, packet_info *pinfo, proto_tree *tree,
                              gboolean on_ice, const guint8 *p, size_t len, size_t wire)
{
    wrtc_dtls_records_t r = { 0 };
    webrtc_dtls_pkt_t *k;
    proto_item *it;
    wrtc_dtls_count_records(p, len, wire, &r);
    if (!r.app_records)
        return;
    k = p_get_proto_data(pinfo->pool, pinfo, proto_webrtc, WEBRTC_PDATA_DTLS_APP);
    if (!k) {
        k = wmem_new0(pinfo->pool, webrtc_dtls_pkt_t);
        p_add_proto_data(pinfo->pool, pinfo, proto_webrtc, WEBRTC_PDATA_DTLS_APP, k);
    }
    k->app_records += r.app_records;
    k->app_bytes += r.app_bytes;
    if (!on_ice || !tree)
        return;
    it = proto_tree_add_uint(tree, hf_webrtc_datachannel, tvb, 0, 0, r.app_records);
    proto_item_set_generated(it);
    it = proto_tree_add_uint(tree, hf_webrtc_datachannel_bytes, tvb, 0, 0, r.app_bytes);
    proto_item_set_generated(it);
}
