/* webrtc-summary.c — `tshark -z webrtc,summary[,json][,FILTER]`: a tap
 * listener on the "webrtc" tap feeds its own session model (so a display
 * filter limits the summary to the matching packets, as for other tshark
 * statistics) and prints it as text or JSON at the end.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#include "webrtc-plugin.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <epan/stat_tap_ui.h>
#include <epan/tap.h>

#include "report.h"
#include "session.h"

typedef struct {
    wrtc_model_t *model;     /* own model (filtered), or NULL: the whole capture's */
    gboolean json;
} summary_t;

static void summary_reset(void *p)
{
    summary_t *s = p;
    wrtc_model_free(s->model);
    s->model = webrtc_model_new();
}


static tap_packet_status summary_packet(void *p, packet_info *pinfo _U_, epan_dissect_t *edt _U_,
                                        const void *data, tap_flags_t flags _U_)
{
    summary_t *s = p;
    if (s->model)
        wrtc_model_add(s->model, (const wrtc_fact_t *)data);
    return TAP_PACKET_DONT_REDRAW;
}

static void summary_draw(void *p)
{
    summary_t *s = p;
    GString *out;
    wrtc_model_t *m = s->model ? s->model : webrtc_whole_capture();
    if (!m)
        return;
    out = g_string_new(NULL);
    if (s->json)
        wrtc_report_json(m, out);
    else
        wrtc_report_text(m, out);
    fputs(out->str, stdout);
    g_string_free(out, TRUE);
}

static void summary_finish(void *p)
{
    summary_t *s = p;
    wrtc_model_free(s->model);
    g_free(s);
}

/* opt_arg: "webrtc,summary", "webrtc,summary,json", "webrtc,summary,FILTER"
 * or "webrtc,summary,json,FILTER". */
static webrtc_stat_init_ret_t summary_init(const char *opt_arg, void *userdata _U_)
{
    static const char prefix[] = "webrtc,summary";
    const char *rest = opt_arg + strlen(prefix);
    const char *filter = NULL;
    summary_t *s = g_new0(summary_t, 1);
    GString *err;
    char *full_filter;

    if (*rest == ',')
        rest++;
    if (strncmp(rest, "json", 4) == 0 && (rest[4] == '\0' || rest[4] == ',')) {
        s->json = TRUE;
        rest += 4;
        if (*rest == ',')
            rest++;
    }
    if (*rest)
        filter = rest;
    if (!filter && webrtc_prefs.session_model) {
        /* The whole-capture model, built while reading (also the packets
         * before a flow was recognised), is the summary; the listener only
         * asks to be drawn at the end, and costs nothing per packet. */
        err = register_tap_listener("webrtc", s, NULL, 0, NULL, summary_packet,
                                    summary_draw, summary_finish);
    } else {
        /* A filter (or the session model off): an own model from the
         * matching packets. The facts are read from the protocol tree: ask
         * tshark for one, with the fields they come from (tshark primes a
         * postdissector's fields on the first pass only, a listener's filter
         * on every pass). */
        if (filter) {
            /* The user's filter alone first: a bad one is reported as the
             * user wrote it, with Wireshark's message, not inside the
             * expression below. */
            err = register_tap_listener("webrtc", s, filter, 0, NULL, NULL, NULL, NULL);
            if (err) {
                fprintf(stderr, "tshark: -z webrtc,summary: %s\n", err->str);
                g_string_free(err, TRUE);
                g_free(s);
                WEBRTC_STAT_INIT_RETURN(false);
            }
            remove_tap_listener(s);
        }
        s->model = webrtc_model_new();
        full_filter = webrtc_facts_filter(filter);
        err = register_tap_listener("webrtc", s, full_filter, TL_REQUIRES_PROTO_TREE,
                                    summary_reset, summary_packet, summary_draw, summary_finish);
        g_free(full_filter);
    }
    if (err) {
        fprintf(stderr, "tshark: -z webrtc,summary: %s\n", err->str);
        g_string_free(err, TRUE);
        wrtc_model_free(s->model);
        g_free(s);
        WEBRTC_STAT_INIT_RETURN(false);
    }
    if (s->model)
        webrtc_facts_want(TRUE);
    WEBRTC_STAT_INIT_RETURN(true);
}

static stat_tap_ui summary_ui = {
    REGISTER_STAT_GROUP_GENERIC,
    NULL,
    "webrtc,summary",
    summary_init,
    0,
    NULL
};

void webrtc_summary_register(void)
{
    register_stat_tap_ui(&summary_ui, NULL);
}
