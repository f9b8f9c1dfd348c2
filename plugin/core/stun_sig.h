/* stun_sig.h — signatures of ICE/STUN implementations in clear STUN
 * messages: the format of the ICE username fragments in USERNAME, and
 * vendor attributes that Wireshark's STUN dissector names. Both are weak
 * evidence (listed as fingerprints with their first frame, never a
 * verdict on their own). Pure C, no epan.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#ifndef WRTC_STUN_SIG_H
#define WRTC_STUN_SIG_H

#include <stdint.h>

/* The WRTC_FP_ICE_UFRAG* bit (session.h) of an ICE connectivity check's
 * USERNAME "ufragA:ufragB" (RFC 8445 §7.2.2), 0 when no known format. */
uint32_t wrtc_ice_username_fingerprint(const char *username);

/* The Microsoft specification (MS-TURN, MS-TURNBWM, MS-ICE2) that defines
 * STUN attribute `type`, NULL for any other. */
const char *wrtc_stun_ms_attribute(uint32_t type);

#endif
