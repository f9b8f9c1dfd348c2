/* plugin.c — the symbols Wireshark's plugin loader looks for.
 *
 * Wireshark generates this file for in-tree plugins (tools/make-plugin-reg.py);
 * an out-of-tree plugin writes it by hand. The loader checks
 * plugin_want_major/minor against its own version and refuses a plugin built
 * for another release (epan/plugins are ABI-bound to one minor version).
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#include <wireshark.h>
#include <epan/proto.h>

#include "compat.h"
#if WEBRTC_HAVE_PLUGIN_DESCRIBE
#include <wsutil/plugins.h> /* WS_PLUGIN_DESC_DISSECTOR */
#endif
#include "webrtc-plugin.h"

#ifndef WEBRTC_PLUGIN_VERSION
#define WEBRTC_PLUGIN_VERSION "0.0.0"
#endif

WS_DLL_PUBLIC_DEF const char plugin_version[] = WEBRTC_PLUGIN_VERSION;
WS_DLL_PUBLIC_DEF const int plugin_want_major = WIRESHARK_VERSION_MAJOR;
WS_DLL_PUBLIC_DEF const int plugin_want_minor = WIRESHARK_VERSION_MINOR;

WS_DLL_PUBLIC void plugin_register(void);
#if WEBRTC_HAVE_PLUGIN_DESCRIBE
WS_DLL_PUBLIC uint32_t plugin_describe(void);

uint32_t plugin_describe(void)
{
    return WS_PLUGIN_DESC_DISSECTOR;
}
#endif

void plugin_register(void)
{
    static proto_plugin plug;

    plug.register_protoinfo = proto_register_webrtc;
    plug.register_handoff = proto_reg_handoff_webrtc;
    proto_register_plugin(&plug);
}
