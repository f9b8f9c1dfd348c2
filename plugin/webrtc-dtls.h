/* webrtc-dtls.h — what DTLS carries on a WebRTC flow, once decrypted: SCTP
 * (data channels, RFC 8261) from Wireshark's DTLS 1.2 decryption, and DTLS
 * 1.3 records (RFC 9147), which Wireshark 4.0 does not dissect, decrypted
 * here with the key log's traffic secrets.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#ifndef WEBRTC_DTLS_H
#define WEBRTC_DTLS_H

#include "webrtc-plugin.h"

#include "dtls13.h"
#include "session.h"

/* file scope, + the tvb's raw offset: the DTLS 1.3 records decrypted in a
 * datagram on the first pass */
#define WEBRTC_PDATA_DTLS13 0x200

void webrtc_dtls_register(void);
void webrtc_dtls_handoff(void);

/* The unified-header records of a datagram the demultiplexer has just
 * handed to Wireshark's DTLS dissector (which shows them as continuation
 * data): decrypted when the key log has their keys, shown as a data source
 * "Decrypted DTLS 1.3", application data to SCTP. */
void webrtc_dtls13_dissect(tvbuff_t *tvb, packet_info *pinfo, proto_tree *tree);

/* webrtc-srtp-keys.c: read this frame's DTLS handshake fields now (the
 * ServerHello and the first encrypted records share a datagram, and the
 * keys postdissector would come too late for them), and the DTLS 1.3
 * record keys of the packet's sender for an epoch (2: handshake, 3:
 * application data; NULL: unknown). */
void webrtc_dtls_keys_read_frame(packet_info *pinfo, proto_tree *tree);
wrtc_dtls13_keys_t *webrtc_dtls13_record_keys(packet_info *pinfo, unsigned epoch_bits);

/* webrtc-dsb.c: the TLS key log lines of the Decryption Secrets Blocks of
 * the capture file being read, each block's text given to cb. */
typedef void (*webrtc_dsb_cb_t)(const guint8 *data, guint len);
void webrtc_dsb_read(webrtc_dsb_cb_t cb);

/* webrtc-datachannel.c: SCTP DATA chunks and DCEP messages of the packet,
 * from Wireshark's SCTP and rtcdc fields, for the session model. */
void webrtc_datachannel_handoff(void);
void webrtc_datachannel_wanted(GArray *wanted);
void webrtc_datachannel_read(packet_info *pinfo, proto_tree *tree, wrtc_fact_t *f);

#endif
