/* thresholds.h — every number the heuristics decide with, in one place.
 *
 * Pure C, no epan includes. Each value says why it is what it is; change one
 * here and the unit tests, the capture tests and docs/heuristics.md follow.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#ifndef WRTC_THRESHOLDS_H
#define WRTC_THRESHOLDS_H

/* --- Corroboration of RTP on a 5-tuple without ICE/DTLS context ---------- */

/* Consecutive packets of one SSRC in one direction that must agree (same
 * SSRC, small sequence steps, timestamps advancing like a media clock)
 * before an unknown UDP flow is taken as RTP. Four packets are 80 ms of
 * 20 ms audio; the chance that four random datagrams repeat a 32-bit SSRC
 * is 2^-96. */
#define WRTC_CORROBORATE_PACKETS 4

/* Largest forward sequence-number step still counted as "the next packet"
 * (losses of up to this many packets in a row). RFC 3550 A.1 uses
 * MAX_DROPOUT 3000 for an established source; a newcomer gets much less. */
#define WRTC_MAX_SEQ_STEP 16

/* Reordering tolerated (packets arriving up to this many sequence numbers
 * late) without resetting the candidate track. */
#define WRTC_MAX_SEQ_BACKSTEP 4

/* Media clocks tried when relating RTP timestamps to capture time: the
 * clock rates of nearly every audio and video payload in use (RFC 3551
 * §4.5/§5 and the RTP payload formats of Opus, G.722, AMR-WB, VP8/9, H.264).
 * 44.1 kHz and 32 kHz are rare but legal. */
#define WRTC_CLOCK_RATES { 8000, 16000, 32000, 44100, 48000, 90000 }
#define WRTC_CLOCK_RATES_N 6

/* Timestamp advance must match elapsed capture time at one of those rates
 * within this relative error plus the absolute jitter allowance below.
 * Capture clocks and sender clocks drift by far less; network jitter is
 * what this absorbs. */
#define WRTC_CLOCK_REL_TOLERANCE 0.05
#define WRTC_CLOCK_JITTER_S      0.060

/* A video frame sent as several packets shares one timestamp, so its
 * packets prove nothing about the clock. They corroborate instead when
 * WRTC_CORROBORATE_PACKETS of them follow each other (sequence +1) within
 * WRTC_BURST_MAX_S with payloads of at least WRTC_BURST_MIN_PAYLOAD bytes
 * differing by at most WRTC_BURST_SIZE_SPREAD: a packetizer cuts a frame
 * into fragments of the path's payload size (libwebrtc balances them to
 * within a byte, GStreamer and most others cut at the MTU). */
#define WRTC_BURST_MIN_PAYLOAD 100
#define WRTC_BURST_SIZE_SPREAD 2
#define WRTC_BURST_MAX_S       0.100

/* Capture-time gap after which a candidate track starts again. */
#define WRTC_TRACK_MAX_GAP_S 5.0

/* --- RTP header sanity (RFC 3550 §5.1) ---------------------------------- */

/* RFC 5761 §4: payload types 64-95 must not be used for RTP when RTP and
 * RTCP share a port; with the marker bit they are RTCP 192-223. Chrome puts
 * video PTs in 35-63 once 96-127 are used up, so 35-63 are plausible. */
#define WRTC_RTCP_CONFLICT_PT_FIRST 64
#define WRTC_RTCP_CONFLICT_PT_LAST  95

/* --- SRTP or plain RTP (payload byte distribution) ---------------------- */

/* Payload bytes to collect before judging whether payloads are encrypted,
 * and the chi-square statistic (255 degrees of freedom) below which the
 * bytes count as uniformly random. For uniform bytes the statistic has
 * mean 255 and standard deviation ~22.6; 400 is > 6 sigma away, while
 * G.711, PCM, Opus/VP8 payload headers and text payloads score in the
 * thousands. */
#define WRTC_ENTROPY_MIN_BYTES   2048
#define WRTC_ENTROPY_CHI2_RANDOM 400.0

/* Compressed media (Opus, VP8) is nearly uniform in bulk too, but every
 * payload starts with a codec header (Opus TOC, VP8 payload descriptor,
 * H.264 NAL header) that repeats from packet to packet. The first payload
 * byte of this many packets is kept; ciphertext gives almost all distinct
 * values (16 random bytes: 15.5 distinct on average), codec headers a few. */
#define WRTC_ENTROPY_FIRST_BYTES      16
#define WRTC_ENTROPY_FIRST_DISTINCT   10

/* A short flow may be judged encrypted earlier: this many packets whose
 * first payload bytes nearly all differ, at most one in eight repeated
 * (random bytes: 16 of 256 have at most two repeats with probability 0.99;
 * a codec header repeats at once) and
 * this many payload bytes under the same chi-square bound (expected count 2
 * per value: the statistic keeps its mean of 255). */
#define WRTC_ENTROPY_EARLY_PACKETS    8
#define WRTC_ENTROPY_EARLY_BYTES      512

/* --- RFC 4733 telephone events ------------------------------------------ */

/* A payload type is an event stream only if this many of its packets
 * validated as event blocks and none failed (any failure rejects it). */
#define WRTC_EVENT_MIN_PACKETS 3
/* Event packets are sent every 50 ms by default (RFC 4733 §2.5.1.2); a PT
 * sending faster than this on average is media, not events. */
#define WRTC_EVENT_MIN_INTERVAL_S 0.010
/* Event payloads: 4-byte blocks, or RFC 2198 redundancy of a few blocks. */
#define WRTC_EVENT_MAX_PAYLOAD 64

/* --- ICE checks -------------------------------------------------------- */

/* Attribute bytes an ICE connectivity check cannot do without: USERNAME of
 * at least "a:b" (8), PRIORITY (8), ICE-CONTROLLED/-CONTROLLING (12) and
 * MESSAGE-INTEGRITY (24) (RFC 8445 §7.1, RFC 8489 §14). A Binding request
 * with fewer is plain STUN even when the snaplen cut its attributes. */
#define WRTC_ICE_CHECK_MIN_ATTRS 52

/* --- Grouping flows into calls (core/session.c) ------------------------- */

/* Two 5-tuples of one socket belong to one call when they are active within
 * this many seconds of each other (a port reused by a later call is not). */
#define WRTC_SOCKET_OVERLAP_S 5.0

/* An SSRC below this is not taken as a random one (RFC 3550 §8.1) when
 * joining legs: apps assign small SSRCs (0 for padding probes, RingRTC's
 * fixed values, SFU-assigned ones) that recur across calls. A random SSRC
 * is this small once in 4096. */
#define WRTC_SSRC_RANDOM_MIN 1048576  /* 0x00100000 */

/* ICE/DTLS transports between the same two hosts whose first packets are
 * this close are one call set up without BUNDLE (one transport per m=
 * line, gathered and checked together). */
#define WRTC_PARALLEL_START_S 2.0

/* Binding requests from one side only, with media both ways, before the
 * other side is taken for an ICE-lite server (RFC 8445 §2.5): a full agent
 * sends consent checks every ~5 s (RFC 7675 §5.1), so three from one side
 * and none from the other span some 15 s. */
#define WRTC_ICE_LITE_MIN_CHECKS 3

/* --- Bounded state ------------------------------------------------------ */

/* Dynamic payload types tracked per flow for event validation. */
#define WRTC_MAX_PT_TRACKED 16

/* --- Data channels (DTLS application data on an ICE transport) ---------- */

/* Records of a data channel more than this far apart start a new active
 * period: a file transfer is one dense period, a chat a trickle of short
 * ones, SCTP heartbeats (RFC 9260 §8.3, every 30 s by default in usrsctp)
 * periods of a record or two. One second: a transfer in progress sends
 * far more often (its SACKs come within 200 ms, RFC 9260 §6.2), a person
 * types a chat line more slowly. */
#define WRTC_DC_PERIOD_GAP_S 1.0

#endif /* WRTC_THRESHOLDS_H */
