/* libFuzzer target for the pure-C core: every classifier and validator on
 * the input bytes, the corroboration tracker, the RFC 4733 and SRTCP layout
 * state machines on a sequence of packets cut from the input, the codec
 * guess (payload-header checks and the per-stream evidence), and the
 * session model fed with facts built from the input.
 *
 * Build: cmake -DWEBRTC_LIBFUZZER=ON -DCMAKE_C_COMPILER=clang ...; run
 * tests/fuzz/run-libfuzzer.sh (see docs/robustness.md). */
#include <stdint.h>
#include <string.h>

#include "codec_guess.h"
#include "corroborate.h"
#include "demux.h"
#include "entropy.h"
#include "report.h"
#include "rfc4733.h"
#include "session.h"
#include "software.h"
#include "srtcp_layout.h"
#include "stun_sig.h"
#include "srtp.h"
#include "srtp_index.h"
#include "verdict.h"

/* The SRTP/SRTCP transforms on the input with fixed keys of every suite,
 * with and without an MKI: they must never read or write out of bounds. */
static void srtp_single(const uint8_t *p, size_t n)
{
    static wrtc_srtp_ctx_t ctx[8];
    static bool ready;
    static const wrtc_srtp_suite_t ids[4] = {
        WRTC_SRTP_AES128_CM_HMAC_SHA1_80, WRTC_SRTP_AES128_CM_HMAC_SHA1_32,
        WRTC_SRTP_AEAD_AES_128_GCM, WRTC_SRTP_AEAD_AES_256_GCM };
    uint8_t out[2048];
    size_t olen, i;
    uint32_t idx;
    bool enc;
    if (!ready) {
        uint8_t ks[WRTC_SRTP_MAX_KEYSALT];
        for (i = 0; i < sizeof ks; i++)
            ks[i] = (uint8_t)i;
        for (i = 0; i < 8; i++) {
            const wrtc_srtp_suite_info_t *s = wrtc_srtp_suite_info(ids[i % 4]);
            (void)wrtc_srtp_ctx_init(&ctx[i], ids[i % 4], ks, (size_t)s->key_len + s->salt_len,
                                     i < 4 ? 0 : 4);
        }
        ready = true;
    }
    if (n > sizeof out)
        return;
    for (i = 0; i < 8; i++) {
        (void)wrtc_srtp_unprotect(&ctx[i], p, n, 0, out, &olen);
        (void)wrtc_srtcp_unprotect(&ctx[i], p, n, out, &olen, &idx, &enc);
    }
    {
        wrtc_srtp_index_t ix = { 0, 0, false };
        for (i = 0; i + 1 < n; i += 2) {
            uint16_t seq = (uint16_t)((p[i] << 8) | p[i + 1]);
            wrtc_srtp_index_update(&ix, seq, wrtc_srtp_index_guess(&ix, seq));
        }
    }
}

static void single(const uint8_t *p, size_t n)
{
    wrtc_rtp_hdr_t h;
    wrtc_rtcp_info_t ri;
    uint16_t ch;
    size_t pl;
    (void)wrtc_classify(p, n);
    (void)wrtc_stun_valid(p, n, n, false);
    (void)wrtc_stun_valid(p, n, n, true);
    (void)wrtc_stun_method(p, n);
    (void)wrtc_dtls_valid(p, n, n);
    (void)wrtc_channeldata_valid(p, n, n, false, &ch, &pl);
    (void)wrtc_channeldata_valid(p, n, n, true, &ch, &pl);
    (void)wrtc_zrtp_valid(p, n, n);
    (void)wrtc_rtp_parse(p, n, n, false, &h);
    (void)wrtc_rtp_parse(p, n, n, true, &h);
    (void)wrtc_rtcp_parse(p, n, n, &ri);
    (void)wrtc_cg_check_vp8(p, n, n & 1);
    (void)wrtc_cg_check_vp9(p, n, n & 1, n & 2);
    (void)wrtc_cg_check_h264(p, n, n & 2);
    (void)wrtc_cg_opus_ticks(p, n);
    if (n >= 2)
        (void)wrtc_stun_ms_attribute((uint32_t)(p[0] << 8 | p[1]));
    srtp_single(p, n);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    wrtc_track_t tr;
    wrtc_events_t ev;
    wrtc_entropy_t en;
    wrtc_srtcp_layout_t sl;
    wrtc_model_t *m;
    wrtc_cg_t cg;
    wrtc_cg_result_t guess;
    size_t off = 0;
    double t = 0;
    uint32_t frame = 0;
    char sw[64], prod[96], ver[32];

    single(data, size);
    wrtc_track_init(&tr);
    wrtc_events_init(&ev, 101);
    wrtc_entropy_init(&en);
    wrtc_srtcp_layout_init(&sl);
    m = wrtc_model_new(NULL);
    memset(&cg, 0, sizeof cg);
    /* The input as packets: 1 length byte, then that many bytes. */
    while (off < size) {
        size_t n = data[off++];
        const uint8_t *p = data + off;
        wrtc_rtp_hdr_t h;
        wrtc_fact_t f;
        if (n > size - off)
            n = size - off;
        off += n;
        frame++;
        t += n / 1000.0;
        single(p, n);
        if (wrtc_rtp_parse(p, n, n, false, &h) == WRTC_RTP_OK) {
            (void)wrtc_track_update(&tr, &h, t);
            (void)wrtc_events_update(&ev, p + h.header_len, h.payload_len, h.ts, t, frame);
            wrtc_entropy_add(&en, p + h.header_len, h.payload_len);
            {
                size_t hl = h.payload_len < WRTC_CG_HEAD ? h.payload_len : WRTC_CG_HEAD;
                wrtc_cg_pkt_t cp = { h.pt, h.marker, h.padding, (p[0] & 0x10) != 0, h.seq, h.ts,
                                     (uint32_t)h.payload_len, (uint8_t)hl, p + h.header_len };
                wrtc_cg_packet(&cg, &cp);
                wrtc_cg_sibling_done(&cg, wrtc_cg_sibling(h.ts, (uint32_t)frame * 3000u));
            }
        }
        (void)wrtc_srtcp_layout_update(&sl, p, n);
        /* A fact with fields taken from the packet bytes. */
        wrtc_fact_init(&f);
        if (n >= 16) {
            f.frame = frame;
            f.t = t;
            f.tcp = p[0] & 1;
            f.src.family = (p[1] & 1) ? 6 : 4;
            f.dst.family = f.src.family;
            memcpy(f.src.addr, p + 2, 4);
            memcpy(f.dst.addr, p + 6, 4);
            f.src.port = (uint16_t)(p[10] << 8 | p[11]);
            f.dst.port = (uint16_t)(p[12] << 8 | p[13]);
            f.contents = (uint32_t)(p[14] << 8 | p[15]);
            f.bytes = (uint32_t)n;
            if (n >= 28) {
                f.stun_method = p[16] & 0x0F;
                f.stun_class = p[17] & 3;
                memcpy(sw, p + 18, 8);
                sw[8] = '\0';
                f.username = (p[16] & 0x10) ? "a:b" : (p[16] & 0x20) ? "b:a" : NULL;
                f.software = (p[16] & 0x40) ? sw : NULL;
                f.has_relayed = p[17] & 4;
                f.relayed = f.dst;
                f.n_peers = (p[17] >> 3) & 3;
                f.peers[0] = f.src;
                f.n_rtp = p[26] % (WRTC_FACT_MAX_RTP + 1);
                memcpy(&f.rtp[0].ssrc, p + 20, 4);
                f.rtp[0].seq = (uint16_t)frame;
                f.rtp[0].ts = frame * 960u;
                f.rtp[0].marker = p[19] & 1;
                f.rtp[0].padding = p[19] & 2;
                f.rtp[0].payload_len = p[19];
                f.rtp[0].head_len = (uint8_t)(p[18] % (WRTC_CG_HEAD + 1));
                memcpy(f.rtp[0].head, p + 12, 16);
                f.fingerprints = p[27];
                f.dtls_cert = (p[27] & 0x80) ? "serial" : NULL;
                f.n_cname = p[27] & 1;
                f.cname[0] = "cname";
                f.sip_call_id = (p[26] & 0x80) ? "call" : NULL;
                f.n_sdp = 1;
                f.sdp[0] = f.src;
                f.tls_sni = "x";
            }
            wrtc_model_add(m, &f);
        }
        if (frame % 64 == 0)
            wrtc_model_finish(m);
        {
            char txt[64];
            size_t k = n < sizeof txt - 1 ? n : sizeof txt - 1;
            memcpy(txt, p, k);
            txt[k] = '\0';
            (void)wrtc_software_identify(txt, prod, sizeof prod, ver, sizeof ver);
            (void)wrtc_ice_username_fingerprint(txt);
        }
    }
    {
        GString *o = g_string_new(NULL);
        wrtc_report_text(m, o);
        wrtc_report_json(m, o);
        g_string_free(o, TRUE);
    }
    wrtc_model_free(m);
    {
        wrtc_cg_input_t in;
        memset(&in, 0, sizeof in);
        in.cg = &cg;
        in.first_pt = size ? data[0] & 0x7F : 0;
        in.packets = frame;
        in.clock_rate = size > 1 && (data[1] & 1) ? 90000 : 48000;
        in.peer_packets = size > 2 ? data[2] : 0;
        in.peer_clock_rate = 90000;
        wrtc_cg_decide(&in, &guess);
    }
    (void)wrtc_entropy_looks_encrypted(&en);
    return 0;
}
