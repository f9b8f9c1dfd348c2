"""A tshark sandbox (tests/lib/wstest.py) with a readable copy of
lua-compat/ and the `-X lua_script:` argument that loads it."""
import os
import shutil
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "lib"))
import wstest  # noqa: E402

STEP_ASIDE = "webrtc.lua: the webrtc C plugin is loaded; the Lua fallback steps aside\n"


def lua_sandbox(with_plugin):
    ts = wstest.Tshark(with_plugin=with_plugin)
    ts.lua = os.path.join(ts.files, "lua-compat")
    shutil.copytree(os.path.join(wstest.REPO, "lua-compat"), ts.lua)
    for dirpath, dirnames, filenames in os.walk(ts.lua):
        os.chmod(dirpath, 0o755)
        for f in filenames:
            os.chmod(os.path.join(dirpath, f), 0o644)
    ts.lua_arg = ["-X", "lua_script:" + os.path.join(ts.lua, "webrtc.lua")]
    return ts


# A failing comparison of two tshark outputs must report in seconds:
# unittest's assertEqual diffs long strings and lists with difflib.ndiff
# over all of them, which took minutes on a large mismatch (lua.baresip-
# register). This finds the first differing line and diffs a bounded
# window around it only.
DIFF_WINDOW = 60
LINE_MAX = 300


def text_difference(got, want, what=""):
    """None when `got` equals `want` (strings or lists of lines), else a
    short report: the first differing line (for a long line such as a JSON
    summary, the first differing character with some context) and a
    unified diff of at most DIFF_WINDOW lines from there, each cut to
    LINE_MAX characters (got = Lua, want = C plugin)."""
    import difflib
    if got == want:
        return None
    a = got.splitlines() if isinstance(got, str) else list(got)
    b = want.splitlines() if isinstance(want, str) else list(want)
    i = 0
    while i < len(a) and i < len(b) and a[i] == b[i]:
        i += 1
    out = ["%s: outputs differ from line %d (Lua %d lines, C %d lines)" % (
        what, i + 1, len(a), len(b))]
    if i < len(a) and i < len(b) and max(len(a[i]), len(b[i])) > LINE_MAX:
        x, y = a[i], b[i]
        k = 0
        while k < len(x) and k < len(y) and x[k] == y[k]:
            k += 1
        lo = max(0, k - 150)
        out.append("first difference at character %d:\n  C:   ...%s...\n  Lua: ...%s..." % (
            k + 1, y[lo:k + 250], x[lo:k + 250]))
    lo = max(0, i - 3)
    cut = [l[:LINE_MAX] for l in b[lo:i + DIFF_WINDOW]], [l[:LINE_MAX] for l in a[lo:i + DIFF_WINDOW]]
    diff = list(difflib.unified_diff(cut[0], cut[1], "C plugin", "Lua", n=3, lineterm=""))
    out.extend(diff[:DIFF_WINDOW + 10])
    return "\n".join(out)


def assert_same_text(test, got, want, what=""):
    msg = text_difference(got, want, what)
    if msg:
        test.fail(msg)
