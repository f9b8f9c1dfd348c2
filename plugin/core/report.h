/* report.h — the session model as text (tshark -z webrtc,summary) and as
 * one JSON document (-z webrtc,summary,json; schema in docs/summary-json.md).
 * Pure C + glib, no epan.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#ifndef WRTC_REPORT_H
#define WRTC_REPORT_H

#include <glib.h>

#include "session.h"

#define WRTC_SUMMARY_SCHEMA_VERSION 2

/* Both finish the model first. */
void wrtc_report_text(wrtc_model_t *m, GString *out);
void wrtc_report_json(wrtc_model_t *m, GString *out);

/* Short description of what a flow carries, e.g. "STUN/ICE DTLS-1.3 SRTP SRTCP(mux)". */
void wrtc_flow_contents_text(const wrtc_flow_t *f, GString *out);

#endif
