/* webrtc-dsb.c — secrets embedded in the capture: pcapng Decryption Secrets
 * Blocks (pcapng §4.7, `editcap --inject-secrets tls,KEYLOG`).
 *
 * Wireshark hands a DSB's key log to the dissector that registered its
 * secrets type (epan/secrets.c): TLS keylog lines go to the TLS dissector
 * only, and secrets_register_type() is not exported to plugins in 4.0. The
 * TLS dissector's client-random map (ssl_crandom_hash) is exported, which
 * covers DTLS 1.2 (webrtc-srtp-keys.c); DTLS 1.3's traffic and exporter
 * secrets are in maps that are not. So, once per capture and only when a
 * DTLS 1.3 handshake has no secrets otherwise, the plugin reads the DSBs
 * itself, with Wireshark's own reader (libwiretap): the capture file is the
 * pcapng file the process has open (/proc/self/fd). The DSBs that
 * editcap writes come before the first packet; the first records are read.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#include "webrtc-dtls.h"

#include <dirent.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <wiretap/wtap.h>
#include <wiretap/secrets-types.h>

/* Records read per file at most: DSBs are delivered as the blocks before
 * a record are read. */
#define DSB_RECORDS 64
#define DSB_MAX_FILES 4

static webrtc_dsb_cb_t dsb_consumer;

static void on_secrets(guint32 type, const void *secrets, guint size)
{
    if (type == SECRETS_TYPE_TLS && dsb_consumer)
        dsb_consumer((const guint8 *)secrets, size);
}

static gboolean is_pcapng(const char *path)
{
    guint8 m[4];
    FILE *fp = fopen(path, "rb");
    gboolean ok;
    if (!fp)
        return FALSE;
    ok = fread(m, 1, 4, fp) == 4 && m[0] == 0x0a && m[1] == 0x0d && m[2] == 0x0d && m[3] == 0x0a;
    fclose(fp);
    return ok;
}

static void read_file(const char *path)
{
    int err = 0, i;
    gchar *err_info = NULL;
    wtap *wth = wtap_open_offline(path, WTAP_TYPE_AUTO, &err, &err_info, FALSE);
    wtap_rec rec;
    Buffer buf;
    gint64 off;
    g_free(err_info);
    if (!wth)
        return;
    /* Delivers the DSBs read so far, then each one as it is read. */
    wtap_set_cb_new_secrets(wth, on_secrets);
    wtap_rec_init(&rec);
    ws_buffer_init(&buf, 1514);
    for (i = 0; i < DSB_RECORDS; i++) {
        err_info = NULL;
        if (!wtap_read(wth, &rec, &buf, &err, &err_info, &off)) {
            g_free(err_info);
            break;
        }
        wtap_rec_reset(&rec);
    }
    wtap_rec_cleanup(&rec);
    ws_buffer_free(&buf);
    wtap_close(wth);
}

void webrtc_dsb_read(webrtc_dsb_cb_t cb)
{
    DIR *d = opendir("/proc/self/fd");
    struct dirent *e;
    char link[300], path[4096];
    char *seen[DSB_MAX_FILES];
    int n = 0, i;
    if (!d)
        return;
    dsb_consumer = cb;
    while ((e = readdir(d)) != NULL && n < DSB_MAX_FILES) {
        ssize_t l;
        struct stat st;
        gboolean dup = FALSE;
        if (e->d_name[0] == '.')
            continue;
        snprintf(link, sizeof link, "/proc/self/fd/%s", e->d_name);
        l = readlink(link, path, sizeof path - 1);
        if (l <= 0)
            continue;
        path[l] = '\0';
        if (path[0] != '/' || stat(path, &st) != 0 || !S_ISREG(st.st_mode))
            continue;
        for (i = 0; i < n; i++)
            dup |= strcmp(seen[i], path) == 0;
        if (dup || !is_pcapng(path))
            continue;
        seen[n++] = g_strdup(path);
        read_file(path);
    }
    closedir(d);
    for (i = 0; i < n; i++)
        g_free(seen[i]);
    dsb_consumer = NULL;
}
