/* sdes_params.c — RFC 4568 §6.3 session parameters of an a=crypto line.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#include "sdes_params.h"

#include <stdio.h>
#include <string.h>

static bool token_is(const char *t, size_t n, const char *word)
{
    return n == strlen(word) && memcmp(t, word, n) == 0;
}

void wrtc_sdes_params_parse(const char *text, size_t len, wrtc_sdes_params_t *out)
{
    size_t i = 0, field = 0;
    out->kdr = -1;
    out->unencrypted_srtp = out->unencrypted_srtcp = out->unauthenticated_srtp = false;
    while (i < len) {
        size_t start, n;
        while (i < len && (text[i] == ' ' || text[i] == '\t'))
            i++;
        start = i;
        while (i < len && text[i] != ' ' && text[i] != '\t' && text[i] != '\r' &&
               text[i] != '\n')
            i++;
        n = i - start;
        if (n == 0)
            break;                    /* end of the line */
        /* field 0: the suite, 1: the key parameters, then session parameters */
        if (field++ < 2)
            continue;
        if (n > 4 && memcmp(text + start, "KDR=", 4) == 0) {
            int v = 0;
            size_t k;
            for (k = start + 4; k < start + n && v <= 99; k++) {
                if (text[k] < '0' || text[k] > '9') {
                    v = 100;          /* not a number: unsupported too */
                    break;
                }
                v = v * 10 + (text[k] - '0');
            }
            out->kdr = v;
        } else if (token_is(text + start, n, "UNENCRYPTED_SRTP")) {
            out->unencrypted_srtp = true;
        } else if (token_is(text + start, n, "UNENCRYPTED_SRTCP")) {
            out->unencrypted_srtcp = true;
        } else if (token_is(text + start, n, "UNAUTHENTICATED_SRTP")) {
            out->unauthenticated_srtp = true;
        }
    }
}

const char *wrtc_sdes_params_unsupported(const wrtc_sdes_params_t *p, char *buf, size_t size)
{
    /* RFC 4568 §6.3.1: KDR=n is a rate of 2^n, n from 1 to 24; without it the
     * rate is 0. KDR=0 is outside that range and read as rate 0. */
    if (p->kdr > 0) {
        if (p->kdr > 24)
            snprintf(buf, size, "KDR (not 1-24)");
        else
            snprintf(buf, size, "KDR=%d", p->kdr);
        return buf;
    }
    if (p->unencrypted_srtp)
        return "UNENCRYPTED_SRTP";
    if (p->unauthenticated_srtp)
        return "UNAUTHENTICATED_SRTP";
    return NULL;
}
