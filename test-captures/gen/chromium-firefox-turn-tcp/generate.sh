#!/bin/bash
# Regenerates test-captures/chromium-firefox-turn-tcp.pcapng and .json: the
# call of ../chromium-firefox-turn with Chromium reaching coturn over TCP
# through a veth with a 300-byte MTU (TURN ChannelData split across TCP
# segments and several messages in one). See README.md here.
exec env TURN_TRANSPORT=tcp "$(cd "$(dirname "$0")" && pwd)/../chromium-firefox-turn/generate.sh" "$@"
