/* sdes_params.h — the session parameters of an RFC 4568 a=crypto line.
 *
 * a=crypto:<tag> <crypto-suite> <key-params> *(SP <session-param>)
 * (RFC 4568 §9.1). Wireshark's SDP dissector splits the tag, the suite and
 * the key parameters (sdp.crypto.*) but not the session parameters, and some
 * of them change the SRTP transform (RFC 4568 §6.3): KDR (a key derivation
 * rate other than 0, RFC 3711 §4.3.1), UNENCRYPTED_SRTP and
 * UNAUTHENTICATED_SRTP. The plugin derives keys with rate 0 and shows a
 * packet only after its tag verified, so a key with any of those is not
 * used: it would fail every tag (KDR) or give garbage / nothing to verify.
 * UNENCRYPTED_SRTCP needs nothing: each SRTCP packet's E flag says it.
 *
 * Pure C, no epan includes.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#ifndef WRTC_SDES_PARAMS_H
#define WRTC_SDES_PARAMS_H

#include <stdbool.h>
#include <stddef.h>

typedef struct {
    int  kdr;                    /* KDR=n (§6.3.1), -1: absent */
    bool unencrypted_srtp;       /* §6.3.2 */
    bool unencrypted_srtcp;
    bool unauthenticated_srtp;
} wrtc_sdes_params_t;

/* Reads `text` (`len` bytes, not NUL-terminated): the attribute from the
 * crypto suite on, "SUITE inline:KEY|LIFETIME|MKI:LEN PARAM PARAM". Unknown
 * parameters (FEC_ORDER, FEC_KEY, WSH, extensions) are ignored: they do not
 * change the transform of a received packet. */
void wrtc_sdes_params_parse(const char *text, size_t len, wrtc_sdes_params_t *out);

/* NULL when the plugin's transform applies (no KDR, or KDR=0 read as rate 0;
 * SRTP encrypted and authenticated); else the parameter that prevents it,
 * e.g. "KDR=3" (written into buf, `size` bytes). */
const char *wrtc_sdes_params_unsupported(const wrtc_sdes_params_t *p, char *buf, size_t size);

#endif
