/* webrtc-dtls.c — decrypted DTLS on a WebRTC flow, handed to SCTP.
 *
 *  - DTLS 1.2: Wireshark's DTLS dissector decrypts application data with
 *    the key log (tls.keylog_file, or secrets embedded in the capture) and
 *    then offers it to the session's application dissector, which only a
 *    "dtls.keys_list" entry sets (a dummy RSA key row naming "sctp"), or
 *    else to its "dtls" heuristic list (packet-dtls.c,
 *    dissect_dtls_record). The heuristic below takes it on the flows the
 *    plugin owns (ICE/DTLS 5-tuples): WebRTC's DTLS carries SCTP there
 *    (RFC 8261 §3, RFC 8831 §5), so no setting is needed.
 *  - DTLS 1.3: Wireshark 4.0 shows records with the unified header (RFC
 *    9147 §4, first byte 001CSLEE) as continuation data. With the traffic
 *    secrets of the key log (webrtc-srtp-keys.c) they are decrypted here
 *    (plugin/core/dtls13.c); the plaintext is a data source "Decrypted
 *    DTLS 1.3", application data (content type 23) goes to SCTP.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#include "webrtc-dtls.h"

#include <epan/exceptions.h>
#include <epan/proto_data.h>
#include <epan/show_exception.h>

#include "webrtc-flow.h"

static dissector_handle_t sctp_handle;

static int hf_dtls13_epoch = -1;
static int hf_dtls13_seq = -1;
static int hf_dtls13_type = -1;
static int hf_dtls13_length = -1;
static int hf_dtls13_hs_type = -1;
static int hf_dtls13_alert = -1;
static int hf_dtls13_failed = -1;
static gint ett_dtls13 = -1;

/* RFC 8446 §5.1 / RFC 9147 §4 content types */
static const value_string content_types[] = {
    { 21, "Alert" },
    { 22, "Handshake" },
    { 23, "Application Data" },
    { 24, "Heartbeat" },
    { 26, "ACK" },
    { 0, NULL }
};

/* RFC 8446 §4 handshake types that travel encrypted */
static const value_string hs_types[] = {
    { 4, "NewSessionTicket" },
    { 8, "EncryptedExtensions" },
    { 11, "Certificate" },
    { 13, "CertificateRequest" },
    { 15, "CertificateVerify" },
    { 20, "Finished" },
    { 24, "KeyUpdate" },
    { 0, NULL }
};

/* At most this many records of a datagram are decrypted. */
#define MAX_RECORDS 8

typedef struct {
    guint32 offset, rec_len;
    guint8  epoch_bits, type;
    guint64 seq;
    gboolean ok;
    guint8  *plain;              /* file scope */
    guint32 plain_len;
} rec13_t;

typedef struct {
    guint n;
    rec13_t r[MAX_RECORDS];
} dgram13_t;

/* SCTP on a decrypted buffer. Wireshark's SCTP dissector sets the port
 * type and ports to the SCTP ones (5000 in WebRTC); the 5-tuple the
 * plugin and its postdissectors read is the UDP one, so they are put back. */
static int call_sctp(tvbuff_t *tvb, packet_info *pinfo, proto_tree *tree)
{
    port_type pt = pinfo->ptype;
    guint32 sp = pinfo->srcport, dp = pinfo->destport, mu = pinfo->match_uint;
    int n = 0;
    TRY {
        n = call_dissector(sctp_handle, tvb, pinfo, tree);
    }
    CATCH_NONFATAL_ERRORS {
        show_exception(tvb, pinfo, tree, EXCEPT_CODE, GET_MESSAGE);
        n = (int)tvb_captured_length(tvb);
    }
    ENDTRY;
    pinfo->ptype = pt;
    pinfo->srcport = sp;
    pinfo->destport = dp;
    pinfo->match_uint = mu;
    return n;
}

/* The flow of this packet if the plugin took it for WebRTC (ICE or DTLS
 * context): its DTLS is DTLS-SRTP and its application data SCTP. */
static gboolean webrtc_owned(packet_info *pinfo)
{
    webrtc_flow_t *f = webrtc_flow_get(pinfo, FALSE, FALSE);
    if (!f || !f->dtls_frame)
        f = webrtc_flow_get(pinfo, TRUE, FALSE);
    return f && f->dtls_frame && f->media_frame;
}

/* The "dtls" heuristic list: decrypted DTLS 1.2 application data. */
static webrtc_heur_ret_t dtls_app_heur(tvbuff_t *tvb, packet_info *pinfo, proto_tree *tree,
                                       void *data _U_)
{
    /* An SCTP common header (RFC 9260 §3.1) and at least one chunk header. */
    if (!sctp_handle || tvb_captured_length(tvb) < 16 || !webrtc_owned(pinfo))
        return FALSE;
    call_sctp(tvb, pinfo, tree);
    return TRUE;
}

static void decrypt_datagram(packet_info *pinfo, const guint8 *p, guint len, dgram13_t *d)
{
    guint off = 0;
    guint8 *buf = NULL;
    while (off < len && d->n < MAX_RECORDS) {
        wrtc_dtls13_hdr_t h;
        wrtc_dtls13_keys_t *k;
        rec13_t *r;
        size_t pl = 0;
        if (!wrtc_dtls13_is_unified(p[off])) {
            /* DTLSPlaintext (RFC 9147 §4): 13-byte header, length last */
            if (p[off] < 20 || p[off] > 25 || len - off < 13)
                break;
            off += 13u + ((guint)p[off + 11] << 8 | p[off + 12]);
            continue;
        }
        if (!wrtc_dtls13_parse(p + off, len - off, 0, &h))
            break;
        r = &d->r[d->n++];
        r->offset = off;
        r->rec_len = (guint32)h.rec_len;
        r->epoch_bits = h.epoch_bits;
        k = webrtc_dtls13_record_keys(pinfo, h.epoch_bits);
        if (k) {
            if (!buf)
                buf = (guint8 *)wmem_alloc(pinfo->pool, len);
            r->ok = wrtc_dtls13_open(k, p + off, &h, buf, &pl, &r->type, &r->seq);
            if (r->ok) {
                r->plain = (guint8 *)wmem_memdup(wmem_file_scope(), buf, pl);
                r->plain_len = (guint32)pl;
            }
        } else {
            d->n--;              /* no keys: nothing to show */
        }
        off += (guint)h.rec_len;
    }
    if (buf)
        memset(buf, 0, len);
}

void webrtc_dtls13_dissect(tvbuff_t *tvb, packet_info *pinfo, proto_tree *tree)
{
    guint len = tvb_captured_length(tvb), i;
    const guint8 *p;
    dgram13_t *d;
    guint32 key = WEBRTC_PDATA_DTLS13 + (guint32)tvb_raw_offset(tvb);

    if (len < 1 || len < tvb_reported_length(tvb))
        return;              /* a record the snaplen cut cannot be authenticated */
    d = (dgram13_t *)p_get_proto_data(wmem_file_scope(), pinfo, proto_webrtc, key);
    if (!d) {
        if (PINFO_FD_VISITED(pinfo))
            return;
        p = tvb_get_ptr(tvb, 0, (gint)len);
        /* Is any record a unified header? Only then read the handshake. */
        {
            guint off = 0;
            gboolean any = FALSE;
            while (off + 13 <= len && p[off] >= 20 && p[off] <= 25)
                off += 13u + ((guint)p[off + 11] << 8 | p[off + 12]);
            any = off < len && wrtc_dtls13_is_unified(p[off]);
            if (!any)
                return;
        }
        webrtc_dtls_keys_read_frame(pinfo, tree);
        d = wmem_new0(wmem_file_scope(), dgram13_t);
        decrypt_datagram(pinfo, p, len, d);
        p_add_proto_data(wmem_file_scope(), pinfo, proto_webrtc, key, d);
    }
    for (i = 0; i < d->n; i++) {
        const rec13_t *r = &d->r[i];
        proto_item *ti;
        proto_tree *t;
        tvbuff_t *pt;
        ti = proto_tree_add_protocol_format(tree, proto_webrtc, tvb, r->offset, r->rec_len,
            "DTLS 1.3 record (RFC 9147), epoch %u (low bits), %s", r->epoch_bits,
            r->ok ? val_to_str_const(r->type, content_types, "Unknown content type")
                  : "not decrypted");
        t = proto_item_add_subtree(ti, ett_dtls13);
        proto_item_set_generated(proto_tree_add_uint(t, hf_dtls13_epoch, tvb, r->offset, 1,
                                                     r->epoch_bits));
        if (!r->ok) {
            proto_item_set_generated(proto_tree_add_boolean(t, hf_dtls13_failed, tvb, r->offset,
                                                            r->rec_len, TRUE));
            continue;
        }
        proto_item_set_generated(proto_tree_add_uint64(t, hf_dtls13_seq, tvb, r->offset, 1,
                                                       r->seq));
        proto_item_set_generated(proto_tree_add_uint(t, hf_dtls13_type, tvb, r->offset,
                                                     r->rec_len, r->type));
        proto_item_set_generated(proto_tree_add_uint(t, hf_dtls13_length, tvb, r->offset,
                                                     r->rec_len, r->plain_len));
        pt = tvb_new_child_real_data(tvb, r->plain, r->plain_len, r->plain_len);
        add_new_data_source(pinfo, pt, "Decrypted DTLS 1.3");
        if (r->type == 22 && r->plain_len >= 1)
            proto_tree_add_item(t, hf_dtls13_hs_type, pt, 0, 1, ENC_BIG_ENDIAN);
        else if (r->type == 21 && r->plain_len >= 2)
            proto_tree_add_item(t, hf_dtls13_alert, pt, 1, 1, ENC_BIG_ENDIAN);
        else if (r->type == 23 && sctp_handle && r->plain_len >= 16)
            call_sctp(pt, pinfo, tree);
    }
}

void webrtc_dtls_register(void)
{
    static hf_register_info hf[] = {
        { &hf_dtls13_epoch, { "Epoch (low bits)", "webrtc.dtls13.epoch", FT_UINT8, BASE_DEC,
            NULL, 0x0, "EE bits of the unified header (RFC 9147 §4)", HFILL } },
        { &hf_dtls13_seq, { "Sequence number", "webrtc.dtls13.seq", FT_UINT64, BASE_DEC,
            NULL, 0x0, "Decrypted and reconstructed record number (RFC 9147 §4.2.2-§4.2.3)",
            HFILL } },
        { &hf_dtls13_type, { "Content type", "webrtc.dtls13.content_type", FT_UINT8, BASE_DEC,
            VALS(content_types), 0x0, "Inner content type (RFC 8446 §5.2)", HFILL } },
        { &hf_dtls13_length, { "Plaintext length", "webrtc.dtls13.length", FT_UINT32, BASE_DEC,
            NULL, 0x0, NULL, HFILL } },
        { &hf_dtls13_hs_type, { "Handshake type", "webrtc.dtls13.handshake_type", FT_UINT8,
            BASE_DEC, VALS(hs_types), 0x0, NULL, HFILL } },
        { &hf_dtls13_alert, { "Alert description", "webrtc.dtls13.alert", FT_UINT8, BASE_DEC,
            NULL, 0x0, "RFC 8446 §6 (0: close_notify)", HFILL } },
        { &hf_dtls13_failed, { "Not decrypted (authentication failed)", "webrtc.dtls13.failed",
            FT_BOOLEAN, BASE_NONE, NULL, 0x0, NULL, HFILL } },
    };
    static gint *ett[] = { &ett_dtls13 };
    proto_register_field_array(proto_webrtc, hf, array_length(hf));
    proto_register_subtree_array(ett, array_length(ett));
}

void webrtc_dtls_handoff(void)
{
    sctp_handle = find_dissector_add_dependency("sctp", proto_webrtc);
    heur_dissector_add("dtls", dtls_app_heur, "SCTP (data channels) in DTLS on WebRTC flows",
                       "webrtc_dtls_sctp", proto_webrtc, HEURISTIC_ENABLE);
}
