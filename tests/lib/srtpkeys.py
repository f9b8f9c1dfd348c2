"""Key preferences for the keyed captures (ground truth "keys"), shared by
tests/capture/test_decryption.py and tests/player/test_player.py: the right
keys as a user sets them, and wrong ones that must leave everything
encrypted."""
import base64
import os
import shutil

import wstest


def keys_of(gt):
    return [k for c in gt["calls"] for k in c.get("keys", [])]


def keyfile(ts, name, text=None):
    """A readable copy of test-captures/NAME in the sandbox (or TEXT)."""
    dst = os.path.join(ts.files, name)
    if text is None:
        shutil.copy(os.path.join(wstest.CAPTURES, name), dst)
    else:
        with open(dst, "w") as f:
            f.write(text)
    os.chmod(dst, 0o644)
    return dst


def right_prefs(ts, keys):
    """SDES needs nothing (on by default); DTLS: -o webrtc.srtp_keylog:NAME.keys;
    table keys: the SRTP keys table."""
    prefs = []
    logs = {k["keylog"] for k in keys if k["source"] == "dtls-keylog"}
    assert len(logs) <= 1
    for log in logs:
        prefs += ["-o", "webrtc.srtp_keylog:" + keyfile(ts, log)]
    # Keys with no exchange on the wire ("table"): one table row per SSRC,
    # or per sender endpoint for a key with no SSRC (wstest.table_key_rows).
    prefs += [x for _, row in wstest.table_key_rows(keys) for x in ("-o", row)]
    return prefs


def wrong_prefs(ts, keys):
    """Key sources that are all wrong: the SDES key with one bit of the
    master key flipped, in the user table (SDES from the SDP off); or a key
    log whose secrets are altered. Returns (prefs, where the expert info
    says the key came from)."""
    k = keys[0]
    if k["source"] in ("sdes", "table"):
        prefs = ["-o", "webrtc.srtp_sdes:FALSE"]
        for key in keys:
            raw = bytearray(base64.b64decode(key["key_salt_b64"]))
            raw[0] ^= 1
            src = key["flow"].split(" -> ")[0].rsplit(":", 1)[0]
            prefs += ["-o", 'uat:webrtc_srtp_keys:"","%s","","%s","%s",""' % (
                src, key["suite"], base64.b64encode(bytes(raw)).decode())]
        return prefs, "the SRTP keys table row"
    with open(os.path.join(wstest.CAPTURES, k["keylog"])) as f:
        lines = []
        for line in f:
            p = line.split()
            if len(p) == 3 and p[0] in ("EXPORTER_SECRET", "CLIENT_RANDOM"):
                p[2] = ("%x" % (int(p[2][0], 16) ^ 1)) + p[2][1:]
            lines.append(" ".join(p) + "\n")
    path = keyfile(ts, "wrong-" + k["keylog"], "".join(lines))
    return ["-o", "webrtc.srtp_keylog:" + path], "frame %d" % k["dtls"]["server_hello_frame"]
