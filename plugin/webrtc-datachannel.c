/* webrtc-datachannel.c — the data channel facts of a packet: the SCTP DATA
 * chunks (RFC 9260 §3.3.1) and DCEP messages (RFC 8832 §5) that Wireshark's
 * SCTP and "rtcdc" dissectors read from decrypted DTLS application data
 * (webrtc-dtls.c). Read from their fields, in tree order: each DATA chunk
 * starts with sctp.chunk_type 0, its DCEP message follows its header.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#include "webrtc-dtls.h"

#include <epan/ftypes/ftypes.h>

#include "session.h"

/* DATA chunks read per packet, at most (an SCTP packet in a 1200-byte
 * datagram bundles a handful). */
#define MAX_DC_CHUNKS 32

enum {
    D_CHUNK_TYPE, D_CHUNK_LENGTH, D_E_BIT, D_TSN, D_SID, D_PPID,
    D_DCEP_TYPE, D_DCEP_CHANNEL_TYPE, D_DCEP_RELIABILITY, D_DCEP_LABEL, D_DCEP_PROTOCOL,
    D_COUNT
};
static const char *const d_names[D_COUNT] = {
    "sctp.chunk_type", "sctp.chunk_length", "sctp.data_e_bit", "sctp.data_tsn_raw",
    "sctp.data_sid", "sctp.data_payload_proto_id",
    "rtcdc.message_type", "rtcdc.channel_type", "rtcdc.reliability_parameter",
    "rtcdc.label", "rtcdc.protocol",
};
/* Every field id of each name: the rtcdc dissector registers the old and
 * the RFC 8832 forms of the OPEN under the same names. */
static GHashTable *kind_of_id;   /* id -> kind + 1 */
static GArray *d_ids;

static int kind(int id)
{
    return kind_of_id ? GPOINTER_TO_INT(g_hash_table_lookup(kind_of_id, GINT_TO_POINTER(id))) - 1
                      : -1;
}

void webrtc_datachannel_handoff(void)
{
    int i;
    if (!kind_of_id)
        kind_of_id = g_hash_table_new(g_direct_hash, g_direct_equal);
    if (!d_ids)
        d_ids = g_array_new(FALSE, FALSE, (guint)sizeof(int));
    for (i = 0; i < D_COUNT; i++) {
        int id = proto_registrar_get_id_byname(d_names[i]);
        header_field_info *h = id > 0 ? proto_registrar_get_nth((guint)id) : NULL;
        for (; h; h = h->same_name_next) {
            g_hash_table_insert(kind_of_id, GINT_TO_POINTER(h->id), GINT_TO_POINTER(i + 1));
            g_array_append_val(d_ids, h->id);
        }
    }
}

void webrtc_datachannel_wanted(GArray *wanted)
{
    if (d_ids && d_ids->len)
        g_array_append_vals(wanted, d_ids->data, d_ids->len);
}

void webrtc_datachannel_read(packet_info *pinfo, proto_tree *tree, wrtc_fact_t *f)
{
    GPtrArray *all = proto_all_finfos(tree);
    wrtc_dc_chunk_t *v = NULL, *c = NULL;
    guint i, n = 0, hdr = 16;
    for (i = 0; all && i < all->len; i++) {
        field_info *fi = (field_info *)g_ptr_array_index(all, i);
        int k = fi && fi->hfinfo ? kind(fi->hfinfo->id) : -1;
        guint32 u;
        if (k < 0)
            continue;
        if (k == D_CHUNK_TYPE) {
            u = fvalue_get_uinteger(WEBRTC_FVALUE(fi));
            c = NULL;
            /* DATA (RFC 9260 §3.3.1: 16-byte header) or I-DATA (RFC 8260
             * §2.1: 20 bytes; Firefox) */
            if ((u == 0 || u == 64) && n < MAX_DC_CHUNKS) {
                if (!v)
                    v = wmem_alloc0_array(pinfo->pool, wrtc_dc_chunk_t, MAX_DC_CHUNKS);
                c = &v[n++];
                hdr = u == 64 ? 20 : 16;
            }
            continue;
        }
        if (!c)
            continue;
        switch (k) {
        case D_CHUNK_LENGTH:
            u = fvalue_get_uinteger(WEBRTC_FVALUE(fi));
            c->len = u >= hdr ? u - hdr : 0;
            break;
        case D_E_BIT:
            c->end = fvalue_get_uinteger64(WEBRTC_FVALUE(fi)) != 0;
            break;
        case D_TSN:
            c->tsn = fvalue_get_uinteger(WEBRTC_FVALUE(fi));
            break;
        case D_SID:
            c->sid = (uint16_t)fvalue_get_uinteger(WEBRTC_FVALUE(fi));
            break;
        case D_PPID:
            c->ppid = fvalue_get_uinteger(WEBRTC_FVALUE(fi));
            c->have_ppid = TRUE;
            break;
        case D_DCEP_TYPE:
            c->dcep_type = (uint8_t)fvalue_get_uinteger(WEBRTC_FVALUE(fi));
            break;
        case D_DCEP_CHANNEL_TYPE:
            c->channel_type = (uint8_t)fvalue_get_uinteger(WEBRTC_FVALUE(fi));
            break;
        case D_DCEP_RELIABILITY:
            c->reliability = fvalue_get_uinteger(WEBRTC_FVALUE(fi));
            break;
        case D_DCEP_LABEL:
            c->label = fvalue_get_string(WEBRTC_FVALUE(fi));
            break;
        case D_DCEP_PROTOCOL:
            c->protocol = fvalue_get_string(WEBRTC_FVALUE(fi));
            break;
        default:
            break;
        }
    }
    if (all)
        g_ptr_array_free(all, TRUE);
    f->n_dc_chunks = (uint8_t)n;
    f->dc_chunks = v;
}
