/* compat.h — the only place that knows which Wireshark release we build for.
 *
 * The plugin is built from one source against Wireshark 4.0 (Debian 12),
 * 4.4 (Debian 13) and 4.6. Every API difference between them is absorbed
 * here by a small macro or inline wrapper, so the rest of the code reads the
 * same on every release.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#ifndef WEBRTC_COMPAT_H
#define WEBRTC_COMPAT_H

#include <ws_version.h>
#include <glib.h>
#include <stdbool.h>

#define WEBRTC_WS_AT_LEAST(maj, min) \
    (WIRESHARK_VERSION_MAJOR > (maj) || \
     (WIRESHARK_VERSION_MAJOR == (maj) && WIRESHARK_VERSION_MINOR >= (min)))

/* Heuristic dissectors return gboolean up to 4.0 and bool from 4.2 on
 * (heur_dissector_t in epan/packet.h). */
#if WEBRTC_WS_AT_LEAST(4, 2)
typedef bool webrtc_heur_ret_t;
#else
typedef gboolean webrtc_heur_ret_t;
#endif

/* rtp_dyn_payload_insert() gained a channel-count argument in 4.2
 * (epan/dissectors/packet-rtp.h). We always pass the count; 4.0 drops it. */
#if WEBRTC_WS_AT_LEAST(4, 2)
#define webrtc_rtp_dyn_payload_insert(tbl, pt, name, rate, channels) \
    rtp_dyn_payload_insert((tbl), (pt), (name), (rate), (channels))
#else
#define webrtc_rtp_dyn_payload_insert(tbl, pt, name, rate, channels) \
    rtp_dyn_payload_insert((tbl), (pt), (name), (rate))
#endif

/* rtp_dyn_payload_get_full() also returns the channel count and the fmtp
 * map from 4.2 on (epan/dissectors/packet-rtp.h; 4.4.19 and 4.6.9 write
 * through every pointer). Only the name and rate are wanted here. */
#if WEBRTC_WS_AT_LEAST(4, 2)
#define webrtc_rtp_dyn_payload_get_full(tbl, pt, name, rate) \
    webrtc_rtp_dyn_payload_get_full_4_2((tbl), (pt), (name), (rate))
#define WEBRTC_RTP_DYN_GET_FULL_4_2 1
#else
#define webrtc_rtp_dyn_payload_get_full(tbl, pt, name, rate) \
    rtp_dyn_payload_get_full((tbl), (pt), (name), (rate))
#endif

/* struct _rtp_conversation_info (the RTP dissector's per-packet set-up) is
 * in packet-rtp.h up to 4.0 only; from 4.4 on it is private to
 * packet-rtp.c (verified 4.4.19, 4.6.9). */
#define WEBRTC_HAVE_RTP_CONVERSATION_INFO (!WEBRTC_WS_AT_LEAST(4, 4))

/* From 4.3 on, plugins also export plugin_describe() saying what kind of
 * plugin they are (wsutil/plugins.h, WS_PLUGIN_DESC_*). */
#if WEBRTC_WS_AT_LEAST(4, 3)
#define WEBRTC_HAVE_PLUGIN_DESCRIBE 1
#else
#define WEBRTC_HAVE_PLUGIN_DESCRIBE 0
#endif

/* Boolean preferences: prefs_register_bool_preference() takes gboolean * up
 * to 4.0 and bool * from 4.2 on (epan/prefs.h; verified 4.0.17: gboolean *,
 * 4.4.19 and 4.6.9: bool *). A preference variable must therefore be declared
 * webrtc_pref_bool_t, never gboolean: with gcc >= 14 (trixie, sid) passing a
 * gboolean * there is a hard error (-Wincompatible-pointer-types). */
#if WEBRTC_WS_AT_LEAST(4, 2)
typedef bool webrtc_pref_bool_t;
#else
typedef gboolean webrtc_pref_bool_t;
#endif

/* tvb_get_guint8() and friends became deprecated static inline wrappers of
 * tvb_get_uint8() etc. (epan/tvbuff.h, WS_DEPRECATED_X; verified in 4.4.19
 * and 4.6.9; 4.0 only has the guint names). Redirect the old names so the
 * same source builds without deprecation warnings (-Werror) everywhere.
 * tvbuff.h is included first so that its own declarations are not renamed. */
#if WEBRTC_WS_AT_LEAST(4, 4)
#include <epan/tvbuff.h>
#define tvb_get_guint8(tvb, off) tvb_get_uint8((tvb), (off))
#endif

/* A -z statistic's init callback returns whether it started: void up to
 * 4.4, bool in 4.6 (epan/stat_tap_ui.h stat_tap_init_cb). */
#if WEBRTC_WS_AT_LEAST(4, 5)
typedef bool webrtc_stat_init_ret_t;
#define WEBRTC_STAT_INIT_RETURN(ok) return (ok)
#else
typedef void webrtc_stat_init_ret_t;
#define WEBRTC_STAT_INIT_RETURN(ok) do { if (!(ok)) exit(1); return; } while (0)
#endif

/* A UAT record's update callback returns gboolean up to 4.0 and bool from
 * 4.2 on (epan/uat.h uat_update_cb_t; verified 4.4 and 4.6: bool). */
#if WEBRTC_WS_AT_LEAST(4, 2)
typedef bool webrtc_uat_ret_t;
#else
typedef gboolean webrtc_uat_ret_t;
#endif

/* The RTP dissector's conversation data (whose srtp_info says "SRTP") is
 * struct _rtp_conversation_info in 4.0 and struct _rtp_packet_info in 4.4
 * and 4.6 (epan/dissectors/packet-rtp.h), same members. */
#if WEBRTC_WS_AT_LEAST(4, 4)
#define webrtc_rtp_conv_info _rtp_packet_info
#else
#define webrtc_rtp_conv_info _rtp_conversation_info
#endif

/* field_info.value became a pointer (fvalue_t *) in 4.2 (epan/proto.h). */
#if WEBRTC_WS_AT_LEAST(4, 2)
#define WEBRTC_FVALUE(fi) ((fi)->value)
#else
#define WEBRTC_FVALUE(fi) (&(fi)->value)
#endif

/* A stats tree in a given menu group: stats_tree_register_with_group() up
 * to 4.0; from 4.2 on register, then stats_tree_set_group()
 * (epan/stats_tree.h). */
#if WEBRTC_WS_AT_LEAST(4, 2)
#define webrtc_stats_tree_register_with_group(tap, abbr, name, flags, pkt, init, cleanup, grp) \
    stats_tree_set_group(stats_tree_register_plugin((tap), (abbr), (name), (flags), (pkt), \
                                                    (init), (cleanup)), (grp))
#else
#define webrtc_stats_tree_register_with_group(tap, abbr, name, flags, pkt, init, cleanup, grp) \
    stats_tree_register_with_group((tap), (abbr), (name), (flags), (pkt), (init), (cleanup), (grp))
#endif

#endif /* WEBRTC_COMPAT_H */
