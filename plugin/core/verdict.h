/* verdict.h — "is this WebRTC?": the traits of a leg or session, each with
 * the frame that proves it, and a verdict with a 0-100 score and its
 * evidence (rules and weights: docs/verdict.md).
 *
 * Pure C + glib, no epan.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#ifndef WRTC_VERDICT_H
#define WRTC_VERDICT_H

#include <glib.h>

#include "session.h"

typedef enum {
    WRTC_TRAIT_ICE = 0,        /* STUN with ICE attributes (RFC 8445 §7.1) */
    WRTC_TRAIT_TURN,           /* TURN methods or ChannelData (RFC 8656) */
    WRTC_TRAIT_SRTP,           /* encrypted RTP */
    WRTC_TRAIT_DTLS_SRTP,      /* DTLS on a 5-tuple that carries SRTP (RFC 5764) */
    WRTC_TRAIT_SDES,           /* SRTP with no DTLS/ZRTP on its transport */
    WRTC_TRAIT_BUNDLE,         /* audio and video on one transport (RFC 9143) */
    WRTC_TRAIT_RTCP_MUX,       /* RTCP on the RTP 5-tuple (RFC 5761) */
    WRTC_TRAIT_WEB_SIGNALING,  /* TLS from a session host shortly before the call */
    WRTC_TRAIT_DATACHANNEL,    /* DTLS application data on the ICE 5-tuple (RFC 8261) */
    WRTC_TRAIT_COUNT
} wrtc_trait_t;

const char *wrtc_trait_name(wrtc_trait_t t);   /* "ice", "dtls_srtp", ... */

/* A call whose first packet comes this soon after the capture's began
 * before it: what precedes media (ICE checks, the DTLS handshake, the
 * signaling) may be missing. */
#define WRTC_CALL_START_MARGIN_S 1.0
/* Media without ICE for this long has no ICE: consent checks (RFC 7675
 * §5.1) come every 5 s, randomized over 0.8-1.2 times that: at most 6 s
 * apart, so one would show. */
#define WRTC_ICE_CONSENT_WINDOW_S 6.0

/* Each trait is true (on), false, or not observable (unknown, with the
 * reason in detail[]): signaling carried on a connection opened before the
 * capture, SDES keys inside encrypted signaling, a call that began before
 * the capture. The score counts true traits only; "not-webrtc" needs the
 * WebRTC transport's traits (ICE, DTLS-SRTP) to be false, not unknown. */
typedef struct {
    bool     on[WRTC_TRAIT_COUNT];
    bool     unknown[WRTC_TRAIT_COUNT];
    uint32_t frame[WRTC_TRAIT_COUNT];   /* a frame that proves it (0: none) */
    char     detail[WRTC_TRAIT_COUNT][200];
    bool     rtp;                       /* any RTP stream at all */
    uint32_t ice_dtls_frame;            /* ICE and DTLS on one 5-tuple (0: never) */
    uint32_t fingerprints;              /* WRTC_FP_* of the flows */
    uint32_t fp_frame[16];              /* first frame of each (bit index) */
} wrtc_traits_t;

/* Fingerprints that only WebRTC stacks show: with media and no ICE/TURN
 * visible they make a session webrtc-likely (e.g. media through an SFU
 * whose ICE was outside the capture). */
#define WRTC_FP_STRONG (WRTC_FP_TRANSPORT_CC | WRTC_FP_GOOG_STUN | WRTC_FP_CERT_WEBRTC)

typedef enum {
    WRTC_VERDICT_UNDETERMINED = 0,
    WRTC_VERDICT_NOT_WEBRTC,
    WRTC_VERDICT_WEBRTC_LIKELY,
    WRTC_VERDICT_WEBRTC
} wrtc_verdict_t;

const char *wrtc_verdict_name(wrtc_verdict_t v);   /* "webrtc", "webrtc-likely", ... */

/* Seconds before a session's first ICE/media packet in which a TLS
 * connection from one of its hosts counts as its web signaling. */
#define WRTC_WEB_SIGNALING_WINDOW_S 60.0

/* Traits of a set of flows (a leg's or a session's). `tls` (may be NULL)
 * are the model's TLS connections, for the web-signaling trait. */
void wrtc_traits_of(const GPtrArray *flows, const GPtrArray *tls, wrtc_traits_t *t);

/* The verdict of one leg (and its score, may be NULL), from its own flows'
 * traits: a call may mix a WebRTC leg with a classic VoIP leg. */
wrtc_verdict_t wrtc_leg_verdict(const wrtc_leg_t *l, const GPtrArray *tls, int *score);

/* The verdict of a session: its strongest leg's (webrtc > webrtc-likely >
 * not-webrtc > undetermined). */
wrtc_verdict_t wrtc_session_verdict(const wrtc_session_t *s, const GPtrArray *tls);

/* Verdict and score from traits; `evidence` (may be NULL) receives char*
 * lines (g_free'd by the array's free function). */
wrtc_verdict_t wrtc_verdict_of(const wrtc_traits_t *t, int *score, GPtrArray *evidence);

#endif
