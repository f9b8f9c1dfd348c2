-- webrtc_model.lua — the session model, traits, verdict and the
-- `-z webrtc,summary[,json]` report of the Lua fallback: a line-by-line
-- port of plugin/core/session.c, verdict.c, software.c and report.c (pure
-- Lua, no Wireshark API), fed with facts by webrtc.lua. The numbers it
-- decides with (software table, trait weights) come from webrtc_rules.lua,
-- generated from the C sources.
--
-- Loaded by webrtc.lua with dofile(); loaded on its own (Wireshark loads
-- every .lua of a plugins folder) it only returns the module table.
--
-- SPDX-License-Identifier: GPL-2.0-or-later

local M = {}
local R -- rules (webrtc_rules.lua), set by M.init

local sbyte, schar, sfmt = string.byte, string.char, string.format
-- bit32 (Lua 5.2) or Wireshark's BitOp `bit` (Lua 5.3/5.4 builds): only
-- small non-negative values go through them, where both agree.
local bitlib = bit32 or bit
local band, bor, bxor, lshift, rshift = bitlib.band, bitlib.bor, bitlib.bxor, bitlib.lshift,
    bitlib.rshift
local bnot = bitlib.bnot

-- Contents bits (session.h WRTC_C_*).
local C = { STUN = 0x1, TURN = 0x2, CHANNELDATA = 0x4, DTLS = 0x8, RTP = 0x10, SRTP = 0x20,
            RTCP = 0x40, SRTCP = 0x80, ZRTP = 0x100, SIP = 0x200, TLS = 0x400, ICE = 0x800,
            DATA_IND = 0x1000, DTLS_APP = 0x2000 }
M.C = C
local C_CALL = bor(C.STUN, C.TURN, C.CHANNELDATA, C.DTLS, C.RTP, C.SRTP, C.RTCP, C.SRTCP,
                   C.ZRTP)
local FP = { HDREXT_ONE_BYTE = 0x1, HDREXT_TWO_BYTE = 0x2, TRANSPORT_CC = 0x4, NACK = 0x8,
             PLI = 0x10, FIR = 0x20, REMB = 0x40, GOOG_STUN = 0x80, CERT_WEBRTC = 0x100,
             ICE_UFRAG4 = 0x200, ICE_UFRAG32 = 0x400, MS_STUN = 0x800 }
M.FP = FP
local FP_COUNT_BITS = 12
local FP_STRONG = bor(FP.TRANSPORT_CC, FP.GOOG_STUN, FP.CERT_WEBRTC)
local MAX_LIST = 8
local MAX_TLS = 4096

local function has(x, bit) return band(x, bit) ~= 0 end

-------------------------------------------------------------------------------
-- Endpoints: { fam = 4|6, addr = 4/16-byte string, port = n, key = string }
-------------------------------------------------------------------------------
local function ep_new(fam, addr, port)
    return { fam = fam, addr = addr, port = port,
             key = schar(fam) .. addr .. schar(rshift(port, 8), band(port, 255)) }
end

local function parse_ipv4(s)
    local a, b, c, d = s:match("^(%d+)%.(%d+)%.(%d+)%.(%d+)$")
    if not a then return nil end
    a, b, c, d = tonumber(a), tonumber(b), tonumber(c), tonumber(d)
    if a > 255 or b > 255 or c > 255 or d > 255 then return nil end
    return schar(a, b, c, d)
end

local function parse_ipv6(s)
    if not s:find(":") then return nil end
    local v4tail = s:match(":(%d+%.%d+%.%d+%.%d+)$")
    local tail4
    if v4tail then
        tail4 = parse_ipv4(v4tail)
        if not tail4 then return nil end
        s = s:sub(1, #s - #v4tail) .. "0:0"
    end
    local head, rest = s:match("^(.-)::(.*)$")
    local groups = {}
    local function split(x, out)
        if x == "" then return true end
        for g in (x .. ":"):gmatch("([^:]*):") do
            if not g:match("^%x%x?%x?%x?$") then return false end
            out[#out + 1] = tonumber(g, 16)
        end
        return true
    end
    if head then
        local h, t = {}, {}
        if not split(head, h) or not split(rest, t) then return nil end
        if #h + #t > 7 then return nil end
        for _, g in ipairs(h) do groups[#groups + 1] = g end
        for _ = 1, 8 - #h - #t do groups[#groups + 1] = 0 end
        for _, g in ipairs(t) do groups[#groups + 1] = g end
    else
        if not split(s, groups) or #groups ~= 8 then return nil end
    end
    local b = {}
    for i = 1, 8 do b[#b + 1] = schar(rshift(groups[i], 8), band(groups[i], 255)) end
    local out = table.concat(b)
    if tail4 then out = out:sub(1, 12) .. tail4 end
    return out
end

-- An endpoint from an address text (pinfo address, STUN/SDP field), or nil.
-- Endpoints are immutable: one table per text and port, parsed once (a
-- capture has few endpoints and many packets).
local ep_cache, ep_cache_n = {}, 0
function M.ep_from_text(s, port)
    if not s then return nil end
    local ck = s .. "|" .. port
    local e = ep_cache[ck]
    if e ~= nil then return e or nil end
    local a = parse_ipv4(s)
    if a then
        e = ep_new(4, a, port)
    else
        a = parse_ipv6(s)
        e = a and ep_new(6, a, port) or false
    end
    if ep_cache_n >= 65536 then ep_cache, ep_cache_n = {}, 0 end  -- bounded
    ep_cache[ck] = e
    ep_cache_n = ep_cache_n + 1
    return e or nil
end

-- C's memcmp/strcmp order on byte strings (Lua's < uses the locale).
local function strcmp(a, b)
    if a == b then return 0 end
    local n = math.min(#a, #b)
    for i = 1, n do
        local p, q = sbyte(a, i), sbyte(b, i)
        if p ~= q then return p < q and -1 or 1 end
    end
    return #a < #b and -1 or 1
end

-- wrtc_ep_cmp: family, address bytes, port (the key's byte order).
local function ep_cmp(a, b) return strcmp(a.key, b.key) end
M.ep_cmp = ep_cmp

local function same_host(a, b) return a.fam == b.fam and a.addr == b.addr end

-- inet_ntop(AF_INET6) of glibc: the RFC 5952 text form (the longest run of
-- two or more zero groups, the first of equal runs, as "::"; an IPv4-mapped
-- or -compatible address with a dotted tail), as Wireshark shows it.
local function ipv6_text(a)
    local w = {}
    for i = 0, 7 do w[i] = sbyte(a, 2 * i + 1) * 256 + sbyte(a, 2 * i + 2) end
    local best_base, best_len, cur_base, cur_len = -1, 0, -1, 0
    for i = 0, 7 do
        if w[i] == 0 then
            if cur_base == -1 then cur_base, cur_len = i, 1 else cur_len = cur_len + 1 end
        elseif cur_base ~= -1 then
            if best_base == -1 or cur_len > best_len then best_base, best_len = cur_base, cur_len end
            cur_base = -1
        end
    end
    if cur_base ~= -1 and (best_base == -1 or cur_len > best_len) then
        best_base, best_len = cur_base, cur_len
    end
    if best_base ~= -1 and best_len < 2 then best_base = -1 end
    local o = {}
    for i = 0, 7 do
        if best_base ~= -1 and i >= best_base and i < best_base + best_len then
            if i == best_base then o[#o + 1] = ":" end
        else
            if i ~= 0 then o[#o + 1] = ":" end
            if i == 6 and best_base == 0 and (best_len == 6 or (best_len == 5 and w[5] == 0xffff)) then
                o[#o + 1] = sfmt("%d.%d.%d.%d", sbyte(a, 13, 16))
                return table.concat(o)
            end
            o[#o + 1] = sfmt("%x", w[i])
        end
    end
    if best_base ~= -1 and best_base + best_len == 8 then o[#o + 1] = ":" end
    return table.concat(o)
end

local function ep_format(e, with_port)
    local host
    if e.fam == 6 then
        host = ipv6_text(e.addr)
        if with_port then return sfmt("[%s]:%d", host, e.port) end
        return host
    end
    host = sfmt("%d.%d.%d.%d", sbyte(e.addr, 1, 4))
    if with_port then return sfmt("%s:%d", host, e.port) end
    return host
end
M.ep_format = ep_format

local function host_key(e) return schar(e.fam) .. e.addr end

-------------------------------------------------------------------------------
-- GLib's GHashTable (glib/ghash.c of GLib 2.74, Debian 12's), for its
-- iteration order: session.c walks three hash tables (the sockets of
-- link_sockets, the host pairs of link_sessions, the session roots), and
-- the order of the unions they make is the order of the evidence each leg
-- and session shows, and of the STUN flows outside calls. Open addressing
-- over 2^shift buckets, first bucket (hash * 11) mod a prime, triangular
-- probing, regrown in place when 15/16 full; keys are never removed here
-- (no tombstones). Checked against GLib's own tables (random key sets of up
-- to 1000 direct and string hashes, the same order).
-------------------------------------------------------------------------------
local GH_PRIME_MOD = { [0] = 1, 2, 3, 7, 13, 31, 61, 127, 251, 509, 1021, 2039, 4093, 8191,
                       16381, 32749, 65521, 131071, 262139, 524287, 1048573, 2097143, 4194301,
                       8388593, 16777213, 33554393, 67108859, 134217689, 268435399, 536870909,
                       1073741789, 2147483647 }
local function gh_set_shift(t, shift)
    t.size = 2 ^ shift
    t.mod = GH_PRIME_MOD[shift]
    t.mask = t.size - 1
end
local function gh_new()
    local t = { nnodes = 0, noccupied = 0, hashes = {}, keys = {}, values = {} }
    gh_set_shift(t, 3)
    return t
end
local function gh_index(t, h) return ((h * 11) % 4294967296) % t.mod end
-- The bucket of `key` (hash `h`) or the free bucket where it goes.
local function gh_lookup_node(t, key, h)
    local i, step = gh_index(t, h), 0
    while t.hashes[i] do
        if t.hashes[i] == h and t.keys[i] == key then return i, true end
        step = step + 1
        i = band(i + step, t.mask)
    end
    return i, false
end
local function gh_resize(t)
    local old_size = t.size
    local n, shift = math.floor(t.nnodes * 1.333), 0
    while n > 0 do n = math.floor(n / 2); shift = shift + 1 end
    gh_set_shift(t, math.max(shift, 3))
    local placed = {}
    local hashes, keys, values = t.hashes, t.keys, t.values
    for i = 0, old_size - 1 do
        local node_hash = hashes[i]
        if node_hash and not placed[i] then
            hashes[i] = nil
            local key, value = keys[i], values[i]
            keys[i], values[i] = nil, nil
            while true do
                local hv, step = gh_index(t, node_hash), 0
                while placed[hv] do
                    step = step + 1
                    hv = band(hv + step, t.mask)
                end
                placed[hv] = true
                local replaced = hashes[hv]
                hashes[hv] = node_hash
                if not replaced then
                    keys[hv], values[hv] = key, value
                    break
                end
                node_hash = replaced
                key, keys[hv] = keys[hv], key
                value, values[hv] = values[hv], value
            end
        end
    end
    t.noccupied = t.nnodes
end
local function gh_lookup(t, key, h)
    if h <= 1 then h = 2 end
    local i, found = gh_lookup_node(t, key, h)
    if found then return t.values[i] end
    return nil
end
local function gh_insert(t, key, h, value)
    if h <= 1 then h = 2 end
    local i, found = gh_lookup_node(t, key, h)
    if found then t.values[i] = value; return end
    t.hashes[i], t.keys[i], t.values[i] = h, key, value
    t.nnodes = t.nnodes + 1
    t.noccupied = t.noccupied + 1
    if (t.size > t.nnodes * 4 and t.size > 8) or
       t.size <= t.noccupied + math.floor(t.noccupied / 16) then
        gh_resize(t)
    end
end
local function gh_each(t)
    local i = -1
    return function()
        repeat i = i + 1 until i >= t.size or t.hashes[i]
        if i < t.size then return t.keys[i], t.values[i] end
    end
end
-- g_str_hash: djb2 over signed chars.
local function gh_str_hash(s)
    local h = 5381
    for i = 1, #s do
        local c = s:byte(i)
        if c >= 128 then c = c - 256 end
        h = (h * 33 + c) % 4294967296
    end
    return h
end

-- FNV-1a (session.c fnv1a) over a byte string, modulo 2^32 (the product
-- split so that it stays exact in a double).
-- (bxor results taken modulo 2^32: Wireshark's BitOp library of the Lua 5.3+
-- builds returns signed 32-bit values)
local function u32xor(a, b, c) return bxor(a, b, c or 0) % 4294967296 end
local function fnv1a(b)
    local h = 2166136261
    for i = 1, #b do
        local x = u32xor(h, sbyte(b, i))
        h = ((x % 256) * 16777216 + x * 403) % 4294967296
    end
    return h
end

-- session.c ep_hash and sock_hash.
local function ep_hash(e)
    return u32xor(fnv1a(e.addr), lshift(e.fam, 24), e.port)
end
local function sock_hash(tcp, e)
    return u32xor(ep_hash(e), tcp and 0x9e3779b9 or 0)
end

-- Contents the snaplen cut away (session.h WRTC_HIDDEN_*), in report order.
local HIDDEN = { ICE = 0x1, CERT = 0x2, CNAME = 0x4, SDP = 0x8, PAYLOAD = 0x10, RELAYED = 0x20 }
M.HIDDEN = HIDDEN
local HIDDEN_COUNT_BITS = 6
local hidden_names = {
    [HIDDEN.ICE] = "STUN attributes (ICE and TURN usernames, ICE attributes)",
    [HIDDEN.CERT] = "DTLS handshake messages (certificate, version)",
    [HIDDEN.CNAME] = "RTCP after the first header (SDES CNAMEs)",
    [HIDDEN.SDP] = "SIP message bodies (SDP)",
    [HIDDEN.PAYLOAD] = "RTP payloads (SRTP or RTP, codec payload headers)",
    [HIDDEN.RELAYED] = "datagrams relayed in TURN Send/Data indications (ICE checks, DTLS)",
}
local hidden_json = { [HIDDEN.ICE] = "stun_attributes", [HIDDEN.CERT] = "dtls_handshake",
                      [HIDDEN.CNAME] = "rtcp_sdes", [HIDDEN.SDP] = "sdp",
                      [HIDDEN.PAYLOAD] = "rtp_payloads", [HIDDEN.RELAYED] = "relayed_datagrams" }
-- A ServerHello seen, its supported_versions extension not captured.
local DTLS_NOT_CAPTURED = 0xFFFF
M.DTLS_NOT_CAPTURED = DTLS_NOT_CAPTURED


-------------------------------------------------------------------------------
-- Names
-------------------------------------------------------------------------------
local fp_names = {
    [FP.HDREXT_ONE_BYTE] = "RTP header extensions 0xBEDE (RFC 8285)",
    [FP.HDREXT_TWO_BYTE] = "RTP two-byte header extensions (RFC 8285)",
    [FP.TRANSPORT_CC] = "RTCP transport-wide congestion control",
    [FP.NACK] = "RTCP generic NACK",
    [FP.PLI] = "RTCP picture loss indication",
    [FP.FIR] = "RTCP full intra request",
    [FP.REMB] = "RTCP receiver estimated maximum bitrate",
    [FP.GOOG_STUN] = "Chrome's GOOG STUN attributes",
    [FP.CERT_WEBRTC] = "DTLS certificate named \"WebRTC\"",
    [FP.ICE_UFRAG4] = "ICE ufrags of 4 ice-chars (libwebrtc, aioice)",
    [FP.ICE_UFRAG32] = "ICE ufrags of 32 ice-chars (GStreamer webrtcbin)",
    [FP.MS_STUN] = "Microsoft STUN attributes (MS-TURN, MS-ICE2)",
}

-- stun_sig.c: the ICE username's ufrag format (RFC 8839 §5.4 ice-chars).
function M.ice_username_fingerprint(username)
    if not username then return 0 end
    local colon = username:find(":", 1, true)
    if not colon then return 0 end
    local a, b = username:sub(1, colon - 1), username:sub(colon + 1)
    if #a ~= #b or a:find("[^%w+/]") or b:find("[^%w+/]") then return 0 end
    if #a == 4 then return FP.ICE_UFRAG4 end
    if #a == 32 then return FP.ICE_UFRAG32 end
    return 0
end

-- stun_sig.c wrtc_stun_ms_attribute: the listed types come from the rules
-- table; the bandwidth-management range is stun_sig.c's own condition.
function M.stun_ms_attribute(t)
    local spec = R.ms_stun_attributes[t]
    if spec then return spec end
    if (t >= 0x8056 and t <= 0x8062) or t == 0x8068 then return "MS-TURNBWM" end
    return nil
end
local ROLE = { PEER = 0, TURN_SERVER = 1, RELAYED_PEER = 2, MEDIA_SERVER = 3, STUN_SERVER = 4,
               SIGNALING = 5, NO_ANSWER = 6, STUN_NO_ANSWER = 7 }
local role_names = { [0] = "peer", "TURN server", "relayed peer", "SFU/media server",
                     "STUN server", "SIP signaling", "candidate (no answer)",
                     "STUN server (no answer)" }

-------------------------------------------------------------------------------
-- Model
-------------------------------------------------------------------------------
local function flow_key(tcp, a, b)
    if ep_cmp(a, b) > 0 then a, b = b, a end
    return (tcp and "T" or "U") .. a.key .. "|" .. b.key
end

function M.new(idle_gap_s)
    return { idle_gap_s = idle_gap_s or 60.0, max_flows = 200000, max_streams_per_flow = 64,
             flows = {}, by_key = {}, sessions = {}, stun_outside = {}, tls = {}, tls_keys = {},
             dropped_flows = 0, snaplen = 0, finished = false, generation = 0,
             cap_frame = {}, cap_frames = {}, not_counted = {}, not_counted_total = 0,
             pov = { have = false, flows_with = 0, flows_total = 0, tied = false,
                     both_ends = false, host = ep_new(4, "\0\0\0\0", 0) } }
end

-- Bounded state (session.c): the frames that hit a cap, for the expert
-- infos. CAP: 1 streams per flow, 2 per-flow list, 3 flows, 4 TLS.
local CAP_STREAMS, CAP_LIST, CAP_FLOWS, CAP_TLS = 1, 2, 3, 4
M.CAP = { STREAMS = CAP_STREAMS, LIST = CAP_LIST, FLOWS = CAP_FLOWS, TLS = CAP_TLS }
local function model_cap(m, cap, frame)
    if not m.cap_frame[cap] then
        m.cap_frame[cap] = frame
        m.cap_frames[frame] = true
    end
end
local function list_cap(m, fl, list, frame)
    if not fl.cap_frame[CAP_LIST] then
        fl.cap_frame[CAP_LIST] = frame
        fl.cap_list = list
        m.cap_frames[frame] = true
    end
end
function M.cap_at(m, frame) return m.cap_frames[frame] == true end
function M.cap_frame(m, cap) return m.cap_frame[cap] end
M.MAX_LIST = MAX_LIST

local function add_tls(m, f)
    local key = flow_key(f.tcp, f.src, f.dst)
    local t = m.tls_keys[key]
    if not t then
        if #m.tls >= MAX_TLS then
            model_cap(m, CAP_TLS, f.frame)
            return
        end
        t = { tcp = f.tcp, client = f.src, server = f.dst, first_t = f.t, first_frame = f.frame }
        m.tls_keys[key] = t
        m.tls[#m.tls + 1] = t
    end
    if not t.sni and f.tls_sni and f.tls_sni ~= "" then
        t.sni = f.tls_sni
        t.client = f.src
        t.server = f.dst
    end
end

local function flow_new(m, f)
    local fl = { index = #m.flows, tcp = f.tcp, ep = { [0] = f.src, [1] = f.dst },
                 first_t = f.t, last_t = f.t, first_frame = f.frame, last_frame = f.frame,
                 packets = { [0] = 0, [1] = 0 }, bytes = { [0] = 0, [1] = 0 },
                 contents = 0, content_frame = {}, fingerprints = 0, fp_frame = {},
                 dtls_version = 0, binding_req = {}, binding_resp = {}, binding_reqs = {},
                 turn_req = {},
                 packets_media = { [0] = 0, [1] = 0 }, rtcp_mux = false,
                 binding_cut = {}, binding_cut_frame = 0, check_sized = false,
                 ice_inferred = false, relay_cut = {}, relay_cut_frame = 0, hidden = 0,
                 sdp_call = {},
                 ice_pairs = {}, turn_users = {}, software = {}, call_ids = {},
                 relayed = {}, peers = {}, channels = {}, sdp = {}, certs = {}, cnames = {},
                 streams = {}, stream_list = {}, dropped_streams = 0, cap_frame = {},
                 reports = {},
                 uf = 0, leg = -1, session = -1, ["local"] = 0, remote_role = ROLE.PEER }
    m.flows[#m.flows + 1] = fl
    return fl
end

-- Per-flow lists hold at most MAX_LIST entries; a new entry for a full list
-- is dropped and, the first time on the flow, recorded as a cap.
local function add_string(m, fl, a, list, s, frame)
    if not s or s == "" then return end
    for _, x in ipairs(a) do if x == s then return end end
    if #a >= MAX_LIST then list_cap(m, fl, list, frame); return end
    a[#a + 1] = s
end

local function add_ep(m, fl, a, list, e, frame)
    for _, x in ipairs(a) do if x.key == e.key then return end end
    if #a >= MAX_LIST then list_cap(m, fl, list, frame); return end
    a[#a + 1] = e
end

local function add_u16(m, fl, a, list, v, frame)
    for _, x in ipairs(a) do if x == v then return end end
    if #a >= MAX_LIST then list_cap(m, fl, list, frame); return end
    a[#a + 1] = v
end

-- "remote:local" and "local:remote" are one pair (RFC 8445 §7.2.2).
local function ice_pair_key(username)
    local colon = username:find(":", 1, true)
    if not colon or colon == 1 or colon == #username then return nil end
    local a, b = username:sub(1, colon - 1), username:sub(colon + 1)
    if strcmp(a, b) <= 0 then return a .. ":" .. b end
    return b .. ":" .. a
end

-- corroborate.c wrtc_clock_match: the media clock explaining a timestamp
-- advance (used by the corroboration in webrtc.lua and the median clock).
local function clock_match(ts_advance, elapsed)
    local T = R.thresholds
    if ts_advance < 0 or elapsed < 0 then return 0 end
    local best, best_err = 0, 0
    for _, rate in ipairs(T.CLOCK_RATES) do
        local expect = rate * elapsed
        local err = math.abs(ts_advance - expect)
        local allowed = rate * T.CLOCK_JITTER_S + T.CLOCK_REL_TOLERANCE * expect
        if err <= allowed and (best == 0 or err / rate < best_err) then
            best, best_err = rate, err / rate
        end
    end
    return best
end

M.clock_match = clock_match

-- float32 rounding as C's `float rates[]` does.
local function to_float(x)
    if x == 0 or x ~= x or x == math.huge or x == -math.huge then return x end
    local m, e = math.frexp(x)
    m = math.floor(m * 16777216 + 0.5) / 16777216
    return math.ldexp(m, e)
end

local function median_clock(s)
    local r = {}
    for i = 1, s.n_rates do r[i] = s.rates[i] end
    table.sort(r)
    local med = r[math.floor(s.n_rates / 2) + 1]
    -- (int64_t) cast truncates toward zero
    local v = med >= 0 and math.floor(med) or -math.floor(-med)
    return clock_match(v, 1.0)
end

-------------------------------------------------------------------------------
-- Codec guess (plugin/core/codec_guess.c): payload-header checks, packet
-- pattern, RTX siblings, and the decision with confidence and evidence.
-------------------------------------------------------------------------------
local CG_VP8, CG_VP9, CG_H264, CG_OPUS, CG_EVENT = 1, 2, 3, 4, 5
local CG_NFORMATS = 5

local function cg_new()
    return { have_prev = false, prev_marker = false, prev_seq = 0, prev_ts = 0,
             prev_opus_ticks = 0, same_ts = 0, frames = 0, marker_last = 0, marker_mid = 0,
             padded = 0, step_cand = 0, step_votes = 0, steps = 0, max_payload = 0,
             sib_checked = 0, sib_near = 0, sib_exact = 0, clear = 0,
             ok = { 0, 0, 0, 0, 0 }, bad = { 0, 0, 0, 0, 0 }, key = { 0, 0, 0, 0, 0 } }
end

local function tally(cg, f, r)
    if r < 0 then cg.bad[f] = cg.bad[f] + 1; return end
    cg.ok[f] = cg.ok[f] + 1
    if r > 0 then cg.key[f] = cg.key[f] + 1 end
end

-- b: byte string, n bytes (1-based access b:byte(i + 1) for C's b[i]).
local function B(b, i) return sbyte(b, i + 1) end

local function check_vp8(b, n, new_frame)
    local off = 1
    if n < 1 or band(B(b, 0), 0x48) ~= 0 then return -1 end
    if band(B(b, 0), 0x80) ~= 0 then
        if n < 2 then return -1 end
        local x = B(b, 1)
        if band(x, 0x0F) ~= 0 then return -1 end
        off = 2
        if band(x, 0x80) ~= 0 then
            if off >= n then return -1 end
            off = off + (band(B(b, off), 0x80) ~= 0 and 2 or 1)
        end
        if band(x, 0x40) ~= 0 then off = off + 1 end
        if band(x, 0x30) ~= 0 then off = off + 1 end
    end
    if off >= n then return -1 end
    local start = band(B(b, 0), 0x10) ~= 0 and band(B(b, 0), 0x07) == 0
    if new_frame ~= start then return -1 end
    if not start then return 0 end
    if off + 3 > n then return 0 end
    if band(rshift(B(b, off), 1), 0x07) > 3 then return -1 end
    if band(B(b, off), 0x01) ~= 0 then return 0 end
    if off + 6 > n then return 0 end
    return (B(b, off + 3) == 0x9d and B(b, off + 4) == 0x01 and B(b, off + 5) == 0x2a) and 1 or -1
end

local function check_vp9(b, n, new_frame, marker)
    local off = 1
    if n < 1 then return -1 end
    local b0 = B(b, 0)
    local I, P, L, F = band(b0, 0x80) ~= 0, band(b0, 0x40) ~= 0, band(b0, 0x20) ~= 0,
                       band(b0, 0x10) ~= 0
    local Bb, E, V = band(b0, 0x08) ~= 0, band(b0, 0x04) ~= 0, band(b0, 0x02) ~= 0
    if new_frame and not Bb then return -1 end
    if marker and not E then return -1 end
    if I then
        if off >= n then return -1 end
        off = off + (band(B(b, off), 0x80) ~= 0 and 2 or 1)
    end
    if L then off = off + (F and 1 or 2) end
    if F and P then
        for _ = 1, 3 do
            if off >= n then return -1 end
            local c = B(b, off)
            off = off + 1
            if band(c, 0x01) == 0 then break end
        end
    end
    if off > n then return -1 end
    return (Bb and not P and V) and 1 or 0
end

local function h264_nal_type(t) return (t >= 1 and t <= 15) or (t >= 19 and t <= 21) end

local function check_h264(b, n, marker)
    if n < 1 or band(B(b, 0), 0x80) ~= 0 then return -1 end
    local t = band(B(b, 0), 0x1F)
    if h264_nal_type(t) then return t == 7 and 1 or 0 end
    if t == 24 then
        if n < 4 or band(B(b, 3), 0x80) ~= 0 then return -1 end
        local t2 = band(B(b, 3), 0x1F)
        if not h264_nal_type(t2) then return -1 end
        return t2 == 7 and 1 or 0
    end
    if t == 28 then
        if n < 2 then return -1 end
        local fu = B(b, 1)
        local t2 = band(fu, 0x1F)
        if band(fu, 0x20) ~= 0 or (band(fu, 0x80) ~= 0 and band(fu, 0x40) ~= 0) or
           not h264_nal_type(t2) then
            return -1
        end
        if marker and band(fu, 0x40) == 0 then return -1 end
        return 0
    end
    return -1
end

local opus_tenths = { [0] = 100, 200, 400, 600, 100, 200, 400, 600, 100, 200, 400, 600,
                      100, 200, 100, 200,
                      25, 50, 100, 200, 25, 50, 100, 200, 25, 50, 100, 200, 25, 50, 100, 200 }

local function opus_ticks(b, n)
    if n < 1 then return 0 end
    local c, frames = band(B(b, 0), 0x03)
    if c == 0 then frames = 1
    elseif c == 1 or c == 2 then frames = 2
    else
        if n < 2 or band(B(b, 1), 0x3F) == 0 then return 0 end
        frames = band(B(b, 1), 0x3F)
    end
    local total = opus_tenths[rshift(B(b, 0), 3)] * frames
    if total > 1200 then return 0 end
    return math.floor(total * 48 / 10)
end

local function cg_packet(cg, p)
    local SIBLING_WINDOW = R.codec_guess.SIBLING_WINDOW
    local new_frame = not cg.have_prev or p.ts ~= cg.prev_ts
    local next_seq = cg.have_prev and (cg.prev_seq + 1) % 65536 == p.seq
    if p.padding then cg.padded = cg.padded + 1 end
    if p.payload_len > cg.max_payload then cg.max_payload = p.payload_len end
    if cg.have_prev then
        if new_frame then
            local step = (p.ts - cg.prev_ts) % 4294967296
            cg.frames = cg.frames + 1
            if cg.prev_marker then cg.marker_last = cg.marker_last + 1 end
            if next_seq and step < SIBLING_WINDOW then
                cg.steps = cg.steps + 1
                if cg.step_votes == 0 then
                    cg.step_cand, cg.step_votes = step, 1
                elseif step == cg.step_cand then
                    cg.step_votes = cg.step_votes + 1
                else
                    cg.step_votes = cg.step_votes - 1
                end
            end
        else
            cg.same_ts = cg.same_ts + 1
            if cg.prev_marker then cg.marker_mid = cg.marker_mid + 1 end
        end
    end
    if not p.srtp and p.head and #p.head > 0 and p.payload_len > 0 then
        local n = math.min(#p.head, p.payload_len)
        cg.clear = cg.clear + 1
        tally(cg, CG_VP8, check_vp8(p.head, n, new_frame))
        tally(cg, CG_VP9, check_vp9(p.head, n, new_frame, p.marker))
        tally(cg, CG_H264, check_h264(p.head, n, p.marker))
        if cg.prev_opus_ticks ~= 0 and next_seq then
            tally(cg, CG_OPUS, (p.ts - cg.prev_ts) % 4294967296 == cg.prev_opus_ticks and 0 or -1)
        end
        -- One RFC 4733 event block: a known event, the reserved bit clear.
        local e0, e1 = B(p.head, 0), n >= 2 and B(p.head, 1) or 0
        tally(cg, CG_EVENT, (p.payload_len == 4 and n >= 4 and
                             (e0 <= 16 or (e0 >= 32 and e0 <= 49)) and band(e1, 0x40) == 0)
                            and 0 or -1)
        local ticks = opus_ticks(p.head, n)
        if ticks == 0 then cg.bad[CG_OPUS] = cg.bad[CG_OPUS] + 1 end
        cg.prev_opus_ticks = ticks
    else
        cg.prev_opus_ticks = 0
    end
    cg.have_prev = true
    cg.prev_marker = p.marker
    cg.prev_ts = p.ts
    cg.prev_seq = p.seq
end

local function cg_sibling(ts, sibling_last_ts)
    local d = (ts - sibling_last_ts) % 4294967296
    local e = (sibling_last_ts - ts) % 4294967296
    local dist = math.min(d, e)
    return dist == 0 and 2 or (dist <= R.codec_guess.SIBLING_WINDOW and 1 or 0)
end

local function cg_sibling_done(cg, best)
    cg.sib_checked = cg.sib_checked + 1
    if best > 0 then cg.sib_near = cg.sib_near + 1 end
    if best > 1 then cg.sib_exact = cg.sib_exact + 1 end
end

local confidence_names = { [0] = "unknown", "likely", "certain" }
local CONF_UNKNOWN, CONF_LIKELY, CONF_CERTAIN = 0, 1, 2

local function clock_media(clock)
    if clock == 90000 then return "video" end
    return clock ~= 0 and "audio" or "unknown"
end

local function proved(cg, f)
    return cg.ok[f] >= R.codec_guess.PROOF_PACKETS and cg.bad[f] * 20 <= cg.ok[f] + cg.bad[f] and
           (f == CG_OPUS or f == CG_EVENT or cg.key[f] > 0)
end

-- C's "%g" of a double (at most 6 significant digits, no trailing zeros).
local function fmt_g(x)
    local s = sfmt("%g", x)
    return s
end

local function ptime_text(cg, clock)
    if clock ~= 0 and cg.steps >= 8 and cg.step_votes * 2 >= cg.steps and cg.step_cand ~= 0 then
        return ", " .. fmt_g(cg.step_cand * 1000.0 / clock) .. " ms packets"
    end
    return ""
end

local cg_names = { "VP8", "VP9", "H264", "Opus", "telephone-event" }
local cg_what = { "VP8 payload descriptor (RFC 7741 §4.2)", "VP9 payload descriptor (RFC 9628 §4.2)",
                  "H.264 NAL unit headers (RFC 6184 §5.3)",
                  "Opus TOC durations (RFC 6716 §3.1) equal the timestamp steps",
                  "RFC 4733 event blocks (RFC 4733 §2.3)" }
local cg_keys = { "key frames with start code 9d 01 2a", "key frames with scalability structure",
                  "sequence parameter sets", nil, nil }

local function cg_decide(inp)
    local cg = inp.cg
    local out = { media = "unknown", codec = "?", confidence = CONF_UNKNOWN, evidence = "" }
    local pt = ptime_text(cg, inp.clock_rate)
    -- 1. Clear payload.
    local hit, n = -1, 0
    for f = 1, CG_NFORMATS do if proved(cg, f) then hit, n = f, n + 1 end end
    if n == 1 then
        local want = hit == CG_OPUS and 48000 or 90000
        if hit == CG_EVENT or not (inp.clock_rate ~= 0 and inp.clock_rate ~= want) then
            -- Events go with the audio clock they belong to (RFC 4733 §2.1).
            out.media = (hit == CG_OPUS or hit == CG_EVENT) and "audio" or "video"
            out.codec = cg_names[hit]
            out.confidence = CONF_CERTAIN
            if cg_keys[hit] then
                out.evidence = sfmt("%s valid in %d of %d packets, %d %s", cg_what[hit], cg.ok[hit],
                                    cg.ok[hit] + cg.bad[hit], cg.key[hit], cg_keys[hit])
            else
                out.evidence = sfmt("%s in %d of %d packets", cg_what[hit], cg.ok[hit],
                                    cg.ok[hit] + cg.bad[hit])
            end
            return out
        end
    end
    -- 2. Static payload types.
    for _, st in ipairs(R.codec_guess.static_pts) do
        if st.pt == inp.first_pt then
            out.media = st.video and "video" or "audio"
            if inp.clock_rate ~= 0 and inp.clock_rate ~= st.clock then
                out.evidence = sfmt("static PT %d (RFC 3551 §6) is %s/%d, but the timestamps run at %d Hz",
                                    st.pt, st.name, st.clock, inp.clock_rate)
                return out
            end
            out.codec = st.name
            out.confidence = CONF_LIKELY
            out.evidence = sfmt("static PT %d (RFC 3551 §6)%s%s", st.pt,
                                inp.clock_rate ~= 0 and ", clock agrees" or "", pt)
            return out
        end
    end
    -- 3. RTX.
    if inp.peer_packets > 0 and cg.sib_near >= R.codec_guess.RTX_NEAR_MIN and
       cg.sib_near * 2 >= cg.sib_checked and inp.packets * 4 <= inp.peer_packets then
        out.media = clock_media(inp.peer_clock_rate)
        out.codec = "RTX"
        out.confidence = CONF_LIKELY
        out.evidence = sfmt("timestamps of %d of %d packets within 1 s of SSRC 0x%08x's (%d equal), "
                            .. "%d padded; that stream: %d packets, %d Hz clock",
                            cg.sib_near, cg.sib_checked, inp.peer_ssrc, cg.sib_exact, cg.padded,
                            inp.peer_packets, inp.peer_clock_rate)
        return out
    end
    -- 4. No media.
    if inp.packets > 0 and (inp.padding_only * 10 >= inp.packets * 9 or
                            cg.padded * 10 >= inp.packets * 9) then
        out.codec = "padding/probe"
        out.confidence = CONF_LIKELY
        out.evidence = sfmt("%d of %d packets without payload, %d with the P bit",
                            inp.padding_only, inp.packets, cg.padded)
        return out
    end
    -- 5. Clock and pattern.
    out.media = clock_media(inp.clock_rate)
    if inp.clock_rate == 90000 then
        out.evidence = sfmt("90 kHz clock; %d of %d packets share their frame's timestamp, "
                            .. "marker on the last packet of %d of %d frames",
                            cg.same_ts, inp.packets, cg.marker_last, cg.frames)
        return out
    end
    if inp.clock_rate == 48000 then
        local steps_ok = cg.steps >= 8 and cg.step_votes * 2 >= cg.steps and cg.step_cand ~= 0 and
                         cg.step_cand % 120 == 0 and cg.step_cand <= 5760
        if inp.first_pt >= 96 and steps_ok and cg.max_payload <= 1300 and
           cg.same_ts * 10 <= inp.packets then
            out.codec = "Opus"
            out.confidence = CONF_LIKELY
            out.evidence = sfmt("48 kHz clock%s, payloads up to %d bytes, dynamic PT %d "
                                .. "(RFC 7587 §4.1, RFC 7874 §3)", pt, cg.max_payload, inp.first_pt)
        else
            out.evidence = sfmt("48 kHz clock%s", pt)
        end
        return out
    end
    if inp.clock_rate ~= 0 then
        out.evidence = sfmt("%d Hz clock%s", inp.clock_rate, pt)
        return out
    end
    out.evidence = "too few timestamps for a clock"
    return out
end

-- The stream's own guess (session.c stream_guess_own).
local function stream_guess_own(s)
    local inp = { cg = s.cg, first_pt = s.first_pt, packets = s.packets,
                  padding_only = s.padding_only, clock_rate = s.clock_rate,
                  peer_ssrc = 0, peer_packets = 0, peer_clock_rate = 0 }
    local p = s.clock_peer
    if p then
        -- A sibling too short for a clock: its SSRC's on the other path.
        if p.clock_rate == 0 and p.ssrc_peer and p.ssrc_peer.clock_rate ~= 0 then p = p.ssrc_peer end
        inp.peer_ssrc = p.ssrc
        inp.peer_packets = p.packets
        inp.peer_clock_rate = p.clock_rate
    end
    return cg_decide(inp)
end

-- wrtc_stream_guess: media, codec, confidence (name) and evidence. A stream
-- too short to tell (a few packets on a path ICE left for another) takes
-- the guess of the same SSRC on the call's other path.
local function stream_guess(s)
    local g = stream_guess_own(s)
    if (g.confidence == CONF_UNKNOWN and g.media == "unknown") and s.ssrc_peer then
        local peer = stream_guess_own(s.ssrc_peer)
        if not (peer.confidence == CONF_UNKNOWN and peer.media == "unknown") then
            -- (the C result's evidence buffer holds 239 bytes)
            peer.evidence = sfmt("as SSRC 0x%08x on its other path (%d packets): %s", s.ssrc,
                                 s.ssrc_peer.packets, peer.evidence):sub(1, 239)
            g = peer
        end
    end
    g.confidence_name = confidence_names[g.confidence]
    return g
end
M.stream_guess = stream_guess

local SEQ_WINDOW = 128   -- session.h WRTC_SEQ_WINDOW
local MAX_REPORTS = 16   -- session.h WRTC_MAX_REPORTS

-- RFC 4733 digits (session.c stream_event): one 4-byte event block, code
-- 0-15, once per RTP timestamp; on its own PT or alone on the first PT.
local DIGIT_CODES = "0123456789*#ABCD"
local MAX_DIGITS = 64   -- session.h WRTC_MAX_DIGITS
local function stream_event(s, r)
    local first = not s.seq_init or r.pt == s.first_pt
    local h = r.head
    local block = h ~= nil and #h >= 4 and r.payload_len == 4 and h:byte(1) <= 15 and
                  band(h:byte(2), 0x40) == 0
    if first and not block and h ~= nil and #h > 0 and not s.first_pt_media then
        s.first_pt_media = true
        if s.ev_have and s.ev_pt == r.pt then
            s.digits, s.n_events, s.ev_have = {}, 0, false
        end
    end
    if not block or (first and s.first_pt_media) then return end
    if s.ev_have and s.ev_pt == r.pt and s.ev_ts == r.ts then return end
    s.ev_have, s.ev_pt, s.ev_ts = true, r.pt, r.ts
    if s.n_events < MAX_DIGITS then
        local c = h:byte(1) + 1
        s.digits[#s.digits + 1] = DIGIT_CODES:sub(c, c)
    end
    s.n_events = s.n_events + 1
end

local function stream_update(s, r, t, frame)
    s.packets = s.packets + 1
    s.pts[r.pt] = true
    s.payload_bytes = s.payload_bytes + r.payload_len
    if r.payload_len == 0 then s.padding_only = s.padding_only + 1 end
    if r.marker then s.markers = s.markers + 1 end
    if r.srtp then s.srtp = true end
    -- Only the stream's first payload type is the codec's: another PT on the
    -- SSRC (RFC 4733 events, §2.1) is not its payload (session.c).
    local codec_pt = not s.seq_init or r.pt == s.first_pt
    cg_packet(s.cg, { pt = r.pt, marker = r.marker, padding = r.padding, srtp = r.srtp,
                      seq = r.seq, ts = r.ts, payload_len = r.payload_len,
                      head = codec_pt and r.head or nil })
    stream_event(s, r)
    if not s.seq_init then
        s.seq_init = true
        s.first_pt = r.pt
        s.first_t, s.last_t = t, t
        s.first_frame = frame
        s.base_seq, s.max_seq = r.seq, r.seq
        s.received = 1
        s.seq_seen[r.seq % SEQ_WINDOW] = true
        s.first_ts, s.last_ts = r.ts, r.ts
        s.win_t = t
        s.win_ts = 0
        return
    end
    s.received = s.received + 1
    local delta = (r.seq - s.max_seq) % 65536
    if delta ~= 0 and delta < 0x8000 then
        -- the window's slots the step passes are free again (session.c)
        local ext = s.cycles + s.max_seq
        for k = 1, math.min(delta, SEQ_WINDOW) do s.seq_seen[(ext + k) % SEQ_WINDOW] = nil end
        if r.seq < s.max_seq then s.cycles = s.cycles + 65536 end
        s.max_seq = r.seq
        s.seq_seen[(s.cycles + s.max_seq) % SEQ_WINDOW] = true
    else
        -- the highest again, or a step back of 65536 - delta
        local back = delta == 0 and 0 or 65536 - delta
        local ext = s.cycles + s.max_seq
        if back < SEQ_WINDOW and back <= ext and s.seq_seen[(ext - back) % SEQ_WINDOW] then
            s.duplicates = s.duplicates + 1
        else
            s.out_of_order = s.out_of_order + 1
            if back < SEQ_WINDOW and back <= ext then
                s.seq_seen[(ext - back) % SEQ_WINDOW] = true
            end
        end
    end
    if t - s.last_t > s.max_gap_s then
        s.max_gap_s = t - s.last_t
        s.max_gap_at = s.last_t
    end
    local step = (r.ts - s.last_ts) % 4294967296
    if step < 2147483648 then
        s.ts_advance = s.ts_advance + step
        s.last_ts = r.ts
    end
    s.last_t = t
    if t - s.win_t >= 0.5 then
        if s.win_t > 0 or s.n_rates > 0 then
            local rate = to_float((s.ts_advance - s.win_ts) / (t - s.win_t))
            if s.n_rates < 32 then
                s.n_rates = s.n_rates + 1
                s.rates[s.n_rates] = rate
            else
                s.rates[(s.packets % 32) + 1] = rate
            end
            s.clock_rate = median_clock(s)
        end
        s.win_t = t
        s.win_ts = s.ts_advance
    end
    -- over the packets of the first PT only (session.c: RFC 4733 events)
    if s.clock_rate ~= 0 and r.pt == s.first_pt then
        local transit = t - s.ts_advance / s.clock_rate
        if s.have_transit then
            local d = math.abs(transit - s.transit_prev)
            s.jitter_s = s.jitter_s + (d - s.jitter_s) / 16.0
            s.jitter_sum_s = s.jitter_sum_s + s.jitter_s
            s.jitter_n = s.jitter_n + 1
            if s.jitter_s > s.jitter_max_s then s.jitter_max_s = s.jitter_s end
        end
        s.transit_prev = transit
        s.have_transit = true
    end
end

local function bit_index(bit)
    local i = 0
    while bit > 1 do bit = rshift(bit, 1); i = i + 1 end
    return i
end

-- Add one packet's facts (see webrtc.lua `facts_of`).
-- Every frame's captured and on-the-wire length: the first cut one's
-- captured length is the capture's snaplen (session.c wrtc_model_note_frame).
function M.note_frame(m, captured, bytes)
    if captured and captured > 0 and captured < bytes and m.snaplen == 0 then
        m.snaplen = captured
    end
end

local MEDIA_CONTENTS = bor(C.RTP, C.SRTP, C.RTCP, C.SRTCP)
-- DTLS application-data records (a data channel on an ICE transport):
-- counts per direction and the active periods (session.c add_dtls_app).
local DC_MAX_PERIODS = 16   -- session.h WRTC_DC_MAX_PERIODS
local function add_dtls_app(fl, f, dir)
    local d = fl.dc
    if not d then
        d = { records = { [0] = 0, 0 }, bytes = { [0] = 0, 0 }, first_t = { [0] = 0, 0 },
              last_t = { [0] = 0, 0 }, first_frame = f.frame, dir_first_frame = { [0] = 0, 0 },
              n_periods = 0, period_last_t = 0, period = {} }
        fl.dc = d
    end
    if d.records[dir] == 0 then
        d.first_t[dir] = f.t
        d.dir_first_frame[dir] = f.frame
    end
    d.last_t[dir] = f.t
    d.records[dir] = d.records[dir] + f.dtls_app_records
    d.bytes[dir] = d.bytes[dir] + f.dtls_app_bytes
    local p = (d.n_periods > 0 and d.n_periods <= DC_MAX_PERIODS) and d.period[d.n_periods] or nil
    if d.n_periods == 0 or f.t - d.period_last_t > R.thresholds.DC_PERIOD_GAP_S then
        d.n_periods = d.n_periods + 1
        p = nil
        if d.n_periods <= DC_MAX_PERIODS then
            p = { first_t = f.t, last_t = f.t, records = 0, bytes = 0 }
            d.period[d.n_periods] = p
        end
    end
    d.period_last_t = f.t
    if p then
        p.last_t = f.t
        p.records = p.records + f.dtls_app_records
        p.bytes = p.bytes + f.dtls_app_bytes
    end
end

-- wrtc_flow_datachannel: DTLS application data is a data channel only on a
-- 5-tuple with ICE (RFC 8831 §5).
local function flow_datachannel(f)
    if has(f.contents, C.ICE) then return f.dc end
    return nil
end
M.flow_datachannel = flow_datachannel

function M.add(m, f)
    if f.not_counted then
        -- one pass: RTP before its flow/SSRC was recognised, only tallied
        local key = flow_key(f.tcp, f.src, f.dst)
        m.not_counted[key] = (m.not_counted[key] or 0) + 1
        m.not_counted_total = m.not_counted_total + 1
        return
    end
    M.note_frame(m, f.captured, f.bytes)
    if band(f.contents, C.TLS) ~= 0 and band(f.contents, bor(C_CALL, C.SIP)) == 0 then
        add_tls(m, f)
        return
    end
    if band(f.contents, bor(C_CALL, C.SIP)) == 0 then return end
    local key = flow_key(f.tcp, f.src, f.dst)
    local gens = m.by_key[key]
    local fl
    if gens and #gens > 0 then
        fl = gens[#gens]
        if f.t - fl.last_t > m.idle_gap_s then fl = nil end
    end
    if not fl then
        if #m.flows >= m.max_flows then
            m.dropped_flows = m.dropped_flows + 1
            model_cap(m, CAP_FLOWS, f.frame)
            return
        end
        fl = flow_new(m, f)
        if not gens then gens = {}; m.by_key[key] = gens end
        gens[#gens + 1] = fl
    end
    m.finished = false
    local dir = ep_cmp(f.src, fl.ep[0]) == 0 and 0 or 1
    fl.last_t = f.t
    fl.last_frame = f.frame
    fl.packets[dir] = fl.packets[dir] + 1
    fl.bytes[dir] = fl.bytes[dir] + f.bytes
    if band(f.contents, MEDIA_CONTENTS) ~= 0 then
        fl.packets_media[dir] = fl.packets_media[dir] + 1
    end
    local fresh = band(f.contents, bnot(fl.contents))
    for b = 0, 15 do
        if band(fresh, lshift(1, b)) ~= 0 then fl.content_frame[b] = f.frame end
    end
    fl.contents = bor(fl.contents, f.contents)
    if (f.dtls_app_records or 0) > 0 then add_dtls_app(fl, f, dir) end
    local ffp = band(f.fingerprints, bnot(fl.fingerprints))
    if ffp ~= 0 then
        for b = 0, FP_COUNT_BITS - 1 do
            if band(ffp, lshift(1, b)) ~= 0 then fl.fp_frame[b] = f.frame end
        end
        fl.fingerprints = bor(fl.fingerprints, f.fingerprints)
    end
    if has(f.contents, C.STUN) then
        if f.relay_cut then
            fl.relay_cut[dir] = true
            if fl.relay_cut_frame == 0 then fl.relay_cut_frame = f.frame end
        end
        if f.stun_method == 1 and f.stun_class == 2 then fl.binding_resp[dir] = true end
        if f.binding_request then
            fl.binding_req[dir] = true
            fl.binding_reqs[dir] = math.min((fl.binding_reqs[dir] or 0) + 1, 65535)
            if f.stun_cut and not has(f.contents, C.ICE) then
                fl.binding_cut[dir] = true
                fl.check_sized = fl.check_sized or f.check_sized
                if fl.binding_cut_frame == 0 then fl.binding_cut_frame = f.frame end
            end
        end
        if has(f.contents, C.TURN) and f.stun_class == 0 then fl.turn_req[dir] = true end
        -- An ICE check's USERNAME is "ufrag:ufrag" (RFC 8445 §7.2.2); a
        -- Binding request whose ICE attributes were cut is taken as one when
        -- its USERNAME has that form.
        if f.username and (has(f.contents, C.ICE) or (f.stun_cut and f.binding_request)) then
            local k = ice_pair_key(f.username)
            if k then add_string(m, fl, fl.ice_pairs, "ICE ufrag pairs", k, f.frame) end
        end
        if f.username and has(f.contents, C.TURN) and f.stun_class == 0 then
            add_string(m, fl, fl.turn_users, "TURN users", f.username .. "@" .. (f.realm or ""),
                       f.frame)
        end
        if f.software then
            add_string(m, fl, fl.software, "SOFTWARE strings",
                       ep_format(f.src, true) .. "\t" .. f.software, f.frame)
        end
        if f.relayed then add_ep(m, fl, fl.relayed, "relayed addresses", f.relayed, f.frame) end
        for _, p in ipairs(f.peers) do add_ep(m, fl, fl.peers, "TURN peers", p, f.frame) end
    end
    if f.channel and f.channel ~= 0 then
        add_u16(m, fl, fl.channels, "TURN channels", f.channel, f.frame)
    end
    -- A version read from a ServerHello beats one cut away; 1.3 beats 1.2.
    if f.dtls_version ~= 0 and (fl.dtls_version == 0 or fl.dtls_version == DTLS_NOT_CAPTURED or
                                f.dtls_version == 0xFEFC) then
        fl.dtls_version = f.dtls_version
    end
    for _, r in ipairs(f.rtp) do
        local k = r.ssrc * 2 + dir
        local s = fl.streams[k]
        local skip = false
        if not s then
            if #fl.stream_list >= m.max_streams_per_flow then
                fl.dropped_streams = fl.dropped_streams + 1
                if not fl.cap_frame[CAP_STREAMS] then
                    fl.cap_frame[CAP_STREAMS] = f.frame
                    m.cap_frames[f.frame] = true
                end
                skip = true
            else
                s = { ssrc = r.ssrc, dir = dir, pts = {}, first_pt = 0, srtp = false,
                      packets = 0, bytes = 0, payload_bytes = 0, padding_only = 0, markers = 0,
                      first_t = 0, last_t = 0, first_frame = 0, max_seq = 0, cycles = 0,
                      base_seq = 0, received = 0, first_ts = 0, last_ts = 0, ts_advance = 0,
                      transit_prev = 0, have_transit = false, jitter_s = 0, win_t = 0,
                      jitter_sum_s = 0, jitter_max_s = 0, jitter_n = 0, max_gap_s = 0,
                      max_gap_at = 0, duplicates = 0, out_of_order = 0, seq_seen = {},
                      digits = {}, n_events = 0, ev_ts = 0, ev_pt = 0, ev_have = false,
                      first_pt_media = false,
                      win_ts = 0, rates = {}, n_rates = 0, clock_rate = 0, seq_init = false,
                      cg = cg_new(), clock_peer = nil }
                fl.streams[k] = s
                fl.stream_list[#fl.stream_list + 1] = s
            end
        end
        if not skip then
            s.bytes = s.bytes + f.bytes
            -- RTX evidence: timestamps that stay with a sibling's (same flow
            -- and direction), checked on a stream's first packets only.
            if s.packets < R.codec_guess.SIBLING_PACKETS and #fl.stream_list > 1 then
                local best = 0
                for _, o in ipairs(fl.stream_list) do
                    if o ~= s and o.dir == s.dir and o.seq_init then
                        local near = cg_sibling(r.ts, o.last_ts)
                        if near > 0 and near >= best then
                            best = near
                            s.clock_peer = o
                        end
                    end
                end
                cg_sibling_done(s.cg, best)
            end
            stream_update(s, r, f.t, f.frame)
        end
    end
    -- the last reception report block per reported SSRC (session.c)
    for _, rr in ipairs(f.rr or {}) do
        local e = { ssrc = rr.ssrc, frame = f.frame, cum_lost = rr.cum_lost, jitter = rr.jitter,
                    fraction = rr.fraction }
        local k = 1
        while k <= #fl.reports and fl.reports[k].ssrc ~= rr.ssrc do k = k + 1 end
        if k <= #fl.reports then
            fl.reports[k] = e
        elseif k <= MAX_REPORTS then
            fl.reports[k] = e
        end
    end
    fl.hidden = bor(fl.hidden, f.hidden or 0)
    if f.dtls_cert then add_string(m, fl, fl.certs, "DTLS certificates", f.dtls_cert, f.frame) end
    for _, c in ipairs(f.cnames) do add_string(m, fl, fl.cnames, "CNAMEs", c, f.frame) end
    if f.sip_call_id then
        add_string(m, fl, fl.call_ids, "SIP Call-IDs", f.sip_call_id, f.frame)
        local call = 0
        for i, x in ipairs(fl.call_ids) do if x == f.sip_call_id then call = i - 1 end end
        -- Each SDP endpoint with the dialog (Call-ID) whose SDP named it:
        -- REGISTER, OPTIONS and other dialogs share the SIP 5-tuple.
        for i, e in ipairs(f.sdp) do
            if i > 8 then break end
            local before = #fl.sdp
            add_ep(m, fl, fl.sdp, "SDP addresses", e, f.frame)
            if #fl.sdp > before then fl.sdp_call[#fl.sdp_call + 1] = call end
        end
    end
end

-------------------------------------------------------------------------------
-- Grouping (session.c wrtc_model_finish)
-------------------------------------------------------------------------------
local function uf_find(flows, i)
    local f = flows[i + 1]
    while f.uf ~= i do
        local p = flows[f.uf + 1]
        f.uf = p.uf
        i = f.uf
        f = flows[i + 1]
    end
    return i
end

local function note(u, root, text)
    local ev = u.evidence[root]
    if not ev then ev = {}; u.evidence[root] = ev end
    for _, x in ipairs(ev) do if x == text then return end end
    if #ev < 16 then ev[#ev + 1] = text end
end

local function uf_union(u, a, b, why)
    local ra, rb = uf_find(u.flows, a), uf_find(u.flows, b)
    if ra ~= rb then
        local root, other = math.min(ra, rb), math.max(ra, rb)
        u.flows[other + 1].uf = root
        local evb = u.evidence[other]
        if evb then
            for _, x in ipairs(evb) do note(u, root, x) end
            u.evidence[other] = nil
        end
        note(u, root, why)
    else
        note(u, ra, why)
    end
end

local function is_media(f) return band(f.contents, bor(C.RTP, C.SRTP)) ~= 0 end
local function is_rtcp_only(f)
    return band(f.contents, bor(C.RTCP, C.SRTCP)) ~= 0 and not is_media(f)
end

local BIT_ICE, BIT_DTLS = 11, 3   -- bit indexes of C.ICE and C.DTLS (content_frame)

-- A header-only capture (snaplen) cuts the ICE attributes of a connectivity
-- check (PRIORITY, ICE-CONTROLLING/-CONTROLLED: RFC 8445 §7.1) away. Binding
-- requests whose attributes were cut are still ICE checks when both ends of
-- the 5-tuple send them (each agent checks the pair, RFC 8445 §7.3.1.4), the
-- 5-tuple also carries DTLS or media, or a request is as long as a check:
-- a client doing address discovery does none of that. Through TURN, the
-- checks go out in Send and come back in Data indications (RFC 8445
-- §7.2.5, RFC 8656 §10-11) before the channel carries DTLS.
local function infer_ice(f)
    if has(f.contents, C.ICE) then return end
    if (f.binding_cut[0] or f.binding_cut[1]) and
       ((f.binding_req[0] and f.binding_req[1]) or f.check_sized or
        band(f.contents, bor(C.DTLS, C.RTP, C.SRTP)) ~= 0) then
        f.ice_inferred = true
        f.contents = bor(f.contents, C.ICE)
        f.content_frame[BIT_ICE] = f.binding_cut_frame
        return
    end
    if f.relay_cut[0] and f.relay_cut[1] and has(f.contents, C.DTLS) and
       f.relay_cut_frame < (f.content_frame[BIT_DTLS] or 0) then
        f.ice_inferred = true
        f.contents = bor(f.contents, C.ICE)
        f.content_frame[BIT_ICE] = f.relay_cut_frame
    end
end

-- A flow that carries STUN/TURN only: address discovery, an allocation,
-- the checks of a candidate pair that was not chosen.
local function stun_only(f)
    return band(f.contents, bor(C.STUN, C.TURN)) ~= 0 and
           band(f.contents, bor(C.DTLS, C.RTP, C.SRTP, C.RTCP, C.SRTCP, C.ZRTP, C.CHANNELDATA,
                                C.DATA_IND)) == 0
end

local function sock_id(tcp, e) return (tcp and "T" or "U") .. e.key end

-- One socket, one leg: an endpoint that sends STUN/TURN requests, and the
-- 5-tuples it has at the same time, are one candidate base of the call
-- (candidate gathering from the call's own host port: STUN address
-- discovery, TURN allocations, RFC 8445 §5.1.1), when one of the 5-tuples
-- carries STUN/TURN only and no ICE username of its own. A TURN server is no
-- socket of a call: it serves every client, and the Binding requests it
-- seems to send are its clients' peers' checks relayed in Data indications
-- (RFC 8656 §11).
local function link_sockets(m, u)
    local servers = {}
    for _, f in ipairs(m.flows) do
        for d = 0, 1 do
            if f.turn_req[1 - d] and not f.turn_req[d] then servers[sock_id(f.tcp, f.ep[d])] = true end
        end
    end
    local socks = gh_new()
    for _, f in ipairs(m.flows) do
        for d = 0, 1 do
            if f.binding_req[d] or f.turn_req[d] then
                local id = sock_id(f.tcp, f.ep[d])
                local h = sock_hash(f.tcp, f.ep[d])
                if not gh_lookup(socks, id, h) and not servers[id] then
                    gh_insert(socks, id, h, { ep = f.ep[d], list = {} })
                end
            end
        end
    end
    for _, f in ipairs(m.flows) do
        for d = 0, 1 do
            local s = gh_lookup(socks, sock_id(f.tcp, f.ep[d]), sock_hash(f.tcp, f.ep[d]))
            if s and s.list[#s.list] ~= f then s.list[#s.list + 1] = f end
        end
    end
    local O = R.thresholds.SOCKET_OVERLAP_S
    for _, s in gh_each(socks) do
        local l = s.list
        -- Bounded: a socket is compared with its next few 5-tuples.
        for j = 1, #l do
            for k = j + 1, math.min(#l, j + 63) do
                local x, y = l[j], l[k]
                local plain_x = stun_only(x) and #x.ice_pairs == 0
                local plain_y = stun_only(y) and #y.ice_pairs == 0
                if (plain_x or plain_y) and not (x.first_t > y.last_t + O or
                                                 y.first_t > x.last_t + O) then
                    uf_union(u, x.index, y.index, sfmt("endpoint %s sends STUN requests and has "
                        .. "several 5-tuples at once: one socket of the call (RFC 8445 §5.1.1)",
                        ep_format(s.ep, true)))
                end
            end
        end
    end
end

local function link_legs(m, u, by_ep)
    local ice, relayed, creds = {}, {}, {}
    for i0, f in ipairs(m.flows) do
        local i = i0 - 1
        for _, k in ipairs(f.ice_pairs) do
            local other = ice[k]
            if other then
                uf_union(u, i, other, sfmt("ICE username fragments %s on several 5-tuples "
                                           .. "(RFC 8445 §7.2.2)", k))
            else
                ice[k] = i
            end
        end
        for _, e in ipairs(f.relayed) do relayed[e.key] = i end
        for _, user in ipairs(f.turn_users) do
            local c = f.turn_req[0] and 0 or 1
            local s = 1 - c
            local a = ep_format(f.ep[c], false)
            local b = ep_format(f.ep[s], true)
            local k = a .. "|" .. b .. "|" .. user
            local other = creds[k]
            if other then
                uf_union(u, i, other, sfmt("TURN allocations with the same credentials (%s) "
                                           .. "from host %s to server %s", user, a, b))
            else
                creds[k] = i
            end
        end
    end
    for i0, f in ipairs(m.flows) do
        local i = i0 - 1
        for e = 0, 1 do
            local owner = relayed[f.ep[e].key]
            if owner and owner ~= i then
                local o = m.flows[owner + 1]
                uf_union(u, i, owner, sfmt("TURN relayed address %s allocated by %s",
                    ep_format(f.ep[e], true), ep_format(o.ep[o.turn_req[0] and 0 or 1], true)))
            end
        end
        for _, p in ipairs(f.peers) do
            local others = by_ep[p.key]
            local owner = relayed[p.key]
            local why = sfmt("TURN peer %s (XOR-PEER-ADDRESS)", ep_format(p, true))
            if owner and owner ~= i then uf_union(u, i, owner, why) end
            for _, o in ipairs(others or {}) do
                if o ~= i then uf_union(u, i, o, why) end
            end
        end
        if is_rtcp_only(f) and f.ep[0].port > 0 and f.ep[1].port > 0 then
            local lo = ep_new(f.ep[0].fam, f.ep[0].addr, f.ep[0].port - 1)
            for _, o in ipairs(by_ep[lo.key] or {}) do
                local r = m.flows[o + 1]
                local re = ep_cmp(r.ep[0], lo) == 0 and 1 or 0
                if is_media(r) and same_host(r.ep[re], f.ep[1]) and
                   r.ep[re].port + 1 == f.ep[1].port then
                    uf_union(u, i, o, sfmt("RTCP on the ports after RTP %s <-> %s "
                        .. "(RFC 3550 §11)", ep_format(r.ep[0], true), ep_format(r.ep[1], true)))
                end
            end
        end
    end
end

local function cmp_flow_time(x, y)
    if x.first_frame ~= y.first_frame then return x.first_frame < y.first_frame end
    return x.index < y.index
end

-- table.sort is not stable and requires a strict order: cmp_flow_time is.
local function assign_role(f, relayed_eps)
    f["local"] = 0
    f.remote_role = ROLE.PEER
    if has(f.contents, C.SIP) and band(f.contents, C_CALL) == 0 then
        f.remote_role = ROLE.SIGNALING
        return
    end
    if (f.turn_req[0] or false) ~= (f.turn_req[1] or false) then
        f["local"] = f.turn_req[0] and 0 or 1
        f.remote_role = ROLE.TURN_SERVER
        return
    end
    if relayed_eps[f.ep[0].key] or relayed_eps[f.ep[1].key] then
        f["local"] = relayed_eps[f.ep[0].key] and 0 or 1
        f.remote_role = ROLE.RELAYED_PEER
        return
    end
    if (f.binding_req[0] or false) ~= (f.binding_req[1] or false) then
        f["local"] = f.binding_req[0] and 0 or 1
        -- Only one side checks connectivity: an ICE-lite server (RFC 8445
        -- §2.5), typically an SFU, when it answers and media flows both
        -- ways; without ICE attributes a STUN server when it answers.
        if not f.binding_resp[1 - f["local"]] then return end  -- remote_role_unanswered
        if has(f.contents, C.ICE) then
            -- three unreturned checks at least (WRTC_ICE_LITE_MIN_CHECKS)
            if f.packets_media[0] > 0 and f.packets_media[1] > 0 and
                    (f.binding_reqs[f["local"]] or 0) >= R.ice_lite_min_checks then
                f.remote_role = ROLE.MEDIA_SERVER
            end
        else
            f.remote_role = ROLE.STUN_SERVER
        end
    end
end

-- After the point of view: the local end asked and the remote never
-- answered with a success response, nor sent media (session.c
-- remote_role_unanswered).
local function remote_role_unanswered(f)
    local l = f["local"]
    local r = 1 - l
    if f.remote_role ~= ROLE.PEER and f.remote_role ~= ROLE.MEDIA_SERVER then return end
    if not f.binding_req[l] or f.binding_resp[r] or f.packets_media[r] > 0 then return end
    f.remote_role = (has(f.contents, C.ICE) or f.ice_inferred) and ROLE.NO_ANSWER
                    or ROLE.STUN_NO_ANSWER
end

-- The capture host (session.c choose_point_of_view): the host in the most
-- flows (model flows and TLS connections, each flow counting a host once),
-- when no other host is in as many and it is at one end only of at least
-- one flow. Ties: the lowest address.
local NO_HOST = ep_new(4, "\0\0\0\0", 0)   -- C's zeroed wrtc_ep_t, formatted
local function choose_point_of_view(m)
    local count, hosts = {}, {}
    local total = 0
    local function pov_count(a, b)
        total = total + 1
        local ka = host_key(a)
        if not count[ka] then count[ka] = 0; hosts[ka] = a end
        count[ka] = count[ka] + 1
        if not same_host(a, b) then
            local kb = host_key(b)
            if not count[kb] then count[kb] = 0; hosts[kb] = b end
            count[kb] = count[kb] + 1
        end
    end
    for _, f in ipairs(m.flows) do pov_count(f.ep[0], f.ep[1]) end
    for _, t in ipairs(m.tls) do pov_count(t.client, t.server) end
    local best_n, best, ties = 0, nil, 0
    for _, n in pairs(count) do if n > best_n then best_n = n end end
    for k, n in pairs(count) do
        if n == best_n then
            if not best or strcmp(k, best) < 0 then best = k end
            ties = ties + 1
        end
    end
    local pov = { have = false, flows_with = best_n, flows_total = total, tied = false,
                  both_ends = false, host = NO_HOST }
    m.pov = pov
    if best_n == 0 then return end
    local host = hosts[best]
    local one_end = 0
    for _, f in ipairs(m.flows) do
        if same_host(f.ep[0], host) ~= same_host(f.ep[1], host) then one_end = one_end + 1 end
    end
    for _, t in ipairs(m.tls) do
        if same_host(t.client, host) ~= same_host(t.server, host) then one_end = one_end + 1 end
    end
    pov.host = ep_new(host.fam, host.addr, 0)
    pov.tied = ties > 1
    pov.both_ends = one_end == 0
    pov.have = not pov.tied and not pov.both_ends
end

-- The lowest shared address: the same one seen from either session.
local function hosts_shared(a, b)
    local found
    for _, f in ipairs(a.flows) do
        for _, g in ipairs(b.flows) do
            for x = 0, 1 do
                for y = 0, 1 do
                    local h = f.ep[x]
                    if same_host(h, g.ep[y]) and
                       (not found or strcmp(schar(h.fam) .. h.addr,
                                            schar(found.fam) .. found.addr) < 0) then
                        found = h
                    end
                end
            end
        end
    end
    return found
end

-- Did the dialog `call` of a SIP flow get an answer with SDP: do its SDP
-- endpoints lie on two hosts (offer and answer, RFC 3264)?
local function dialog_answered(sip, call)
    for j = 1, #sip.sdp do
        for k = j + 1, #sip.sdp do
            if sip.sdp_call[j] == call and sip.sdp_call[k] == call and
               not same_host(sip.sdp[j], sip.sdp[k]) then
                return true
            end
        end
    end
    return false
end

-- Links of one call's legs that the transport links do not make
-- (session.c link_sessions):
-- - one ICE agent: the same username fragment on either side of checks on
--   several 5-tuples (RFC 8445 §7.2.2: each agent keeps its ufrag for all
--   its candidate pairs);
-- - ICE components: a socket on the port after another's, both checking the
--   same remote host at the same time, is the same candidate's RTCP
--   component (component 2, RFC 8445 §5.1.1; RTCP on P + 1 without rtcp-mux,
--   RFC 5761);
-- - parallel transports: ICE/DTLS transports between the same two hosts that
--   start together (no BUNDLE: one transport per media, RFC 8843; or one
--   agent's UDP and TCP candidate pairs, RFC 6544), the weakest link, used
--   last.
local function link_sessions(m, leg_union, leg_find)
    local T = R.thresholds
    local ufrags = {}
    for _, f in ipairs(m.flows) do
        for _, pair in ipairs(f.ice_pairs) do
            local colon = pair:find(":", 1, true)
            if colon then
                local u = { pair:sub(1, colon - 1), pair:sub(colon + 1) }
                for x = 1, 2 do
                    local other = ufrags[u[x]]
                    if other then
                        leg_union(other, f.leg, sfmt("ICE username fragment %s in checks on several "
                            .. "5-tuples: one ICE agent (RFC 8445 §7.2.2)", u[x]))
                    else
                        ufrags[u[x]] = f.leg
                    end
                end
            end
        end
    end
    local O = T.SOCKET_OVERLAP_S
    local req = {}
    for _, f in ipairs(m.flows) do
        for d = 0, 1 do
            if f.binding_req[d] or f.turn_req[d] then
                local id = sock_id(f.tcp, f.ep[d])
                local l = req[id]
                if not l then l = {}; req[id] = l end
                if #l < MAX_LIST then l[#l + 1] = { flow = f, dir = d } end
            end
        end
    end
    for _, f in ipairs(m.flows) do
        for d = 0, 1 do
            if (f.binding_req[d] or f.turn_req[d]) and f.ep[d].port ~= 0 then
                local lo = ep_new(f.ep[d].fam, f.ep[d].addr, f.ep[d].port - 1)
                for _, c in ipairs(req[sock_id(f.tcp, lo)] or {}) do
                    local rtp, rd = c.flow, c.dir
                    if not (rtp.leg == f.leg or not same_host(rtp.ep[1 - rd], f.ep[1 - d]) or
                            rtp.first_t > f.last_t + O or f.first_t > rtp.last_t + O) then
                        leg_union(rtp.leg, f.leg, sfmt("sockets %s and port %d check the same host "
                            .. "at the same time: ICE components 1 and 2 (RTP, RTCP; RFC 8445 "
                            .. "§5.1.1)", ep_format(lo, true), f.ep[d].port))
                        break
                    end
                end
            end
        end
    end
    -- Transports by host pair, in first-packet order (flows are created in
    -- that order); each compared with the ones that started within
    -- PARALLEL_START_S after it.
    local P = T.PARALLEL_START_S
    local hostpairs = gh_new()
    for _, x in ipairs(m.flows) do
        if has(x.contents, C.ICE) or has(x.contents, C.DTLS) then
            local a, b = ep_format(x.ep[0], false), ep_format(x.ep[1], false)
            local key = strcmp(a, b) <= 0 and (a .. "|" .. b) or (b .. "|" .. a)
            local h = gh_str_hash(key)
            local l = gh_lookup(hostpairs, key, h)
            if not l then
                l = {}
                gh_insert(hostpairs, key, h, l)
            end
            l[#l + 1] = x
        end
    end
    for _, l in gh_each(hostpairs) do
        for j = 1, #l do
            local x = l[j]
            for k = j + 1, #l do
                local y = l[k]
                local dt = y.first_t - x.first_t
                if dt > P or dt < -P then break end
                if leg_find(x.leg) ~= leg_find(y.leg) then
                    leg_union(x.leg, y.leg, sfmt("parallel transports between %s and %s started "
                        .. "together (frames %d and %d, %.3f s apart; no BUNDLE): weaker than an "
                        .. "ICE or certificate link", ep_format(x.ep[0], false),
                        ep_format(x.ep[1], false), x.first_frame, y.first_frame,
                        dt < 0 and -dt or dt))
                end
            end
        end
    end
end

-- What the snaplen cut away in a flow and no other packet of it made up
-- for (session.c wrtc_flow_hidden).
local function flow_hidden(f)
    local h = f.hidden
    if #f.cnames > 0 then h = band(h, bnot(HIDDEN.CNAME)) end
    if #f.certs > 0 or (f.dtls_version ~= 0 and f.dtls_version ~= DTLS_NOT_CAPTURED) then
        h = band(h, bnot(HIDDEN.CERT))
    end
    if #f.sdp > 0 then h = band(h, bnot(HIDDEN.SDP)) end
    if #f.ice_pairs > 0 and not f.ice_inferred then h = band(h, bnot(HIDDEN.ICE)) end
    -- The relayed checks and handshake seen in other indications.
    if has(f.contents, C.DTLS) and has(f.contents, C.ICE) and not f.ice_inferred then
        h = band(h, bnot(HIDDEN.RELAYED))
    end
    return h
end
M.flow_hidden = flow_hidden

function M.finish(m)
    if m.finished then return end
    m.sessions = {}
    m.stun_outside = {}
    local u = { flows = m.flows, evidence = {} }
    local by_ep, relayed_eps = {}, {}
    for i0, f in ipairs(m.flows) do
        local i = i0 - 1
        f.uf = i
        f.leg, f.session = -1, -1
        f.rtcp_mux = is_media(f) and band(f.contents, bor(C.RTCP, C.SRTCP)) ~= 0
        infer_ice(f)
        for e = 0, 1 do
            local l = by_ep[f.ep[e].key]
            if not l then l = {}; by_ep[f.ep[e].key] = l end
            l[#l + 1] = i
        end
        for _, r in ipairs(f.relayed) do relayed_eps[r.key] = true end
    end
    link_legs(m, u, by_ep)
    link_sockets(m, u)

    -- Legs: the components that carry call traffic.
    local legs, leg_of_root = {}, {}
    for i0, f in ipairs(m.flows) do
        local r = uf_find(m.flows, i0 - 1)
        local l = leg_of_root[r]
        if not l then
            l = { flows = {}, evidence = {} }
            for _, x in ipairs(u.evidence[r] or {}) do l.evidence[#l.evidence + 1] = x end
            leg_of_root[r] = l
            legs[#legs + 1] = l
        end
        l.flows[#l.flows + 1] = f
    end
    for li, l in ipairs(legs) do
        for _, f in ipairs(l.flows) do f.leg = li - 1 end
        table.sort(l.flows, cmp_flow_time)
    end

    -- Sessions: legs joined by call-level evidence (a second union-find,
    -- over leg indexes); `text` kept once on the surviving root's evidence.
    local n = #legs
    local parent, sev = {}, {}
    for i = 0, n - 1 do parent[i] = i end
    local function leg_find(x)
        while parent[x] ~= x do
            parent[x] = parent[parent[x]]
            x = parent[x]
        end
        return x
    end
    local function join(a, b, text)
        a, b = leg_find(a), leg_find(b)
        if a ~= b then
            local root, o = math.min(a, b), math.max(a, b)
            parent[o] = root
            sev[root] = sev[root] or {}
            sev[root][#sev[root] + 1] = text
        end
    end
    local T = R.thresholds
    local sdp_eps, by_id = {}, {}
    for _, f in ipairs(m.flows) do
        for _, s in ipairs(f.stream_list) do
            -- An SSRC is chosen at random (RFC 3550 §8.1): the same one on
            -- two legs is one source. Small values are assigned by apps
            -- (RingRTC's fixed ones, an SFU's per participant) and recur
            -- across calls: they join only flows that share an endpoint too;
            -- SSRC 0 (padding probes) joins nothing.
            local nkeys = s.ssrc >= T.SSRC_RANDOM_MIN and 1 or (s.ssrc ~= 0 and 2 or 0)
            for e = 0, nkeys - 1 do
                local ep = nkeys == 2 and ep_format(f.ep[e], true) or nil
                local key = ep and sfmt("s|%08x|%s", s.ssrc, ep) or sfmt("s|%08x", s.ssrc)
                local other = by_id[key]
                if not other then
                    by_id[key] = f.leg
                elseif ep then
                    join(other, f.leg, sfmt("SSRC 0x%08x on several legs with endpoint %s",
                                            s.ssrc, ep))
                else
                    join(other, f.leg, sfmt("SSRC 0x%08x on several legs", s.ssrc))
                end
            end
        end
        -- The same DTLS certificate or RTCP CNAME on several legs: one peer
        -- connection / participant (RFC 3550 §6.5.1).
        local ids = { f.certs, f.cnames }
        local what = { "DTLS certificate serial", "RTCP CNAME" }
        for w = 1, 2 do
            for _, id in ipairs(ids[w]) do
                local key = (w - 1) .. "|" .. id
                local other = by_id[key]
                if not other then
                    by_id[key] = f.leg
                else
                    join(other, f.leg, sfmt("%s %s on several legs", what[w], id))
                end
            end
        end
        -- SDP media endpoints of a SIP dialog (RTP port, and RTCP on +1),
        -- whatever other dialogs the SIP 5-tuple carries; every SIP hop that
        -- names it (a B2BUA or proxy chain carries one dialog on several
        -- SIP 5-tuples).
        for j, e in ipairs(f.sdp) do
            for d = 0, 1 do
                local x = ep_new(e.fam, e.addr, (e.port + d) % 65536)
                local owners = sdp_eps[x.key]
                if not owners then owners = {}; sdp_eps[x.key] = owners end
                if #owners < MAX_LIST then
                    owners[#owners + 1] = { flow = f, call = f.sdp_call[j] or 0 }
                end
            end
        end
    end
    for _, f in ipairs(m.flows) do
        for e = 0, 1 do
            for _, own in ipairs(sdp_eps[f.ep[e].key] or {}) do
                local sip = own.flow
                if sip ~= f then
                    f.sdp_named = true   -- for the sdes trait
                    -- An established dialog: its offer and answer (RFC 3264)
                    -- name endpoints on two hosts; an INVITE never answered
                    -- names only its sender's media, maybe another dialog's.
                    if dialog_answered(sip, own.call) then
                        local call = sip.call_ids[(own.call < #sip.call_ids and own.call or 0) + 1]
                        join(sip.leg, f.leg, sfmt("SIP Call-ID %s: SDP names the media endpoints",
                                                  call))
                    end
                end
            end
        end
    end
    link_sessions(m, join, leg_find)
    local roots = gh_new()
    for i = 0, n - 1 do
        local l = legs[i + 1]
        local r = leg_find(i)
        local s = gh_lookup(roots, r, r)
        if not s then
            s = { legs = {}, flows = {}, evidence = {}, related = {}, related_ids = {} }
            gh_insert(roots, r, r, s)
        end
        s.legs[#s.legs + 1] = l
        for _, f in ipairs(l.flows) do s.flows[#s.flows + 1] = f end
    end
    for i = 0, n - 1 do
        if sev[i] then
            local r = leg_find(i)
            local s = gh_lookup(roots, r, r)
            for _, x in ipairs(sev[i]) do
                local dup = false
                for _, y in ipairs(s.evidence) do dup = dup or x == y end
                if not dup and #s.evidence < 16 then s.evidence[#s.evidence + 1] = x end
            end
        end
    end
    for _, s in gh_each(roots) do
        -- A call has ICE/TURN/ZRTP or RTP streams: RTCP-shaped packets alone,
        -- plain STUN, DTLS without ICE, TURN or media (CAPWAP control), or
        -- SIP alone are not one.
        local call = false
        for _, x in ipairs(s.flows) do
            call = call or band(x.contents, bor(C.ICE, C.TURN, C.CHANNELDATA, C.DATA_IND,
                                                C.ZRTP)) ~= 0 or #x.stream_list > 0
        end
        if call then
            m.sessions[#m.sessions + 1] = s
        else
            -- Plain STUN outside any call, reported apart.
            for _, x in ipairs(s.flows) do
                if has(x.contents, C.STUN) then m.stun_outside[#m.stun_outside + 1] = x end
            end
        end
    end

    for _, f in ipairs(m.flows) do f.leg, f.session = -1, -1 end
    table.sort(m.sessions, function(x, y) return cmp_flow_time(x.flows[1], y.flows[1]) end)
    for si, s in ipairs(m.sessions) do
        s.id = si
        table.sort(s.legs, function(x, y) return cmp_flow_time(x.flows[1], y.flows[1]) end)
        table.sort(s.flows, cmp_flow_time)
        s.first_t, s.last_t = 1e300, -1e300
        for li, l in ipairs(s.legs) do
            l.id = li
            for _, f in ipairs(l.flows) do
                f.leg = l.id
                f.session = s.id
                if f.first_t < s.first_t then s.first_t = f.first_t end
                if f.last_t > s.last_t then s.last_t = f.last_t end
                assign_role(f, relayed_eps)
            end
        end
    end
    -- One point of view per capture: the capture host is "local" in every
    -- peer-to-peer or SIP flow where it is exactly one of the ends; TURN
    -- client, relay and ICE-lite flows keep the side their role gives.
    choose_point_of_view(m)
    local pov = m.pov
    for _, s in ipairs(m.sessions) do
        -- The capture host, or without one end A of the session: the host
        -- in most of its flows (ties: the sender of its first packet).
        local host = pov.host
        if not pov.have then
            local best_n = 0
            host = s.flows[1].ep[0]
            for j, f in ipairs(s.flows) do
                for e = 0, 1 do
                    local cnt = 0
                    for _, g in ipairs(s.flows) do
                        if same_host(g.ep[0], f.ep[e]) or same_host(g.ep[1], f.ep[e]) then
                            cnt = cnt + 1
                        end
                    end
                    if cnt > best_n or (cnt == best_n and j == 1 and e == 0) then
                        best_n = cnt
                        host = f.ep[e]
                    end
                end
            end
        end
        for _, f in ipairs(s.flows) do
            if f.remote_role == ROLE.PEER or f.remote_role == ROLE.SIGNALING then
                local h0, h1 = same_host(f.ep[0], host), same_host(f.ep[1], host)
                if h0 ~= h1 then f["local"] = h0 and 0 or 1 end
            end
            remote_role_unanswered(f)
        end
    end
    -- A stream too short for its own guess takes that of the same SSRC on
    -- another flow of its session (the longest).
    for _, s in ipairs(m.sessions) do
        local best = {}
        for _, f in ipairs(s.flows) do
            for _, st in ipairs(f.stream_list) do
                st.ssrc_peer = nil
                local b = best[st.ssrc]
                if not b or st.packets > b.packets then best[st.ssrc] = st end
            end
        end
        for _, f in ipairs(s.flows) do
            for _, st in ipairs(f.stream_list) do
                local b = best[st.ssrc]
                if b and b ~= st then st.ssrc_peer = b end
            end
        end
    end
    -- Related sessions: weak evidence only, never merged.
    for i, a in ipairs(m.sessions) do
        for j, b in ipairs(m.sessions) do
            if i ~= j and not (a.first_t > b.last_t or b.first_t > a.last_t) then
                local host = hosts_shared(a, b)
                if host then
                    -- Evidence that joins sessions (CNAMEs, certificates, SDP,
                    -- ICE usernames) cut away on both sides: they may be one
                    -- call.
                    local ha, hb = 0, 0
                    for _, f in ipairs(a.flows) do ha = bor(ha, flow_hidden(f)) end
                    for _, f in ipairs(b.flows) do hb = bor(hb, flow_hidden(f)) end
                    local both = band(ha, hb, bor(HIDDEN.CERT, HIDDEN.CNAME, HIDDEN.SDP, HIDDEN.ICE))
                    local h = ep_format(host, false)
                    local why
                    if both ~= 0 then
                        why = sfmt("session %d: shares host %s, overlapping in time; may be the "
                            .. "same call: %s not captured (snaplen %d)", b.id, h,
                            has(both, HIDDEN.CNAME) and "RTCP SDES CNAMEs" or
                            has(both, HIDDEN.CERT) and "DTLS certificates" or
                            has(both, HIDDEN.ICE) and "STUN usernames (ICE, TURN)" or "SDP",
                            m.snaplen)
                    else
                        why = sfmt("session %d: shares host %s, overlapping in time", b.id, h)
                    end
                    a.related[#a.related + 1] = why
                    a.related_ids[#a.related_ids + 1] = b.id
                end
            end
        end
    end
    m.finished = true
    m.generation = m.generation + 1
end

-- The flow a packet belongs to (session.c wrtc_model_lookup).
function M.lookup(m, tcp, src, dst, t)
    local gens = m.by_key[flow_key(tcp, src, dst)]
    local best
    for _, f in ipairs(gens or {}) do
        best = f
        if t <= f.last_t + 1e-9 then break end
    end
    if best and t > best.last_t + m.idle_gap_s then return nil end
    return best
end

-------------------------------------------------------------------------------
-- Streams
-------------------------------------------------------------------------------
local function stream_media(s) return stream_guess(s).media end
M.stream_media = stream_media

-- wrtc_stream_codec_guess: the codec and "confidence: evidence".
local function codec_guess(s)
    local g = stream_guess(s)
    return g.codec, g.confidence_name .. ": " .. g.evidence
end
M.codec_guess = codec_guess

-- RFC 3550 A.3: expected minus the distinct packets received (session.c).
local function stream_lost(s)
    local expected = s.cycles + s.max_seq - s.base_seq + 1
    local lost = expected - (s.received - s.duplicates)
    if not s.seq_init or expected <= 0 or lost <= 0 then return 0 end
    return lost
end

local function stream_loss(s)
    local lost = stream_lost(s)
    if lost == 0 then return 0 end
    return lost / (s.cycles + s.max_seq - s.base_seq + 1)
end

-- wrtc_stream_report: the last report block about `st`, from its own leg
-- first, else anywhere in the session.
local function stream_report(s, f, st)
    local best, best_leg = nil, false
    for _, o in ipairs(s.flows) do
        local leg = o.leg == f.leg
        for _, r in ipairs(o.reports) do
            if r.ssrc == st.ssrc and (not best or (leg and not best_leg) or
                                      (leg == best_leg and r.frame > best.frame)) then
                best, best_leg = r, leg
            end
        end
    end
    return best
end

local function rr_text(s, f, st)
    local r = stream_report(s, f, st)
    if not r then return nil end
    local line = sfmt("  %23s receiver reported: loss %.1f %% (cumulative %d), ", "",
                      r.fraction * 100.0 / 256, r.cum_lost)
    if st.clock_rate ~= 0 then
        line = line .. sfmt("jitter %.2f ms", r.jitter * 1000.0 / st.clock_rate)
    else
        line = line .. sfmt("jitter %d timestamp units", r.jitter)
    end
    return line .. sfmt(" (frame %d)\n", r.frame)
end

local function rr_json(s, f, st)
    local r = stream_report(s, f, st)
    if not r then return '"receiver_report":null' end
    return sfmt('"receiver_report":{"frame":%d,"fraction_lost":%.4f,"cumulative_lost":%d,'
                .. '"jitter":%d,"jitter_ms":%s}', r.frame, r.fraction / 256.0, r.cum_lost,
                r.jitter, st.clock_rate ~= 0 and sfmt("%.2f", r.jitter * 1000.0 / st.clock_rate)
                or "null")
end

-- report.c path_kind / same_ssrc_text: the same SSRC on several flows.
local function path_kind(f)
    if f.remote_role == ROLE.TURN_SERVER then return "client-TURN leg" end
    if f.remote_role == ROLE.RELAYED_PEER then return "TURN-peer leg" end
    return "direct"
end

local function same_ssrc_text(s, streams, flow_of, o)
    local header = false
    for j, st in ipairs(streams) do
        local earlier, other = false, false
        for k = 1, j - 1 do if streams[k].ssrc == st.ssrc then earlier = true end end
        for k = j + 1, #streams do
            if streams[k].ssrc == st.ssrc and flow_of[k] ~= flow_of[j] then other = true end
        end
        if not earlier and other then
            if not header then o[#o + 1] = "  Same SSRC on several flows (loss per flow)\n" end
            header = true
            local line = sfmt("    SSRC 0x%08x:", st.ssrc)
            for k = j, #streams do
                local x = streams[k]
                if x.ssrc == st.ssrc then
                    line = line .. sfmt("%s %.1f %% (%d lost of %d) on flow %d (%s)",
                                        k == j and "" or ",", stream_loss(x) * 100.0,
                                        stream_lost(x), x.packets, flow_of[k],
                                        path_kind(s.flows[flow_of[k]]))
                end
            end
            o[#o + 1] = line .. "\n"
        end
    end
end

local function same_ssrc_json(s, f, st)
    local items = {}
    for i, x in ipairs(s.flows) do
        if x ~= f then
            for _, y in ipairs(x.stream_list) do
                if y.ssrc == st.ssrc then
                    items[#items + 1] = sfmt('{"flow":%d,"path":"%s","packets":%d,"lost":%d,'
                                             .. '"loss":%.4f}', i, path_kind(x), y.packets,
                                             stream_lost(y), stream_loss(y))
                end
            end
        end
    end
    return '"same_ssrc_on":[' .. table.concat(items, ",") .. "]"
end

local function jitter_mean_ms(s)
    return s.jitter_n > 0 and s.jitter_sum_s / s.jitter_n * 1000.0 or 0
end

-------------------------------------------------------------------------------
-- Software (software.c), traits and verdict (verdict.c)
-------------------------------------------------------------------------------
function M.software_identify(sw)
    if not sw then return nil end
    for _, row in ipairs(R.software) do
        local at
        if row.at_start then
            if sw:sub(1, #row.marker) == row.marker then at = 1 end
        else
            at = sw:find(row.marker, 1, true)
        end
        if at then
            local version = ""
            if row.version_follows then
                version = sw:sub(at + #row.marker):match("^[%d%.]*") or ""
                version = version:sub(1, 31):gsub("%.+$", "")
            end
            return row.product, version
        end
    end
    return nil
end

local TRAIT = { ICE = 1, TURN = 2, SRTP = 3, DTLS_SRTP = 4, SDES = 5, BUNDLE = 6, RTCP_MUX = 7,
                WEB_SIGNALING = 8, DATACHANNEL = 9 }
local N_TRAITS = 9
M.TRAIT = TRAIT
local VERDICT = { UNDETERMINED = 0, NOT_WEBRTC = 1, WEBRTC_LIKELY = 2, WEBRTC = 3 }
local verdict_names = { [0] = "undetermined", "not-webrtc", "webrtc-likely", "webrtc" }
M.verdict_names = verdict_names

local function set_trait(t, k, frame, detail)
    if t.on[k] and t.frame[k] ~= 0 and t.frame[k] <= frame then return end
    t.on[k] = true
    t.frame[k] = frame
    t.detail[k] = detail:sub(1, 199)
end

-- A trait not seen that could not have been seen: not observable.
local function unknown_trait(t, k, why)
    if t.on[k] then return end
    t.unknown[k] = true
    t.frame[k] = 0
    t.detail[k] = why:sub(1, 199)
end

-- Which traits not seen could not have been seen (verdict.c
-- traits_unknown). SIP signaling in the set makes the signaling
-- observable: its SDP says whether there is ICE or DTLS.
local function traits_unknown(t, call_start, media_first, media_last, audio, video, rtcp, sip,
                              dtls, sdp)
    if call_start >= 1e300 then return end
    local began_before = call_start < R.call_start_margin_s
    local media = t.rtp
    local media_s = media and media_last - media_first or 0
    local d
    if began_before and not sip then
        d = sfmt("the call began before the capture (first packet at %.3f s)", call_start)
    end
    if not sip and began_before and (not media or media_s < R.ice_consent_window_s) then
        unknown_trait(t, TRAIT.ICE, sfmt("%s, its media lasts %.1f s, less than the %.0f s in "
            .. "which ICE consent checks (RFC 7675 §5.1) would show", d, media_s,
            R.ice_consent_window_s):sub(1, 239))
    end
    if not sip and began_before and not dtls and not t.on[TRAIT.SDES] and
       (not media or t.on[TRAIT.SRTP]) then
        unknown_trait(t, TRAIT.DTLS_SRTP, (d .. ": a DTLS handshake comes before media"):sub(1, 239))
    end
    if t.on[TRAIT.SRTP] and not dtls and not sdp and not t.on[TRAIT.SDES] then
        unknown_trait(t, TRAIT.SDES, "SRTP without DTLS: SDES keys (RFC 4568) would be in the "
            .. "signaling, which is not in the capture or is encrypted")
    end
    if not media then
        unknown_trait(t, TRAIT.SRTP, "no media")
        unknown_trait(t, TRAIT.BUNDLE, "no media")
        unknown_trait(t, TRAIT.RTCP_MUX, "no media")
    else
        if not (audio and video) then
            unknown_trait(t, TRAIT.BUNDLE, audio and "audio only: BUNDLE needs two media kinds"
                or video and "video only: BUNDLE needs two media kinds" or "media kind not known")
        end
        if not rtcp then unknown_trait(t, TRAIT.RTCP_MUX, "no RTCP seen") end
    end
    if not sip and began_before then unknown_trait(t, TRAIT.WEB_SIGNALING, d) end
end

function M.traits_of(flows, tls)
    local t = { on = {}, unknown = {}, frame = {}, detail = {}, rtp = false, fingerprints = 0,
                fp_frame = {}, ice_dtls_frame = 0 }
    for k = 1, N_TRAITS do t.on[k], t.unknown[k], t.frame[k] = false, false, 0 end
    local call_start, media_first, media_last = 1e300, 1e300, -1
    local any_audio, any_video, rtcp, sip, dtls, sdp = false, false, false, false, false, false
    local relay_cut = false
    for _, f in ipairs(flows) do
        local audio, video, srtp, srtp_frame = false, false, false, 0
        local audio_frame, video_frame = 0, 0
        if has(f.contents, C.ICE) then
            local d = "STUN Binding with ICE attributes"
            if f.ice_inferred then
                if not (f.binding_cut[0] or f.binding_cut[1]) then
                    d = "TURN Send/Data indications both ways before DTLS (relayed checks, contents not captured)"
                elseif f.binding_req[0] and f.binding_req[1] then
                    d = "STUN Binding requests from both ends (ICE attributes not captured)"
                elseif f.check_sized then
                    d = "STUN Binding requests as long as ICE checks (attributes not captured)"
                else
                    d = "STUN Binding requests on a 5-tuple with DTLS or media (ICE attributes not captured)"
                end
            end
            set_trait(t, TRAIT.ICE, f.content_frame[bit_index(C.ICE)] or 0, d)
        end
        if has(f.contents, C.ICE) and has(f.contents, C.DTLS) then
            -- ICE and DTLS on one 5-tuple: the WebRTC transport (RFC 8835
            -- §3.4, RFC 8827 §6.5), with SRTP or a data channel (RFC 8261).
            local fr = math.max(f.content_frame[bit_index(C.ICE)] or 0,
                                f.content_frame[bit_index(C.DTLS)] or 0)
            if t.ice_dtls_frame == 0 or fr < t.ice_dtls_frame then t.ice_dtls_frame = fr end
        end
        local dc = flow_datachannel(f)
        if dc then
            set_trait(t, TRAIT.DATACHANNEL, dc.first_frame, sfmt(
                "DTLS application data on the ICE 5-tuple: SCTP (RFC 8261), %d records",
                dc.records[0] + dc.records[1]))
        end
        if f.relay_cut[0] or f.relay_cut[1] then relay_cut = true end
        if band(f.contents, bor(C.TURN, C.CHANNELDATA)) ~= 0 then
            local b = has(f.contents, C.TURN) and C.TURN or C.CHANNELDATA
            set_trait(t, TRAIT.TURN, f.content_frame[bit_index(b)] or 0,
                      b == C.TURN and "TURN request/indication" or "TURN ChannelData")
        end
        for _, s in ipairs(f.stream_list) do
            t.rtp = true
            local kind = stream_media(s)
            if kind == "audio" then
                audio = true
                if audio_frame == 0 or s.first_frame < audio_frame then
                    audio_frame = s.first_frame
                end
            end
            if kind == "video" then
                video = true
                if video_frame == 0 or s.first_frame < video_frame then
                    video_frame = s.first_frame
                end
            end
            if s.first_t < media_first then media_first = s.first_t end
            if s.last_t > media_last then media_last = s.last_t end
            any_audio = any_audio or audio
            any_video = any_video or video
            if s.srtp then
                srtp = true
                if srtp_frame == 0 or s.first_frame < srtp_frame then srtp_frame = s.first_frame end
            end
        end
        if srtp then
            set_trait(t, TRAIT.SRTP, srtp_frame, "RTP payloads encrypted")
            if has(f.contents, C.DTLS) then
                local v = f.dtls_version
                local d = sfmt("DTLS%s handshake on the SRTP 5-tuple",
                               v == 0xFEFC and " 1.3" or v == 0xFEFD and " 1.2" or
                               v == DTLS_NOT_CAPTURED and " (version not captured)" or "")
                set_trait(t, TRAIT.DTLS_SRTP, f.content_frame[bit_index(C.DTLS)] or 0, d)
            elseif not has(f.contents, C.ZRTP) and f.sdp_named then
                set_trait(t, TRAIT.SDES, srtp_frame, "SRTP without DTLS or ZRTP on a 5-tuple an SDP names")
            end
        end
        -- The proving frame: the first packet of the second media kind.
        if audio and video then
            set_trait(t, TRAIT.BUNDLE, math.max(audio_frame, video_frame),
                      "audio and video on one 5-tuple")
        end
        if f.rtcp_mux then
            local b = has(f.contents, C.SRTCP) and C.SRTCP or C.RTCP
            local r = has(f.contents, C.SRTP) and C.SRTP or C.RTP
            set_trait(t, TRAIT.RTCP_MUX, math.max(f.content_frame[bit_index(b)] or 0,
                                                  f.content_frame[bit_index(r)] or 0),
                      "RTCP on the RTP 5-tuple")
        end
        if band(f.contents, bor(C.RTCP, C.SRTCP)) ~= 0 then rtcp = true end
        -- SIP in the set, or an SDP in the capture naming this 5-tuple (its
        -- SIP flow may be another leg's).
        if has(f.contents, C.SIP) or f.sdp_named then sip = true end
        if has(f.contents, C.DTLS) then dtls = true end
        if f.sdp_named then sdp = true end
        for b = 0, FP_COUNT_BITS - 1 do
            local bit = lshift(1, b)
            if has(f.fingerprints, bit) then
                if not has(t.fingerprints, bit) or f.fp_frame[b] < t.fp_frame[b] then
                    t.fp_frame[b] = f.fp_frame[b]
                end
                t.fingerprints = bor(t.fingerprints, bit)
            end
        end
        if band(f.contents, bor(C.STUN, C.RTP, C.SRTP)) ~= 0 and f.first_t < call_start then
            call_start = f.first_t
        end
    end
    if t.on[TRAIT.DTLS_SRTP] then t.on[TRAIT.SDES] = false end
    traits_unknown(t, call_start, media_first, media_last, any_audio, any_video, rtcp, sip,
                   dtls, sdp)
    -- A data channel relayed in TURN Send/Data indications whose contents
    -- the snaplen cut cannot be seen.
    if relay_cut then unknown_trait(t, TRAIT.DATACHANNEL, "relayed datagrams not captured") end
    if tls and call_start < 1e300 then
        for _, c in ipairs(tls) do
            if not (c.first_t > call_start or c.first_t < call_start - R.web_signaling_window_s) then
                local hostm = false
                for _, f in ipairs(flows) do
                    if hostm then break end
                    hostm = same_host(c.client, f.ep[0]) or same_host(c.client, f.ep[1])
                end
                if hostm then
                    set_trait(t, TRAIT.WEB_SIGNALING, c.first_frame, sfmt(
                        "TLS to %s%s%s before the call", ep_format(c.server, true),
                        c.sni and " SNI " or "", c.sni or ""))
                    t.unknown[TRAIT.WEB_SIGNALING] = false
                end
            end
        end
    end
    return t
end

function M.verdict_of(t, want_evidence)
    local sc, ev = 0, {}
    for k = 1, N_TRAITS do
        if t.on[k] then
            -- DTLS-SRTP and a data channel: two uses of one DTLS association,
            -- their weight counted once (verdict.c trait_weight).
            if k ~= TRAIT.DATACHANNEL or not t.on[TRAIT.DTLS_SRTP] then
                sc = sc + R.trait_weight[R.traits[k]]
            end
            if want_evidence then
                ev[#ev + 1] = sfmt("%s: %s (frame %d)", R.traits[k], t.detail[k], t.frame[k])
            end
        end
    end
    if want_evidence then
        for k = 1, N_TRAITS do
            if t.unknown[k] then
                ev[#ev + 1] = sfmt("%s: not observable: %s", R.traits[k], t.detail[k])
            end
        end
    end
    if want_evidence then
        for b = 0, FP_COUNT_BITS - 1 do
            local bit = lshift(1, b)
            if has(t.fingerprints, bit) then
                ev[#ev + 1] = sfmt("fingerprint: %s (frame %d)", fp_names[bit], t.fp_frame[b])
            end
        end
    end
    if want_evidence and t.ice_dtls_frame ~= 0 and not t.on[TRAIT.DTLS_SRTP] then
        ev[#ev + 1] = sfmt("ICE and DTLS on one 5-tuple (frame %d): the WebRTC transport "
                           .. "(RFC 8835 §3.4, RFC 8827 §6.5)", t.ice_dtls_frame)
    end
    local media = t.on[TRAIT.SRTP]
    local v
    if (t.on[TRAIT.ICE] and t.on[TRAIT.DTLS_SRTP]) or t.ice_dtls_frame ~= 0 then
        v = VERDICT.WEBRTC
    elseif (t.on[TRAIT.ICE] or t.on[TRAIT.TURN]) and media then
        v = VERDICT.WEBRTC_LIKELY
    elseif t.rtp and band(t.fingerprints, FP_STRONG) ~= 0 then
        v = VERDICT.WEBRTC_LIKELY
    elseif t.rtp and not t.on[TRAIT.ICE] and not t.on[TRAIT.TURN] and not t.on[TRAIT.DTLS_SRTP] and
           (not t.on[TRAIT.SRTP] or not t.unknown[TRAIT.ICE]) then
        -- RTP/SRTP without ICE: classic VoIP; SRTP only when the absence of
        -- ICE is observable, not when the capture may have missed it.
        v = VERDICT.NOT_WEBRTC
    else
        v = VERDICT.UNDETERMINED
    end
    return v, sc, ev
end

-- wrtc_leg_verdict: one leg's verdict and score from its own flows.
function M.leg_verdict(l, tls)
    local v, score = M.verdict_of(M.traits_of(l.flows, tls), false)
    return v, score
end

function M.session_verdict(s, tls)
    local best = VERDICT.UNDETERMINED
    for _, l in ipairs(s.legs) do
        local v = M.leg_verdict(l, tls)
        if v > best then best = v end
    end
    return best
end

-------------------------------------------------------------------------------
-- Report (report.c)
-------------------------------------------------------------------------------
local function dtls_name(v)
    return v == 0xFEFC and "1.3" or v == 0xFEFD and "1.2" or v == 0xFEFF and "1.0" or nil
end

local CONTENTS = {
    { C.STUN, "STUN", "stun" }, { C.ICE, "ICE", "ice" }, { C.TURN, "TURN", "turn" },
    { C.CHANNELDATA, "ChannelData", "channeldata" },
    { C.DATA_IND, "Send/Data", "send_data_indication" }, { C.DTLS, "DTLS", "dtls" },
    { C.DTLS_APP, "DataChannel", "datachannel" },
    { C.ZRTP, "ZRTP", "zrtp" }, { C.SRTP, "SRTP", "srtp" }, { C.RTP, "RTP", "rtp" },
    { C.SRTCP, "SRTCP", "srtcp" }, { C.RTCP, "RTCP", "rtcp" }, { C.SIP, "SIP", "sip" },
}

local function contents_text(f)
    local c = f.contents
    if has(c, C.SRTP) then c = band(c, bnot(C.RTP)) end
    if has(c, C.SRTCP) then c = band(c, bnot(C.RTCP)) end
    if has(c, C.ICE) then c = band(c, bnot(C.STUN)) end
    if not flow_datachannel(f) then c = band(c, bnot(C.DTLS_APP)) end
    local out = {}
    for _, row in ipairs(CONTENTS) do
        if has(c, row[1]) then
            local s = row[2]
            if row[1] == C.DTLS and dtls_name(f.dtls_version) then
                s = s .. "-" .. dtls_name(f.dtls_version)
            end
            if (row[1] == C.RTCP or row[1] == C.SRTCP) and f.rtcp_mux then s = s .. "(mux)" end
            out[#out + 1] = s
        end
    end
    return table.concat(out, " ")
end

local function direction(f)
    local o, i = false, false
    for _, s in ipairs(f.stream_list) do
        if s.dir == f["local"] then o = true else i = true end
    end
    return (o and i) and "sendrecv" or o and "sendonly" or i and "recvonly" or "none"
end

local function pts_list(s)
    local out = {}
    for pt = 0, 127 do if s.pts[pt] then out[#out + 1] = tostring(pt) end end
    return out
end

local function bitrate_kbps(s)
    local d = s.last_t - s.first_t
    return d > 0 and s.bytes * 8.0 / d / 1000.0 or 0
end

local function flow_id(s, f)
    for i, x in ipairs(s.flows) do if x == f then return i end end
    return 0
end

local function session_streams(s)
    local out, flow_of = {}, {}
    for i, f in ipairs(s.flows) do
        for _, st in ipairs(f.stream_list) do
            out[#out + 1] = st
            flow_of[#flow_of + 1] = i
        end
    end
    return out, flow_of
end

local function servers(s)
    local out = {}
    for _, f in ipairs(s.flows) do
        for _, v in ipairs(f.software) do
            local dup = false
            for _, x in ipairs(out) do dup = dup or x == v end
            if not dup then out[#out + 1] = v end
        end
    end
    return out
end

local REPORT_WIDTH = 100
local function wrapped(o, indent, label, text)
    local col = indent + #label
    local start = col
    local line = { string.rep(" ", indent), label }
    local first = true
    for w in text:gmatch("[^ ]+") do
        if col > start and col + 1 + #w > REPORT_WIDTH then
            line[#line + 1] = "\n" .. string.rep(" ", start)
            col = start
        elseif col > start then
            line[#line + 1] = " "
            col = col + 1
        end
        line[#line + 1] = w
        col = col + #w
        first = false
    end
    o[#o + 1] = table.concat(line) .. "\n"
end

-- C's printf("%.Nf") rounds the binary double; Lua's string.format does the same.
local RULE = string.rep("=", 84) .. "\n"

-- The flows (their numbers in the session) whose snaplen-cut evidence of
-- kind `bit` no other packet made up for, joined by `sep`, or nil.
local function hidden_flows(s, bit, sep)
    local l = {}
    for j, f in ipairs(s.flows) do
        if has(flow_hidden(f), bit) then l[#l + 1] = tostring(j) end
    end
    return #l > 0 and table.concat(l, sep) or nil
end

-- What the capture's snaplen cut away in a session's flows, by kind
-- (report.c not_captured_text).
local function not_captured_text(m, s, o)
    local head = false
    for b = 0, HIDDEN_COUNT_BITS - 1 do
        local bit = lshift(1, b)
        local l = hidden_flows(s, bit, " ")
        if l then
            if not head then
                o[#o + 1] = sfmt("  Not captured (snaplen %d bytes)\n", m.snaplen)
                head = true
            end
            wrapped(o, 4, "", sfmt("%s: flow%s %s", hidden_names[bit],
                                   l:find(" ", 1, true) and "s" or "", l):sub(1, 299))
        end
    end
end

-- The side of a plain STUN flow that asked: the client doing address
-- discovery (report.c stun_client). Only responses (an RFC 5780 test
-- answered from another address): the side that received them.
local function stun_client(f)
    if (f.binding_req[0] or false) ~= (f.binding_req[1] or false) then
        return f.binding_req[1] and 1 or 0
    end
    if not f.binding_req[0] and f.packets[1] == 0 then return 1 end
    return 0
end

-- STUN that is no call attempt (Binding requests without ICE attributes to
-- a STUN server from ports no call uses: address discovery, NAT behaviour
-- tests, RFC 5780), shown apart from the sessions (report.c).
local function stun_outside_text(m, o)
    local out = m.stun_outside
    if #out == 0 then return end
    o[#o + 1] = sfmt("\nSTUN activity outside calls: %d flow%s (STUN without ICE or media, from "
                     .. "ports no call uses: address discovery, NAT tests)\n", #out,
                     #out == 1 and "" or "s")
    o[#o + 1] = "  tr   client                 server                   sent  recv    first     last\n"
    for _, f in ipairs(out) do
        local c = stun_client(f)
        o[#o + 1] = sfmt("  %-4s %-22s %-22s %6d %5d %8.3f %8.3f\n", f.tcp and "tcp" or "udp",
                         ep_format(f.ep[c], true), ep_format(f.ep[1 - c], true), f.packets[c],
                         f.packets[1 - c], f.first_t, f.last_t)
        for _, v in ipairs(f.software) do
            local host, soft = v:match("^([^\t]*)\t(.*)$")
            o[#o + 1] = sfmt("       %-22s \"%s\"\n", host, soft)
        end
    end
end

-- The point of view, in words (report.c pov_text).
local function pov_text(p)
    local h = ep_format(p.host, false)
    if p.have then
        return sfmt("capture host %s (in %d of %d flows): local is that host, remote the other end",
                    h, p.flows_with, p.flows_total)
    elseif p.both_ends then
        return sfmt("no single capture host (%s is at both ends of every flow): the ends of each "
                    .. "flow are A and B", h)
    end
    return sfmt("no single capture host (%s and another host are each in %d of %d flows): the "
                .. "ends of each flow are A and B", h, p.flows_with, p.flows_total)
end

local function dc_first(d)
    if d.records[1] == 0 then return d.first_t[0] end
    if d.records[0] == 0 then return d.first_t[1] end
    return math.min(d.first_t[0], d.first_t[1])
end

local function dc_last(d)
    return math.max(d.records[0] > 0 and d.last_t[0] or 0, d.records[1] > 0 and d.last_t[1] or 0)
end

-- "Data channels" (report.c datachannel_text).
local function datachannel_text(s, pov, o)
    local head = false
    for j, f in ipairs(s.flows) do
        local d = flow_datachannel(f)
        if d then
            if not head then
                o[#o + 1] = pov.have
                    and "  Data channels: SCTP in DTLS application data, RFC 8261 (dir: > local to remote, < remote to local)\n"
                    or "  Data channels: SCTP in DTLS application data, RFC 8261 (dir: > A to B, < B to A)\n"
                o[#o + 1] = sfmt("  %-4s %-3s %8s %10s %8s %8s   %s\n", "flow", "dir", "records",
                                 "bytes", "first", "last", "first record")
                head = true
            end
            for dir = 0, 1 do
                local e = dir == 0 and f["local"] or 1 - f["local"]
                if d.records[e] > 0 then
                    o[#o + 1] = sfmt("  %-4d %-3s %8d %10d %8.3f %8.3f   frame %d\n", j,
                                     dir == 0 and ">" or "<", d.records[e], d.bytes[e],
                                     d.first_t[e], d.last_t[e], d.dir_first_frame[e])
                end
            end
            o[#o + 1] = sfmt("  %9s %d active period%s (records at most %.1f s apart)%s\n", "",
                             d.n_periods, d.n_periods == 1 and "" or "s",
                             R.thresholds.DC_PERIOD_GAP_S, d.n_periods > 0 and ":" or "")
            local n = math.min(d.n_periods, DC_MAX_PERIODS)
            for k = 1, n do
                local p = d.period[k]
                local line = sfmt("  %11s %8.3f - %8.3f s %8d record%s %10d bytes", "",
                                  p.first_t, p.last_t, p.records, p.records == 1 and " " or "s",
                                  p.bytes)
                if p.last_t > p.first_t then
                    line = line .. sfmt(" %9.1f kbit/s",
                                        p.bytes * 8.0 / (p.last_t - p.first_t) / 1000.0)
                end
                o[#o + 1] = line .. "\n"
            end
            if d.n_periods > n then
                o[#o + 1] = sfmt("  %11s ... %d more periods\n", "", d.n_periods - n)
            end
        end
    end
end

function M.report_text(m)
    M.finish(m)
    local o = {}
    local ss = m.sessions
    local pov = m.pov
    o[#o + 1] = RULE
    o[#o + 1] = sfmt("WebRTC sessions: %d    (times in seconds from the first packet)\n", #ss)
    if m.dropped_flows > 0 then
        o[#o + 1] = sfmt("Note: %d flows not tracked (flow limit reached)\n", m.dropped_flows)
    end
    if m.snaplen > 0 then
        o[#o + 1] = sfmt("Note: packets cut at %d bytes (snaplen): decisions are made on the "
                         .. "headers; what was cut away is listed per session\n", m.snaplen)
    end
    if m.not_counted_total > 0 then
        wrapped(o, 0, "Note: ", sfmt("one pass: %d RTP packets came before their flow or SSRC "
                .. "was recognised; this run shows them as UDP, and neither its RTP taps nor "
                .. "this summary count them (tshark -2 does)", m.not_counted_total))
    end
    if #ss > 0 then wrapped(o, 0, "Point of view: ", pov_text(pov)) end
    for _, s in ipairs(ss) do
        local streams, flow_of = session_streams(s)
        local function pl(n, w) return n == 1 and w or w .. "s" end
        o[#o + 1] = sfmt("\nSession %d   %.3f - %.3f s (%.3f s)   %d %s, %d %s, %d %s\n", s.id,
            s.first_t, s.last_t, s.last_t - s.first_t, #s.legs, pl(#s.legs, "leg"),
            #s.flows, pl(#s.flows, "flow"), #streams, pl(#streams, "stream"))
        local tr = M.traits_of(s.flows, m.tls)
        local _, score, ev = M.verdict_of(tr, true)
        local tl = {}
        for k = 1, N_TRAITS do
            tl[#tl + 1] = (tr.on[k] and "+" or tr.unknown[k] and "?" or "-") .. R.traits[k]
        end
        o[#o + 1] = sfmt("  Verdict: %s (score %d)\n",
                         verdict_names[M.session_verdict(s, m.tls)], score)
        wrapped(o, 2, "traits: ", table.concat(tl, " "))
        for _, e in ipairs(ev) do wrapped(o, 4, "", e) end
        for _, e in ipairs(s.evidence) do wrapped(o, 2, "joined by: ", e) end
        for _, l in ipairs(s.legs) do
            local lv, lscore = M.leg_verdict(l, m.tls)
            local ids = {}
            for _, f in ipairs(l.flows) do ids[#ids + 1] = " " .. flow_id(s, f) end
            o[#o + 1] = sfmt("  Leg %d: flow%s%s   verdict %s (score %d)\n", l.id,
                             #l.flows == 1 and "" or "s", table.concat(ids), verdict_names[lv],
                             lscore)
            for _, e in ipairs(l.evidence) do wrapped(o, 4, "linked by: ", e) end
        end
        o[#o + 1] = "  Flows\n"
        o[#o + 1] = sfmt("  %-3s %-3s %-4s %-22s %-22s %s\n", "#", "leg", "tr",
                         pov.have and "local" or "A", pov.have and "remote" or "B",
                         pov.have and "remote role" or "role of B")
        for j, f in ipairs(s.flows) do
            local lo = f["local"]
            o[#o + 1] = sfmt("  %-3d %-3d %-4s %-22s %-22s %s\n", j, f.leg, f.tcp and "tcp" or "udp",
                             ep_format(f.ep[lo], true), ep_format(f.ep[1 - lo], true),
                             role_names[f.remote_role])
            o[#o + 1] = sfmt("  %12s %s\n", "", contents_text(f))
            o[#o + 1] = sfmt("  %12s %s, %d pkts, %d bytes, %.3f - %.3f s\n", "", direction(f),
                             f.packets[0] + f.packets[1], f.bytes[0] + f.bytes[1], f.first_t,
                             f.last_t)
            if f.dropped_streams > 0 then
                o[#o + 1] = sfmt("  %12s %d more SSRCs not tracked (limit of streams per flow)\n",
                                 "", f.dropped_streams)
            end
            local nc = m.not_counted[flow_key(f.tcp, f.ep[0], f.ep[1])]
            if nc then
                o[#o + 1] = sfmt("  %12s %d RTP packets before the flow or SSRC was recognised "
                                 .. "(one pass: shown as UDP, not counted)\n", "", nc)
            end
            if #f.channels > 0 then
                local chs = {}
                for _, ch in ipairs(f.channels) do chs[#chs + 1] = sfmt(" 0x%04x", ch) end
                o[#o + 1] = sfmt("  %12s TURN channels%s\n", "", table.concat(chs))
            end
        end
        if #streams > 0 then
            o[#o + 1] = pov.have and "  Streams (dir: > local to remote, < remote to local)\n"
                        or "  Streams (dir: > A to B, < B to A)\n"
            o[#o + 1] = sfmt("  %-4s %-3s %-10s %-11s %-7s %-6s %-14s %s\n", "flow", "dir", "SSRC",
                             "PT", "media", "clock", "codec guess", "evidence")
            o[#o + 1] = sfmt("  %23s %8s %9s %8s %8s %7s %8s %6s %9s\n", "", "pkts", "bytes",
                             "first", "last", "dur", "kbit/s", "loss", "jitter ms")
        end
        for j, st in ipairs(streams) do
            local fid = flow_of[j]
            local f = s.flows[fid]
            local codec, cev = codec_guess(st)
            local clock = st.clock_rate ~= 0 and tostring(st.clock_rate) or "?"
            o[#o + 1] = sfmt("  %-4d %-3s 0x%08x %-11s %-7s %-6s %-14s %s\n", fid,
                             st.dir == f["local"] and ">" or "<", st.ssrc,
                             table.concat(pts_list(st), ","), stream_media(st), clock, codec, cev)
            o[#o + 1] = sfmt("  %23s %8d %9d %8.3f %8.3f %7.3f %8.1f %5.1f%% %9.2f\n",
                             st.srtp and "SRTP" or "RTP", st.packets, st.bytes, st.first_t,
                             st.last_t, st.last_t - st.first_t, bitrate_kbps(st),
                             stream_loss(st) * 100.0, st.jitter_s * 1000.0)
            o[#o + 1] = sfmt("  %23s lost %d, duplicates %d, out of order %d; "
                             .. "max gap %.1f ms at %.3f; jitter ms mean %.2f, max %.2f\n", "",
                             stream_lost(st), st.duplicates, st.out_of_order,
                             st.max_gap_s * 1000.0, st.max_gap_at, jitter_mean_ms(st),
                             st.jitter_max_s * 1000.0)
            o[#o + 1] = rr_text(s, f, st)
            if st.n_events > 0 then
                local line = sfmt("  %23s digits: ", "") .. table.concat(st.digits, " ")
                if st.n_events > MAX_DIGITS then
                    line = line .. sfmt(" ... (%d events)", st.n_events)
                end
                o[#o + 1] = line .. "\n"
            end
        end
        same_ssrc_text(s, streams, flow_of, o)
        datachannel_text(s, pov, o)
        local sw = servers(s)
        if #sw > 0 then
            o[#o + 1] = "  STUN/TURN SOFTWARE\n"
            for _, v in ipairs(sw) do
                local host, soft = v:match("^([^\t]*)\t(.*)$")
                local line = sfmt("    %-24s \"%s\"", host, soft)
                local prod, ver = M.software_identify(soft)
                if prod then
                    line = line .. ": " .. prod .. (ver ~= "" and " " or "") .. ver
                end
                o[#o + 1] = line .. "\n"
            end
        end
        not_captured_text(m, s, o)
        if #s.related > 0 then
            o[#o + 1] = "  Related sessions\n"
            for _, r in ipairs(s.related) do wrapped(o, 4, "", r) end
        end
    end
    stun_outside_text(m, o)
    o[#o + 1] = RULE
    return table.concat(o)
end

-- JSON (report.c wrtc_report_json): the same key order and number formats.
local function js(s)
    if s == nil then return "null" end
    return '"' .. s:gsub('[%c"\\]', function(c)
        if c == '"' or c == "\\" then return "\\" .. c end
        return sfmt("\\u%04x", sbyte(c))
    end) .. '"'
end

local function jstrs(a)
    local out = {}
    for _, x in ipairs(a) do out[#out + 1] = js(x) end
    return "[" .. table.concat(out, ",") .. "]"
end

local function jeps(a)
    local out = {}
    for _, e in ipairs(a) do out[#out + 1] = js(ep_format(e, true)) end
    return "[" .. table.concat(out, ",") .. "]"
end

local function json_traits(t)
    local out = {}
    for k = 1, N_TRAITS do
        local v
        if t.on[k] then
            v = sfmt('{"value":true,"frame":%d,"evidence":%s}', t.frame[k], js(t.detail[k]))
        elseif t.unknown[k] then
            -- value null: not observable, and "evidence" says why.
            v = sfmt('{"value":null,"frame":null,"evidence":%s}', js(t.detail[k]))
        else
            v = '{"value":false,"frame":null,"evidence":null}'
        end
        out[#out + 1] = js(R.traits[k]) .. ":" .. v
    end
    return "{" .. table.concat(out, ",") .. "}"
end

local function json_verdict(flows, tls, override)
    local t = M.traits_of(flows, tls)
    local v, score, ev = M.verdict_of(t, true)
    local fps = {}
    for b = 0, FP_COUNT_BITS - 1 do
        local bit = lshift(1, b)
        if has(t.fingerprints, bit) then
            fps[#fps + 1] = sfmt('{"name":%s,"frame":%d}', js(fp_names[bit]), t.fp_frame[b])
        end
    end
    return sfmt('"verdict":%s,"score":%d,"traits":%s,"verdict_evidence":%s,"fingerprints":[%s]',
                js(override or verdict_names[v]), score, json_traits(t), jstrs(ev),
                table.concat(fps, ","))
end

-- flows[].datachannel (report.c json_datachannel); null: none.
local function json_datachannel(f)
    local d = flow_datachannel(f)
    if not d then return "null" end
    local l, r = f["local"], 1 - f["local"]
    local ps = {}
    for k = 1, math.min(d.n_periods, DC_MAX_PERIODS) do
        local p = d.period[k]
        ps[#ps + 1] = sfmt('{"first":%.3f,"last":%.3f,"records":%d,"bytes":%d}', p.first_t,
                           p.last_t, p.records, p.bytes)
    end
    return "{" .. table.concat({
        sfmt('"records":%d', d.records[0] + d.records[1]),
        sfmt('"bytes":%d', d.bytes[0] + d.bytes[1]),
        sfmt('"records_sent":%d', d.records[l]), sfmt('"records_received":%d', d.records[r]),
        sfmt('"bytes_sent":%d', d.bytes[l]), sfmt('"bytes_received":%d', d.bytes[r]),
        sfmt('"first":%.3f', dc_first(d)), sfmt('"last":%.3f', dc_last(d)),
        sfmt('"first_frame":%d', d.first_frame), sfmt('"periods_total":%d', d.n_periods),
        '"periods":[' .. table.concat(ps, ",") .. "]",
    }, ",") .. "}"
end

local function json_flow(m, f, id)
    local lo = f["local"]
    local cs = {}
    local fc = f.contents
    if not flow_datachannel(f) then fc = band(fc, bnot(C.DTLS_APP)) end
    for _, row in ipairs(CONTENTS) do if has(fc, row[1]) then cs[#cs + 1] = js(row[3]) end end
    local chs = {}
    for _, ch in ipairs(f.channels) do chs[#chs + 1] = tostring(ch) end
    local dn = dtls_name(f.dtls_version)
    return "{" .. table.concat({
        sfmt('"id":%d', id), sfmt('"leg":%d', f.leg),
        sfmt('"transport":%s', js(f.tcp and "tcp" or "udp")),
        sfmt('"local":%s', js(ep_format(f.ep[lo], true))),
        sfmt('"remote":%s', js(ep_format(f.ep[1 - lo], true))),
        sfmt('"remote_role":%s', js(role_names[f.remote_role])),
        sfmt('"direction":%s', js(direction(f))),
        '"contents":[' .. table.concat(cs, ",") .. "]",
        '"dtls_version":' .. (dn and js(dn) or "null"),
        '"rtcp_mux":' .. (f.rtcp_mux and "true" or "false"),
        '"turn_channels":[' .. table.concat(chs, ",") .. "]",
        '"turn_relayed":' .. jeps(f.relayed), '"turn_peers":' .. jeps(f.peers),
        '"ice_ufrag_pairs":' .. jstrs(f.ice_pairs), '"sip_call_ids":' .. jstrs(f.call_ids),
        sfmt('"packets":%d', f.packets[0] + f.packets[1]),
        sfmt('"bytes":%d', f.bytes[0] + f.bytes[1]),
        sfmt('"first":%.3f', f.first_t), sfmt('"last":%.3f', f.last_t),
        sfmt('"dropped_streams":%d', f.dropped_streams),
        sfmt('"rtp_not_counted":%d', m.not_counted[flow_key(f.tcp, f.ep[0], f.ep[1])] or 0),
        '"datachannel":' .. json_datachannel(f),
    }, ",") .. "}"
end

local function json_stream(s, f, st, fid)
    local g = stream_guess(st)
    return "{" .. table.concat({
        sfmt('"flow":%d', fid),
        sfmt('"direction":%s', js(st.dir == f["local"] and "local->remote" or "remote->local")),
        sfmt('"src":%s', js(ep_format(f.ep[st.dir], true))),
        sfmt('"dst":%s', js(ep_format(f.ep[1 - st.dir], true))),
        sfmt('"ssrc":%s', js(sfmt("0x%08x", st.ssrc))),
        '"payload_types":[' .. table.concat(pts_list(st), ",") .. "]",
        sfmt('"media":%s', js(g.media)), sfmt('"clock_rate":%d', st.clock_rate),
        sfmt('"codec_guess":%s', js(g.codec)),
        sfmt('"codec_confidence":%s', js(g.confidence_name)),
        sfmt('"codec_evidence":%s', js(g.evidence)),
        '"srtp":' .. (st.srtp and "true" or "false"),
        -- SRTP decryption: the Lua fallback decrypts nothing (docs/lua-compat.md).
        '"decrypted":false', '"decrypted_packets":0', '"key_source":null', '"auth_failures":0',
        sfmt('"packets":%d', st.packets), sfmt('"bytes":%d', st.bytes),
        sfmt('"first":%.3f', st.first_t), sfmt('"last":%.3f', st.last_t),
        sfmt('"duration":%.3f', st.last_t - st.first_t),
        sfmt('"bitrate_kbps":%.1f', bitrate_kbps(st)), sfmt('"loss":%.4f', stream_loss(st)),
        sfmt('"jitter_ms":%.2f', st.jitter_s * 1000.0),
        sfmt('"jitter_mean_ms":%.2f', jitter_mean_ms(st)),
        sfmt('"jitter_max_ms":%.2f', st.jitter_max_s * 1000.0),
        sfmt('"max_gap_ms":%.1f', st.max_gap_s * 1000.0), sfmt('"max_gap_at":%.3f', st.max_gap_at),
        sfmt('"lost":%d', stream_lost(st)), sfmt('"duplicates":%d', st.duplicates),
        sfmt('"out_of_order":%d', st.out_of_order), same_ssrc_json(s, f, st),
        st.n_events > 0 and sfmt('"digits":%s', js(table.concat(st.digits))) or '"digits":null',
        sfmt('"events":%d', st.n_events), rr_json(s, f, st),
    }, ",") .. "}"
end



function M.report_json(m)
    M.finish(m)
    local out = {}
    for _, s in ipairs(m.sessions) do
        local streams, flow_of = session_streams(s)
        local legs, flows, sts, svs, rel = {}, {}, {}, {}, {}
        for _, l in ipairs(s.legs) do
            local ids = {}
            for _, f in ipairs(l.flows) do ids[#ids + 1] = tostring(flow_id(s, f)) end
            legs[#legs + 1] = sfmt('{"id":%d,"flows":[%s],"evidence":%s,%s}', l.id,
                                   table.concat(ids, ","), jstrs(l.evidence),
                                   json_verdict(l.flows, m.tls, nil))
        end
        for j, f in ipairs(s.flows) do flows[#flows + 1] = json_flow(m, f, j) end
        for j, st in ipairs(streams) do
            sts[#sts + 1] = json_stream(s, s.flows[flow_of[j]], st, flow_of[j])
        end
        for _, v in ipairs(servers(s)) do
            local host, soft = v:match("^([^\t]*)\t(.*)$")
            local prod, ver = M.software_identify(soft)
            svs[#svs + 1] = sfmt('{"endpoint":%s,"software":%s,"product":%s,"version":%s}',
                                 js(host), js(soft), prod and js(prod) or "null",
                                 (prod and ver ~= "") and js(ver) or "null")
        end
        for j, r in ipairs(s.related) do
            rel[#rel + 1] = sfmt('{"session":%d,"evidence":%s}', s.related_ids[j], js(r))
        end
        local nc = {}
        for b = 0, HIDDEN_COUNT_BITS - 1 do
            local bit = lshift(1, b)
            local l = hidden_flows(s, bit, ",")
            if l then
                nc[#nc + 1] = sfmt('{"what":%s,"description":%s,"flows":[%s]}', js(hidden_json[bit]),
                                   js(hidden_names[bit]), l)
            end
        end
        out[#out + 1] = "{" .. table.concat({
            sfmt('"id":%d', s.id), sfmt('"first":%.3f', s.first_t), sfmt('"last":%.3f', s.last_t),
            sfmt('"duration":%.3f', s.last_t - s.first_t), '"evidence":' .. jstrs(s.evidence),
            json_verdict(s.flows, m.tls, verdict_names[M.session_verdict(s, m.tls)]),
            '"legs":[' .. table.concat(legs, ",") .. "]",
            '"flows":[' .. table.concat(flows, ",") .. "]",
            '"streams":[' .. table.concat(sts, ",") .. "]",
            -- decrypted data channels: C only (docs/lua-compat.md); the
            -- Lua fallback decrypts no DTLS
            '"datachannels":[]',
            '"servers":[' .. table.concat(svs, ",") .. "]",
            '"not_captured":[' .. table.concat(nc, ",") .. "]",
            '"related":[' .. table.concat(rel, ",") .. "]",
        }, ",") .. "}"
    end
    local so = {}
    for _, f in ipairs(m.stun_outside) do
        local c = stun_client(f)
        local sw = {}
        for _, v in ipairs(f.software) do sw[#sw + 1] = v:match("\t(.*)$") end
        so[#so + 1] = "{" .. table.concat({
            sfmt('"transport":%s', js(f.tcp and "tcp" or "udp")),
            sfmt('"client":%s', js(ep_format(f.ep[c], true))),
            sfmt('"server":%s', js(ep_format(f.ep[1 - c], true))),
            sfmt('"packets_sent":%d', f.packets[c]), sfmt('"packets_received":%d', f.packets[1 - c]),
            sfmt('"first":%.3f', f.first_t), sfmt('"last":%.3f', f.last_t),
            sfmt('"first_frame":%d', f.first_frame), '"software":' .. jstrs(sw),
        }, ",") .. "}"
    end
    -- "local"/"remote" in flows and streams are the capture host's ends
    -- when capture_host is set, else ends A and B.
    local pov = m.pov
    local pv = sfmt('{"capture_host":%s,"flows_with_host":%d,"flows":%d,"how":%s}',
                    pov.have and js(ep_format(pov.host, false)) or "null", pov.flows_with,
                    pov.flows_total, js(pov_text(pov)))
    return sfmt('{"schema_version":%d,"dropped_flows":%d,"snaplen":%s,"point_of_view":%s,'
                .. '"rtp_not_counted":%d,'
                .. '"sessions":[%s],"stun_outside_calls":[%s]}\n', R.summary_schema_version,
                m.dropped_flows, m.snaplen > 0 and tostring(m.snaplen) or "null", pv,
                m.not_counted_total,
                table.concat(out, ","), table.concat(so, ","))
end

function M.init(rules) R = rules end

return M
