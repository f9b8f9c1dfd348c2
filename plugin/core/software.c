/* software.c — see software.h.
 *
 * The table: SOFTWARE strings as the products send them (their sources and
 * captures of them), most specific first.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#include "software.h"

#include <ctype.h>
#include <stdio.h>
#include <string.h>

typedef enum { AT_START, ANYWHERE } where_t;

static const struct {
    const char *marker;
    where_t where;
    const char *product;
    bool version_follows;   /* "<marker>X.Y.Z..." */
} TABLE[] = {
    { "Coturn-", AT_START, "coturn", true },                            /* "Coturn-4.6.1 'Gorst'" */
    { "Citrix-", AT_START, "rfc5766-turn-server", true },                /* "Citrix-2.6.3.1 'Harding Grim'" */
    { "restund", AT_START, "restund", false },
    { "reTurnServer", ANYWHERE, "reTURN (reSIProcate)", false },
    { "pjnath-", AT_START, "pjnath (PJSIP)", true },
    { "pjnath", ANYWHERE, "pjnath (PJSIP)", false },
    { "libnice", ANYWHERE, "libnice", false },
    { "ice4j", ANYWHERE, "ice4j (Jitsi)", false },
    { "eturnal", ANYWHERE, "eturnal", false },
    { "P1 STUN library", ANYWHERE, "P1 STUN library", false },
    { "FreeSWITCH", ANYWHERE, "FreeSWITCH", false },
    { "Net-Net OS-E", ANYWHERE, "Oracle (Acme Packet) Net-Net OS-E SBC", false },
    { "Vovida.org", ANYWHERE, "stund (Vovida)", false },
    { "aioice", ANYWHERE, "aioice (aiortc)", false },
};

static void copy_version(const char *p, char *version, size_t vlen)
{
    size_t n = 0;
    while (p[n] && (isdigit((unsigned char)p[n]) || p[n] == '.') && n + 1 < vlen)
        n++;
    while (n > 0 && p[n - 1] == '.')
        n--;
    memcpy(version, p, n);
    version[n] = '\0';
}

bool wrtc_software_identify(const char *sw, char *product, size_t plen,
                            char *version, size_t vlen)
{
    size_t i;
    if (plen)
        product[0] = '\0';
    if (vlen)
        version[0] = '\0';
    if (!sw || !plen || !vlen)
        return false;
    for (i = 0; i < sizeof TABLE / sizeof TABLE[0]; i++) {
        const char *at = TABLE[i].where == AT_START
                             ? (strncmp(sw, TABLE[i].marker, strlen(TABLE[i].marker)) == 0 ? sw : NULL)
                             : strstr(sw, TABLE[i].marker);
        if (!at)
            continue;
        snprintf(product, plen, "%s", TABLE[i].product);
        if (TABLE[i].version_follows)
            copy_version(at + strlen(TABLE[i].marker), version, vlen);
        return true;
    }
    return false;
}
