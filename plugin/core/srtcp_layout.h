/* srtcp_layout.h — where is the SRTCP E-flag/index word?
 *
 * Only the first 8 bytes of an SRTCP packet are in the clear; the trailer
 * layout depends on the negotiated protection profile, which WebRTC
 * negotiates inside DTLS (invisible in DTLS 1.3):
 *   AES-CM + HMAC-SHA1 (RFC 3711 §3.4): ... | E+index (4) | [MKI] | tag (10)
 *   AEAD AES-GCM      (RFC 7714 §9.1): ... | tag (16, in the ciphertext) | E+index (4)
 * The index counts the sender's SRTCP packets from small numbers with the
 * E bit set, so the candidate position whose values behave like that across
 * packets of one sender is the true one.
 *
 * Pure C, no epan includes.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#ifndef WRTC_SRTCP_LAYOUT_H
#define WRTC_SRTCP_LAYOUT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Bytes after the E+index word: 0 (AEAD-GCM, tag before the index) or 10
 * (HMAC-SHA1-80 tag after it). */
#define WRTC_SRTCP_CANDIDATES 2
extern const uint8_t wrtc_srtcp_tail_len[WRTC_SRTCP_CANDIDATES];

/* Packets of one sender that must agree before a layout is chosen. */
#define WRTC_SRTCP_AGREE 3

/* Senders followed at once (a muxed 5-tuple carries both directions and,
 * with BUNDLE, several local SSRCs per side). */
#define WRTC_SRTCP_SENDERS 4

typedef struct {
    uint32_t ssrc;
    uint32_t last_index[WRTC_SRTCP_CANDIDATES];
    bool     used;
} wrtc_srtcp_sender_t;

typedef struct {
    wrtc_srtcp_sender_t sender[WRTC_SRTCP_SENDERS];
    unsigned next_slot;      /* round-robin replacement when all are used */
    uint8_t  agree[WRTC_SRTCP_CANDIDATES];
    int      decided;        /* index into wrtc_srtcp_tail_len, or -1 */
} wrtc_srtcp_layout_t;

void wrtc_srtcp_layout_init(wrtc_srtcp_layout_t *l);

/* Feed one SRTCP packet (whole datagram). Returns the decided candidate
 * index, or -1 while undecided. */
int wrtc_srtcp_layout_update(wrtc_srtcp_layout_t *l, const uint8_t *p, size_t len);

#endif
