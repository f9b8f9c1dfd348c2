/* webrtc-srtcp.c — an encrypted SRTCP packet shown as what it is.
 *
 * SRTCP (RFC 3711 §3.4) keeps only the first 8 bytes of the compound in the
 * clear: version, padding, count/FMT, packet type, length and sender SSRC.
 * Wireshark 4.0's RTCP dissector stops at the encrypted part only for
 * SR/RR/APP-first packets and only when it knows where the E-flag sits; the
 * reduced-size feedback WebRTC sends most (transport-cc, NACK, PLI: RTPFB/
 * PSFB first, RFC 5506) is parsed as if in the clear and ends malformed.
 * Those packets are drawn here with the RTCP/SRTCP fields of Wireshark's
 * own registration (so filters such as rtcp.pt and srtcp.index work), the
 * ciphertext marked as such, and the E-flag/index/tag once the trailer
 * layout is known (core/srtcp_layout.h).
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#include "webrtc-srtcp.h"

#include "webrtc-flow.h"

/* Field ids of Wireshark's RTCP/SRTCP registration, found by name. */
static struct {
    int proto_srtcp;
    int version, padding, rc, rtpfb_fmt, psfb_fmt, pt, length, sender_ssrc;
    int e, index, auth_tag;
} ws;

void webrtc_srtcp_init(void)
{
    ws.proto_srtcp = proto_get_id_by_filter_name("srtcp");
    ws.version = proto_registrar_get_id_byname("rtcp.version");
    ws.padding = proto_registrar_get_id_byname("rtcp.padding");
    ws.rc = proto_registrar_get_id_byname("rtcp.rc");
    ws.rtpfb_fmt = proto_registrar_get_id_byname("rtcp.rtpfb.fmt");
    ws.psfb_fmt = proto_registrar_get_id_byname("rtcp.psfb.fmt");
    ws.pt = proto_registrar_get_id_byname("rtcp.pt");
    ws.length = proto_registrar_get_id_byname("rtcp.length");
    ws.sender_ssrc = proto_registrar_get_id_byname("rtcp.senderssrc");
    ws.e = proto_registrar_get_id_byname("srtcp.e");
    ws.index = proto_registrar_get_id_byname("srtcp.index");
    ws.auth_tag = proto_registrar_get_id_byname("srtcp.auth_tag");
}

/* RTCP packet types (RFC 3550 §12.1, RFC 4585 §6.1, RFC 3611). */
static const value_string rtcp_types[] = {
    { 200, "Sender Report" }, { 201, "Receiver Report" }, { 202, "Source description" },
    { 203, "Goodbye" }, { 204, "Application specific" }, { 205, "Generic RTP Feedback" },
    { 206, "Payload-specific Feedback" }, { 207, "Extended report (RFC 3611)" },
    { 0, NULL }
};

static void add(proto_tree *t, int hf, tvbuff_t *tvb, int off, int len, guint enc)
{
    if (hf > 0)
        proto_tree_add_item(t, hf, tvb, off, len, enc);
}

gboolean webrtc_srtcp_wireshark_can_show(const webrtc_flow_t *f, const guint8 *p, size_t len,
                                         size_t wire_len)
{
    /* Plain RTCP is always Wireshark's, also when the snaplen cut it (the
     * part not captured cannot be told from SRTCP). SRTCP not decrypted is
     * the plugin's own (webrtc_srtcp_dissect): the header, the ciphertext
     * and the trailer, with Wireshark's rtcp.* and srtcp.* fields. Given
     * to Wireshark's RTCP dissector, every packet would carry its warning
     * "Encrypted RTCP Payload - not dissected" (srtcp.encrypted_payload,
     * PI_UNDECODED/PI_WARN), the normal case without keys, not a problem;
     * and with the conversation's SRTCP set-up made by Wireshark's DTLS
     * dissector (its own tag length) the E bit is read at the wrong place
     * and the ciphertext dissected as RTCP (firefox-dtls12 frame 991, a
     * "Port Mapping" packet, malformed). */
    wrtc_rtcp_shape_t shape = wrtc_rtcp_parse(p, len, wire_len, NULL);
    return !f->srtp && (shape == WRTC_RTCP_PLAIN || shape == WRTC_RTCP_CUT);
}

int webrtc_srtcp_dissect(tvbuff_t *tvb, packet_info *pinfo, proto_tree *tree,
                         const webrtc_flow_t *f)
{
    gint len = (gint)tvb_reported_length(tvb);
    guint8 pt = tvb_get_guint8(tvb, 1);
    gint tail = -1, trailer;
    proto_item *ti;
    proto_tree *st;

    col_set_str(pinfo->cinfo, COL_PROTOCOL, "SRTCP");
    col_add_fstr(pinfo->cinfo, COL_INFO, "%s (encrypted)",
                 val_to_str_const(pt, rtcp_types, "RTCP"));

    ti = proto_tree_add_item(tree, ws.proto_srtcp > 0 ? ws.proto_srtcp : proto_webrtc,
                             tvb, 0, -1, ENC_NA);
    proto_item_append_text(ti, " (%s, encrypted)", val_to_str_const(pt, rtcp_types, "RTCP"));
    st = proto_item_add_subtree(ti, ett_webrtc);
    add(st, ws.version, tvb, 0, 1, ENC_BIG_ENDIAN);
    add(st, ws.padding, tvb, 0, 1, ENC_BIG_ENDIAN);
    add(st, pt == 205 ? ws.rtpfb_fmt : pt == 206 ? ws.psfb_fmt : ws.rc, tvb, 0, 1, ENC_BIG_ENDIAN);
    add(st, ws.pt, tvb, 1, 1, ENC_BIG_ENDIAN);
    add(st, ws.length, tvb, 2, 2, ENC_BIG_ENDIAN);
    add(st, ws.sender_ssrc, tvb, 4, 4, ENC_BIG_ENDIAN);

    if (f->srtcp_layout.decided >= 0)
        tail = wrtc_srtcp_tail_len[f->srtcp_layout.decided];
    trailer = tail >= 0 ? 4 + tail : 0;
    if (len - 8 - trailer > 0)
        proto_tree_add_item(st, hf_webrtc_srtcp_encrypted, tvb, 8, len - 8 - trailer, ENC_NA);
    if (tail >= 0 && len >= 8 + trailer) {
        add(st, ws.e, tvb, len - trailer, 4, ENC_BIG_ENDIAN);
        add(st, ws.index, tvb, len - trailer, 4, ENC_BIG_ENDIAN);
        if (tail > 0)
            add(st, ws.auth_tag, tvb, len - tail, tail, ENC_NA);
    }
    return len;
}
