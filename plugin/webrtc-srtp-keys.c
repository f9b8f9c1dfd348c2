/* webrtc-srtp-keys.c — where SRTP master keys come from.
 *
 *  - SDES (RFC 4568): a=crypto lines the SDP dissector has dissected. Each
 *    side's a=crypto carries the key that side sends with (§6.1), and its
 *    c=/m= names the address it receives on, which with symmetric RTP is the
 *    one it sends from: the key applies to packets from that endpoint (RTP
 *    port, SRTCP on the port after it). An offer with several lines gives
 *    several candidates; the one the answer chose is the one that
 *    authenticates (webrtc-srtp.c binds each stream to it).
 *  - The "SRTP keys" table (UAT) of the user.
 *  - DTLS-SRTP (RFC 5764 §4.2) with an NSS key log: the handshake randoms and
 *    use_srtp profiles come from the DTLS dissector's fields; DTLS 1.2 keys
 *    follow from CLIENT_RANDOM (master secret, RFC 5705 exporter), DTLS 1.3
 *    keys from EXPORTER_SECRET (RFC 8446 §7.5, "dtls13" labels). DTLS 1.3
 *    encrypts the ServerHello's use_srtp, so every profile the client offered
 *    becomes a candidate and the one whose tags verify wins.
 *
 * SDP and DTLS are read by a postdissector from Wireshark's own fields (it
 * asks for them only when a key source is switched on), never re-parsed.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#include "webrtc-srtp.h"

#include <stdio.h>
#include <string.h>

#include <epan/address.h>
#include <epan/prefs.h>
#include <epan/prefs-int.h>
#include <epan/uat.h>
#include <wsutil/inet_addr.h>
/* ssl_crandom_hash: the TLS/DTLS dissectors' client random -> master
 * secret map (WS_DLL_PUBLIC), keyed and valued by StringInfo. */
#include <epan/dissectors/packet-tls.h>
#include <epan/dissectors/packet-tls-utils.h>

#include "dtls13.h"
#include "dtls_srtp_export.h"
#include "sdes_params.h"
#include "webrtc-dtls.h"


/* ---- preferences -------------------------------------------------------- */

static webrtc_pref_bool_t pref_sdes = TRUE;
static const char *pref_keylog = "";

/* The "SRTP keys" table. All columns are text; empty means "any". */
typedef struct {
    char *ssrc;
    char *src;
    char *dst;
    char *suite;
    char *key;
    char *mki_len;
} key_row_t;

static key_row_t *rows;
static guint n_rows;

UAT_CSTRING_CB_DEF(rows, ssrc, key_row_t)
UAT_CSTRING_CB_DEF(rows, src, key_row_t)
UAT_CSTRING_CB_DEF(rows, dst, key_row_t)
UAT_CSTRING_CB_DEF(rows, suite, key_row_t)
UAT_CSTRING_CB_DEF(rows, key, key_row_t)
UAT_CSTRING_CB_DEF(rows, mki_len, key_row_t)

static void *row_copy(void *dst, const void *src, size_t len _U_)
{
    key_row_t *d = (key_row_t *)dst;
    const key_row_t *s = (const key_row_t *)src;
    d->ssrc = g_strdup(s->ssrc);
    d->src = g_strdup(s->src);
    d->dst = g_strdup(s->dst);
    d->suite = g_strdup(s->suite);
    d->key = g_strdup(s->key);
    d->mki_len = g_strdup(s->mki_len);
    return d;
}

static void row_free(void *r)
{
    key_row_t *k = (key_row_t *)r;
    g_free(k->ssrc);
    g_free(k->src);
    g_free(k->dst);
    g_free(k->suite);
    g_free(k->key);
    g_free(k->mki_len);
}

/* "192.0.2.1:5000", "[2001:db8::1]:5000", or a bare address (any port). */
static gboolean parse_endpoint(const char *s, address *a, guint32 *port, wmem_allocator_t *scope)
{
    char host[64];
    const char *colon;
    ws_in4_addr v4;
    ws_in6_addr v6;
    unsigned long p = 0;
    size_t hl;

    clear_address(a);
    *port = 0;
    if (!s || !*s)
        return TRUE;
    if (*s == '[') {
        const char *end = strchr(s, ']');
        if (!end || (size_t)(end - s - 1) >= sizeof host)
            return FALSE;
        hl = (size_t)(end - s - 1);
        memcpy(host, s + 1, hl);
        host[hl] = '\0';
        colon = end[1] == ':' ? end + 1 : NULL;
        if (end[1] && !colon)
            return FALSE;
    } else {
        colon = strrchr(s, ':');
        if (colon && strchr(s, ':') != colon)
            colon = NULL;          /* a bare IPv6 address */
        hl = colon ? (size_t)(colon - s) : strlen(s);
        if (hl >= sizeof host)
            return FALSE;
        memcpy(host, s, hl);
        host[hl] = '\0';
    }
    if (colon) {
        char *e;
        p = strtoul(colon + 1, &e, 10);
        if (*e || p == 0 || p > 65535)
            return FALSE;
    }
    if (ws_inet_pton4(host, &v4))
        alloc_address_wmem(scope, a, AT_IPv4, 4, &v4);
    else if (ws_inet_pton6(host, &v6))
        alloc_address_wmem(scope, a, AT_IPv6, 16, &v6);
    else
        return FALSE;
    *port = (guint32)p;
    return TRUE;
}

/* Base64 master key || salt of the size the suite needs, into out. */
static gboolean decode_key(const char *b64, const wrtc_srtp_suite_info_t *s, guint8 *out)
{
    gsize n = 0;
    guchar *raw;
    gboolean ok;
    if (!b64 || !*b64)
        return FALSE;
    raw = g_base64_decode(b64, &n);
    ok = raw && n == (gsize)s->key_len + s->salt_len;
    if (ok)
        memcpy(out, raw, n);
    if (raw)
        memset(raw, 0, n);
    g_free(raw);
    return ok;
}

static webrtc_uat_ret_t row_update(void *r, char **err)
{
    key_row_t *k = (key_row_t *)r;
    const wrtc_srtp_suite_info_t *s;
    guint8 ks[WRTC_SRTP_MAX_KEYSALT];
    address a;
    guint32 port;
    char *end;

    s = k->suite ? wrtc_srtp_suite_by_name(k->suite, strlen(k->suite)) : NULL;
    if (!s) {
        *err = g_strdup("Suite must be " WRTC_SRTP_SUITE_NAMES);
        return FALSE;
    }
    if (!decode_key(k->key, s, ks)) {
        *err = g_strdup_printf("Key must be base64 of %u bytes (master key || master salt)",
                               s->key_len + s->salt_len);
        return FALSE;
    }
    memset(ks, 0, sizeof ks);
    if (k->ssrc && *k->ssrc) {
        (void)g_ascii_strtoull(k->ssrc, &end, 0);
        if (*end) {
            *err = g_strdup("SSRC must be a number (0x... for hex) or empty");
            return FALSE;
        }
    }
    if (!parse_endpoint(k->src, &a, &port, NULL) ) {
        *err = g_strdup("Source must be address[:port] or empty");
        return FALSE;
    }
    free_address_wmem(NULL, &a);
    if (!parse_endpoint(k->dst, &a, &port, NULL)) {
        *err = g_strdup("Destination must be address[:port] or empty");
        return FALSE;
    }
    free_address_wmem(NULL, &a);
    if (k->mki_len && *k->mki_len) {
        unsigned long m = strtoul(k->mki_len, &end, 10);
        if (*end || m > WRTC_SRTP_MAX_MKI) {
            *err = g_strdup_printf("MKI length must be 0-%d bytes", WRTC_SRTP_MAX_MKI);
            return FALSE;
        }
    }
    return TRUE;
}

/* ---- the key store (file scope) ----------------------------------------- */

static GPtrArray *keys;      /* webrtc_srtp_key_t*, learnt in frame order */
/* The keys by sender endpoint (a packet only looks at its sender's keys,
 * however many calls the capture has), and those for any sender port. */
static GHashTable *by_sender;  /* sender_t* -> GPtrArray of keys */
static GPtrArray *any_sender;

typedef struct {
    address addr;
    guint32 port;
} sender_t;

static guint sender_hash(gconstpointer p)
{
    const sender_t *s = (const sender_t *)p;
    return add_address_to_hash(s->port, &s->addr);
}

static gboolean sender_equal(gconstpointer a, gconstpointer b)
{
    const sender_t *x = (const sender_t *)a, *y = (const sender_t *)b;
    return x->port == y->port && addresses_equal(&x->addr, &y->addr);
}

guint webrtc_srtp_key_count(void)
{
    return keys ? keys->len : 0;
}

void webrtc_srtp_key_candidates(const packet_info *pinfo, const GPtrArray **sender,
                                const GPtrArray **any)
{
    sender_t k;
    k.addr = pinfo->src;
    k.port = pinfo->srcport;
    *sender = by_sender ? (const GPtrArray *)g_hash_table_lookup(by_sender, &k) : NULL;
    *any = any_sender;
}

static void index_under(webrtc_srtp_key_t *k, guint32 port)
{
    sender_t look, *nk;
    GPtrArray *a;
    look.addr = k->src;
    look.port = port;
    a = (GPtrArray *)g_hash_table_lookup(by_sender, &look);
    if (!a) {
        nk = wmem_new(wmem_file_scope(), sender_t);
        copy_address_wmem(wmem_file_scope(), &nk->addr, &k->src);
        nk->port = port;
        a = g_ptr_array_new();
        g_hash_table_insert(by_sender, nk, a);
    }
    g_ptr_array_add(a, k);
}

/* The same key for the same sender again (an SDP repeated in a re-INVITE,
 * a retransmitted 200 OK): the first one serves. */
static gboolean key_known(const address *src, guint32 port, const wrtc_srtp_suite_info_t *s,
                          const guint8 *material, guint8 mki_len)
{
    sender_t look;
    const GPtrArray *a;
    guint i;
    look.addr = *src;
    look.port = port;
    a = (const GPtrArray *)g_hash_table_lookup(by_sender, &look);
    for (i = 0; a && i < a->len; i++) {
        const webrtc_srtp_key_t *k = (const webrtc_srtp_key_t *)g_ptr_array_index(a, i);
        if (k->ctx.suite == s && k->ctx.mki_len == mki_len && k->src_port == port &&
            memcmp(k->material, material, (size_t)s->key_len + s->salt_len) == 0)
            return TRUE;
    }
    return FALSE;
}

/* Once its match criteria are set. */
static void key_index(webrtc_srtp_key_t *k)
{
    if (k->src.type == AT_NONE || !k->src_port) {
        g_ptr_array_add(any_sender, k);
        return;
    }
    index_under(k, k->src_port);
    if (k->src_rtcp_plus1)
        index_under(k, k->src_port + 1);
}

static webrtc_srtp_key_t *key_add(webrtc_key_source_t source, guint32 frame, const char *desc,
                                  const wrtc_srtp_suite_info_t *s, const guint8 *key_salt,
                                  guint8 mki_len)
{
    webrtc_srtp_key_t *k;
    /* Bounded state: a capture cannot make us hold more keys than this. */
    if (keys->len >= WEBRTC_SRTP_MAX_KEYS)
        return NULL;
    k = wmem_new0(wmem_file_scope(), webrtc_srtp_key_t);
    if (!wrtc_srtp_ctx_init(&k->ctx, s->id, key_salt, (size_t)s->key_len + s->salt_len, mki_len))
        return NULL;
    memcpy(k->material, key_salt, (size_t)s->key_len + s->salt_len);
    k->source = source;
    k->frame = frame;
    k->desc = wmem_strdup(wmem_file_scope(), desc);
    clear_address(&k->src);
    clear_address(&k->dst);
    g_ptr_array_add(keys, k);
    return k;
}

static void keys_from_table(void)
{
    guint i;
    for (i = 0; i < n_rows; i++) {
        const key_row_t *r = &rows[i];
        const wrtc_srtp_suite_info_t *s = wrtc_srtp_suite_by_name(r->suite, strlen(r->suite));
        guint8 ks[WRTC_SRTP_MAX_KEYSALT];
        webrtc_srtp_key_t *k;
        char desc[64];
        guint8 mki = (guint8)(r->mki_len && *r->mki_len ? strtoul(r->mki_len, NULL, 10) : 0);
        if (!s || !decode_key(r->key, s, ks))
            continue;
        snprintf(desc, sizeof desc, "SRTP keys table row %u", i + 1);
        k = key_add(WEBRTC_KEY_TABLE, 0, desc, s, ks, mki);
        memset(ks, 0, sizeof ks);
        if (!k)
            continue;
        if (r->ssrc && *r->ssrc) {
            k->has_ssrc = TRUE;
            k->ssrc = (guint32)g_ascii_strtoull(r->ssrc, NULL, 0);
        }
        (void)parse_endpoint(r->src, &k->src, &k->src_port, wmem_file_scope());
        (void)parse_endpoint(r->dst, &k->dst, &k->dst_port, wmem_file_scope());
        key_index(k);
    }
}

/* ---- DTLS key log ------------------------------------------------------- */

/* Traffic secrets of DTLS 1.3 (RFC 8446 §7.1), in the order of
 * tls13_labels: [client/server][handshake/application]. */
typedef struct {
    guint8 master[48];
    gboolean have_master;
    guint8 exporter[48];
    guint8 exporter_len;
    guint8 traffic[2][2][48];
    guint8 traffic_len[2][2];
} keylog_entry_t;

static const char *const tls13_labels[2][2] = {
    { "CLIENT_HANDSHAKE_TRAFFIC_SECRET", "CLIENT_TRAFFIC_SECRET_0" },
    { "SERVER_HANDSHAKE_TRAFFIC_SECRET", "SERVER_TRAFFIC_SECRET_0" },
};

static GHashTable *keylog;   /* client random hex (lower case) -> keylog_entry_t */
static gboolean keylog_loaded;

static void keylog_entry_free(gpointer p)
{
    memset(p, 0, sizeof(keylog_entry_t));   /* secrets do not linger */
    g_free(p);
}

static const char *keylog_path(void)
{
    if (pref_keylog && *pref_keylog)
        return pref_keylog;
    /* Default: the TLS dissector's key log (Protocols > TLS). */
    {
        module_t *tls = prefs_find_module("tls");
        pref_t *p = tls ? prefs_find_preference(tls, "keylog_file") : NULL;
        const char *v = p ? prefs_get_string_value(p, pref_current) : NULL;
        return v && *v ? v : NULL;
    }
}

static gboolean hex_bytes(const char *s, size_t slen, guint8 *out, size_t max, size_t *n)
{
    size_t i;
    if (slen % 2 || slen / 2 > max)
        return FALSE;
    for (i = 0; i < slen / 2; i++) {
        int hi = g_ascii_xdigit_value(s[2 * i]), lo = g_ascii_xdigit_value(s[2 * i + 1]);
        if (hi < 0 || lo < 0)
            return FALSE;
        out[i] = (guint8)(hi << 4 | lo);
    }
    *n = slen / 2;
    return TRUE;
}

/* One NSS key log line: "LABEL <client_random hex> <secret hex>". */
static void keylog_line(char *line)
{
    char *label = strtok(line, " \t\r\n"), *cr = strtok(NULL, " \t\r\n"),
         *sec = strtok(NULL, " \t\r\n");
    guint8 buf[48];
    size_t n;
    keylog_entry_t *e;
    gboolean master;
    int ts = -1;
    if (!label || !cr || !sec || strlen(cr) != 64)
        return;
    master = strcmp(label, "CLIENT_RANDOM") == 0;
    for (int d = 0; d < 4; d++)
        if (strcmp(label, tls13_labels[d / 2][d % 2]) == 0)
            ts = d;
    if (!master && ts < 0 && strcmp(label, "EXPORTER_SECRET") != 0)
        return;
    if (!hex_bytes(sec, strlen(sec), buf, sizeof buf, &n) || (master && n != 48) ||
        (!master && n != 32 && n != 48))
        return;
    for (char *q = cr; *q; q++)
        *q = g_ascii_tolower(*q);
    e = (keylog_entry_t *)g_hash_table_lookup(keylog, cr);
    if (!e) {
        e = g_new0(keylog_entry_t, 1);
        g_hash_table_insert(keylog, g_strdup(cr), e);
    }
    if (master) {
        memcpy(e->master, buf, 48);
        e->have_master = TRUE;
    } else if (ts >= 0) {
        memcpy(e->traffic[ts / 2][ts % 2], buf, n);
        e->traffic_len[ts / 2][ts % 2] = (guint8)n;
    } else {
        memcpy(e->exporter, buf, n);
        e->exporter_len = (guint8)n;
    }
    memset(buf, 0, sizeof buf);
}

/* Read (again) the NSS key log. */
static void keylog_load(void)
{
    const char *path = keylog_path();
    FILE *fp;
    char line[512];

    if (!keylog)
        keylog = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, keylog_entry_free);
    keylog_loaded = TRUE;
    if (!path || !(fp = fopen(path, "r")))
        return;
    while (fgets(line, sizeof line, fp))
        keylog_line(line);
    fclose(fp);
}

/* The key log text of a Decryption Secrets Block (webrtc-dsb.c). */
static void keylog_block(const guint8 *data, guint len)
{
    guint i = 0;
    char line[512];
    if (!keylog)
        keylog = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, keylog_entry_free);
    while (i < len) {
        guint j = i, n;
        while (j < len && data[j] != '\n')
            j++;
        n = j - i < sizeof line - 1 ? j - i : (guint)sizeof line - 1;
        memcpy(line, data + i, n);
        line[n] = '\0';
        keylog_line(line);
        i = j + 1;
    }
    memset(line, 0, sizeof line);
}

static gboolean dsb_read;    /* the capture's DSBs were read (once per file) */

static const keylog_entry_t *keylog_find(const guint8 cr[32])
{
    char hex[65];
    int i;
    const keylog_entry_t *e;
    for (i = 0; i < 32; i++)
        snprintf(hex + 2 * i, 3, "%02x", cr[i]);
    if (!keylog_loaded)
        keylog_load();
    e = (const keylog_entry_t *)g_hash_table_lookup(keylog, hex);
    if (!e) {
        /* The application may still have been writing the log when it was
         * read: read it once more (bounded: once per unknown handshake). */
        keylog_load();
        e = (const keylog_entry_t *)g_hash_table_lookup(keylog, hex);
    }
    if ((!e || (!e->have_master && !e->exporter_len)) && !dsb_read) {
        dsb_read = TRUE;
        webrtc_dsb_read(keylog_block);
        e = (const keylog_entry_t *)g_hash_table_lookup(keylog, hex);
    }
    if (!e || (!e->have_master && !e->exporter_len)) {
        /* The master secret Wireshark's TLS dissector knows for this client
         * random: from tls.keylog_file or from a pcapng Decryption Secrets
         * Block (editcap --inject-secrets tls,FILE), which only the TLS
         * dissector receives (secrets_register_type is not exported to
         * plugins in 4.0). Its client-random map is (ssl_crandom_hash). */
        StringInfo key, *ms;
        guint8 crb[32];
        memcpy(crb, cr, 32);
        key.data = crb;
        key.data_len = 32;
        ms = ssl_crandom_hash ? (StringInfo *)g_hash_table_lookup(ssl_crandom_hash, &key)
                              : NULL;
        if (ms && ms->data_len == 48) {
            keylog_entry_t *ne = (keylog_entry_t *)g_hash_table_lookup(keylog, hex);
            if (!ne) {
                ne = g_new0(keylog_entry_t, 1);
                g_hash_table_insert(keylog, g_strdup(hex), ne);
            }
            memcpy(ne->master, ms->data, 48);
            ne->have_master = TRUE;
            e = ne;
        }
    }
    return e;
}

/* A DTLS handshake being followed (first pass). */
#define MAX_PROFILES 8
#define MAX_HANDSHAKES 256
typedef struct {
    address  client, server;
    guint32  client_port, server_port;
    guint8   client_random[32], server_random[32];
    gboolean have_cr, have_sr;
    guint16  offered[MAX_PROFILES];
    guint    n_offered;
    guint16  selected;           /* ServerHello use_srtp (DTLS 1.2) */
    guint8   mki_len;
    guint16  cipher_suite;
    guint16  version;            /* 0xfefc: DTLS 1.3 (supported_versions) */
    gboolean keyed;
    /* DTLS 1.3 record keys (RFC 9147 §4): [client/server][epoch 2/3], heap
     * (file scope) once the key log has the traffic secrets. */
    wrtc_dtls13_keys_t *rec;
} handshake_t;

static GPtrArray *handshakes;

static handshake_t *handshake_of(packet_info *pinfo, gboolean from_client, gboolean create)
{
    guint i;
    const address *c = from_client ? &pinfo->src : &pinfo->dst;
    const address *s = from_client ? &pinfo->dst : &pinfo->src;
    guint32 cp = from_client ? pinfo->srcport : pinfo->destport;
    guint32 sp = from_client ? pinfo->destport : pinfo->srcport;
    handshake_t *h;
    for (i = handshakes->len; i-- > 0;) {
        h = (handshake_t *)g_ptr_array_index(handshakes, i);
        if (h->client_port == cp && h->server_port == sp && addresses_equal(&h->client, c) &&
            addresses_equal(&h->server, s))
            return h;
    }
    if (!create || handshakes->len >= MAX_HANDSHAKES)
        return NULL;
    h = wmem_new0(wmem_file_scope(), handshake_t);
    copy_address_wmem(wmem_file_scope(), &h->client, c);
    copy_address_wmem(wmem_file_scope(), &h->server, s);
    h->client_port = cp;
    h->server_port = sp;
    g_ptr_array_add(handshakes, h);
    return h;
}

/* TLS 1.2 cipher suites whose PRF hash is SHA-384 (RFC 5289, RFC 5288). */
static int prf_hash(guint16 suite)
{
    switch (suite) {
    case 0x009D: case 0x009F: case 0x00A3: case 0x00A5: case 0x00A7:
    case 0xC024: case 0xC028: case 0xC02C: case 0xC030: case 0xC032: case 0xC02E:
        return GCRY_MD_SHA384;
    default:
        return GCRY_MD_SHA256;
    }
}

static void dtls_add_keys(packet_info *pinfo, handshake_t *h, const wrtc_srtp_suite_info_t *s,
                          const guint8 *material, gboolean trial, const char *what)
{
    guint8 cks[WRTC_SRTP_MAX_KEYSALT], sks[WRTC_SRTP_MAX_KEYSALT];
    webrtc_srtp_key_t *k;
    char desc[96];
    int side;
    wrtc_dtls_srtp_split(s, material, cks, sks);
    for (side = 0; side < 2; side++) {
        snprintf(desc, sizeof desc, "%s, %s write key, %s (frame %u)", what,
                 side == 0 ? "client" : "server", s->name, pinfo->num);
        k = key_add(WEBRTC_KEY_DTLS, pinfo->num, desc, s, side == 0 ? cks : sks, h->mki_len);
        if (!k)
            continue;
        /* RFC 5764 §4.2: client_write keys protect what the DTLS client sends. */
        copy_address_wmem(wmem_file_scope(), &k->src, side == 0 ? &h->client : &h->server);
        copy_address_wmem(wmem_file_scope(), &k->dst, side == 0 ? &h->server : &h->client);
        k->src_port = side == 0 ? h->client_port : h->server_port;
        k->dst_port = side == 0 ? h->server_port : h->client_port;
        k->trial = trial;
        key_index(k);
    }
    memset(cks, 0, sizeof cks);
    memset(sks, 0, sizeof sks);
}

/* Give Wireshark's TLS/DTLS dissectors a master secret from the plugin's
 * own key log (webrtc.srtp_keylog), so that they decrypt the DTLS 1.2
 * application data (the data channels, webrtc-dtls.c) with it too: an entry
 * of the client-random map they read at ChangeCipherSpec
 * (ssl_restore_master_key), unless they know it already (tls.keylog_file,
 * a Decryption Secrets Block). File scope: the map is made again for each
 * capture and frees no entries. */
static void tls_learn_master(const guint8 cr[32], const guint8 master[48])
{
    StringInfo key, *k, *v;
    guint8 crb[32];
    if (!ssl_crandom_hash)
        return;
    memcpy(crb, cr, 32);
    key.data = crb;
    key.data_len = 32;
    if (g_hash_table_lookup(ssl_crandom_hash, &key))
        return;
    k = wmem_new(wmem_file_scope(), StringInfo);
    v = wmem_new(wmem_file_scope(), StringInfo);
    k->data = (guchar *)wmem_memdup(wmem_file_scope(), cr, 32);
    k->data_len = 32;
    v->data = (guchar *)wmem_memdup(wmem_file_scope(), master, 48);
    v->data_len = 48;
    g_hash_table_insert(ssl_crandom_hash, k, v);
}

/* The ServerHello is in: derive the keys if the key log knows the secrets. */
static void dtls_derive(packet_info *pinfo, handshake_t *h)
{
    const keylog_entry_t *e;
    guint8 m[2 * WRTC_SRTP_MAX_KEYSALT];
    guint i;

    if (h->keyed || !h->have_cr)
        return;
    h->keyed = TRUE;             /* one attempt per handshake */
    if (!(e = keylog_find(h->client_random)))
        return;
    if (e->have_master && h->version != 0xfefc)
        tls_learn_master(h->client_random, e->master);
    if (h->version == 0xfefc) {
        /* RFC 9147 §4: the records after the ServerHello are protected
         * with the handshake (epoch 2) and application (epoch 3) traffic
         * keys of each side. */
        int d, ep;
        gboolean any = FALSE;
        h->rec = wmem_alloc0(wmem_file_scope(), 4 * sizeof(wrtc_dtls13_keys_t));
        for (d = 0; d < 2; d++)
            for (ep = 0; ep < 2; ep++)
                if (e->traffic_len[d][ep] &&
                    wrtc_dtls13_derive(h->cipher_suite, e->traffic[d][ep], e->traffic_len[d][ep],
                                       &h->rec[d * 2 + ep]))
                    any = TRUE;
        if (!any)
            h->rec = NULL;
    }
    if (h->version == 0xfefc || (!h->selected && e->exporter_len)) {
        /* DTLS 1.3: the profile is in the encrypted EncryptedExtensions. */
        if (!e->exporter_len)
            return;
        for (i = 0; i < h->n_offered; i++) {
            const wrtc_srtp_suite_info_t *s = wrtc_srtp_suite_info((wrtc_srtp_suite_t)h->offered[i]);
            size_t len;
            if (!s)
                continue;
            len = 2u * ((size_t)s->key_len + s->salt_len);
            if (wrtc_dtls13_srtp_material(e->exporter, e->exporter_len, m, len))
                dtls_add_keys(pinfo, h, s, m, h->n_offered > 1, "DTLS 1.3 key log (EXPORTER_SECRET)");
        }
    } else if (h->selected && h->have_sr && e->have_master) {
        const wrtc_srtp_suite_info_t *s = wrtc_srtp_suite_info((wrtc_srtp_suite_t)h->selected);
        if (!s)
            return;
        if (wrtc_dtls12_srtp_material(prf_hash(h->cipher_suite), e->master, h->client_random,
                                      h->server_random, m,
                                      2u * ((size_t)s->key_len + s->salt_len)))
            dtls_add_keys(pinfo, h, s, m, FALSE, "DTLS 1.2 key log (CLIENT_RANDOM)");
    }
    memset(m, 0, sizeof m);
}

/* ---- reading SDP and DTLS from the tree --------------------------------- */

enum {
    K_SDP, K_SDP_CONN_ADDR, K_SDP_MEDIA_PORT, K_SDP_SUITE, K_SDP_MASTER_KEY, K_SDP_MASTER_SALT,
    K_SDP_KEY_AND_SALT, K_SDP_MKI_LEN, K_SDP_FORMAT, K_SDP_MIME, K_SDP_RATE,
    K_DTLS_HS_TYPE, K_DTLS_RANDOM, K_DTLS_PROFILE, K_DTLS_MKI_LEN, K_DTLS_SUITE, K_DTLS_VERSION,
    K_COUNT
};
static const char *const k_names[K_COUNT] = {
    "sdp", "sdp.connection_info.address", "sdp.media.port", "sdp.crypto.crypto_suite",
    "sdp.crypto.master_key", "sdp.crypto.master_salt", "sdp.key_and_salt", "sdp.crypto.mki_length",
    "sdp.media.format", "sdp.mime.type", "sdp.sample_rate",
    "dtls.handshake.type", "dtls.handshake.random", "dtls.use_srtp.protection_profile",
    "dtls.use_srtp.mki_length", "dtls.handshake.ciphersuite",
    "dtls.handshake.extensions.supported_version",
};
static int k_id[K_COUNT];
static dissector_handle_t keys_handle;

static int field_kind(int id)
{
    int i;
    for (i = 0; i < K_COUNT; i++)
        if (k_id[i] == id)
            return i;
    return -1;
}

static guint32 fi_uint(field_info *fi)
{
    return fvalue_get_uinteger(WEBRTC_FVALUE(fi));
}

static const char *fi_string(field_info *fi)
{
    return fvalue_get_string(WEBRTC_FVALUE(fi));
}

/* One a=crypto line being collected. */
typedef struct {
    const wrtc_srtp_suite_info_t *suite;
    guint8 key[WRTC_SRTP_MAX_KEYSALT];
    guint  have;                 /* bytes of key||salt collected */
    guint8 mki_len;
    const char *unsupported;     /* a session parameter the transform lacks */
    char   why[32];
} sdes_crypto_t;

/* a=crypto lines whose key was not used, by frame: the reason is shown on
 * the SDP packet on every pass (sdes_params.h). */
static wmem_map_t *sdes_refused;
static expert_field ei_webrtc_sdes_refused = EI_INIT;

#define MAX_CRYPTO 8
#define MAX_RTPMAP 32
typedef struct {
    address  session_addr, media_addr;
    guint32  media_port;
    gboolean in_media;
    sdes_crypto_t c[MAX_CRYPTO];
    guint    n;
    /* a=rtpmap of the media: payload type, encoding name, clock rate */
    const char *last_format;
    struct { guint8 pt; const char *name; guint32 rate; } map[MAX_RTPMAP];
    guint    n_map;
} sdes_state_t;

/* The payload types of each SDP-negotiated media endpoint we took, so that
 * RTP names the decrypted payloads as the SDP said (sender_t -> dyn). */
static GHashTable *sdp_payload_types;

static void dyn_unref(gpointer d)
{
    rtp_dyn_payload_free((rtp_dyn_payload_t *)d);
}

rtp_dyn_payload_t *webrtc_srtp_sdp_payload_types(const packet_info *pinfo)
{
    sender_t k;
    k.addr = pinfo->src;
    k.port = pinfo->srcport;
    return sdp_payload_types ? (rtp_dyn_payload_t *)g_hash_table_lookup(sdp_payload_types, &k)
                             : NULL;
}

static void remember_payload_types(const sdes_state_t *st, const address *a)
{
    rtp_dyn_payload_t *dyn;
    sender_t *k;
    guint i;
    if (!st->n_map)
        return;
    dyn = rtp_dyn_payload_new();
    for (i = 0; i < st->n_map; i++)
        webrtc_rtp_dyn_payload_insert(dyn, st->map[i].pt, st->map[i].name, st->map[i].rate, 1);
    k = wmem_new(wmem_file_scope(), sender_t);
    copy_address_wmem(wmem_file_scope(), &k->addr, a);
    k->port = st->media_port;
    g_hash_table_replace(sdp_payload_types, k, dyn);
}

static void sdes_commit(packet_info *pinfo, sdes_state_t *st)
{
    const address *a = st->media_addr.type != AT_NONE ? &st->media_addr : &st->session_addr;
    guint i;
    gboolean any = FALSE, refused = FALSE;
    if (st->in_media && st->media_port && a->type != AT_NONE) {
        for (i = 0; pref_sdes && i < st->n; i++) {
            const sdes_crypto_t *c = &st->c[i];
            webrtc_srtp_key_t *k;
            char desc[64];
            if (!c->suite || c->have != (guint)c->suite->key_len + c->suite->salt_len)
                continue;
            if (c->unsupported) {
                if (!sdes_refused)
                    sdes_refused = wmem_map_new(wmem_file_scope(), g_direct_hash,
                                                g_direct_equal);
                wmem_map_insert(sdes_refused, GUINT_TO_POINTER(pinfo->num),
                                wmem_strdup(wmem_file_scope(), c->unsupported));
                refused = TRUE;
                continue;
            }
            if (key_known(a, st->media_port, c->suite, c->key, c->mki_len)) {
                any = TRUE;
                continue;
            }
            snprintf(desc, sizeof desc, "SDES in frame %u", pinfo->num);
            k = key_add(WEBRTC_KEY_SDES, pinfo->num, desc, c->suite, c->key, c->mki_len);
            if (!k)
                continue;
            copy_address_wmem(wmem_file_scope(), &k->src, a);
            k->src_port = st->media_port;
            k->src_rtcp_plus1 = TRUE;
            k->trial = st->n > 1;
            key_index(k);
            any = TRUE;
        }
        /* SDP-negotiated SRTP reaches us only through its conversation:
         * take it when its own keys, the other side's or the user's table
         * may apply (RTP looks a packet's conversation up by either end, so
         * the peer's SRTP can arrive through this endpoint's). */
        if (any || refused || (st->n && n_rows)) {
            webrtc_srtp_take_sdp_endpoint(pinfo, a, st->media_port);
            remember_payload_types(st, a);
        }
    }
    memset(st->c, 0, sizeof st->c);
    st->n = 0;
    st->n_map = 0;
    st->last_format = NULL;
}

static void set_addr(wmem_allocator_t *pool, address *dst, const char *s)
{
    ws_in4_addr v4;
    ws_in6_addr v6;
    clear_address(dst);
    if (!s)
        return;
    if (ws_inet_pton4(s, &v4))
        alloc_address_wmem(pool, dst, AT_IPv4, 4, &v4);
    else if (ws_inet_pton6(s, &v6))
        alloc_address_wmem(pool, dst, AT_IPv6, 16, &v6);
}

static void bytes_into(sdes_crypto_t *c, field_info *fi, gboolean whole)
{
    guint n = (guint)fi->length;
    if (!c->suite || !fi->ds_tvb || n == 0)
        return;
    if (whole) {
        /* sdp.key_and_salt: the decoded bytes (suites Wireshark does not
         * split) or the base64 text (suites it splits): only the exact size
         * is the key. */
        if (n != (guint)c->suite->key_len + c->suite->salt_len || c->have)
            return;
    } else if (c->have + n > sizeof c->key) {
        return;
    }
    if (!tvb_bytes_exist(fi->ds_tvb, fi->start, (gint)n))
        return;
    tvb_memcpy(fi->ds_tvb, c->key + c->have, fi->start, n);
    c->have += n;
}

/* The session parameters after the key parameters, which the SDP dissector
 * does not split out: read from the line's text, from the suite to the end
 * of the line (sdes_params.h). */
static void sdes_session_params(sdes_crypto_t *c, const field_info *suite)
{
    wrtc_sdes_params_t prm;
    gint rem;
    if (!suite->ds_tvb || suite->start < 0)
        return;
    rem = tvb_captured_length_remaining(suite->ds_tvb, suite->start);
    if (rem <= 0)
        return;
    rem = MIN(rem, 1024);   /* an a=crypto line; the parser stops at its end */
    wrtc_sdes_params_parse((const char *)tvb_get_ptr(suite->ds_tvb, suite->start, rem),
                           (size_t)rem, &prm);
    c->unsupported = wrtc_sdes_params_unsupported(&prm, c->why, sizeof c->why);
}

static void read_tree(packet_info *pinfo, proto_tree *tree, gboolean sdp, gboolean dtls)
{
    GPtrArray *all = proto_all_finfos(tree);
    sdes_state_t st;
    guint i;
    guint32 hs_type = 0;
    handshake_t *h = NULL;
    gboolean have_sdp = FALSE;

    memset(&st, 0, sizeof st);
    for (i = 0; all && i < all->len; i++) {
        field_info *fi = (field_info *)g_ptr_array_index(all, i);
        int kind = fi && fi->hfinfo ? field_kind(fi->hfinfo->id) : -1;
        sdes_crypto_t *c = st.n ? &st.c[st.n - 1] : NULL;
        switch (kind) {
        case K_SDP:
            if (!sdp)
                break;
            if (have_sdp)
                sdes_commit(pinfo, &st);
            memset(&st, 0, sizeof st);
            have_sdp = TRUE;
            break;
        case K_SDP_CONN_ADDR:
            if (have_sdp)
                set_addr(pinfo->pool, st.in_media ? &st.media_addr : &st.session_addr, fi_string(fi));
            break;
        case K_SDP_MEDIA_PORT:
            if (!have_sdp)
                break;
            sdes_commit(pinfo, &st);
            st.in_media = TRUE;
            st.media_port = fi_uint(fi);
            clear_address(&st.media_addr);
            break;
        case K_SDP_SUITE:
            if (have_sdp && st.in_media && st.n < MAX_CRYPTO) {
                const char *name = fi_string(fi);
                c = &st.c[st.n++];
                c->suite = name ? wrtc_srtp_suite_by_name(name, strlen(name)) : NULL;
                sdes_session_params(c, fi);
            }
            break;
        case K_SDP_MASTER_KEY:
        case K_SDP_MASTER_SALT:
            if (c)
                bytes_into(c, fi, FALSE);
            break;
        case K_SDP_KEY_AND_SALT:
            if (c)
                bytes_into(c, fi, TRUE);
            break;
        case K_SDP_FORMAT:
            if (have_sdp && st.in_media)
                st.last_format = fi_string(fi);
            break;
        case K_SDP_MIME:
            /* a=rtpmap:PT NAME/RATE: the format just before is the PT. */
            if (have_sdp && st.in_media && st.last_format && st.n_map < MAX_RTPMAP) {
                char *end;
                unsigned long pt = strtoul(st.last_format, &end, 10);
                const char *name = fi_string(fi);
                if (*end == '\0' && end != st.last_format && pt < 128 && name) {
                    st.map[st.n_map].pt = (guint8)pt;
                    st.map[st.n_map].name = name;
                    st.map[st.n_map].rate = 0;
                    st.n_map++;
                }
                st.last_format = NULL;
            }
            break;
        case K_SDP_RATE:
            if (have_sdp && st.n_map) {
                const char *r = fi_string(fi);
                st.map[st.n_map - 1].rate = r ? (guint32)strtoul(r, NULL, 10) : 0;
            }
            break;
        case K_SDP_MKI_LEN:
            if (c) {
                const char *s = fi_string(fi);
                unsigned long m = s ? strtoul(s, NULL, 10) : 0;
                c->mki_len = (guint8)(m <= WRTC_SRTP_MAX_MKI ? m : 0);
            }
            break;
        case K_DTLS_HS_TYPE:
            if (!dtls)
                break;
            hs_type = fi_uint(fi);
            h = hs_type == 1 ? handshake_of(pinfo, TRUE, TRUE)
              : hs_type == 2 ? handshake_of(pinfo, FALSE, FALSE) : NULL;
            if (h && hs_type == 1)
                h->n_offered = 0;    /* a (re)transmitted ClientHello */
            break;
        case K_DTLS_RANDOM:
            if (h && fi->length == 32 && fi->ds_tvb &&
                tvb_bytes_exist(fi->ds_tvb, fi->start, 32)) {
                tvb_memcpy(fi->ds_tvb, hs_type == 1 ? h->client_random : h->server_random,
                           fi->start, 32);
                if (hs_type == 1)
                    h->have_cr = TRUE;
                else
                    h->have_sr = TRUE;
            }
            break;
        case K_DTLS_PROFILE:
            if (h && hs_type == 1 && h->n_offered < MAX_PROFILES)
                h->offered[h->n_offered++] = (guint16)fi_uint(fi);
            else if (h && hs_type == 2)
                h->selected = (guint16)fi_uint(fi);
            break;
        case K_DTLS_MKI_LEN:
            if (h)
                h->mki_len = (guint8)MIN(fi_uint(fi), WRTC_SRTP_MAX_MKI);
            break;
        case K_DTLS_SUITE:
            if (h && hs_type == 2)
                h->cipher_suite = (guint16)fi_uint(fi);
            break;
        case K_DTLS_VERSION:
            if (h && hs_type == 2)
                h->version = (guint16)fi_uint(fi);
            break;
        default:
            break;
        }
    }
    if (have_sdp)
        sdes_commit(pinfo, &st);
    if (dtls) {
        /* Every ServerHello seen in this frame completes its handshake. */
        for (i = 0; i < handshakes->len; i++) {
            handshake_t *hh = (handshake_t *)g_ptr_array_index(handshakes, i);
            if (!hh->keyed && hh->have_sr)
                dtls_derive(pinfo, hh);
        }
    }
    if (all)
        g_ptr_array_free(all, TRUE);
}

static gboolean want_sdes, want_dtls;
static webrtc_layer_map_t layer_map;   /* bit 0: sdp, bit 1: dtls */
static guint32 dtls_read_early;        /* frame whose DTLS fields were read early */

void webrtc_dtls_keys_read_frame(packet_info *pinfo, proto_tree *tree)
{
    if (PINFO_FD_VISITED(pinfo) || !tree || !want_dtls || !handshakes ||
        dtls_read_early == pinfo->num)
        return;
    dtls_read_early = pinfo->num;
    read_tree(pinfo, tree, FALSE, TRUE);
}

wrtc_dtls13_keys_t *webrtc_dtls13_record_keys(packet_info *pinfo, unsigned epoch_bits)
{
    handshake_t *h;
    int side;
    if (!handshakes || (epoch_bits != 2 && epoch_bits != 3))
        return NULL;
    if ((h = handshake_of(pinfo, TRUE, FALSE)) != NULL)
        side = 0;
    else if ((h = handshake_of(pinfo, FALSE, FALSE)) != NULL)
        side = 1;
    else
        return NULL;
    if (!h->rec || !h->rec[side * 2 + (epoch_bits == 3)].key_len)
        return NULL;
    return &h->rec[side * 2 + (epoch_bits == 3)];
}

static int dissect_keys(tvbuff_t *tvb, packet_info *pinfo, proto_tree *tree, void *data _U_)
{
    gboolean sdp, dtls;
    guint32 layers;
    const char *refused = sdes_refused ? (const char *)wmem_map_lookup(
        sdes_refused, GUINT_TO_POINTER(pinfo->num)) : NULL;
    if (refused) {
        proto_item *ti = proto_tree_add_item(tree, proto_webrtc, tvb, 0, 0, ENC_NA);
        proto_item_set_generated(ti);
        expert_add_info_format(pinfo, ti, &ei_webrtc_sdes_refused,
                               "SDES key not used for decryption: %s (the plugin derives "
                               "keys with rate 0 and shows only authenticated, encrypted "
                               "SRTP; RFC 4568 §6.3)", refused);
    }
    if (PINFO_FD_VISITED(pinfo) || !tree || !(want_sdes || want_dtls))
        return 0;
    layers = webrtc_layer_set(pinfo->layers, &layer_map);
    sdp = want_sdes && (layers & 1);
    dtls = want_dtls && (layers & 2) && dtls_read_early != pinfo->num;
    if (sdp || dtls)
        read_tree(pinfo, tree, sdp, dtls);
    return 0;
}

static void keys_init(void)
{
    GArray *wanted;
    int i;
    sdes_refused = NULL;         /* file scope: released with the capture */
    keys = g_ptr_array_new();
    any_sender = g_ptr_array_new();
    by_sender = g_hash_table_new_full(sender_hash, sender_equal, NULL,
                                      (GDestroyNotify)g_ptr_array_unref);
    sdp_payload_types = g_hash_table_new_full(sender_hash, sender_equal, NULL, dyn_unref);
    handshakes = g_ptr_array_new();
    keys_from_table();
    keylog_loaded = FALSE;
    dsb_read = FALSE;
    if (keylog)
        g_hash_table_remove_all(keylog);
    /* The SDP is read for its keys, or to find SRTP the table may key. */
    want_sdes = pref_sdes || n_rows > 0;
    /* DTLS handshakes are followed with a key log, and while the session
     * model is built (its protocol tree is there anyway): the secrets may
     * also come from the capture's Decryption Secrets Blocks, which
     * Wireshark's TLS dissector receives (keylog_find). */
    want_dtls = keylog_path() != NULL || webrtc_prefs.session_model;
    dtls_read_early = 0;
    /* Ask for the SDP/DTLS fields only while a source needs them: a wanted
     * field costs a protocol tree per packet. */
    wanted = NULL;
    if (want_sdes || want_dtls) {
        wanted = g_array_new(FALSE, FALSE, (guint)sizeof(int));
        for (i = 0; i < K_COUNT; i++) {
            gboolean is_sdp = i <= K_SDP_RATE;
            if (k_id[i] > 0 && (is_sdp ? want_sdes : want_dtls))
                g_array_append_val(wanted, k_id[i]);
        }
    }
    set_postdissector_wanted_hfids(keys_handle, wanted);
}

static void keys_cleanup(void)
{
    guint i;
    for (i = 0; keys && i < keys->len; i++) {
        webrtc_srtp_key_t *k = (webrtc_srtp_key_t *)g_ptr_array_index(keys, i);
        wrtc_srtp_ctx_free(&k->ctx);
        memset(k->material, 0, sizeof k->material);   /* secrets do not linger */
    }
    if (keys)
        g_ptr_array_free(keys, TRUE);
    if (by_sender)
        g_hash_table_destroy(by_sender);
    if (any_sender)
        g_ptr_array_free(any_sender, TRUE);
    by_sender = NULL;
    any_sender = NULL;
    if (sdp_payload_types)
        g_hash_table_destroy(sdp_payload_types);
    sdp_payload_types = NULL;
    if (handshakes)
        g_ptr_array_free(handshakes, TRUE);
    keys = NULL;
    handshakes = NULL;
    /* Destroyed, not emptied: the plugin may be unloaded after the last
     * file (plugins_cleanup), and keylog_load() makes it again. Its entries
     * are wiped by keylog_entry_free. */
    if (keylog)
        g_hash_table_destroy(keylog);
    keylog = NULL;
}

void webrtc_srtp_keys_register(module_t *module)
{
    static uat_field_t fields[] = {
        UAT_FLD_CSTRING(rows, ssrc, "SSRC", "SSRC the key protects (0x... hex), empty: any"),
        UAT_FLD_CSTRING(rows, src, "Source", "Sender address[:port], empty: any"),
        UAT_FLD_CSTRING(rows, dst, "Destination", "Receiver address[:port], empty: any"),
        UAT_FLD_CSTRING(rows, suite, "Suite",
                        WRTC_SRTP_SUITE_NAMES),
        UAT_FLD_CSTRING(rows, key, "Key (base64)",
                        "Master key || master salt in base64, as in a=crypto inline:"),
        UAT_FLD_CSTRING(rows, mki_len, "MKI length", "Bytes of MKI in each packet, empty: 0"),
        UAT_END_FIELDS
    };
    uat_t *uat = uat_new("SRTP keys", sizeof(key_row_t), "webrtc_srtp_keys", TRUE,
                         &rows, &n_rows, UAT_AFFECTS_DISSECTION, NULL,
                         row_copy, row_update, row_free, NULL, NULL, fields);
    prefs_register_uat_preference(module, "srtp_keys", "SRTP keys",
        "Master keys for SRTP/SRTCP decryption, matched by SSRC and/or sender/receiver "
        "(tshark: -o 'uat:webrtc_srtp_keys:\"SSRC\",\"src\",\"dst\",\"SUITE\",\"BASE64\",\"\"')",
        uat);
    prefs_register_bool_preference(module, "srtp_sdes",
        "Decrypt SRTP with SDES keys from SDP",
        "Use the a=crypto keys (RFC 4568) of SDP bodies in the capture to decrypt "
        "the SRTP/SRTCP they set up.",
        &pref_sdes);
    prefs_register_filename_preference(module, "srtp_keylog",
        "DTLS key log file for DTLS-SRTP",
        "NSS key log (SSLKEYLOGFILE) with CLIENT_RANDOM (DTLS 1.2) or EXPORTER_SECRET "
        "(DTLS 1.3) lines; empty: Protocols > TLS > (Pre)-Master-Secret log filename.",
        &pref_keylog, FALSE);
    register_init_routine(keys_init);
    register_cleanup_routine(keys_cleanup);
    {
        static ei_register_info ei[] = {
            { &ei_webrtc_sdes_refused,
              { "webrtc.srtp.sdes_refused", PI_DECRYPTION, PI_NOTE,
                "SDES key not used: a session parameter changes the SRTP transform",
                EXPFILL } },
        };
        expert_register_field_array(expert_register_protocol(proto_webrtc), ei,
                                    array_length(ei));
    }
}

void webrtc_srtp_keys_handoff(void)
{
    int i;
    keys_handle = create_dissector_handle(dissect_keys, proto_webrtc);
    for (i = 0; i < K_COUNT; i++)
        k_id[i] = i == K_SDP ? proto_get_id_by_filter_name(k_names[i])
                             : proto_registrar_get_id_byname(k_names[i]);
    {
        int ids[2];
        ids[0] = proto_get_id_by_filter_name("sdp");
        ids[1] = proto_get_id_by_filter_name("dtls");
        webrtc_layer_map_init(&layer_map, ids, 2);
    }
    register_postdissector(keys_handle);
}
