/* packet-webrtc.c — protocol, fields, expert infos, preferences and
 * hand-off. The per-packet logic lives in webrtc-demux.c, per-flow state in
 * webrtc-flow.c, and every decision rule in core/ (no epan there).
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#include "webrtc-plugin.h"
#include "webrtc-candidates.h"
#include "webrtc-dtls.h"

#include <epan/prefs.h>
#include <epan/proto_data.h>

#include "webrtc-flow.h"
#include "webrtc-srtcp.h"
#include "webrtc-srtp.h"
#include "demux.h"

int proto_webrtc = -1;

int hf_webrtc_class = -1;
int hf_webrtc_flow_reason = -1;
int hf_webrtc_flow_frame = -1;
int hf_webrtc_flow_srtp = -1;
int hf_webrtc_turn_channel = -1;
int hf_webrtc_srtcp_encrypted = -1;
int hf_webrtc_rfc4571_length = -1;
int hf_webrtc_session = -1;
int hf_webrtc_leg = -1;
int hf_webrtc_verdict = -1;
int hf_webrtc_leg_verdict = -1;
int hf_webrtc_score = -1;
int hf_webrtc_trait[9] = { -1, -1, -1, -1, -1, -1, -1, -1, -1 };
int hf_webrtc_media = -1;
int hf_webrtc_codec_guess = -1;
int hf_webrtc_server_software = -1;
int hf_webrtc_server_product = -1;
gint ett_webrtc_session = -1;
gint ett_webrtc = -1;
gint ett_webrtc_traits = -1;

void webrtc_note_tree_item(packet_info *pinfo, proto_item *ti)
{
    if (ti && !p_get_proto_data(pinfo->pool, pinfo, proto_webrtc, WEBRTC_PDATA_TREE_ITEM))
        p_add_proto_data(pinfo->pool, pinfo, proto_webrtc, WEBRTC_PDATA_TREE_ITEM, ti);
}

proto_item *webrtc_tree_item(packet_info *pinfo)
{
    return (proto_item *)p_get_proto_data(pinfo->pool, pinfo, proto_webrtc,
                                          WEBRTC_PDATA_TREE_ITEM);
}

expert_field ei_webrtc_rtp_detected = EI_INIT;
expert_field ei_webrtc_media_transport = EI_INIT;
expert_field ei_webrtc_rtcp_mux = EI_INIT;
expert_field ei_webrtc_rtcp_paired = EI_INIT;
expert_field ei_webrtc_event_accepted = EI_INIT;
expert_field ei_webrtc_event_rejected = EI_INIT;
expert_field ei_webrtc_in_turn = EI_INIT;
expert_field ei_webrtc_bad_header = EI_INIT;
expert_field ei_webrtc_not_rtp = EI_INIT;
expert_field ei_webrtc_cap_streams = EI_INIT;
expert_field ei_webrtc_cap_list = EI_INIT;
expert_field ei_webrtc_cap_flows = EI_INIT;
expert_field ei_webrtc_cap_tls = EI_INIT;

webrtc_prefs_t webrtc_prefs = {
    .corroborate = TRUE,
    .rtcp_mux = TRUE,
    .rtcp_pair = TRUE,
    .validate_events = TRUE,
    .judge_srtp = TRUE,
    .turn = TRUE,
    .session_model = TRUE,
    .flow_idle_gap_s = 60,
};

webrtc_handles_t webrtc_handles;

static const value_string webrtc_class_vals[] = {
    { WRTC_CLASS_UNKNOWN,     "Unknown" },
    { WRTC_CLASS_STUN,        "STUN (0-3)" },
    { WRTC_CLASS_ZRTP,        "ZRTP (16-19)" },
    { WRTC_CLASS_DTLS,        "DTLS (20-63)" },
    { WRTC_CLASS_CHANNELDATA, "TURN ChannelData (64-79)" },
    { WRTC_CLASS_QUIC,        "QUIC (80-127)" },
    { WRTC_CLASS_RTP,         "RTP (128-191)" },
    { WRTC_CLASS_RTCP,        "RTCP (128-191, type 192-223)" },
    { 0, NULL }
};

/* Protocols ids[0..n) (n <= 32) as bits 0..n-1; a missing protocol (id < 0)
 * never matches. The 64-bit filter of id mod 64 lets most layers (frame,
 * eth, ip, udp) pass after one test. */
void webrtc_layer_map_init(webrtc_layer_map_t *m, const int *ids, int n)
{
    int i;
    m->n = MIN(n, 32);
    m->filter = 0;
    for (i = 0; i < m->n; i++) {
        m->ids[i] = ids[i];
        if (ids[i] >= 0)
            m->filter |= G_GUINT64_CONSTANT(1) << (ids[i] & 63);
    }
}

/* Which of the map's protocols are among a frame's layers: one walk over
 * pinfo->layers (it holds protocol ids), where proto_is_frame_protocol()
 * compares filter names on every call. */
guint32 webrtc_layer_set(const wmem_list_t *layers, const webrtc_layer_map_t *m)
{
    wmem_list_frame_t *it;
    guint32 set = 0;
    int i;
    for (it = wmem_list_head((wmem_list_t *)layers); it; it = wmem_list_frame_next(it)) {
        int id = GPOINTER_TO_INT(wmem_list_frame_data(it));
        if (id < 0 || !(m->filter & (G_GUINT64_CONSTANT(1) << (id & 63))))
            continue;
        for (i = 0; i < m->n; i++)
            if (id == m->ids[i])
                set |= 1u << i;
    }
    return set;
}

void proto_register_webrtc(void)
{
    static hf_register_info hf[] = {
        { &hf_webrtc_class,
          { "RFC 7983 class", "webrtc.class", FT_UINT8, BASE_DEC,
            VALS(webrtc_class_vals), 0x0,
            "Protocol by the first byte of the datagram (RFC 7983, RFC 9443)", HFILL } },
        { &hf_webrtc_flow_reason,
          { "Media found by", "webrtc.flow.reason", FT_UINT8, BASE_DEC,
            VALS(webrtc_reason_vals), 0x0,
            "Why this 5-tuple is taken as a media transport", HFILL } },
        { &hf_webrtc_flow_frame,
          { "Evidence frame", "webrtc.flow.evidence_frame", FT_FRAMENUM, BASE_NONE,
            NULL, 0x0, "Frame in which the flow was identified", HFILL } },
        { &hf_webrtc_flow_srtp,
          { "Payload encrypted (SRTP)", "webrtc.flow.srtp", FT_BOOLEAN, BASE_NONE,
            NULL, 0x0, "RTP payloads on this flow are taken as SRTP", HFILL } },
        { &hf_webrtc_srtcp_encrypted,
          { "Encrypted SRTCP payload", "webrtc.srtcp.encrypted", FT_BYTES, BASE_NONE,
            NULL, 0x0, "SRTCP ciphertext after the 8 clear header bytes (RFC 3711 §3.4)", HFILL } },
        { &hf_webrtc_rfc4571_length,
          { "RFC 4571 length", "webrtc.rfc4571.length", FT_UINT16, BASE_DEC,
            NULL, 0x0, "Length prefix of a packet framed on TCP (RFC 4571 §2, ICE-TCP)", HFILL } },
        { &hf_webrtc_session,
          { "Session", "webrtc.session", FT_UINT32, BASE_DEC, NULL, 0x0,
            "Session (call) of this packet's flow; final with -2 and in the GUI", HFILL } },
        { &hf_webrtc_leg,
          { "Leg", "webrtc.leg", FT_UINT32, BASE_DEC, NULL, 0x0,
            "Leg of the session this packet's flow belongs to", HFILL } },
        { &hf_webrtc_verdict,
          { "Verdict", "webrtc.verdict", FT_STRING, BASE_NONE, NULL, 0x0,
            "webrtc, webrtc-likely, not-webrtc or undetermined (the session's)", HFILL } },
        { &hf_webrtc_leg_verdict,
          { "Leg verdict", "webrtc.leg.verdict", FT_STRING, BASE_NONE, NULL, 0x0,
            "webrtc, webrtc-likely, not-webrtc or undetermined (this packet's leg's own)", HFILL } },
        { &hf_webrtc_score,
          { "Score", "webrtc.score", FT_UINT8, BASE_DEC, NULL, 0x0,
            "0-100: how WebRTC-like the session is (docs/verdict.md)", HFILL } },
        { &hf_webrtc_trait[0], { "ICE", "webrtc.trait.ice", FT_BOOLEAN, BASE_NONE, NULL, 0x0,
            "The session uses ICE (STUN with ICE attributes)", HFILL } },
        { &hf_webrtc_trait[1], { "TURN", "webrtc.trait.turn", FT_BOOLEAN, BASE_NONE, NULL, 0x0,
            "The session is relayed through TURN", HFILL } },
        { &hf_webrtc_trait[2], { "SRTP", "webrtc.trait.srtp", FT_BOOLEAN, BASE_NONE, NULL, 0x0,
            "The session's RTP is encrypted", HFILL } },
        { &hf_webrtc_trait[3], { "DTLS-SRTP", "webrtc.trait.dtls_srtp", FT_BOOLEAN, BASE_NONE,
            NULL, 0x0, "SRTP keyed by DTLS on the media 5-tuple (RFC 5764)", HFILL } },
        { &hf_webrtc_trait[4], { "SDES", "webrtc.trait.sdes", FT_BOOLEAN, BASE_NONE, NULL, 0x0,
            "SRTP without DTLS or ZRTP on a 5-tuple an SDP names (keys from signaling)", HFILL } },
        { &hf_webrtc_trait[5], { "BUNDLE", "webrtc.trait.bundle", FT_BOOLEAN, BASE_NONE, NULL,
            0x0, "Audio and video on one 5-tuple (RFC 9143)", HFILL } },
        { &hf_webrtc_trait[6], { "rtcp-mux", "webrtc.trait.rtcp_mux", FT_BOOLEAN, BASE_NONE,
            NULL, 0x0, "RTCP on the RTP 5-tuple (RFC 5761)", HFILL } },
        { &hf_webrtc_trait[7], { "Web signaling", "webrtc.trait.web_signaling", FT_BOOLEAN,
            BASE_NONE, NULL, 0x0, "TLS from a session host shortly before the call", HFILL } },
        { &hf_webrtc_trait[8], { "Data channel", "webrtc.trait.datachannel", FT_BOOLEAN,
            BASE_NONE, NULL, 0x0, "DTLS application data (SCTP, RFC 8261) on the ICE 5-tuple",
            HFILL } },
        { &hf_webrtc_media,
          { "Media", "webrtc.media", FT_STRING, BASE_NONE, NULL, 0x0,
            "Media kind of this RTP packet's stream (guess)", HFILL } },
        { &hf_webrtc_codec_guess,
          { "Codec guess", "webrtc.codec_guess", FT_STRING, BASE_NONE, NULL, 0x0,
            "Codec of this RTP packet's stream, guessed, with its evidence", HFILL } },
        { &hf_webrtc_server_software,
          { "Server software", "webrtc.server.software", FT_STRING, BASE_NONE, NULL, 0x0,
            "STUN/TURN SOFTWARE attribute seen on this flow", HFILL } },
        { &hf_webrtc_server_product,
          { "Server product", "webrtc.server.product", FT_STRING, BASE_NONE, NULL, 0x0,
            "Product named by the SOFTWARE attribute", HFILL } },
        { &hf_webrtc_turn_channel,
          { "TURN channel", "webrtc.turn.channel", FT_UINT16, BASE_HEX,
            NULL, 0x0, "TURN channel number carrying this packet", HFILL } },
    };
    static gint *ett[] = { &ett_webrtc, &ett_webrtc_session, &ett_webrtc_traits };
    /* Groups (epan/proto.h, the list README.dissector refers to): how a
     * flow came to be decoded as media is an inference, not a protocol
     * violation (PI_PROTOCOL "violates a protocol specification"), so those
     * are PI_ASSUMPTION ("decode based on assumed value"), severity chat
     * (the usual workflow) or note (an RFC 4733 payload type refused). */
    static ei_register_info ei[] = {
        { &ei_webrtc_rtp_detected,
          { "webrtc.rtp.detected", PI_ASSUMPTION, PI_CHAT,
            "RTP detected without signaling", EXPFILL } },
        { &ei_webrtc_media_transport,
          { "webrtc.flow.claimed", PI_ASSUMPTION, PI_CHAT,
            "Media transport found by its context (ICE, DTLS, ZRTP or TURN)", EXPFILL } },
        { &ei_webrtc_rtcp_mux,
          { "webrtc.rtcp.mux", PI_ASSUMPTION, PI_CHAT,
            "RTCP multiplexed on RTP port (RFC 5761)", EXPFILL } },
        { &ei_webrtc_rtcp_paired,
          { "webrtc.rtcp.paired", PI_ASSUMPTION, PI_CHAT,
            "RTCP on RTP port + 1 paired with its RTP flow (RFC 3550 §11)", EXPFILL } },
        { &ei_webrtc_event_accepted,
          { "webrtc.rfc4733.accepted", PI_ASSUMPTION, PI_CHAT,
            "Payload type validated as RFC 4733 telephone-event", EXPFILL } },
        { &ei_webrtc_event_rejected,
          { "webrtc.rfc4733.rejected", PI_ASSUMPTION, PI_NOTE,
            "Payload type rejected as RFC 4733", EXPFILL } },
        { &ei_webrtc_in_turn,
          { "webrtc.turn.media", PI_ASSUMPTION, PI_CHAT,
            "Media inside TURN", EXPFILL } },
        { &ei_webrtc_bad_header,
          { "webrtc.malformed", PI_MALFORMED, PI_ERROR,
            "Malformed packet on a media flow", EXPFILL } },
        /* The same on a flow only ICE or TURN found (no DTLS, ZRTP, key or
         * corroboration): nothing proves that it carries RTP only, and
         * messengers run their own protocols after ICE (Telegram, WhatsApp):
         * a datagram that does not parse as RTP is another protocol's, not
         * an error (README.dissector: PI_UNDECODED, "dissection incomplete
         * or data can't be decoded for other reasons"). */
        { &ei_webrtc_not_rtp,
          { "webrtc.not_rtp", PI_UNDECODED, PI_NOTE,
            "RTP-class packet on an ICE/TURN flow is not RTP", EXPFILL } },
        /* Bounded state (docs/robustness.md): each on the packet that first
         * hits the cap, once per flow (per capture for the model-wide ones);
         * what is beyond is counted, not kept. PI_UNDECODED ("the protocol
         * dissection is incomplete here, usually PI_WARN"): from here on
         * the session model leaves out what it no longer tracks. Not
         * PI_SEQUENCE (a problem in the packets' order, as a TCP zero
         * window): nothing is wrong with the traffic. */
        { &ei_webrtc_cap_streams,
          { "webrtc.cap.streams", PI_UNDECODED, PI_WARN,
            "Streams per flow limit reached: further SSRCs are not tracked", EXPFILL } },
        { &ei_webrtc_cap_list,
          { "webrtc.cap.list", PI_UNDECODED, PI_WARN,
            "Per-flow list limit reached: further entries are not kept", EXPFILL } },
        { &ei_webrtc_cap_flows,
          { "webrtc.cap.flows", PI_UNDECODED, PI_WARN,
            "Session model flow limit reached: further flows are not tracked", EXPFILL } },
        { &ei_webrtc_cap_tls,
          { "webrtc.cap.tls", PI_UNDECODED, PI_WARN,
            "TLS connection limit reached: further connections are not remembered",
            EXPFILL } },
    };
    module_t *module;
    expert_module_t *expert;

    proto_webrtc = proto_register_protocol("WebRTC", "WebRTC", "webrtc");
    proto_register_field_array(proto_webrtc, hf, array_length(hf));
    proto_register_subtree_array(ett, array_length(ett));
    expert = expert_register_protocol(proto_webrtc);
    expert_register_field_array(expert, ei, array_length(ei));

    webrtc_handles.demux = register_dissector("webrtc.demux",
        webrtc_dissect_conversation, proto_webrtc);
    webrtc_tcp_register();
    webrtc_candidates_register();
    webrtc_flow_register();
    webrtc_facts_register();
    webrtc_srtp_register();
    webrtc_dtls_records_register();

    /* Protocols > WebRTC; `-o webrtc.NAME:TRUE|FALSE` in tshark. */
    module = prefs_register_protocol(proto_webrtc, NULL);
    prefs_register_bool_preference(module, "corroborate",
        "Find RTP without signaling by corroboration",
        "Take a UDP flow without ICE/DTLS as RTP once several packets agree "
        "(one SSRC, small sequence steps, timestamps following a media clock).",
        &webrtc_prefs.corroborate);
    prefs_register_bool_preference(module, "rtcp_mux",
        "Dissect RTCP multiplexed on the RTP port",
        "Hand packets whose second byte is 192-223 on an RTP flow to RTCP (RFC 5761).",
        &webrtc_prefs.rtcp_mux);
    prefs_register_bool_preference(module, "rtcp_pair",
        "Find RTCP on RTP port + 1",
        "Take RTCP-shaped packets between the same hosts on the ports after a found "
        "RTP flow as its RTCP (RFC 3550 §11).",
        &webrtc_prefs.rtcp_pair);
    prefs_register_bool_preference(module, "validate_events",
        "Validate RFC 4733 telephone events",
        "Decode a dynamic payload type as telephone-event only when its packets "
        "validate as events; otherwise never as RTP EVENT.",
        &webrtc_prefs.validate_events);
    prefs_register_bool_preference(module, "judge_srtp",
        "Judge SRTP from payload statistics",
        "Without DTLS on the flow, decide SRTP vs RTP from the byte distribution "
        "of the payloads; when off such flows are taken as plain RTP.",
        &webrtc_prefs.judge_srtp);
    prefs_register_bool_preference(module, "turn",
        "Demultiplex media inside TURN",
        "Apply the same demultiplexing to TURN ChannelData and Send/Data indication payloads.",
        &webrtc_prefs.turn);
    prefs_register_bool_preference(module, "session_model",
        "Build the session model while reading",
        "Group flows into sessions on the first pass, for Statistics > WebRTC Sessions. "
        "Costs a protocol tree per packet; -z webrtc,summary works without it.",
        &webrtc_prefs.session_model);
    prefs_register_uint_preference(module, "flow_idle_gap",
        "Flow idle gap (seconds)",
        "A 5-tuple silent for longer than this starts a new flow in the session model "
        "(ports are reused by later calls).",
        10, &webrtc_prefs.flow_idle_gap_s);
    webrtc_srtp_keys_register(module);
    webrtc_dtls_register();
}

void proto_reg_handoff_webrtc(void)
{
    webrtc_handles.stun = find_dissector_add_dependency("stun-udp", proto_webrtc);
    webrtc_handles.dtls = find_dissector_add_dependency("dtls", proto_webrtc);
    webrtc_handles.zrtp = find_dissector_add_dependency("zrtp", proto_webrtc);
    webrtc_handles.rtp = find_dissector_add_dependency("rtp", proto_webrtc);
    webrtc_handles.rtcp = find_dissector_add_dependency("rtcp", proto_webrtc);
    webrtc_srtcp_init();
    webrtc_rtp_handoff();
    webrtc_srtp_handoff();
    webrtc_srtp_keys_handoff();
    webrtc_facts_handoff();
    webrtc_dtls_handoff();
    webrtc_datachannel_handoff();
    webrtc_summary_register();
    webrtc_statstree_register();

    /* Heuristics are tried in reverse order of registration and plugins
     * register after the built-in dissectors, so these run first; each
     * rejects on the first byte before doing any work (README.heuristic). */
    heur_dissector_add("udp", webrtc_heur_udp, "WebRTC/RTP demultiplexer over UDP",
                       "webrtc_udp", proto_webrtc, HEURISTIC_ENABLE);
    /* UDP offers a 5-tuple to the dissector of its port before any
     * heuristic, and 3478 (STUN/TURN, RFC 8489 §18.6) is Wireshark's STUN:
     * the TURN messages of a client<->server 5-tuple would reach the
     * plugin only once media inside them was seen. The demultiplexer takes
     * the port and hands every STUN message on to Wireshark's STUN
     * dissector, so a relayed flow is claimed on its first TURN message,
     * also when the capture cut its DATA attribute away. */
    dissector_add_uint("udp.port", 3478,
                       create_dissector_handle(webrtc_dissect_turn_port, proto_webrtc));
    webrtc_tcp_handoff();   /* TCP 3478 likewise, for the TURN-TCP framing */
    webrtc_quic_handoff();
    heur_dissector_add("tcp", webrtc_heur_tcp, "WebRTC ICE-TCP (RFC 6544, RFC 4571 framing)",
                       "webrtc_tcp", proto_webrtc, HEURISTIC_ENABLE);
    heur_dissector_add("stun", webrtc_heur_turn, "WebRTC/RTP demultiplexer inside TURN",
                       "webrtc_stun", proto_webrtc, HEURISTIC_ENABLE);
    heur_dissector_add("turnchannel", webrtc_heur_turn,
                       "WebRTC/RTP demultiplexer inside TURN channels",
                       "webrtc_turnchannel", proto_webrtc, HEURISTIC_ENABLE);
    heur_dissector_add("classicstun", webrtc_heur_turn,
                       "WebRTC/RTP demultiplexer inside classic STUN",
                       "webrtc_classicstun", proto_webrtc, HEURISTIC_ENABLE);
}
