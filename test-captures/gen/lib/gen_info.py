#!/usr/bin/python3
"""Software versions for a ground truth's "software" (GROUND-TRUTH.md).

Shared by the capture generators' build_truth.py (the older ones still carry
their own copy of dpkg_version)."""
import datetime
import os
import subprocess


def dpkg_version(pkg):
    """The installed Debian version of pkg, or None."""
    r = subprocess.run(["dpkg-query", "-W", "-f=${Version}", pkg], capture_output=True, text=True)
    return r.stdout.strip() or None


def software(packages, **known):
    """{label: version}: `known` as given, then each (label, Debian package)
    of `packages` that is installed, then dumpcap/tshark and the kernel."""
    out = dict(known)
    for label, pkg in list(packages) + [("dumpcap", "wireshark-common"), ("tshark", "tshark")]:
        v = dpkg_version(pkg)
        if v:
            out[label] = v
    out["kernel"] = os.uname().release
    return {k: v for k, v in out.items() if v}


def truth_head(capture, generator, software_versions, packets, duration):
    """The first members of a ground truth (GROUND-TRUTH.md), in order."""
    return {"schema_version": 1, "capture": capture, "generator": generator,
            "generated": datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ"),
            "software": software_versions, "packets": packets, "duration_s": round(duration, 3)}
