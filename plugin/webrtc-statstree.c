/* webrtc-statstree.c — Statistics > WebRTC Sessions (and, in tshark,
 * `-2 -z webrtc,tree`, or by its old name `-2 -z webrtc_sessions,tree`): a stats tree of sessions > legs > flows >
 * streams, counting packets. Where each packet belongs comes from the
 * whole-capture session model built on the first pass (webrtc-facts.c), so
 * the tree shows the final grouping; the GUI always taps on a later pass.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#include "webrtc-plugin.h"

#include <epan/stats_tree.h>
#include <epan/tap.h>

#include "report.h"
#include "session.h"

static const char ROOT[] = "WebRTC sessions";
static const char NO_MODEL[] = "Session model off (Protocols > WebRTC > session_model)";
static const char FIRST_PASS[] = "Grouping needs two passes (tshark -2)";

static void tree_init(stats_tree *st)
{
    stats_tree_create_node(st, ROOT, 0, STAT_DT_INT, TRUE);
}

static const wrtc_stream_t *stream_of(const wrtc_flow_t *f, const wrtc_rtp_fact_t *r,
                                      const wrtc_fact_t *fact)
{
    int dir = wrtc_ep_cmp(&fact->src, &f->ep[0]) == 0 ? 0 : 1;
    guint i;
    for (i = 0; i < WRTC_LIST_LEN(f->stream_list); i++) {
        const wrtc_stream_t *s = g_ptr_array_index(f->stream_list, i);
        if (s->ssrc == r->ssrc && s->dir == dir)
            return s;
    }
    return NULL;
}

static tap_packet_status tree_packet(stats_tree *st, packet_info *pinfo _U_, epan_dissect_t *edt _U_,
                                     const void *p, tap_flags_t flags _U_)
{
    const wrtc_fact_t *fact = p;
    wrtc_model_t *m;
    const wrtc_flow_t *f;
    const wrtc_session_t *s;
    char name[400], a[80], b[80];
    int root, sid, lid, fid;
    GString *contents;
    guint i;

    root = tick_stat_node(st, ROOT, 0, TRUE);
    m = webrtc_whole_capture();
    if (!m) {
        tick_stat_node(st, NO_MODEL, root, FALSE);
        return TAP_PACKET_REDRAW;
    }
    /* One pass: the grouping is not final while the capture is read (a
     * session's flows, legs and numbers change as they are learnt); the
     * tree says so instead of a row per intermediate state. (Not
     * PINFO_FD_VISITED: tshark marks the frame visited before it runs the
     * taps of a one-pass read.) */
    if (fact->first_pass) {
        tick_stat_node(st, FIRST_PASS, root, FALSE);
        return TAP_PACKET_REDRAW;
    }
    f = wrtc_model_lookup(m, fact->tcp, &fact->src, &fact->dst, fact->t);
    if (!f || f->session < 1)
        return TAP_PACKET_DONT_REDRAW;
    s = g_ptr_array_index(wrtc_model_sessions(m), f->session - 1);
    g_snprintf(name, sizeof name, "Session %d (%.3f - %.3f s, %u flow%s)", s->id, s->first_t,
               s->last_t, s->flows->len, s->flows->len == 1 ? "" : "s");
    sid = tick_stat_node(st, name, root, TRUE);
    g_snprintf(name, sizeof name, "Leg %d", f->leg);
    lid = tick_stat_node(st, name, sid, TRUE);
    wrtc_ep_format(&f->ep[f->local], TRUE, a, sizeof a);
    wrtc_ep_format(&f->ep[1 - f->local], TRUE, b, sizeof b);
    contents = g_string_new(NULL);
    wrtc_flow_contents_text(f, contents);
    g_snprintf(name, sizeof name, "%s %s <-> %s (%s): %s", f->tcp ? "TCP" : "UDP", a, b,
               wrtc_role_name(f->remote_role), contents->str);
    g_string_free(contents, TRUE);
    fid = tick_stat_node(st, name, lid, TRUE);
    for (i = 0; i < fact->n_rtp; i++) {
        const wrtc_stream_t *ss = stream_of(f, &fact->rtp[i], fact);
        char codec[64], ev[160];
        if (!ss)
            continue;
        wrtc_stream_codec_guess(ss, codec, sizeof codec, ev, sizeof ev);
        /* Sent/received by the capture host; A/B where there is none. */
        g_snprintf(name, sizeof name, "SSRC 0x%08x %s (%s, %s)", ss->ssrc,
                   wrtc_model_point_of_view(m)->have
                       ? (ss->dir == f->local ? "sent" : "received")
                       : (ss->dir == f->local ? "A to B" : "B to A"),
                   wrtc_stream_media(ss), codec);
        tick_stat_node(st, name, fid, FALSE);
    }
    if (fact->dtls_app_records && wrtc_flow_datachannel(f)) {
        /* Packets with data-channel records (SCTP over DTLS, RFC 8261),
         * per direction as the streams. */
        int dir = wrtc_ep_cmp(&fact->src, &f->ep[0]) == 0 ? 0 : 1;
        g_snprintf(name, sizeof name, "Data channel %s (DTLS application data)",
                   wrtc_model_point_of_view(m)->have
                       ? (dir == f->local ? "sent" : "received")
                       : (dir == f->local ? "A to B" : "B to A"));
        tick_stat_node(st, name, fid, FALSE);
    }
    return TAP_PACKET_REDRAW;
}

void webrtc_statstree_register(void)
{
    /* `-z webrtc,tree`, in the family of `-z webrtc,summary`; the name
     * before issue 19, `-z webrtc_sessions,tree`, is kept for one release
     * (docs/summary.md): the same tree for tshark, in a group Wireshark's
     * menus do not list (a log-statistics group, Logray's), so that the
     * Statistics menu has one WebRTC Sessions entry. */
    stats_tree_register_plugin("webrtc_packets", "webrtc", "WebRTC Sessions",
                               TL_REQUIRES_PROTO_TREE, tree_packet, tree_init, NULL);
    webrtc_stats_tree_register_with_group("webrtc_packets", "webrtc_sessions", "WebRTC Sessions",
                                          TL_REQUIRES_PROTO_TREE, tree_packet, tree_init, NULL,
                                          REGISTER_LOG_STAT_GROUP_UNSORTED);
}
