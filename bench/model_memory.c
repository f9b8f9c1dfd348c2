/* model_memory.c — heap bytes the session model (plugin/core/session.c)
 * keeps per flow, measured with glibc's mallinfo2() around wrtc_model_add:
 * the number behind "per-flow memory" in docs/robustness.md.
 *
 *   build/tests/model_memory [FLOWS [KIND=MAX_BYTES...]]
 * prints the table, and fails if a flow of KIND costs more than MAX_BYTES
 * (ctest bench.model_memory guards the trimmed sizes this way).
 * Kinds of flow, each on its own 5-tuples (the worst cases of
 * bench/gen_bounded.py and a typical media flow):
 *   stun   a STUN Binding request and its response (random USERNAME, no ICE)
 *   ice    ICE checks (USERNAME, ICE attributes) then RTP, one stream each way
 *   rtp    RTP alone, one stream
 *   turn   ChannelData, 8 channels and 64 streams (every per-flow cap full)
 * Under a sanitizer mallinfo2() counts nothing: the bound is not checked.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#include <malloc.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "session.h"

static wrtc_ep_t ep(uint32_t host, uint16_t port)
{
    wrtc_ep_t e;
    memset(&e, 0, sizeof e);
    e.family = 4;
    e.addr[0] = 198; e.addr[1] = 51;
    e.addr[2] = (uint8_t)(host >> 8); e.addr[3] = (uint8_t)host;
    e.port = port;
    return e;
}

static void rtp(wrtc_fact_t *f, uint32_t ssrc, uint16_t seq, uint32_t ts)
{
    f->contents |= WRTC_C_RTP;
    f->n_rtp = 1;
    f->rtp[0].ssrc = ssrc;
    f->rtp[0].pt = 111;
    f->rtp[0].seq = seq;
    f->rtp[0].ts = ts;
    f->rtp[0].payload_len = 100;
}

/* Add one flow of `kind` (number i) to the model, from frame *frame on. */
static void add_flow(wrtc_model_t *m, const char *kind, uint32_t i, uint32_t *frame, double *t)
{
    wrtc_ep_t a = ep(i & 0xFFFF, (uint16_t)(20000 + i % 40000)), b = ep(0xFFFF, 3478);
    wrtc_fact_t f;
    char user[32];
    int k;
    snprintf(user, sizeof user, "%08x:%08x", i * 2654435761u, i);
    if (strcmp(kind, "stun") == 0 || strcmp(kind, "ice") == 0) {
        bool ice = kind[0] == 'i';
        for (k = 0; k < 2; k++) {
            wrtc_fact_init(&f);
            f.frame = ++*frame; f.t = (*t += 0.0001); f.bytes = 100;
            f.src = k ? b : a; f.dst = k ? a : b;
            f.contents = WRTC_C_STUN | (ice ? WRTC_C_ICE : 0);
            f.stun_method = 1; f.stun_class = k ? 2 : 0;
            f.username = k ? NULL : user;
            wrtc_model_add(m, &f);
        }
        if (!ice)
            return;
    }
    if (strcmp(kind, "turn") == 0) {
        for (k = 0; k < 100; k++) {
            wrtc_fact_init(&f);
            f.frame = ++*frame; f.t = (*t += 0.0001); f.bytes = 120;
            f.src = a; f.dst = b; f.contents = WRTC_C_CHANNELDATA;
            f.channel = (uint16_t)(0x4000 + k);
            rtp(&f, (uint32_t)k, (uint16_t)k, 160u * (uint32_t)k);
            wrtc_model_add(m, &f);
        }
        return;
    }
    for (k = 0; k < 10; k++) {
        wrtc_fact_init(&f);
        f.frame = ++*frame; f.t = (*t += 0.0001); f.bytes = 120;
        f.src = k & 1 ? b : a; f.dst = k & 1 ? a : b;
        rtp(&f, 0x1000 + (k & 1), (uint16_t)k, 960u * (uint32_t)k);
        wrtc_model_add(m, &f);
    }
}

int main(int argc, char **argv)
{
    static const char *kinds[] = { "stun", "ice", "rtp", "turn" };
    uint32_t flows = argc > 1 ? (uint32_t)strtoul(argv[1], NULL, 10) : 20000;
    int failed = 0, a;
    size_t k;
    printf("| flow kind | flows | heap bytes per flow |\n|---|---|---|\n");
    for (k = 0; k < sizeof kinds / sizeof kinds[0]; k++) {
        wrtc_model_config_t cfg;
        wrtc_model_t *m;
        struct mallinfo2 before, after;
        uint32_t i, frame = 0;
        double t = 0, per;
        wrtc_model_config_default(&cfg);
        before = mallinfo2();
        m = wrtc_model_new(&cfg);
        for (i = 0; i < flows; i++)
            add_flow(m, kinds[k], i, &frame, &t);
        after = mallinfo2();
        per = ((double)after.uordblks + (double)after.hblkhd -
               (double)before.uordblks - (double)before.hblkhd) / flows;
        printf("| %s | %u | %.0f |\n", kinds[k], flows, per);
        for (a = 2; a < argc; a++) {
            size_t n = strlen(kinds[k]);
            double max_bytes;
            if (strncmp(argv[a], kinds[k], n) != 0 || argv[a][n] != '=')
                continue;
            max_bytes = strtod(argv[a] + n + 1, NULL);
            if (per > max_bytes && after.uordblks != 0) {
                fprintf(stderr, "%s: %.0f bytes per flow > %.0f\n", kinds[k], per, max_bytes);
                failed = 1;
            }
        }
        wrtc_model_free(m);
    }
    return failed;
}
