/* srtp_index.c — RFC 3711 Appendix A packet index estimation.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#include "srtp_index.h"

uint32_t wrtc_srtp_index_guess(const wrtc_srtp_index_t *st, uint16_t seq)
{
    if (!st->started)
        return 0;
    if (st->s_l < 32768) {
        /* seq far above s_l: a late packet from before the last wrap; with
         * ROC 0 there is no earlier cycle, so it can only be ROC 0 too. */
        if ((int)seq - (int)st->s_l > 32768)
            return st->roc ? st->roc - 1 : 0;
        return st->roc;
    }
    /* seq far below s_l: the sequence number wrapped. */
    if ((int)st->s_l - 32768 > (int)seq)
        return st->roc + 1;
    return st->roc;
}

uint32_t wrtc_srtp_index_span(const wrtc_srtp_index_t *st)
{
    return st->started || st->searches >= WRTC_SRTP_ROC_SEARCH_PACKETS
         ? 1 : WRTC_SRTP_ROC_SEARCH + 1;
}

uint32_t wrtc_srtp_index_trial(const wrtc_srtp_index_t *st, uint16_t seq, uint32_t i)
{
    return i == 0 ? wrtc_srtp_index_guess(st, seq) : i;
}

void wrtc_srtp_index_failed(wrtc_srtp_index_t *st)
{
    if (!st->started && st->searches < WRTC_SRTP_ROC_SEARCH_PACKETS)
        st->searches++;
}

void wrtc_srtp_index_update(wrtc_srtp_index_t *st, uint16_t seq, uint32_t v)
{
    if (!st->started) {
        st->started = true;
        st->roc = v;
        st->s_l = seq;
        return;
    }
    if (v == st->roc + 1) {
        st->roc = v;
        st->s_l = seq;
    } else if (v == st->roc && seq > st->s_l) {
        st->s_l = seq;
    }
}
