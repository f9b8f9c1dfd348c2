/* rtp_play.c — what Wireshark's RTP Player decodes from a capture, without
 * the GUI: proof that decrypted SRTP reaches the Player as audio.
 *
 *   rtp_play [-o PREF:VALUE]... [--include-srtp] CAPTURE
 *
 * It does what the Qt RTP Player does, with Wireshark's own code and no
 * parsing of its own: a first pass over the capture (as when Wireshark
 * opens it), then a second pass with a listener on the "rtp" tap (the
 * Player's retap, ui/qt/rtp_player_dialog.cpp). Per stream (addresses,
 * ports, SSRC: rtpstream_id) it copies the tap's payload exactly as
 * RtpAudioStream::addRtpPacket does (info_data + info_payload_offset,
 * info_payload_len, only when info_all_data_present), and picks a decoder
 * per payload type as ui/rtp_media.c decode_rtp_packet_payload (4.0;
 * decode_rtp_create_decoder from 4.4 on) does: the
 * payload type name (info_payload_type_str) when a codec plugin of that
 * name exists, else the static payload type's short name
 * (rtp_payload_type_short_vals_ext); then wsutil/codecs.h
 * find_codec/codec_init/codec_decode, i.e. the g711.so / opus_dec.so codec
 * plugins Wireshark loads. (ui/rtp_media.c is in Wireshark's UI library,
 * not in libwireshark, so its 60 lines of decoder selection are followed
 * here, not linked.)
 *
 * One difference, on purpose: packets the RTP dissector marks as SRTP
 * (info_is_srtp: still encrypted) are counted, not decoded; the 4.0 Player
 * decodes their ciphertext into noise. --include-srtp decodes them too,
 * as the Player does, to show what the tone measure makes of noise.
 *
 * Output, one line per stream in order of first packet:
 *   stream SRC:PORT -> DST:PORT ssrc=0x... packets=N srtp=N pt=0:g711U:601,...
 *     codec=g711U decoded_packets=N samples=N rate=8000 channels=1
 *     rms_dbfs=-12.3 tone_hz=312,350,...
 * tone_hz: the dominant frequency of each whole second of decoded audio
 * (first channel), by a Goertzel scan from 50 to 4000 Hz in 5 Hz steps.
 *
 * Runs as the user's tshark would: WIRESHARK_PLUGIN_DIR names the plugin
 * folder (<dir>/<major.minor>/{epan,codecs}); codecs_init() loads the
 * codec plugins from the same folders as epan_init() loads dissectors
 * (wsutil/plugins.c), so both come from there. As root Wireshark ignores
 * that variable (tests/lib/wstest.py runs this as nobody).
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <glib.h>

#include "compat.h"

#include <epan/addr_resolv.h>
#include <epan/address_types.h>
#include <epan/epan.h>
#include <epan/epan_dissect.h>
#include <epan/frame_data.h>
#include <epan/packet.h>
#include <epan/prefs.h>
#include <epan/tap.h>
#include <epan/timestamp.h>
#include <epan/dissectors/packet-rtp.h>
#if WEBRTC_WS_AT_LEAST(4, 5)
#include <epan/dissectors/packet-rtp_pt.h>
#else
#include <epan/rtp_pt.h>
#endif
#include <wiretap/wtap.h>
#include <wsutil/codecs.h>
#include <wsutil/filesystem.h>
#include <wsutil/privileges.h>
#include <wsutil/report_message.h>
#include <wsutil/wslog.h>

/* ---- Wireshark release differences (see also plugin/compat.h) --------- */

/* Codec contexts: an opaque pointer the codec returns up to 4.2; from 4.4
 * on the caller owns a codec_context_t with the payload's rate, channels
 * and fmtp (wsutil/codecs.h), which codec_init fills in. */
#if WEBRTC_WS_AT_LEAST(4, 4)
#define PLAY_CODEC_CONTEXT 1
#else
#define PLAY_CODEC_CONTEXT 0
#endif

/* 4.6: a wtap_rec carries its own data buffer (wtap_read/wtap_seek_read
 * lose the Buffer argument, epan_dissect_run builds the tvb itself). */
#if WEBRTC_WS_AT_LEAST(4, 5)
#define PLAY_REC_OWNS_DATA 1
#else
#define PLAY_REC_OWNS_DATA 0
#endif

/* RTP's static payload type names: an exported variable up to 4.4, looked
 * up by name from 4.6 on (as 4.6's ui/rtp_media.c does). */
#if WEBRTC_WS_AT_LEAST(4, 5)
#define PT_SHORT_NAMES get_external_value_string_ext("rtp_payload_type_short_vals_ext")
#else
#define PT_SHORT_NAMES (&rtp_payload_type_short_vals_ext)
#endif

/* ---- the capture: what tshark's capture_file keeps ---------------------- */

struct packet_provider_data {
    wtap *wth;
    GPtrArray *frames;           /* frame_data *, frame N at index N - 1 */
};

static const nstime_t *get_frame_ts(struct packet_provider_data *prov, guint32 num)
{
    if (num == 0 || num > prov->frames->len)
        return NULL;
    return &((frame_data *)g_ptr_array_index(prov->frames, num - 1))->abs_ts;
}

/* ---- per stream: what RtpAudioStream keeps ------------------------------ */

typedef struct {
    codec_handle_t handle;
#if PLAY_CODEC_CONTEXT
    codec_context_t context;
#else
    void *context;
#endif
} decoder_t;

typedef struct {
    guint8 pt;
    char name[48];               /* the tap's payload type name */
    char codec[48];              /* the codec found for it, or "" */
    guint packets, decoded;
} pt_stat_t;

typedef struct {
    char id[160];                /* "SRC:PORT -> DST:PORT" */
    guint32 ssrc;
    guint packets, srtp, decoded_packets;
    pt_stat_t pts[8];
    guint n_pts;
    decoder_t *decoders[128];    /* per payload type, as the Player's hash */
    GArray *pcm;                 /* gint16, first channel */
    guint rate, channels;
    char codec[48];              /* the codec of the first decoded packet */
} stream_t;

typedef struct {
    GPtrArray *streams;          /* stream_t *, in order of first packet */
    gboolean include_srtp;
} play_t;

static stream_t *stream_for(play_t *pl, const packet_info *pinfo, guint32 ssrc)
{
    char id[160];
    gchar *s = address_to_str(NULL, &pinfo->src), *d = address_to_str(NULL, &pinfo->dst);
    guint i;
    stream_t *st;
    g_snprintf(id, sizeof id, "%s:%u -> %s:%u", s, pinfo->srcport, d, pinfo->destport);
    wmem_free(NULL, s);
    wmem_free(NULL, d);
    for (i = 0; i < pl->streams->len; i++) {
        st = (stream_t *)g_ptr_array_index(pl->streams, i);
        if (st->ssrc == ssrc && strcmp(st->id, id) == 0)
            return st;
    }
    st = g_new0(stream_t, 1);
    g_strlcpy(st->id, id, sizeof st->id);
    st->ssrc = ssrc;
    st->pcm = g_array_new(FALSE, FALSE, sizeof(gint16));
    g_ptr_array_add(pl->streams, st);
    return st;
}

static pt_stat_t *pt_stat(stream_t *st, guint8 pt, const char *name)
{
    guint i;
    for (i = 0; i < st->n_pts; i++)
        if (st->pts[i].pt == pt)
            return &st->pts[i];
    if (st->n_pts == G_N_ELEMENTS(st->pts))
        return NULL;
    st->pts[st->n_pts].pt = pt;
    g_strlcpy(st->pts[st->n_pts].name, name ? name : "?", sizeof st->pts[0].name);
    return &st->pts[st->n_pts++];
}

/* ui/rtp_media.c decode_rtp_packet_payload: the decoder of a payload type
 * is chosen once, by name first, then by the static table. */
static decoder_t *decoder_for(stream_t *st, const struct _rtp_info *ri, pt_stat_t *ps)
{
    guint8 pt = (guint8)(ri->info_payload_type & 0x7f);
    decoder_t *dec = st->decoders[pt];
    const char *p;
    if (dec)
        return dec;
    dec = g_new0(decoder_t, 1);
    if (ri->info_payload_type_str && find_codec(ri->info_payload_type_str))
        p = ri->info_payload_type_str;
    else
        p = try_val_to_str_ext(pt, PT_SHORT_NAMES);
    if (p) {
        dec->handle = find_codec(p);
        if (dec->handle) {
#if PLAY_CODEC_CONTEXT
            dec->context.sample_rate = (unsigned)ri->info_payload_rate;
            dec->context.channels = ri->info_payload_channels;
            dec->context.fmtp_map = ri->info_payload_fmtp_map;
            /* the codec's state goes to priv (4.4's ui/rtp_media.c
             * decode_rtp_create_decoder does the same) */
            dec->context.priv = codec_init(dec->handle, &dec->context);
#else
            dec->context = codec_init(dec->handle);
#endif
            if (ps)
                g_strlcpy(ps->codec, p, sizeof ps->codec);
        }
    }
    st->decoders[pt] = dec;
    return dec;
}

#if PLAY_CODEC_CONTEXT
#define DEC_CTX(dec) (&(dec)->context)
#else
#define DEC_CTX(dec) ((dec)->context)
#endif

static tap_packet_status rtp_packet(void *tapdata, packet_info *pinfo, epan_dissect_t *edt _U_,
                                    const void *data, tap_flags_t flags _U_)
{
    play_t *pl = (play_t *)tapdata;
    const struct _rtp_info *ri = (const struct _rtp_info *)data;
    stream_t *st = stream_for(pl, pinfo, ri->info_sync_src);
    const char *name = ri->info_payload_type_str ? ri->info_payload_type_str :
        val_to_str_ext_const(ri->info_payload_type, PT_SHORT_NAMES, "?");
    pt_stat_t *ps = pt_stat(st, (guint8)ri->info_payload_type, name);
    decoder_t *dec;
    guint8 *payload;
    size_t need, got, nsamp, i;
    gint16 *out;
    guint ch;

    st->packets++;
    if (ps)
        ps->packets++;
    if (ri->info_is_srtp) {
        st->srtp++;
        if (!pl->include_srtp)
            return TAP_PACKET_DONT_REDRAW;
    }
    /* RtpAudioStream::addRtpPacket: the payload only when all of it was
     * captured. */
    if (!ri->info_all_data_present || ri->info_payload_len == 0 || !ri->info_data)
        return TAP_PACKET_DONT_REDRAW;
    dec = decoder_for(st, ri, ps);
    if (!dec->handle)
        return TAP_PACKET_DONT_REDRAW;
    payload = (guint8 *)g_memdup2(ri->info_data + ri->info_payload_offset, ri->info_payload_len);
    need = codec_decode(dec->handle, DEC_CTX(dec), payload, ri->info_payload_len, NULL, NULL);
    out = (gint16 *)g_malloc(need ? need : 1);
    got = need;
    got = codec_decode(dec->handle, DEC_CTX(dec), payload, ri->info_payload_len, out, &got);
    g_free(payload);
    ch = codec_get_channels(dec->handle, DEC_CTX(dec));
    if (ch == 0)
        ch = 1;
    nsamp = got / sizeof(gint16) / ch;
    if (nsamp > 0) {
        st->decoded_packets++;
        if (ps)
            ps->decoded++;
        if (!st->rate) {
            st->rate = codec_get_frequency(dec->handle, DEC_CTX(dec));
            st->channels = ch;
            g_strlcpy(st->codec, ps ? ps->codec : "?", sizeof st->codec);
        }
        for (i = 0; i < nsamp; i++)
            g_array_append_val(st->pcm, out[i * ch]);
    }
    g_free(out);
    return TAP_PACKET_DONT_REDRAW;
}

/* ---- the measure: dominant frequency per second, RMS -------------------- */

static double goertzel_power(const double *x, size_t n, double freq, double rate)
{
    double w = 2.0 * G_PI * freq / rate, c = 2.0 * cos(w), s1 = 0, s2 = 0;
    size_t i;
    for (i = 0; i < n; i++) {
        double s0 = x[i] + c * s1 - s2;
        s2 = s1;
        s1 = s0;
    }
    return s1 * s1 + s2 * s2 - c * s1 * s2;
}

static void measure(const stream_t *st, GString *out)
{
    const gint16 *pcm = (const gint16 *)(const void *)st->pcm->data;
    size_t n = st->pcm->len, i, sec;
    /* Decimated to at most 8 kHz by averaging (enough below 4 kHz, and
     * 6x less work on 48 kHz Opus). */
    guint dec = st->rate > 8000 && st->rate % 8000 == 0 ? st->rate / 8000 : 1;
    double rate = (double)st->rate / dec, sum = 0;
    size_t win = (size_t)rate;
    double *x = g_new(double, win ? win : 1);

    for (i = 0; i < n; i++)
        sum += (double)pcm[i] * pcm[i];
    g_string_append_printf(out, " rms_dbfs=%.1f",
                           n ? 10.0 * log10(sum / n / (32768.0 * 32768.0) + 1e-12) : -120.0);
    g_string_append(out, " tone_hz=");
    for (sec = 0; win && (sec + 1) * win * dec <= n; sec++) {
        double best = 0, best_f = 0, f;
        for (i = 0; i < win; i++) {
            guint k;
            double a = 0;
            for (k = 0; k < dec; k++)
                a += pcm[(sec * win + i) * dec + k];
            x[i] = a / dec;
        }
        for (f = 50; f <= 4000 && f < rate / 2; f += 5) {
            double p = goertzel_power(x, win, f, rate);
            if (p > best) {
                best = p;
                best_f = f;
            }
        }
        g_string_append_printf(out, "%s%.0f", sec ? "," : "", best_f);
    }
    if (sec == 0)
        g_string_append(out, "-");
    g_free(x);
}

/* ---- reading the capture: tshark's two passes ---------------------------- */

static void failure(const char *msg, va_list ap)
{
    fprintf(stderr, "rtp_play: ");
    vfprintf(stderr, msg, ap);
    fprintf(stderr, "\n");
}

/* One frame of a pass, as tshark's process_packet_first/second_pass: time
 * references, the dissection (with the taps on the second pass), the
 * cumulative bytes. */
typedef struct {
    nstime_t elapsed;
    const frame_data *ref, *prev;
    frame_data ref_frame;
    guint32 cum;
} pass_t;

#if PLAY_REC_OWNS_DATA
#define REC_DATA NULL
#else
#define REC_DATA ws_buffer_start_ptr(&buf)
#endif

static void dissect_frame(pass_t *ps, epan_dissect_t *edt, int type, wtap_rec *rec,
                          const guint8 *data, frame_data *fd, gboolean taps)
{
    frame_data_set_before_dissect(fd, &ps->elapsed, &ps->ref, ps->prev);
    if (ps->ref == fd) {
        ps->ref_frame = *fd;
        ps->ref = &ps->ref_frame;
    }
#if PLAY_REC_OWNS_DATA
    (void)data;
    if (taps)
        epan_dissect_run_with_taps(edt, type, rec, fd, NULL);
    else
        epan_dissect_run(edt, type, rec, fd, NULL);
#else
    {
        tvbuff_t *tvb = tvb_new_real_data(data, fd->cap_len, fd->pkt_len);
        if (taps)
            epan_dissect_run_with_taps(edt, type, rec, tvb, fd, NULL);
        else
            epan_dissect_run(edt, type, rec, tvb, fd, NULL);
    }
#endif
    frame_data_set_after_dissect(fd, &ps->cum);
    ps->prev = fd;
    epan_dissect_reset(edt);
    wtap_rec_reset(rec);
}

static gboolean read_capture(const char *path, play_t *pl)
{
    /* Only the frame times: the other callbacks (interface names, process
     * info from 4.6 on) may be NULL. */
    static struct packet_provider_funcs funcs;
    struct packet_provider_data prov;
    epan_t *epan;
    epan_dissect_t *edt;
    wtap_rec rec;
#if !PLAY_REC_OWNS_DATA
    Buffer buf;
#endif
    int err = 0, type;
    gchar *err_info = NULL;
    gint64 off;
    guint32 i;
    pass_t ps;
    GString *reg;

    memset(&prov, 0, sizeof prov);
    memset(&ps, 0, sizeof ps);
    funcs.get_frame_ts = get_frame_ts;
    prov.wth = wtap_open_offline(path, WTAP_TYPE_AUTO, &err, &err_info, TRUE);
    if (!prov.wth) {
        fprintf(stderr, "rtp_play: cannot open %s: %s\n", path, err_info ? err_info : g_strerror(err));
        return FALSE;
    }
    type = wtap_file_type_subtype(prov.wth);
    prov.frames = g_ptr_array_new();
    epan = epan_new(&prov, &funcs);
#if PLAY_REC_OWNS_DATA
    wtap_rec_init(&rec, 1514);
#else
    wtap_rec_init(&rec);
    ws_buffer_init(&buf, 1514);
#endif

    /* First pass: every packet once, in order (what opening the file does).
     * A postdissector (ours) may want fields on it: then with a tree. */
    edt = epan_dissect_new(epan, postdissectors_want_hfids(), FALSE);
#if PLAY_REC_OWNS_DATA
    while (wtap_read(prov.wth, &rec, &err, &err_info, &off)) {
#else
    while (wtap_read(prov.wth, &rec, &buf, &err, &err_info, &off)) {
#endif
        frame_data *fd = g_new0(frame_data, 1);
        frame_data_init(fd, prov.frames->len + 1, &rec, off, ps.cum);
#if !WEBRTC_WS_AT_LEAST(4, 5)
        /* from 4.6 on libwireshark does this itself on a first visit */
        prime_epan_dissect_with_postdissector_wanted_hfids(edt);
#endif
        dissect_frame(&ps, edt, type, &rec, REC_DATA, fd, FALSE);
        g_ptr_array_add(prov.frames, fd);
    }
    epan_dissect_free(edt);
    if (err) {
        fprintf(stderr, "rtp_play: reading %s: %s\n", path, err_info ? err_info : g_strerror(err));
        return FALSE;
    }
    postseq_cleanup_all_protocols();

    /* Second pass: the Player's retap, with its "rtp" listener. */
    reg = register_tap_listener("rtp", pl, NULL, 0, NULL, rtp_packet, NULL, NULL);
    if (reg) {
        fprintf(stderr, "rtp_play: %s\n", reg->str);
        return FALSE;
    }
    edt = epan_dissect_new(epan, FALSE, FALSE);
    memset(&ps, 0, sizeof ps);
    for (i = 0; i < prov.frames->len; i++) {
        frame_data *fd = (frame_data *)g_ptr_array_index(prov.frames, i);
#if PLAY_REC_OWNS_DATA
        if (!wtap_seek_read(prov.wth, fd->file_off, &rec, &err, &err_info)) {
#else
        if (!wtap_seek_read(prov.wth, fd->file_off, &rec, &buf, &err, &err_info)) {
#endif
            fprintf(stderr, "rtp_play: rereading frame %u: %s\n", i + 1,
                    err_info ? err_info : g_strerror(err));
            return FALSE;
        }
        dissect_frame(&ps, edt, type, &rec, REC_DATA, fd, TRUE);
    }
    epan_dissect_free(edt);
    remove_tap_listener(pl);
    wtap_rec_cleanup(&rec);
#if !PLAY_REC_OWNS_DATA
    ws_buffer_free(&buf);
#endif
    epan_free(epan);
    for (i = 0; i < prov.frames->len; i++) {
        frame_data_destroy((frame_data *)g_ptr_array_index(prov.frames, i));
        g_free(g_ptr_array_index(prov.frames, i));
    }
    g_ptr_array_free(prov.frames, TRUE);
    wtap_close(prov.wth);
    return TRUE;
}

int main(int argc, char **argv)
{
    static struct report_message_routines routines;
    play_t pl = { NULL, FALSE };
    const char *path = NULL;
    char *err;
    int i;
    guint s, p;

    /* As tshark: log at "message" level (the default is "debug" until
     * initialised), then drop privileges before anything loads plugins. */
#if WEBRTC_WS_AT_LEAST(4, 5)
    ws_log_init(failure);
#else
    ws_log_init("rtp_play", failure);
#endif
    init_process_policies();
    relinquish_special_privs_perm();
#if WEBRTC_WS_AT_LEAST(4, 5)
    err = configuration_init(argv[0]);
#else
    err = configuration_init(argv[0], NULL);
#endif
    if (err) {
        fprintf(stderr, "rtp_play: %s\n", err);
        g_free(err);
    }
    routines.vreport_failure = failure;
    routines.vreport_warning = failure;
    init_report_message("rtp_play", &routines);
    timestamp_set_type(TS_RELATIVE);
    wtap_init(TRUE);
    codecs_init();                 /* the codec plugins (g711.so, opus_dec.so) */
    if (!epan_init(NULL, NULL, TRUE))
        return 2;
    epan_load_settings();
    for (i = 1; i < argc; i++) {
        if (strcmp(argv[i], "-o") == 0 && i + 1 < argc) {
            char *msg = NULL;
            if (prefs_set_pref(argv[++i], &msg) != PREFS_SET_OK) {
                fprintf(stderr, "rtp_play: bad preference %s%s%s\n", argv[i],
                        msg ? ": " : "", msg ? msg : "");
                return 2;
            }
        } else if (strcmp(argv[i], "--include-srtp") == 0) {
            pl.include_srtp = TRUE;
        } else if (argv[i][0] != '-' && !path) {
            path = argv[i];
        } else {
            fprintf(stderr, "usage: rtp_play [-o PREF:VALUE]... [--include-srtp] CAPTURE\n");
            return 2;
        }
    }
    if (!path) {
        fprintf(stderr, "usage: rtp_play [-o PREF:VALUE]... [--include-srtp] CAPTURE\n");
        return 2;
    }
    prefs_apply_all();
    pl.streams = g_ptr_array_new();
    if (!read_capture(path, &pl))
        return 1;

    for (s = 0; s < pl.streams->len; s++) {
        stream_t *st = (stream_t *)g_ptr_array_index(pl.streams, s);
        GString *line = g_string_new(NULL);
        g_string_append_printf(line, "stream %s ssrc=0x%08x packets=%u srtp=%u pt=", st->id,
                               st->ssrc, st->packets, st->srtp);
        for (p = 0; p < st->n_pts; p++)
            g_string_append_printf(line, "%s%u:%s:%u", p ? "," : "", st->pts[p].pt,
                                   st->pts[p].name, st->pts[p].packets);
        g_string_append_printf(line, " codec=%s decoded_packets=%u samples=%u rate=%u channels=%u",
                               st->codec[0] ? st->codec : "-", st->decoded_packets,
                               st->pcm->len, st->rate, st->channels);
        measure(st, line);
        printf("%s\n", line->str);
        g_string_free(line, TRUE);
    }
    epan_cleanup();
    codecs_cleanup();
    wtap_cleanup();
    return 0;
}
