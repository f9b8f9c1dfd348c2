/* stun_sig.c — see stun_sig.h.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#include "stun_sig.h"
#include "session.h"

#include <stdbool.h>
#include <string.h>

/* ice-char = ALPHA / DIGIT / "+" / "/" (RFC 8839 §5.4). */
static bool ice_chars(const char *s, size_t n)
{
    size_t i;
    for (i = 0; i < n; i++) {
        char c = s[i];
        if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
              c == '+' || c == '/'))
            return false;
    }
    return true;
}

/* The ufrag lengths the stacks in our captures generate:
 *   4   libwebrtc (Chromium: ICE_UFRAG_LENGTH) and aioice (random_string(4),
 *       letters and digits) — RFC 8839's minimum;
 *   32  GStreamer webrtcbin (DEFAULT_ICE_UFRAG_LEN, ice-chars).
 * Other stacks use other lengths; those are not named. */
uint32_t wrtc_ice_username_fingerprint(const char *username)
{
    const char *colon;
    size_t a, b;
    if (!username)
        return 0;
    colon = strchr(username, ':');
    if (!colon)
        return 0;
    a = (size_t)(colon - username);
    b = strlen(colon + 1);
    if (a != b || !ice_chars(username, a) || !ice_chars(colon + 1, b))
        return 0;
    if (a == 4)
        return WRTC_FP_ICE_UFRAG4;
    if (a == 32)
        return WRTC_FP_ICE_UFRAG32;
    return 0;
}

/* Attributes Wireshark's STUN dissector (packet-stun.c) attributes to
 * Microsoft's specifications, in ranges IANA left unassigned. 0x8020 (the
 * pre-RFC 5389 XOR-MAPPED-ADDRESS, used by many stacks) and 0x8006 (unknown
 * purpose) are left out. */
const char *wrtc_stun_ms_attribute(uint32_t type)
{
    switch (type) {
    case 0x8008: /* MS-VERSION */
    case 0x8032: /* MS-ALTERNATE-HOST-NAME */
    case 0x8037: /* MS-APP-ID */
    case 0x8039: /* MS-SECURE-TAG */
    case 0x8050: /* MS-SEQUENCE-NUMBER */
    case 0x8055: /* MS-SERVICE-QUALITY */
    case 0x8090: /* MS-ALT-MAPPED-ADDRESS */
    case 0x8095: /* MS-MULTIPLEXED-TURN-SESSION-ID */
        return "MS-TURN";
    case 0x8054: /* MS-CANDIDATE-IDENTIFIER */
    case 0x8070: /* MS-IMPLEMENTATION-VERSION */
        return "MS-ICE2";
    }
    /* Bandwidth management: BANDWIDTH-ACM 0x8056 ... LOCAL-RELAY-SITE-RP
     * 0x8060, SIP-DIALOG-ID 0x8061, SIP-CALL-ID 0x8062, LOCATION-PROFILE
     * 0x8068. */
    if ((type >= 0x8056 && type <= 0x8062) || type == 0x8068)
        return "MS-TURNBWM";
    return NULL;
}
