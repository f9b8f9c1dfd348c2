#!/bin/bash
# Regenerates test-captures/gst-dtmf-only.{pcapng,json}: ../gst-h263/generate.sh
# with MODE=dtmf (GStreamer rtpdtmfsrc, RFC 4733 events alone). See README.md.
exec env MODE=dtmf "$(cd "$(dirname "$0")/../gst-h263" && pwd)/generate.sh" "$@"
