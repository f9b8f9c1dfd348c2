/* webrtc-srtcp.h — encrypted SRTCP drawn by the plugin (see webrtc-srtcp.c).
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#ifndef WEBRTC_SRTCP_H
#define WEBRTC_SRTCP_H

#include "webrtc-plugin.h"

struct webrtc_flow;

/* Look up Wireshark's RTCP/SRTCP field ids (call from the hand-off). */
void webrtc_srtcp_init(void);

/* TRUE when Wireshark's RTCP dissector will show this packet correctly. */
gboolean webrtc_srtcp_wireshark_can_show(const struct webrtc_flow *f, const guint8 *p,
                                         size_t len, size_t wire_len);

/* Draw the clear header, the ciphertext and the trailer; returns bytes. */
int webrtc_srtcp_dissect(tvbuff_t *tvb, packet_info *pinfo, proto_tree *tree,
                         const struct webrtc_flow *f);

#endif
