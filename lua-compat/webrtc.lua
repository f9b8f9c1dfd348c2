-- webrtc.lua — pure-Lua fallback of the wireshark-webrtc C plugin.
--
-- For Wireshark builds that cannot load the C plugin (a plugin loads only
-- into the minor release it was built for; vendor installers cannot be
-- rebuilt). Load it with `tshark -X lua_script:lua-compat/webrtc.lua` or copy
-- this folder's *.lua into the personal Lua plugins folder. It mirrors the C
-- plugin's demultiplexer (docs/heuristics.md) with the same field names;
-- what Lua cannot do is listed in docs/lua-compat.md.
--
-- The numbers it decides with are not copied here: webrtc_rules.lua is
-- generated from plugin/core/thresholds.h (lua-compat/gen_rules.py) and a
-- test fails when the two drift.
--
-- SPDX-License-Identifier: GPL-2.0-or-later

-- When the C plugin is loaded it owns the "webrtc" protocol and fields: say
-- so once and register nothing (no duplicate fields, no second heuristic).
-- Its dissector "webrtc.demux" is looked up rather than a field: a Field.new
-- would make Wireshark build a tree for every packet just for this check.
local have_c, c_demux = pcall(Dissector.get, "webrtc.demux")
if have_c and c_demux then
    io.stderr:write("webrtc.lua: the webrtc C plugin is loaded; the Lua fallback steps aside\n")
    return
end

local script_dir = (debug.getinfo(1, "S").source:match("^@(.*[/\\])") or "./")
local R = dofile(script_dir .. "webrtc_rules.lua")
local T = R.thresholds
local Model = dofile(script_dir .. "webrtc_model.lua")
Model.init(R)

-- Lua 5.2 (Wireshark 4.0) has bit32; Lua 5.3/5.4 builds (Wireshark 4.2 and later)
-- have Wireshark's BitOp library `bit` instead. Only small non-negative
-- values go through them, where both agree.
local bitlib = bit32 or bit
local unpack = table.unpack or unpack
local ei_lua_error -- webrtc.lua_error, registered with the other expert infos
local band, bor, rshift = bitlib.band, bitlib.bor, bitlib.rshift

-------------------------------------------------------------------------------
-- Protocol, fields, expert infos, preferences (plugin/packet-webrtc.c)
-------------------------------------------------------------------------------
local webrtc = Proto("webrtc", "WebRTC")

local CLASS = { UNKNOWN = 0, STUN = 1, ZRTP = 2, DTLS = 3, CHANNELDATA = 4,
                QUIC = 5, RTP = 6, RTCP = 7 }
local class_names = { [0] = "unknown", "STUN", "ZRTP", "DTLS", "TURN ChannelData",
                      "QUIC", "RTP", "RTCP" }
local class_vals = { [0] = "Unknown", "STUN (0-3)", "ZRTP (16-19)", "DTLS (20-63)",
                     "TURN ChannelData (64-79)", "QUIC (80-127)", "RTP (128-191)",
                     "RTCP (128-191, type 192-223)" }
-- 7 (SRTP_KEY: a configured key's tag verifies) needs decryption, which
-- the fallback does not do: listed for the same field, never set.
local REASON = { NONE = 0, ICE = 1, DTLS = 2, ZRTP = 3, TURN = 4, CORROBORATED = 5,
                 RTCP_PAIR = 6, SRTP_KEY = 7 }
local reason_vals = { [0] = "not media", "ICE (STUN on the 5-tuple)",
                      "DTLS-SRTP (DTLS on the 5-tuple)", "ZRTP on the 5-tuple",
                      "inside TURN", "RTP headers corroborated across packets",
                      "RTCP on RTP port + 1", "SRTP authenticated with a configured key" }

local hf = {
    class = ProtoField.uint8("webrtc.class", "RFC 7983 class", base.DEC, class_vals, nil,
        "Protocol by the first byte of the datagram (RFC 7983, RFC 9443)"),
    reason = ProtoField.uint8("webrtc.flow.reason", "Media found by", base.DEC, reason_vals,
        nil, "Why this 5-tuple is taken as a media transport"),
    frame = ProtoField.framenum("webrtc.flow.evidence_frame", "Evidence frame", base.NONE,
        nil, nil, "Frame in which the flow was identified"),
    srtp = ProtoField.bool("webrtc.flow.srtp", "Payload encrypted (SRTP)", base.NONE, nil,
        nil, "RTP payloads on this flow are taken as SRTP"),
    srtcp_encrypted = ProtoField.bytes("webrtc.srtcp.encrypted", "Encrypted SRTCP payload",
        base.NONE, "SRTCP ciphertext after the 8 clear header bytes (RFC 3711 §3.4)"),
    rfc4571_length = ProtoField.uint16("webrtc.rfc4571.length", "RFC 4571 length", base.DEC,
        nil, nil, "Length prefix of a packet framed on TCP (RFC 4571 §2, ICE-TCP)"),
    session = ProtoField.uint32("webrtc.session", "Session", base.DEC, nil, nil,
        "Session (call) of this packet's flow; final with -2 and in the GUI"),
    leg = ProtoField.uint32("webrtc.leg", "Leg", base.DEC, nil, nil,
        "Leg of the session this packet's flow belongs to"),
    leg_verdict = ProtoField.string("webrtc.leg.verdict", "Leg verdict", base.NONE,
        "webrtc, webrtc-likely, not-webrtc or undetermined (this packet's leg's own)"),
    verdict = ProtoField.string("webrtc.verdict", "Verdict", base.NONE,
        "webrtc, webrtc-likely, not-webrtc or undetermined (the session's)"),
    score = ProtoField.uint8("webrtc.score", "Score", base.DEC, nil, nil,
        "0-100: how WebRTC-like the session is (docs/verdict.md)"),
    trait_ice = ProtoField.bool("webrtc.trait.ice", "ICE", base.NONE, nil, nil,
        "The session uses ICE (STUN with ICE attributes)"),
    trait_turn = ProtoField.bool("webrtc.trait.turn", "TURN", base.NONE, nil, nil,
        "The session is relayed through TURN"),
    trait_srtp = ProtoField.bool("webrtc.trait.srtp", "SRTP", base.NONE, nil, nil,
        "The session's RTP is encrypted"),
    trait_dtls_srtp = ProtoField.bool("webrtc.trait.dtls_srtp", "DTLS-SRTP", base.NONE, nil,
        nil, "SRTP keyed by DTLS on the media 5-tuple (RFC 5764)"),
    trait_sdes = ProtoField.bool("webrtc.trait.sdes", "SDES", base.NONE, nil, nil,
        "SRTP without DTLS or ZRTP on a 5-tuple an SDP names (keys from signaling)"),
    trait_bundle = ProtoField.bool("webrtc.trait.bundle", "BUNDLE", base.NONE, nil, nil,
        "Audio and video on one 5-tuple (RFC 9143)"),
    trait_rtcp_mux = ProtoField.bool("webrtc.trait.rtcp_mux", "rtcp-mux", base.NONE, nil,
        nil, "RTCP on the RTP 5-tuple (RFC 5761)"),
    trait_web_signaling = ProtoField.bool("webrtc.trait.web_signaling", "Web signaling",
        base.NONE, nil, nil, "TLS from a session host shortly before the call"),
    trait_datachannel = ProtoField.bool("webrtc.trait.datachannel", "Data channel",
        base.NONE, nil, nil, "DTLS application data (SCTP, RFC 8261) on the ICE 5-tuple"),
    datachannel = ProtoField.uint32("webrtc.datachannel", "Data-channel records", base.DEC, nil,
        nil, "DTLS application-data records on an ICE transport: SCTP of WebRTC data "
        .. "channels (RFC 8261), counted from the record headers"),
    datachannel_bytes = ProtoField.uint32("webrtc.datachannel.bytes", "Data-channel bytes",
        base.DEC, nil, nil, "Length of those records on the wire, record headers included"),
    media = ProtoField.string("webrtc.media", "Media", base.NONE,
        "Media kind of this RTP packet's stream (guess)"),
    codec_guess = ProtoField.string("webrtc.codec_guess", "Codec guess", base.NONE,
        "Codec of this RTP packet's stream, guessed, with its evidence"),
    server_software = ProtoField.string("webrtc.server.software", "Server software",
        base.NONE, "STUN/TURN SOFTWARE attribute seen on this flow"),
    server_product = ProtoField.string("webrtc.server.product", "Server product", base.NONE,
        "Product named by the SOFTWARE attribute"),
    turn_channel = ProtoField.uint16("webrtc.turn.channel", "TURN channel", base.HEX, nil,
        nil, "TURN channel number carrying this packet"),
    -- SRTP decryption (plugin/webrtc-srtp.c): registered so that filters
    -- and columns naming them work; Lua does not decrypt (docs/lua-compat.md).
    srtp_decrypted = ProtoField.bool("webrtc.srtp.decrypted", "Decrypted", base.NONE, nil, nil,
        "The SRTP/SRTCP packet authenticated and is shown decrypted"),
    srtp_key_source = ProtoField.string("webrtc.srtp.key_source", "Key source", base.NONE,
        "Where the master key used (or tried) came from"),
    srtp_auth_ok = ProtoField.bool("webrtc.srtp.auth_ok", "Authentication OK", base.NONE, nil,
        nil, "The authentication tag verified with the key"),
    srtp_roc = ProtoField.uint32("webrtc.srtp.roc", "Rollover counter", base.DEC, nil, nil,
        "The SRTP packet index's rollover counter (RFC 3711 §3.3.1), shown when not 0"),
    srtp_padding_encrypted = ProtoField.bool("webrtc.srtp.padding_encrypted",
        "Padding count encrypted", base.NONE, nil, nil,
        "The SRTP packet has the P bit set; its padding count is the last byte of the "
        .. "encrypted payload (RFC 3711 §3.1), not the packet's: Wireshark's RTP "
        .. "dissector is given a copy with the P bit cleared"),
    -- DTLS 1.3 record decryption (plugin/webrtc-dtls.c): registered for
    -- filters and columns; Lua decrypts no DTLS (docs/lua-compat.md).
    dtls13_epoch = ProtoField.uint8("webrtc.dtls13.epoch", "Epoch (low bits)", base.DEC, nil,
        nil, "EE bits of the unified header (RFC 9147 §4)"),
    dtls13_seq = ProtoField.uint64("webrtc.dtls13.seq", "Sequence number", base.DEC, nil, nil,
        "Decrypted and reconstructed record number (RFC 9147 §4.2.2-§4.2.3)"),
    dtls13_content_type = ProtoField.uint8("webrtc.dtls13.content_type", "Content type",
        base.DEC, nil, nil, "Inner content type (RFC 8446 §5.2)"),
    dtls13_length = ProtoField.uint32("webrtc.dtls13.length", "Plaintext length", base.DEC),
    dtls13_handshake_type = ProtoField.uint8("webrtc.dtls13.handshake_type", "Handshake type",
        base.DEC),
    dtls13_alert = ProtoField.uint8("webrtc.dtls13.alert", "Alert description", base.DEC, nil,
        nil, "RFC 8446 §6 (0: close_notify)"),
    dtls13_failed = ProtoField.bool("webrtc.dtls13.failed", "Not decrypted (authentication failed)"),
}
local hf_list = {}
for _, f in pairs(hf) do hf_list[#hf_list + 1] = f end
webrtc.fields = hf_list

local ei = {
    rtp_detected = ProtoExpert.new("webrtc.rtp.detected", "RTP detected without signaling",
        expert.group.ASSUMPTION, expert.severity.CHAT),
    media_transport = ProtoExpert.new("webrtc.flow.claimed",
        "Media transport found by its context (ICE, DTLS, ZRTP or TURN)",
        expert.group.ASSUMPTION, expert.severity.CHAT),
    rtcp_mux = ProtoExpert.new("webrtc.rtcp.mux", "RTCP multiplexed on RTP port (RFC 5761)",
        expert.group.ASSUMPTION, expert.severity.CHAT),
    rtcp_paired = ProtoExpert.new("webrtc.rtcp.paired",
        "RTCP on RTP port + 1 paired with its RTP flow (RFC 3550 §11)",
        expert.group.ASSUMPTION, expert.severity.CHAT),
    event_accepted = ProtoExpert.new("webrtc.rfc4733.accepted",
        "Payload type validated as RFC 4733 telephone-event",
        expert.group.ASSUMPTION, expert.severity.CHAT),
    event_rejected = ProtoExpert.new("webrtc.rfc4733.rejected",
        "Payload type rejected as RFC 4733", expert.group.ASSUMPTION, expert.severity.NOTE),
    in_turn = ProtoExpert.new("webrtc.turn.media", "Media inside TURN",
        expert.group.ASSUMPTION, expert.severity.CHAT),
    bad_header = ProtoExpert.new("webrtc.malformed", "Malformed packet on a media flow",
        expert.group.MALFORMED, expert.severity.ERROR),
    -- on a flow only ICE/TURN found (plugin/packet-webrtc.c: why)
    not_rtp = ProtoExpert.new("webrtc.not_rtp", "RTP-class packet on an ICE/TURN flow is not RTP",
        expert.group.UNDECODED, expert.severity.NOTE),
}
-- Bounded state (docs/robustness.md): on the packet that first hits a cap.
ei.cap_streams = ProtoExpert.new("webrtc.cap.streams",
    "Streams per flow limit reached: further SSRCs are not tracked",
    expert.group.UNDECODED, expert.severity.WARN)
ei.cap_list = ProtoExpert.new("webrtc.cap.list",
    "Per-flow list limit reached: further entries are not kept",
    expert.group.UNDECODED, expert.severity.WARN)
ei.cap_flows = ProtoExpert.new("webrtc.cap.flows",
    "Session model flow limit reached: further flows are not tracked",
    expert.group.UNDECODED, expert.severity.WARN)
ei.cap_tls = ProtoExpert.new("webrtc.cap.tls",
    "TLS connection limit reached: further connections are not remembered",
    expert.group.UNDECODED, expert.severity.WARN)
ei.srtp_auth_failed = ProtoExpert.new("webrtc.srtp.auth_failed", "SRTP authentication failed",
    expert.group.DECRYPTION, expert.severity.WARN)
ei.srtp_roc_found = ProtoExpert.new("webrtc.srtp.roc_found",
    "SRTP rollover counter found by trial", expert.group.DECRYPTION, expert.severity.NOTE)
ei.srtp_sdes_refused = ProtoExpert.new("webrtc.srtp.sdes_refused",
    "SDES key not used: a session parameter changes the SRTP transform",
    expert.group.DECRYPTION, expert.severity.NOTE)
ei.srtp_plain_rtcp = ProtoExpert.new("webrtc.srtp.plain_rtcp",
    "Plain RTCP (no SRTCP trailer) on an SRTP session", expert.group.PROTOCOL,
    expert.severity.NOTE)
-- A Lua error caught by protect() (below); the C plugin has no such thing.
ei_lua_error = ProtoExpert.new("webrtc.lua_error", "Lua error in the WebRTC fallback",
    expert.group.MALFORMED, expert.severity.ERROR)
webrtc.experts = { ei_lua_error, ei.srtp_auth_failed, ei.srtp_roc_found, ei.srtp_sdes_refused, ei.srtp_plain_rtcp, ei.rtp_detected,
                   ei.media_transport, ei.rtcp_mux, ei.rtcp_paired, ei.event_accepted,
                   ei.event_rejected, ei.in_turn, ei.bad_header, ei.not_rtp, ei.cap_streams, ei.cap_list,
                   ei.cap_flows, ei.cap_tls }

-- Protocols > WebRTC, `-o webrtc.NAME:TRUE|FALSE` (same names as the C plugin).
webrtc.prefs.corroborate = Pref.bool("Find RTP without signaling by corroboration", true,
    "Take a UDP flow without ICE/DTLS as RTP once several packets agree "
    .. "(one SSRC, small sequence steps, timestamps following a media clock).")
webrtc.prefs.rtcp_mux = Pref.bool("Dissect RTCP multiplexed on the RTP port", true,
    "Hand packets whose second byte is 192-223 on an RTP flow to RTCP (RFC 5761).")
webrtc.prefs.rtcp_pair = Pref.bool("Find RTCP on RTP port + 1", true,
    "Take RTCP-shaped packets between the same hosts on the ports after a found "
    .. "RTP flow as its RTCP (RFC 3550 §11).")
webrtc.prefs.validate_events = Pref.bool("Validate RFC 4733 telephone events", true,
    "Decode a dynamic payload type as telephone-event only when its packets "
    .. "validate as events; otherwise never as RTP EVENT.")
webrtc.prefs.judge_srtp = Pref.bool("Judge SRTP from payload statistics", true,
    "Without DTLS on the flow, decide SRTP vs RTP from the byte distribution "
    .. "of the payloads; when off such flows are taken as plain RTP.")
webrtc.prefs.turn = Pref.bool("Demultiplex media inside TURN", true,
    "Apply the same demultiplexing to TURN ChannelData and Send/Data indication payloads.")
webrtc.prefs.session_model = Pref.bool("Build the session model while reading", true,
    "Group flows into sessions while reading, for the webrtc.session, webrtc.verdict, "
    .. "... fields of every packet. Costs a protocol tree per packet; -z webrtc,summary "
    .. "works without it.")
webrtc.prefs.flow_idle_gap = Pref.uint("Flow idle gap (seconds)", 60,
    "A 5-tuple silent for longer than this starts a new flow in the session model "
    .. "(ports are reused by later calls).")

local prefs = webrtc.prefs

-------------------------------------------------------------------------------
-- Guarded entry points. Every function Wireshark calls (dissectors,
-- heuristics, the postdissector, tap packet/draw/reset, the -z and menu
-- callbacks, dissect_tcp_pdus' callbacks) runs through protect(): a Lua
-- error is caught here, reported once per entry point (one stderr line and,
-- on packets, the expert info webrtc.lua_error) and the call returns as if
-- it had declined. Wireshark 4.0 is not safe against errors escaping a
-- callback: an error of a tap's packet callback whose error handler fails
-- in turn (LUA_ERRERR, e.g. once the Lua C-call depth is exhausted) or an
-- error in a __gc metamethod (LUA_ERRGCMM) ends in
-- wslua_listener.c:111 `ws_assert_not_reached()` (SIGABRT), and an error
-- in a dissect_tcp_pdus callback is re-thrown as a C exception through the
-- Lua VM. docs/lua-compat.md, "Errors".
--
-- Test-only hooks (tests/lua/test_lua_guard.py): WEBRTC_LUA_FAULT=ENTRY@FRAME
-- raises, inside entry point ENTRY on frame FRAME (or on its first call
-- for "ENTRY@0"), an error from a __gc metamethod, which is what takes
-- 4.0 down from a tap callback; WEBRTC_LUA_UNGUARDED=1 switches protect()
-- off, to show that the guard is what keeps tshark alive.
-------------------------------------------------------------------------------
local fault_entry, fault_frame = (os.getenv("WEBRTC_LUA_FAULT") or ""):match("^([%w_.]+)@(%d+)$")
fault_frame = tonumber(fault_frame)
local unguarded = os.getenv("WEBRTC_LUA_UNGUARDED") == "1"

local function inject_fault(entry, frame)
    if entry ~= fault_entry then return end
    if fault_frame ~= 0 and frame ~= fault_frame then return end
    fault_entry = nil
    setmetatable({}, { __gc = function() error("injected fault (WEBRTC_LUA_FAULT)") end })
    collectgarbage()
    error("injected fault (WEBRTC_LUA_FAULT)")
end

local lua_errors_reported = {}

-- Report the error once per entry point; an expert info on the packet
-- where there is a tree to put it in (never raising itself).
local function report_error(entry, err, tvb, tree)
    local msg = tostring(err):gsub("\n.*", "")
    if not lua_errors_reported[entry] then
        lua_errors_reported[entry] = true
        pcall(function()
            io.stderr:write(string.format("webrtc.lua: Lua error in %s (reported once, tshark "
                .. "carries on): %s\n", entry, msg))
        end)
    end
    if tree and tvb then
        pcall(function()
            tree:add_proto_expert_info(ei_lua_error, string.format("Lua error in %s: %s",
                entry, msg))
        end)
    end
end

-- protect(ENTRY, FN, DECLINE, ARGS): FN wrapped for Wireshark; ARGS says
-- where tvb, pinfo and tree are among its arguments ("tpt": tvb, pinfo,
-- tree; "pt": pinfo, tvb of a tap; "" none). On an error it returns DECLINE.
local function protect(entry, fn, decline, args)
    if unguarded then
        if not fault_entry then return fn end
        return function(...)
            local a = { ... }
            local pinfo = args == "tpt" and a[2] or args == "pt" and a[1] or nil
            inject_fault(entry, pinfo and pinfo.number or 0)
            return fn(...)
        end
    end
    return function(...)
        local a, n = { ... }, select("#", ...)
        local ok, r = pcall(function()
            if fault_entry then
                local pinfo = args == "tpt" and a[2] or args == "pt" and a[1] or nil
                inject_fault(entry, pinfo and pinfo.number or 0)
            end
            return fn(unpack(a, 1, n))
        end)
        if ok then return r end
        if args == "tpt" then
            report_error(entry, r, a[1], a[3])
        else
            report_error(entry, r)
        end
        return decline
    end
end

-------------------------------------------------------------------------------
-- Byte helpers over a Lua string (tvb:raw), 1-based like string.byte
-------------------------------------------------------------------------------
local sbyte = string.byte
local function rd16(p, i) local a, b = sbyte(p, i, i + 1); return a * 256 + b end
local function rd32(p, i)
    local a, b, c, d = sbyte(p, i, i + 3)
    return ((a * 256 + b) * 256 + c) * 256 + d
end

-------------------------------------------------------------------------------
-- Classifier and validators (plugin/core/demux.c). Every validator reads at
-- most `len` captured bytes and checks lengths against `wire`, the
-- datagram's length on the wire (larger when the snaplen cut it): a
-- header-only capture decides like a full one.
-------------------------------------------------------------------------------
local function classify(p, len)
    if len == 0 then return CLASS.UNKNOWN end
    local b = sbyte(p, 1)
    if b <= 3 then return CLASS.STUN end
    if b >= 16 and b <= 19 then return CLASS.ZRTP end
    if b >= 20 and b <= 63 then return CLASS.DTLS end
    if b >= 64 and b <= 79 then return CLASS.CHANNELDATA end
    if b >= 80 and b <= 127 then return CLASS.QUIC end
    if b >= 128 and b <= 191 then
        -- RFC 5761 §4: RTCP packet types 192-223 in the second byte.
        if len >= 2 then
            local b2 = sbyte(p, 2)
            if b2 >= 192 and b2 <= 223 then return CLASS.RTCP end
        end
        return CLASS.RTP
    end
    return CLASS.UNKNOWN
end

-- STUN method (RFC 8489 §5: the 12 M bits of the message type).
local function stun_method(p, len)
    if len < 2 then return 0 end
    local t = rd16(p, 1)
    return band(t, 0x000F) + rshift(band(t, 0x00E0), 1) + rshift(band(t, 0x3E00), 2)
end
local STUN_BINDING, STUN_SEND, STUN_DATA = 0x001, 0x006, 0x007

-- STUN (RFC 8489 §5): top bits zero, magic cookie, header + length equal
-- to the datagram on the wire. The length need not be a multiple of 4:
-- real stacks (WhatsApp's Allocate requests) send unpadded lengths, which
-- Wireshark's STUN dissector takes, and a heuristic that takes a packet
-- this one refused moves ahead of it in the UDP list. Methods above 0xFF
-- are reserved for DTLS-SRTP demultiplexing (RFC 7983 §5).
local function stun_valid(p, len, wire, stream)
    if len < 8 or wire < 20 or band(sbyte(p, 1), 0xC0) ~= 0 then return false end
    local mlen = rd16(p, 3)
    if stun_method(p, len) > 0xFF then return false end
    if rd32(p, 5) ~= 0x2112A442 then return false end
    if stream then return 20 + mlen <= wire end
    return 20 + mlen == wire
end

-- RFC 8656 §17: Allocate, Refresh, Send, Data, CreatePermission, ChannelBind.
local turn_methods = { [3] = true, [4] = true, [6] = true, [7] = true, [8] = true,
                       [9] = true }

-- The DATA attribute (RFC 8656 §18.4) of a Send or Data indication whose
-- attribute header is in the captured bytes: its value's 0-based offset and
-- length on the wire, or nil.
local function stun_data_attr(p, len, wire)
    if len < 20 then return nil end
    local o, e = 20, 20 + rd16(p, 3)
    if e > wire then return nil end
    while o + 4 <= e and o + 4 <= len do
        local t, alen = rd16(p, o + 1), rd16(p, o + 3)
        if o + 4 + alen > e then return nil end
        if t == 0x0013 then return o + 4, alen end
        o = o + 4 + band(alen + 3, 0x1FFFC)
    end
    return nil
end

-- Is this (valid) STUN message part of ICE (plugin/core/demux.c
-- wrtc_stun_ice)? A request or indication carrying PRIORITY, USE-CANDIDATE,
-- ICE-CONTROLLED or ICE-CONTROLLING (RFC 8445 §7.1), a response carrying
-- MESSAGE-INTEGRITY (checks are authenticated, RFC 8445 §7.2.2). A request
-- with fewer attribute bytes than a check needs, or with an RFC 5780 NAT
-- test attribute, is plain STUN.
local STUN_PLAIN, STUN_ICE, STUN_NOT_CAPTURED = 0, 1, 2
local function stun_ice(p, len, wire)
    if len < 20 then return STUN_NOT_CAPTURED end
    local response = band(sbyte(p, 1), 0x01) ~= 0   -- class bit C1: success or error
    local e = 20 + rd16(p, 3)
    if e > wire then e = wire end
    -- USERNAME, PRIORITY, ICE-CONTROLLED/-CONTROLLING and MESSAGE-INTEGRITY
    -- (RFC 8445 §7.1, RFC 8489 §14): at least 8 + 8 + 12 + 24 bytes.
    if not response and e - 20 < T.ICE_CHECK_MIN_ATTRS then return STUN_PLAIN end
    local off = 20
    while off + 4 <= e do
        if off + 4 > len then return STUN_NOT_CAPTURED end
        local t, alen = rd16(p, off + 1), rd16(p, off + 3)
        if response then
            if t == 0x0008 then return STUN_ICE end
        else
            if t == 0x0024 or t == 0x0025 or t == 0x8029 or t == 0x802A then return STUN_ICE end
            -- CHANGE-REQUEST, PADDING, RESPONSE-PORT (RFC 5780 §7): a NAT
            -- behaviour test, no connectivity check.
            if t == 0x0003 or t == 0x0026 or t == 0x0027 then return STUN_PLAIN end
        end
        off = off + 4 + band(alen + 3, 0x1FFFC)
    end
    if off >= e or e <= len then return STUN_PLAIN end
    return STUN_NOT_CAPTURED
end

-- Every record a DTLSPlaintext record (RFC 6347 §4.1) or a DTLS 1.3 unified
-- header record (RFC 9147 §4), walked on the captured bytes, the lengths
-- against the wire: a capture cut inside a record still shows a valid
-- header; a record header not captured at all ends the walk.
local function dtls_valid(p, len, wire)
    if len > wire then len = wire end
    local off, records = 0, 0
    while off < wire do
        local left = wire - off
        local have = off < len and len - off or 0
        if have == 0 then return records > 0 and left >= 3 end
        local t = sbyte(p, off + 1)
        if t >= 20 and t <= 25 then
            if have < 13 then
                -- A later record's header cut: what is there must fit.
                local v1 = have >= 2 and sbyte(p, off + 2) or nil
                local v2 = have >= 3 and sbyte(p, off + 3) or nil
                return records > 0 and left >= 13 and (have < 2 or v1 == 0xFE) and
                       (have < 3 or v2 == 0xFF or v2 == 0xFD or v2 == 0xFC)
            end
            local v1, v2 = sbyte(p, off + 2, off + 3)
            if v1 ~= 0xFE or (v2 ~= 0xFF and v2 ~= 0xFD and v2 ~= 0xFC) then return false end
            local rl = rd16(p, off + 12)
            if rl == 0 or 13 + rl > left then return false end
            off = off + 13 + rl
        elseif band(t, 0xE0) == 0x20 then
            local hl = 1 + ((band(t, 0x08) ~= 0) and 2 or 1)
            if band(t, 0x10) ~= 0 then return left > hl + 2 end
            if band(t, 0x04) ~= 0 then
                if left < hl + 2 then return false end
                if have < hl + 2 then return true end   -- length not captured
                local rl = rd16(p, off + hl + 1)
                if rl == 0 or hl + 2 + rl > left then return false end
                off = off + hl + 2 + rl
            else
                if left <= hl then return false end
                off = wire
            end
        else
            return false
        end
        records = records + 1
    end
    return records > 0
end

-- The application-data records of a DTLS datagram, from their headers
-- (core/dtls_records.c): DTLS 1.2 content type 23; DTLS 1.3 unified
-- headers of an application epoch (EE ~= 2) whose ciphertext length is 1
-- modulo 4 (an SCTP packet + content type + tag; ACKs and alerts are 3).
local function dtls_count_records(p, len, wire)
    if len > wire then len = wire end
    local off, recs, bytes = 0, 0, 0
    while off < wire do
        local left = wire - off
        local have = off < len and len - off or 0
        if have == 0 then break end
        local t = sbyte(p, off + 1)
        if t >= 20 and t <= 25 then
            if have < 13 then break end
            local rl = rd16(p, off + 12)
            if 13 + rl > left then break end
            if t == 23 then recs, bytes = recs + 1, bytes + 13 + rl end
            off = off + 13 + rl
        elseif band(t, 0xE0) == 0x20 then
            local hl = 1 + ((band(t, 0x08) ~= 0) and 2 or 1)
            local ct_len, rec_len
            if band(t, 0x10) ~= 0 then break end
            if band(t, 0x04) ~= 0 then
                if have < hl + 2 then break end
                ct_len = rd16(p, off + hl + 1)
                rec_len = hl + 2 + ct_len
                if rec_len > left then break end
            else
                if left <= hl then break end
                ct_len, rec_len = left - hl, left
            end
            if band(t, 0x03) ~= 2 and ct_len >= 21 and ct_len % 4 == 1 then
                recs, bytes = recs + 1, bytes + rec_len
            end
            off = off + rec_len
        else
            break
        end
    end
    return recs, bytes
end

-- A DTLS 1.3 unified-header record (RFC 9147 §4) before any handshake on
-- the 5-tuple: no connection ID, the length present (L bit), the records'
-- lengths adding up to the datagram exactly.
local function dtls13_record_strict(p, len, wire)
    if len > wire then len = wire end
    local off = 0
    while off < wire do
        if off + 1 > len then return false end
        local t = sbyte(p, off + 1)
        if band(t, 0xE0) ~= 0x20 or band(t, 0x10) ~= 0 or band(t, 0x04) == 0 then
            return false
        end
        local hl = 1 + ((band(t, 0x08) ~= 0) and 2 or 1)
        if off + hl + 2 > len then return false end
        local rl = rd16(p, off + hl + 1)
        if rl == 0 or off + hl + 2 + rl > wire then return false end
        off = off + hl + 2 + rl
    end
    return off == wire
end

-- TURN ChannelData (RFC 8656 §12.4/§12.5), on UDP: padding optional.
local function channeldata_valid(p, len, wire)
    if len < 4 or wire < 4 then return false end
    local ch = rd16(p, 1)
    if ch < 0x4000 or ch > 0x4FFF then return false end
    local dl = rd16(p, 3)
    local padded = band(dl + 3, 0x1FFFC)
    if 4 + dl > wire then return false end
    return wire == 4 + dl or wire == 4 + padded
end

-- ZRTP (RFC 6189 §5): the version and magic cookie captured, a header, a
-- message preamble and the CRC on the wire.
local function zrtp_valid(p, len, wire)
    return len >= 8 and wire >= 28 and band(sbyte(p, 1), 0xF0) == 0x10 and p:sub(5, 8) == "ZRTP"
end

local RTP_OK = "ok"
local RTP_TOO_SHORT = "shorter than the 12-byte RTP header"
local RTP_EXT_OVERFLOW = "header extension runs past the packet"
-- RTP header (RFC 3550 §5.1, RFC 8285). Returns status and a header table.
-- The fixed header must be captured; the rest is checked against the wire
-- length and read only where captured. With `srtp` the padding count is
-- not checked (SRTP encrypts it, RFC 3711 §3.1); a count not captured is
-- unknown, not wrong.
local function rtp_parse(p, len, wire, srtp)
    if len > wire then len = wire end
    if len < 12 then return RTP_TOO_SHORT end
    local b0, b1 = sbyte(p, 1, 2)
    if rshift(b0, 6) ~= 2 then return "version is not 2" end
    local h = { padding = band(b0, 0x20) ~= 0, extension = band(b0, 0x10) ~= 0,
                cc = band(b0, 0x0F), marker = band(b1, 0x80) ~= 0, pt = band(b1, 0x7F),
                padding_len = 0, payload_captured = 0, header_cut = false }
    if h.marker and h.pt >= T.RTCP_CONFLICT_PT_FIRST and h.pt <= T.RTCP_CONFLICT_PT_LAST then
        return "payload type 64-95 with marker: RTCP (RFC 5761)"
    end
    h.seq = rd16(p, 3)
    h.ts = rd32(p, 5)
    h.ssrc = rd32(p, 9)
    h.cut = len < wire
    local off = 12 + h.cc * 4
    if off > wire then return "CSRC list runs past the packet" end
    if h.extension then
        if off + 4 > wire then return RTP_EXT_OVERFLOW end
        if off + 4 > len then
            -- The extension's length not captured: the header is at least
            -- this long; its end and the payload are unknown.
            h.header_len = off + 4
            h.header_cut = true
            h.payload_len = wire - h.header_len
            return RTP_OK, h
        end
        local elen = rd16(p, off + 3) * 4
        off = off + 4
        if off + elen > wire then return RTP_EXT_OVERFLOW end
        off = off + elen
    end
    h.header_len = off
    h.header_cut = off > len
    if h.padding and not srtp and not h.cut then
        -- RFC 3550 §5.1: the last octet counts the padding, itself included.
        local pad = sbyte(p, wire)
        if pad == 0 or pad > wire - off then
            return "padding count inconsistent with the packet"
        end
        h.padding_len = pad
    end
    h.payload_len = wire - off - h.padding_len
    h.payload_captured = len > off and len - off or 0
    if h.payload_captured > h.payload_len then h.payload_captured = h.payload_len end
    return RTP_OK, h
end

-- The fixed header and CSRC list only, for an RTP packet whose X bit is set
-- but whose extension header does not fit (Discord's voice encrypts all
-- after the fixed header); only for a stream known from valid packets.
-- As plugin/core/demux.c wrtc_rtp_parse_fixed: parsed from a copy of at
-- most 72 captured bytes with the X bit cleared.
local function rtp_parse_fixed(p, len, wire)
    if len < 12 then return RTP_TOO_SHORT end
    local n = math.min(len, 12 + 15 * 4)
    local q = string.char(band(sbyte(p, 1), 0xEF)) .. p:sub(2, n)
    local st, h = rtp_parse(q, n, wire, true)
    if st ~= RTP_OK then return st end
    h.extension = true
    h.ext_unreadable = true
    return RTP_OK, h
end

-- RTCP compound walk (RFC 3550 §6.1); SRTCP when only the first packet is
-- in the clear (RFC 3711 §3.4); "cut" when valid as far as captured and the
-- rest was cut by the snaplen.
local function rtcp_shape(p, len, wire)
    if len > wire then len = wire end
    if len < 8 then return "invalid" end
    local b0, b1 = sbyte(p, 1, 2)
    if rshift(b0, 6) ~= 2 or b1 < 192 or b1 > 223 then return "invalid" end
    local first_len = (rd16(p, 3) + 1) * 4
    if first_len > wire then return "invalid" end
    local off, plain = 0, true
    while off < wire do
        if off + 4 > len and len < wire then return "cut" end
        if wire - off < 4 then plain = false; break end
        local c0, c1 = sbyte(p, off + 1, off + 2)
        if rshift(c0, 6) ~= 2 or c1 < 192 or c1 > 223 then plain = false; break end
        local plen = (rd16(p, off + 3) + 1) * 4
        if plen > wire - off then plain = false; break end
        if band(c0, 0x20) ~= 0 and off + plen ~= wire then plain = false; break end
        off = off + plen
    end
    if plain and off == wire then return "plain" end
    if wire >= first_len + 4 then return "srtcp" end
    return "invalid"
end

-------------------------------------------------------------------------------
-- Corroboration (plugin/core/corroborate.c)
-------------------------------------------------------------------------------
local clock_match = Model.clock_match

local TRACK_STARTED, TRACK_AGREES, TRACK_CORROBORATED, TRACK_RESET = 0, 1, 2, 3
local CORR_NONE, CORR_CLOCK, CORR_BURST, CORR_EVENT = 0, 1, 2, 3

local function event_code_known(code)
    return code <= 16 or (code >= 32 and code <= 49)
end

-- One RFC 4733 event block (RFC 4733 §2.3): event, E|R|volume, duration.
-- Only a payload of exactly one block, fully captured, counts. `p` is nil
-- when the payload was not captured; `off` its 0-based start.
local function event_block(h, p, off, captured)
    if not p or h.header_cut or h.payload_len ~= 4 or captured < 4 then return nil end
    local code, flags, d1, d2 = sbyte(p, off + 1, off + 4)
    if not event_code_known(code) or band(flags, 0x40) ~= 0 then return nil end
    return code, band(flags, 0x80) ~= 0, d1 * 256 + d2
end

local function track_start(tr, h, p, off, captured, t)
    tr.active = true
    tr.ssrc = h.ssrc
    tr.last_seq = h.seq
    tr.first_ts, tr.last_ts = h.ts, h.ts
    tr.first_time, tr.last_time = t, t
    tr.ts_advance = 0
    tr.agreeing = 1
    tr.clock_rate = 0
    tr.steps_exact = true
    tr.one_pt = true
    tr.pt = h.pt
    tr.len_min, tr.len_max = h.payload_len, h.payload_len
    local code, ended, duration = event_block(h, p, off, captured)
    tr.event_ok = code ~= nil
    tr.event_code, tr.event_end, tr.first_duration = code or 0, ended or false, duration or 0
    tr.last_duration = tr.first_duration
    tr.event_rate = 0
    tr.how = CORR_NONE
end

-- Packets that keep the first packet's timestamp: the updates of one
-- RFC 4733 event (§2.5.1.3, its end repeated, §2.5.1.4), or a video frame's
-- fragments sharing the frame's timestamp (RFC 3550 §5.1).
local function same_timestamp(tr, h, p, off, captured, t)
    if h.payload_len < tr.len_min then tr.len_min = h.payload_len end
    if h.payload_len > tr.len_max then tr.len_max = h.payload_len end
    if not tr.event_ok then return end
    local code, ended, duration = event_block(h, p, off, captured)
    if not code or code ~= tr.event_code or duration < tr.last_duration or
       (tr.event_end and not ended) then
        tr.event_ok = false
        return
    end
    tr.event_end = ended
    if duration > tr.last_duration then
        tr.last_duration = duration
        -- Events go with audio: its clocks, at most 48 kHz (RFC 4733 §2.3.5).
        tr.event_rate = clock_match(duration - tr.first_duration, t - tr.first_time)
        if tr.event_rate == 0 or tr.event_rate > 48000 then tr.event_ok = false end
    end
end

-- Static payload types of video (RFC 3551 §6: JPEG 26, H261 31, MPV 32,
-- MP2T 33, H263 34): fragments cut at picture structures, not to equal sizes.
local function static_video_pt(pt) return pt == 26 or (pt >= 31 and pt <= 34) end

-- Feed one RTP-shaped packet; `p`/`off` hold the `captured` payload bytes
-- (p nil: not captured).
local function track_update(tr, h, p, off, captured, t)
    if not tr.active then track_start(tr, h, p, off, captured, t); return TRACK_STARTED end
    if h.ssrc ~= tr.ssrc or t - tr.last_time > T.TRACK_MAX_GAP_S or t < tr.first_time then
        track_start(tr, h, p, off, captured, t); return TRACK_RESET
    end
    local step = (h.seq - tr.last_seq) % 65536
    if step == 0 and h.ts == tr.last_ts then
        -- A duplicate (a retransmitted RFC 4733 end packet, a network
        -- duplicate): it neither advances nor disproves the track.
        return tr.how ~= CORR_NONE and TRACK_CORROBORATED or TRACK_AGREES
    end
    if step == 0 or (step > T.MAX_SEQ_STEP and step < 65536 - T.MAX_SEQ_BACKSTEP) then
        track_start(tr, h, p, off, captured, t); return TRACK_RESET
    end
    if step > T.MAX_SEQ_STEP then
        -- A late packet: it neither advances nor disproves the track.
        return tr.how ~= CORR_NONE and TRACK_CORROBORATED or TRACK_AGREES
    end
    -- Timestamps advance by the media clock (RFC 3550 §5.1); a step back
    -- larger than a B-frame reorder is not RTP of one source.
    local ts_step = (h.ts - tr.last_ts) % 4294967296
    if ts_step >= 2147483648 then
        track_start(tr, h, p, off, captured, t); return TRACK_RESET
    end
    if step ~= 1 then tr.steps_exact = false end
    if h.pt ~= tr.pt then tr.one_pt = false end
    if tr.ts_advance + ts_step == 0 then same_timestamp(tr, h, p, off, captured, t) end
    tr.ts_advance = tr.ts_advance + ts_step
    tr.last_ts = h.ts
    tr.last_seq = h.seq
    tr.last_time = t
    if tr.ts_advance > 0 then
        tr.clock_rate = clock_match(tr.ts_advance, t - tr.first_time)
        if tr.clock_rate == 0 then track_start(tr, h, p, off, captured, t); return TRACK_RESET end
    end
    tr.agreeing = tr.agreeing + 1
    if tr.how ~= CORR_NONE then return TRACK_CORROBORATED end
    if tr.agreeing < T.CORROBORATE_PACKETS then return TRACK_AGREES end
    if tr.ts_advance > 0 then
        tr.how = CORR_CLOCK
    elseif tr.steps_exact and tr.event_ok and tr.event_rate ~= 0 then
        tr.how = CORR_EVENT
    elseif tr.steps_exact and tr.one_pt and tr.len_min >= T.BURST_MIN_PAYLOAD and
           (tr.len_max - tr.len_min <= T.BURST_SIZE_SPREAD or static_video_pt(tr.pt)) and
           t - tr.first_time <= T.BURST_MAX_S then
        tr.how = CORR_BURST
    end
    return tr.how ~= CORR_NONE and TRACK_CORROBORATED or TRACK_AGREES
end

-- The evidence of a corroborated track (corroborate.c wrtc_track_evidence).
local function track_evidence(tr)
    if tr.how == CORR_EVENT then
        return string.format("SSRC 0x%08x: %d RFC 4733 event packets in sequence, durations "
            .. "advancing at %d Hz", tr.ssrc, tr.agreeing, tr.event_rate)
    elseif tr.how == CORR_BURST then
        return string.format("SSRC 0x%08x: %d packets in sequence of one frame, payloads of "
            .. "%d-%d bytes (%s)", tr.ssrc, tr.agreeing, tr.len_min, tr.len_max,
            tr.len_max - tr.len_min <= T.BURST_SIZE_SPREAD and "a packetizer's fragments"
            or "static video payload type, RFC 3551 §6")
    end
    return string.format("SSRC 0x%08x: %d packets in sequence, timestamps advancing at %d Hz",
        tr.ssrc, tr.agreeing, tr.clock_rate)
end

-- Payload entropy (plugin/core/entropy.c), one table of functions.
local Entropy = {}

-------------------------------------------------------------------------------
-- SRTP or plain RTP from the payload bytes (plugin/core/entropy.c)
-------------------------------------------------------------------------------
function Entropy.add(e, p, off, len)
    if len > 0 and e.first_packets < T.ENTROPY_FIRST_BYTES then
        local b = sbyte(p, off + 1)
        if not e.first_seen[b] then
            e.first_seen[b] = true
            e.first_distinct = e.first_distinct + 1
        end
        e.first_packets = e.first_packets + 1
    end
    local n = math.min(len, T.ENTROPY_MIN_BYTES - e.total)
    if n > 0 then
        local hist = e.hist
        for i = off + 1, off + n do
            local b = sbyte(p, i)
            hist[b] = hist[b] + 1
        end
        e.total = e.total + n
    end
end

function Entropy.ready(e)
    return e.total >= T.ENTROPY_MIN_BYTES and e.first_packets >= T.ENTROPY_FIRST_BYTES
end

function Entropy.chi2(e)
    if e.total == 0 then return 0 end
    local expect, chi2 = e.total / 256.0, 0
    for i = 0, 255 do
        local d = e.hist[i] - expect
        chi2 = chi2 + d * d / expect
    end
    return chi2
end

function Entropy.encrypted(e)
    return Entropy.ready(e) and Entropy.chi2(e) < T.ENTROPY_CHI2_RANDOM and
           e.first_distinct >= T.ENTROPY_FIRST_DISTINCT
end

-- Short flows (a messenger's path change, a call's first second): a smaller
-- sample is "encrypted" already when nearly every packet so far starts with
-- a different byte (at most one in eight repeats one), which no codec
-- header does (entropy.c wrtc_entropy_early_encrypted).
function Entropy.early_encrypted(e)
    return e.first_packets >= T.ENTROPY_EARLY_PACKETS and
           (e.first_packets - e.first_distinct) * 8 <= e.first_packets and
           e.total >= T.ENTROPY_EARLY_BYTES and Entropy.chi2(e) < T.ENTROPY_CHI2_RANDOM
end

function Entropy.new()
    local hist = {}
    for i = 0, 255 do hist[i] = 0 end
    return { hist = hist, total = 0, first_seen = {}, first_distinct = 0, first_packets = 0 }
end


-------------------------------------------------------------------------------
-- Where the SRTCP E-flag/index word is (plugin/core/srtcp_layout.c): the
-- candidate trailer whose index behaves like a per-sender counter. The C
-- plugin hands the result to Wireshark's SRTP/SRTCP set-up; Lua cannot, but
-- needs it for the SRTP payload lengths the C plugin's facts see.
-------------------------------------------------------------------------------
local SL = R.srtcp_layout

local function layout_new()
    return { sender = {}, next_slot = 1, agree = {}, decided = -1, decided_frame = 0 }
end

local function layout_update(l, p, len, frame)
    if l.decided >= 0 or len < 8 + 4 + 10 then return l.decided end
    local ssrc = rd32(p, 5)
    local s, fresh
    for i = 1, SL.SENDERS do
        local x = l.sender[i]
        if x and x.ssrc == ssrc then s, fresh = x, false; break end
    end
    if not s then
        s = { ssrc = ssrc, last_index = {} }
        l.sender[l.next_slot] = s
        l.next_slot = l.next_slot % SL.SENDERS + 1
        fresh = true
    end
    for c = 1, SL.CANDIDATES do
        local off = len - 4 - SL.tail_len[c]
        local w = rd32(p, off + 1)
        local idx = w % 2147483648
        local e = w >= 2147483648
        l.agree[c] = l.agree[c] or 0
        local last = s.last_index[c] or 0
        if not e then
            l.agree[c] = 0
        elseif not fresh and idx > last and idx - last <= 8 then
            l.agree[c] = l.agree[c] + 1
        end
        s.last_index[c] = idx
    end
    for c = 1, SL.CANDIDATES do
        if l.agree[c] >= SL.AGREE then
            l.decided = c - 1
            l.decided_frame = frame
            break
        end
    end
    return l.decided
end

-- The SRTP authentication tag Wireshark's RTP dissector would have been told
-- of for an RTP packet of frame `frame` on the C plugin's first pass: none
-- until the SRTCP trailer is known, then 16 (AEAD, RFC 7714) or 10
-- (HMAC-SHA1-80) bytes (plugin/webrtc-flow.c webrtc_flow_srtcp_layout).
local function srtp_tag_len(f, frame)
    local l = f.srtcp_layout
    if not l or l.decided < 0 or frame <= l.decided_frame then return 0 end
    return SL.tail_len[l.decided + 1] == 0 and 16 or 10
end

-------------------------------------------------------------------------------
-- RFC 4733 telephone-event validation (plugin/core/rfc4733.c)
-------------------------------------------------------------------------------
local EV_UNDECIDED, EV_YES, EV_NO = 0, 1, 2

local function ev_reject(e, why, frame)
    e.verdict, e.reason, e.decided_frame = EV_NO, why, frame
    return EV_NO
end

-- 1-based index of the primary 4-byte block, or nil and why.
local function primary_block(p, off, len)
    if len == 4 then return off + 1 end
    local o, data = 0, 0
    while o < len and band(sbyte(p, off + o + 1), 0x80) ~= 0 do
        if o + 4 > len then return nil, "truncated RFC 2198 header" end
        local blen = band(sbyte(p, off + o + 3), 0x03) * 256 + sbyte(p, off + o + 4)
        if blen ~= 4 then return nil, "redundant block is not a 4-byte event" end
        data = data + blen
        o = o + 4
    end
    if o == 0 then return nil, "payload is not one 4-byte event block" end
    o = o + 1
    if o + data + 4 ~= len then return nil, "RFC 2198 block lengths do not add up" end
    return off + len - 4 + 1
end

local function events_update(e, p, off, len, rtp_ts, t, frame)
    if e.verdict == EV_NO then return e.verdict end
    if len == 0 then return e.verdict end
    if len > T.EVENT_MAX_PAYLOAD then
        return ev_reject(e, "payload too large for an event", frame)
    end
    local b, why = primary_block(p, off, len)
    if not b then return ev_reject(e, why, frame) end
    local code, flags, d1, d2 = sbyte(p, b, b + 3)
    if not event_code_known(code) then return ev_reject(e, "unknown event code", frame) end
    if band(flags, 0x40) ~= 0 then return ev_reject(e, "reserved bit set", frame) end
    local ended = band(flags, 0x80) ~= 0
    local duration = d1 * 256 + d2
    if e.packets == 0 then
        e.first_time = t
    elseif rtp_ts == e.cur_ts then
        if duration < e.cur_duration then
            return ev_reject(e, "event duration decreases", frame)
        end
        if e.cur_ended and not ended then
            return ev_reject(e, "event continues after its end bit", frame)
        end
    end
    if e.packets > 0 and rtp_ts == e.cur_ts and ended and e.cur_ended and
       duration == e.cur_duration then
        -- RFC 4733 §2.5.1.4: the final packet is sent three times, often
        -- within a millisecond: a repeat is no update and does not count
        -- for the update rate below.
        e.end_repeats = e.end_repeats + 1
    else
        if e.packets == 0 or rtp_ts ~= e.cur_ts then
            e.events = e.events + 1
            e.cur_ts = rtp_ts
        end
        e.cur_duration = duration
        e.cur_ended = ended
        e.last_time = t
    end
    if ended then e.end_bits = e.end_bits + 1 end
    e.packets = e.packets + 1
    if e.packets >= T.EVENT_MIN_PACKETS and e.end_bits > 0 then
        local updates = e.packets - e.end_repeats
        local mean = updates > 1 and (e.last_time - e.first_time) / (updates - 1) or 1.0
        if mean < T.EVENT_MIN_INTERVAL_S then
            return ev_reject(e, "packet rate too high for event updates", frame)
        end
        e.verdict, e.decided_frame = EV_YES, frame
    end
    return e.verdict
end

-------------------------------------------------------------------------------
-------------------------------------------------------------------------------
-- Per-5-tuple flow state (plugin/webrtc-flow.c). Lua has no conversation
-- data: flows live in a table keyed by the 5-tuple, emptied with the capture.
-------------------------------------------------------------------------------
local PT_TCP, PT_UDP = 2, 3
local flows = {}
-- SSRCs known to be RTP (first pass): on a flow whose context proves it, or
-- confirmed on one. A call that ICE moves to another 5-tuple keeps its
-- SSRCs (RFC 8445 §12), so the new path needs no confirmation.
local known_ssrcs = {}

local function endpoint(addr, port) return tostring(addr) .. "|" .. port end

local function tuple_key(ptype, a, b, inner)
    if b < a then a, b = b, a end
    return (inner and "T" or "O") .. ptype .. "|" .. a .. "|" .. b
end

local function flow_get(pinfo, inner, create)
    local pt = pinfo.port_type
    if pt ~= PT_UDP and pt ~= PT_TCP then return nil end
    local a = endpoint(pinfo.src, pinfo.src_port)
    local b = endpoint(pinfo.dst, pinfo.dst_port)
    local key = tuple_key(pt, a, b, inner)
    local f = flows[key]
    if not f and create and not pinfo.visited then
        f = { key = key, ep = { a, b }, addr = { tostring(pinfo.src), tostring(pinfo.dst) },
              port = { pinfo.src_port, pinfo.dst_port }, ptype = pt,
              first_frame = pinfo.number, inside_turn = inner and true or false,
              stun_frame = 0, dtls_frame = 0, zrtp_frame = 0, turn_methods = false,
              stun_requests = false, stun_ice_requests = false,
              media_frame = 0, reason = REASON.NONE, is_rtcp_only = false, srtp = false,
              srtp_decided = false, srtp_frame = 0,
              rtcp_mux_frame = 0, first_rtp_frame = 0, turn_media_frame = 0,
              turn_channel = 0, track = { {}, {} }, alt_track = {}, pstart = { {}, {} },
              corroborated_frame = 0, rtcp_pending_frame = 0, rtcp_pending_srtcp = false,
              rtcp_pair_frame = 0, events = {}, n_events = 0, ssrc_cand = {} }
        flows[key] = f
    end
    return f
end

local function flow_dir(f, pinfo)
    return endpoint(pinfo.src, pinfo.src_port) == f.ep[1] and 1 or 2
end

-- The flow whose ports are `delta` above this one's, same hosts (RFC 3550 §11).
local function port_pair_flow(f, delta)
    local a = f.addr[1] .. "|" .. (f.port[1] + delta)
    local b = f.addr[2] .. "|" .. (f.port[2] + delta)
    return flows[tuple_key(f.ptype, a, b, false)]
end

-- Our dissector becomes the 5-tuple's conversation dissector, so that
-- packets come to us before the heuristics of other protocols (the STUN
-- heuristic would keep the 5-tuple, Wireshark issue 18832). UDP only: on
-- TCP the framing dissector owns the stream.
local function take_conversation(pinfo, f)
    if pinfo.visited or f.ptype ~= PT_UDP or f.conversation_taken then return end
    pinfo.conversation = webrtc
    f.conversation_taken = true
end

local function has_context(f)
    return f.stun_frame ~= 0 or f.dtls_frame ~= 0 or f.zrtp_frame ~= 0 or f.inside_turn
end

-- RTCP only (RTCP on port + 1), first pass; SRTCP when its RTP flow is SRTP
-- or the RTCP itself is SRTCP-shaped (RFC 3711 §3.4).
local function claim_rtcp(pinfo, f, rtp, srtcp)
    if pinfo.visited or f.media_frame ~= 0 then return end
    f.media_frame = pinfo.number
    f.reason = REASON.RTCP_PAIR
    f.is_rtcp_only = true
    f.srtp = rtp.srtp or srtcp
    f.srtp_decided = rtp.srtp_decided or srtcp
    f.evidence = string.format(
        "RTCP between the same hosts on the ports after RTP flow %d/%d (found in frame %d)",
        rtp.port[1], rtp.port[2], rtp.media_frame)
    take_conversation(pinfo, f)
end

-- RTCP on port + 1 seen before its RTP flow was found (RFC 3550 §11):
-- paired now; an SRTCP-shaped one makes the RTCP flow SRTCP.
local function pair_pending_rtcp(pinfo, f)
    if not prefs.rtcp_pair or (f.reason ~= REASON.CORROBORATED and f.reason ~= REASON.SRTP_KEY) or
       f.ptype ~= PT_UDP or f.port[1] >= 65535 or f.port[2] >= 65535 then
        return
    end
    local rtcp = port_pair_flow(f, 1)
    if rtcp and rtcp.rtcp_pending_frame ~= 0 and rtcp.media_frame == 0 then
        claim_rtcp(pinfo, rtcp, f, rtcp.rtcp_pending_srtcp)
    end
end

local release_rtp -- below (held RTP)

local function claim_media(pinfo, f, why, evidence)
    if pinfo.visited or f.media_frame ~= 0 then return end
    f.media_frame = pinfo.number
    f.reason = why
    f.evidence = evidence
    take_conversation(pinfo, f)
    pair_pending_rtcp(pinfo, f)
    -- The RTP before this packet, which a later pass dissects as RTP.
    release_rtp(pinfo, f, pinfo.number)
end

-- SRTP or RTP decided for the flow (first pass). A flow claimed as RTP that
-- turns out SRTP is "set up again" (the C plugin tells Wireshark; here the
-- flag changes) with its RTCP on port + 1.
local function decide_srtp(pinfo, f, srtp, why)
    if pinfo.visited or f.srtp_decided then return end
    local upgrade = srtp and not f.srtp and f.media_frame ~= 0
    f.srtp_decided = true
    f.srtp_frame = pinfo.number
    f.srtp_evidence = why
    f.srtp = srtp
    if not upgrade or f.is_rtcp_only then return end
    pair_pending_rtcp(pinfo, f)
    local rtcp = f.ptype == PT_UDP and f.port[1] < 65535 and f.port[2] < 65535 and
                 port_pair_flow(f, 1) or nil
    if rtcp and rtcp.is_rtcp_only and not rtcp.srtp then decide_srtp(pinfo, rtcp, true, why) end
end

local function rtp_of_rtcp(f)
    if f.port[1] == 0 or f.port[2] == 0 or f.ptype ~= PT_UDP then return nil end
    return port_pair_flow(f, -1)
end

-------------------------------------------------------------------------------
-- The per-packet path (plugin/webrtc-demux.c)
-------------------------------------------------------------------------------
local dissectors = {}
local function handle(name)
    if dissectors[name] == nil then
        local ok, d = pcall(Dissector.get, name)
        dissectors[name] = ok and d or false
    end
    return dissectors[name] or nil
end

-- A Wireshark dissector throwing (malformed packet) shows the exception in
-- the tree; Dissector:call then raises a Lua error, which must not escape.
--
-- A packet cut by the snaplen is handed on as what was captured (a tvb
-- whose reported length is its captured length). Wireshark 4.0's
-- Dissector:call catches only CATCH_NONFATAL_ERRORS (ReportedBoundsError,
-- ContainedBoundsError, ScsiBoundsError, ReassemblyError): the BoundsError
-- of a dissector reading past the captured bytes of a cut packet would
-- longjmp through the Lua VM past its pcalls, leaving the VM's C-call count
-- 2 higher each time. On a capture cut at 300 bytes that is every large
-- DTLS, STUN and RTP packet: after ~100 of them the next Lua call fails with
-- "C stack overflow", its error handler cannot run (LUA_ERRERR), and the
-- tap listener's packet callback ends in wslua_listener.c:111
-- ws_assert_not_reached() (issue 18). Cut, the dissector sees the end of
-- the captured bytes as the end of the packet: ReportedBoundsError, caught.
local unclamped = os.getenv("WEBRTC_LUA_UNCLAMPED") == "1"  -- test-only: the issue-18 abort
local function clamp(tvb)
    local cap = tvb:len()
    if unclamped then return tvb end
    if cap >= tvb:reported_len() then return tvb end
    if cap == 0 then return nil end
    return tvb(0, cap):tvb()
end

local function call_handle(d, tvb, pinfo, tree)
    local t = clamp(tvb)
    if not t then return 0 end
    local ok, n = pcall(d.call, d, t, pinfo, tree)
    if not ok then return tvb:reported_length_remaining() end
    if t ~= tvb and n == t:len() then return tvb:reported_len() end
    return n
end

local function call(name, tvb, pinfo, tree)
    local d = handle(name)
    if not d then return 0 end
    return call_handle(d, tvb, pinfo, tree)
end

-- SRTP or RTP from the flow's context (first pass): true when that decides
-- it (webrtc-demux.c srtp_from_context).
local function srtp_from_context(f)
    -- RFC 5764 §4.1: DTLS on the media 5-tuple keys SRTP.
    if f.dtls_frame ~= 0 then return true, true, "DTLS-SRTP" end
    if f.zrtp_frame ~= 0 then return true, true, "ZRTP" end  -- RFC 6189 §4.6.4
    if not prefs.judge_srtp then return true, false, "payload judging off" end
    return false
end

-- Feed the SRTP judgement of a flow whose SRTP/RTP is not decided yet with
-- the captured payload bytes of one RTP packet; decide when enough are in.
local function judge_payloads(pinfo, f, p, off, captured)
    if f.srtp_decided then return end
    local known, srtp, why = srtp_from_context(f)
    if known then decide_srtp(pinfo, f, srtp, why); return end
    if not f.entropy then f.entropy = Entropy.new() end
    Entropy.add(f.entropy, p, off, captured)
    if Entropy.early_encrypted(f.entropy) and not Entropy.ready(f.entropy) then
        decide_srtp(pinfo, f, true,
            "payload bytes uniformly distributed, each packet's first byte different")
        return
    end
    if not Entropy.ready(f.entropy) then return end
    srtp = Entropy.encrypted(f.entropy)
    decide_srtp(pinfo, f, srtp,
        srtp and "payload bytes uniformly distributed" or "payload bytes not random")
end

local function context_evidence(f)
    if f.inside_turn then
        return string.format("relayed inside TURN (frame %d)%s", f.first_frame,
            f.dtls_frame ~= 0 and " with DTLS" or "")
    end
    if f.dtls_frame ~= 0 then
        return string.format("5-tuple carries DTLS (frame %d)", f.dtls_frame)
    end
    if f.zrtp_frame ~= 0 then
        return string.format("5-tuple carries ZRTP (frame %d)", f.zrtp_frame)
    end
    return string.format("5-tuple carries ICE/STUN (frame %d)", f.stun_frame)
end

local function context_reason(f)
    if f.inside_turn then return REASON.TURN end
    if f.dtls_frame ~= 0 then return REASON.DTLS end
    if f.zrtp_frame ~= 0 then return REASON.ZRTP end
    return REASON.ICE
end

-- First pass: a flow with context is claimed on its first context packet
-- (an ICE check, a DTLS record, ZRTP, anything inside TURN), before any
-- media, so that a one-pass run shows every media packet after it; a
-- context that decides SRTP (DTLS, ZRTP) decides it. A client<->TURN server
-- 5-tuple carrying TURN methods is no media transport itself (the media
-- inside it is), unless RTP/RTCP (`media`) runs on it directly (WhatsApp's
-- relays, after their Allocate exchange).
local function claim_on_context(pinfo, f, media)
    if pinfo.visited then return end
    local known, srtp, why = srtp_from_context(f)
    if known and (f.dtls_frame ~= 0 or f.zrtp_frame ~= 0 or f.media_frame == 0) then
        decide_srtp(pinfo, f, srtp, why)
    end
    -- DTLS or ZRTP after the claim: its SSRCs need no confirmation any
    -- more (a later pass shows all of them), so the held ones count; only
    -- on the record that changes that (webrtc-demux.c claim_on_context).
    if pinfo.number == f.dtls_frame or pinfo.number == f.zrtp_frame then
        release_rtp(pinfo, f, pinfo.number)
    end
    if f.media_frame ~= 0 or (f.turn_methods and not f.inside_turn and not media) then return end
    claim_media(pinfo, f, context_reason(f), context_evidence(f))
end

local function add_webrtc_tree(tvb, tree, cls, f)
    local r0 = tvb(0, 0)
    local ti = tree:add(webrtc, r0)
    ti:set_generated()
    ti:add(hf.class, tvb(0, 1), cls):set_generated()
    if f and f.media_frame ~= 0 then
        ti:add(hf.reason, r0, f.reason):set_generated()
        ti:add(hf.frame, r0, f.media_frame):set_generated()
        ti:add(hf.srtp, r0, f.srtp):set_generated()
    end
    if f and f.turn_channel ~= 0 then
        ti:add(hf.turn_channel, r0, f.turn_channel):set_generated()
    end
    ti:append_text(", " .. class_names[cls])
    return ti
end

-- The claim, once, on the frame that made it: a media transport found by
-- its context, or RTP found without any signaling.
local function add_claim_expert(pinfo, ti, f)
    if f.media_frame == 0 or pinfo.number ~= f.media_frame or not ti then return end
    -- "without signaling" only where nothing signaled the flow (DTLS or
    -- ZRTP on it; webrtc-demux.c add_claim_expert)
    if (f.reason == REASON.CORROBORATED or f.reason == REASON.SRTP_KEY) and
       f.dtls_frame == 0 and f.zrtp_frame == 0 then
        ti:add_proto_expert_info(ei.rtp_detected, "RTP detected without signaling: " .. f.evidence)
    elseif not f.is_rtcp_only then
        ti:add_proto_expert_info(ei.media_transport, "Media transport: " .. f.evidence)
    end
end

-- Held RTP (webrtc-flow.c webrtc_flow_holds_rtp/hold/release): RTP packets
-- the session model has not counted yet because their flow is not claimed,
-- or (ICE/TURN without DTLS/ZRTP) their SSRC is not confirmed: the packets a
-- later pass dissects as RTP once the flow or the SSRC is known. They are
-- replayed into the whole-capture model when that happens, so that its
-- streams equal the RTP dissection of a two-pass run packet for packet. At
-- most hold.MAX per flow (webrtc-flow.h WEBRTC_MAX_HELD_RTP); full, the
-- oldest half goes.
--
-- Nothing is held or replayed when the run taps its first pass while a
-- WebRTC summary listens (tshark without -2): the summary then counts what
-- that pass dissected as RTP, as Wireshark's RTP taps of the run do. The C
-- plugin asks the tap system (a probe tap); Lua learns it from its own
-- summary Listener: its packet callback running for the frame whose
-- dissection just ran unvisited (hold.tapped). Lua's pinfo.visited cannot
-- tell in a tap: Wireshark marks the frame visited at the end of its
-- dissection (epan/packet.c dissect_record), before the taps run, so the
-- postdissector notes each frame's number and visited flag (hold.frame,
-- hold.visited) and the tap compares. The tap runs after the frame's
-- dissection: packets of the first frame are held until then and dropped,
-- never replayed, at the next release (a release needs a later frame).
-- (One table for this state and its functions: the main chunk is near Lua's
-- limit of 200 locals.) building: the whole-capture model is on
-- (webrtc_whole_capture_building); tapped: a summary's tap ran on the first
-- pass.
local hold = { MAX = 8192, building = false, tapped = false, frame = -1, visited = true }
local replay_sinks = {}   -- functions(fact, frame of the replay) of the models

function hold.holds_rtp(pinfo)
    return hold.building and not pinfo.visited
end

-- The held-packet record of this RTP packet (webrtc_flow_pending_of).
local function pending_entry(pinfo, f, h)
    return { frame = pinfo.number, t = pinfo.rel_ts, bytes = pinfo.len, dir = flow_dir(f, pinfo),
             pt = h.pt, marker = h.marker, seq = h.seq, ts = h.ts, ssrc = h.ssrc,
             payload_len = h.payload_len }
end

function hold.hold_rtp(f, e)
    local h = f.held
    if not h then
        h = {}
        f.held = h
    end
    if #h >= hold.MAX then
        local half = math.floor(#h / 2)
        local keep = {}
        for i = half + 1, #h do keep[#keep + 1] = h[i] end
        h = keep
        f.held = h
        f.held_dropped = (f.held_dropped or 0) + half
    end
    h[#h + 1] = e
end

function hold.hold_start(f, slot)
    if slot and slot.have then
        hold.hold_rtp(f, slot.e)
        slot.have = false
        return true
    end
    return false
end

-- The start packets of the candidate tracks into the held list, in frame
-- order again (each track's start is its earliest packet; glibc's qsort is
-- a stable merge sort: equal frames keep their order).
function hold.move_starts(f)
    local any = false
    for dir = 1, 2 do
        any = hold.hold_start(f, f.pstart[dir]) or any
        if f.alt_track[dir] then any = hold.hold_start(f, f.alt_track[dir].start) or any end
    end
    local h = f.held
    if any and h and #h > 1 then
        for i, e in ipairs(h) do e.order = i end
        table.sort(h, function(x, y)
            if x.frame ~= y.frame then return x.frame < y.frame end
            return x.order < y.order
        end)
    end
end

function hold.needs_confirmation(f)
    return f.dtls_frame == 0 and f.zrtp_frame == 0 and f.reason ~= REASON.SRTP_KEY and
           f.reason ~= REASON.CORROBORATED
end

function hold.ssrc_confirmed(f, ssrc, dir)
    for _, c in ipairs(f.ssrc_cand) do
        if c.ssrc == ssrc and c.dir == dir then return c.confirmed end
    end
    return false
end

local replay_fact -- set below, once the model is loaded

-- Count the held packets a claimed flow now shows as RTP: all of them on a
-- flow whose SSRCs need no confirmation, else those of the confirmed SSRCs;
-- except_frame's are dissected as RTP now and counted from there.
release_rtp = function(pinfo, f, except_frame)
    if f.media_frame == 0 or f.is_rtcp_only then return end
    hold.move_starts(f)
    local h = f.held
    if not h or #h == 0 then return end
    local all = not hold.needs_confirmation(f)
    local keep = {}
    for _, e in ipairs(h) do
        if e.frame == except_frame then
            -- dissected as RTP now: its own facts
        elseif all or hold.ssrc_confirmed(f, e.ssrc, e.dir) then
            -- a tapped one pass only tallies it (wrtc_fact_t.not_counted)
            replay_fact(f, e, pinfo.number, hold.tapped)
        else
            keep[#keep + 1] = e
        end
    end
    f.held = #keep > 0 and keep or nil
end

-- Hold an RTP packet of a flow not yet claimed for the model (a later pass
-- dissects it as RTP once the flow is claimed). Until the flow shows
-- evidence (a packet agreeing with its track, or context), only the packet
-- that started each track is kept: random datagrams hold nothing more.
-- `slot`: the start packet of the candidate track this packet fed
-- ({ e = entry, have = bool }, per direction and track).
local function remember_rtp(pinfo, f, h, agreeing, slot)
    if not hold.holds_rtp(pinfo) then return end
    local e = pending_entry(pinfo, f, h)
    if not f.held and not agreeing and not has_context(f) then
        slot.e, slot.have = e, true
        return
    end
    hold.move_starts(f)
    hold.hold_rtp(f, e)
end

-- First pass, RTP-shaped packet on a flow not yet claimed (no context):
-- claimed on the packet that completes the evidence. SRTP or RTP is judged
-- afterwards and never delays the claim. Two candidate tracks per direction
-- (two sources through one server, interleaved): the one of this SSRC,
-- else the one with less evidence makes room.
local function consider_rtp(pinfo, f, p, h)
    if not prefs.corroborate then return end
    local dir = flow_dir(f, pinfo)
    local tr, slot = f.track[dir], f.pstart[dir]
    if tr.active and tr.ssrc ~= h.ssrc then
        local alt = f.alt_track[dir]
        if not alt then
            alt = { track = {}, start = {} }
            f.alt_track[dir] = alt
        end
        if (alt.track.active and alt.track.ssrc == h.ssrc) or not alt.track.active or
           alt.track.agreeing <= tr.agreeing then
            tr, slot = alt.track, alt.start
        end
    end
    local r = track_update(tr, h, not h.header_cut and p or nil, h.header_len,
                           h.payload_captured, pinfo.abs_ts)
    local agreeing = r == TRACK_AGREES or r == TRACK_CORROBORATED
    remember_rtp(pinfo, f, h, agreeing, slot)
    if r == TRACK_CORROBORATED then
        f.corroborated_frame = pinfo.number
        claim_media(pinfo, f, REASON.CORROBORATED, track_evidence(tr))
    end
end

-- Is this RTP-class packet RTP (webrtc-flow.c webrtc_flow_ssrc_known)?
-- Yes on flows whose context proves it (DTLS, ZRTP, corroborated headers);
-- on an ICE/TURN flow without them (messengers run their own protocols
-- after ICE, and a random datagram is RTP-class one time in four) once its
-- SSRC was followed by a second packet in sequence in the same direction
-- (RFC 3550 §5.1), or is known from another flow of the call: the first
-- packet then goes to the session model. Later passes answer from the
-- first pass's result.
local MAX_SSRC_CANDIDATES = 16

-- SSRC -> list of the flows holding an unconfirmed first packet of it: a
-- call's first packet on one path (a relay) and the rest on the path ICE
-- moves it to (the direct 5-tuple) is one stream, proven by the latter
-- (RFC 8445 §12; webrtc-flow.c waiting_ssrcs).
local waiting_ssrcs = {}

local function ssrc_is_rtp(ssrc, pinfo)
    if known_ssrcs[ssrc] then return end
    known_ssrcs[ssrc] = true
    local waiting = waiting_ssrcs[ssrc]
    waiting_ssrcs[ssrc] = nil
    if not waiting then return end
    for _, f in ipairs(waiting) do
        for _, c in ipairs(f.ssrc_cand) do
            if c.ssrc == ssrc and not c.confirmed then
                c.confirmed = true          -- shown on later passes
                release_rtp(pinfo, f, 0)
            end
        end
    end
end

-- Bounded: a flow of random datagrams (each a new "SSRC") registers a few.
local function ssrc_wait(f, ssrc)
    if (f.n_ssrc_waiting or 0) >= 2 * MAX_SSRC_CANDIDATES then return end
    local waiting = waiting_ssrcs[ssrc]
    if not waiting then
        waiting = {}
        waiting_ssrcs[ssrc] = waiting
    end
    for _, g in ipairs(waiting) do
        if g == f then return end
    end
    waiting[#waiting + 1] = f
    f.n_ssrc_waiting = (f.n_ssrc_waiting or 0) + 1
end

local function ssrc_known(pinfo, f, h)
    local dir = flow_dir(f, pinfo)
    if not hold.needs_confirmation(f) then
        if not pinfo.visited then ssrc_is_rtp(h.ssrc, pinfo) end
        return true
    end
    local c
    for _, x in ipairs(f.ssrc_cand) do
        if x.ssrc == h.ssrc and x.dir == dir then c = x end
    end
    if pinfo.visited then return c ~= nil and c.confirmed end
    local fresh = false
    if not c then
        if #f.ssrc_cand < MAX_SSRC_CANDIDATES then
            c = {}
            f.ssrc_cand[#f.ssrc_cand + 1] = c
        else
            -- Full: an unconfirmed candidate makes room (random datagrams
            -- never confirm); confirmed ones stay.
            for _, x in ipairs(f.ssrc_cand) do
                if not x.confirmed then c = x; break end
            end
            if not c then return false end
        end
        c.ssrc, c.dir, c.seq, c.confirmed = h.ssrc, dir, 0, false
        fresh = true
    elseif c.confirmed then
        c.seq = h.seq
        return true
    end
    if known_ssrcs[h.ssrc] then
        c.confirmed = true          -- RTP on another flow of the call
        c.seq = h.seq
        release_rtp(pinfo, f, pinfo.number)
        return true
    end
    if not fresh then
        local step = (h.seq - c.seq) % 65536
        if step >= 1 and step <= T.MAX_SEQ_STEP then
            c.confirmed = true
            c.seq = h.seq
            ssrc_is_rtp(h.ssrc, pinfo)
            release_rtp(pinfo, f, pinfo.number)
            return true
        end
    end
    -- The first packet of the SSRC (or one out of sequence): held for the
    -- model (a later pass dissects it once the SSRC is confirmed), not
    -- dissected as RTP yet.
    c.seq = h.seq
    if hold.holds_rtp(pinfo) then hold.hold_rtp(f, pending_entry(pinfo, f, h)) end
    if hold.building then ssrc_wait(f, h.ssrc) end
    return false
end

-- The SSRC of this RTP-class packet was dissected as RTP before.
local function ssrc_seen(p, len)
    return len >= 12 and known_ssrcs[rd32(p, 9)] == true
end

-- The packet being handed to Wireshark's RTP dissector, for the rtp.pt guard.
local current = { frame = -1 }

-- What the demultiplexer learnt about the current frame, for the session
-- model's facts (the tap runs after the frame's dissection, on the same
-- pass): RTP headers of our flows (SRTP or not: Lua cannot tell
-- Wireshark's RTP dissector), encrypted SRTCP and its clear header, the
-- STUN messages (webrtc_stun_pkt_t), whether the packet came through UDP
-- port 3478.
local stash = { frame = -1 }
local function stash_of(pinfo)
    if stash.frame ~= pinfo.number then
        stash = { frame = pinfo.number, rtp = {}, srtcp = false, fingerprints = {} }
    end
    return stash
end

-- RTP-class packets the demultiplexer refused on the first pass (frame and
-- position), which a later pass may show as RTP (a flow claimed later, an
-- SSRC confirmed by its next packet): the C plugin's model, learnt on the
-- first pass, counted them only through the replay.
local refused_first_pass = {}
local function position(pinfo, tvb) return pinfo.number .. ":" .. tvb:offset() end

-- Note a valid STUN message for the facts (webrtc-demux.c note_stun_packet).
local function note_stun_packet(pinfo, p, len, wire)
    local sh = stash_of(pinfo)
    local k = sh.stun
    if not k then
        k = { binding_request = false, cut = false, turn = false, relay_cut = false,
              check_sized = false }
        sh.stun = k
    end
    local m = stun_method(p, len)
    local b0, b1 = sbyte(p, 1, 2)
    -- Class bits C1 (0x0100) and C0 (0x0010) both 0: a request.
    local request = band(b0, 0x01) == 0 and band(b1, 0x10) == 0
    if m == STUN_BINDING and request then k.binding_request = true end
    if turn_methods[m] then k.turn = true end
    if len < wire or len < 20 then
        k.cut = true
        -- A request this long carries credentials (MESSAGE-INTEGRITY): an
        -- ICE check, whose attributes the snaplen cut.
        if m == STUN_BINDING and request and wire >= 20 + T.ICE_CHECK_MIN_ATTRS and
           stun_ice(p, len, wire) ~= STUN_PLAIN then
            k.check_sized = true
        end
    end
    if (m == STUN_SEND or m == STUN_DATA) and band(b0, 0x01) == 0 and band(b1, 0x10) ~= 0 and
       len < wire then
        local off = stun_data_attr(p, len, wire)
        if not off or off + 20 > len then k.relay_cut = true end
    end
end

local heur_turn_fn -- the TURN heuristic (below)

-- A Send or Data indication the snaplen cut (RFC 8656 §10-11): Wireshark's
-- STUN dissector stops at the cut and never offers the relayed datagram to
-- the TURN heuristics, so the captured part of its DATA attribute is
-- demultiplexed here (the ICE checks relayed inside it, say).
local function relay_cut_indication(tvb, pinfo, tree, p, len, wire)
    local m = stun_method(p, len)
    local b0, b1 = sbyte(p, 1, 2)
    if (m ~= STUN_SEND and m ~= STUN_DATA) or band(b0, 0x01) ~= 0 or band(b1, 0x10) == 0 then
        return
    end
    local off, dlen = stun_data_attr(p, len, wire)
    if not off or off >= len or dlen == 0 then return end
    -- (what was captured of it, as a tvb of its own: Lua cannot make a
    -- subset whose reported length exceeds the captured bytes)
    heur_turn_fn(tvb(off, math.min(len - off, dlen)):tvb(), pinfo, tree, dlen)
end

local function events_slot(f, pt)
    local e = f.events[pt]
    if e then return e end
    if f.n_events == T.MAX_PT_TRACKED then return nil end
    e = { pt = pt, verdict = EV_UNDECIDED, packets = 0, events = 0, end_bits = 0, end_repeats = 0,
          cur_ts = 0, cur_duration = 0, cur_ended = false, first_time = 0, last_time = 0,
          decided_frame = 0 }
    f.events[pt] = e
    f.n_events = f.n_events + 1
    return e
end

-- Payload bytes that make a packet's payload readable for the judgements
-- (snaplen 64 leaves 2 of them after a WebRTC header extension).
local PAYLOAD_READABLE = 32

-- SRTP or RTP of the flow as the first pass saw it at `frame`: the C
-- plugin's model learns on the first pass, where a flow claimed as RTP is
-- taken as SRTP only from the frame that decided it; the final state
-- otherwise.
local function srtp_view(pinfo, f)
    if not pinfo.visited then return f.srtp_decided, f.srtp end
    if f.srtp_decided and pinfo.number >= f.srtp_frame then return true, f.srtp end
    return false, false
end

local function call_rtp(tvb, pinfo, tree, f, p, len, wire, hdr, ti)
    local h = hdr
    if h.ext_unreadable then
        -- Nothing after the fixed header can be read: no payload checks.
        h = setmetatable({ header_cut = true }, { __index = hdr })
    end
    if not pinfo.visited and f.first_rtp_frame == 0 then f.first_rtp_frame = pinfo.number end
    -- RFC 4733 validation of the dynamic PT (webrtc-flow.c
    -- webrtc_flow_payload_type): plain RTP only; a payload the snaplen cut
    -- is neither evidence for events nor against.
    local ev
    if h.pt >= 96 and prefs.validate_events and not f.srtp then
        ev = events_slot(f, h.pt)
        if ev and not pinfo.visited and ev.verdict == EV_UNDECIDED and not h.header_cut and
           h.payload_captured >= h.payload_len then
            events_update(ev, p, h.header_len, h.payload_len, h.ts, pinfo.abs_ts,
                          pinfo.number)
        end
    end
    if ev and ev.decided_frame == pinfo.number then
        if ev.verdict == EV_YES then
            ti:add_proto_expert_info(ei.event_accepted, string.format(
                "payload type %d validated as RFC 4733 telephone-event: %d packets, %d events, end bit seen",
                ev.pt, ev.packets, ev.events))
        elseif ev.verdict == EV_NO then
            ti:add_proto_expert_info(ei.event_rejected, string.format(
                "payload type %d rejected as RFC 4733: %s", ev.pt, ev.reason))
        end
    end
    -- For the facts (webrtc-demux.c note_rtp_packet, webrtc-facts.c
    -- read_rtp), as the C plugin's first pass saw the packet.
    local decided1, srtp1 = srtp_view(pinfo, f)
    local h1 = h
    if pinfo.visited and (decided1 ~= f.srtp_decided or srtp1 ~= f.srtp) then
        local st1, x = rtp_parse(p, len, wire, srtp1 or not decided1)
        if st1 == RTP_OK then
            h1 = x
            if h.header_cut then h1 = setmetatable({ header_cut = true }, { __index = x }) end
        end
    end
    -- The first bytes of a clear payload, for the codec's payload-header
    -- checks (codec_guess.c), within what was captured.
    local head
    if not srtp1 and not h1.header_cut and h1.payload_len > 0 and h1.payload_captured > 0 then
        head = p:sub(h1.header_len + 1,
                     h1.header_len + math.min(h1.payload_len, h1.payload_captured,
                                              R.codec_guess.HEAD))
    end
    -- What Wireshark's field reads: srtp.enc_payload without the tag known
    -- at that frame, or rtp.payload.
    local field_len = h1.payload_len
    if srtp1 then
        field_len = math.max(0, wire - h1.header_len - srtp_tag_len(f, pinfo.number))
    end
    local sh = stash_of(pinfo)
    sh.rtp[#sh.rtp + 1] = {
        ssrc = h.ssrc, pt = h.pt, seq = h.seq, ts = h.ts, marker = h.marker, padding = h.padding,
        field_len = field_len, srtp = srtp1, head = head, pos = position(pinfo, tvb),
        -- the demultiplexer's reading (webrtc_rtp_pkt_t): on the wire,
        -- padding removed where known; enough payload captured to judge
        note_len = h1.payload_len,
        payload_captured = not h1.header_cut and
                           h1.payload_captured >= math.min(h1.payload_len, PAYLOAD_READABLE) }
    current.frame, current.tvb_off, current.flow, current.pt = pinfo.number, tvb:offset(), f,
        h.pt
    -- SRTP with the P bit: its padding count is encrypted (RFC 3711 §3.1);
    -- Wireshark's RTP dissector gets a copy with the bit cleared
    -- (plugin/webrtc-rtp.c webrtc_rtp_call_dissector).
    local rtp_tvb = tvb
    if h.padding and f.srtp then
        ti:add(hf.srtp_padding_encrypted, tvb(0, 1), true):set_generated()
        local ba = tvb:bytes()
        ba:set_index(0, band(ba:get_index(0), 0xDF))
        rtp_tvb = ba:tvb("SRTP (padding count encrypted)")
    end
    local n = call("rtp", rtp_tvb, pinfo, tree)
    current.frame = -1
    return n
end

-- Encrypted SRTCP drawn as what it is: Lua cannot hand Wireshark's RTCP
-- dissector the SRTCP parameters (srtcp_add_address), and a plain RTCP
-- parse of ciphertext ends malformed. Only the 8 clear bytes and the
-- ciphertext are shown (docs/lua-compat.md).
local rtcp_types = { [200] = "Sender Report", [201] = "Receiver Report",
                     [202] = "Source description", [203] = "Goodbye",
                     [204] = "Application specific", [205] = "Generic RTP Feedback",
                     [206] = "Payload-specific Feedback", [207] = "Extended report (RFC 3611)" }

local function srtcp_dissect(tvb, pinfo, ti, pt)
    local name = rtcp_types[pt] or "RTCP"
    pinfo.cols.protocol = "SRTCP"
    pinfo.cols.info = name .. " (encrypted)"
    ti:append_text(string.format(" (SRTCP %s, encrypted)", name))
    local len = tvb:reported_len()
    if len > 8 and tvb:len() > 8 then ti:add(hf.srtcp_encrypted, tvb(8)) end
    return len
end

local function call_rtcp(tvb, pinfo, tree, f, p, len, wire, ti)
    local shape = rtcp_shape(p, len, wire)
    if not pinfo.visited and f.srtp and shape == "srtcp" then
        f.srtcp_layout = f.srtcp_layout or layout_new()
        layout_update(f.srtcp_layout, p, len, pinfo.number)
    end
    if not f.is_rtcp_only and f.first_rtp_frame ~= 0 and not pinfo.visited and
       f.rtcp_mux_frame == 0 then
        f.rtcp_mux_frame = pinfo.number
    end
    if pinfo.number == f.rtcp_mux_frame then ti:add_proto_expert_info(ei.rtcp_mux) end
    if f.is_rtcp_only and not pinfo.visited and f.rtcp_pair_frame == 0 then
        f.rtcp_pair_frame = pinfo.number
    end
    if f.is_rtcp_only and pinfo.number == f.rtcp_pair_frame then
        ti:add_proto_expert_info(ei.rtcp_paired, "RTCP on RTP port + 1: " .. f.evidence)
    end
    -- Plain RTCP is Wireshark's, also when the snaplen cut it (the part not
    -- captured cannot be told from SRTCP).
    if not f.srtp and (shape == "plain" or shape == "cut") then
        return call("rtcp", tvb, pinfo, tree)
    end
    local sh = stash_of(pinfo)
    sh.srtcp = true
    sh.fingerprints[#sh.fingerprints + 1] = { pt = sbyte(p, 2), fmt = band(sbyte(p, 1), 0x1F) }
    return srtcp_dissect(tvb, pinfo, ti, sbyte(p, 2))
end

-- The demultiplexer proper. Returns the bytes consumed, 0 to reject. Every
-- decision reads the captured bytes and checks lengths against the length
-- on the wire: a header-only capture (snaplen 64-300) decides as a full
-- one does.
local turn_port_frame = -1   -- the frame that came through UDP port 3478

-- `wire`: the payload's length on the wire when `tvb` holds only what was
-- captured of it (a tvb Lua made of a cut packet's part, whose reported
-- length is its captured length).
local function demux_payload(tvb, pinfo, tree, f, wire)
    local len = tvb:len()
    wire = wire or tvb:reported_len()
    if len > wire then len = wire end
    if len == 0 or not f then return 0 end
    local first_pass = not pinfo.visited
    local p = tvb:raw(0, len)
    local cls = classify(p, len)
    local ti

    if cls == CLASS.STUN then
        if not stun_valid(p, len, wire, false) then return 0 end
        note_stun_packet(pinfo, p, len, wire)
        if first_pass then
            if f.stun_frame == 0 then f.stun_frame = pinfo.number end
            local m = stun_method(p, len)
            if turn_methods[m] then f.turn_methods = true end
            if not f.inside_turn then take_conversation(pinfo, f) end
            -- Claimed on an ICE check (or one whose attributes were cut):
            -- plain STUN (address discovery) is context for RTP that may
            -- follow, not a claim of its own. A response is what its
            -- request was; ICE answers on the request's 5-tuple (RFC 8445
            -- §7.2.5.2.1), so a response whose request is not on this
            -- 5-tuple (an RFC 5780 test answered from another address)
            -- claims nothing.
            local b0, b1 = sbyte(p, 1, 2)
            local ice = stun_ice(p, len, wire) ~= STUN_PLAIN
            if band(b0, 0x01) == 0 then
                f.stun_requests = true
                f.stun_ice_requests = f.stun_ice_requests or ice
            else
                ice = f.stun_requests and f.stun_ice_requests
            end
            if f.inside_turn or ice then claim_on_context(pinfo, f, false) end
            if not f.inside_turn and prefs.turn and (m == STUN_SEND or m == STUN_DATA) and
               band(b0, 0x01) == 0 and band(b1, 0x10) ~= 0 then
                -- A Send or Data indication relays a datagram (RFC 8656
                -- §10-11): the relayed flow inside this 5-tuple starts
                -- here, also when the capture cut its DATA attribute.
                local inner = flow_get(pinfo, true, true)
                if inner then claim_on_context(pinfo, inner, false) end
            end
        end
        ti = add_webrtc_tree(tvb, tree, cls, f)
        add_claim_expert(pinfo, ti, f)
        if len < wire and not f.inside_turn then
            -- The message first, as in a whole capture (its fields before
            -- the relayed datagram's: the facts read the outer message's
            -- class and method first), then the captured part of the
            -- relayed datagram.
            call("stun-udp", tvb, pinfo, tree)
            -- Not over TCP: a heuristic called from inside the TURN-TCP
            -- framing's PDU callback on the captured part of a cut
            -- indication crashes tshark 4.0 (SIGSEGV in __longjmp: an
            -- exception through the Lua VM; chromium-turn-tcp cut at 300
            -- bytes, frame 155). See docs/lua-compat.md.
            if pinfo.port_type ~= PT_TCP then
                relay_cut_indication(tvb, pinfo, tree, p, len, wire)
            end
            return len
        end
        return call("stun-udp", tvb, pinfo, tree)

    elseif cls == CLASS.DTLS then
        -- A DTLS 1.3 unified header (first byte 32-63) only after a
        -- handshake, on an ICE transport (after ICE moved the call to this
        -- 5-tuple its DTLS association goes on here, RFC 8445 §12), or as
        -- the whole payload of a TURN channel (a header-only capture of
        -- TURN over TCP loses the segments that held the handshake):
        -- syslog's "<" would pass otherwise.
        if not dtls_valid(p, len, wire) or
           not (f.dtls_frame ~= 0 or sbyte(p, 1) <= 25 or
                (((f.media_frame ~= 0 and f.stun_ice_requests) or f.turn_channel ~= 0) and
                 dtls13_record_strict(p, len, wire))) then
            return 0
        end
        if first_pass then
            if f.dtls_frame == 0 then f.dtls_frame = pinfo.number end
            if not f.inside_turn then take_conversation(pinfo, f) end
            claim_on_context(pinfo, f, false)
        end
        ti = add_webrtc_tree(tvb, tree, cls, f)
        do
            -- DTLS application data: a data channel on an ICE 5-tuple
            -- (webrtc-dtls-records.c).
            local recs, bytes = dtls_count_records(p, len, wire)
            if recs > 0 then
                local sh = stash_of(pinfo)
                sh.dtls_app_records = (sh.dtls_app_records or 0) + recs
                sh.dtls_app_bytes = (sh.dtls_app_bytes or 0) + bytes
                if f.stun_ice_requests then
                    local r0 = tvb(0, 0)
                    ti:add(hf.datachannel, r0, recs):set_generated()
                    ti:add(hf.datachannel_bytes, r0, bytes):set_generated()
                end
            end
        end
        add_claim_expert(pinfo, ti, f)
        return call("dtls", tvb, pinfo, tree)

    elseif cls == CLASS.ZRTP then
        if not zrtp_valid(p, len, wire) then return 0 end
        if first_pass then
            if f.zrtp_frame == 0 then f.zrtp_frame = pinfo.number end
            if not f.inside_turn then take_conversation(pinfo, f) end
            claim_on_context(pinfo, f, false)
        end
        ti = add_webrtc_tree(tvb, tree, cls, f)
        add_claim_expert(pinfo, ti, f)
        return call("zrtp", tvb, pinfo, tree)

    elseif cls == CLASS.CHANNELDATA then
        -- Only where TURN runs (the STUN dissector parses ChannelData and
        -- offers its payload to the "stun" heuristics, i.e. back to us).
        if f.inside_turn or
           not (f.turn_methods or f.stun_frame ~= 0 or turn_port_frame == pinfo.number) or
           not channeldata_valid(p, len, wire) then
            return 0
        end
        add_webrtc_tree(tvb, tree, cls, f)
        return call("stun-udp", tvb, pinfo, tree)

    elseif cls == CLASS.RTP then
        if f.is_rtcp_only then return 0 end
        -- The padding count is checked only on a flow known to be plain
        -- RTP: SRTP encrypts it (RFC 3711 §3.1), and before SRTP or RTP is
        -- decided the flow may be either.
        local st, h = rtp_parse(p, len, wire, f.srtp or not f.srtp_decided)
        -- An extension header that does not fit: its SSRC, sequence and
        -- timestamp may still belong to a stream (they corroborate on an
        -- unclaimed flow like any; on a claimed one the SSRC must be known).
        if st == RTP_EXT_OVERFLOW and (f.media_frame == 0 or ssrc_seen(p, len)) then
            st, h = rtp_parse_fixed(p, len, wire)
        end
        if st ~= RTP_OK then
            if f.media_frame == 0 then
                if first_pass then refused_first_pass[position(pinfo, tvb)] = true end
                return 0
            end
            ti = add_webrtc_tree(tvb, tree, cls, f)
            -- Its fixed header not captured (snaplen): not malformed;
            -- Wireshark's RTP dissector shows what is there.
            if len < 12 and wire >= 12 then return call("rtp", tvb, pinfo, tree) end
            -- only ICE/TURN found the flow (webrtc_flow_needs_confirmation)
            if not (f.dtls_frame ~= 0 or f.zrtp_frame ~= 0 or f.reason == REASON.SRTP_KEY or
                    f.reason == REASON.CORROBORATED) then
                ti:add_proto_expert_info(ei.not_rtp,
                    "RTP-class packet on an ICE/TURN flow is not RTP: " ..
                    rtp_parse(p, len, wire, f.srtp))
            else
                ti:add_proto_expert_info(ei.bad_header, "RTP-class packet on a media flow: " ..
                    rtp_parse(p, len, wire, f.srtp))
            end
            return 0
        end
        if first_pass and f.media_frame == 0 then
            if has_context(f) then
                claim_on_context(pinfo, f, true)
            else
                consider_rtp(pinfo, f, p, h)
            end
        end
        if f.media_frame == 0 or not ssrc_known(pinfo, f, h) then
            if first_pass then refused_first_pass[position(pinfo, tvb)] = true end
            return 0
        end
        if first_pass and not f.srtp_decided and not h.header_cut then
            judge_payloads(pinfo, f, p, h.header_len, h.payload_captured)
        end
        if first_pass and f.inside_turn and f.turn_media_frame == 0 then
            f.turn_media_frame = pinfo.number
        end
        ti = add_webrtc_tree(tvb, tree, cls, f)
        add_claim_expert(pinfo, ti, f)
        if f.inside_turn and pinfo.number == f.turn_media_frame then
            if f.turn_channel ~= 0 then
                ti:add_proto_expert_info(ei.in_turn,
                    string.format("RTP inside TURN channel 0x%04x", f.turn_channel))
            else
                ti:add_proto_expert_info(ei.in_turn, "RTP inside a TURN Send/Data indication")
            end
        end
        return call_rtp(tvb, pinfo, tree, f, p, len, wire, h, ti)

    elseif cls == CLASS.RTCP then
        if not prefs.rtcp_mux and not f.is_rtcp_only then return 0 end
        if first_pass and f.media_frame == 0 then
            local shape = rtcp_shape(p, len, wire)
            if shape == "invalid" then return 0 end
            if has_context(f) then
                claim_on_context(pinfo, f, true)
            elseif prefs.rtcp_pair then
                -- RFC 3550 §11: RTCP on the ports after RTP's, between the
                -- same hosts as a found RTP flow. SRTCP keeps only its first
                -- 8 bytes in the clear (RFC 3711 §3.4): an SRTCP-shaped
                -- datagram makes the RTCP flow SRTCP whatever its RTP flow's
                -- payloads have shown so far.
                local rtp = rtp_of_rtcp(f)
                local srtcp = shape == "srtcp"
                if rtp and rtp.media_frame ~= 0 and not rtp.is_rtcp_only then
                    claim_rtcp(pinfo, f, rtp, srtcp)
                elseif f.rtcp_pending_frame == 0 then
                    f.rtcp_pending_frame = pinfo.number
                    f.rtcp_pending_srtcp = srtcp
                end
            end
        end
        if f.media_frame == 0 then
            if first_pass then refused_first_pass[position(pinfo, tvb)] = true end
            return 0
        end
        -- RTCP the first pass refused (before its flow was claimed): not
        -- RTCP for the model, as the C plugin learnt it on that pass.
        if not first_pass and refused_first_pass[position(pinfo, tvb)] then
            stash_of(pinfo).rtcp_refused = true
        end
        ti = add_webrtc_tree(tvb, tree, cls, f)
        add_claim_expert(pinfo, ti, f)
        return call_rtcp(tvb, pinfo, tree, f, p, len, wire, ti)
    end
    return 0
end

-- Marks that stop one payload from being handled twice in a packet (our
-- conversation dissector rejected it and the UDP heuristics offer it again).
local marks = { outer = {} }
local function marked(which, pinfo, tvb)
    local m = marks[which]
    return m.frame == pinfo.number and m.off == tvb:offset() and m.len == tvb:len()
end
local function mark(which, pinfo, tvb)
    local m = marks[which]
    m.frame, m.off, m.len = pinfo.number, tvb:offset(), tvb:len()
end

-- Classes we never start a flow with are refused on the first byte.
local function may_start_flow(tvb)
    if tvb:len() < 1 then return false end
    local b = tvb(0, 1):uint()
    return b <= 3 or (b >= 16 and b <= 63) or (b >= 128 and b <= 191)
end

-- A datagram quoted inside an ICMP error (an unanswered ICE check's "port
-- unreachable"): shown by the dissector it belongs to and never counted
-- (no flow state, no facts). Taken here rather than left to Wireshark's
-- STUN heuristic: a heuristic that accepts a packet moves to the head of
-- the UDP list (packet.c dissector_try_heuristic) and would then see the
-- first packet of every later 5-tuple before this one does.
local function quoted_in_error(tvb, pinfo, tree)
    local len, wire = tvb:len(), tvb:reported_len()
    local p = tvb:raw(0, len)
    local cls = classify(p, len)
    if cls == CLASS.STUN then
        return stun_valid(p, len, wire, false) and call("stun-udp", tvb, pinfo, tree) > 0
    elseif cls == CLASS.DTLS then
        return dtls_valid(p, len, wire) and sbyte(p, 1) <= 25 and call("dtls", tvb, pinfo, tree) > 0
    elseif cls == CLASS.RTP or cls == CLASS.RTCP then
        local f = flow_get(pinfo, false, false)
        if not f or f.media_frame == 0 then return false end
        return call(cls == CLASS.RTP and "rtp" or "rtcp", tvb, pinfo, tree) > 0
    end
    return false
end

-- ---- QUIC and media on one 5-tuple (RFC 9443 §3) ------------------------
-- An app that opens a QUIC connection and then sends its SRTP on the same
-- 5-tuple (Snapchat's calls): Wireshark's QUIC heuristic takes the 5-tuple
-- on the first Initial packet and the QUIC dissector then gets every
-- datagram, RTP included ("Malformed"). A QUIC long-header packet (first
-- byte 0xC0-0xFF) that QUIC's heuristic would take (its checks, packet-
-- quic.c dissect_quic_heur: a QUIC version, connection ID lengths of at
-- most 20; Lua cannot call a heuristic dissector) makes the 5-tuple ours in
-- front of QUIC's: datagrams whose first byte has the long-header bit but
-- not QUIC's fixed bit (0x80-0xBF: every QUIC packet sets it, RFC 9000
-- §17.2) go to the demultiplexer first and are RTP/RTCP once they
-- corroborate; everything else is QUIC's as before (webrtc-demux.c
-- take_quic, dissect_quic_conv). 5-tuple key -> true.
local quic_front = {}

local heur_udp = protect("heur_udp", function(tvb, pinfo, tree)
    if pinfo.port_type == PT_UDP and not pinfo.in_error_pkt and tvb:len() >= 1 and
       tvb(0, 1):uint() >= 0xC0 then
        local len = tvb:len()
        if len < 13 then return false end
        local v = tvb(1, 4):uint()
        local hi = math.floor(v / 256)
        local draft = 0
        if hi == 0xff0000 then draft = v % 256
        elseif v == 0xfaceb001 then draft = 22
        elseif v == 0xfaceb002 or v == 0xfaceb00e or v == 0x51303530 or v == 0x54303530 or
               v == 0x54303531 then draft = 27
        elseif band(v, 0x0F0F0F0F) == 0x0a0a0a0a then draft = 29
        elseif v == 1 then draft = 34
        elseif v == 0x6b3343cf then draft = 100 end
        if draft < 11 then return false end
        local dcid = tvb(5, 1):uint()
        if dcid > 20 or 6 + dcid >= len or tvb(6 + dcid, 1):uint() > 20 then return false end
        local quic = handle("quic")
        if not quic then return false end
        if not pinfo.visited then
            quic_front[tuple_key(PT_UDP, endpoint(pinfo.src, pinfo.src_port),
                                 endpoint(pinfo.dst, pinfo.dst_port), false)] = true
            pinfo.conversation = webrtc
        end
        call_handle(quic, tvb, pinfo, tree)
        return true
    end
    if pinfo.port_type ~= PT_UDP or not may_start_flow(tvb) then return false end
    if pinfo.in_error_pkt then return quoted_in_error(tvb, pinfo, tree) end
    if marked("outer", pinfo, tvb) then return false end
    mark("outer", pinfo, tvb)
    return demux_payload(tvb, pinfo, tree, flow_get(pinfo, false, true)) > 0
end, false, "tpt")

local function conversation_udp(tvb, pinfo, tree)
    if quic_front[tuple_key(PT_UDP, endpoint(pinfo.src, pinfo.src_port),
                            endpoint(pinfo.dst, pinfo.dst_port), false)] then
        if tvb:len() >= 1 and band(tvb(0, 1):uint(), 0xC0) == 0x80 and
           heur_udp(tvb, pinfo, tree) then
            return tvb:len()
        end
        return call("quic", tvb, pinfo, tree)
    end
    if pinfo.in_error_pkt or marked("outer", pinfo, tvb) then return 0 end
    -- The C plugin sets its conversation dissector from the flow's first
    -- frame on (conversation_set_dissector_from_frame_number); Lua's
    -- pinfo.conversation covers every frame, so earlier frames are sent on
    -- to the ports and heuristics UDP would have tried.
    local f = flow_get(pinfo, false, false)
    if f and pinfo.number < f.first_frame then return 0 end
    mark("outer", pinfo, tvb)
    return demux_payload(tvb, pinfo, tree, flow_get(pinfo, false, true))
end

-------------------------------------------------------------------------------
-- ICE-TCP (RFC 6544): every packet after a 16-bit length (RFC 4571 §2)
-- (plugin/webrtc-tcp.c)
-------------------------------------------------------------------------------
local rfc4571_pdu = protect("tcp_pdu", function(tvb, pinfo, tree)
    local len = tvb(0, 2):uint()
    tree:add(hf.rfc4571_length, tvb(0, 2), len):set_generated()
    if len == 0 or tvb:len() <= 2 then return tvb:len() end
    -- A PDU cut by the snaplen: what was captured of it, decided against
    -- its length in the framing.
    local inner = tvb(2, math.min(len, tvb:len() - 2)):tvb()
    if demux_payload(inner, pinfo, tree, flow_get(pinfo, false, true), len) <= 0 then
        call("data", inner, pinfo, tree)
    end
    return tvb:len()
end, 0, "tpt")

-- (an error in either callback would be re-thrown by wslua as a C
-- exception through the Lua VM: both are protected; the length callback
-- declines by taking the rest of the segment as one PDU)
local rfc4571_len = protect("tcp_pdu_len", function(tvb, pinfo, offset)
    return 2 + tvb(offset, 2):uint()
end, 2, "")

local function conversation_tcp(tvb, pinfo, tree)
    dissect_tcp_pdus(tvb, tree, 2, rfc4571_len, rfc4571_pdu, true)
    return tvb:len()
end

-- A connection is taken only on a complete, valid STUN or DTLS message in
-- its framing (RFC 6544 §7.2: the first message is a connectivity check).
-------------------------------------------------------------------------------
-- TURN over TCP (RFC 8656 §12.5, RFC 6062): STUN messages and ChannelData
-- (padded to 4 bytes) back to back, framed with dissect_tcp_pdus and
-- resynchronised after a gap in the stream (plugin/webrtc-tcp.c).
-------------------------------------------------------------------------------
local STUN_COOKIE = 0x2112A442

local function turn_tcp_msg_len(tvb, off)
    local avail = tvb:len() - off
    if avail < 4 then return 0 end
    local b, l = tvb(off, 1):uint(), tvb(off + 2, 2):uint()
    if b >= 0x40 and b <= 0x4F then return band(4 + l + 3, 0xFFFFC) end
    if b <= 3 and l % 4 == 0 and (avail < 8 or tvb(off + 4, 4):uint() == STUN_COOKIE) then
        return 20 + l
    end
    return 0
end

local function turn_tcp_plausible(tvb, off)
    local n = turn_tcp_msg_len(tvb, off)
    local avail = tvb:len() - off
    if n == 0 then return false end
    if tvb(off, 1):uint() <= 3 and avail < 8 then return false end
    if n == avail then return true end
    return n < avail and turn_tcp_msg_len(tvb, off + n) ~= 0 and
           (avail - n < 8 or tvb(off + n, 1):uint() > 3 or
            tvb(off + n + 4, 4):uint() == STUN_COOKIE)
end

-- A segment cut by the snaplen: a message only where it ends within the
-- segment on the wire, at its end or where another message starts.
local function turn_tcp_plausible_cut(tvb, off)
    local n = turn_tcp_msg_len(tvb, off)
    local wire, avail = tvb:reported_len() - off, tvb:len() - off
    if n == 0 or n > wire then return false end
    if n == wire then return true end
    return n + 4 <= avail and turn_tcp_msg_len(tvb, off + n) ~= 0
end

local turn_tcp_len
do
    -- A ChannelData message framed on this connection teaches its channel
    -- number (RFC 8656 §12: 0x4000-0x4FFF, bound per peer; both directions
    -- use it): at most 4 per connection, with the frame each was first
    -- framed in (first pass).
    local function learn(pinfo, tvb, offset, n)
        if pinfo.visited or n == 0 or tvb(offset, 1):uint() < 0x40 then return n end
        local f = flow_get(pinfo, false, true)
        if not f then return n end
        local ch = tvb(offset, 2):uint()
        f.tcp_channel = f.tcp_channel or {}
        for i = 1, 4 do
            local c = f.tcp_channel[i]
            if c and c.ch == ch then break end
            if not c then
                f.tcp_channel[i] = { ch = ch, frame = pinfo.number }
                break
            end
        end
        return n
    end

    -- The first bytes of a segment the snaplen cut are taken as a message
    -- when they are one for certain: a STUN header with its magic cookie
    -- (RFC 8489 §5), or ChannelData on a channel already framed on this
    -- connection in an earlier frame (webrtc-tcp.c turn_tcp_known_start).
    local function known_start(pinfo, tvb, offset)
        if tvb:len() - offset < 8 then return false end
        if tvb(offset, 1):uint() <= 3 then return tvb(offset + 4, 4):uint() == STUN_COOKIE end
        local f = flow_get(pinfo, false, false)
        local ch = tvb(offset, 2):uint()
        for _, c in ipairs(f and f.tcp_channel or {}) do
            if c.ch == ch then return c.frame < pinfo.number end
        end
        return false
    end

    turn_tcp_len = protect("tcp_pdu_len", function(tvb, pinfo, offset)
        local n = turn_tcp_msg_len(tvb, offset)
        local avail = tvb:len() - offset
        if tvb:len() < tvb:reported_len() then
            local wire = tvb:reported_len() - offset
            if turn_tcp_plausible_cut(tvb, offset) or
               (offset == 0 and n ~= 0 and n <= wire and known_start(pinfo, tvb, offset)) then
                return learn(pinfo, tvb, offset, n)
            end
            for i = 1, avail - 4 do
                if turn_tcp_plausible_cut(tvb, offset + i) then return i end
            end
            return wire > 0 and wire or 1
        end
        if n ~= 0 and (offset == 0 or turn_tcp_plausible(tvb, offset) or
                       tvb(offset, 1):uint() >= 0x40) then
            return learn(pinfo, tvb, offset, n)
        end
        for i = 1, avail - 4 do
            if turn_tcp_plausible(tvb, offset + i) then return i end
        end
        return avail > 0 and avail or 1
    end, 4, "")
end

local turn_tcp_pdu = protect("tcp_pdu", function(tvb, pinfo, tree)
    local n = turn_tcp_msg_len(tvb, 0)
    if n == 0 or tvb:reported_len() ~= n then
        local ti = tree:add(webrtc, tvb())
        ti:set_generated()
        ti:set_text(string.format("WebRTC: %d bytes of TURN over TCP skipped: not at a message "
            .. "boundary (a gap in the TCP stream before them); resynchronised at the next "
            .. "message", tvb:reported_len()))
        return tvb:len()
    end
    local len = n
    if tvb(0, 1):uint() >= 0x40 then len = 4 + tvb(2, 2):uint() end
    local msg = tvb(0, math.min(len, tvb:len())):tvb()
    -- A STUN message the snaplen cut goes through the demultiplexer, as
    -- over UDP: Wireshark's STUN dissector stops at the cut and never
    -- offers the relayed datagram of a Send/Data indication (RFC 8656
    -- §10-11), so the demultiplexer hands on its captured part and notes
    -- the cut request for the session model.
    if tvb(0, 1):uint() <= 3 and msg:len() < len then
        local f = flow_get(pinfo, false, true)
        if f and demux_payload(msg, pinfo, tree, f, len) > 0 then return tvb:len() end
    end
    call("stun-udp", msg, pinfo, tree)
    return tvb:len()
end, 0, "tpt")

local function conversation_turn_tcp(tvb, pinfo, tree)
    dissect_tcp_pdus(tvb, tree, 4, turn_tcp_len, turn_tcp_pdu, true)
    return tvb:len()
end

-- This TCP connection is framed as TURN over TCP by us from now on.
local function take_turn_tcp(pinfo)
    if pinfo.visited or pinfo.port_type ~= PT_TCP then return end
    local f = flow_get(pinfo, false, true)
    if not f or f.tcp_turn then return end
    f.tcp_turn = true
    pinfo.conversation = webrtc
end

-- RTP framed by RFC 4571 with no ICE or DTLS before it (RTP over TCP, RFC
-- 4571 §2: media servers' and gateways' TCP transport): the first framed
-- message of each segment corroborates like a UDP datagram (the same
-- tracks, at most 3 packets before the claim), and the connection is taken
-- for the framing only once they agree; until then TCP keeps it.
local function rfc4571_rtp_candidate(tvb, pinfo, tree)
    local captured, len = tvb:len(), tvb(0, 2):uint()
    if len < 12 or 2 + len > tvb:reported_len() or not prefs.corroborate then return false end
    local f = flow_get(pinfo, false, true)
    -- (a claimed connection is the framing's on later passes)
    if not f or pinfo.visited then return false end
    local inner = tvb(2, math.min(captured - 2, len)):tvb()
    if demux_payload(inner, pinfo, tree, f, len) <= 0 or f.media_frame == 0 then return false end
    pinfo.conversation = webrtc
    return true
end

local heur_tcp = protect("heur_tcp", function(tvb, pinfo, tree)
    local captured = tvb:len()
    -- An Allocate request in TURN-TCP framing at the start of the stream.
    if captured >= 20 and tvb(0, 2):uint() == 0x0003 and tvb(4, 4):uint() == STUN_COOKIE and
       tvb(2, 2):uint() % 4 == 0 and 20 + tvb(2, 2):uint() >= captured then
        take_turn_tcp(pinfo)
        conversation_turn_tcp(tvb, pinfo, tree)
        return true
    end
    if captured < 3 then return false end
    local b = tvb(2, 1):uint()
    if band(b, 0xC0) == 0x80 then return rfc4571_rtp_candidate(tvb, pinfo, tree) end
    if b > 3 and (b < 20 or b > 25) then return false end
    local len = tvb(0, 2):uint()
    if len < 13 then return false end
    if tvb:reported_len() < 2 + len then
        -- The first message split over segments: a valid STUN header is
        -- enough, TCP reassembles the rest (DTLS waits for the record).
        if b <= 3 and captured >= 10 and band(b, 0xC0) == 0 and
           tvb(6, 4):uint() == STUN_COOKIE and tvb(4, 2):uint() + 20 == len and
           pinfo.can_desegment > 0 then
            if not pinfo.visited then pinfo.conversation = webrtc end
            conversation_tcp(tvb, pinfo, tree)
            return true
        end
        return false
    end
    -- Decided on the captured bytes, the lengths against the framing's: a
    -- header-only capture (snaplen) decides like a full one.
    local have = math.min(captured - 2, len)
    local p = tvb:raw(2, have)
    local ok
    if b <= 3 then ok = stun_valid(p, have, len, false) else ok = dtls_valid(p, have, len) end
    if not ok then return false end
    if not pinfo.visited then pinfo.conversation = webrtc end
    conversation_tcp(tvb, pinfo, tree)
    return true
end, false, "tpt")

-- One dissector for the conversations we take: UDP datagrams go to the
-- demultiplexer, TCP streams to the RFC 4571 framing.
webrtc.dissector = protect("dissector", function(tvb, pinfo, tree)
    if pinfo.port_type == PT_TCP then
        local f = flow_get(pinfo, false, false)
        if f and f.tcp_turn then return conversation_turn_tcp(tvb, pinfo, tree) end
        if pinfo.match_uint == 3478 and (pinfo.src_port == 3478 or pinfo.dst_port == 3478) then
            -- TCP port 3478 (STUN/TURN over TCP, RFC 8489 §18.6, RFC 8656
            -- §12.5), taken from Wireshark's STUN (below): a connection
            -- whose segment starts with a STUN message (magic cookie) is
            -- framed by us from that message on; anything else stays
            -- Wireshark's STUN (webrtc-tcp.c webrtc_dissect_turn_tcp_port).
            if prefs.turn and tvb:len() >= 8 and turn_tcp_msg_len(tvb, 0) ~= 0 and
               tvb(0, 1):uint() <= 3 then
                take_turn_tcp(pinfo)
                return conversation_turn_tcp(tvb, pinfo, tree)
            end
            return call("stun-tcp", tvb, pinfo, tree)
        end
        return conversation_tcp(tvb, pinfo, tree)
    end
    -- Called through the udp.port table for 3478 (below; a conversation
    -- dissector is called without setting match_uint, which then holds
    -- the IP protocol).
    if pinfo.match_uint == 3478 and (pinfo.src_port == 3478 or pinfo.dst_port == 3478) then
        turn_port_frame = pinfo.number
    end
    return conversation_udp(tvb, pinfo, tree)
end, 0, "tpt")

-- UDP offers a 5-tuple to the dissector of its port before any heuristic,
-- and 3478 (STUN/TURN, RFC 8489 §18.6) is Wireshark's STUN: the TURN
-- messages of a client<->server 5-tuple would reach the demultiplexer only
-- once media inside them was seen. The demultiplexer takes the port (as the
-- C plugin's webrtc_dissect_turn_port) and hands every STUN message on to
-- Wireshark's STUN dissector, so a relayed flow is claimed on its first
-- TURN message; ChannelData there is TURN's even without a STUN message
-- before it in the capture.
DissectorTable.get("udp.port"):add(3478, webrtc)
-- TCP 3478 likewise, for the TURN-TCP framing: Wireshark's STUN offers a
-- relayed datagram to the TURN heuristics (and so lets us take the
-- connection) only where it is whole, which in a header-only capture it
-- never is.
DissectorTable.get("tcp.port"):add(3478, webrtc)

-- The channel of the ChannelData message whose payload `tvb` is: the STUN
-- dissector added stun.channel 4 bytes before the payload (RFC 8656 §12.4).
-- Lua sees other dissectors' fields only when tshark builds a tree, which
-- its first pass of -2 does not: the channel is taken on any pass.
local f_stun_channel = Field.new("stun.channel")
local function turn_channel_of(tvb)
    local all = { f_stun_channel() }
    local fi = all[#all]
    if fi and fi.offset + 4 == tvb:offset() then return fi.value end
    return 0
end

-- A relayed datagram is demultiplexed once per frame and position: the STUN
-- dissector and the look at a cut indication (relay_cut_indication) may
-- each offer it.
local relayed = { frame = -1, seen = {} }
local function relayed_seen(pinfo, tvb)
    if relayed.frame ~= pinfo.number then relayed = { frame = pinfo.number, seen = {} } end
    local k = tvb:offset() .. ":" .. tvb:reported_len()
    if relayed.seen[k] then return true end
    relayed.seen[k] = true
    return false
end

-- `wire`: the relayed datagram's length when `tvb` is the captured part
-- of a cut indication's DATA (relay_cut_indication).
heur_turn_fn = function(tvb, pinfo, tree, wire)
    local pt = pinfo.port_type
    if not prefs.turn or (pt ~= PT_UDP and pt ~= PT_TCP) or pinfo.in_error_pkt or
       not may_start_flow(tvb) or relayed_seen(pinfo, tvb) then
        return false
    end
    local f = flow_get(pinfo, true, true)
    if not f then return false end
    if f.turn_channel == 0 then f.turn_channel = turn_channel_of(tvb) end
    local ret = demux_payload(tvb, pinfo, tree, f, wire)
    if ret > 0 and pt == PT_TCP then take_turn_tcp(pinfo) end
    if ret > 0 and f.media_frame ~= 0 and not pinfo.visited and pt == PT_UDP then
        -- The relayed media is set up on the client<->server 5-tuple, so
        -- that 5-tuple must come to us first as well (otherwise UDP would
        -- offer its STUN messages to the RTP conversation).
        local outer = flow_get(pinfo, false, true)
        if outer then
            if outer.stun_frame == 0 then outer.stun_frame = f.first_frame end
            outer.turn_methods = true
            if outer.first_frame > f.first_frame then outer.first_frame = f.first_frame end
            take_conversation(pinfo, outer)
        end
    end
    return ret > 0
end
local heur_turn = protect("heur_stun", heur_turn_fn, false, "tpt")

webrtc:register_heuristic("udp", heur_udp)
webrtc:register_heuristic("tcp", heur_tcp)
webrtc:register_heuristic("stun", heur_turn)
webrtc:register_heuristic("classicstun", heur_turn)

-------------------------------------------------------------------------------
-- RFC 4733: without an SDP map, Wireshark decodes dynamic payload types 100
-- and 101 as RTP EVENT (rtp.pt table). On our flows those entries are taken
-- over by a guard that calls Wireshark's RTP EVENT dissector only for a
-- payload type the validator accepted; otherwise it declines and the RTP
-- dissector shows the payload as data of an unknown dynamic type, as the C
-- plugin's "DynamicRTP-Type-N" map entry does. RTP not handed over by us
-- (SDP set-ups) gets Wireshark's own dissector, unchanged.
-------------------------------------------------------------------------------
local rtp_pt_table = DissectorTable.get("rtp.pt")
local guard = Proto("webrtc_pt_guard", "WebRTC RFC 4733 guard")
local original_pt = {}

guard.dissector = protect("pt_guard", function(tvb, pinfo, tree)
    local pt = pinfo.match_uint
    local orig = original_pt[pt]
    local c = current
    if c.frame == pinfo.number and c.flow then
        -- The C plugin enters every dynamic PT of its flows in the RTP map
        -- without a payload dissector, and telephone-event once validated;
        -- an SRTP flow's payloads are not dissected at all.
        if c.flow.srtp then return 0 end
        local ev = c.flow.events[pt]
        if ev and ev.verdict == EV_YES and orig then return call_handle(orig, tvb, pinfo, tree) end
        return 0
    end
    if orig then return call_handle(orig, tvb, pinfo, tree) end
    return 0
end, 0, "tpt")

for pt = 96, 127 do
    local d = rtp_pt_table:get_dissector(pt)
    if d then
        original_pt[pt] = d
        rtp_pt_table:add(pt, guard)
    end
end

-------------------------------------------------------------------------------
-- Facts for the session model (plugin/webrtc-facts.c): read from the fields
-- of Wireshark's dissectors. Lua sees them only where tshark builds a tree:
-- on the pass that runs the taps (the second with -2, the only one
-- without), which is where the summary listens.
-------------------------------------------------------------------------------
local function field(name)
    local ok, f = pcall(Field.new, name)
    return ok and f or nil
end

local F = {}
for _, name in ipairs({ "stun", "dtls", "zrtp", "rtp", "rtcp", "srtcp", "sip", "tls", "icmp",
    "icmpv6", "stun.type", "stun.att.username", "stun.att.realm", "stun.att.software",
    "stun.att.priority", "stun.att.tie-breaker", "stun.att.type", "stun.att.ipv4",
    "stun.att.ipv6", "stun.att.port", "stun.channel", "stun.att.channelnum",
    "dtls.handshake.type", "dtls.handshake.extensions.supported_version", "rtp.ssrc",
    "rtp.p_type", "rtp.seq", "rtp.timestamp", "rtp.marker", "rtp.padding", "rtp.payload",
    "srtp.enc_payload",
    "rtcp.pt", "srtcp.e", "sip.Call-ID", "sdp.connection_info.address", "sdp.media.port",
    "tls.handshake.extensions_server_name", "x509af.serialNumber", "rtcp.sdes.type",
    "rtcp.sdes.text", "rtp.ext.profile", "rtcp.rtpfb.fmt", "rtcp.psfb.fmt",
    "x509sat.printableString", "x509sat.uTF8String", "tls.record.content_type",
    "rtcp.ssrc.identifier", "rtcp.ssrc.fraction", "rtcp.ssrc.cum_nr", "rtcp.ssrc.jitter" }) do
    F[name] = field(name)
end
-- The display filter a summary listener uses: true for every frame, naming
-- every field the facts come from (so that tshark builds a tree with them).
local facts_filter_fields = {}
for name, f in pairs(F) do facts_filter_fields[#facts_filter_fields + 1] = name end
table.sort(facts_filter_fields)

local function all(name)
    local f = F[name]
    if not f then return {} end
    return { f() }
end
local function first(name)
    local f = F[name]
    if not f then return nil end
    return (f())
end
local function present(name) return first(name) ~= nil end

local ATT_XOR_PEER_ADDRESS, ATT_XOR_RELAYED_ADDRESS = 0x0012, 0x0016
local CC = Model.C
local FPB = Model.FP

local function read_stun(f)
    local t, ch = first("stun.type"), first("stun.channel")
    if ch then
        f.contents = bor(f.contents, CC.CHANNELDATA)
        f.channel = ch.value
    end
    if not t then return end
    local type = t.value
    f.stun_method = band(type, 0x000F) + rshift(band(type, 0x00E0), 1) +
                    rshift(band(type, 0x3E00), 2)
    f.stun_class = bor(band(rshift(type, 4), 1), band(rshift(type, 7), 2))
    f.contents = bor(f.contents, CC.STUN)
    -- Attributes past the captured bytes (snaplen): what is missing is
    -- unknown, not absent (the ICE attributes of a check, say).
    local src = t.source
    if src and t.offset >= 0 and src:len() >= t.offset + 4 then
        f.stun_cut = src:len() - t.offset < 20 + src(t.offset + 2, 2):uint()
    end
    if turn_methods[f.stun_method] then f.contents = bor(f.contents, CC.TURN) end
    if f.stun_method == 6 or f.stun_method == 7 then f.contents = bor(f.contents, CC.DATA_IND) end
    if present("stun.att.priority") or present("stun.att.tie-breaker") then
        f.contents = bor(f.contents, CC.ICE)
    end
    local u, r, sw = first("stun.att.username"), first("stun.att.realm"),
                     first("stun.att.software")
    f.username = u and u.value
    if band(f.contents, CC.ICE) ~= 0 then
        f.fingerprints = bor(f.fingerprints, Model.ice_username_fingerprint(f.username))
    end
    f.realm = r and r.value
    f.software = sw and sw.value
    if not f.channel then
        local cn = first("stun.att.channelnum")
        if cn then f.channel = cn.value end
    end
    local types, ports = all("stun.att.type"), all("stun.att.port")
    for _, fam in ipairs({ "stun.att.ipv4", "stun.att.ipv6" }) do
        for _, fi in ipairs(all(fam)) do
            local att, best_start = 0, -1
            for _, ti in ipairs(types) do
                if ti.source == fi.source and ti.offset < fi.offset and ti.offset > best_start then
                    best_start, att = ti.offset, ti.value
                end
            end
            if att == ATT_XOR_RELAYED_ADDRESS or att == ATT_XOR_PEER_ADDRESS then
                local port = 0
                for _, pi in ipairs(ports) do
                    if pi.source == fi.source and pi.offset + 2 == fi.offset then
                        port = pi.value
                        break
                    end
                end
                -- FieldInfo.value of an address field reads the packet bytes (the XORed
                -- ones here); the displayed value is the decoded address.
                local e = Model.ep_from_text(fi.display, port)
                -- Only an Allocate success response gives the relayed
                -- address (RFC 8656 §7.3); WhatsApp's Allocate requests name
                -- the server's own address there.
                if e and not (att == ATT_XOR_RELAYED_ADDRESS and f.stun_class ~= 2) then
                    if att == ATT_XOR_RELAYED_ADDRESS then
                        f.relayed = e
                    elseif #f.peers < 4 then
                        f.peers[#f.peers + 1] = e
                    end
                end
            end
        end
    end
end

local function read_dtls(f)
    local serial = first("x509af.serialNumber")
    if serial then f.dtls_cert = serial.value:tohex(true, ":") end
    local server_hello = false
    for _, fi in ipairs(all("dtls.handshake.type")) do
        server_hello = server_hello or fi.value == 2
    end
    if not server_hello then return end
    -- The ServerHello's supported_versions names the version (RFC 9147
    -- §5.3, RFC 8446 §4.2.1); without it the version is DTLS 1.2, unless the
    -- capture cut the ServerHello: then it is not known.
    for _, fi in ipairs(all("dtls.handshake.extensions.supported_version")) do
        if fi.value == 0xFEFC then f.dtls_version = 0xFEFC end
    end
    if f.dtls_version == 0 then
        local src = first("dtls.handshake.type").source
        f.dtls_version = src and src:len() < src:reported_len() and Model.DTLS_NOT_CAPTURED or
                         0xFEFD
    end
end

-- RTP of flows set up by others (SDP): from Wireshark's fields.
local function read_rtp_fields(f, srtp)
    local ssrc, pt, seq, ts, mk = all("rtp.ssrc"), all("rtp.p_type"), all("rtp.seq"),
                                  all("rtp.timestamp"), all("rtp.marker")
    local pad = all("rtp.padding")
    -- The payload fields in C's order: every rtp.payload, then srtp.enc_payload.
    local pays = {}
    for _, fi in ipairs(all("rtp.payload")) do pays[#pays + 1] = { fi = fi, clear = true } end
    for _, fi in ipairs(all("srtp.enc_payload")) do pays[#pays + 1] = { fi = fi, clear = false } end
    local n = math.min(#ssrc, #pt, #seq, #ts)
    for i = 1, math.min(n, 16) do
        local s = ssrc[i]
        local nxt = ssrc[i + 1] and ssrc[i + 1].offset or -1
        local plen, head, found = 0, nil, false
        for _, e in ipairs(pays) do
            local p = e.fi
            if p.source == s.source and p.offset > s.offset and (nxt < 0 or p.offset < nxt) then
                plen = p.len
                found = true
                -- The first bytes of a clear payload (rtp.payload, not
                -- srtp.enc_payload), within what was captured.
                if e.clear and not srtp and plen > 0 then
                    local ok, raw = pcall(function()
                        local r = p.range
                        return r:raw(0, math.min(plen, R.codec_guess.HEAD, r:len()))
                    end)
                    if ok and raw and #raw > 0 then head = raw end
                end
                break
            end
        end
        if plen == 0 and not found and s.offset >= 8 and s.source then
            -- No payload field: the capture was cut inside the header or
            -- payload (snaplen). The payload's length on the wire, from the
            -- header in the same data source.
            local ds, at = s.source, s.offset - 8
            local cap, rep = ds:len() - at, ds:reported_len() - at
            if cap >= 12 and rep >= cap then
                local st, h = rtp_parse(ds:raw(at, cap), cap, rep, srtp)
                if st == RTP_OK then plen = h.payload_len end
            end
        end
        f.rtp[#f.rtp + 1] = { ssrc = s.value, pt = pt[i].value, seq = seq[i].value,
                              ts = ts[i].value, marker = mk[i] and mk[i].value or false,
                              padding = pad[i] and pad[i].value or false,
                              payload_len = plen, srtp = srtp, head = head }
    end
end

local function read_rtcp(f)
    -- Reception report blocks (RFC 3550 §6.4.1), found from the fraction's
    -- position: SSRC 4 bytes before, cumulative lost 1 after, jitter 8
    -- after (webrtc-facts.c; rtcp.ssrc.identifier also names SDES chunks).
    local ids, fr = all("rtcp.ssrc.identifier"), all("rtcp.ssrc.fraction")
    local cum, jit = all("rtcp.ssrc.cum_nr"), all("rtcp.ssrc.jitter")
    f.rr = {}
    for _, fi in ipairs(fr) do
        if #f.rr >= 8 then break end
        local id
        for _, x in ipairs(ids) do
            if not id and x.offset + 4 == fi.offset then id = x end
        end
        if id then
            local rr = { ssrc = id.value, fraction = fi.value, cum_lost = 0, jitter = 0 }
            for _, x in ipairs(cum) do
                if x.offset == fi.offset + 1 then rr.cum_lost = x.value end
            end
            for _, x in ipairs(jit) do
                if x.offset == fi.offset + 8 then rr.jitter = x.value end
            end
            f.rr[#f.rr + 1] = rr
        end
    end
    local types, texts = all("rtcp.sdes.type"), all("rtcp.sdes.text")
    for i = 1, math.min(#types, #texts) do
        if #f.cnames >= 4 then break end
        if types[i].value == 1 then f.cnames[#f.cnames + 1] = texts[i].value end
    end
end

local function read_sip(f)
    local cid = first("sip.Call-ID")
    f.sip_call_id = cid and cid.value
    local conn, ports = all("sdp.connection_info.address"), all("sdp.media.port")
    if not f.sip_call_id or #conn == 0 then return end
    for _, p in ipairs(ports) do
        if #f.sdp >= 8 then break end
        local addr
        for _, c in ipairs(conn) do
            if c.source ~= p.source or c.offset < p.offset or not addr then addr = c.value end
        end
        local e = Model.ep_from_text(addr and tostring(addr), p.value)
        if e then f.sdp[#f.sdp + 1] = e end
    end
end

local function read_fingerprints(f, sh)
    -- Each field only where its protocol is (the fields cost a call each).
    local c = f.contents
    if band(c, CC.RTP) ~= 0 then for _, fi in ipairs(all("rtp.ext.profile")) do
        local prof = fi.value
        if prof == 0xBEDE then
            f.fingerprints = bor(f.fingerprints, FPB.HDREXT_ONE_BYTE)
        elseif band(prof, 0xFFF0) == 0x1000 then
            f.fingerprints = bor(f.fingerprints, FPB.HDREXT_TWO_BYTE)
        end
    end end
    local function rtpfb(fmt)
        if fmt == 15 then f.fingerprints = bor(f.fingerprints, FPB.TRANSPORT_CC)
        elseif fmt == 1 then f.fingerprints = bor(f.fingerprints, FPB.NACK) end
    end
    local function psfb(fmt)
        if fmt == 1 then f.fingerprints = bor(f.fingerprints, FPB.PLI)
        elseif fmt == 4 then f.fingerprints = bor(f.fingerprints, FPB.FIR)
        elseif fmt == 15 then f.fingerprints = bor(f.fingerprints, FPB.REMB) end
    end
    if band(c, CC.RTCP) ~= 0 then
        for _, fi in ipairs(all("rtcp.rtpfb.fmt")) do rtpfb(fi.value) end
        for _, fi in ipairs(all("rtcp.psfb.fmt")) do psfb(fi.value) end
    end
    -- SRTCP drawn by us: the FMT of its clear first packet.
    for _, x in ipairs(sh and not sh.rtcp_refused and sh.fingerprints or {}) do
        if x.pt == 205 then rtpfb(x.fmt) elseif x.pt == 206 then psfb(x.fmt) end
    end
    if band(c, CC.STUN) ~= 0 then
        for _, fi in ipairs(all("stun.att.type")) do
            if fi.value >= 0xC057 and fi.value <= 0xC05F then
                f.fingerprints = bor(f.fingerprints, FPB.GOOG_STUN)
            elseif Model.stun_ms_attribute(fi.value) then
                f.fingerprints = bor(f.fingerprints, FPB.MS_STUN)
            end
        end
    end
    for _, name in ipairs({ "x509sat.printableString", "x509sat.uTF8String" }) do
        for _, fi in ipairs(all(name)) do
            if fi.value == "WebRTC" then f.fingerprints = bor(f.fingerprints, FPB.CERT_WEBRTC) end
        end
    end
end

-- The facts of one packet, or nil (plugin/webrtc-facts.c dissect_facts).
local f_udp, f_tcp = Field.new("udp"), Field.new("tcp")
local HIDDEN = Model.HIDDEN
local function facts_of(pinfo, tvb)
    local pt = pinfo.port_type
    if pt ~= PT_UDP and pt ~= PT_TCP then return nil end
    -- No tree on this pass (tshark's first pass of -2): no fields to read.
    if not f_udp() and not f_tcp() then return nil end
    if present("icmp") or present("icmpv6") then return nil end
    local src = Model.ep_from_text(tostring(pinfo.src), pinfo.src_port)
    local dst = Model.ep_from_text(tostring(pinfo.dst), pinfo.dst_port)
    if not src or not dst then return nil end
    local f = { frame = pinfo.number, t = pinfo.rel_ts, tcp = pt == PT_TCP, src = src,
                dst = dst, bytes = pinfo.len, captured = tvb:len(), hidden = 0, contents = 0,
                stun_method = 0, stun_class = 0, peers = {}, dtls_version = 0, rtp = {},
                cnames = {}, sdp = {}, fingerprints = 0, binding_request = false,
                stun_cut = false, relay_cut = false, check_sized = false }
    local cut = f.captured < f.bytes
    local sh = stash.frame == pinfo.number and stash or nil
    if present("stun") then read_stun(f) end
    -- The demultiplexer's reading of the STUN messages: also those
    -- Wireshark's STUN dissector gave up on (a header the snaplen cut) and
    -- the checks inside TURN indications.
    local k = sh and sh.stun
    if k then
        f.contents = bor(f.contents, CC.STUN, k.turn and CC.TURN or 0)
        f.binding_request = f.binding_request or k.binding_request
        f.stun_cut = f.stun_cut or k.cut
        f.relay_cut = k.relay_cut
        if k.relay_cut then f.hidden = bor(f.hidden, HIDDEN.RELAYED) end
        f.check_sized = k.check_sized
    elseif band(f.contents, CC.STUN) ~= 0 then
        f.binding_request = f.stun_method == 1 and f.stun_class == 0
    end
    if f.stun_cut then f.hidden = bor(f.hidden, HIDDEN.ICE) end
    if present("dtls") then
        f.contents = bor(f.contents, CC.DTLS)
        read_dtls(f)
        -- A handshake record the snaplen cut: its certificate (DTLS 1.2)
        -- and version may have been in it.
        if cut and present("dtls.handshake.type") and not f.dtls_cert then
            f.hidden = bor(f.hidden, HIDDEN.CERT)
        end
    end
    if sh and sh.dtls_app_records then
        -- The demultiplexer's count of DTLS application-data records:
        -- Wireshark 4.0 has no fields for DTLS 1.3 records.
        f.contents = bor(f.contents, CC.DTLS, CC.DTLS_APP)
        f.dtls_app_records, f.dtls_app_bytes = sh.dtls_app_records, sh.dtls_app_bytes
    end
    if present("zrtp") then f.contents = bor(f.contents, CC.ZRTP) end
    if sh and #sh.rtp > 0 then
        -- The RTP packets the demultiplexer handed to Wireshark's RTP
        -- dissector, as webrtc-facts.c read_rtp reads their fields on the
        -- first pass (those it refused then are not RTP for the model: a
        -- later pass may show them as RTP, see refused_first_pass).
        -- Where Wireshark's DTLS dissector set the flow up as SRTP itself
        -- (DTLS 1.2 use_srtp), its srtp.enc_payload has the profile's tag
        -- length: those lengths, as the C plugin's fields show them.
        local enc = all("srtp.enc_payload")
        local rs, frame_srtp = {}, false
        for j, r in ipairs(sh.rtp) do
            if not (pinfo.visited and refused_first_pass[r.pos]) then
                rs[#rs + 1] = r
                r.enc_len = (r.srtp and #enc == #sh.rtp) and enc[j].len or nil
                frame_srtp = frame_srtp or r.srtp
            end
        end
        for _, r in ipairs(rs) do
            if #f.rtp >= 16 then break end
            f.rtp[#f.rtp + 1] = { ssrc = r.ssrc, pt = r.pt, seq = r.seq, ts = r.ts,
                                  marker = r.marker, padding = r.padding,
                                  payload_len = r.enc_len or r.field_len, srtp = frame_srtp,
                                  head = not frame_srtp and r.head or nil }
        end
        if #rs > 0 then
            f.contents = bor(f.contents, frame_srtp and bor(CC.RTP, CC.SRTP) or CC.RTP)
            -- The demultiplexer's own reading of the header (the last RTP
            -- packet it handed on, webrtc_rtp_pkt_t) decides the first
            -- packet's payload length and SRTP: exact also on a header-only
            -- capture.
            local last, r0 = rs[#rs], f.rtp[1]
            if r0.ssrc == last.ssrc then
                r0.payload_len = last.note_len
                r0.srtp = last.srtp or frame_srtp
                if not last.payload_captured and last.note_len > 0 then
                    f.hidden = bor(f.hidden, HIDDEN.PAYLOAD)
                end
                f.contents = bor(f.contents, r0.srtp and bor(CC.RTP, CC.SRTP) or CC.RTP)
            end
        end
    elseif present("rtp") then
        local srtp = present("srtp.enc_payload")
        f.contents = bor(f.contents, srtp and bor(CC.RTP, CC.SRTP) or CC.RTP)
        read_rtp_fields(f, srtp)
    end
    if sh and sh.rtcp_refused then
        -- (its RTCP not seen on the first pass: none)
    elseif (sh and sh.srtcp) or present("srtcp") or present("srtcp.e") then
        f.contents = bor(f.contents, CC.SRTCP, CC.RTCP)
    elseif present("rtcp") or present("rtcp.pt") then
        f.contents = bor(f.contents, CC.RTCP)
    end
    if band(f.contents, CC.RTCP) ~= 0 then
        read_rtcp(f)
        if cut and #f.cnames == 0 and band(f.contents, CC.SRTCP) == 0 then
            f.hidden = bor(f.hidden, HIDDEN.CNAME)
        end
    end
    if present("sip") then
        f.contents = bor(f.contents, CC.SIP)
        read_sip(f)
        if cut and #f.sdp == 0 then f.hidden = bor(f.hidden, HIDDEN.SDP) end
    end
    read_fingerprints(f, sh)
    -- A TLS record in this frame (not a segment whose record TLS is still
    -- reassembling: webrtc-facts.c)
    if present("tls") and present("tls.record.content_type") then
        f.contents = bor(f.contents, CC.TLS)
        local sni = first("tls.handshake.extensions_server_name")
        f.tls_sni = sni and sni.value
    end
    return f
end

-------------------------------------------------------------------------------
-- `-z webrtc,summary[,json][,FILTER]` (plugin/webrtc-summary.c) and
-- Statistics > WebRTC Sessions (Lua)
-------------------------------------------------------------------------------
local function summary_filter(user)
    local f = "(frame || " .. table.concat(facts_filter_fields, " || ") .. ")"
    if user and user ~= "" then return "(" .. user .. ") && " .. f end
    return f
end

-- A pending RTP packet as the facts of its frame (webrtc-facts.c
-- webrtc_facts_add_pending_rtp).
replay_fact = function(fl, e, at, not_counted)
    local d = e.dir
    local src = Model.ep_from_text(fl.addr[d], fl.port[d])
    local dst = Model.ep_from_text(fl.addr[3 - d], fl.port[3 - d])
    if not src or not dst then return end
    local f = { frame = e.frame, t = e.t, tcp = fl.ptype == PT_TCP, src = src, dst = dst,
                bytes = e.bytes, captured = 0, hidden = 0,
                contents = fl.srtp and bor(CC.RTP, CC.SRTP) or CC.RTP,
                stun_method = 0, stun_class = 0, peers = {}, dtls_version = 0, cnames = {},
                sdp = {}, fingerprints = 0,
                rtp = { { ssrc = e.ssrc, pt = e.pt, marker = e.marker, seq = e.seq, ts = e.ts,
                          payload_len = e.payload_len, srtp = fl.srtp } },
                not_counted = not_counted or nil }
    for _, sink in ipairs(replay_sinks) do sink(f, at) end
end

local function idle_gap()
    return prefs.flow_idle_gap > 0 and prefs.flow_idle_gap or 60
end

local whole_model -- the whole-capture model (below), or nil when switched off

local function new_listener(user_filter, on_draw)
    -- Without a filter the summary is the whole-capture model that the
    -- session fields use (as in the C plugin): no second set of facts per
    -- packet. With a filter, or with the model switched off, an own model
    -- from the matching packets.
    local model = Model.new(idle_gap())
    local own = user_filter ~= nil or not prefs.session_model
    -- (own models take no held RTP: the C plugin replays it into the
    -- whole-capture model only)
    local l = Listener.new("frame", summary_filter(user_filter))
    l.packet = protect("tap_packet", function(pinfo, tvb)
        -- This run taps its first pass: hold no RTP (see `hold`).
        if pinfo.number == hold.frame and not hold.visited then hold.tapped = true end
        if not own then return end
        local f = facts_of(pinfo, tvb)
        if f and f.contents ~= 0 then Model.add(model, f) end
    end, nil, "pt")
    l.reset = protect("tap_reset", function() model = Model.new(idle_gap()) end, nil, "")
    l.draw = protect("tap_draw", function() on_draw(own and model or whole_model() or model) end,
        nil, "")
    return l
end

register_stat_cmd_arg("webrtc,summary", protect("z_summary", function(arg)
    local rest = arg:sub(#"webrtc,summary" + 1)
    if rest:sub(1, 1) == "," then rest = rest:sub(2) end
    local json = false
    if rest:sub(1, 4) == "json" and (#rest == 4 or rest:sub(5, 5) == ",") then
        json = true
        rest = rest:sub(6)
    end
    new_listener(rest ~= "" and rest or nil, function(model)
        io.stdout:write(json and Model.report_json(model) or Model.report_text(model))
    end)
end, nil, ""))

if gui_enabled() then
    -- Lua's register_menu has no statistics-tree dialog: the text report
    -- in a window, rebuilt by retapping the capture. MENU_STAT_GENERIC is
    -- not placed by Wireshark 4.0's Qt main window (addMenuActions skips
    -- it); the unsorted Statistics group is.
    register_menu("WebRTC Sessions (Lua)", protect("menu", function()
        local tw = TextWindow.new("WebRTC Sessions (Lua fallback)")
        local l = new_listener(nil, function(model) tw:set(Model.report_text(model)) end)
        tw:set_atclose(protect("menu_close", function() l:remove() end, nil, ""))
        retap_packets()
    end, nil, ""), MENU_PACKET_STAT_UNSORTED or MENU_STAT_UNSORTED)
end

-------------------------------------------------------------------------------
-- webrtc.session & co. on every packet of a session (webrtc-facts.c
-- add_session_fields): a whole-capture model fed by a postdissector with the
-- facts of each frame, once per frame, on the first pass that has a tree
-- (tshark's first pass has one only with -Y/-R; the GUI's read has one,
-- because the field extractors below register a filtering tap listener).
-------------------------------------------------------------------------------
local session_post = Proto("webrtc_session", "WebRTC session fields (Lua)")
local whole = { model = nil, seen = {}, kept_ssrc = {}, last_regroup = 0, unvisited = false,
                visited = false, deferred = {} }
local REGROUP_EVERY_FRAMES = 1000

whole_model = function() return whole.model end

session_post.init = protect("post_init", function()
    whole = { model = prefs.session_model and Model.new(idle_gap()) or nil, seen = {},
              kept_ssrc = {}, last_regroup = 0, unvisited = false, visited = false,
              deferred = {} }
    -- The demultiplexer's state of the capture (webrtc-flow.c's file-scope
    -- flows and known SSRCs, reset for each capture file).
    flows, known_ssrcs, refused_first_pass, waiting_ssrcs, quic_front = {}, {}, {}, {}, {}
    hold.building, hold.tapped, hold.frame, hold.visited = whole.model ~= nil, false, -1, true
end, nil, "")

-- Facts for the replay of pending RTP go to the whole-capture model too,
-- where the C plugin adds them: while the frame `at` that made the replay
-- is read, before that frame's own facts (the postdissector adds them when
-- it learns frame `at`, on the pass that has a tree). A replayed frame's own
-- facts, without RTP, are added when that frame is read.
replay_sinks[#replay_sinks + 1] = function(f, at)
    if not whole.model then return end
    local d = whole.deferred[at]
    if not d then d = {}; whole.deferred[at] = d end
    d[#d + 1] = f
end

local trait_hf = { hf.trait_ice, hf.trait_turn, hf.trait_srtp, hf.trait_dtls_srtp,
                   hf.trait_sdes, hf.trait_bundle, hf.trait_rtcp_mux, hf.trait_web_signaling,
                   hf.trait_datachannel,
                   -- their names, for the "Traits: ..." subtree
                   names = { "ICE", "TURN", "SRTP", "DTLS-SRTP", "SDES", "BUNDLE", "rtcp-mux",
                             "Web signaling", "Data channel" } }

local function add_session_fields(tvb, pinfo, tree, f)
    local m = whole.model
    -- Regroup now and then while learning; every packet once the model is
    -- complete (a later pass over a model learnt on the first).
    if whole.visited or not whole.unvisited or not pinfo.visited then
        if pinfo.number - whole.last_regroup >= REGROUP_EVERY_FRAMES or whole.last_regroup == 0 then
            Model.finish(m)
            whole.last_regroup = pinfo.number
        end
    else
        Model.finish(m)
    end
    local fl = Model.lookup(m, f.tcp, f.src, f.dst, f.t)
    if not fl or fl.session < 1 then return end
    local s = m.sessions[fl.session]
    if not s then return end
    if whole.gen ~= m.generation then
        whole.gen, whole.info = m.generation, {}
    end
    local si = whole.info[fl.session]
    if not si then
        local traits = Model.traits_of(s.flows, m.tls)
        local _, score = Model.verdict_of(traits, false)
        si = { traits = traits, score = score, verdict = Model.session_verdict(s, m.tls),
               leg_verdict = {} }
        for j, l in ipairs(s.legs) do si.leg_verdict[j] = Model.leg_verdict(l, m.tls) end
        whole.info[fl.session] = si
    end
    local vname = Model.verdict_names[si.verdict]
    local r0 = tvb(0, 0)
    local ti = tree:add(webrtc, r0)
    ti:set_generated()
    ti:append_text(string.format(", session %d: %s", fl.session, vname))
    ti:add(hf.session, r0, fl.session):set_generated()
    ti:add(hf.leg, r0, fl.leg):set_generated()
    if fl.leg >= 1 and si.leg_verdict[fl.leg] then
        ti:add(hf.leg_verdict, r0, Model.verdict_names[si.leg_verdict[fl.leg]]):set_generated()
    end
    ti:add(hf.verdict, r0, vname):set_generated()
    ti:add(hf.score, r0, si.score):set_generated()
    -- The traits, one subtree "Traits: ICE, SRTP, ..." (webrtc-facts.c).
    local on = {}
    for k = 1, #trait_hf do if si.traits.on[k] then on[#on + 1] = trait_hf.names[k] end end
    local tr = ti:add(r0, "Traits: " .. (#on > 0 and table.concat(on, ", ") or "none"))
    tr:set_generated()
    for k = 1, #trait_hf do
        -- Not observable: no value to filter on (the summary says why).
        if not si.traits.unknown[k] then
            tr:add(trait_hf[k], r0, si.traits.on[k]):set_generated()
        end
    end
    local sh = stash.frame == pinfo.number and stash or nil
    local ssrc
    if sh and sh.rtp[1] then
        -- The last RTP packet of the frame (several ChannelData on TCP), as
        -- the C plugin keeps the SSRC its demultiplexer read last.
        ssrc = sh.rtp[#sh.rtp].ssrc
    elseif f.rtp[1] then
        ssrc = f.rtp[1].ssrc            -- RTP Wireshark set up itself (SIP/SDP)
    else
        ssrc = whole.kept_ssrc[pinfo.number]
    end
    if ssrc then
        local dir = Model.ep_cmp(f.src, fl.ep[0]) == 0 and 0 or 1
        for _, st in ipairs(fl.stream_list) do
            if st.ssrc == ssrc and st.dir == dir then
                local codec, ev = Model.codec_guess(st)
                ti:add(hf.media, r0, Model.stream_media(st)):set_generated()
                local it = ti:add(hf.codec_guess, r0, codec)
                it:set_text(string.format("Codec guess: %s (%s)", codec, ev))
                it:set_generated()
                break
            end
        end
    end
    if fl.software[1] then
        local sw = fl.software[1]:match("\t(.*)$") or fl.software[1]
        ti:add(hf.server_software, r0, sw):set_generated()
        local prod, ver = Model.software_identify(sw)
        if prod then
            local it = ti:add(hf.server_product, r0, prod)
            it:set_text("Server product: " .. prod .. (ver ~= "" and " " or "") .. ver)
            it:set_generated()
        end
    end
end

-- An expert info on the packet that first hit one of the whole-capture
-- model's caps (webrtc-facts.c add_cap_experts).
local function add_cap_experts(tvb, pinfo, tree)
    local m = whole.model
    if not Model.cap_at(m, pinfo.number) then return end
    local ti
    local function item()
        if not ti then
            ti = tree:add(webrtc, tvb(0, 0))
            ti:set_generated()
            ti:append_text(": bounded state")
        end
        return ti
    end
    local CAP = Model.CAP
    if Model.cap_frame(m, CAP.FLOWS) == pinfo.number then
        item():add_proto_expert_info(ei.cap_flows)
    end
    if Model.cap_frame(m, CAP.TLS) == pinfo.number then
        item():add_proto_expert_info(ei.cap_tls)
    end
    local pt = pinfo.port_type
    local src = Model.ep_from_text(tostring(pinfo.src), pinfo.src_port)
    local dst = Model.ep_from_text(tostring(pinfo.dst), pinfo.dst_port)
    if not src or not dst then return end
    local fl = Model.lookup(m, pt == PT_TCP, src, dst, pinfo.rel_ts)
    if not fl then return end
    if fl.cap_frame[CAP.STREAMS] == pinfo.number then
        item():add_proto_expert_info(ei.cap_streams)
    end
    if fl.cap_frame[CAP.LIST] == pinfo.number then
        item():add_proto_expert_info(ei.cap_list, string.format(
            "Per-flow list limit reached: %s beyond %d are not kept", fl.cap_list,
            Model.MAX_LIST))
    end
end

session_post.dissector = protect("postdissector", function(tvb, pinfo, tree)
    -- For the summary's tap: was this frame dissected on the first pass?
    hold.frame, hold.visited = pinfo.number, pinfo.visited
    if not whole.model then return 0 end
    -- Every frame's captured and on-the-wire length, on the first pass: the
    -- first cut one's captured length is the snaplen (webrtc-facts.c
    -- dissect_facts, wrtc_model_note_frame).
    if not pinfo.visited then Model.note_frame(whole.model, tvb:len(), tvb:reported_len()) end
    -- On a later pass: this frame hit a cap (on the first, the model learns
    -- it from this very packet, below).
    local caps_before = Model.cap_at(whole.model, pinfo.number)
    local f = facts_of(pinfo, tvb)
    if not f then
        if caps_before then add_cap_experts(tvb, pinfo, tree) end
        return 0
    end
    if not whole.seen[f.frame] then
        -- RTP replayed while this frame was demultiplexed (first pass): the
        -- C plugin's model took it just before this frame's own facts.
        local d = whole.deferred[f.frame]
        if d then
            whole.deferred[f.frame] = nil
            for _, x in ipairs(d) do Model.add(whole.model, x) end
        end
    end
    if not whole.seen[f.frame] and f.contents ~= 0 then
        whole.seen[f.frame] = true
        -- RTP that Wireshark decoded without us: keep the SSRC for passes
        -- that may not have the rtp.* fields.
        local sh = stash.frame == pinfo.number and stash or nil
        if f.rtp[1] and not (sh and sh.rtp[1]) then whole.kept_ssrc[f.frame] = f.rtp[1].ssrc end
        if pinfo.visited then whole.visited = true else whole.unvisited = true end
        Model.add(whole.model, f)
    end
    add_cap_experts(tvb, pinfo, tree)
    add_session_fields(tvb, pinfo, tree, f)
    return 0
end, 0, "tpt")

register_postdissector(session_post)
