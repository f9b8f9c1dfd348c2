#!/bin/bash
# Regenerates test-captures/tcp-loss/chromium-firefox-turn-tcp-loss.pcapng and
# .json: ../chromium-firefox-turn-tcp with 1 % of the Chromium <-> coturn TCP
# segments dropped in the router namespace (captured out of order on the
# server, as the later retransmission). See ../chromium-firefox-turn-tcp/README.md.
exec env TURN_TRANSPORT=tcp-loss "$(cd "$(dirname "$0")" && pwd)/../chromium-firefox-turn/generate.sh" "$@"
